//! `job`'s telemetry: one window of every policy ([`WindowLog`]), replayed into the
//! metrics and alarms of [`crate::telemetry`], with the job's own event log (switches)
//! and Perfetto trace.
//!
//! # Which window
//!
//! A single run's window; with `--windows N`, the window the HTML page shows: the
//! median-cost window of the first policy that is not `on-demand`
//! ([`crate::job::timeline::choose`]). Every policy is replayed on that window; the
//! report's assumptions name it ("telemetry: …").
//!
//! # Metrics
//!
//! The job is a fleet of one instance whose target is 1 until the work is done, then 0
//! (`DesiredCapacity`; `UnmetCapacity` is 1 while it is idle or launching before that), in one pool per zone (instance
//! type `job`: the traces name none). Recorded ([`job_metrics`]): `RunningCapacity`,
//! `PendingCapacity` (event mode's launch latency), `RunningInstanceCount` (by
//! purchase option with `--metrics-by option`: the instance kind), `Launches`,
//! `FailedLaunches` (event mode: preempted during the launch latency),
//! `Interruptions` (preemptions), `InterruptionNotices` (event mode only: tick mode
//! has no notice), `Cost` (each instance's bill, settled when it ends as in `run`, plus
//! tick mode's probes and egress when they are charged — the periods add up to the
//! policy's `total_cost_micro_usd` exactly), `CostRate`, `SpotPrice` (with
//! `--metrics-by az`: the zone's price), and `WorkDone`: hours of work done in the
//! period (the overhead excluded; the periods add up to the job's work when it
//! finished; its running sum is the progress).
//!
//! Dimensions: `total`, `option` (spot / on-demand) and `az` (the zone); every set
//! carries the `Policy`. `pool`, `type` and `service` do not apply (one instance type,
//! no services) and are refused.
//!
//! # Events and traces
//!
//! `--events FILE`: one JSON line per switch: `time`, `t`, `policy`, `from` and `to`
//! (`spot`, `on-demand` or `none`), `zone` (of the instance started, else of the one
//! ended), `cause` (`preempted`, `policy-switch`, `finished`, `deadline`) and the
//! ended instance's `charge_usd`. `--perfetto FILE`: one process (track) per policy, a
//! span per instance from its launch request to its end (`cat` spot or on-demand,
//! `args` the zone, cause and charge), instants for notices and preemptions.
//! `--service-map` does not apply: the switches (kind and zone, from → to) are the
//! event log's.
//!
//! Tick and event mode differ in what they know (see [`crate::job::log`]): tick mode
//! has no launch latency (no `PendingCapacity`), no notice, whole-tick billing.

use std::io::{self, Write};

use serde_json::json;

use super::log::{EndCause, InstanceSpan, WindowLog};
use super::tick::Kind;
use crate::catalog::{Arch, InstanceType};
use crate::engine::{EndReason, PurchaseOption};
use crate::error::ConfigError;
use crate::market::{Market, Pool, PoolId, PriceTrace, Zone};
use crate::money::Money;
use crate::options::TelemetryOptions;
use crate::telemetry::{
    Dimension, FLEET_METRICS, InstanceEvent, InstanceEventKind, Metric, Observer, PerfettoFile,
};
use crate::time::SimTime;

/// The metrics `job` records (alarms may use these): the fleet metrics of `run` but
/// rebalance recommendations and price-driven replacements (a job has neither), and
/// `WorkDone`.
///
/// ```
/// use spotsim::telemetry::Metric;
/// let m = spotsim::job::telemetry::job_metrics();
/// assert!(m.contains(&Metric::WorkDone) && m.contains(&Metric::Cost));
/// assert!(!m.contains(&Metric::PriceDrivenReplacements));
/// ```
pub fn job_metrics() -> Vec<Metric> {
    FLEET_METRICS
        .iter()
        .copied()
        .filter(|m| {
            !matches!(
                m,
                Metric::RebalanceRecommendations | Metric::PriceDrivenReplacements
            )
        })
        .chain([Metric::WorkDone])
        .collect()
}

/// The dimensions `job`'s metrics take.
pub const JOB_DIMENSIONS: &[Dimension] = &[Dimension::Total, Dimension::Option, Dimension::Az];

