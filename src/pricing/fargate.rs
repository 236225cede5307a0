//! AWS Fargate and Fargate Spot pricing (aws-facts.md §4, §2.6 and §6.5).
//!
//! Every number and rule here names its section of `reference/aws-facts.md` and, through
//! it, its sources (`[Sx]`, listed in §S of that file).
//!
//! # Billing (§4.1, §4.5, §4.6)
//!
//! * A task is billed from the start of its image download until it terminates, **rounded
//!   up to the whole second** — by the caller: every function here takes whole seconds.
//! * You pay for the vCPU and memory you **request** (the task size), not what the task
//!   uses: `per_vcpu_hour × cpu_units / 1024 + per_gb_hour × memory_mib / 1024` per hour.
//!   "GB" in AWS's Fargate rates is a GiB (1024 MiB) of task memory; this module writes
//!   GB, as AWS does, and always means 1024 MiB.
//! * **Minimum charge: 1 minute** per task on Linux \[S20-jp, S22, S23\].
//! * **Windows** pays a higher vCPU and GB rate **plus** an OS licence fee per vCPU-hour
//!   (§4.6). ⚠ §4.6 also reports an *unconfirmed* 15-minute minimum for Windows. Model
//!   choice: [`FargateBilling::default`] applies the confirmed 1-minute rule to Windows
//!   too; set [`FargateBilling::windows_minimum_secs`] to
//!   [`UNCONFIRMED_WINDOWS_MINIMUM_SECS`] (900) to model the 15-minute minimum.
//! * **Ephemeral storage** (§4.5): 20 GiB is free; only GiB configured above 20 are
//!   billed, at `storage_per_gb_hour`; at most 200 GiB ([`check_ephemeral_gib`]).
//! * Money is exact ([`crate::money`]): a charge is an integer product of nano-dollar
//!   rates, CPU units or MiB, and seconds, never a float.
//!
//! # Rates (§4.2)
//!
//! [`FargateRates::lookup`] knows us-east-1 for all three platforms, and us-west-2 and
//! eu-west-1 for Linux/x86_64 only (the same rates as us-east-1, ⚠ partly confirmed);
//! anything else is an error naming what is known — never a silent default. Each entry's
//! `source` string cites its sources and confidence. [`FargateRates::custom`] takes
//! user-given rates.
//!
//! # Sizes (§4.4)
//!
//! The 74 valid task-level CPU/memory combinations are **generated** from the rules of
//! §4.4 ([`task_sizes`]); a test checks them against `data/pricing/fargate_task_sizes.csv`.
//! Windows runs only the 1, 2 and 4 vCPU sizes; 8 and 16 vCPU need Linux on platform
//! version 1.4.0 or later (platform versions are not modelled: the current default,
//! `LATEST`, is 1.4.0). ARM64 is assumed to offer the same sizes as x86_64 (§4.4 does not
//! distinguish them).
//!
//! [`round_up`] picks the **smallest** valid size holding a request. "Smallest" is defined
//! as the **cheapest at the platform's rates** (the built-in us-east-1 rates of that
//! platform), ties broken by fewer CPU units, then less memory. Because every memory step
//! of a larger CPU size is a whole multiple of the steps of the smaller sizes (§4.4), this
//! is also the lexicographically smallest `(cpu, memory)` that fits, at *any* non-negative
//! rates — so the choice does not depend on the region (tested exhaustively).
//!
//! * **ECS**: the task definition must name a valid combination (ECS rejects others, §4.4
//!   \[S33\]; [`TaskSize::new`] validates exactly); [`round_up`] with
//!   [`Orchestrator::Ecs`] models sizing a task to the smallest combination that holds
//!   its containers. A request of 0 CPU units or 0 MiB is an error.
//! * **EKS** (§4.4 \[S5\]): the pod request is the larger of the largest init container and
//!   the sum of the long-running containers ([`TaskRequest::eks_pod`]); Fargate adds
//!   **256 MiB** for the kubelet, kube-proxy and containerd, then rounds **up**. A pod
//!   requesting nothing gets 0.25 vCPU / 0.5 GB. EKS on Fargate runs **Linux/x86_64
//!   only** (§4.1).
//!
//! # Fargate Spot (§4.3, §2.6)
//!
//! [`FargateSpot`] applies a discount to the vCPU and GB rates (storage is not
//! discounted). The default, **67 %**, is the one observed rate: eu-west-1, about 2020,
//! $0.01334053 per vCPU-hour against $0.04048, i.e. 67.0 % off \[S26\]; AWS advertises "up
//! to 70 %" and the real rate is dynamic. Windows is **not supported**; Fargate Spot is
//! **ECS only**. ⚠ ARM64: older docs say Fargate Spot is x86_64 only, the latest SDK
//! docs allow ARM64 on platform version 1.4.0+ \[S13, S30\]; it is allowed here.
//!
//! # Capacity-provider strategies (§6.5)
//!
//! [`CapacityProviderStrategy`] validates a `FARGATE`/`FARGATE_SPOT` strategy and splits
//! a desired task count. AWS does not document the rounding of the weight split; the rule
//! here is documented on [`CapacityProviderStrategy::split`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ConfigError;
use crate::money::{Money, MoneyError, Rate};

/// CPU units in one vCPU (ECS task `cpu` field, §4.4).
pub const CPU_UNITS_PER_VCPU: u32 = 1024;
/// MiB in one GB of Fargate task memory (AWS bills GiB and calls them GB, §4.2).
pub const MIB_PER_GB: u32 = 1024;
/// Memory Fargate adds to an EKS pod's request before rounding (256 MB, §4.4 \[S5\]).
pub const EKS_MEMORY_OVERHEAD_MIB: u32 = 256;
/// Ephemeral storage included free of charge, in GiB (§4.5).
pub const FREE_EPHEMERAL_GIB: u32 = 20;
/// The largest ephemeral storage a task may configure, in GiB (§4.5).
pub const MAX_EPHEMERAL_GIB: u32 = 200;
/// The minimum billed duration of a Linux task, in seconds (§4.1).
pub const LINUX_MINIMUM_SECS: i64 = 60;
/// The ⚠ *unconfirmed* Windows minimum of 15 minutes (§4.6, §9 item 1); not the default.
pub const UNCONFIRMED_WINDOWS_MINIMUM_SECS: i64 = 900;
/// The number of valid task-level CPU/memory combinations (§4.4).
pub const TASK_SIZE_COUNT: usize = 74;

// ------------------------------------------------------------------------- platform

/// The operating system and CPU architecture of a Fargate task (§4.2).
///
/// ```
/// use spotsim::pricing::fargate::Platform;
/// assert_eq!(Platform::parse("linux").unwrap(), Platform::LinuxX86);
/// assert_eq!("linux/arm64".parse::<Platform>().unwrap(), Platform::LinuxArm);
/// assert_eq!(Platform::Windows.to_string(), "windows");
/// let e = Platform::parse("macos").unwrap_err().to_string();
/// assert!(e.contains("linux-arm"), "{e}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    /// Linux on x86_64 (`linux`, `linux/x86_64`).
    LinuxX86,
    /// Linux on ARM64 / Graviton (`linux-arm`, `linux/arm64`); ECS only.
    LinuxArm,
    /// Windows Server on x86_64 (`windows`); ECS only, 1–4 vCPU.
    Windows,
}

const PLATFORM_NAMES: &str = "linux (or linux/x86_64), linux-arm (or linux/arm64), windows";

impl Platform {
    /// The three platforms.
    ///
    /// ```
    /// assert_eq!(spotsim::pricing::fargate::Platform::ALL.len(), 3);
    /// ```
    pub const ALL: [Platform; 3] = [Platform::LinuxX86, Platform::LinuxArm, Platform::Windows];

