//! How a task's run becomes a charge: minimums, components, waste (§4.1, §4.5, §4.6).

use super::*;

/// A Fargate charge, by component.
///
/// ```
/// use spotsim::pricing::fargate::{FargateBilling, FargateRates, Platform, TaskSize};
/// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// let c = FargateBilling::default().charge(TaskSize { cpu_units: 256, memory_mib: 512 }, &r, 3600, 40);
/// assert_eq!(c.vcpu.to_usd_string(5), "0.01012");
/// assert_eq!(c.storage.to_usd_string(5), "0.00222");
/// assert_eq!(c.total(), c.vcpu + c.memory + c.os_licence + c.storage);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct FargateCharge {
    /// vCPU.
    pub vcpu: Money,
    /// Memory.
    pub memory: Money,
    /// Windows OS licence.
    pub os_licence: Money,
    /// Ephemeral storage above the free 20 GiB.
    pub storage: Money,
}

impl FargateCharge {
    /// The sum of the components.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::FargateCharge;
    /// assert_eq!(FargateCharge::default().total(), spotsim::money::Money::ZERO);
    /// ```
    pub fn total(&self) -> Money {
        self.vcpu + self.memory + self.os_licence + self.storage
    }
}

/// Fargate's per-task minimum billed durations (§4.1, §4.6).
///
/// Linux: the confirmed 1-minute minimum (§4.1). Windows: **15 minutes by default**, the
/// minimum aws-facts.md §4.6 reports — ⚠ *unconfirmed* there (§9 item 1: "we believe it
/// is 15 minutes, but no source confirmed it"); set `windows_minimum_secs` (or
/// [`FargateBilling::with_windows_minimum`]) to model another, e.g. 60 for the Linux rule.
///
/// A task is billed from the start of its image pull until it stops (§4.1): see
/// [`billed_span`].
///
/// ```
/// use spotsim::pricing::fargate::{FargateBilling, Platform, UNCONFIRMED_WINDOWS_MINIMUM_SECS};
/// let b = FargateBilling::default();
/// assert_eq!(b.billed_secs(Platform::Windows, 10), UNCONFIRMED_WINDOWS_MINIMUM_SECS);
/// assert_eq!(b.billed_secs(Platform::LinuxX86, 10), 60);
/// let w1 = b.with_windows_minimum(60).unwrap();
/// assert_eq!(w1.billed_secs(Platform::Windows, 10), 60);
/// assert!(b.with_windows_minimum(-1).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FargateBilling {
    /// Minimum billed seconds of a Linux task (x86_64 and ARM64); 60 (§4.1).
    pub linux_minimum_secs: i64,
    /// Minimum billed seconds of a Windows task; 900 by default (§4.6, ⚠ unconfirmed).
    pub windows_minimum_secs: i64,
}

impl Default for FargateBilling {
    fn default() -> FargateBilling {
        FargateBilling {
            linux_minimum_secs: LINUX_MINIMUM_SECS,
            windows_minimum_secs: UNCONFIRMED_WINDOWS_MINIMUM_SECS,
        }
    }
}

/// The largest minimum billed duration [`FargateBilling::with_windows_minimum`] accepts
/// (one day): anything longer is not a per-task minimum.
pub const MAX_MINIMUM_SECS: i64 = 86_400;

/// The seconds a task is billed for before the minimum: from the start of its image pull
/// (`pull_started`, when the task was requested; the task start latency is the pull and
/// start) until it stopped — "from the moment the container image download starts until
/// the … task … terminates, rounded up to the nearest second" (aws-facts.md §4.1). 0 when
/// `stopped` is not after `pull_started`.
///
/// ```
/// use spotsim::pricing::fargate::billed_span;
/// use spotsim::time::SimTime;
/// // Requested at 0, running at 60 (pull and start), stopped at 600: 600 s billed.
/// assert_eq!(billed_span(SimTime(0), SimTime(600)), 600);
/// assert_eq!(billed_span(SimTime(5), SimTime(0)), 0);
/// ```
pub fn billed_span(pull_started: crate::time::SimTime, stopped: crate::time::SimTime) -> i64 {
    stopped.since(pull_started).max(0)
}

impl FargateBilling {
    /// This billing with a Windows minimum of `secs` (0 to [`MAX_MINIMUM_SECS`]); for
    /// `--fargate-windows-minimum-secs`.
    ///
    /// # Errors
    /// [`FargateError::BadMinimum`] outside that range.
    pub fn with_windows_minimum(self, secs: i64) -> Result<FargateBilling, FargateError> {
        if !(0..=MAX_MINIMUM_SECS).contains(&secs) {
            return Err(FargateError::BadMinimum { secs });
        }
        Ok(FargateBilling {
            windows_minimum_secs: secs,
            ..self
        })
    }

    /// The minimum billed seconds of a task on `platform`.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::{FargateBilling, Platform};
    /// assert_eq!(FargateBilling::default().minimum_secs(Platform::LinuxArm), 60);
    /// ```
    pub fn minimum_secs(&self, platform: Platform) -> i64 {
        match platform {
            Platform::Windows => self.windows_minimum_secs,
            _ => self.linux_minimum_secs,
        }
    }

    /// Seconds billed for a task that ran `run_secs` whole seconds (the caller rounds up
    /// to the second; negative counts as 0): at least the platform's minimum.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::{FargateBilling, Platform};
    /// let b = FargateBilling::default();
    /// assert_eq!(b.billed_secs(Platform::LinuxX86, 10), 60);
    /// assert_eq!(b.billed_secs(Platform::LinuxX86, 61), 61);
    /// ```
    pub fn billed_secs(&self, platform: Platform, run_secs: i64) -> i64 {
        run_secs.max(0).max(self.minimum_secs(platform))
    }

