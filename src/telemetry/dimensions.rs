//! Dimensions: how a metric is split (`--metrics-by total|option|pool|type|az|service`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One way of splitting the metrics. Every dimension set also carries the run's
/// subject (the strategy of `run`, the option of `compare`, the policy of `job`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// The whole fleet.
    Total,
    /// Spot or on-demand (`PurchaseOption`).
    Option,
    /// A pool: instance type and Availability Zone (`InstanceType`, `AvailabilityZone`).
    Pool,
    /// An instance type (`InstanceType`).
    Type,
    /// An Availability Zone (`AvailabilityZone`).
    Az,
    /// A container service (`ServiceName`; `compare` only).
    Service,
}

impl Dimension {
    /// Every dimension, in the order sets are exported.
    pub const ALL: [Dimension; 6] = [
        Dimension::Total,
        Dimension::Option,
        Dimension::Pool,
        Dimension::Type,
        Dimension::Az,
        Dimension::Service,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Total => "total",
            Dimension::Option => "option",
            Dimension::Pool => "pool",
            Dimension::Type => "type",
            Dimension::Az => "az",
            Dimension::Service => "service",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dimension {
    type Err = String;

    /// ```
    /// use spotsim::telemetry::Dimension;
    /// assert_eq!("az".parse::<Dimension>(), Ok(Dimension::Az));
    /// assert!("zone".parse::<Dimension>().unwrap_err().contains("total, option, pool"));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown dimension `{s}`; valid: total, option, pool, type, az, service")
            })
    }
}

/// The dimension names and values of one series group, in export order (the subject
/// first): e.g. `Strategy=lowest-price, InstanceType=m5.large, AvailabilityZone=eu-west-3a`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Dims {
    /// Which split this is.
    pub by: Dimension,
    /// `(name, value)` pairs; names are CloudWatch dimension names.
    pub pairs: Vec<(&'static str, String)>,
}

impl Dims {
    /// The value of dimension `name`, if present.
    ///
    /// ```
    /// use spotsim::telemetry::{Dimension, Dims};
    /// let d = Dims { by: Dimension::Az, pairs: vec![("AvailabilityZone", "eu-west-3a".into())] };
    /// assert_eq!(d.get("AvailabilityZone"), Some("eu-west-3a"));
    /// assert_eq!(d.get("Pool"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (n, v)) in self.pairs.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{n}={v}")?;
        }
        Ok(())
    }
}
