//! One window's log: every instance a deadline job ran in it (spot or on-demand, zone,
//! launch request, running, end and why, the work it did, what it was billed), from
//! either engine — [`from_ticks`] turns tick mode's [`TickRecord`]s into it, event mode
//! records it as it runs ([`crate::job::event::run_job_event_logged`]). The HTML
//! page's one-window timeline ([`crate::job::timeline`]) and `job`'s telemetry
//! ([`crate::job::telemetry`]) read it.
//!
//! What the two modes can know differs, and the log says so rather than invent:
//!
//! * **Tick mode** launches and runs at tick boundaries (no launch latency, so
//!   `requested == running_from`), preempts at a tick boundary with no notice, bills
//!   whole ticks at the tick's price (an instance's `charge` is the sum of its ticks),
//!   and a job that finishes inside a tick is billed the whole tick (its instance ends
//!   at the tick's end). Probes and egress of the multi-region model are charges beside
//!   the instances ([`WindowLog::charges`]).
//! * **Event mode** requests a launch, runs it `launch_latency` later, preempts at the
//!   availability change with the 2-minute notice before it (aws-facts.md §2.1), bills
//!   per second by `pricing::billing` (§3; first-hour interruptions free, §3.2), and
//!   ends the instance the second the work is done. A preemption during the launch
//!   latency ends an instance that never ran (`running_from` is `None`).

use serde::Serialize;

use super::market::JobMarket;
use super::result::JobResult;
use super::tick::{JobSpec, Kind, TickRecord};
use crate::money::{Money, Rate};
use crate::time::SimTime;

/// Why an instance of the job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndCause {
    /// EC2 took spot capacity back (tick mode: at the tick boundary).
    Preempted,
    /// The policy chose something else (another kind, zone, idle, or a relaunch).
    PolicySwitch,
    /// The work was done.
    Finished,
    /// The deadline came first.
    Deadline,
}

impl EndCause {
    /// The name in the event log (`preempted`, `policy-switch`, `finished`, `deadline`).
    pub fn name(self) -> &'static str {
        match self {
            EndCause::Preempted => "preempted",
            EndCause::PolicySwitch => "policy-switch",
            EndCause::Finished => "finished",
            EndCause::Deadline => "deadline",
        }
    }
}

/// One instance of the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceSpan {
    /// Spot or on-demand.
    pub kind: Kind,
    /// Zone index in the market.
    pub zone: usize,
    /// The launch request.
    pub requested: SimTime,
    /// When it started running (and being billed); `None`: ended before it ran.
    pub running_from: Option<SimTime>,
    /// The 2-minute interruption notice (event mode's preemptions).
    pub notice: Option<SimTime>,
    /// When it ended.
    pub ended: SimTime,
    /// Why.
    pub cause: EndCause,
    /// When its work (after the restart overhead) began, ms since the epoch; `None`
    /// when it did no work.
    pub work_from_ms: Option<i64>,
    /// Work it did, ms.
    pub work_ms: i64,
    /// What it was billed.
    pub charge: Money,
}

/// One window of one policy: its instances, charges beside them, and the prices.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowLog {
    /// The window's start.
    pub start: SimTime,
    /// The end of the log: the deadline (rounded up to the second), or later when the
    /// last instance ended after it (tick mode's last tick).
    pub end: SimTime,
    /// The job.
    pub spec: JobSpec,
    /// Zone names, by index.
    pub zones: Vec<String>,
    /// Each zone's on-demand price.
    pub ondemand: Vec<Rate>,
    /// Each zone's spot price changes in `[start, end]` (the first at `start`), when
    /// known.
    pub prices: Vec<Vec<(SimTime, Rate)>>,
    /// Every instance, in launch order (one at a time).
    pub instances: Vec<InstanceSpan>,
    /// Charges beside the instances (tick mode: probes and egress), in time order.
    pub charges: Vec<(SimTime, Money)>,
    /// The run's result (its cost is the instances' charges plus `charges`).
    pub result: JobResult,
}

impl WindowLog {
    /// The instances' charges plus the other charges: the result's cost.
    pub fn charged(&self) -> Money {
        self.instances.iter().map(|i| i.charge).sum::<Money>()
            + self.charges.iter().map(|c| c.1).sum::<Money>()
    }

    /// Work done by the end, ms.
    pub fn work_done_ms(&self) -> i64 {
        self.instances.iter().map(|i| i.work_ms).sum()
    }
}

/// Zone names of a market (`zone-N` for a trace without one).
pub(crate) fn zone_names(market: &JobMarket) -> Vec<String> {
    (0..market.zones())
        .map(|z| {
            market
                .zone_name(z)
                .map_or_else(|| format!("zone-{z}"), String::from)
        })
        .collect()
}

/// Each zone's price changes over `[from, to)` of a step function given per tick.
fn tick_prices(
    market: &JobMarket,
    z: usize,
    start_tick: usize,
    n: usize,
    t0: i64,
) -> Vec<(SimTime, Rate)> {
    let g = market.gap_secs();
    let mut out: Vec<(SimTime, Rate)> = Vec::new();
    for i in 0..n {
        let Some(p) = market.spot_price(z, start_tick + i) else {
            break;
        };
        if out.last().is_none_or(|l| l.1 != p) {
            out.push((SimTime(t0 + i as i64 * g), p));
        }
    }
    out
}

