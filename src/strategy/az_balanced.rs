//! [`AzBalanced`]: Auto Scaling's order of operations (aws-facts.md §1.3): *"the group
//! first balances instances evenly across its AZs, and only then applies the
//! allocation strategy within each AZ"*. A wrapper around any strategy.
//!
//! The documented rule:
//!
//! 1. **Zones** are the market's zones in the order they first appear (pool order);
//!    a zone takes part when the view allows at least one of its pools.
//! 2. **Balance.** Launch by launch, the zone holding the fewest fleet instances (spot
//!    and on-demand, plus what this call has placed) gets the next instance; ties go
//!    to the earlier zone. An instance of a zone is counted as its smallest pool weight in
//!    units. This is computed as water-filling (levels, then full rounds, then one
//!    partial round in zone order), which is exactly the launch-by-launch result.
//! 3. **Within each zone** the inner strategy is asked once for the zone's share (in
//!    units), on the view masked to that zone's pools ([`MarketView::with_mask`]).
//! 4. **Shortfall.** A zone whose inner strategy launches less than its share cannot
//!    take more in this call; what is missing is balanced again over the other zones
//!    (a second ask to a zone sees a view and a fleet that include this call's earlier
//!    launches). The call ends when the need is met or no zone can take more.
//!
//! Price-change reactions ([`AllocationStrategy::on_price_change`]) and assumptions are
//! the inner strategy's, forwarded unchanged (the whole market, not per zone).

use super::common::zone_index;
use super::{AllocationStrategy, FleetView, Launch, Move};
use crate::market::{MarketView, PoolId, PriceOrder};
use crate::money::Rate;
use crate::pricing::PurchaseOption;

/// Balances launches across Availability Zones before applying `S` within each zone.
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, AzBalanced, FleetView, LowestPrice};
/// let market = spotsim::synth::default_market(1); // 4 types × 3 zones
/// let prices: Vec<_> = (0..12).map(|i| Some(Rate::from_nano_usd(100 + i))).collect();
/// let (caps, held, order) = (vec![None; 12], vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// // The fleet already holds 2 instances in pool 0 (zone a).
/// let (mut spot, occ) = (vec![0; 12], vec![PoolId(0)]);
/// spot[0] = 2;
/// let mut s = AzBalanced::new(LowestPrice::keep_running());
/// assert_eq!(s.name(), "lowest-price+az-balance");
/// let mut out = Vec::new();
/// s.allocate(4, &view, &FleetView::new(&spot, &occ), &mut out);
/// // Zones b and c get 2 each (their cheapest pools, 1 and 2); zone a none.
/// out.sort_by_key(|l| l.pool);
/// assert_eq!(out.iter().map(|l| (l.pool.0, l.count)).collect::<Vec<_>>(), vec![(1, 2), (2, 2)]);
/// ```
#[derive(Clone, Debug)]
pub struct AzBalanced<S> {
    inner: S,
    name: String,
}

impl<S: AllocationStrategy> AzBalanced<S> {
    /// `inner`, applied within each zone after balancing across zones.
    pub fn new(inner: S) -> Self {
        let name = format!("{}+az-balance", inner.name());
        AzBalanced { inner, name }
    }

