//! `spotsim compare`: one container workload priced on every AWS option side by side —
//! Fargate, Fargate Spot, a FARGATE/FARGATE_SPOT mix, ECS on EC2 (on-demand and spot)
//! and EKS on EC2 (on-demand and spot) — with what each loses to interruptions,
//! rounding and idle capacity.
//!
//! Every option runs on the same discrete-event engine as `spotsim run`:
//!
//! * **Fargate options** (aws-facts.md §4): each service is a one-pool fleet whose
//!   target is the service's desired count; a task is an "instance" of the service's
//!   rounded Fargate size (`pricing::fargate::round_up`). The engine decides when tasks
//!   start, stop and are interrupted; each task is then billed by
//!   `pricing::fargate::FargateBilling` (per second from the start of its image pull —
//!   the engine's launch latency, `task_start_secs`, is billed — with a 1-minute minimum,
//!   15 minutes on Windows, storage above 20 GiB, Windows licence) at the on-demand or
//!   Fargate Spot rate; the rates are built in or given (`fargate_rates`). Fargate Spot tasks
//!   are interrupted by a hazard model (`fargate_spot_interruption_pct`, default
//!   [`DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT`] — AWS publishes no rate; see the constant)
//!   with the 2-minute warning (§2.6) and no first-hour refund (that rule is EC2's,
//!   §3.2); the replacement starts after `task_start_secs`. The mix splits each
//!   service's desired count with the ECS capacity-provider strategy (§6.5).
//! * **EC2 options** (§6.3–§6.4): all services' tasks are bin-packed (or spread) onto
//!   one node group per cluster — the instance size among the market's types that packs
//!   them cheapest at on-demand prices (a task larger than the smallest type runs on a
//!   larger one; see `compare::ec2`), giving the number of instances needed over time;
//!   the fleet maintains that count with on-demand instances (lowest on-demand price,
//!   balanced over AZs) or spot instances with any allocation strategy, replaying the
//!   spot price and capacity traces (or the built-in default traces, or, for
//!   `--instance-types` without `--prices`, the catalog's on-demand prices and the Spot
//!   Advisor's savings). EKS adds the control-plane fee (§6.1), kubelet reservations,
//!   the DaemonSet pods and max pods per node (`workload::packing::EksNodeConfig`: the
//!   VPC CNI ENI limit by default).
//!
//! Definitions of the columns (also in each report's assumptions):
//! * `task_restarts`: Fargate — interrupted tasks (each is replaced); EC2 — interrupted
//!   instances × the average tasks per instance over the horizon (an approximation:
//!   tasks are not tracked per instance).
//! * `unmet_task_hours`: Fargate — ∫ (desired − running tasks); EC2 — unmet
//!   instance-hours × average tasks per instance.
//! * `waste_usd`: Fargate — the cost of the rounding from the requested to the billed
//!   size; EC2 — the instance cost times the idle share of the dominant resource
//!   (1 − max(requested vCPU / instance vCPU, requested memory / instance memory)),
//!   counting reserved (agent/kubelet) resources as idle.
//! * `ondemand_baseline_usd` and `savings_vs_ondemand_pct`: **each option against its
//!   own platform's on-demand option for the same tasks over the same horizon**
//!   (`ondemand_baseline_option`): `fargate-spot` and `fargate-mix` against `fargate`,
//!   `ecs-ec2-spot` against `ecs-ec2-ondemand` (on the same node group), `eks-ec2-spot`
//!   against `eks-ec2-ondemand`; the on-demand options are their own baseline (savings
//!   exactly 0). Savings = `100 × (1 − cost / baseline)`. Why per platform rather than
//!   one cheapest on-demand option for all: the choice between platforms is the
//!   `total_cost_usd` and `savings_vs_most_expensive_pct` columns; the savings column
//!   answers what spot saves on the platform one has chosen, and mixing platforms in it
//!   would credit spot with the difference between, say, EKS's control-plane fee and
//!   Fargate's rates. `null` for an EC2 option without on-demand prices for the
//!   product's OS (warning `ondemand_os_mismatch`). The savings gate
//!   (`--fail-if-savings-below`) reads it for every option that is not its own baseline.
//! * `availability_pct` = 100 × delivered ÷ demanded task-hours, `delivered_task_hours`
//!   = task-hours − `unmet_task_hours`, `cost_per_delivered_task_hour_usd` = cost ÷
//!   delivered task-hours: read savings beside them.
//! * `break_even_restarts_per_1000_task_hours` (spot options): if each task restart
//!   wastes `restart_overhead_secs` of a task's work, spot costs as much per *useful*
//!   task-hour as its on-demand counterpart at `1000 × (1 − c_spot / c_od) / overhead_hours`
//!   restarts per 1000 task-hours, where `c` is cost per task-hour; above it, spot does
//!   not pay off. Compare with the observed `restarts_per_1000_task_hours`. With an
//!   overhead of 0 s no restart rate makes spot dearer: the break-even is `null`.

