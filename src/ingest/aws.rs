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
//! Speed: CSV and TSV are streamed and split by `delimited` (a `memchr` splitter for
//! unquoted lines, `csv_core` for the rest), hashed on a second thread, and parsed on two
//! threads per quote-free block; keys are interned by their raw bytes, AWS's timestamp
//! shapes and plain prices have fast paths checked against the general parsers. JSON
//! is one pass of `serde_json` with rows made as records are read. Measurements and a
//! profile: `docs/performance.md`.
use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::delimited::{self, Record as Fields, Source, Splitter};
use super::{
    Interner, LineCounter, PRICE_EXAMPLE, PriceHistory, PriceRow, RFC3339_EXAMPLE, SeriesKey,
    err_at, price_value, rfc3339_value, row_line, show, strip_bom, text_value,
};
use crate::error::{InputError, InputErrorKind};
use crate::market::{SourceFile, Zone};
use crate::money::Rate;
use crate::time::FastRfc3339;

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
    let name = path.display().to_string();
    let io =
        |e: std::io::Error| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    // Enough of the start to tell the format: up to the first line's end.
    let mut head = Vec::new();
    // How much of the head has been searched for a line end: each read searches only
    // its new bytes (a first line of megabytes once made this quadratic).
    let mut searched = 0;
    loop {
        let n = head.len();
        head.resize(n + (64 << 10), 0);
        let got = read_some(&mut file, &mut head[n..]).map_err(io)?;
        head.truncate(n + got);
        let b = strip_bom(&head);
        let start = b.iter().position(|c| !c.is_ascii_whitespace());
        let line_done = start.is_some_and(|s| b[s.max(searched)..].contains(&b'\n'));
        searched = b.len();
        if got == 0 || line_done || head.len() >= delimited::MAX_RECORD {
            break;
        }
    }
    let format = if super::json_named(&name) {
        PriceFormat::Json
    } else {
        detect(&head)
    };
    match format {
        PriceFormat::Json => {
            // JSON is read whole (serde_json parses borrowed strings from memory), so it
            // is held to the whole-file limit.
            super::check_whole_size(&name, &file)?;
            let mut bytes = head;
            file.read_to_end(&mut bytes).map_err(io)?;
            read_aws_json(&name, &bytes)
        }
        PriceFormat::Tsv => read_tsv(&name, Source::Reader(&mut file), head),
        PriceFormat::Csv => read_csv(&name, Source::Reader(&mut file), head),
    }
}

/// One `read` that retries when interrupted.
fn read_some(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match f.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
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
    read_csv(name, Source::Bytes(bytes), Vec::new())
}

/// The CSV delimiter: a tab when the first non-blank line (the header) holds a tab and
/// no comma, else a comma. `head` is the start of the input.
fn csv_delimiter(head: &[u8]) -> u8 {
    let body = strip_bom(head);
    let header_line = body
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .and_then(|s| body.get(s..))
        .unwrap_or_default()
        .split(|&c| c == b'\n')
        .next()
        .unwrap_or_default();
    if header_line.contains(&b'\t') && !header_line.contains(&b',') {
        b'\t'
    } else {
        b','
    }
}

fn read_csv(name: &str, src: Source<'_>, head: Vec<u8>) -> Result<PriceHistory, InputError> {
    let delim = match &src {
        Source::Bytes(b) => csv_delimiter(b),
        Source::Reader(_) => csv_delimiter(&head),
    };
    let mut rows = Rows::new(name, delim, true, None);
    let sha = delimited::for_each_block(name, src, head, &mut |b, eof| rows.block(b, eof))?;
    if rows.shape.is_none() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "the file is empty; expected a header line such as \
             AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp",
        ));
    }
    finish(name, sha, "aws-csv", rows.keys, rows.rows)
}

fn read_tsv(name: &str, src: Source<'_>, head: Vec<u8>) -> Result<PriceHistory, InputError> {
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
    let mut rows = Rows::new(name, b'\t', false, Some(layout));
    let sha = delimited::for_each_block(name, src, head, &mut |b, eof| rows.block(b, eof))?;
    finish(name, sha, "azid-tsv", rows.keys, rows.rows)
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
    read_tsv(name, Source::Bytes(bytes), Vec::new())
}

