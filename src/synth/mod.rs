//! Seeded synthetic spot price and capacity traces, calibrated from real traces.
//!
//! The generator builds a [`Market`] of `types × zones` pools, each with a spot
//! [`PriceTrace`] and a [`CapacityTrace`], from a `u64` seed. It powers the built-in
//! default scenario ([`default_market`]), examples ([`tiny_market`]) and benches
//! ([`synthetic_market`] with [`SynthParams`]).
//!
//! ```
//! use spotsim::synth::{default_market, DEFAULT_DAYS, DEFAULT_START};
//! use spotsim::time::DAY;
//! let m = default_market(1);
//! assert_eq!(m.pools().len(), 12);
//! assert_eq!(m.span(), Some((DEFAULT_START, DEFAULT_START.plus(DEFAULT_DAYS as i64 * DAY))));
//! ```
//!
//! # Price model
//!
//! Since the end of bidding (late 2017) spot prices are step functions that move slowly,
//! over days and weeks (aws-facts.md §1.7), and a spot price never exceeds the
//! on-demand price at launch (§3.3). Per pool:
//!
//! * **Level.** `L = on-demand × (1 − savings)`, with the Spot Instance Advisor's
//!   savings for the type ([`DEFAULT_TYPE_SAVINGS_PCT`]; other types use
//!   [`OTHER_SAVINGS_PCT`]).
//! * **Change times.** Exponential inter-change times with mean
//!   [`SynthParams::mean_secs_between_price_changes`] (default: measured,
//!   [`MEAN_SECS_BETWEEN_PRICE_CHANGES`]), rounded to whole seconds (at least 1).
//! * **Steps.** The state is a log-offset `x ≈ ln(price / L)`. Each change moves it by
//!   `±m`, `m` exponential with mean [`SynthParams::price_step`] (default: the measured
//!   mean |log-ratio| of consecutive prices, [`MEAN_ABS_LOG_STEP`]); so steps are
//!   Laplace-distributed. The sign is drawn *up* with probability
//!   `(1 − θ·x/m̄)/2` (clamped to `[0, 1]`), which makes the expected step `−θ·x`: a
//!   mean-reverting walk. Its stationary standard deviation is `m̄ / √θ`, so
//!   `θ = m̄² / s²` is derived from the measured spread `s` of log prices
//!   ([`MEDIAN_LOG_PRICE_SD`]); `θ ≈ 0.124`, a half-life of about 5 changes
//!   (≈ 5 days). The first price is drawn from the stationary distribution (a Laplace
//!   with standard deviation `s`), so pools of one type start at different prices.
//! * **Publishing.** `price = L · (2 + x) / (2 − x)` (the (1,1) Padé approximant of
//!   `L·eˣ`, within 0.01 % of it for `|x| < 0.1`; see *Determinism* for why not `exp`),
//!   `x` clamped to `[−1, 1]`, rounded to [`PRICE_TICK_NANO_USD`] (`$0.000001`, the
//!   precision of `DescribeSpotPriceHistory`'s `SpotPrice`), then clamped to
//!   `[tick, on-demand − tick]`: always positive and **strictly below on-demand**. A
//!   change that rounds to the price already in effect is dropped (every change point
//!   after the first is a real change).
//!
//! # Capacity model
//!
//! Per pool, capacity alternates between **available** and **constrained** periods
//! with exponential durations (an alternating renewal process; the first state is drawn
//! from its stationary probability `A / (A + C)`):
//!
//! * available: capacity is the pool's **base**, drawn once per pool uniformly from
//!   `base_capacity_min..=base_capacity_max` (default 20–60 instances);
//! * constrained: a low level drawn per period: 0 with probability
//!   `constrained_zero_pct` %, otherwise uniform in `1..=⌊base × constrained_max_pct / 100⌋`
//!   (default: 0 one time in three, else 1..=20 % of base).
//!
//! So capacity always lies in `0..=base_capacity_max`, and in
//! `0..=⌊base × constrained_max_pct / 100⌋` while constrained. A drop below what the
//! fleet holds interrupts the excess (the engine's capacity semantics).
//!
//! **Scale.** The V100 traces ([`V100_MEAN_AVAILABLE_SECS`] ≈ 3.3 h available,
//! [`V100_MEAN_UNAVAILABLE_SECS`] ≈ 1.9 h unavailable, available 64 % of the time) show
//! what a *scarce GPU* pool does; general-purpose pools are far less constrained. The
//! default keeps the V100 *constrained-spell length* ([`DEFAULT_MEAN_CONSTRAINED_SECS`]
//! = the measured V100 mean) but makes available spells last
//! [`DEFAULT_MEAN_AVAILABLE_SECS`] = 20 days on average: a pool is constrained about
//! 0.4 % of the time, ~1.5 spells a month, each taking ~93 % of its capacity.
//!
//! Why 20 days: the default scenario is there to *compare strategies within 30 days*,
//! so a fleet of ~20 instances across the 12 pools should see **a handful of
//! interruptions per week**. Expected from the model (a pool enters a constrained spell
//! 7 d / (A + C) = 0.349 times a week; lowest-price holds the fleet in one pool, where
//! a spell interrupts 20 − E\[L\] = 17.1; capacity-optimized spreads it over the
//! deepest pools): lowest-price ≈ 6.0, capacity-optimized ≈ 3.7 interruptions per week;
//! measured with the engine (target 20, seeds 1–400, 30 days): 5.85 and 3.70 (the test
//! `default_market_interrupts_a_handful_per_week` derives the expectation and keeps the
//! engine within three standard errors of it). That is
//! deliberately busier than AWS reports for these types. The Spot Instance Advisor rates
//! the share of capacity reclaimed per month in bands `<5 %`, `5–10 %`, `10–15 %`,
//! `15–20 %`, `>20 %` (aws-facts.md §2.4); the four default types sit in 5–10 % to
//! 15–20 %. In this model the expected reclaims per instance-month are about
//! `30 d / (A + C) × depth` (depth ≈ 0.93): ≈ 1.4 (140 %) at the default. A 20-instance
//! fleet at a 15–20 % band would see ~3.5 interruptions a *month*, under one a week —
//! too few to tell strategies apart in one 30-day run. For Spot-Advisor-like rates set `mean_available_secs` to about
//! 150 days (15–20 % band) or more.
//!
//! # What was measured (the calibration)
//!
//! Every measured number is a documented constant below and in [`calibration`], and an
//! integration test (`tests/it/synth/recalibration.rs`) re-measures it from
//! `../shared/data` with the same method and checks the constant (skipping, with a
//! printed reason, when the data is absent). Summary:
//!
//! | constant | value | from |
//! |---|---|---|
//! | [`MEAN_SECS_BETWEEN_PRICE_CHANGES`] | 80,449 s (22.3 h) | eu-west-3a 2020 price history, 1,699 changes in 16 Linux/UNIX series |
//! | [`MEAN_ABS_LOG_STEP`] | 0.015579 | same, mean \|ln(pᵢ/pᵢ₋₁)\| |
//! | [`MEDIAN_LOG_PRICE_SD`] | 0.044189 | same, median over series of the time-weighted sd of ln price |
//! | [`DEFAULT_TYPE_SAVINGS_PCT`] | m5 66, m6i 63, m6a 59, m7i 68 % | Spot Advisor us-east-1 Linux, mid-2025 |
//! | [`OTHER_SAVINGS_PCT`] | 62 % | same, median over the 87 built-in types |
//! | [`V100_MEAN_AVAILABLE_SECS`] | 12,036 s (3.34 h), 1,895 runs | 9 V100 availability CSVs, 2023-02-15 → 04-02 |
//! | [`V100_MEAN_UNAVAILABLE_SECS`] | 6,672 s (1.85 h), 1,893 runs | same |
//! | [`V100_AVAILABLE_FRACTION`] | 0.6436 | same |
//!
//! # Limits
//!
//! * **Independence.** Every pool's price and capacity are independent: no correlation
//!   across AZs of one type, across types in one AZ, or between a pool's price and its
//!   capacity (real capacity crunches are often regional and come with price rises).
//! * **Exponential times** are memoryless; the real gaps between price changes are
//!   heavier-tailed (median 6.7 h against a mean of 22.3 h) and clustered around
//!   daily republishing, and the real step sizes have a heavier tail than a Laplace
//!   (median |step| 0.0036 against a mean of 0.0156; part of the mean comes from
//!   4-decimal rounding of cheap types such as t3a.nano).
//! * **One region, one snapshot.** The price dynamics come from one AZ (eu-west-3a) in
//!   2020; the levels from one Spot Advisor snapshot (savings are averaged over AZs
//!   and 30 days by AWS). No trend, no seasonality, no spikes like m5d.24xlarge's
//!   1.53 → 5.61 $/h in the same file.
//! * **Capacity** is a two-level process per pool, not a measured count of free
//!   instances (AWS publishes none); the levels are model choices, the durations are
//!   V100-shaped and scaled as explained above. No per-type difference by Spot Advisor
//!   band; types other than the four defaults share one savings level (62 %).
//!
//! # Determinism
//!
//! The same seed and parameters give the same market, bit for bit, on every platform:
//!
//! * Generators are ChaCha8 ([`rand_chacha::ChaCha8Rng`], whose output is fixed by the
//!   ChaCha spec). The 256-bit key is the seed expanded with SplitMix64 (written out
//!   here, not `seed_from_u64`, so a `rand_core` change cannot alter it); each pool has
//!   its own stream for prices and one for capacity, numbered from the pool's
//!   (type index, zone index). Growing a market (more types or zones) therefore leaves
//!   the traces of existing pools unchanged.
//! * Random variates use only integer arithmetic and IEEE-754 basic operations
//!   (`+ − × ÷`, `round`), which are correctly rounded everywhere: exponentials come
//!   from von Neumann's comparison method (Knuth, TAOCP vol. 2, §3.4.1; Devroye 1986,
//!   §IV.2), integers from a 64×64→128-bit multiply-shift, and no `ln`/`exp` from the
//!   platform's libm is ever called (their last bit may differ between platforms).
//!   That is also why `rand_distr` is not used here: its ziggurat tables call `ln`/`exp`,
//!   and its algorithms may change between versions.
//! * Floats become integers (seconds, nano-dollars) at once, by `round`.
//!
//! The `synth` golden test pins exact values for seed 1; a change to the generator that
//! alters them must be deliberate.
//!
//! # Performance
//!
//! Generation is linear in change points and allocates each trace once (500 pools ×
//! 365 days is ≈ 216,000 change points). Measured speeds are in the README's
//! *Performance* table, from `cargo bench --bench synth`.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::catalog::{Catalog, InstanceType};
use crate::market::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use crate::money::Rate;
use crate::sample::{below, exp1, expand_seed, unit};
use crate::time::{DAY, SimTime};

