#!/usr/bin/env python3
"""Per-window costs of SkyNomad's multi-region policies from the reference simulator.

The reference is the SkyNomad artifact, https://github.com/andylizf/skynomad-artifact
(Apache-2.0), at commit 62b9aaa (`git log -1` of the clone used: 62b9aaa "fix: drop
five strategy names whose implementations are not in the package"). This script does not
copy its code: it imports its `sky_spot` package and `scripts_multi/benchmark_components/
simulation_runner.run_single_simulation` from a clone and prints one JSON line per
(policy, window). spotsim's `tests/it/job_multi.rs` pins these numbers.

One command (a clone with its V100 traces rebuilt, see below; Python >= 3.10 with numpy,
pandas, tqdm, configargparse, colorama, filelock, pyyaml):

    python3 tests/reference/skynomad_crosscheck.py /path/to/skynomad-artifact [--overlap]

Setup of the clone, once: `python scripts_multi/trace_sampling/create_aligned_traces.py`
from its root (its `artifact/prepare_data.sh` step 2) writes
`data/converted_multi_region_aligned/<zone>_v100_1/full.json`, the 2023 V100 traces
(value for value spotsim's `../shared/data/availability/spot-traces/availability/1-node/
aws-02-15-2023/*.json`, inverted to its 1 = preempted, plus per-tick `prices` from
`data/v100_spot_prices.json` = `../shared/data/availability/aws-v100-2023-02-15/
v100_spot_prices.json`).

The scenario is the artifact's `--config v100` (Figure 9(b)): zones us-east-1c,
us-east-2b, us-west-2a; W = 59.90833333333333 / 1.5 h, D = 59.90833333333333 h,
d = 0.2 h, checkpoint 50 GB, windows 3, 5, 7, 8, 14 of the sequential tiling (start tick
w * 1106). Policies run with the reference's defaults, except where `--v100-config`
applies the config's `--max-prediction-hours 1e9 --virtual-availability --oracle-v
rate_ratio`. Transfer time is counted (the progress model) unless `--overlap` (the
reference CLI's default, with which its sweeps ran).

`dump_history=True`: the cost includes the tick that completes the job. The artifact's
sweeps run with `dump_history=False`, whose snapshot is taken before that tick is billed,
so every published cost in `research/data/*.csv` is this cost minus the final tick's.
"""
import argparse
import json
import math
import os
import sys
import tempfile

STRATEGIES = {
    "up-s": "multi_region_rc_cr_threshold_eager_failover",
    "up-a": "multi_region_availability_probe_simple",
    "up-ap": "multi_region_probe_cost_ratio",
    "optimal": "multi_region_oracle_dp",
    "skynomad": "unified_cost_model_rate_ratio",
    "skynomad-oracle": "unified_cost_model_oracle",
}
ZONES = ["us-east-1c_v100_1", "us-east-2b_v100_1", "us-west-2a_v100_1"]
DEADLINE_H = 59.90833333333333
WINDOWS = [3, 5, 7, 8, 14]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clone")
    ap.add_argument("--overlap", action="store_true")
    ap.add_argument("--v100-config", action="store_true")
    ap.add_argument("--policies", default=",".join(STRATEGIES))
    ap.add_argument("--windows", default=",".join(map(str, WINDOWS)))
    a = ap.parse_args()
    root = os.path.abspath(a.clone)
    sys.path[:0] = [root, os.path.join(root, "scripts_multi")]
    os.environ.setdefault("WANDB_DISABLED", "1")
    import logging

    logging.disable(logging.CRITICAL)
    from benchmark_components.simulation_runner import run_single_simulation
    from pathlib import Path

    traces = [
        os.path.join(root, "data/converted_multi_region_aligned", z, "full.json")
        for z in ZONES
    ]
    work_h = DEADLINE_H / 1.5
    gap = 195
    deadline_ticks = int(math.ceil(DEADLINE_H * 3600 / gap))
    out = Path(tempfile.mkdtemp())
    for w in map(int, a.windows.split(",")):
        start_h = w * deadline_ticks * gap / 3600.0
        for name in a.policies.split(","):
            argv = []
            if a.v100_config:
                if name == "skynomad":
                    argv = ["--max-prediction-hours", "1e9", "--virtual-availability"]
                elif name == "skynomad-oracle":
                    argv = ["--oracle-v", "rate_ratio"]
            cost, migrations, downtime, transfer, probe = run_single_simulation(
                strategy=STRATEGIES[name],
                env_type="multi_trace",
                trace_paths=traces,
                task_duration_hours=work_h,
                deadline_hours=DEADLINE_H,
                restart_overhead=0.2,
                checkpoint_size=50.0,
                output_dir=out,
                env_start_hours=start_h,
                enforce_window_bound=True,
                count_cross_region_migration_time=not a.overlap,
                strategy_argv=argv,
                dump_history=True,
            )
            print(json.dumps({
                "policy": name, "window": w, "start_hours": start_h,
                "total_cost_usd": cost, "migrations": migrations,
                "egress_cost_usd": transfer, "probe_cost_usd": probe,
            }), flush=True)


if __name__ == "__main__":
    main()
