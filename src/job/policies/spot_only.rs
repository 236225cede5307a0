use crate::job::{Decision, JobPolicy, JobView};

/// **spot only** (deadline-jobs.md "Baseline policies"): SPOT when available in zone 0,
/// else NONE. It may miss the deadline.
///
/// ```
/// use spotsim::job::{run_job, JobMarket, JobSpec, JobTrace, MarketOptions, SpotOnly};
/// use spotsim::money::Rate;
/// let t = JobTrace::new(3600, vec![0, 0, 1])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let r = run_job(&m, &JobSpec::from_hours(2.0, 3.0, 0.0)?, 0, &mut SpotOnly)?;
/// assert!(!r.deadline_met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpotOnly;

impl JobPolicy for SpotOnly {
    #[inline]
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        if v.spot_available_in(0) {
            Decision::spot(0)
        } else {
            Decision::NONE
        }
    }
}
