//! The scenario: everything one `spotsim run` needs — traces, pools, fleet, strategies,
//! interruption models — as one struct that is both the TOML scenario file and the
//! command line's flags (with the `cli` feature, it derives `clap::Args`; each field's
//! doc comment is its `--help` line). Keys are the flags' names (`instance-types`,
//! `launch-latency`, …). Flags override the file (see [`Scenario::overlay`]); paths in a
//! file are relative to the file's directory.
//!
//! ```toml
//! prices = ["prices.csv"]
//! capacity = ["capacity.csv"]
//! instance-types = ["m5.large", "m6i.large"]
//! azs = ["us-east-1a", "us-east-1b"]
//! strategy = ["lowest-price", { name = "price-capacity-optimized", capacity-tier = 0.3 }]
//! target = 20
//! ondemand-base = 2
//! seed = 7
//! ```
//!
//! With no price file, the scenario runs on the built-in synthetic default market
//! (`synth::default_market`): 12 pools over 30 days, no download needed.
//!
//! DESIGN.md lists the scenario as "TOML; JSON/YAML accepted": spotsim reads TOML (and
//! JSON, by extension `.json`); YAML is left out to avoid a dependency nobody asked for.

mod prepare;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{Catalog, InstanceType};
use crate::engine::{
    CapacityRebalance, FleetConfig, LeadTime, MaxPrice, OnDemandAllocation, OnDemandSplit,
    RebalanceSignal, ReplaceOn, Simulation, Target, VictimOrder,
};
use crate::error::{ConfigError, Error};
use crate::ingest::{self, CapacityOptions};
use crate::market::{Market, MarketSpec, Zone, build_market};
use crate::money::Rate;
use crate::report::{Format, Report, RunInfo};
use crate::strategy::{PoolScope, StrategySpec};
use crate::time::SimTime;

/// Default seed of the built-in scenario.
pub const DEFAULT_SEED: u64 = 1;
/// Default target of the built-in scenario, in capacity units (instances).
pub const DEFAULT_TARGET: u32 = 20;
/// The largest target accepted (capacity units).
pub const MAX_TARGET: u32 = 1_000_000;
/// The longest launch latency accepted, seconds (a week).
pub const MAX_LAUNCH_LATENCY_SECS: i64 = 7 * 86_400;

