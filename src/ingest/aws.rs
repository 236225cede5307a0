//! AWS spot price history in its three circulating shapes: the CLI's CSV, the CLI's JSON
//! and the AZ-ID TSV archive.
//!
//! | reader | format (`SourceFile::format`) | source |
//! |---|---|---|
//! | [`read_aws_csv`] | `aws-csv`: header naming `AvailabilityZone` (or `AvailabilityZoneId`), `InstanceType`, `ProductDescription`, `SpotPrice`, `Timestamp` in any order | `data/README.md` "spot-price-history/", the eu-west-3a file |
//! | [`read_aws_json`] | `aws-json`: `{"SpotPriceHistory":[{…}], "NextToken":…}`, pages may be concatenated | aws-facts.md §7.1; `data/README.md` sample JSON |
//! | [`read_azid_tsv`] | `azid-tsv`: no header, `az_id instance_type product_description spot_price timestamp` | aws-facts.md §7.2 (ericpauley archive) |
//! | [`read_price_bytes`] / [`read_price_file`] | detects one of the three | |
//!
//! Every row is a price **change** (aws-facts.md §7.1): it holds until the next row of the
//! same zone, type and product. The readers keep rows in file order (AWS writes newest
//! first) and neither sort nor de-duplicate; `market::build_market` does both and names
//! conflicting lines.
//!
//! Choices made here (model assumptions where the formats are silent):
//!
//! * **Zones.** `AvailabilityZone` values go through [`Zone::parse`], which tells AZ names
//!   (`us-east-1a`) from AZ IDs (`use1-az4`) and never equates them. An
//!   `AvailabilityZoneId` column or field (newer SDKs, aws-facts.md §7.1) is an AZ ID by
//!   declaration and becomes [`Zone::Id`] as written. When a row or record has both, the
//!   name wins and the ID is ignored; when the name is absent or empty, the ID is used. The
//!   TSV has no header, so its first column goes through [`Zone::parse`] too: the
//!   archive only holds regular AZ IDs, but a Local Zone ID such as `use1-bos1-az1` does
//!   not match the AZ-ID pattern and would be kept as a name.
//! * **Prices** are read exactly ([`Rate::parse_usd`], nine decimals); JSON numbers,
//!   which some tools write instead of the CLI's strings, go through
//!   [`Rate::from_usd_f64`] (rounded to the nano-dollar).
//! * **Lines.** CSV/TSV rows carry the line their record starts on. JSON records carry the
//!   line of their opening `{`, found by a separate scan of the bytes that follows the
//!   nesting of the top-level objects and their `SpotPriceHistory` arrays; if that scan
//!   and the parser ever disagree on the number of records of a page (a key written with
//!   `\u` escapes), the page's records carry the page's first line instead.
//! * **Fields** are trimmed of ASCII spaces; a leading UTF-8 byte-order mark is ignored.
//!   Unknown JSON fields (and `NextToken`) are ignored, unknown CSV columns are errors:
//!   a CSV header is a contract, a JSON record grows with the SDK.
//!
//! Speed: CSV and TSV rows are read into one reused `csv::ByteRecord`, fields are parsed
//! from borrowed bytes, and series keys are interned without allocating on a hit; the
//! SHA-256 for provenance runs on a second thread for inputs of 1 MiB or more. Measured
//! with `benches/ingest.rs` on a 2-core machine: about 7 M CSV rows/s (5.5 M with the
//! hash on the same thread), 3 M TSV rows/s for the AZ-ID archive (where nearly every
//! row starts a new series), 1.7 M JSON records/s.
use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{
    Interner, LineCounter, PRICE_EXAMPLE, PriceHistory, PriceRow, RFC3339_EXAMPLE, SeriesKey,
    count_newlines, err_at, next_record, price_value, record_line, rfc3339_value, show, strip_bom,
    text_value,
};
use crate::error::{InputError, InputErrorKind};
use crate::market::{SourceFile, Zone};
use crate::money::Rate;

/// The column names of the CLI CSV (case-sensitive).
const AZ: &str = "AvailabilityZone";
const AZ_ID: &str = "AvailabilityZoneId";
const TYPE: &str = "InstanceType";
const PRODUCT: &str = "ProductDescription";
const PRICE: &str = "SpotPrice";
const TIME: &str = "Timestamp";
const CSV_COLUMNS: [&str; 6] = [AZ, AZ_ID, TYPE, PRODUCT, PRICE, TIME];