    /// The canonical name: `linux/x86_64`, `linux/arm64` or `windows`.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Platform;
    /// assert_eq!(Platform::LinuxX86.as_str(), "linux/x86_64");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxX86 => "linux/x86_64",
            Platform::LinuxArm => "linux/arm64",
            Platform::Windows => "windows",
        }
    }

    /// Parses `linux`, `linux/x86_64`, `linux-arm`, `linux/arm64` or `windows` (ASCII
    /// case and surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`FargateError::UnknownPlatform`], whose message lists the valid names.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Platform;
    /// assert_eq!(Platform::parse(" Linux/X86_64 ").unwrap(), Platform::LinuxX86);
    /// assert!(Platform::parse("linux/amd64").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Platform, FargateError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "linux" | "linux/x86_64" => Ok(Platform::LinuxX86),
            "linux-arm" | "linux/arm64" => Ok(Platform::LinuxArm),
            "windows" => Ok(Platform::Windows),
            _ => Err(FargateError::UnknownPlatform {
                given: s.to_string(),
            }),
        }
    }

    /// True for the two Linux platforms.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Platform;
    /// assert!(Platform::LinuxArm.is_linux() && !Platform::Windows.is_linux());
    /// ```
    pub fn is_linux(self) -> bool {
        self != Platform::Windows
    }

    /// The largest valid size on this platform (16 vCPU / 120 GB on Linux, 4 vCPU /
    /// 30 GB on Windows, §4.4).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Platform;
    /// assert_eq!(Platform::Windows.largest_size().to_string(), "4 vCPU / 30 GB");
    /// ```
    pub fn largest_size(self) -> TaskSize {
        match self {
            Platform::Windows => TaskSize {
                cpu_units: 4096,
                memory_mib: 30 * MIB_PER_GB,
            },
            _ => TaskSize {
                cpu_units: 16384,
                memory_mib: 120 * MIB_PER_GB,
            },
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = FargateError;
    fn from_str(s: &str) -> Result<Platform, FargateError> {
        Platform::parse(s)
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Platform, D::Error> {
        let s = String::deserialize(d)?;
        Platform::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Who schedules the task: ECS (a task) or EKS (a pod); it changes the sizing rules
/// (§4.4).
///
/// ```
/// use spotsim::pricing::fargate::Orchestrator;
/// assert_eq!(Orchestrator::Eks.as_str(), "eks");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Orchestrator {
    /// Amazon ECS.
    Ecs,
    /// Amazon EKS (Fargate profiles).
    Eks,
}

impl Orchestrator {
    /// `ecs` or `eks`.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Orchestrator;
    /// assert_eq!(Orchestrator::Ecs.as_str(), "ecs");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Orchestrator::Ecs => "ecs",
            Orchestrator::Eks => "eks",
        }
    }
}

impl fmt::Display for Orchestrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ------------------------------------------------------------------------- errors

/// A task resource: CPU or memory.
///
/// ```
/// use spotsim::pricing::fargate::Resource;
/// assert_eq!(Resource::Memory.as_str(), "memory");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// vCPU (CPU units).
    Cpu,
    /// Memory (MiB).
    Memory,
}

impl Resource {
    /// `cpu` or `memory` (the option name in scenarios).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Resource;
    /// assert_eq!(Resource::Cpu.as_str(), "cpu");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
        }
    }
}

/// Capacity provider of a Fargate capacity-provider strategy (§6.5).
///
/// ```
/// use spotsim::pricing::fargate::Provider;
/// assert_eq!("FARGATE_SPOT".parse::<Provider>().unwrap(), Provider::FargateSpot);
/// assert_eq!(Provider::Fargate.as_str(), "FARGATE");
/// assert!("EC2".parse::<Provider>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// `FARGATE` (on-demand).
    Fargate,
    /// `FARGATE_SPOT`.
    FargateSpot,
}

impl Provider {
    /// `FARGATE` or `FARGATE_SPOT`, as ECS names them.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Provider;
    /// assert_eq!(Provider::FargateSpot.as_str(), "FARGATE_SPOT");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Fargate => "FARGATE",
            Provider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Provider, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Provider {
    type Err = FargateError;
    /// `FARGATE` or `FARGATE_SPOT` (ASCII case ignored).
    fn from_str(s: &str) -> Result<Provider, FargateError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "FARGATE" => Ok(Provider::Fargate),
            "FARGATE_SPOT" => Ok(Provider::FargateSpot),
            _ => Err(FargateError::UnknownProvider {
                given: s.to_string(),
            }),
        }
    }
}

/// Why a Fargate size, rate, request or strategy cannot be used.
///
/// Every variant renders as one sentence saying what is wrong and what is allowed;
/// [`FargateError::option`] names the scenario option it concerns, and
/// `ConfigError::from` turns it into a [`ConfigError`] on that option.
///
/// ```
/// use spotsim::pricing::fargate::{round_up, Orchestrator, Platform, TaskRequest};
/// let e = round_up(TaskRequest::new(20 * 1024, 2048), Platform::LinuxX86, Orchestrator::Ecs)
///     .unwrap_err();
/// assert_eq!(e.to_string(), "no Fargate size has 20 vCPU; the largest is 16 vCPU / 120 GB");
/// let c: spotsim::error::ConfigError = e.into();
/// assert_eq!(c.option, "task-vcpu");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FargateError {
    /// A platform name that is not one of the valid ones.
    UnknownPlatform {
        /// The name as given.
        given: String,
    },
    /// No built-in rates for this region and platform.
    NoRates {
        /// The region as given.
        region: String,
        /// The platform asked for.
        platform: Platform,
    },
    /// A request of zero vCPU or zero memory on ECS.
    ZeroRequest {
        /// Which resource is zero.
        resource: Resource,
    },
    /// A request that could not be read (negative, not a number, …).
    BadRequest {
        /// Which resource.
        resource: Resource,
        /// The text as given.
        text: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// More vCPU than the largest size of the platform.
    CpuTooLarge {
        /// The CPU units asked for.
        cpu_units: u32,
        /// The platform.
        platform: Platform,
    },
    /// More memory than the largest size of the platform.
    MemoryTooLarge {
        /// The memory asked for, in MiB (after the EKS overhead, on EKS).
        memory_mib: u32,
        /// The platform.
        platform: Platform,
        /// The orchestrator (EKS adds 256 MiB before rounding).
        orchestrator: Orchestrator,
    },
    /// A CPU/memory pair that is not one of the valid sizes of the platform.
    InvalidSize {
        /// The CPU units.
        cpu_units: u32,
        /// The memory in MiB.
        memory_mib: u32,
        /// The platform.
        platform: Platform,
    },
    /// EKS on Fargate on a platform other than Linux/x86_64.
    EksPlatform {
        /// The platform asked for.
        platform: Platform,
    },
    /// Fargate Spot on a platform it does not support (Windows).
    SpotPlatform {
        /// The platform asked for.
        platform: Platform,
    },
    /// Fargate Spot for EKS pods (it is ECS only).
    SpotOnEks,
    /// A Fargate Spot discount outside 0–99 %.
    BadDiscount {
        /// The discount as given, in percent.
        pct: u32,
    },
    /// Ephemeral storage above 200 GiB.
    EphemeralTooLarge {
        /// The storage as given, in GiB.
        gib: u32,
    },
    /// A capacity provider other than `FARGATE` and `FARGATE_SPOT`.
    UnknownProvider {
        /// The name as given.
        given: String,
    },
    /// A capacity-provider strategy with no items.
    EmptyStrategy,
    /// More items than a strategy may have.
    TooManyItems {
        /// The number of items given.
        count: usize,
    },
    /// The same provider listed twice.
    DuplicateProvider {
        /// The provider.
        provider: Provider,
    },
    /// More than one item sets `base`.
    MultipleBase,
    /// A weight above 1000.
    WeightOutOfRange {
        /// The item's provider.
        provider: Provider,
        /// The weight given.
        weight: u32,
    },
    /// A base above 100000.
    BaseOutOfRange {
        /// The item's provider.
        provider: Provider,
        /// The base given.
        base: u32,
    },
    /// Every weight is 0.
    AllWeightsZero,
}

impl FargateError {
    /// The scenario option this error concerns (`platform`, `region`, `cpu`, `memory`,
    /// `ephemeral_storage_gib`, `fargate_spot_discount_pct` or
    /// `capacity_provider_strategy`).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateError, Platform};
    /// assert_eq!(FargateError::EksPlatform { platform: Platform::Windows }.option(), "platform");
    /// ```
    pub fn option(&self) -> &'static str {
        match self {
            FargateError::UnknownPlatform { .. }
            | FargateError::EksPlatform { .. }
            | FargateError::SpotPlatform { .. } => "platform",
            FargateError::NoRates { .. } => "region",
            FargateError::ZeroRequest { resource } | FargateError::BadRequest { resource, .. } => {
                match resource {
                    Resource::Cpu => "task-vcpu",
                    Resource::Memory => "task-memory-gib",
                }
            }
            FargateError::CpuTooLarge { .. } => "task-vcpu",
            FargateError::MemoryTooLarge { .. } | FargateError::InvalidSize { .. } => {
                "task-memory-gib"
            }
            FargateError::BadDiscount { .. } => "fargate-spot-discount-pct",
            FargateError::EphemeralTooLarge { .. } => "ephemeral-gib",
            FargateError::SpotOnEks
            | FargateError::UnknownProvider { .. }
            | FargateError::EmptyStrategy
            | FargateError::TooManyItems { .. }
            | FargateError::DuplicateProvider { .. }
            | FargateError::MultipleBase
            | FargateError::WeightOutOfRange { .. }
            | FargateError::BaseOutOfRange { .. }
            | FargateError::AllWeightsZero => "mix-weights",
        }
    }
}