fn csv_layout(name: &str, line: u64, header: &Fields<'_>) -> Result<Layout, InputError> {
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

/// Blocks at least this big are split in two and parsed on two threads (when they hold
/// no quote, so every line end is a record end).
const PARALLEL_BLOCK: usize = 256 << 10;

/// What both halves of a block read: the file's name and its layout.
struct Shape<'n> {
    name: &'n str,
    layout: Layout,
    /// The key columns (zone, zone ID, type, product), when they are adjacent: their
    /// raw span is the interning key, no copy.
    key_span: Option<(usize, usize)>,
}

impl<'n> Shape<'n> {
    fn new(name: &'n str, layout: Layout) -> Self {
        let mut cols: Vec<usize> = [
            layout.zone,
            layout.zone_id,
            Some(layout.itype),
            Some(layout.product),
        ]
        .into_iter()
        .flatten()
        .map(|c| c.0)
        .collect();
        cols.sort_unstable();
        let key_span = match (cols.first(), cols.last()) {
            (Some(&lo), Some(&hi)) if hi - lo + 1 == cols.len() => Some((lo, hi)),
            _ => None,
        };
        Shape {
            name,
            layout,
            key_span,
        }
    }
}

/// One parsing thread's state: its splitter, its own interner (ids local to it) and the
/// rows of the block part it read.
struct Side {
    splitter: Splitter,
    interner: Interner<SeriesKey>,
    /// The file-wide id of each of this side's ids (`u32::MAX`: none yet).
    global: Vec<u32>,
    rows: Vec<PriceRow>,
    times: FastRfc3339,
}

impl Side {
    fn new(delim: u8, quoting: bool) -> Self {
        Side {
            splitter: Splitter::new(delim, quoting),
            interner: Interner::new(),
            global: Vec::new(),
            rows: Vec::new(),
            times: FastRfc3339::default(),
        }
    }

    /// Reads the records of `block` into `rows` (series ids local to this side).
    fn read(&mut self, shape: &Shape<'_>, block: &[u8], eof: bool) -> Result<usize, InputError> {
        let Side {
            splitter,
            interner,
            rows,
            times,
            ..
        } = self;
        splitter.split(block, eof, &mut |rec| {
            if rec.is_blank() {
                return Ok(());
            }
            rows.push(price_row(shape, interner, times, rec)?);
            Ok(())
        })
    }
}

/// The CSV and TSV readers' state: the layout once known, two sides, and the rows with
/// file-wide series ids (in order of first appearance, as one pass would give them).
struct Rows<'n> {
    name: &'n str,
    quoting: bool,
    shape: Option<Shape<'n>>,
    sides: [Side; 2],
    keys: Vec<SeriesKey>,
    canon: std::collections::HashMap<SeriesKey, u32>,
    rows: Vec<PriceRow>,
}

impl<'n> Rows<'n> {
    fn new(name: &'n str, delim: u8, quoting: bool, layout: Option<Layout>) -> Self {
        Rows {
            name,
            quoting,
            shape: layout.map(|l| Shape::new(name, l)),
            sides: [Side::new(delim, quoting), Side::new(delim, quoting)],
            keys: Vec::new(),
            canon: std::collections::HashMap::new(),
            rows: Vec::new(),
        }
    }

    /// Parses a block (see `delimited::for_each_block`): big blocks without quotes in
    /// two halves, in parallel, once the layout is known (the block with the CSV header
    /// is read in one piece).
    fn block(&mut self, block: &[u8], eof: bool) -> Result<(usize, u64), InputError> {
        let line = self.sides[0].splitter.line;
        let Some(shape) = &self.shape else {
            let Rows {
                name, shape, sides, ..
            } = self;
            let Side {
                splitter,
                interner,
                rows,
                times,
                ..
            } = &mut sides[0];
            let n = splitter.split(block, eof, &mut |rec| {
                if rec.is_blank() {
                    return Ok(());
                }
                match shape {
                    None => *shape = Some(Shape::new(name, csv_layout(name, rec.line, rec)?)),
                    Some(sh) => rows.push(price_row(sh, interner, times, rec)?),
                }
                Ok::<(), InputError>(())
            })?;
            self.merge(0);
            return Ok((n, self.sides[0].splitter.line));
        };
        let cut = (block.len() >= PARALLEL_BLOCK
            && !(self.quoting && memchr::memchr(b'"', block).is_some()))
        .then(|| memchr::memchr(b'\n', &block[block.len() / 2..]).map(|i| block.len() / 2 + i + 1))
        .flatten();
        let n = match cut {
            None => {
                let n = self.sides[0].read(shape, block, eof)?;
                self.merge(0);
                n
            }
            Some(cut) => {
                let (a, b) = block.split_at(cut);
                let [s0, s1] = &mut self.sides;
                s1.splitter.line = line + super::count_newlines(a) as u64;
                let (ra, rb) = rayon::join(|| s0.read(shape, a, false), || s1.read(shape, b, eof));
                // The first error in file order.
                let na = ra?;
                let nb = rb?;
                if na < a.len() {
                    // Not expected (the first half ends at a line end, with no quote):
                    // keep only the first half's records.
                    self.sides[1].rows.clear();
                    self.merge(0);
                    return Ok((na, self.sides[0].splitter.line));
                }
                self.sides[0].splitter.line = self.sides[1].splitter.line;
                self.merge(0);
                self.merge(1);
                na + nb
            }
        };
        Ok((n, self.sides[0].splitter.line))
    }