/// Key-part tags: an AZ read with `Zone::parse`, an AZ ID by declaration, other parts.
const TAG_ZONE: u8 = 0;
const TAG_ZONE_ID: u8 = 1;
const TAG_TEXT: u8 = 2;

/// Reads a price file, detecting its format (see [`read_price_bytes`]).
///
/// # Errors
/// [`InputError`] of kind `Io` when the file cannot be read, otherwise as for the
/// detected format's reader.
///
/// ```no_run
/// let h = spotsim::ingest::read_price_file(std::path::Path::new("prices.csv"))?;
/// println!("{} rows in {} series", h.rows.len(), h.series.len());
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_price_file(path: &Path) -> Result<PriceHistory, InputError> {
    let bytes = super::read_all(path)?;
    read_price_bytes(&path.display().to_string(), &bytes)
}

/// The price formats [`read_price_bytes`] tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PriceFormat {
    Json,
    Tsv,
    Csv,
}

fn detect(bytes: &[u8]) -> PriceFormat {
    let b = strip_bom(bytes);
    let Some(start) = b.iter().position(|c| !c.is_ascii_whitespace()) else {
        return PriceFormat::Csv;
    };
    if matches!(b.get(start), Some(b'{' | b'[')) {
        return PriceFormat::Json;
    }
    let rest = b.get(start..).unwrap_or_default();
    let first_line = rest.split(|&c| c == b'\n').next().unwrap_or_default();
    let lower = first_line.to_ascii_lowercase();
    let has_header_word = CSV_COLUMNS.iter().any(|w| {
        let w = w.to_ascii_lowercase();
        lower.windows(w.len()).any(|x| x == w.as_bytes())
    });
    if first_line.contains(&b'\t') && !has_header_word {
        PriceFormat::Tsv
    } else {
        PriceFormat::Csv
    }
}

/// Reads price rows from bytes, detecting the format; `name` is used in errors and as
/// [`SourceFile::path`].
///
/// Detection: the first non-whitespace byte `{` means AWS CLI JSON ([`read_aws_json`]);
/// otherwise a first line holding a tab and none of the CSV column names means the AZ-ID
/// TSV ([`read_azid_tsv`]); anything else is a CSV with a header ([`read_aws_csv`]).
///
/// # Errors
/// As for the detected format's reader.
///
/// ```
/// use spotsim::ingest::read_price_bytes;
/// let tsv = b"use1-az4\tm5.large\tLinux/UNIX\t0.043700\t2022-05-31T18:20:41+00:00\n";
/// let h = read_price_bytes("prices.tsv", tsv)?;
/// assert_eq!(h.source.format, "azid-tsv");
/// let json = br#"{"SpotPriceHistory":[]}"#;
/// assert!(read_price_bytes("empty.json", json).is_err(), "no rows is an error");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_price_bytes(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let format = if super::json_named(name) {
        PriceFormat::Json
    } else {
        detect(bytes)
    };
    match format {
        PriceFormat::Json => read_aws_json(name, bytes),
        PriceFormat::Tsv => read_azid_tsv(name, bytes),
        PriceFormat::Csv => read_aws_csv(name, bytes),
    }
}

