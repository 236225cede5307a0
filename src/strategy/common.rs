//! Building blocks the built-in strategies share: exact price-per-unit comparison, the
//! balanced placer (an even split over a set of pools, with spill-over), the capacity
//! tier placer, and zone indexing.
//!
//! Everything here is deterministic: no hash-map iteration, and money is compared in
//! integers only (cross-multiplication, never division or floats). Hazards are floats
//! (rates, not money) and are compared with `total_cmp` after sanitising.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::Launch;
use crate::market::{MarketView, PoolId, Zone};
use crate::money::Rate;
use crate::pricing::PurchaseOption;

/// Sentinel for "unlimited" spare capacity.
pub(crate) const UNLIMITED: u64 = u64::MAX;

/// One million: capacity-tier fractions are held in parts per million.
pub(crate) const PPM: u64 = 1_000_000;

/// A price per capacity unit (`rate / weight`), compared exactly by
/// cross-multiplication: `a/b < c/d ⇔ a·d < c·b` (in `i128`, so never overflowing).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnitPrice {
    nano: i64,
    weight: u32,
}

impl UnitPrice {
    /// `rate` per instance of `weight` units (a weight of 0 is read as 1).
    #[inline]
    pub(crate) fn new(rate: Rate, weight: u32) -> Self {
        UnitPrice {
            nano: rate.nano_usd_per_hour(),
            weight: weight.max(1),
        }
    }

    /// The price per instance, nano-USD an hour: the order of unit prices when every
    /// pool's weight is the same.
    #[inline]
    pub(crate) fn nano_per_instance(self) -> i64 {
        self.nano
    }
}

impl Ord for UnitPrice {
    #[inline]
    fn cmp(&self, o: &Self) -> Ordering {
        (i128::from(self.nano) * i128::from(o.weight))
            .cmp(&(i128::from(o.nano) * i128::from(self.weight)))
    }
}

impl PartialOrd for UnitPrice {
    #[inline]
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for UnitPrice {
    #[inline]
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for UnitPrice {}

/// The spot price per unit of a priced pool.
#[inline]
pub(crate) fn spot_unit_price(view: &MarketView<'_>, p: PoolId) -> Option<UnitPrice> {
    view.price(p).map(|r| UnitPrice::new(r, view.weight(p)))
}

/// The on-demand price per unit of a pool.
#[inline]
pub(crate) fn ondemand_unit_price(view: &MarketView<'_>, p: PoolId) -> UnitPrice {
    UnitPrice::new(view.ondemand(p), view.weight(p))
}

/// Spare capacity as `u64`, [`UNLIMITED`] for a pool without a capacity limit.
#[inline]
pub(crate) fn spare(view: &MarketView<'_>, p: PoolId) -> u64 {
    view.spare(p).map_or(UNLIMITED, u64::from)
}

/// A pool's hazard as a float that sorts sensibly: no hazard model → 0 (all pools
/// equal), NaN → +∞ (the worst), negative → 0.
#[inline]
pub(crate) fn hazard(view: &MarketView<'_>, p: PoolId) -> f64 {
    match view.hazard(p) {
        None => 0.0,
        Some(h) if h.is_nan() => f64::INFINITY,
        Some(h) if h > 0.0 => h,
        Some(_) => 0.0,
    }
}

/// A sanitised hazard (see [`hazard`]) as an integer key with the same order
/// (non-negative IEEE doubles order like their bit patterns).
#[inline]
pub(crate) fn hazard_key(view: &MarketView<'_>, p: PoolId) -> u64 {
    hazard(view, p).to_bits()
}

/// True when every pool of the market has the same weight, so the spot price order
/// ([`MarketView::by_price`]) is also the price-per-unit order.
pub(crate) fn uniform_weights(view: &MarketView<'_>) -> bool {
    view.market().uniform_weights()
}

/// The launchable pools (allowed, priced, at or below their max price, with spare
/// capacity) cheapest per unit first; equal unit prices in pool order. Lazy over the
/// engine's cached price order when all weights are equal; a sort otherwise.
pub(crate) fn launchable_by_unit_price<'a>(
    view: &MarketView<'a>,
) -> Box<dyn Iterator<Item = PoolId> + 'a> {
    let v = *view;
    if uniform_weights(view) {
        Box::new(view.by_price().filter(move |&p| v.launchable(p)))
    } else {
        // A heap (built in linear time), popped lazily: callers usually need only the
        // first few pools.
        let mut heap: BinaryHeap<Reverse<(UnitPrice, PoolId)>> = view
            .pool_ids()
            .filter(|&p| view.launchable(p))
            .filter_map(|p| Some(Reverse((spot_unit_price(view, p)?, p))))
            .collect();
        Box::new(std::iter::from_fn(move || {
            heap.pop().map(|Reverse((_, p))| p)
        }))
    }
}

