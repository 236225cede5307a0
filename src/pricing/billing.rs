//! EC2 billing rules (aws-facts.md §3.1 and §3.2).
//!
//! * **Granularity** (§3.1): per second with a 60-second minimum per instance start,
//!   by operating system and date: Linux since 2017-10-02, Windows since 2021-06-11
//!   (the effective date S15 gives; the EC2 guide's history says 2021-06-10), RHEL
//!   since 2024-04-01; SUSE is still billed per hour, each partial hour as a full hour.
//!   Before those dates the product was billed per hour. The rule in force is decided
//!   by the instant the instance starts running (a documented model choice).
//! * **Interrupted spot** (§3.2): if *EC2* ends a spot instance within its first hour of
//!   running, the usage is free, for every OS. After the first hour: per-second products
//!   pay the seconds used; hourly products pay the full hours used and not the
//!   interrupted partial hour.
//! * **Ended by the user** (scale-in, price-driven replacement, end of the horizon):
//!   per-second products pay the seconds used (at least 60); hourly products pay every
//!   started hour in full.
//! * **Spot price**: the price in effect, integrated over the billed time as a step
//!   function. Where the 60-second minimum extends the billed time past the end, the
//!   extension is charged at the prices in effect over that extension. For hourly
//!   products each hour is charged at the price in effect when that hour started
//!   (as spot was billed in the hourly era).
//! * **On-demand**: the catalog rate for the billed time, the same granularity, no
//!   first-hour rule (on-demand instances are never interrupted, §2.1).

use std::fmt;

use crate::error::ConfigError;
use crate::market::PriceTrace;
use crate::money::{Money, Rate};
use crate::time::{HOUR, SimTime};

/// The minimum billed duration of an instance start under per-second billing (§3.1).
pub const MIN_BILLED_SECS: i64 = 60;

/// Who ended an instance; it decides the first-hour rule (§3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndedBy {
    /// Amazon EC2 interrupted it (capacity, price above the max price, …).
    Aws,
    /// The user (or the fleet on the user's behalf) ended it.
    User,
}

/// How usage is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// Per second, with a minimum number of seconds per instance start.
    PerSecond {
        /// The minimum billed seconds (60 on EC2).
        min_secs: i64,
    },
    /// Per hour: each started hour is billed in full.
    PerHour,
}

/// The billing rule for one product at one date.
///
/// ```
/// use spotsim::pricing::{BillingRule, Granularity};
/// use spotsim::time::SimTime;
/// let t2020 = SimTime::parse_rfc3339("2020-05-01T00:00:00Z").unwrap();
/// let linux = BillingRule::for_product("Linux/UNIX", t2020).unwrap();
/// assert_eq!(linux.granularity, Granularity::PerSecond { min_secs: 60 });
/// let rhel = BillingRule::for_product("Red Hat Enterprise Linux", t2020).unwrap();
/// assert_eq!(rhel.granularity, Granularity::PerHour);
/// assert!(BillingRule::for_product("BeOS", t2020).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BillingRule {
    /// How usage is rounded.
    pub granularity: Granularity,
}

/// Product descriptions spotsim knows the billing of (with and without the legacy
/// ` (Amazon VPC)` suffix, §7.1).
pub const KNOWN_PRODUCTS: &[&str] = &[
    "Linux/UNIX",
    "Red Hat Enterprise Linux",
    "SUSE Linux",
    "Windows",
];

fn date(s: &str) -> i64 {
    SimTime::parse_rfc3339(s)
        .map(SimTime::secs)
        .unwrap_or(i64::MAX)
}

impl BillingRule {
    /// Per second with the 60-second minimum.
    pub const PER_SECOND: BillingRule = BillingRule {
        granularity: Granularity::PerSecond {
            min_secs: MIN_BILLED_SECS,
        },
    };
    /// Per started hour.
    pub const PER_HOUR: BillingRule = BillingRule {
        granularity: Granularity::PerHour,
    };

    /// The rule for `product` for an instance that starts running at `at` (§3.1).
    ///
    /// # Errors
    /// [`ConfigError`] on option `product` for a product description whose billing is
    /// not known; the message lists the known ones.
    pub fn for_product(product: &str, at: SimTime) -> Result<BillingRule, ConfigError> {
        Ok(ProductBilling::new(product)?.rule_at(at))
    }

