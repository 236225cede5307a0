//! `compare`'s EC2 options: the node group each cluster runs on, and the fleet that
//! keeps the instances the packed tasks need.
//!
//! **Node group.** A node group's instance types share one vCPU and memory size
//! (aws-facts.md §6.3). Among the market's sizes, each cluster (ECS, EKS) takes the one
//! whose packing of the tasks costs least **at on-demand prices**: for each size, the
//! tasks are packed ([`PackingPlan`]) onto what every type of that size offers (the
//! smallest allocatable CPU, memory and task limit among them, after the cluster's
//! reservations: the ECS agent's, or the kubelet's, the DaemonSets' and max pods on
//! EKS), and the plan's instance-seconds are priced at the cheapest on-demand price of
//! the size. Sizes a task does not fit are skipped, so a task larger than the smallest
//! type still runs on a larger one. Ties go to the smaller size. The cluster's
//! on-demand and spot options run on the same group, so the savings of one against the
//! other are for the same instances. Without on-demand prices for the product's OS
//! (`ondemand_os_mismatch`), the plan's instance-seconds are priced at each size's
//! lowest spot price at the horizon's start instead (said in the assumptions).

use super::telemetry::PackedTasks;
use super::{CompareConfig, Raw};
use crate::catalog::InstanceType;
use crate::engine::{FleetConfig, HazardModel, OnDemandSplit, Outcome, Simulation, Target};
use crate::error::{ConfigError, Error};
use crate::market::{Market, PoolId};
use crate::money::{Money, Rate};
use crate::pricing::eks;
use crate::strategy::LowestPrice;
use crate::telemetry::{Observer, TaskService};
use crate::workload::packing::{Allocatable, PackingPlan};

