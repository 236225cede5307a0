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

use serde::Serialize;

use super::{
    CompareConfig, CompareOptions, DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT,
    DEFAULT_RESTART_OVERHEAD_SECS, DEFAULT_TASK_START_SECS, OPTIONS,
};
use crate::error::{ConfigError, Error};
use crate::market::PoolId;
use crate::money::Rate;
use crate::options::{
    AdvisorOptions, CatalogOptions, GateOptions, MarketSelection, OutputOptions, SimOptions,
    StrategyOptions, TelemetryOptions, TraceOptions,
};
use crate::pricing::eks::EksSupport;
use crate::pricing::fargate::{
    CapacityProviderStrategy, FargateBilling, FargateRateOverride, FargateSpot, Platform, Provider,
    StrategyItem,
};
use crate::report::{Format, Warning, codes};
use crate::scenario::Scenario;
use crate::strategy::StrategySpec;
use crate::time::HOUR;
use crate::workload::packing::{
    DaemonSet, EksNodeConfig, MaxPods, NodeReserve, Placement, TaskRequest,
};
use crate::workload::{Demand, Service};

/// The most tasks one service may ask for (each Fargate task is simulated).
pub use crate::limits::MAX_TASKS;

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
    /// Metrics (fleet and tasks), alarms, task events, traces.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub telemetry: TelemetryOptions,
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
    telemetry: TelemetryOptions,
});

/// Hours a comparison on the catalog's prices simulates by default (no traces to take
/// a span from): 720, a 30-day month.
pub const DEFAULT_CATALOG_HOURS: f64 = 720.0;

