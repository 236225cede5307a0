//! `lowest-price` (aws-facts.md §1.3): launch into the cheapest pool that has capacity;
//! when it runs out, the next cheapest.
//!
//! **Price per unit.** The fleet's need is in capacity units and an instance of a pool
//! provides the pool's weight (EC2 Fleet `WeightedCapacity`), so pools are compared by
//! spot price ÷ weight — exactly, by integer cross-multiplication — and a pool receives
//! `ceil(remaining units / weight)` instances. With all weights 1 this is the price
//! per instance.
//!
//! **Pool count** ([`LowestPrice::with_pools`], aws-facts.md §1.3):
//!
//! * [`PoolScope::Fleet`] — EC2 Fleet / Spot Fleet `InstancePoolsToUseCount` = N: the N
//!   cheapest launchable pools, the target split evenly across them. Rule: launch by
//!   launch, the pool among the N with the fewest fleet capacity units (the fleet's
//!   spot instances × weight, plus what this call has placed) — AWS splits the target
//!   *capacity* evenly — ties to the cheaper per unit, then the lower pool index.
//!   Best effort: when one of the N has no spare capacity left, the next cheapest
//!   launchable pool joins the set (so more than N pools can be used; fewer when fewer
//!   have capacity).
//! * [`PoolScope::PerAz`] — ASG `SpotInstancePools` = N: the N cheapest pools *within
//!   each Availability Zone*, with the same balancing over the union of the per-AZ sets
//!   (which spreads launches over the zones, since each contributes N pools) and the
//!   same spill-over within a zone (a spilled-to pool starts empty, so a zone with a
//!   full pool can receive more than its share). Combine with [`AzBalanced`](super::AzBalanced) for ASG's order of operations
//!   (§1.3: balance the AZs first, then apply the strategy within each AZ).
//!
//! **Price-driven replacement** (on by default): as this project specifies
//! lowest-price, *"when the price changes, the instance is terminated and replaced by a
//! cheaper one, if one is available"*. After every batch of price changes, each spot
//! instance in a pool that is now strictly more expensive per unit than some pool with
//! spare capacity is ended (a voluntary, user-initiated end: billed per second, §3.2)
//! and a replacement is launched into the cheapest such pool. Instances move from the
//! most expensive pools first. These are counted as `price_driven_replacements`, never
//! as interruptions. With a pool count, the target state is the even split over the N
//! cheapest pools, so an instance is replaced only when its pool is no longer among the
//! N cheapest (of its zone, for [`PoolScope::PerAz`]) — counting pools the fleet
//! occupies even when they have no spare capacity left — and its replacements are
//! balanced, as launches are, over the N cheapest pools with spare capacity that are
//! strictly cheaper per unit than its pool (in its own zone, for `PerAz`).
//!
//! The alternative, [`LowestPrice::keep_running`], is what EC2 has done since the
//! end of bidding in 2017 (§1.7): a price change never ends an instance, only new
//! launches go to the cheapest pool.

use serde::{Deserialize, Serialize};

use super::common::{
    Emitter, Slot, UNLIMITED, UnitPrice, instances_for, launchable_by_unit_price,
    launchable_sorted, place_balanced, spare, spot_slot, spot_unit_price, uniform_weights,
    zone_index,
};
use super::{
    AllocationStrategy, FleetView, Launch, Move, PriceTrigger, dearest_held, held_or_cheaper,
};
use crate::market::{MarketView, PoolId};
use crate::money::Rate;
use crate::pricing::PurchaseOption;

/// Where a pool count applies (aws-facts.md §1.3).
///
/// ```
/// use spotsim::strategy::PoolScope;
/// assert_eq!(PoolScope::default(), PoolScope::Fleet);
/// assert_eq!(PoolScope::PerAz.as_str(), "per-az");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolScope {
    /// EC2 Fleet / Spot Fleet `InstancePoolsToUseCount`: N pools for the whole fleet.
    #[default]
    Fleet,
    /// ASG `SpotInstancePools`: N pools in each Availability Zone.
    PerAz,
}

impl PoolScope {
    /// `"fleet"` or `"per-az"`, as configuration spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PoolScope::Fleet => "fleet",
            PoolScope::PerAz => "per-az",
        }
    }
}

