//! A user-written deadline-job policy beside the built-ins.
//!
//! `UpWithMargin` is Uniform Progress (deadline-jobs.md rules 1–5) planned against an
//! earlier deadline, `D − margin`: it keeps `margin` hours in reserve against anything
//! the tick model does not capture (a slow relaunch, a checkpoint that takes longer than
//! `d`). It is built on `UniformProgress::decide_explained` with a modified copy of the
//! `JobView` — a policy only ever reads the view and returns a decision.
//!
//! `SlackBudget` spends a fraction of the slack `D − W − d` waiting for spot (spot when
//! available, else idle) and then hands over to Uniform Progress.
//!
//! Runs on the 2022 V100 trace us-west-2a_v100_1.json of ../shared/data (200 windows,
//! W = 48 h, D = 52 h, d = 0.2 h, the original simulator's $0.9731 spot and $3.06
//! on-demand); prints why and exits 0 when the file is absent.
//!
//! `cargo run --release --example job_policy`

use std::path::PathBuf;

use spotsim::job::{
    BuiltinPolicy, Convention, Decision, JobMarket, JobPolicy, JobSpec, JobView, MarketOptions,
    TraceOptions, UniformProgress, WindowsReport, draw_starts, read_spot_trace, run_windows,
};
use spotsim::money::Rate;

/// Uniform Progress against the deadline `D − margin`.
#[derive(Clone, Copy)]
struct UpWithMargin {
    margin_ms: i64,
}

impl JobPolicy for UpWithMargin {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        let mut early = *v;
        // Never plan against a deadline before the work could be done at all.
        early.deadline_ms = (v.deadline_ms - self.margin_ms).max(v.work_ms + v.overhead_ms);
        UniformProgress::decide_explained(&early).0
    }
}

/// Waits for spot until `fraction` of the slack is gone, then Uniform Progress.
#[derive(Clone, Copy)]
struct SlackBudget {
    fraction: f64,
}

impl JobPolicy for SlackBudget {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        let slack = (v.deadline_ms - v.work_ms - v.overhead_ms) as f64;
        let used = (v.elapsed_ms - v.progress_ms()) as f64;
        if used < self.fraction * slack && !v.critical(2) {
            if v.spot_available_in(0) {
                Decision::spot(0)
            } else {
                Decision::NONE
            }
        } else {
            UniformProgress::decide_explained(v).0
        }
    }
}

fn row(name: &str, r: &WindowsReport) {
    let s = &r.stats;
    let half = s.ci95_high_usd.unwrap_or(s.mean_cost_usd) - s.mean_cost_usd;
    println!(
        "{name:24} ${:7.2} ± {:5.2}  {:>8} {:>8}  {:5.1}%  {:5.1}%  {:4.1}",
        s.mean_cost_usd,
        half,
        s.min_cost.to_string(),
        s.max_cost.to_string(),
        s.mean_savings_pct,
        100.0 * s.deadline_met_fraction,
        s.mean_preemptions
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json"
    ));
    if !path.is_file() {
        println!(
            "skipped: {} not found (../shared/data is absent)",
            path.display()
        );
        return Ok(());
    }
    // data/README.md: value = spot instances available (1 = available).
    let trace = read_spot_trace(&path, &TraceOptions::new(Convention::Available))?;
    let opts = MarketOptions::prices(Rate::parse_usd("0.9731")?, Rate::parse_usd("3.06")?);
    let market = JobMarket::single(&trace, &opts)?;
    let spec = JobSpec::from_hours(48.0, 52.0, 0.2)?;
    let starts = draw_starts(&market, &spec, 200, 2024)?;
    println!(
        "{} ({} ticks of {} s, spot available {:.1}% of ticks), W 48 h, D 52 h, d 0.2 h, 200 windows\n",
        trace.zone,
        market.ticks(),
        market.gap_secs(),
        100.0 * market.availability(0)
    );
    println!(
        "{:24} {:>17}  {:>8} {:>8}  {:>6}  {:>6}  {:>4}",
        "policy", "mean cost (95% CI)", "min", "max", "saved", "met", "pre."
    );
    for p in BuiltinPolicy::ALL {
        row(p.name(), &run_windows(&market, &spec, &starts, || p, true)?);
    }
    for margin_h in [0.5, 1.0] {
        let p = UpWithMargin {
            margin_ms: (margin_h * 3_600_000.0) as i64,
        };
        let name = format!("up-with-margin {margin_h} h");
        row(&name, &run_windows(&market, &spec, &starts, || p, true)?);
    }
    for fraction in [0.25, 0.5] {
        let p = SlackBudget { fraction };
        let name = format!("slack-budget {:.0}%", fraction * 100.0);
        row(&name, &run_windows(&market, &spec, &starts, || p, true)?);
    }
    Ok(())
}
