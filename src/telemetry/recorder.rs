//! The fleet recorder: an [`Observer`] of the engine that turns its events into the
//! fleet and money metrics of `run` (and of `compare`'s EC2 options), streamed through
//! an [`Aggregator`].
//!
//! # Cost per period
//!
//! A running instance accrues, second by second, its pool's spot price (or its
//! on-demand rate); each period carries what its instances accrued in it: the
//! integral over the period of the `CostRate` gauge (the sum of those rates), which
//! the aggregator adds to `Cost` ([`Aggregator::cost_follows_rate`]) — no charge at
//! every period boundary. When an instance ends, its bill
//! ([`InstanceEventKind::Ended::charge`], computed by the billing rules) replaces what
//! it accrued: the difference (the 60-second minimum, an
//! hourly product's rounding, the first-hour refund of an interrupted spot instance,
//! which is negative) is charged in the period it ends in. Every period's amount is
//! exact money, rounded with the running total, so the periods add up to the report's
//! `total_cost_micro_usd` exactly.

use super::aggregator::{Aggregator, GroupId};
use super::dimensions::{Dimension, Dims};
use super::metric::Metric;
use super::observer::{
    InstanceEvent, InstanceEventKind, Observer, TaskEvent, TaskEventKind, TaskService,
};
use super::series::MetricSink;
use crate::engine::{EndReason, PurchaseOption};
use crate::market::{Market, PoolId};
use crate::money::{Money, Rate};
use crate::time::SimTime;

/// The metrics a fleet run records (`run`, and `compare`'s EC2 options).
pub const FLEET_METRICS: &[Metric] = &[
    Metric::DesiredCapacity,
    Metric::RunningCapacity,
    Metric::PendingCapacity,
    Metric::UnmetCapacity,
    Metric::RunningInstanceCount,
    Metric::Launches,
    Metric::FailedLaunches,
    Metric::Interruptions,
    Metric::InterruptionNotices,
    Metric::RebalanceRecommendations,
    Metric::PriceDrivenReplacements,
    Metric::Cost,
    Metric::CostRate,
    Metric::SpotPrice,
];

/// The task metrics `compare` records beside the fleet metrics ([`FLEET_METRICS`]: the
/// fleet of EC2 instances, or of Fargate tasks).
pub const TASK_METRICS: &[Metric] = &[
    Metric::DesiredTaskCount,
    Metric::RunningTaskCount,
    Metric::PendingTaskCount,
    Metric::CpuReserved,
    Metric::MemoryReserved,
    Metric::TaskRestarts,
];

/// The run's subject, carried by every dimension set: `("Strategy", "lowest-price")`.
pub type Subject = (&'static str, String);

/// What a [`FleetRecorder`] records: the period, the dimension sets to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsSpec {
    /// Period length, seconds.
    pub period_secs: i64,
    /// Dimension sets to export (the fleet total is recorded always, exported only
    /// when listed).
    pub by: Vec<Dimension>,
}

