//! `spotsim job`: the options of a deadline-job run (the CLI's flags), reading the
//! traces, running tick or event mode, one window or many, and the report.

use std::path::{Path, PathBuf};

use super::event::{EventMarket, EventOptions, run_job_event};
use super::report::{JobProvenance, JobReport, WindowLine};
use super::tick::{JobMarket, JobSpec, MarketOptions, run_job, start_tick_for_hours};
use super::trace::{
    Convention, JobTrace, ProbeSeries, TraceOptions, read_probe_series, read_spot_trace,
};
use super::windows::{draw_starts, run_windows, summarize};
use super::{BuiltinPolicy, JobResult};
use crate::engine::DEFAULT_LAUNCH_LATENCY_SECS;
use crate::error::{ConfigError, Error};
use crate::market::SourceFile;
use crate::money::Rate;
use crate::report::Format;
use crate::time::SimTime;

/// Start of event-mode runs on tick traces that carry no date: only date-dependent
/// billing rules care (Linux has been billed per second since 2017-10-02).
pub const UNDATED_TRACE_START: SimTime = SimTime(1_672_531_200); // 2023-01-01T00:00:00Z

/// The options of `spotsim job`.
///
/// ```
/// use spotsim::job::JobScenario;
/// let s = JobScenario { policy: Some("uniform-progress".into()), ..Default::default() };
/// assert!(s.run().is_err(), "no trace, no convention: an error, not a guess");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct JobScenario {
    /// A trace: spot-traces JSON (tick) or a timestamped availability CSV (repeatable; several = zones).
    #[cfg_attr(feature = "cli", arg(long = "trace", value_name = "FILE"))]
    pub traces: Vec<PathBuf>,
    /// What a trace value means: `available` (instances available) or `preempted` (1 = preempted). Required.
    #[cfg_attr(feature = "cli", arg(long))]
    pub convention: Option<String>,
    /// Job policy: on-demand, spot-only, greedy, uniform-progress, multi-zone-spot.
    #[cfg_attr(feature = "cli", arg(long))]
    pub policy: Option<String>,
    /// Hours of work.
    #[cfg_attr(feature = "cli", arg(long, value_name = "W"))]
    pub work_hours: Option<f64>,
    /// Hours from the start to the deadline.
    #[cfg_attr(feature = "cli", arg(long, value_name = "D"))]
    pub deadline_hours: Option<f64>,
    /// Progress lost on every (re)start, hours.
    #[cfg_attr(feature = "cli", arg(long, value_name = "O"))]
    pub restart_overhead_hours: Option<f64>,
    /// On-demand price, USD per hour [default: the trace's, if it has one].
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub ondemand_price: Option<String>,
    /// Spot price, USD per hour, overriding the trace's prices.
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub spot_price: Option<String>,
    /// Per-probe prices JSON aligned with availability CSV traces.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub probe_prices: Option<PathBuf>,
    /// Tick length for CSV traces, seconds [default: the median probe spacing].
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub gap: Option<i64>,
    /// Nodes of a `preempted` multi-node trace (available = nodes − value).
    #[cfg_attr(feature = "cli", arg(long))]
    pub nodes: Option<u32>,
    /// Spot instances the job needs at once (spot is available when the count is at least this) [default: 1].
    #[cfg_attr(feature = "cli", arg(long))]
    pub gang: Option<u32>,
    /// Start at hour H of the trace (tick ⌈H·3600/G⌉) [default: 0].
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "H", conflicts_with = "windows")
    )]
    pub start_hours: Option<f64>,
    /// Run N windows at random starts and report mean, spread and a 95 % confidence interval.
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub windows: Option<usize>,
    /// Seed of the window starts [default: 1].
    #[cfg_attr(feature = "cli", arg(long))]
    pub seed: Option<u64>,
    /// `tick` (the papers' model, exact) or `event` (AWS's rules) [default: event].
    #[cfg_attr(feature = "cli", arg(long))]
    pub mode: Option<String>,
    /// Event mode: seconds from launch request to running [default: 90].
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub launch_latency: Option<i64>,
    /// Output format: table, json or csv [default: table].
    #[cfg_attr(feature = "cli", arg(long))]
    pub output: Option<String>,
    /// Write the report to FILE (whole or not at all).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
}

fn price(option: &str, s: &Option<String>) -> Result<Option<Rate>, ConfigError> {
    s.as_deref()
        .map(|v| Rate::parse_usd(v).map_err(|e| ConfigError::new(option, format!("`{v}`: {e}"))))
        .transpose()
}

