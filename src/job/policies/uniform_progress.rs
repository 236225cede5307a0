use crate::job::{Decision, JobPolicy, JobView, Kind};

/// Which rule of Uniform Progress made a decision (deadline-jobs.md "Uniform Progress").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpRule {
    /// Rule 1: SPOT if available, else NONE.
    Start,
    /// Rule 2: behind schedule — SPOT if available, else ON_DEMAND.
    BehindSchedule,
    /// Rule 3: hysteresis — stay on ON_DEMAND.
    Hysteresis,
    /// Rule 4, first safety net (`ct + 2d`, current NONE or ON_DEMAND): ON_DEMAND.
    SafetyNet2d,
    /// Rule 4, second safety net (`ct + d`): keep the running SPOT (no pending overhead).
    SafetyNet1dKeepSpot,
    /// Rule 4, second safety net (`ct + d`): ON_DEMAND.
    SafetyNet1dOnDemand,
    /// Rule 5: SPOT chosen but unavailable, inside the critical window — ON_DEMAND.
    UnavailableOnDemand,
    /// Rule 5: SPOT chosen but unavailable, outside the critical window — NONE.
    UnavailableIdle,
}

/// **Uniform Progress** (Wu et al., NSDI'24), rules 1–5 of deadline-jobs.md implemented
/// literally, in zone 0. With `c0` = total work, `ct` = remaining work, `t` = elapsed
/// time, `R` = deadline, `d` = overhead, `G` = tick, and "current" = the type running
/// after any preemption at this boundary ([`JobView::current`]):
///
/// 1. Start from SPOT if available, else NONE.
/// 2. *Behind schedule*, `(c0 − ct) − t·c0/R < 0`: SPOT if available, else ON_DEMAND.
/// 3. *Hysteresis*: if currently on ON_DEMAND, stay there while spot is unavailable or
///    `(t + 2d)·c0/R − (c0 − ct) ≥ 0`.
/// 4. *Safety nets*, remaining time rounded **down** and remaining work **up** to whole
///    ticks ([`JobView::critical`]):
///    * if `⌈(ct + 2d)/G⌉·G ≥ ⌊(R − t)/G⌋·G` and current is NONE or ON_DEMAND →
///      ON_DEMAND;
///    * if `⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`: keep SPOT if already on SPOT with no
///      pending overhead, otherwise ON_DEMAND.
/// 5. If SPOT was chosen but is unavailable: ON_DEMAND inside the critical window of
///    rule 4 (`ct + d`), else NONE ([`UniformProgress::guard_unavailable_spot`]).
///
/// The comparisons of rules 2 and 3 are evaluated exactly in integers
/// (`(c0 − ct)·R < t·c0` and `(t + 2d)·c0 ≥ (c0 − ct)·R`), where the original Python
/// divides in floating point; the two can only disagree when a quantity is within a
/// rounding error of the threshold. With rules 1–4 as written, SPOT is only ever chosen
/// when available, so rule 5 never changes a decision of this policy; it is kept as the
/// final guard (and exported for user policies built on these rules). The original
/// code's extra case "if `d = 0` and spot is available, SPOT" inside the second safety
/// net is *not* in deadline-jobs.md and is not implemented.
///
/// **Deadline guarantee** (when `D ≥ W + d`; in event mode `D ≥ W + d + L`, the view's
/// overhead there including the launch latency `L`): as for [`Greedy`](super::Greedy),
/// the critical window cannot be jumped over, and inside it the nets only keep a spot
/// instance that can lose at most its current tick, or run on-demand.
///
/// ```
/// use spotsim::job::{run_job, JobMarket, JobSpec, JobTrace, MarketOptions, UniformProgress};
/// use spotsim::money::Rate;
/// let t = JobTrace::new(3600, vec![1, 1, 0, 0, 1, 1, 1, 1])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let r = run_job(&m, &JobSpec::from_hours(4.0, 8.0, 0.0)?, 0, &mut UniformProgress)?;
/// assert!(r.deadline_met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UniformProgress;

impl UniformProgress {
    /// Rule 2's test: behind schedule, `(c0 − ct) − t·c0/R < 0`.
    #[inline]
    pub fn behind_schedule(v: &JobView<'_>) -> bool {
        let done = i128::from(v.progress_ms());
        done * i128::from(v.deadline_ms) < i128::from(v.elapsed_ms) * i128::from(v.work_ms)
    }

    /// Rule 3's test: `(t + 2d)·c0/R − (c0 − ct) ≥ 0` (stay on on-demand).
    #[inline]
    pub fn hysteresis_holds(v: &JobView<'_>) -> bool {
        let lhs = i128::from(v.elapsed_ms + 2 * v.overhead_ms) * i128::from(v.work_ms);
        lhs >= i128::from(v.progress_ms()) * i128::from(v.deadline_ms)
    }

    /// Rule 5 applied to any decision: a SPOT request where spot is unavailable becomes
    /// ON_DEMAND (same zone) inside the critical window (`⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`
    /// with work left), else NONE.
    #[inline]
    pub fn guard_unavailable_spot(v: &JobView<'_>, d: Decision) -> (Decision, Option<UpRule>) {
        if d.kind != Kind::Spot || v.spot_available_in(d.zone) {
            return (d, None);
        }
        if v.critical(1) && v.remaining_work_ms > 1 {
            (
                Decision::on_demand(d.zone),
                Some(UpRule::UnavailableOnDemand),
            )
        } else {
            (Decision::NONE, Some(UpRule::UnavailableIdle))
        }
    }

    /// The decision and the rule that made it.
    pub fn decide_explained(v: &JobView<'_>) -> (Decision, UpRule) {
        let avail = v.spot_available_in(0);
        let cur = v.current.kind;
        // Rule 1.
        let (mut req, mut rule) = if avail {
            (Decision::spot(0), UpRule::Start)
        } else {
            (Decision::NONE, UpRule::Start)
        };
        // Rule 2.
        if Self::behind_schedule(v) {
            req = if avail {
                Decision::spot(0)
            } else {
                Decision::on_demand(0)
            };
            rule = UpRule::BehindSchedule;
        }
        // Rule 3.
        if cur == Kind::OnDemand && (!avail || Self::hysteresis_holds(v)) {
            req = Decision::on_demand(0);
            rule = UpRule::Hysteresis;
        }
        // Rule 4.
        if v.critical(2) && matches!(cur, Kind::None | Kind::OnDemand) {
            return (Decision::on_demand(0), UpRule::SafetyNet2d);
        }
        if v.critical(1) {
            return if cur == Kind::Spot && v.pending_overhead_ms == 0 {
                (Decision::spot(0), UpRule::SafetyNet1dKeepSpot)
            } else {
                (Decision::on_demand(0), UpRule::SafetyNet1dOnDemand)
            };
        }
        // Rule 5.
        match Self::guard_unavailable_spot(v, req) {
            (d, Some(r)) => (d, r),
            (d, None) => (d, rule),
        }
    }
}

impl JobPolicy for UniformProgress {
    #[inline]
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        Self::decide_explained(v).0
    }
}
