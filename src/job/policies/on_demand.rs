use crate::job::{Decision, JobPolicy, JobView};

/// **on-demand only** (deadline-jobs.md "Baseline policies"): always ON_DEMAND, in zone
/// 0. It pays the overhead once, at the first tick, and finishes at `d + W`; its cost is
/// `⌈(W + d)/G⌉` ticks at the on-demand price (the paper's `W × price + one overhead`
/// when `W + d` is a whole number of ticks — [`JobResult::ondemand_only_cost`] is that
/// exact product).
///
/// [`JobResult::ondemand_only_cost`]: crate::job::JobResult::ondemand_only_cost
///
/// ```
/// use spotsim::job::{Decision, JobPolicy, OnDemandOnly, JobView};
/// fn first(v: &JobView<'_>) -> Decision { OnDemandOnly.decide(v) }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnDemandOnly;

impl JobPolicy for OnDemandOnly {
    #[inline]
    fn decide(&mut self, _v: &JobView<'_>) -> Decision {
        Decision::on_demand(0)
    }
}
