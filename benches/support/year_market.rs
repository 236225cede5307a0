//! The `run` bench's whole-scenario case (shared by `run.rs` and `profile.rs`): a
//! synthetic year of 500 pools (50 types × 10 zones), a 100-instance fleet, and issue
//! 9's telemetry spec (metrics by pool and the fleet total, 5-minute periods).
#![allow(dead_code)]

use spotsim::engine::{FleetConfig, Target};
use spotsim::market::Market;
use spotsim::synth::{SynthParams, synthetic_market};
use spotsim::telemetry::{Dimension, MetricsSpec};

/// The market's parameters: a year of 50 types × 10 zones, calibrated as in `synth`.
pub fn year_params() -> SynthParams {
    SynthParams {
        types: 50,
        zones: 10,
        days: 365,
        ..SynthParams::default()
    }
}

/// The market (seed 1) and the fleet: 100 instances, seed 1.
pub fn year_500_pools() -> (Market, FleetConfig) {
    let market = synthetic_market(&year_params(), 1);
    let mut cfg = FleetConfig::new(Target::Constant(100));
    cfg.seed = 1;
    (market, cfg)
}

/// Metrics by pool (and the fleet total), 5-minute periods: issue 9's telemetry case.
pub fn pool_spec() -> MetricsSpec {
    MetricsSpec {
        period_secs: 300,
        by: vec![Dimension::Total, Dimension::Pool],
    }
}
