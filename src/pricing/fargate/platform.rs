//! Fargate platforms (OS and architecture, §4.2) and orchestrators (ECS, EKS).

use super::*;

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

pub(super) const PLATFORM_NAMES: &str =
    "linux (or linux/x86_64), linux-arm (or linux/arm64), windows";

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