impl fmt::Display for FargateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FargateError::UnknownPlatform { given } => write!(
                f,
                "unknown Fargate platform `{given}`; valid: {PLATFORM_NAMES}"
            ),
            FargateError::NoRates { region, platform } => {
                let region_known = RATE_TABLE
                    .iter()
                    .any(|r| r.region.eq_ignore_ascii_case(region.trim()));
                if region_known {
                    write!(f, "no built-in Fargate rates for {platform} in {region}")?;
                } else {
                    write!(f, "no built-in Fargate rates for region `{region}`")?;
                }
                write!(f, "; known: {}; give custom rates", known_rates_list())
            }
            FargateError::ZeroRequest { resource } => write!(
                f,
                "a Fargate task must request more than 0 {} (ECS needs task-level cpu and memory)",
                match resource {
                    Resource::Cpu => "vCPU",
                    Resource::Memory => "memory",
                }
            ),
            FargateError::BadRequest {
                resource,
                text,
                reason,
            } => write!(f, "{} request `{text}`: {reason}", resource.as_str()),
            FargateError::CpuTooLarge {
                cpu_units,
                platform,
            } => {
                let l = platform.largest_size();
                if *platform == Platform::Windows {
                    write!(
                        f,
                        "no Windows Fargate size has {} vCPU; the largest is {l}",
                        fmt_per_1024(*cpu_units as u64)
                    )
                } else {
                    write!(
                        f,
                        "no Fargate size has {} vCPU; the largest is {l}",
                        fmt_per_1024(*cpu_units as u64)
                    )
                }
            }
            FargateError::MemoryTooLarge {
                memory_mib,
                platform,
                orchestrator,
            } => {
                let l = platform.largest_size();
                let win = if *platform == Platform::Windows {
                    "Windows "
                } else {
                    ""
                };
                write!(
                    f,
                    "no {win}Fargate size has {} GB of memory",
                    fmt_per_1024(*memory_mib as u64)
                )?;
                if *orchestrator == Orchestrator::Eks {
                    write!(f, " (the pod's request plus the 256 MiB EKS adds)")?;
                }
                write!(f, "; the largest is {l}")
            }
            FargateError::InvalidSize {
                cpu_units,
                memory_mib,
                platform,
            } => {
                let size = TaskSize {
                    cpu_units: *cpu_units,
                    memory_mib: *memory_mib,
                };
                write!(f, "{size} is not a valid Fargate size on {platform}: ")?;
                let rule = RULES.iter().find(|r| r.cpu_units == *cpu_units);
                match rule {
                    Some(r) if *platform == Platform::Windows && !r.windows => write!(
                        f,
                        "Windows runs only 1, 2 or 4 vCPU (1024, 2048 or 4096 CPU units)"
                    ),
                    Some(r) => write!(
                        f,
                        "with {} vCPU the memory must be {}",
                        fmt_per_1024(*cpu_units as u64),
                        r.memory.describe()
                    ),
                    None => write!(
                        f,
                        "the CPU must be one of 256, 512, 1024, 2048, 4096, 8192 or 16384 units \
                         (0.25, 0.5, 1, 2, 4, 8 or 16 vCPU)"
                    ),
                }
            }
            FargateError::EksPlatform { platform } => write!(
                f,
                "EKS on Fargate runs Linux/x86_64 pods only, not {platform}"
            ),
            FargateError::SpotPlatform { platform } => write!(
                f,
                "Fargate Spot does not support {platform} tasks (Windows is not supported)"
            ),
            FargateError::SpotOnEks => {
                write!(f, "Fargate Spot is ECS only; EKS pods cannot run on it")
            }
            FargateError::BadDiscount { pct } => write!(
                f,
                "Fargate Spot discount of {pct} % is out of range; it must be 0–99"
            ),
            FargateError::EphemeralTooLarge { gib } => write!(
                f,
                "ephemeral storage of {gib} GiB is above the Fargate maximum of \
                 {MAX_EPHEMERAL_GIB} GiB"
            ),
            FargateError::UnknownProvider { given } => write!(
                f,
                "unknown capacity provider `{given}`; valid: FARGATE, FARGATE_SPOT"
            ),
            FargateError::EmptyStrategy => {
                write!(f, "a capacity provider strategy needs at least one item")
            }
            FargateError::TooManyItems { count } => write!(
                f,
                "a capacity provider strategy has at most {} items, not {count}",
                CapacityProviderStrategy::MAX_ITEMS
            ),
            FargateError::DuplicateProvider { provider } => write!(
                f,
                "capacity provider {provider} is listed twice in the strategy"
            ),
            FargateError::MultipleBase => write!(
                f,
                "only one item of a capacity provider strategy may set `base`"
            ),
            FargateError::WeightOutOfRange { provider, weight } => write!(
                f,
                "weight {weight} of {provider} is out of range; it must be 0–{}",
                CapacityProviderStrategy::MAX_WEIGHT
            ),
            FargateError::BaseOutOfRange { provider, base } => write!(
                f,
                "base {base} of {provider} is out of range; it must be 0–{}",
                CapacityProviderStrategy::MAX_BASE
            ),
            FargateError::AllWeightsZero => write!(
                f,
                "at least one item of a capacity provider strategy must have a weight above 0"
            ),
        }
    }
}

impl std::error::Error for FargateError {}

impl From<FargateError> for ConfigError {
    fn from(e: FargateError) -> ConfigError {
        ConfigError::new(e.option(), e.to_string())
    }
}

/// `n / 1024` as an exact decimal (`256` → `0.25`, `9216` → `9`). Exact because 1024
/// divides 10^10.
fn fmt_per_1024(n: u64) -> String {
    let whole = n / 1024;
    let frac = n % 1024;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{:010}", frac * 9_765_625); // frac × 10^10 / 1024
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

// ------------------------------------------------------------------------- sizes

/// A Fargate task size: CPU units (1024 per vCPU) and memory in MiB.
///
/// ```
/// use spotsim::pricing::fargate::{Platform, TaskSize};
/// let s = TaskSize::new(2048, 9 * 1024, Platform::LinuxX86).unwrap();
/// assert_eq!(s.to_string(), "2 vCPU / 9 GB");
/// assert!(TaskSize::new(256, 4096, Platform::LinuxX86).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TaskSize {
    /// CPU units (256 = 0.25 vCPU).
    pub cpu_units: u32,
    /// Memory in MiB (1024 = 1 GB).
    pub memory_mib: u32,
}

impl TaskSize {
    /// A size, checked to be one of the valid combinations of `platform` (§4.4).
    ///
    /// # Errors
    /// [`FargateError::InvalidSize`], whose message gives the memory allowed with that
    /// CPU (or the valid CPU sizes).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{Platform, TaskSize};
    /// assert!(TaskSize::new(8192, 20 * 1024, Platform::LinuxArm).is_ok());
    /// let e = TaskSize::new(8192, 18 * 1024, Platform::LinuxX86).unwrap_err();
    /// assert!(e.to_string().contains("16–60 GB in 4 GB steps"), "{e}");
    /// assert!(TaskSize::new(512, 1024, Platform::Windows).is_err());
    /// ```
    pub fn new(
        cpu_units: u32,
        memory_mib: u32,
        platform: Platform,
    ) -> Result<TaskSize, FargateError> {
        let s = TaskSize {
            cpu_units,
            memory_mib,
        };
        if s.is_valid_for(platform) {
            Ok(s)
        } else {
            Err(FargateError::InvalidSize {
                cpu_units,
                memory_mib,
                platform,
            })
        }
    }

    /// Whether this is one of the valid sizes of `platform`.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{Platform, TaskSize};
    /// let s = TaskSize { cpu_units: 16384, memory_mib: 120 * 1024 };
    /// assert!(s.is_valid_for(Platform::LinuxX86));
    /// assert!(!s.is_valid_for(Platform::Windows));
    /// ```
    pub fn is_valid_for(self, platform: Platform) -> bool {
        RULES.iter().any(|r| {
            r.cpu_units == self.cpu_units
                && (platform.is_linux() || r.windows)
                && r.memory.contains(self.memory_mib)
        })
    }

    /// The vCPU count as an exact decimal string (`"0.25"`).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskSize;
    /// assert_eq!(TaskSize { cpu_units: 512, memory_mib: 1024 }.vcpu_string(), "0.5");
    /// ```
    pub fn vcpu_string(self) -> String {
        fmt_per_1024(self.cpu_units as u64)
    }

    /// The memory in GB as an exact decimal string (`"0.5"`).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskSize;
    /// assert_eq!(TaskSize { cpu_units: 256, memory_mib: 512 }.memory_gb_string(), "0.5");
    /// ```
    pub fn memory_gb_string(self) -> String {
        fmt_per_1024(self.memory_mib as u64)
    }

    /// The request this size is exactly equal to.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::{TaskRequest, TaskSize};
    /// let s = TaskSize { cpu_units: 256, memory_mib: 512 };
    /// assert_eq!(s.as_request(), TaskRequest::new(256, 512));
    /// ```
    pub fn as_request(self) -> TaskRequest {
        TaskRequest::new(self.cpu_units, self.memory_mib)
    }
}

