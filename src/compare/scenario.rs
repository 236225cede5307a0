//! The `compare` scenario: the CLI's flags and the TOML file in one struct, like
//! [`crate::scenario::Scenario`] for `run`. Services come from `--tasks/--task-vcpu/
//! --task-memory-gib` (one constant service) or `[[service]]` tables:
//!
//! ```toml
//! hours = 720
//! region = "us-east-1"
//! [[service]]
//! name = "api"
//! task-vcpu-millis = 500
//! task-memory-mib = 1024
//! desired = { shape = "daily", baseline = 4, peak = 12, peak-hours = 6 }
//! ```
//!
//! The EC2 side (spot traces, catalog, instance types, strategy, hazard) is read with
//! the same code as `spotsim run` (a [`Scenario`] built from the same shared option
//! groups, [`crate::options`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{
    CompareConfig, DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT, DEFAULT_RESTART_OVERHEAD_SECS,
    DEFAULT_TASK_START_SECS, OPTIONS,
};
use crate::error::{ConfigError, Error};
use crate::options::{
    AdvisorOptions, CatalogOptions, GateOptions, MarketSelection, OutputOptions, SimOptions,
    StrategyOptions, TraceOptions,
};
use crate::pricing::eks::EksSupport;
use crate::pricing::fargate::{
    CapacityProviderStrategy, FargateBilling, FargateSpot, Platform, Provider, StrategyItem,
};
use crate::report::{Format, Warning, codes};
use crate::scenario::Scenario;
use crate::strategy::StrategySpec;
use crate::time::HOUR;
use crate::workload::packing::{NodeReserve, Placement};
use crate::workload::{Demand, Service};

/// The most tasks one service may ask for (each Fargate task is simulated).
pub const MAX_TASKS: u32 = 100_000;

/// Every option of `spotsim compare`: its own ([`CompareOptions`]) and the shared
/// groups of [`crate::options`] that apply to its EC2 side, output and gates.
///
/// ```
/// use spotsim::compare::{CompareOptions, CompareScenario};
/// let s = CompareScenario {
///     compare: CompareOptions { tasks: Some(4), task_vcpu: Some(0.5), task_memory_gib: Some(1.0), ..Default::default() },
///     ..Default::default()
/// };
/// let report = s.prepare().unwrap().run().unwrap();
/// assert_eq!(report.options.len(), 7);
/// assert!(report.options.iter().all(|o| o.total_cost_usd > 0.0));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CompareScenario {
    /// The workload, Fargate and cluster options.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub compare: CompareOptions,
    /// EC2 spot price and capacity traces, interruption rate.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub traces: TraceOptions,
    /// The EC2 on-demand catalog.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub catalog: CatalogOptions,
    /// EC2 instance types, zones, product.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub market: MarketSelection,
    /// The EC2 spot options' allocation strategy.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub strategy: StrategyOptions,
    /// Spot Instance Advisor data and the region (also of the Fargate rates).
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub advisor: AdvisorOptions,
    /// Seed and EC2 launch latency.
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
}

crate::scenario_file::option_set!(CompareScenario {
    compare: CompareOptions,
    traces: TraceOptions,
    catalog: CatalogOptions,
    market: MarketSelection,
    strategy: StrategyOptions,
    advisor: AdvisorOptions,
    sim: SimOptions,
    output: OutputOptions,
    gates: GateOptions,
});