/// Where each field of a delimited row is.
struct Layout {
    ncols: usize,
    /// What defines the columns, for messages.
    defined_by: &'static str,
    /// Zone column read with `Zone::parse`, and its name.
    zone: Option<(usize, &'static str)>,
    /// Zone column holding AZ IDs by declaration.
    zone_id: Option<(usize, &'static str)>,
    itype: (usize, &'static str),
    product: (usize, &'static str),
    price: (usize, &'static str),
    time: (usize, &'static str),
}

/// Reads the CSV of `aws ec2 describe-spot-price-history` (see the module docs).
///
/// The header must name `InstanceType`, `ProductDescription`, `SpotPrice`, `Timestamp`
/// and a zone column, `AvailabilityZone` and/or `AvailabilityZoneId`, in any order
/// (names are case-sensitive). A header that uses tabs and no commas is read as
/// tab-separated.
///
/// # Errors
/// [`InputError`] naming file, line and column: `UnknownField` or `MissingField` for
/// the header (line 1), `Syntax` for a row with the wrong number of fields, `BadValue`
/// for an empty, non-UTF-8, negative or malformed value, `Empty` when there are no data
/// rows.
///
/// ```
/// use spotsim::ingest::read_aws_csv;
/// use spotsim::market::Zone;
/// let csv = b"Timestamp,SpotPrice,AvailabilityZone,InstanceType,ProductDescription\n\
///             2020-07-31T11:24:57+00:00,0.0437,eu-west-3a,m5.large,Linux/UNIX\n";
/// let h = read_aws_csv("prices.csv", csv)?;
/// assert_eq!(h.series[0].zone, Zone::Name("eu-west-3a".into()));
/// assert_eq!(h.rows[0].price.to_string(), "0.0437");
/// assert_eq!(h.rows[0].line, 2);
///
/// let err = read_aws_csv("bad.csv", b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n\
///                                     eu-west-3a,m5.large,Linux/UNIX,-1,2020-07-31T11:24:57Z\n").unwrap_err();
/// assert!(err.to_string().starts_with("bad.csv:2: field `SpotPrice`: price is negative"));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_aws_csv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let body = strip_bom(bytes);
    let header_line = body
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .and_then(|s| body.get(s..))
        .unwrap_or_default()
        .split(|&c| c == b'\n')
        .next()
        .unwrap_or_default();
    let delimiter = if header_line.contains(&b'\t') && !header_line.contains(&b',') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body);
    let mut rec = csv::ByteRecord::new();
    if !next_record(name, &mut rdr, &mut rec)? {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "the file is empty; expected a header line such as \
             AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp",
        ));
    }
    let layout = csv_layout(name, record_line(body, &rec), &rec)?;
    let (sha, parsed) = super::hash_alongside(bytes, || read_rows(name, body, rdr, rec, &layout));
    let (interner, rows) = parsed?;
    finish(name, sha, "aws-csv", interner, rows)
}

/// Reads the AZ-ID TSV archive format (aws-facts.md §7.2): tab-separated, no header,
/// `az_id instance_type product_description spot_price timestamp`.
///
/// The zone is [`Zone::parse`]`(az_id)` (see the module docs); fields are not quoted.
///
/// # Errors
/// [`InputError`] naming file, line and column (`az_id`, `instance_type`,
/// `product_description`, `spot_price`, `timestamp`): `Syntax` for a row that does not
/// have 5 fields, `BadValue` for a bad value, `Empty` when there are no rows.
///
/// ```
/// use spotsim::ingest::read_azid_tsv;
/// use spotsim::market::Zone;
/// let tsv = b"euw3-az2\tg4dn.4xlarge\tLinux/UNIX\t0.466400\t2022-05-31T18:20:41+00:00\n";
/// let h = read_azid_tsv("may.tsv", tsv)?;
/// assert_eq!(h.series[0].zone, Zone::Id("euw3-az2".into()));
/// let err = read_azid_tsv("may.tsv", b"euw3-az2\tg4dn.4xlarge\t0.4664\n").unwrap_err();
/// assert!(err.to_string().starts_with("may.tsv:1: "));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_azid_tsv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let body = strip_bom(bytes);
    let rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b'\t')
        .quoting(false)
        .from_reader(body);
    let layout = Layout {
        ncols: 5,
        defined_by: "the TSV layout az_id, instance_type, product_description, spot_price, timestamp",
        zone: Some((0, "az_id")),
        zone_id: None,
        itype: (1, "instance_type"),
        product: (2, "product_description"),
        price: (3, "spot_price"),
        time: (4, "timestamp"),
    };
    let (sha, parsed) = super::hash_alongside(bytes, || {
        read_rows(name, body, rdr, csv::ByteRecord::new(), &layout)
    });
    let (interner, rows) = parsed?;
    finish(name, sha, "azid-tsv", interner, rows)
}

