//! [`Service`]: a container service (an ECS service, a Kubernetes deployment): one task
//! size and a desired count over time.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::packing::TaskRequest;
use super::shape::Demand;
use crate::error::{ConfigError, Error};
use crate::market::StepTrace;
use crate::pricing::fargate;
pub use crate::pricing::fargate::MAX_EPHEMERAL_GIB;
use crate::time::SimTime;

/// Default ephemeral storage per task: what Fargate gives Linux tasks on platform
/// version 1.4.0 or later free of charge ([`fargate::FREE_EPHEMERAL_GIB`], 20 GiB,
/// aws-facts.md §4.5).
pub const DEFAULT_EPHEMERAL_GIB: u32 = fargate::FREE_EPHEMERAL_GIB;

fn default_ephemeral() -> u32 {
    DEFAULT_EPHEMERAL_GIB
}

/// A container service: every task requests the same CPU, memory and ephemeral storage,
/// and [`Service::desired`] says how many tasks should run over time.
///
/// In TOML (keys in kebab-case; `ephemeral-gib` is optional):
///
/// ```
/// use spotsim::workload::{Demand, Service};
/// let s: Service = toml::from_str(r#"
///     name = "api"
///     task-vcpu-millis = 512
///     task-memory-mib = 1024
///     desired = { shape = "constant", tasks = 3 }
/// "#).unwrap();
/// assert_eq!(s, Service::new("api", 512, 1024, Demand::constant(3))?);
/// assert_eq!(s.ephemeral_gib, 20);
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Service {
    /// The service's name (non-empty), used in errors and reports.
    pub name: String,
    /// CPU per task in millicores: 1000 = 1 vCPU, 250 = 0.25 vCPU (ECS CPU units are
    /// 1024 per vCPU; convert with `units × 1000 / 1024`).
    pub task_vcpu_millis: u32,
    /// Memory per task in MiB.
    pub task_memory_mib: u32,
    /// Ephemeral storage per task in GiB, 20 to 200 (default 20, aws-facts.md §4.5).
    /// Priced for Fargate; not packed onto instances.
    #[serde(default = "default_ephemeral")]
    pub ephemeral_gib: u32,
    /// The desired task count over time.
    pub desired: Demand,
}

impl Service {
    /// A validated service with the default ephemeral storage (20 GiB).
    ///
    /// # Errors
    /// As [`Service::validate`].
    ///
    /// ```
    /// use spotsim::workload::{Demand, Service};
    /// let e = Service::new("api", 0, 512, Demand::constant(1)).unwrap_err();
    /// assert_eq!(e.to_string(), "option `service.api.task-vcpu-millis`: must be at least 1 (millicores; 1000 = 1 vCPU)");
    /// let e = Service::new("api", 250, 512, Demand::constant(0)).unwrap_err();
    /// assert!(e.to_string().starts_with("option `service.api.desired`: zero tasks"));
    /// ```
    pub fn new(
        name: impl Into<String>,
        task_vcpu_millis: u32,
        task_memory_mib: u32,
        desired: Demand,
    ) -> Result<Service, ConfigError> {
        let s = Service {
            name: name.into(),
            task_vcpu_millis,
            task_memory_mib,
            ephemeral_gib: DEFAULT_EPHEMERAL_GIB,
            desired,
        };
        s.validate()?;
        Ok(s)
    }