mod params;
pub use params::{SynthParams, SynthParamsError};

// ---------------------------------------------------------------------------------
// Measured calibration constants
// ---------------------------------------------------------------------------------

/// Path (relative to the project root) of the price history the price dynamics were
/// measured from.
pub const PRICE_HISTORY_FILE: &str =
    "../shared/data/spot-price-history/eu-west-3a_2020-02-29_to_2020-07-31_ec2-all-prices.csv";

/// Path of the Spot Instance Advisor table the price levels come from.
pub const SPOT_ADVISOR_FILE: &str = "../shared/data/pricing/spot_advisor_us_east_1_linux.csv";

/// Directory of the timestamped V100 availability CSVs the capacity durations come from.
pub const V100_AVAILABILITY_DIR: &str = "../shared/data/availability/aws-v100-2023-02-15";

/// Number of `Linux/UNIX` price series (AZ × instance type) in [`PRICE_HISTORY_FILE`].
pub const PRICE_SERIES: u32 = 16;

/// Number of price changes measured (gaps between consecutive changes) in
/// [`PRICE_HISTORY_FILE`].
pub const PRICE_CHANGES: u32 = 1_699;

/// Mean time between spot price changes, seconds (80,449 s ≈ 22.3 h).
///
/// Measured from [`PRICE_HISTORY_FILE`]: rows with `ProductDescription == "Linux/UNIX"`,
/// grouped by (AZ, type), put oldest first (the file is newest first), rows whose price
/// equals the previous kept price dropped (AWS republishes unchanged prices); the
/// statistic is the mean, over all [`PRICE_CHANGES`] gaps of all 16 series, of the time
/// from one kept row to the next (sum 136,683,184 s / 1,699 = 80,449.2 s), rounded to
/// the second.
pub const MEAN_SECS_BETWEEN_PRICE_CHANGES: i64 = 80_449;

