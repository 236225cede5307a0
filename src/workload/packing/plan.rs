//! Tasks packed over a horizon: [`PackingPlan`], its utilisation and totals.

use super::*;

/// Requested vs allocatable resources of a set of tasks on some instances: what
/// [`PackingPlan`] records at each instant and the basis of the "idle EC2 capacity"
/// waste (allocatable but not requested).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Utilisation {
    /// Tasks running.
    pub tasks: u64,
    /// Instances they run on.
    pub instances: u32,
    /// CPU the tasks request, millicores.
    pub requested_cpu_millis: u64,
    /// Memory the tasks request, MiB.
    pub requested_memory_mib: u64,
    /// CPU the instances offer tasks, millicores.
    pub allocatable_cpu_millis: u64,
    /// Memory the instances offer tasks, MiB.
    pub allocatable_memory_mib: u64,
}

impl Utilisation {
    /// Allocatable CPU no task requests, millicores.
    pub fn idle_cpu_millis(&self) -> u64 {
        self.allocatable_cpu_millis
            .saturating_sub(self.requested_cpu_millis)
    }

    /// Allocatable memory no task requests, MiB.
    pub fn idle_memory_mib(&self) -> u64 {
        self.allocatable_memory_mib
            .saturating_sub(self.requested_memory_mib)
    }

    /// Requested / allocatable CPU, for display (0 without instances).
    pub fn cpu_fraction(&self) -> f64 {
        ratio(self.requested_cpu_millis, self.allocatable_cpu_millis)
    }

    /// Requested / allocatable memory, for display (0 without instances).
    pub fn memory_fraction(&self) -> f64 {
        ratio(self.requested_memory_mib, self.allocatable_memory_mib)
    }

    /// Average tasks per instance at this instant, for display (0 without instances).
    pub fn tasks_per_instance(&self) -> f64 {
        ratio(self.tasks, u64::from(self.instances))
    }
}

/// `a / b` for display; 0 when `b` is 0.
pub(super) fn ratio(a: impl Into<u128>, b: impl Into<u128>) -> f64 {
    let (a, b) = (a.into(), b.into());
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Requested vs allocatable CPU and memory of `tasks` on `instances` instances of
/// `node`.
///
/// ```
/// use spotsim::workload::{utilisation, Allocatable, TaskRequest};
/// let node = Allocatable { cpu_millis: 2000, memory_mib: 7680, max_tasks: None };
/// let u = utilisation(&[(TaskRequest { cpu_millis: 1000, memory_mib: 2048 }, 3)], node, 2);
/// assert_eq!((u.requested_cpu_millis, u.allocatable_cpu_millis, u.idle_cpu_millis()), (3000, 4000, 1000));
/// assert_eq!(u.idle_memory_mib(), 2 * 7680 - 3 * 2048);
/// assert_eq!(u.cpu_fraction(), 0.75);
/// ```
pub fn utilisation(tasks: &[(TaskRequest, u32)], node: Allocatable, instances: u32) -> Utilisation {
    let mut u = Utilisation {
        instances,
        allocatable_cpu_millis: u64::from(node.cpu_millis) * u64::from(instances),
        allocatable_memory_mib: u64::from(node.memory_mib) * u64::from(instances),
        ..Utilisation::default()
    };
    for &(t, n) in tasks {
        let n = u64::from(n);
        u.tasks = u.tasks.saturating_add(n);
        u.requested_cpu_millis = u
            .requested_cpu_millis
            .saturating_add(u64::from(t.cpu_millis) * n);
        u.requested_memory_mib = u
            .requested_memory_mib
            .saturating_add(u64::from(t.memory_mib) * n);
    }
    u
}

/// Time integrals of a [`PackingPlan`] over its horizon (value × seconds), exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct PlanTotals {
    /// Instance-seconds.
    pub instance_seconds: u128,
    /// Task-seconds.
    pub task_seconds: u128,
    /// Requested CPU, millicore-seconds.
    pub requested_cpu_milli_seconds: u128,
    /// Requested memory, MiB-seconds.
    pub requested_memory_mib_seconds: u128,
    /// Allocatable CPU, millicore-seconds.
    pub allocatable_cpu_milli_seconds: u128,
    /// Allocatable memory, MiB-seconds.
    pub allocatable_memory_mib_seconds: u128,
}