fn is_csv(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

impl JobScenario {
    /// Reads the traces and runs the job (one window, or `--windows` of them).
    ///
    /// # Errors
    /// [`Error`] for a missing or unknown convention or policy, a deadline shorter than
    /// the work, a negative overhead, missing prices, a trace shorter than the deadline
    /// from the start, bad trace files.
    pub fn run(&self) -> Result<JobReport, Error> {
        let convention: Convention = self
            .convention
            .as_deref()
            .ok_or_else(|| ConfigError::new("convention", "required: `available` (a value counts available instances) or `preempted` (1 = preempted); spotsim never guesses"))?
            .parse()
            .map_err(|e: ConfigError| e)?;
        let policy: BuiltinPolicy = self
            .policy
            .as_deref()
            .ok_or_else(|| {
                ConfigError::new(
                    "policy",
                    format!("required; one of: {}", BuiltinPolicy::NAMES.join(", ")),
                )
            })?
            .parse()?;
        let need = |name: &str, v: Option<f64>| v.ok_or_else(|| ConfigError::new(name, "required"));
        let (w, d, o) = (
            need("work-hours", self.work_hours)?,
            need("deadline-hours", self.deadline_hours)?,
            need("restart-overhead-hours", self.restart_overhead_hours)?,
        );
        let spec = JobSpec::from_hours(w, d, o)?;
        if self.traces.is_empty() {
            return Err(ConfigError::new("trace", "at least one --trace is needed").into());
        }
        let mode = match self.mode.as_deref() {
            None | Some("event") => "event",
            Some("tick") => "tick",
            Some(other) => {
                return Err(ConfigError::new(
                    "mode",
                    format!("unknown mode `{other}`; valid: tick, event"),
                )
                .into());
            }
        };
        // Options that do not apply are errors, not silently ignored.
        let misuse = |name: &str, why: &str| -> Result<(), Error> {
            Err(ConfigError::new(name, why).into())
        };
        if mode == "tick" && self.launch_latency.is_some() {
            misuse(
                "launch-latency",
                "applies to event mode only (the tick model has no launch latency)",
            )?;
        }
        if self.windows.is_some() && self.start_hours.is_some() {
            misuse("start-hours", "give either --start-hours or --windows")?;
        }
        if self.windows.is_none() && self.seed.is_some() {
            misuse("seed", "draws the --windows starts; give --windows")?;
        }
        if self.nodes.is_some() && convention != Convention::Preempted {
            misuse("nodes", "applies to `preempted` traces of several nodes")?;
        }
        let all_csv = self.traces.iter().all(|p| is_csv(p));
        if self.gap.is_some() && !all_csv {
            misuse(
                "gap",
                "applies to timestamped CSV traces; tick traces carry their own gap",
            )?;
        }
        let opts = MarketOptions {
            spot_price: price("spot-price", &self.spot_price)?,
            ondemand_price: price("ondemand-price", &self.ondemand_price)?,
            gang: self.gang.unwrap_or(1),
        };
        let latency = self.launch_latency.unwrap_or(DEFAULT_LAUNCH_LATENCY_SECS);
        if latency < 0 {
            return Err(ConfigError::new("launch-latency", "must not be negative").into());
        }
        // Read the traces: JSON tick traces, or timestamped CSVs.
        let csv = self.traces.iter().all(|p| is_csv(p));
        if !csv && self.traces.iter().any(|p| is_csv(p)) {
            return Err(
                ConfigError::new("trace", "mix of CSV and JSON traces: give one kind").into(),
            );
        }
        let mut probes: Vec<ProbeSeries> = Vec::new();
        let mut ticks: Vec<JobTrace> = Vec::new();
        if csv {
            if convention != Convention::Available {
                return Err(ConfigError::new(
                    "convention",
                    "the availability CSVs' `availability` column counts available instances: use `available`",
                )
                .into());
            }
            for p in &self.traces {
                probes.push(read_probe_series(p, self.probe_prices.as_deref())?);
            }
            let gap = match self.gap {
                Some(g) => g,
                None => probes[0].median_spacing_secs(),
            };
            for s in &probes {
                ticks.push(s.to_ticks(gap)?);
            }
        } else {
            if self.probe_prices.is_some() {
                return Err(ConfigError::new("probe-prices", "only for CSV traces").into());
            }
            let mut to = TraceOptions::new(convention);
            if let Some(n) = self.nodes {
                to = to.nodes(n);
            }
            for p in &self.traces {
                ticks.push(read_spot_trace(p, &to)?);
            }
        }
        let market = JobMarket::new(&ticks, &opts)?;
        let g = market.gap_secs();
        let mut inputs: Vec<SourceFile> = market.sources().to_vec();
        for s in &probes {
            if let Some(ps) = &s.price_source {
                if !inputs.contains(ps) {
                    inputs.push(ps.clone());
                }
            }
        }
        let event_market = if mode == "event" {
            Some(if csv {
                EventMarket::from_probes(&probes, &opts, g)?
            } else {
                let t0 = ticks
                    .iter()
                    .find_map(|t| t.start)
                    .unwrap_or(UNDATED_TRACE_START);
                EventMarket::from_ticks(&market, t0)?
            })
        } else {
            None
        };
        let run_at = |start_tick: usize| -> Result<JobResult, Error> {
            let mut p = policy;
            match &event_market {
                None => Ok(run_job(&market, &spec, start_tick, &mut p)?),
                Some(em) => {
                    let start = em.start().plus(start_tick as i64 * g);
                    Ok(run_job_event(
                        em,
                        &spec,
                        start,
                        &mut p,
                        EventOptions {
                            launch_latency_secs: latency,
                        },
                    )?)
                }
            }
        };
        let line = |start_tick: usize, result: JobResult| WindowLine {
            start_hours: start_tick as f64 * g as f64 / 3600.0,
            result,
        };
        let (single, stats, windows) = match self.windows {
            None => {
                let t = start_tick_for_hours(self.start_hours.unwrap_or(0.0), g)?;
                (Some(line(t, run_at(t)?)), None, Vec::new())
            }
            Some(n) => {
                let starts = draw_starts(&market, &spec, n, self.seed.unwrap_or(1))?;
                let results: Vec<JobResult> = if event_market.is_none() {
                    run_windows(&market, &spec, &starts, || policy, true)?.results
                } else {
                    use rayon::prelude::*;
                    starts
                        .par_iter()
                        .map(|&t| run_at(t))
                        .collect::<Result<_, _>>()?
                };
                let stats = summarize(&results);
                let lines = starts
                    .iter()
                    .zip(results)
                    .map(|(&t, r)| line(t, r))
                    .collect();
                (None, Some(stats), lines)
            }
        };
        let mut assumptions = vec![
            format!(
                "{} convention: {}",
                convention_name(convention),
                match convention {
                    Convention::Available =>
                        "a trace value counts the spot instances available in that tick",
                    Convention::Preempted => "a trace value of 1 means preempted (unavailable)",
                }
            ),
            format!(
                "restart overhead {o} h re-armed on every change of instance (deadline-jobs.md)"
            ),
        ];
        assumptions.push(if mode == "tick" {
            "tick mode: the tick model of deadline-jobs.md, exactly (whole ticks billed at the type that ran; preemption at tick boundaries)".to_string()
        } else {
            format!("event mode: preemption at the real availability change, launch latency {latency} s, per-second billing with the 60 s minimum, spot interrupted within its first hour free (aws-facts.md §3); see job::event for why numbers differ from tick mode")
        });
        if mode == "event" && !csv && ticks.iter().all(|t| t.start.is_none()) {
            assumptions.push(format!(
                "the traces carry no date: event mode starts them at {UNDATED_TRACE_START}"
            ));
        }
        Ok(JobReport {
            schema_version: 1,
            mode: mode.to_string(),
            policy: policy.to_string(),
            work_hours: w,
            deadline_hours: d,
            restart_overhead_hours: o,
            single,
            stats,
            windows,
            warnings: Vec::new(),
            provenance: JobProvenance {
                spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
                inputs,
                convention: convention_name(convention).to_string(),
                gap_seconds: g,
                zones: (0..market.zones())
                    .filter_map(|z| market.zone_name(z).map(String::from))
                    .collect(),
                seed: self.windows.map(|_| self.seed.unwrap_or(1)),
                assumptions,
            },
        })
    }
}

impl JobScenario {
    /// The output format (default table).
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown format.
    pub fn format(&self) -> Result<Format, ConfigError> {
        self.output
            .as_deref()
            .map_or(Ok(Format::Table), Format::parse)
    }
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::Available => "available",
        Convention::Preempted => "preempted",
    }
}
