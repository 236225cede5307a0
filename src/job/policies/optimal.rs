use crate::job::{Decision, JobPolicy, JobView, RunStart};
use crate::money::Money;

/// **optimal** — the offline dynamic program over the known future (SkyNomad's
/// "Optimal"; `sky_spot/strategies/multi_region_oracle_dp.py`,
/// `MultiRegionOracleDPStrategy._generate_plan`): the cheapest plan that finishes the
/// job, found once per window with every zone's future availability and prices, then
/// followed tick by tick. It runs without the safety net (the reference's
/// `IGNORE_SAFETY_NET`).
///
/// **The planning model** (the reference's): ticks `0..T`, `T = ⌊D/G⌋`; the job needs
/// `K = ⌈W/G⌉` productive ticks. A mode is NONE-start, NONE(r) (idle, checkpoint in zone
/// `r`), ON_DEMAND(r) or SPOT(r) — `M = 1 + 3R` modes for `R` zones. Staying in a mode
/// costs its tick price (spot: that tick's price in `r`, feasible only where spot is
/// available; idle: 0); a tick in an active mode with no overhead left is productive.
/// Switching into an active mode costs `H` overhead ticks, `H = ⌈d/G⌉` (first launch,
/// same zone), `⌈(d + transfer(i→j))/G⌉` (zone `i` → `j`), plus the egress `i → j`; the
/// switch tick itself is the first overhead tick (productive at once only when `H = 0`).
/// Idle is reachable from an active mode of the same zone only. The state is
/// `(mode, overhead ticks left h, productive ticks done k)`; the answer is the cheapest
/// state with `k = K` after tick `T − 1`.
///
/// Overheads are rounded **up** to whole ticks, so the plan is feasible in the exact
/// model (where it may finish a little early, which the run then stops at): with `d`
/// and every transfer time whole multiples of `G`, the planning model *is* the exact
/// model and the plan is the true optimum, a lower bound on every policy's cost.
/// Otherwise it is optimal up to that rounding, like the reference's. The plan uses this
/// market's transfer times (the reference's plans always count them, even when its
/// environment overlaps them).
///
/// **Complexity.** `k` only takes the values that can still finish in time, a band of
/// `B ≤ min(K, T − K) + 1` values per tick; a tick costs `O(B·(M·H + R²))` (stays, plus
/// switches grouped by source zone), so a window costs `O(T·B·(M·H + R²))` time with
/// `H` the largest overhead in ticks — about 3·10⁷ steps for 3 zones and 1,106 ticks
/// (the 2023 V100 windows), 10⁹ for 16 zones and 3,000 ticks. Memory is
/// `O(√T·M·H·K)`: the forward pass keeps every `⌈√T⌉`-th layer and the backward pass
/// recomputes one segment at a time to recover the plan.
///
/// Ties between plans of equal cost are broken towards staying over switching, then
/// lower mode and overhead indices, then the earlier source zone; the reference breaks
/// them by Python dict order and floating-point rounding, so on windows with several
/// optimal plans (which can finish at different ticks) the two runs may differ by a tick.
///
/// ```
/// use spotsim::job::{run_job, JobMarket, JobSpec, JobTrace, MarketOptions, Optimal};
/// use spotsim::money::Rate;
/// // Spot in zone a for 2 h, then only in zone b; W = 3 h, D = 4 h, d = 0.
/// let a = JobTrace::new(3600, vec![1, 1, 0, 0])?.with_zone("us-east-1a");
/// let b = JobTrace::new(3600, vec![0, 0, 1, 1])?.with_zone("us-east-1b");
/// let m = JobMarket::new(&[a, b], &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let mut opt = Optimal::new();
/// let r = run_job(&m, &JobSpec::from_hours(3.0, 4.0, 0.0)?, 0, &mut opt)?;
/// // Three spot hours (a, a, b) and an idle one.
/// assert_eq!((r.total_cost.to_usd_string(2).as_str(), r.deadline_met), ("3.00", true));
/// assert_eq!(opt.planned_cost().map(|c| c.to_usd_string(2)), Some("3.00".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Optimal {
    plan: Vec<Decision>,
    planned: Option<Money>,
}

impl Optimal {
    /// A fresh policy (plans at [`JobPolicy::start`]).
    pub fn new() -> Optimal {
        Optimal::default()
    }

    /// The planning model's cost of the plan (`None` when no plan finishes; the policy
    /// then runs on-demand in zone 0 throughout, as the reference does).
    pub fn planned_cost(&self) -> Option<Money> {
        self.planned
    }

    /// The plan: what to run in each tick of the window.
    pub fn plan(&self) -> &[Decision] {
        &self.plan
    }
}

impl JobPolicy for Optimal {
    fn start(&mut self, run: &RunStart<'_>) {
        let dp = Dp::new(run);
        match dp.solve() {
            Some((cost, plan)) => {
                self.planned = Some(Money::from_units(i128::from(cost) * 1024));
                self.plan = plan;
            }
            None => {
                self.planned = None;
                self.plan = vec![Decision::on_demand(0); dp.t_max];
            }
        }
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.plan.get(v.tick).copied().unwrap_or(Decision::NONE)
    }
}