impl PlanTotals {
    /// Time-weighted requested / allocatable CPU, for display (0 without instances).
    pub fn cpu_fraction(&self) -> f64 {
        ratio(
            self.requested_cpu_milli_seconds,
            self.allocatable_cpu_milli_seconds,
        )
    }

    /// Time-weighted requested / allocatable memory, for display (0 without instances).
    pub fn memory_fraction(&self) -> f64 {
        ratio(
            self.requested_memory_mib_seconds,
            self.allocatable_memory_mib_seconds,
        )
    }
}

/// Services packed onto one node type over a horizon: at every change point of any
/// service's desired count, the tasks, the instances they need and their utilisation.
///
/// ```
/// use spotsim::time::{SimTime, HOUR};
/// use spotsim::workload::{Allocatable, Demand, PackingPlan, Placement, Service};
/// let node = Allocatable { cpu_millis: 2000, memory_mib: 7680, max_tasks: None };
/// let api = Service::new("api", 1000, 1024, Demand::Daily {
///     baseline: 2, peak: 6, peak_hours: 2, peak_start_hour: 1,
/// })?;
/// let worker = Service::new("worker", 500, 512, Demand::constant(4))?;
/// let plan = PackingPlan::new(&[api, worker], node, Placement::Binpack, SimTime(0), SimTime(4 * HOUR))?;
/// assert_eq!(plan.tasks_trace().values(), &[6, 10, 6]);
/// assert_eq!(plan.instances_trace().values(), &[2, 4, 2]);
/// assert_eq!(plan.steps()[1].tasks_per_instance(), 2.5);
/// assert_eq!(plan.totals().instance_seconds, (2 * 2 + 4 * 2) * HOUR as u128);
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackingPlan {
    start: SimTime,
    end: SimTime,
    node: Allocatable,
    placement: Placement,
    times: Vec<i64>,
    steps: Vec<Utilisation>,
    instances: StepTrace<u32>,
    tasks: StepTrace<u32>,
}

impl PackingPlan {
    /// Packs `services` onto instances offering `node` each, under `placement`, over
    /// `[start, end)`. Change points where nothing changes are dropped.
    ///
    /// # Errors
    /// [`Error::Config`] for no services, an invalid service ([`Service::validate`]), a
    /// task that fits no instance (naming the service, its task size and the node's
    /// allocatable), a spread over 0 or more than [`MAX_ZONES`] zones, or more than
    /// `u32::MAX` tasks or instances at once; the errors of [`Service::desired_trace`].
    pub fn new(
        services: &[Service],
        node: Allocatable,
        placement: Placement,
        start: SimTime,
        end: SimTime,
    ) -> Result<PackingPlan, Error> {
        let traces = desired_traces(services, start, end)?;
        placement.check()?;
        for s in services {
            if node.fits(s.task()) == 0 {
                return Err(ConfigError::new(
                    format!("service.{}", s.name),
                    PackError::TaskTooLarge {
                        task: s.task(),
                        node,
                    }
                    .to_string(),
                )
                .into());
            }
        }
        let times = change_points(&traces);
        let mut plan_times: Vec<i64> = Vec::with_capacity(times.len());
        let mut steps: Vec<Utilisation> = Vec::with_capacity(times.len());
        let mut tasks: Vec<(TaskRequest, u32)> = services.iter().map(|s| (s.task(), 0)).collect();
        for t in times {
            for (slot, tr) in tasks.iter_mut().zip(&traces) {
                slot.1 = tr.value_at(SimTime(t)).unwrap_or(0);
            }
            let n = instances_needed(&tasks, node, placement)?;
            let u = utilisation(&tasks, node, n);
            if u.tasks > u64::from(u32::MAX) {
                return Err(ConfigError::new(
                    "services",
                    format!("{} tasks at {} exceed 4,294,967,295", u.tasks, SimTime(t)),
                )
                .into());
            }
            if steps.last() != Some(&u) {
                plan_times.push(t);
                steps.push(u);
            }
        }
        let instances = project(&plan_times, &steps, |u| u.instances)?;
        // Counts above u32::MAX were rejected above.
        let tasks = project(&plan_times, &steps, |u| {
            u32::try_from(u.tasks).unwrap_or(u32::MAX)
        })?;
        Ok(PackingPlan {
            start,
            end,
            node,
            placement,
            times: plan_times,
            steps,
            instances,
            tasks,
        })
    }

    /// The horizon `[start, end)`.
    pub fn horizon(&self) -> (SimTime, SimTime) {
        (self.start, self.end)
    }

