//! `capacity-optimized` (aws-facts.md §1.3): launch into the pool with the most spare
//! capacity; price is not considered and a price change never ends an instance.
//!
//! Spare capacity is the capacity trace's limit minus what the fleet holds; a pool
//! without a capacity trace has unlimited spare capacity. Instances are placed one at a
//! time, each into the pool with the most spare capacity left after the previous
//! placements, so a large request spreads over the deepest pools the way AWS describes
//! ("the pools with the most spare capacity for the number of instances being
//! launched"). The need is in capacity units: each placement covers the pool's weight.
//!
//! **Hazard** (AWS uses "a prediction of which pools are most available", §1.3): when
//! the market view carries a hazard model ([`MarketView::hazard`], interruptions per
//! instance-hour), the lower hazard wins among pools with equal spare capacity. It is
//! the second key, after spare capacity, so with capacity traces the trace decides and
//! without them (every pool unlimited) the hazard does.
//!
//! **Tie rule** (AWS does not publish one): among pools with equal spare capacity and
//! hazard, the cheaper spot price per unit wins; among equal prices, the lower pool
//! index (the order of `--instance-types`, then `--azs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::common::{UnitPrice, hazard_key, instances_for, spare, spot_unit_price};
use super::{AllocationStrategy, FleetView, Launch};
use crate::market::{MarketView, PoolId};

/// The `capacity-optimized` strategy.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimized};
/// assert_eq!(CapacityOptimized.name(), "capacity-optimized");
/// ```
///
/// With no capacity traces, a hazard model decides: all four instances go to the
/// pool with the lowest hazard.
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimized, FleetView, Launch};
/// # let market = spotsim::synth::default_market(1); // 12 pools
/// let prices = vec![Some(Rate::from_nano_usd(100)); 12];
/// let (caps, held, order) = (vec![None; 12], vec![0; 12], PriceOrder::default());
/// let hazard: Vec<f64> = (0..12).map(|i| if i == 5 { 0.001 } else { 0.01 }).collect();
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order)
///     .with_hazard(&hazard);
/// let (spot, occ) = (vec![0; 12], vec![]);
/// let mut out = Vec::new();
/// CapacityOptimized.allocate(4, &view, &FleetView::new(&spot, &occ), &mut out);
/// assert_eq!(out, vec![Launch::spot(PoolId(5), 4)]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CapacityOptimized;

type Key = (Reverse<u64>, u64, Option<UnitPrice>, PoolId);

impl AllocationStrategy for CapacityOptimized {
    fn name(&self) -> &str {
        "capacity-optimized"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        _: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        // Every launchable pool keyed (more spare, lower hazard, cheaper per unit, lower
        // index); u64::MAX stands for unlimited. A heap: the best and the runner-up are
        // its top two.
        let mut keys: Vec<Reverse<Key>> = Vec::with_capacity(view.len());
        keys.extend(view.pool_ids().filter(|&p| view.launchable(p)).map(|p| {
            Reverse((
                Reverse(spare(view, p)),
                hazard_key(view, p),
                spot_unit_price(view, p),
                p,
            ))
        }));
        let mut heap = BinaryHeap::from(keys);
        let first_out = out.len();
        let mut left = u64::from(need);
        while left > 0 {
            let Some(Reverse((Reverse(spare), h, u, pool))) = heap.pop() else {
                break;
            };
            let w = view.pool(pool).weight.max(1);
            let want = instances_for(left, w);
            if spare == u64::MAX {
                // Unlimited: everything left goes here (it stays the deepest pool).
                push(out, first_out, pool, want);
                break;
            }
            // Place into the deepest pool until it is no deeper than the runner-up:
            // placement i happens while spare - i > s2, or equal and it wins the tie rule.
            let take = match heap.peek() {
                None => spare.min(want),
                Some(Reverse((Reverse(s2), h2, u2, p2))) => {
                    let wins_tie = (h, u, pool) < (*h2, *u2, *p2);
                    (spare - s2 + u64::from(wins_tie)).min(want)
                }
            };
            push(out, first_out, pool, take);
            left = left.saturating_sub(take.saturating_mul(u64::from(w)));
            if spare > take {
                heap.push(Reverse((Reverse(spare - take), h, u, pool)));
            }
        }
    }

    /// Prices never end instances (the default `on_price_change`).
    fn price_trigger(&self) -> super::PriceTrigger {
        super::PriceTrigger::Never
    }

    fn assumptions(&self) -> Vec<String> {
        vec!["capacity-optimized (aws-facts.md §1.3): launches go one at a time to the pool with the most spare capacity (capacity trace limit minus what the fleet holds; no trace = unlimited); equal spare capacity goes to the lower hazard when a hazard model is in force, then to the cheaper spot price per unit, then to the earlier pool in --instance-types × --azs order; price changes never end instances.".to_string()]
    }
}

fn push(out: &mut Vec<Launch>, first: usize, pool: PoolId, count: u64) {
    let count = count.min(u64::from(u32::MAX)) as u32;
    match out[first..].iter_mut().find(|l| l.pool == pool) {
        Some(l) => l.count = l.count.saturating_add(count),
        None => out.push(Launch::spot(pool, count)),
    }
}
