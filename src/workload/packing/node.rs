//! What one node offers tasks: its reservations ([`NodeReserve`]) and what is left
//! ([`Allocatable`]).

use super::*;
use crate::workload::MILLICORES_PER_VCPU;

/// Resources an instance keeps back from tasks, and its limit on tasks.
///
/// The fields are public: any reservation (a custom `ECS_RESERVED_MEMORY`, kubelet
/// `--kube-reserved`, a max-pods from the ENI limit) is a struct literal away.
///
/// ```
/// use spotsim::catalog::Catalog;
/// use spotsim::workload::{Allocatable, NodeReserve};
/// let m5 = Catalog::builtin().get("m5.large").unwrap().clone();
/// let ecs = NodeReserve::ecs_default().allocatable(&m5)?;
/// assert_eq!(ecs, Allocatable { cpu_millis: 2000, memory_mib: 8192 - 512, max_tasks: None });
/// // EKS: the kubelet's 70m and the aws-node/kube-proxy pods' 150m; 255 + 11 × 29 MiB
/// // kube-reserved for the VPC CNI's 29 pods, 100 MiB eviction; 27 pods for the workload.
/// let eks = NodeReserve::eks_for(&m5)?.allocatable(&m5)?;
/// assert_eq!(eks, Allocatable { cpu_millis: 2000 - 220, memory_mib: 8192 - (255 + 11 * 29) - 100, max_tasks: Some(27) });
/// let custom = NodeReserve { cpu_millis: 0, memory_mib: 256, max_tasks: Some(29) };
/// assert_eq!(custom.allocatable(&m5)?.max_tasks, Some(29));
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NodeReserve {
    /// CPU kept back, in millicores.
    pub cpu_millis: u32,
    /// Memory kept back, in MiB.
    pub memory_mib: u32,
    /// Most tasks (pods) one instance runs; `None`: no limit beyond CPU and memory.
    #[serde(default)]
    pub max_tasks: Option<u32>,
}

/// Memory the ECS default reservation keeps back on every instance, in MiB (see
/// [`NodeReserve::ecs_default`]).
pub const ECS_DEFAULT_RESERVED_MEMORY_MIB: u32 = 512;

/// The hard eviction threshold `memory.available` the EKS optimized AMI configures
/// (100 MiB), which the kubelet subtracts from allocatable memory as well.
pub const EKS_EVICTION_HARD_MEMORY_MIB: u32 = 100;

impl NodeReserve {
    /// Nothing reserved, no task limit: tasks may use the whole instance.
    pub fn none() -> NodeReserve {
        NodeReserve {
            cpu_millis: 0,
            memory_mib: 0,
            max_tasks: None,
        }
    }

    /// The default for ECS container instances: no CPU and 512 MiB of memory reserved,
    /// no task limit.
    ///
    /// *Model assumption, configurable.* The ECS agent registers all of an instance's
    /// CPU (1024 units per vCPU) but less memory than is installed: the kernel and
    /// platform take some, and `ECS_RESERVED_MEMORY` (0 unless set) takes more for the
    /// agent and system processes. AWS's own example (ECS Developer Guide,
    /// "memory-management"; background knowledge, not in aws-facts.md) is an
    /// `m4.large` with 8192 MiB installed registering 7985 MiB, 207 MiB less, and the
    /// same page shows `ECS_RESERVED_MEMORY=256`. Their sum, 463 MiB, rounded up to a
    /// round 512 MiB is the default here. The kernel's share grows with instance
    /// memory, so on large instances this is optimistic; set [`NodeReserve::memory_mib`]
    /// from `DescribeContainerInstances` for exact figures. Tasks in `awsvpc` network
    /// mode are also limited by ENIs; set [`NodeReserve::max_tasks`] to model that.
    pub fn ecs_default() -> NodeReserve {
        NodeReserve {
            cpu_millis: 0,
            memory_mib: ECS_DEFAULT_RESERVED_MEMORY_MIB,
            max_tasks: None,
        }
    }