//!
//! **Telemetry** (`--metrics`, `--events`, alarms; [`CompareConfig::run_with_telemetry`]):
//! every option records the fleet metrics of `run` and Amazon ECS Container Insights'
//! task metrics (`DesiredTaskCount`, `RunningTaskCount`, `PendingTaskCount`;
//! `CpuReserved` in CPU units and `MemoryReserved` in MiB reserved by the running tasks
//! — Container Insights reports reservations, not percentages; `TaskRestarts`), by
//! `total|option|pool|type|az|service`. Fargate options replay their services' task
//! records in time order after the runs (each task one unit of capacity; `Cost`
//! accrues the task's rate while it runs and settles its bill when it stops). EC2
//! options observe the node group's fleet; tasks are not placed on instances, so each
//! service runs ⌊desired × running ÷ needed instances⌋ tasks (all of them while the
//! fleet holds its target), the rest pending, and an interrupted instance restarts
//! each service's share of its running tasks (running ÷ instances, rounded) — an
//! estimate, like `task_restarts`. EKS accrues the control-plane fee into `Cost` by
//! the second. Each option's `Cost` periods add up to its `total_cost_micro_usd`
//! exactly.

mod ec2;
mod fargate;
mod options;
mod report;
mod scenario;
mod telemetry;

pub use options::CompareOptions;
pub use report::{CompareProvenance, CompareReport, CostSplit, OptionReport};
pub use scenario::{CompareScenario, FARGATE_REGIONS};

use crate::catalog::OperatingSystem;
use crate::engine::HazardModel;
use crate::error::{ConfigError, Error};
use crate::market::Market;
use crate::money::Money;
use crate::pricing::eks::{self, EksSupport};
use crate::pricing::fargate::{
    CapacityProviderStrategy, FargateBilling, FargateRateOverride, FargateRates, FargateSpot,
    Platform,
};
use crate::report::{Warning, codes, r6};
use crate::strategy::StrategySpec;
use crate::telemetry::Observer;
use crate::time::{HOUR, SimTime};
use crate::workload::Service;
use crate::workload::packing::{EksNodeConfig, NodeReserve, Placement};
use ec2::NodeGroup;
use fargate::FargateKind;

/// Version of the compare JSON layout: the one version of every command's report.
pub use crate::report::SCHEMA_VERSION;

/// Hours in the month used for `monthly_cost_usd` (365 × 24 / 12, the convention of
/// AWS's calculator and infracost; the same month as the hazard model's).
pub const MONTH_HOURS: f64 = crate::hazard::MONTH_HOURS;

/// Parts per million: the resolution of the idle share that `waste_usd` charges.
pub(crate) const PPM: i128 = 1_000_000;

/// Default Fargate Spot interruption probability per task-month, percent. AWS publishes
/// no Fargate Spot interruption data (peers.md §14.7); the default is the midpoint of
/// the Spot Instance Advisor's regional `global_rate` band "<10%" (aws-facts.md §2.4),
/// a documented guess to be replaced by observations.
pub const DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT: f64 = 5.0;

