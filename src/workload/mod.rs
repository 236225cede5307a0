//! What must run: container services, their desired task count over time, and how many
//! instances of one node type those tasks need.
//!
//! * [`Service`]: one ECS service or Kubernetes deployment: a task size (vCPU in
//!   millicores, memory in MiB, ephemeral storage in GiB) and a desired count over time.
//! * [`Demand`] ([`shape`]): the desired count as a step function of time. The
//!   synthetic shapes are the AWS Pricing Calculator's workload patterns (peers.md §9:
//!   *constant usage*, *daily spike*, *weekly spike*, *monthly spike*, each a baseline
//!   count, a peak count and a peak duration); a measured count comes from a
//!   `timestamp,desired_count` CSV ([`desired_csv`]). [`Demand::trace`] materialises it over a horizon as the
//!   [`StepTrace`](crate::market::StepTrace) the engine's
//!   [`Target::Trace`](crate::engine::Target::Trace) takes.
//! * [`packing`]: how many instances the tasks need at each instant: per-node
//!   reservations ([`NodeReserve`]: the ECS agent's and the EKS kubelet's), the
//!   allocatable resources that remain ([`Allocatable`]), ECS's `binpack` and `spread`
//!   placement (aws-facts.md §6.4) and [`PackingPlan`], which turns the services' desired
//!   counts into the instance count the engine maintains, with the tasks and the idle
//!   (requested vs allocatable) capacity behind it.
//!
//! ```
//! use spotsim::catalog::Catalog;
//! use spotsim::time::{SimTime, DAY};
//! use spotsim::workload::{Demand, NodeReserve, PackingPlan, Placement, Service};
//!
//! let web = Service::new("web", 1000, 2048, Demand::Daily {
//!     baseline: 2, peak: 10, peak_hours: 8, peak_start_hour: 9,
//! })?;
//! let m5 = Catalog::builtin().get("m5.large").unwrap().clone();
//! let node = NodeReserve::ecs_default().allocatable(&m5)?;
//! let (start, end) = (SimTime(0), SimTime(DAY));
//! let plan = PackingPlan::new(&[web], node, Placement::Binpack, start, end)?;
//! // 2 tasks of 1 vCPU fit one 2-vCPU m5.large; 10 need 5 of them from 09:00 to 17:00.
//! assert_eq!(plan.instances_trace().times(), &[0, 9 * 3600, 17 * 3600]);
//! assert_eq!(plan.instances_trace().values(), &[1, 5, 1]);
//! # Ok::<(), spotsim::error::Error>(())
//! ```
//!
//! # What is modelled
//!
//! * **Requests, not usage.** A task occupies what it requests (ECS task `cpu`/`memory`,
//!   a pod's requests); an instance holds tasks while the sums of their requests fit its
//!   allocatable CPU and memory and their number fits its task limit. This is ECS's
//!   placement filter, step 1 of aws-facts.md §6.4 ("filter instances by the CPU, GPU,
//!   memory and port requirements"), and the Kubernetes scheduler's resource fit.
//! * **Binpack** (aws-facts.md §6.4: "minimises the number of instances in use"):
//!   first-fit decreasing over identical nodes, tasks ordered by their binding
//!   (dominant) resource share of the node. First-fit decreasing is a heuristic; the
//!   count it gives is what a scheduler that places the biggest tasks first achieves,
//!   not a proven optimum.
//! * **Spread by Availability Zone then binpack**, ECS's default for services
//!   (aws-facts.md §6.4): each service's tasks are split as evenly as possible over the
//!   zones and each zone is binpacked on its own, so a zone with one task still needs an
//!   instance (never fewer instances than binpack, see [`Placement::Spread`]). Spread
//!   *by instance* is not modelled separately: with target-tracking
//!   scaling of the cluster at 100 % reservation (ECS capacity providers, §6.5) the
//!   instance count is what the tasks need, and spreading tasks over those instances
//!   does not change how many there are.
//! * **Node reservations**: the ECS agent's registered resources
//!   ([`NodeReserve::ecs_default`]) and, on EKS, the EKS optimized AMI's kubelet
//!   reservation, the DaemonSet pods on every node and max pods per node from the
//!   Amazon VPC CNI's ENI limits, prefix delegation or a fixed number
//!   ([`packing::EksNodeConfig`], [`NodeReserve::eks_for`]). Both are documented model
//!   assumptions and configurable (the fields are public).
//!
//! # What is not modelled
//!
//! * **Task placement constraints** (`distinctInstance`, `memberOf`, aws-facts.md §6.4),
//!   pod affinity, taints and host ports: every task may go on any node.
//! * **Heterogeneous nodes in one cluster.** Packing is against one node type; with
//!   several types in a fleet, the reference node type is the smallest listed
//!   ([`reference_node_type`]). AWS recommends instance types of the same vCPU and memory
//!   within one node group (aws-facts.md §6.3), which is what this assumes.
//! * **Network-interface limits of ECS**: ECS `awsvpc` tasks are limited per instance
//!   by its ENIs (without ENI trunking); set [`NodeReserve::max_tasks`] to model that.
//!   (EKS pods' limit is modelled, see above.)
//! * **Ephemeral storage** is carried for Fargate pricing (aws-facts.md §4.5) but not
//!   packed: an instance's disk is sized by its launch template.
//! * **Scheduling delay**: the instance count follows the desired count instantly; the
//!   engine adds the launch latency of the instances.

pub mod desired_csv;
pub mod packing;
mod request;
mod service;
pub mod shape;

pub use desired_csv::{DesiredCounts, read_desired_bytes, read_desired_file};
pub use packing::{
    Allocatable, NodeReserve, PackError, PackingPlan, Placement, PlanTotals, TaskRequest,
    Utilisation, instances_needed, instances_trace, utilisation,
};
pub use request::MILLICORES_PER_VCPU;
pub use service::{DEFAULT_EPHEMERAL_GIB, MAX_EPHEMERAL_GIB, Service};
pub use shape::{
    DEFAULT_PEAK_DAY_OF_MONTH, DEFAULT_PEAK_DAYS, DEFAULT_PEAK_START_HOUR, Demand,
    MAX_MONTHLY_PEAK_HOURS, step_integral,
};

use crate::catalog::InstanceType;

/// The node type a cluster is packed against when a fleet lists several: the smallest
/// (fewest vCPUs, then least memory; ties go to the one listed first), `None` for an
/// empty list.
///
/// Packing against the smallest type is conservative when the fleet counts its target
/// in instances: a larger instance holds at least as many tasks. AWS recommends types of
/// the same vCPU and memory within one node group (aws-facts.md §6.3), where the choice
/// does not matter.
///
/// ```
/// use spotsim::catalog::Catalog;
/// use spotsim::workload::reference_node_type;
/// let c = Catalog::builtin();
/// let types = [c.get("m5.xlarge").unwrap().clone(), c.get("c5.large").unwrap().clone(),
///              c.get("m5.large").unwrap().clone()];
/// assert_eq!(reference_node_type(&types).unwrap().name, "c5.large");
/// assert!(reference_node_type(&[]).is_none());
/// ```
pub fn reference_node_type(types: &[InstanceType]) -> Option<&InstanceType> {
    types.iter().min_by_key(|t| (t.vcpu, t.memory_mib))
}
