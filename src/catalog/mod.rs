//! Instance types: vCPU, memory, architecture and on-demand prices per operating system,
//! for one Region.
//!
//! A [`Catalog`] comes from
//!
//! * the built-in table ([`Catalog::builtin`]): every instance type of the AWS Price List
//!   for us-east-1, Linux, shared tenancy (1,345 types with sizes, as compiled by
//!   aws/karpenter-provider-aws on 2026-07-20; aws-facts.md §5, source S35) plus the three
//!   p3 sizes that Karpenter prices but does not describe (sizes from EC2's published P3
//!   specifications). It is `data/ec2_ondemand.csv`, compiled in and parsed once, on
//!   first use; `data/README.md` names the sources and how the file is regenerated;
//! * a file ([`Catalog::from_path`]), whose format is detected by content: spotsim's CSV
//!   (the layout of `data/ec2_ondemand.csv`, or the older
//!   `instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour` of
//!   `../shared/data/pricing/ec2_ondemand_*.csv`), the JSON that
//!   `aws pricing get-products --service-code AmazonEC2` prints, or a Price List offer
//!   file `index.csv` (see [`crate::ingest::pricelist`]).
//!
//! **Operating systems.** A catalog holds a price per (type, [`OperatingSystem`]) and
//! has one *selected* OS (Linux unless [`Catalog::with_os`] chose another):
//! [`Catalog::get`] and [`Catalog::types`] list the types priced for it, with
//! [`InstanceType::ondemand`] the price for that OS, so everything downstream (markets,
//! strategies, the engine) prices on-demand capacity in the run's OS. A type without a
//! price for the selected OS is absent from that view — never priced at another OS's
//! price. [`Catalog::ondemand`] and [`Catalog::ondemand_for_product`] look up any OS.
//!
//! **Region.** [`Catalog::region`] is the Region whose prices these are; [`zone_region`]
//! gives a zone's Region, so that a caller can tell when the two differ.
//!
//! **Overrides.** [`Catalog::apply_overrides`] sets prices from `TYPE=USD` pairs
//! ([`OndemandOverride`]). A type the catalog does not know is added; its vCPU, memory
//! and architecture come from the built-in table when that knows the type (sizes do not
//! depend on the Region), else they are *unknown*: [`InstanceType::size_known`] is false,
//! `vcpu` and `memory_mib` are 0 and `arch` is `X86_64`. Such a type can be priced and
//! launched where only its price matters (a fleet counted in instances, a deadline job);
//! anything that needs its size (vCPU or memory weights, packing tasks onto it) refuses it
//! with an error.

mod builtin;
mod os;
mod overrides;
mod region;
mod table;

pub use os::OperatingSystem;
pub use overrides::{OndemandOverride, OverrideError};
pub use region::{AZ_ID_PREFIXES, region_of, zone_region};

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::error::InputError;
use crate::money::Rate;

