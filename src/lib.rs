//! # spotsim
//!
//! A discrete-event simulator of AWS spot allocation and a container cost model. It
//! replays spot **price** and **capacity** traces through pluggable **allocation
//! strategies** and **pricing models** and reports cost and interruption rates, exactly
//! (integer money, integer time) and reproducibly (same inputs and seed, same bytes).
//!
//! Data flows one way: [`ingest`] → [`market`] (+ [`catalog`]) → [`engine`] ⇄
//! [`strategy`] → [`pricing`] → [`report`].
//!
//! ```
//! use spotsim::engine::{FleetConfig, Simulation, Target};
//! use spotsim::strategy::CapacityOptimized;
//!
//! let market = spotsim::synth::default_market(1);
//! let mut cfg = FleetConfig::new(Target::Constant(20));
//! cfg.seed = 1;
//! let outcome = Simulation::new(&market, cfg, CapacityOptimized).run()?;
//! let report = spotsim::report::Report::new(&market, &outcome, spotsim::report::RunInfo::default());
//! assert!(report.total_cost_usd >= 0.0);
//! # Ok::<(), spotsim::error::Error>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod catalog;
pub mod compare;
pub mod engine;
pub mod error;
pub mod hazard;
pub mod ingest;
pub mod job;
pub mod limits;
pub mod market;
pub mod money;
pub mod options;
pub mod output;
pub mod pricing;
pub mod report;
pub mod rules;
mod sample;
pub mod scenario;
mod scenario_file;
pub mod stats;
pub mod strategy;
mod suggest;
pub mod sweep;
pub mod synth;
pub mod telemetry;
#[cfg(test)]
mod test_rng;
pub mod text;
pub mod time;
pub mod types;
pub mod workload;
