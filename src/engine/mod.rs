//! The discrete-event core: event queue, clock and the fleet's instance state machine
//! (launching → running → noticed → ended).
//!
//! # Semantics (each is tested in `tests/it/engine.rs` and `tests/it/fleet.rs`)
//!
//! * **Fleet.** The fleet maintains the target (capacity units; instances when pool
//!   weights are 1). Whenever it holds fewer units than the target and something
//!   changed that could help (an instance ended, capacity rose, a price appeared or
//!   changed, the target rose), it asks the strategy where to launch. A launch counts
//!   against the pool's capacity at once and starts running `launch_latency_secs`
//!   later; only running instances count toward the target when unmet capacity is
//!   measured, and billing starts when the instance runs.
//! * **Launchable pools.** A pool without a price yet, or with no spare capacity, is
//!   never launched into (the engine clamps any decision that tries). A pool without a
//!   capacity trace has unlimited capacity; a pool with one has capacity 0 before the
//!   trace's first point (no data is not taken as plenty).
//! * **Capacity drops.** A capacity change recorded at `T` that leaves the fleet holding
//!   more than the new limit reclaims the excess at `T` (aws-facts.md §1.7: interruptions
//!   are capacity events). Their 2-minute notice (§2.1) is delivered at `T − 120 s`
//!   (or at the previous change point, if that is later: a shorter notice, counted as
//!   `short_notices`). Which instances: [`VictimOrder`] (seeded random by default);
//!   running instances are reclaimed before launches still pending, which fail.
//!   Replacements launch when the victims end ([`ReplaceOn::Termination`], the
//!   EC2 Fleet/ASG behaviour) or when the notice arrives ([`ReplaceOn::Notice`]).
//! * **Price changes** end nothing, except through the strategy's
//!   [`AllocationStrategy::on_price_change`] (lowest-price's price-driven replacement),
//!   whose ends are voluntary and counted apart from interruptions, and except when a
//!   max price is set and the price rises above it (an interruption with the 2-minute
//!   notice, aws-facts.md §1.7).
//! * **Capacity drops** are announced (victims chosen, notices scheduled, rebalance
//!   recommendations sent) a notice plus a lead time before they take effect; from the
//!   announcement on, the pool shows its coming lower capacity to launches.
//! * **Hazard model** (`HazardModel`): each running spot instance draws an exponential
//!   time to interruption at its pool's rate; **rebalance recommendations** precede
//!   interruptions by a lead time, and false ones arrive as a Poisson process;
//!   **capacity rebalancing** ([`CapacityRebalance`]) replaces at-risk instances ahead
//!   of time (an ASG replacement counts toward the target only once the at-risk
//!   instance ends).
//! * **Scale-in.** When the target falls, the fleet ends launches still pending first,
//!   then running instances in the most expensive pools, newest first (voluntary).
//! * **Billing** follows `pricing::billing` (§3): per second with a 60 s minimum, the
//!   first-hour rule when EC2 interrupts, hourly products where they apply.
//! * **Determinism.** Events at the same second are processed in scheduling order; all
//!   changes of one second are applied before the strategy is consulted once for that
//!   second. Randomness comes from ChaCha8 streams keyed by `seed` (ChaCha8's output is
//!   stable across platforms and rand_chacha versions): stream 0 for victims and
//!   capacity-drop leads, one stream per instance for its hazard and false-recommendation
//!   draws; samplers use no `ln`/`exp` (`sample` module). The same inputs and seed give
//!   the same outcome, bit for bit.

mod accounting;
mod baseline;
mod config;
mod decisions;
mod fleet;
mod market_events;
mod outcome;
mod price_wheel;
mod queue;
mod world;

pub use baseline::{ondemand_baseline, ondemand_baseline_cost, ondemand_prices_known, savings_pct};
pub use config::{
    CapacityRebalance, DEFAULT_LAUNCH_LATENCY_SECS, FleetConfig, HazardModel, LeadTime, MaxPrice,
    NOTICE_SECS, OnDemandAllocation, OnDemandSplit, RebalanceSignal, ReplaceOn, ResolvedMaxPrices,
    Target, VictimOrder,
};
pub use outcome::{EndReason, InstanceRecord, Outcome, PoolTally, PurchaseOption};

use crate::error::ConfigError;
use crate::market::Market;
use crate::strategy::AllocationStrategy;
use crate::telemetry::Observer;
use crate::time::SimTime;
use queue::Ev;
use world::World;

