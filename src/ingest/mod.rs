//! Readers for the outside formats spotsim replays. Each returns rows with their
//! 1-based line numbers, or an [`InputError`] naming file, line and field.
//!
//! | function | format |
//! |---|---|
//! | [`read_price_file`] | auto-detects one of the three below |
//! | [`read_aws_csv`] | `aws ec2 describe-spot-price-history` as CSV: header `AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp`, columns in any order |
//! | [`read_aws_json`] | the AWS CLI JSON `{"SpotPriceHistory":[…]}`, several pages concatenated allowed |
//! | [`read_azid_tsv`] | the AZ-ID archive TSV `az_id instance_type product_description price timestamp`, no header |
//! | [`read_capacity_file`] | capacity: spotsim's CSV `Timestamp,AvailabilityZone,InstanceType,Capacity`, or a timestamped availability CSV `date,availability` |
//! | [`read_probe_prices`] | per-probe prices JSON `{"<zone>_<gpu>_<n>":[…]}` aligned with availability CSVs |
//!
//! Rows may come in any order (AWS's are newest first); the market builder
//! (`market::build`) sorts them, drops exact duplicates (overlapping pages) and rejects
//! the same timestamp twice with different values, naming both lines.

mod advisor;
mod aws;
mod capacity;
mod core_reader;
mod delimited;
mod find2;
mod interner;
pub(crate) mod json_window;
pub mod pricelist;
mod probe;
pub(crate) mod records;
mod swar;
mod whole;
pub(crate) use delimited::Source;
pub(crate) use interner::Interner;
pub(crate) use records::{Records, Sniffed};
pub(crate) use whole::{read_all, read_all_max};

pub use advisor::{AdvisorBand, AdvisorData, AdvisorEntry, read_advisor_bytes, read_advisor_file};
pub use aws::{read_aws_csv, read_aws_json, read_azid_tsv, read_price_bytes, read_price_file};
pub use capacity::{
    AVAILABILITY_FILE_TYPES, CapacityOptions, read_capacity_bytes, read_capacity_file,
};
pub(crate) use capacity::{Probe, read_probes, zone_of_file_name};
pub(crate) use probe::ProbePriceMap;
pub use probe::{read_probe_prices, read_probe_prices_bytes};

use sha2::{Digest, Sha256};

use crate::error::InputError;
use crate::market::{SourceFile, Zone};
use crate::money::Rate;
use crate::time::SimTime;

/// The identity of one price series: zone, instance type and product description.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    /// The AZ (name or ID, as the file gives it).
    pub zone: Zone,
    /// The instance type.
    pub instance_type: String,
    /// The product description (`Linux/UNIX`, `Windows`, …).
    pub product: String,
}

/// One price change point: 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceRow {
    /// Index into [`PriceHistory::series`].
    pub series: u32,
    /// 1-based line of the row in its file (for JSON: the line the record starts on).
    /// Files of more than 4,294,967,295 lines are refused.
    pub line: u32,
    /// When the price took effect.
    pub time: SimTime,
    /// The price per hour.
    pub price: Rate,
}

/// A row's line as [`PriceRow::line`] holds it.
#[inline]
pub(crate) fn row_line(file: &str, line: u64) -> Result<u32, InputError> {
    u32::try_from(line).map_err(|_| {
        InputError::new(
            file,
            InputErrorKind::BadValue,
            "more than 4,294,967,295 lines: split the file",
        )
        .at_line(line)
    })
}

/// The price rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceHistory {
    /// The file.
    pub source: SourceFile,
    /// Distinct series, indexed by [`PriceRow::series`].
    pub series: Vec<SeriesKey>,
    /// Rows, in file order.
    pub rows: Vec<PriceRow>,
}

/// The identity of one capacity series: a pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CapacityKey {
    /// The AZ.
    pub zone: Zone,
    /// The instance type.
    pub instance_type: String,
}

/// One capacity change point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityRow {
    /// Index into [`CapacityHistory::series`].
    pub series: u32,
    /// When the limit took effect.
    pub time: SimTime,
    /// Spot instances the fleet can hold in the pool from then on.
    pub capacity: u32,
    /// 1-based line in the file.
    pub line: u64,
}

/// The capacity rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapacityHistory {
    /// The file.
    pub source: SourceFile,
    /// Distinct series, indexed by [`CapacityRow::series`].
    pub series: Vec<CapacityKey>,
    /// Rows, in file order.
    pub rows: Vec<CapacityRow>,
}

/// Lowercase hex SHA-256 of `bytes` (for provenance).
///
/// ```
/// assert_eq!(
///     spotsim::ingest::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

// ---------------------------------------------------------------------------------------
// Helpers shared by the readers (crate-private). They never allocate on the happy path:
// errors are built only when a value is wrong.

use crate::error::InputErrorKind;

/// Example of a valid price, used in error messages.
pub(crate) const PRICE_EXAMPLE: &str = "a non-negative decimal in USD per hour such as 0.043700";
/// Example of a valid RFC 3339 timestamp, used in error messages.
pub(crate) const RFC3339_EXAMPLE: &str =
    "an RFC 3339 timestamp with a zone such as 2021-02-09T01:40:10+00:00";