/// The `lowest-price` strategy, optionally with a pool count.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, LowestPrice, PoolScope};
/// assert!(LowestPrice::default().replaces_on_price_change());
/// assert!(!LowestPrice::keep_running().replaces_on_price_change());
/// assert_eq!(LowestPrice::default().name(), "lowest-price");
/// let lp = LowestPrice::default().with_pools(2, PoolScope::PerAz);
/// assert_eq!(lp.pools(), Some((2, PoolScope::PerAz)));
/// assert_eq!(lp.name(), "lowest-price(pools=2,per-az)");
/// ```
///
/// Choosing on a hand-built view: the two cheapest of three pools share four
/// instances evenly.
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, FleetView, Launch, LowestPrice, PoolScope};
/// # let market = spotsim::synth::default_market(1); // 12 pools
/// let prices: Vec<_> = (0..12).map(|i| Some(Rate::from_nano_usd(100 + i))).collect();
/// let (caps, held, order) = (vec![None; 12], vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// let (spot, occ) = (vec![0; 12], vec![]);
/// let mut out = Vec::new();
/// LowestPrice::default().with_pools(2, PoolScope::Fleet).allocate(4, &view, &FleetView::new(&spot, &occ), &mut out);
/// assert_eq!(out, vec![Launch::spot(PoolId(0), 2), Launch::spot(PoolId(1), 2)]);
/// ```
#[derive(Clone, Debug)]
pub struct LowestPrice {
    replace_on_price_change: bool,
    pools: Option<(u32, PoolScope)>,
    name: String,
}

impl Default for LowestPrice {
    fn default() -> Self {
        LowestPrice::new(true)
    }
}

impl LowestPrice {
    /// Lowest-price with price-driven replacement switched on or off.
    pub fn new(replace_on_price_change: bool) -> Self {
        LowestPrice {
            replace_on_price_change,
            pools: None,
            name: "lowest-price".to_string(),
        }
    }

    /// Lowest-price as EC2 behaves since 2017: running instances stay put.
    pub fn keep_running() -> Self {
        LowestPrice::new(false)
    }

    /// The same strategy restricted to the `n` cheapest pools (at least 1; 0 is read
    /// as 1) of the fleet or of each zone — see the module docs.
    pub fn with_pools(mut self, n: u32, scope: PoolScope) -> Self {
        let n = n.max(1);
        self.pools = Some((n, scope));
        self.name = match scope {
            PoolScope::Fleet => format!("lowest-price(pools={n})"),
            PoolScope::PerAz => format!("lowest-price(pools={n},per-az)"),
        };
        self
    }

    /// Whether price changes end and replace instances.
    pub fn replaces_on_price_change(&self) -> bool {
        self.replace_on_price_change
    }

    /// The pool count and its scope, if any.
    pub fn pools(&self) -> Option<(u32, PoolScope)> {
        self.pools
    }
}

impl LowestPrice {
    /// Price-driven replacement, once [`replacement_due`] found it may move something.
    #[inline(never)]
    fn replace(
        &self,
        dearest: UnitPrice,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Move>,
    ) {
        match self.pools {
            None => replace_greedy(dearest, view, fleet, out),
            Some((n, scope)) => replace_balanced(n as usize, scope, view, fleet, out),
        }
    }
}

/// The dearest unit price among the pools the fleet holds movable spot instances in,
/// when this instant's price changes may call for a replacement: a changed pool is one
/// of them, or became cheaper per unit than the dearest of them. `None`: nothing to do.
#[inline]
fn replacement_due(
    changed: &[PoolId],
    view: &MarketView<'_>,
    fleet: &FleetView<'_>,
) -> Option<UnitPrice> {
    let unit = |p: PoolId| spot_unit_price(view, p);
    let dearest = dearest_held(fleet.occupied(), unit)?;
    held_or_cheaper(changed, dearest, |c| fleet.spot(c) > 0, unit).then_some(dearest)
}