    /// Moves side `s`'s rows to the file's rows, with file-wide series ids.
    fn merge(&mut self, s: usize) {
        let side = &mut self.sides[s];
        for r in side.rows.drain(..) {
            let local = r.series as usize;
            if side.global.len() <= local {
                side.global.resize(local + 1, u32::MAX);
            }
            let mut g = side.global[local];
            if g == u32::MAX {
                let key = side
                    .interner
                    .key(r.series)
                    .cloned()
                    .unwrap_or_else(|| SeriesKey {
                        zone: Zone::Name(String::new()),
                        instance_type: String::new(),
                        product: String::new(),
                    });
                g = match self.canon.get(&key) {
                    Some(&g) => g,
                    None => {
                        let g = self.keys.len() as u32;
                        self.canon.insert(key.clone(), g);
                        self.keys.push(key);
                        g
                    }
                };
                side.global[local] = g;
            }
            self.rows.push(PriceRow { series: g, ..r });
        }
    }
}

/// One price row of a CSV or TSV record (not blank), its series interned in `interner`.
#[inline]
fn price_row(
    shape: &Shape<'_>,
    interner: &mut Interner<SeriesKey>,
    times: &mut FastRfc3339,
    rec: &Fields<'_>,
) -> Result<PriceRow, InputError> {
    let (name, layout, line) = (shape.name, &shape.layout, rec.line);
    if rec.len() != layout.ncols {
        return Err(InputError::new(
            name,
            InputErrorKind::Syntax,
            format!(
                "expected {} fields as in {}, found {}",
                layout.ncols,
                layout.defined_by,
                rec.len()
            ),
        )
        .at_line(line));
    }
    let get = |(i, _): (usize, &str)| rec.get(i).trim_ascii();
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
    let make = || {
        let z = super::zone_value(name, line, zone_col.1, zone_raw)?;
        Ok(SeriesKey {
            zone: if zone_tag == TAG_ZONE_ID {
                Zone::Id(z.to_string())
            } else {
                Zone::parse(z)
            },
            instance_type: text_value(name, line, layout.itype.1, type_raw, "an instance type")?
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
    };
    let series = match shape.key_span.and_then(|(lo, hi)| rec.span(lo, hi)) {
        Some(span) => interner.finish_span(name, span, make)?,
        None => {
            interner.begin();
            interner.part(zone_tag, zone_raw);
            interner.part(TAG_TEXT, type_raw);
            interner.part(TAG_TEXT, product_raw);
            interner.finish(name, make)?
        }
    };
    let price = price_value(name, line, layout.price.1, get(layout.price))?;
    let raw_time = get(layout.time);
    let time = match times.read(raw_time) {
        Some(t) => t,
        None => rfc3339_value(name, line, layout.time.1, raw_time)?,
    };
    Ok(PriceRow {
        series,
        line: row_line(name, line)?,
        time,
        price,
    })
}

fn finish(
    name: &str,
    sha256: String,
    format: &str,
    series: Vec<SeriesKey>,
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
        series,
        rows,
    })
}

// ------------------------------------------------------------------------------- JSON
//
// One pass: serde_json parses the bytes in place (strings borrowed), and each record is
// turned into a row as soon as it is parsed, never held. A record's line comes from
// where its first key sits in the input (a borrowed string points into it): its `{` is
// the first non-blank byte before that key. A record whose first key is not borrowed
// (written with `\u` escapes) or that has no key is found by scanning forward, strings
// and nesting respected, from the last place known (the previous record, or the page's
// `SpotPriceHistory` key); if even that fails, the record carries its page's line.

