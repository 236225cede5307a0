//! The 74 valid task sizes (§4.4), task requests and rounding a request up to a size.

use super::*;

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
    /// assert_eq!(s.as_request(), TaskRequest::from_millicores(250, 512));
    /// ```
    pub fn as_request(self) -> TaskRequest {
        TaskRequest::from_cpu_units(self.cpu_units, self.memory_mib)
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
pub(super) enum MemRule {
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

    pub(super) fn describe(self) -> String {
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
pub(super) struct SizeRule {
    pub(super) cpu_units: u32,
    pub(super) memory: MemRule,
    /// Windows runs this CPU size (§4.4: 1, 2 and 4 vCPU).
    pub(super) windows: bool,
}

/// The rules of aws-facts.md §4.4 (task level), from which the size table is generated.
pub(super) const RULES: [SizeRule; 7] = [
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

pub(super) const fn count_sizes() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < RULES.len() {
        n += RULES[i].memory.count();
        i += 1;
    }
    n
}

const _: () = assert!(count_sizes() == TASK_SIZE_COUNT);

pub(super) const fn generate_sizes() -> [TaskSize; TASK_SIZE_COUNT] {
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

pub(super) static TASK_SIZES: [TaskSize; TASK_SIZE_COUNT] = generate_sizes();

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

/// A plain non-negative decimal `s` times `per`, rounded **up** to an integer (`"0.3"`
/// vCPU × 1000 → 300 millicores; `"0.7"` GB × 1024 → 716.8 → 717 MiB).
pub(crate) fn parse_scaled(s: &str, resource: Resource, per: u32) -> Result<u32, FargateError> {
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
    let units = (nano as u64 * u64::from(per)).div_ceil(NANO_PER_USD as u64);
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
/// let eks = round_up(TaskRequest::from_cpu_units(1024, 8192), Platform::LinuxX86, Orchestrator::Eks)?;
/// assert_eq!(eks.to_string(), "2 vCPU / 9 GB");
/// let empty_pod = round_up(TaskRequest::default(), Platform::LinuxX86, Orchestrator::Eks)?;
/// assert_eq!(empty_pod.to_string(), "0.25 vCPU / 0.5 GB");
/// let win = round_up(TaskRequest::from_cpu_units(256, 512), Platform::Windows, Orchestrator::Ecs)?;
/// assert_eq!(win.to_string(), "1 vCPU / 2 GB");
/// # Ok::<(), spotsim::pricing::fargate::FargateError>(())
/// ```
pub fn round_up(
    request: TaskRequest,
    platform: Platform,
    orchestrator: Orchestrator,
) -> Result<TaskSize, FargateError> {
    let cpu = request.cpu_units();
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

/// Checks a task's ephemeral storage (§4.5): from the [`FREE_EPHEMERAL_GIB`] every task
/// has up to [`MAX_EPHEMERAL_GIB`]; returns it. The one check of this range
/// ([`Service::validate`](crate::workload::Service::validate) uses it).
///
/// # Errors
/// [`FargateError::EphemeralTooLarge`] above 200 GiB, [`FargateError::EphemeralTooSmall`]
/// below 20 GiB.
///
/// ```
/// use spotsim::pricing::fargate::check_ephemeral_gib;
/// assert_eq!(check_ephemeral_gib(20), Ok(20));
/// assert_eq!(check_ephemeral_gib(200), Ok(200));
/// assert!(check_ephemeral_gib(201).is_err());
/// assert!(check_ephemeral_gib(19).is_err());
/// ```
pub fn check_ephemeral_gib(gib: u32) -> Result<u32, FargateError> {
    if gib > MAX_EPHEMERAL_GIB {
        Err(FargateError::EphemeralTooLarge { gib })
    } else if gib < FREE_EPHEMERAL_GIB {
        Err(FargateError::EphemeralTooSmall { gib })
    } else {
        Ok(gib)
    }
}