impl AllocationStrategy for LowestPrice {
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        if need == 0 {
            return;
        }
        match self.pools {
            None => {
                let mut left = u64::from(need);
                for p in launchable_by_unit_price(view) {
                    if left == 0 {
                        break;
                    }
                    let w = view.pool(p).weight.max(1);
                    let take = instances_for(left, w).min(spare(view, p));
                    if take > 0 {
                        let take = take.min(u64::from(u32::MAX)) as u32;
                        out.push(Launch::spot(p, take));
                        left = left.saturating_sub(u64::from(take) * u64::from(w));
                    }
                }
            }
            Some((n, PoolScope::Fleet)) => {
                let mut groups = [launchable_by_unit_price(view)];
                let mut em = Emitter::new(out, view.len(), PurchaseOption::Spot);
                place_balanced(
                    &mut groups,
                    n as usize,
                    u64::from(need),
                    &mut |p| spot_slot(view, fleet, p),
                    &mut |p, k| em.add(p, k),
                );
            }
            Some((n, PoolScope::PerAz)) => {
                let (zone_of, zones) = zone_index(view);
                let mut per_zone: Vec<Vec<PoolId>> = vec![Vec::new(); zones.len()];
                for p in launchable_sorted(view) {
                    per_zone[zone_of[p.idx()] as usize].push(p);
                }
                let mut groups: Vec<_> = per_zone.into_iter().map(Vec::into_iter).collect();
                let mut em = Emitter::new(out, view.len(), PurchaseOption::Spot);
                place_balanced(
                    &mut groups,
                    n as usize,
                    u64::from(need),
                    &mut |p| spot_slot(view, fleet, p),
                    &mut |p, k| em.add(p, k),
                );
            }
        }
    }

    /// Small and inlined into the engine's decision step: it runs after every instant
    /// with a price change, and nearly always finds nothing to do; the replacement
    /// itself is out of line.
    #[inline]
    fn on_price_change(
        &mut self,
        changed: &[PoolId],
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Move>,
    ) {
        if !self.replace_on_price_change {
            return;
        }
        if let Some(dearest) = replacement_due(changed, view, fleet) {
            self.replace(dearest, view, fleet, out);
        }
    }

    fn price_trigger(&self) -> PriceTrigger {
        if self.replace_on_price_change {
            PriceTrigger::HeldOrCheaper
        } else {
            PriceTrigger::Never
        }
    }

    fn assumptions(&self) -> Vec<String> {
        let mut v = vec![if self.replace_on_price_change {
            "lowest-price: a price change ends each instance in a pool that is no longer the cheapest per unit with capacity and relaunches it in a cheaper one (this project's specification; counted as price_driven_replacements). EC2 itself has kept instances running on price changes since 2017 (aws-facts.md §1.7); pass --price-replacement false for that.".to_string()
        } else {
            "lowest-price: price changes never end instances (EC2 behaviour since 2017, aws-facts.md §1.7); new launches go to the cheapest pool per unit with capacity.".to_string()
        }];
        if let Some((n, scope)) = self.pools {
            v.push(match scope {
                PoolScope::Fleet => format!(
                    "lowest-price pools={n} (EC2 Fleet InstancePoolsToUseCount, aws-facts.md §1.3): launches go one at a time to whichever of the {n} cheapest launchable pools holds the fewest fleet capacity units (ties: cheaper per unit, then pool order); a pool without spare capacity is replaced by the next cheapest (best effort); with price-driven replacement, only instances in pools outside the {n} cheapest move, balanced over the {n} cheapest cheaper pools"
                ),
                PoolScope::PerAz => format!(
                    "lowest-price pools={n} per AZ (ASG SpotInstancePools, aws-facts.md §1.3): the {n} cheapest launchable pools of each zone, launches one at a time to the pool of that union holding the fewest fleet capacity units (ties: cheaper per unit, then pool order); a full pool is replaced by the next cheapest of its zone; with price-driven replacement, only instances in pools outside their zone's {n} cheapest move, within their zone"
                ),
            });
        }
        v
    }
}

/// Price-driven replacement without a pool count: from the dearest occupied pools to
/// the cheapest pools with capacity.
fn replace_greedy(
    dearest: UnitPrice,
    view: &MarketView<'_>,
    fleet: &FleetView<'_>,
    out: &mut Vec<Move>,
) {
    // Destinations: pools cheaper than the dearest occupied one, cheapest first. A
    // scan, not `by_price()`: a full sort on every relevant change would dominate a
    // replay with many pools, and this list is short. The price test first, over the
    // dense price and weight arrays: it rejects nearly every pool (masked pools fail
    // `launchable`). With equal weights, unit prices order as prices per instance,
    // compared without the cross-multiplication.
    let mut dest: Vec<(UnitPrice, PoolId, u64)> = Vec::new();
    let (prices, weights) = (view.prices(), view.market().weights());
    let mut consider = |i: usize, pr: Rate, w: u32| {
        let q = PoolId(i as u32);
        if view.launchable(q) {
            dest.push((UnitPrice::new(pr, w), q, spare(view, q)));
        }
    };
    let points = prices.iter().zip(weights).enumerate();
    if uniform_weights(view) {
        let d = dearest.nano_per_instance();
        for (i, (pr, &w)) in points {
            if let Some(pr) = *pr
                && pr.nano_usd_per_hour() < d
            {
                consider(i, pr, w);
            }
        }
    } else {
        for (i, (pr, &w)) in points {
            if let Some(pr) = *pr
                && UnitPrice::new(pr, w) < dearest
            {
                consider(i, pr, w);
            }
        }
    }
    if dest.is_empty() {
        return;
    }
    dest.sort_unstable_by_key(|d| (d.0, d.1));
    let mut from: Vec<(UnitPrice, PoolId)> = fleet
        .occupied()
        .iter()
        .filter_map(|&p| Some((spot_unit_price(view, p)?, p)))
        .collect();
    // Most expensive first; ties by pool index, for determinism.
    from.sort_by_key(|&(u, p)| (std::cmp::Reverse(u), p));
    for (uo, o) in from {
        let wo = u64::from(view.pool(o).weight.max(1));
        let mut left = u64::from(fleet.spot(o));
        for d in dest.iter_mut() {
            if left == 0 || d.0 >= uo {
                break;
            }
            let wd = u64::from(view.pool(d.1).weight.max(1));
            // Source instances the destination can absorb: relaunching c of them takes
            // ceil(c·wo/wd) destination instances (the engine's rule).
            let fits = if d.2 == UNLIMITED {
                left
            } else {
                d.2.saturating_mul(wd) / wo
            };
            let take = left.min(fits);
            if take > 0 {
                out.push(Move {
                    from: o,
                    to: d.1,
                    count: take.min(u64::from(u32::MAX)) as u32,
                });
                left -= take;
                if d.2 != UNLIMITED {
                    d.2 = d.2.saturating_sub((take * wo).div_ceil(wd));
                }
            }
        }
    }
}