    /// What one instance offers tasks.
    pub fn node(&self) -> Allocatable {
        self.node
    }

    /// The placement strategy.
    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// Change points, in seconds; the first is the horizon's start.
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// The utilisation from each change point until the next.
    pub fn steps(&self) -> &[Utilisation] {
        &self.steps
    }

    /// The utilisation in effect at `t` (`None` outside the horizon).
    pub fn at(&self, t: SimTime) -> Option<&Utilisation> {
        if t < self.start || t >= self.end {
            return None;
        }
        let i = self.times.partition_point(|&x| x <= t.0).checked_sub(1)?;
        self.steps.get(i)
    }

    /// The instance count over the horizon: the target the engine maintains
    /// ([`Target::Trace`](crate::engine::Target::Trace)); no two consecutive values are
    /// equal.
    pub fn instances_trace(&self) -> &StepTrace<u32> {
        &self.instances
    }

    /// Total running tasks over the horizon; no two consecutive values are equal.
    pub fn tasks_trace(&self) -> &StepTrace<u32> {
        &self.tasks
    }

    /// Exact time integrals over the horizon.
    pub fn totals(&self) -> PlanTotals {
        let mut s = PlanTotals::default();
        for (i, u) in self.steps.iter().enumerate() {
            let from = self.times[i];
            let to = self.times.get(i + 1).copied().unwrap_or(self.end.0);
            let d = u128::try_from(i128::from(to) - i128::from(from)).unwrap_or(0);
            s.instance_seconds += u128::from(u.instances) * d;
            s.task_seconds += u128::from(u.tasks) * d;
            s.requested_cpu_milli_seconds += u128::from(u.requested_cpu_millis) * d;
            s.requested_memory_mib_seconds += u128::from(u.requested_memory_mib) * d;
            s.allocatable_cpu_milli_seconds += u128::from(u.allocatable_cpu_millis) * d;
            s.allocatable_memory_mib_seconds += u128::from(u.allocatable_memory_mib) * d;
        }
        s
    }
}

/// One field of the steps as a step function, equal consecutive values coalesced.
pub(super) fn project(
    times: &[i64],
    steps: &[Utilisation],
    f: impl Fn(&Utilisation) -> u32,
) -> Result<StepTrace<u32>, Error> {
    let mut ts = Vec::with_capacity(times.len());
    let mut values: Vec<u32> = Vec::with_capacity(times.len());
    for (&t, u) in times.iter().zip(steps) {
        let v = f(u);
        if values.last() != Some(&v) {
            ts.push(t);
            values.push(v);
        }
    }
    StepTrace::new(ts, values)
        .map_err(|e| ConfigError::new("services", format!("internal: {e}")).into())
}

/// The instance count `services` need over `[start, end)`
/// ([`PackingPlan::instances_trace`]).
///
/// # Errors
/// As [`PackingPlan::new`].
///
/// ```
/// use spotsim::time::SimTime;
/// use spotsim::workload::{instances_trace, Allocatable, Demand, Placement, Service};
/// let node = Allocatable { cpu_millis: 2000, memory_mib: 7680, max_tasks: None };
/// let s = Service::new("api", 1000, 2048, Demand::constant(10))?;
/// let tr = instances_trace(&[s], node, Placement::Binpack, SimTime(0), SimTime(60))?;
/// assert_eq!(tr.values(), &[5]);
/// # Ok::<(), spotsim::error::Error>(())
/// ```
pub fn instances_trace(
    services: &[Service],
    node: Allocatable,
    placement: Placement,
    start: SimTime,
    end: SimTime,
) -> Result<StepTrace<u32>, Error> {
    PackingPlan::new(services, node, placement, start, end).map(|p| p.instances)
}

pub(super) fn desired_traces(
    services: &[Service],
    start: SimTime,
    end: SimTime,
) -> Result<Vec<StepTrace<u32>>, Error> {
    if services.is_empty() {
        return Err(ConfigError::new("services", "no services: nothing to run").into());
    }
    services
        .iter()
        .map(|s| s.desired_trace(start, end))
        .collect()
}

/// The sorted union of the traces' change points.
pub(super) fn change_points(traces: &[StepTrace<u32>]) -> Vec<i64> {
    let mut times: Vec<i64> = traces
        .iter()
        .flat_map(|t| t.times().iter().copied())
        .collect();
    times.sort_unstable();
    times.dedup();
    times
}
