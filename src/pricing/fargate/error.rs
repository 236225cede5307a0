//! Why a Fargate size, rate, request or strategy cannot be used.

use super::*;

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

/// Why a Fargate size, rate, request or strategy cannot be used.
///
/// Every variant renders as one sentence saying what is wrong and what is allowed;
/// [`FargateError::option`] names the scenario option it concerns, and
/// `ConfigError::from` turns it into a [`ConfigError`] on that option.
///
/// ```
/// use spotsim::pricing::fargate::{round_up, Orchestrator, Platform, TaskRequest};
/// let e = round_up(TaskRequest::from_millicores(20_000, 2048), Platform::LinuxX86, Orchestrator::Ecs)
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
    /// A minimum billed duration outside 0 to [`MAX_MINIMUM_SECS`].
    BadMinimum {
        /// The minimum as given, seconds.
        secs: i64,
    },
    /// A region without built-in rates, and not every rate it needs given.
    MissingRates {
        /// The region as given.
        region: String,
        /// The platform.
        platform: Platform,
        /// The rate that is missing (`vCPU`, `GB` or `OS licence`).
        missing: &'static str,
    },
    /// Ephemeral storage above 200 GiB.
    EphemeralTooLarge {
        /// The storage as given, in GiB.
        gib: u32,
    },
    /// Ephemeral storage below the 20 GiB every task has.
    EphemeralTooSmall {
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
            FargateError::EphemeralTooLarge { .. } | FargateError::EphemeralTooSmall { .. } => {
                "ephemeral-gib"
            }
            FargateError::BadMinimum { .. } => "fargate-windows-minimum-secs",
            FargateError::MissingRates { missing, .. } => match *missing {
                "GB" => "fargate-gb-hour-usd",
                "OS licence" => "fargate-os-licence-vcpu-hour-usd",
                _ => "fargate-vcpu-hour-usd",
            },
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
            FargateError::BadMinimum { secs } => write!(
                f,
                "a Fargate minimum billed duration of {secs} s is out of range; it must be 0–{MAX_MINIMUM_SECS} s"
            ),
            FargateError::MissingRates {
                region,
                platform,
                missing,
            } => write!(
                f,
                "no built-in Fargate rates for {platform} in `{region}` and no {missing} rate given; \
                 give the vCPU and GB rates (and, for Windows, the OS licence rate) of that region; \
                 built in: {}",
                known_rates_list()
            ),
            FargateError::EphemeralTooLarge { gib } => write!(
                f,
                "ephemeral storage of {gib} GiB is above the Fargate maximum of \
                 {MAX_EPHEMERAL_GIB} GiB"
            ),
            FargateError::EphemeralTooSmall { gib } => write!(
                f,
                "ephemeral storage of {gib} GiB is below the {FREE_EPHEMERAL_GIB} GiB every \
                 Fargate task has"
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
pub(super) fn fmt_per_1024(n: u64) -> String {
    let whole = n / 1024;
    let frac = n % 1024;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{:010}", frac * 9_765_625); // frac × 10^10 / 1024
    format!("{whole}.{}", digits.trim_end_matches('0'))
}