impl fmt::Display for TaskSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} vCPU / {} GB",
            self.vcpu_string(),
            self.memory_gb_string()
        )
    }
}

/// The memory options of one CPU size.
#[derive(Clone, Copy)]
enum MemRule {
    /// An explicit list, in MiB.
    List(&'static [u32]),
    /// `min_gb..=max_gb` in steps of `step_gb` GB.
    Steps {
        min_gb: u32,
        max_gb: u32,
        step_gb: u32,
    },
}

impl MemRule {
    const fn count(self) -> usize {
        match self {
            MemRule::List(l) => l.len(),
            MemRule::Steps {
                min_gb,
                max_gb,
                step_gb,
            } => ((max_gb - min_gb) / step_gb + 1) as usize,
        }
    }

    const fn nth(self, i: usize) -> u32 {
        match self {
            MemRule::List(l) => l[i],
            MemRule::Steps {
                min_gb, step_gb, ..
            } => (min_gb + step_gb * i as u32) * MIB_PER_GB,
        }
    }

    fn contains(self, mib: u32) -> bool {
        (0..self.count()).any(|i| self.nth(i) == mib)
    }

    fn describe(self) -> String {
        match self {
            MemRule::List(l) => {
                let v: Vec<String> = l.iter().map(|m| fmt_per_1024(*m as u64)).collect();
                format!("{} GB", v.join(", "))
            }
            MemRule::Steps {
                min_gb,
                max_gb,
                step_gb,
            } => format!("{min_gb}–{max_gb} GB in {step_gb} GB steps"),
        }
    }
}

/// One row of §4.4.
#[derive(Clone, Copy)]
struct SizeRule {
    cpu_units: u32,
    memory: MemRule,
    /// Windows runs this CPU size (§4.4: 1, 2 and 4 vCPU).
    windows: bool,
}

/// The rules of aws-facts.md §4.4 (task level), from which the size table is generated.
const RULES: [SizeRule; 7] = [
    SizeRule {
        cpu_units: 256,
        memory: MemRule::List(&[512, 1024, 2048]),
        windows: false,
    },
    SizeRule {
        cpu_units: 512,
        memory: MemRule::Steps {
            min_gb: 1,
            max_gb: 4,
            step_gb: 1,
        },
        windows: false,
    },
    SizeRule {
        cpu_units: 1024,
        memory: MemRule::Steps {
            min_gb: 2,
            max_gb: 8,
            step_gb: 1,
        },
        windows: true,
    },
    SizeRule {
        cpu_units: 2048,
        memory: MemRule::Steps {
            min_gb: 4,
            max_gb: 16,
            step_gb: 1,
        },
        windows: true,
    },
    SizeRule {
        cpu_units: 4096,
        memory: MemRule::Steps {
            min_gb: 8,
            max_gb: 30,
            step_gb: 1,
        },
        windows: true,
    },
    SizeRule {
        cpu_units: 8192,
        memory: MemRule::Steps {
            min_gb: 16,
            max_gb: 60,
            step_gb: 4,
        },
        windows: false,
    },
    SizeRule {
        cpu_units: 16384,
        memory: MemRule::Steps {
            min_gb: 32,
            max_gb: 120,
            step_gb: 8,
        },
        windows: false,
    },
];

const fn count_sizes() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < RULES.len() {
        n += RULES[i].memory.count();
        i += 1;
    }
    n
}

const _: () = assert!(count_sizes() == TASK_SIZE_COUNT);

