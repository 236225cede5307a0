//! `spotsim types`: the catalog as an instance-type finder, as spotinfo and
//! amazon-ec2-instance-selector answer "which types have 2–4 vCPU and at least 8 GiB,
//! cheapest first, with their Spot Advisor band".
//!
//! A [`TypeQuery`] filters a [`Catalog`] by vCPU, memory, architecture, family,
//! generation and on-demand price and, with Spot Instance Advisor data, by interruption
//! band and savings; it sorts the rows ([`SortKey`]) and returns a [`TypesReport`]
//! (table, JSON, CSV, Markdown, or the bare names for `--instance-types`).
//!
//! Ranges are written `a..b` (both ends included), `a..`, `..b` or a single value `a`.
//! The family of `m6i.large` is `m6i`, its generation `6` (the digits after the
//! letters of the family).
//!
//! ```
//! use spotsim::catalog::Catalog;
//! use spotsim::types::{Range, TypeQuery};
//! let q = TypeQuery { vcpu: Some(Range::parse("vcpu", "2")?), family: vec!["m5".into()], ..Default::default() };
//! let r = q.run(&Catalog::builtin(), None)?;
//! let m5 = r.types.iter().find(|t| t.instance_type == "m5.large").unwrap();
//! assert_eq!((m5.vcpu, m5.memory_gib, m5.arch.as_str(), m5.ondemand_usd_per_hour), (2, 8.0, "x86_64", 0.096));
//! # Ok::<(), spotsim::error::ConfigError>(())
//! ```

use std::fmt::Write as _;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalog::{Arch, Catalog, InstanceType};
use crate::error::ConfigError;
use crate::ingest::AdvisorData;
use crate::report::human::{group, pct, usd_per_hour};
use crate::report::markdown::cell;
use crate::report::{Format, SCHEMA_VERSION, Warning, codes, json, warning};

mod options;
mod render;
pub use options::{TypesOptions, parse_arch, parse_band};

/// A closed range of values; either end may be open.
///
/// ```
/// use spotsim::types::Range;
/// let r: Range<u32> = Range::parse("vcpu", "2..4").unwrap();
/// assert!(r.contains(&2) && r.contains(&4) && !r.contains(&5));
/// assert!(Range::<f64>::parse("memory", "8..").unwrap().contains(&512.0));
/// assert!(!Range::<f64>::parse("price", "..0.2").unwrap().contains(&0.25));
/// assert_eq!(Range::<u32>::parse("vcpu", "4").unwrap(), Range { min: Some(4), max: Some(4) });
/// assert!(Range::<u32>::parse("vcpu", "4..2").is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Range<T> {
    /// The smallest value allowed.
    pub min: Option<T>,
    /// The largest value allowed.
    pub max: Option<T>,
}

impl<T: FromStr + PartialOrd + Copy> Range<T> {
    /// Parses `a..b`, `a..`, `..b` or `a`; `option` names the option in errors.
    ///
    /// # Errors
    /// [`ConfigError`] for a value that is not a number (NaN included) or `a > b`.
    pub fn parse(option: &str, s: &str) -> Result<Range<T>, ConfigError> {
        let bad = || {
            ConfigError::new(
                option,
                format!("`{s}`: expected a value or a range a..b, a.. or ..b"),
            )
        };
        let num = |x: &str| -> Result<Option<T>, ConfigError> {
            let x = x.trim();
            if x.is_empty() {
                return Ok(None);
            }
            // `x == x` refuses NaN for floats.
            x.parse::<T>()
                .ok()
                .filter(|v| v.partial_cmp(v).is_some())
                .map(Some)
                .ok_or_else(bad)
        };
        let r = match s.split_once("..") {
            Some((a, b)) => Range {
                min: num(a)?,
                max: num(b)?,
            },
            None => {
                let v = num(s)?.ok_or_else(bad)?;
                Range {
                    min: Some(v),
                    max: Some(v),
                }
            }
        };
        if let (Some(a), Some(b)) = (r.min, r.max)
            && a > b
        {
            return Err(bad());
        }
        Ok(r)
    }

    /// Whether `v` is in the range.
    pub fn contains(&self, v: &T) -> bool {
        self.min.is_none_or(|m| *v >= m) && self.max.is_none_or(|m| *v <= m)
    }
}

/// What to sort by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SortKey {
    /// On-demand price per hour (the default: cheapest first).
    #[default]
    Price,
    /// vCPUs.
    Vcpu,
    /// Memory.
    Memory,
    /// Name.
    Name,
    /// Spot Advisor interruption band (needs advisor data).
    Band,
    /// Spot Advisor savings (needs advisor data).
    Savings,
}

