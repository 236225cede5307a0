//! `compare`'s telemetry: what each option's tasks and capacity did over time.
//!
//! Every option records the fleet and money metrics of `run`
//! ([`crate::telemetry::FLEET_METRICS`]: on EC2, of the node group's instances; on
//! Fargate, of the tasks, each task one unit of capacity in a pool standing for its
//! service) and the task metrics ([`crate::telemetry::TASK_METRICS`]), with Amazon ECS
//! Container Insights' names and definitions (CloudWatch User Guide, "Amazon ECS
//! Container Insights metrics", namespace `ECS/ContainerInsights`; Amazon ECS Developer
//! Guide, "Amazon ECS cluster reservation metrics"):
//!
//! * `DesiredTaskCount`, `RunningTaskCount`, `PendingTaskCount` — the tasks a service
//!   asks for, the tasks in the `RUNNING` state, the tasks in the `PENDING` state
//!   (count).
//! * `CpuReserved` — the CPU units reserved by the running tasks of the dimension set
//!   (ECS CPU units: 1 vCPU = 1,024; unit `None`), `MemoryReserved` — the memory they
//!   reserve (MiB; CloudWatch unit `Megabytes`). Container Insights reports the
//!   reservations, not a percentage (the percentages are the cluster-level
//!   `CPUReservation`/`MemoryReservation` of the `AWS/ECS` namespace). The reservation
//!   of a task is its task definition's size: on Fargate the billed (rounded) size,
//!   which a Fargate task definition must name; on EC2 the requested size.
//! * `TaskRestarts` — tasks restarted after an interruption (a counter).
//!
//! `--metrics-by service` adds one dimension set per service (`ServiceName`); every set
//! carries the option (`Option`).
//!
//! **Fargate options** simulate each service on its own (one engine run per service);
//! their telemetry is replayed afterwards from the task records, all services merged
//! in time order, so the metrics stream in time order like `run`'s. Each task is one
//! record: requested (pending), running, ended. `Cost` accrues each task's Fargate
//! rate by the second while it runs and settles its bill (per second from the image
//! pull, 1-minute minimum, storage) when it stops: the periods add up to the option's
//! `total_cost_micro_usd` exactly.
//!
//! **EC2 options** record live, observing the node group's fleet. Tasks are not placed
//! on instances (the report's restarts and unmet task-hours are estimates too, see the
//! `compare` module docs): each service runs ⌊desired × running ÷ needed⌋ tasks, its
//! desired count scaled by the share of the needed instances running (all of them when
//! the fleet holds its target), the rest pending; an interrupted instance restarts,
//! per service, its share of that service's running tasks (running ÷ running
//! instances, rounded). EKS adds the control-plane fee to `Cost` by the second, so the
//! periods add up to the option's total, fee included.

use crate::engine::{EndReason, InstanceRecord};
use crate::market::{Market, PoolId};
use crate::money::Money;
use crate::pricing::eks::{self, EksSupport};
use crate::telemetry::{
    InstanceEvent, InstanceEventKind, Observer, TaskEvent, TaskEventKind, TaskService,
};
use crate::time::SimTime;

/// A service's desired count changes: `(time, service, desired)`, sorted.
pub(super) type DesiredChanges = Vec<(SimTime, u32, u32)>;

/// One service's Fargate run, for the replay.
pub(super) struct FargateRun {
    /// The one-pool market standing for the service.
    pub market: Market,
    /// Its tasks.
    pub records: Vec<InstanceRecord>,
    /// Each task's Fargate bill (parallel to `records`).
    pub charges: Vec<Money>,
}

/// What happens at one time in the replay, in the order applied at equal times.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Desired(u32),
    Requested,
    Running,
    Rebalance,
    Notice,
    Ended,
}

