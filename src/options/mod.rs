//! Options several commands share, declared once.
//!
//! Each group is one struct that is at once a set of command-line flags (with the `cli`
//! feature it derives `clap::Args`; each field's doc comment is its `--help` line) and a
//! set of scenario-file keys (serde, kebab-case: the key is the flag's name). Commands
//! flatten the groups that apply to them, so an option means the same thing, with the
//! same name, help and checks, in `run`, `compare`, `job` and their scenario files (and
//! in a future `sweep`, which flattens the same groups):
//!
//! | group | keys | run | compare | job | types |
//! |---|---|---|---|---|---|
//! | [`TraceOptions`] | `prices`, `probe-prices`, `capacity`, `capacity-instance-type`, `interruption-rate` | ✓ | ✓ | | |
//! | [`CatalogOptions`] | `catalog`, `catalog-region`, `ondemand-price` | ✓ | ✓ | | ✓ |
//! | [`AdvisorOptions`] | `advisor`, `region` | ✓ | ✓ | | ✓ |
//! | [`MarketSelection`] | `instance-types`, `azs`, `product` | ✓ | ✓ | | |
//! | [`StrategyOptions`] | `strategy`, `pools`, `pool-scope`, `price-replacement`, `az-balance`, `capacity-tier` | ✓ | ✓ | | |
//! | [`SimOptions`] | `seed`, `launch-latency` | ✓ | ✓ | ✓ | |
//! | [`OutputOptions`] | `output`, `out`, `quiet` | ✓ | ✓ | ✓ | ✓ |
//! | [`GateOptions`] | `fail-if-cost-above`, `fail-if-interruptions-above`, `fail-if-unmet-above`, `fail-if-savings-below` | ✓ | ✓ | ✓ | |
//! | [`TelemetryOptions`] | `metrics`, `metrics-format`, `metrics-period`, `metrics-by`, `alarm`, `fail-on-alarm`, `events`, `perfetto`, `service-map` | ✓ | ✓ | ✓¹ | |
//!
//! ¹ `job` records one window (the run's, or with `--windows` the one its HTML page
//! shows), by `total`, `option` and `az` only, and refuses `service-map`
//! ([`crate::job::telemetry`]).
//!
//! `spotsim sweep` and `spotsim sweep merge` share [`SweepOutputOptions`] (`output`:
//! jsonl or csv, `out`, `summary-out`, `quiet`); a sweep's cells take the scenario keys
//! of their kind.
//!
//! Each command's own options are one more group in its module
//! ([`crate::scenario::FleetOptions`], [`crate::compare::CompareOptions`],
//! [`crate::job::JobOptions`], with `job`'s [`crate::job::PolicyTunables`] for the
//! SkyNomad family).
//!
//! Groups deserialize without `deny_unknown_fields` (serde ignores that attribute
//! under `#[serde(flatten)]`): a scenario file is checked against the union of its
//! groups' keys before any group reads it, so an unknown key is still an error naming
//! the key and its line (`scenario_file`).

use std::borrow::Cow;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

use crate::catalog::{Catalog, OndemandOverride, OperatingSystem};
use crate::error::ConfigError;
use crate::report::Format;
use crate::strategy::{PoolScope, StrategySpec};

mod telemetry;
pub use telemetry::TelemetryOptions;

/// Spot market data: price and capacity traces, and a flat interruption rate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Spot market data"))]
#[serde(rename_all = "kebab-case")]
pub struct TraceOptions {
    /// Spot price history: AWS CLI CSV or JSON, or AZ-ID TSV (repeatable) [default: the built-in synthetic market].
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
    /// Interruption hazard for every EC2 spot pool: the percentage of running instances interrupted within a month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub interruption_rate: Option<f64>,
}

