//! One window's timeline, for the `job` HTML report and `job`'s telemetry: every
//! policy's [`WindowLog`] (what ran when, spot or on-demand, in which zone, the
//! preemptions, the work done) on one window chosen deterministically
//! ([`choose`]). Both modes record it: tick mode from its tick records, event mode as
//! it runs (only that window records; the other windows run without a log).

use super::log::WindowLog;
use super::named::NamedPolicy;
use super::tick::JobSpec;
use crate::error::Error;
use crate::money::Money;

/// One policy's window.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyTimeline {
    /// The policy.
    pub policy: String,
    /// Its instances, charges and result in the window.
    pub log: WindowLog,
}

/// One window's timeline for every policy.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowTimeline {
    /// Which window, in words (for the chart's caption and the report's assumptions).
    pub which: String,
    /// The window's first tick.
    pub start_tick: usize,
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

/// The window a timeline (and `job`'s telemetry) shows: with window `starts`, the
/// median-cost window ([`pick_window`]) of the first policy that is not on-demand
/// (whose cost hardly varies), or of the first policy, given each policy's window
/// costs in `costs_by_policy`; without (`Err(start)`), the run's own window. The start
/// tick and the window in words; `None` when there is no window.
///
/// ```
/// use spotsim::job::NamedPolicy;
/// use spotsim::job::timeline::choose;
/// use spotsim::money::Money;
/// let c = |x: i64| Money::from_units(x as i128);
/// let policies = NamedPolicy::parse_list("on-demand,greedy").unwrap();
/// let (od, greedy) = ([c(5), c(5), c(5)], [c(3), c(1), c(2)]);
/// // greedy's median cost is window 2 (cost 2), which starts at tick 40.
/// let (tick, which) = choose(Ok(&[0, 20, 40]), &[&od, &greedy], &policies, 3600).unwrap();
/// assert_eq!(tick, 40);
/// assert!(which.starts_with("Window 3 of 3 (the median cost of greedy)"), "{which}");
/// assert_eq!(choose(Err(7), &[], &policies, 3600).unwrap().0, 7);
/// ```
pub fn choose(
    starts: Result<&[usize], usize>,
    costs_by_policy: &[&[Money]],
    policies: &[NamedPolicy],
    gap_secs: i64,
) -> Option<(usize, String)> {
    let (start, which) = match starts {
        Err(start) => (start, "The run's window".to_string()),
        Ok(starts) => {
            let i = policies
                .iter()
                .position(|p| p.to_string() != "on-demand")
                .unwrap_or(0);
            let k = pick_window(costs_by_policy.get(i)?)?;
            (
                *starts.get(k)?,
                format!(
                    "Window {} of {} (the median cost of {})",
                    k + 1,
                    starts.len(),
                    policies[i]
                ),
            )
        }
    };
    let hours = start as f64 * gap_secs as f64 / 3600.0;
    Some((
        start,
        format!(
            "{which}, starting {} h into the trace",
            crate::report::human::group(hours, 1)
        ),
    ))
}

/// Records the window that starts at `start_tick` for every policy with `log_at`
/// (the mode's logging run of a policy from a start tick).
///
/// # Errors
/// `log_at`'s.
pub fn record(
    spec: &JobSpec,
    (start_tick, which): (usize, String),
    policies: &[NamedPolicy],
    log_at: &dyn Fn(NamedPolicy, usize) -> Result<WindowLog, Error>,
) -> Result<WindowTimeline, Error> {
    let policies = policies
        .iter()
        .map(|&p| {
            Ok(PolicyTimeline {
                policy: p.to_string(),
                log: log_at(p, start_tick)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(WindowTimeline {
        which,
        start_tick,
        spec: *spec,
        policies,
    })
}
