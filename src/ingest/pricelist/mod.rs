//! AWS Price List formats → [`Catalog`]: on-demand prices per (instance type, OS) for one
//! Region, straight from what AWS publishes.
//!
//! | function | format |
//! |---|---|
//! | [`read_catalog_file`] / [`read_catalog_bytes`] | detects one of the three below by content ([`detect_catalog_format`]) |
//! | [`read_get_products`] | the JSON `aws pricing get-products --service-code AmazonEC2` prints: `{"PriceList": ["<JSON string>", …], "FormatVersion": …, "NextToken": …}`, each string a product with `product.attributes` and `terms.OnDemand.<id>.priceDimensions.<id>.pricePerUnit.USD`; several pages concatenated allowed |
//! | [`read_offer_csv`] | the bulk Price List offer file `index.csv` (`…/offers/v1.0/aws/AmazonEC2/current/<region>/index.csv`): metadata lines (`"FormatVersion","v1.0"`, …), then a header naming `Instance Type`, `Operating System`, `Tenancy`, `Pre Installed S/W`, `CapacityStatus`, `Region Code`, `TermType`, `PricePerUnit`, `vCPU`, `Memory`, … |
//! | otherwise | spotsim's catalog CSV ([`Catalog::from_csv_reader`]) |
//!
//! **Which rows are kept** — the plain on-demand price of an instance, per OS:
//!
//! * on-demand terms only (`terms.OnDemand`; `TermType` `OnDemand`), hourly (`unit`
//!   `Hrs`), in USD, a price above 0;
//! * product family `Compute Instance` or `Compute Instance (bare metal)` (when given);
//! * tenancy `Shared`. Bare-metal sizes are also taken with tenancy `Dedicated` when no
//!   `Shared` row prices them: that is how the source of the built-in table
//!   (aws/karpenter-provider-aws, `pkg/providers/pricing/pricing.go`) prices `*.metal`;
//! * `preInstalledSw` `NA` (no SQL Server or other licensed software),
//!   `capacitystatus` `Used` (not capacity-reservation rows), `marketoption`
//!   `OnDemand` when given (not Capacity Blocks), licence model not `Bring your own
//!   license`;
//! * **every operating system**: `Linux`, `RHEL`, `SUSE`, `Windows`, `Ubuntu Pro`, …
//!   each becomes a price for that [`OperatingSystem`].
//!
//! The same (type, OS) kept twice at different prices is an error naming both lines.
//!
//! **Sizes.** vCPU and memory come from the `vcpu`/`vCPU` and `memory`/`Memory`
//! attributes (`"8 GiB"`, `"1,952 GiB"`). The architecture is not in the Price List
//! (`processorArchitecture` says `64-bit` for both); it is taken from the built-in table
//! when that knows the type, else `arm64` when the physical processor is a Graviton or
//! an Apple M chip, else `x86_64`.
//!
//! **Region.** Rows carry `regionCode` / `Region Code`. With a Region given, only its
//! rows are kept; without one, every kept row must name the same Region, which becomes
//! the catalog's. A file whose rows name no Region needs one given.

mod get_products;
mod offer_csv;

pub use get_products::read_get_products;
pub use offer_csv::read_offer_csv;

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::catalog::{Arch, Catalog, OperatingSystem, parse_gib_to_mib};
use crate::error::{InputError, InputErrorKind};
use crate::money::Rate;

use super::strip_bom;

/// The catalog formats [`read_catalog_bytes`] tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogFormat {
    /// spotsim's catalog CSV.
    Csv,
    /// `aws pricing get-products` JSON.
    GetProductsJson,
    /// A Price List offer file `index.csv`.
    OfferCsv,
}

/// Tells the formats apart by their first bytes: JSON starts with `{`, an offer file
/// with its `FormatVersion` metadata line, anything else is read as spotsim's CSV.
///
/// ```
/// use spotsim::ingest::pricelist::{detect_catalog_format, CatalogFormat};
/// assert_eq!(detect_catalog_format(b"  {\"PriceList\": []}"), CatalogFormat::GetProductsJson);
/// assert_eq!(detect_catalog_format(b"\"FormatVersion\",\"v1.0\"\n"), CatalogFormat::OfferCsv);
/// assert_eq!(detect_catalog_format(b"instance_type,vcpu"), CatalogFormat::Csv);
/// ```
pub fn detect_catalog_format(head: &[u8]) -> CatalogFormat {
    let b = strip_bom(head).trim_ascii_start();
    if b.starts_with(b"{") || b.starts_with(b"[") {
        CatalogFormat::GetProductsJson
    } else if b.starts_with(b"\"FormatVersion\"") || b.starts_with(b"FormatVersion,") {
        CatalogFormat::OfferCsv
    } else {
        CatalogFormat::Csv
    }
}