const INF: i64 = i64::MAX;

/// Mode indices: 0 = NONE-start, `1 + r` = NONE(r), `1 + R + r` = OD(r), `1 + 2R + r` =
/// SPOT(r).
struct Dp {
    r: usize,
    m: usize,
    t_max: usize,
    k_max: usize,
    hh: usize,
    h_base: usize,
    /// `mig[i * r + j]`: overhead ticks of a launch in `j` with the checkpoint in `i`.
    mig: Vec<usize>,
    /// Egress `i → j` in planning units (nano-USD / 3600).
    egress: Vec<i64>,
    /// Tick cost of mode `m` at tick `t` (`INF` = infeasible): `cost[m * T + t]`.
    cost: Vec<i64>,
}

/// Where a state's value came from: `(source mode·hh + source h) << 1 | dk`.
type Back = u32;
const NO_BACK: Back = u32::MAX;

impl Dp {
    fn new(run: &RunStart<'_>) -> Dp {
        let mk = run.market;
        let g_ms = mk.gap_secs() * 1000;
        let g = mk.gap_secs();
        let r = mk.zones();
        let t_max = (run.spec.deadline_ms / g_ms) as usize;
        let t_max = t_max.min(mk.ticks().saturating_sub(run.start_tick));
        let k_max = ((run.spec.work_ms + g_ms - 1) / g_ms) as usize;
        let ceil_ticks = |ms: i64| ((ms + g_ms - 1) / g_ms).max(0) as usize;
        let h_base = ceil_ticks(run.spec.overhead_ms);
        let mig_costs = mk.migration();
        let mut mig = vec![0; r * r];
        let mut egress = vec![0; r * r];
        for i in 0..r {
            for j in 0..r {
                mig[i * r + j] = if i == j {
                    h_base
                } else {
                    ceil_ticks(run.spec.overhead_ms + mig_costs.transfer_ms(i, j))
                };
                egress[i * r + j] = if i == j {
                    0
                } else {
                    (mig_costs.egress(i, j).units() / 1024) as i64
                };
            }
        }
        let hh = mig.iter().copied().max().unwrap_or(0).max(h_base).max(1);
        let m = 1 + 3 * r;
        let mut cost = vec![0; m * t_max];
        for z in 0..r {
            let od = mk.ondemand_price(z).unwrap_or_default().nano_usd_per_hour() * g;
            for t in 0..t_max {
                let abs = run.start_tick + t;
                cost[(1 + r + z) * t_max + t] = od;
                cost[(1 + 2 * r + z) * t_max + t] = if mk.spot_available(z, abs) {
                    mk.spot_price(z, abs)
                        .unwrap_or_default()
                        .nano_usd_per_hour()
                        * g
                } else {
                    INF
                };
            }
        }
        Dp {
            r,
            m,
            t_max,
            k_max,
            hh,
            h_base,
            mig,
            egress,
            cost,
        }
    }

    fn layer_len(&self) -> usize {
        self.m * self.hh * (self.k_max + 1)
    }

    #[inline]
    fn idx(&self, mode: usize, h: usize, k: usize) -> usize {
        (mode * self.hh + h) * (self.k_max + 1) + k
    }

    /// The `k` band of the states before tick `t`: `[max(0, K − (T − t)), min(t, K)]`.
    fn band(&self, t: usize) -> (usize, usize) {
        (self.k_max.saturating_sub(self.t_max - t), t.min(self.k_max))
    }

    fn active(&self, mode: usize) -> bool {
        mode > self.r
    }

    fn zone(&self, mode: usize) -> usize {
        (mode - 1) % self.r
    }

