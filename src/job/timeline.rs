//! One window's timeline, for the `job` HTML report: what each policy ran in every
//! tick (spot, on-demand or nothing), when spot was preempted, and the work done so
//! far, recorded by [`run_job_timeline`] (tick mode) on one window chosen
//! deterministically ([`pick_window`]).

use super::named::{NamedPolicy, PolicyOptions};
use super::policy::JobPolicy;
use super::tick::{JobMarket, JobSpec, Kind, run_job_timeline};
use crate::error::ConfigError;
use crate::money::Money;

/// One tick of one policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TickState {
    /// What ran.
    pub ran: Kind,
    /// Whether spot was preempted at the tick's start.
    pub preempted: bool,
    /// Work done by the tick's end, ms.
    pub work_done_ms: i64,
}

/// One policy's ticks in the window.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyTimeline {
    /// The policy.
    pub policy: String,
    /// Every tick from the window's start, in order.
    pub ticks: Vec<TickState>,
    /// Whether the job met its deadline.
    pub deadline_met: bool,
    /// What the window cost.
    pub cost: Money,
}

/// One window's timeline for every policy.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowTimeline {
    /// Which window, in words (for the chart's caption).
    pub which: String,
    /// Seconds per tick.
    pub gap_secs: i64,
    /// The job.
    pub spec: JobSpec,
    /// One timeline per policy, in the order given.
    pub policies: Vec<PolicyTimeline>,
}

/// The window to show among `costs` (one policy's cost per window, in draw order): the
/// median-cost window (the lower median; ties go to the window drawn first). `None`
/// for no window.
///
/// ```
/// use spotsim::job::timeline::pick_window;
/// use spotsim::money::Money;
/// let c = |x: i64| Money::from_units(x as i128);
/// // Sorted: 1 (#2), 3 (#0), 3 (#3), 9 (#1): the lower median is the first 3, window 0.
/// assert_eq!(pick_window(&[c(3), c(9), c(1), c(3)]), Some(0));
/// assert_eq!(pick_window(&[]), None);
/// ```
pub fn pick_window(costs: &[Money]) -> Option<usize> {
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[a].cmp(&costs[b]).then(a.cmp(&b)));
    order.get(costs.len().checked_sub(1)? / 2).copied()
}

/// The timeline `job --output html` shows (tick mode): with window `starts`, the
/// median-cost window ([`pick_window`]) of the first policy that is not on-demand
/// (whose cost hardly varies), or of the first policy, given each policy's window
/// results in `by_policy`; without (`Err(start)`), the run's own window. `None` when
/// there is no window.
///
/// # Errors
/// As [`run_job_timeline`].
pub fn for_report(
    market: &JobMarket,
    spec: &JobSpec,
    starts: Result<&[usize], usize>,
    costs_by_policy: &[&[Money]],
    policies: &[NamedPolicy],
    popts: &PolicyOptions,
) -> Result<Option<WindowTimeline>, ConfigError> {
    let (start, which) = match starts {
        Err(start) => (start, "The run's window".to_string()),
        Ok(starts) => {
            let i = policies
                .iter()
                .position(|p| p.to_string() != "on-demand")
                .unwrap_or(0);
            let Some(costs) = costs_by_policy.get(i) else {
                return Ok(None);
            };
            let Some(k) = pick_window(costs) else {
                return Ok(None);
            };
            (
                starts[k],
                format!(
                    "Window {} of {} (the median cost of {})",
                    k + 1,
                    starts.len(),
                    policies[i]
                ),
            )
        }
    };
    let hours = start as f64 * market.gap_secs as f64 / 3600.0;
    record(
        market,
        spec,
        start,
        format!(
            "{which}, starting {} h into the trace",
            crate::report::human::group(hours, 1)
        ),
        policies.iter().map(|p| (p.to_string(), p.build(popts))),
    )
    .map(Some)
}

/// Records the window that starts at `start_tick` for every policy (tick mode).
///
/// # Errors
/// As [`run_job_timeline`].
pub fn record(
    market: &JobMarket,
    spec: &JobSpec,
    start_tick: usize,
    which: String,
    policies: impl IntoIterator<Item = (String, Box<dyn JobPolicy + Send>)>,
) -> Result<WindowTimeline, ConfigError> {
    let mut out = Vec::new();
    for (name, mut p) in policies {
        let (r, ticks) = run_job_timeline(market, spec, start_tick, &mut *p)?;
        let mut done = 0;
        let ticks = ticks
            .iter()
            .map(|t| {
                done = spec.work_ms - t.remaining_work_ms;
                TickState {
                    ran: t.ran.kind,
                    preempted: t.preempted,
                    work_done_ms: done,
                }
            })
            .collect();
        out.push(PolicyTimeline {
            policy: name,
            ticks,
            deadline_met: r.deadline_met,
            cost: r.total_cost,
        });
    }
    Ok(WindowTimeline {
        which,
        gap_secs: market.gap_secs,
        spec: *spec,
        policies: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{BuiltinPolicy, JobTrace, MarketOptions};
    use crate::money::Rate;

    #[test]
    fn greedy_on_a_hand_traced_window() {
        // Spot available, then three ticks without; G = 1 h, W = 3 h, D = 5 h, d = 0
        // (run_job's own example): greedy runs spot, idles twice while slack remains
        // (5 − 1 − 2 = 2 h of slack after tick 0, then 1, then 0), then on-demand to
        // the end: work 1, 1, 1, 2, 3 h; cost 1 + 3 + 3 = $7.
        let trace = JobTrace::new(3600, vec![1, 0, 0, 0, 1, 1]).expect("trace");
        let rate = |s: &str| Rate::parse_usd(s).expect("rate");
        let market = JobMarket::single(&trace, &MarketOptions::prices(rate("1"), rate("3")))
            .expect("market");
        let spec = JobSpec::from_hours(3.0, 5.0, 0.0).expect("spec");
        let policy: Box<dyn JobPolicy + Send> = Box::new(BuiltinPolicy::Greedy);
        let t = record(
            &market,
            &spec,
            0,
            "w".into(),
            [("greedy".to_string(), policy)],
        )
        .expect("timeline");
        let p = &t.policies[0];
        assert_eq!(
            p.ticks.iter().map(|s| s.ran).collect::<Vec<_>>(),
            vec![
                Kind::Spot,
                Kind::None,
                Kind::None,
                Kind::OnDemand,
                Kind::OnDemand
            ]
        );
        assert_eq!(
            p.ticks
                .iter()
                .map(|s| s.work_done_ms / 3_600_000)
                .collect::<Vec<_>>(),
            vec![1, 1, 1, 2, 3]
        );
        assert!(p.ticks[1].preempted, "spot lost at tick 1");
        assert!(p.deadline_met);
        assert_eq!(p.cost.to_usd_string(2), "7.00");
        assert_eq!(t.gap_secs, 3600);
    }
}