/// All of [`launchable_by_unit_price`] at once (a sort when weights differ).
pub(crate) fn launchable_sorted(view: &MarketView<'_>) -> Vec<PoolId> {
    if uniform_weights(view) {
        view.by_price().filter(|&p| view.launchable(p)).collect()
    } else {
        let mut ps: Vec<(UnitPrice, PoolId)> = Vec::with_capacity(view.len());
        ps.extend(
            view.pool_ids()
                .filter(|&p| view.launchable(p))
                .filter_map(|p| Some((spot_unit_price(view, p)?, p))),
        );
        ps.sort_unstable();
        ps.into_iter().map(|x| x.1).collect()
    }
}

/// Every pool's zone as an index into the list of zones in order of first appearance
/// in the market (all pools, masked or not). One string comparison per pool for the
/// usual type-major layout.
pub(crate) fn zone_index<'a>(view: &MarketView<'a>) -> (Vec<u32>, Vec<&'a Zone>) {
    let pools = view.market().pools();
    let mut zones: Vec<&'a Zone> = Vec::new();
    let mut idx = Vec::with_capacity(pools.len());
    let mut guess = 0usize;
    for p in pools {
        let z = if zones.get(guess).is_some_and(|z| **z == p.zone) {
            guess
        } else if let Some(i) = zones.iter().position(|z| **z == p.zone) {
            i
        } else {
            zones.push(&p.zone);
            zones.len() - 1
        };
        idx.push(z as u32);
        guess = if z + 1 < zones.len() { z + 1 } else { 0 };
    }
    (idx, zones)
}

/// Appends `count` launches into `pool`, merging with an earlier entry for the same
/// pool and option (linear search: callers keep `out` short or use [`Emitter`]).
pub(crate) fn push_merged(out: &mut Vec<Launch>, pool: PoolId, count: u32, option: PurchaseOption) {
    if count == 0 {
        return;
    }
    match out
        .iter_mut()
        .find(|l| l.pool == pool && l.option == option)
    {
        Some(l) => l.count = l.count.saturating_add(count),
        None => out.push(Launch {
            pool,
            count,
            option,
        }),
    }
}

/// A candidate of the balanced placer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    /// The pool.
    pub pool: PoolId,
    /// Units one placement adds to the pool's load and removes from the need.
    pub units: u64,
    /// Placements the pool can still take ([`UNLIMITED`] for no limit).
    pub spare: u64,
    /// Units the fleet already has (or has planned) in the pool.
    pub load: u64,
    /// Tie-break after the load: the cheaper first (then the pool index).
    pub price: UnitPrice,
}

/// A balancing slot for a spot pool: its spare capacity, and as load the fleet's
/// spot units there (instances × weight).
pub(crate) fn spot_slot(view: &MarketView<'_>, fleet: &super::FleetView<'_>, p: PoolId) -> Slot {
    let w = u64::from(view.pool(p).weight.max(1));
    Slot {
        pool: p,
        units: w,
        spare: spare(view, p),
        load: u64::from(fleet.spot(p)) * w,
        price: spot_unit_price(view, p).unwrap_or(UnitPrice::new(Rate::ZERO, 1)),
    }
}