const fn generate_sizes() -> [TaskSize; TASK_SIZE_COUNT] {
    let mut out = [TaskSize {
        cpu_units: 0,
        memory_mib: 0,
    }; TASK_SIZE_COUNT];
    let mut k = 0;
    let mut i = 0;
    while i < RULES.len() {
        let r = RULES[i];
        let mut j = 0;
        while j < r.memory.count() {
            out[k] = TaskSize {
                cpu_units: r.cpu_units,
                memory_mib: r.memory.nth(j),
            };
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

static TASK_SIZES: [TaskSize; TASK_SIZE_COUNT] = generate_sizes();

/// All 74 valid task-level sizes (§4.4), ordered by CPU then memory, generated at compile
/// time from the rules of §4.4. Use [`valid_sizes`] for one platform's sizes.
///
/// ```
/// use spotsim::pricing::fargate::task_sizes;
/// let s = task_sizes();
/// assert_eq!(s.len(), 74);
/// assert_eq!(s[0].to_string(), "0.25 vCPU / 0.5 GB");
/// assert_eq!(s[73].to_string(), "16 vCPU / 120 GB");
/// ```
pub fn task_sizes() -> &'static [TaskSize] {
    &TASK_SIZES
}

/// The valid sizes of `platform`, ordered by CPU then memory: all 74 on Linux (x86_64
/// and ARM64), the 43 sizes with 1, 2 or 4 vCPU on Windows (§4.4).
///
/// ```
/// use spotsim::pricing::fargate::{valid_sizes, Platform};
/// assert_eq!(valid_sizes(Platform::LinuxArm).count(), 74);
/// assert_eq!(valid_sizes(Platform::Windows).count(), 43);
/// ```
pub fn valid_sizes(platform: Platform) -> impl Iterator<Item = TaskSize> {
    TASK_SIZES
        .iter()
        .copied()
        .filter(move |s| platform.is_linux() || (1024..=4096).contains(&s.cpu_units))
}

/// What a task or pod asks for: CPU units (1024 per vCPU) and memory in MiB.
///
/// ```
/// use spotsim::pricing::fargate::TaskRequest;
/// assert_eq!(TaskRequest::from_millicores(300, 700), TaskRequest::new(308, 700));
/// assert_eq!(TaskRequest::parse("0.25", "0.5").unwrap(), TaskRequest::new(256, 512));
/// assert!(TaskRequest::parse("-1", "2").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub struct TaskRequest {
    /// CPU units (1024 = 1 vCPU).
    pub cpu_units: u32,
    /// Memory in MiB.
    pub memory_mib: u32,
}

impl TaskRequest {
    /// A request of `cpu_units` CPU units and `memory_mib` MiB.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskRequest;
    /// assert_eq!(TaskRequest::new(1024, 2048).cpu_units, 1024);
    /// ```
    pub const fn new(cpu_units: u32, memory_mib: u32) -> TaskRequest {
        TaskRequest {
            cpu_units,
            memory_mib,
        }
    }

    /// A request in Kubernetes millicores (1000 per vCPU), rounded **up** to whole CPU
    /// units (`300m` → 307.2 → 308 units), so the request never shrinks. Saturates at
    /// `u32::MAX` units (which every size check then rejects).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskRequest;
    /// assert_eq!(TaskRequest::from_millicores(250, 512).cpu_units, 256);
    /// assert_eq!(TaskRequest::from_millicores(1000, 512).cpu_units, 1024);
    /// ```
    pub fn from_millicores(millicores: u32, memory_mib: u32) -> TaskRequest {
        let units = (millicores as u64 * 1024).div_ceil(1000);
        TaskRequest {
            cpu_units: u32::try_from(units).unwrap_or(u32::MAX),
            memory_mib,
        }
    }

    /// A request from decimal strings: vCPU (`"0.25"`) and memory in GB (`"0.5"` = 512
    /// MiB). Each is rounded **up** to whole CPU units and whole MiB.
    ///
    /// # Errors
    /// [`FargateError::BadRequest`] for a negative number or anything but a plain
    /// decimal (at most 9 decimals, at most 1,000,000).
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskRequest;
    /// assert_eq!(TaskRequest::parse("0.3", "0.7").unwrap(), TaskRequest::new(308, 717));
    /// let e = TaskRequest::parse("1", "-2").unwrap_err();
    /// assert_eq!(e.to_string(), "memory request `-2`: must not be negative");
    /// ```
    pub fn parse(vcpu: &str, memory_gb: &str) -> Result<TaskRequest, FargateError> {
        Ok(TaskRequest {
            cpu_units: parse_per_1024(vcpu, Resource::Cpu)?,
            memory_mib: parse_per_1024(memory_gb, Resource::Memory)?,
        })
    }

    /// An EKS pod's request from its containers (§4.4 \[S5\]): per resource, the larger of
    /// the largest init container's request and the sum of the long-running containers'
    /// requests. (Per-resource is how Kubernetes computes a pod's effective request.)
    ///
    /// ```
    /// # use spotsim::pricing::fargate::TaskRequest;
    /// let init = [TaskRequest::new(2048, 512)];
    /// let app = [TaskRequest::new(512, 1024), TaskRequest::new(256, 1024)];
    /// assert_eq!(TaskRequest::eks_pod(&init, &app), TaskRequest::new(2048, 2048));
    /// ```
    pub fn eks_pod(init: &[TaskRequest], containers: &[TaskRequest]) -> TaskRequest {
        let init_cpu = init.iter().map(|r| r.cpu_units).max().unwrap_or(0);
        let init_mem = init.iter().map(|r| r.memory_mib).max().unwrap_or(0);
        let sum_cpu = containers
            .iter()
            .fold(0u32, |a, r| a.saturating_add(r.cpu_units));
        let sum_mem = containers
            .iter()
            .fold(0u32, |a, r| a.saturating_add(r.memory_mib));
        TaskRequest {
            cpu_units: init_cpu.max(sum_cpu),
            memory_mib: init_mem.max(sum_mem),
        }
    }
}

fn parse_per_1024(s: &str, resource: Resource) -> Result<u32, FargateError> {
    let bad = |reason| FargateError::BadRequest {
        resource,
        text: s.to_string(),
        reason,
    };
    // The money parser reads a plain non-negative decimal exactly, in nano units.
    let nano = Rate::parse_usd(s)
        .map_err(|e| {
            bad(match e {
                MoneyError::Negative => "must not be negative",
                MoneyError::TooPrecise => "more than 9 decimals",
                MoneyError::TooLarge => "too large",
                _ => "not a decimal number",
            })
        })?
        .nano_usd_per_hour();
    let units = (nano as u64 * 1024).div_ceil(1_000_000_000);
    u32::try_from(units).map_err(|_| bad("too large"))
}

/// The smallest valid size of `platform` holding `request`, as `orchestrator` sizes it
/// (§4.4).
///
/// "Smallest" is the cheapest at the platform's built-in us-east-1 rates, ties broken by
/// fewer CPU units then less memory; this equals the lexicographically smallest
/// `(cpu, memory)` that fits, at any non-negative rates (see the module docs). On EKS,
/// 256 MiB is added to the memory first, zero requests mean "nothing requested" (0.25
/// vCPU / 0.5 GB), and only Linux/x86_64 is allowed.
///
/// # Errors
/// * [`FargateError::ZeroRequest`] for 0 CPU units or 0 MiB on ECS;
/// * [`FargateError::EksPlatform`] for EKS on ARM64 or Windows;
/// * [`FargateError::CpuTooLarge`] / [`FargateError::MemoryTooLarge`] when no size of the
///   platform is that large (more than 16 vCPU / 120 GB; 4 vCPU / 30 GB on Windows).
///
/// ```
/// use spotsim::pricing::fargate::{round_up, Orchestrator, Platform, TaskRequest};
/// let ecs = round_up(TaskRequest::from_millicores(300, 700), Platform::LinuxX86, Orchestrator::Ecs)?;
/// assert_eq!(ecs.to_string(), "0.5 vCPU / 1 GB");
/// let eks = round_up(TaskRequest::new(1024, 8192), Platform::LinuxX86, Orchestrator::Eks)?;
/// assert_eq!(eks.to_string(), "2 vCPU / 9 GB");
/// let empty_pod = round_up(TaskRequest::new(0, 0), Platform::LinuxX86, Orchestrator::Eks)?;
/// assert_eq!(empty_pod.to_string(), "0.25 vCPU / 0.5 GB");
/// let win = round_up(TaskRequest::new(256, 512), Platform::Windows, Orchestrator::Ecs)?;
/// assert_eq!(win.to_string(), "1 vCPU / 2 GB");
/// # Ok::<(), spotsim::pricing::fargate::FargateError>(())
/// ```
pub fn round_up(
    request: TaskRequest,
    platform: Platform,
    orchestrator: Orchestrator,
) -> Result<TaskSize, FargateError> {
    let cpu = request.cpu_units;
    let mut mem = request.memory_mib;
    match orchestrator {
        Orchestrator::Ecs => {
            if cpu == 0 {
                return Err(FargateError::ZeroRequest {
                    resource: Resource::Cpu,
                });
            }
            if mem == 0 {
                return Err(FargateError::ZeroRequest {
                    resource: Resource::Memory,
                });
            }
        }
        Orchestrator::Eks => {
            if platform != Platform::LinuxX86 {
                return Err(FargateError::EksPlatform { platform });
            }
            mem = mem.saturating_add(EKS_MEMORY_OVERHEAD_MIB);
        }
    }
    let order = builtin(REFERENCE_REGION, platform);
    let best = valid_sizes(platform)
        .filter(|s| s.cpu_units >= cpu && s.memory_mib >= mem)
        .min_by_key(|s| {
            let cost = order.map_or(0, |r| hourly_units(r, *s));
            (cost, s.cpu_units, s.memory_mib)
        });
    match best {
        Some(s) => Ok(s),
        // Every request up to the largest size in both dimensions fits the largest size,
        // so an empty candidate set means one dimension is too large.
        None if cpu > platform.largest_size().cpu_units => Err(FargateError::CpuTooLarge {
            cpu_units: cpu,
            platform,
        }),
        None => Err(FargateError::MemoryTooLarge {
            memory_mib: mem,
            platform,
            orchestrator,
        }),
    }
}

/// Checks a task's ephemeral storage against the 200 GiB maximum (§4.5) and returns it.
///
/// # Errors
/// [`FargateError::EphemeralTooLarge`] above 200 GiB.
///
/// ```
/// use spotsim::pricing::fargate::check_ephemeral_gib;
/// assert_eq!(check_ephemeral_gib(200), Ok(200));
/// assert!(check_ephemeral_gib(201).is_err());
/// ```
pub fn check_ephemeral_gib(gib: u32) -> Result<u32, FargateError> {
    if gib > MAX_EPHEMERAL_GIB {
        Err(FargateError::EphemeralTooLarge { gib })
    } else {
        Ok(gib)
    }
}

// ------------------------------------------------------------------------- rates

/// Fargate rates for one region and platform (§4.2, §4.6, §4.5).
///
/// ```
/// use spotsim::pricing::fargate::{FargateRates, Platform};
/// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// assert_eq!(r.per_vcpu_hour.to_string(), "0.04048");
/// assert_eq!(r.per_gb_hour.to_string(), "0.004445");
/// let w = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
/// assert_eq!(w.os_licence_per_vcpu_hour.to_string(), "0.046");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FargateRates {
    /// The region (`us-east-1`).
    pub region: String,
    /// The platform these rates are for.
    pub platform: Platform,
    /// Per vCPU-hour.
    pub per_vcpu_hour: Rate,
    /// Per GB-hour of task memory (GB = 1024 MiB).
    pub per_gb_hour: Rate,
    /// OS licence fee per vCPU-hour (Windows; zero on Linux).
    pub os_licence_per_vcpu_hour: Rate,
    /// Per GB-hour of ephemeral storage configured above the free 20 GiB.
    pub storage_per_gb_hour: Rate,
    /// Where the rates come from, with their confidence.
    pub source: &'static str,
}

struct RateRow {
    region: &'static str,
    platform: Platform,
    vcpu: Rate,
    gb: Rate,
    licence: Rate,
    storage: Rate,
    source: &'static str,
}

const fn nano(n: i64) -> Rate {
    Rate::from_nano_usd(n)
}

/// $0.000111 per GB-hour of ephemeral storage above 20 GiB, us-east-1 (§4.5 \[S23\]).
const STORAGE_US_EAST_1: Rate = nano(111_000);

/// The region whose rates order the sizes in [`round_up`] (it has all three platforms).
const REFERENCE_REGION: &str = "us-east-1";

const RATE_TABLE: [RateRow; 5] = [
    RateRow {
        region: "us-east-1",
        platform: Platform::LinuxX86,
        vcpu: nano(40_480_000),
        gb: nano(4_445_000),
        licence: Rate::ZERO,
        storage: STORAGE_US_EAST_1,
        source: "aws-facts §4.2: us-east-1 Linux/x86_64 $0.04048 per vCPU-h, $0.004445 per GB-h \
                 (high confidence: S23 vantage.sh, S21 cloudburn.io Mar 2026, S24 fortem.dev \
                 Jun 2026, S25 ECS pricing transcription); storage above 20 GiB $0.000111 per \
                 GB-h (§4.5, S23)",
    },
    RateRow {
        region: "us-east-1",
        platform: Platform::LinuxArm,
        vcpu: nano(32_380_000),
        gb: nano(3_560_000),
        licence: Rate::ZERO,
        storage: STORAGE_US_EAST_1,
        source: "aws-facts §4.2: us-east-1 Linux/ARM64 $0.03238 per vCPU-h, $0.00356 per GB-h \
                 (S23 vantage.sh, S24 fortem.dev Jun 2026); storage above 20 GiB $0.000111 per \
                 GB-h (§4.5, S23)",
    },
    RateRow {
        region: "us-east-1",
        platform: Platform::Windows,
        vcpu: nano(91_480_000),
        gb: nano(10_050_000),
        licence: nano(46_000_000),
        storage: STORAGE_US_EAST_1,
        source: "aws-facts §4.2/§4.6: us-east-1 Windows/x86_64 $0.09148 per vCPU-h, $0.01005 per \
                 GB-h, plus OS licence $0.046 per vCPU-h (medium confidence: single secondary \
                 source, S23 vantage.sh); storage above 20 GiB $0.000111 per GB-h (§4.5, S23)",
    },
    RateRow {
        region: "us-west-2",
        platform: Platform::LinuxX86,
        vcpu: nano(40_480_000),
        gb: nano(4_445_000),
        licence: Rate::ZERO,
        storage: STORAGE_US_EAST_1,
        source: "aws-facts §4.2: us-west-2 Linux/x86_64 $0.04048 per vCPU-h, $0.004445 per GB-h, \
                 the same as us-east-1 (PARTLY CONFIRMED: implied by a cost-estimate tool's \
                 output, $7.39 for 182.5 vCPU-h and $1.62 for 365 GB-h, S27); storage rate \
                 assumed equal to us-east-1's $0.000111 per GB-h (not confirmed for this region)",
    },
    RateRow {
        region: "eu-west-1",
        platform: Platform::LinuxX86,
        vcpu: nano(40_480_000),
        gb: nano(4_445_000),
        licence: Rate::ZERO,
        storage: STORAGE_US_EAST_1,
        source: "aws-facts §4.2: eu-west-1 Linux/x86_64 $0.04048 per vCPU-h, $0.004445 per GB-h, \
                 the same as us-east-1 (PARTLY CONFIRMED: tomgregory.com, about 2020, S26); \
                 storage rate assumed equal to us-east-1's $0.000111 per GB-h (not confirmed \
                 for this region)",
    },
];

