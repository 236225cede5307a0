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
//! * **EC2 options** (§6.3–§6.4): all services' tasks are bin-packed (or spread) onto the
//!   smallest instance type of the market (`workload::packing`), giving the number of
//!   instances needed over time; the fleet maintains that count with on-demand
//!   instances (lowest on-demand price, balanced over AZs) or spot instances with any
//!   allocation strategy, replaying the spot price and capacity traces (or the built-in
//!   default traces). EKS adds the control-plane fee (§6.1), kubelet reservations, the DaemonSet pods
//!   and max pods per node (`workload::packing::EksNodeConfig`: the VPC CNI ENI limit by default).
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
//! * `savings_vs_ondemand_pct` (spot options): `100 × (1 − c_spot / c_od)` with the
//!   costs of the option and of its on-demand counterpart (`break_even_against`) for
//!   the same tasks; `null` for the on-demand options.
//! * `break_even_restarts_per_1000_task_hours` (spot options): if each task restart
//!   wastes `restart_overhead_secs` of a task's work, spot costs as much per *useful*
//!   task-hour as its on-demand counterpart at `1000 × (1 − c_spot / c_od) / overhead_hours`
//!   restarts per 1000 task-hours, where `c` is cost per task-hour; above it, spot does
//!   not pay off. Compare with the observed `restarts_per_1000_task_hours`.

mod report;
mod scenario;

pub use report::{CompareProvenance, CompareReport, OptionReport};
pub use scenario::{CompareOptions, CompareScenario, FARGATE_REGIONS};

use crate::catalog::{Arch, InstanceType};
use crate::engine::{
    EndReason, FleetConfig, HazardModel, MaxPrice, OnDemandSplit, Outcome, Simulation, Target,
};
use crate::error::{ConfigError, Error};
use crate::market::{Market, Pool, PriceTrace, Zone};
use crate::money::{Money, NANO_PER_USD, Rate};
use crate::pricing::eks::{self, EksSupport};
use crate::pricing::fargate::{
    self, CapacityProviderStrategy, FargateBilling, FargateRateOverride, FargateRates, FargateSpot,
    Orchestrator, Platform, TaskSize,
};
use crate::report::{Warning, r6};
use crate::strategy::{LowestPrice, StrategySpec};
use crate::time::{HOUR, SimTime};
use crate::workload::packing::{Allocatable, EksNodeConfig, NodeReserve, PackingPlan, Placement};
use crate::workload::{Service, reference_node_type};

/// Version of the compare JSON layout: the one version of every command's report.
pub use crate::report::SCHEMA_VERSION;

/// Hours in the month used for `monthly_cost_usd` (365 × 24 / 12, the convention of
/// AWS's calculator and infracost; the same month as the hazard model's).
pub const MONTH_HOURS: f64 = crate::hazard::MONTH_HOURS;

/// Parts per million: the resolution of the idle share that `waste_usd` charges.
const PPM: i128 = 1_000_000;

/// Default Fargate Spot interruption probability per task-month, percent. AWS publishes
/// no Fargate Spot interruption data (peers.md §14.7); the default is the midpoint of
/// the Spot Instance Advisor's regional `global_rate` band "<10%" (aws-facts.md §2.4),
/// a documented guess to be replaced by observations.
pub const DEFAULT_FARGATE_SPOT_INTERRUPTION_PCT: f64 = 5.0;

/// Default seconds from a Fargate task's start request to running (image pull and
/// start). Billing runs from the start of the image pull (aws-facts.md §4.1), so these
/// seconds are billed: a task is billed from its request until it stops
/// ([`fargate::billed_span`]).
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
}

