//! `spotsim job`: the options of a deadline-job run (the CLI's flags), reading the
//! traces, running tick or event mode, one window or many, and the report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::JobResult;
use super::egress::EgressTable;
use super::event::{EventMarket, EventOptions, run_job_event};
use super::multi_region::MigrationOptions;
use super::named::{NamedPolicy, PolicyOptions};
use super::policies::ProgressValue;
use super::probes::with_probe_prices;
use super::tick::{JobMarket, JobSpec, MarketOptions, run_job, start_tick_for_hours};
use super::trace::{
    Convention, JobTrace, ProbeSeries, TraceOptions, read_probe_series, read_spot_trace,
};
use super::windows::{WindowStats, draw_starts, run_windows, summarize};
use crate::engine::DEFAULT_LAUNCH_LATENCY_SECS;
use crate::error::{ConfigError, Error};
use crate::ingest::read_all;
use crate::market::SourceFile;
use crate::money::Rate;
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
    /// Job policies, comma-separated, run on the same windows: on-demand, spot-only, greedy, uniform-progress, multi-zone-spot; up-s, up-a, up-ap, optimal, skynomad, skynomad-oracle (tick mode).
    #[cfg_attr(feature = "cli", arg(long, value_name = "A,B,…"))]
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
    /// Checkpoint size, GB: a launch in another region adds its transfer time and egress (tick mode) [default: 50].
    #[cfg_attr(feature = "cli", arg(long, value_name = "GB"))]
    pub checkpoint_gb: Option<f64>,
    /// Egress prices `from_region,to_region,price_usd_per_gb` (e.g. ../shared/data/pricing/aws_egress_pricing.csv) [default: the SkyNomad reference's rules].
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub egress: Option<PathBuf>,
    /// Overlap the checkpoint transfer with the restart (the SkyNomad CLI's default) instead of adding its time.
    #[cfg_attr(feature = "cli", arg(long))]
    pub overlap_transfer: bool,
    /// up-a: samples kept per zone [default: 5].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub probe_window: Option<usize>,
    /// up-a: minutes between probes [default: 120].
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIN"))]
    pub up_a_probe_interval_min: Option<f64>,
    /// up-ap: minutes between probes [default: 60].
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIN"))]
    pub up_ap_probe_interval_min: Option<f64>,
    /// skynomad: spot zones tried per tick, 0 = all [default: 0].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub max_attempts_per_tick: Option<usize>,
    /// skynomad: leave migration time and egress out of the options' values.
    #[cfg_attr(feature = "cli", arg(long))]
    pub ignore_migration_penalty: bool,
    /// skynomad: no value-of-information gating.
    #[cfg_attr(feature = "cli", arg(long))]
    pub no_voi_gating: bool,
    /// skynomad: gating margin, USD/h [default: 0.5].
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub voi_delta_base: Option<f64>,
    /// skynomad: gating margin per GB of checkpoint, USD/h [default: 0.0002].
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub voi_k_checkpoint: Option<f64>,
    /// skynomad: gating margin as a share of the progress value [default: 0.05].
    #[cfg_attr(feature = "cli", arg(long, value_name = "K"))]
    pub voi_k_v: Option<f64>,
    /// skynomad: ticks between probes of a zone [default: 6].
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub probe_interval_ticks: Option<usize>,
    /// skynomad: re-probe zones whose probe succeeded.
    #[cfg_attr(feature = "cli", arg(long))]
    pub probe_revalidate: bool,
    /// skynomad: keep observing zones' availability while nothing runs there.
    #[cfg_attr(feature = "cli", arg(long))]
    pub virtual_availability: bool,
    /// skynomad: cap of the lifetime estimate, hours [default: 2].
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub max_prediction_hours: Option<f64>,
    /// skynomad: window of the recent progress rate, hours [default: 10].
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub progress_window_hours: Option<f64>,
    /// skynomad-oracle: progress value, reference-cost or rate-ratio [default: reference-cost].
    #[cfg_attr(feature = "cli", arg(long, value_name = "FORM"))]
    pub oracle_v: Option<String>,
    /// Output format: table, json or csv [default: table].
    #[cfg_attr(feature = "cli", arg(long))]
    pub output: Option<String>,
    /// Write the report to FILE (whole or not at all).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
}