/// Reads a catalog file of any of the three formats, streamed whatever the format
/// (offer files run to gigabytes, get-products JSON to hundreds of megabytes). See the
/// module docs for `region`.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_catalog_file(path: &Path, region: Option<&str>) -> Result<Catalog, InputError> {
    let name = path.display().to_string();
    let io =
        |e: std::io::Error| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]).map_err(io)? {
            0 => break,
            k => n += k,
        }
    }
    match detect_catalog_format(&head[..n]) {
        CatalogFormat::OfferCsv if !super::json_named(&name) => {
            let rest = BufReader::with_capacity(
                1 << 20,
                std::io::Cursor::new(head[..n].to_vec()).chain(file),
            );
            read_offer_csv(&name, rest, region)
        }
        CatalogFormat::Csv if !super::json_named(&name) => {
            // spotsim's catalog CSV, streamed too.
            drop(file);
            let recs = super::Records::open(path)?;
            crate::catalog::read_csv_records(recs, region)
        }
        _ => {
            // get-products JSON (by content or by a `.json` name), streamed too.
            let prefix = head[..n].to_vec();
            get_products::read(&name, super::Source::Reader(&mut file), prefix, region)
        }
    }
}

/// [`read_catalog_file`] on bytes in memory; `name` is used in errors.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_catalog_bytes(
    name: &str,
    bytes: &[u8],
    region: Option<&str>,
) -> Result<Catalog, InputError> {
    let format = if super::json_named(name) {
        CatalogFormat::GetProductsJson
    } else {
        detect_catalog_format(bytes)
    };
    match format {
        CatalogFormat::GetProductsJson => read_get_products(name, bytes, region),
        CatalogFormat::OfferCsv => read_offer_csv(name, bytes, region),
        CatalogFormat::Csv => match region {
            Some(r) => Catalog::from_csv_reader(name, bytes, r),
            None => crate::catalog::read_csv_any_region(name, bytes),
        },
    }
}

// ---------------------------------------------------------------------------------------
// What both Price List formats share: the row filter and the collector.

/// The attributes of one product (row) that decide whether and how it is kept.
#[derive(Default)]
struct Row<'a> {
    line: u64,
    instance_type: Option<&'a str>,
    os: Option<&'a str>,
    tenancy: Option<&'a str>,
    preinstalled: Option<&'a str>,
    capacity_status: Option<&'a str>,
    license_model: Option<&'a str>,
    market_option: Option<&'a str>,
    family: Option<&'a str>,
    region: Option<&'a str>,
    vcpu: Option<&'a str>,
    memory: Option<&'a str>,
    processor: Option<&'a str>,
}

/// The field names one format uses, for error messages.
struct Fields {
    region: &'static str,
    os: &'static str,
    tenancy: &'static str,
    preinstalled: &'static str,
    capacity_status: &'static str,
    vcpu: &'static str,
    memory: &'static str,
    price: &'static str,
}

const JSON_FIELDS: Fields = Fields {
    region: "product.attributes.regionCode",
    os: "product.attributes.operatingSystem",
    tenancy: "product.attributes.tenancy",
    preinstalled: "product.attributes.preInstalledSw",
    capacity_status: "product.attributes.capacitystatus",
    vcpu: "product.attributes.vcpu",
    memory: "product.attributes.memory",
    price: "terms.OnDemand.priceDimensions.pricePerUnit.USD",
};

const CSV_FIELDS: Fields = Fields {
    region: "Region Code",
    os: "Operating System",
    tenancy: "Tenancy",
    preinstalled: "Pre Installed S/W",
    capacity_status: "CapacityStatus",
    vcpu: "vCPU",
    memory: "Memory",
    price: "PricePerUnit",
};

