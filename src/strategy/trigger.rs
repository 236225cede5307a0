//! [`PriceTrigger`]: which instants' price changes a strategy's
//! [`on_price_change`](super::AllocationStrategy::on_price_change) can act on, so the
//! engine skips the calls that would return nothing.
//!
//! A replay is mostly price changes of pools the fleet does not use, and lowest-price's
//! price-driven replacement acts on very few of them: in the engine bench (1,000 pools,
//! a 100-instance fleet) 958 of 867,277 calls moved anything. Deciding that in the
//! engine, against a cached "dearest pool the fleet holds", costs a few comparisons per
//! instant instead of a call that builds the market and fleet views and scans the
//! fleet's pools each time. The strategy keeps its own check, so a caller that calls
//! `on_price_change` directly gets the same answer.

use super::UnitPrice;
use crate::market::PoolId;

/// When a strategy's `on_price_change` can move instances.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimized, LowestPrice, PriceTrigger};
/// assert_eq!(LowestPrice::default().price_trigger(), PriceTrigger::HeldOrCheaper);
/// assert_eq!(LowestPrice::keep_running().price_trigger(), PriceTrigger::Never);
/// assert_eq!(CapacityOptimized.price_trigger(), PriceTrigger::Never);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PriceTrigger {
    /// After every instant in which a price changed while the fleet holds movable spot
    /// instances: the default, right for any strategy.
    #[default]
    Always,
    /// Never: price changes never move instances (the default `on_price_change`).
    Never,
    /// Only after an instant in which a changed pool holds movable spot instances of
    /// the fleet, or became strictly cheaper per capacity unit (spot price ÷ weight)
    /// than the dearest pool that does. A strategy choosing this must return no moves
    /// in any other instant.
    HeldOrCheaper,
}

/// [`PriceTrigger::HeldOrCheaper`]'s condition, stated once for the engine (which
/// caches `dearest`) and for lowest-price's own check: some changed pool holds movable
/// spot instances (`held`), or its spot price per unit (`unit`) is strictly below
/// `dearest`, the dearest of the held pools' ([`dearest_held`]).
#[inline(always)]
pub(crate) fn held_or_cheaper(
    changed: &[PoolId],
    dearest: UnitPrice,
    held: impl Fn(PoolId) -> bool,
    unit: impl Fn(PoolId) -> Option<UnitPrice>,
) -> bool {
    changed
        .iter()
        .any(|&c| held(c) || unit(c).is_some_and(|u| u < dearest))
}

/// The dearest spot price per unit among the held pools (`None` when none is priced).
#[inline(always)]
pub(crate) fn dearest_held(
    held: &[PoolId],
    unit: impl Fn(PoolId) -> Option<UnitPrice>,
) -> Option<UnitPrice> {
    held.iter().filter_map(|&p| unit(p)).max()
}