/// The filters and order of `spotsim types`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeQuery {
    /// vCPUs.
    pub vcpu: Option<Range<u32>>,
    /// Memory, GiB.
    pub memory_gib: Option<Range<f64>>,
    /// Architectures (any of them).
    pub arch: Vec<Arch>,
    /// Families, e.g. `m5`, `c6i` (any of them).
    pub family: Vec<String>,
    /// Generations, e.g. `6..`.
    pub generation: Option<Range<u32>>,
    /// On-demand price, USD per hour.
    pub price: Option<Range<f64>>,
    /// Spot Advisor interruption bands allowed, by index (0 = `<5%` … 4 = `>20%`).
    pub bands: Vec<u8>,
    /// The highest Spot Advisor band allowed.
    pub max_band: Option<u8>,
    /// Spot Advisor savings at least this, percent.
    pub min_savings: Option<i32>,
    /// Sort key.
    pub sort_by: SortKey,
    /// Largest first.
    pub desc: bool,
}

/// Advisor data for the query: the data, its region and operating system.
#[derive(Clone, Copy, Debug)]
pub struct AdvisorView<'a> {
    /// The data.
    pub data: &'a AdvisorData,
    /// Region of the entries to read.
    pub region: &'a str,
    /// `Linux` or `Windows`.
    pub os: &'a str,
}

/// One instance type in the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeRow {
    /// API name.
    pub instance_type: String,
    /// Family (`m6i`).
    pub family: String,
    /// Generation (`6`), when the name has one.
    pub generation: Option<u32>,
    /// vCPUs.
    pub vcpu: u32,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// `x86_64` or `arm64`.
    pub arch: String,
    /// On-demand price, USD per hour, in the catalog's region.
    pub ondemand_usd_per_hour: f64,
    /// Spot Advisor interruption band index (with advisor data and an entry).
    pub band: Option<u8>,
    /// Its label, e.g. `<5%`.
    pub band_label: Option<String>,
    /// Spot Advisor savings over on-demand, percent.
    pub savings_pct: Option<i32>,
}

/// Where the answer came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypesSource {
    /// Catalog region.
    pub catalog_region: String,
    /// Catalog source.
    pub catalog_source: String,
    /// The advisor file, with its SHA-256.
    pub advisor: Option<crate::market::SourceFile>,
    /// The advisor region read.
    pub advisor_region: Option<String>,
    /// The advisor operating system read.
    pub advisor_os: Option<String>,
}

/// The answer of `spotsim types`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypesReport {
    /// JSON layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The matching types, sorted.
    pub types: Vec<TypeRow>,
    /// What the user should know.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Where the answer came from.
    pub source: TypesSource,
}

/// `m6i.large` → (`m6i`, `Some(6)`); `u-6tb1.metal` → (`u-6tb1`, `None`).
fn family_and_generation(name: &str) -> (String, Option<u32>) {
    let family = name.split('.').next().unwrap_or(name).to_string();
    let rest = family.trim_start_matches(|c: char| c.is_ascii_lowercase());
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let generation = if rest.len() < family.len() {
        digits.parse().ok()
    } else {
        None
    };
    (family, generation)
}

