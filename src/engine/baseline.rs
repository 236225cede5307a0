//! The on-demand baseline — what the same target would have cost on on-demand over the
//! same horizon — and what a run delivered.
//!
//! **Baseline.** The user's alternative to spot is not "the hours that ran, priced at
//! on-demand" (`PoolTally::ondemand_baseline`, which shrinks when spot delivers less)
//! but the same target on on-demand: all units, all the time, in the cheapest on-demand
//! type per unit among the allowed pools, as the `on-demand` strategy
//! ([`OnDemand`](crate::strategy::OnDemand)) chooses it (aws-facts.md §1.4,
//! `lowest-price`, balanced over zones). [`ondemand_baseline`] runs exactly that: the
//! same market, configuration and target through the engine with the `on-demand`
//! strategy — so launch latency and scale-ins are the same as the run's, and on-demand
//! capacity is never interrupted. Savings are then measured against its cost
//! ([`savings_pct`]).
//!
//! When the pools' on-demand prices are another operating system's than the market's
//! product ([`FleetConfig::ondemand_os`]), there is no baseline: `None`, never a figure
//! computed with another OS's prices.
//!
//! **Delivered capacity.** [`Outcome::delivered_unit_secs`] is `∫ min(target, running
//! units) dt` (the target minus what was unmet; units beyond the target count for
//! nothing), and [`Outcome::cost_per_delivered_unit_hour`] divides the run's cost by it:
//! a run that is cheap because it delivered little shows it there.

use crate::catalog::OperatingSystem;
use crate::error::ConfigError;
use crate::market::Market;
use crate::money::Money;
use crate::strategy::OnDemand;

use super::{CapacityRebalance, FleetConfig, Outcome, Simulation};

/// The outcome of the `on-demand` strategy on the same `market`, `cfg` and target
/// (see the module docs); `None` when the pools' on-demand prices are not for the
/// market's product. Instances are not recorded; rebalance signals and capacity
/// rebalancing are off and the hazard model is dropped (they concern spot only). The
/// pools' spot price changes are not replayed (no spot instance runs and nothing
/// on-demand reads a spot price), so [`Outcome::events`] counts only the other events;
/// every other field is the full replay's (tested against it).
///
/// # Errors
/// As [`Simulation::run`].
///
/// ```
/// use spotsim::engine::{ondemand_baseline, FleetConfig, Target};
/// use spotsim::time::{SimTime, HOUR};
/// let m = spotsim::synth::tiny_market(); // c5.large, on-demand $0.085/h
/// let mut cfg = FleetConfig::new(Target::Constant(3));
/// (cfg.start, cfg.end, cfg.launch_latency_secs) = (Some(SimTime(0)), Some(SimTime(10 * HOUR)), 0);
/// let b = ondemand_baseline(&m, &cfg)?.unwrap();
/// // 3 × 10 h × $0.085.
/// assert_eq!(b.total_cost().to_usd_string(4), "2.5500");
/// assert_eq!(b.delivered_unit_hours(), 30.0);
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
pub fn ondemand_baseline(
    market: &Market,
    cfg: &FleetConfig,
) -> Result<Option<Outcome>, ConfigError> {
    if !ondemand_prices_known(market, cfg) {
        return Ok(None);
    }
    let mut c = cfg.clone();
    c.record_instances = false;
    c.rebalance_signal = None;
    c.capacity_rebalance = CapacityRebalance::Off;
    c.hazard = None;
    Simulation::new(market, c, OnDemand)
        .without_spot_prices()
        .run()
        .map(Some)
}

/// [`ondemand_baseline`]'s cost.
///
/// # Errors
/// As [`ondemand_baseline`].
pub fn ondemand_baseline_cost(
    market: &Market,
    cfg: &FleetConfig,
) -> Result<Option<Money>, ConfigError> {
    Ok(ondemand_baseline(market, cfg)?.map(|o| o.total_cost()))
}

/// Whether the pools' on-demand prices are for the market's product: its spot
/// `ProductDescription` names the operating system of [`FleetConfig::ondemand_os`].
///
/// ```
/// use spotsim::engine::{ondemand_prices_known, FleetConfig, Target};
/// let m = spotsim::synth::tiny_market(); // Linux/UNIX
/// let mut c = FleetConfig::new(Target::Constant(1));
/// assert!(ondemand_prices_known(&m, &c));
/// c.ondemand_os = spotsim::catalog::OperatingSystem::Windows;
/// assert!(!ondemand_prices_known(&m, &c));
/// ```
pub fn ondemand_prices_known(market: &Market, cfg: &FleetConfig) -> bool {
    OperatingSystem::from_product_description(market.product()).as_ref() == Some(&cfg.ondemand_os)
}