    /// The reservation of an EKS node of `instance_type` with the default setup
    /// ([`EksNodeConfig::default`]): max pods from the Amazon VPC CNI's ENI limits, the
    /// `aws-node` and `kube-proxy` DaemonSet pods, and the Amazon EKS optimized AMI's
    /// bootstrap default reservation:
    ///
    /// * `kube-reserved` memory = 255 MiB + 11 MiB × max pods;
    /// * `kube-reserved` CPU = 6 % of the first core, 1 % of the second, 0.5 % of the
    ///   third and fourth, 0.25 % of every core above four, each range rounded down to
    ///   whole millicores as the bootstrap script's integer arithmetic does
    ///   ([`eks_kube_reserved_cpu_millis`]);
    /// * plus the AMI's hard eviction threshold `memory.available` of 100 MiB
    ///   ([`EKS_EVICTION_HARD_MEMORY_MIB`]), which Kubernetes also subtracts from
    ///   allocatable memory;
    /// * plus the DaemonSet pods' requests; the workload gets max pods minus the
    ///   DaemonSet pods (see [`EksNodeConfig::reserve`], the [`MaxPods`] rules).
    ///
    /// *Model assumption, configurable.* The reservation formula is the EKS AMI's
    /// bootstrap default (awslabs/amazon-eks-ami `bootstrap.sh`; background knowledge,
    /// not in aws-facts.md). It is applied to the catalog's nominal memory, while the
    /// kubelet starts from the memory the kernel reports, slightly less.
    ///
    /// # Errors
    /// [`ConfigError`] for a type the VPC CNI table does not know (use
    /// [`EksNodeConfig`] with [`MaxPods::Fixed`]).
    ///
    /// ```
    /// use spotsim::catalog::Catalog;
    /// use spotsim::workload::NodeReserve;
    /// let c = Catalog::builtin();
    /// let r = NodeReserve::eks_for(c.get("m5.4xlarge").unwrap())?;
    /// // 16 vCPUs: 60 + 10 + 10 + 12000 × 0.25 % = 110 millicores, + 150 for the
    /// // DaemonSets; 8 ENIs × (30 − 1) + 2 = 234 pods, 232 for the workload.
    /// assert_eq!(r, NodeReserve { cpu_millis: 260, memory_mib: 255 + 11 * 234 + 100, max_tasks: Some(232) });
    /// # Ok::<(), spotsim::error::ConfigError>(())
    /// ```
    pub fn eks_for(instance_type: &InstanceType) -> Result<NodeReserve, ConfigError> {
        EksNodeConfig::default().reserve(instance_type)
    }

    /// What is left for tasks on one `instance_type` instance.
    ///
    /// # Errors
    /// [`ConfigError`] when the reservation takes all of the instance's CPU or memory.
    ///
    /// ```
    /// use spotsim::catalog::Catalog;
    /// use spotsim::workload::NodeReserve;
    /// let t = Catalog::builtin().get("c6g.medium").unwrap().clone();
    /// let r = NodeReserve { cpu_millis: 0, memory_mib: 4096, max_tasks: None };
    /// assert_eq!(r.allocatable(&t).unwrap_err().to_string(),
    ///            "option `node-reserve.memory-mib`: reserves 4096 MiB of c6g.medium's 2048 MiB; nothing is left for tasks");
    /// ```
    pub fn allocatable(&self, instance_type: &InstanceType) -> Result<Allocatable, ConfigError> {
        let cpu = u64::from(instance_type.vcpu) * u64::from(MILLICORES_PER_VCPU);
        let cpu = u32::try_from(cpu).map_err(|_| {
            ConfigError::new(
                "node-reserve",
                format!(
                    "{} has too many vCPUs to count in millicores",
                    instance_type.name
                ),
            )
        })?;
        if self.cpu_millis >= cpu {
            return Err(ConfigError::new(
                "node-reserve.cpu-millis",
                format!(
                    "reserves {} millicores of {}'s {cpu}; nothing is left for tasks",
                    self.cpu_millis, instance_type.name
                ),
            ));
        }
        if self.memory_mib >= instance_type.memory_mib {
            return Err(ConfigError::new(
                "node-reserve.memory-mib",
                format!(
                    "reserves {} MiB of {}'s {} MiB; nothing is left for tasks",
                    self.memory_mib, instance_type.name, instance_type.memory_mib
                ),
            ));
        }
        Ok(Allocatable {
            cpu_millis: cpu - self.cpu_millis,
            memory_mib: instance_type.memory_mib - self.memory_mib,
            max_tasks: self.max_tasks,
        })
    }
}

