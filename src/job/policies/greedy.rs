use crate::job::{Decision, JobPolicy, JobView, Kind};

/// **greedy** (deadline-jobs.md "Baseline policies"): SPOT when available; NONE
/// otherwise, until the remaining slack forces ON_DEMAND to the end. In zone 0.
///
/// "The slack forces on-demand" is made precise with the critical window of
/// Uniform Progress's second safety net (deadline-jobs.md rule 4):
/// `⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`. In that window greedy keeps a spot instance that is
/// running with no pending overhead (as rule 4 does: one more spot tick keeps the same
/// margin, and a preemption still leaves `ct + d` of time), and otherwise switches to
/// ON_DEMAND; once on ON_DEMAND it stays there to the end.
///
/// **Deadline guarantee** (when `D ≥ W + d`): outside the window, one tick later the
/// test can at worst become an equality (`ct` never grows, and both sides lose one
/// tick), where `ct + d ≤ R − t` still holds, so the switch to on-demand always comes in
/// time; on-demand then progresses at wall-clock speed. In event mode (`job::event`)
/// the view's overhead is `d + L` (the launch latency too) and decisions are at most
/// one gap apart, so the same argument gives the deadline whenever `D ≥ W + d + L`.
///
/// ```
/// use spotsim::job::{BuiltinPolicy, Greedy};
/// assert_eq!("greedy".parse::<BuiltinPolicy>()?, BuiltinPolicy::Greedy);
/// let _ = Greedy;
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Greedy;

impl JobPolicy for Greedy {
    #[inline]
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        let cur = v.current.kind;
        if cur == Kind::OnDemand {
            return Decision::on_demand(0);
        }
        if v.critical(1) {
            if cur == Kind::Spot && v.pending_overhead_ms == 0 {
                return Decision::spot(0);
            }
            return Decision::on_demand(0);
        }
        if v.spot_available_in(0) {
            Decision::spot(0)
        } else {
            Decision::NONE
        }
    }
}