fn builtin(region: &str, platform: Platform) -> Option<&'static RateRow> {
    let region = region.trim();
    RATE_TABLE
        .iter()
        .find(|r| r.region.eq_ignore_ascii_case(region) && r.platform == platform)
}

fn known_rates_list() -> String {
    let mut out: Vec<String> = Vec::new();
    for row in &RATE_TABLE {
        if out.iter().any(|s| s.starts_with(row.region)) {
            continue;
        }
        let plats: Vec<&str> = RATE_TABLE
            .iter()
            .filter(|r| r.region == row.region)
            .map(|r| r.platform.as_str())
            .collect();
        out.push(format!("{} ({})", row.region, plats.join(", ")));
    }
    out.join(", ")
}

/// The hourly cost of `size` at a row's rates in nano-dollars × 1024 (for ordering).
fn hourly_units(r: &RateRow, s: TaskSize) -> i128 {
    (r.vcpu.nano_usd_per_hour() as i128 + r.licence.nano_usd_per_hour() as i128)
        * s.cpu_units as i128
        + r.gb.nano_usd_per_hour() as i128 * s.memory_mib as i128
}

impl FargateRates {
    /// The built-in rates of `region` (ASCII case ignored) for `platform`: us-east-1 for
    /// all three platforms; us-west-2 and eu-west-1 for Linux/x86_64 (⚠ partly
    /// confirmed, §4.2). The `source` field cites each.
    ///
    /// # Errors
    /// [`FargateError::NoRates`] for any other region or platform; the message lists the
    /// known regions and their platforms. There is no silent default.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateRates, Platform};
    /// let r = FargateRates::lookup("eu-west-1", Platform::LinuxX86).unwrap();
    /// assert!(r.source.contains("PARTLY CONFIRMED"));
    /// let e = FargateRates::lookup("eu-west-1", Platform::LinuxArm).unwrap_err().to_string();
    /// assert!(e.contains("us-east-1 (linux/x86_64, linux/arm64, windows)"), "{e}");
    /// assert!(FargateRates::lookup("ap-south-1", Platform::LinuxX86).is_err());
    /// ```
    pub fn lookup(region: &str, platform: Platform) -> Result<FargateRates, FargateError> {
        let row = builtin(region, platform).ok_or_else(|| FargateError::NoRates {
            region: region.to_string(),
            platform,
        })?;
        Ok(FargateRates {
            region: row.region.to_string(),
            platform,
            per_vcpu_hour: row.vcpu,
            per_gb_hour: row.gb,
            os_licence_per_vcpu_hour: row.licence,
            storage_per_gb_hour: row.storage,
            source: row.source,
        })
    }

    /// User-given rates (source `"user-given rates"`).
    ///
    /// ```
    /// use spotsim::money::Rate;
    /// use spotsim::pricing::fargate::{FargateRates, Platform};
    /// let usd = |s| Rate::parse_usd(s).unwrap();
    /// let r = FargateRates::custom("ap-northeast-1", Platform::LinuxX86,
    ///     usd("0.05056"), usd("0.00553"), Rate::ZERO, usd("0.000111"));
    /// assert_eq!(r.source, "user-given rates");
    /// ```
    pub fn custom(
        region: impl Into<String>,
        platform: Platform,
        per_vcpu_hour: Rate,
        per_gb_hour: Rate,
        os_licence_per_vcpu_hour: Rate,
        storage_per_gb_hour: Rate,
    ) -> FargateRates {
        FargateRates {
            region: region.into(),
            platform,
            per_vcpu_hour,
            per_gb_hour,
            os_licence_per_vcpu_hour,
            storage_per_gb_hour,
            source: "user-given rates",
        }
    }

    /// The `(region, platform)` pairs with built-in rates.
    ///
    /// ```
    /// use spotsim::pricing::fargate::FargateRates;
    /// assert_eq!(FargateRates::known().count(), 5);
    /// ```
    pub fn known() -> impl Iterator<Item = (&'static str, Platform)> {
        RATE_TABLE.iter().map(|r| (r.region, r.platform))
    }

    /// The charge of one hour of `size` at these rates (vCPU, memory and licence; no
    /// storage, no minimum).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateRates, Platform, TaskSize};
    /// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
    /// let s = TaskSize { cpu_units: 256, memory_mib: 512 };
    /// assert_eq!(r.hourly(s).to_usd_string(7), "0.0123425");
    /// ```
    pub fn hourly(&self, size: TaskSize) -> Money {
        self.compute_charge(size.as_request(), 3600).total()
    }

    fn compute_charge(&self, req: TaskRequest, secs: i64) -> FargateCharge {
        let cpu = req.cpu_units as i64;
        FargateCharge {
            vcpu: self.per_vcpu_hour.for_seconds_per_1024(cpu, secs),
            memory: self
                .per_gb_hour
                .for_seconds_per_1024(req.memory_mib as i64, secs),
            os_licence: self
                .os_licence_per_vcpu_hour
                .for_seconds_per_1024(cpu, secs),
            storage: Money::ZERO,
        }
    }
}

// ------------------------------------------------------------------------- billing

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
/// The default is the confirmed 1-minute minimum on every platform. ⚠ §4.6 reports an
/// unconfirmed 15-minute minimum for Windows: set `windows_minimum_secs` to
/// [`UNCONFIRMED_WINDOWS_MINIMUM_SECS`] to model it.
///
/// ```
/// use spotsim::pricing::fargate::{FargateBilling, Platform, UNCONFIRMED_WINDOWS_MINIMUM_SECS};
/// let b = FargateBilling::default();
/// assert_eq!(b.billed_secs(Platform::Windows, 10), 60);
/// let w15 = FargateBilling { windows_minimum_secs: UNCONFIRMED_WINDOWS_MINIMUM_SECS, ..b };
/// assert_eq!(w15.billed_secs(Platform::Windows, 10), 900);
/// assert_eq!(w15.billed_secs(Platform::LinuxX86, 10), 60);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FargateBilling {
    /// Minimum billed seconds of a Linux task (x86_64 and ARM64); 60 (§4.1).
    pub linux_minimum_secs: i64,
    /// Minimum billed seconds of a Windows task; 60 by default, ⚠ possibly 900 (§4.6).
    pub windows_minimum_secs: i64,
}

impl Default for FargateBilling {
    fn default() -> FargateBilling {
        FargateBilling {
            linux_minimum_secs: LINUX_MINIMUM_SECS,
            windows_minimum_secs: LINUX_MINIMUM_SECS,
        }
    }
}

impl FargateBilling {
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
        let mut c = rates.compute_charge(size.as_request(), secs);
        let billed_gib = ephemeral_gib.saturating_sub(FREE_EPHEMERAL_GIB) as i64;
        c.storage = rates
            .storage_per_gb_hour
            .for_seconds_per_1024(billed_gib * 1024, secs);
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

