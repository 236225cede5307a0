//! `compare`'s Fargate options: each service as a one-pool fleet of tasks, billed by
//! `pricing::fargate::FargateBilling` from the instance records.

use super::telemetry::{FargateRun, replay_fargate};
use super::{CompareConfig, Raw};
use crate::catalog::{Arch, InstanceType};
use crate::engine::{EndReason, FleetConfig, MaxPrice, OnDemandSplit, Simulation, Target};
use crate::error::{ConfigError, Error};
use crate::market::{Market, Pool, PriceTrace, Zone};
use crate::money::{Money, NANO_PER_USD, Rate};
use crate::pricing::fargate::{self, FargateRates, FargateSpot, Orchestrator, Platform, TaskSize};
use crate::strategy::LowestPrice;
use crate::telemetry::{Observer, TaskService};
use crate::workload::Service;

impl CompareConfig {
    pub(super) fn fargate(
        &self,
        kind: FargateKind,
        obs: Option<&mut dyn Observer>,
    ) -> Result<Raw, Error> {
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
            node_types: Vec::new(),
        };
        let mut runs: Vec<FargateRun> = Vec::new();
        let mut task_services: Vec<TaskService> = Vec::new();
        for s in &self.services {
            let req = s.task();
            let size = fargate::round_up(req, self.platform, Orchestrator::Ecs)
                .map_err(ConfigError::from)?;
            raw.sizes.push(format!("{}: {size}", s.name));
            task_services.push(TaskService {
                name: s.name.clone(),
                cpu_milli_units: i64::from(size.cpu_units) * 1000,
                memory_mib: i64::from(size.memory_mib),
            });
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
            let mut charges = Vec::with_capacity(if obs.is_some() {
                out.instances.len()
            } else {
                0
            });
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
                let charge = self
                    .fargate_billing
                    .task_charge(size, rates, secs, s.ephemeral_gib);
                raw.cost += charge;
                if obs.is_some() {
                    charges.push(charge);
                }
                raw.waste += self
                    .fargate_billing
                    .requested_vs_billed_waste(req, size, rates, secs);
                if r.reason.by_aws() && r.reason != EndReason::LaunchFailed {
                    raw.interruptions += 1;
                    raw.restarts += 1.0;
                }
            }
            raw.unmet_task_secs += out.unmet_unit_secs as f64;
            if obs.is_some() {
                runs.push(FargateRun {
                    market,
                    records: out.instances,
                    charges,
                });
            }
        }
        if let Some(obs) = obs {
            let desired = self.desired_changes()?;
            replay_fargate(&runs, &task_services, &desired, self.start, self.end, obs);
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FargateKind {
    /// Every task on FARGATE.
    OnDemand,
    /// Every task on FARGATE_SPOT.
    Spot,
    /// The capacity-provider mix.
    Mix,
}