/// The EKS optimized AMI's `kube-reserved` memory for `max_pods` pods: 255 MiB + 11 MiB
/// per pod (background knowledge; see [`NodeReserve::eks_for`]).
///
/// ```
/// assert_eq!(spotsim::workload::packing::eks_kube_reserved_memory_mib(110), 1465);
/// ```
pub fn eks_kube_reserved_memory_mib(max_pods: u32) -> u32 {
    max_pods.saturating_mul(11).saturating_add(255)
}

/// The EKS optimized AMI's `kube-reserved` CPU for `vcpu` vCPUs, in millicores: 6 % of
/// the first core, 1 % of the second, 0.5 % of the third and fourth and 0.25 % of the
/// rest, each range rounded down (background knowledge; see [`NodeReserve::eks_for`]).
///
/// ```
/// use spotsim::workload::packing::eks_kube_reserved_cpu_millis;
/// assert_eq!(eks_kube_reserved_cpu_millis(1), 60);
/// assert_eq!(eks_kube_reserved_cpu_millis(2), 70);
/// assert_eq!(eks_kube_reserved_cpu_millis(4), 80);
/// assert_eq!(eks_kube_reserved_cpu_millis(5), 82, "1000 × 0.25 % = 2.5, rounded down");
/// assert_eq!(eks_kube_reserved_cpu_millis(96), 310);
/// ```
pub fn eks_kube_reserved_cpu_millis(vcpu: u32) -> u32 {
    // (range start, range end, basis points of the range reserved), in millicores.
    const RANGES: [(u64, u64, u64); 4] = [
        (0, 1000, 600),
        (1000, 2000, 100),
        (2000, 4000, 50),
        (4000, u64::MAX, 25),
    ];
    let total = u64::from(vcpu) * u64::from(MILLICORES_PER_VCPU);
    let mut reserved = 0u64;
    for (from, to, bp) in RANGES {
        if total > from {
            reserved += (total.min(to) - from) * bp / 10_000;
        }
    }
    u32::try_from(reserved).unwrap_or(u32::MAX)
}

/// What one instance offers tasks: CPU and memory after its [`NodeReserve`], and its
/// task limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Allocatable {
    /// CPU in millicores.
    pub cpu_millis: u32,
    /// Memory in MiB.
    pub memory_mib: u32,
    /// Most tasks per instance; `None`: no limit beyond CPU and memory.
    #[serde(default)]
    pub max_tasks: Option<u32>,
}

impl Allocatable {
    /// How many `task`s fit on one empty instance (`u64::MAX` for a task that requests
    /// nothing on an instance without a task limit).
    ///
    /// ```
    /// use spotsim::workload::{Allocatable, TaskRequest};
    /// let node = Allocatable { cpu_millis: 2000, memory_mib: 7680, max_tasks: None };
    /// assert_eq!(node.fits(TaskRequest { cpu_millis: 250, memory_mib: 3072 }), 2);
    /// ```
    pub fn fits(&self, task: TaskRequest) -> u64 {
        Room::of(*self).fits(task)
    }
}

impl fmt::Display for Allocatable {
    /// `1.93 vCPU / 6627 MiB / 110 tasks`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} vCPU / {} MiB",
            millis_str(u64::from(self.cpu_millis)),
            self.memory_mib
        )?;
        if let Some(n) = self.max_tasks {
            write!(f, " / {n} tasks")?;
        }
        Ok(())
    }
}