    /// The charge of the exact request (vCPU, memory and licence at the requested CPU
    /// units and MiB, over the same billed seconds as the task), without storage.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateBilling, FargateRates, Platform, TaskRequest};
    /// let r = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
    /// let c = FargateBilling::default().requested_charge(TaskRequest::new(1024, 1024), &r, 3600);
    /// assert_eq!(c.to_usd_string(6), "0.044925");
    /// ```
    pub fn requested_charge(
        &self,
        request: TaskRequest,
        rates: &FargateRates,
        run_secs: i64,
    ) -> Money {
        let secs = self.billed_secs(rates.platform, run_secs);
        rates.compute_charge(request, secs).total()
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
    /// let req = TaskRequest::new(1024, 1024); // 1 vCPU, 1 GB → 1 vCPU / 2 GB
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

/// [`FargateBilling::task_charge`] with the default billing (1-minute minimum on every
/// platform): the charge of a task of `size` running `run_secs` whole seconds at `rates`
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
/// let req = TaskRequest::new(256, 512);
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

// ------------------------------------------------------------------------- Fargate Spot

/// The Fargate Spot price model: a discount off the on-demand vCPU and GB rates (§4.3).
///
/// The default, 67 %, is the one observed rate (eu-west-1, about 2020: $0.01334053 per
/// vCPU-hour against $0.04048, 67.0 % off \[S26\]); AWS advertises "up to 70 %" and the
/// real rate is dynamic. Windows is not supported and Fargate Spot is ECS only (§4.3).
/// ⚠ ARM64 is allowed (the latest SDK docs allow it on platform version 1.4.0+; older
/// docs said x86_64 only).
///
/// ```
/// use spotsim::pricing::fargate::{FargateRates, FargateSpot, Platform};
/// let od = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// let spot = FargateSpot::default().rates(&od).unwrap();
/// assert_eq!(spot.per_vcpu_hour.to_string(), "0.0133584"); // 0.04048 × 0.33
/// assert_eq!(spot.per_gb_hour.to_string(), "0.00146685"); // 0.004445 × 0.33
/// let win = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
/// assert!(FargateSpot::default().rates(&win).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FargateSpot {
    /// Discount off the on-demand vCPU and GB rates, in percent (0–99).
    pub discount_pct: u32,
}

impl Default for FargateSpot {
    fn default() -> FargateSpot {
        FargateSpot {
            discount_pct: FargateSpot::OBSERVED_DISCOUNT_PCT,
        }
    }
}

impl FargateSpot {
    /// The one observed discount, 67 % (§4.3 \[S26\]).
    pub const OBSERVED_DISCOUNT_PCT: u32 = 67;

    /// A model with `discount_pct` percent off.
    ///
    /// # Errors
    /// [`FargateError::BadDiscount`] above 99 %.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::FargateSpot;
    /// assert_eq!(FargateSpot::new(70).unwrap().discount_pct, 70);
    /// assert!(FargateSpot::new(100).is_err());
    /// ```
    pub fn new(discount_pct: u32) -> Result<FargateSpot, FargateError> {
        if discount_pct > 99 {
            return Err(FargateError::BadDiscount { pct: discount_pct });
        }
        Ok(FargateSpot { discount_pct })
    }

    /// Whether a task of `platform` under `orchestrator` may run on Fargate Spot.
    ///
    /// # Errors
    /// [`FargateError::SpotOnEks`] for EKS; [`FargateError::SpotPlatform`] for Windows.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateSpot, Orchestrator, Platform};
    /// assert!(FargateSpot::check(Platform::LinuxArm, Orchestrator::Ecs).is_ok());
    /// assert!(FargateSpot::check(Platform::LinuxX86, Orchestrator::Eks).is_err());
    /// assert!(FargateSpot::check(Platform::Windows, Orchestrator::Ecs).is_err());
    /// ```
    pub fn check(platform: Platform, orchestrator: Orchestrator) -> Result<(), FargateError> {
        if orchestrator == Orchestrator::Eks {
            return Err(FargateError::SpotOnEks);
        }
        if platform == Platform::Windows {
            return Err(FargateError::SpotPlatform { platform });
        }
        Ok(())
    }

    /// The Fargate Spot rates derived from the on-demand `on_demand` rates: vCPU and GB
    /// rates times `(100 − discount_pct) / 100`, rounded half up to the nano-dollar
    /// ([`Rate::scale`]); storage and licence unchanged.
    ///
    /// # Errors
    /// [`FargateError::SpotPlatform`] for Windows; [`FargateError::BadDiscount`] if the
    /// (public) `discount_pct` field is above 99.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateRates, FargateSpot, Platform};
    /// let arm = FargateRates::lookup("us-east-1", Platform::LinuxArm).unwrap();
    /// let s = FargateSpot::new(70).unwrap().rates(&arm).unwrap();
    /// assert_eq!(s.per_vcpu_hour.to_string(), "0.009714"); // 0.03238 × 0.30
    /// ```
    pub fn rates(&self, on_demand: &FargateRates) -> Result<FargateRates, FargateError> {
        if self.discount_pct > 99 {
            return Err(FargateError::BadDiscount {
                pct: self.discount_pct,
            });
        }
        FargateSpot::check(on_demand.platform, Orchestrator::Ecs)?;
        let keep = 100 - self.discount_pct as i64;
        Ok(FargateRates {
            region: on_demand.region.clone(),
            platform: on_demand.platform,
            per_vcpu_hour: on_demand.per_vcpu_hour.scale(keep, 100),
            per_gb_hour: on_demand.per_gb_hour.scale(keep, 100),
            os_licence_per_vcpu_hour: on_demand.os_licence_per_vcpu_hour,
            storage_per_gb_hour: on_demand.storage_per_gb_hour,
            source: "Fargate Spot: the on-demand vCPU and GB rates less discount_pct (default \
                     67 %: eu-west-1 about 2020, $0.01334053 vs $0.04048 per vCPU-h, aws-facts \
                     §4.3 S26; AWS advertises up to 70 % and the real rate is dynamic); storage \
                     at the on-demand rate",
        })
    }
}

// ------------------------------------------------------------------------- strategies

/// One item of a capacity-provider strategy: `{capacityProvider, base, weight}` (§6.5).
///
/// ```
/// use spotsim::pricing::fargate::{Provider, StrategyItem};
/// let i = StrategyItem::new(Provider::FargateSpot, 0, 4);
/// assert_eq!(i.weight, 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StrategyItem {
    /// `FARGATE` or `FARGATE_SPOT`.
    pub provider: Provider,
    /// Minimum number of tasks on this provider, placed first (0–100000).
    pub base: u32,
    /// Relative share of the tasks after the base (0–1000).
    pub weight: u32,
}

impl StrategyItem {
    /// An item.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::{Provider, StrategyItem};
    /// assert_eq!(StrategyItem::new(Provider::Fargate, 2, 1).base, 2);
    /// ```
    pub const fn new(provider: Provider, base: u32, weight: u32) -> StrategyItem {
        StrategyItem {
            provider,
            base,
            weight,
        }
    }
}

/// A validated ECS capacity-provider strategy over `FARGATE` and `FARGATE_SPOT` (§6.5).
///
/// Validation (§6.5): at least one item and at most [`Self::MAX_ITEMS`] (6; ⚠ newer SDK
/// docs say 20, but only two Fargate providers exist); each provider at most once (a
/// documented choice: with duplicates the split would be ambiguous); only one item may set
/// `base` (base > 0); base 0–100000; weight 0–1000; at least one weight above 0.
///
/// ```
/// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
/// let s = CapacityProviderStrategy::new(vec![
///     StrategyItem::new(Provider::Fargate, 0, 1),
///     StrategyItem::new(Provider::FargateSpot, 0, 4),
/// ]).unwrap();
/// assert_eq!(s.split(5), (1, 4));
/// assert_eq!(s.split(10), (2, 8));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapacityProviderStrategy {
    items: Vec<StrategyItem>,
}

impl CapacityProviderStrategy {
    /// Most items in a strategy (§6.5; ⚠ 20 in newer docs).
    pub const MAX_ITEMS: usize = 6;
    /// Largest `weight` (§6.5).
    pub const MAX_WEIGHT: u32 = 1000;
    /// Largest `base` (§6.5).
    pub const MAX_BASE: u32 = 100_000;