/// Savings of `cost` against `baseline`, percent, `100 × (1 − cost / baseline)`; `None`
/// without a baseline or with a zero one.
///
/// ```
/// use spotsim::engine::savings_pct;
/// use spotsim::money::Money;
/// let usd = |n: i64| Money::from_nano_usd(n * 1_000_000_000);
/// assert_eq!(savings_pct(usd(1), Some(usd(4))), Some(75.0));
/// assert_eq!(savings_pct(usd(1), None), None);
/// assert_eq!(savings_pct(usd(1), Some(Money::ZERO)), None);
/// ```
pub fn savings_pct(cost: Money, baseline: Option<Money>) -> Option<f64> {
    baseline
        .filter(|&b| b != Money::ZERO)
        .map(|b| 100.0 * (b - cost).ratio(b))
}

impl Outcome {
    /// What the run was billed: every pool's spot and on-demand cost.
    pub fn total_cost(&self) -> Money {
        self.spot.iter().chain(&self.ondemand).map(|t| t.cost).sum()
    }

    /// Capacity delivered toward the target, unit-seconds: `∫ min(target, running
    /// units) dt = target − unmet`.
    pub fn delivered_unit_secs(&self) -> i128 {
        (self.target_unit_secs - self.unmet_unit_secs).max(0)
    }

    /// [`Outcome::delivered_unit_secs`] in unit-hours.
    pub fn delivered_unit_hours(&self) -> f64 {
        self.delivered_unit_secs() as f64 / 3600.0
    }

    /// The fraction of the target's unit-hours delivered (1 when the target is 0).
    pub fn availability(&self) -> f64 {
        if self.target_unit_secs <= 0 {
            1.0
        } else {
            self.delivered_unit_secs() as f64 / self.target_unit_secs as f64
        }
    }

    /// Cost per delivered unit-hour, USD; `None` when nothing was delivered.
    pub fn cost_per_delivered_unit_hour(&self) -> Option<f64> {
        let d = self.delivered_unit_secs();
        (d > 0).then(|| self.total_cost().to_usd_f64() * 3600.0 / d as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{OnDemandSplit, Target};
    use crate::market::StepTrace;
    use crate::synth::{SynthParams, synthetic_market};
    use crate::time::HOUR;

    /// The baseline skips the spot price changes; the second implementation is the
    /// full replay of the same configuration through the engine. Every field of the
    /// outcome agrees but the event count, on a synthetic market with capacity traces,
    /// a target that rises and falls (launches and scale-ins), an on-demand base, and
    /// with and without launch latency.
    #[test]
    fn skipping_spot_prices_changes_nothing_but_the_event_count() {
        let params = SynthParams {
            types: 6,
            zones: 3,
            days: 10,
            mean_secs_between_price_changes: 1800,
            ..SynthParams::default()
        };
        for seed in [1, 2, 3] {
            let m = synthetic_market(&params, seed);
            let (s, _) = m.covered_span().expect("prices");
            let t0 = s.secs();
            let target = StepTrace::new(
                vec![
                    t0,
                    t0 + 5 * HOUR,
                    t0 + 30 * HOUR,
                    t0 + 31 * HOUR + 17,
                    t0 + 100 * HOUR,
                ],
                vec![4, 11, 2, 25, 7],
            )
            .expect("increasing times");
            for (latency, split) in [
                (0, OnDemandSplit::default()),
                (
                    90,
                    OnDemandSplit {
                        base: 2,
                        above_base_pct: 30,
                    },
                ),
            ] {
                let mut cfg = FleetConfig::new(Target::Trace(target.clone()));
                cfg.launch_latency_secs = latency;
                cfg.ondemand = split;
                cfg.seed = seed;
                let baseline = ondemand_baseline(&m, &cfg)
                    .expect("runs")
                    .expect("Linux prices");
                let mut c = cfg.clone();
                c.record_instances = true;
                c.rebalance_signal = None;
                c.capacity_rebalance = CapacityRebalance::Off;
                c.hazard = None;
                // Instances recorded on both sides: every launch and end, with times.
                let fast = Simulation::new(&m, c.clone(), OnDemand)
                    .without_spot_prices()
                    .run()
                    .expect("runs");
                let mut full = Simulation::new(&m, c, OnDemand).run().expect("runs");
                assert!(
                    full.instances.len() > 20,
                    "{} instances",
                    full.instances.len()
                );
                assert_eq!(baseline.total_cost(), full.total_cost());
                assert!(
                    full.events > fast.events + 1000,
                    "the full replay processes the price changes: {} vs {}",
                    full.events,
                    fast.events
                );
                full.events = fast.events;
                assert_eq!(full, fast, "seed {seed}, latency {latency}");
                assert!(fast.total_cost() > Money::ZERO);
            }
        }
    }
}
