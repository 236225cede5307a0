#!/usr/bin/env bash
# The long offline fuzz run of issue 14: every target in turn, up to RUNS executions
# each (default 10,000,000), within a total wall-clock BUDGET in seconds (default 7200)
# shared out evenly among the targets still to run (time a target does not use goes to
# the ones after it); DEADLINE (epoch seconds) ends it by then whatever BUDGET says.
#
#   fuzz/long.sh [RUNS] [BUDGET] [TARGET...]
#
# Unlike fuzz/run.sh (CI: AddressSanitizer, 16 KiB inputs, 15 s each) it builds without
# a sanitizer (`-s none`: the crate forbids unsafe code, so ASan only guards the
# dependencies, at 2-5x the cost per execution) and caps inputs at MAX_LEN bytes
# (default 4096: every reader's logic is reached within a few lines, and an input's cost
# grows with its length), so that millions of executions fit in hours on two cores. It
# runs niced (NICE, default 19), one target after another, on a copy of the binaries taken when the
# target starts (BIN, built first unless NOBUILD=1), so the tree can change meanwhile.
# The corpus is fuzz/run.sh's, under target/fuzz/corpus/ (run fuzz/run.sh once first
# to seed it). Each target's line in LOG (default target/fuzz/long.log) gives its
# executions, wall time and executions per second; a crash stops that target, leaves
# its input under target/fuzz/long-artifacts/<target>/ and is logged as FAILED.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
RUNS="${1:-10000000}"
BUDGET="${2:-7200}"
shift 2 || shift $#
MAX_LEN="${MAX_LEN:-4096}"
LOG="${LOG:-$ROOT/target/fuzz/long.log}"
BUILD="$ROOT/target/fuzz/build-noasan"
BIN="${BIN:-$ROOT/target/fuzz/long-bin}"
ALL=(aws_csv aws_json azid_tsv capacity probe_prices catalog advisor desired job_trace job_probes egress scenario)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

if [ "${NOBUILD:-0}" != 1 ]; then
    (cd fuzz && nice -n 19 cargo +nightly fuzz build -s none -O --target-dir "$BUILD") || exit 1
    mkdir -p "$BIN"
    for t in "${ALL[@]}"; do
        cp "$BUILD/x86_64-unknown-linux-gnu/release/$t" "$BIN/$t"
    done
    echo "$(date -u +%FT%TZ) binaries from $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')" >> "$LOG"
fi

start_all=$(date +%s)
# DEADLINE (seconds since the epoch), when set, caps the budget: the run ends by then.
if [ -n "${DEADLINE:-}" ] && [ $(( DEADLINE - start_all )) -lt "$BUDGET" ]; then
    BUDGET=$(( DEADLINE - start_all ))
fi
left=${#TARGETS[@]}
status=0
for t in "${TARGETS[@]}"; do
    now=$(date +%s)
    remaining=$(( BUDGET - (now - start_all) ))
    share=$(( remaining / left ))
    left=$(( left - 1 ))
    if [ "$share" -lt 10 ]; then
        echo "$(date -u +%FT%TZ) $t: not run (budget spent)" >> "$LOG"
        continue
    fi
    mkdir -p "$ROOT/target/fuzz/corpus/$t" "$ROOT/target/fuzz/long-artifacts/$t"
    cp "$BIN/$t" "$BIN/.$t.running"
    out="$ROOT/target/fuzz/long-$t.log"
    t0=$(date +%s)
    nice -n "${NICE:-19}" "$BIN/.$t.running" "$ROOT/target/fuzz/corpus/$t" \
        -runs="$RUNS" -max_total_time="$share" -max_len="$MAX_LEN" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$ROOT/target/fuzz/long-artifacts/$t/" >"$out" 2>&1
    rc=$?
    t1=$(date +%s)
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$' || echo "?")
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$out" | grep -o '[0-9]*$' || echo "?")
    if [ $rc -eq 0 ]; then
        verdict="no crash"
    else
        verdict="FAILED rc=$rc (see $out)"
        status=1
    fi
    echo "$(date -u +%FT%TZ) $t: $runs runs in $((t1 - t0)) s ($eps/s), max_len $MAX_LEN, no sanitizer: $verdict" >> "$LOG"
done
exit $status
