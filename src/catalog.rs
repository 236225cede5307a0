//! Instance types: vCPU, memory, architecture and on-demand price.
//!
//! A [`Catalog`] comes from the built-in table ([`Catalog::builtin`]) or from a CSV
//! with the header `instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour`
//! ([`Catalog::from_csv_path`]), the layout of `../shared/data/pricing/ec2_ondemand_*.csv`.
//!
//! The built-in table states public list prices as facts: EC2 On-Demand, Linux, shared
//! tenancy, us-east-1, from the AWS Price List API as compiled by
//! aws/karpenter-provider-aws on 2026-07-20 (aws-facts.md §5, source S35), with vCPU,
//! memory and architecture from EC2 DescribeInstanceTypes. It covers every type of
//! aws-facts.md §5 (the t3/t3a/t4g/m5/m5a/m6i/m6a/m7i/m6g/m7g/c5/c6i/c6a/c7i/c6g/c7g/
//! r5/r6i/r6g/r7g families, medium to 4xlarge) plus p3.2xlarge at $3.06/h (the price
//! `../shared/data/README.md` gives for the V100 traces). See `data/README.md`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::error::{InputError, InputErrorKind};
use crate::money::Rate;

/// CPU architecture of an instance type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    /// 64-bit x86 (Intel, AMD).
    X86_64,
    /// 64-bit ARM (Graviton).
    Arm64,
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        })
    }
}

/// One instance type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceType {
    /// API name, e.g. `m5.large`.
    pub name: String,
    /// vCPUs.
    pub vcpu: u32,
    /// Memory in MiB (the CSV gives GiB; `0.5` GiB is 512 MiB).
    pub memory_mib: u32,
    /// CPU architecture.
    pub arch: Arch,
    /// On-demand price per hour (Linux, shared tenancy) in the catalog's region.
    pub ondemand: Rate,
}

/// A set of instance types with on-demand prices for one region.
///
/// ```
/// use spotsim::catalog::Catalog;
/// let c = Catalog::builtin();
/// let m5 = c.get("m5.large").unwrap();
/// assert_eq!((m5.vcpu, m5.memory_mib), (2, 8192));
/// assert_eq!(m5.ondemand.to_string(), "0.096");
/// assert!(c.get("m5.huge").is_none());
/// ```
#[derive(Clone, Debug)]
pub struct Catalog {
    region: String,
    source: String,
    types: Vec<InstanceType>,
    index: HashMap<String, usize>,
}

/// (name, vcpu, memory GiB × 4, arch is arm, on-demand $/h) — GiB × 4 keeps 0.5/0.25 GiB exact.
type Row = (&'static str, u32, u32, bool, &'static str);

