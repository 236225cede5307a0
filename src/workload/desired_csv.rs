//! The desired-count CSV: a measured (or planned) task count over time.
//!
//! ```text
//! timestamp,desired_count
//! 2024-01-01T00:00:00Z,2
//! 2024-01-01T09:00:00Z,10
//! 2024-01-01T17:00:00Z,2
//! ```
//!
//! * A header line naming both columns is required; the columns may come in any order
//!   (names are matched without regard to case or surrounding spaces) and no others are
//!   allowed.
//! * `timestamp` is RFC 3339 with a zone (`Z` or `±HH:MM`); each row's count holds from
//!   its timestamp until the next row's, the last one to the end of the horizon.
//!   Timestamps must strictly increase in file order: the file is a step function
//!   written in time order, so an earlier or repeated timestamp is an error naming both
//!   lines rather than something to sort or guess about.
//! * `desired_count` is a non-negative integer, at most
//!   [`MAX_TASKS`] (100,000: every task is simulated).
//! * Blank lines are skipped, a UTF-8 byte-order mark is ignored, and errors name the
//!   file, the 1-based line and the field, as every reader of [`crate::ingest`] does.

use std::path::Path;

use crate::error::{InputError, InputErrorKind};
use crate::ingest::{Records, count_value, err_at, rfc3339_value, show};
use crate::limits::MAX_TASKS;
use crate::market::{SourceFile, StepTrace};

const HEADER: &str = "timestamp,desired_count";

/// The counts of one desired-count CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredCounts {
    /// The file (path as given, SHA-256, format `desired-csv`, data rows read).
    pub source: SourceFile,
    /// The counts as a step function, one change point per row (equal consecutive
    /// counts are kept).
    pub trace: StepTrace<u32>,
    /// The 1-based line of each row, parallel to the trace's change points.
    pub lines: Vec<u64>,
}

/// Reads a desired-count CSV file (see [`read_desired_bytes`]).
///
/// # Errors
/// [`InputError`] of kind `Io` when the file cannot be read, otherwise as for
/// [`read_desired_bytes`].
pub fn read_desired_file(path: &Path) -> Result<DesiredCounts, InputError> {
    read_desired(Records::open(path)?)
}

/// Reads a desired-count CSV (see the [module docs](self)) from bytes; `name` is used
/// in errors and as [`SourceFile::path`].
///
/// # Errors
/// [`InputError`] naming file, line and field: `Empty` for an empty file or one without
/// data rows; `MissingField` for a missing header or column; `UnknownField` for an
/// extra column; `Syntax` for a row with the wrong number of fields; `BadValue` for an
/// empty, malformed or negative value; `Conflict` for a timestamp that is not after the
/// previous row's (naming both lines).
///
/// ```
/// use spotsim::workload::read_desired_bytes;
/// let csv = b"timestamp,desired_count\n2024-01-01T00:00:00Z,2\n2024-01-01T09:00:00+01:00,10\n";
/// let c = read_desired_bytes("counts.csv", csv)?;
/// assert_eq!(c.trace.values(), &[2, 10]);
/// assert_eq!(c.trace.times()[1] - c.trace.times()[0], 8 * 3600);
/// assert_eq!(c.lines, [2, 3]);
///
/// let bad = b"timestamp,desired_count\n2024-01-01T00:00:00Z,-1\n";
/// assert_eq!(
///     read_desired_bytes("counts.csv", bad).unwrap_err().to_string(),
///     "counts.csv:2: field `desired_count`: is negative: found `-1`, \
///      expected a non-negative integer such as 0, 1 or 16"
/// );
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_desired_bytes(name: &str, bytes: &[u8]) -> Result<DesiredCounts, InputError> {
    read_desired(Records::from_bytes(name, bytes))
}

