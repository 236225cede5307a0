//! Deadline jobs (src/job, deadline-jobs.md): the tick model rule by rule on tiny
//! hand-built traces whose costs are worked out by hand in the comments, every rule of
//! Uniform Progress, the readers and their errors, a deadline property over random
//! traces, window determinism, and runs on the real traces of ../shared/data (skipped,
//! with a printed reason, when absent).
//!
//! Unless a test says otherwise: ticks of G = 1 h, spot $1/h, on-demand $3/h, so a spot
//! tick costs $1 and an on-demand tick $3.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use spotsim::error::InputErrorKind;
use spotsim::job::{
    BuiltinPolicy, Convention, Decision, JobMarket, JobPolicy, JobSpec, JobTrace, JobView, Kind,
    MarketOptions, TraceOptions, UniformProgress, UpRule, draw_starts, read_probe_series,
    read_probe_series_bytes, read_spot_trace, read_spot_trace_bytes, run_job, run_job_timeline,
    run_windows, start_tick_for_hours,
};
use spotsim::money::{Money, Rate};

mod builtins;
mod deadline;
mod readers;
mod real_traces;
mod tick_model;
mod uniform_progress;
mod windows;

const H: i64 = 3_600_000;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn market(av: &[u32]) -> JobMarket {
    let t = JobTrace::new(3600, av.to_vec()).unwrap();
    JobMarket::single(&t, &MarketOptions::prices(usd("1"), usd("3"))).unwrap()
}

fn spec(work_h: f64, deadline_h: f64, overhead_h: f64) -> JobSpec {
    JobSpec::from_hours(work_h, deadline_h, overhead_h).unwrap()
}

fn dollars(m: Money) -> String {
    m.to_usd_string(2)
}

/// Plays a fixed list of decisions (NONE after its end).
struct Script(Vec<Decision>);

impl JobPolicy for Script {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.0.get(v.tick).copied().unwrap_or(Decision::NONE)
    }
}

const S: Decision = Decision::spot(0);
const O: Decision = Decision::on_demand(0);
const N: Decision = Decision::NONE;

/// Plays `script` first, then hands over to Uniform Progress, logging its rules.
struct UpLog {
    script: Vec<Decision>,
    rules: Vec<UpRule>,
}

impl UpLog {
    fn new(script: Vec<Decision>) -> UpLog {
        UpLog {
            script,
            rules: Vec::new(),
        }
    }
}

impl JobPolicy for UpLog {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        if let Some(&d) = self.script.get(v.tick) {
            return d;
        }
        let (d, r) = UniformProgress::decide_explained(v);
        self.rules.push(r);
        d
    }
}

fn kinds(tl: &[spotsim::job::TickRecord]) -> Vec<Kind> {
    tl.iter().map(|r| r.ran.kind).collect()
}