/// Spreads `need` units over pools, one placement at a time, each into the *active*
/// pool with the least load (units held + placed); ties to the cheaper per unit, then
/// the lower pool index. Each group (an iterator of pools, cheapest first, all with
/// spare capacity) contributes its first `width` pools to the active set; when an
/// active pool runs out of spare capacity, the next pool of its group joins (AWS's
/// "best effort": the fleet draws on the next cheapest pool).
///
/// Placements are computed in runs (a pool keeps winning until its load passes the
/// runner-up's), which is exactly the one-at-a-time result. Calls
/// `emit(pool, placements)` in decision order; returns the units placed.
pub(crate) fn place_balanced<I: Iterator<Item = PoolId>>(
    groups: &mut [I],
    width: usize,
    need: u64,
    slot: &mut dyn FnMut(PoolId) -> Slot,
    emit: &mut dyn FnMut(PoolId, u64),
) -> u64 {
    if need == 0 || width == 0 {
        return 0;
    }
    type Entry = Reverse<(u64, UnitPrice, PoolId, usize)>;
    let mut active: Vec<(Slot, usize)> = Vec::new();
    let mut join = |g: usize, it: &mut I, active: &mut Vec<(Slot, usize)>| -> Option<Entry> {
        for p in it.by_ref() {
            let s = slot(p);
            if s.spare == 0 || s.units == 0 {
                continue;
            }
            let e = Reverse((s.load, s.price, s.pool, active.len()));
            active.push((s, g));
            return Some(e);
        }
        None
    };
    let mut first: Vec<Entry> = Vec::new();
    for (g, it) in groups.iter_mut().enumerate() {
        for _ in 0..width {
            match join(g, it, &mut active) {
                Some(e) => first.push(e),
                None => break,
            }
        }
    }
    // Built in linear time.
    let mut heap = BinaryHeap::from(first);
    let mut rem = need;
    let mut placed = 0u64;
    while rem > 0 {
        let Some(Reverse((_, _, _, i))) = heap.pop() else {
            break;
        };
        let (a, g) = active[i];
        let want = rem.div_ceil(a.units);
        let mut k = want.min(a.spare);
        if let Some(Reverse((lb, pb, qb, _))) = heap.peek() {
            // `a` keeps winning while (load_a + j·units, price_a, pool_a) < (lb, pb, qb).
            let la = a.load;
            let mut n = if *lb > la {
                (lb - la).div_ceil(a.units)
            } else {
                0
            };
            if *lb >= la && (lb - la) % a.units == 0 && (a.price, a.pool) < (*pb, *qb) {
                n += 1;
            }
            k = k.min(n.max(1));
        }
        emit(a.pool, k);
        let units = k.saturating_mul(a.units);
        rem = rem.saturating_sub(units);
        placed = placed.saturating_add(units);
        let s = &mut active[i].0;
        s.load = s.load.saturating_add(units);
        if s.spare != UNLIMITED {
            s.spare -= k;
        }
        if s.spare > 0 {
            heap.push(Reverse((s.load, s.price, s.pool, i)));
        } else if let Some(e) = join(g, &mut groups[g], &mut active) {
            heap.push(e);
        }
    }
    placed
}

/// Merges launches into `out` in O(1) per call, remembering each pool's entry.
pub(crate) struct Emitter<'o> {
    out: &'o mut Vec<Launch>,
    at: Vec<u32>,
    option: PurchaseOption,
}

impl<'o> Emitter<'o> {
    /// An emitter over a market of `pools` pools.
    pub(crate) fn new(out: &'o mut Vec<Launch>, pools: usize, option: PurchaseOption) -> Self {
        Emitter {
            out,
            at: vec![u32::MAX; pools],
            option,
        }
    }

    /// Adds `count` launches into `pool`.
    pub(crate) fn add(&mut self, pool: PoolId, count: u64) {
        let count = count.min(u64::from(u32::MAX)) as u32;
        if count == 0 {
            return;
        }
        match self.at.get(pool.idx()).copied() {
            Some(i) if i != u32::MAX => {
                let l = &mut self.out[i as usize];
                l.count = l.count.saturating_add(count);
            }
            Some(_) => {
                self.at[pool.idx()] = self.out.len() as u32;
                self.out.push(Launch {
                    pool,
                    count,
                    option: self.option,
                });
            }
            None => push_merged(self.out, pool, count, self.option),
        }
    }
}

/// `ceil(x · ppm / 10⁶)`, at least 1 for `x ≥ 1`; [`UNLIMITED`] stays unlimited.
#[inline]
pub(crate) fn tier_threshold(x: u64, ppm: u64) -> u64 {
    if x == UNLIMITED {
        return UNLIMITED;
    }
    (u128::from(x) * u128::from(ppm))
        .div_ceil(u128::from(PPM))
        .max(1) as u64
}

