//! Allocation strategies: where a fleet launches spot capacity (aws-facts.md §1.3).
//!
//! The seam is one small trait, [`AllocationStrategy`], as DESIGN.md sketches it, with
//! two refinements:
//!
//! * decisions are written into a caller-owned `Vec` (`out`) instead of returned, so
//!   the engine reuses one buffer and a replay step allocates nothing;
//! * the market reaction hook is specific ([`AllocationStrategy::on_price_change`]
//!   returning [`Move`]s): a strategy never ends instances itself, it asks the engine
//!   to, and the engine counts those ends as voluntary, never as interruptions.
//!
//! A strategy never mutates the market or the fleet; it reads a [`MarketView`] and a
//! [`FleetView`] and returns a decision. The engine validates every decision (a launch
//! into a pool without a price or beyond its spare capacity is clamped), so a buggy
//! user strategy cannot break the simulation's invariants.
//!
//! # Built-ins (one file each; aws-facts.md §1.2–§1.4)
//!
//! | strategy | AWS name | rule in one line |
//! |---|---|---|
//! | [`LowestPrice`] | `lowest-price` (± `InstancePoolsToUseCount` / `SpotInstancePools`) | cheapest per unit with capacity; with N pools, an even split over the N cheapest (per AZ for ASG) |
//! | [`CapacityOptimized`] | `capacity-optimized` | most spare capacity, then lowest hazard |
//! | [`CapacityOptimizedPrioritized`] | `capacity-optimized-prioritized` | highest priority within the top capacity tier |
//! | [`PriceCapacityOptimized`] | `price-capacity-optimized` | cheapest per unit within the top capacity tier |
//! | [`Diversified`] | `diversified` | fewest fleet units per pool, never at or above on-demand |
//! | [`OnDemand`] | on-demand `lowest-price` | cheapest on-demand type per unit, balanced over its zones |
//! | [`AzBalanced`] | ASG order of operations | balance zones first, then any inner strategy per zone |
//!
//! Configuration selects them through [`StrategySpec`]. Every choice AWS leaves open
//! (tie-breaks, what a "capacity tier" is, how a hazard model combines with capacity)
//! is a documented, deterministic rule in the strategy's module docs and is printed by
//! [`AllocationStrategy::assumptions`]. Money is compared exactly: prices per unit by
//! integer cross-multiplication, never floats.

mod az_balanced;
mod capacity_optimized;
mod capacity_optimized_prioritized;
mod common;
mod diversified;
mod lowest_price;
mod on_demand;
mod price_capacity_optimized;
mod spec;
mod trigger;

pub use az_balanced::AzBalanced;
pub use capacity_optimized::CapacityOptimized;
pub use capacity_optimized_prioritized::CapacityOptimizedPrioritized;
pub use diversified::Diversified;
pub use lowest_price::{LowestPrice, PoolScope};
pub use on_demand::OnDemand;
pub use price_capacity_optimized::{DEFAULT_CAPACITY_TIER, PriceCapacityOptimized};
pub use spec::StrategySpec;
pub use trigger::PriceTrigger;
pub(crate) use trigger::{dearest_held, held_or_cheaper};

pub(crate) use common::UnitPrice;

use crate::market::{MarketView, PoolId};
use crate::pricing::PurchaseOption;

/// Launch `count` instances into `pool`: spot, or on-demand (a strategy's fallback,
/// e.g. Karpenter's, when no spot capacity is left).
///
/// ```
/// use spotsim::market::PoolId;
/// use spotsim::pricing::PurchaseOption;
/// use spotsim::strategy::Launch;
/// assert_eq!(Launch::spot(PoolId(3), 2).option, PurchaseOption::Spot);
/// assert_eq!(Launch::on_demand(PoolId(3), 2).option, PurchaseOption::OnDemand);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Launch {
    /// Where.
    pub pool: PoolId,
    /// How many instances.
    pub count: u32,
    /// Spot or on-demand.
    pub option: PurchaseOption,
}

impl Launch {
    /// `count` spot instances into `pool`.
    pub fn spot(pool: PoolId, count: u32) -> Self {
        Launch {
            pool,
            count,
            option: PurchaseOption::Spot,
        }
    }

    /// `count` on-demand instances of `pool`'s type in its zone.
    pub fn on_demand(pool: PoolId, count: u32) -> Self {
        Launch {
            pool,
            count,
            option: PurchaseOption::OnDemand,
        }
    }
}

/// End `count` of the fleet's spot instances in `from` and launch replacements in `to`
/// (a voluntary, price-driven replacement).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    /// The pool to leave.
    pub from: PoolId,
    /// The pool to launch the replacements into.
    pub to: PoolId,
    /// Instances to end in `from`.
    pub count: u32,
}