/// `compare`'s own options: the workload, the Fargate options and the clusters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Workload and options"))]
#[serde(rename_all = "kebab-case")]
pub struct CompareOptions {
    /// Tasks of the one service given by flags (a constant count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub tasks: Option<u32>,
    /// vCPU per task of that service (e.g. 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "VCPU"))]
    pub task_vcpu: Option<f64>,
    /// Memory per task of that service, GiB (e.g. 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "GIB"))]
    pub task_memory_gib: Option<f64>,
    /// Services with shapes (scenario file only: `[[service]]` tables).
    #[serde(default, rename = "service", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "cli", arg(skip))]
    pub services: Vec<Service>,
    /// Hours to simulate [default: the span of the spot traces; 720 for the built-in ones].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub hours: Option<f64>,
    /// Fargate platform [default: linux].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "PLATFORM",
            value_parser = [
                clap::builder::PossibleValue::new("linux").alias("linux/x86_64"),
                clap::builder::PossibleValue::new("linux-arm").alias("linux/arm64"),
                clap::builder::PossibleValue::new("windows"),
            ]
        )
    )]
    pub platform: Option<String>,
    /// Options to compare, comma-separated [default: all seven].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_delimiter = ',',
            value_name = "OPTION",
            value_parser = clap::builder::PossibleValuesParser::new(OPTIONS)
        )
    )]
    pub options: Vec<String>,
    /// Fargate Spot discount off the Fargate rates, percent [default: 67].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub fargate_spot_discount_pct: Option<u32>,
    /// Fargate Spot tasks interrupted per task-month, percent [default: 5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub fargate_spot_interruption_rate: Option<f64>,
    /// fargate-mix: tasks always on FARGATE (capacity-provider base) [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub mix_base: Option<u32>,
    /// fargate-mix: FARGATE:FARGATE_SPOT weights after the base [default: 1:3].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "OD:SPOT"))]
    pub mix_weights: Option<String>,
    /// Seconds from a Fargate task request to running [default: 60].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub task_start_latency: Option<i64>,
    /// Task placement on EC2 [default: binpack].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "PLACEMENT", value_parser = ["binpack", "spread"])
    )]
    pub placement: Option<String>,
    /// Memory reserved per ECS container instance, MiB [default: 512].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIB"))]
    pub ecs_reserved_memory_mib: Option<u32>,
    /// EKS support tier [default: standard].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "TIER", value_parser = ["standard", "extended"])
    )]
    pub eks_support: Option<String>,
    /// Work a task loses per restart, seconds, for the break-even rate [default: 300].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub restart_overhead: Option<i64>,
}

/// Regions whose Fargate rates are built in (checked against the rate table by a
/// test), for `--help` and "did you mean".
pub const FARGATE_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1"];

impl CompareScenario {
    /// Parses a compare scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, line and column; an unknown key is named.
    pub fn from_toml_str(text: &str, name: &str) -> Result<CompareScenario, ConfigError> {
        crate::scenario_file::from_toml(text, name)
    }

    /// Reads a compare scenario from a table of keys (a sweep's cell).
    ///
    /// # Errors
    /// [`ConfigError`] naming an unknown key or a bad value's key.
    pub fn from_table(table: &toml::Table) -> Result<CompareScenario, ConfigError> {
        crate::scenario_file::from_table(table)
    }