/// Checks `job`'s telemetry options: its metrics, its dimensions, no service map.
///
/// ```
/// use spotsim::job::telemetry::validate;
/// use spotsim::options::TelemetryOptions;
/// let o = TelemetryOptions { metrics_by: vec!["pool".into()], ..Default::default() };
/// assert_eq!(validate(&o).unwrap_err().to_string(), "option `metrics-by`: applies to total, option, az for job (one instance type, no services): not pool");
/// ```
///
/// # Errors
/// [`ConfigError`] naming the option (the one rule of
/// [`crate::options::not_applicable`] for what does not apply).
pub fn validate(opts: &TelemetryOptions) -> Result<(), ConfigError> {
    let by = opts.spec()?.by;
    if let Some(d) = by.iter().find(|d| !JOB_DIMENSIONS.contains(d)) {
        return Err(crate::options::not_applicable(
            "metrics-by",
            &format!("total, option, az for job (one instance type, no services): not {d}"),
        ));
    }
    if opts.service_map.is_some() {
        return Err(crate::options::not_applicable(
            "service-map",
            "run and compare; a job's switches (kind and zone, from → to) are in --events",
        ));
    }
    opts.validate(&job_metrics(), false)
}

fn option_of(kind: Kind) -> PurchaseOption {
    match kind {
        Kind::Spot => PurchaseOption::Spot,
        _ => PurchaseOption::OnDemand,
    }
}

/// The market the replay shows: one pool per zone, instance type `job`.
fn market_of(log: &WindowLog) -> Market {
    let pools = log
        .zones
        .iter()
        .zip(&log.ondemand)
        .map(|(z, &od)| Pool {
            instance_type: InstanceType {
                name: "job".into(),
                vcpu: 0,
                memory_mib: 0,
                arch: Arch::X86_64,
                ondemand: od,
            },
            zone: Zone::parse(z),
            weight: 1,
        })
        .collect();
    let prices = log
        .prices
        .iter()
        .map(|p| {
            PriceTrace::new(
                p.iter().map(|x| x.0.secs()).collect(),
                p.iter().map(|x| x.1).collect(),
            )
            .unwrap_or_else(|_| {
                PriceTrace::new(Vec::new(), Vec::new()).unwrap_or_else(|_| unreachable!())
            })
        })
        .collect();
    Market::new(pools, prices, Vec::new(), "Linux/UNIX")
}

/// What happens at one instant, in the order applied at equal times.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Price(usize),
    Notice(usize),
    Ended(usize),
    Charge(usize),
    Requested(usize),
    Running(usize),
    /// Instance, ms of work.
    Work(usize, i64),
}

/// Splits the work of instance `i`, `[from, from + ms)` in ms, at the period
/// boundaries (multiples of `period` seconds since the epoch, as the aggregator's).
fn work_pieces(i: usize, from: i64, ms: i64, period: i64, out: &mut Vec<(i64, Step)>) {
    let p = period.max(1) * 1000;
    let (mut a, end) = (from, from + ms);
    while a < end {
        let b = ((a.div_euclid(p) + 1) * p).min(end);
        out.push((a.div_euclid(1000), Step::Work(i, b - a)));
        a = b;
    }
}