/// Replays the Fargate services' task records into `obs` (see the module docs).
pub(super) fn replay_fargate(
    runs: &[FargateRun],
    services: &[TaskService],
    desired: &DesiredChanges,
    start: SimTime,
    end: SimTime,
    obs: &mut dyn Observer,
) {
    // One market with a pool per service.
    let market = Market::new(
        runs.iter()
            .map(|r| r.market.pool(PoolId(0)).clone())
            .collect(),
        runs.iter()
            .map(|r| r.market.price_trace(PoolId(0)).clone())
            .collect(),
        Vec::new(),
        "Linux/UNIX",
    );
    // (time, step, service, task id within everything)
    let mut steps: Vec<(SimTime, Step, u32, u32)> = Vec::new();
    for &(t, s, d) in desired {
        steps.push((t, Step::Desired(d), s, 0));
    }
    let mut ids: Vec<(u32, usize)> = Vec::new();
    for (s, run) in runs.iter().enumerate() {
        for (i, r) in run.records.iter().enumerate() {
            let id = ids.len() as u32;
            ids.push((s as u32, i));
            let s = s as u32;
            steps.push((r.launched_at, Step::Requested, s, id));
            if let Some(t) = r.running_from {
                steps.push((t, Step::Running, s, id));
            }
            if let Some(t) = r.rebalance_at {
                steps.push((t, Step::Rebalance, s, id));
            }
            if let Some(t) = r.noticed_at {
                steps.push((t, Step::Notice, s, id));
            }
            steps.push((r.ended_at, Step::Ended, s, id));
        }
    }
    // Per task, its steps keep their order (a task's times do not decrease).
    steps.sort_by_key(|&(t, step, s, id)| (t, step_rank(step), s, id));

    obs.begin(&market, start, end);
    obs.services(services);
    for p in 0..market.pools().len() {
        if let Some(price) = market.price_trace(PoolId(p as u32)).price_at(start) {
            obs.price(start, PoolId(p as u32), price);
        }
    }
    let n = services.len();
    let (mut want, mut running, mut pending) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
    let mut total_desired: u32 = 0;
    let mut last: Option<SimTime> = None;
    for &(t, step, s, id) in &steps {
        if last != Some(t) {
            obs.advance(t);
            last = Some(t);
        }
        let si = s as usize;
        let task = |kind, count| TaskEvent {
            at: t,
            service: s,
            count,
            kind,
        };
        if let Step::Desired(d) = step {
            total_desired = total_desired - want[si] + d;
            want[si] = d;
            obs.desired(t, total_desired);
        } else {
            let (_, i) = ids[id as usize];
            let run = &runs[si];
            let r = &run.records[i];
            let kind = match step {
                Step::Requested => {
                    pending[si] += 1;
                    InstanceEventKind::Requested { replaces: None }
                }
                Step::Running => {
                    pending[si] = pending[si].saturating_sub(1);
                    running[si] += 1;
                    obs.task(&task(TaskEventKind::Started, 1));
                    InstanceEventKind::Running
                }
                Step::Rebalance => InstanceEventKind::RebalanceRecommendation,
                Step::Notice => InstanceEventKind::Notice,
                _ => {
                    if r.running_from.is_some() {
                        running[si] = running[si].saturating_sub(1);
                    } else {
                        pending[si] = pending[si].saturating_sub(1);
                    }
                    InstanceEventKind::Ended {
                        reason: r.reason,
                        charge: run.charges[i],
                        running_from: r.running_from,
                    }
                }
            };
            obs.instance(&InstanceEvent {
                at: t,
                id,
                pool: PoolId(s),
                option: r.option,
                weight: 1,
                kind,
            });
            if step == Step::Ended {
                let interrupted = interrupted(r.reason);
                if r.running_from.is_some() {
                    obs.task(&task(TaskEventKind::Stopped { interrupted }, 1));
                }
                if interrupted {
                    obs.task(&task(TaskEventKind::Restarted, 1));
                }
            }
        }
        if matches!(
            step,
            Step::Desired(_) | Step::Requested | Step::Running | Step::Ended
        ) {
            obs.task(&task(
                TaskEventKind::Counts {
                    desired: want[si],
                    running: running[si],
                    pending: pending[si],
                },
                0,
            ));
        }
    }
    obs.end(end);
}

/// The order of steps at one time: desired changes first, then each task's own order.
fn step_rank(s: Step) -> u8 {
    match s {
        Step::Desired(_) => 0,
        Step::Requested => 1,
        Step::Running => 2,
        Step::Rebalance => 3,
        Step::Notice => 4,
        Step::Ended => 5,
    }
}

/// An end that restarts the task: AWS stopped it after it was placed (the report's
/// `task_restarts` counts the same ends).
fn interrupted(reason: EndReason) -> bool {
    reason.by_aws() && reason != EndReason::LaunchFailed
}

/// Something the EC2 observer applies at its time, beside the engine's events.
#[derive(Clone, Copy)]
enum Change {
    Desired { service: u32, desired: u32 },
    Overhead(Money),
}

/// Observes an EC2 option's fleet for the task metrics: passes every engine event on
/// to `inner`, and adds the services' task events (see the module docs).
pub(super) struct PackedTasks<'o> {
    inner: &'o mut dyn Observer,
    services: Vec<TaskService>,
    changes: Vec<(SimTime, Change)>,
    next: usize,
    desired: Vec<u32>,
    running: Vec<u32>,
    target: u32,
    running_units: u64,
    running_instances: u64,
}