/// Mean absolute log-ratio of consecutive spot prices, `mean |ln(pᵢ / pᵢ₋₁)|` = 0.015579.
///
/// Measured from [`PRICE_HISTORY_FILE`] with the same filter and de-duplication as
/// [`MEAN_SECS_BETWEEN_PRICE_CHANGES`], over the same 1,699 changes (every one
/// non-zero by construction), rounded to 6 decimals.
pub const MEAN_ABS_LOG_STEP: f64 = 0.015_579;

/// Typical spread of a series' log price around its mean: 0.044189.
///
/// Measured from [`PRICE_HISTORY_FILE`] (`Linux/UNIX`, per (AZ, type), oldest first): for
/// each of the 16 series, the standard deviation of `ln(price)` weighted by how long
/// each price held (from its row to the next row of the series; the last row has no
/// weight); the statistic is the median over the 16 series (the mean of the 8th and
/// 9th smallest: 0.030304 and 0.058074), rounded to 6 decimals. Four series never
/// change (sd 0); three spiky m5d/t3a series exceed 0.25.
pub const MEDIAN_LOG_PRICE_SD: f64 = 0.044_189;

/// The four default instance types (all 2 vCPU / 8 GiB, x86_64), in pool order.
pub const DEFAULT_TYPES: [&str; 4] = ["m5.large", "m6i.large", "m6a.large", "m7i.large"];

