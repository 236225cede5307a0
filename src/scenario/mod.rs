//! The scenario: everything one `spotsim run` needs — traces, pools, fleet, strategies,
//! interruption models — as one struct that is both the TOML scenario file and the
//! command line's flags (with the `cli` feature, it derives `clap::Args`; each field's
//! doc comment is its `--help` line). It is made of option groups: the ones `compare`
//! and `job` share ([`crate::options`]) and `run`'s own [`FleetOptions`]. Keys are the
//! flags' names (`instance-types`, `launch-latency`, …); an unknown key is an error
//! naming it. Flags override the file (see [`Scenario::overlay`]); paths in a file are
//! relative to the file's directory.
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
//! **On-demand prices.** The catalog (`--catalog`, or the built-in us-east-1 table) with
//! the product's operating system selected and `--ondemand-price` applied prices the
//! pools. When it has no price of that OS for some type, the run has no on-demand
//! prices at all: baseline and savings are `null` and options that need them are
//! errors (`Prepared`; warning `ondemand_os_mismatch`). `Prepared::run` simulates the
//! on-demand baseline beside the strategies (`report` module docs); the warnings about
//! the inputs are raised in `scenario::checks`.
//!
//! DESIGN.md lists the scenario as "TOML; JSON/YAML accepted": spotsim reads TOML (and
//! JSON, by extension `.json`); YAML is left out to avoid a dependency nobody asked for.

pub(crate) mod checks;
mod prepare;
mod prepared;
mod values;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, InstanceType, OperatingSystem};
use crate::engine::{
    CapacityRebalance, FleetConfig, LeadTime, MaxPrice, OnDemandAllocation, OnDemandSplit, Outcome,
    RebalanceSignal, ReplaceOn, Simulation, Target, VictimOrder,
};
use crate::error::{ConfigError, Error};
use crate::ingest::{self, CapacityOptions};
use crate::market::{Market, MarketSpec, Zone, build_market};
use crate::money::Rate;
use crate::options::{
    AdvisorOptions, CatalogOptions, GateOptions, MarketSelection, OutputOptions, SimOptions,
    StrategyOptions, TelemetryOptions, TraceOptions,
};
use crate::report::{Format, Report, RunInfo};
use crate::strategy::StrategySpec;
use crate::time::SimTime;

/// Default seed of the built-in scenario.
pub const DEFAULT_SEED: u64 = 1;
/// Default target of the built-in scenario, in capacity units (instances).
pub const DEFAULT_TARGET: u32 = 20;
/// The largest target accepted (capacity units).
pub const MAX_TARGET: u32 = 1_000_000;
/// The longest launch latency accepted, seconds (a week).
pub const MAX_LAUNCH_LATENCY_SECS: i64 = 7 * 86_400;

/// A scenario: every option of `spotsim run`, as option groups (the shared ones from
/// [`crate::options`], and [`FleetOptions`]). Unset options take their defaults.
///
/// ```
/// use spotsim::scenario::Scenario;
/// let s = Scenario::from_toml_str("target = 5\nstrategy = \"capacity-optimized\"\n", "s.toml").unwrap();
/// assert_eq!(s.fleet.target, Some(5));
/// assert_eq!(s.strategy.strategies[0].name(), "capacity-optimized");
/// let e = Scenario::from_toml_str("tagret = 5\n", "s.toml").unwrap_err();
/// assert_eq!(e.to_string(), "s.toml: option `tagret`: line 1, column 1: unknown key (did you mean `target`?); keys are the flags' names (see --help)");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Scenario {
    /// Price and capacity traces, interruption rate.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub traces: TraceOptions,
    /// The on-demand catalog.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub catalog: CatalogOptions,
    /// Instance types, zones, product.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub market: MarketSelection,
    /// Allocation strategies.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub strategy: StrategyOptions,
    /// The fleet: target, on-demand split, max price, rebalancing, horizon.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub fleet: FleetOptions,
    /// Spot Instance Advisor hazard.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub advisor: AdvisorOptions,
    /// Seed and launch latency.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub sim: SimOptions,
    /// Output.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub output: OutputOptions,
    /// CI gates.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub gates: GateOptions,
    /// Metrics, alarms, traces.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub telemetry: TelemetryOptions,
}