/// The log of a tick-mode run from its tick records (`run_job_timeline`), the window
/// starting at `start` (the tick traces' date, or `job::scenario::UNDATED_TRACE_START`,
/// plus the start tick's offset).
pub fn from_ticks(
    market: &JobMarket,
    spec: &JobSpec,
    start_tick: usize,
    start: SimTime,
    result: JobResult,
    ticks: &[TickRecord],
) -> WindowLog {
    let g = market.gap_secs();
    let s0 = start.secs();
    let mut instances: Vec<InstanceSpan> = Vec::new();
    let mut charges = Vec::new();
    let mut cur: Option<InstanceSpan> = None;
    for t in ticks {
        let at = s0 + t.tick as i64 * g;
        let abs = start_tick + t.tick;
        let continues = cur.is_some_and(|c| {
            !t.preempted && !t.rearmed && t.ran.kind == c.kind && t.ran.zone == c.zone
        });
        if !continues {
            if let Some(mut c) = cur.take() {
                c.ended = SimTime(at);
                c.cause = if t.preempted {
                    EndCause::Preempted
                } else {
                    EndCause::PolicySwitch
                };
                instances.push(c);
            }
            if t.ran.kind != Kind::None {
                cur = Some(InstanceSpan {
                    kind: t.ran.kind,
                    zone: t.ran.zone,
                    requested: SimTime(at),
                    running_from: Some(SimTime(at)),
                    notice: None,
                    ended: SimTime(at + g),
                    cause: EndCause::Deadline,
                    work_from_ms: None,
                    work_ms: 0,
                    charge: Money::ZERO,
                });
            }
        }
        let mut compute = Money::ZERO;
        if let Some(c) = cur.as_mut() {
            let rate = match c.kind {
                Kind::Spot => market.spot_price(c.zone, abs),
                _ => market.ondemand_price(c.zone),
            }
            .unwrap_or(Rate::ZERO);
            compute = rate.for_seconds(g);
            c.charge += compute;
            c.ended = SimTime(at + g);
            if t.work_done_ms > 0 && c.work_from_ms.is_none() {
                c.work_from_ms = Some(at * 1000 + t.overhead_paid_ms);
            }
            c.work_ms += t.work_done_ms;
        }
        let other = t.cost - compute;
        if other != Money::ZERO {
            charges.push((SimTime(at), other));
        }
    }
    if let Some(mut c) = cur.take() {
        c.cause = if result.remaining_work_ms <= 1 {
            EndCause::Finished
        } else {
            EndCause::Deadline
        };
        instances.push(c);
    }
    let deadline = s0 + (spec.deadline_ms + 999) / 1000;
    let end = instances
        .last()
        .map_or(deadline, |i| i.ended.secs().max(deadline));
    let n = ((end - s0 + g - 1) / g) as usize;
    WindowLog {
        start,
        end: SimTime(end),
        spec: *spec,
        zones: zone_names(market),
        ondemand: (0..market.zones())
            .map(|z| market.ondemand_price(z).unwrap_or(Rate::ZERO))
            .collect(),
        prices: (0..market.zones())
            .map(|z| tick_prices(market, z, start_tick, n, s0))
            .collect(),
        instances,
        charges,
        result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{BuiltinPolicy, JobTrace, MarketOptions, run_job_timeline};

    #[test]
    fn greedy_on_a_hand_traced_window() {
        // Spot, then three ticks without; G = 1 h, W = 3 h, D = 5 h, d = 0: greedy
        // runs spot (preempted at 1 h), idles 2 h, then on-demand 2 h (finished).
        let trace = JobTrace::new(3600, vec![1, 0, 0, 0, 1, 1]).expect("trace");
        let rate = |s: &str| Rate::parse_usd(s).expect("rate");
        let market = JobMarket::single(&trace, &MarketOptions::prices(rate("1"), rate("3")))
            .expect("market");
        let spec = JobSpec::from_hours(3.0, 5.0, 0.0).expect("spec");
        let (r, ticks) =
            run_job_timeline(&market, &spec, 0, &mut BuiltinPolicy::Greedy).expect("run");
        let log = from_ticks(&market, &spec, 0, SimTime(0), r, &ticks);
        let got: Vec<_> = log
            .instances
            .iter()
            .map(|i| {
                (
                    i.kind,
                    i.requested.secs(),
                    i.ended.secs(),
                    i.cause,
                    i.work_ms / 3_600_000,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Spot, 0, 3600, EndCause::Preempted, 1),
                (Kind::OnDemand, 3 * 3600, 5 * 3600, EndCause::Finished, 2),
            ]
        );
        assert_eq!(log.charged(), log.result.total_cost);
        assert_eq!(log.charged().to_usd_string(2), "7.00");
        assert_eq!(log.work_done_ms(), spec.work_ms);
        assert_eq!(log.prices[0], vec![(SimTime(0), rate("1"))]);
    }
}
