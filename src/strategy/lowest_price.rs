//! `lowest-price` (aws-facts.md §1.3): launch into the cheapest pool that has capacity;
//! when it runs out, the next cheapest.
//!
//! **Price-driven replacement** (on by default): as this project specifies
//! lowest-price, *"when the price changes, the instance is terminated and replaced by a
//! cheaper one, if one is available"*. After every batch of price changes, each spot
//! instance in a pool that is now strictly more expensive than some pool with spare
//! capacity is ended (a voluntary, user-initiated end: billed per second, §3.2) and a
//! replacement is launched into the cheapest such pool. Instances move from the most
//! expensive pools first. These are counted as `price_driven_replacements`, never as
//! interruptions.
//!
//! The alternative, [`LowestPrice::keep_running`], is what EC2 has done since the
//! end of bidding in 2017 (§1.7): a price change never ends an instance, only new
//! launches go to the cheapest pool.

use super::{AllocationStrategy, FleetView, Launch, Move};
use crate::market::{MarketView, PoolId};

/// The `lowest-price` strategy.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, LowestPrice};
/// assert!(LowestPrice::default().replaces_on_price_change());
/// assert!(!LowestPrice::keep_running().replaces_on_price_change());
/// assert_eq!(LowestPrice::default().name(), "lowest-price");
/// ```
#[derive(Clone, Debug)]
pub struct LowestPrice {
    replace_on_price_change: bool,
}

impl Default for LowestPrice {
    fn default() -> Self {
        LowestPrice {
            replace_on_price_change: true,
        }
    }
}

impl LowestPrice {
    /// Lowest-price with price-driven replacement switched on or off.
    pub fn new(replace_on_price_change: bool) -> Self {
        LowestPrice {
            replace_on_price_change,
        }
    }

    /// Lowest-price as EC2 behaves since 2017: running instances stay put.
    pub fn keep_running() -> Self {
        LowestPrice::new(false)
    }

    /// Whether price changes end and replace instances.
    pub fn replaces_on_price_change(&self) -> bool {
        self.replace_on_price_change
    }
}

impl AllocationStrategy for LowestPrice {
    fn name(&self) -> &str {
        "lowest-price"
    }

    fn allocate(&mut self, need: u32, view: &MarketView<'_>, _: &FleetView<'_>, out: &mut Vec<Launch>) {
        let mut left = need;
        for p in view.by_price() {
            if left == 0 {
                break;
            }
            let take = match view.spare(p) {
                None => left,
                Some(s) => s.min(left),
            };
            if take > 0 {
                out.push(Launch::spot(p, take));
                left -= take;
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
        if !self.replace_on_price_change || fleet.occupied().is_empty() {
            return;
        }
        // Nothing to do unless an occupied pool changed price, or some pool became
        // cheaper than the dearest occupied pool.
        let dearest = fleet.occupied().iter().filter_map(|&p| view.price(p)).max();
        let relevant = changed.iter().any(|&c| {
            fleet.spot(c) > 0 || matches!((view.price(c), dearest), (Some(pc), Some(d)) if pc < d)
        });
        if !relevant {
            return;
        }
        let Some(dearest) = dearest else { return };
        // Destinations: pools cheaper than the dearest occupied one, cheapest first. A
        // scan, not `by_price()`: a full sort on every relevant change would dominate a
        // replay with many pools, and this list is short.
        let mut dest: Vec<(crate::money::Rate, PoolId, Option<u32>)> = view
            .pool_ids()
            .filter_map(|q| match view.price(q) {
                Some(pq) if pq < dearest && view.spare(q) != Some(0) => Some((pq, q, view.spare(q))),
                _ => None,
            })
            .collect();
        if dest.is_empty() {
            return;
        }
        dest.sort_unstable_by_key(|d| (d.0, d.1));
        let mut from: Vec<PoolId> = fleet.occupied().to_vec();
        // Most expensive first; ties by pool index, for determinism.
        from.sort_by_key(|&p| (std::cmp::Reverse(view.price(p)), p));
        for o in from {
            let Some(po) = view.price(o) else { continue };
            let mut left = fleet.spot(o);
            for d in dest.iter_mut() {
                if left == 0 || d.0 >= po {
                    break;
                }
                let take = match d.2 {
                    None => left,
                    Some(s) => s.min(left),
                };
                if take > 0 {
                    out.push(Move { from: o, to: d.1, count: take });
                    left -= take;
                    if let Some(s) = d.2.as_mut() {
                        *s -= take;
                    }
                }
            }
        }
    }

    fn assumptions(&self) -> Vec<String> {
        vec![if self.replace_on_price_change {
            "lowest-price: a price change ends each instance in a pool that is no longer the cheapest with capacity and relaunches it in a cheaper one (this project's specification; counted as price_driven_replacements). EC2 itself has kept instances running on price changes since 2017 (aws-facts.md §1.7); pass --price-replacement false for that.".to_string()
        } else {
            "lowest-price: price changes never end instances (EC2 behaviour since 2017, aws-facts.md §1.7); new launches go to the cheapest pool with capacity.".to_string()
        }]
    }
}