crate::scenario_file::option_set!(Scenario {
    traces: TraceOptions,
    catalog: CatalogOptions,
    market: MarketSelection,
    strategy: StrategyOptions,
    fleet: FleetOptions,
    advisor: AdvisorOptions,
    sim: SimOptions,
    output: OutputOptions,
    gates: GateOptions,
    telemetry: TelemetryOptions,
});

/// `run`'s own options: the fleet (target, on-demand split, max price, rebalancing,
/// replacement) and the horizon.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Fleet"))]
#[serde(rename_all = "kebab-case")]
pub struct FleetOptions {
    /// Capacity units the fleet maintains [default: 20].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub target: Option<u32>,
    /// What --target counts (weights from the catalog; memory in whole GiB, rounded down) [default: instances].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "UNIT", value_parser = ["instances", "vcpu", "memory-gib"])
    )]
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
    /// On-demand allocation: the lowest price, or the order of --instance-types [default: lowest-price].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "STRATEGY", value_parser = ["lowest-price", "prioritized"])
    )]
    pub ondemand_allocation: Option<String>,
    /// Maximum spot price: USD per hour (0.05), a percentage of on-demand (70%), or none [default: the on-demand price, as AWS].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD|PCT%|none"))]
    pub max_price: Option<String>,
    /// Rebalance recommendations: mean lead time before the 2-minute notice, seconds [default: 600 when rebalancing].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub rebalance_lead: Option<f64>,
    /// Lead time distribution [default: exponential].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "DIST", value_parser = ["exponential", "fixed"])
    )]
    pub rebalance_lead_dist: Option<String>,
    /// False rebalance recommendations per 1000 instance-hours [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "RATE"))]
    pub rebalance_false_rate: Option<f64>,
    /// Response to rebalance recommendations [default: off].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "MODE", value_parser = ["off", "asg", "launch-before-terminate"])
    )]
    pub capacity_rebalance: Option<String>,
    /// launch-before-terminate: seconds until the at-risk instance is ended, 120–7200 [default: 120].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub termination_delay: Option<i64>,
    /// Horizon start, RFC 3339 [default: when every pool's traces have begun].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "TIME"))]
    pub start: Option<String>,
    /// Horizon end, RFC 3339 [default: end of the traces].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "TIME"))]
    pub end: Option<String>,
    /// Which instances a capacity drop reclaims [default: random].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "ORDER", value_parser = ["random", "oldest-first", "newest-first"])
    )]
    pub victims: Option<String>,
    /// Replace interrupted instances on termination or on the notice [default: termination].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "WHEN", value_parser = ["termination", "notice"])
    )]
    pub replace_on: Option<String>,
}