/// One simulation: a market, a fleet configuration and a strategy.
///
/// Generic over the strategy for speed; `Box<dyn AllocationStrategy>` works too.
///
/// ```
/// use spotsim::engine::{FleetConfig, Simulation, Target};
/// use spotsim::strategy::LowestPrice;
/// let market = spotsim::synth::default_market(7);
/// let mut cfg = FleetConfig::new(Target::Constant(10));
/// cfg.seed = 7;
/// let out = Simulation::new(&market, cfg, LowestPrice::default()).run().unwrap();
/// assert!(out.spot.iter().map(|t| t.run_secs).sum::<i64>() > 0);
/// ```
pub struct Simulation<'m, S> {
    market: &'m Market,
    cfg: FleetConfig,
    strategy: S,
    /// Whether the pools' spot price changes are replayed ([`Simulation::without_spot_prices`]).
    spot_prices: bool,
}

impl<'m, S: AllocationStrategy> Simulation<'m, S> {
    /// A simulation of `strategy` on `market`.
    pub fn new(market: &'m Market, cfg: FleetConfig, strategy: S) -> Self {
        Simulation {
            market,
            cfg,
            strategy,
            spot_prices: true,
        }
    }

    /// The same simulation with the pools' spot price changes not replayed: each
    /// pool keeps the price in force at the start. For a strategy that launches only
    /// on-demand instances (the on-demand baseline): no spot instance ever runs, and
    /// on-demand launches, billing, scale-in and capacity events never read a spot
    /// price, so the outcome is the one of the full replay except
    /// [`Outcome::events`], which does not count the changes skipped (tested against
    /// the full replay in `baseline.rs`). Most of a replay's events are price
    /// changes, so this makes the baseline nearly free.
    pub(crate) fn without_spot_prices(mut self) -> Self {
        self.spot_prices = false;
        self
    }

    /// Runs to the end of the horizon.
    ///
    /// # Errors
    /// [`ConfigError`] for an impossible configuration: an empty market, start ≥ end,
    /// a negative launch latency, an unknown product description.
    pub fn run(self) -> Result<Outcome, ConfigError> {
        self.run_with_progress(&mut |_, _| {})
    }

    /// Like [`Simulation::run`], calling `progress(now, end)` every 65,536 events.
    ///
    /// # Errors
    /// See [`Simulation::run`].
    pub fn run_with_progress(
        self,
        progress: &mut dyn FnMut(SimTime, SimTime),
    ) -> Result<Outcome, ConfigError> {
        self.run_inner(progress, None)
    }

    /// Like [`Simulation::run_with_progress`], telling `observer` what happens
    /// ([`crate::telemetry`]); the outcome is the same as without it.
    ///
    /// # Errors
    /// See [`Simulation::run`].
    pub fn run_observed(
        self,
        progress: &mut dyn FnMut(SimTime, SimTime),
        observer: &mut dyn Observer,
    ) -> Result<Outcome, ConfigError> {
        self.run_inner(progress, Some(observer))
    }

    fn run_inner<'o>(
        mut self,
        progress: &mut dyn FnMut(SimTime, SimTime),
        observer: Option<&'o mut dyn Observer>,
    ) -> Result<Outcome, ConfigError>
    where
        'm: 'o,
    {
        let market: &'o Market = self.market;
        let mut w = World::new(market, &self.cfg, self.spot_prices)?;
        if let Some(o) = observer {
            w.attach(o);
        }
        let mut launches = Vec::new();
        let mut moves = Vec::new();
        w.improved = true;
        w.post_batch(&mut self.strategy, &mut launches, &mut moves);
        let mut next = w.q.peek_time();
        while let Some(t) = next {
            if t != w.now {
                w.account(t);
                w.observe_advance(t);
                w.now = t;
            }
            let Some((_, ev)) = w.q.pop() else { break };
            w.events += 1;
            if w.events & 0xFFFF == 0 {
                progress(SimTime(w.now), SimTime(w.end));
            }
            if ev == Ev::Horizon {
                w.end_all();
                w.observe_end();
                break;
            }
            w.handle(ev);
            next = w.q.peek_time();
            if next != Some(w.now) {
                // The instant is over: consult the strategy once. If that scheduled
                // nothing, the next event is still `next`.
                let scheduled = w.q.scheduled();
                w.post_batch(&mut self.strategy, &mut launches, &mut moves);
                if w.q.scheduled() != scheduled {
                    next = w.q.peek_time();
                }
            }
        }
        progress(SimTime(w.end), SimTime(w.end));
        let notes = self
            .cfg
            .hazard
            .as_ref()
            .map(|h| h.description.clone())
            .unwrap_or_default();
        Ok(w.finish(
            self.strategy.name().to_string(),
            self.strategy.assumptions(),
            &notes,
        ))
    }
}