/// vCPU, MiB and architecture.
type Size = (u32, u32, Arch);

/// Collects kept rows into a catalog.
struct Collector<'n> {
    name: &'n str,
    fields: &'static Fields,
    region: Option<&'n str>,
    file_region: Option<(String, u64)>,
    /// (type, OS) → (price, line, rank): rank 0 shared tenancy, 1 dedicated bare metal.
    kept: HashMap<(String, OperatingSystem), (Rate, u64, u8)>,
    order: Vec<(String, OperatingSystem, Option<Size>)>,
    rows: u64,
    other_regions: u64,
}

impl<'n> Collector<'n> {
    fn new(name: &'n str, fields: &'static Fields, region: Option<&'n str>) -> Self {
        Collector {
            name,
            fields,
            region,
            file_region: None,
            kept: HashMap::new(),
            order: Vec::new(),
            rows: 0,
            other_regions: 0,
        }
    }

    fn err(&self, line: u64, field: &str, kind: InputErrorKind, msg: String) -> InputError {
        let e = InputError::new(self.name, kind, msg).field(field);
        if line > 0 { e.at_line(line) } else { e }
    }

    /// Whether the row is an on-demand instance price to keep; its tenancy rank.
    fn rank(&self, r: &Row<'_>) -> Result<Option<u8>, InputError> {
        let f = self.fields;
        let req = |v: Option<&str>, field: &str| -> Result<(), InputError> {
            match v {
                Some(_) => Ok(()),
                None => Err(self.err(
                    r.line,
                    field,
                    InputErrorKind::MissingField,
                    "missing; expected the attributes of an EC2 instance product".into(),
                )),
            }
        };
        let family = r.family.unwrap_or("Compute Instance");
        let metal = family == "Compute Instance (bare metal)";
        if family != "Compute Instance" && !metal {
            return Ok(None);
        }
        if r.instance_type.is_none_or(str::is_empty) {
            return Ok(None);
        }
        req(r.os, f.os)?;
        req(r.tenancy, f.tenancy)?;
        req(r.preinstalled, f.preinstalled)?;
        req(r.capacity_status, f.capacity_status)?;
        let rank = match r.tenancy {
            Some("Shared") => 0,
            Some("Dedicated") if metal => 1,
            _ => return Ok(None),
        };
        let keep = r.preinstalled == Some("NA")
            && r.capacity_status == Some("Used")
            && r.market_option.is_none_or(|m| m == "OnDemand")
            && r.license_model != Some("Bring your own license")
            && r.os.is_some_and(|o| !o.is_empty() && o != "NA");
        Ok(keep.then_some(rank))
    }

    /// Offers one product with its price; `price` is `None` when it has no on-demand
    /// hourly USD price.
    fn offer(&mut self, r: &Row<'_>, price: Option<(&str, u64)>) -> Result<(), InputError> {
        self.rows += 1;
        let Some(rank) = self.rank(r)? else {
            return Ok(());
        };
        let f = self.fields;
        // Region.
        if let Some(reg) = r.region.filter(|x| !x.is_empty()) {
            match (self.region, &self.file_region) {
                (Some(want), _) if reg != want => {
                    self.other_regions += 1;
                    return Ok(());
                }
                (None, Some((first, at))) if reg != first => {
                    return Err(self.err(
                        r.line,
                        f.region,
                        InputErrorKind::Conflict,
                        format!(
                            "Region `{reg}`, but line {at} is `{first}`: the file holds several Regions; name the one to use"
                        ),
                    ));
                }
                (_, None) => self.file_region = Some((reg.to_string(), r.line)),
                _ => {}
            }
        }
        let Some((p, pline)) = price else {
            return Ok(());
        };
        let rate = Rate::parse_usd(p.trim()).map_err(|e| {
            self.err(
                pline,
                f.price,
                InputErrorKind::BadValue,
                format!("`{}`: {e}", super::show(p.as_bytes())),
            )
        })?;
        if rate == Rate::ZERO {
            // Price List rows at 0 are placeholders (no on-demand offer); not a price.
            return Ok(());
        }
        let t = r.instance_type.unwrap_or_default().to_string();
        let os = OperatingSystem::from_price_list(r.os.unwrap_or_default());
        let size = self.size(r, &t)?;
        let key = (t, os);
        match self.kept.get(&key) {
            None => {
                self.kept.insert(key.clone(), (rate, r.line, rank));
                self.order.push((key.0, key.1, size));
            }
            // A shared-tenancy row wins over a dedicated bare-metal one, in either order.
            Some(&(_, _, old_rank)) if rank > old_rank => {}
            Some(&(_, _, old_rank)) if rank < old_rank => {
                self.kept.insert(key, (rate, r.line, rank));
            }
            Some(&(old, _, _)) if old == rate => {}
            Some(&(old, at, _)) => {
                return Err(self.err(
                    r.line,
                    f.price,
                    InputErrorKind::Conflict,
                    format!(
                        "{} {} costs {rate}/h here but {old}/h on line {at}: two on-demand prices for one type and OS",
                        key.0, key.1
                    ),
                ));
            }
        }
        Ok(())
    }