/// `NAME=MILLICORES[:MIB]`: one DaemonSet of `--eks-daemonsets`.
fn parse_daemonset(s: &str) -> Result<DaemonSet, ConfigError> {
    let bad = || {
        ConfigError::new(
            "eks-daemonsets",
            format!("`{s}`: expected NAME=MILLICORES[:MIB], e.g. aws-node=50, or none"),
        )
    };
    let (name, req) = s.split_once('=').ok_or_else(bad)?;
    let (cpu, mem) = match req.split_once(':') {
        Some((c, m)) => (c, Some(m)),
        None => (req, None),
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(bad());
    }
    Ok(DaemonSet {
        name: name.to_string(),
        request: TaskRequest {
            cpu_millis: cpu.trim().parse().map_err(|_| bad())?,
            memory_mib: mem.map_or(Ok(0), |m| m.trim().parse().map_err(|_| bad()))?,
        },
    })
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
        for svc in &mut s.compare.services {
            svc.resolve_relative_to(dir);
        }
    }

    /// Every input file the scenario names (traces, probe prices, catalog, advisor,
    /// desired-count CSVs): what `--out` must not overwrite.
    pub fn input_files(&self) -> Vec<&Path> {
        let t = &self.traces;
        t.prices
            .iter()
            .chain(&t.capacity)
            .chain(&t.probe_prices)
            .chain(&self.catalog.path)
            .chain(&self.advisor.path)
            .map(PathBuf::as_path)
            .chain(
                self.compare
                    .services
                    .iter()
                    .filter_map(|s| s.desired.file()),
            )
            .collect()
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
    /// outside the valid range, zero tasks, an unknown region or platform, bad traces,
    /// a region without built-in Fargate rates whose rates are not given, an EC2 option
    /// asked for that cannot be priced.
    pub fn prepare(&self) -> Result<CompareConfig, Error> {
        self.gates.validate()?;
        let metrics: Vec<crate::telemetry::Metric> = crate::telemetry::FLEET_METRICS
            .iter()
            .chain(crate::telemetry::TASK_METRICS)
            .copied()
            .collect();
        self.telemetry.validate(&metrics, true)?;
        let services = self.services()?;
        let platform_name = self.compare.platform.as_deref().unwrap_or("linux");
        let platform = Platform::parse(platform_name).map_err(|e| {
            crate::suggest::with_hint(
                ConfigError::from(e),
                platform_name,
                &["linux", "linux-arm", "windows"],
            )
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
        let fargate_rates = self.fargate_rate_override()?;
        let fargate_billing = match self.compare.fargate_windows_minimum_secs {
            None => FargateBilling::default(),
            Some(s) => FargateBilling::default()
                .with_windows_minimum(s)
                .map_err(ConfigError::from)?,
        };
        let eks_node = self.eks_node()?;
        let mut warnings: Vec<Warning> = Vec::new();
        let defaulted = self.compare.options.is_empty();
        let mut options: Vec<String> = if defaulted {
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
            if let Some(v) = v {
                crate::limits::latency(name, v)?;
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
                // Without --advisor, --region is the Fargate rates' region only.
                region: self.advisor.path.as_ref().and(self.advisor.region.clone()),
            },
            sim: self.sim.clone(),
            ..Scenario::default()
        };
        // `--instance-types` (or zones, or capacity traces) without price files: the
        // user's instances, priced from the catalog (`Scenario::prepare_from_catalog`).
        let from_catalog = self.traces.prices.is_empty()
            && self.traces.probe_prices.is_none()
            && (!self.market.instance_types.is_empty()
                || !self.market.azs.is_empty()
                || !self.traces.capacity.is_empty());
        let prepared = if from_catalog {
            ec2.prepare_from_catalog(crate::synth::DEFAULT_START)?
        } else {
            ec2.prepare()?
        };
        let region = self
            .advisor
            .region
            .clone()
            .or_else(|| crate::scenario::checks::market_region(&prepared.market))
            .or_else(|| prepared.info.catalog.as_ref().map(|c| c.0.clone()))
            .unwrap_or_else(|| "us-east-1".to_string());
        if options.iter().any(|o| o.starts_with("fargate")) {
            crate::pricing::fargate::FargateRates::resolve(&region, platform, &fargate_rates)
                .map_err(|e| {
                    let mut e = ConfigError::from(e);
                    if self.advisor.region.is_some() && !FARGATE_REGIONS.contains(&region.trim()) {
                        e.message.push_str(&crate::suggest::hint(
                            region.trim(),
                            FARGATE_REGIONS.iter().copied(),
                        ));
                    }
                    e
                })?;
        }
        warnings.extend(prepared.info.warnings.iter().cloned());
        let ec2_ondemand_prices = !prepared.info.ondemand_prices_unknown;
        let spot_priced = (0..prepared.market.pools().len()).any(|i| {
            !prepared
                .market
                .price_trace(PoolId(i as u32))
                .steps()
                .is_empty()
        });
        let mut drop =
            |options: &mut Vec<String>, which: &[&str], why: String| -> Result<(), ConfigError> {
                let hit: Vec<String> = options
                    .iter()
                    .filter(|o| which.contains(&o.as_str()))
                    .cloned()
                    .collect();
                if hit.is_empty() {
                    return Ok(());
                }
                if !defaulted {
                    return Err(ConfigError::new(
                        "options",
                        format!("{} cannot run: {why}", hit.join(", ")),
                    ));
                }
                options.retain(|o| !which.contains(&o.as_str()));
                warnings.push(Warning::new(
                    codes::OPTIONS_LEFT_OUT,
                    format!("{} left out: {why}", hit.join(" and ")),
                ));
                Ok(())
            };
        if !ec2_ondemand_prices {
            drop(
                &mut options,
                &["ecs-ec2-ondemand", "eks-ec2-ondemand"],
                "no on-demand prices for the EC2 product's operating system (see ondemand_os_mismatch)".to_string(),
            )?;
        }
        if !spot_priced {
            let interruptible = self.advisor.path.is_some()
                || self.traces.interruption_rate.is_some()
                || !self.traces.capacity.is_empty();
            drop(
                &mut options,
                &["ecs-ec2-spot", "eks-ec2-spot"],
                format!(
                    "the EC2 spot options need spot prices (--advisor FILE: the Spot Instance Advisor's savings over on-demand, or --prices FILE){}",
                    if interruptible {
                        String::new()
                    } else {
                        " and an interruption source (--capacity FILE, --advisor FILE or --interruption-rate PCT)".to_string()
                    }
                ),
            )?;
        }
        if options.is_empty() {
            return Err(ConfigError::new("options", "no option left to compare").into());
        }
        if options.iter().any(|o| o.ends_with("-ec2-spot"))
            && let Some(w) = prepared.interruptible.warning(&prepared.market)
        {
            warnings.push(w);
        }
        let (start, traces_secs) = match prepared.market.covered_span() {
            Some((a, b)) if !(from_catalog && self.traces.capacity.is_empty()) => {
                (a, Some(b.since(a)))
            }
            Some((a, _)) => (a, None),
            None => (crate::synth::DEFAULT_START, None),
        };
        let span_h = traces_secs.map(|s| s as f64 / HOUR as f64);
        let hours = self
            .compare
            .hours
            .or(span_h)
            .unwrap_or(DEFAULT_CATALOG_HOURS);
        if !(hours.is_finite() && hours > 0.0) {
            return Err(ConfigError::new(
                "hours",
                format!("{hours}: must be a positive number of hours"),
            )
            .into());
        }
        let max_secs = (crate::limits::MAX_HORIZON_HOURS as i64) * HOUR;
        let secs = crate::limits::f64_to_i64("hours", hours, HOUR as f64, max_secs, "s")?;
        if let (Some(max), Some(span_h)) = (traces_secs, span_h)
            && secs > max
        {
            return Err(ConfigError::new(
                    "hours",
                    format!("{hours} h is longer than the spot traces' {span_h:.1} h (from {start} to {}); shorten --hours or give longer traces", start.plus(max)),
                )
                .into());
        }
        let spot_price_source = if !self.traces.prices.is_empty() {
            format!(
                "traces: {}",
                self.traces
                    .prices
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else if from_catalog {
            match (&self.advisor.path, spot_priced) {
                (Some(p), true) => format!(
                    "the Spot Instance Advisor's savings over on-demand ({}), constant",
                    p.display()
                ),
                _ => "none (no --prices or --advisor): EC2 spot options left out".to_string(),
            }
        } else if self.traces.probe_prices.is_some() {
            "per-probe prices".to_string()
        } else {
            "built-in default traces (synthetic, synth::default_market; no files read)".to_string()
        };
        let mut notes = prepared.info.assumptions.clone();
        if platform == Platform::Windows && !prepared.market.product().starts_with("Windows") {
            notes.push(format!(
                "the EC2 options are priced with `{}` on-demand and spot prices (no Windows licence; give --product Windows for Windows nodes)",
                prepared.market.product()
            ));
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
            fargate_rates,
            eks_node,
            fargate_billing,
            fargate_spot,
            fargate_spot_interruption_pct: fs_rate,
            mix,
            task_start_secs: self
                .compare
                .task_start_latency
                .unwrap_or(DEFAULT_TASK_START_SECS),
            ec2_hazard: prepared.cfg.hazard.clone(),
            ec2_ondemand_prices,
            ec2_ondemand_os: prepared.cfg.ondemand_os.clone(),
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

    /// The Fargate rates given by flags or the scenario file.
    fn fargate_rate_override(&self) -> Result<FargateRateOverride, ConfigError> {
        let rate = |name: &str, x: Option<f64>| -> Result<Option<Rate>, ConfigError> {
            x.map(|v| {
                if !(v.is_finite() && v > 0.0) {
                    return Err(ConfigError::new(
                        name,
                        format!("{v}: must be a positive price in USD"),
                    ));
                }
                Rate::parse_usd(&format!("{v}"))
                    .map_err(|e| ConfigError::new(name, format!("{v}: {e}")))
            })
            .transpose()
        };
        let c = &self.compare;
        Ok(FargateRateOverride {
            per_vcpu_hour: rate("fargate-vcpu-hour-usd", c.fargate_vcpu_hour_usd)?,
            per_gb_hour: rate("fargate-gb-hour-usd", c.fargate_gb_hour_usd)?,
            os_licence_per_vcpu_hour: rate(
                "fargate-os-licence-vcpu-hour-usd",
                c.fargate_os_licence_vcpu_hour_usd,
            )?,
            storage_per_gb_hour: rate(
                "fargate-storage-gb-hour-usd",
                c.fargate_storage_gb_hour_usd,
            )?,
        })
    }

    /// EKS nodes: `--max-pods` and `--eks-daemonsets`.
    fn eks_node(&self) -> Result<EksNodeConfig, ConfigError> {
        let mut node = EksNodeConfig::default();
        if let Some(m) = &self.compare.max_pods {
            node.max_pods = m
                .parse::<MaxPods>()
                .map_err(|e| crate::suggest::with_hint(e, m, &["vpc-cni", "prefix-delegation"]))?;
            if node.max_pods == MaxPods::Fixed(0) {
                return Err(ConfigError::new(
                    "max-pods",
                    "0: a node admits at least one pod",
                ));
            }
        }
        let ds = &self.compare.eks_daemonsets;
        if ds.len() == 1 && ds[0].trim() == "none" {
            node.daemonsets.clear();
        } else if !ds.is_empty() {
            node.daemonsets = ds
                .iter()
                .map(|s| parse_daemonset(s))
                .collect::<Result<_, _>>()?;
        }
        Ok(node)
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