impl TypeQuery {
    /// The catalog's types that pass every filter, sorted.
    ///
    /// # Errors
    /// [`ConfigError`] when a band or savings filter, or a band or savings sort, is
    /// asked without advisor data, or a band is out of range.
    pub fn run(
        &self,
        catalog: &Catalog,
        advisor: Option<AdvisorView<'_>>,
    ) -> Result<TypesReport, ConfigError> {
        let needs_advisor = [
            (!self.bands.is_empty(), "band"),
            (self.max_band.is_some(), "max-band"),
            (self.min_savings.is_some(), "min-savings"),
            (self.sort_by == SortKey::Band, "sort-by"),
            (self.sort_by == SortKey::Savings, "sort-by"),
        ];
        if advisor.is_none()
            && let Some((_, name)) = needs_advisor.iter().find(|(set, _)| *set)
        {
            return Err(ConfigError::new(
                *name,
                "needs Spot Instance Advisor data: give --advisor FILE",
            ));
        }
        if let Some(a) = advisor
            && !a.data.regions().contains(&a.region)
        {
            return Err(crate::suggest::with_hint(
                ConfigError::new(
                    "region",
                    format!(
                        "region `{}` is not in {} (regions: {})",
                        a.region,
                        a.data.source.path,
                        a.data.regions().join(", ")
                    ),
                ),
                a.region,
                &a.data.regions(),
            ));
        }
        let mut rows: Vec<TypeRow> = catalog
            .types()
            .iter()
            .filter_map(|t| self.row(t, advisor))
            .collect();
        let key = |r: &TypeRow| -> (f64, Option<f64>) {
            let v = match self.sort_by {
                SortKey::Price => Some(r.ondemand_usd_per_hour),
                SortKey::Vcpu => Some(f64::from(r.vcpu)),
                SortKey::Memory => Some(r.memory_gib),
                SortKey::Name => None,
                SortKey::Band => r.band.map(f64::from),
                SortKey::Savings => r.savings_pct.map(f64::from),
            };
            (if v.is_some() { 0.0 } else { 1.0 }, v)
        };
        rows.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            // Rows without the value (no advisor entry) go last either way.
            let missing = ka.0.total_cmp(&kb.0);
            let by_value = match (ka.1, kb.1) {
                (Some(x), Some(y)) if self.desc => y.total_cmp(&x),
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => std::cmp::Ordering::Equal,
            };
            let by_name = if self.sort_by == SortKey::Name && self.desc {
                b.instance_type.cmp(&a.instance_type)
            } else {
                a.instance_type.cmp(&b.instance_type)
            };
            missing.then(by_value).then(by_name)
        });
        let mut warnings = Vec::new();
        if let Some(a) = advisor {
            let without = rows.iter().filter(|r| r.band.is_none()).count();
            if without > 0 {
                warnings.push(Warning::new(
                    warning::codes::ADVISOR_ENTRY_MISSING,
                    format!(
                        "{without} of the {} types have no Spot Advisor entry for {} {} (shown without band and savings)",
                        rows.len(),
                        a.region,
                        a.os
                    ),
                ));
            }
        }
        Ok(TypesReport {
            schema_version: SCHEMA_VERSION,
            types: rows,
            warnings,
            source: TypesSource {
                catalog_region: catalog.region().to_string(),
                catalog_source: crate::rules::localize(catalog.source()),
                advisor: advisor.map(|a| a.data.source.clone()),
                advisor_region: advisor.map(|a| a.region.to_string()),
                advisor_os: advisor.map(|a| a.os.to_string()),
            },
        })
    }

    fn row(&self, t: &InstanceType, advisor: Option<AdvisorView<'_>>) -> Option<TypeRow> {
        let (family, generation) = family_and_generation(&t.name);
        let memory_gib = f64::from(t.memory_mib) / 1024.0;
        let price = t.ondemand.nano_usd_per_hour() as f64 / 1e9;
        let entry = advisor.and_then(|a| a.data.get(a.region, a.os, &t.name));
        let pass = self.vcpu.is_none_or(|r| r.contains(&t.vcpu))
            && self.memory_gib.is_none_or(|r| r.contains(&memory_gib))
            && (self.arch.is_empty() || self.arch.contains(&t.arch))
            && (self.family.is_empty() || self.family.contains(&family))
            && self
                .generation
                .is_none_or(|r| generation.is_some_and(|g| r.contains(&g)))
            && self.price.is_none_or(|r| r.contains(&price))
            && (self.bands.is_empty() || entry.is_some_and(|e| self.bands.contains(&e.band)))
            && self
                .max_band
                .is_none_or(|m| entry.is_some_and(|e| e.band <= m))
            && self
                .min_savings
                .is_none_or(|m| entry.is_some_and(|e| e.savings_pct >= m));
        if !pass {
            return None;
        }
        let label = |i: u8| {
            advisor.and_then(|a| {
                a.data
                    .bands
                    .iter()
                    .find(|b| b.index == i)
                    .map(|b| b.label.clone())
            })
        };
        Some(TypeRow {
            instance_type: t.name.clone(),
            family,
            generation,
            vcpu: t.vcpu,
            memory_gib,
            arch: t.arch.to_string(),
            ondemand_usd_per_hour: price,
            band: entry.map(|e| e.band),
            band_label: entry.and_then(|e| label(e.band)),
            savings_pct: entry.map(|e| e.savings_pct),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_generations() {
        assert_eq!(family_and_generation("m6i.large"), ("m6i".into(), Some(6)));
        assert_eq!(family_and_generation("p3.2xlarge"), ("p3".into(), Some(3)));
        assert_eq!(family_and_generation("t4g.medium"), ("t4g".into(), Some(4)));
        assert_eq!(
            family_and_generation("u-6tb1.metal"),
            ("u-6tb1".into(), None)
        );
        assert_eq!(
            family_and_generation("mac2.metal"),
            ("mac2".into(), Some(2))
        );
    }

    #[test]
    fn ranges_refuse_nan_and_reversed_ends() {
        assert!(Range::<f64>::parse("price", "NaN").is_err());
        assert!(Range::<f64>::parse("price", "..nan").is_err());
        assert!(Range::<u32>::parse("vcpu", "x").is_err());
        assert!(Range::<u32>::parse("vcpu", "..").unwrap() == Range::default());
        assert_eq!(parse_band("band", "10-15%").unwrap(), 2);
        assert_eq!(parse_band("band", "4").unwrap(), 4);
        assert!(parse_band("band", "5").is_err());
        assert_eq!(parse_arch("arm64").unwrap(), Arch::Arm64);
        assert!(
            parse_arch("arm")
                .unwrap_err()
                .to_string()
                .contains("did you mean `arm64`")
        );
    }
}