/// Where the input was last seen, for the forward scans: a byte offset and what is
/// there.
#[derive(Clone, Copy, Debug)]
enum Anchor {
    /// The input's start.
    Start,
    /// The `{` of a page.
    PageOpen(usize),
    /// The text of a page's key (after its opening quote).
    PageKey(usize),
    /// The text of a page's `SpotPriceHistory` key.
    HistoryKey(usize),
    /// The `{` of a record.
    RecordOpen(usize),
    /// The text of a record's key.
    RecordKey(usize),
}

/// Everything the deserializers share while a file is read.
struct JsonState<'b, 'n> {
    name: &'n str,
    body: &'b [u8],
    lines: LineCounter<'b>,
    interner: Interner<SeriesKey>,
    rows: Vec<PriceRow>,
    anchor: Anchor,
    times: FastRfc3339,
    /// The line of the page being read (0 before its start is known).
    page_line: u64,
    /// A row error, passed through serde as a custom error and returned instead of it.
    err: Option<InputError>,
}

impl JsonState<'_, '_> {
    /// The offset of a string borrowed from the input.
    fn offset_of(&self, s: &str) -> Option<usize> {
        (s.as_ptr() as usize)
            .checked_sub(self.body.as_ptr() as usize)
            .filter(|&o| o < self.body.len())
    }

    /// The line of the record whose first key (borrowed) is at `first_key`, or of the
    /// record after the anchor.
    fn record_line(&mut self, first_key: Option<usize>) -> u64 {
        let start = first_key
            .and_then(|k| open_brace_before(self.body, k))
            .or_else(|| next_record_start(self.body, self.anchor));
        match start {
            Some(s) => {
                self.anchor = Anchor::RecordOpen(s);
                self.lines.line_at(s)
            }
            None => self.page_line,
        }
    }

    /// Sets the line of the page whose first key (borrowed) is at `first_key`, or of the
    /// page after the anchor.
    fn page_start(&mut self, first_key: Option<usize>) {
        let start = first_key
            .and_then(|k| open_brace_before(self.body, k))
            .or_else(|| next_page_start(self.body, self.anchor));
        if let Some(s) = start {
            self.anchor = Anchor::PageOpen(s);
            self.page_line = self.lines.line_at(s);
        }
    }
}

/// The `{` a record's first key (its text at `key`, after the opening quote) follows.
fn open_brace_before(b: &[u8], key: usize) -> Option<usize> {
    let quote = key.checked_sub(1)?;
    let before = b.get(..quote)?;
    let i = before.iter().rposition(|c| !c.is_ascii_whitespace())?;
    (before[i] == b'{').then_some(i)
}

/// The end (one past the closing quote) of the string whose text starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Skips whitespace from `i`; the next byte must be `c`: returns the offset after it.
fn expect(b: &[u8], i: usize, c: u8) -> Option<usize> {
    let j = i + b.get(i..)?.iter().position(|x| !x.is_ascii_whitespace())?;
    (b[j] == c).then_some(j + 1)
}

/// From `i`, inside `depth` levels of objects and arrays: the offset after the one
/// that closes the outermost.
fn close(b: &[u8], mut i: usize, mut depth: usize) -> Option<usize> {
    while depth > 0 {
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)? - 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    Some(i)
}

/// The offset of the `{` of the next record after `anchor` (in the same array).
fn next_record_start(b: &[u8], anchor: Anchor) -> Option<usize> {
    let i = match anchor {
        Anchor::HistoryKey(k) => {
            // `"SpotPriceHistory": [ {`
            let i = expect(b, string_end(b, k)?, b':')?;
            let i = expect(b, i, b'[')?;
            return expect(b, i, b'{').map(|j| j - 1);
        }
        Anchor::RecordKey(k) => close(b, string_end(b, k)?, 1)?,
        Anchor::RecordOpen(o) => close(b, o + 1, 1)?,
        _ => return None,
    };
    let i = expect(b, i, b',')?;
    expect(b, i, b'{').map(|j| j - 1)
}

/// The offset after the page `anchor` is in (0 at the start).
fn page_end(b: &[u8], anchor: Anchor) -> Option<usize> {
    match anchor {
        Anchor::Start => Some(0),
        Anchor::PageOpen(o) => close(b, o + 1, 1),
        Anchor::PageKey(k) | Anchor::HistoryKey(k) => close(b, string_end(b, k)?, 1),
        Anchor::RecordOpen(o) => close(b, o + 1, 3),
        Anchor::RecordKey(k) => close(b, string_end(b, k)?, 3),
    }
}

