//! `capacity-optimized` (aws-facts.md §1.3): launch into the pool with the most spare
//! capacity; price is not considered and a price change never ends an instance.
//!
//! Spare capacity is the capacity trace's limit minus what the fleet holds; a pool
//! without a capacity trace has unlimited spare capacity. Instances are placed one at a
//! time, each into the pool with the most spare capacity left after the previous
//! placements, so a large request spreads over the deepest pools the way AWS describes
//! ("the pools with the most spare capacity for the number of instances being
//! launched").
//!
//! **Tie rule** (AWS does not publish one): among pools with equal spare capacity, the
//! cheaper spot price wins; among equal prices, the lower pool index (the order of
//! `--instance-types`, then `--azs`).

use std::cmp::Reverse;

use super::{AllocationStrategy, FleetView, Launch};
use crate::market::MarketView;

/// The `capacity-optimized` strategy.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimized};
/// assert_eq!(CapacityOptimized.name(), "capacity-optimized");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CapacityOptimized;

impl AllocationStrategy for CapacityOptimized {
    fn name(&self) -> &str {
        "capacity-optimized"
    }

    fn allocate(&mut self, need: u32, view: &MarketView<'_>, _: &FleetView<'_>, out: &mut Vec<Launch>) {
        // (spare, pool) for every launchable pool; u64::MAX stands for unlimited.
        let mut cands: Vec<(u64, crate::market::PoolId)> = view
            .pool_ids()
            .filter(|&p| view.launchable(p))
            .map(|p| (view.spare(p).map_or(u64::MAX, u64::from), p))
            .collect();
        if cands.is_empty() {
            return;
        }
        let key = |&(s, p): &(u64, crate::market::PoolId)| (Reverse(s), view.price(p), p);
        let mut left = need;
        while left > 0 {
            let Some(best) = cands.iter().enumerate().filter(|(_, c)| c.0 > 0).min_by_key(|(_, c)| key(c)).map(|(i, _)| i)
            else {
                break;
            };
            let (spare, pool) = cands[best];
            if spare == u64::MAX {
                // Unlimited: everything left goes here (it stays the deepest pool).
                push(out, pool, left);
                break;
            }
            // Place into the deepest pool until it is no deeper than the runner-up.
            let runner_up = cands
                .iter()
                .enumerate()
                .filter(|&(i, c)| i != best && c.0 > 0)
                .map(|(_, c)| *c)
                .min_by_key(key);
            let take = match runner_up {
                None => (spare.min(left as u64)) as u32,
                Some((s2, p2)) => {
                    // Placement i happens while this pool still beats the runner-up:
                    // spare - i > s2, or equal and it wins the tie rule.
                    let wins_tie = key(&(s2, pool)) < key(&(s2, p2));
                    (spare - s2 + u64::from(wins_tie)).min(left as u64) as u32
                }
            };
            push(out, pool, take);
            cands[best].0 -= take as u64;
            left -= take;
        }
    }

    fn assumptions(&self) -> Vec<String> {
        vec!["capacity-optimized: launches go one at a time to the pool with the most spare capacity (capacity trace limit minus what the fleet holds; no trace = unlimited); ties go to the cheaper pool, then to the earlier pool in --instance-types × --azs order; price changes never end instances.".to_string()]
    }
}

fn push(out: &mut Vec<Launch>, pool: crate::market::PoolId, count: u32) {
    match out.iter_mut().find(|l| l.pool == pool) {
        Some(l) => l.count += count,
        None => out.push(Launch::spot(pool, count)),
    }
}