fn csv_layout(name: &str, line: u64, header: &csv::ByteRecord) -> Result<Layout, InputError> {
    let mut found: [Option<usize>; 6] = [None; 6];
    for (i, raw) in header.iter().enumerate() {
        let col = raw.trim_ascii();
        let Some(k) = CSV_COLUMNS.iter().position(|c| c.as_bytes() == col) else {
            let hint = CSV_COLUMNS
                .iter()
                .find(|c| c.as_bytes().eq_ignore_ascii_case(col))
                .map(|c| format!(" (column names are case-sensitive: did you mean `{c}`?)"))
                .unwrap_or_default();
            let field = if col.is_empty() {
                format!("column {}", i + 1)
            } else {
                show(col)
            };
            let what = if col.is_empty() {
                "column without a name"
            } else {
                "unknown column"
            };
            return Err(err_at(
                name,
                line,
                &field,
                InputErrorKind::UnknownField,
                format!(
                    "{what}{hint}; expected the columns {}",
                    CSV_COLUMNS.join(", ")
                ),
            ));
        };
        if let Some(first) = found[k] {
            return Err(err_at(
                name,
                line,
                CSV_COLUMNS[k],
                InputErrorKind::Syntax,
                format!("column appears twice (columns {} and {})", first + 1, i + 1),
            ));
        }
        found[k] = Some(i);
    }
    let need = |k: usize| {
        found[k].map(|i| (i, CSV_COLUMNS[k])).ok_or_else(|| {
            err_at(
                name,
                line,
                CSV_COLUMNS[k],
                InputErrorKind::MissingField,
                format!(
                    "the header has no `{}` column; expected the columns \
                     AvailabilityZone (or AvailabilityZoneId), InstanceType, \
                     ProductDescription, SpotPrice, Timestamp in any order",
                    CSV_COLUMNS[k]
                ),
            )
        })
    };
    let zone = found[0].map(|i| (i, AZ));
    let zone_id = found[1].map(|i| (i, AZ_ID));
    if zone.is_none() && zone_id.is_none() {
        need(0)?;
    }
    Ok(Layout {
        ncols: header.len(),
        defined_by: "the header",
        zone,
        zone_id,
        itype: need(2)?,
        product: need(3)?,
        price: need(4)?,
        time: need(5)?,
    })
}

/// The shared row loop of the CSV and TSV readers. `rec` is the reused record (it may
/// hold the header, which is not a data row).
fn read_rows(
    name: &str,
    bytes: &[u8],
    mut rdr: csv::Reader<&[u8]>,
    mut rec: csv::ByteRecord,
    layout: &Layout,
) -> Result<(Interner<SeriesKey>, Vec<PriceRow>), InputError> {
    let mut interner: Interner<SeriesKey> = Interner::new();
    let mut rows: Vec<PriceRow> = Vec::with_capacity(count_newlines(bytes) + 1);
    let what = layout.defined_by;
    while next_record(name, &mut rdr, &mut rec)? {
        let line = record_line(bytes, &rec);
        if rec.len() != layout.ncols {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "expected {} fields as in {what}, found {}",
                    layout.ncols,
                    rec.len()
                ),
            )
            .at_line(line));
        }
        let get = |(i, _): (usize, &str)| rec.get(i).unwrap_or_default().trim_ascii();
        // Zone: the name column unless it is empty, else the ID column.
        let (zone_tag, zone_col) = match (layout.zone, layout.zone_id) {
            (Some(z), None) => (TAG_ZONE, z),
            (None, Some(z)) => (TAG_ZONE_ID, z),
            (Some(z), Some(id)) if get(z).is_empty() && !get(id).is_empty() => (TAG_ZONE_ID, id),
            (Some(z), _) => (TAG_ZONE, z),
            (None, None) => {
                return Err(InputError::new(
                    name,
                    InputErrorKind::MissingField,
                    "no zone column",
                ));
            }
        };
        let zone_raw = get(zone_col);
        let type_raw = get(layout.itype);
        let product_raw = get(layout.product);
        interner.begin();
        interner.part(zone_tag, zone_raw);
        interner.part(TAG_TEXT, type_raw);
        interner.part(TAG_TEXT, product_raw);
        let series = interner.finish(name, || {
            let z = super::zone_value(name, line, zone_col.1, zone_raw)?;
            Ok(SeriesKey {
                zone: if zone_tag == TAG_ZONE_ID {
                    Zone::Id(z.to_string())
                } else {
                    Zone::parse(z)
                },
                instance_type: text_value(
                    name,
                    line,
                    layout.itype.1,
                    type_raw,
                    "an instance type",
                )?
                .to_string(),
                product: text_value(
                    name,
                    line,
                    layout.product.1,
                    product_raw,
                    "a product description such as Linux/UNIX",
                )?
                .to_string(),
            })
        })?;
        let price = price_value(name, line, layout.price.1, get(layout.price))?;
        let time = rfc3339_value(name, line, layout.time.1, get(layout.time))?;
        rows.push(PriceRow {
            series,
            time,
            price,
            line,
        });
    }
    Ok((interner, rows))
}