/// Price-driven replacement with a pool count: instances outside the N cheapest move,
/// balanced over the N cheapest cheaper pools with capacity.
fn replace_balanced(
    n: usize,
    scope: PoolScope,
    view: &MarketView<'_>,
    fleet: &FleetView<'_>,
    out: &mut Vec<Move>,
) {
    // Eligible: priced, allowed, at or below the max price, and with spare capacity or
    // held by the fleet; cheapest per unit first.
    let eligible = |p: PoolId| {
        view.price(p)
            .is_some_and(|pr| view.max_price(p).is_none_or(|m| pr <= m))
            && (view.spare(p) != Some(0) || fleet.spot(p) > 0)
    };
    let order: Vec<PoolId> = if uniform_weights(view) {
        view.by_price().filter(|&p| eligible(p)).collect()
    } else {
        let mut v: Vec<(UnitPrice, PoolId)> = view
            .pool_ids()
            .filter(|&p| eligible(p))
            .filter_map(|p| Some((spot_unit_price(view, p)?, p)))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|x| x.1).collect()
    };
    let zone_of = match scope {
        PoolScope::Fleet => vec![0u32; view.len()],
        PoolScope::PerAz => zone_index(view).0,
    };
    let mut chosen = vec![false; view.len()];
    let mut taken = vec![0usize; view.len()];
    for &p in &order {
        let z = zone_of[p.idx()] as usize;
        if taken[z] < n {
            taken[z] += 1;
            chosen[p.idx()] = true;
        }
    }
    let mut sources: Vec<(UnitPrice, PoolId)> = fleet
        .occupied()
        .iter()
        .filter(|&&p| !chosen[p.idx()])
        .filter_map(|&p| Some((spot_unit_price(view, p)?, p)))
        .collect();
    if sources.is_empty() {
        return;
    }
    sources.sort_by_key(|&(u, p)| (std::cmp::Reverse(u), p));
    // Destination state across sources: spare instances left and units planned.
    let mut spare_left: Vec<u64> = (0..view.len() as u32)
        .map(|q| {
            if view.launchable(PoolId(q)) {
                spare(view, PoolId(q))
            } else {
                0
            }
        })
        .collect();
    let mut planned = vec![0u64; view.len()];
    let mut placed: Vec<(PoolId, u64)> = Vec::new();
    for (uo, o) in sources {
        let wo = u64::from(view.pool(o).weight.max(1));
        let zo = zone_of[o.idx()];
        let mut group = [order
            .iter()
            .copied()
            .take_while(|&d| spot_unit_price(view, d).is_some_and(|ud| ud < uo))
            .filter(|&d| zone_of[d.idx()] == zo)];
        placed.clear();
        place_balanced(
            &mut group,
            n,
            u64::from(fleet.spot(o)) * wo,
            &mut |d| {
                let wd = u64::from(view.pool(d).weight.max(1));
                let s = spare_left[d.idx()];
                Slot {
                    pool: d,
                    units: wo,
                    spare: if s == UNLIMITED {
                        UNLIMITED
                    } else {
                        s.saturating_mul(wd) / wo
                    },
                    load: u64::from(fleet.spot(d)) * wd + planned[d.idx()],
                    price: spot_unit_price(view, d).unwrap_or(uo),
                }
            },
            &mut |d, c| placed.push((d, c)),
        );
        for &(d, c) in &placed {
            let wd = u64::from(view.pool(d).weight.max(1));
            planned[d.idx()] += c * wo;
            if spare_left[d.idx()] != UNLIMITED {
                spare_left[d.idx()] = spare_left[d.idx()].saturating_sub((c * wo).div_ceil(wd));
            }
            match out.iter_mut().find(|m| m.from == o && m.to == d) {
                Some(m) => m.count = m.count.saturating_add(c.min(u64::from(u32::MAX)) as u32),
                None => out.push(Move {
                    from: o,
                    to: d,
                    count: c.min(u64::from(u32::MAX)) as u32,
                }),
            }
        }
    }
}
