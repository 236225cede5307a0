//! [`TaskRequest`]: what one task or pod asks for — the crate's one request type, used
//! by bin packing onto instances ([`packing`](super::packing)) and by Fargate sizing and
//! billing ([`pricing::fargate`](crate::pricing::fargate)).
//!
//! CPU is kept in **millicores** (1000 per vCPU), the unit Kubernetes requests, kubelet
//! reservations and [`Service`](super::Service) use. ECS task definitions and Fargate
//! count **CPU units** (1024 per vCPU); [`TaskRequest::cpu_units`] converts, rounding
//! up so a request never shrinks, and [`TaskRequest::from_cpu_units`] converts back,
//! rounding up to the millicore. Every multiple of 128 CPU units (so every Fargate size)
//! is a whole number of millicores and survives the round trip exactly; for any other
//! request the round trip adds at most 2 units and never crosses a multiple of 128, so
//! it never changes the Fargate size a request rounds up to.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::pricing::fargate::{
    CPU_UNITS_PER_VCPU, FargateError, MIB_PER_GB, Resource, parse_scaled,
};

/// Millicores in one vCPU (Kubernetes CPU requests, ECS and kubelet reservations).
pub const MILLICORES_PER_VCPU: u32 = 1000;

/// What one task requests: CPU in millicores and memory in MiB.
///
/// ```
/// use spotsim::workload::TaskRequest;
/// let r = TaskRequest { cpu_millis: 250, memory_mib: 512 };
/// assert_eq!(r.to_string(), "0.25 vCPU / 512 MiB");
/// assert_eq!(r.cpu_units(), 256);
/// assert_eq!(TaskRequest::from_cpu_units(256, 512), r);
/// assert_eq!(TaskRequest::parse("0.25", "0.5").unwrap(), r);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TaskRequest {
    /// CPU in millicores (1000 = 1 vCPU).
    pub cpu_millis: u32,
    /// Memory in MiB.
    pub memory_mib: u32,
}

impl TaskRequest {
    /// A request of `cpu_millis` millicores and `memory_mib` MiB.
    ///
    /// ```
    /// # use spotsim::workload::TaskRequest;
    /// assert_eq!(TaskRequest::from_millicores(300, 700).cpu_units(), 308); // 307.2 → 308
    /// ```
    pub const fn from_millicores(cpu_millis: u32, memory_mib: u32) -> TaskRequest {
        TaskRequest {
            cpu_millis,
            memory_mib,
        }
    }

    /// A request of `cpu_units` ECS CPU units (1024 per vCPU), rounded **up** to whole
    /// millicores (`100` units → 97.66 → 98 m), and `memory_mib` MiB.
    ///
    /// ```
    /// # use spotsim::workload::TaskRequest;
    /// assert_eq!(TaskRequest::from_cpu_units(1024, 2048).cpu_millis, 1000);
    /// assert_eq!(TaskRequest::from_cpu_units(100, 2048).cpu_millis, 98);
    /// ```
    pub fn from_cpu_units(cpu_units: u32, memory_mib: u32) -> TaskRequest {
        let millis = (u64::from(cpu_units) * u64::from(MILLICORES_PER_VCPU))
            .div_ceil(u64::from(CPU_UNITS_PER_VCPU));
        TaskRequest {
            // At most u32::MAX × 1000 / 1024 < u32::MAX.
            cpu_millis: u32::try_from(millis).unwrap_or(u32::MAX),
            memory_mib,
        }
    }

    /// The CPU in ECS CPU units (1024 per vCPU), rounded **up** (`300` m → 307.2 → 308).
    ///
    /// ```
    /// # use spotsim::workload::TaskRequest;
    /// assert_eq!(TaskRequest::from_millicores(1000, 512).cpu_units(), 1024);
    /// ```
    pub fn cpu_units(self) -> u32 {
        let units = (u64::from(self.cpu_millis) * u64::from(CPU_UNITS_PER_VCPU))
            .div_ceil(u64::from(MILLICORES_PER_VCPU));
        u32::try_from(units).unwrap_or(u32::MAX)
    }