/// The container-sized types of aws-facts.md §5 (families t3, t3a, t4g, m5, m5a, m6i,
/// m6a, m7i, m6g, m7g, c5, c6i, c6a, c7i, c6g, c7g, r5, r6i, r6g, r7g; medium to 4xlarge)
/// and p3.2xlarge: the 87 types the built-in table held before it held the whole
/// us-east-1 list, in that table's order. Synthetic markets take their types in this
/// order, so that they do not change when the catalog grows.
#[rustfmt::skip]
pub const CONTAINER_TYPES: [&str; 87] = [
    "c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge", "c6a.large", "c6a.xlarge",
    "c6a.2xlarge", "c6a.4xlarge", "c6g.medium", "c6g.large", "c6g.xlarge", "c6g.2xlarge",
    "c6g.4xlarge", "c6i.large", "c6i.xlarge", "c6i.2xlarge", "c6i.4xlarge", "c7g.medium",
    "c7g.large", "c7g.xlarge", "c7g.2xlarge", "c7g.4xlarge", "c7i.large", "c7i.xlarge",
    "c7i.2xlarge", "c7i.4xlarge", "m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge",
    "m5a.large", "m5a.xlarge", "m5a.2xlarge", "m5a.4xlarge", "m6a.large", "m6a.xlarge",
    "m6a.2xlarge", "m6a.4xlarge", "m6g.medium", "m6g.large", "m6g.xlarge", "m6g.2xlarge",
    "m6g.4xlarge", "m6i.large", "m6i.xlarge", "m6i.2xlarge", "m6i.4xlarge", "m7g.medium",
    "m7g.large", "m7g.xlarge", "m7g.2xlarge", "m7g.4xlarge", "m7i.large", "m7i.xlarge",
    "m7i.2xlarge", "m7i.4xlarge", "r5.large", "r5.xlarge", "r5.2xlarge", "r5.4xlarge",
    "r6g.medium", "r6g.large", "r6g.xlarge", "r6g.2xlarge", "r6g.4xlarge", "r6i.large",
    "r6i.xlarge", "r6i.2xlarge", "r6i.4xlarge", "r7g.medium", "r7g.large", "r7g.xlarge",
    "r7g.2xlarge", "r7g.4xlarge", "t3.medium", "t3.large", "t3.xlarge", "t3.2xlarge",
    "t3a.medium", "t3a.large", "t3a.xlarge", "t3a.2xlarge", "t4g.medium", "t4g.large",
    "t4g.xlarge", "t4g.2xlarge", "p3.2xlarge",
];

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

/// One instance type, priced for its catalog's selected operating system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceType {
    /// API name, e.g. `m5.large`.
    pub name: String,
    /// vCPUs; 0 when the size is unknown (see [`InstanceType::size_known`]).
    pub vcpu: u32,
    /// Memory in MiB (the CSV gives GiB; `0.5` GiB is 512 MiB); 0 when unknown.
    pub memory_mib: u32,
    /// CPU architecture (`X86_64` when the size is unknown).
    pub arch: Arch,
    /// On-demand price per hour, shared tenancy, in the catalog's Region, for the
    /// catalog's selected operating system ([`Catalog::os`]; Linux by default).
    pub ondemand: Rate,
}

impl InstanceType {
    /// Whether vCPU, memory and architecture are known. They are for every type read from
    /// a file or the built-in table; a type added only by an on-demand price override
    /// that the built-in table does not know has none (see the module docs).
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OndemandOverride};
    /// let mut c = Catalog::builtin();
    /// c.apply_overrides(&[OndemandOverride::parse("x9.mystery=1.5").unwrap()]);
    /// assert!(!c.get("x9.mystery").unwrap().size_known());
    /// assert!(c.get("m5.large").unwrap().size_known());
    /// ```
    pub fn size_known(&self) -> bool {
        self.vcpu > 0
    }
}

/// What the catalog knows about one type: its size and its prices per OS.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    name: String,
    vcpu: u32,
    memory_mib: u32,
    arch: Arch,
    /// One price per OS, in the order they were added.
    prices: Vec<(OperatingSystem, Rate)>,
}

impl Entry {
    fn price(&self, os: &OperatingSystem) -> Option<Rate> {
        self.prices.iter().find(|(o, _)| o == os).map(|&(_, r)| r)
    }

    fn set_price(&mut self, os: &OperatingSystem, rate: Rate) {
        match self.prices.iter_mut().find(|(o, _)| o == os) {
            Some(p) => p.1 = rate,
            None => self.prices.push((os.clone(), rate)),
        }
    }

    fn priced(&self, os: &OperatingSystem) -> Option<InstanceType> {
        self.price(os).map(|ondemand| InstanceType {
            name: self.name.clone(),
            vcpu: self.vcpu,
            memory_mib: self.memory_mib,
            arch: self.arch,
            ondemand,
        })
    }
}

