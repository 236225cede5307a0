#!/usr/bin/env bash
# Fuzzes every reader for SECONDS each (default 30) with cargo-fuzz (libFuzzer) on the
# nightly toolchain, seeded from the real files of ../shared/data.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# The seed corpus is built at run time under target/fuzz/corpus/<target>/ (the data is
# never copied into the repository): the first lines of each real file of the target's
# format, cut to libFuzzer's input size. What the fuzzer finds on top is kept there
# between runs. A crash stops the script with its input under fuzz/artifacts/<target>/
# and a non-zero exit; each target's executions are printed as `fuzz: TARGET: N runs`.
#
# Needs the nightly toolchain (rustup) and cargo-fuzz, installed here when missing
# (`cargo install cargo-fuzz --locked`). Builds into target/fuzz (no other target
# directory).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-30}"
shift || true
ROOT="$PWD"
DATA="${SPOTSIM_SHARED_DATA:-$ROOT/../shared/data}"
CORPUS="$ROOT/target/fuzz/corpus"
MAX_LEN=16384

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

ALL=(aws_csv aws_json azid_tsv capacity probe_prices catalog advisor desired job_trace job_probes egress scenario)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

# seed TARGET FILE...: the head of each file (whole lines, at most MAX_LEN bytes).
seed() {
    local t="$1"; shift
    mkdir -p "$CORPUS/$t"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        head -c "$MAX_LEN" "$f" > "$CORPUS/$t/seed-$(basename "$f")"
        # (head -n gets SIGPIPE when a file's first lines are longer than MAX_LEN)
        head -n 40 "$f" | head -c "$MAX_LEN" > "$CORPUS/$t/seed40-$(basename "$f")" || true
    done
}

if [ -d "$DATA" ]; then
    H="$DATA/spot-price-history"
    A="$DATA/availability"
    seed aws_csv "$H"/*.csv
    seed aws_json "$H"/*.json
    seed azid_tsv "$H"/*.tsv
    seed capacity $(ls "$A"/aws-v100-2023-02-15/*.csv | head -3)
    seed probe_prices "$A"/aws-v100-2023-02-15/*.json
    seed catalog "$DATA"/pricing/ec2_ondemand_us_east_1*.csv
    seed advisor "$DATA"/spot-advisor/*.json "$DATA"/pricing/spot_advisor_us_east_1_linux.csv
    seed job_trace $(find "$A"/spot-traces -name '*.json' | sort | head -4)
    seed job_probes $(ls "$A"/aws-v100-2023-02-15/*.csv | head -3)
    seed egress "$DATA"/pricing/aws_egress_pricing.csv
else
    echo "fuzz: $DATA not found: starting from the built-in seeds only"
fi
# Formats without a file in the data folder: small seeds written here.
mkdir -p "$CORPUS/desired" "$CORPUS/scenario" "$CORPUS/catalog"
printf 'timestamp,desired_count\n2024-01-01T00:00:00Z,2\n2024-01-01T09:00:00Z,10\n' > "$CORPUS/desired/seed-counts.csv"
printf 'strategy = ["lowest-price", { name = "price-capacity-optimized", capacity-tier = 0.5 }]\ntarget = 20\nseed = 3\nazs = ["us-east-1a"]\nfail-if-cost-above = 10.5\n' > "$CORPUS/scenario/seed-run.toml"
printf 'tasks = 4\ntask-vcpu = 0.5\ntask-memory-gib = 1\nhours = 24\n[[service]]\nname = "api"\ntask-vcpu-millis = 250\ntask-memory-mib = 512\ndesired = { shape = "daily", baseline = 2, peak = 10, peak-hours = 8 }\n' > "$CORPUS/scenario/seed-compare.toml"
printf 'trace = ["t.json"]\nconvention = "available"\npolicy = "greedy"\nwork-hours = 2\ndeadline-hours = 4\nrestart-overhead-hours = 0.1\nwindows = 3\n' > "$CORPUS/scenario/seed-job.toml"
printf '{"PriceList":[]}' > "$CORPUS/catalog/seed-get-products.json"
printf '"FormatVersion","v1.0"\n"Disclaimer","x"\n"Publication Date","2024-01-01T00:00:00Z"\n"Version","1"\n"OfferCode","AmazonEC2"\n"SKU","OfferTermCode","RateCode","TermType","PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit","PricePerUnit","Currency","Instance Type","vCPU","Memory","Operating System","Tenancy","Pre Installed S/W","Capacity Status","Region Code","Physical Processor"\n' > "$CORPUS/catalog/seed-offer.csv"

cd fuzz
status=0
for t in "${TARGETS[@]}"; do
    log="$ROOT/target/fuzz/$t.log"
    mkdir -p "$ROOT/target/fuzz"
    if cargo +nightly fuzz run --target-dir "$ROOT/target/fuzz/build" "$t" "$CORPUS/$t" -- \
        -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -rss_limit_mb=4096 -print_final_stats=1 \
        >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz: $t: $runs runs, no crash"
    else
        echo "fuzz: $t: FAILED (see $log and fuzz/artifacts/$t/)"
        tail -n 40 "$log"
        status=1
    fi
done
exit $status
