//! [`StrategySpec`]: built-in strategies selected from configuration (DESIGN.md
//! "strategy seam": a serde-tagged enum that returns an error, never panics, on an
//! unknown name).
//!
//! In TOML:
//!
//! ```toml
//! [strategy]
//! name = "lowest-price"        # aws-facts.md §1.2 names
//! pools = 2                    # InstancePoolsToUseCount / SpotInstancePools
//! pool-scope = "per-az"        # "fleet" (default) or "per-az"
//! price-replacement = false    # default true for lowest-price (this project's spec)
//! az-balance = true            # ASG order of operations, any strategy
//! ```
//!
//! Unknown names and unknown parameters are errors that list the valid ones (serde's
//! messages for an internally tagged enum with `deny_unknown_fields`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::price_capacity_optimized::DEFAULT_CAPACITY_TIER;
use super::{
    AllocationStrategy, AzBalanced, CapacityOptimized, CapacityOptimizedPrioritized, Diversified,
    LowestPrice, OnDemand, PoolScope, PriceCapacityOptimized,
};
use crate::error::ConfigError;

/// A built-in strategy with its parameters, as configuration names it.
///
/// ```
/// use spotsim::strategy::{PoolScope, StrategySpec};
/// #[derive(serde::Deserialize)]
/// struct Wrapper { strategy: StrategySpec }
/// let w: Wrapper = toml::from_str("[strategy]\nname = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"").unwrap();
/// assert_eq!(w.strategy, StrategySpec::LowestPrice { pools: Some(2), pool_scope: PoolScope::PerAz, price_replacement: None, az_balance: false });
/// let s = w.strategy.build(&[]);
/// assert_eq!(s.name(), "lowest-price(pools=2,per-az)");
///
/// let err = toml::from_str::<Wrapper>("[strategy]\nname = \"lowest-prise\"").err().unwrap();
/// assert!(err.to_string().contains("expected one of `lowest-price`, `capacity-optimized`"));
/// assert_eq!(StrategySpec::parse_name("diversified").unwrap(), StrategySpec::Diversified { az_balance: false });
/// assert!(StrategySpec::parse_name("cheapest").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "name",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case",
    deny_unknown_fields
)]
pub enum StrategySpec {
    /// `lowest-price` (aws-facts.md §1.3), optionally over a pool count.
    LowestPrice {
        /// `InstancePoolsToUseCount` (fleet scope) or `SpotInstancePools` (per-AZ
        /// scope); at least 1. None: every pool, cheapest first.
        #[serde(
            default,
            deserialize_with = "de_pools",
            skip_serializing_if = "Option::is_none"
        )]
        pools: Option<u32>,
        /// Whether `pools` counts for the whole fleet or per zone.
        #[serde(default)]
        pool_scope: PoolScope,
        /// Price-driven replacement (default true, this project's specification of
        /// lowest-price; false is EC2's behaviour since 2017, §1.7).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price_replacement: Option<bool>,
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
    /// `capacity-optimized` (aws-facts.md §1.3).
    CapacityOptimized {
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
    /// `capacity-optimized-prioritized` (aws-facts.md §1.3).
    CapacityOptimizedPrioritized {
        /// Instance types, highest priority first. None: the order of the scenario's
        /// instance types.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priorities: Option<Vec<String>>,
        /// Capacity-tier fraction in (0, 1] (default 0.5).
        #[serde(
            default,
            deserialize_with = "de_tier",
            skip_serializing_if = "Option::is_none"
        )]
        capacity_tier: Option<f64>,
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
    /// `price-capacity-optimized` (aws-facts.md §1.3).
    PriceCapacityOptimized {
        /// Capacity-tier fraction in (0, 1] (default 0.5).
        #[serde(
            default,
            deserialize_with = "de_tier",
            skip_serializing_if = "Option::is_none"
        )]
        capacity_tier: Option<f64>,
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
    /// `diversified` (aws-facts.md §1.3).
    Diversified {
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
    /// On-demand instances only (aws-facts.md §1.4, lowest-price).
    OnDemand {
        /// Balance across zones first (ASG order of operations, §1.3).
        #[serde(default)]
        az_balance: bool,
    },
}

