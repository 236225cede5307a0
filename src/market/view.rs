//! [`MarketView`]: the read-only view of the market a strategy decides on.

use std::cell::OnceCell;

use super::{Market, Pool, PoolId};
use crate::money::Rate;
use crate::time::SimTime;

/// What a strategy sees of the market at one instant: per pool, the spot price in
/// effect, the capacity limit and how much of it the fleet holds; optionally a maximum
/// price per pool, a per-pool interruption hazard and a mask restricting which pools
/// the strategy may choose (used for ASG's per-AZ balancing and for capacity
/// rebalancing's "same or better availability" rule). Read-only and cheap to copy.
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// # let market = spotsim::synth::tiny_market();
/// let prices = vec![Some(Rate::from_nano_usd(5)), None];
/// let caps = vec![Some(3), None];
/// let held = vec![1, 0];
/// let order = PriceOrder::default();
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// assert_eq!(view.spare(PoolId(0)), Some(2));
/// assert!(view.launchable(PoolId(0)));
/// assert!(!view.launchable(PoolId(1)), "no price yet");
/// assert_eq!(view.by_price().collect::<Vec<_>>(), vec![PoolId(0)]);
/// let mask = [false, true];
/// assert!(!view.with_mask(&mask).launchable(PoolId(0)), "masked out");
/// let max = [Some(Rate::from_nano_usd(4)), None];
/// assert!(!view.with_max_price(&max).launchable(PoolId(0)), "price above the max price");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MarketView<'a> {
    market: &'a Market,
    now: SimTime,
    price: &'a [Option<Rate>],
    capacity: &'a [Option<u32>],
    held: &'a [u32],
    order: &'a PriceOrder,
    max_price: Option<&'a [Option<Rate>]>,
    hazard: Option<&'a [f64]>,
    mask: Option<&'a [bool]>,
}

impl<'a> MarketView<'a> {
    /// A view at `now`: per pool, the price in effect (`None` before the first price),
    /// the capacity limit (`None` = unlimited) and the spot instances the fleet holds
    /// against it (pending, running and under notice); `order` caches the price order
    /// for [`MarketView::by_price`] (it must have been reset since `price` last changed).
    pub fn new(
        market: &'a Market,
        now: SimTime,
        price: &'a [Option<Rate>],
        capacity: &'a [Option<u32>],
        held: &'a [u32],
        order: &'a PriceOrder,
    ) -> Self {
        MarketView {
            market,
            now,
            price,
            capacity,
            held,
            order,
            max_price: None,
            hazard: None,
            mask: None,
        }
    }

    /// The same view with a maximum spot price per pool (`None`: no maximum). A pool
    /// whose price is above its maximum is not launchable (aws-facts.md §1.7).
    pub fn with_max_price(mut self, max: &'a [Option<Rate>]) -> Self {
        self.max_price = Some(max);
        self
    }

    /// The same view with a per-pool interruption hazard, in interruptions per
    /// instance-hour (the hazard model's rates).
    pub fn with_hazard(mut self, hazard: &'a [f64]) -> Self {
        self.hazard = Some(hazard);
        self
    }

    /// The same view restricted to the pools whose `mask` entry is true: the others are
    /// skipped by [`MarketView::pool_ids`] and [`MarketView::by_price`] and are not
    /// launchable.
    pub fn with_mask(mut self, mask: &'a [bool]) -> Self {
        self.mask = Some(mask);
        self
    }