/// A set of instance types with on-demand prices for one Region, per operating system.
///
/// ```
/// use spotsim::catalog::{Catalog, OperatingSystem};
/// let c = Catalog::builtin();
/// let m5 = c.get("m5.large").unwrap();
/// assert_eq!((m5.vcpu, m5.memory_mib), (2, 8192));
/// assert_eq!(m5.ondemand.to_string(), "0.096");
/// assert!(c.get("m5.huge").is_none());
/// assert_eq!((c.region(), c.os()), ("us-east-1", &OperatingSystem::Linux));
/// // The built-in table has Linux prices only: no Windows price, never Linux's instead.
/// assert_eq!(c.ondemand_for_product("m5.large", "Windows"), None);
/// assert_eq!(c.ondemand_for_product("m5.large", "Linux/UNIX (Amazon VPC)"), Some(m5.ondemand));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    region: String,
    source: String,
    os: OperatingSystem,
    /// Every type known, in the order added.
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    /// The entries priced for `os`, in the same order, and their index.
    types: Vec<InstanceType>,
    index: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in us-east-1 catalog (see the module docs for its source), Linux
    /// selected. A clone of [`Catalog::builtin_ref`].
    pub fn builtin() -> Catalog {
        builtin::get().clone()
    }

    /// The built-in catalog, parsed once on first use and shared.
    ///
    /// ```
    /// let c = spotsim::catalog::Catalog::builtin_ref();
    /// assert_eq!(c.types().len(), 1_348);
    /// assert_eq!(c.get("p3.2xlarge").unwrap().ondemand.to_string(), "3.06");
    /// ```
    pub fn builtin_ref() -> &'static Catalog {
        builtin::get()
    }

    /// An empty catalog for `region`, Linux selected.
    pub fn new(region: &str, source: &str) -> Catalog {
        Catalog {
            region: region.to_string(),
            source: source.to_string(),
            os: OperatingSystem::Linux,
            entries: Vec::new(),
            by_name: HashMap::new(),
            types: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// A catalog from a list of types whose `ondemand` prices are Linux prices (later
    /// duplicates replace earlier ones).
    ///
    /// ```
    /// use spotsim::catalog::{Arch, Catalog, InstanceType};
    /// use spotsim::money::Rate;
    /// let t = InstanceType { name: "x1.tiny".into(), vcpu: 1, memory_mib: 512, arch: Arch::Arm64, ondemand: Rate::parse_usd("0.01").unwrap() };
    /// let c = Catalog::from_types("eu-west-3", "mine", vec![t.clone()]);
    /// assert_eq!(c.get("x1.tiny"), Some(&t));
    /// ```
    pub fn from_types(region: &str, source: &str, types: Vec<InstanceType>) -> Catalog {
        let mut c = Catalog::new(region, source);
        for t in types {
            c.upsert(
                &t.name,
                Some((t.vcpu, t.memory_mib, t.arch)),
                &OperatingSystem::Linux,
                t.ondemand,
            );
        }
        c
    }

    /// Adds or replaces the price of `name` for `os`; `size` (vCPU, MiB, arch) replaces
    /// the known size when given. A new type without a size gets the built-in table's
    /// size, or an unknown one (see the module docs).
    fn upsert(
        &mut self,
        name: &str,
        size: Option<(u32, u32, Arch)>,
        os: &OperatingSystem,
        rate: Rate,
    ) {
        let i = match self.by_name.get(name) {
            Some(&i) => i,
            None => {
                let (vcpu, memory_mib, arch) =
                    size.or_else(|| builtin_size(name))
                        .unwrap_or((0, 0, Arch::X86_64));
                self.by_name.insert(name.to_string(), self.entries.len());
                self.entries.push(Entry {
                    name: name.to_string(),
                    vcpu,
                    memory_mib,
                    arch,
                    prices: Vec::new(),
                });
                self.entries.len() - 1
            }
        };
        let e = &mut self.entries[i];
        if let Some((v, m, a)) = size {
            (e.vcpu, e.memory_mib, e.arch) = (v, m, a);
        }
        e.set_price(os, rate);
        // Keep the selected-OS view in step.
        if let Some(t) = e.priced(&self.os) {
            match self.index.get(name) {
                Some(&j) => self.types[j] = t,
                // The last entry goes last in the view too; any other needs a rebuild to
                // keep the view in entry order.
                None if i + 1 == self.entries.len() => {
                    self.index.insert(t.name.clone(), self.types.len());
                    self.types.push(t);
                }
                None => self.rebuild_view(),
            }
        }
    }

    fn rebuild_view(&mut self) {
        self.types = self
            .entries
            .iter()
            .filter_map(|e| e.priced(&self.os))
            .collect();
        self.index = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
    }

    /// Reads a catalog file of any supported format, detected by content (spotsim's CSV,
    /// `aws pricing get-products` JSON, a Price List offer file `index.csv`; see
    /// [`crate::ingest::pricelist`]). `region` selects the Region's rows when the file
    /// names Regions, and is the Region of a file that names none.
    ///
    /// # Errors
    /// [`InputError`] naming file, line and field; also when the file names several
    /// Regions and `region` is `None`, or names none and `region` is `None`.
    pub fn from_path(path: &Path, region: Option<&str>) -> Result<Catalog, InputError> {
        crate::ingest::pricelist::read_catalog_file(path, region)
    }

    /// Reads a catalog CSV ([`Catalog::from_csv_reader`]) from a file; the region is
    /// `region` (rows of other Regions, in a file with a `region` column, are skipped).
    ///
    /// # Errors
    /// [`InputError`] naming file, line and field for unreadable files, missing or unknown
    /// columns, bad numbers, unknown architectures, duplicate types and empty files.
    pub fn from_csv_path(path: &Path, region: &str) -> Result<Catalog, InputError> {
        table::read(crate::ingest::Records::open(path)?, Some(region))
    }

    /// Reads a catalog CSV from any reader; `name` is used in errors. Columns, in any
    /// order: `instance_type`, `vcpu`, `memory_gib` or `memory_mib`, `arch`,
    /// `ondemand_usd_per_hour`, and optionally `region` and `operating_system` (Price
    /// List names: `Linux`, `RHEL`, `SUSE`, `Windows`, …; Linux when absent). Rows of
    /// a Region other than `region` are skipped.
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
        table::read(
            crate::ingest::Records::from_reader(name, reader),
            Some(region),
        )
    }

    /// Looks up a type by API name, priced for the selected OS ([`Catalog::os`]).
    pub fn get(&self, name: &str) -> Option<&InstanceType> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// The types priced for the selected OS, in the order they were added.
    pub fn types(&self) -> &[InstanceType] {
        &self.types
    }

    /// The Region whose on-demand prices this catalog holds.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Where the prices came from (for provenance).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The operating system whose prices [`Catalog::get`] and [`Catalog::types`] carry.
    pub fn os(&self) -> &OperatingSystem {
        &self.os
    }

    /// Whether the catalog knows `name` at all (priced for any OS).
    pub fn knows(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The on-demand price of `name` for `os`, if the catalog has one.
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OperatingSystem};
    /// let c = Catalog::builtin();
    /// assert_eq!(c.ondemand("m5.large", &OperatingSystem::Linux).unwrap().to_string(), "0.096");
    /// assert_eq!(c.ondemand("m5.large", &OperatingSystem::Windows), None);
    /// ```
    pub fn ondemand(&self, name: &str, os: &OperatingSystem) -> Option<Rate> {
        self.by_name
            .get(name)
            .and_then(|&i| self.entries[i].price(os))
    }

    /// The on-demand price of `name` for the OS of a spot `ProductDescription`
    /// (`Linux/UNIX`, `SUSE Linux`, `Red Hat Enterprise Linux`, `Windows`, and their
    /// ` (Amazon VPC)` forms). `None` when the description is none of these or the catalog
    /// has no price for that OS — never another OS's price.
    pub fn ondemand_for_product(&self, name: &str, product: &str) -> Option<Rate> {
        let os = OperatingSystem::from_product_description(product)?;
        self.ondemand(name, &os)
    }

    /// The operating systems the catalog has prices for, sorted.
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OperatingSystem};
    /// assert_eq!(Catalog::builtin().operating_systems(), vec![OperatingSystem::Linux]);
    /// ```
    pub fn operating_systems(&self) -> Vec<OperatingSystem> {
        let mut v: Vec<OperatingSystem> = Vec::new();
        for e in &self.entries {
            for (os, _) in &e.prices {
                if !v.contains(os) {
                    v.push(os.clone());
                }
            }
        }
        v.sort();
        v
    }

    /// The same catalog with `os` selected: [`Catalog::get`] and [`Catalog::types`] then
    /// list only the types that have a price for `os`, at that price.
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OperatingSystem};
    /// let csv = "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour,operating_system\n\
    ///            m5.large,2,8,x86_64,0.096,Linux\nm5.large,2,8,x86_64,0.188,Windows\n\
    ///            m6g.large,2,8,arm64,0.077,Linux\n";
    /// let c = Catalog::from_csv_reader("c.csv", csv.as_bytes(), "us-east-1").unwrap();
    /// let w = c.with_os(OperatingSystem::Windows);
    /// assert_eq!(w.get("m5.large").unwrap().ondemand.to_string(), "0.188");
    /// assert!(w.get("m6g.large").is_none()); // no Windows price: absent, not Linux's
    /// assert_eq!(c.get("m5.large").unwrap().ondemand.to_string(), "0.096");
    /// ```
    pub fn with_os(&self, os: OperatingSystem) -> Catalog {
        self.clone().into_os(os)
    }

    /// [`Catalog::with_os`] without the copy.
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OperatingSystem};
    /// assert!(Catalog::builtin().into_os(OperatingSystem::Windows).types().is_empty());
    /// ```
    pub fn into_os(mut self, os: OperatingSystem) -> Catalog {
        if self.os != os {
            self.os = os;
            self.rebuild_view();
        }
        self
    }

    /// [`Catalog::with_os`] for the OS of a spot `ProductDescription`; `None` when the
    /// description names no OS the Price List prices (see [`OperatingSystem`]).
    pub fn for_product(&self, product: &str) -> Option<Catalog> {
        OperatingSystem::from_product_description(product).map(|os| self.with_os(os))
    }

    /// Sets the on-demand price of `name` for `os`, adding the type if it is new (its
    /// size then comes from the built-in table, or is unknown; see the module docs).
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OperatingSystem};
    /// use spotsim::money::Rate;
    /// let mut c = Catalog::builtin();
    /// c.set_ondemand("m5.large", &OperatingSystem::Windows, Rate::parse_usd("0.188").unwrap());
    /// assert_eq!(c.ondemand_for_product("m5.large", "Windows").unwrap().to_string(), "0.188");
    /// assert_eq!(c.get("m5.large").unwrap().ondemand.to_string(), "0.096"); // Linux still selected
    /// ```
    pub fn set_ondemand(&mut self, name: &str, os: &OperatingSystem, rate: Rate) {
        self.upsert(name, None, os, rate);
    }

    /// Applies `--ondemand-price TYPE=USD` overrides to the selected OS, in order (a later
    /// override of the same type wins), and notes them in [`Catalog::source`].
    ///
    /// ```
    /// use spotsim::catalog::{Catalog, OndemandOverride};
    /// let mut c = Catalog::builtin();
    /// let o = ["m5.large=0.1", "p3.2xlarge=2.5"].map(|s| OndemandOverride::parse(s).unwrap());
    /// c.apply_overrides(&o);
    /// assert_eq!(c.get("m5.large").unwrap().ondemand.to_string(), "0.1");
    /// assert!(c.source().ends_with("; on-demand prices overridden for Linux: m5.large=0.1, p3.2xlarge=2.5"));
    /// ```
    pub fn apply_overrides(&mut self, overrides: &[OndemandOverride]) {
        if overrides.is_empty() {
            return;
        }
        let os = self.os.clone();
        for o in overrides {
            self.upsert(&o.instance_type, None, &os, o.price);
        }
        let list: Vec<String> = overrides.iter().map(ToString::to_string).collect();
        self.source = format!(
            "{}; on-demand prices overridden for {os}: {}",
            self.source,
            list.join(", ")
        );
    }

    /// Adds a type read from a file; false (and nothing changed) if (name, OS) is
    /// already there.
    pub(crate) fn add_read(
        &mut self,
        name: &str,
        size: Option<(u32, u32, Arch)>,
        os: &OperatingSystem,
        rate: Rate,
    ) -> bool {
        if self.ondemand(name, os).is_some() {
            return false;
        }
        self.upsert(name, size, os, rate);
        true
    }

    /// Number of (type, OS) prices held.
    pub fn price_count(&self) -> usize {
        self.entries.iter().map(|e| e.prices.len()).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn set_source(&mut self, source: String) {
        self.source = source;
    }

    pub(crate) fn set_region(&mut self, region: &str) {
        self.region = region.to_string();
    }
}