impl Scenario {
    /// Parses a scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, the TOML line and column, and the problem;
    /// an unknown key is named, with the closest valid one.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Scenario, ConfigError> {
        crate::scenario_file::from_toml(text, name)
    }

    /// Reads a scenario from a table of keys (what a sweep's cell holds).
    ///
    /// # Errors
    /// [`ConfigError`] naming an unknown key or a bad value's key.
    pub fn from_table(table: &toml::Table) -> Result<Scenario, ConfigError> {
        crate::scenario_file::from_table(table)
    }

    /// Every key a `run` scenario file takes (the flags' names).
    pub fn keys() -> Vec<&'static str> {
        <Scenario as crate::scenario_file::OptionSet>::keys()
    }

    /// Reads a scenario file (TOML; JSON when the name ends in `.json`); relative paths
    /// inside it are resolved against its directory.
    ///
    /// # Errors
    /// [`Error::Input`] if the file cannot be read, [`Error::Config`] if it is not a
    /// valid scenario.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let mut s: Scenario = crate::scenario_file::load(path)?;
        s.resolve_paths(path.parent().unwrap_or(Path::new("")));
        Ok(s)
    }

    /// Resolves the relative paths this scenario holds against `dir` (the directory of
    /// the file they were read from).
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        let s = self;
        let fix = |p: &mut PathBuf| crate::scenario_file::resolve(dir, p);
        s.traces.prices.iter_mut().for_each(fix);
        s.traces.capacity.iter_mut().for_each(fix);
        s.traces.probe_prices.iter_mut().for_each(fix);
        s.catalog.path.iter_mut().for_each(fix);
        s.advisor.path.iter_mut().for_each(fix);
        s.output.out.iter_mut().for_each(fix);
    }

    /// Every input file the scenario names (traces, probe prices, catalog, advisor):
    /// what `--out` must not overwrite.
    pub fn input_files(&self) -> Vec<&Path> {
        let t = &self.traces;
        t.prices
            .iter()
            .chain(&t.capacity)
            .chain(&t.probe_prices)
            .chain(&self.catalog.path)
            .chain(&self.advisor.path)
            .map(PathBuf::as_path)
            .collect()
    }

    /// This scenario with every option set in `flags` taking precedence (a list set in
    /// `flags` replaces the file's list).
    ///
    /// ```
    /// use spotsim::options::SimOptions;
    /// use spotsim::scenario::{FleetOptions, Scenario};
    /// let file = Scenario {
    ///     fleet: FleetOptions { target: Some(5), ..Default::default() },
    ///     sim: SimOptions { seed: Some(3), ..Default::default() },
    ///     ..Default::default()
    /// };
    /// let flags = Scenario { fleet: FleetOptions { target: Some(9), ..Default::default() }, ..Default::default() };
    /// let s = file.overlay(flags).unwrap();
    /// assert_eq!((s.fleet.target, s.sim.seed), (Some(9), Some(3)));
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] when a flag cannot be represented in a scenario (a seed above
    /// 2⁶³ − 1): never a silent drop.
    pub fn overlay(self, flags: Scenario) -> Result<Scenario, ConfigError> {
        crate::scenario_file::overlay(&self, &flags)
    }

    /// The output format (default table).
    pub fn format(&self) -> Format {
        self.output.format()
    }

    /// The strategies to run, with the scenario-wide strategy options applied
    /// (lowest-price when none is given).
    ///
    /// # Errors
    /// [`ConfigError`] for an option no given strategy takes or an invalid parameter.
    pub fn strategies(&self) -> Result<Vec<StrategySpec>, ConfigError> {
        self.strategy.specs(StrategySpec::default())
    }

    /// Prepares and runs every strategy; one report each, in the order given.
    ///
    /// # Errors
    /// As [`Scenario::prepare`], or an impossible horizon.
    pub fn run(&self) -> Result<Vec<Report>, Error> {
        self.prepare()?.run(&mut |_, _| {})
    }
}

pub use prepare::BASELINE_ASSUMPTION;
pub use prepared::Prepared;

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
        assert_eq!(s.strategy.strategies.len(), 2);
        assert_eq!(s.strategy.strategies[1].name(), "lowest-price");
        let s = Scenario::from_toml_str(
            "[strategy]\nname = \"price-capacity-optimized\"\ncapacity-tier = 0.3\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(s.strategy.strategies[0].name(), "price-capacity-optimized");
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
            market: MarketSelection {
                azs: vec!["b".into()],
                ..Default::default()
            },
            sim: SimOptions {
                seed: Some(4),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = file.overlay(flags).unwrap();
        assert_eq!(s.fleet.target, Some(5));
        assert_eq!(s.market.azs, vec!["b".to_string()]);
        assert_eq!(s.sim.seed, Some(4));
        assert_eq!(s.strategy.strategies[0].name(), "diversified");
    }
}
