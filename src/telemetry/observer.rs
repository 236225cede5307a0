//! What the engine tells telemetry: the [`Observer`] trait.
//!
//! The engine holds an `Option<&mut dyn Observer>`: without telemetry each event costs
//! one branch on `None`; with it, one virtual call. Observers only watch — nothing they
//! do changes what the simulation does.

use serde::Serialize;

use crate::engine::{EndReason, PurchaseOption};
use crate::market::{Market, PoolId};
use crate::money::{Money, Rate};
use crate::time::SimTime;

/// What happened to an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum InstanceEventKind {
    /// The fleet asked EC2 for it (a launch request).
    Requested {
        /// Capacity rebalancing: the at-risk instance it replaces.
        #[serde(skip_serializing_if = "Option::is_none")]
        replaces: Option<u32>,
    },
    /// It started running (and being billed).
    Running,
    /// A rebalance recommendation reached it.
    RebalanceRecommendation,
    /// Its two-minute interruption notice arrived.
    Notice,
    /// It ended.
    Ended {
        /// Why.
        reason: EndReason,
        /// What it was billed in all.
        charge: Money,
        /// When it had started running (`None`: it never ran).
        running_from: Option<SimTime>,
    },
}

/// One instance event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceEvent {
    /// When.
    pub at: SimTime,
    /// The instance (its launch order in the run).
    pub id: u32,
    /// Its pool.
    pub pool: PoolId,
    /// Spot or on-demand.
    pub option: PurchaseOption,
    /// Capacity units it provides.
    pub weight: u32,
    /// What happened.
    pub kind: InstanceEventKind,
}

/// A container service whose tasks a `compare` option runs (for the task metrics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskService {
    /// The service's name (`ServiceName`).
    pub name: String,
    /// CPU reserved per task, thousandths of a CPU unit (1 vCPU = 1,024 CPU units, so
    /// `1024 × vCPU millicores`).
    pub cpu_milli_units: i64,
    /// Memory reserved per task, MiB.
    pub memory_mib: i64,
}

/// What happened to a service's tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskEventKind {
    /// The service's task counts from now on (absolute).
    Counts {
        /// Tasks the service asks for.
        desired: u32,
        /// Tasks running.
        running: u32,
        /// Tasks starting, or waiting for capacity.
        pending: u32,
    },
    /// `count` tasks started running.
    Started,
    /// `count` tasks stopped (`interrupted`: by AWS, not by the service).
    Stopped {
        /// Whether AWS stopped them (an interruption).
        interrupted: bool,
    },
    /// `count` interrupted tasks were restarted (replacements requested).
    Restarted,
}

/// One event of a service's tasks (`compare`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskEvent {
    /// When.
    pub at: SimTime,
    /// The service (its index in [`Observer::services`]' list).
    pub service: u32,
    /// How many tasks (for the kinds that count tasks).
    pub count: u32,
    /// What happened.
    pub kind: TaskEventKind,
}

/// An observer of one simulation. Every method has a no-op default; calls come in
/// simulated-time order.
pub trait Observer {
    /// The run starts: its market and horizon.
    fn begin(&mut self, _market: &Market, _start: SimTime, _end: SimTime) {}

    /// Simulated time moves to `now` (before the events at `now` are applied).
    fn advance(&mut self, _now: SimTime) {}

    /// The fleet's target (capacity units) is `units` from `now` on.
    fn desired(&mut self, _now: SimTime, _units: u32) {}

    /// A pool's spot price is `price` from `now` on (also called at the start for
    /// every pool with a price).
    fn price(&mut self, _now: SimTime, _pool: PoolId, _price: Rate) {}

    /// Something happened to an instance.
    fn instance(&mut self, _ev: &InstanceEvent) {}

    /// The strategy moved `count` instances from one pool to another (price-driven
    /// replacement), at `now`; the ends and launches follow as instance events.
    fn moved(&mut self, _now: SimTime, _from: PoolId, _to: PoolId, _count: u32) {}

    /// The run's container services (`compare`; called once, after
    /// [`Observer::begin`], before any [`Observer::task`]).
    fn services(&mut self, _services: &[TaskService]) {}

    /// Something happened to a service's tasks (`compare`).
    fn task(&mut self, _ev: &TaskEvent) {}

    /// A cost accrued by the second beside the instances (the EKS control plane) is
    /// `per_second` from `now` on.
    fn overhead(&mut self, _now: SimTime, _per_second: Money) {}

    /// A deadline job's run (`job`): its work metric is recorded (called once, after
    /// [`Observer::begin`]).
    fn job(&mut self) {}

    /// A deadline job's instance in `pool` did `ms` milliseconds of work in the period
    /// that holds `now` (`job`).
    fn work(&mut self, _now: SimTime, _pool: PoolId, _option: PurchaseOption, _ms: i64) {}

    /// A one-off charge beside the instances (`job`'s probes and egress).
    fn charge(&mut self, _now: SimTime, _amount: Money) {}

    /// The horizon ended (every instance has ended).
    fn end(&mut self, _end: SimTime) {}
}