    /// The inner strategy.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Unwraps the inner strategy.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// Instances per zone to add so that, one at a time to the zone with the fewest
/// (ties: lower index), `need` units are covered; zone `z` provides `units[z]` per
/// instance. Only `open` zones take part.
pub(crate) fn water_fill(count: &[u64], units: &[u64], open: &[bool], need: u64) -> Vec<u64> {
    let nz = count.len();
    let mut q = vec![0u64; nz];
    let mut rem = need;
    let lvl = |q: &[u64], z: usize| count[z].saturating_add(q[z]);
    while rem > 0 {
        let Some(low) = (0..nz).filter(|&z| open[z]).map(|z| lvl(&q, z)).min() else {
            break;
        };
        let group: Vec<usize> = (0..nz).filter(|&z| open[z] && lvl(&q, z) == low).collect();
        let next = (0..nz)
            .filter(|&z| open[z] && lvl(&q, z) > low)
            .map(|z| lvl(&q, z))
            .min();
        let sum: u64 = group
            .iter()
            .map(|&z| units[z].max(1))
            .fold(0, u64::saturating_add);
        let mut rounds = rem / sum;
        if let Some(n) = next {
            rounds = rounds.min(n - low);
        }
        if rounds > 0 {
            for &z in &group {
                q[z] += rounds;
            }
            rem -= rounds * sum;
            continue;
        }
        for &z in &group {
            if rem == 0 {
                break;
            }
            q[z] += 1;
            rem = rem.saturating_sub(units[z].max(1));
        }
    }
    q
}

/// Owned copies of a view's and a fleet's per-pool data with this call's launches
/// added, for a second ask to a zone.
struct Adjusted {
    price: Vec<Option<Rate>>,
    cap: Vec<Option<u32>>,
    held: Vec<u32>,
    max: Vec<Option<Rate>>,
    hazard: Option<Vec<f64>>,
    order: PriceOrder,
    spot: Vec<u32>,
    od: Vec<u32>,
    occupied: Vec<PoolId>,
}

impl Adjusted {
    fn new(
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        planned_spot: &[u32],
        planned_od: &[u32],
    ) -> Self {
        let ids = (0..view.len() as u32).map(PoolId);
        let spot: Vec<u32> = ids
            .clone()
            .map(|p| fleet.spot(p).saturating_add(planned_spot[p.idx()]))
            .collect();
        Adjusted {
            price: ids.clone().map(|p| view.price(p)).collect(),
            cap: ids.clone().map(|p| view.capacity(p)).collect(),
            held: ids
                .clone()
                .map(|p| view.held(p).saturating_add(planned_spot[p.idx()]))
                .collect(),
            max: ids.clone().map(|p| view.max_price(p)).collect(),
            hazard: if !view.is_empty() && view.hazard(PoolId(0)).is_some() {
                Some(ids.clone().map(|p| view.hazard(p).unwrap_or(0.0)).collect())
            } else {
                None
            },
            order: PriceOrder::default(),
            occupied: ids.clone().filter(|p| spot[p.idx()] > 0).collect(),
            od: ids
                .map(|p| fleet.ondemand(p).saturating_add(planned_od[p.idx()]))
                .collect(),
            spot,
        }
    }

    fn view<'a>(&'a self, base: &MarketView<'a>, mask: &'a [bool]) -> MarketView<'a> {
        let v = MarketView::new(
            base.market(),
            base.now(),
            &self.price,
            &self.cap,
            &self.held,
            &self.order,
        )
        .with_max_price(&self.max)
        .with_mask(mask);
        match &self.hazard {
            Some(h) => v.with_hazard(h),
            None => v,
        }
    }

    fn fleet(&self) -> FleetView<'_> {
        FleetView::new(&self.spot, &self.occupied).with_ondemand(&self.od)
    }
}