/// The input without a leading UTF-8 byte-order mark (line numbers are unaffected).
pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// A value as it is quoted in an error message: lossy UTF-8, control characters escaped,
/// at most 60 characters.
pub(crate) fn show(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a file is named as JSON (`.json`, any case): such a file is always read as
/// JSON, never as CSV, whatever its first byte.
pub(crate) fn json_named(name: &str) -> bool {
    name.len() >= 5
        && name.is_char_boundary(name.len() - 5)
        && name[name.len() - 5..].eq_ignore_ascii_case(".json")
}

/// An error located at `file:line`, field `field`.
pub(crate) fn err_at(
    file: &str,
    line: u64,
    field: &str,
    kind: InputErrorKind,
    message: String,
) -> InputError {
    InputError::new(file, kind, message)
        .at_line(line)
        .field(field)
}

/// A trimmed, non-empty, UTF-8 text value; `expected` completes "expected …".
/// [`text_value`] for a zone field, also checked with [`Zone::check`].
pub(crate) fn zone_value<'a>(
    file: &str,
    line: u64,
    field: &str,
    raw: &'a [u8],
) -> Result<&'a str, InputError> {
    let z = text_value(file, line, field, raw, "an AZ name or AZ ID")?;
    crate::market::Zone::check(z)
        .map_err(|m| err_at(file, line, field, InputErrorKind::BadValue, m))?;
    Ok(z)
}

pub(crate) fn text_value<'a>(
    file: &str,
    line: u64,
    field: &str,
    raw: &'a [u8],
    expected: &str,
) -> Result<&'a str, InputError> {
    let t = raw.trim_ascii();
    if t.is_empty() {
        return Err(err_at(
            file,
            line,
            field,
            InputErrorKind::BadValue,
            format!("is empty; expected {expected}"),
        ));
    }
    std::str::from_utf8(t).map_err(|e| {
        err_at(
            file,
            line,
            field,
            InputErrorKind::BadValue,
            format!(
                "is not valid UTF-8 (bad byte at offset {}): found `{}`, expected {expected}",
                e.valid_up_to(),
                show(t)
            ),
        )
    })
}

/// A price in USD per hour, read exactly with [`Rate::parse_usd`].
#[inline]
pub(crate) fn price_value(
    file: &str,
    line: u64,
    field: &str,
    raw: &[u8],
) -> Result<Rate, InputError> {
    if let Some(r) = Rate::parse_usd_plain(raw) {
        return Ok(r);
    }
    if let Ok(s) = std::str::from_utf8(raw)
        && let Ok(r) = Rate::parse_usd(s)
    {
        return Ok(r);
    }
    Err(price_error(file, line, field, raw))
}

#[cold]
fn price_error(file: &str, line: u64, field: &str, raw: &[u8]) -> InputError {
    let s = match text_value(file, line, field, raw, PRICE_EXAMPLE) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let why = Rate::parse_usd(s)
        .err()
        .map_or_else(String::new, |e| e.to_string());
    err_at(
        file,
        line,
        field,
        InputErrorKind::BadValue,
        format!(
            "{why}: found `{}`, expected {PRICE_EXAMPLE}",
            show(s.as_bytes())
        ),
    )
}

/// An RFC 3339 timestamp with a zone, read with [`SimTime::parse_rfc3339`].
#[inline]
pub(crate) fn rfc3339_value(
    file: &str,
    line: u64,
    field: &str,
    raw: &[u8],
) -> Result<SimTime, InputError> {
    if let Ok(s) = std::str::from_utf8(raw.trim_ascii())
        && let Ok(t) = SimTime::parse_rfc3339(s)
    {
        return Ok(t);
    }
    Err(rfc3339_error(file, line, field, raw))
}

#[cold]
fn rfc3339_error(file: &str, line: u64, field: &str, raw: &[u8]) -> InputError {
    let s = match text_value(file, line, field, raw, RFC3339_EXAMPLE) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let why = SimTime::parse_rfc3339(s)
        .err()
        .map_or_else(String::new, |e| e.to_string());
    err_at(
        file,
        line,
        field,
        InputErrorKind::BadValue,
        format!(
            "{why}: found `{}`, expected {RFC3339_EXAMPLE}",
            show(s.as_bytes())
        ),
    )
}

/// `sha256_hex(bytes)` and `parse()`, run on two threads (rayon) for inputs of 1 MiB or
/// more: hashing costs about a sixth of a CSV parse, and ingest happens before any
/// sweep, when the other core is idle. Results do not depend on the thread count.
pub(crate) fn hash_alongside<T: Send>(
    bytes: &[u8],
    parse: impl FnOnce() -> T + Send,
) -> (String, T) {
    if bytes.len() >= 1 << 20 {
        rayon::join(|| sha256_hex(bytes), parse)
    } else {
        (sha256_hex(bytes), parse())
    }
}