/// Hands out one observer per run of a command (per strategy, option or policy) and
/// keeps what they observed (e.g. the HTML report's charts).
pub trait ObserverPerRun {
    /// A fresh observer for the run of `subject`.
    fn for_run(&mut self, subject: &str) -> &mut dyn Observer;
}

/// Observes nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTelemetry;

impl Observer for NoTelemetry {}

/// Several observers, in order.
impl<A: Observer, B: Observer> Observer for (A, B) {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        self.0.begin(market, start, end);
        self.1.begin(market, start, end);
    }
    fn advance(&mut self, now: SimTime) {
        self.0.advance(now);
        self.1.advance(now);
    }
    fn desired(&mut self, now: SimTime, units: u32) {
        self.0.desired(now, units);
        self.1.desired(now, units);
    }
    fn price(&mut self, now: SimTime, pool: PoolId, price: Rate) {
        self.0.price(now, pool, price);
        self.1.price(now, pool, price);
    }
    fn instance(&mut self, ev: &InstanceEvent) {
        self.0.instance(ev);
        self.1.instance(ev);
    }
    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        self.0.moved(now, from, to, count);
        self.1.moved(now, from, to, count);
    }
    fn services(&mut self, services: &[TaskService]) {
        self.0.services(services);
        self.1.services(services);
    }
    fn task(&mut self, ev: &TaskEvent) {
        self.0.task(ev);
        self.1.task(ev);
    }
    fn overhead(&mut self, now: SimTime, per_second: Money) {
        self.0.overhead(now, per_second);
        self.1.overhead(now, per_second);
    }
    fn job(&mut self) {
        self.0.job();
        self.1.job();
    }
    fn work(&mut self, now: SimTime, pool: PoolId, option: PurchaseOption, ms: i64) {
        self.0.work(now, pool, option, ms);
        self.1.work(now, pool, option, ms);
    }
    fn charge(&mut self, now: SimTime, amount: Money) {
        self.0.charge(now, amount);
        self.1.charge(now, amount);
    }
    fn end(&mut self, end: SimTime) {
        self.0.end(end);
        self.1.end(end);
    }
}

impl<T: Observer + ?Sized> Observer for &mut T {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        (**self).begin(market, start, end);
    }
    fn advance(&mut self, now: SimTime) {
        (**self).advance(now);
    }
    fn desired(&mut self, now: SimTime, units: u32) {
        (**self).desired(now, units);
    }
    fn price(&mut self, now: SimTime, pool: PoolId, price: Rate) {
        (**self).price(now, pool, price);
    }
    fn instance(&mut self, ev: &InstanceEvent) {
        (**self).instance(ev);
    }
    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        (**self).moved(now, from, to, count);
    }
    fn services(&mut self, services: &[TaskService]) {
        (**self).services(services);
    }
    fn task(&mut self, ev: &TaskEvent) {
        (**self).task(ev);
    }
    fn overhead(&mut self, now: SimTime, per_second: Money) {
        (**self).overhead(now, per_second);
    }
    fn job(&mut self) {
        (**self).job();
    }
    fn work(&mut self, now: SimTime, pool: PoolId, option: PurchaseOption, ms: i64) {
        (**self).work(now, pool, option, ms);
    }
    fn charge(&mut self, now: SimTime, amount: Money) {
        (**self).charge(now, amount);
    }
    fn end(&mut self, end: SimTime) {
        (**self).end(end);
    }
}

impl<T: Observer> Observer for Option<T> {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        if let Some(o) = self {
            o.begin(market, start, end);
        }
    }
    fn advance(&mut self, now: SimTime) {
        if let Some(o) = self {
            o.advance(now);
        }
    }
    fn desired(&mut self, now: SimTime, units: u32) {
        if let Some(o) = self {
            o.desired(now, units);
        }
    }
    fn price(&mut self, now: SimTime, pool: PoolId, price: Rate) {
        if let Some(o) = self {
            o.price(now, pool, price);
        }
    }
    fn instance(&mut self, ev: &InstanceEvent) {
        if let Some(o) = self {
            o.instance(ev);
        }
    }
    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        if let Some(o) = self {
            o.moved(now, from, to, count);
        }
    }
    fn services(&mut self, services: &[TaskService]) {
        if let Some(o) = self {
            o.services(services);
        }
    }
    fn task(&mut self, ev: &TaskEvent) {
        if let Some(o) = self {
            o.task(ev);
        }
    }
    fn overhead(&mut self, now: SimTime, per_second: Money) {
        if let Some(o) = self {
            o.overhead(now, per_second);
        }
    }
    fn job(&mut self) {
        if let Some(o) = self {
            o.job();
        }
    }
    fn work(&mut self, now: SimTime, pool: PoolId, option: PurchaseOption, ms: i64) {
        if let Some(o) = self {
            o.work(now, pool, option, ms);
        }
    }
    fn charge(&mut self, now: SimTime, amount: Money) {
        if let Some(o) = self {
            o.charge(now, amount);
        }
    }
    fn end(&mut self, end: SimTime) {
        if let Some(o) = self {
            o.end(end);
        }
    }
}