/// A scenario: every option of `spotsim run`. Unset options take their defaults.
///
/// ```
/// use spotsim::scenario::Scenario;
/// let s = Scenario::from_toml_str("target = 5\nstrategy = \"capacity-optimized\"\n", "s.toml").unwrap();
/// assert_eq!(s.target, Some(5));
/// assert_eq!(s.strategy[0].name(), "capacity-optimized");
/// assert!(Scenario::from_toml_str("tagret = 5\n", "s.toml").is_err(), "unknown keys are errors");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scenario {
    /// Spot price history: AWS CLI CSV or JSON, or AZ-ID TSV (repeatable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "cli", arg(long = "prices", value_name = "FILE"))]
    pub prices: Vec<PathBuf>,
    /// Per-probe prices JSON aligned with availability CSVs given as --capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub probe_prices: Option<PathBuf>,
    /// Capacity trace: spotsim CSV or timestamped availability CSV (repeatable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "cli", arg(long = "capacity", value_name = "FILE"))]
    pub capacity: Vec<PathBuf>,
    /// Instance type of availability CSVs whose file name does not tell it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "TYPE"))]
    pub capacity_instance_type: Option<String>,
    /// Catalog CSV: instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour [default: built-in us-east-1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub catalog: Option<PathBuf>,
    /// Region of the catalog CSV's prices [default: us-east-1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "REGION"))]
    pub catalog_region: Option<String>,
    /// Instance types, in priority order; pools = types × AZs [default: all in the price files].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "T1,T2")
    )]
    pub instance_types: Vec<String>,
    /// Availability zones, names or IDs [default: all in the price files].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "AZ1,AZ2")
    )]
    pub azs: Vec<String>,
    /// Product description [default: Linux/UNIX].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub product: Option<String>,
    /// Allocation strategies, compared side by side when several: lowest-price,
    /// capacity-optimized, capacity-optimized-prioritized, price-capacity-optimized,
    /// diversified, on-demand [default: lowest-price].
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_strategies"
    )]
    #[cfg_attr(feature = "cli", arg(long, value_delimiter = ',', value_name = "NAME"))]
    pub strategy: Vec<StrategySpec>,
    /// lowest-price: use only the N cheapest pools (EC2 Fleet InstancePoolsToUseCount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub pools: Option<u32>,
    /// lowest-price with --pools: count pools over the fleet, or per AZ (ASG SpotInstancePools): fleet or per-az.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SCOPE"))]
    pub pool_scope: Option<String>,
    /// lowest-price: end and replace instances when a cheaper pool appears [default: true].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "BOOL"))]
    pub price_replacement: Option<bool>,
    /// Balance across AZs first, then apply the strategy within each AZ (ASG order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true"))]
    pub az_balance: Option<bool>,
    /// price-capacity-optimized and capacity-optimized-prioritized: the capacity tier, a fraction of the deepest pool's spare capacity [default: 0.5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FRACTION"))]
    pub capacity_tier: Option<f64>,
    /// Capacity units the fleet maintains [default: 20].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub target: Option<u32>,
    /// What --target counts: instances, vcpu or memory-gib (weights from the catalog; memory in whole GiB, rounded down) [default: instances].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "UNIT"))]
    pub target_unit: Option<String>,
    /// Capacity units per instance, per type (WeightedCapacity): TYPE=W,… (overrides --target-unit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "TYPE=W")
    )]
    pub weights: Vec<String>,
    /// Capacity units that are always on-demand (OnDemandBaseCapacity) [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub ondemand_base: Option<u32>,
    /// On-demand percentage above the base (OnDemandPercentageAboveBaseCapacity) [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub ondemand_above_base_pct: Option<u32>,
    /// On-demand allocation: lowest-price or prioritized (the order of --instance-types) [default: lowest-price].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "STRATEGY"))]
    pub ondemand_allocation: Option<String>,
    /// Maximum spot price: USD per hour (0.05) or a percentage of on-demand (70%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD|PCT%"))]
    pub max_price: Option<String>,
    /// Spot Instance Advisor data (JSON feed or CSV extract): interruption rates by band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub advisor: Option<PathBuf>,
    /// Region to read from --advisor [default: the catalog's region].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub region: Option<String>,
    /// Interruption hazard for every pool: the percentage of running instances interrupted within a month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub interruption_rate: Option<f64>,
    /// Rebalance recommendations: mean lead time before the 2-minute notice, seconds (exponential) [default: 600 when rebalancing].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub rebalance_lead: Option<f64>,
    /// Lead time distribution: exponential or fixed [default: exponential].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "DIST"))]
    pub rebalance_lead_dist: Option<String>,
    /// False rebalance recommendations per 1000 instance-hours [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "RATE"))]
    pub rebalance_false_rate: Option<f64>,
    /// Response to rebalance recommendations: off, asg or launch-before-terminate [default: off].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MODE"))]
    pub capacity_rebalance: Option<String>,
    /// launch-before-terminate: seconds until the at-risk instance is ended, 120–7200 [default: 120].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub termination_delay: Option<i64>,
    /// Horizon start, RFC 3339 [default: when every pool's traces have begun].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub start: Option<String>,
    /// Horizon end, RFC 3339 [default: end of the traces].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub end: Option<String>,
    /// Seconds from launch request to running [default: 90].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SECONDS", allow_negative_numbers = true)
    )]
    pub launch_latency: Option<i64>,
    /// Seed of every random choice [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub seed: Option<u64>,
    /// Which instances a capacity drop reclaims: random, oldest-first, newest-first [default: random].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub victims: Option<String>,
    /// Replace interrupted instances on termination or on notice [default: termination].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub replace_on: Option<String>,
    /// Output format: table, json or csv [default: table].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub output: Option<String>,
    /// Write the report to FILE (whole or not at all) instead of stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
}