/// The three default Availability Zones (names), in pool order.
pub const DEFAULT_ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// Spot savings versus on-demand for the default types, percent.
///
/// Read from [`SPOT_ADVISOR_FILE`] (mid-2025 Spot Instance Advisor snapshot, region
/// `us-east-1`, os `Linux`): column `savings_vs_ondemand_pct` of each type's row.
/// Their Spot Advisor bands: m5.large 15–20 %, m6i.large 10–15 %, m6a.large 5–10 %,
/// m7i.large 15–20 %.
pub const DEFAULT_TYPE_SAVINGS_PCT: [(&str, u32); 4] = [
    ("m5.large", 66),
    ("m6i.large", 63),
    ("m6a.large", 59),
    ("m7i.large", 68),
];

/// Spot savings, percent, for every type not in [`DEFAULT_TYPE_SAVINGS_PCT`]: 62.
///
/// Measured from [`SPOT_ADVISOR_FILE`]: the median of `savings_vs_ondemand_pct` over the
/// rows whose type is in [`CONTAINER_TYPES`](crate::catalog::CONTAINER_TYPES) (87 of its 87 types; range 49–80, mean
/// 62.2).
pub const OTHER_SAVINGS_PCT: u32 = 62;

/// Number of zones (files) in [`V100_AVAILABILITY_DIR`].
pub const V100_ZONES: u32 = 9;

/// Number of available runs over the 9 V100 zones.
pub const V100_AVAILABLE_RUNS: u32 = 1_895;

/// Number of unavailable runs over the 9 V100 zones.
pub const V100_UNAVAILABLE_RUNS: u32 = 1_893;

/// Mean duration of a V100 (p3.2xlarge) spot *available* run, seconds (12,036 s ≈ 3.34 h).
///
/// Measured from the 9 files `<zone>_v100_1.csv` in [`V100_AVAILABILITY_DIR`]
/// (`date,availability`, dates read as UTC): per file, consecutive probes with the same
/// `availability` form a run; a run lasts from its first probe to the first probe of
/// the next run (the last run of a file ends at its last probe). The statistic is the
/// pooled mean over all [`V100_AVAILABLE_RUNS`] runs with `availability = 1` of the 9
/// files (22,809,031 s / 1,895), rounded to the second.
pub const V100_MEAN_AVAILABLE_SECS: i64 = 12_036;

/// Mean duration of a V100 spot *unavailable* run, seconds (6,672 s ≈ 1.85 h).
///
/// Measured as [`V100_MEAN_AVAILABLE_SECS`], over the [`V100_UNAVAILABLE_RUNS`] runs with
/// `availability = 0` (12,629,324 s / 1,893 = 6,671.6 s).
pub const V100_MEAN_UNAVAILABLE_SECS: i64 = 6_672;

/// Share of time the V100 pools were available: 0.6436 (total available-run time over
/// the total span of the 9 files, 22,809,031 s / 35,438,355 s), rounded to 4 decimals.
/// Per zone it ranges from 0.167 (us-east-1a) to 0.905 (us-west-2b).
pub const V100_AVAILABLE_FRACTION: f64 = 0.6436;

// ---------------------------------------------------------------------------------
// Model choices
// ---------------------------------------------------------------------------------

/// First instant of the default market: 2026-01-01T00:00:00Z (a fixed epoch, never the
/// wall clock).
///
/// ```
/// assert_eq!(spotsim::synth::DEFAULT_START.to_string(), "2026-01-01T00:00:00Z");
/// ```
pub const DEFAULT_START: SimTime = SimTime(1_767_225_600);

/// Length of the default market, days.
pub const DEFAULT_DAYS: u32 = 30;

/// Product description of every synthetic market.
pub const PRODUCT: &str = "Linux/UNIX";

/// Price granularity: $0.000001 per hour (1,000 nano-dollars), the six decimals of
/// `DescribeSpotPriceHistory`'s `SpotPrice` strings (aws-facts.md §7.1).
pub const PRICE_TICK_NANO_USD: i64 = 1_000;

/// Default mean length of an available period, seconds: 20 days (a model choice
/// scaled for general-purpose pools so a 20-instance fleet sees a handful of
/// interruptions a week; see the module docs' *Scale*).
pub const DEFAULT_MEAN_AVAILABLE_SECS: i64 = 20 * DAY;