impl<'o> PackedTasks<'o> {
    /// The observer of one EC2 option: `desired` the services' desired counts;
    /// `control_plane`: the EKS support tier, for the fee.
    pub(super) fn new(
        inner: &'o mut dyn Observer,
        services: Vec<TaskService>,
        desired: &DesiredChanges,
        control_plane: Option<EksSupport>,
        start: SimTime,
        end: SimTime,
    ) -> Self {
        let mut changes: Vec<(SimTime, Change)> = desired
            .iter()
            .map(|&(t, service, desired)| (t, Change::Desired { service, desired }))
            .collect();
        if let Some(support) = control_plane {
            // The fee by the second: the rate in force at each point the rate may change.
            let mut points = vec![start];
            if eks::EXTENDED_BILLING_FROM > start && eks::EXTENDED_BILLING_FROM < end {
                points.push(eks::EXTENDED_BILLING_FROM);
            }
            for t in points {
                let per_second = eks::control_plane_charge(support, 1, t, t.plus(1));
                changes.push((t, Change::Overhead(per_second)));
            }
        }
        changes.sort_by_key(|(t, c)| {
            (
                *t,
                match c {
                    Change::Overhead(_) => 0,
                    Change::Desired { service, .. } => 1 + *service,
                },
            )
        });
        let n = services.len();
        PackedTasks {
            inner,
            services,
            changes,
            next: 0,
            desired: vec![0; n],
            running: vec![0; n],
            target: 0,
            running_units: 0,
            running_instances: 0,
        }
    }

    /// Applies the changes up to `now` (inclusive).
    fn catch_up(&mut self, now: SimTime) {
        while let Some(&(t, c)) = self.changes.get(self.next) {
            if t > now {
                break;
            }
            self.next += 1;
            self.inner.advance(t);
            match c {
                Change::Overhead(m) => self.inner.overhead(t, m),
                Change::Desired { service, desired } => {
                    self.desired[service as usize] = desired;
                    self.recompute(t, false);
                }
            }
        }
    }

    /// Each service's running tasks from the fleet's state; task events for the
    /// differences.
    fn recompute(&mut self, t: SimTime, interruption: bool) {
        for s in 0..self.services.len() {
            let d = self.desired[s];
            let r = if self.target == 0 {
                0
            } else {
                let scaled = u64::from(d) * self.running_units / u64::from(self.target);
                scaled.min(u64::from(d)) as u32
            };
            let old = self.running[s];
            let ev = |count, kind| TaskEvent {
                at: t,
                service: s as u32,
                count,
                kind,
            };
            if r > old {
                self.inner.task(&ev(r - old, TaskEventKind::Started));
            } else if r < old {
                self.inner.task(&ev(
                    old - r,
                    TaskEventKind::Stopped {
                        interrupted: interruption,
                    },
                ));
            }
            self.running[s] = r;
            self.inner.task(&ev(
                0,
                TaskEventKind::Counts {
                    desired: d,
                    running: r,
                    pending: d - r,
                },
            ));
        }
    }
}

impl Observer for PackedTasks<'_> {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        self.inner.begin(market, start, end);
        self.inner.services(&self.services);
    }

    fn advance(&mut self, now: SimTime) {
        self.catch_up(now);
        self.inner.advance(now);
    }

    fn desired(&mut self, now: SimTime, units: u32) {
        self.inner.desired(now, units);
        self.target = units;
        self.recompute(now, false);
    }

    fn price(&mut self, now: SimTime, pool: PoolId, price: crate::money::Rate) {
        self.inner.price(now, pool, price);
    }

    fn instance(&mut self, ev: &InstanceEvent) {
        self.inner.instance(ev);
        match ev.kind {
            InstanceEventKind::Running => {
                self.running_units += u64::from(ev.weight);
                self.running_instances += 1;
                self.recompute(ev.at, false);
            }
            InstanceEventKind::Ended {
                reason,
                running_from: Some(_),
                ..
            } => {
                let hit = interrupted(reason);
                if hit && self.running_instances > 0 {
                    // Each service's share of the instance: running ÷ instances, rounded.
                    for s in 0..self.services.len() {
                        let n = self.running_instances;
                        let share = (2 * u64::from(self.running[s]) + n) / (2 * n);
                        if share > 0 {
                            self.inner.task(&TaskEvent {
                                at: ev.at,
                                service: s as u32,
                                count: share as u32,
                                kind: TaskEventKind::Restarted,
                            });
                        }
                    }
                }
                self.running_units = self.running_units.saturating_sub(u64::from(ev.weight));
                self.running_instances = self.running_instances.saturating_sub(1);
                self.recompute(ev.at, hit);
            }
            _ => {}
        }
    }

    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        self.inner.moved(now, from, to, count);
    }

    fn end(&mut self, end: SimTime) {
        self.catch_up(end);
        self.inner.end(end);
    }
}