/// One window's line of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowLine {
    /// Hours from the trace's start to the window's start.
    pub start_hours: f64,
    /// The run.
    #[serde(flatten)]
    pub result: JobResult,
}

/// Where a job report's numbers came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobProvenance {
    /// spotsim's version.
    pub spotsim_version: &'static str,
    /// Trace and price files with SHA-256.
    pub inputs: Vec<SourceFile>,
    /// The convention the traces were read with.
    pub convention: String,
    /// Seconds per tick.
    pub gap_seconds: i64,
    /// Zones, in trace order.
    pub zones: Vec<String>,
    /// Seed of the window starts.
    pub seed: Option<u64>,
    /// Model assumptions in force.
    pub assumptions: Vec<String>,
}

/// One policy's part of a [`JobReport`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyReport {
    /// The policy.
    pub policy: String,
    /// The single run (when no `--windows`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub single: Option<WindowLine>,
    /// Statistics over the windows (with `--windows`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<WindowStats>,
    /// Every window (with `--windows`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<WindowLine>,
}

/// The result of `spotsim job`: one [`PolicyReport`] per policy, every policy on the
/// same windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobReport {
    /// JSON layout version (2: the `policies` array).
    pub schema_version: u32,
    /// `tick` or `event`.
    pub mode: &'static str,
    /// Hours of work.
    pub work_hours: f64,
    /// Hours to the deadline.
    pub deadline_hours: f64,
    /// Restart overhead, hours.
    pub restart_overhead_hours: f64,
    /// The policies, in the order given.
    pub policies: Vec<PolicyReport>,
    /// Provenance.
    pub provenance: JobProvenance,
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
        let policies = NamedPolicy::parse_list(self.policy.as_deref().ok_or_else(|| {
            ConfigError::new(
                "policy",
                format!(
                    "required; one or more of: {}",
                    NamedPolicy::names().join(", ")
                ),
            )
        })?)?;
        let popts = self.policy_options()?;
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
        if mode == "event" {
            if let Some(p) = policies.iter().find(|p| p.multi_region()) {
                misuse(
                    "policy",
                    &format!(
                        "`{p}` runs in tick mode only (SkyNomad's model is a tick model): add --mode tick"
                    ),
                )?;
            }
            for (set, name) in [
                (self.checkpoint_gb.is_some(), "checkpoint-gb"),
                (self.egress.is_some(), "egress"),
                (self.overlap_transfer, "overlap-transfer"),
            ] {
                if set {
                    misuse(name, "applies to tick mode (the multi-region model)")?;
                }
            }
        }
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
            let mut to = TraceOptions::new(convention);
            if let Some(n) = self.nodes {
                to = to.nodes(n);
            }
            let prices = match &self.probe_prices {
                Some(p) => Some((p.display().to_string(), read_all(p)?)),
                None => None,
            };
            for p in &self.traces {
                let t = read_spot_trace(p, &to)?;
                ticks.push(match &prices {
                    Some((name, bytes)) => with_probe_prices(t, name, bytes)?,
                    None => t,
                });
            }
        }
        let mut market = JobMarket::new(&ticks, &opts)?;
        let mut migration_note = None;
        if mode == "tick" {
            let egress = match &self.egress {
                Some(p) => EgressTable::read(p)?,
                None => EgressTable::empty(),
            };
            let mut mo = MigrationOptions::new(self.checkpoint_gb.unwrap_or(50.0), egress);
            mo.count_transfer_time = !self.overlap_transfer;
            market = market.with_migration(&mo)?;
            migration_note = Some(mo);
        }
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
        let run_at = |policy: NamedPolicy, start_tick: usize| -> Result<JobResult, Error> {
            let mut p = policy.build(&popts);
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
        let mut reports = Vec::with_capacity(policies.len());
        for &policy in &policies {
            let (single, stats, windows) = match self.windows {
                None => {
                    let t = start_tick_for_hours(self.start_hours.unwrap_or(0.0), g)?;
                    (Some(line(t, run_at(policy, t)?)), None, Vec::new())
                }
                Some(n) => {
                    // The same starts for every policy (drawn from the seed alone).
                    let starts = draw_starts(&market, &spec, n, self.seed.unwrap_or(1))?;
                    let results: Vec<JobResult> = if event_market.is_none() {
                        run_windows(&market, &spec, &starts, || policy.build(&popts), true)?.results
                    } else {
                        use rayon::prelude::*;
                        starts
                            .par_iter()
                            .map(|&t| run_at(policy, t))
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
            reports.push(PolicyReport {
                policy: policy.to_string(),
                single,
                stats,
                windows,
            });
        }
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
        if let Some(mo) = &migration_note {
            assumptions.push(format!(
                "multi-region model (SkyNomad's progress model): a launch in another zone than the last instance's is a migration; across regions it adds the transfer of a {} GB checkpoint ({}; 8.20 Gb/s within a continent, 3.59 Gb/s across, less the 9.72 Gb/s already in the restart overhead) and pays its egress ({}); a successful probe is billed 60 s of spot",
                mo.checkpoint_gb,
                if mo.count_transfer_time { "its time counted" } else { "its time overlapped with the restart, --overlap-transfer" },
                match self.egress.as_ref() {
                    Some(p) => format!("{}, the reference's rules for pairs not in it", p.display()),
                    None => "the SkyNomad reference's rules, migration_model.get_transfer_cost_usd".to_string(),
                }
            ));
            let defaulted = market.migration().defaulted_pairs();
            if self.egress.is_some() && !defaulted.is_empty() {
                assumptions.push(format!(
                    "egress pairs not in the table, priced by the reference's rules: {}",
                    defaulted
                        .iter()
                        .map(|(a, b)| format!("{a} → {b}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        for p in &policies {
            match p {
                NamedPolicy::UpA => assumptions.push(format!("up-a: {}", json_opts(&popts.up_a))),
                NamedPolicy::UpAp => assumptions.push(format!("up-ap: {}", json_opts(&popts.up_ap))),
                NamedPolicy::SkyNomad => assumptions.push(format!("skynomad: {}", json_opts(&popts.skynomad))),
                NamedPolicy::SkyNomadOracle => assumptions.push(format!("skynomad-oracle: {}", json_opts(&popts.skynomad_oracle))),
                NamedPolicy::Optimal => assumptions.push("optimal: the offline dynamic program over the known future (overheads rounded up to whole ticks), without the safety net".to_string()),
                _ => {}
            }
            if p.multi_region()
                && *p != NamedPolicy::Optimal
                && !assumptions.iter().any(|a| a.starts_with("safety net"))
            {
                assumptions.push("safety net (SkyNomad's environment) for up-s, up-a, up-ap, skynomad, skynomad-oracle: at the first tick with ⌈(ct + d)/G⌉·G ≥ ⌊(D − t)/G⌋·G, on-demand to the end (in the running zone, else where finishing costs least)".to_string());
            }
        }
        if mode == "event" && !csv && ticks.iter().all(|t| t.start.is_none()) {
            assumptions.push(format!(
                "the traces carry no date: event mode starts them at {UNDATED_TRACE_START}"
            ));
        }
        Ok(JobReport {
            schema_version: 2,
            mode,
            work_hours: w,
            deadline_hours: d,
            restart_overhead_hours: o,
            policies: reports,
            provenance: JobProvenance {
                spotsim_version: env!("CARGO_PKG_VERSION"),
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

/// Options as compact JSON, for the assumptions.
fn json_opts<T: Serialize>(o: &T) -> String {
    serde_json::to_string(o).unwrap_or_default()
}

impl JobScenario {
    /// The SkyNomad family's tunables from the options (the reference's defaults
    /// otherwise).
    ///
    /// # Errors
    /// [`ConfigError`] for a negative or non-finite number, or an unknown `oracle-v`.
    pub fn policy_options(&self) -> Result<PolicyOptions, ConfigError> {
        let mut o = PolicyOptions::default();
        let non_neg = |name: &str, v: Option<f64>| -> Result<Option<f64>, ConfigError> {
            match v {
                Some(x) if !x.is_finite() || x < 0.0 => Err(ConfigError::new(
                    name,
                    format!("must be a non-negative number, got {x}"),
                )),
                _ => Ok(v),
            }
        };
        if let Some(n) = self.probe_window {
            if n == 0 {
                return Err(ConfigError::new("probe-window", "must be at least 1"));
            }
            o.up_a.window = n;
        }
        if let Some(m) = non_neg("up-a-probe-interval-min", self.up_a_probe_interval_min)? {
            o.up_a.probe_interval_min = m;
        }
        if let Some(m) = non_neg("up-ap-probe-interval-min", self.up_ap_probe_interval_min)? {
            o.up_ap.probe_interval_min = m;
        }
        for s in [&mut o.skynomad, &mut o.skynomad_oracle] {
            if let Some(n) = self.max_attempts_per_tick {
                s.max_attempts_per_tick = n;
            }
            s.migration_penalty = !self.ignore_migration_penalty;
            s.voi_gating = !self.no_voi_gating;
            if let Some(x) = non_neg("voi-delta-base", self.voi_delta_base)? {
                s.voi_delta_base = x;
            }
            if let Some(x) = non_neg("voi-k-checkpoint", self.voi_k_checkpoint)? {
                s.voi_k_checkpoint = x;
            }
            if let Some(x) = non_neg("voi-k-v", self.voi_k_v)? {
                s.voi_k_v = x;
            }
            if let Some(n) = self.probe_interval_ticks {
                s.probe_interval_ticks = n.max(1);
            }
            s.probe_revalidate = self.probe_revalidate;
            s.virtual_availability = self.virtual_availability;
            if let Some(x) = non_neg("max-prediction-hours", self.max_prediction_hours)? {
                s.max_prediction_hours = x;
            }
            if let Some(x) = non_neg("progress-window-hours", self.progress_window_hours)? {
                s.progress_window_hours = x;
            }
        }
        if let Some(v) = self.oracle_v.as_deref() {
            o.skynomad_oracle.value = match v {
                "reference-cost" | "reference_cost" => ProgressValue::ReferenceCost,
                "rate-ratio" | "rate_ratio" => ProgressValue::RateRatio,
                _ => {
                    return Err(ConfigError::new(
                        "oracle-v",
                        format!("unknown progress value `{v}`; valid: reference-cost, rate-ratio"),
                    ));
                }
            };
        }
        Ok(o)
    }
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::Available => "available",
        Convention::Preempted => "preempted",
    }
}

impl JobReport {
    /// Renders as `table`, `json` or `csv` (one row per policy and window, the policy
    /// first).
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown format.
    pub fn render(&self, format: Option<&str>) -> Result<String, ConfigError> {
        match format.unwrap_or("table") {
            "json" => {
                let mut s = serde_json::to_string_pretty(self)
                    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
                s.push('\n');
                Ok(s)
            }
            "csv" => {
                let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
                let _ = w.write_record([
                    "policy",
                    "start_hours",
                    "total_cost_usd",
                    "compute_cost_usd",
                    "probe_cost_usd",
                    "egress_cost_usd",
                    "deadline_met",
                    "finish_hours",
                    "spot_hours",
                    "ondemand_hours",
                    "idle_hours",
                    "preemptions",
                    "restarts",
                    "migrations",
                    "probes",
                    "ondemand_only_cost_usd",
                    "savings_pct",
                ]);
                for p in &self.policies {
                    for l in p.single.iter().chain(p.windows.iter()) {
                        let r = &l.result;
                        let h = |ms: i64| format!("{:.6}", ms as f64 / 3.6e6);
                        let _ = w.write_record([
                            p.policy.clone(),
                            format!("{:.6}", l.start_hours),
                            r.total_cost.to_usd_string(6),
                            r.compute_cost.to_usd_string(6),
                            r.probe_cost.to_usd_string(6),
                            r.egress_cost.to_usd_string(6),
                            r.deadline_met.to_string(),
                            h(r.finish_ms),
                            h(r.spot_ms),
                            h(r.ondemand_ms),
                            h(r.idle_ms),
                            r.preemptions.to_string(),
                            r.restarts.to_string(),
                            r.migrations.to_string(),
                            r.probes.to_string(),
                            r.ondemand_only_cost.to_usd_string(6),
                            format!("{:.6}", r.savings_pct),
                        ]);
                    }
                }
                Ok(String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default())
            }
            "table" => Ok(self.table()),
            other => Err(ConfigError::new(
                "output",
                format!("unknown format `{other}`; valid: table, json, csv"),
            )),
        }
    }

    fn table(&self) -> String {
        let mut s = String::new();
        let names: Vec<&str> = self.policies.iter().map(|p| p.policy.as_str()).collect();
        let _ = writeln!(
            s,
            "spotsim {} job — {} ({} mode): {} h of work, deadline {} h, restart overhead {} h",
            self.provenance.spotsim_version,
            names.join(", "),
            self.mode,
            self.work_hours,
            self.deadline_hours,
            self.restart_overhead_hours
        );
        for p in &self.policies {
            if self.policies.len() > 1 {
                let _ = writeln!(s, "{}:", p.policy);
            }
            if let Some(l) = &p.single {
                let r = &l.result;
                let _ = writeln!(
                    s,
                    "  start                 hour {:.2} of the trace",
                    l.start_hours
                );
                let _ = writeln!(
                    s,
                    "  total cost            {}   on-demand only {}, savings {:.1}%",
                    r.total_cost, r.ondemand_only_cost, r.savings_pct
                );
                if r.probe_cost != crate::money::Money::ZERO
                    || r.egress_cost != crate::money::Money::ZERO
                {
                    let _ = writeln!(
                        s,
                        "  cost split            compute {}, probes {} ({}), egress {}",
                        r.compute_cost, r.probe_cost, r.probes, r.egress_cost
                    );
                }
                let _ = writeln!(
                    s,
                    "  deadline met          {}   finished at {:.2} h",
                    if r.deadline_met { "yes" } else { "NO" },
                    r.finish_hours()
                );
                let _ = writeln!(
                    s,
                    "  hours                 spot {:.2}, on-demand {:.2}, idle {:.2}",
                    r.spot_ms as f64 / 3.6e6,
                    r.ondemand_ms as f64 / 3.6e6,
                    r.idle_ms as f64 / 3.6e6
                );
                let _ = writeln!(
                    s,
                    "  preemptions           {}   restarts {}, migrations {}",
                    r.preemptions, r.restarts, r.migrations
                );
            }
            if let Some(st) = &p.stats {
                let _ = writeln!(
                    s,
                    "  windows               {} (seed {})",
                    st.windows,
                    self.provenance.seed.unwrap_or(1)
                );
                let _ = writeln!(
                    s,
                    "  mean cost             ${:.2}   sd {}, 95% CI {}, min {}, max {}",
                    st.mean_cost_usd,
                    st.sd_cost_usd.map_or("n/a".into(), |x| format!("${x:.2}")),
                    match (st.ci95_low_usd, st.ci95_high_usd) {
                        (Some(a), Some(b)) => format!("[${a:.2}, ${b:.2}]"),
                        _ => "n/a".into(),
                    },
                    st.min_cost,
                    st.max_cost
                );
                let _ = writeln!(
                    s,
                    "  deadline met          {:.1}% of windows; mean savings {:.1}%",
                    100.0 * st.deadline_met_fraction,
                    st.mean_savings_pct
                );
            }
        }
        let p = &self.provenance;
        let _ = writeln!(
            s,
            "  zones {} (tick {} s)",
            p.zones.join(", "),
            p.gap_seconds
        );
        let _ = writeln!(s, "  inputs:");
        for i in &p.inputs {
            let _ = writeln!(
                s,
                "    {} ({}, sha256 {})",
                i.path,
                i.format,
                &i.sha256[..16.min(i.sha256.len())]
            );
        }
        let _ = writeln!(s, "  assumptions:");
        for a in &p.assumptions {
            let _ = writeln!(s, "    - {a}");
        }
        s
    }
}