fn finish(
    name: &str,
    sha256: String,
    format: &str,
    interner: Interner<SeriesKey>,
    rows: Vec<PriceRow>,
) -> Result<PriceHistory, InputError> {
    if rows.is_empty() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            format!("no price rows (format {format})"),
        ));
    }
    Ok(PriceHistory {
        source: SourceFile {
            path: name.to_string(),
            sha256,
            format: format.to_string(),
            rows: rows.len() as u64,
        },
        series: interner.into_keys(),
        rows,
    })
}

// ------------------------------------------------------------------------------- JSON

/// One top-level object of the CLI output. Only a JSON object is accepted (serde's
/// derive would also take an array, matching fields by position).
struct Page<'a> {
    history: Option<Vec<Record<'a>>>,
}

/// One element of `SpotPriceHistory`. Every field is read loosely so that a wrong type
/// is reported with the record's line and the field's name.
#[derive(Default)]
struct Record<'a> {
    zone: Loose<'a>,
    zone_id: Loose<'a>,
    itype: Loose<'a>,
    product: Loose<'a>,
    price: Loose<'a>,
    time: Loose<'a>,
}

/// The keys of a page and of a record.
#[derive(Deserialize)]
#[serde(field_identifier)]
enum Key {
    SpotPriceHistory,
    AvailabilityZone,
    AvailabilityZoneId,
    InstanceType,
    ProductDescription,
    SpotPrice,
    Timestamp,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for Page<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Page<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a `SpotPriceHistory` array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut history = None;
                while let Some(k) = m.next_key::<Key>()? {
                    if let Key::SpotPriceHistory = k {
                        if history.is_some() {
                            return Err(de::Error::duplicate_field("SpotPriceHistory"));
                        }
                        history = Some(m.next_value::<Vec<Record<'a>>>()?);
                    } else {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Page { history })
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Record<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Record<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a SpotPriceHistory record (an object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut r = Record::default();
                while let Some(k) = m.next_key::<Key>()? {
                    let (slot, name) = match k {
                        Key::AvailabilityZone => (&mut r.zone, AZ),
                        Key::AvailabilityZoneId => (&mut r.zone_id, AZ_ID),
                        Key::InstanceType => (&mut r.itype, TYPE),
                        Key::ProductDescription => (&mut r.product, PRODUCT),
                        Key::SpotPrice => (&mut r.price, PRICE),
                        Key::Timestamp => (&mut r.time, TIME),
                        Key::SpotPriceHistory | Key::Other => {
                            m.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    if !slot.is_absent() {
                        return Err(de::Error::duplicate_field(name));
                    }
                    *slot = m.next_value::<Loose<'a>>()?;
                }
                Ok(r)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Any JSON value, keeping strings (borrowed when unescaped) and numbers.
#[derive(Default)]
enum Loose<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    Num(f64),
    Other(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Loose<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Loose::Other("a boolean"))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Loose::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl Loose<'_> {
    fn is_absent(&self) -> bool {
        matches!(self, Loose::Absent)
    }

    /// The string value; errors name the record's line and the field.
    fn text<'s>(
        &'s self,
        name: &str,
        line: u64,
        field: &str,
        expected: &str,
    ) -> Result<&'s str, InputError> {
        match self {
            Loose::Str(s) => text_value(name, line, field, s.as_bytes(), expected),
            Loose::Absent => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::MissingField,
                format!("the record has no `{field}`; expected {expected}"),
            )),
            Loose::Num(x) => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::BadValue,
                format!("found the number {x}, expected a string: {expected}"),
            )),
            Loose::Other(what) => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::BadValue,
                format!("found {what}, expected a string: {expected}"),
            )),
        }
    }
}

