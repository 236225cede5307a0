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
//! * **Lines.** CSV/TSV rows carry the line their record starts on, JSON records the
//!   line of their opening `{`.
//! * **Fields** are trimmed of ASCII spaces; a leading UTF-8 byte-order mark is ignored.
//!   Unknown JSON fields (and `NextToken`) are ignored, unknown CSV columns are errors:
//!   a CSV header is a contract, a JSON record grows with the SDK.
//!
//! Speed and memory: every format is streamed, 1 MiB at a time. CSV and TSV are split
//! by `delimited` (a SWAR splitter for unquoted lines, `csv_core` for the rest),
//! hashed on a second thread, and parsed by two threads taking 128 KiB pieces of each
//! quote-free block in turn (`rows`); keys are
//! interned by their raw bytes, AWS's timestamp shapes and plain prices have fast paths
//! checked against the general parsers. JSON (`json`) follows the pages by hand and
//! reads each record in place — by hand when it is an object of plain strings, else
//! with `serde_json` — a row made as it is read.
//! Measurements and a profile: `docs/performance.md`.

mod csv;
mod json;
mod rows;

use std::io::Read;
use std::path::Path;

pub use csv::{read_aws_csv, read_azid_tsv};
pub(super) use json::json_error;
pub use json::read_aws_json;

use super::delimited::{self, Source};
use super::{PriceHistory, PriceRow, SeriesKey, strip_bom};
use crate::error::{InputError, InputErrorKind};
use crate::market::SourceFile;

/// The column names of the CLI CSV (case-sensitive).
pub(super) const AZ: &str = "AvailabilityZone";
pub(super) const AZ_ID: &str = "AvailabilityZoneId";
pub(super) const TYPE: &str = "InstanceType";
pub(super) const PRODUCT: &str = "ProductDescription";
pub(super) const PRICE: &str = "SpotPrice";
pub(super) const TIME: &str = "Timestamp";
pub(super) const CSV_COLUMNS: [&str; 6] = [AZ, AZ_ID, TYPE, PRODUCT, PRICE, TIME];

/// Key-part tags: an AZ read with `Zone::parse`, an AZ ID by declaration, other parts.
pub(super) const TAG_ZONE: u8 = 0;
pub(super) const TAG_ZONE_ID: u8 = 1;
pub(super) const TAG_TEXT: u8 = 2;

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
        PriceFormat::Json => json::read_json(&name, Source::Reader(&mut file), head),
        PriceFormat::Tsv => csv::read_tsv(&name, Source::Reader(&mut file), head),
        PriceFormat::Csv => csv::read_csv(&name, Source::Reader(&mut file), head),
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

pub(super) fn finish(
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
}
