//! `spotsim job`: the options of a deadline-job run (the CLI's flags and the scenario
//! file's keys), reading the traces, running tick or event mode, one window or many,
//! and the report.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::event::{EventMarket, EventOptions, run_job_event};
use super::report::{JobProvenance, JobReport, PolicyReport, WindowLine};
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
use crate::options::{GateOptions, OutputOptions, SimOptions};
use crate::report::Format;
use crate::time::SimTime;

/// Start of event-mode runs on tick traces that carry no date: only date-dependent
/// billing rules care (Linux has been billed per second since 2017-10-02).
pub const UNDATED_TRACE_START: SimTime = SimTime(1_672_531_200); // 2023-01-01T00:00:00Z

/// Every option of `spotsim job`: its own ([`JobOptions`]) and the shared groups of
/// [`crate::options`] (seed and launch latency, output, gates). A scenario file (TOML,
/// or JSON by extension) takes the same keys as the flags; flags override it.
///
/// ```
/// use spotsim::job::{JobOptions, JobScenario};
/// let s = JobScenario {
///     job: JobOptions { policy: Some("uniform-progress".into()), ..Default::default() },
///     ..Default::default()
/// };
/// assert!(s.run().is_err(), "no trace, no convention: an error, not a guess");
/// let f = JobScenario::from_toml_str("trace = [\"t.json\"]\nconvention = \"available\"\nseed = 3\n", "j.toml").unwrap();
/// assert_eq!((f.job.traces.len(), f.sim.seed), (1, Some(3)));
/// assert!(JobScenario::from_toml_str("polcy = \"greedy\"\n", "j.toml").unwrap_err().to_string().contains("did you mean `policy`"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct JobScenario {
    /// The job, its traces and prices.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub job: JobOptions,
    /// Seed of the windows and event mode's launch latency.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub sim: SimOptions,
    /// Output.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub output: OutputOptions,
    /// CI gates.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub gates: GateOptions,
}

crate::scenario_file::option_set!(JobScenario {
    job: JobOptions,
    sim: SimOptions,
    output: OutputOptions,
    gates: GateOptions,
});

/// `job`'s own options: the traces, the job and the policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Job"))]
#[serde(rename_all = "kebab-case")]
pub struct JobOptions {
    /// A trace: spot-traces JSON (tick) or a timestamped availability CSV (repeatable; several = zones).
    #[serde(rename = "trace", default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(id = "trace", long = "trace", value_name = "FILE")
    )]
    pub traces: Vec<PathBuf>,
    /// What a trace value means: `available` (instances available) or `preempted` (1 = preempted). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "CONVENTION", value_parser = ["available", "preempted"])
    )]
    pub convention: Option<String>,
    /// Job policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "POLICY",
            value_parser = clap::builder::PossibleValuesParser::new(super::BuiltinPolicy::NAMES)
        )
    )]
    pub policy: Option<String>,
    /// Hours of work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "W"))]
    pub work_hours: Option<f64>,
    /// Hours from the start to the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "D"))]
    pub deadline_hours: Option<f64>,
    /// Progress lost on every (re)start, hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "O", allow_negative_numbers = true)
    )]
    pub restart_overhead_hours: Option<f64>,
    /// On-demand price, USD per hour [default: the trace's, if it has one].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub ondemand_price: Option<String>,
    /// Spot price, USD per hour, overriding the trace's prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub spot_price: Option<String>,
    /// Per-probe prices JSON aligned with availability CSV traces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub probe_prices: Option<PathBuf>,
    /// Tick length for CSV traces, seconds [default: the median probe spacing].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub gap: Option<i64>,
    /// Nodes of a `preempted` multi-node trace (available = nodes − value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub nodes: Option<u32>,
    /// Spot instances the job needs at once (spot is available when the count is at least this) [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub gang: Option<u32>,
    /// Start at hour H of the trace (tick ⌈H·3600/G⌉) [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "H", conflicts_with = "windows")
    )]
    pub start_hours: Option<f64>,
    /// Run N windows at random starts and report mean, spread and a 95 % confidence interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub windows: Option<usize>,
    /// `tick` (the papers' model, exact) or `event` (AWS's rules) [default: event].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "MODE", value_parser = ["tick", "event"])
    )]
    pub mode: Option<String>,
}