/// What a strategy sees of the fleet: per pool, its spot instances (launching or
/// running, not doomed by an interruption) and its on-demand instances; and the pools
/// where it holds spot instances.
///
/// ```
/// use spotsim::market::PoolId;
/// use spotsim::strategy::FleetView;
/// let (spot, od, occ) = ([2, 0], [0, 1], [PoolId(0)]);
/// let f = FleetView::new(&spot, &occ).with_ondemand(&od);
/// assert_eq!((f.spot(PoolId(0)), f.ondemand(PoolId(1))), (2, 1));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FleetView<'a> {
    spot: &'a [u32],
    ondemand: Option<&'a [u32]>,
    occupied: &'a [PoolId],
}

impl<'a> FleetView<'a> {
    /// A view over per-pool spot instance counts and the list of pools with a count
    /// above zero (in any order).
    pub fn new(spot: &'a [u32], occupied: &'a [PoolId]) -> Self {
        FleetView {
            spot,
            ondemand: None,
            occupied,
        }
    }

    /// The same view with per-pool on-demand instance counts.
    pub fn with_ondemand(mut self, ondemand: &'a [u32]) -> Self {
        self.ondemand = Some(ondemand);
        self
    }

    /// The fleet's on-demand instances in `p` (0 when not given).
    #[inline]
    pub fn ondemand(&self, p: PoolId) -> u32 {
        self.ondemand.map_or(0, |o| o[p.idx()])
    }

    /// The fleet's movable spot instances in `p`.
    #[inline]
    pub fn spot(&self, p: PoolId) -> u32 {
        self.spot[p.idx()]
    }

    /// Pools where the fleet holds at least one movable spot instance.
    pub fn occupied(&self) -> &'a [PoolId] {
        self.occupied
    }
}

/// A spot allocation strategy.
///
/// Implement it to plug in your own; see `examples/custom_strategy.rs`.
///
/// ```
/// use spotsim::market::MarketView;
/// use spotsim::strategy::{AllocationStrategy, FleetView, Launch};
///
/// /// Always the first pool that can take an instance.
/// struct FirstFit;
/// impl AllocationStrategy for FirstFit {
///     fn name(&self) -> &str { "first-fit" }
///     fn allocate(&mut self, need: u32, view: &MarketView<'_>, _: &FleetView<'_>, out: &mut Vec<Launch>) {
///         if let Some(pool) = view.pool_ids().find(|&p| view.launchable(p)) {
///             let count = view.spare(pool).map_or(need, |s| s.min(need));
///             out.push(Launch::spot(pool, count));
///         }
///     }
/// }
/// assert_eq!(FirstFit.name(), "first-fit");
/// ```
pub trait AllocationStrategy {
    /// The strategy's name as reports print it.
    fn name(&self) -> &str;

    /// Decides where to launch `need` capacity units (instances, when every pool's
    /// weight is 1) now, appending to `out`. Launching fewer (when pools lack capacity)
    /// is allowed: the engine retries when the market improves. The engine stops
    /// launching once the need is met, so a strategy may round up to whole instances.
    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    );

    /// Called after the price changes of one instant, with the pools whose price
    /// changed. Appends the voluntary replacements the strategy wants (default: none —
    /// prices never end instances).
    fn on_price_change(
        &mut self,
        _changed: &[PoolId],
        _view: &MarketView<'_>,
        _fleet: &FleetView<'_>,
        _out: &mut Vec<Move>,
    ) {
    }

    /// Which instants' price changes [`AllocationStrategy::on_price_change`] can act
    /// on; the engine calls it only after those. Default: [`PriceTrigger::Always`]. A
    /// strategy that never overrides `on_price_change` can say
    /// [`PriceTrigger::Never`].
    fn price_trigger(&self) -> PriceTrigger {
        PriceTrigger::Always
    }

    /// One line per model assumption this strategy makes, for the report.
    fn assumptions(&self) -> Vec<String> {
        Vec::new()
    }
}

impl<S: AllocationStrategy + ?Sized> AllocationStrategy for Box<S> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn allocate(
        &mut self,
        need: u32,
        v: &MarketView<'_>,
        f: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        (**self).allocate(need, v, f, out)
    }
    fn on_price_change(
        &mut self,
        c: &[PoolId],
        v: &MarketView<'_>,
        f: &FleetView<'_>,
        out: &mut Vec<Move>,
    ) {
        (**self).on_price_change(c, v, f, out)
    }
    fn price_trigger(&self) -> PriceTrigger {
        (**self).price_trigger()
    }
    fn assumptions(&self) -> Vec<String> {
        (**self).assumptions()
    }
}