    /// vCPU, MiB and architecture of a kept row, when it states vCPU and memory.
    fn size(&self, r: &Row<'_>, t: &str) -> Result<Option<Size>, InputError> {
        let f = self.fields;
        let v = r
            .vcpu
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "NA");
        let m = r
            .memory
            .map(str::trim)
            .filter(|m| !m.is_empty() && *m != "NA");
        let (Some(v), Some(m)) = (v, m) else {
            return Ok(None);
        };
        let vcpu: u32 = v.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
            self.err(
                r.line,
                f.vcpu,
                InputErrorKind::BadValue,
                format!(
                    "`{}` is not a whole number of vCPUs",
                    super::show(v.as_bytes())
                ),
            )
        })?;
        let gib = m
            .strip_suffix("GiB")
            .map(str::trim)
            .unwrap_or(m)
            .replace(',', "");
        let mib = parse_gib_to_mib(&gib).filter(|&x| x > 0).ok_or_else(|| {
            self.err(
                r.line,
                f.memory,
                InputErrorKind::BadValue,
                format!(
                    "`{}` is not a memory size such as `8 GiB`",
                    super::show(m.as_bytes())
                ),
            )
        })?;
        let arch = match Catalog::builtin_ref().get(t) {
            Some(b) => b.arch,
            None => {
                let p = r.processor.unwrap_or_default();
                if p.contains("Graviton") || p.contains("Apple M") {
                    Arch::Arm64
                } else {
                    Arch::X86_64
                }
            }
        };
        Ok(Some((vcpu, mib, arch)))
    }

    fn finish(self, format: &str) -> Result<Catalog, InputError> {
        let region = match (self.region, &self.file_region) {
            (Some(r), _) => r.to_string(),
            (None, Some((r, _))) => r.clone(),
            (None, None) if self.kept.is_empty() => String::new(),
            (None, None) => {
                return Err(InputError::new(
                    self.name,
                    InputErrorKind::MissingField,
                    "no row names its Region; say which Region these prices are for",
                )
                .field(self.fields.region));
            }
        };
        if self.kept.is_empty() {
            let why = match self.region {
                Some(r) if self.other_regions > 0 => format!(
                    "no on-demand instance prices for Region {r} ({} of other Regions)",
                    self.other_regions
                ),
                _ => format!(
                    "no on-demand instance prices in {} products (kept: OnDemand, shared tenancy, capacitystatus Used, no pre-installed software)",
                    self.rows
                ),
            };
            return Err(InputError::new(self.name, InputErrorKind::Empty, why));
        }
        let mut cat = Catalog::new(&region, "");
        let mut oses: Vec<OperatingSystem> = Vec::new();
        for (t, os, size) in &self.order {
            let (rate, _, _) = self.kept[&(t.clone(), os.clone())];
            cat.add_read(t, *size, os, rate);
            if !oses.contains(os) {
                oses.push(os.clone());
            }
        }
        oses.sort();
        let os_list: Vec<&str> = oses.iter().map(OperatingSystem::as_str).collect();
        let n_types = self
            .order
            .iter()
            .map(|o| &o.0)
            .collect::<std::collections::HashSet<_>>()
            .len();
        cat.set_source(format!(
            "file {} ({format}: {} on-demand prices of {n_types} types in {region}; {})",
            self.name,
            cat.price_count(),
            os_list.join(", ")
        ));
        Ok(cat)
    }
}