/// [`read_desired_bytes`] over records of bytes or of a file read in bounded memory.
fn read_desired(mut recs: Records<'_>) -> Result<DesiredCounts, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    if !recs.next()? {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            format!("the file is empty; expected the header line {HEADER}"),
        ));
    }
    let header_line = recs.line();
    let (ti, ci) = layout(name, header_line, &recs)?;
    let width = recs.len();
    let mut times: Vec<i64> = Vec::new();
    let mut values: Vec<u32> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    while recs.next()? {
        let line = recs.line();
        let rec = &recs;
        if rec.len() != width {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "expected {width} fields as in the header on line {header_line}, found {}",
                    rec.len()
                ),
            )
            .at_line(line));
        }
        let t = rfc3339_value(name, line, "timestamp", rec.get(ti).unwrap_or_default())?;
        let v = count_value(name, line, "desired_count", rec.get(ci).unwrap_or_default())?;
        if v > MAX_TASKS {
            return Err(err_at(
                name,
                line,
                "desired_count",
                InputErrorKind::BadValue,
                format!("{v} tasks: at most {MAX_TASKS}"),
            ));
        }
        if let (Some(&prev), Some(&prev_line)) = (times.last(), lines.last())
            && t.0 <= prev
        {
            let prev_t = crate::time::SimTime(prev);
            let why = if t.0 == prev {
                format!("{t} repeats the timestamp of line {prev_line}")
            } else {
                format!("{t} is before {prev_t} on line {prev_line}")
            };
            return Err(err_at(
                name,
                line,
                "timestamp",
                InputErrorKind::Conflict,
                format!("{why}; timestamps must strictly increase"),
            ));
        }
        times.push(t.0);
        values.push(v);
        lines.push(line);
    }
    if times.is_empty() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no data rows after the header; expected rows such as 2024-01-01T00:00:00Z,3",
        )
        .at_line(header_line));
    }
    let sha256 = recs.finish()?;
    let rows = times.len() as u64;
    let trace = StepTrace::new(times, values)
        .map_err(|e| InputError::new(name, InputErrorKind::Conflict, format!("internal: {e}")))?;
    Ok(DesiredCounts {
        source: SourceFile {
            path: name.to_string(),
            sha256,
            format: "desired-csv".to_string(),
            rows,
        },
        trace,
        lines,
    })
}

/// Column indexes of `timestamp` and `desired_count` in the header record.
fn layout(name: &str, line: u64, header: &Records<'_>) -> Result<(usize, usize), InputError> {
    let mut ts = None;
    let mut count = None;
    let mut unknown = None;
    for (i, f) in header.iter().enumerate() {
        let f = f.trim_ascii();
        let slot = if f.eq_ignore_ascii_case(b"timestamp") {
            &mut ts
        } else if f.eq_ignore_ascii_case(b"desired_count") {
            &mut count
        } else {
            if unknown.is_none() {
                unknown = Some(show(f));
            }
            continue;
        };
        if slot.is_some() {
            return Err(err_at(
                name,
                line,
                &show(f),
                InputErrorKind::Syntax,
                format!("the column appears twice; expected the header line {HEADER}"),
            ));
        }
        *slot = Some(i);
    }
    let found = || header.iter().map(show).collect::<Vec<_>>().join(",");
    match (ts, count) {
        (Some(t), Some(c)) => match unknown {
            None => Ok((t, c)),
            Some(u) => Err(err_at(
                name,
                line,
                &u,
                InputErrorKind::UnknownField,
                format!("unknown column; expected only the columns {HEADER}"),
            )),
        },
        (None, None) => Err(InputError::new(
            name,
            InputErrorKind::MissingField,
            format!(
                "expected the header line {HEADER}, found `{}` (a header is required)",
                found()
            ),
        )
        .at_line(line)),
        (None, Some(_)) | (Some(_), None) => {
            let missing = if ts.is_none() {
                "timestamp"
            } else {
                "desired_count"
            };
            Err(err_at(
                name,
                line,
                missing,
                InputErrorKind::MissingField,
                format!(
                    "the header `{}` lacks this column; expected {HEADER}",
                    found()
                ),
            ))
        }
    }
}