impl Default for MetricsSpec {
    fn default() -> Self {
        MetricsSpec {
            period_secs: 300,
            by: vec![Dimension::Total],
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct PoolState {
    price: Option<Rate>,
    ondemand: Rate,
    /// Spot instances running in the pool (their count scales a price change's
    /// `CostRate` step).
    running_spot: u32,
    /// Accrued up to here.
    last: i64,
    /// ∫ price dt from the start (one instance's accrual): spot accrual markers.
    cum: Money,
}

/// One service's task state (compare).
#[derive(Clone, Debug, Default)]
struct TaskState {
    cpu_milli_units: i64,
    memory_mib: i64,
    group: Option<GroupId>,
    desired: u32,
    running: u32,
    pending: u32,
}

/// Records the fleet and money metrics of one simulation (see the module docs).
pub struct FleetRecorder<S> {
    spec: MetricsSpec,
    subject: Subject,
    agg: Option<Aggregator<S>>,
    sink: Option<S>,
    total: GroupId,
    /// Groups of each cell (pool × option: index 2 × pool + option).
    cells: Vec<Vec<GroupId>>,
    pool_group: Vec<Option<GroupId>>,
    pools: Vec<PoolState>,
    markers: Vec<Money>,
    desired: u32,
    running_units: u64,
    tasks: Vec<TaskState>,
    /// A cost accrued by the second beside the instances, and up to when it is charged.
    overhead: Money,
    overhead_last: i64,
    error: Option<crate::error::ConfigError>,
}

fn cell(pool: PoolId, option: PurchaseOption) -> usize {
    2 * pool.idx()
        + match option {
            PurchaseOption::Spot => 0,
            PurchaseOption::OnDemand => 1,
        }
}

impl<S: MetricSink> FleetRecorder<S> {
    /// A recorder writing to `sink`; the aggregator is built when the run begins
    /// (it needs the horizon).
    pub fn new(spec: MetricsSpec, subject: Subject, sink: S) -> Self {
        FleetRecorder {
            spec,
            subject,
            agg: None,
            sink: Some(sink),
            total: GroupId(0),
            cells: Vec::new(),
            pool_group: Vec::new(),
            pools: Vec::new(),
            markers: Vec::new(),
            desired: 0,
            running_units: 0,
            tasks: Vec::new(),
            overhead: Money::ZERO,
            overhead_last: 0,
            error: None,
        }
    }

    /// Closes the last period and returns the sink.
    ///
    /// # Errors
    /// [`crate::error::Error::Config`] for an invalid period; the sink's I/O error as
    /// [`crate::error::Error::Output`] naming `what`.
    pub fn finish(self, what: &str) -> Result<S, crate::error::Error> {
        if let Some(e) = self.error {
            return Err(e.into());
        }
        match (self.agg, self.sink) {
            (Some(a), _) => a.finish().map_err(|e| crate::error::Error::Output {
                path: what.to_string(),
                message: e.to_string(),
            }),
            (None, Some(s)) => Ok(s),
            (None, None) => unreachable!("the sink is in the aggregator or here"),
        }
    }

    fn dims(&self, by: Dimension, pairs: Vec<(&'static str, String)>) -> Dims {
        let mut all = vec![(self.subject.0, self.subject.1.clone())];
        all.extend(pairs);
        Dims { by, pairs: all }
    }

    /// Brings pool `p`'s spot accrual marker (∫ price dt) up to `t`. (What running
    /// instances accrue is the `CostRate` gauge's integral, which the aggregator
    /// carries into `Cost`: see the module docs.)
    #[inline]
    fn accrue(&mut self, p: usize, t: i64) {
        let st = &mut self.pools[p];
        let dt = t - st.last;
        if dt <= 0 {
            return;
        }
        st.last = t;
        if let Some(price) = st.price {
            st.cum += price.for_seconds(dt);
        }
    }

    /// Counts a spot instance into (`delta` 1) or out of (−1) pool `p`; on-demand
    /// instances are not counted (a price change does not move their rate).
    fn set_running(&mut self, p: usize, delta: i32, option: PurchaseOption) {
        if option == PurchaseOption::Spot {
            let st = &mut self.pools[p];
            st.running_spot = (st.running_spot as i64 + delta as i64) as u32;
        }
    }

    /// Charges the overhead accrued up to `t` to the fleet total.
    fn accrue_overhead(&mut self, t: i64) {
        if t > self.overhead_last {
            if self.overhead != Money::ZERO
                && let Some(a) = self.agg.as_mut()
            {
                let amount =
                    Money::from_units(self.overhead.units() * (t - self.overhead_last) as i128);
                a.charge(self.total, amount);
            }
            self.overhead_last = t;
        }
    }

    fn unmet(&mut self, t: SimTime) {
        let u = (self.desired as i64 - self.running_units as i64).max(0);
        if let Some(a) = self.agg.as_mut() {
            a.set(self.total, Metric::UnmetCapacity, t, u);
        }
    }
}

impl<S: MetricSink> Observer for FleetRecorder<S> {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        let Some(sink) = self.sink.take() else { return };
        let mut agg = match Aggregator::new(self.spec.period_secs, start, end, sink) {
            Ok(a) => a,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let want = |d: Dimension| self.spec.by.contains(&d);
        self.total = agg.add_group(self.dims(Dimension::Total, vec![]), want(Dimension::Total));
        for m in [
            Metric::DesiredCapacity,
            Metric::UnmetCapacity,
            Metric::RunningCapacity,
            Metric::PendingCapacity,
            Metric::RunningInstanceCount,
            Metric::Launches,
            Metric::FailedLaunches,
            Metric::Interruptions,
            Metric::InterruptionNotices,
            Metric::RebalanceRecommendations,
            Metric::PriceDrivenReplacements,
            Metric::Cost,
            Metric::CostRate,
        ] {
            agg.declare(self.total, m);
        }
        let pools = market.pools();
        let mut option_groups = [None, None];
        let mut type_groups: Vec<(String, GroupId)> = Vec::new();
        let mut az_groups: Vec<(String, GroupId)> = Vec::new();
        self.cells = vec![Vec::new(); 2 * pools.len()];
        self.pool_group = vec![None; pools.len()];
        self.pools = vec![PoolState::default(); pools.len()];
        for (p, pool) in pools.iter().enumerate() {
            self.pools[p] = PoolState {
                ondemand: pool.instance_type.ondemand,
                last: start.secs(),
                ..PoolState::default()
            };
            let ty = pool.instance_type.name.clone();
            let az = pool.zone.to_string();
            let pg = want(Dimension::Pool).then(|| {
                agg.add_group(
                    self.dims(
                        Dimension::Pool,
                        vec![
                            ("InstanceType", ty.clone()),
                            ("AvailabilityZone", az.clone()),
                        ],
                    ),
                    true,
                )
            });
            self.pool_group[p] = pg;
            let tg =
                want(Dimension::Type).then(|| match type_groups.iter().find(|(n, _)| *n == ty) {
                    Some((_, g)) => *g,
                    None => {
                        let g = agg.add_group(
                            self.dims(Dimension::Type, vec![("InstanceType", ty.clone())]),
                            true,
                        );
                        type_groups.push((ty.clone(), g));
                        g
                    }
                });
            let zg = want(Dimension::Az).then(|| match az_groups.iter().find(|(n, _)| *n == az) {
                Some((_, g)) => *g,
                None => {
                    let g = agg.add_group(
                        self.dims(Dimension::Az, vec![("AvailabilityZone", az.clone())]),
                        true,
                    );
                    az_groups.push((az.clone(), g));
                    g
                }
            });
            for (o, option) in [PurchaseOption::Spot, PurchaseOption::OnDemand]
                .into_iter()
                .enumerate()
            {
                let mut gs = vec![self.total];
                if want(Dimension::Option) {
                    let og = *option_groups[o].get_or_insert_with(|| {
                        agg.add_group(
                            self.dims(
                                Dimension::Option,
                                vec![("PurchaseOption", option.as_str().to_string())],
                            ),
                            true,
                        )
                    });
                    gs.push(og);
                }
                gs.extend(pg);
                gs.extend(tg);
                gs.extend(zg);
                for &g in &gs {
                    agg.cost_follows_rate(g);
                }
                self.cells[2 * p + o] = gs;
            }
        }
        self.overhead_last = start.secs();
        self.agg = Some(agg);
    }

    fn services(&mut self, services: &[TaskService]) {
        let Some(mut agg) = self.agg.take() else {
            return;
        };
        for m in TASK_METRICS {
            agg.declare(self.total, *m);
        }
        let by_service = self.spec.by.contains(&Dimension::Service);
        self.tasks = services
            .iter()
            .map(|s| {
                let group = by_service.then(|| {
                    let g = agg.add_group(
                        self.dims(Dimension::Service, vec![("ServiceName", s.name.clone())]),
                        true,
                    );
                    for m in TASK_METRICS {
                        agg.declare(g, *m);
                    }
                    g
                });
                TaskState {
                    cpu_milli_units: s.cpu_milli_units,
                    memory_mib: s.memory_mib,
                    group,
                    ..TaskState::default()
                }
            })
            .collect();
        self.agg = Some(agg);
    }

    fn task(&mut self, ev: &TaskEvent) {
        let Some(agg) = self.agg.as_mut() else { return };
        let Some(st) = self.tasks.get_mut(ev.service as usize) else {
            return;
        };
        let groups = [Some(self.total), st.group];
        match ev.kind {
            TaskEventKind::Counts {
                desired,
                running,
                pending,
            } => {
                let d = |new: u32, old: u32| new as i64 - old as i64;
                let (dd, dr, dp) = (
                    d(desired, st.desired),
                    d(running, st.running),
                    d(pending, st.pending),
                );
                (st.desired, st.running, st.pending) = (desired, running, pending);
                let (cpu, mem) = (st.cpu_milli_units, st.memory_mib);
                for g in groups.into_iter().flatten() {
                    agg.add_to(g, Metric::DesiredTaskCount, ev.at, dd);
                    agg.add_to(g, Metric::RunningTaskCount, ev.at, dr);
                    agg.add_to(g, Metric::PendingTaskCount, ev.at, dp);
                    agg.add_to(g, Metric::CpuReserved, ev.at, dr * cpu);
                    agg.add_to(g, Metric::MemoryReserved, ev.at, dr * mem);
                }
            }
            TaskEventKind::Restarted => {
                for g in groups.into_iter().flatten() {
                    agg.count(g, Metric::TaskRestarts, ev.count as u64);
                }
            }
            TaskEventKind::Started | TaskEventKind::Stopped { .. } => {}
        }
    }

    fn overhead(&mut self, now: SimTime, per_second: Money) {
        self.accrue_overhead(now.secs());
        self.overhead = per_second;
    }

    fn job(&mut self) {
        let Some(agg) = self.agg.as_mut() else { return };
        let mut seen = Vec::new();
        for g in self.cells.iter().flatten() {
            if !seen.contains(g) {
                seen.push(*g);
                agg.declare(*g, Metric::WorkDone);
            }
        }
        agg.declare(self.total, Metric::WorkDone);
    }

    fn work(&mut self, _now: SimTime, pool: PoolId, option: PurchaseOption, ms: i64) {
        let Some(agg) = self.agg.as_mut() else { return };
        for &g in self.cells.get(cell(pool, option)).into_iter().flatten() {
            agg.count(g, Metric::WorkDone, ms.max(0) as u64);
        }
    }

    fn charge(&mut self, _now: SimTime, amount: Money) {
        if let Some(a) = self.agg.as_mut() {
            a.charge(self.total, amount);
        }
    }

    fn advance(&mut self, now: SimTime) {
        loop {
            let Some(b) = self.agg.as_ref().and_then(|a| a.next_boundary()) else {
                return;
            };
            if b > now {
                return;
            }
            self.accrue_overhead(b.secs());
            if let Some(a) = self.agg.as_mut() {
                a.close_period();
            }
        }
    }

    fn desired(&mut self, now: SimTime, units: u32) {
        self.desired = units;
        if let Some(a) = self.agg.as_mut() {
            a.set(self.total, Metric::DesiredCapacity, now, units as i64);
        }
        self.unmet(now);
    }

    fn price(&mut self, now: SimTime, pool: PoolId, price: Rate) {
        let p = pool.idx();
        if p >= self.pools.len() {
            return;
        }
        self.accrue(p, now.secs());
        let st = &mut self.pools[p];
        let old = st.price.replace(price).unwrap_or(Rate::ZERO);
        let n = st.running_spot as i64;
        let Some(agg) = self.agg.as_mut() else { return };
        if let Some(g) = self.pool_group[p] {
            agg.set(g, Metric::SpotPrice, now, price.nano_usd_per_hour());
        }
        if n > 0 {
            let delta = n * (price.nano_usd_per_hour() - old.nano_usd_per_hour());
            for &g in &self.cells[2 * p] {
                agg.add_to(g, Metric::CostRate, now, delta);
            }
        }
    }

    fn instance(&mut self, ev: &InstanceEvent) {
        if self.agg.is_none() {
            return;
        }
        let p = ev.pool.idx();
        let c = cell(ev.pool, ev.option);
        let w = ev.weight as i64;
        let t = ev.at;
        match ev.kind {
            InstanceEventKind::Requested { .. } => {
                let agg = self.agg.as_mut().expect("checked");
                for &g in &self.cells[c] {
                    agg.count(g, Metric::Launches, 1);
                    agg.add_to(g, Metric::PendingCapacity, t, w);
                }
            }
            InstanceEventKind::Running => {
                self.accrue(p, t.secs());
                self.set_running(p, 1, ev.option);
                self.running_units += ev.weight as u64;
                let id = ev.id as usize;
                if self.markers.len() <= id {
                    self.markers.resize(id + 1, Money::ZERO);
                }
                let st = self.pools[p];
                let rate = match ev.option {
                    PurchaseOption::Spot => {
                        self.markers[id] = st.cum;
                        st.price.unwrap_or(Rate::ZERO)
                    }
                    PurchaseOption::OnDemand => {
                        self.markers[id] = Money::from_units(t.secs() as i128);
                        st.ondemand
                    }
                };
                let agg = self.agg.as_mut().expect("checked");
                for &g in &self.cells[c] {
                    agg.add_to(g, Metric::PendingCapacity, t, -w);
                    agg.add_to(g, Metric::RunningCapacity, t, w);
                    agg.add_to(g, Metric::RunningInstanceCount, t, 1);
                    agg.add_to(g, Metric::CostRate, t, rate.nano_usd_per_hour());
                }
                self.unmet(t);
            }
            InstanceEventKind::RebalanceRecommendation => {
                let agg = self.agg.as_mut().expect("checked");
                for &g in &self.cells[c] {
                    agg.count(g, Metric::RebalanceRecommendations, 1);
                }
            }
            InstanceEventKind::Notice => {
                let agg = self.agg.as_mut().expect("checked");
                for &g in &self.cells[c] {
                    agg.count(g, Metric::InterruptionNotices, 1);
                }
            }
            InstanceEventKind::Ended {
                reason,
                charge,
                running_from,
            } => {
                let mut accrued = Money::ZERO;
                let mut rate = Rate::ZERO;
                if let Some(rf) = running_from {
                    self.accrue(p, t.secs());
                    let st = self.pools[p];
                    let marker = self
                        .markers
                        .get(ev.id as usize)
                        .copied()
                        .unwrap_or_default();
                    match ev.option {
                        PurchaseOption::Spot => {
                            accrued = st.cum - marker;
                            rate = st.price.unwrap_or(Rate::ZERO);
                        }
                        PurchaseOption::OnDemand => {
                            accrued = st.ondemand.for_seconds(t.since(rf));
                            rate = st.ondemand;
                        }
                    }
                    self.set_running(p, -1, ev.option);
                    self.running_units -= ev.weight as u64;
                }
                let agg = self.agg.as_mut().expect("checked");
                for &g in &self.cells[c] {
                    if running_from.is_some() {
                        agg.add_to(g, Metric::RunningCapacity, t, -w);
                        agg.add_to(g, Metric::RunningInstanceCount, t, -1);
                        agg.add_to(g, Metric::CostRate, t, -rate.nano_usd_per_hour());
                    } else {
                        agg.add_to(g, Metric::PendingCapacity, t, -w);
                    }
                    agg.charge(g, charge - accrued);
                    match reason {
                        EndReason::Capacity | EndReason::Hazard | EndReason::MaxPrice => {
                            agg.count(g, Metric::Interruptions, 1)
                        }
                        EndReason::LaunchFailed => agg.count(g, Metric::FailedLaunches, 1),
                        EndReason::PriceReplacement => {
                            agg.count(g, Metric::PriceDrivenReplacements, 1)
                        }
                        _ => {}
                    }
                }
                if running_from.is_some() {
                    self.unmet(t);
                }
            }
        }
    }

    fn end(&mut self, end: SimTime) {
        self.advance(end);
        self.accrue_overhead(end.secs());
    }
}