/// The instances one cluster runs on.
#[derive(Clone, Debug)]
pub(super) struct NodeGroup {
    /// The group's types (one size), in market order.
    pub types: Vec<InstanceType>,
    /// What every node offers the tasks (the smallest among the types).
    pub alloc: Allocatable,
    /// The tasks packed onto it.
    pub plan: PackingPlan,
    /// The market's pools of those types.
    pub market: Market,
    /// The hazard of those pools.
    pub hazard: Option<HazardModel>,
    /// The market's other types, left out of the group.
    pub left_out: Vec<String>,
    /// The price per instance-hour the ranking used, and what it was.
    pub ranked_at: (Rate, &'static str),
}

impl NodeGroup {
    /// The group's type names, comma-separated.
    pub fn names(&self) -> Vec<String> {
        self.types.iter().map(|t| t.name.clone()).collect()
    }
}

impl CompareConfig {
    /// The node group of the ECS (`eks` false) or EKS cluster (module docs).
    ///
    /// # Errors
    /// [`Error::Config`] when no type of the market can run the tasks (naming why the
    /// last one could not), or the services are invalid.
    pub(super) fn node_group(&self, eks: bool) -> Result<NodeGroup, Error> {
        let mut sizes: Vec<((u32, u32), Vec<InstanceType>)> = Vec::new();
        let mut size_unknown: Vec<String> = Vec::new();
        for p in self.market.pools() {
            let t = &p.instance_type;
            if !t.size_known() {
                if !size_unknown.contains(&t.name) {
                    size_unknown.push(t.name.clone());
                }
                continue;
            }
            let key = (t.vcpu, t.memory_mib);
            match sizes.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => {
                    if !v.iter().any(|x| x.name == t.name) {
                        v.push(t.clone());
                    }
                }
                None => sizes.push((key, vec![t.clone()])),
            }
        }
        let mut last_err: Option<Error> = None;
        let mut best: Option<(u128, (u32, u32), NodeGroup)> = None;
        for (size, types) in sizes {
            let mut usable: Vec<InstanceType> = Vec::new();
            let mut alloc: Option<Allocatable> = None;
            for t in &types {
                let reserve = if eks {
                    self.eks_node.reserve(t)
                } else {
                    Ok(self.ecs_reserve)
                };
                match reserve.and_then(|r| r.allocatable(t)) {
                    Ok(a) => {
                        alloc = Some(match alloc {
                            None => a,
                            Some(b) => Allocatable {
                                cpu_millis: a.cpu_millis.min(b.cpu_millis),
                                memory_mib: a.memory_mib.min(b.memory_mib),
                                max_tasks: match (a.max_tasks, b.max_tasks) {
                                    (Some(x), Some(y)) => Some(x.min(y)),
                                    (x, y) => x.or(y),
                                },
                            },
                        });
                        usable.push(t.clone());
                    }
                    Err(e) => last_err = Some(e.into()),
                }
            }
            let Some(alloc) = alloc else { continue };
            let plan =
                match PackingPlan::new(&self.services, alloc, self.placement, self.start, self.end)
                {
                    Ok(p) => p,
                    Err(e) => {
                        last_err = Some(e);
                        continue;
                    }
                };
            let names: Vec<&str> = usable.iter().map(|t| t.name.as_str()).collect();
            let keep = |p: &crate::market::Pool| names.contains(&p.instance_type.name.as_str());
            let ranked_at = if self.ec2_ondemand_prices {
                usable
                    .iter()
                    .map(|t| t.ondemand)
                    .min()
                    .map(|r| (r, "on-demand prices"))
            } else {
                self.market
                    .pools()
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| keep(p))
                    .filter_map(|(i, _)| {
                        self.market
                            .price_trace(PoolId(i as u32))
                            .price_at(self.start)
                    })
                    .min()
                    .map(|r| {
                        (
                            r,
                            "the lowest spot price of the size at the start (no on-demand prices)",
                        )
                    })
            };
            let Some(ranked_at) = ranked_at else { continue };
            let cost = u128::try_from(ranked_at.0.nano_usd_per_hour()).unwrap_or(0)
                * plan.totals().instance_seconds;
            if best
                .as_ref()
                .is_some_and(|(c, s, _)| (*c, *s) <= (cost, size))
            {
                continue;
            }
            let hazard = self.ec2_hazard.as_ref().map(|h| HazardModel {
                rates_per_hour: self
                    .market
                    .pools()
                    .iter()
                    .zip(&h.rates_per_hour)
                    .filter(|(p, _)| keep(p))
                    .map(|(_, r)| *r)
                    .collect(),
                description: h.description.clone(),
            });
            let market = self.market.retain_pools(keep);
            best = Some((
                cost,
                size,
                NodeGroup {
                    types: usable,
                    alloc,
                    plan,
                    market,
                    hazard,
                    left_out: Vec::new(),
                    ranked_at,
                },
            ));
        }
        let Some((_, _, mut group)) = best else {
            let cluster = if eks { "EKS" } else { "ECS" };
            return Err(match last_err {
                Some(e) => ConfigError::new(
                    "instance-types",
                    format!("no instance type of the market can run the tasks on {cluster}: {e}"),
                )
                .into(),
                None if !size_unknown.is_empty() => ConfigError::new(
                    "instance-types",
                    format!(
                        "the size of {} is unknown (priced only by --ondemand-price): tasks cannot be packed onto it",
                        size_unknown.join(", ")
                    ),
                )
                .into(),
                None => ConfigError::new("instance-types", "the EC2 market has no pools").into(),
            });
        };
        for p in self.market.pools() {
            let n = &p.instance_type.name;
            if !group.types.iter().any(|t| t.name == *n) && !group.left_out.contains(n) {
                group.left_out.push(n.clone());
            }
        }
        Ok(group)
    }

    /// One EC2 option on `group`: on-demand (lowest price, balanced over zones) or spot
    /// (the configured strategy and hazard), EKS with its control-plane fee.
    pub(super) fn ec2(
        &self,
        group: &NodeGroup,
        spot: bool,
        eks_cluster: bool,
        obs: Option<&mut dyn Observer>,
    ) -> Result<Raw, Error> {
        let node = &group.types[0];
        let plan = &group.plan;
        let mut cfg = FleetConfig::new(Target::Trace(plan.instances_trace().clone()));
        cfg.start = Some(self.start);
        cfg.end = Some(self.end);
        cfg.launch_latency_secs = self.launch_latency_secs;
        cfg.seed = self.seed;
        cfg.ondemand_os = self.ec2_ondemand_os.clone();
        let mut packed = match obs {
            Some(o) => Some(PackedTasks::new(
                o,
                self.services
                    .iter()
                    .map(|s| TaskService {
                        name: s.name.clone(),
                        cpu_milli_units: i64::from(s.task_vcpu_millis) * 1024,
                        memory_mib: i64::from(s.task_memory_mib),
                    })
                    .collect(),
                &self.desired_changes()?,
                eks_cluster.then_some(self.eks_support),
                self.start,
                self.end,
            )),
            None => None,
        };
        let out: Outcome = if spot {
            cfg.hazard = group.hazard.clone();
            let strategy = self.ec2_strategy.build(&[]);
            let sim = Simulation::new(&group.market, cfg, strategy);
            match packed.as_mut() {
                Some(p) => sim.run_observed(&mut |_, _| {}, p)?,
                None => sim.run()?,
            }
        } else {
            cfg.ondemand = OnDemandSplit {
                base: 0,
                above_base_pct: 100,
            };
            let sim = Simulation::new(&group.market, cfg, LowestPrice::default());
            match packed.as_mut() {
                Some(p) => sim.run_observed(&mut |_, _| {}, p)?,
                None => sim.run()?,
            }
        };
        let totals = plan.totals();
        let cost: Money = out.total_cost();
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
        let idle_ppm = ((1.0 - used.min(1.0)) * super::PPM as f64).round() as i128;
        let waste = Money::from_units(cost.units() * idle_ppm / super::PPM);
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
            node_types: group.names(),
        })
    }
}