    /// A request from decimal strings: vCPU (`"0.25"`) and memory in GB (`"0.5"` = 512
    /// MiB), each rounded **up** (to the millicore and the MiB).
    ///
    /// # Errors
    /// [`FargateError::BadRequest`] for a negative number or anything but a plain
    /// decimal (at most 9 decimals, at most 1,000,000).
    ///
    /// ```
    /// # use spotsim::workload::TaskRequest;
    /// assert_eq!(TaskRequest::parse("0.3", "0.7").unwrap(), TaskRequest::from_millicores(300, 717));
    /// let e = TaskRequest::parse("1", "-2").unwrap_err();
    /// assert_eq!(e.to_string(), "memory request `-2`: must not be negative");
    /// ```
    pub fn parse(vcpu: &str, memory_gb: &str) -> Result<TaskRequest, FargateError> {
        Ok(TaskRequest {
            cpu_millis: parse_scaled(vcpu, Resource::Cpu, MILLICORES_PER_VCPU)?,
            memory_mib: parse_scaled(memory_gb, Resource::Memory, MIB_PER_GB)?,
        })
    }

    /// An EKS pod's request from its containers (aws-facts.md §4.4 \[S5\]): per resource,
    /// the larger of the largest init container's request and the sum of the
    /// long-running containers' requests. (Per-resource is how Kubernetes computes a
    /// pod's effective request.)
    ///
    /// ```
    /// # use spotsim::workload::TaskRequest;
    /// let r = TaskRequest::from_millicores;
    /// let init = [r(2000, 512)];
    /// let app = [r(500, 1024), r(250, 1024)];
    /// assert_eq!(TaskRequest::eks_pod(&init, &app), r(2000, 2048));
    /// ```
    pub fn eks_pod(init: &[TaskRequest], containers: &[TaskRequest]) -> TaskRequest {
        let init_cpu = init.iter().map(|r| r.cpu_millis).max().unwrap_or(0);
        let init_mem = init.iter().map(|r| r.memory_mib).max().unwrap_or(0);
        let sum_cpu = containers
            .iter()
            .fold(0u32, |a, r| a.saturating_add(r.cpu_millis));
        let sum_mem = containers
            .iter()
            .fold(0u32, |a, r| a.saturating_add(r.memory_mib));
        TaskRequest {
            cpu_millis: init_cpu.max(sum_cpu),
            memory_mib: init_mem.max(sum_mem),
        }
    }
}

impl fmt::Display for TaskRequest {
    /// `0.25 vCPU / 512 MiB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} vCPU / {} MiB",
            millis_str(u64::from(self.cpu_millis)),
            self.memory_mib
        )
    }
}

/// Millicores as vCPUs without a float: 250 → `0.25`, 2000 → `2`.
pub(crate) fn millis_str(m: u64) -> String {
    let per = u64::from(MILLICORES_PER_VCPU);
    let (whole, frac) = (m / per, m % per);
    if frac == 0 {
        whole.to_string()
    } else {
        let f = format!("{frac:03}");
        format!("{whole}.{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_as_vcpus() {
        assert_eq!(millis_str(250), "0.25");
        assert_eq!(millis_str(1930), "1.93");
        assert_eq!(millis_str(2000), "2");
        assert_eq!(millis_str(5), "0.005");
    }

    #[test]
    fn cpu_units_round_trip() {
        // Multiples of 128 units are whole millicores (128 units = 125 m): exact.
        for k in 0..200u32 {
            let u = 128 * k;
            assert_eq!(TaskRequest::from_cpu_units(u, 1).cpu_units(), u, "{u}");
        }
        // Any other request: back within 2 units above, never past the next multiple
        // of 128 (so never into a larger Fargate size).
        for u in 0..20_000u32 {
            let back = TaskRequest::from_cpu_units(u, 1).cpu_units();
            assert!(back >= u && back <= u + 2, "{u} -> {back}");
            assert!(back <= u.div_ceil(128) * 128, "{u} -> {back}");
        }
        assert_eq!(
            TaskRequest::from_cpu_units(u32::MAX, 1).cpu_millis,
            4_194_304_000
        );
        assert_eq!(
            TaskRequest::from_millicores(u32::MAX, 1).cpu_units(),
            u32::MAX
        );
    }
}
