//! `price-capacity-optimized` (aws-facts.md §1.3): *"first the pools with the highest
//! capacity availability for the number of instances being launched, then the
//! lowest-priced of those"*. AWS's recommended default (§1.2).
//!
//! AWS does not publish what "highest capacity availability" means, so this is the
//! documented rule (shared with `capacity-optimized-prioritized`):
//!
//! 1. **Capacity tier.** Instances are placed one at a time. Before each placement the
//!    *spare tier* is the launchable pools whose spare capacity (capacity limit minus
//!    what the fleet holds, minus what this call has already placed) is at least the
//!    *capacity-tier fraction* (default ½) of the largest spare capacity; a pool
//!    without a capacity trace counts as infinitely deep, so if any pool is unlimited
//!    the tier is the unlimited pools. When the view carries a hazard model
//!    ([`MarketView::hazard`], AWS's "prediction of which pools are most available"),
//!    the tier keeps the spare-tier pools whose hazard is at most the lowest spare-tier
//!    hazard divided by the same fraction (with ½: at most twice the lowest).
//! 2. **Price.** Within the tier, the lowest spot price per unit; ties to the pool with
//!    more spare capacity, then the lower hazard, then the lower pool index.
//!
//! Because the tier is recomputed as placements use up spare capacity, a pool that
//! fills drops out of the tier and the next tier's pools take over ("spill to the next
//! tier"), and large requests end up in the high-capacity pools weighted toward the
//! cheaper ones — what AWS says `maintain` fleets do with replacements (§1.3). The tier
//! threshold is integer arithmetic: `ceil(largest × fraction_ppm / 10⁶)`.
//!
//! A price change never ends an instance.

use super::common::{PPM, fraction_to_ppm, hazard_key, place_tiered, spot_unit_price};
use super::{AllocationStrategy, FleetView, Launch};
use crate::error::ConfigError;
use crate::market::MarketView;

/// The capacity-tier fraction used when none is given: a pool is in the top tier when
/// its spare capacity is at least half of the largest.
pub const DEFAULT_CAPACITY_TIER: f64 = 0.5;

/// The `price-capacity-optimized` strategy.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, PriceCapacityOptimized};
/// assert_eq!(PriceCapacityOptimized::default().name(), "price-capacity-optimized");
/// assert_eq!(PriceCapacityOptimized::default().capacity_tier(), 0.5);
/// assert!(PriceCapacityOptimized::with_capacity_tier(0.0).is_err());
/// ```
///
/// The cheap pool is shallow (spare 3, under half of the deepest 10), so the deeper of
/// the two high-capacity pools that is cheaper wins:
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, FleetView, Launch, PriceCapacityOptimized};
/// # let market = spotsim::synth::default_market(1); // 12 pools
/// let mut prices = vec![None; 12];
/// prices[0] = Some(Rate::from_nano_usd(10)); // cheapest, spare 3
/// prices[1] = Some(Rate::from_nano_usd(30)); // spare 10
/// prices[2] = Some(Rate::from_nano_usd(20)); // spare 8: in the tier, cheaper than pool 1
/// let mut caps = vec![None; 12];
/// (caps[0], caps[1], caps[2]) = (Some(3), Some(10), Some(8));
/// let (held, order) = (vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// let (spot, occ) = (vec![0; 12], vec![]);
/// let mut out = Vec::new();
/// PriceCapacityOptimized::default().allocate(1, &view, &FleetView::new(&spot, &occ), &mut out);
/// assert_eq!(out, vec![Launch::spot(PoolId(2), 1)]);
/// ```
#[derive(Clone, Debug)]
pub struct PriceCapacityOptimized {
    tier_ppm: u64,
    name: String,
}

impl Default for PriceCapacityOptimized {
    fn default() -> Self {
        PriceCapacityOptimized {
            tier_ppm: PPM / 2,
            name: "price-capacity-optimized".to_string(),
        }
    }
}

impl PriceCapacityOptimized {
    /// Price-capacity-optimized with the default capacity tier (½).
    pub fn new() -> Self {
        Self::default()
    }

    /// Price-capacity-optimized whose top capacity tier holds the pools with at least
    /// `fraction` of the largest spare capacity (rounded to parts per million).
    ///
    /// # Errors
    /// [`ConfigError`] on option `capacity-tier` unless `0 < fraction ≤ 1`.
    pub fn with_capacity_tier(fraction: f64) -> Result<Self, ConfigError> {
        let tier_ppm = fraction_to_ppm(fraction).ok_or_else(|| {
            ConfigError::new(
                "capacity-tier",
                format!("{fraction} is not a fraction in (0, 1]"),
            )
        })?;
        let name = if tier_ppm == PPM / 2 {
            "price-capacity-optimized".to_string()
        } else {
            format!(
                "price-capacity-optimized(tier={})",
                tier_ppm as f64 / PPM as f64
            )
        };
        Ok(PriceCapacityOptimized { tier_ppm, name })
    }

    /// The capacity-tier fraction.
    pub fn capacity_tier(&self) -> f64 {
        self.tier_ppm as f64 / PPM as f64
    }
}

impl AllocationStrategy for PriceCapacityOptimized {
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        _: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        place_tiered(
            view,
            need,
            self.tier_ppm,
            |p| spot_unit_price(view, p),
            |p| (hazard_key(view, p), p),
            out,
        );
    }

    /// Prices never end instances (the default `on_price_change`).
    fn price_trigger(&self) -> super::PriceTrigger {
        super::PriceTrigger::Never
    }

    fn assumptions(&self) -> Vec<String> {
        vec![format!(
            "price-capacity-optimized (aws-facts.md §1.3): launches go one at a time to the cheapest pool per unit in the top capacity tier — pools with spare capacity at least {} of the largest (no capacity trace = unlimited = the deepest), narrowed, under a hazard model, to hazards at most the tier's lowest divided by {}; ties: more spare capacity, lower hazard, earlier pool; the tier is recomputed after each placement; price changes never end instances",
            self.capacity_tier(),
            self.capacity_tier()
        )]
    }
}