/// The on-demand price catalog: the built-in us-east-1 table or a file, its Region,
/// and prices the user sets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(
    feature = "cli",
    command(next_help_heading = "Catalog (on-demand prices)")
)]
pub struct CatalogOptions {
    /// On-demand prices: spotsim's catalog CSV, the JSON `aws pricing get-products --service-code AmazonEC2` prints, or a Price List offer file index.csv (detected by content) [default: built-in us-east-1, Linux].
    #[serde(rename = "catalog", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(id = "catalog", long = "catalog", value_name = "FILE")
    )]
    pub path: Option<PathBuf>,
    /// Region of the on-demand prices: selects its rows from a --catalog file that names Regions, names the Region of one that names none [default: the file's one Region; the built-in catalog is us-east-1].
    #[serde(
        rename = "catalog-region",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "cli",
        arg(id = "catalog_region", long = "catalog-region", value_name = "REGION")
    )]
    pub region: Option<String>,
    /// Set or add the on-demand price of an instance type, USD per hour, for the product's operating system (repeatable; TYPE=USD,…).
    #[serde(
        rename = "ondemand-price",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(
        feature = "cli",
        arg(
            id = "ondemand_price",
            long = "ondemand-price",
            value_delimiter = ',',
            value_name = "TYPE=USD"
        )
    )]
    pub ondemand_prices: Vec<String>,
}

impl CatalogOptions {
    /// The catalog these options name, Linux selected, before any `--ondemand-price`:
    /// the `--catalog` file read in its detected format ([`Catalog::from_path`]) with
    /// `--catalog-region` as its Region hint, or the built-in us-east-1 table.
    ///
    /// With the built-in table, `--catalog-region` other than us-east-1 is accepted but
    /// does not change the prices (spotsim has no other Region's prices built in); the
    /// caller warns (`ondemand_region_mismatch`), see
    /// [`CatalogOptions::region_not_served`].
    ///
    /// ```
    /// use spotsim::options::CatalogOptions;
    /// let c = CatalogOptions::default().load().unwrap();
    /// assert_eq!(c.region(), "us-east-1");
    /// ```
    ///
    /// # Errors
    /// [`Error::Input`](crate::error::Error::Input) naming file, line and field.
    pub fn load(&self) -> Result<Catalog, crate::error::Error> {
        Ok(match &self.path {
            Some(p) => Catalog::from_path(p, self.region.as_deref().map(str::trim))?,
            None => Catalog::builtin(),
        })
    }

    /// The `--ondemand-price TYPE=USD` overrides, parsed.
    ///
    /// ```
    /// use spotsim::options::CatalogOptions;
    /// let o = CatalogOptions { ondemand_prices: vec!["m5.large=0.1".into()], ..Default::default() };
    /// assert_eq!(o.overrides().unwrap()[0].to_string(), "m5.large=0.1");
    /// let bad = CatalogOptions { ondemand_prices: vec!["m5.large".into()], ..Default::default() };
    /// assert_eq!(bad.overrides().unwrap_err().option, "ondemand-price");
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] (option `ondemand-price`) for a pair that does not parse.
    pub fn overrides(&self) -> Result<Vec<OndemandOverride>, ConfigError> {
        self.ondemand_prices
            .iter()
            .map(|s| {
                OndemandOverride::parse(s)
                    .map_err(|e| ConfigError::new("ondemand-price", e.to_string()))
            })
            .collect()
    }

    /// The catalog with `os` selected and the overrides applied to it (they set `os`'s
    /// prices): what a run of a product of that OS prices on-demand capacity with.
    ///
    /// ```
    /// use spotsim::catalog::OperatingSystem;
    /// use spotsim::options::CatalogOptions;
    /// let o = CatalogOptions { ondemand_prices: vec!["m5.large=0.188".into()], ..Default::default() };
    /// let base = o.load().unwrap();
    /// let w = o.priced_for(&base, OperatingSystem::Windows).unwrap();
    /// assert_eq!(w.get("m5.large").unwrap().ondemand.to_string(), "0.188");
    /// assert!(w.get("c5.large").is_none()); // no Windows price: absent, never Linux's
    /// ```
    ///
    /// # Errors
    /// As [`CatalogOptions::overrides`].
    pub fn priced_for(&self, base: &Catalog, os: OperatingSystem) -> Result<Catalog, ConfigError> {
        let mut c = base.with_os(os);
        c.apply_overrides(&self.overrides()?);
        Ok(c)
    }

    /// [`CatalogOptions::load`], borrowing the built-in catalog instead of copying it
    /// (1,348 types: a copy costs most of a small run's time).
    ///
    /// # Errors
    /// As [`CatalogOptions::load`].
    pub(crate) fn load_shared(&self) -> Result<Cow<'static, Catalog>, crate::error::Error> {
        Ok(match &self.path {
            Some(_) => Cow::Owned(self.load()?),
            None => Cow::Borrowed(Catalog::builtin_ref()),
        })
    }

    /// [`CatalogOptions::priced_for`] on a shared catalog: no copy when `os` is already
    /// selected and no price is overridden.
    ///
    /// # Errors
    /// As [`CatalogOptions::overrides`].
    pub(crate) fn priced_shared(
        &self,
        base: Cow<'static, Catalog>,
        os: OperatingSystem,
    ) -> Result<Cow<'static, Catalog>, ConfigError> {
        let overrides = self.overrides()?;
        if *base.os() == os && overrides.is_empty() {
            return Ok(base);
        }
        let mut c = base.into_owned().into_os(os);
        c.apply_overrides(&overrides);
        Ok(Cow::Owned(c))
    }

    /// `--catalog-region R` given with the built-in catalog for a Region R it does not
    /// price: `Some(R)` (the caller warns `ondemand_region_mismatch`).
    pub fn region_not_served(&self, catalog: &Catalog) -> Option<&str> {
        let r = self.region.as_deref()?.trim();
        (self.path.is_none() && r != catalog.region()).then_some(r)
    }
}