#[rustfmt::skip]
const BUILTIN: &[Row] = &[
    ("c5.large", 2, 16, false, "0.085"), ("c5.xlarge", 4, 32, false, "0.17"),
    ("c5.2xlarge", 8, 64, false, "0.34"), ("c5.4xlarge", 16, 128, false, "0.68"),
    ("c6a.large", 2, 16, false, "0.0765"), ("c6a.xlarge", 4, 32, false, "0.153"),
    ("c6a.2xlarge", 8, 64, false, "0.306"), ("c6a.4xlarge", 16, 128, false, "0.612"),
    ("c6g.medium", 1, 8, true, "0.034"), ("c6g.large", 2, 16, true, "0.068"),
    ("c6g.xlarge", 4, 32, true, "0.136"), ("c6g.2xlarge", 8, 64, true, "0.272"),
    ("c6g.4xlarge", 16, 128, true, "0.544"),
    ("c6i.large", 2, 16, false, "0.085"), ("c6i.xlarge", 4, 32, false, "0.17"),
    ("c6i.2xlarge", 8, 64, false, "0.34"), ("c6i.4xlarge", 16, 128, false, "0.68"),
    ("c7g.medium", 1, 8, true, "0.0363"), ("c7g.large", 2, 16, true, "0.0725"),
    ("c7g.xlarge", 4, 32, true, "0.145"), ("c7g.2xlarge", 8, 64, true, "0.29"),
    ("c7g.4xlarge", 16, 128, true, "0.58"),
    ("c7i.large", 2, 16, false, "0.08925"), ("c7i.xlarge", 4, 32, false, "0.1785"),
    ("c7i.2xlarge", 8, 64, false, "0.357"), ("c7i.4xlarge", 16, 128, false, "0.714"),
    ("m5.large", 2, 32, false, "0.096"), ("m5.xlarge", 4, 64, false, "0.192"),
    ("m5.2xlarge", 8, 128, false, "0.384"), ("m5.4xlarge", 16, 256, false, "0.768"),
    ("m5a.large", 2, 32, false, "0.086"), ("m5a.xlarge", 4, 64, false, "0.172"),
    ("m5a.2xlarge", 8, 128, false, "0.344"), ("m5a.4xlarge", 16, 256, false, "0.688"),
    ("m6a.large", 2, 32, false, "0.0864"), ("m6a.xlarge", 4, 64, false, "0.1728"),
    ("m6a.2xlarge", 8, 128, false, "0.3456"), ("m6a.4xlarge", 16, 256, false, "0.6912"),
    ("m6g.medium", 1, 16, true, "0.0385"), ("m6g.large", 2, 32, true, "0.077"),
    ("m6g.xlarge", 4, 64, true, "0.154"), ("m6g.2xlarge", 8, 128, true, "0.308"),
    ("m6g.4xlarge", 16, 256, true, "0.616"),
    ("m6i.large", 2, 32, false, "0.096"), ("m6i.xlarge", 4, 64, false, "0.192"),
    ("m6i.2xlarge", 8, 128, false, "0.384"), ("m6i.4xlarge", 16, 256, false, "0.768"),
    ("m7g.medium", 1, 16, true, "0.0408"), ("m7g.large", 2, 32, true, "0.0816"),
    ("m7g.xlarge", 4, 64, true, "0.1632"), ("m7g.2xlarge", 8, 128, true, "0.3264"),
    ("m7g.4xlarge", 16, 256, true, "0.6528"),
    ("m7i.large", 2, 32, false, "0.1008"), ("m7i.xlarge", 4, 64, false, "0.2016"),
    ("m7i.2xlarge", 8, 128, false, "0.4032"), ("m7i.4xlarge", 16, 256, false, "0.8064"),
    ("r5.large", 2, 64, false, "0.126"), ("r5.xlarge", 4, 128, false, "0.252"),
    ("r5.2xlarge", 8, 256, false, "0.504"), ("r5.4xlarge", 16, 512, false, "1.008"),
    ("r6g.medium", 1, 32, true, "0.0504"), ("r6g.large", 2, 64, true, "0.1008"),
    ("r6g.xlarge", 4, 128, true, "0.2016"), ("r6g.2xlarge", 8, 256, true, "0.4032"),
    ("r6g.4xlarge", 16, 512, true, "0.8064"),
    ("r6i.large", 2, 64, false, "0.126"), ("r6i.xlarge", 4, 128, false, "0.252"),
    ("r6i.2xlarge", 8, 256, false, "0.504"), ("r6i.4xlarge", 16, 512, false, "1.008"),
    ("r7g.medium", 1, 32, true, "0.0536"), ("r7g.large", 2, 64, true, "0.1071"),
    ("r7g.xlarge", 4, 128, true, "0.2142"), ("r7g.2xlarge", 8, 256, true, "0.4284"),
    ("r7g.4xlarge", 16, 512, true, "0.8568"),
    ("t3.medium", 2, 16, false, "0.0416"), ("t3.large", 2, 32, false, "0.0832"),
    ("t3.xlarge", 4, 64, false, "0.1664"), ("t3.2xlarge", 8, 128, false, "0.3328"),
    ("t3a.medium", 2, 16, false, "0.0376"), ("t3a.large", 2, 32, false, "0.0752"),
    ("t3a.xlarge", 4, 64, false, "0.1504"), ("t3a.2xlarge", 8, 128, false, "0.3008"),
    ("t4g.medium", 2, 16, true, "0.0336"), ("t4g.large", 2, 32, true, "0.0672"),
    ("t4g.xlarge", 4, 64, true, "0.1344"), ("t4g.2xlarge", 8, 128, true, "0.2688"),
    ("p3.2xlarge", 8, 244, false, "3.06"),
];

const HEADER: [&str; 5] = [
    "instance_type",
    "vcpu",
    "memory_gib",
    "arch",
    "ondemand_usd_per_hour",
];

impl Catalog {
    /// The built-in us-east-1 catalog (see the module docs for its source).
    pub fn builtin() -> Catalog {
        let types = BUILTIN
            .iter()
            .map(|&(name, vcpu, gib4, arm, price)| InstanceType {
                name: name.to_string(),
                vcpu,
                memory_mib: gib4 * 256,
                arch: if arm { Arch::Arm64 } else { Arch::X86_64 },
                ondemand: Rate::parse_usd(price).unwrap_or(Rate::ZERO),
            })
            .collect();
        Catalog::from_types(
            "us-east-1",
            "built-in: AWS Price List API via aws/karpenter-provider-aws, 2026-07-20 (aws-facts.md §5)",
            types,
        )
    }

