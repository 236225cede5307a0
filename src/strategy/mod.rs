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

mod capacity_optimized;
mod lowest_price;

pub use capacity_optimized::CapacityOptimized;
pub use lowest_price::LowestPrice;

use crate::market::{MarketView, PoolId};

/// Launch `count` spot instances into `pool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Launch {
    /// Where.
    pub pool: PoolId,
    /// How many instances.
    pub count: u32,
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

/// What a strategy sees of the fleet: its spot instances per pool (launching or
/// running, not under an interruption notice) and the pools it occupies.
#[derive(Clone, Copy, Debug)]
pub struct FleetView<'a> {
    spot: &'a [u32],
    occupied: &'a [PoolId],
}

impl<'a> FleetView<'a> {
    /// A view over per-pool spot instance counts and the list of pools with a count
    /// above zero (in any order).
    pub fn new(spot: &'a [u32], occupied: &'a [PoolId]) -> Self {
        FleetView { spot, occupied }
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
///             out.push(Launch { pool, count });
///         }
///     }
/// }
/// assert_eq!(FirstFit.name(), "first-fit");
/// ```
pub trait AllocationStrategy {
    /// The strategy's name as reports print it.
    fn name(&self) -> &str;

    /// Decides where to launch `need` spot instances now, appending to `out`.
    /// Launching fewer (when pools lack capacity) is allowed: the engine retries when
    /// the market improves.
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

    /// One line per model assumption this strategy makes, for the report.
    fn assumptions(&self) -> Vec<String> {
        Vec::new()
    }
}

impl<S: AllocationStrategy + ?Sized> AllocationStrategy for Box<S> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn allocate(&mut self, need: u32, v: &MarketView<'_>, f: &FleetView<'_>, out: &mut Vec<Launch>) {
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
    fn assumptions(&self) -> Vec<String> {
        (**self).assumptions()
    }
}