fn de_pools<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<u32>::deserialize(d)? {
        Some(0) => Err(serde::de::Error::custom("`pools` must be at least 1")),
        v => Ok(v),
    }
}

fn de_tier<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        Some(f) if !(f.is_finite() && f > 0.0 && f <= 1.0) => Err(serde::de::Error::custom(
            format!("`capacity-tier` must be a fraction in (0, 1], not {f}"),
        )),
        v => Ok(v),
    }
}

impl Default for StrategySpec {
    /// `lowest-price`, the EC2 Fleet, Spot Fleet and ASG API default (§1.2).
    fn default() -> Self {
        StrategySpec::LowestPrice {
            pools: None,
            pool_scope: PoolScope::Fleet,
            price_replacement: None,
            az_balance: false,
        }
    }
}

impl StrategySpec {
    /// Every built-in strategy name, as configuration spells it.
    pub const NAMES: &'static [&'static str] = &[
        "lowest-price",
        "capacity-optimized",
        "capacity-optimized-prioritized",
        "price-capacity-optimized",
        "diversified",
        "on-demand",
    ];

    /// The strategy `name` with default parameters.
    ///
    /// # Errors
    /// [`ConfigError`] on option `strategy` for an unknown name; the message lists the
    /// valid names.
    ///
    /// ```
    /// use spotsim::strategy::StrategySpec;
    /// let e = StrategySpec::parse_name("lowest-prise").unwrap_err();
    /// assert_eq!(e.option, "strategy");
    /// assert!(e.message.contains("price-capacity-optimized"));
    /// ```
    pub fn parse_name(name: &str) -> Result<StrategySpec, ConfigError> {
        let az_balance = false;
        Ok(match name.trim() {
            "lowest-price" => StrategySpec::default(),
            "capacity-optimized" => StrategySpec::CapacityOptimized { az_balance },
            "capacity-optimized-prioritized" => StrategySpec::CapacityOptimizedPrioritized {
                priorities: None,
                capacity_tier: None,
                az_balance,
            },
            "price-capacity-optimized" => StrategySpec::PriceCapacityOptimized {
                capacity_tier: None,
                az_balance,
            },
            "diversified" => StrategySpec::Diversified { az_balance },
            "on-demand" => StrategySpec::OnDemand { az_balance },
            other => {
                return Err(ConfigError::new(
                    "strategy",
                    format!(
                        "unknown strategy `{other}`; valid: {}",
                        Self::NAMES.join(", ")
                    ),
                ));
            }
        })
    }

    /// The strategy's name (one of [`StrategySpec::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            StrategySpec::LowestPrice { .. } => "lowest-price",
            StrategySpec::CapacityOptimized { .. } => "capacity-optimized",
            StrategySpec::CapacityOptimizedPrioritized { .. } => "capacity-optimized-prioritized",
            StrategySpec::PriceCapacityOptimized { .. } => "price-capacity-optimized",
            StrategySpec::Diversified { .. } => "diversified",
            StrategySpec::OnDemand { .. } => "on-demand",
        }
    }

    /// Whether launches are balanced across zones first ([`AzBalanced`]).
    pub fn az_balance(&self) -> bool {
        match *self {
            StrategySpec::LowestPrice { az_balance, .. }
            | StrategySpec::CapacityOptimized { az_balance }
            | StrategySpec::CapacityOptimizedPrioritized { az_balance, .. }
            | StrategySpec::PriceCapacityOptimized { az_balance, .. }
            | StrategySpec::Diversified { az_balance }
            | StrategySpec::OnDemand { az_balance } => az_balance,
        }
    }

    /// The same spec with ASG zone balancing switched on or off.
    pub fn with_az_balance(mut self, on: bool) -> Self {
        match &mut self {
            StrategySpec::LowestPrice { az_balance, .. }
            | StrategySpec::CapacityOptimized { az_balance }
            | StrategySpec::CapacityOptimizedPrioritized { az_balance, .. }
            | StrategySpec::PriceCapacityOptimized { az_balance, .. }
            | StrategySpec::Diversified { az_balance }
            | StrategySpec::OnDemand { az_balance } => *az_balance = on,
        }
        self
    }

    /// Checks the parameters (deserialisation already does; this is for specs built in
    /// code).
    ///
    /// # Errors
    /// [`ConfigError`] on option `pools` (0) or `capacity-tier` (outside (0, 1]).
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            StrategySpec::LowestPrice { pools: Some(0), .. } => {
                Err(ConfigError::new("pools", "must be at least 1"))
            }
            StrategySpec::CapacityOptimizedPrioritized {
                capacity_tier: Some(f),
                ..
            }
            | StrategySpec::PriceCapacityOptimized {
                capacity_tier: Some(f),
                ..
            } if !(f.is_finite() && *f > 0.0 && *f <= 1.0) => Err(ConfigError::new(
                "capacity-tier",
                format!("{f} is not a fraction in (0, 1]"),
            )),
            _ => Ok(()),
        }
    }

    /// Builds the strategy. `instance_types` is the scenario's instance types in
    /// priority order: the default priorities of `capacity-optimized-prioritized`.
    /// Never fails: a parameter [`StrategySpec::validate`] rejects is replaced by its
    /// default (`pools` 0 by 1, a bad capacity tier by 0.5).
    pub fn build(&self, instance_types: &[String]) -> Box<dyn AllocationStrategy + Send> {
        fn wrap<S: AllocationStrategy + Send + 'static>(
            s: S,
            az: bool,
        ) -> Box<dyn AllocationStrategy + Send> {
            if az {
                Box::new(AzBalanced::new(s))
            } else {
                Box::new(s)
            }
        }
        let tier = |f: Option<f64>| f.unwrap_or(DEFAULT_CAPACITY_TIER);
        match self {
            StrategySpec::LowestPrice {
                pools,
                pool_scope,
                price_replacement,
                az_balance,
            } => {
                let mut s = LowestPrice::new(price_replacement.unwrap_or(true));
                if let Some(n) = pools {
                    s = s.with_pools(*n, *pool_scope);
                }
                wrap(s, *az_balance)
            }
            StrategySpec::CapacityOptimized { az_balance } => wrap(CapacityOptimized, *az_balance),
            StrategySpec::CapacityOptimizedPrioritized {
                priorities,
                capacity_tier,
                az_balance,
            } => {
                let list = priorities
                    .clone()
                    .unwrap_or_else(|| instance_types.to_vec());
                let s = CapacityOptimizedPrioritized::new(list);
                let s = s
                    .clone()
                    .with_capacity_tier(tier(*capacity_tier))
                    .unwrap_or(s);
                wrap(s, *az_balance)
            }
            StrategySpec::PriceCapacityOptimized {
                capacity_tier,
                az_balance,
            } => {
                let s = PriceCapacityOptimized::with_capacity_tier(tier(*capacity_tier))
                    .unwrap_or_default();
                wrap(s, *az_balance)
            }
            StrategySpec::Diversified { az_balance } => wrap(Diversified, *az_balance),
            StrategySpec::OnDemand { az_balance } => wrap(OnDemand, *az_balance),
        }
    }
}

impl FromStr for StrategySpec {
    type Err = ConfigError;

    /// Same as [`StrategySpec::parse_name`].
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        StrategySpec::parse_name(s)
    }
}

impl fmt::Display for StrategySpec {
    /// The name, then the parameters that differ from the defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        match self {
            StrategySpec::LowestPrice {
                pools,
                pool_scope,
                price_replacement,
                ..
            } => {
                if let Some(n) = pools {
                    write!(f, " pools={n} pool-scope={}", pool_scope.as_str())?;
                }
                if let Some(r) = price_replacement {
                    write!(f, " price-replacement={r}")?;
                }
            }
            StrategySpec::CapacityOptimizedPrioritized {
                priorities,
                capacity_tier,
                ..
            } => {
                if let Some(p) = priorities {
                    write!(f, " priorities={}", p.join(","))?;
                }
                if let Some(t) = capacity_tier {
                    write!(f, " capacity-tier={t}")?;
                }
            }
            StrategySpec::PriceCapacityOptimized {
                capacity_tier: Some(t),
                ..
            } => write!(f, " capacity-tier={t}")?,
            _ => {}
        }
        if self.az_balance() {
            f.write_str(" az-balance=true")?;
        }
        Ok(())
    }
}
