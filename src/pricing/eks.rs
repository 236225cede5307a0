//! The Amazon EKS control-plane fee (aws-facts.md §6.1).
//!
//! * **Standard support: $0.10 per cluster-hour** (about $73 a month) \[S37, S38\].
//! * **Extended support: $0.60 per cluster-hour** ($0.10 + $0.50) since the **April 2024
//!   billing cycle**, i.e. from 2024-04-01T00:00:00Z \[S37\]. Before that date a cluster in
//!   extended support was not charged the extra $0.50: [`fee_rate`] returns $0.10 for
//!   it. Only clusters actually *in* the extended period pay the higher rate (§6.1): the
//!   caller says which period a cluster is in, as an [`EksSupport`].
//! * Worker compute (EC2, Fargate, EBS, public IPv4) is billed separately (§6.1; see
//!   [`super::fargate`] for Fargate pods). ECS has no orchestration fee (§6.2).
//! * ⚠ Not priced (§6.1, §9 item 12): EKS Auto Mode, Hybrid Nodes and the Provisioned
//!   Control Plane.
//!
//! # Granularity (a documented model choice)
//!
//! AWS quotes the fee per cluster-hour. [`control_plane_charge`] charges it **per second,
//! pro rata** (`rate × seconds / 3600`, exact integer money), integrating across the
//! 2024-04-01 change: that is how the fee accrues over a simulation horizon, it makes a
//! month of 730 hours exactly $73.00 (standard) or $438.00 (extended), and splitting a
//! horizon into pieces never changes the total. AWS does not publish how a cluster's
//! partial last hour is billed; [`control_plane_charge_per_started_hour`] is the
//! pessimistic alternative (every started cluster-hour in full) for bracketing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ConfigError;
use crate::money::{Money, Rate};
use crate::time::{HOUR, SimTime};

/// The standard-support fee: $0.10 per cluster-hour (§6.1).
pub const STANDARD_FEE: Rate = Rate::from_nano_usd(100_000_000);
/// The extended-support surcharge: $0.50 per cluster-hour on top of the standard fee,
/// billed from [`EXTENDED_BILLING_FROM`] (§6.1).
pub const EXTENDED_SURCHARGE: Rate = Rate::from_nano_usd(500_000_000);
/// 2024-04-01T00:00:00Z: the start of the first billing cycle with the extended-support
/// surcharge (§6.1 \[S37\]).
pub const EXTENDED_BILLING_FROM: SimTime = SimTime(1_711_929_600);

/// Which support period a cluster's Kubernetes version is in (§6.1).
///
/// ```
/// use spotsim::pricing::eks::EksSupport;
/// assert_eq!("extended".parse::<EksSupport>().unwrap(), EksSupport::Extended);
/// assert_eq!(EksSupport::Standard.to_string(), "standard");
/// assert!(EksSupport::parse("premium").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum EksSupport {
    /// Standard support (the first 14 months of a version on EKS).
    #[default]
    Standard,
    /// Extended support (the following 12 months).
    Extended,
}

impl EksSupport {
    /// `standard` or `extended`.
    ///
    /// ```
    /// # use spotsim::pricing::eks::EksSupport;
    /// assert_eq!(EksSupport::Extended.as_str(), "extended");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            EksSupport::Standard => "standard",
            EksSupport::Extended => "extended",
        }
    }

    /// Parses `standard` or `extended` (ASCII case and surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`EksError::UnknownSupport`], naming the valid values.
    ///
    /// ```
    /// # use spotsim::pricing::eks::EksSupport;
    /// assert_eq!(EksSupport::parse(" Standard ").unwrap(), EksSupport::Standard);
    /// ```
    pub fn parse(s: &str) -> Result<EksSupport, EksError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" => Ok(EksSupport::Standard),
            "extended" => Ok(EksSupport::Extended),
            _ => Err(EksError::UnknownSupport {
                given: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for EksSupport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EksSupport {
    type Err = EksError;
    fn from_str(s: &str) -> Result<EksSupport, EksError> {
        EksSupport::parse(s)
    }
}

impl Serialize for EksSupport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EksSupport {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<EksSupport, D::Error> {
        let s = String::deserialize(d)?;
        EksSupport::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why an EKS option cannot be used.
///
/// ```
/// use spotsim::pricing::eks::EksSupport;
/// let e = EksSupport::parse("lts").unwrap_err();
/// assert_eq!(e.to_string(), "unknown EKS support period `lts`; valid: standard, extended");
/// let c: spotsim::error::ConfigError = e.into();
/// assert_eq!(c.option, "eks_support");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EksError {
    /// A support period other than `standard` and `extended`.
    UnknownSupport {
        /// The value as given.
        given: String,
    },
}

impl fmt::Display for EksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EksError::UnknownSupport { given } => write!(
                f,
                "unknown EKS support period `{given}`; valid: standard, extended"
            ),
        }
    }
}

impl std::error::Error for EksError {}

impl From<EksError> for ConfigError {
    fn from(e: EksError) -> ConfigError {
        ConfigError::new("eks_support", e.to_string())
    }
}