/// Accepts `strategy = "x"`, `strategy = { name = "x", … }` or a list of either.
fn de_strategies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StrategySpec>, D::Error> {
    fn one<E: serde::de::Error>(v: toml::Value) -> Result<StrategySpec, E> {
        match v {
            toml::Value::String(s) => {
                StrategySpec::parse_name(&s).map_err(|e| E::custom(e.message))
            }
            t @ toml::Value::Table(_) => {
                StrategySpec::deserialize(t).map_err(|e| E::custom(e.message().to_string()))
            }
            other => Err(E::custom(format!(
                "expected a strategy name or a table with `name`, found {}",
                other.type_str()
            ))),
        }
    }
    match toml::Value::deserialize(d)? {
        toml::Value::Array(a) => a.into_iter().map(one::<D::Error>).collect(),
        other => one::<D::Error>(other).map(|s| vec![s]),
    }
}

impl Scenario {
    /// Parses a scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, the TOML line and column, and the problem.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Scenario, ConfigError> {
        crate::scenario_file::from_toml(text, name)
    }

    /// Reads a scenario file (TOML; JSON when the name ends in `.json`); relative paths
    /// inside it are resolved against its directory.
    ///
    /// # Errors
    /// [`Error::Input`] if the file cannot be read, [`Error::Config`] if it is not a
    /// valid scenario.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let mut s: Scenario = crate::scenario_file::load(path)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let fix = |p: &mut PathBuf| crate::scenario_file::resolve(dir, p);
        s.prices.iter_mut().for_each(fix);
        s.capacity.iter_mut().for_each(fix);
        s.probe_prices.iter_mut().for_each(fix);
        s.catalog.iter_mut().for_each(fix);
        s.advisor.iter_mut().for_each(fix);
        s.out.iter_mut().for_each(fix);
        Ok(s)
    }

    /// This scenario with every option set in `flags` taking precedence (a list set in
    /// `flags` replaces the file's list).
    ///
    /// ```
    /// use spotsim::scenario::Scenario;
    /// let file = Scenario { target: Some(5), seed: Some(3), ..Default::default() };
    /// let flags = Scenario { target: Some(9), ..Default::default() };
    /// let s = file.overlay(flags).unwrap();
    /// assert_eq!((s.target, s.seed), (Some(9), Some(3)));
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] when a flag cannot be represented in a scenario (a seed above
    /// 2⁶³ − 1): never a silent drop.
    pub fn overlay(self, flags: Scenario) -> Result<Scenario, ConfigError> {
        crate::scenario_file::overlay(&self, &flags)
    }

    /// The output format (default table).
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown format.
    pub fn format(&self) -> Result<Format, ConfigError> {
        self.output
            .as_deref()
            .map_or(Ok(Format::Table), Format::parse)
    }

    /// The strategies to run, with the scenario-wide strategy options applied.
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown pool scope or an invalid parameter.
    pub fn strategies(&self) -> Result<Vec<StrategySpec>, ConfigError> {
        let mut specs = if self.strategy.is_empty() {
            vec![StrategySpec::default()]
        } else {
            self.strategy.clone()
        };
        let scope = match self.pool_scope.as_deref() {
            None | Some("fleet") => None,
            Some("per-az") => Some(PoolScope::PerAz),
            Some(other) => {
                return Err(ConfigError::new(
                    "pool-scope",
                    format!("unknown value `{other}`; valid: fleet, per-az"),
                ));
            }
        };
        if self.pool_scope.is_some() && self.pools.is_none() {
            return Err(ConfigError::new("pool-scope", "needs --pools"));
        }
        // Options that only some strategies take are errors when none of them runs.
        let has = |f: fn(&StrategySpec) -> bool| specs.iter().any(f);
        let lowest = has(|s| matches!(s, StrategySpec::LowestPrice { .. }));
        for (set, name) in [
            (self.pools.is_some(), "pools"),
            (self.pool_scope.is_some(), "pool-scope"),
            (self.price_replacement.is_some(), "price-replacement"),
        ] {
            if set && !lowest {
                return Err(ConfigError::new(
                    name,
                    "applies to lowest-price, which is not among the strategies",
                ));
            }
        }
        if self.capacity_tier.is_some()
            && !has(|s| {
                matches!(
                    s,
                    StrategySpec::PriceCapacityOptimized { .. }
                        | StrategySpec::CapacityOptimizedPrioritized { .. }
                )
            })
        {
            return Err(ConfigError::new(
                "capacity-tier",
                "applies to price-capacity-optimized and capacity-optimized-prioritized, neither of which is among the strategies",
            ));
        }
        for s in &mut specs {
            if let Some(on) = self.az_balance {
                *s = s.clone().with_az_balance(on);
            }
            match s {
                StrategySpec::LowestPrice {
                    pools,
                    pool_scope,
                    price_replacement,
                    ..
                } => {
                    if self.pools.is_some() {
                        *pools = self.pools;
                    }
                    if let Some(sc) = scope {
                        *pool_scope = sc;
                    }
                    if self.price_replacement.is_some() {
                        *price_replacement = self.price_replacement;
                    }
                }
                StrategySpec::PriceCapacityOptimized { capacity_tier, .. }
                | StrategySpec::CapacityOptimizedPrioritized { capacity_tier, .. }
                    if self.capacity_tier.is_some() =>
                {
                    *capacity_tier = self.capacity_tier;
                }
                _ => {}
            }
            s.validate()?;
        }
        Ok(specs)
    }

    /// Prepares and runs every strategy; one report each, in the order given.
    ///
    /// # Errors
    /// As [`Scenario::prepare`], or an impossible horizon.
    pub fn run(&self) -> Result<Vec<Report>, Error> {
        self.prepare()?.run(&mut |_, _| {})
    }
}