    /// Every key a compare scenario file takes (the flags' names).
    pub fn keys() -> Vec<&'static str> {
        <CompareScenario as crate::scenario_file::OptionSet>::keys()
    }

    /// Reads a compare scenario file (TOML; JSON when the name ends in `.json`);
    /// relative paths are resolved against its directory.
    ///
    /// # Errors
    /// [`Error`] when the file cannot be read or is not a valid compare scenario.
    pub fn load(path: &Path) -> Result<CompareScenario, Error> {
        let mut s: CompareScenario = crate::scenario_file::load(path)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let fix = |p: &mut PathBuf| crate::scenario_file::resolve(dir, p);
        s.traces.prices.iter_mut().for_each(fix);
        s.traces.capacity.iter_mut().for_each(fix);
        s.traces.probe_prices.iter_mut().for_each(fix);
        s.catalog.path.iter_mut().for_each(fix);
        s.advisor.path.iter_mut().for_each(fix);
        s.output.out.iter_mut().for_each(fix);
        for svc in &mut s.compare.services {
            svc.resolve_relative_to(dir);
        }
        Ok(s)
    }

    /// This scenario with every option set in `flags` taking precedence.
    ///
    /// # Errors
    /// [`ConfigError`] when a flag cannot be represented in a scenario (a seed above
    /// 2⁶³ − 1): never a silent drop.
    pub fn overlay(self, flags: CompareScenario) -> Result<CompareScenario, ConfigError> {
        crate::scenario_file::overlay(&self, &flags)
    }

    /// The output format (default table).
    pub fn format(&self) -> Format {
        self.output.format()
    }

    /// Reads the inputs and checks every option; returns the comparison ready to run.
    ///
    /// # Errors
    /// [`Error`] naming the option or input: a task size no platform offers, memory
    /// outside the valid range, zero tasks, an unknown region or platform, bad traces.
    pub fn prepare(&self) -> Result<CompareConfig, Error> {
        self.gates.validate()?;
        let services = self.services()?;
        let platform_name = self.compare.platform.as_deref().unwrap_or("linux");
        let platform = Platform::parse(platform_name).map_err(|e| {
            crate::suggest::with_hint(
                ConfigError::from(e),
                platform_name,
                &["linux", "linux-arm", "windows"],
            )
        })?;
        let region = self
            .advisor
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".to_string());
        // Fail early on an unknown region or platform, even if only EC2 options run.
        crate::pricing::fargate::FargateRates::lookup(&region, platform).map_err(|e| {
            let mut e = ConfigError::from(e);
            if !FARGATE_REGIONS.contains(&region.trim()) {
                e.message.push_str(&crate::suggest::hint(
                    region.trim(),
                    FARGATE_REGIONS.iter().copied(),
                ));
            }
            e
        })?;
        let fargate_spot = FargateSpot::new(
            self.compare
                .fargate_spot_discount_pct
                .unwrap_or(FargateSpot::default().discount_pct),
        )
        .map_err(ConfigError::from)?;
        let fs_rate = self
            .compare
            .fargate_spot_interruption_rate
            .unwrap_or(DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT);
        if !(0.0..100.0).contains(&fs_rate) {
            return Err(ConfigError::new(
                "fargate-spot-interruption-rate",
                format!("{fs_rate} %: expected at least 0 and below 100"),
            )
            .into());
        }
        let mix = self.mix()?;
        let placement = match self.compare.placement.as_deref() {
            None | Some("binpack") => Placement::Binpack,
            Some("spread") => Placement::Spread { zones: 0 },
            Some(other) => {
                return Err(crate::suggest::unknown_value(
                    "placement",
                    other,
                    &["binpack", "spread"],
                )
                .into());
            }
        };
        let eks_support = match self.compare.eks_support.as_deref() {
            None | Some("standard") => EksSupport::Standard,
            Some("extended") => EksSupport::Extended,
            Some(other) => {
                return Err(crate::suggest::unknown_value(
                    "eks-support",
                    other,
                    &["standard", "extended"],
                )
                .into());
            }
        };
        let mut warnings: Vec<Warning> = Vec::new();
        let mut options: Vec<String> = if self.compare.options.is_empty() {
            let all = OPTIONS.iter().map(|s| s.to_string());
            if platform == Platform::Windows {
                // Fargate Spot runs no Windows tasks (aws-facts.md §4.3).
                warnings.push(Warning::new(
                    codes::OPTIONS_LEFT_OUT,
                    "fargate-spot and fargate-mix are left out: Fargate Spot does not run Windows tasks (aws-facts.md §4.3)",
                ));
                all.filter(|o| !o.starts_with("fargate-")).collect()
            } else {
                all.collect()
            }
        } else {
            self.compare.options.clone()
        };
        let mut seen: Vec<String> = Vec::new();
        options.retain(|o| {
            let new = !seen.contains(o);
            seen.push(o.clone());
            new
        });
        for o in &options {
            if !OPTIONS.contains(&o.as_str()) {
                return Err(ConfigError::new(
                    "options",
                    format!(
                        "unknown option `{o}`{}; valid: {}",
                        crate::suggest::hint(o, OPTIONS.iter().copied()),
                        OPTIONS.join(", ")
                    ),
                )
                .into());
            }
        }
        for (name, v) in [
            ("task-start-latency", self.compare.task_start_latency),
            ("restart-overhead", self.compare.restart_overhead),
        ] {
            if v.is_some_and(|v| v < 0) {
                return Err(ConfigError::new(name, "must not be negative").into());
            }
        }
        // The EC2 market, read exactly as `spotsim run` reads it, from the same shared
        // option groups.
        let strategies = self
            .strategy
            .specs(StrategySpec::parse_name("price-capacity-optimized")?)?;
        let [ec2_strategy] = <[StrategySpec; 1]>::try_from(strategies).map_err(|v| {
            ConfigError::new(
                "strategy",
                format!(
                    "compare runs one EC2 spot strategy; {} given (run `spotsim run` to compare strategies)",
                    v.len()
                ),
            )
        })?;
        let ec2 = Scenario {
            traces: self.traces.clone(),
            catalog: self.catalog.clone(),
            market: self.market.clone(),
            advisor: AdvisorOptions {
                path: self.advisor.path.clone(),
                // The advisor's region is compare's region (also the Fargate rates').
                region: self.advisor.path.as_ref().map(|_| region.clone()),
            },
            sim: self.sim.clone(),
            ..Scenario::default()
        };
        let mut prepared = ec2.prepare()?;
        // One node size per cluster (aws-facts.md §6.3: a node group's types share their
        // vCPU and memory): tasks are packed onto the smallest type's size, so only pools
        // of that size are kept.
        let mut dropped_types: Vec<String> = Vec::new();
        if let Some(node) = {
            let types: Vec<crate::catalog::InstanceType> = prepared
                .market
                .pools()
                .iter()
                .map(|p| p.instance_type.clone())
                .collect();
            crate::workload::reference_node_type(&types).cloned()
        } {
            for p in prepared.market.pools() {
                let t = &p.instance_type;
                if (t.vcpu, t.memory_mib) != (node.vcpu, node.memory_mib)
                    && !dropped_types.contains(&t.name)
                {
                    dropped_types.push(t.name.clone());
                }
            }
            let size = (node.vcpu, node.memory_mib);
            let keep = |p: &crate::market::Pool| {
                (p.instance_type.vcpu, p.instance_type.memory_mib) == size
            };
            if let Some(h) = &mut prepared.cfg.hazard {
                h.rates_per_hour = prepared
                    .market
                    .pools()
                    .iter()
                    .zip(&h.rates_per_hour)
                    .filter(|(p, _)| keep(p))
                    .map(|(_, r)| *r)
                    .collect();
            }
            prepared.market = prepared.market.retain_pools(keep);
        }
        let (mstart, mend) = prepared
            .market
            .covered_span()
            .ok_or_else(|| ConfigError::new("prices", "the spot traces hold no change points"))?;
        let start = mstart;
        let span_h = mend.since(mstart) as f64 / HOUR as f64;
        let hours = self.compare.hours.unwrap_or(span_h);
        if !(hours.is_finite() && hours > 0.0) {
            return Err(ConfigError::new(
                "hours",
                format!("{hours}: must be a positive number of hours"),
            )
            .into());
        }
        let secs = (hours * HOUR as f64).round() as i64;
        if secs > mend.since(mstart) {
            return Err(ConfigError::new(
                "hours",
                format!("{hours} h is longer than the spot traces' {span_h:.1} h (from {mstart} to {mend}); shorten --hours or give longer traces"),
            )
            .into());
        }
        let spot_price_source = if self.traces.prices.is_empty() {
            "built-in default traces (synthetic, synth::default_market; no files read)".to_string()
        } else {
            format!(
                "traces: {}",
                self.traces
                    .prices
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut notes = prepared.info.assumptions.clone();
        if !dropped_types.is_empty() {
            warnings.push(Warning::new(
                codes::INSTANCE_TYPES_LEFT_OUT,
                format!(
                    "EC2: left out {} (a different size from the node type; one size per node group, aws-facts.md §6.3)",
                    dropped_types.join(", ")
                ),
            ));
        }
        if platform == Platform::Windows {
            notes.push("the EC2 options are priced with the catalog's Linux on-demand and spot prices (no Windows licence)".to_string());
        }
        if let Some(d) = &prepared.info.data_description {
            notes.push(format!("EC2 market: {d}"));
        }
        if let Some((r, src)) = &prepared.info.catalog {
            notes.push(format!("EC2 on-demand prices: {r}, {src}"));
        }
        if let Some(h) = &prepared.cfg.hazard {
            notes.extend(h.description.iter().cloned());
        }
        let mut ecs_reserve = NodeReserve::ecs_default();
        if let Some(m) = self.compare.ecs_reserved_memory_mib {
            ecs_reserve.memory_mib = m;
        }
        let zones = {
            let mut z: Vec<&crate::market::Zone> =
                prepared.market.pools().iter().map(|p| &p.zone).collect();
            z.sort();
            z.dedup();
            z.len() as u32
        };
        let placement = match placement {
            Placement::Spread { .. } => Placement::Spread {
                zones: zones.max(1),
            },
            p => p,
        };
        Ok(CompareConfig {
            services,
            start,
            end: start.plus(secs),
            region,
            platform,
            fargate_rates: Default::default(),
            eks_node: Default::default(),
            fargate_billing: FargateBilling::default(),
            fargate_spot,
            fargate_spot_interruption_pct: fs_rate,
            mix,
            task_start_secs: self
                .compare
                .task_start_latency
                .unwrap_or(DEFAULT_TASK_START_SECS),
            ec2_hazard: prepared.cfg.hazard.clone(),
            market: prepared.market,
            spot_price_source,
            ec2_strategy,
            launch_latency_secs: prepared.cfg.launch_latency_secs,
            placement,
            ecs_reserve,
            eks_support,
            restart_overhead_secs: self
                .compare
                .restart_overhead
                .unwrap_or(DEFAULT_RESTART_OVERHEAD_SECS),
            seed: prepared.info.seed,
            options,
            notes,
            warnings,
        })
    }

    fn services(&self) -> Result<Vec<Service>, ConfigError> {
        let flags = self.compare.tasks.is_some()
            || self.compare.task_vcpu.is_some()
            || self.compare.task_memory_gib.is_some();
        if flags && !self.compare.services.is_empty() {
            return Err(ConfigError::new(
                "tasks",
                "give either --tasks/--task-vcpu/--task-memory-gib or [[service]] tables, not both",
            ));
        }
        if !flags {
            if self.compare.services.is_empty() {
                return Err(ConfigError::new(
                    "tasks",
                    "no workload: give --tasks N --task-vcpu V --task-memory-gib M, or [[service]] tables",
                ));
            }
            for s in &self.compare.services {
                if s.desired.max_tasks().is_some_and(|m| m > MAX_TASKS) {
                    return Err(ConfigError::new(
                        format!("service.{}.desired", s.name),
                        format!("at most {MAX_TASKS} tasks per service"),
                    ));
                }
            }
            return Ok(self.compare.services.clone());
        }
        let tasks = self
            .compare
            .tasks
            .ok_or_else(|| ConfigError::new("tasks", "missing: how many tasks"))?;
        if tasks == 0 {
            return Err(ConfigError::new("tasks", "zero tasks: nothing to run"));
        }
        if tasks > MAX_TASKS {
            return Err(ConfigError::new(
                "tasks",
                format!("{tasks}: at most {MAX_TASKS} tasks per service"),
            ));
        }
        let vcpu = self
            .compare
            .task_vcpu
            .ok_or_else(|| ConfigError::new("task-vcpu", "missing: vCPU per task, e.g. 0.5"))?;
        let gib = self.compare.task_memory_gib.ok_or_else(|| {
            ConfigError::new("task-memory-gib", "missing: memory per task in GiB, e.g. 1")
        })?;
        if !(vcpu.is_finite() && vcpu > 0.0 && vcpu <= 1024.0) {
            return Err(ConfigError::new(
                "task-vcpu",
                format!("{vcpu}: must be a positive number of vCPUs"),
            ));
        }
        if !(gib.is_finite() && gib > 0.0 && gib <= 24_576.0) {
            return Err(ConfigError::new(
                "task-memory-gib",
                format!("{gib}: must be a positive number of GiB"),
            ));
        }
        let millis = (vcpu * 1000.0).round() as u32;
        let mib = (gib * 1024.0).round() as u32;
        Ok(vec![Service::new(
            "service",
            millis.max(1),
            mib.max(1),
            Demand::constant(tasks),
        )?])
    }

    fn mix(&self) -> Result<CapacityProviderStrategy, ConfigError> {
        let base = self.compare.mix_base.unwrap_or(1);
        let (w_od, w_spot) = match self.compare.mix_weights.as_deref() {
            None => (1, 3),
            Some(s) => {
                let bad = || {
                    ConfigError::new(
                        "mix-weights",
                        format!("`{s}`: expected FARGATE:FARGATE_SPOT weights such as 1:3"),
                    )
                };
                let (a, b) = s.split_once(':').ok_or_else(bad)?;
                (
                    a.trim().parse::<u32>().map_err(|_| bad())?,
                    b.trim().parse::<u32>().map_err(|_| bad())?,
                )
            }
        };
        CapacityProviderStrategy::new(vec![
            StrategyItem {
                provider: Provider::Fargate,
                base,
                weight: w_od,
            },
            StrategyItem {
                provider: Provider::FargateSpot,
                base: 0,
                weight: w_spot,
            },
        ])
        .map_err(ConfigError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::fargate::FargateRates;

    #[test]
    fn the_listed_fargate_regions_have_built_in_rates() {
        for r in FARGATE_REGIONS {
            assert!(FargateRates::lookup(r, Platform::LinuxX86).is_ok(), "{r}");
        }
        assert!(FargateRates::lookup("mars-north-1", Platform::LinuxX86).is_err());
    }
}