/// Default seconds from a Fargate task's start request to running (image pull and
/// start). Billing runs from the start of the image pull (aws-facts.md §4.1), so these
/// seconds are billed: a task is billed from its request until it stops
/// ([`crate::pricing::fargate::billed_span`]).
pub const DEFAULT_TASK_START_SECS: i64 = 60;

/// Default work a task loses to a restart, seconds (startup, warm-up, in-flight work).
pub const DEFAULT_RESTART_OVERHEAD_SECS: i64 = 300;

/// The options `compare` knows, by their report names.
pub const OPTIONS: &[&str] = &[
    "fargate",
    "fargate-spot",
    "fargate-mix",
    "ecs-ec2-ondemand",
    "ecs-ec2-spot",
    "eks-ec2-ondemand",
    "eks-ec2-spot",
];

/// Everything a comparison needs.
#[derive(Clone, Debug)]
pub struct CompareConfig {
    /// The container services.
    pub services: Vec<Service>,
    /// Horizon start.
    pub start: SimTime,
    /// Horizon end.
    pub end: SimTime,
    /// Region of the Fargate rates.
    pub region: String,
    /// Fargate platform.
    pub platform: Platform,
    /// Fargate rates the user gives (for a region without built-in rates, or to replace
    /// built-in ones); see [`FargateRates::resolve`].
    pub fargate_rates: FargateRateOverride,
    /// Fargate billing minimums.
    pub fargate_billing: FargateBilling,
    /// Fargate Spot discount.
    pub fargate_spot: FargateSpot,
    /// Fargate Spot interruption probability per task-month, percent.
    pub fargate_spot_interruption_pct: f64,
    /// The FARGATE/FARGATE_SPOT mix.
    pub mix: CapacityProviderStrategy,
    /// Seconds from a Fargate task request to running (the image pull and start; billed).
    pub task_start_secs: i64,
    /// The EC2 market (pools with spot price and capacity traces).
    pub market: Market,
    /// Where the spot prices came from, for the report.
    pub spot_price_source: String,
    /// Spot allocation strategy of the EC2 spot options.
    pub ec2_strategy: StrategySpec,
    /// Interruption hazard of EC2 spot pools, if any (beyond capacity traces).
    pub ec2_hazard: Option<HazardModel>,
    /// Instance launch latency, seconds.
    pub launch_latency_secs: i64,
    /// Whether the EC2 pools carry on-demand prices for the market's product's
    /// operating system; without them the EC2 on-demand options cannot run and the EC2
    /// spot options have no baseline (warning `ondemand_os_mismatch`).
    pub ec2_ondemand_prices: bool,
    /// Whose on-demand prices the EC2 pools carry ([`crate::engine::FleetConfig::ondemand_os`]).
    pub ec2_ondemand_os: OperatingSystem,
    /// Task placement on EC2.
    pub placement: Placement,
    /// Per-instance reservation on ECS container instances.
    pub ecs_reserve: NodeReserve,
    /// EKS nodes: max pods per node and the DaemonSets on each (default: the VPC CNI's
    /// ENI limit, aws-node and kube-proxy).
    pub eks_node: EksNodeConfig,
    /// EKS support tier of the control plane.
    pub eks_support: EksSupport,
    /// Work lost per task restart, seconds (for the break-even rate).
    pub restart_overhead_secs: i64,
    /// Seed.
    pub seed: u64,
    /// Which options to run (names from [`OPTIONS`]), in order.
    pub options: Vec<String>,
    /// Extra assumptions to print (e.g. how the market was obtained).
    pub notes: Vec<String>,
    /// Warnings found while preparing the comparison (the report carries them).
    pub warnings: Vec<Warning>,
}

fn usd(m: Money) -> f64 {
    m.to_usd_f64()
}

/// What one option produced before the cross-option columns.
struct Raw {
    cost: Money,
    interruptions: u64,
    restarts: f64,
    unmet_task_secs: f64,
    waste: Money,
    waste_kind: &'static str,
    instance_secs: Option<i64>,
    control_plane: Option<Money>,
    sizes: Vec<String>,
    node_types: Vec<String>,
}