/// Reads spotsim's catalog CSV from records (of bytes or of a file read in bounded
/// memory): only `region`'s rows when given, else the one Region the rows name.
pub(crate) fn read_csv_records(
    recs: crate::ingest::Records<'_>,
    region: Option<&str>,
) -> Result<Catalog, InputError> {
    table::read(recs, region)
}

/// Reads spotsim's catalog CSV whose rows name their Region (one Region per file).
pub(crate) fn read_csv_any_region(name: &str, bytes: &[u8]) -> Result<Catalog, InputError> {
    table::read(crate::ingest::Records::from_bytes(name, bytes), None)
}

/// The built-in table's size of `name`, if it knows the type.
fn builtin_size(name: &str) -> Option<(u32, u32, Arch)> {
    builtin::get()
        .by_name
        .get(name)
        .map(|&i| &builtin::get().entries[i])
        .map(|e| (e.vcpu, e.memory_mib, e.arch))
}

/// `"8"` → 8192, `"0.5"` → 512, `"15.25"` → 15616; `"1.699"` → 1740 (rounded to the
/// nearest MiB: catalogs derived from MiB print GiB rounded to 3 decimals). `None` for
/// anything but a plain non-negative decimal.
pub(crate) fn parse_gib_to_mib(s: &str) -> Option<u32> {
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

/// An architecture as catalogs write it (`x86_64`, `amd64`, `i386`, `x86_64_mac` →
/// x86; `arm64`, `arm64_mac` → ARM).
pub(crate) fn parse_arch(s: &str) -> Option<Arch> {
    match s {
        "x86_64" | "amd64" | "i386" | "x86_64_mac" => Some(Arch::X86_64),
        "arm64" | "arm64_mac" => Some(Arch::Arm64),
        _ => None,
    }
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
        assert!(c.types().iter().all(InstanceType::size_known));
    }

    #[test]
    fn builtin_has_the_p3_sizes_from_ec2s_specs() {
        // EC2's P3 launch post and product page: 8/61, 32/244, 64/488 (vCPU/GiB);
        // Karpenter's us-east-1 prices 3.06, 12.24, 24.48.
        let c = Catalog::builtin_ref();
        for (t, v, gib, p) in [
            ("p3.2xlarge", 8, 61, "3.06"),
            ("p3.8xlarge", 32, 244, "12.24"),
            ("p3.16xlarge", 64, 488, "24.48"),
        ] {
            let it = c.get(t).unwrap();
            assert_eq!(
                (it.vcpu, it.memory_mib, it.arch),
                (v, gib * 1024, Arch::X86_64)
            );
            assert_eq!(it.ondemand.to_string(), p);
        }
        // Types the real traces use that the old 87-type table refused.
        for t in ["m5d.large", "c5d.4xlarge", "p3dn.24xlarge"] {
            assert!(c.get(t).is_some(), "{t}");
        }
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
    fn upsert_keeps_the_view_in_step() {
        let mut c = Catalog::new("r", "s");
        let r = |s: &str| Rate::parse_usd(s).unwrap();
        c.set_ondemand("a.x", &OperatingSystem::Windows, r("2"));
        assert!(c.get("a.x").is_none());
        assert!(c.knows("a.x"));
        c.set_ondemand("a.x", &OperatingSystem::Linux, r("1"));
        assert_eq!(c.get("a.x").unwrap().ondemand, r("1"));
        c.set_ondemand("a.x", &OperatingSystem::Linux, r("1.5"));
        assert_eq!(c.types().len(), 1);
        assert_eq!(c.get("a.x").unwrap().ondemand, r("1.5"));
        assert_eq!(c.price_count(), 2);
        assert_eq!(
            c.operating_systems(),
            vec![OperatingSystem::Linux, OperatingSystem::Windows]
        );
        // Unknown everywhere: size unknown.
        assert!(!c.get("a.x").unwrap().size_known());
    }
}