    /// The charge, by component, of a task of `size` running `run_secs` seconds at
    /// `rates` with `ephemeral_gib` of ephemeral storage (only GiB above 20 are billed).
    /// The platform (minimum and licence) is `rates.platform`. The size is not checked
    /// against the platform: build it with [`TaskSize::new`] or [`round_up`].
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateBilling, FargateRates, Platform, TaskSize};
    /// let r = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
    /// let c = FargateBilling::default().charge(TaskSize { cpu_units: 1024, memory_mib: 2048 }, &r, 3600, 20);
    /// assert_eq!(c.os_licence.to_usd_string(3), "0.046");
    /// ```
    pub fn charge(
        &self,
        size: TaskSize,
        rates: &FargateRates,
        run_secs: i64,
        ephemeral_gib: u32,
    ) -> FargateCharge {
        let secs = self.billed_secs(rates.platform, run_secs);
        let mut c = rates.compute_charge(size.cpu_units, size.memory_mib, secs);
        let billed_gib = ephemeral_gib.saturating_sub(FREE_EPHEMERAL_GIB) as i64;
        c.storage = rates
            .storage_per_gb_hour
            .for_seconds_per_1024(billed_gib * crate::pricing::WHOLE_IN_1024THS, secs);
        c
    }

    /// The total of [`FargateBilling::charge`].
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateBilling, FargateRates, Platform, TaskSize};
    /// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
    /// let s = TaskSize { cpu_units: 256, memory_mib: 512 };
    /// assert_eq!(FargateBilling::default().task_charge(s, &r, 3600, 20).to_usd_string(7), "0.0123425");
    /// ```
    pub fn task_charge(
        &self,
        size: TaskSize,
        rates: &FargateRates,
        run_secs: i64,
        ephemeral_gib: u32,
    ) -> Money {
        self.charge(size, rates, run_secs, ephemeral_gib).total()
    }

    /// The charge of the exact request (vCPU, memory and licence at the requested CPU —
    /// in CPU units, [`TaskRequest::cpu_units`] — and MiB, over the same billed seconds
    /// as the task), without storage.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateBilling, FargateRates, Platform, TaskRequest};
    /// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
    /// let c = FargateBilling::default().requested_charge(TaskRequest::from_millicores(1000, 1024), &r, 3600);
    /// assert_eq!(c.to_usd_string(6), "0.044925");
    /// ```
    pub fn requested_charge(
        &self,
        request: TaskRequest,
        rates: &FargateRates,
        run_secs: i64,
    ) -> Money {
        let secs = self.billed_secs(rates.platform, run_secs);
        rates
            .compute_charge(request.cpu_units(), request.memory_mib, secs)
            .total()
    }

    /// The "Fargate rounding waste": the charge of `size` minus the charge of the exact
    /// `request`, over the same billed seconds (storage is the same on both sides and
    /// left out). For EKS pass the pod's own request: the 256 MiB Fargate adds then counts
    /// as waste, since the pod cannot use it. Negative only if `size` is smaller than the
    /// request (never for a size from [`round_up`]).
    ///
    /// ```
    /// use spotsim::pricing::fargate::*;
    /// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
    /// let req = TaskRequest::from_millicores(1000, 1024); // 1 vCPU, 1 GB → 1 vCPU / 2 GB
    /// let size = round_up(req, Platform::LinuxX86, Orchestrator::Ecs).unwrap();
    /// let w = FargateBilling::default().requested_vs_billed_waste(req, size, &r, 3600);
    /// assert_eq!(w.to_usd_string(6), "0.004445", "one GB-hour");
    /// ```
    pub fn requested_vs_billed_waste(
        &self,
        request: TaskRequest,
        size: TaskSize,
        rates: &FargateRates,
        run_secs: i64,
    ) -> Money {
        self.requested_charge(size.as_request(), rates, run_secs)
            - self.requested_charge(request, rates, run_secs)
    }
}

/// [`FargateBilling::task_charge`] with the default billing (1-minute minimum on Linux,
/// 15 on Windows): the charge of a task of `size` running `run_secs` whole seconds at `rates`
/// with `ephemeral_gib` GiB of ephemeral storage. The platform is `rates.platform`.
///
/// ```
/// use spotsim::pricing::fargate::{task_charge, FargateRates, Platform, TaskSize};
/// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// let s = TaskSize { cpu_units: 256, memory_mib: 512 };
/// // 0.25 × 0.04048 + 0.5 × 0.004445 = $0.0123425 per hour
/// assert_eq!(task_charge(s, &r, 3600, 20).to_usd_string(7), "0.0123425");
/// // a 10-second task pays the 1-minute minimum
/// assert_eq!(task_charge(s, &r, 10, 20), task_charge(s, &r, 60, 20));
/// ```
pub fn task_charge(
    size: TaskSize,
    rates: &FargateRates,
    run_secs: i64,
    ephemeral_gib: u32,
) -> Money {
    FargateBilling::default().task_charge(size, rates, run_secs, ephemeral_gib)
}

/// [`FargateBilling::requested_vs_billed_waste`] with the default billing.
///
/// ```
/// use spotsim::pricing::fargate::*;
/// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// let req = TaskRequest::from_millicores(250, 512);
/// let exact = TaskSize { cpu_units: 256, memory_mib: 512 };
/// assert_eq!(requested_vs_billed_waste(req, exact, &r, 3600), spotsim::money::Money::ZERO);
/// ```
pub fn requested_vs_billed_waste(
    request: TaskRequest,
    size: TaskSize,
    rates: &FargateRates,
    run_secs: i64,
) -> Money {
    FargateBilling::default().requested_vs_billed_waste(request, size, rates, run_secs)
}