/// Reads the JSON of `aws ec2 describe-spot-price-history` (aws-facts.md §7.1); several
/// pages (top-level objects, as paginated CLI output concatenates them) are read in turn.
///
/// `SpotPrice` may be a string (as the CLI writes it) or a number. A record with both
/// `AvailabilityZone` and `AvailabilityZoneId` is keyed on the name; with only the ID, on
/// [`Zone::Id`]. Each row's line is the line of its record's opening `{`.
///
/// # Errors
/// [`InputError`]: `Syntax` with line and column for malformed JSON or a page that is not
/// an object; `MissingField` (a page without `SpotPriceHistory`, a record without a
/// field) and `BadValue` (empty, wrongly typed, negative or malformed value) with the
/// record's line and the field; `Empty` when no page holds a record.
///
/// ```
/// use spotsim::ingest::read_aws_json;
/// let page = br#"{"SpotPriceHistory": [
///   {"AvailabilityZone": "us-east-1f", "InstanceType": "m5.large",
///    "ProductDescription": "Linux/UNIX", "SpotPrice": "0.043700",
///    "Timestamp": "2021-02-09T01:40:10+00:00"}
/// ], "NextToken": ""}"#;
/// let two_pages = [&page[..], &page[..]].concat();
/// let h = read_aws_json("history.json", &two_pages)?;
/// assert_eq!(h.rows.len(), 2);
/// assert_eq!(h.series.len(), 1);
/// assert_eq!((h.rows[0].line, h.rows[1].line), (2, 6));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_aws_json(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let (sha, parsed) = super::hash_alongside(bytes, || json_rows(name, bytes));
    let (interner, rows) = parsed?;
    finish(name, sha, "aws-json", interner, rows)
}

fn json_rows(name: &str, bytes: &[u8]) -> Result<(Interner<SeriesKey>, Vec<PriceRow>), InputError> {
    let body = strip_bom(bytes);
    let starts = record_starts(body);
    let mut lines = LineCounter::new(body);
    let mut next_start = 0usize;
    let mut interner: Interner<SeriesKey> = Interner::new();
    let mut rows: Vec<PriceRow> = Vec::with_capacity(starts.len());
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Page<'_>>();
    let mut page_start = 0usize;
    while let Some(page) = stream.next() {
        let page = page.map_err(|e| json_error(name, &e))?;
        let page_end = stream.byte_offset();
        let first = body
            .get(page_start..page_end)
            .and_then(|s| s.iter().position(|c| !c.is_ascii_whitespace()))
            .map_or(page_start, |p| page_start + p);
        let page_line = lines.line_at(first);
        let Some(records) = page.history else {
            return Err(err_at(
                name,
                page_line,
                "SpotPriceHistory",
                InputErrorKind::MissingField,
                "the object has no `SpotPriceHistory` array; expected the output of \
                 aws ec2 describe-spot-price-history"
                    .to_string(),
            ));
        };
        // The scanned record starts that fall inside this page.
        let rest = starts.get(next_start..).unwrap_or_default();
        let n_here = rest.iter().take_while(|&&s| s < page_end).count();
        let here = rest.get(..n_here).unwrap_or_default();
        next_start += n_here;
        let use_scan = here.len() == records.len();
        for (i, r) in records.iter().enumerate() {
            let line = match here.get(i) {
                Some(&off) if use_scan => lines.line_at(off),
                _ => page_line,
            };
            rows.push(json_row(name, line, r, &mut interner)?);
        }
        page_start = page_end;
    }
    Ok((interner, rows))
}