    /// A catalog from a list of types (later duplicates replace earlier ones).
    pub fn from_types(region: &str, source: &str, types: Vec<InstanceType>) -> Catalog {
        let mut c = Catalog {
            region: region.to_string(),
            source: source.to_string(),
            types: Vec::with_capacity(types.len()),
            index: HashMap::new(),
        };
        for t in types {
            c.insert(t);
        }
        c
    }

    fn insert(&mut self, t: InstanceType) {
        match self.index.get(&t.name) {
            Some(&i) => self.types[i] = t,
            None => {
                self.index.insert(t.name.clone(), self.types.len());
                self.types.push(t);
            }
        }
    }

    /// Reads a catalog CSV (`instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour`,
    /// columns in any order, extra columns rejected). The region is taken from
    /// `region` (a CSV carries none).
    ///
    /// # Errors
    /// [`InputError`] naming file, line and field for unreadable files, missing or unknown
    /// columns, bad numbers, unknown architectures, duplicate types and empty files.
    pub fn from_csv_path(path: &Path, region: &str) -> Result<Catalog, InputError> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| InputError::new(&name, InputErrorKind::Io, e.to_string()))?;
        Catalog::from_csv_reader(&name, file, region)
    }

    /// Like [`Catalog::from_csv_path`], from any reader; `name` is used in errors.
    ///
    /// # Errors
    /// See [`Catalog::from_csv_path`].
    ///
    /// ```
    /// use spotsim::catalog::Catalog;
    /// let csv = "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\nx1.tiny,1,0.5,x86_64,0.01\n";
    /// let c = Catalog::from_csv_reader("cat.csv", csv.as_bytes(), "us-east-1").unwrap();
    /// assert_eq!(c.get("x1.tiny").unwrap().memory_mib, 512);
    /// let bad = "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\nx1.tiny,1,0.5,x86_64,-1\n";
    /// let e = Catalog::from_csv_reader("cat.csv", bad.as_bytes(), "us-east-1").unwrap_err();
    /// assert_eq!(e.to_string(), "cat.csv:2: field `ondemand_usd_per_hour`: price is negative");
    /// ```
    pub fn from_csv_reader<R: std::io::Read>(
        name: &str,
        reader: R,
        region: &str,
    ) -> Result<Catalog, InputError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers = rdr
            .byte_headers()
            .map_err(|e| InputError::new(name, InputErrorKind::Syntax, e.to_string()).at_line(1))?
            .clone();
        let mut col = [usize::MAX; 5];
        for (i, h) in headers.iter().enumerate() {
            let h = String::from_utf8_lossy(h);
            let h = h.trim();
            match HEADER.iter().position(|&x| x == h) {
                Some(j) if col[j] == usize::MAX => col[j] = i,
                Some(_) => {
                    return Err(InputError::new(
                        name,
                        InputErrorKind::Syntax,
                        "column appears twice",
                    )
                    .at_line(1)
                    .field(h));
                }
                None => {
                    return Err(InputError::new(
                        name,
                        InputErrorKind::UnknownField,
                        format!("unknown column; expected {}", HEADER.join(",")),
                    )
                    .at_line(1)
                    .field(h));
                }
            }
        }
        if let Some(j) = col.iter().position(|&c| c == usize::MAX) {
            return Err(
                InputError::new(name, InputErrorKind::MissingField, "missing column")
                    .at_line(1)
                    .field(HEADER[j]),
            );
        }
        let mut cat = Catalog::from_types(region, &format!("file {name}"), Vec::new());
        let mut rec = csv::ByteRecord::new();
        loop {
            let more = rdr.read_byte_record(&mut rec).map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                InputError::new(name, InputErrorKind::Syntax, e.to_string()).at_line(line)
            })?;
            if !more {
                break;
            }
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let get = |j: usize| -> Result<&str, InputError> {
                std::str::from_utf8(&rec[col[j]])
                    .map(str::trim)
                    .map_err(|_| {
                        InputError::new(name, InputErrorKind::BadValue, "not UTF-8")
                            .at_line(line)
                            .field(HEADER[j])
                    })
            };
            let bad = |j: usize, msg: String| {
                InputError::new(name, InputErrorKind::BadValue, msg)
                    .at_line(line)
                    .field(HEADER[j])
            };
            let tname = get(0)?;
            if tname.is_empty() {
                return Err(bad(0, "empty instance type".into()));
            }
            let vcpu: u32 = get(1)?.parse().map_err(|_| {
                bad(
                    1,
                    format!("`{}` is not a whole number of vCPUs", get(1).unwrap_or("")),
                )
            })?;
            let mem = get(2)?;
            let memory_mib = parse_gib_to_mib(mem)
                .ok_or_else(|| bad(2, format!("`{mem}` is not a memory size in GiB")))?;
            let arch = match get(3)? {
                "x86_64" | "amd64" | "i386" | "x86_64_mac" => Arch::X86_64,
                "arm64" | "arm64_mac" => Arch::Arm64,
                other => {
                    return Err(bad(
                        3,
                        format!("unknown architecture `{other}`; expected x86_64 or arm64"),
                    ));
                }
            };
            if vcpu == 0 {
                return Err(bad(1, "0 vCPUs: an instance type has at least 1".into()));
            }
            let ondemand = Rate::parse_usd(get(4)?).map_err(|e| bad(4, e.to_string()))?;
            if ondemand == Rate::ZERO {
                return Err(bad(
                    4,
                    "an on-demand price of 0: expected a positive price in USD per hour".into(),
                ));
            }
            if cat.index.contains_key(tname) {
                return Err(InputError::new(
                    name,
                    InputErrorKind::Conflict,
                    format!("instance type `{tname}` appears twice"),
                )
                .at_line(line)
                .field(HEADER[0]));
            }
            cat.insert(InstanceType {
                name: tname.to_string(),
                vcpu,
                memory_mib,
                arch,
                ondemand,
            });
        }
        if cat.types.is_empty() {
            return Err(InputError::new(
                name,
                InputErrorKind::Empty,
                "no instance types in the file",
            ));
        }
        Ok(cat)
    }

    /// Looks up a type by API name.
    pub fn get(&self, name: &str) -> Option<&InstanceType> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// All types, in the order they were added.
    pub fn types(&self) -> &[InstanceType] {
        &self.types
    }

    /// The region whose on-demand prices this catalog holds.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where the prices came from (for provenance).
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// `"8"` → 8192, `"0.5"` → 512, `"15.25"` → 15616; `"1.699"` → 1740 (rounded to the
/// nearest MiB: catalogs derived from MiB print GiB rounded to 3 decimals). `None` for
/// anything but a plain non-negative decimal.
fn parse_gib_to_mib(s: &str) -> Option<u32> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let w: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac = frac.trim_end_matches('0');
    if frac.len() > 12 {
        return None;
    }
    let f: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let den = 10u64.pow(frac.len() as u32);
    // Nearest MiB, halves up.
    let mib = (f * 1024 * 2 + den) / (2 * den);
    u32::try_from(w.checked_mul(1024)?.checked_add(mib)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_covers_aws_facts_section_5() {
        let c = Catalog::builtin();
        // A sample of §5's table, exactly.
        for (t, v, gib, p) in [
            ("t3.medium", 2, 4, "0.0416"),
            ("m7i.4xlarge", 16, 64, "0.8064"),
            ("m7g.large", 2, 8, "0.0816"),
            ("c7g.2xlarge", 8, 16, "0.29"),
            ("r6i.2xlarge", 8, 64, "0.504"),
        ] {
            let it = c.get(t).unwrap_or_else(|| panic!("{t} missing"));
            assert_eq!(it.vcpu, v);
            assert_eq!(it.memory_mib, gib * 1024);
            assert_eq!(it.ondemand, Rate::parse_usd(p).unwrap());
        }
        assert_eq!(c.get("p3.2xlarge").unwrap().memory_mib, 61 * 1024);
        assert!(c.types().iter().all(|t| t.ondemand > Rate::ZERO));
    }

    #[test]
    fn gib_parsing() {
        assert_eq!(parse_gib_to_mib("0.5"), Some(512));
        assert_eq!(parse_gib_to_mib("3.75"), Some(3840));
        assert_eq!(parse_gib_to_mib("15.25"), Some(15616));
        assert_eq!(parse_gib_to_mib("0.1"), Some(102));
        assert_eq!(parse_gib_to_mib("1.699"), Some(1740));
        assert_eq!(parse_gib_to_mib("-1"), None);
        assert_eq!(parse_gib_to_mib("."), None);
    }

    #[test]
    fn csv_errors_name_line_and_field() {
        let h = "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\n";
        let e = Catalog::from_csv_reader("c.csv", format!("{h}a,1,1,sparc,1\n").as_bytes(), "r")
            .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.field.as_deref(), Some("arch"));
        let e =
            Catalog::from_csv_reader("c.csv", "instance_type,vcpu\n".as_bytes(), "r").unwrap_err();
        assert_eq!(e.kind, InputErrorKind::MissingField);
        let e = Catalog::from_csv_reader("c.csv", h.as_bytes(), "r").unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Empty);
        let e = Catalog::from_csv_reader(
            "c.csv",
            format!("{h}a,1,1,arm64,1\na,1,1,arm64,1\n").as_bytes(),
            "r",
        )
        .unwrap_err();
        assert_eq!((e.kind, e.line), (InputErrorKind::Conflict, Some(3)));
    }
}