/// The control-plane fee per cluster-hour in `support` at instant `at` (§6.1): $0.10 in
/// standard support; $0.60 in extended support from 2024-04-01, $0.10 before.
///
/// ```
/// use spotsim::pricing::eks::{fee_rate, EksSupport, EXTENDED_BILLING_FROM};
/// assert_eq!(fee_rate(EksSupport::Standard, EXTENDED_BILLING_FROM).to_string(), "0.1");
/// assert_eq!(fee_rate(EksSupport::Extended, EXTENDED_BILLING_FROM).to_string(), "0.6");
/// assert_eq!(fee_rate(EksSupport::Extended, EXTENDED_BILLING_FROM.plus(-1)).to_string(), "0.1");
/// ```
pub fn fee_rate(support: EksSupport, at: SimTime) -> Rate {
    match support {
        EksSupport::Extended if at >= EXTENDED_BILLING_FROM => Rate::from_nano_usd(
            STANDARD_FEE.nano_usd_per_hour() + EXTENDED_SURCHARGE.nano_usd_per_hour(),
        ),
        _ => STANDARD_FEE,
    }
}

/// The control-plane fee of `clusters` clusters in `support` from `start` to `end`,
/// **per second pro rata** (see the module docs), at the rate in force at each second
/// (the extended surcharge starts exactly at 2024-04-01T00:00:00Z). Zero when `end` is
/// not after `start`.
///
/// ```
/// use spotsim::pricing::eks::{control_plane_charge, EksSupport};
/// use spotsim::time::SimTime;
/// let t0 = SimTime::parse_rfc3339("2025-01-01T00:00:00Z").unwrap();
/// let month = t0.plus(730 * 3600);
/// assert_eq!(control_plane_charge(EksSupport::Standard, 1, t0, month).to_usd_string(2), "73.00");
/// assert_eq!(control_plane_charge(EksSupport::Extended, 1, t0, month).to_usd_string(2), "438.00");
/// assert_eq!(control_plane_charge(EksSupport::Standard, 3, t0, t0.plus(90)).to_usd_string(4), "0.0075");
/// ```
pub fn control_plane_charge(
    support: EksSupport,
    clusters: u32,
    start: SimTime,
    end: SimTime,
) -> Money {
    if end <= start || clusters == 0 {
        return Money::ZERO;
    }
    let n = i64::from(clusters) * super::WHOLE_IN_1024THS;
    let mut total = Money::ZERO;
    let mut from = start;
    if support == EksSupport::Extended
        && start < EXTENDED_BILLING_FROM
        && end > EXTENDED_BILLING_FROM
    {
        total +=
            fee_rate(support, start).for_seconds_per_1024(n, EXTENDED_BILLING_FROM.since(start));
        from = EXTENDED_BILLING_FROM;
    }
    total + fee_rate(support, from).for_seconds_per_1024(n, end.since(from))
}

/// The pessimistic alternative to [`control_plane_charge`]: every started cluster-hour
/// from `start` is billed in full, at the rate in force when that hour starts. AWS does
/// not publish partial-hour billing of the fee (module docs); use this to bracket.
///
/// ```
/// use spotsim::pricing::eks::{control_plane_charge_per_started_hour, EksSupport};
/// use spotsim::time::SimTime;
/// let t0 = SimTime(1_800_000_000);
/// let c = control_plane_charge_per_started_hour(EksSupport::Standard, 2, t0, t0.plus(3601));
/// assert_eq!(c.to_usd_string(2), "0.40"); // 2 clusters × 2 started hours × $0.10
/// ```
pub fn control_plane_charge_per_started_hour(
    support: EksSupport,
    clusters: u32,
    start: SimTime,
    end: SimTime,
) -> Money {
    if end <= start || clusters == 0 {
        return Money::ZERO;
    }
    let n = i64::from(clusters) * super::WHOLE_IN_1024THS;
    let hours = (end.since(start) + HOUR - 1) / HOUR;
    (0..hours)
        .map(|h| fee_rate(support, start.plus(h * HOUR)).for_seconds_per_1024(n, HOUR))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SimTime {
        SimTime::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn billing_date_constant() {
        assert_eq!(EXTENDED_BILLING_FROM, at("2024-04-01T00:00:00Z"));
    }

    #[test]
    fn integrates_across_the_surcharge_start() {
        // 10 h before and 5 h after 2024-04-01 in extended support: 10 × 0.10 + 5 × 0.60.
        let s = EXTENDED_BILLING_FROM.plus(-10 * HOUR);
        let e = EXTENDED_BILLING_FROM.plus(5 * HOUR);
        let c = control_plane_charge(EksSupport::Extended, 1, s, e);
        assert_eq!(c.to_usd_string(9), "4.000000000");
        // Standard support is unaffected by the date.
        let c = control_plane_charge(EksSupport::Standard, 1, s, e);
        assert_eq!(c.to_usd_string(9), "1.500000000");
        // Splitting the horizon never changes the total.
        let m = EXTENDED_BILLING_FROM.plus(-1234);
        assert_eq!(
            control_plane_charge(EksSupport::Extended, 2, s, m)
                + control_plane_charge(EksSupport::Extended, 2, m, e),
            control_plane_charge(EksSupport::Extended, 2, s, e)
        );
    }

    #[test]
    fn per_started_hour_uses_each_hours_start_rate() {
        // Hours start at −1 h (0.10), 0 h (0.60), +1 h (0.60, only 1 s used).
        let s = EXTENDED_BILLING_FROM.plus(-HOUR);
        let c = control_plane_charge_per_started_hour(
            EksSupport::Extended,
            1,
            s,
            EXTENDED_BILLING_FROM.plus(HOUR + 1),
        );
        assert_eq!(c.to_usd_string(2), "1.30");
        assert_eq!(
            control_plane_charge_per_started_hour(EksSupport::Extended, 1, s, s),
            Money::ZERO
        );
    }
}
