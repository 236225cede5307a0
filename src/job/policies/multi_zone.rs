use crate::job::{Decision, JobPolicy, JobView, Kind};

/// **multi-zone-spot**, the multi-zone baseline: spot in any zone that has it —
/// staying in the current (home) zone when it has spot, else the first available zone
/// in the market's order — else on-demand (staying on a running on-demand instance,
/// else launching one in the home zone). Every change of zone re-arms the overhead and
/// counts as a migration (deadline-jobs.md "Beyond the tick model"; SkyNomad).
///
/// It never idles, but flapping between spot and on-demand could still pay the overhead
/// too often to finish; so it takes Uniform Progress's second safety net
/// (deadline-jobs.md rule 4): in the critical window `⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G` it
/// keeps a running spot instance with no pending overhead or a running on-demand one,
/// and otherwise switches to on-demand. That gives it the same deadline guarantee as
/// [`Greedy`](super::Greedy) when `D ≥ W + d` (event mode: `D ≥ W + d + L`).
///
/// ```
/// use spotsim::job::{run_job, JobMarket, JobSpec, JobTrace, MarketOptions, MultiZoneSpot};
/// use spotsim::money::Rate;
/// let a = JobTrace::new(3600, vec![1, 0, 0, 0])?.with_zone("a");
/// let b = JobTrace::new(3600, vec![0, 1, 1, 1])?.with_zone("b");
/// let m = JobMarket::new(&[a, b], &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let r = run_job(&m, &JobSpec::from_hours(3.0, 4.0, 0.0)?, 0, &mut MultiZoneSpot)?;
/// assert_eq!((r.migrations, r.preemptions, r.total_cost.to_usd_string(2).as_str()), (1, 1, "3.00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MultiZoneSpot;

impl JobPolicy for MultiZoneSpot {
    #[inline]
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        let cur = v.current;
        let home = v.home_zone();
        if v.critical(1) {
            return match cur.kind {
                Kind::Spot if v.pending_overhead_ms == 0 => cur,
                Kind::OnDemand => cur,
                _ => Decision::on_demand(home),
            };
        }
        if cur.kind == Kind::Spot {
            return cur;
        }
        if v.spot_available_in(home) {
            return Decision::spot(home);
        }
        if let Some(z) = v.first_available_zone() {
            return Decision::spot(z);
        }
        if cur.kind == Kind::OnDemand {
            cur
        } else {
            Decision::on_demand(home)
        }
    }
}