/// Converts a capacity-tier fraction in (0, 1] to parts per million (rounded, at
/// least 1); `None` when it is out of range or not a number.
pub(crate) fn fraction_to_ppm(f: f64) -> Option<u64> {
    if f.is_finite() && f > 0.0 && f <= 1.0 {
        Some(((f * PPM as f64).round() as u64).clamp(1, PPM))
    } else {
        None
    }
}

/// A candidate of the tier placer.
#[derive(Clone, Copy, Debug)]
struct TierCand<K, S> {
    pool: PoolId,
    weight: u64,
    spare: u64,
    hazard: f64,
    prim: K,
    sec: S,
}

/// The capacity-tier placer behind `price-capacity-optimized` and
/// `capacity-optimized-prioritized` (aws-facts.md §1.3). One placement at a time:
///
/// 1. **Capacity tier.** Among launchable pools with spare capacity left (after the
///    placements already made in this call), the *spare tier* is the pools whose spare
///    capacity is at least `ppm / 10⁶` of the largest (unlimited counts as infinite:
///    if any pool is unlimited, the tier is the unlimited pools). When a hazard model
///    is in force, the tier keeps only the spare-tier pools whose hazard is at most the
///    lowest spare-tier hazard divided by the same fraction.
/// 2. **Choice.** Within the tier, the pool with the least `(prim, more spare first,
///    sec)`.
///
/// Runs of identical choices are computed with a binary search on the monotone
/// "nothing changed yet" condition, so the result equals the one-at-a-time rule.
/// Returns the units placed.
pub(crate) fn place_tiered<K: Ord + Copy, S: Ord + Copy>(
    view: &MarketView<'_>,
    need: u32,
    ppm: u64,
    prim: impl Fn(PoolId) -> K,
    sec: impl Fn(PoolId) -> S,
    out: &mut Vec<Launch>,
) -> u64 {
    let mut c: Vec<TierCand<K, S>> = Vec::with_capacity(view.len());
    c.extend(
        view.pool_ids()
            .filter(|&p| view.launchable(p))
            .map(|p| TierCand {
                pool: p,
                weight: u64::from(view.pool(p).weight.max(1)),
                spare: spare(view, p),
                hazard: hazard(view, p),
                prim: prim(p),
                sec: sec(p),
            }),
    );
    let has_hazard = c.first().is_some_and(|x| view.hazard(x.pool).is_some());
    let first_out = out.len();
    let mut rem = u64::from(need);
    let mut placed = 0u64;
    let order = |a: &TierCand<K, S>, b: &TierCand<K, S>| {
        (a.prim, Reverse(a.spare), a.sec).cmp(&(b.prim, Reverse(b.spare), b.sec))
    };
    while rem > 0 {
        // Pass 1: the largest spare capacity (and where), and the runner-up's.
        let (mut max, mut at, mut second) = (0u64, usize::MAX, 0u64);
        for (i, x) in c.iter().enumerate() {
            if x.spare > max {
                (second, max, at) = (max, x.spare, i);
            } else if x.spare > second {
                second = x.spare;
            }
        }
        if max == 0 {
            break;
        }
        let thr = tier_threshold(max, ppm);
        // Pass 2: the lowest hazard in the spare tier.
        let hmin = if has_hazard {
            c.iter()
                .filter(|x| x.spare > 0 && x.spare >= thr)
                .map(|x| x.hazard)
                .min_by(f64::total_cmp)
                .unwrap_or(0.0)
        } else {
            0.0
        };
        let in_tier = |x: &TierCand<K, S>| {
            x.spare > 0
                && x.spare >= thr
                && (!has_hazard || x.hazard * ppm as f64 <= hmin * PPM as f64)
        };
        // Pass 3: the choice, and the largest spare outside the spare tier (it joins
        // when the threshold falls to it).
        let mut b = usize::MAX;
        let mut e: Option<u64> = None;
        for (i, x) in c.iter().enumerate() {
            if x.spare == 0 {
                continue;
            }
            if x.spare < thr {
                e = Some(e.map_or(x.spare, |e| e.max(x.spare)));
            } else if in_tier(x) && (b == usize::MAX || order(x, &c[b]).is_lt()) {
                b = i;
            }
        }
        if b == usize::MAX {
            break;
        }
        let best = c[b];
        let want = rem.div_ceil(best.weight);
        let k = if best.spare == UNLIMITED {
            want
        } else {
            let sc = best.spare;
            // The max after j placements is max(sc - j, m_o).
            let m_o = if at == b { second } else { max };
            // Pass 4: the best same-`prim` rival in the tier.
            let r = c
                .iter()
                .enumerate()
                .filter(|&(i, x)| i != b && x.prim == best.prim && in_tier(x))
                .map(|(_, x)| (Reverse(x.spare), x.sec))
                .min()
                .map(|(Reverse(s), sec)| (s, sec));
            let still = |j: u64| {
                let s = sc - j;
                let t = tier_threshold(s.max(m_o), ppm);
                s >= t
                    && e.is_none_or(|e| t > e)
                    && r.is_none_or(|(rs, rsec)| s > rs || (s == rs && best.sec < rsec))
            };
            let hi = sc.min(want);
            // Largest j in [0, hi) with still(j); still(0) holds.
            let (mut lo, mut up) = (0u64, hi - 1);
            while lo < up {
                let mid = lo + (up - lo).div_ceil(2);
                if still(mid) {
                    lo = mid;
                } else {
                    up = mid - 1;
                }
            }
            lo + 1
        };
        let k32 = k.min(u64::from(u32::MAX)) as u32;
        match out[first_out..].iter_mut().find(|l| l.pool == best.pool) {
            Some(l) => l.count = l.count.saturating_add(k32),
            None => out.push(Launch::spot(best.pool, k32)),
        }
        let units = k.saturating_mul(best.weight);
        rem = rem.saturating_sub(units);
        placed = placed.saturating_add(units);
        if best.spare == UNLIMITED {
            break;
        }
        c[b].spare -= k;
    }
    placed
}