/// A non-negative integer that fits in `u32` (capacities, availability counts).
pub(crate) fn count_value(
    file: &str,
    line: u64,
    field: &str,
    raw: &[u8],
) -> Result<u32, InputError> {
    const EXPECTED: &str = "a non-negative integer such as 0, 1 or 16";
    let t = text_value(file, line, field, raw, EXPECTED)?.as_bytes();
    let digits = t.strip_prefix(b"+").unwrap_or(t);
    let mut v: u64 = 0;
    let mut ok = !digits.is_empty();
    for &c in digits {
        if !c.is_ascii_digit() {
            ok = false;
            break;
        }
        v = v * 10 + u64::from(c - b'0');
        if v > u64::from(u32::MAX) {
            return Err(err_at(
                file,
                line,
                field,
                InputErrorKind::BadValue,
                format!("`{}` is too large (at most {})", show(t), u32::MAX),
            ));
        }
    }
    if ok {
        return Ok(v as u32);
    }
    let what = if t.first() == Some(&b'-') {
        "is negative"
    } else {
        "is not a whole number"
    };
    Err(err_at(
        file,
        line,
        field,
        InputErrorKind::BadValue,
        format!("{what}: found `{}`, expected {EXPECTED}", show(t)),
    ))
}

/// Counts `\n` in `b` (used to size row vectors and to turn byte offsets into lines).
pub(crate) fn count_newlines(b: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', b).count()
}

/// The line a CSV record starts on; `body` is what the csv reader reads.
///
/// The csv crate positions a record where the reader stood before it: ahead of the
/// blank lines, and of the `\n` of a `\r\n`, that precede it. Its `Position::line` is
/// one plus the `\n`s before that byte, so it is off after blank lines and with CRLF
/// line ends. A record never starts with `\r` or `\n`, so skipping those from the
/// reported byte, counting the `\n`s skipped, gives the line of the record's first byte.
#[cfg(test)]
pub(crate) fn record_line(body: &[u8], rec: &csv::ByteRecord) -> u64 {
    let Some(p) = rec.position() else {
        return 0;
    };
    let mut line = p.line();
    let mut off = p.byte() as usize;
    while let Some(&c @ (b'\r' | b'\n')) = body.get(off) {
        line += u64::from(c == b'\n');
        off += 1;
    }
    line
}

/// Reads the next CSV record that is not only whitespace (the csv crate skips empty
/// lines; a line of spaces is skipped here too); `Ok(false)` at the end.
#[cfg(test)]
pub(crate) fn next_record(
    name: &str,
    rdr: &mut csv::Reader<&[u8]>,
    rec: &mut csv::ByteRecord,
) -> Result<bool, InputError> {
    loop {
        let more = rdr.read_byte_record(rec).map_err(|e| {
            let mut err = InputError::new(
                name,
                InputErrorKind::Syntax,
                format!("cannot read CSV: {e}"),
            );
            if let Some(p) = e.position() {
                err = err.at_line(p.line());
            }
            err
        })?;
        // A `"` that opens a quoted field and never closes swallows the rest of the
        // file, its final line break included: a field ending in a line break is that
        // (a closed quoted field may hold line breaks, RFC 4180, but hardly ends in one).
        if let Some(i) = rec
            .iter()
            .position(|f| matches!(f.last(), Some(b'\n' | b'\r')))
        {
            // The record's line: the csv crate positions a record ahead of the `\n` of
            // the previous line's `\r\n` (see `record_line`), so one more in a CRLF
            // file (blank lines before it are not counted).
            let crlf = rec.get(i).is_some_and(|f| f.contains(&b'\r'));
            let line = rec
                .position()
                .map_or(1, |p| p.line() + u64::from(crlf && p.byte() > 0));
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "field {} opens a quoted value (`\"`) that does not close on this line",
                    i + 1
                ),
            )
            .at_line(line));
        }
        let blank = rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim_ascii().is_empty());
        if !more || !blank {
            return Ok(more);
        }
    }
}

/// A serde_json error as an [`InputError`]: kind `Io` or `Syntax`, the line, and the
/// column in the message, which starts with `JSON ends early` or `invalid` (the
/// caller's wording of what a non-EOF failure means for its format).
pub(crate) fn json_error_as(name: &str, e: &serde_json::Error, invalid: &str) -> InputError {
    json_error_placed(name, e, invalid, e.line() as u64, e.column() as u64)
}

/// [`json_error_as`] for an error whose place in the file is `line` and `col` (a value
/// parsed on its own, away from the file's start).
pub(crate) fn json_error_placed(
    name: &str,
    e: &serde_json::Error,
    invalid: &str,
    line: u64,
    col: u64,
) -> InputError {
    let mut msg = e.to_string();
    if let Some(stripped) =
        msg.strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
    {
        msg = stripped.to_string();
    }
    if msg == "invalid unicode code point" {
        msg.push_str(" (the bytes are not valid UTF-8, or a \\u escape is bad)");
    }
    let kind = if e.is_io() {
        InputErrorKind::Io
    } else {
        InputErrorKind::Syntax
    };
    let what = if e.is_eof() {
        "JSON ends early"
    } else {
        invalid
    };
    let err = InputError::new(name, kind, format!("{what} at column {col}: {msg}"));
    if line > 0 { err.at_line(line) } else { err }
}