/// The on-demand option each option is measured against: its own platform's, for the
/// same tasks over the same horizon (see the module docs).
///
/// ```
/// use spotsim::compare::ondemand_baseline_option;
/// assert_eq!(ondemand_baseline_option("fargate-mix"), "fargate");
/// assert_eq!(ondemand_baseline_option("eks-ec2-spot"), "eks-ec2-ondemand");
/// assert_eq!(ondemand_baseline_option("ecs-ec2-ondemand"), "ecs-ec2-ondemand");
/// ```
pub fn ondemand_baseline_option(option: &str) -> &'static str {
    match option {
        "fargate" | "fargate-spot" | "fargate-mix" => "fargate",
        "ecs-ec2-ondemand" | "ecs-ec2-spot" => "ecs-ec2-ondemand",
        _ => "eks-ec2-ondemand",
    }
}

impl CompareConfig {
    /// Runs every configured option.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown option, a task size no Fargate platform offers,
    /// an unknown region or platform, a task that fits no instance, an empty horizon.
    pub fn run(&self) -> Result<CompareReport, Error> {
        self.run_with_telemetry(None)
    }

    /// [`CompareConfig::run`] with telemetry: each option's run is observed by
    /// `session` (subject `Option`; the metrics are in the module docs), and its report carries its alarms and service map (`telemetry`).
    /// Without a session, exactly [`CompareConfig::run`].
    ///
    /// # Errors
    /// As [`CompareConfig::run`]; [`Error::Output`] for a telemetry file.
    pub fn run_with_telemetry(
        &self,
        session: Option<&mut crate::telemetry::TelemetrySession>,
    ) -> Result<CompareReport, Error> {
        self.run_observed(session, None)
    }