/// The offset of the first byte of the next page after `anchor` (a `{` if the input is
/// well formed).
fn next_page_start(b: &[u8], anchor: Anchor) -> Option<usize> {
    let end = page_end(b, anchor)?;
    Some(
        end + b
            .get(end..)?
            .iter()
            .position(|c| !c.is_ascii_whitespace())?,
    )
}

/// A key with where it sits in the input (when serde_json could lend it).
struct KeyAt {
    key: Key,
    at: Option<usize>,
}

struct KeySeed<'s, 'b, 'n>(&'s JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_, '_, '_> {
    type Value = KeyAt;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<KeyAt, D::Error> {
        struct V<'s, 'b, 'n>(&'s JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = KeyAt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyAt, E> {
                Ok(KeyAt {
                    key: Key::of(v),
                    at: self.0.offset_of(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyAt, E> {
                Ok(KeyAt {
                    key: Key::of(v),
                    at: None,
                })
            }
        }
        d.deserialize_str(V(self.0))
    }
}

/// The keys of a page and of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    SpotPriceHistory,
    AvailabilityZone,
    AvailabilityZoneId,
    InstanceType,
    ProductDescription,
    SpotPrice,
    Timestamp,
    Other,
}

impl Key {
    fn of(s: &str) -> Key {
        match s {
            "SpotPriceHistory" => Key::SpotPriceHistory,
            AZ => Key::AvailabilityZone,
            AZ_ID => Key::AvailabilityZoneId,
            TYPE => Key::InstanceType,
            PRODUCT => Key::ProductDescription,
            PRICE => Key::SpotPrice,
            TIME => Key::Timestamp,
            _ => Key::Other,
        }
    }
}

/// Reads one top-level object of the CLI output (only an object: serde's derive would
/// also take an array, matching fields by position), turning its records into rows.
/// Returns whether the page had a `SpotPriceHistory`.
struct PageSeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for PageSeed<'_, '_, '_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a `SpotPriceHistory` array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<bool, A::Error> {
                let st = self.0;
                let mut seen = false;
                let mut first = true;
                while let Some(k) = m.next_key_seed(KeySeed(st))? {
                    if first {
                        st.page_start(k.at);
                        first = false;
                    }
                    if k.key == Key::SpotPriceHistory {
                        if seen {
                            return Err(de::Error::duplicate_field("SpotPriceHistory"));
                        }
                        seen = true;
                        if let Some(at) = k.at {
                            st.anchor = Anchor::HistoryKey(at);
                        }
                        m.next_value_seed(HistorySeed(&mut *st))?;
                    } else {
                        if let Some(at) = k.at {
                            st.anchor = Anchor::PageKey(at);
                        }
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                if first {
                    st.page_start(None);
                }
                Ok(seen)
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// The `SpotPriceHistory` array: each record becomes a row as it is read.
struct HistorySeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for HistorySeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of SpotPriceHistory records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
                while s.next_element_seed(RecordSeed(&mut *self.0))?.is_some() {}
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

/// One element of `SpotPriceHistory`, read loosely (so a wrong type is reported with
/// the record's line and the field's name) and turned into a row.
struct RecordSeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for RecordSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a SpotPriceHistory record (an object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
                let st = self.0;
                let mut r = Record::default();
                let mut first = true;
                let mut line = 0;
                while let Some(k) = m.next_key_seed(KeySeed(st))? {
                    if first {
                        line = st.record_line(k.at);
                        first = false;
                    }
                    if let Some(at) = k.at {
                        st.anchor = Anchor::RecordKey(at);
                    }
                    let (slot, name) = match k.key {
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
                    *slot = m.next_value::<Loose<'_>>()?;
                }
                if first {
                    line = st.record_line(None);
                }
                let row = json_row(st.name, line, &r, &mut st.interner, &mut st.times);
                match row {
                    Ok(row) => {
                        st.rows.push(row);
                        Ok(())
                    }
                    Err(e) => {
                        st.err = Some(e);
                        Err(de::Error::custom("record error"))
                    }
                }
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// One element of `SpotPriceHistory`'s fields, as read.
#[derive(Default)]
struct Record<'a> {
    zone: Loose<'a>,
    zone_id: Loose<'a>,
    itype: Loose<'a>,
    product: Loose<'a>,
    price: Loose<'a>,
    time: Loose<'a>,
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
            Loose::Str(s) => {
                // Already UTF-8 (serde_json checked): trim and test for emptiness only.
                let t = s.trim_ascii();
                if t.is_empty() {
                    text_value(name, line, field, t.as_bytes(), expected)
                } else {
                    Ok(t)
                }
            }
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
    finish(name, sha, "aws-json", interner.into_keys(), rows)
}

fn json_rows(name: &str, bytes: &[u8]) -> Result<(Interner<SeriesKey>, Vec<PriceRow>), InputError> {
    let body = strip_bom(bytes);
    let mut st = JsonState {
        name,
        body,
        lines: LineCounter::new(body),
        interner: Interner::new(),
        rows: Vec::new(),
        anchor: Anchor::Start,
        times: FastRfc3339::default(),
        page_line: 1,
        err: None,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    // Is there another page? Only blanks after the last one's end, found by a scan from
    // the last place seen (serde_json's own check builds an error when there is more,
    // counting lines from the start).
    let more = |st: &JsonState<'_, '_>, de: &mut serde_json::Deserializer<_>| match page_end(
        body, st.anchor,
    ) {
        Some(end) => !body.get(end..).unwrap_or_default().trim_ascii().is_empty(),
        None => de.end().is_err(),
    };
    while more(&st, &mut de) {
        let had = match de::DeserializeSeed::deserialize(PageSeed(&mut st), &mut de) {
            Ok(had) => had,
            Err(e) => return Err(st.err.take().unwrap_or_else(|| json_error(name, &e))),
        };
        if !had {
            return Err(err_at(
                name,
                st.page_line,
                "SpotPriceHistory",
                InputErrorKind::MissingField,
                "the object has no `SpotPriceHistory` array; expected the output of \
                 aws ec2 describe-spot-price-history"
                    .to_string(),
            ));
        }
    }
    Ok((st.interner, st.rows))
}

fn json_row(
    name: &str,
    line: u64,
    r: &Record<'_>,
    interner: &mut Interner<SeriesKey>,
    times: &mut FastRfc3339,
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
    let raw_time = r.time.text(name, line, TIME, RFC3339_EXAMPLE)?.as_bytes();
    let time = match times.read(raw_time) {
        Some(t) => t,
        None => rfc3339_value(name, line, TIME, raw_time)?,
    };
    Ok(PriceRow {
        series,
        time,
        price,
        line: super::row_line(name, line)?,
    })
}

/// A serde_json error as an [`InputError`] with the line, and the column in the message.
pub(super) fn json_error(name: &str, e: &serde_json::Error) -> InputError {
    super::json_error_as(name, e, "invalid JSON")
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
    fn forward_scan_skips_strings_and_nested_values() {
        let j = br#"{"NextToken":"{[\"", "SpotPriceHistory":[ {"x":"}"} ,{"y":{"z":[{}]}},{}]}"#;
        let key = j
            .windows(16)
            .position(|w| w == b"SpotPriceHistory")
            .unwrap();
        let first = next_record_start(j, Anchor::HistoryKey(key)).unwrap();
        assert_eq!(&j[first..first + 2], b"{\"");
        let second = next_record_start(j, Anchor::RecordOpen(first)).unwrap();
        assert_eq!(&j[second..second + 5], b"{\"y\":");
        let third = next_record_start(j, Anchor::RecordKey(second + 2)).unwrap();
        assert_eq!(&j[third..third + 2], b"{}");
        assert_eq!(
            next_record_start(j, Anchor::RecordOpen(third)),
            None,
            "no fourth"
        );
    }

    /// Records whose first key is escaped, or that have no key, still get their own
    /// line (found by the forward scan), across pages.
    #[test]
    fn json_lines_without_a_borrowed_first_key() {
        let rec = r#"{"AvailabilityZone":"a","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":"1","Timestamp":"2020-01-01T00:00:00Z"}"#;
        let escaped = rec.replace("AvailabilityZone", "Availab\\u0069lityZone");
        let j = format!(
            "{{\"SpotPriceHistory\":[\n{rec},\n{escaped},\n  {rec}\n]}}\n{{\"NextToken\":\"\",\n\"SpotPriceHistory\":[\n{escaped}]}}"
        );
        let h = read_aws_json("j.json", j.as_bytes()).unwrap();
        assert_eq!(
            h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 8]
        );
        let j = format!("{{\"SpotPriceHistory\":[\n{rec},\n{{}}\n]}}");
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:3: field `AvailabilityZone`: the record has no"),
            "{e}"
        );
        let j = "{}\n\n{}";
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:1: field `SpotPriceHistory`"),
            "{e}"
        );
        let j = format!("{{\"SpotPriceHistory\":[{rec}]}}\n\n{{}}");
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:3: field `SpotPriceHistory`"),
            "{e}"
        );
    }
}