    /// One tick: `next` (reset here) from `cur` at tick `t`; `back` gets each state's
    /// source when given.
    fn step(&self, t: usize, cur: &[i64], next: &mut [i64], mut back: Option<&mut [Back]>) {
        next.fill(INF);
        if let Some(b) = back.as_deref_mut() {
            b.fill(NO_BACK);
        }
        let (lo, hi) = self.band(t);
        let r = self.r;
        let k_max = self.k_max;
        let t_left = self.t_max - t - 1;
        let relax =
            |next: &mut [i64], back: &mut Option<&mut [Back]>, to: usize, c: i64, from: Back| {
                if c < next[to] {
                    next[to] = c;
                    if let Some(b) = back.as_deref_mut() {
                        b[to] = from;
                    }
                }
            };
        // Per source zone and kind (0 NONE, 1 OD, 2 SPOT): the cheapest (cost, h).
        let mut best = vec![(INF, 0usize); 3 * r];
        for k in lo..=hi {
            // Stays.
            for mode in 0..self.m {
                let tc = if mode == 0 || mode <= r {
                    0
                } else {
                    self.cost[mode * self.t_max + t]
                };
                if tc == INF {
                    continue;
                }
                let hmax = if self.active(mode) { self.hh } else { 1 };
                for h in 0..hmax {
                    let c = cur[self.idx(mode, h, k)];
                    if c == INF {
                        continue;
                    }
                    let gain = usize::from(h == 0 && self.active(mode));
                    let nk = (k + gain).min(k_max);
                    if nk + t_left < k_max {
                        continue;
                    }
                    let to = self.idx(mode, h.saturating_sub(1), nk);
                    relax(
                        next,
                        &mut back,
                        to,
                        c + tc,
                        ((mode * self.hh + h) << 1 | (nk - k)) as Back,
                    );
                }
            }
            // Cheapest source of each zone and kind.
            for z in 0..r {
                for kind in 0..3 {
                    let mode = 1 + kind * r + z;
                    let hmax = if kind == 0 { 1 } else { self.hh };
                    let mut b = (INF, 0);
                    for h in 0..hmax {
                        let c = cur[self.idx(mode, h, k)];
                        if c < b.0 {
                            b = (c, h);
                        }
                    }
                    best[kind * r + z] = b;
                }
            }
            let start = cur[self.idx(0, 0, k)];
            // Switches into an active mode (kind 1 OD, 2 SPOT) in zone j.
            for kind2 in 1..3 {
                for j in 0..r {
                    let mode2 = 1 + kind2 * r + j;
                    let tc = self.cost[mode2 * self.t_max + t];
                    if tc == INF {
                        continue;
                    }
                    let mut go = |c: i64, h_sw: usize, from: Back, extra: i64| {
                        if c == INF {
                            return;
                        }
                        let gain = usize::from(h_sw == 0);
                        let nk = (k + gain).min(k_max);
                        if nk + t_left < k_max {
                            return;
                        }
                        let to = self.idx(mode2, h_sw.saturating_sub(1), nk);
                        relax(next, &mut back, to, c + tc + extra, from | (nk - k) as Back);
                    };
                    go(start, self.h_base, 0, 0);
                    for i in 0..r {
                        let h_sw = self.mig[i * r + j];
                        let eg = self.egress[i * r + j];
                        for kind in 0..3 {
                            if i == j && kind == kind2 {
                                continue;
                            }
                            let (c, h) = best[kind * r + i];
                            let mode = 1 + kind * r + i;
                            go(c, h_sw, ((mode * self.hh + h) << 1) as Back, eg);
                        }
                    }
                }
            }
            // Switches into NONE(i), from an active mode of zone i.
            for i in 0..r {
                let to = self.idx(1 + i, 0, k);
                for kind in 1..3 {
                    let (c, h) = best[kind * r + i];
                    if c == INF || k + t_left < k_max {
                        continue;
                    }
                    let mode = 1 + kind * r + i;
                    relax(next, &mut back, to, c, ((mode * self.hh + h) << 1) as Back);
                }
            }
        }
    }

    fn decision(&self, mode: usize) -> Decision {
        if mode <= self.r {
            Decision::NONE
        } else if mode <= 2 * self.r {
            Decision::on_demand(self.zone(mode))
        } else {
            Decision::spot(self.zone(mode))
        }
    }

    /// The optimum's cost (planning units) and plan, or `None` if no plan finishes.
    fn solve(&self) -> Option<(i64, Vec<Decision>)> {
        let t_max = self.t_max;
        if self.k_max > t_max || self.r == 0 {
            return None;
        }
        let len = self.layer_len();
        let seg = ((t_max as f64).sqrt().ceil() as usize).max(1);
        let mut cur = vec![INF; len];
        cur[self.idx(0, 0, 0)] = 0;
        let mut next = vec![INF; len];
        let mut checkpoints: Vec<Vec<i64>> = Vec::with_capacity(t_max / seg + 1);
        for t in 0..t_max {
            if t % seg == 0 {
                checkpoints.push(cur.clone());
            }
            self.step(t, &cur, &mut next, None);
            std::mem::swap(&mut cur, &mut next);
        }
        // The cheapest finished state.
        let mut end: Option<(i64, usize, usize)> = None;
        for mode in 0..self.m {
            for h in 0..self.hh {
                let c = cur[self.idx(mode, h, self.k_max)];
                if c != INF && end.is_none_or(|e| c < e.0) {
                    end = Some((c, mode, h));
                }
            }
        }
        let (best, mut mode, mut h) = end?;
        let mut k = self.k_max;
        let mut plan = vec![Decision::NONE; t_max];
        let mut back = vec![NO_BACK; len * seg];
        for (s, cp) in checkpoints.iter().enumerate().rev() {
            let t0 = s * seg;
            let t1 = (t0 + seg).min(t_max);
            cur.copy_from_slice(cp);
            for t in t0..t1 {
                let b = &mut back[(t - t0) * len..(t - t0 + 1) * len];
                self.step(t, &cur, &mut next, Some(b));
                std::mem::swap(&mut cur, &mut next);
            }
            for t in (t0..t1).rev() {
                plan[t] = self.decision(mode);
                let b = back[(t - t0) * len + self.idx(mode, h, k)];
                debug_assert_ne!(b, NO_BACK, "a reached state has a source");
                let src = (b >> 1) as usize;
                k -= (b & 1) as usize;
                mode = src / self.hh;
                h = src % self.hh;
            }
        }
        Some((best, plan))
    }
}
