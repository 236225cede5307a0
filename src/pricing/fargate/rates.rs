//! Fargate rates per vCPU-hour, GB-hour, OS licence and storage, per Region and platform (§4.2).

use super::*;

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

pub(super) struct RateRow {
    pub(super) region: &'static str,
    pub(super) platform: Platform,
    pub(super) vcpu: Rate,
    pub(super) gb: Rate,
    pub(super) licence: Rate,
    pub(super) storage: Rate,
    pub(super) source: &'static str,
}

pub(super) const fn nano(n: i64) -> Rate {
    Rate::from_nano_usd(n)
}

/// $0.000111 per GB-hour of ephemeral storage above 20 GiB, us-east-1 (§4.5 \[S23\]).
pub(super) const STORAGE_US_EAST_1: Rate = nano(111_000);

/// The region whose rates order the sizes in [`round_up`] (it has all three platforms).
pub(super) const REFERENCE_REGION: &str = "us-east-1";

pub(super) const RATE_TABLE: [RateRow; 5] = [
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

pub(super) fn builtin(region: &str, platform: Platform) -> Option<&'static RateRow> {
    let region = region.trim();
    RATE_TABLE
        .iter()
        .find(|r| r.region.eq_ignore_ascii_case(region) && r.platform == platform)
}

pub(super) fn known_rates_list() -> String {
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
pub(super) fn hourly_units(r: &RateRow, s: TaskSize) -> i128 {
    (r.vcpu.nano_usd_per_hour() as i128 + r.licence.nano_usd_per_hour() as i128)
        * s.cpu_units as i128
        + r.gb.nano_usd_per_hour() as i128 * s.memory_mib as i128
}

/// Rates given by the user for Fargate (`--fargate-vcpu-hour-usd`,
/// `--fargate-gb-hour-usd`, …): each replaces the built-in rate of the region, and a
/// region without built-in rates needs at least the vCPU and GB rates (and, for
/// Windows, the OS licence rate). See [`FargateRates::resolve`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FargateRateOverride {
    /// Per vCPU-hour.
    pub per_vcpu_hour: Option<Rate>,
    /// Per GB-hour of task memory.
    pub per_gb_hour: Option<Rate>,
    /// Windows OS licence per vCPU-hour.
    pub os_licence_per_vcpu_hour: Option<Rate>,
    /// Per GB-hour of ephemeral storage above 20 GiB.
    pub storage_per_gb_hour: Option<Rate>,
}

impl FargateRateOverride {
    /// Whether no rate is given.
    pub fn is_empty(&self) -> bool {
        *self == FargateRateOverride::default()
    }
}

impl FargateRates {
    /// The rates of `region` and `platform` with `user` applied: the built-in rates
    /// ([`FargateRates::lookup`]) where they exist, each rate the user gives replacing
    /// the built-in one; for a region without built-in rates, the user's rates — the
    /// vCPU and GB rates must be given, and for Windows the OS licence rate. A storage
    /// rate not given there is us-east-1's $0.000111 per GB-hour (§4.5), said in
    /// `source`; it is charged only for ephemeral storage above 20 GiB.
    ///
    /// # Errors
    /// [`FargateError::MissingRates`] when a region without built-in rates lacks one of
    /// the rates above.
    ///
    /// ```
    /// use spotsim::money::Rate;
    /// use spotsim::pricing::fargate::{FargateRateOverride, FargateRates, Platform};
    /// let usd = |s| Some(Rate::parse_usd(s).unwrap());
    /// let tokyo = FargateRateOverride { per_vcpu_hour: usd("0.05056"), per_gb_hour: usd("0.00553"), ..Default::default() };
    /// let r = FargateRates::resolve("ap-northeast-1", Platform::LinuxX86, &tokyo).unwrap();
    /// assert_eq!((r.region.as_str(), r.per_vcpu_hour.to_string()), ("ap-northeast-1", "0.05056".to_string()));
    /// assert!(r.source.contains("us-east-1's"), "{}", r.source);
    /// let half = FargateRateOverride { per_vcpu_hour: usd("0.05056"), ..Default::default() };
    /// assert!(FargateRates::resolve("ap-northeast-1", Platform::LinuxX86, &half).is_err());
    /// // In a built-in region an override replaces just that rate.
    /// let r = FargateRates::resolve("us-east-1", Platform::LinuxX86, &half).unwrap();
    /// assert_eq!((r.per_vcpu_hour.to_string(), r.per_gb_hour.to_string()), ("0.05056".into(), "0.004445".into()));
    /// ```
    pub fn resolve(
        region: &str,
        platform: Platform,
        user: &FargateRateOverride,
    ) -> Result<FargateRates, FargateError> {
        if let Ok(mut r) = Self::lookup(region, platform) {
            if user.is_empty() {
                return Ok(r);
            }
            r.per_vcpu_hour = user.per_vcpu_hour.unwrap_or(r.per_vcpu_hour);
            r.per_gb_hour = user.per_gb_hour.unwrap_or(r.per_gb_hour);
            r.os_licence_per_vcpu_hour = user
                .os_licence_per_vcpu_hour
                .unwrap_or(r.os_licence_per_vcpu_hour);
            r.storage_per_gb_hour = user.storage_per_gb_hour.unwrap_or(r.storage_per_gb_hour);
            r.source = "built-in rates of the region, with the rates the user gave replacing them";
            return Ok(r);
        }
        let missing = |m: &'static str| FargateError::MissingRates {
            region: region.to_string(),
            platform,
            missing: m,
        };
        let vcpu = user.per_vcpu_hour.ok_or_else(|| missing("vCPU"))?;
        let gb = user.per_gb_hour.ok_or_else(|| missing("GB"))?;
        let licence = match (platform, user.os_licence_per_vcpu_hour) {
            (_, Some(l)) => l,
            (Platform::Windows, None) => return Err(missing("OS licence")),
            _ => Rate::ZERO,
        };
        let mut r = FargateRates::custom(
            region.trim(),
            platform,
            vcpu,
            gb,
            licence,
            user.storage_per_gb_hour.unwrap_or(STORAGE_US_EAST_1),
        );
        if user.storage_per_gb_hour.is_none() {
            r.source = "user-given rates; storage above 20 GiB at us-east-1's $0.000111 per GB-h \
                        (aws-facts §4.5), no rate given for this region";
        }
        Ok(r)
    }

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
        self.compute_charge(size.cpu_units, size.memory_mib, crate::time::HOUR)
            .total()
    }

    /// vCPU, memory and licence for `secs` seconds of `cpu_units` CPU units and
    /// `memory_mib` MiB (exact: rates are per vCPU = 1024 units and per GB = 1024 MiB).
    pub(super) fn compute_charge(
        &self,
        cpu_units: u32,
        memory_mib: u32,
        secs: i64,
    ) -> FargateCharge {
        let cpu = i64::from(cpu_units);
        FargateCharge {
            vcpu: self.per_vcpu_hour.for_seconds_per_1024(cpu, secs),
            memory: self
                .per_gb_hour
                .for_seconds_per_1024(i64::from(memory_mib), secs),
            os_licence: self
                .os_licence_per_vcpu_hour
                .for_seconds_per_1024(cpu, secs),
            storage: Money::ZERO,
        }
    }
}