    /// The market (pools and traces).
    pub fn market(&self) -> &'a Market {
        self.market
    }

    /// The current time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of pools in the market (masked or not).
    pub fn len(&self) -> usize {
        self.price.len()
    }

    /// True when the market has no pools.
    pub fn is_empty(&self) -> bool {
        self.price.is_empty()
    }

    /// True when the mask (if any) allows pool `p`.
    #[inline]
    pub fn allowed(&self, p: PoolId) -> bool {
        self.mask
            .is_none_or(|m| m.get(p.idx()).copied().unwrap_or(false))
    }

    /// The allowed pool ids, in market order.
    pub fn pool_ids(&self) -> impl Iterator<Item = PoolId> + 'a {
        let mask = self.mask;
        (0..self.price.len() as u32)
            .map(PoolId)
            .filter(move |p| mask.is_none_or(|m| m.get(p.idx()).copied().unwrap_or(false)))
    }

    /// Allowed pools with a price, cheapest first; equal prices in pool order (the order
    /// of `--instance-types`, then `--azs`). Sorted on first use after a price change
    /// and cached, so strategies that never ask pay nothing.
    pub fn by_price(&self) -> impl Iterator<Item = PoolId> + 'a {
        let mask = self.mask;
        self.order
            .get(self.price)
            .iter()
            .copied()
            .filter(move |p| mask.is_none_or(|m| m.get(p.idx()).copied().unwrap_or(false)))
    }

    /// A pool's static description.
    pub fn pool(&self, p: PoolId) -> &'a Pool {
        &self.market.pools[p.idx()]
    }

    /// The pool's weight: capacity units per instance ([`Pool::weight`], read from a
    /// dense array).
    #[inline]
    pub fn weight(&self, p: PoolId) -> u32 {
        self.market.weight(p)
    }

    /// Every pool's spot price in effect, by pool index (`None` before its first
    /// price): for scans over all pools.
    #[inline]
    pub(crate) fn prices(&self) -> &'a [Option<Rate>] {
        self.price
    }

    /// The spot price in effect, `None` before the pool's first price.
    #[inline]
    pub fn price(&self, p: PoolId) -> Option<Rate> {
        self.price[p.idx()]
    }

    /// The pool's on-demand price (from the catalog).
    #[inline]
    pub fn ondemand(&self, p: PoolId) -> Rate {
        self.market.pools[p.idx()].instance_type.ondemand
    }

    /// The maximum spot price set for the pool, if any.
    #[inline]
    pub fn max_price(&self, p: PoolId) -> Option<Rate> {
        self.max_price.and_then(|m| m[p.idx()])
    }

    /// The pool's interruption hazard (interruptions per instance-hour) when a hazard
    /// model is in force.
    #[inline]
    pub fn hazard(&self, p: PoolId) -> Option<f64> {
        self.hazard.map(|h| h[p.idx()])
    }

    /// The capacity limit in effect (`None` = unlimited).
    #[inline]
    pub fn capacity(&self, p: PoolId) -> Option<u32> {
        self.capacity[p.idx()]
    }

    /// Spot instances the fleet holds in the pool.
    #[inline]
    pub fn held(&self, p: PoolId) -> u32 {
        self.held[p.idx()]
    }

    /// Instances that can still be launched into the pool (`None` = unlimited).
    #[inline]
    pub fn spare(&self, p: PoolId) -> Option<u32> {
        self.capacity[p.idx()].map(|c| c.saturating_sub(self.held[p.idx()]))
    }

    /// True when the pool is allowed, has a price no higher than its maximum price, and
    /// has spare capacity.
    #[inline]
    pub fn launchable(&self, p: PoolId) -> bool {
        let Some(price) = self.price[p.idx()] else {
            return false;
        };
        self.allowed(p) && self.max_price(p).is_none_or(|m| price <= m) && self.spare(p) != Some(0)
    }
}

/// A lazily computed, cached [`price_order`]: the engine resets it when a price
/// changes and the first strategy to ask sorts.
///
/// ```
/// use spotsim::market::{PriceOrder, PoolId};
/// use spotsim::money::Rate;
/// let mut o = PriceOrder::default();
/// let p = [Some(Rate::from_nano_usd(2)), Some(Rate::from_nano_usd(1))];
/// assert_eq!(o.get(&p), &[PoolId(1), PoolId(0)]);
/// o.reset();
/// assert_eq!(o.get(&[Some(Rate::from_nano_usd(0)), None]), &[PoolId(0)]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct PriceOrder {
    cell: OnceCell<Vec<PoolId>>,
}

impl PriceOrder {
    /// The order for `price`, sorting it if it is not cached.
    pub fn get(&self, price: &[Option<Rate>]) -> &[PoolId] {
        self.cell.get_or_init(|| price_order(price))
    }

    /// Forgets the cached order (call after any price changes).
    pub fn reset(&mut self) {
        self.cell.take();
    }
}

/// The priced pools ordered by `(price, pool index)`: what [`MarketView::by_price`]
/// returns.
///
/// ```
/// use spotsim::market::{price_order, PoolId};
/// use spotsim::money::Rate;
/// let p = [Some(Rate::from_nano_usd(9)), None, Some(Rate::from_nano_usd(3)), Some(Rate::from_nano_usd(9))];
/// assert_eq!(price_order(&p), vec![PoolId(2), PoolId(0), PoolId(3)]);
/// ```
pub fn price_order(price: &[Option<Rate>]) -> Vec<PoolId> {
    // The keys themselves are sorted, as integer pairs (`Rate`'s order is its
    // nano-dollars'), not pool ids by a key looked up at each comparison: a third fewer
    // instructions for a lowest-price replay's sorts of 360 pools. Keys are unique
    // (ties broken by id), so an unstable sort gives the one order.
    let mut keys: Vec<(i64, u32)> = price
        .iter()
        .zip(0u32..)
        .filter_map(|(r, p)| r.map(|r| (r.nano_usd_per_hour(), p)))
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, p)| PoolId(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The order is the priced pools sorted by `(price, pool)`, whatever the ties
        /// and gaps (the reference: pool ids sorted by their looked-up keys).
        #[test]
        fn price_order_sorts_by_price_then_pool(
            prices in proptest::collection::vec(
                proptest::option::weighted(0.8, 0i64..6), 0..200),
        ) {
            let price: Vec<Option<Rate>> =
                prices.iter().map(|v| v.map(Rate::from_nano_usd)).collect();
            let mut want: Vec<PoolId> = (0..price.len() as u32)
                .map(PoolId)
                .filter(|p| price[p.idx()].is_some())
                .collect();
            want.sort_by_key(|p| (price[p.idx()], *p));
            prop_assert_eq!(price_order(&price), want);
        }
    }
}