    /// Seconds billed for a run of `run_secs` ended by `who`, for a flat rate.
    ///
    /// ```
    /// use spotsim::pricing::{BillingRule, EndedBy};
    /// let s = BillingRule::PER_SECOND;
    /// assert_eq!(s.billed_secs(10, EndedBy::User, false), 60);
    /// assert_eq!(s.billed_secs(3599, EndedBy::Aws, true), 0, "first hour free");
    /// assert_eq!(s.billed_secs(3601, EndedBy::Aws, true), 3601);
    /// let h = BillingRule::PER_HOUR;
    /// assert_eq!(h.billed_secs(3601, EndedBy::User, false), 7200);
    /// assert_eq!(h.billed_secs(7199, EndedBy::Aws, true), 3600);
    /// ```
    pub fn billed_secs(&self, run_secs: i64, who: EndedBy, spot: bool) -> i64 {
        let run = run_secs.max(0);
        if spot && who == EndedBy::Aws && run < HOUR {
            return 0;
        }
        match self.granularity {
            Granularity::PerSecond { min_secs } => run.max(min_secs),
            Granularity::PerHour => {
                if spot && who == EndedBy::Aws {
                    run / HOUR * HOUR
                } else {
                    (run.max(1) + HOUR - 1) / HOUR * HOUR
                }
            }
        }
    }

    /// The spot charge for running from `start` to `end`, at the prices of `trace`.
    ///
    /// ```
    /// use spotsim::market::PriceTrace;
    /// use spotsim::money::Rate;
    /// use spotsim::pricing::{BillingRule, EndedBy};
    /// use spotsim::time::SimTime;
    /// let p = PriceTrace::new(vec![0], vec![Rate::parse_usd("0.36").unwrap()]).unwrap();
    /// let c = BillingRule::PER_SECOND.spot_charge(&p, SimTime(0), SimTime(30), EndedBy::User);
    /// assert_eq!(c.to_usd_string(3), "0.006", "60 s minimum at $0.36/h");
    /// ```
    pub fn spot_charge(
        &self,
        trace: &PriceTrace,
        start: SimTime,
        end: SimTime,
        who: EndedBy,
    ) -> Money {
        let billed = self.billed_secs(end.since(start), who, true);
        if billed == 0 {
            return Money::ZERO;
        }
        match self.granularity {
            Granularity::PerSecond { .. } => trace.integral(start, start.plus(billed)),
            Granularity::PerHour => (0..billed / HOUR)
                .map(|h| {
                    trace
                        .price_at(start.plus(h * HOUR))
                        .unwrap_or(Rate::ZERO)
                        .for_seconds(HOUR)
                })
                .sum(),
        }
    }

    /// The on-demand charge for running from `start` to `end` at `rate`.
    ///
    /// ```
    /// use spotsim::money::Rate;
    /// use spotsim::pricing::BillingRule;
    /// use spotsim::time::SimTime;
    /// let c = BillingRule::PER_SECOND.ondemand_charge(Rate::parse_usd("0.096").unwrap(), SimTime(0), SimTime(5400));
    /// assert_eq!(c.to_usd_string(3), "0.144");
    /// ```
    pub fn ondemand_charge(&self, rate: Rate, start: SimTime, end: SimTime) -> Money {
        rate.for_seconds(self.billed_secs(end.since(start), EndedBy::User, false))
    }
}

/// The billing history of one product description: hourly until a date, per second
/// from then on (§3.1). Resolve it once, then ask [`ProductBilling::rule_at`] per
/// instance.
///
/// ```
/// use spotsim::pricing::billing::ProductBilling;
/// use spotsim::pricing::BillingRule;
/// use spotsim::time::SimTime;
/// let suse = ProductBilling::new("SUSE Linux").unwrap();
/// assert_eq!(suse.rule_at(SimTime(2_000_000_000)), BillingRule::PER_HOUR);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProductBilling {
    per_second_since: i64,
}

impl ProductBilling {
    /// The billing history of `product`.
    ///
    /// # Errors
    /// [`ConfigError`] on option `product` for an unknown product description.
    pub fn new(product: &str) -> Result<ProductBilling, ConfigError> {
        let base = product.strip_suffix(" (Amazon VPC)").unwrap_or(product);
        let per_second_since = match base {
            "Linux/UNIX" => date("2017-10-02T00:00:00Z"),
            "Windows" => date("2021-06-11T00:00:00Z"),
            "Red Hat Enterprise Linux" => date("2024-04-01T00:00:00Z"),
            "SUSE Linux" => i64::MAX,
            _ => {
                return Err(ConfigError::new(
                    "product",
                    format!(
                        "unknown product description `{product}`; known: {}",
                        KNOWN_PRODUCTS.join(", ")
                    ),
                ));
            }
        };
        Ok(ProductBilling { per_second_since })
    }

    /// The rule for an instance that starts running at `at`.
    #[inline]
    pub fn rule_at(&self, at: SimTime) -> BillingRule {
        if at.secs() >= self.per_second_since {
            BillingRule::PER_SECOND
        } else {
            BillingRule::PER_HOUR
        }
    }
}