    /// A strategy, validated as described on the type.
    ///
    /// # Errors
    /// [`FargateError::EmptyStrategy`], [`FargateError::TooManyItems`],
    /// [`FargateError::DuplicateProvider`], [`FargateError::MultipleBase`],
    /// [`FargateError::WeightOutOfRange`], [`FargateError::BaseOutOfRange`],
    /// [`FargateError::AllWeightsZero`].
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let two_bases = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::Fargate, 1, 1),
    ///     StrategyItem::new(Provider::FargateSpot, 1, 1),
    /// ]);
    /// assert!(two_bases.is_err());
    /// ```
    pub fn new(items: Vec<StrategyItem>) -> Result<CapacityProviderStrategy, FargateError> {
        if items.is_empty() {
            return Err(FargateError::EmptyStrategy);
        }
        if items.len() > Self::MAX_ITEMS {
            return Err(FargateError::TooManyItems { count: items.len() });
        }
        for (i, it) in items.iter().enumerate() {
            if items[..i].iter().any(|o| o.provider == it.provider) {
                return Err(FargateError::DuplicateProvider {
                    provider: it.provider,
                });
            }
            if it.weight > Self::MAX_WEIGHT {
                return Err(FargateError::WeightOutOfRange {
                    provider: it.provider,
                    weight: it.weight,
                });
            }
            if it.base > Self::MAX_BASE {
                return Err(FargateError::BaseOutOfRange {
                    provider: it.provider,
                    base: it.base,
                });
            }
        }
        if items.iter().filter(|i| i.base > 0).count() > 1 {
            return Err(FargateError::MultipleBase);
        }
        if items.iter().all(|i| i.weight == 0) {
            return Err(FargateError::AllWeightsZero);
        }
        Ok(CapacityProviderStrategy { items })
    }

    /// All tasks on one provider (`base` 0, weight 1).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider};
    /// assert_eq!(CapacityProviderStrategy::only(Provider::FargateSpot).split(3), (0, 3));
    /// ```
    pub fn only(provider: Provider) -> CapacityProviderStrategy {
        CapacityProviderStrategy {
            items: vec![StrategyItem::new(provider, 0, 1)],
        }
    }

    /// The items, in the order given.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider};
    /// assert_eq!(CapacityProviderStrategy::only(Provider::Fargate).items().len(), 1);
    /// ```
    pub fn items(&self) -> &[StrategyItem] {
        &self.items
    }

    /// How many of `desired` tasks each item gets, in item order.
    ///
    /// The rule (AWS does not document its rounding, §6.5 ⚠): the item that sets `base`
    /// gets `min(base, desired)` tasks first. The remaining tasks are then assigned **one
    /// at a time** to the item with weight > 0 whose `assigned / weight` is lowest
    /// (`assigned` counting only tasks placed by weight, not the base), ties to the item
    /// listed first. So weights 1 and 4 give A, B, B, B, B, A, B, … — one task to A for
    /// every four to B — and every `Σweights` tasks are split exactly by weight.
    /// Computed in O(items × Σweights) at most, whatever `desired` is.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let s = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::Fargate, 2, 1),
    ///     StrategyItem::new(Provider::FargateSpot, 0, 1),
    /// ]).unwrap();
    /// // base 2 on FARGATE, then 5 tasks 1:1 starting with FARGATE (listed first): 3 + 2
    /// assert_eq!(s.split_items(7), vec![5, 2]);
    /// ```
    pub fn split_items(&self, desired: u32) -> Vec<u32> {
        let n = self.items.len();
        let mut counts = vec![0u64; n];
        let mut left = desired as u64;
        if let Some(i) = self.items.iter().position(|it| it.base > 0) {
            let b = (self.items[i].base as u64).min(left);
            counts[i] += b;
            left -= b;
        }
        let w: Vec<u64> = self.items.iter().map(|it| it.weight as u64).collect();
        let total: u64 = w.iter().sum();
        // `total` is 0 only for a strategy with no weights, which `new` rejects.
        if let Some(rounds) = left.checked_div(total) {
            // After every Σweights tasks, each item holds exactly its weight's share and
            // the one-at-a-time rule starts over from a tie.
            for (c, wi) in counts.iter_mut().zip(&w) {
                *c += rounds * wi;
            }
            let mut extra = vec![0u64; n];
            for _ in 0..left % total {
                let mut best: Option<usize> = None;
                for i in 0..n {
                    if w[i] == 0 {
                        continue;
                    }
                    best = match best {
                        // extra[i] / w[i] < extra[b] / w[b], exactly
                        Some(b) if extra[i] * w[b] >= extra[b] * w[i] => Some(b),
                        _ => Some(i),
                    };
                }
                if let Some(b) = best {
                    extra[b] += 1;
                }
            }
            for (c, e) in counts.iter_mut().zip(&extra) {
                *c += e;
            }
        }
        // Each count is at most `desired`, so it fits in u32.
        counts
            .into_iter()
            .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
            .collect()
    }

    /// `(fargate, fargate_spot)` task counts for `desired` tasks (see
    /// [`Self::split_items`] for the rule).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let s = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::FargateSpot, 0, 3),
    ///     StrategyItem::new(Provider::Fargate, 1, 1),
    /// ]).unwrap();
    /// assert_eq!(s.split(9), (1 + 2, 6));
    /// ```
    pub fn split(&self, desired: u32) -> (u32, u32) {
        let mut out = (0u32, 0u32);
        for (it, c) in self.items.iter().zip(self.split_items(desired)) {
            match it.provider {
                Provider::Fargate => out.0 += c,
                Provider::FargateSpot => out.1 += c,
            }
        }
        out
    }
}

// ------------------------------------------------------------------------- unit tests

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Rate {
        Rate::parse_usd(s).unwrap()
    }

    #[test]
    fn generated_table_matches_rules() {
        let s = task_sizes();
        assert_eq!(s.len(), 74);
        let per_cpu = |c: u32| s.iter().filter(|t| t.cpu_units == c).count();
        assert_eq!(
            [256, 512, 1024, 2048, 4096, 8192, 16384].map(per_cpu),
            [3, 4, 7, 13, 23, 12, 12]
        );
        assert!(s.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert_eq!(valid_sizes(Platform::Windows).count(), 43);
        assert!(valid_sizes(Platform::Windows).all(|t| t.cpu_units >= 1024 && t.cpu_units <= 4096));
        for t in s {
            assert!(t.is_valid_for(Platform::LinuxX86));
            assert_eq!(
                t.is_valid_for(Platform::Windows),
                (1024..=4096).contains(&t.cpu_units)
            );
        }
    }

    #[test]
    fn fmt_per_1024_is_exact() {
        assert_eq!(fmt_per_1024(256), "0.25");
        assert_eq!(fmt_per_1024(1), "0.0009765625");
        assert_eq!(fmt_per_1024(308), "0.30078125");
        assert_eq!(fmt_per_1024(20 * 1024), "20");
        assert_eq!(fmt_per_1024(0), "0");
    }

    #[test]
    fn cheapest_equals_lexicographic_for_any_rates() {
        // Over a grid of requests and several rate ratios (including extreme ones), the
        // cheapest fitting size is the lexicographically smallest fitting size.
        let ratios = [
            (1, 0),
            (0, 1),
            (1, 1),
            (40_480, 4_445),
            (1, 1000),
            (1000, 1),
        ];
        for p in Platform::ALL {
            for cpu in (0..=16384u32).step_by(64) {
                for mem in (0..=122_880u32).step_by(256) {
                    let fits: Vec<TaskSize> = valid_sizes(p)
                        .filter(|s| s.cpu_units >= cpu && s.memory_mib >= mem)
                        .collect();
                    let Some(lex) = fits.iter().min().copied() else {
                        continue;
                    };
                    for (a, b) in ratios {
                        let cost = |s: &TaskSize| a * s.cpu_units as u64 + b * s.memory_mib as u64;
                        let cheapest = fits.iter().map(cost).min().unwrap();
                        assert_eq!(cost(&lex), cheapest, "{p} {cpu} {mem} {a}:{b}");
                    }
                }
            }
        }
    }

    #[test]
    fn rates_table_values() {
        let r = FargateRates::lookup("US-EAST-1", Platform::LinuxArm).unwrap();
        assert_eq!(r.region, "us-east-1");
        assert_eq!(r.per_vcpu_hour, usd("0.03238"));
        assert_eq!(r.per_gb_hour, usd("0.00356"));
        assert_eq!(r.storage_per_gb_hour, usd("0.000111"));
        let w = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
        assert_eq!(w.per_vcpu_hour, usd("0.09148"));
        assert_eq!(w.per_gb_hour, usd("0.01005"));
        assert_eq!(w.os_licence_per_vcpu_hour, usd("0.046"));
        for reg in ["us-west-2", "eu-west-1"] {
            let r = FargateRates::lookup(reg, Platform::LinuxX86).unwrap();
            assert_eq!(r.per_vcpu_hour, usd("0.04048"));
            assert_eq!(r.per_gb_hour, usd("0.004445"));
            assert!(r.source.contains("PARTLY CONFIRMED"));
        }
    }

    #[test]
    fn error_options_map_to_config_errors() {
        let e: ConfigError = FargateError::NoRates {
            region: "mars-1".into(),
            platform: Platform::LinuxX86,
        }
        .into();
        assert_eq!(e.option, "region");
        assert!(e.message.contains("`mars-1`"));
        let e: ConfigError = FargateError::AllWeightsZero.into();
        assert_eq!(e.option, "mix-weights");
    }

    #[test]
    fn split_large_counts_fast_and_exact() {
        let s = CapacityProviderStrategy::new(vec![
            StrategyItem::new(Provider::Fargate, 100_000, 999),
            StrategyItem::new(Provider::FargateSpot, 0, 1000),
        ])
        .unwrap();
        let (a, b) = s.split(u32::MAX);
        assert_eq!(a as u64 + b as u64, u32::MAX as u64);
        let left = u32::MAX as u64 - 100_000;
        let rounds = left / 1999;
        assert!(a as u64 >= 100_000 + rounds * 999 && b as u64 >= rounds * 1000);
    }
}