pub use prepare::Prepared;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_as_names_tables_and_lists() {
        let s = Scenario::from_toml_str(
            "strategy = [\"diversified\", { name = \"lowest-price\", pools = 2 }]",
            "s.toml",
        )
        .unwrap();
        assert_eq!(s.strategy.len(), 2);
        assert_eq!(s.strategy[1].name(), "lowest-price");
        let s = Scenario::from_toml_str(
            "[strategy]\nname = \"price-capacity-optimized\"\ncapacity-tier = 0.3\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(s.strategy[0].name(), "price-capacity-optimized");
        let e = Scenario::from_toml_str("strategy = \"cheapest\"", "s.toml").unwrap_err();
        assert!(e.to_string().contains("price-capacity-optimized"), "{e}");
        let e =
            Scenario::from_toml_str("strategy = { name = \"diversified\", pools = 2 }", "s.toml")
                .unwrap_err();
        assert!(e.to_string().contains("pools"), "{e}");
    }

    #[test]
    fn overlay_replaces_only_what_flags_set() {
        let file = Scenario::from_toml_str(
            "target = 5\nazs = [\"a\"]\nstrategy = \"diversified\"\n",
            "f",
        )
        .unwrap();
        let flags = Scenario {
            azs: vec!["b".into()],
            seed: Some(4),
            ..Default::default()
        };
        let s = file.overlay(flags).unwrap();
        assert_eq!(s.target, Some(5));
        assert_eq!(s.azs, vec!["b".to_string()]);
        assert_eq!(s.seed, Some(4));
        assert_eq!(s.strategy[0].name(), "diversified");
    }
}