/// Spot Instance Advisor data and the AWS region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Spot Instance Advisor"))]
pub struct AdvisorOptions {
    /// Spot Instance Advisor data (JSON feed or CSV extract): interruption bands and savings by type.
    #[serde(rename = "advisor", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(id = "advisor", long = "advisor", value_name = "FILE")
    )]
    pub path: Option<PathBuf>,
    /// AWS region: the --advisor data's region (run, types: default the catalog's region); compare also takes its Fargate rates from it (built in: us-east-1, us-west-2, eu-west-1; default us-east-1).
    #[serde(rename = "region", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(id = "region", long = "region", value_name = "REGION")
    )]
    pub region: Option<String>,
}

/// Which pools of the spot market to use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Market selection"))]
#[serde(rename_all = "kebab-case")]
pub struct MarketSelection {
    /// Instance types, in priority order; pools = types × AZs [default: all in the price files]. `spotsim types … --names` lists them.
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
    /// Product description of the price rows, e.g. "Linux/UNIX", "Windows", "Red Hat Enterprise Linux", "SUSE Linux" [default: Linux/UNIX].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PRODUCT"))]
    pub product: Option<String>,
}

/// The spot allocation strategy and its parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Allocation strategy"))]
#[serde(rename_all = "kebab-case")]
pub struct StrategyOptions {
    /// Allocation strategies (run compares several side by side; compare takes one) [default: run lowest-price, compare price-capacity-optimized].
    #[serde(
        rename = "strategy",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_strategies"
    )]
    #[cfg_attr(
        feature = "cli",
        arg(
            id = "strategy",
            long = "strategy",
            value_delimiter = ',',
            value_name = "NAME",
            value_parser = cli::strategy()
        )
    )]
    pub strategies: Vec<StrategySpec>,
    /// lowest-price: use only the N cheapest pools (EC2 Fleet InstancePoolsToUseCount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub pools: Option<u32>,
    /// lowest-price with --pools: count pools over the fleet, or per AZ (ASG SpotInstancePools) [default: fleet].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SCOPE", value_parser = ["fleet", "per-az"])
    )]
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
}

