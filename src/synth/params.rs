//! The parameters of a synthetic market ([`SynthParams`]): their ranges, defaults (the
//! default scenario's market) and validation.

use std::fmt;

use serde::Serialize;

use super::*;

/// Parameters of a synthetic market. [`Default`] gives the default scenario's market
/// (so `synthetic_market(&SynthParams::default(), seed) == default_market(seed)`).
///
/// ```
/// use spotsim::synth::{synthetic_market, SynthParams};
/// let p = SynthParams { types: 50, zones: 10, days: 365, ..SynthParams::default() };
/// assert!(p.validate().is_ok());
/// let m = synthetic_market(&p, 7);
/// assert_eq!(m.pools().len(), 500);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SynthParams {
    /// Number of instance types. Types are taken in the order [`DEFAULT_TYPES`], then
    /// the rest of [`CONTAINER_TYPES`](crate::catalog::CONTAINER_TYPES) in that order, cycling when more are asked
    /// for than the catalog has (a repeated type in a repeated zone is then a second,
    /// independent pool of the same (type, AZ)). Default 4.
    pub types: usize,
    /// Number of Availability Zones. Zone `i` is named `us-east-{1 + i / 26}{a + i % 26}`
    /// (`us-east-1a` … `us-east-1z`, `us-east-2a` …), so names are unique. Default 3.
    pub zones: usize,
    /// First instant (both traces of every pool have a change point here). Default
    /// [`DEFAULT_START`].
    pub start: SimTime,
    /// Length in days; every trace ends with a change point at `start + days`. Default
    /// [`DEFAULT_DAYS`]. At least 1.
    pub days: u32,
    /// Mean time between price changes, seconds. Default
    /// [`MEAN_SECS_BETWEEN_PRICE_CHANGES`]. At least 1.
    pub mean_secs_between_price_changes: i64,
    /// Mean |log step| of a price change. Default [`MEAN_ABS_LOG_STEP`]. Finite, ≥ 0
    /// (0 freezes prices at their first value).
    pub price_step: f64,
    /// Stationary standard deviation of the log price around its level. Default
    /// [`MEDIAN_LOG_PRICE_SD`]. Finite, ≥ 0.
    pub price_spread: f64,
    /// Smallest base (available) capacity of a pool, instances. Default 20.
    pub base_capacity_min: u32,
    /// Largest base capacity of a pool, instances. Default 60. At least
    /// `base_capacity_min`.
    pub base_capacity_max: u32,
    /// Mean length of an available period, seconds. Default
    /// [`DEFAULT_MEAN_AVAILABLE_SECS`]. At least 1.
    pub mean_available_secs: i64,
    /// Mean length of a constrained period, seconds. Default
    /// [`DEFAULT_MEAN_CONSTRAINED_SECS`]. At least 1.
    pub mean_constrained_secs: i64,
    /// Upper bound of a constrained level, percent of the pool's base. Default 20.
    /// At most 99 (a constrained level is then always below the base).
    pub constrained_max_pct: u32,
    /// Chance, percent, that a constrained period has capacity 0. Default 33. At most 100.
    pub constrained_zero_pct: u32,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            types: DEFAULT_TYPES.len(),
            zones: DEFAULT_ZONES.len(),
            start: DEFAULT_START,
            days: DEFAULT_DAYS,
            mean_secs_between_price_changes: MEAN_SECS_BETWEEN_PRICE_CHANGES,
            price_step: MEAN_ABS_LOG_STEP,
            price_spread: MEDIAN_LOG_PRICE_SD,
            base_capacity_min: 20,
            base_capacity_max: 60,
            mean_available_secs: DEFAULT_MEAN_AVAILABLE_SECS,
            mean_constrained_secs: DEFAULT_MEAN_CONSTRAINED_SECS,
            constrained_max_pct: 20,
            constrained_zero_pct: 33,
        }
    }
}

/// A [`SynthParams`] field out of range.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SynthParamsError {
    /// The field's name.
    pub field: &'static str,
    /// What it must be.
    pub expected: &'static str,
}

impl fmt::Display for SynthParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "synthetic market: `{}` must be {}",
            self.field, self.expected
        )
    }
}

impl std::error::Error for SynthParamsError {}

impl SynthParams {
    /// Checks every field's range (see each field's docs).
    ///
    /// # Errors
    /// The first field out of range, as a [`SynthParamsError`].
    ///
    /// ```
    /// use spotsim::synth::SynthParams;
    /// let p = SynthParams { days: 0, ..SynthParams::default() };
    /// assert_eq!(p.validate().unwrap_err().to_string(), "synthetic market: `days` must be at least 1");
    /// ```
    pub fn validate(&self) -> Result<(), SynthParamsError> {
        let err = |field, expected| Err(SynthParamsError { field, expected });
        if self.days == 0 {
            return err("days", "at least 1");
        }
        if self.mean_secs_between_price_changes < 1 {
            return err("mean_secs_between_price_changes", "at least 1");
        }
        if !(self.price_step.is_finite() && self.price_step >= 0.0) {
            return err("price_step", "finite and not negative");
        }
        if !(self.price_spread.is_finite() && self.price_spread >= 0.0) {
            return err("price_spread", "finite and not negative");
        }
        if self.base_capacity_max < self.base_capacity_min {
            return err("base_capacity_max", "at least base_capacity_min");
        }
        if self.mean_available_secs < 1 {
            return err("mean_available_secs", "at least 1");
        }
        if self.mean_constrained_secs < 1 {
            return err("mean_constrained_secs", "at least 1");
        }
        if self.constrained_max_pct > 99 {
            return err("constrained_max_pct", "at most 99");
        }
        if self.constrained_zero_pct > 100 {
            return err("constrained_zero_pct", "at most 100");
        }
        Ok(())
    }

    /// The end of the span: `start + days`.
    ///
    /// ```
    /// use spotsim::synth::SynthParams;
    /// assert_eq!(SynthParams::default().end().to_string(), "2026-01-31T00:00:00Z");
    /// ```
    pub fn end(&self) -> SimTime {
        self.start.plus(i64::from(self.days.max(1)) * DAY)
    }

    /// The same parameters with every out-of-range field moved to the nearest valid
    /// value (non-finite floats become their defaults).
    pub(super) fn clamped(&self) -> SynthParams {
        let d = SynthParams::default();
        let float = |x: f64, dflt: f64| if x.is_finite() { x.max(0.0) } else { dflt };
        SynthParams {
            types: self.types,
            zones: self.zones,
            start: self.start,
            days: self.days.max(1),
            mean_secs_between_price_changes: self.mean_secs_between_price_changes.max(1),
            price_step: float(self.price_step, d.price_step),
            price_spread: float(self.price_spread, d.price_spread),
            base_capacity_min: self.base_capacity_min,
            base_capacity_max: self.base_capacity_max.max(self.base_capacity_min),
            mean_available_secs: self.mean_available_secs.max(1),
            mean_constrained_secs: self.mean_constrained_secs.max(1),
            constrained_max_pct: self.constrained_max_pct.min(99),
            constrained_zero_pct: self.constrained_zero_pct.min(100),
        }
    }
}