/// Default mean length of a constrained period, seconds: the measured V100 mean
/// unavailable run, [`V100_MEAN_UNAVAILABLE_SECS`].
pub const DEFAULT_MEAN_CONSTRAINED_SECS: i64 = V100_MEAN_UNAVAILABLE_SECS;

/// Largest log-offset from the level a price can reach (`price ∈ [L/3, 3L]`).
const X_MAX: f64 = 1.0;

/// `θ = step² / spread²`, the per-change mean reversion that gives a walk with mean
/// |step| `step` a stationary standard deviation `spread`; capped at 1 (and 1 when
/// `spread` is 0).
///
/// ```
/// let theta = spotsim::synth::mean_reversion(0.015579, 0.044189);
/// assert!((theta - 0.1243).abs() < 1e-4);
/// ```
pub fn mean_reversion(step: f64, spread: f64) -> f64 {
    if spread > 0.0 && step.is_finite() && spread.is_finite() {
        (step * step / (spread * spread)).min(1.0)
    } else {
        1.0
    }
}

// ---------------------------------------------------------------------------------
// Calibration report
// ---------------------------------------------------------------------------------

/// The measured calibration numbers and the model choices built on them, for reports
/// to cite. All fields mirror the constants of this module.
///
/// ```
/// let c = spotsim::synth::calibration();
/// assert_eq!(c.mean_secs_between_price_changes, 80_449);
/// assert_eq!(c.default_type_savings_pct[0], ("m5.large", 66));
/// assert!(c.v100_mean_available_secs > c.v100_mean_unavailable_secs);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// [`PRICE_HISTORY_FILE`].
    pub price_history_file: &'static str,
    /// Rows used: `ProductDescription == "Linux/UNIX"`, per (AZ, type), unchanged prices dropped.
    pub price_filter: &'static str,
    /// [`PRICE_SERIES`].
    pub price_series: u32,
    /// [`PRICE_CHANGES`].
    pub price_changes: u32,
    /// [`MEAN_SECS_BETWEEN_PRICE_CHANGES`].
    pub mean_secs_between_price_changes: i64,
    /// [`MEAN_ABS_LOG_STEP`].
    pub mean_abs_log_step: f64,
    /// [`MEDIAN_LOG_PRICE_SD`].
    pub median_log_price_sd: f64,
    /// The derived per-change mean reversion, [`mean_reversion`] of the two above.
    pub mean_reversion: f64,
    /// [`SPOT_ADVISOR_FILE`].
    pub spot_advisor_file: &'static str,
    /// [`DEFAULT_TYPE_SAVINGS_PCT`].
    pub default_type_savings_pct: [(&'static str, u32); 4],
    /// [`OTHER_SAVINGS_PCT`].
    pub other_savings_pct: u32,
    /// [`V100_AVAILABILITY_DIR`].
    pub v100_availability_dir: &'static str,
    /// [`V100_ZONES`].
    pub v100_zones: u32,
    /// [`V100_AVAILABLE_RUNS`].
    pub v100_available_runs: u32,
    /// [`V100_UNAVAILABLE_RUNS`].
    pub v100_unavailable_runs: u32,
    /// [`V100_MEAN_AVAILABLE_SECS`].
    pub v100_mean_available_secs: i64,
    /// [`V100_MEAN_UNAVAILABLE_SECS`].
    pub v100_mean_unavailable_secs: i64,
    /// [`V100_AVAILABLE_FRACTION`].
    pub v100_available_fraction: f64,
    /// Model choice: [`DEFAULT_MEAN_AVAILABLE_SECS`].
    pub default_mean_available_secs: i64,
    /// Model choice: [`DEFAULT_MEAN_CONSTRAINED_SECS`].
    pub default_mean_constrained_secs: i64,
}

/// The calibration in force (see the module docs for how each number was measured).
pub fn calibration() -> Calibration {
    Calibration {
        price_history_file: PRICE_HISTORY_FILE,
        price_filter: "ProductDescription == Linux/UNIX; per (AZ, type), oldest first; unchanged prices dropped",
        price_series: PRICE_SERIES,
        price_changes: PRICE_CHANGES,
        mean_secs_between_price_changes: MEAN_SECS_BETWEEN_PRICE_CHANGES,
        mean_abs_log_step: MEAN_ABS_LOG_STEP,
        median_log_price_sd: MEDIAN_LOG_PRICE_SD,
        mean_reversion: mean_reversion(MEAN_ABS_LOG_STEP, MEDIAN_LOG_PRICE_SD),
        spot_advisor_file: SPOT_ADVISOR_FILE,
        default_type_savings_pct: DEFAULT_TYPE_SAVINGS_PCT,
        other_savings_pct: OTHER_SAVINGS_PCT,
        v100_availability_dir: V100_AVAILABILITY_DIR,
        v100_zones: V100_ZONES,
        v100_available_runs: V100_AVAILABLE_RUNS,
        v100_unavailable_runs: V100_UNAVAILABLE_RUNS,
        v100_mean_available_secs: V100_MEAN_AVAILABLE_SECS,
        v100_mean_unavailable_secs: V100_MEAN_UNAVAILABLE_SECS,
        v100_available_fraction: V100_AVAILABLE_FRACTION,
        default_mean_available_secs: DEFAULT_MEAN_AVAILABLE_SECS,
        default_mean_constrained_secs: DEFAULT_MEAN_CONSTRAINED_SECS,
    }
}

/// Spot savings (percent) the generator uses for a type: [`DEFAULT_TYPE_SAVINGS_PCT`],
/// else [`OTHER_SAVINGS_PCT`].
///
/// ```
/// use spotsim::synth::savings_pct;
/// assert_eq!(savings_pct("m6a.large"), 59);
/// assert_eq!(savings_pct("c5.large"), 62);
/// ```
pub fn savings_pct(instance_type: &str) -> u32 {
    DEFAULT_TYPE_SAVINGS_PCT
        .iter()
        .find(|(t, _)| *t == instance_type)
        .map_or(OTHER_SAVINGS_PCT, |&(_, s)| s)
}

/// Name of synthetic zone `i`: `us-east-1a` … `us-east-1z`, `us-east-2a`, ….
///
/// ```
/// use spotsim::synth::zone_name;
/// assert_eq!(zone_name(0), "us-east-1a");
/// assert_eq!(zone_name(25), "us-east-1z");
/// assert_eq!(zone_name(26), "us-east-2a");
/// ```
pub fn zone_name(i: usize) -> String {
    // `i % 26 < 26`, so the letter is always in `a..=z`.
    let letter = char::from(b'a' + (i % 26) as u8);
    format!("us-east-{}{}", 1 + i / 26, letter)
}

// ---------------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------------

/// The built-in default scenario's market: 12 pools = [`DEFAULT_TYPES`] ×
/// [`DEFAULT_ZONES`] (types outer, zones inner), 30 days from [`DEFAULT_START`],
/// product `Linux/UNIX`, weight 1, each with a price trace and a capacity trace that
/// start at the start instant and end with a change point 30 days later.
///
/// Same as `synthetic_market(&SynthParams::default(), seed)`.
///
/// ```
/// use spotsim::market::PoolId;
/// let m = spotsim::synth::default_market(1);
/// let p = m.pool(PoolId(0));
/// assert_eq!((p.instance_type.name.as_str(), p.zone.as_str()), ("m5.large", "us-east-1a"));
/// assert_eq!(m.pool(PoolId(11)).instance_type.name, "m7i.large");
/// assert_eq!(m.product(), "Linux/UNIX");
/// ```
pub fn default_market(seed: u64) -> Market {
    synthetic_market(&SynthParams::default(), seed)
}

/// A synthetic market of `params.types × params.zones` pools (types outer, zones
/// inner), seeded by `seed`. See the module docs for the model.
///
/// Never panics: fields out of range (see [`SynthParams::validate`]) are moved to the
/// nearest valid value. Zero types or zones give a market without pools.
///
/// ```
/// use spotsim::market::PoolId;
/// use spotsim::synth::{synthetic_market, SynthParams};
/// let p = SynthParams { types: 2, zones: 30, days: 7, ..SynthParams::default() };
/// let m = synthetic_market(&p, 3);
/// assert_eq!(m.pools().len(), 60);
/// assert_eq!(m.pool(PoolId(29)).zone.as_str(), "us-east-2d");
/// for (i, pool) in m.pools().iter().enumerate() {
///     let tr = m.price_trace(PoolId(i as u32));
///     assert!(tr.steps().values().iter().all(|&r| r > spotsim::money::Rate::ZERO && r < pool.instance_type.ondemand));
/// }
/// ```
pub fn synthetic_market(params: &SynthParams, seed: u64) -> Market {
    let p = params.clamped();
    let cat = Catalog::builtin_ref();
    let order: Vec<&InstanceType> = DEFAULT_TYPES
        .iter()
        .filter_map(|n| cat.get(n))
        .chain(
            crate::catalog::CONTAINER_TYPES
                .iter()
                .filter(|n| !DEFAULT_TYPES.contains(n))
                .filter_map(|n| cat.get(n)),
        )
        .collect();
    if order.is_empty() || p.types == 0 || p.zones == 0 {
        return Market::new(Vec::new(), Vec::new(), Vec::new(), PRODUCT);
    }
    let key = expand_seed(seed);
    let (start, end) = (p.start.secs(), p.end().secs());
    let theta = mean_reversion(p.price_step, p.price_spread);
    let zones: Vec<Zone> = (0..p.zones).map(|z| Zone::parse(&zone_name(z))).collect();
    let n = p.types.saturating_mul(p.zones);
    let mut pools = Vec::with_capacity(n);
    let mut prices = Vec::with_capacity(n);
    let mut caps = Vec::with_capacity(n);
    for ti in 0..p.types {
        let it = order[ti % order.len()];
        let savings = savings_pct(&it.name);
        for (zi, zone) in zones.iter().enumerate() {
            let mut rng = pool_rng(&key, ti, zi, Stream::Price);
            prices.push(price_trace(
                &mut rng,
                it.ondemand,
                savings,
                &p,
                theta,
                start,
                end,
            ));
            let mut rng = pool_rng(&key, ti, zi, Stream::Capacity);
            caps.push(Some(capacity_trace(&mut rng, &p, start, end)));
            pools.push(Pool {
                instance_type: it.clone(),
                zone: zone.clone(),
                weight: 1,
            });
        }
    }
    Market::new(pools, prices, caps, PRODUCT)
}

/// A two-pool market for examples: the first of `CONTAINER_TYPES` (c5.large) in `us-east-1a` and
/// `us-east-1b`; pool 0 is priced at 5 nano-dollars per hour from `t = 0`, pool 1 is
/// never priced (it can never be launched into); neither has a capacity trace.
///
/// ```
/// use spotsim::market::PoolId;
/// use spotsim::time::SimTime;
/// let m = spotsim::synth::tiny_market();
/// assert_eq!(m.pools().len(), 2);
/// assert!(m.price_trace(PoolId(0)).price_at(SimTime(0)).is_some());
/// assert!(m.price_trace(PoolId(1)).steps().is_empty());
/// assert!(m.capacity_trace(PoolId(0)).is_none());
/// ```
pub fn tiny_market() -> Market {
    let cat = Catalog::builtin_ref();
    let pools: Vec<Pool> = cat
        .get(crate::catalog::CONTAINER_TYPES[0])
        .into_iter()
        .flat_map(|it| {
            ["us-east-1a", "us-east-1b"].map(|z| Pool {
                instance_type: it.clone(),
                zone: Zone::parse(z),
                weight: 1,
            })
        })
        .collect();
    // One change point at t = 0: trivially strictly increasing, lengths equal.
    let priced =
        PriceTrace::new(vec![0], vec![Rate::from_nano_usd(5)]).unwrap_or_else(|_| unreachable!());
    Market::new(pools, vec![priced], Vec::new(), PRODUCT)
}

// ---------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Stream {
    Price = 0,
    Capacity = 1,
}

