//! `--ondemand-price TYPE=USD`: one on-demand price set by the user.

use std::fmt;

use crate::money::Rate;

/// An on-demand price given by the user for one instance type, in USD per hour
/// (`TYPE=USD`, e.g. `m5.large=0.107`). Applied with
/// [`Catalog::apply_overrides`](super::Catalog::apply_overrides).
///
/// ```
/// use spotsim::catalog::OndemandOverride;
/// let o = OndemandOverride::parse(" m5.large = 0.107 ").unwrap();
/// assert_eq!((o.instance_type.as_str(), o.price.to_string()), ("m5.large", "0.107".to_string()));
/// assert_eq!(o.to_string(), "m5.large=0.107");
/// assert!(OndemandOverride::parse("m5.large").is_err());
/// assert!(OndemandOverride::parse("m5.large=0").is_err());
/// assert!(OndemandOverride::parse("=0.1").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OndemandOverride {
    /// The instance type's API name.
    pub instance_type: String,
    /// Its on-demand price per hour (positive).
    pub price: Rate,
}

/// Why a `TYPE=USD` override does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OverrideError {
    /// No `=`.
    MissingEquals(String),
    /// Nothing before the `=`.
    EmptyType(String),
    /// The price is not a positive decimal in USD per hour.
    BadPrice(String, String),
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideError::MissingEquals(s) => {
                write!(f, "`{s}`: expected TYPE=USD, e.g. m5.large=0.096")
            }
            OverrideError::EmptyType(s) => write!(f, "`{s}`: no instance type before `=`"),
            OverrideError::BadPrice(s, why) => write!(
                f,
                "`{s}`: bad price ({why}); expected a positive decimal in USD per hour"
            ),
        }
    }
}

impl std::error::Error for OverrideError {}

impl OndemandOverride {
    /// Parses `TYPE=USD` (spaces around either side allowed).
    ///
    /// # Errors
    /// [`OverrideError`] without `=`, with an empty type, or with a price that is not a
    /// positive decimal of at most 9 places.
    pub fn parse(s: &str) -> Result<OndemandOverride, OverrideError> {
        let (t, p) = s
            .split_once('=')
            .ok_or_else(|| OverrideError::MissingEquals(s.to_string()))?;
        let (t, p) = (t.trim(), p.trim());
        if t.is_empty() {
            return Err(OverrideError::EmptyType(s.to_string()));
        }
        let price = Rate::parse_usd(p)
            .map_err(|e| OverrideError::BadPrice(s.to_string(), e.to_string()))?;
        if price == Rate::ZERO {
            return Err(OverrideError::BadPrice(s.to_string(), "is 0".to_string()));
        }
        Ok(OndemandOverride {
            instance_type: t.to_string(),
            price,
        })
    }
}

impl fmt::Display for OndemandOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.instance_type, self.price)
    }
}

impl std::str::FromStr for OndemandOverride {
    type Err = OverrideError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OndemandOverride::parse(s)
    }
}