impl JobScenario {
    /// Parses a job scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, line and column; an unknown key is named.
    pub fn from_toml_str(text: &str, name: &str) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::from_toml(text, name)
    }

    /// Reads a job scenario from a table of keys (a sweep's cell).
    ///
    /// # Errors
    /// [`ConfigError`] naming an unknown key or a bad value's key.
    pub fn from_table(table: &toml::Table) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::from_table(table)
    }

    /// Every key a job scenario file takes (the flags' names).
    pub fn keys() -> Vec<&'static str> {
        <JobScenario as crate::scenario_file::OptionSet>::keys()
    }

    /// Reads a job scenario file (TOML; JSON when the name ends in `.json`); relative
    /// paths (traces, probe prices, output) are resolved against its directory.
    ///
    /// # Errors
    /// [`Error`] when the file cannot be read or is not a valid job scenario.
    pub fn load(path: &Path) -> Result<JobScenario, Error> {
        let mut s: JobScenario = crate::scenario_file::load(path)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let fix = |p: &mut PathBuf| crate::scenario_file::resolve(dir, p);
        s.job.traces.iter_mut().for_each(fix);
        s.job.probe_prices.iter_mut().for_each(fix);
        s.output.out.iter_mut().for_each(fix);
        Ok(s)
    }

    /// This scenario with every option set in `flags` taking precedence (a list set in
    /// `flags` replaces the file's).
    ///
    /// # Errors
    /// [`ConfigError`] when a flag cannot be represented in a scenario (a seed above
    /// 2⁶³ − 1): never a silent drop.
    pub fn overlay(self, flags: JobScenario) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::overlay(&self, &flags)
    }

    /// The output format (default table).
    pub fn format(&self) -> Format {
        self.output.format()
    }
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
        self.gates.validate()?;
        let convention_given = self.job.convention.as_deref().ok_or_else(|| ConfigError::new("convention", "required: `available` (a value counts available instances) or `preempted` (1 = preempted); spotsim never guesses"))?;
        let convention: Convention = convention_given.parse().map_err(|e: ConfigError| {
            crate::suggest::with_hint(e, convention_given, &["available", "preempted"])
        })?;
        let policy_name = self.job.policy.as_deref().ok_or_else(|| {
            ConfigError::new(
                "policy",
                format!("required; one of: {}", BuiltinPolicy::NAMES.join(", ")),
            )
        })?;
        let policy: BuiltinPolicy = policy_name
            .parse()
            .map_err(|e| crate::suggest::with_hint(e, policy_name, &BuiltinPolicy::NAMES))?;
        let need = |name: &str, v: Option<f64>| v.ok_or_else(|| ConfigError::new(name, "required"));
        let (w, d, o) = (
            need("work-hours", self.job.work_hours)?,
            need("deadline-hours", self.job.deadline_hours)?,
            need("restart-overhead-hours", self.job.restart_overhead_hours)?,
        );
        let spec = JobSpec::from_hours(w, d, o)?;
        if self.job.traces.is_empty() {
            return Err(ConfigError::new("trace", "at least one --trace is needed").into());
        }
        let mode = match self.job.mode.as_deref() {
            None | Some("event") => "event",
            Some("tick") => "tick",
            Some(other) => {
                return Err(
                    crate::suggest::unknown_value("mode", other, &["tick", "event"]).into(),
                );
            }
        };
        // Options that do not apply are errors, not silently ignored.
        let misuse = |name: &str, why: &str| -> Result<(), Error> {
            Err(ConfigError::new(name, why).into())
        };
        if mode == "tick" && self.sim.launch_latency.is_some() {
            misuse(
                "launch-latency",
                "applies to event mode only (the tick model has no launch latency)",
            )?;
        }
        if self.job.windows.is_some() && self.job.start_hours.is_some() {
            misuse("start-hours", "give either --start-hours or --windows")?;
        }
        if self.job.windows.is_none() && self.sim.seed.is_some() {
            misuse("seed", "draws the --windows starts; give --windows")?;
        }
        if self.job.nodes.is_some() && convention != Convention::Preempted {
            misuse("nodes", "applies to `preempted` traces of several nodes")?;
        }
        let all_csv = self.job.traces.iter().all(|p| is_csv(p));
        if self.job.gap.is_some() && !all_csv {
            misuse(
                "gap",
                "applies to timestamped CSV traces; tick traces carry their own gap",
            )?;
        }
        let opts = MarketOptions {
            spot_price: price("spot-price", &self.job.spot_price)?,
            ondemand_price: price("ondemand-price", &self.job.ondemand_price)?,
            gang: self.job.gang.unwrap_or(1),
        };
        let latency = self
            .sim
            .launch_latency
            .unwrap_or(DEFAULT_LAUNCH_LATENCY_SECS);
        if latency < 0 {
            return Err(ConfigError::new("launch-latency", "must not be negative").into());
        }
        // Read the traces: JSON tick traces, or timestamped CSVs.
        let csv = self.job.traces.iter().all(|p| is_csv(p));
        if !csv && self.job.traces.iter().any(|p| is_csv(p)) {
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
            for p in &self.job.traces {
                probes.push(read_probe_series(p, self.job.probe_prices.as_deref())?);
            }
            let gap = match self.job.gap {
                Some(g) => g,
                None => probes[0].median_spacing_secs(),
            };
            for s in &probes {
                ticks.push(s.to_ticks(gap)?);
            }
        } else {
            if self.job.probe_prices.is_some() {
                return Err(ConfigError::new("probe-prices", "only for CSV traces").into());
            }
            let mut to = TraceOptions::new(convention);
            if let Some(n) = self.job.nodes {
                to = to.nodes(n);
            }
            for p in &self.job.traces {
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
        let (single, stats, windows) = match self.job.windows {
            None => {
                let t = start_tick_for_hours(self.job.start_hours.unwrap_or(0.0), g)?;
                (Some(line(t, run_at(t)?)), None, Vec::new())
            }
            Some(n) => {
                let starts = draw_starts(&market, &spec, n, self.sim.seed.unwrap_or(1))?;
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
                "restart overhead {o} h re-armed on every change of instance (the deadline-job model of Can't Be Late, NSDI'24)"
            ),
        ];
        assumptions.push(if mode == "tick" {
            "tick mode: the tick model of the deadline-job papers (Can't Be Late, NSDI'24), exactly (whole ticks billed at the type that ran; preemption at tick boundaries)".to_string()
        } else {
            format!("event mode: preemption at the real availability change, launch latency {latency} s, per-second billing with the 60 s minimum, spot interrupted within its first hour free (aws-facts.md §3); see job::event for why numbers differ from tick mode")
        });
        if mode == "event" && !csv && ticks.iter().all(|t| t.start.is_none()) {
            assumptions.push(format!(
                "the traces carry no date: event mode starts them at {UNDATED_TRACE_START}"
            ));
        }
        let assumptions = assumptions
            .iter()
            .map(|a| crate::rules::localize(a))
            .collect();
        Ok(JobReport {
            schema_version: crate::report::SCHEMA_VERSION,
            mode: mode.to_string(),
            work_hours: w,
            deadline_hours: d,
            restart_overhead_hours: o,
            policies: vec![PolicyReport {
                policy: policy.to_string(),
                single,
                stats,
                windows,
            }],
            warnings: Vec::new(),
            provenance: JobProvenance {
                spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
                inputs,
                convention: convention_name(convention).to_string(),
                gap_seconds: g,
                zones: (0..market.zones())
                    .filter_map(|z| market.zone_name(z).map(String::from))
                    .collect(),
                seed: self.job.windows.map(|_| self.sim.seed.unwrap_or(1)),
                assumptions,
            },
        })
    }
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::Available => "available",
        Convention::Preempted => "preempted",
    }
}