/// Replays `log` into `obs` (see the module docs), with periods of `period_secs`.
pub fn replay(log: &WindowLog, period_secs: i64, obs: &mut dyn Observer) {
    let market = market_of(log);
    let mut steps: Vec<(i64, Step)> = Vec::new();
    for (z, p) in log.prices.iter().enumerate() {
        for &(t, _) in p {
            steps.push((t.secs(), Step::Price(z)));
        }
    }
    for (i, s) in log.instances.iter().enumerate() {
        steps.push((s.requested.secs(), Step::Requested(i)));
        if let Some(t) = s.running_from {
            steps.push((t.secs(), Step::Running(i)));
        }
        if let Some(t) = s.notice {
            steps.push((t.secs(), Step::Notice(i)));
        }
        steps.push((s.ended.secs(), Step::Ended(i)));
        if let Some(from) = s.work_from_ms {
            work_pieces(i, from, s.work_ms, period_secs, &mut steps);
        }
    }
    for (k, c) in log.charges.iter().enumerate() {
        steps.push((c.0.secs(), Step::Charge(k)));
    }
    steps.sort();
    obs.begin(&market, log.start, log.end);
    obs.job();
    obs.desired(log.start, 1);
    let mut price_at: Vec<usize> = vec![0; log.prices.len()];
    let mut last = None;
    let ev = |i: usize, s: &InstanceSpan, at: i64, kind| InstanceEvent {
        at: SimTime(at),
        id: i as u32,
        pool: PoolId(s.zone as u32),
        option: option_of(s.kind),
        weight: 1,
        kind,
    };
    for &(t, step) in &steps {
        if last != Some(t) {
            obs.advance(SimTime(t));
            last = Some(t);
        }
        match step {
            Step::Price(z) => {
                let (at, p) = log.prices[z][price_at[z]];
                price_at[z] += 1;
                obs.price(at, PoolId(z as u32), p);
            }
            Step::Requested(i) => obs.instance(&ev(
                i,
                &log.instances[i],
                t,
                InstanceEventKind::Requested { replaces: None },
            )),
            Step::Running(i) => {
                obs.instance(&ev(i, &log.instances[i], t, InstanceEventKind::Running))
            }
            Step::Notice(i) => {
                obs.instance(&ev(i, &log.instances[i], t, InstanceEventKind::Notice))
            }
            Step::Ended(i) => {
                let s = &log.instances[i];
                let reason = match (s.cause, s.running_from) {
                    (EndCause::Preempted, None) => EndReason::LaunchFailed,
                    (EndCause::Preempted, Some(_)) => EndReason::Capacity,
                    (EndCause::Deadline, _) => EndReason::Horizon,
                    // Ended by the job itself (voluntary, counted as no interruption).
                    (EndCause::PolicySwitch | EndCause::Finished, _) => EndReason::ScaleIn,
                };
                obs.instance(&ev(
                    i,
                    s,
                    t,
                    InstanceEventKind::Ended {
                        reason,
                        charge: s.charge,
                        running_from: s.running_from,
                    },
                ));
                if s.cause == EndCause::Finished {
                    // Done: the job asks for nothing more.
                    obs.desired(SimTime(t), 0);
                }
            }
            Step::Charge(k) => obs.charge(SimTime(t), log.charges[k].1),
            Step::Work(i, ms) => {
                let s = &log.instances[i];
                obs.work(SimTime(t), PoolId(s.zone as u32), option_of(s.kind), ms);
            }
        }
    }
    obs.end(log.end);
}

fn kind_name(k: Option<Kind>) -> &'static str {
    match k {
        Some(Kind::Spot) => "spot",
        Some(Kind::OnDemand) => "on-demand",
        _ => "none",
    }
}

/// One switch of a job: when, from what to what (`spot`, `on-demand`, `none`), in
/// which zone (of the instance started, else of the one ended), why, and the ended
/// instance's charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwitchEvent {
    /// When.
    pub at: SimTime,
    /// What ran before.
    pub from: &'static str,
    /// What runs after.
    pub to: &'static str,
    /// The zone.
    pub zone: String,
    /// Why: `preempted`, `policy-switch`, `finished`, `deadline`.
    pub cause: &'static str,
    /// What the ended instance was billed.
    pub charge: Option<Money>,
}

/// The switches of a window, in time order: every instance's start (from idle or
/// from the instance that ended at that instant) and every end not followed at once
/// by another instance.
pub fn switches(log: &WindowLog) -> Vec<SwitchEvent> {
    let zone = |z: usize| log.zones.get(z).cloned().unwrap_or_default();
    let start = |s: &InstanceSpan, from: Option<&InstanceSpan>| SwitchEvent {
        at: s.requested,
        from: kind_name(from.map(|p| p.kind)),
        to: kind_name(Some(s.kind)),
        zone: zone(s.zone),
        cause: from.map_or(EndCause::PolicySwitch.name(), |p| p.cause.name()),
        charge: from.map(|p| p.charge),
    };
    let stop = |p: &InstanceSpan| SwitchEvent {
        at: p.ended,
        from: kind_name(Some(p.kind)),
        to: kind_name(None),
        zone: zone(p.zone),
        cause: p.cause.name(),
        charge: Some(p.charge),
    };
    let mut out = Vec::new();
    let mut prev: Option<&InstanceSpan> = None;
    for s in &log.instances {
        match prev {
            Some(p) if p.ended == s.requested => out.push(start(s, Some(p))),
            Some(p) => {
                out.push(stop(p));
                out.push(start(s, None));
            }
            None => out.push(start(s, None)),
        }
        prev = Some(s);
    }
    out.extend(prev.map(stop));
    out
}