impl<S: AllocationStrategy> AllocationStrategy for AzBalanced<S> {
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
        if need == 0 || view.is_empty() {
            return;
        }
        let (zone_of, zones) = zone_index(view);
        let (nz, np) = (zones.len(), view.len());
        let mut count = vec![0u64; nz];
        let mut unit = vec![u64::MAX; nz];
        let mut open = vec![false; nz];
        // One mask per zone, back to back, built once per call.
        let mut masks = vec![false; nz * np];
        for p in (0..np as u32).map(PoolId) {
            let z = zone_of[p.idx()] as usize;
            count[z] += u64::from(fleet.spot(p)) + u64::from(fleet.ondemand(p));
            if view.allowed(p) {
                open[z] = true;
                unit[z] = unit[z].min(u64::from(view.pool(p).weight.max(1)));
                masks[z * np + p.idx()] = true;
            }
        }
        let mut planned = [vec![0u32; np], vec![0u32; np]];
        let mut touched = vec![false; nz];
        let mut at: Vec<[u32; 2]> = vec![[u32::MAX; 2]; np];
        let mut scratch: Vec<Launch> = Vec::new();
        let mut done = 0u64;
        let need = u64::from(need);
        while done < need && open.iter().any(|&o| o) {
            let quota = water_fill(&count, &unit, &open, need - done);
            let adjusted = touched
                .iter()
                .zip(&quota)
                .any(|(&t, &q)| t && q > 0)
                .then(|| Adjusted::new(view, fleet, &planned[0], &planned[1]));
            for z in 0..nz {
                if quota[z] == 0 {
                    continue;
                }
                let ask = quota[z].saturating_mul(unit[z]).min(u64::from(u32::MAX));
                let mask = &masks[z * np..(z + 1) * np];
                scratch.clear();
                match (&adjusted, touched[z]) {
                    (Some(a), true) => self.inner.allocate(
                        ask as u32,
                        &a.view(view, mask),
                        &a.fleet(),
                        &mut scratch,
                    ),
                    _ => {
                        self.inner
                            .allocate(ask as u32, &view.with_mask(mask), fleet, &mut scratch)
                    }
                }
                touched[z] = true;
                let mut units = 0u64;
                for l in &scratch {
                    if l.count == 0 || l.pool.idx() >= np {
                        continue;
                    }
                    let w = u64::from(view.pool(l.pool).weight.max(1));
                    units = units.saturating_add(u64::from(l.count) * w);
                    count[zone_of[l.pool.idx()] as usize] += u64::from(l.count);
                    let o = usize::from(l.option == PurchaseOption::OnDemand);
                    planned[o][l.pool.idx()] = planned[o][l.pool.idx()].saturating_add(l.count);
                    match at[l.pool.idx()][o] {
                        u32::MAX => {
                            at[l.pool.idx()][o] = out.len() as u32;
                            out.push(*l);
                        }
                        i => {
                            let e = &mut out[i as usize];
                            e.count = e.count.saturating_add(l.count);
                        }
                    }
                }
                done = done.saturating_add(units);
                if units < ask {
                    open[z] = false;
                }
            }
        }
    }

    fn on_price_change(
        &mut self,
        changed: &[PoolId],
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Move>,
    ) {
        self.inner.on_price_change(changed, view, fleet, out);
    }

    fn price_trigger(&self) -> super::PriceTrigger {
        self.inner.price_trigger()
    }

    fn assumptions(&self) -> Vec<String> {
        let mut v = self.inner.assumptions();
        v.push(format!(
            "{}: ASG order of operations (aws-facts.md §1.3): launches are first balanced across zones — one at a time to the zone holding the fewest fleet instances (spot + on-demand; ties: the zone seen first in pool order) — then placed within each zone by {}; a zone that cannot take its share is skipped and the rest rebalanced over the others",
            self.name,
            self.inner.name()
        ));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::water_fill;

    #[test]
    fn water_fill_levels_then_rounds() {
        // Levels 0, 2, 5; 10 units of 1: zone 0 to 2, then 0 and 1 to 5 (3 + 3 = 6, 8 so
        // far), then one round over all three would need 3 but only 2 are left: zones 0
        // and 1 in order.
        assert_eq!(
            water_fill(&[0, 2, 5], &[1, 1, 1], &[true; 3], 10),
            vec![6, 4, 0]
        );
        // A closed zone takes nothing.
        assert_eq!(
            water_fill(&[0, 0, 0], &[1, 1, 1], &[true, false, true], 3),
            vec![2, 0, 1]
        );
        // Units: zone 1's instances count 4: 9 units = rounds of 5 units → 1 round (5),
        // then 4 left: zone 0 gets 1 (3 left), zone 1 gets 1.
        assert_eq!(water_fill(&[0, 0], &[1, 4], &[true, true], 9), vec![2, 2]);
        assert_eq!(water_fill(&[0], &[1], &[false], 9), vec![0]);
        assert_eq!(
            water_fill(&[3, 3], &[1, 1], &[true, true], 1_000_000_001),
            vec![500_000_001, 500_000_000]
        );
    }
}