/// The generator of one pool's price or capacity trace: stream
/// `type_index << 33 | (zone_index mod 2³²) << 1 | kind` (distinct for every pool of
/// a market with fewer than 2³¹ types).
fn pool_rng(key: &[u8; 32], type_idx: usize, zone_idx: usize, kind: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(*key);
    let zone = (zone_idx as u64) & 0xFFFF_FFFF;
    rng.set_stream(((type_idx as u64) << 33) | (zone << 1) | kind as u64);
    rng
}

/// An exponential duration with mean `mean` seconds, rounded, at least 1 s.
#[inline]
fn exp_secs(rng: &mut ChaCha8Rng, mean: i64) -> i64 {
    crate::sample::exp_secs(rng, mean as f64)
}

fn price_trace(
    rng: &mut ChaCha8Rng,
    ondemand: Rate,
    savings_pct: u32,
    p: &SynthParams,
    theta: f64,
    start: i64,
    end: i64,
) -> PriceTrace {
    let od = ondemand.nano_usd_per_hour();
    let (tick, lo, hi) = if od > 2 * PRICE_TICK_NANO_USD {
        (
            PRICE_TICK_NANO_USD,
            PRICE_TICK_NANO_USD,
            od - PRICE_TICK_NANO_USD,
        )
    } else {
        // Only for on-demand prices under $0.000002/h (none in the built-in catalog):
        // nano-dollar granularity, and a price of at least 1 nano-dollar.
        (1, 1, (od - 1).max(1))
    };
    let level = od as f64 * f64::from(100 - savings_pct.min(100)) / 100.0;
    let publish = |x: f64| -> Rate {
        let price = level * (2.0 + x) / (2.0 - x);
        let n = (price / tick as f64).round() as i64 * tick;
        Rate::from_nano_usd(n.clamp(lo, hi))
    };
    let step = p.price_step;
    let sign = |rng: &mut ChaCha8Rng| if rng.next_u64() >> 63 == 1 { 1.0 } else { -1.0 };
    // Stationary start: a Laplace with standard deviation `spread` (scale spread / √2).
    let mut x = (sign(rng) * exp1(rng) * p.price_spread * std::f64::consts::FRAC_1_SQRT_2)
        .clamp(-X_MAX, X_MAX);
    let expected = ((end - start) / p.mean_secs_between_price_changes) as usize + 2;
    let mut times = Vec::with_capacity(expected);
    let mut values = Vec::with_capacity(expected);
    let mut last = publish(x);
    times.push(start);
    values.push(last);
    let mut t = start;
    loop {
        t += exp_secs(rng, p.mean_secs_between_price_changes);
        if t >= end {
            break;
        }
        let m = exp1(rng) * step;
        let p_up = if step > 0.0 {
            (0.5 - 0.5 * theta * x / step).clamp(0.0, 1.0)
        } else {
            0.5
        };
        let up = unit(rng.next_u64()) < p_up;
        x = (if up { x + m } else { x - m }).clamp(-X_MAX, X_MAX);
        let v = publish(x);
        if v != last {
            times.push(t);
            values.push(v);
            last = v;
        }
    }
    if end > start {
        times.push(end);
        values.push(last);
    }
    // Times start at `start`, grow by at least 1 s and stay below `end`, which closes
    // the trace; lengths are equal by construction.
    PriceTrace::new(times, values).unwrap_or_else(|_| unreachable!())
}

