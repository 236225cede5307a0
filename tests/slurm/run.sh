#!/usr/bin/env bash
# The shipped Slurm scripts on a real Slurm: starts a one-node cluster on this machine
# (munged, slurmctld, slurmd, as root, everything in a temporary directory), submits
# deploy/slurm/submit.sh for tests/slurm/sweep.toml as an array of 4 plus its dependent
# merge, waits, and checks the merged rows and summary equal the single-machine run
# byte for byte. It stops the daemons it started (trap) and removes its directory.
#
# Missing tools: as root with apt-get, installs Debian's slurm-wlm and munge (one
# apt-get update). Still missing, or not root: prints `skipped: …` and passes — unless
# CI=true, where that is a failure. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"

need=(munged slurmctld slurmd sbatch squeue scontrol sinfo)
missing() {
    local t
    for t in "${need[@]}"; do
        command -v "$t" >/dev/null 2>&1 || return 0
    done
    return 1
}
skip() {
    if [ "${CI:-}" = "true" ]; then
        echo "error: $1 (CI=true: a missing tool is a failure)" >&2
        exit 1
    fi
    echo "skipped: $1"
    exit 0
}
if missing && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
missing && skip "slurm not installed"
[ "$(id -u)" = 0 ] || skip "slurm test needs root (slurmd)"

spotsim="${SPOTSIM:-}"
if [ -z "$spotsim" ]; then
    cargo build --release --quiet --bin spotsim
    spotsim="$repo/target/release/spotsim"
fi

tmp="$(mktemp -d /tmp/spotsim-slurm.XXXXXX)"
chmod 700 "$tmp"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "error: $1" >&2
    for f in "$tmp"/*.log "$tmp"/jobs/*.log; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
    done
    exit 1
}

host="$(hostname -s)"
cpus="$(nproc)"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/jobs" "$tmp/out"

# munge: a fresh key and our own socket, so no system daemon is touched.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge.key"
munged -F --force --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" \
    --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" \
    --seed-file="$tmp/munged.seed" >"$tmp/munged.out.log" 2>&1 &
pids+=("$!")
for _ in $(seq 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
[ -S "$tmp/munge.sock" ] || fail "munged did not start"

conf="$tmp/slurm.conf"
cat >"$conf" <<CONF
ClusterName=spotsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

slurmctld -D -i -f "$conf" >"$tmp/slurmctld.out.log" 2>&1 &
pids+=("$!")
slurmd -D -f "$conf" -N "$host" >"$tmp/slurmd.out.log" 2>&1 &
pids+=("$!")
state=""
for _ in $(seq 120); do
    state="$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)"
    [ "$state" = "idle" ] && break
    sleep 0.5
done
[ "$state" = "idle" ] || fail "the Slurm node did not come up (state: ${state:-none})"

# The single-machine run, then the same sweep as an array of 4 and its merge.
sweep="$repo/tests/slurm/sweep.toml"
"$spotsim" sweep "$sweep" --quiet --out "$tmp/single.jsonl" --summary-out "$tmp/single-summary.json"
ids="$(SWEEP="$sweep" OUT="$tmp/out" SPOTSIM="$spotsim" SBATCH_OPTS="--chdir=$tmp/jobs" \
    "$repo/deploy/slurm/submit.sh" 4)"
read -r array merge <<<"$ids"
echo "submitted array job $array (4 tasks) and merge job $merge"

job_state() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' '; }
for _ in $(seq 600); do
    s="$(job_state "$merge")"
    case "$s" in
        *COMPLETED*) break ;;
        *FAILED* | *CANCELLED* | *TIMEOUT*) fail "merge job $merge: $s" ;;
    esac
    if scontrol -o show job "$merge" 2>/dev/null | grep -q DependencyNeverSatisfied; then
        fail "an array task failed: $(job_state "$array")"
    fi
    sleep 0.5
done
[ "$(job_state "$merge")" = "JobState=COMPLETED " ] || fail "merge job $merge did not complete: $(job_state "$merge")"
[ "$(job_state "$array")" = "JobState=COMPLETED " ] || fail "array job $array: $(job_state "$array")"
for k in 1 2 3 4; do
    [ -s "$tmp/out/part-$k.jsonl" ] || fail "no part-$k.jsonl"
done

cmp "$tmp/single.jsonl" "$tmp/out/rows.jsonl" || fail "the merged rows differ from the single-machine run"
cmp "$tmp/single-summary.json" "$tmp/out/summary.json" || fail "the merged summary differs from the single-machine run"
echo "slurm: array of 4 + merge = the single-machine run, byte for byte ($(wc -l <"$tmp/single.jsonl") cells)"
