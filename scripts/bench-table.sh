#!/usr/bin/env bash
# Regenerates every figure of README.md's "Performance" table and of
# docs/performance.md's "Results against the targets", "Memory bound" and "Build"
# sections, into one dated directory of logs plus a summary to copy from.
#
#   scripts/bench-table.sh [OUT_DIR]        # default: target/bench-table/<UTC stamp>
#
# Environment:
#   QUICK=1            criterion with --warm-up-time 1 --measurement-time 5 (the
#                      setting the README's figures use; default). QUICK=0: criterion's
#                      defaults (slower).
#   BENCHES="..."      the benches to run (default: engine ingest run strategy job sweep).
#   BUILD=1            also time a clean release build (library + CLI) in a fresh
#                      temporary target directory (several minutes). Default 0.
#   SPOTSIM_BENCH_CLOCK=cpu
#                      the job and run benches report process CPU time instead of wall
#                      time (benches/support/cpu.rs). The engine and ingest benches'
#                      `paired` lines always print both clocks (`paired` = wall,
#                      `paired-cpu` = CPU).
#
# Run it on a quiet machine: the load average before and after every bench is logged
# beside its output, and the summary states it. Only ratios to baselines in the same
# run (the `paired` lines) are comparable between runs on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=${1:-target/bench-table/$stamp}
mkdir -p "$out"
quick=${QUICK:-1}
benches=${BENCHES:-engine ingest run strategy job sweep}
crit=()
if [ "$quick" = 1 ]; then
    crit=(--warm-up-time 1 --measurement-time 5)
fi

summary="$out/summary.md"
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
    echo "# spotsim bench run $stamp"
    echo
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "- rustc: $(rustc --version)"
    echo "- criterion: ${crit[*]:-defaults}; clock for job/run: ${SPOTSIM_BENCH_CLOCK:-wall}"
    echo
} >"$summary"

echo "building the benches (cargo bench --no-run)..." >&2
cargo bench --no-run 2>&1 | tail -n 3 >&2

for b in $benches; do
    log="$out/$b.log"
    before=$(load)
    start=$(date -u +%H:%M:%S)
    echo "bench $b (load $before)..." >&2
    cargo bench --bench "$b" -- "${crit[@]}" >"$log" 2>&1
    after=$(load)
    {
        echo "## $b — $start UTC, load average before $before, after $after"
        echo
        echo '```text'
        # The side-by-side ratios, criterion's per-bench times and throughputs, and
        # the benches' own notes (event and row counts, skipped data).
        grep -E '^(paired|paired-cpu) |^[0-9]+ pools:|^csv_1m:|^json_200k:|^year x|^skipped|^clock:' "$log" || true
        # Criterion's results: "NAME" then indented "time:"/"thrpt:" lines, or
        # "NAME  time: [...]" on one line for short names; "change" lines (with %)
        # compare with an earlier run and are left out.
        awk '/^(paired|Benchmarking|Found|Warning|Gnuplot|clock)/ {next}
             /^[^ ].* time: / && !/%/ {name=$1; print; next}
             /^[A-Za-z0-9_.\/()=,+-]+$/ {name=$1; next}
             /^ +(time|thrpt): / && !/%/ {sub(/^ +/, ""); print name "  " $0}' "$log"
        echo '```'
        echo
    } >>"$summary"
done

# Memory: the peak-RSS test (a test, not a bench: it asserts the bounds and prints
# the measured ratios).
echo "memory test (tests/it/scale.rs)..." >&2
mlog="$out/memory.log"
cargo test --release --test it scale:: -- --nocapture >"$mlog" 2>&1 || echo "memory test FAILED, see $mlog" >&2
{
    echo "## memory — tests/it/scale.rs (release build), load average $(load)"
    echo
    echo '```text'
    grep -vE '^(running|test result|\s*$|     Running|    Finished|   Compiling)' "$mlog" | grep -v '^test .* ok$' || true
    echo '```'
    echo
} >>"$summary"

# Build: crate counts (cheap; spotsim itself included, a crate that appears several
# times in the tree counted once — cargo tree marks repeats with "(*)") and, with
# BUILD=1, a clean release build's time.
crates() { cargo tree --prefix none "$@" | sed -E 's/ \(\*\)$//' | grep -v '^$' | sort -u | wc -l; }
{
    echo "## build"
    echo
    echo "- crates, library + CLI: $(crates -e normal)"
    echo "- crates, library only (--no-default-features): $(crates -e normal --no-default-features)"
    echo "- crates, everything (build and dev dependencies too): $(crates)"
} >>"$summary"
if [ "${BUILD:-0}" = 1 ]; then
    # A clean build in a fresh target directory (the warm one is left alone);
    # the crates are downloaded already, so this is compilation only.
    clean=$(mktemp -d)
    before=$(load)
    /usr/bin/time -f '%e s wall, %U s user, %S s system' -o "$out/build-time.txt" \
        env CARGO_TARGET_DIR="$clean" cargo build --release >"$out/build.log" 2>&1
    echo "- clean release build (library + CLI, fresh target directory): $(cat "$out/build-time.txt"); load average before $before, after $(load)" >>"$summary"
    rm -rf "$clean"
fi

echo "wrote $summary" >&2
cat "$summary"