fn capacity_trace(rng: &mut ChaCha8Rng, p: &SynthParams, start: i64, end: i64) -> CapacityTrace {
    let span = u64::from(p.base_capacity_max - p.base_capacity_min) + 1;
    let base = p.base_capacity_min + below(rng, span) as u32;
    let (a, c) = (p.mean_available_secs, p.mean_constrained_secs);
    let low_max = (u64::from(base) * u64::from(p.constrained_max_pct) / 100) as u32;
    let constrained = |rng: &mut ChaCha8Rng| -> u32 {
        let zero = below(rng, 100) < u64::from(p.constrained_zero_pct);
        if zero || low_max == 0 {
            0
        } else {
            1 + below(rng, u64::from(low_max)) as u32
        }
    };
    // Stationary first state: available with probability A / (A + C).
    let mut available = (unit(rng.next_u64()) * (a + c) as f64) < a as f64;
    let mut last = if available { base } else { constrained(rng) };
    let expected = 2 * ((end - start) / (a + c)) as usize + 4;
    let mut times = Vec::with_capacity(expected);
    let mut values = Vec::with_capacity(expected);
    times.push(start);
    values.push(last);
    let mut t = start;
    loop {
        t += exp_secs(rng, if available { a } else { c });
        if t >= end {
            break;
        }
        available = !available;
        let v = if available { base } else { constrained(rng) };
        if v != last {
            times.push(t);
            values.push(v);
            last = v;
        }
    }
    if end > start {
        times.push(end);
        values.push(last);
    }
    // As for prices: strictly increasing times from `start` to `end`, equal lengths.
    CapacityTrace::new(times, values).unwrap_or_else(|_| unreachable!())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::splitmix64;

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (the reference implementation).
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn exp1_has_unit_mean_and_variance() {
        let mut rng = pool_rng(&expand_seed(42), 0, 0, Stream::Price);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| exp1(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "var {var}");
        // P(X > 2) = e^-2 ≈ 0.1353
        let tail = xs.iter().filter(|&&x| x > 2.0).count() as f64 / n as f64;
        assert!((tail - 0.1353).abs() < 0.005, "tail {tail}");
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = pool_rng(&expand_seed(1), 0, 0, Stream::Capacity);
        for n in [1u64, 2, 3, 41, 100] {
            for _ in 0..1000 {
                assert!(below(&mut rng, n) < n);
            }
        }
    }

    #[test]
    fn streams_differ_per_pool_and_kind() {
        let key = expand_seed(9);
        let a = pool_rng(&key, 0, 0, Stream::Price).next_u64();
        let b = pool_rng(&key, 0, 0, Stream::Capacity).next_u64();
        let c = pool_rng(&key, 0, 1, Stream::Price).next_u64();
        let d = pool_rng(&key, 1, 0, Stream::Price).next_u64();
        assert!(a != b && a != c && a != d && c != d);
    }
}
