use crate::job::market::money_for_ms;
use crate::job::{Decision, JobPolicy, JobView, Kind, RunStart, ZoneSet};
use crate::money::Money;

use super::multi_common::Window;

/// The deadline safety net of SkyNomad's multi-region environment
/// (`sky_spot/env.py`, `MultiTraceEnv.maybe_trigger_safety_net`; progress model "Safety
/// Net Mechanism"), wrapped around a policy: the online multi-region policies (`up-s`,
/// `up-a`, `up-ap`, `skynomad`, `skynomad-oracle`) all run under it; `optimal` does not
/// (the reference's `IGNORE_SAFETY_NET`).
///
/// At the start of every tick, before the policy decides:
///
/// * the first time `⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G` (the boundary tick), the net
///   **latches**: a running on-demand instance is kept; a running spot instance is
///   replaced by on-demand in its zone (the code's "simplified safety net: always switch
///   to ON_DEMAND" — the progress model's prose would keep a spot instance with no
///   pending overhead, the code does not); with nothing running, on-demand is launched in
///   the zone where finishing costs least, `od_price × ct + egress(last zone → zone)`
///   (`_calculate_cheapest_ondemand_region`; the first such zone on ties);
/// * once latched, the policy is never asked again (nor are its probes); on-demand runs
///   to the end.
///
/// The boundary cannot be jumped over (remaining work never grows, the window shrinks by
/// one tick per tick), so with `D ≥ W + d` the net meets the deadline — unless it has to
/// launch in another region than the last instance's, whose transfer time its test does
/// not count (the reference's test does not either).
///
/// ```
/// use spotsim::job::{run_job, Decision, JobMarket, JobPolicy, JobSpec, JobTrace, JobView, MarketOptions, SafetyNet};
/// use spotsim::money::Rate;
/// struct Idle;
/// impl JobPolicy for Idle {
///     fn decide(&mut self, _: &JobView<'_>) -> Decision { Decision::NONE }
/// }
/// let t = JobTrace::new(3600, vec![1; 6])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// // W = 3 h, D = 6 h, d = 0: idle until ⌈3 h⌉ ≥ ⌊6 h − t⌋, i.e. t = 3 h, then on-demand.
/// let r = run_job(&m, &JobSpec::from_hours(3.0, 6.0, 0.0)?, 0, &mut SafetyNet::new(Idle))?;
/// assert!(r.deadline_met);
/// assert_eq!((r.total_cost.to_usd_string(2).as_str(), r.idle_ms), ("9.00", 3 * 3_600_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SafetyNet<P> {
    inner: P,
    latched: bool,
    leader: Option<usize>,
    window: Window,
}

impl<P: JobPolicy> SafetyNet<P> {
    /// `inner` under the net.
    pub fn new(inner: P) -> SafetyNet<P> {
        SafetyNet {
            inner,
            latched: false,
            leader: None,
            window: Window::default(),
        }
    }

    /// The wrapped policy.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Whether the net has taken over.
    pub fn latched(&self) -> bool {
        self.latched
    }

    /// The zone where finishing on on-demand costs least (see the type docs).
    fn cheapest_ondemand_zone(&self, v: &JobView<'_>) -> usize {
        let mut best = (0usize, None::<Money>);
        for z in 0..self.window.nz {
            let mut c = money_for_ms(self.window.ondemand[z], v.remaining_work_ms.max(0));
            if let Some(src) = self.leader.filter(|&s| s != z) {
                c += self.window.egress(src, z);
            }
            if best.1.is_none_or(|b| c < b) {
                best = (z, Some(c));
            }
        }
        best.0
    }
}

impl<P: JobPolicy> JobPolicy for SafetyNet<P> {
    fn start(&mut self, run: &RunStart<'_>) {
        self.latched = false;
        self.leader = None;
        self.window = Window::new(run);
        self.inner.start(run);
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        if v.last.kind != Kind::None {
            self.leader = Some(v.last.zone);
        }
        let cur = v.current;
        if self.latched {
            return match cur.kind {
                Kind::None => Decision::on_demand(self.cheapest_ondemand_zone(v)),
                _ => cur,
            };
        }
        if v.remaining_work_ms > 1 && v.critical(1) {
            self.latched = true;
            return match cur.kind {
                Kind::OnDemand => cur,
                Kind::Spot => Decision::on_demand(cur.zone),
                Kind::None => Decision::on_demand(self.cheapest_ondemand_zone(v)),
            };
        }
        self.inner.decide(v)
    }

    fn probes(&mut self, v: &JobView<'_>) -> ZoneSet {
        if self.latched {
            ZoneSet::EMPTY
        } else {
            self.inner.probes(v)
        }
    }
}