    /// [`CompareConfig::run_with_telemetry`] with one more observer per option, handed
    /// out by `extra` (e.g. the HTML page's running-tasks chart,
    /// [`crate::report::html::TaskCharts`]); the report is the same with or without it.
    ///
    /// # Errors
    /// As [`CompareConfig::run_with_telemetry`].
    pub fn run_observed(
        &self,
        mut session: Option<&mut crate::telemetry::TelemetrySession>,
        mut extra: Option<&mut dyn crate::telemetry::ObserverPerRun>,
    ) -> Result<CompareReport, Error> {
        if self.options.iter().any(|o| o.starts_with("fargate")) {
            self.fargate_rates()?;
        }
        if self.services.is_empty() {
            return Err(ConfigError::new(
                "tasks",
                "no services: give --tasks or [[service]] tables",
            )
            .into());
        }
        if self.start >= self.end {
            return Err(ConfigError::new("hours", "the horizon is empty").into());
        }
        for s in &self.services {
            s.validate()?;
        }
        for o in &self.options {
            if !OPTIONS.contains(&o.as_str()) {
                return Err(ConfigError::new(
                    "options",
                    format!("unknown option `{o}`; valid: {}", OPTIONS.join(", ")),
                )
                .into());
            }
        }
        let task_secs: u128 = self
            .services
            .iter()
            .map(|s| s.task_seconds(self.start, self.end).map(u128::from))
            .sum::<Result<u128, Error>>()?;
        if task_secs == 0 {
            return Err(ConfigError::new("tasks", "zero task-hours over the horizon").into());
        }
        let wants = |cluster: &str| {
            self.options
                .iter()
                .any(|o| ondemand_baseline_option(o).starts_with(cluster))
        };
        let ecs_group = if wants("ecs") {
            Some(self.node_group(false)?)
        } else {
            None
        };
        let eks_group = if wants("eks") {
            Some(self.node_group(true)?)
        } else {
            None
        };
        let group = |eks: bool| -> Result<&NodeGroup, Error> {
            let g = if eks { &eks_group } else { &ecs_group };
            g.as_ref().ok_or_else(|| {
                ConfigError::new("options", "internal: no node group for the cluster").into()
            })
        };
        let run_observed = |o: &str, obs: Option<&mut dyn Observer>| -> Result<Raw, Error> {
            match o {
                "fargate" => self.fargate(FargateKind::OnDemand, obs),
                "fargate-spot" => self.fargate(FargateKind::Spot, obs),
                "fargate-mix" => self.fargate(FargateKind::Mix, obs),
                "ecs-ec2-ondemand" => self.ec2(group(false)?, false, false, obs),
                "ecs-ec2-spot" => self.ec2(group(false)?, true, false, obs),
                "eks-ec2-ondemand" => self.ec2(group(true)?, false, true, obs),
                _ => self.ec2(group(true)?, true, true, obs),
            }
        };
        let run_option = |o: &str| run_observed(o, None);
        let mut raws: Vec<(String, Raw)> = Vec::new();
        let mut telemetry: Vec<Option<crate::telemetry::TelemetryReport>> = Vec::new();
        for o in &self.options {
            let mut more = extra.as_deref_mut().map(|e| e.for_run(o));
            match session.as_deref_mut() {
                Some(s) => {
                    let (raw, t) = s.observe(o, |obs| match more.as_deref_mut() {
                        Some(m) => run_observed(o, Some(&mut (obs, m))),
                        None => run_observed(o, Some(obs)),
                    })?;
                    raws.push((o.clone(), raw));
                    telemetry.push(Some(t));
                }
                None => {
                    let raw = run_observed(o, more)?;
                    raws.push((o.clone(), raw));
                    telemetry.push(None);
                }
            }
        }
        let hours = self.end.since(self.start) as f64 / HOUR as f64;
        let task_hours = task_secs as f64 / HOUR as f64;
        let max = raws
            .iter()
            .map(|(_, r)| r.cost)
            .max()
            .unwrap_or(Money::ZERO);
        let per_task_hour = |m: Money| {
            if task_hours > 0.0 {
                usd(m) / task_hours
            } else {
                0.0
            }
        };
        // No overhead: a restart loses no work, so spot never stops paying off — the
        // break-even is unbounded and reported as null (never computed as if 1 s).
        let overhead_h = (self.restart_overhead_secs > 0)
            .then(|| self.restart_overhead_secs as f64 / HOUR as f64);
        let mut options = Vec::new();
        let mut warnings = self.warnings.clone();
        for ((name, r), telemetry) in raws.iter().zip(telemetry) {
            let against = ondemand_baseline_option(name);
            let own = against == name.as_str();
            let known = against.starts_with("fargate") || self.ec2_ondemand_prices;
            let od_cost: Option<Money> = if !known {
                None
            } else if own {
                Some(r.cost)
            } else {
                match raws.iter().find(|(n, _)| n == against) {
                    Some((_, c)) => Some(c.cost),
                    None => Some(run_option(against)?.cost),
                }
            };
            let savings_vs_ondemand = if own && known {
                Some(0.0)
            } else {
                crate::engine::savings_pct(r.cost, od_cost).map(r6)
            };
            let break_even = od_cost.filter(|_| !own).zip(overhead_h).map(|(od, h)| {
                let ratio = r.cost.ratio(od);
                r6((1000.0 * (1.0 - ratio) / h).max(0.0))
            });
            let delivered = (task_hours - r.unmet_task_secs / HOUR as f64).max(0.0);
            let availability = if task_hours > 0.0 {
                (delivered / task_hours).min(1.0)
            } else {
                1.0
            };
            if let Some(w) = crate::scenario::checks::low_availability(
                name,
                availability,
                delivered,
                task_hours,
                "task-hours",
            ) {
                warnings.push(w);
            }
            options.push(OptionReport {
                option: name.clone(),
                total_cost_usd: usd(r.cost),
                total_cost_micro_usd: r.cost.micro_usd() as i64,
                monthly_cost_usd: r6(usd(r.cost) / hours * MONTH_HOURS),
                cost_per_task_hour_usd: r6(per_task_hour(r.cost)),
                ondemand_baseline_option: against.to_string(),
                ondemand_baseline_usd: od_cost.map(usd),
                savings_vs_ondemand_pct: savings_vs_ondemand,
                availability_pct: r6(100.0 * availability),
                delivered_task_hours: r6(delivered),
                cost_per_delivered_task_hour_usd: (delivered > 0.0)
                    .then(|| r6(usd(r.cost) / delivered)),
                savings_vs_most_expensive_pct: if max == Money::ZERO {
                    0.0
                } else {
                    r6(100.0 * (max - r.cost).ratio(max))
                },
                interruptions: r.interruptions,
                task_restarts: r6(r.restarts),
                restarts_per_1000_task_hours: if delivered > 0.0 {
                    r6(1000.0 * r.restarts / delivered)
                } else {
                    0.0
                },
                unmet_task_hours: r6(r.unmet_task_secs / HOUR as f64),
                waste_usd: usd(r.waste),
                waste_pct: if r.cost == Money::ZERO {
                    0.0
                } else {
                    r6(100.0 * r.waste.ratio(r.cost))
                },
                waste_kind: r.waste_kind.to_string(),
                instance_hours: r.instance_secs.map(|s| r6(s as f64 / HOUR as f64)),
                control_plane_usd: r.control_plane.map(usd),
                break_even_restarts_per_1000_task_hours: break_even,
                break_even_against: break_even.map(|_| against.to_string()),
                fargate_sizes: r.sizes.clone(),
                node_types: r.node_types.clone(),
                telemetry,
            });
        }
        for (cluster, g) in [("ECS", &ecs_group), ("EKS", &eks_group)] {
            if let Some(g) = g.as_ref().filter(|g| !g.left_out.is_empty()) {
                warnings.push(Warning::new(
                    codes::INSTANCE_TYPES_LEFT_OUT,
                    format!(
                        "EC2 {cluster}: nodes are {} (the size that packs the tasks cheapest at {}); left out {} (one size per node group, aws-facts.md §6.3)",
                        g.names().join(", "),
                        g.ranked_at.1,
                        g.left_out.join(", ")
                    ),
                ));
            }
        }
        Ok(CompareReport {
            schema_version: SCHEMA_VERSION,
            start: self.start,
            end: self.end,
            hours: r6(hours),
            task_hours: r6(task_hours),
            region: self.region.clone(),
            platform: self.platform.to_string(),
            spot_prices: self.spot_price_source.clone(),
            services: self.services.clone(),
            options,
            warnings,
            provenance: CompareProvenance {
                spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
                inputs: self.market.sources().to_vec(),
                seed: self.seed,
                pools: self.market.pools().len(),
                ec2_strategy: self.ec2_strategy.to_string(),
                assumptions: self
                    .assumptions(ecs_group.as_ref(), eks_group.as_ref())
                    .iter()
                    .map(|a| crate::rules::localize(a))
                    .collect(),
            },
        })
    }

