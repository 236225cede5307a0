use crate::job::{Decision, JobPolicy, JobView, Kind, RunStart};

use super::multi_common::{Window, up_request};

/// **up-s** — Uniform Progress with eager failover across regions (SkyNomad's UP(S);
/// `sky_spot/strategies/multi_region_rc_cr_threshold_eager_failover.py` on top of
/// `multi_region_rc_cr_threshold.py`, `_step_multi`; SkyNomad paper §5 baselines). Run
/// it under [`SafetyNet`](super::SafetyNet) (as [`up_s`](super::up_s) does) to get the
/// reference's behaviour.
///
/// Each tick, with "current" the instance running after any preemption:
///
/// 1. Ask the multi-region Uniform Progress rule as if spot were available somewhere
///    (below).
/// 2. If something runs: keep it when the request is its type; otherwise terminate it
///    (and stop there when the request is NONE).
/// 3. SPOT: try zones cheapest spot price first (this tick's prices; zone order on ties),
///    with every zone of the **region of the last active instance** moved to the end
///    (eager failover: a region that just lost an instance is likely to lose the next);
///    launch in the first with spot. None has spot: after a hysteresis exit, stay idle;
///    otherwise ask the rule again with no spot and from idle, and launch ON_DEMAND if it
///    says so.
/// 4. ON_DEMAND: in the zone of the instance that ran until now, else of the last one
///    that ran, else zone 0.
///
/// "The last active instance" is the one seen running at the start of the latest tick
/// that had one (the reference's `_last_active_region`).
///
/// **The multi-region Uniform Progress rule** (`multi_region_rc_cr_threshold.py`,
/// `_compute_request_type`, shared by `up-s`, `up-a` and `up-ap`), given the type running
/// now and whether spot is assumed available, with `c0` the work, `ct` what is left, `t`
/// the time elapsed, `R` the deadline, `d` the overhead, `G` the tick:
///
/// 1. SPOT if spot, else NONE;
/// 2. behind schedule (`(c0 − ct) − t·c0/R < 0`): SPOT if spot, else ON_DEMAND;
/// 3. on ON_DEMAND and (no spot or `(t + 2d)·c0/R − (c0 − ct) ≥ 0`): ON_DEMAND;
/// 4. `⌈(ct + 2d)/G⌉·G > ⌊(R − t)/G⌋·G` (**strictly**, where deadline-jobs.md's rule 4
///    has `≥`) and on NONE or ON_DEMAND: ON_DEMAND;
/// 5. on ON_DEMAND, spot, the request ON_DEMAND and `(t + 2d)·c0/R − (c0 − ct) < 0`:
///    SPOT — a *hysteresis exit*.
///
/// The reference's second net (`⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`, between 4 and 5) never
/// decides: the safety net takes over at exactly that test before the policy runs. In one
/// zone this differs from [`UniformProgress`](super::UniformProgress) at the `2d`
/// equality, when on-demand runs without spot behind the hysteresis line (it leaves it),
/// at the `d` boundary (the net switches spot to on-demand) and at a hysteresis exit
/// inside the `2d` window (`tests/it/job_multi.rs` checks these are the only differences).
///
/// ```
/// use spotsim::job::{run_job, up_s, JobMarket, JobSpec, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// let a = JobTrace::new(3600, vec![1, 0, 0, 0])?.with_zone("us-east-1a");
/// let b = JobTrace::new(3600, vec![0, 1, 1, 1])?.with_zone("us-west-2a");
/// let m = JobMarket::new(&[a, b], &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let r = run_job(&m, &JobSpec::from_hours(3.0, 4.0, 0.0)?, 0, &mut up_s())?;
/// assert_eq!((r.migrations, r.total_cost.to_usd_string(2).as_str()), (1, "3.00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct UpS {
    window: Window,
    leader: Option<usize>,
    last_active: Option<usize>,
    order: Vec<usize>,
}

impl UpS {
    /// A fresh policy.
    pub fn new() -> UpS {
        UpS::default()
    }

    /// Zones by this tick's spot price, the last active instance's region last.
    fn spot_order(&mut self, v: &JobView<'_>) {
        let w = &self.window;
        self.order.clear();
        self.order.extend(0..w.nz);
        self.order.sort_by_key(|&z| w.spot_price(z, v.tick));
        if let Some(last) = self.last_active {
            let region = w.region(last);
            let (mut other, mut same): (Vec<usize>, Vec<usize>) =
                self.order.iter().partition(|&&z| w.region(z) != region);
            other.append(&mut same);
            self.order = other;
        }
    }
}

impl JobPolicy for UpS {
    fn start(&mut self, run: &RunStart<'_>) {
        *self = UpS {
            window: Window::new(run),
            ..UpS::default()
        };
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        if v.last.kind != Kind::None {
            self.leader = Some(v.last.zone);
        }
        let cur = v.current;
        let running = cur.kind != Kind::None;
        if running {
            self.last_active = Some(cur.zone);
        }
        let (req, exit) = up_request(v, cur.kind, true);
        if running && (req == Kind::None || req == cur.kind) {
            return if req == Kind::None {
                Decision::NONE
            } else {
                cur
            };
        }
        let fallback = if running {
            cur.zone
        } else {
            self.leader.unwrap_or(0)
        };
        match req {
            Kind::Spot => {
                self.spot_order(v);
                if let Some(&z) = self.order.iter().find(|&&z| v.spot_available_in(z)) {
                    return Decision::spot(z);
                }
                if exit {
                    return Decision::NONE;
                }
                match up_request(v, Kind::None, false).0 {
                    Kind::OnDemand => Decision::on_demand(fallback),
                    _ => Decision::NONE,
                }
            }
            Kind::OnDemand => Decision::on_demand(fallback),
            Kind::None => Decision::NONE,
        }
    }
}