/// Writes the window's switches of `policy` as JSON lines (see the module docs).
///
/// # Errors
/// The write error.
pub fn write_switches(out: &mut dyn Write, policy: &str, log: &WindowLog) -> io::Result<()> {
    for s in switches(log) {
        let mut v = json!({
            "time": s.at.to_rfc3339(), "t": s.at.secs(), "policy": policy, "kind": "switch",
            "from": s.from, "to": s.to, "zone": s.zone, "cause": s.cause,
        });
        if let Some(c) = s.charge {
            v["charge_usd"] = json!(c.to_usd_f64());
        }
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the window of `policy` into a Perfetto trace: one process for the policy, a
/// span per instance, instants for notices and preemptions; microseconds from the
/// window's start.
pub fn write_perfetto<W: Write>(file: &mut PerfettoFile<W>, policy: &str, log: &WindowLog) {
    let pid = file.process(policy);
    let us = |t: SimTime| (t.secs() - log.start.secs()).saturating_mul(1_000_000);
    for (i, s) in log.instances.iter().enumerate() {
        let cat = kind_name(Some(s.kind));
        let id = format!("{policy}:{i}");
        let zone = log.zones.get(s.zone).cloned().unwrap_or_default();
        let name = format!("{cat} {zone}");
        file.event(&json!({
            "name": name, "cat": cat, "ph": "b", "id": id, "pid": pid, "tid": 1,
            "ts": us(s.requested), "args": {"instance": i, "zone": zone}
        }));
        if let Some(t) = s.running_from.filter(|&t| t != s.requested) {
            file.event(&json!({
                "name": "running", "cat": cat, "ph": "n", "id": id, "pid": pid, "tid": 1, "ts": us(t)
            }));
        }
        if let Some(t) = s.notice {
            file.event(&json!({
                "name": "interruption notice", "cat": cat, "ph": "i", "s": "p", "pid": pid,
                "tid": 1, "ts": us(t), "args": {"instance": i}
            }));
        }
        if s.cause == EndCause::Preempted {
            file.event(&json!({
                "name": "preempted", "cat": cat, "ph": "i", "s": "p", "pid": pid, "tid": 1,
                "ts": us(s.ended), "args": {"instance": i}
            }));
        }
        file.event(&json!({
            "name": name, "cat": cat, "ph": "e", "id": id, "pid": pid, "tid": 1, "ts": us(s.ended),
            "args": {"cause": s.cause.name(), "charge_usd": s.charge.to_usd_f64()}
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::event::{EventMarket, EventOptions, run_job_event_logged};
    use crate::job::log::from_ticks;
    use crate::job::{JobMarket, JobSpec, JobTrace, MarketOptions, SpotOnly, run_job_timeline};
    use crate::money::Rate;
    use crate::telemetry::{FleetRecorder, MetricsSpec, SeriesStore};

    /// 30-minute ticks: spot for 1.5 h, gone for 1 h, back; $1/h spot, $3.60/h
    /// on-demand; W = 2 h, D = 6 h, d = 0.1 h; spot-only; periods of an hour.
    fn market() -> (JobMarket, JobSpec, SimTime) {
        let tr = JobTrace::new(1800, vec![1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]).unwrap();
        let rate = |s: &str| Rate::parse_usd(s).unwrap();
        let m = JobMarket::single(&tr, &MarketOptions::prices(rate("1"), rate("3.6"))).unwrap();
        let spec = JobSpec::from_hours(2.0, 6.0, 0.1).unwrap();
        (m, spec, SimTime(1_672_531_200))
    }

    fn per_period(log: &WindowLog) -> (Vec<i128>, Vec<i128>, Vec<i128>, Vec<i128>) {
        let mut rec = FleetRecorder::new(
            MetricsSpec {
                period_secs: 3600,
                by: vec![Dimension::Total],
            },
            ("Policy", "spot-only".into()),
            SeriesStore::keeping_all(),
        );
        replay(log, 3600, &mut rec);
        let store = rec.finish("m").unwrap();
        let sums = |m: Metric| -> Vec<i128> {
            store
                .total(m)
                .unwrap()
                .iter()
                .map(|s| s.exact_sum)
                .collect()
        };
        (
            sums(Metric::Cost),
            sums(Metric::WorkDone),
            sums(Metric::Interruptions),
            sums(Metric::Launches),
        )
    }

    #[test]
    fn event_mode_by_hand() {
        // Spot from 0: overhead to 0:06, work to the preemption at 1:30 (1.4 h; billed
        // 1.5 h = $1.50, past the first hour). Idle until spot is back at 2:30 (decisions
        // every 30 min), overhead to 2:36, the last 0.6 h of work to 3:12 ($0.70).
        let (m, spec, t0) = market();
        let em = EventMarket::from_ticks(&m, t0).unwrap();
        let opts = EventOptions {
            launch_latency_secs: 0,
        };
        let log =
            run_job_event_logged(&em, &spec, t0, &mut SpotOnly, opts, vec!["z".into()]).unwrap();
        assert_eq!(log.result.total_cost.micro_usd(), 2_200_000);
        assert!(log.result.deadline_met);
        let (cost, work, interrupted, launches) = per_period(&log);
        // $1 in the first hour, $0.50 to the preemption, $0.50 from 2:30, $0.20 to 3:12.
        assert_eq!(cost, vec![1_000_000, 500_000, 500_000, 200_000, 0, 0]);
        // Work, ms: 0:06–1:00, 1:00–1:30, 2:36–3:00, 3:00–3:12.
        assert_eq!(work, vec![3_240_000, 1_800_000, 1_440_000, 720_000, 0, 0]);
        assert_eq!(interrupted, vec![0, 1, 0, 0, 0, 0]);
        assert_eq!(launches, vec![1, 0, 1, 0, 0, 0]);
        let sw = switches(&log);
        let causes: Vec<(&str, &str, &str)> = sw.iter().map(|s| (s.from, s.to, s.cause)).collect();
        assert_eq!(
            causes,
            vec![
                ("none", "spot", "policy-switch"),
                ("spot", "none", "preempted"),
                ("none", "spot", "policy-switch"),
                ("spot", "none", "finished"),
            ]
        );
        assert_eq!(sw[1].at, t0.plus(5400));
    }

    #[test]
    fn tick_mode_by_hand() {
        // Whole ticks of $0.50: 0:00–1:30 (the 0.1 h overhead, then 1.4 h of work),
        // preempted at 1:30; 2:30–3:30 (overhead, 0.6 h of work, done at 3:12, the tick
        // billed to 3:30).
        let (m, spec, t0) = market();
        let (r, ticks) = run_job_timeline(&m, &spec, 0, &mut SpotOnly).unwrap();
        let log = from_ticks(&m, &spec, 0, t0, r, &ticks);
        assert_eq!(log.result.total_cost.micro_usd(), 2_500_000);
        let (cost, work, interrupted, launches) = per_period(&log);
        assert_eq!(cost, vec![1_000_000, 500_000, 500_000, 500_000, 0, 0]);
        assert_eq!(work, vec![3_240_000, 1_800_000, 1_440_000, 720_000, 0, 0]);
        assert_eq!(interrupted, vec![0, 1, 0, 0, 0, 0]);
        assert_eq!(launches, vec![1, 0, 1, 0, 0, 0]);
        assert_eq!(switches(&log).len(), 4);
    }

    #[test]
    fn pool_type_and_service_are_refused_with_what_applies() {
        for d in ["pool", "type", "service"] {
            let o = TelemetryOptions {
                metrics_by: vec![d.into()],
                ..Default::default()
            };
            let e = validate(&o).unwrap_err().to_string();
            assert!(e.contains("total, option, az"), "{e}");
        }
        let o = TelemetryOptions {
            metrics_by: vec!["az".into(), "option".into()],
            ..Default::default()
        };
        assert!(validate(&o).is_ok());
        let o = TelemetryOptions {
            service_map: Some("m.dot".into()),
            ..Default::default()
        };
        assert!(validate(&o).is_err());
    }
}
