//! `spotsim job`'s run: checking the options, reading the traces, running tick or
//! event mode, one window or many, and the report.

use std::path::Path;

use serde::Serialize;

use super::egress::EgressTable;
use super::event::run_job_event_logged;
use super::event::{EventMarket, EventOptions, run_job_event};
use super::log::{WindowLog, from_ticks};
use super::multi_region::MigrationOptions;
use super::named::NamedPolicy;
use super::probes::{probe_series, with_price_map};
use super::report::{JobProvenance, JobReport, PolicyReport, WindowLine};
use super::scenario::{JobScenario, UNDATED_TRACE_START};
use super::telemetry::{replay, write_perfetto, write_switches};
use super::tick::run_job_timeline;
use super::tick::{JobMarket, JobSpec, MarketOptions, run_job, start_tick_for_hours};
use super::timeline::{choose, record};
use super::trace::{Convention, JobTrace, ProbeSeries, TraceOptions, read_spot_trace};
use super::windows::{WindowLayout, WindowTally, compare_costs, draw_starts, run_windows_results};
use super::{JobResult, OnDemandOnly};
use crate::engine::DEFAULT_LAUNCH_LATENCY_SECS;
use crate::error::{ConfigError, Error};
use crate::market::SourceFile;
use crate::money::{Money, Rate};
use crate::report::{Format, Warning, codes};
use crate::telemetry::TelemetrySession;
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
        self.run_with(&mut |_, _| Ok(()))
    }

    /// [`run`](Self::run), handing each window's line to `each_window` (the policy's
    /// name, the line) as soon as it is computed — in window order, policy after policy,
    /// the same at any thread count — instead of keeping it: with `--windows` the report
    /// holds statistics only ([`PolicyReport::tally`], 8 bytes a window), so memory does
    /// not grow with the windows' results (`--per-window FILE` writes them this way).
    ///
    /// # Errors
    /// As [`run`](Self::run), and the first error `each_window` returns.
    pub fn run_with(
        &self,
        each_window: &mut dyn FnMut(&str, &WindowLine) -> Result<(), Error>,
    ) -> Result<JobReport, Error> {
        self.run_observed(each_window, None)
    }

    /// [`run_with`](Self::run_with) with telemetry: every policy's window (the run's,
    /// or with `--windows` the one [`choose`] picks) is replayed into `session`
    /// ([`crate::job::telemetry`]), and each policy's report carries its alarms.
    ///
    /// # Errors
    /// As [`run_with`](Self::run_with); [`Error::Output`] for a telemetry file.
    pub fn run_observed(
        &self,
        each_window: &mut dyn FnMut(&str, &WindowLine) -> Result<(), Error>,
        session: Option<&mut TelemetrySession>,
    ) -> Result<JobReport, Error> {
        self.gates.validate()?;
        super::telemetry::validate(&self.telemetry)?;
        let convention_given = self.job.convention.as_deref().ok_or_else(|| ConfigError::new("convention", "required: `available` (a value counts available instances) or `preempted` (1 = preempted); spotsim never guesses"))?;
        let convention: Convention = convention_given.parse().map_err(|e: ConfigError| {
            crate::suggest::with_hint(e, convention_given, &["available", "preempted"])
        })?;
        if self.job.policy.is_empty() {
            return Err(ConfigError::new(
                "policy",
                format!(
                    "required; one or more of: {}",
                    NamedPolicy::NAMES.join(", ")
                ),
            )
            .into());
        }
        // Unknown names get "did you mean"; a name given twice is an error.
        let policies = NamedPolicy::parse_list(&self.job.policy.join(","))?;
        let popts = self.tunables.policy_options(&policies)?;
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
            Err(crate::options::not_applicable(name, why).into())
        };
        if mode == "event" {
            if let Some(p) = policies.iter().find(|p| p.multi_region()) {
                return Err(ConfigError::new(
                    "policy",
                    format!(
                        "`{p}` runs in tick mode only (SkyNomad's model is a tick model): add --mode tick"
                    ),
                )
                .into());
            }
            for (set, name) in [
                (self.job.checkpoint_gb.is_some(), "checkpoint-gb"),
                (self.job.egress.is_some(), "egress"),
                (self.job.overlap_transfer, "overlap-transfer"),
            ] {
                if set {
                    misuse(name, "tick mode (the multi-region model)")?;
                }
            }
        }
        if mode == "tick" && self.sim.launch_latency.is_some() {
            misuse(
                "launch-latency",
                "event mode only (the tick model has no launch latency)",
            )?;
        }
        if self.job.windows.is_some() && self.job.start_hours.is_some() {
            return Err(
                ConfigError::new("start-hours", "give either --start-hours or --windows").into(),
            );
        }
        if self.job.windows.is_none() && self.sim.seed.is_some() {
            misuse("seed", "--windows (it draws the window starts)")?;
        }
        if self.job.windows.is_none() && self.job.per_window.is_some() {
            misuse("per-window", "--windows (one line per window)")?;
        }
        if self.job.nodes.is_some() && convention != Convention::Preempted {
            misuse("nodes", "`preempted` traces of several nodes")?;
        }
        let all_csv = self.job.traces.iter().all(|p| is_csv(p));
        if self.job.gap.is_some() && !all_csv {
            misuse(
                "gap",
                "timestamped CSV traces; tick traces carry their own gap",
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
        crate::limits::latency("launch-latency", latency)?;
        if let Some(n) = self.job.windows
            && (n == 0 || n > crate::limits::MAX_WINDOWS)
        {
            return Err(ConfigError::new(
                "windows",
                format!("{n}: must be between 1 and {}", crate::limits::MAX_WINDOWS),
            )
            .into());
        }
        if let Some(g) = self.job.gap
            && !(1..=crate::limits::MAX_GAP_SECS).contains(&g)
        {
            return Err(ConfigError::new(
                "gap",
                format!(
                    "{g} s: must be between 1 and {} s (a day)",
                    crate::limits::MAX_GAP_SECS
                ),
            )
            .into());
        }
        // The start tick is bounded before any trace is read (a huge --start-hours
        // once saturated a cast and wrapped a multiplication).
        if let Some(h) = self.job.start_hours {
            crate::limits::f64_to_i64(
                "start-hours",
                h,
                1.0,
                crate::limits::MAX_JOB_TICKS as i64 * crate::limits::MAX_GAP_SECS / 3600,
                "h",
            )?;
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
        if csv && convention != Convention::Available {
            return Err(ConfigError::new(
                "convention",
                "the availability CSVs' `availability` column counts available instances: use `available`",
            )
            .into());
        }
        // The probe price file, parsed once and streamed (as the traces are): the probe
        // CSVs take prices per probe, tick traces one price per tick, by zone.
        let prices = self
            .job
            .probe_prices
            .as_deref()
            .map(crate::ingest::ProbePriceMap::open)
            .transpose()?;
        if csv {
            for p in &self.job.traces {
                probes.push(probe_series(
                    crate::ingest::Records::open(p)?,
                    prices.as_ref(),
                )?);
            }
            let gap = match self.job.gap {
                Some(g) => g,
                None => probes[0].median_spacing_secs(),
            };
            for s in &probes {
                ticks.push(s.to_ticks(gap)?);
            }
        } else {
            let mut to = TraceOptions::new(convention);
            if let Some(n) = self.job.nodes {
                to = to.nodes(n);
            }
            for p in &self.job.traces {
                let t = read_spot_trace(p, &to)?;
                ticks.push(match &prices {
                    Some(map) => with_price_map(t, map)?,
                    None => t,
                });
            }
        }
        let mut market = JobMarket::new(&ticks, &opts)?;
        let mut migration = None;
        if mode == "tick" {
            let egress = match &self.job.egress {
                Some(p) => EgressTable::read(p)?,
                None => EgressTable::empty(),
            };
            let mut mo = MigrationOptions::new(self.job.checkpoint_gb.unwrap_or(50.0), egress);
            mo.count_transfer_time = !self.job.overlap_transfer;
            market = market.with_migration(&mo)?;
            migration = Some(mo);
        }
        let g = market.gap_secs();
        // Every input file once (a price file shared by the zones' traces too).
        let mut inputs: Vec<SourceFile> = Vec::new();
        let files = market
            .sources()
            .iter()
            .chain(probes.iter().filter_map(|s| s.price_source.as_ref()))
            .chain(migration.as_ref().and_then(|m| m.egress.source()));
        for f in files {
            if !inputs.contains(f) {
                inputs.push(f.clone());
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
        // The on-demand baseline of a window: the on-demand policy's own cost for the same
        // job from the same start, in the same mode (so it saves exactly 0).
        let baseline_at = |start_tick: usize| -> Result<Money, Error> {
            Ok(match &event_market {
                None => OnDemandOnly::baseline_tick(&market, &spec, start_tick)?,
                Some(em) => OnDemandOnly::baseline_event(
                    em,
                    &spec,
                    em.start().plus(start_tick as i64 * g),
                    EventOptions {
                        launch_latency_secs: latency,
                    },
                )?,
            })
        };
        let against = |mut r: JobResult, baseline: Money| -> JobResult {
            r.ondemand_only_cost = baseline;
            r.savings_pct = OnDemandOnly::savings_pct(r.total_cost, baseline).unwrap_or(0.0);
            r
        };
        let line = |start_tick: usize, result: JobResult| WindowLine {
            start_hours: start_tick as f64 * g as f64 / 3600.0,
            result,
        };
        // The same windows for every policy (the starts are drawn from the seed alone).
        let starts = match self.job.windows {
            None => None,
            Some(n) => Some(draw_starts(&market, &spec, n, self.sim.seed.unwrap_or(1))?),
        };
        let layout = WindowLayout::of(&market, &spec);
        let baselines: Vec<Money> = match &starts {
            None => Vec::new(),
            Some(starts) => {
                use rayon::prelude::*;
                starts
                    .par_iter()
                    .map(|&t| baseline_at(t))
                    .collect::<Result<_, _>>()?
            }
        };
        let single_start = start_tick_for_hours(self.job.start_hours.unwrap_or(0.0), g)?;
        let single_baseline = if starts.is_none() {
            baseline_at(single_start)?
        } else {
            Money::ZERO
        };
        let mut reports = Vec::with_capacity(policies.len());
        for &policy in &policies {
            let (single, stats, tally) = match &starts {
                None => {
                    let t = single_start;
                    let r = against(run_at(policy, t)?, single_baseline);
                    (Some(line(t, r)), None, None)
                }
                Some(starts) => {
                    // Windows a chunk at a time (in parallel within a chunk), each line
                    // handed on and tallied in window order: memory holds one chunk of
                    // results, not every window's.
                    const CHUNK: usize = 1024;
                    let mut tally = WindowTally::new();
                    let name = policy.to_string();
                    for (c, chunk) in starts.chunks(CHUNK).enumerate() {
                        use rayon::prelude::*;
                        let results: Vec<JobResult> = if event_market.is_none() {
                            run_windows_results(&market, &spec, chunk, || policy.build(&popts))?
                        } else {
                            chunk
                                .par_iter()
                                .map(|&t| run_at(policy, t))
                                .collect::<Result<_, _>>()?
                        };
                        let base = baselines.get(c * CHUNK..).unwrap_or_default();
                        for ((&t, r), &b) in chunk.iter().zip(results).zip(base) {
                            let r = against(r, b);
                            tally.push(&r);
                            each_window(&name, &line(t, r))?;
                        }
                    }
                    (None, Some(tally.stats(starts, layout)), Some(tally))
                }
            };
            reports.push(PolicyReport {
                policy: policy.to_string(),
                single,
                stats,
                tally,
                telemetry: None,
            });
        }
        // Every pair of policies on the same windows, in the order given.
        let mut comparisons = Vec::new();
        if let Some(starts) = &starts {
            for i in 0..reports.len() {
                for j in i + 1..reports.len() {
                    let (Some(a), Some(b)) = (&reports[i].tally, &reports[j].tally) else {
                        continue;
                    };
                    comparisons.extend(compare_costs(
                        &reports[i].policy,
                        a.costs(),
                        &reports[j].policy,
                        b.costs(),
                        starts,
                        layout,
                    ));
                }
            }
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
                "restart overhead {o} h re-armed on every change of instance (the deadline-job model of Can't Be Late, NSDI'24)"
            ),
        ];
        assumptions.push(format!(
            "on-demand baseline: the on-demand policy's own cost for the same job from the same start in {mode} mode (ondemand_only_cost_usd{}); savings_pct = 100 × (1 − cost / baseline), exactly 0 for the on-demand policy",
            if mode == "tick" {
                ": whole ticks of the cheapest on-demand price, as the tick model bills them"
            } else {
                ": the launch latency and per-second billing included"
            }
        ));
        assumptions.push(if mode == "tick" {
            "tick mode: the tick model of the deadline-job papers (Can't Be Late, NSDI'24), exactly (whole ticks billed at the type that ran; preemption at tick boundaries)".to_string()
        } else {
            format!("event mode: preemption at the real availability change, launch latency {latency} s, per-second billing with the 60 s minimum, spot interrupted within its first hour free (aws-facts.md §3); see job::event for why numbers differ from tick mode")
        });
        let mut warnings = Vec::new();
        let multi_region = market.zones() > 1 || policies.iter().any(|p| p.multi_region());
        if let Some(mo) = migration.as_ref().filter(|_| multi_region) {
            assumptions.push(format!(
                "multi-region model (SkyNomad's progress model): a launch in another zone than the last instance's is a migration; across regions it adds the transfer of a {} GB checkpoint ({}; 8.20 Gb/s within a continent, 3.59 Gb/s across, less the 9.72 Gb/s already in the restart overhead) and pays its egress ({}); a successful probe is billed 60 s of spot",
                mo.checkpoint_gb,
                if mo.count_transfer_time {
                    "its time counted"
                } else {
                    "its time overlapped with the restart, --overlap-transfer"
                },
                match self.job.egress.as_ref() {
                    Some(p) => format!("{}, the reference's rules for pairs not in it", p.display()),
                    None => "the SkyNomad reference's rules, migration_model.get_transfer_cost_usd"
                        .to_string(),
                }
            ));
            let defaulted = market.migration().defaulted_pairs();
            if let (Some(p), false) = (&self.job.egress, defaulted.is_empty()) {
                warnings.push(Warning::new(
                    codes::EGRESS_PAIRS_DEFAULTED,
                    format!(
                        "region pairs not in {}, their egress priced by the SkyNomad reference's rules: {}",
                        p.display(),
                        defaulted
                            .iter()
                            .map(|(a, b)| format!("{a} → {b}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        for p in &policies {
            match p {
                NamedPolicy::UpA => assumptions.push(format!("up-a: {}", json_opts(&popts.up_a))),
                NamedPolicy::UpAp => {
                    assumptions.push(format!("up-ap: {}", json_opts(&popts.up_ap)))
                }
                NamedPolicy::SkyNomad => {
                    assumptions.push(format!("skynomad: {}", json_opts(&popts.skynomad)))
                }
                NamedPolicy::SkyNomadOracle => assumptions.push(format!(
                    "skynomad-oracle: {}",
                    json_opts(&popts.skynomad_oracle)
                )),
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
        let assumptions = assumptions
            .iter()
            .map(|a| crate::rules::localize(a))
            .collect();
        // One window's log per policy: the HTML page's timeline and the telemetry.
        let zones = super::log::zone_names(&market);
        let t0 = ticks
            .iter()
            .find_map(|t| t.start)
            .unwrap_or(UNDATED_TRACE_START);
        let log_at = |policy: NamedPolicy, start_tick: usize| -> Result<WindowLog, Error> {
            let mut p = policy.build(&popts);
            Ok(match &event_market {
                None => {
                    let (r, ticks) = run_job_timeline(&market, &spec, start_tick, &mut p)?;
                    let start = t0.plus(start_tick as i64 * g);
                    let mut log = from_ticks(&market, &spec, start_tick, start, r, &ticks);
                    log.result = against(log.result, baseline_at(start_tick)?);
                    log
                }
                Some(em) => {
                    let mut log = run_job_event_logged(
                        em,
                        &spec,
                        em.start().plus(start_tick as i64 * g),
                        &mut p,
                        EventOptions {
                            launch_latency_secs: latency,
                        },
                        zones.clone(),
                    )?;
                    log.result = against(log.result, baseline_at(start_tick)?);
                    log
                }
            })
        };
        let wants_log = self.format() == Format::Html || session.is_some();
        let chosen = choose(
            starts.as_deref().ok_or(single_start),
            &reports
                .iter()
                .map(|r| r.tally.as_ref().map_or(&[][..], |t| t.costs()))
                .collect::<Vec<_>>(),
            &policies,
            g,
        );
        let timeline = match chosen.filter(|_| wants_log) {
            Some(c) => Some(record(&spec, c, &policies, &log_at)?),
            None => None,
        };
        if let (Some(session), Some(t)) = (session, &timeline) {
            let period = session.spec().period_secs;
            for (report, p) in reports.iter_mut().zip(&t.policies) {
                let ((), mut tr) =
                    session.observe_own_events(&p.policy, |obs, events, perfetto| {
                        replay(&p.log, period, obs);
                        if let Some(e) = events {
                            write_switches(e, &p.policy, &p.log).map_err(|e| Error::Output {
                                path: "--events".into(),
                                message: e.to_string(),
                            })?;
                        }
                        if let Some(f) = perfetto {
                            write_perfetto(f, &p.policy, &p.log);
                        }
                        Ok(())
                    })?;
                tr.window = Some(t.which.clone());
                report.telemetry = Some(tr);
            }
        }
        Ok(JobReport {
            timeline,
            schema_version: crate::report::SCHEMA_VERSION,
            mode: mode.to_string(),
            work_hours: w,
            deadline_hours: d,
            restart_overhead_hours: o,
            policies: reports,
            comparisons,
            warnings,
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

/// Options as compact JSON, for the assumptions.
fn json_opts<T: Serialize>(o: &T) -> String {
    serde_json::to_string(o).unwrap_or_default()
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::Available => "available",
        Convention::Preempted => "preempted",
    }
}