impl StrategyOptions {
    /// The strategies, with the strategy options applied to those that take them;
    /// `default` when none is given.
    ///
    /// ```
    /// use spotsim::options::StrategyOptions;
    /// use spotsim::strategy::StrategySpec;
    /// let o = StrategyOptions { pools: Some(2), ..Default::default() };
    /// assert_eq!(o.specs(StrategySpec::default()).unwrap()[0].to_string(), "lowest-price pools=2 pool-scope=fleet");
    /// let e = o.specs(StrategySpec::parse_name("diversified").unwrap()).unwrap_err();
    /// assert_eq!(e.option, "pools");
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] for an option none of the strategies takes, an unknown pool
    /// scope or an invalid parameter.
    pub fn specs(&self, default: StrategySpec) -> Result<Vec<StrategySpec>, ConfigError> {
        let mut specs = if self.strategies.is_empty() {
            vec![default]
        } else {
            self.strategies.clone()
        };
        let scope = match self.pool_scope.as_deref() {
            None | Some("fleet") => None,
            Some("per-az") => Some(PoolScope::PerAz),
            Some(other) => {
                return Err(ConfigError::new(
                    "pool-scope",
                    format!(
                        "unknown value `{other}`{}; valid: fleet, per-az",
                        crate::suggest::hint(other, ["fleet", "per-az"])
                    ),
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
                return Err(not_applicable(
                    name,
                    "lowest-price, which is not among the strategies",
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
            return Err(not_applicable(
                "capacity-tier",
                "price-capacity-optimized and capacity-optimized-prioritized, neither of which is among the strategies",
            ));
        }
        if self.az_balance.is_some()
            && specs
                .iter()
                .all(|s| matches!(s, StrategySpec::OnDemand { .. }))
        {
            return Err(not_applicable(
                "az-balance",
                "spot strategies (on-demand is always balanced over its zones)",
            ));
        }
        // A strategy listed twice with the same parameters is refused, as a type or a
        // policy listed twice is (the same strategy with other parameters is kept).
        for (i, s) in self.strategies.iter().enumerate() {
            if self.strategies[..i].contains(s) {
                return Err(ConfigError::new(
                    "strategy",
                    format!("`{s}` is listed twice"),
                ));
            }
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
}

/// Accepts `strategy = "x"`, `strategy = { name = "x", … }` or a list of either.
fn de_strategies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StrategySpec>, D::Error> {
    fn one<E: serde::de::Error>(v: toml::Value) -> Result<StrategySpec, E> {
        match v {
            toml::Value::String(s) => {
                crate::suggest::strategy(&s).map_err(|e| E::custom(e.message))
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

/// The seed and the launch latency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Simulation"))]
#[serde(rename_all = "kebab-case")]
pub struct SimOptions {
    /// Seed of every random choice (job: of the --windows starts) [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub seed: Option<u64>,
    /// Seconds from an instance's launch request to running (job: event mode only) [default: 90].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "SECONDS", allow_negative_numbers = true)
    )]
    pub launch_latency: Option<i64>,
}

/// Where and how the report is written.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Output"))]
#[serde(rename_all = "kebab-case")]
pub struct OutputOptions {
    /// Output format [default: table].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FORMAT"))]
    pub output: Option<Format>,
    /// Write the report to FILE (whole or not at all) instead of stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
    /// No progress bar on stderr (warnings and errors are still printed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
}

impl OutputOptions {
    /// The format, table by default.
    pub fn format(&self) -> Format {
        self.output.unwrap_or_default()
    }
}

/// Where and how `spotsim sweep` and `spotsim sweep merge` write: the rows (one per
/// cell) and the summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Output"))]
#[serde(rename_all = "kebab-case")]
pub struct SweepOutputOptions {
    /// Rows: JSON lines (one object per cell), CSV, or an HTML page (groups, charts, cells) [default: jsonl].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FORMAT", value_enum))]
    pub output: Option<crate::sweep::RowFormat>,
    /// Write the rows to FILE (whole or not at all) instead of stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
    /// Write the summary (JSON: per group n, mean, sd, 95 % CI; paired comparisons) to FILE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub summary_out: Option<PathBuf>,
    /// No progress bar on stderr (warnings and errors are still printed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
}

impl SweepOutputOptions {
    /// The rows' format, JSON lines by default.
    pub fn format(&self) -> crate::sweep::RowFormat {
        self.output.unwrap_or_default()
    }
}

/// CI gates: thresholds that make the command exit with code 2 (after the report is
/// written) when any strategy, option or policy breaches them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(
    feature = "cli",
    command(next_help_heading = "CI gates (exit code 2 on a breach)")
)]
#[serde(rename_all = "kebab-case")]
pub struct GateOptions {
    /// Exit 2 when a total cost is above USD (job with --windows: the mean cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD", value_parser = cli::finite_f64))]
    pub fail_if_cost_above: Option<f64>,
    /// Exit 2 when interruptions are above N (job: preemptions; with --windows, the mean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub fail_if_interruptions_above: Option<u64>,
    /// Exit 2 when unmet capacity is above UNIT-HOURS (run: unit-hours; compare: task-hours; job: work-hours left undone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "UNIT-HOURS", value_parser = cli::finite_f64))]
    pub fail_if_unmet_above: Option<f64>,
    /// Exit 2 when savings against the on-demand baseline are below PCT, or unknown (run: the same target on on-demand; compare: the options that are not their own baseline, against their platform's on-demand option; job: the on-demand policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT", value_parser = cli::finite_f64, allow_negative_numbers = true))]
    pub fail_if_savings_below: Option<f64>,
}

impl GateOptions {
    /// Checks the thresholds: numbers, not NaN or infinite; cost and unmet not negative.
    ///
    /// ```
    /// use spotsim::options::GateOptions;
    /// assert!(GateOptions { fail_if_cost_above: Some(f64::NAN), ..Default::default() }.validate().is_err());
    /// assert!(GateOptions { fail_if_savings_below: Some(-5.0), ..Default::default() }.validate().is_ok());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] naming the option.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, v, min) in [
            ("fail-if-cost-above", self.fail_if_cost_above, Some(0.0)),
            ("fail-if-unmet-above", self.fail_if_unmet_above, Some(0.0)),
            ("fail-if-savings-below", self.fail_if_savings_below, None),
        ] {
            if let Some(x) = v {
                if !x.is_finite() {
                    return Err(ConfigError::new(
                        name,
                        format!("{x}: must be a finite number"),
                    ));
                }
                if min.is_some_and(|m| x < m) {
                    return Err(ConfigError::new(name, format!("{x}: must not be negative")));
                }
            }
        }
        Ok(())
    }

    /// Whether any gate is set.
    pub fn any(&self) -> bool {
        self.fail_if_cost_above.is_some()
            || self.fail_if_interruptions_above.is_some()
            || self.fail_if_unmet_above.is_some()
            || self.fail_if_savings_below.is_some()
    }
}

/// The one rule for an option that does not apply to what was chosen (strategy, mode,
/// policy, input kind): an error naming the option and what it applies to, never a
/// silent ignore. Every command builds these errors here, so they read alike.
///
/// ```
/// use spotsim::options::not_applicable;
/// let e = not_applicable("max-price", "spot strategies; on-demand pays the on-demand price");
/// assert_eq!(e.to_string(), "option `max-price`: applies to spot strategies; on-demand pays the on-demand price");
/// ```
pub fn not_applicable(option: &str, applies_to: &str) -> ConfigError {
    ConfigError::new(option, format!("applies to {applies_to}"))
}

/// clap value parsers for the shared options (the `cli` feature only).
#[cfg(feature = "cli")]
pub(crate) mod cli {
    use clap::builder::{PossibleValuesParser, TypedValueParser};

    use crate::strategy::StrategySpec;

    /// A strategy name: the valid names are listed in `--help` and a typo gets clap's
    /// "did you mean".
    pub(crate) fn strategy() -> impl TypedValueParser<Value = StrategySpec> {
        PossibleValuesParser::new(StrategySpec::NAMES).try_map(|s| StrategySpec::parse_name(&s))
    }

    /// A metrics format.
    pub(crate) fn metrics_format() -> impl TypedValueParser<Value = crate::telemetry::MetricsFormat>
    {
        PossibleValuesParser::new(crate::telemetry::MetricsFormat::NAMES)
            .map(|s| crate::telemetry::MetricsFormat::parse(&s).unwrap_or_default())
    }

    /// An alarm rule.
    pub(crate) fn alarm(s: &str) -> Result<crate::telemetry::AlarmSpec, String> {
        crate::telemetry::AlarmSpec::parse(s).map_err(|e| e.message)
    }

    /// A finite number (NaN and infinities refused).
    pub(crate) fn finite_f64(s: &str) -> Result<f64, String> {
        let x: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a number"))?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(format!("`{s}`: must be a finite number"))
        }
    }
}
