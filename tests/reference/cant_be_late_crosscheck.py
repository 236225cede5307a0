#!/usr/bin/env python3
r"""Per-window costs of the single-region Can't-Be-Late policies from the reference simulator.

spotsim's `tests/it/job/real_traces.rs::real_2022_matches_the_reference_simulator_to_the_cent` pins the
costs this script prints. The script copies no simulator code: it imports the reference's
own classes from two clones given on the command line and prints one JSON line per
(policy, D, d, start).

Sources (both Apache-2.0):

* The SkyNomad artifact, https://github.com/andylizf/skynomad-artifact (LICENSE: Apache
  License 2.0), commit 4dc5ecbc3efdccb3db35f34fbd7592ea6c3e015c "SkyNomad NSDI '27
  artifact" or any later commit whose `sky_spot/` is unchanged (run with 62b9aaa, whose
  `sky_spot/` and `scripts_multi/benchmark_components/simulation_runner.py` are
  byte-identical to 4dc5ecb's). Used: `sky_spot.env.TraceEnv` (availability =
  `not data[tick]`, start tick `ceil(H * 3600 / gap)`, cost = sum of price * gap / 3600
  over the ticks that ran), `sky_spot.task.SingleTask`, `sky_spot.simulate` (the
  single-region loop of `_simulate_one`), `sky_spot.strategies.strategy.Strategy.step`
  (progress, restart-overhead re-arming, `_apply_strong_guarantee`, an unavailable SPOT
  becomes ON_DEMAND in the critical window, else NONE), `sky_spot.utils.COSTS` (on-demand
  $3.06/h, spot $0.9731/h), and Uniform Progress = `sky_spot.strategies.rc_cr_threshold`
  (`RCCRThresholdStrategy`, NAME `rc_cr_threshold`). Runs go through the artifact's
  `scripts_multi/benchmark_components/simulation_runner.run_single_simulation_with_history`.
* Greedy = `sky_spot/strategies/strawman.py` (`StrawmanStrategy`) of the Can't-Be-Late
  authors' first simulator, https://github.com/Michaelvll/skypilot-spot-strategy
  (`setup.py`: license='Apache 2.0'; the repository has no LICENSE file), commit
  1609709c277fa4f953549a910f44605d4c49d43e. That file is loaded the way the artifact's
  `main.py --strategy-file` loads a strategy file (importlib, by path), so it subclasses
  the artifact's `Strategy` and runs under the artifact's `step()` and strong guarantee;
  the old repository's own `Strategy`/`env` are not used. (Run on that repository's own
  `Strategy` and `TraceEnv`, driven as its `main.py` loop drives them, all 28 greedy costs
  differ: 27 by +$0.51, one on-demand tick that loop bills after the job completes, and
  D = 52, d = 0.2, H = 24 by -$0.53, where its decisions differ; it has neither the
  artifact's strong guarantee nor its critical-window fallback.)

Input: the 2022 V100 trace of the Can't-Be-Late trace set, spotsim's
`../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/
us-west-2a_v100_1.json` (gap 600 s, 1 = preempted, as `TraceEnv` reads it). It has no
`metadata.price_info`, which `TraceEnv` requires (it has no price fallback by design), so the
script writes a copy to a temporary directory with `price_info = {"on_demand_price":
COSTS[ON_DEMAND], "price": COSTS[SPOT]}` taken from the artifact's `sky_spot.utils.COSTS`;
`data` and `gap_seconds` are unchanged. The scenario is the test's: W = 48 h,
D in {52, 70} h, d in {0.2, 0.05} h, starts H in {0, 1.01, 24, 100.5, 250, 400, 575} h.

Setup, once (Python >= 3.10; the artifact's requirements: numpy, pandas, tqdm,
configargparse, colorama, filelock, pyyaml; wandb is optional):

    git clone https://github.com/andylizf/skynomad-artifact
    git clone https://github.com/Michaelvll/skypilot-spot-strategy
    git -C skypilot-spot-strategy checkout 1609709c277fa4f953549a910f44605d4c49d43e

One command, from spotsim's root (7 s on a 2-core machine):

    python3 tests/reference/cant_be_late_crosscheck.py /path/to/skynomad-artifact \
        /path/to/skypilot-spot-strategy \
        ../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json

Each line: policy (spotsim's name), deadline_hours, overhead_hours, start_hours,
start_tick, total_cost_usd (the reference's float `Cost` of the final snapshot, which
includes the tick that completes the job), cost_2dp (that float to cents, half up),
spot_ticks and ondemand_ticks (the billed ticks of the run; cost = spot_ticks * 0.9731/6 +
ondemand_ticks * 3.06/6 exactly), finish_hours and deadline_met. The first line names the
commits of the two clones (`git rev-parse HEAD`, or null without git).

A second mode compares whole spotsim runs with the reference, window by window: give
`--compare` one or more JSON reports of `spotsim job --mode tick --convention preempted
--ondemand-price 3.06 --spot-price 0.9731 --policy on-demand,greedy,uniform-progress
--windows N --seed S --output json` (one `--trace` each) instead of the trace. For every
window of every policy the script runs the reference on the report's trace (its
`provenance.inputs` path), W, D, d and start tick, and prints a line with both costs to the
cent and both deadline flags; the last line counts the windows compared and those that
differ, and the exit status is 1 if any differ:

    python3 tests/reference/cant_be_late_crosscheck.py ARTIFACT STRATEGY_REPO \
        --compare report1.json report2.json ...

Run on 2026-12-02 over the four 1-node files of aws-10-26-2022 (us-west-2a/2b, K80 and
V100; the reference's V100 prices for all), D in {52, 70}, d in {0.2, 0.05}, 100 windows
each (4,800 windows, 413 distinct greedy and 795 distinct uniform-progress costs): no
window differed, and none missed its deadline. The reports came from (`spotsim` being the
crate's binary: `target/debug/spotsim` was used; `cargo run --release --` does as well):

    T=../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022
    mkdir -p reports
    for f in us-west-2a_v100_1 us-west-2b_v100_1 us-west-2a_k80_1 us-west-2b_k80_1; do
      for D in 52 70; do for d in 0.2 0.05; do
        spotsim job --trace $T/$f.json --convention preempted \
          --policy on-demand,greedy,uniform-progress --work-hours 48 --deadline-hours $D \
          --restart-overhead-hours $d --ondemand-price 3.06 --spot-price 0.9731 \
          --mode tick --windows 100 --seed 7 --output json > reports/$f-$D-$d.json
      done; done
    done
    python3 tests/reference/cant_be_late_crosscheck.py ARTIFACT STRATEGY_REPO \
        --compare reports/*.json
"""
import argparse
import contextlib
import decimal
import importlib.util
import io
import json
import math
import os
import subprocess
import sys
import tempfile