fn json_row(
    name: &str,
    line: u64,
    r: &Record<'_>,
    interner: &mut Interner<SeriesKey>,
) -> Result<PriceRow, InputError> {
    // Zone: the name when present and non-empty, else the ID.
    let name_empty = matches!(&r.zone, Loose::Str(s) if s.trim().is_empty());
    let use_id = (r.zone.is_absent() || name_empty) && !r.zone_id.is_absent();
    let (zone, zone_field, tag) = if use_id {
        (&r.zone_id, AZ_ID, TAG_ZONE_ID)
    } else {
        (&r.zone, AZ, TAG_ZONE)
    };
    let zone = zone.text(
        name,
        line,
        zone_field,
        "an AZ name such as us-east-1a (or an AvailabilityZoneId)",
    )?;
    crate::market::Zone::check(zone)
        .map_err(|m| err_at(name, line, zone_field, InputErrorKind::BadValue, m))?;
    let itype = r
        .itype
        .text(name, line, TYPE, "an instance type such as m5.large")?;
    let product = r.product.text(
        name,
        line,
        PRODUCT,
        "a product description such as Linux/UNIX",
    )?;
    interner.begin();
    interner.part(tag, zone.as_bytes());
    interner.part(TAG_TEXT, itype.as_bytes());
    interner.part(TAG_TEXT, product.as_bytes());
    let series = interner.finish(name, || {
        Ok(SeriesKey {
            zone: if tag == TAG_ZONE_ID {
                Zone::Id(zone.to_string())
            } else {
                Zone::parse(zone)
            },
            instance_type: itype.to_string(),
            product: product.to_string(),
        })
    })?;
    let price = match &r.price {
        Loose::Num(x) => Rate::from_usd_f64(*x).map_err(|e| {
            err_at(
                name,
                line,
                PRICE,
                InputErrorKind::BadValue,
                format!("{e}: found {x}, expected {PRICE_EXAMPLE}"),
            )
        })?,
        other => price_value(
            name,
            line,
            PRICE,
            other.text(name, line, PRICE, PRICE_EXAMPLE)?.as_bytes(),
        )?,
    };
    let time = rfc3339_value(
        name,
        line,
        TIME,
        r.time.text(name, line, TIME, RFC3339_EXAMPLE)?.as_bytes(),
    )?;
    Ok(PriceRow {
        series,
        time,
        price,
        line,
    })
}

/// A serde_json error as an [`InputError`] with the line, and the column in the message.
pub(super) fn json_error(name: &str, e: &serde_json::Error) -> InputError {
    super::json_error_as(name, e, "invalid JSON")
}

/// Byte offsets of the opening `{` of every element of a `SpotPriceHistory` array that
/// is a direct member of a top-level object, in order. Strings (with escapes) are skipped
/// so that braces inside them do not count. Only used for line numbers: the JSON itself
/// is validated by serde_json.
fn record_starts(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut last_str = (0usize, 0usize);
    let mut key_is_history = false;
    let mut in_history = false;
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                if depth == 1 {
                    last_str = (start, i.min(b.len()));
                }
            }
            b':' if depth == 1 => {
                key_is_history = b.get(last_str.0..last_str.1) == Some(&b"SpotPriceHistory"[..]);
            }
            c @ (b'{' | b'[') => {
                depth += 1;
                if depth == 2 {
                    in_history = c == b'[' && key_is_history;
                } else if depth == 3 && in_history && c == b'{' {
                    out.push(i);
                }
            }
            b'}' | b']' => {
                if depth == 2 {
                    in_history = false;
                }
                if depth == 1 {
                    key_is_history = false;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect(b"  \n{\"SpotPriceHistory\":[]}"), PriceFormat::Json);
        assert_eq!(
            detect(b"use1-az4\tm5.large\tLinux/UNIX\t0.1\t2022-05-31T18:20:41Z\n"),
            PriceFormat::Tsv
        );
        assert_eq!(
            detect(b"AvailabilityZone\tInstanceType\n"),
            PriceFormat::Csv
        );
        assert_eq!(detect(b"AvailabilityZone,InstanceType\n"), PriceFormat::Csv);
        assert_eq!(detect(b""), PriceFormat::Csv);
    }

    #[test]
    fn record_scan_skips_strings_and_other_arrays() {
        let j = br#"{"NextToken":"{[\"", "Other":[{"a":1}], "SpotPriceHistory":[ {"x":"}"} ,{"y":{"z":[{}]}}]}{"SpotPriceHistory":[{}]}"#;
        let s = record_starts(j);
        assert_eq!(s.len(), 3);
        assert!(s.iter().all(|&o| j[o] == b'{'));
    }
}