    /// The Fargate on-demand rates: built in, or given ([`CompareConfig::fargate_rates`]).
    ///
    /// # Errors
    /// [`ConfigError`] for a region without built-in rates whose rates are not given.
    pub fn fargate_rates(&self) -> Result<FargateRates, ConfigError> {
        FargateRates::resolve(&self.region, self.platform, &self.fargate_rates)
            .map_err(ConfigError::from)
    }

    fn assumptions(&self, ecs: Option<&NodeGroup>, eks: Option<&NodeGroup>) -> Vec<String> {
        let mut a = vec![
            format!(
                "Fargate: {} in {} at {}; tasks billed per second with the {} s minimum{}, storage above 20 GiB, from the start of the image pull (aws-facts.md §4.1): the {} s task start is billed",
                self.platform,
                self.region,
                match self.fargate_rates() {
                    Ok(r) => format!(
                        "${} per vCPU-h and ${} per GB-h ({})",
                        r.per_vcpu_hour, r.per_gb_hour, r.source
                    ),
                    Err(e) => format!("no rates ({e})"),
                },
                self.fargate_billing.minimum_secs(self.platform),
                if self.platform == Platform::Windows {
                    " (Windows: aws-facts.md §4.6's 15 minutes, unconfirmed there, unless set)"
                } else {
                    ""
                },
                self.task_start_secs
            ),
            format!(
                "Fargate Spot: {} % off the vCPU and memory rates (aws-facts.md §4.3: the one observed rate; AWS advertises up to 70 %); {} % of tasks interrupted per task-month (exponential; AWS publishes no rate), with the 2-minute warning and no first-hour refund",
                self.fargate_spot.discount_pct, self.fargate_spot_interruption_pct
            ),
            format!(
                "fargate-mix: capacity-provider strategy {}",
                self.mix_description()
            ),
            format!(
                "EC2: tasks {} onto one node group per cluster, the instance size that packs them cheapest at {} among the market's types (a task larger than the smallest type runs on a larger one){}, instances maintained by the fleet; ECS reserves {} millicores and {} MiB per instance; EKS reserves the kubelet's share (EKS optimized AMI) and the DaemonSets' requests; {}; the EKS control plane costs ${} per cluster-hour (aws-facts.md §6.1)",
                match self.placement {
                    Placement::Binpack => "bin-packed".to_string(),
                    Placement::Spread { zones } => format!("spread over {zones} zones"),
                },
                if self.ec2_ondemand_prices {
                    "on-demand prices"
                } else {
                    "spot prices (no on-demand prices for the product's OS)"
                },
                [("ECS", ecs), ("EKS", eks)]
                    .iter()
                    .filter_map(|(c, g)| g.map(|g| format!(
                        "; {c}: {} ({} vCPU / {} MiB; each node offers {})",
                        g.names().join(", "),
                        g.types[0].vcpu,
                        g.types[0].memory_mib,
                        g.alloc
                    )))
                    .collect::<String>(),
                self.ecs_reserve.cpu_millis,
                self.ecs_reserve.memory_mib,
                self.eks_node.describe(),
                eks::fee_rate(self.eks_support, self.start)
            ),
            "on-demand baseline: each option is measured against its own platform's on-demand option for the same tasks over the same horizon — fargate-spot and fargate-mix against fargate, ecs-ec2-spot against ecs-ec2-ondemand, eks-ec2-spot against eks-ec2-ondemand; the on-demand options are their own baseline (savings 0); savings_vs_ondemand_pct = 100 × (1 − cost / baseline), shown beside availability (delivered ÷ demanded task-hours)".to_string(),
            format!(
                "EC2 spot: strategy {}; on-demand options use the lowest on-demand price, balanced over zones",
                self.ec2_strategy
            ),
            if self.restart_overhead_secs > 0 {
                format!(
                    "task restarts on EC2 = interrupted instances × average tasks per instance; break-even assumes each restart loses {} s of a task's work",
                    self.restart_overhead_secs
                )
            } else {
                "task restarts on EC2 = interrupted instances × average tasks per instance; restarts lose no work (overhead 0 s), so no restart rate makes spot dearer: break-even is null".to_string()
            },
        ];
        // The EC2 spot options' max price: AWS's default, as `run` prints it.
        let mut fleet = crate::engine::FleetConfig::new(crate::engine::Target::Constant(1));
        fleet.ondemand_os = self.ec2_ondemand_os.clone();
        if let Ok(m) = fleet.resolve_max_prices(&self.market) {
            a.push(format!("EC2 spot {}", m.assumption));
        }
        a.extend(self.notes.iter().cloned());
        a
    }

    /// Each service's desired count changes over the horizon, sorted by time.
    ///
    /// # Errors
    /// A service whose desired count cannot be materialised.
    pub(crate) fn desired_changes(&self) -> Result<telemetry::DesiredChanges, Error> {
        let mut v = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let trace = s.desired_trace(self.start, self.end)?;
            for (t, d) in trace.times().iter().zip(trace.values()) {
                v.push((SimTime(*t).max(self.start), i as u32, *d));
            }
        }
        v.sort_by_key(|&(t, s, _)| (t, s));
        Ok(v)
    }

    fn mix_description(&self) -> String {
        self.mix
            .items()
            .iter()
            .map(|i| format!("{} base {} weight {}", i.provider, i.base, i.weight))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