WORK_H = 48.0
DEADLINES_H = [52.0, 70.0]
OVERHEADS_H = [0.2, 0.05]
STARTS_H = [0.0, 1.01, 24.0, 100.5, 250.0, 400.0, 575.0]
# spotsim's policy name -> the reference strategy's NAME.
REFERENCE_NAME = {
    "uniform-progress": "rc_cr_threshold",
    "greedy": "strawman",
    "on-demand": "on_demand",
}
TEST_POLICIES = ["uniform-progress", "greedy"]


def commit_of(path):
    try:
        return subprocess.run(
            ["git", "-C", path, "rev-parse", "HEAD"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def cents(x):
    return str(decimal.Decimal(x).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))


class Reference:
    """The reference simulator, imported from the two clones."""

    def __init__(self, artifact, strategy_repo):
        self.root = os.path.abspath(artifact)
        self.strategy_repo = os.path.abspath(strategy_repo)
        sys.path[:0] = [self.root, os.path.join(self.root, "scripts_multi")]
        os.environ.setdefault("WANDB_DISABLED", "1")
        import logging

        logging.disable(logging.CRITICAL)
        from benchmark_components.simulation_runner import run_single_simulation_with_history
        from sky_spot.strategies import strategy as strategy_lib
        from sky_spot.utils import COSTS, ClusterType

        self.run_with_history = run_single_simulation_with_history
        self.costs = COSTS
        self.kinds = ClusterType
        # As the artifact's main.py `--strategy-file` does: import the file by path. Its
        # `from sky_spot.strategies import strategy` resolves to the artifact's package, and
        # `Strategy.__init_subclass__` registers NAME 'strawman' for `Strategy.get`.
        path = os.path.join(self.strategy_repo, "sky_spot", "strategies", "strawman.py")
        spec = importlib.util.spec_from_file_location("strawman", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert strategy_lib.Strategy.get("strawman") is module.StrawmanStrategy
        self.out = tempfile.mkdtemp(prefix="cbl-crosscheck-")
        self.traces = {}

    def header(self):
        return {
            "skynomad_artifact_commit": commit_of(self.root),
            "skypilot_spot_strategy_commit": commit_of(self.strategy_repo),
            "on_demand_usd_per_hour": self.costs[self.kinds.ON_DEMAND],
            "spot_usd_per_hour": self.costs[self.kinds.SPOT],
        }

    def trace(self, path):
        """A copy of the trace with the `price_info` TraceEnv requires, and its gap."""
        if path not in self.traces:
            with open(path) as f:
                trace = json.load(f)
            trace["metadata"]["price_info"] = {
                "on_demand_price": self.costs[self.kinds.ON_DEMAND],
                "price": self.costs[self.kinds.SPOT],
            }
            # TraceEnv names the region after the parent directory: keep the file's name.
            d = os.path.join(self.out, str(len(self.traces)),
                             os.path.splitext(os.path.basename(path))[0])
            os.makedirs(d)
            copy = os.path.join(d, "full.json")
            with open(copy, "w") as f:
                json.dump(trace, f)
            self.traces[path] = (copy, trace["metadata"]["gap_seconds"])
        return self.traces[path]

    def run(self, policy, trace, work, deadline, overhead, start):
        copy, gap = self.trace(trace)
        # strawman.py print()s a line per critical tick; keep stdout JSON.
        with contextlib.redirect_stdout(io.StringIO()):
            stats = self.run_with_history(
                strategy=REFERENCE_NAME[policy],
                env_type="trace",
                trace_paths=[copy],
                task_duration_hours=work,
                deadline_hours=deadline,
                restart_overhead=overhead,
                checkpoint_size=50.0,
                output_dir=self.out,
                env_start_hours=start,
                enforce_window_bound=True,
            )
        history = stats["history"][0]
        final = history[-1]
        cost = stats["costs"][0]
        kinds = [h["ClusterType"] for h in history]
        finish = final["Timestamp"] * gap / 3600.0
        return {
            "policy": policy,
            "deadline_hours": deadline,
            "overhead_hours": overhead,
            "start_hours": start,
            "start_tick": int(math.ceil(start * 3600 / gap)) if start > 0 else 0,
            "total_cost_usd": cost,
            "cost_2dp": cents(cost),
            "spot_ticks": kinds.count(self.kinds.SPOT.value),
            "ondemand_ticks": kinds.count(self.kinds.ON_DEMAND.value),
            "finish_hours": finish,
            "deadline_met": bool(final["Task/task_is_done"]) and finish <= deadline,
        }


def reference_start_hours(tick, gap):
    """Hours whose `ceil(h * 3600 / gap)` (TraceEnv's start index) is exactly `tick`."""
    h = (tick - 0.5) * gap / 3600.0 if tick > 0 else 0.0
    assert h == 0.0 or int(math.ceil(h * 3600 / gap)) == tick
    return h


def compare(ref, reports):
    compared = differ = 0
    for path in reports:
        with open(path) as f:
            report = json.load(f)
        prov = report["provenance"]
        assert report["mode"] == "tick" and prov["convention"] == "preempted", path
        (trace,) = [i["path"] for i in prov["inputs"]]
        gap = prov["gap_seconds"]
        work, deadline = report["work_hours"], report["deadline_hours"]
        overhead = report["restart_overhead_hours"]
        for p in report["policies"]:
            for w in p["windows"]:
                tick = round(w["start_hours"] * 3600 / gap)
                r = ref.run(p["policy"], trace, work, deadline, overhead,
                            reference_start_hours(tick, gap))
                ours = cents(w["total_cost_usd"])
                same = ours == r["cost_2dp"] and w["deadline_met"] == r["deadline_met"]
                compared += 1
                differ += not same
                print(json.dumps({
                    "trace": os.path.basename(trace), "policy": p["policy"],
                    "deadline_hours": deadline, "overhead_hours": overhead,
                    "start_tick": tick, "spotsim_cost_2dp": ours,
                    "reference_cost_2dp": r["cost_2dp"],
                    "spotsim_deadline_met": w["deadline_met"],
                    "reference_deadline_met": r["deadline_met"], "same": same,
                }), flush=True)
    print(json.dumps({"windows_compared": compared, "windows_differing": differ}), flush=True)
    return 1 if differ else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("artifact", help="clone of andylizf/skynomad-artifact")
    ap.add_argument("strategy_repo", help="clone of Michaelvll/skypilot-spot-strategy @ 1609709c")
    ap.add_argument("trace", nargs="?", help="aws-10-26-2022/us-west-2a_v100_1.json")
    ap.add_argument("--compare", nargs="+", metavar="REPORT",
                    help="spotsim job JSON reports to compare window by window")
    a = ap.parse_args()
    if (a.trace is None) == (a.compare is None):
        ap.error("give either the trace or --compare REPORT...")
    ref = Reference(a.artifact, a.strategy_repo)
    print(json.dumps(ref.header()), flush=True)
    if a.compare:
        sys.exit(compare(ref, a.compare))
    for policy in TEST_POLICIES:
        for deadline in DEADLINES_H:
            for overhead in OVERHEADS_H:
                for start in STARTS_H:
                    row = ref.run(policy, a.trace, WORK_H, deadline, overhead, start)
                    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
