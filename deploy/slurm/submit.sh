#!/bin/bash
# Submits a spotsim sweep as a Slurm job array of N shards and its merge, which waits
# for every shard (afterok). Prints the two job ids.
#
#   SWEEP=sweep.toml OUT=/shared/run1 deploy/slurm/submit.sh 4
#
# Extra sbatch options (partition, account, time) go in SBATCH_OPTS.
set -euo pipefail
N="${1:?usage: SWEEP=FILE OUT=DIR submit.sh N}"
: "${SWEEP:?set SWEEP to the sweep file}"
: "${OUT:?set OUT to a directory every node sees}"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTS:-} --export=ALL --array="1-$N" "$here/sweep.sbatch")
array="${array%%;*}"
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTS:-} --export=ALL --dependency="afterok:$array" "$here/merge.sbatch")
merge="${merge%%;*}"
echo "$array $merge"