/// Instances of weight `w` needed for `units` units.
#[inline]
pub(crate) fn instances_for(units: u64, w: u32) -> u64 {
    units.div_ceil(u64::from(w.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_price_cross_multiplies() {
        let a = UnitPrice::new(Rate::from_nano_usd(10), 2);
        let b = UnitPrice::new(Rate::from_nano_usd(5), 1);
        let c = UnitPrice::new(Rate::from_nano_usd(6), 1);
        assert_eq!(a, b);
        assert!(a < c);
        assert!(
            UnitPrice::new(Rate::from_nano_usd(i64::MAX), u32::MAX)
                < UnitPrice::new(Rate::from_nano_usd(i64::MAX), 1)
        );
    }

    #[test]
    fn thresholds_and_fractions() {
        assert_eq!(tier_threshold(7, 500_000), 4);
        assert_eq!(
            tier_threshold(30, 100_000),
            3,
            "exact in integers (0.1 × 30 is 3, not 4)"
        );
        assert_eq!(tier_threshold(1, 1), 1);
        assert_eq!(tier_threshold(UNLIMITED, 1), UNLIMITED);
        assert_eq!(fraction_to_ppm(0.5), Some(500_000));
        assert_eq!(fraction_to_ppm(1e-9), Some(1));
        for bad in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(fraction_to_ppm(bad), None);
        }
    }

    #[test]
    fn balanced_even_split_with_spill() {
        // Three pools with loads 0, 0, 0; width 2: the first two split 5 as 3 + 2 (ties
        // to the cheaper), the third is only used when one runs out.
        let price = |i: u32| UnitPrice::new(Rate::from_nano_usd(10 + i64::from(i)), 1);
        let spares = [2u64, UNLIMITED, UNLIMITED];
        let mut groups = [[PoolId(0), PoolId(1), PoolId(2)].into_iter()];
        let mut got = Vec::new();
        let placed = place_balanced(
            &mut groups,
            2,
            7,
            &mut |p| Slot {
                pool: p,
                units: 1,
                spare: spares[p.idx()],
                load: 0,
                price: price(p.0),
            },
            &mut |p, k| got.push((p.0, k)),
        );
        assert_eq!(placed, 7);
        let mut per = [0u64; 3];
        for (p, k) in got {
            per[p as usize] += k;
        }
        // 0 fills at 2 (after 1,1 / 2,2 the pool is out), then 2 joins with load 0 and
        // catches up with 1: 1 ends at 3 (2 + 1 placed at tie with lower price), 2 at 2.
        assert_eq!(per, [2, 3, 2]);
    }
}
