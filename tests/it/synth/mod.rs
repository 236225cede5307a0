//! The synthetic market generator (`spotsim::synth`): determinism, bounds, golden
//! values, and re-measurement of every calibration constant from `../shared/data`.
//!
//! Expected values come from outside the generator: the measured calibration numbers
//! are written out below ([`MEASURED`]) with the sums they come from, the price levels
//! from AWS's price list and the Spot Instance Advisor table, and the interruption rate
//! of the default market from a hand derivation (see
//! `default_market_interrupts_a_handful_per_week`). The re-measurement tests check those
//! numbers against `../shared/data` itself.
//!
//! Re-measurement tolerances: counts must match exactly; seconds within 1 s (the
//! constants are rounded to the second); the six-decimal price statistics within 1e-6
//! and the four-decimal availability fraction within 1e-4 (the rounding of the
//! constants, with some slack for float summation order).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spotsim::catalog::Catalog;
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::market::{Market, PoolId};
use spotsim::money::Rate;
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::synth::{self, SynthParams, default_market, synthetic_market, tiny_market};
use spotsim::time::{DAY, SimTime, parse_naive_utc};

use super::data::{self, EU_WEST_3A, SPOT_ADVISOR_CSV, V100_DIR};

mod calibration;
mod capacity;
mod determinism;
mod params;
mod prices;
mod recalibration;

/// The calibration numbers as measured from `../shared/data`, written out with the sums
/// they come from (the re-measurement tests at the end of this file recompute them from
/// the files; `calibration_reports_the_measured_values` checks the library's constants
/// against them), so no test takes its expectation from the generator's constants.
mod measured {
    /// eu-west-3a 2020 price history, `Linux/UNIX` rows: 16 (AZ, type) series.
    pub const PRICE_SERIES: u32 = 16;
    /// 1,699 changes (gaps between consecutive distinct prices).
    pub const PRICE_CHANGES: u32 = 1_699;
    /// 136,683,184 s / 1,699 gaps = 80,449.2 s.
    pub const MEAN_SECS_BETWEEN_PRICE_CHANGES: i64 = 80_449;
    /// Mean |ln(pᵢ / pᵢ₋₁)| over the same 1,699 changes.
    pub const MEAN_ABS_LOG_STEP: f64 = 0.015_579;
    /// Median over the 16 series of the time-weighted sd of ln price: the mean of the
    /// 8th and 9th smallest, (0.030304 + 0.058074) / 2.
    pub const MEDIAN_LOG_PRICE_SD: f64 = 0.044_189;
    /// θ = 0.015579² / 0.044189² = 0.000242705241 / 0.001952667721 = 0.1242942 (by hand).
    pub const MEAN_REVERSION: f64 = 0.124_294_2;
    /// Spot Instance Advisor, us-east-1 Linux, mid-2025 (`pricing/spot_advisor_us_east_1_linux.csv`),
    /// column `savings_vs_ondemand_pct`, with the on-demand price of each type from the
    /// AWS Price List (aws-facts.md §5; `pricing/ec2_ondemand_us_east_1.csv`).
    pub const DEFAULT_TYPES: [(&str, &str, u32); 4] = [
        ("m5.large", "0.096", 66),
        ("m6i.large", "0.096", 63),
        ("m6a.large", "0.0864", 59),
        ("m7i.large", "0.1008", 68),
    ];
    /// Median savings over the 87 container types of the same table.
    pub const OTHER_SAVINGS_PCT: u32 = 62;
    /// The fifth synthetic type (the first container type that is not a default) and its
    /// on-demand price (AWS Price List, us-east-1 Linux).
    pub const FIFTH_TYPE: (&str, &str) = ("c5.large", "0.085");
    /// V100 probe CSVs: 9 zones.
    pub const V100_ZONES: u32 = 9;
    /// 1,895 available runs lasting 22,809,031 s in all → 12,036.4 s.
    pub const V100_AVAILABLE_RUNS: u32 = 1_895;
    /// 12,036 s.
    pub const V100_MEAN_AVAILABLE_SECS: i64 = 12_036;
    /// 1,893 unavailable runs lasting 12,629,324 s in all → 6,671.6 s.
    pub const V100_UNAVAILABLE_RUNS: u32 = 1_893;
    /// 6,672 s.
    pub const V100_MEAN_UNAVAILABLE_SECS: i64 = 6_672;
    /// 22,809,031 s available of a 35,438,355 s span = 0.64363.
    pub const V100_AVAILABLE_FRACTION: f64 = 0.6436;
    /// Model choice (module docs, *Scale*): available spells last 20 days on average.
    pub const DEFAULT_MEAN_AVAILABLE_SECS: i64 = 20 * 86_400;
    /// `DescribeSpotPriceHistory` prints six decimals (aws-facts.md §7.1): $0.000001 =
    /// 1,000 nano-dollars.
    pub const PRICE_TICK_NANO_USD: i64 = 1_000;
}

/// Asserts two markets are identical: pools, product and every trace.
fn assert_same(a: &Market, b: &Market) {
    assert_eq!(a.pools(), b.pools());
    assert_eq!(a.product(), b.product());
    for i in 0..a.pools().len() {
        let p = PoolId(i as u32);
        assert_eq!(
            a.price_trace(p),
            b.price_trace(p),
            "price trace of pool {i}"
        );
        assert_eq!(
            a.capacity_trace(p),
            b.capacity_trace(p),
            "capacity trace of pool {i}"
        );
    }
}

fn differs(a: &Market, b: &Market) -> bool {
    (0..a.pools().len()).any(|i| {
        let p = PoolId(i as u32);
        a.price_trace(p) != b.price_trace(p) || a.capacity_trace(p) != b.capacity_trace(p)
    })
}