impl CompareConfig {
    /// Runs every configured option.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown option, a task size no Fargate platform offers,
    /// an unknown region or platform, a task that fits no instance, an empty horizon.
    pub fn run(&self) -> Result<CompareReport, Error> {
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
        let node = self.node_type()?;
        let mut raws: Vec<(String, Raw)> = Vec::new();
        for o in &self.options {
            let raw = match o.as_str() {
                "fargate" => self.fargate(FargateKind::OnDemand)?,
                "fargate-spot" => self.fargate(FargateKind::Spot)?,
                "fargate-mix" => self.fargate(FargateKind::Mix)?,
                "ecs-ec2-ondemand" => self.ec2(&node, false, false)?,
                "ecs-ec2-spot" => self.ec2(&node, true, false)?,
                "eks-ec2-ondemand" => self.ec2(&node, false, true)?,
                _ => self.ec2(&node, true, true)?,
            };
            raws.push((o.clone(), raw));
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
        let counterpart = |name: &str| -> Option<&'static str> {
            match name {
                "fargate-spot" | "fargate-mix" => Some("fargate"),
                "ecs-ec2-spot" => Some("ecs-ec2-ondemand"),
                "eks-ec2-spot" => Some("eks-ec2-ondemand"),
                _ => None,
            }
        };
        let overhead_h = self.restart_overhead_secs.max(1) as f64 / HOUR as f64;
        let mut options = Vec::new();
        for (name, r) in &raws {
            let against = counterpart(name);
            let od_cost = against.and_then(|a| {
                raws.iter()
                    .find(|(n, _)| n == a)
                    .map(|(_, r)| r.cost)
                    .or_else(|| self.counterpart_cost(a, &node).ok())
            });
            let savings_vs_ondemand = od_cost.map(|od| r6(100.0 * (od - r.cost).ratio(od)));
            let break_even = od_cost.map(|od| {
                let ratio = r.cost.ratio(od);
                r6((1000.0 * (1.0 - ratio) / overhead_h).max(0.0))
            });
            let delivered = (task_hours - r.unmet_task_secs / HOUR as f64).max(0.0);
            options.push(OptionReport {
                option: name.clone(),
                total_cost_usd: usd(r.cost),
                total_cost_micro_usd: r.cost.micro_usd() as i64,
                monthly_cost_usd: r6(usd(r.cost) / hours * MONTH_HOURS),
                cost_per_task_hour_usd: r6(per_task_hour(r.cost)),
                savings_vs_most_expensive_pct: if max == Money::ZERO {
                    0.0
                } else {
                    r6(100.0 * (max - r.cost).ratio(max))
                },
                savings_vs_ondemand_pct: savings_vs_ondemand,
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
                break_even_against: against.filter(|_| break_even.is_some()).map(str::to_string),
                fargate_sizes: r.sizes.clone(),
            });
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
            warnings: self.warnings.clone(),
            provenance: CompareProvenance {
                spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
                inputs: self.market.sources().to_vec(),
                seed: self.seed,
                pools: self.market.pools().len(),
                ec2_strategy: self.ec2_strategy.to_string(),
                node_type: node.name.clone(),
                assumptions: self
                    .assumptions(&node)
                    .iter()
                    .map(|a| crate::rules::localize(a))
                    .collect(),
            },
        })
    }

    fn node_type(&self) -> Result<InstanceType, ConfigError> {
        let types: Vec<InstanceType> = self
            .market
            .pools()
            .iter()
            .map(|p| p.instance_type.clone())
            .collect();
        reference_node_type(&types)
            .cloned()
            .ok_or_else(|| ConfigError::new("instance-types", "the EC2 market has no pools"))
    }

    /// The Fargate on-demand rates: built in, or given ([`CompareConfig::fargate_rates`]).
    ///
    /// # Errors
    /// [`ConfigError`] for a region without built-in rates whose rates are not given.
    pub fn fargate_rates(&self) -> Result<FargateRates, ConfigError> {
        FargateRates::resolve(&self.region, self.platform, &self.fargate_rates)
            .map_err(ConfigError::from)
    }

    /// The cost of an on-demand counterpart that was not among the options run.
    fn counterpart_cost(&self, name: &str, node: &InstanceType) -> Result<Money, Error> {
        Ok(match name {
            "fargate" => self.fargate(FargateKind::OnDemand)?.cost,
            "ecs-ec2-ondemand" => self.ec2(node, false, false)?.cost,
            _ => self.ec2(node, false, true)?.cost,
        })
    }

    fn fargate(&self, kind: FargateKind) -> Result<Raw, Error> {
        let od_rates = self.fargate_rates()?;
        let spot_rates = if kind == FargateKind::OnDemand {
            None
        } else {
            FargateSpot::check(self.platform, Orchestrator::Ecs).map_err(ConfigError::from)?;
            Some(
                self.fargate_spot
                    .rates(&od_rates)
                    .map_err(ConfigError::from)?,
            )
        };
        let mut raw = Raw {
            cost: Money::ZERO,
            interruptions: 0,
            restarts: 0.0,
            unmet_task_secs: 0.0,
            waste: Money::ZERO,
            waste_kind: "fargate-rounding",
            instance_secs: None,
            control_plane: None,
            sizes: Vec::new(),
        };
        for s in &self.services {
            let req = s.task();
            let size = fargate::round_up(req, self.platform, Orchestrator::Ecs)
                .map_err(ConfigError::from)?;
            raw.sizes.push(format!("{}: {size}", s.name));
            let desired = s.desired_trace(self.start, self.end)?;
            let max_desired = desired.values().iter().copied().max().unwrap_or(0);
            let market = self.fargate_market(s, size, &od_rates, spot_rates.as_ref());
            let mut cfg = FleetConfig::new(Target::Trace(desired));
            cfg.start = Some(self.start);
            cfg.end = Some(self.end);
            cfg.launch_latency_secs = self.task_start_secs;
            cfg.seed = self.seed;
            cfg.record_instances = true;
            cfg.first_hour_refund = false;
            // Fargate Spot has no max price (aws-facts.md §4.3): never capped.
            cfg.max_price = Some(MaxPrice::NoCap);
            match kind {
                FargateKind::OnDemand => {
                    cfg.ondemand = OnDemandSplit {
                        base: 0,
                        above_base_pct: 100,
                    }
                }
                FargateKind::Spot => {}
                FargateKind::Mix => {
                    cfg.ondemand_table =
                        Some((0..=max_desired).map(|d| self.mix.split(d).0).collect());
                }
            }
            if kind != FargateKind::OnDemand {
                cfg.hazard = Some(crate::hazard::uniform(
                    &market,
                    self.fargate_spot_interruption_pct,
                )?);
            }
            let out = Simulation::new(&market, cfg, LowestPrice::keep_running()).run()?;
            for r in &out.instances {
                // Billed from the start of the image pull (the request; the engine's
                // launch latency is the pull and start) until the task stops, §4.1.
                let secs = fargate::billed_span(r.launched_at, r.ended_at);
                let rates = match r.option {
                    crate::pricing::PurchaseOption::Spot => {
                        spot_rates.as_ref().unwrap_or(&od_rates)
                    }
                    crate::pricing::PurchaseOption::OnDemand => &od_rates,
                };
                raw.cost += self
                    .fargate_billing
                    .task_charge(size, rates, secs, s.ephemeral_gib);
                raw.waste += self
                    .fargate_billing
                    .requested_vs_billed_waste(req, size, rates, secs);
                if r.reason.by_aws() && r.reason != EndReason::LaunchFailed {
                    raw.interruptions += 1;
                    raw.restarts += 1.0;
                }
            }
            raw.unmet_task_secs += out.unmet_unit_secs as f64;
        }
        Ok(raw)
    }

    /// A one-pool market standing for one service on Fargate: its "instance type" is a
    /// task of the rounded size, priced per hour at the on-demand rate, with a constant
    /// spot price (the engine's prices only order pools; tasks are billed from the
    /// records by `FargateBilling`).
    fn fargate_market(
        &self,
        s: &Service,
        size: TaskSize,
        od: &FargateRates,
        spot: Option<&FargateRates>,
    ) -> Market {
        let units_per_nano = Money::UNITS_PER_USD / i128::from(NANO_PER_USD);
        let hourly = |r: &FargateRates| {
            Rate::from_nano_usd((r.hourly(size).units() / units_per_nano) as i64)
        };
        let it = InstanceType {
            name: format!("fargate {} ({size})", s.name),
            vcpu: size.cpu_units.div_ceil(1024),
            memory_mib: size.memory_mib,
            arch: if self.platform == Platform::LinuxArm {
                Arch::Arm64
            } else {
                Arch::X86_64
            },
            ondemand: hourly(od),
        };
        let spot_price = spot.map_or(hourly(od), hourly);
        let price =
            PriceTrace::new(vec![self.start.secs()], vec![spot_price]).unwrap_or_else(|_| {
                // A single change point is always strictly increasing.
                unreachable!()
            });
        Market::new(
            vec![Pool {
                instance_type: it,
                zone: Zone::Name(format!("{} fargate", self.region)),
                weight: 1,
            }],
            vec![price],
            vec![None],
            "Linux/UNIX",
        )
    }

    fn ec2(&self, node: &InstanceType, spot: bool, eks_cluster: bool) -> Result<Raw, Error> {
        let reserve = if eks_cluster {
            self.eks_node.reserve(node)?
        } else {
            self.ecs_reserve
        };
        let alloc: Allocatable = reserve.allocatable(node)?;
        let plan = PackingPlan::new(&self.services, alloc, self.placement, self.start, self.end)?;
        let mut cfg = FleetConfig::new(Target::Trace(plan.instances_trace().clone()));
        cfg.start = Some(self.start);
        cfg.end = Some(self.end);
        cfg.launch_latency_secs = self.launch_latency_secs;
        cfg.seed = self.seed;
        let out: Outcome = if spot {
            cfg.hazard = self.ec2_hazard.clone();
            let strategy = self.ec2_strategy.build(&[]);
            Simulation::new(&self.market, cfg, strategy).run()?
        } else {
            cfg.ondemand = OnDemandSplit {
                base: 0,
                above_base_pct: 100,
            };
            Simulation::new(&self.market, cfg, LowestPrice::default()).run()?
        };
        let totals = plan.totals();
        let cost: Money = out
            .spot
            .iter()
            .chain(out.ondemand.iter())
            .map(|t| t.cost)
            .sum();
        let instance_secs: i64 = out
            .spot
            .iter()
            .chain(out.ondemand.iter())
            .map(|t| t.run_secs)
            .sum();
        let interruptions: u64 = out.spot.iter().map(|t| t.interruptions).sum();
        let tasks_per_instance = if totals.instance_seconds == 0 {
            0.0
        } else {
            totals.task_seconds as f64 / totals.instance_seconds as f64
        };
        // Idle share of the dominant resource, against the instances' whole capacity.
        let cap_cpu = totals.instance_seconds as f64
            * f64::from(node.vcpu)
            * f64::from(crate::workload::MILLICORES_PER_VCPU);
        let cap_mem = totals.instance_seconds as f64 * node.memory_mib as f64;
        let used = if cap_cpu > 0.0 && cap_mem > 0.0 {
            (totals.requested_cpu_milli_seconds as f64 / cap_cpu)
                .max(totals.requested_memory_mib_seconds as f64 / cap_mem)
        } else {
            0.0
        };
        let idle_ppm = ((1.0 - used.min(1.0)) * PPM as f64).round() as i128;
        let waste = Money::from_units(cost.units() * idle_ppm / PPM);
        let control_plane = eks_cluster
            .then(|| eks::control_plane_charge(self.eks_support, 1, self.start, self.end));
        Ok(Raw {
            cost: cost + control_plane.unwrap_or(Money::ZERO),
            interruptions,
            restarts: interruptions as f64 * tasks_per_instance,
            unmet_task_secs: out.unmet_unit_secs as f64 * tasks_per_instance,
            waste,
            waste_kind: "idle-ec2-capacity",
            instance_secs: Some(instance_secs),
            control_plane,
            sizes: Vec::new(),
        })
    }

    fn assumptions(&self, node: &InstanceType) -> Vec<String> {
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
                "EC2: tasks {} onto {} ({} vCPU / {} MiB; the smallest type in the market), instances maintained by the fleet; ECS reserves {} millicores and {} MiB per instance; EKS reserves the kubelet's share (EKS optimized AMI) and the DaemonSets' requests; {}; the EKS control plane costs ${} per cluster-hour (aws-facts.md §6.1)",
                match self.placement {
                    Placement::Binpack => "bin-packed".to_string(),
                    Placement::Spread { zones } => format!("spread over {zones} zones"),
                },
                node.name,
                node.vcpu,
                node.memory_mib,
                self.ecs_reserve.cpu_millis,
                self.ecs_reserve.memory_mib,
                self.eks_node.describe(),
                eks::fee_rate(self.eks_support, self.start)
            ),
            format!(
                "EC2 spot: strategy {}; on-demand options use the lowest on-demand price, balanced over zones",
                self.ec2_strategy
            ),
            format!(
                "task restarts on EC2 = interrupted instances × average tasks per instance; break-even assumes each restart loses {} s of a task's work",
                self.restart_overhead_secs
            ),
        ];
        a.extend(self.notes.iter().cloned());
        a
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FargateKind {
    OnDemand,
    Spot,
    Mix,
}