    /// Checks the service: a non-empty name, non-zero CPU and memory, ephemeral storage
    /// of 20 to 200 GiB, a valid demand ([`Demand::validate`]), and at least one task at
    /// some point: a shape whose largest count is 0 is a "zero tasks" error. A `csv`
    /// demand's counts are checked when they are read ([`Service::desired_trace`]).
    /// Option names in errors are `service.<name>.<field>`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty() {
            return Err(ConfigError::new(
                "service.name",
                "is empty; every service needs a name",
            ));
        }
        let opt = |field: &str| format!("service.{}.{field}", self.name);
        if self.task_vcpu_millis == 0 {
            return Err(ConfigError::new(
                opt("task-vcpu-millis"),
                "must be at least 1 (millicores; 1000 = 1 vCPU)",
            ));
        }
        if self.task_memory_mib == 0 {
            return Err(ConfigError::new(
                opt("task-memory-mib"),
                "must be at least 1 (MiB)",
            ));
        }
        fargate::check_ephemeral_gib(self.ephemeral_gib)
            .map_err(|e| ConfigError::new(opt("ephemeral-gib"), e.to_string()))?;
        self.desired.validate_as(&opt("desired"))?;
        if self.desired.max_tasks() == Some(0) {
            return Err(zero_tasks(&opt("desired"), &self.desired));
        }
        Ok(())
    }

    /// What one task requests from a node.
    ///
    /// ```
    /// use spotsim::workload::{Demand, Service, TaskRequest};
    /// let s = Service::new("api", 250, 512, Demand::constant(1))?;
    /// assert_eq!(s.task(), TaskRequest { cpu_millis: 250, memory_mib: 512 });
    /// # Ok::<(), spotsim::error::ConfigError>(())
    /// ```
    pub fn task(&self) -> TaskRequest {
        TaskRequest {
            cpu_millis: self.task_vcpu_millis,
            memory_mib: self.task_memory_mib,
        }
    }

    /// The desired count over `[start, end)` ([`Demand::trace`]), after
    /// [`Service::validate`].
    ///
    /// # Errors
    /// As [`Service::validate`] and [`Demand::trace`], and a "zero tasks"
    /// [`ConfigError`] when every count of a `csv` file (or `steps` trace) is 0.
    ///
    /// ```
    /// use spotsim::time::SimTime;
    /// use spotsim::workload::{Demand, Service};
    /// let s = Service::new("api", 250, 512, Demand::constant(4))?;
    /// let tr = s.desired_trace(SimTime(0), SimTime(60))?;
    /// assert_eq!(tr.values(), &[4]);
    /// # Ok::<(), spotsim::error::Error>(())
    /// ```
    pub fn desired_trace(&self, start: SimTime, end: SimTime) -> Result<StepTrace<u32>, Error> {
        self.validate()?;
        let (trace, max) = self.desired.materialise(start, end).map_err(|e| match e {
            // Name the service in option errors (the demand names only `desired.<field>`).
            Error::Config(c) if c.option.starts_with("desired") => Error::Config(ConfigError {
                option: format!("service.{}.{}", self.name, c.option),
                ..c
            }),
            other => other,
        })?;
        if max == 0 {
            return Err(
                zero_tasks(&format!("service.{}.desired", self.name), &self.desired).into(),
            );
        }
        // Every shape, once read (a `csv` file's or a `steps` trace's maximum is known
        // only now).
        if max > crate::limits::MAX_TASKS {
            return Err(ConfigError::new(
                format!("service.{}.desired", self.name),
                format!(
                    "{} asks for {max} tasks: at most {} per service",
                    self.desired,
                    crate::limits::MAX_TASKS
                ),
            )
            .into());
        }
        Ok(trace)
    }

    /// Exact task-seconds over `[start, end)` ([`Demand::task_seconds`]).
    ///
    /// # Errors
    /// As [`Service::desired_trace`].
    pub fn task_seconds(&self, start: SimTime, end: SimTime) -> Result<u64, Error> {
        let tr = self.desired_trace(start, end)?;
        super::step_integral(&tr, start, end).ok_or_else(|| {
            ConfigError::new(
                format!("service.{}.desired", self.name),
                "task-seconds over the horizon exceed 2^64 − 1",
            )
            .into()
        })
    }

    /// Makes a relative `csv` path relative to `dir` (a scenario file's directory).
    pub fn resolve_relative_to(&mut self, dir: &Path) {
        self.desired.resolve_relative_to(dir);
    }
}

fn zero_tasks(option: &str, d: &Demand) -> ConfigError {
    ConfigError::new(
        option,
        format!("zero tasks: {d} never asks for a task, so the service would never run"),
    )
}