impl fmt::Display for BillingRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::PerSecond { min_secs } => write!(f, "per second, {min_secs} s minimum"),
            Granularity::PerHour => write!(f, "per started hour"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Rate {
        Rate::parse_usd(s).unwrap()
    }

    fn trace(points: &[(i64, &str)]) -> PriceTrace {
        PriceTrace::new(
            points.iter().map(|p| p.0).collect(),
            points.iter().map(|p| usd(p.1)).collect(),
        )
        .unwrap()
    }

    #[test]
    fn per_second_hand_computed() {
        // $0.0437/h for 2 h 30 min 17 s = 9017 s: 0.0437 * 9017 / 3600 = 0.10945636…
        let p = trace(&[(0, "0.0437")]);
        let c = BillingRule::PER_SECOND.spot_charge(&p, SimTime(0), SimTime(9017), EndedBy::User);
        assert_eq!(c, usd("0.0437").for_seconds(9017));
        assert_eq!(c.to_usd_string(6), "0.109456");
    }

    #[test]
    fn step_function_integration_across_changes() {
        // 1 h at $0.10, 2 h at $0.40, then $0.20: run from 0:30 to 4:00.
        let p = trace(&[(0, "0.10"), (3600, "0.40"), (10800, "0.20")]);
        let c =
            BillingRule::PER_SECOND.spot_charge(&p, SimTime(1800), SimTime(14400), EndedBy::User);
        // 0.5*0.10 + 2*0.40 + 1*0.20 = 1.05
        assert_eq!(c.to_usd_string(9), "1.050000000");
        // Interrupted by AWS after the first hour: same charge.
        let c2 =
            BillingRule::PER_SECOND.spot_charge(&p, SimTime(1800), SimTime(14400), EndedBy::Aws);
        assert_eq!(c, c2);
    }

    #[test]
    fn first_hour_rule() {
        let p = trace(&[(0, "1.00")]);
        let r = BillingRule::PER_SECOND;
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(3599), EndedBy::Aws),
            Money::ZERO
        );
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(3600), EndedBy::Aws),
            usd("1").for_seconds(3600)
        );
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(3599), EndedBy::User),
            usd("1").for_seconds(3599)
        );
    }

    #[test]
    fn sixty_second_minimum_extends_at_later_prices() {
        let p = trace(&[(0, "0.36"), (30, "0.72")]);
        let c = BillingRule::PER_SECOND.spot_charge(&p, SimTime(0), SimTime(10), EndedBy::User);
        // 30 s at 0.36 + 30 s at 0.72 = (10.8 + 21.6)/3600 = 0.009
        assert_eq!(c.to_usd_string(6), "0.009000");
    }

    #[test]
    fn hourly_products() {
        let p = trace(&[(0, "0.50"), (5000, "1.00")]);
        let r = BillingRule::PER_HOUR;
        // User ends at 1 h 10 min: two started hours, at the prices at 0 and 3600.
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(4200), EndedBy::User)
                .to_usd_string(2),
            "1.00"
        );
        // Hours start at 0, 3600, 7200: 0.5 + 0.5 + 1.0
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(7201), EndedBy::User)
                .to_usd_string(2),
            "2.00"
        );
        // AWS interrupts at 2 h 59 min: full hours used (2), partial not charged.
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(10_740), EndedBy::Aws)
                .to_usd_string(2),
            "1.00"
        );
        assert_eq!(
            r.spot_charge(&p, SimTime(0), SimTime(100), EndedBy::Aws),
            Money::ZERO
        );
    }

    #[test]
    fn product_dates() {
        let at = |s: &str| SimTime::parse_rfc3339(s).unwrap();
        let rule = |p: &str, t: &str| BillingRule::for_product(p, at(t)).unwrap().granularity;
        assert_eq!(
            rule("Linux/UNIX", "2017-10-01T23:59:59Z"),
            Granularity::PerHour
        );
        assert_eq!(
            rule("Linux/UNIX", "2017-10-02T00:00:00Z"),
            BillingRule::PER_SECOND.granularity
        );
        assert_eq!(
            rule("Windows (Amazon VPC)", "2021-06-10T12:00:00Z"),
            Granularity::PerHour
        );
        assert_eq!(
            rule("Windows", "2021-06-11T00:00:00Z"),
            BillingRule::PER_SECOND.granularity
        );
        assert_eq!(
            rule("Red Hat Enterprise Linux", "2024-04-01T00:00:00Z"),
            BillingRule::PER_SECOND.granularity
        );
        assert_eq!(
            rule("SUSE Linux", "2026-01-01T00:00:00Z"),
            Granularity::PerHour
        );
    }
}
