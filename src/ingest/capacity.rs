//! Capacity traces: how many spot instances the fleet can hold in a pool, over time.
//!
//! Two CSV formats, told apart by their header line:
//!
//! | header | `SourceFile::format` | what |
//! |---|---|---|
//! | `Timestamp,AvailabilityZone,InstanceType,Capacity` (any order; `AvailabilityZoneId` may replace or accompany `AvailabilityZone`) | `capacity-csv` | spotsim's own format: per row, from `Timestamp` (RFC 3339 with a zone) on, the pool holds at most `Capacity` spot instances |
//! | `date,availability` | `availability-csv` | the timestamped probe CSVs of `data/README.md` "availability/aws-v100-2023-02-15/": `date` is `YYYY-MM-DD HH:MM:SS`, read as UTC; `availability` is a count (1 = a spot instance could be launched at that probe) |
//!
//! Rules and assumptions:
//!
//! * **Order.** Capacity rows are step-function change points (as prices are,
//!   aws-facts.md §7.1), and unlike AWS price dumps these files are written in time
//!   order. So, per pool, timestamps must strictly increase in file order; an out-of-order
//!   or repeated timestamp is a `Conflict` naming both lines.
//! * **Zones** are read with [`Zone::parse`] (AZ names and AZ IDs are kept apart); an
//!   `AvailabilityZoneId` column holds AZ IDs by declaration ([`Zone::Id`]) and is used
//!   only where `AvailabilityZone` is absent or empty, as for prices.
//! * **Availability CSVs do not name their pool.** The zone is
//!   [`CapacityOptions::zone`] or else the file name's prefix before the first `_`
//!   (`us-east-1a_v100_1.csv` → `us-east-1a`). The instance type is
//!   [`CapacityOptions::instance_type`] or else looked up from the rest of the file stem
//!   in [`AVAILABILITY_FILE_TYPES`]: `v100_1` → p3.2xlarge, `v100_8` → p3.16xlarge,
//!   `k80_1` → p2.xlarge, `k80_8` → p2.8xlarge. *Assumption:* these are the instance
//!   types the SkyPilot / Can't-Be-Late traces probed (1 or 8 V100 GPUs: p3; 1 or 8 K80
//!   GPUs: p2; `data/README.md` "spot-traces").
//! * **Availability becomes capacity as is**: a probe value of 1 means the pool can hold
//!   one instance until the next probe; 0 means none. Consecutive equal values are
//!   collapsed into the first (a step function needs only its changes), except the
//!   last probe, which is kept so that the trace spans every probe (the default horizon
//!   ends there); `CapacityHistory::rows` holds the changes while `SourceFile::rows`
//!   counts the probes read.
use std::path::Path;

use super::{
    CapacityHistory, CapacityKey, CapacityRow, Interner, Records, count_value, err_at,
    rfc3339_value, show, text_value,
};
use crate::error::{InputError, InputErrorKind};
use crate::market::{SourceFile, Zone};
use crate::time::{SimTime, parse_naive_utc};

/// File-stem suffixes of availability CSVs and the instance type each probed (see the
/// module docs for why): `<zone>_<suffix>.csv`.
///
/// ```
/// use spotsim::ingest::AVAILABILITY_FILE_TYPES;
/// assert!(AVAILABILITY_FILE_TYPES.contains(&("v100_1", "p3.2xlarge")));
/// ```
pub const AVAILABILITY_FILE_TYPES: &[(&str, &str)] = &[
    ("v100_1", "p3.2xlarge"),
    ("v100_8", "p3.16xlarge"),
    ("k80_1", "p2.xlarge"),
    ("k80_8", "p2.8xlarge"),
];

/// Options for capacity files whose rows do not name their pool (availability CSVs).
///
/// ```
/// use spotsim::ingest::CapacityOptions;
/// let opts = CapacityOptions {
///     instance_type: Some("p3.2xlarge".into()),
///     zone: Some("us-east-1a".into()),
/// };
/// assert_ne!(opts, CapacityOptions::default());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CapacityOptions {
    /// Instance type for availability CSVs (overrides the file-name suffix).
    pub instance_type: Option<String>,
    /// Zone for availability CSVs (overrides the file-name prefix).
    pub zone: Option<String>,
}

/// Reads a capacity file (see [`read_capacity_bytes`]).
///
/// # Errors
/// [`InputError`] of kind `Io` when the file cannot be read, otherwise as for
/// [`read_capacity_bytes`].
///
/// ```no_run
/// use spotsim::ingest::{read_capacity_file, CapacityOptions};
/// let h = read_capacity_file(
///     std::path::Path::new("us-east-1a_v100_1.csv"),
///     &CapacityOptions::default(),
/// )?;
/// assert_eq!(h.series[0].instance_type, "p3.2xlarge");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_capacity_file(
    path: &Path,
    opts: &CapacityOptions,
) -> Result<CapacityHistory, InputError> {
    read_capacity(super::Records::open(path)?, opts)
}

/// Reads capacity rows from bytes; `name` is used in errors, as [`SourceFile::path`] and,
/// for availability CSVs, to derive the pool (see the module docs).
///
/// # Errors
/// [`InputError`] naming file, line and column: `UnknownField` / `MissingField` for the
/// header, `Syntax` for a wrong number of fields, `BadValue` for an empty, negative,
/// non-integer or malformed value, `Conflict` for a timestamp not after the previous one
/// of its pool (naming both lines), `MissingField` when an availability CSV's zone or
/// instance type cannot be derived, `Empty` when there are no data rows.
///
/// ```
/// use spotsim::ingest::{read_capacity_bytes, CapacityOptions};
/// let opts = CapacityOptions::default();
/// let csv = b"Timestamp,AvailabilityZone,InstanceType,Capacity\n\
///             2023-02-15T22:08:16Z,us-east-1a,p3.2xlarge,4\n\
///             2023-02-15T23:00:00Z,us-east-1a,p3.2xlarge,0\n";
/// let h = read_capacity_bytes("cap.csv", csv, &opts)?;
/// assert_eq!(h.source.format, "capacity-csv");
/// assert_eq!(h.rows.iter().map(|r| r.capacity).collect::<Vec<_>>(), [4, 0]);
///
/// let probes = b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,0\n2023-02-15 22:14:46,1\n";
/// let h = read_capacity_bytes("data/us-east-1a_v100_1.csv", probes, &opts)?;
/// assert_eq!(h.source.format, "availability-csv");
/// assert_eq!(h.source.rows, 3);
/// assert_eq!(h.rows.len(), 2, "equal consecutive probes are collapsed");
/// assert_eq!(h.series[0].instance_type, "p3.2xlarge");
///
/// let err = read_capacity_bytes("x_unknown.csv", probes, &opts).unwrap_err();
/// assert!(err.to_string().contains("instance type"));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_capacity_bytes(
    name: &str,
    bytes: &[u8],
    opts: &CapacityOptions,
) -> Result<CapacityHistory, InputError> {
    read_capacity(super::Records::from_bytes(name, bytes), opts)
}

/// [`read_capacity_bytes`] over records of bytes or of a file read in bounded memory.
fn read_capacity(
    mut recs: Records<'_>,
    opts: &CapacityOptions,
) -> Result<CapacityHistory, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    if !recs.next()? {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "the file is empty; expected a header line \
             Timestamp,AvailabilityZone,InstanceType,Capacity or date,availability",
        ));
    }
    if let Some((di, ai)) = availability_layout(&recs) {
        let key = pool_from_file_name(name, opts.zone.as_deref(), opts.instance_type.as_deref())?;
        let probes = probes_after_header(&mut recs, di, ai)?;
        let sha256 = recs.finish()?;
        let n = probes.len() as u64;
        let mut rows: Vec<CapacityRow> = Vec::new();
        let last = probes.len().saturating_sub(1);
        for (i, p) in probes.into_iter().enumerate() {
            // The last probe is kept even when unchanged, so the trace spans the probes.
            if rows.last().map(|r| r.capacity) != Some(p.value) || i == last {
                rows.push(CapacityRow {
                    series: 0,
                    time: p.time,
                    capacity: p.value,
                    line: p.line,
                });
            }
        }
        return Ok(CapacityHistory {
            source: source(name, sha256, "availability-csv", n),
            series: vec![key],
            rows,
        });
    }
    read_canonical(recs)
}

fn source(name: &str, sha256: String, format: &str, rows: u64) -> SourceFile {
    SourceFile {
        path: name.to_string(),
        sha256,
        format: format.to_string(),
        rows,
    }
}

/// Column indexes of `date` and `availability` when the header is exactly those two.
fn availability_layout(header: &Records<'_>) -> Option<(usize, usize)> {
    if header.len() != 2 {
        return None;
    }
    let (a, b) = (header.get(0)?.trim_ascii(), header.get(1)?.trim_ascii());
    match (a, b) {
        (b"date", b"availability") => Some((0, 1)),
        (b"availability", b"date") => Some((1, 0)),
        _ => None,
    }
}

/// A trace file's name and stem (the name without its last extension): the stem keys
/// per-probe prices, and its prefix before the first `_` names the zone
/// (`us-east-1a_v100_1.csv` → `us-east-1a`; [`zone_of_file_name`]).
pub(crate) fn file_stem(name: &str) -> (&str, &str) {
    let file = Path::new(name)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(name);
    (file, file.rsplit_once('.').map_or(file, |(s, _)| s))
}

/// The zone a trace file's name gives: the stem's prefix before the first `_`, or the
/// whole stem when it has none (one rule for `run --capacity` and `job --trace`).
pub(crate) fn zone_of_file_name(name: &str) -> &str {
    let (_, stem) = file_stem(name);
    match stem.split_once('_') {
        Some((p, _)) if !p.is_empty() => p,
        _ => stem,
    }
}

/// The zone and instance type of an availability CSV, from the options or the file name.
pub(super) fn pool_from_file_name(
    name: &str,
    zone: Option<&str>,
    instance_type: Option<&str>,
) -> Result<CapacityKey, InputError> {
    for (opt, value) in [("zone", zone), ("instance_type", instance_type)] {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(InputError::new(
                name,
                InputErrorKind::BadValue,
                format!("the {opt} given for this availability file is empty"),
            )
            .field(opt));
        }
    }
    let (file, stem) = file_stem(name);
    let (prefix, suffix) = match stem.split_once('_') {
        Some((p, s)) => (Some(p).filter(|p| !p.is_empty()), Some(s)),
        None => (None, None),
    };
    let zone = match zone.or(prefix) {
        Some(z) => Zone::parse(z.trim()),
        None => {
            return Err(InputError::new(
                name,
                InputErrorKind::MissingField,
                format!(
                    "cannot tell the zone of availability file `{file}`: its name is not \
                     `<zone>_<gpu>_<count>.csv`; pass the zone (CapacityOptions::zone)"
                ),
            )
            .field("zone"));
        }
    };
    let instance_type = match instance_type {
        Some(t) => t.trim().to_string(),
        None => match suffix.and_then(|s| AVAILABILITY_FILE_TYPES.iter().find(|(k, _)| *k == s)) {
            Some((_, t)) => (*t).to_string(),
            None => {
                let known: Vec<String> = AVAILABILITY_FILE_TYPES
                    .iter()
                    .map(|(k, t)| format!("{k} → {t}"))
                    .collect();
                return Err(InputError::new(
                    name,
                    InputErrorKind::MissingField,
                    format!(
                        "cannot tell the instance type of availability file `{file}` from its \
                         name (known suffixes: {}); pass the instance type \
                         (CapacityOptions::instance_type)",
                        known.join(", ")
                    ),
                )
                .field("instance_type"));
            }
        },
    };
    Ok(CapacityKey {
        zone,
        instance_type,
    })
}

/// One probe of an availability CSV.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe {
    pub(crate) time: SimTime,
    pub(crate) value: u32,
    pub(crate) line: u64,
}

/// Every probe of an availability CSV (`date,availability`), in file order, checked to
/// be in strictly increasing time order.
pub(crate) fn read_probes(mut recs: Records<'_>) -> Result<(Vec<Probe>, String), InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    if !recs.next()? {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "the file is empty; expected the header line date,availability",
        ));
    }
    let Some((di, ai)) = availability_layout(&recs) else {
        let found: Vec<String> = recs.iter().map(show).collect();
        return Err(err_at(
            name,
            recs.line(),
            "date",
            InputErrorKind::MissingField,
            format!(
                "expected the header date,availability of an availability CSV, found `{}`",
                found.join(",")
            ),
        ));
    };
    let probes = probes_after_header(&mut recs, di, ai)?;
    Ok((probes, recs.finish()?))
}

/// The probes after the header (`date` in column `di`, `availability` in `ai`).
fn probes_after_header(
    recs: &mut Records<'_>,
    di: usize,
    ai: usize,
) -> Result<Vec<Probe>, InputError> {
    const DATE_EXAMPLE: &str = "a UTC time YYYY-MM-DD HH:MM:SS such as 2023-02-15 22:08:16";
    let name = recs.name().to_string();
    let name = name.as_str();
    let mut out: Vec<Probe> = Vec::new();
    while recs.next()? {
        let line = recs.line();
        let rec = &*recs;
        if rec.len() != 2 {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "expected 2 fields as in the header date,availability, found {}",
                    rec.len()
                ),
            )
            .at_line(line));
        }
        let raw = rec.get(di).unwrap_or_default();
        let s = text_value(name, line, "date", raw, DATE_EXAMPLE)?;
        let time = parse_naive_utc(s).map_err(|e| {
            err_at(
                name,
                line,
                "date",
                InputErrorKind::BadValue,
                format!(
                    "{e}: found `{}`, expected {DATE_EXAMPLE}",
                    show(s.as_bytes())
                ),
            )
        })?;
        let value = count_value(name, line, "availability", rec.get(ai).unwrap_or_default())?;
        if let Some(prev) = out.last()
            && time <= prev.time
        {
            return Err(err_at(
                name,
                line,
                "date",
                InputErrorKind::Conflict,
                format!(
                    "{time} is not after {} at line {}: probes must be in strictly \
                         increasing time order",
                    prev.time, prev.line
                ),
            ));
        }
        out.push(Probe { time, value, line });
    }
    if out.is_empty() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no probes after the header date,availability",
        ));
    }
    Ok(out)
}

const TS: &str = "Timestamp";
const AZ: &str = "AvailabilityZone";
const AZ_ID: &str = "AvailabilityZoneId";
const TYPE: &str = "InstanceType";
const CAP: &str = "Capacity";
const CAP_COLUMNS: [&str; 5] = [TS, AZ, AZ_ID, TYPE, CAP];

fn read_canonical(mut recs: Records<'_>) -> Result<CapacityHistory, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    let hline = recs.line();
    let rec = &recs;
    let mut found: [Option<usize>; 5] = [None; 5];
    for (i, raw) in rec.iter().enumerate() {
        let col = raw.trim_ascii();
        let Some(k) = CAP_COLUMNS.iter().position(|c| c.as_bytes() == col) else {
            let hint = CAP_COLUMNS
                .iter()
                .find(|c| c.as_bytes().eq_ignore_ascii_case(col))
                .map(|c| format!(" (column names are case-sensitive: did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(err_at(
                name,
                hline,
                &show(col),
                InputErrorKind::UnknownField,
                format!(
                    "unknown column{hint}; expected the columns \
                     Timestamp, AvailabilityZone (or AvailabilityZoneId), InstanceType, \
                     Capacity, or an availability CSV's date,availability"
                ),
            ));
        };
        if let Some(first) = found[k] {
            return Err(err_at(
                name,
                hline,
                CAP_COLUMNS[k],
                InputErrorKind::Syntax,
                format!("column appears twice (columns {} and {})", first + 1, i + 1),
            ));
        }
        found[k] = Some(i);
    }
    let missing = |k: usize| {
        err_at(
            name,
            hline,
            CAP_COLUMNS[k],
            InputErrorKind::MissingField,
            format!(
                "the header has no `{}` column; expected the columns Timestamp, \
                 AvailabilityZone (or AvailabilityZoneId), InstanceType, Capacity in any order",
                CAP_COLUMNS[k]
            ),
        )
    };
    let ts = found[0].ok_or_else(|| missing(0))?;
    let (az, az_id) = (found[1], found[2]);
    if az.is_none() && az_id.is_none() {
        return Err(missing(1));
    }
    let ty = found[3].ok_or_else(|| missing(3))?;
    let cap = found[4].ok_or_else(|| missing(4))?;
    let ncols = rec.len();

    let mut interner: Interner<CapacityKey> = Interner::new();
    let mut last: Vec<(SimTime, u64)> = Vec::new();
    let mut rows: Vec<CapacityRow> = Vec::new();
    while recs.next()? {
        let line = recs.line();
        let rec = &recs;
        if rec.len() != ncols {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "expected {ncols} fields as in the header, found {}",
                    rec.len()
                ),
            )
            .at_line(line));
        }
        let get = |i: usize| rec.get(i).unwrap_or_default().trim_ascii();
        let (is_id, zcol, zfield) = match (az, az_id) {
            (Some(a), Some(b)) if get(a).is_empty() && !get(b).is_empty() => (true, b, AZ_ID),
            (Some(a), _) => (false, a, AZ),
            (None, Some(b)) => (true, b, AZ_ID),
            (None, None) => return Err(missing(1)),
        };
        let (zraw, traw) = (get(zcol), get(ty));
        interner.begin();
        interner.part(u8::from(is_id), zraw);
        interner.part(2, traw);
        let series = interner.finish(name, || {
            let z = super::zone_value(name, line, zfield, zraw)?;
            Ok(CapacityKey {
                zone: if is_id {
                    Zone::Id(z.to_string())
                } else {
                    Zone::parse(z)
                },
                instance_type: text_value(name, line, TYPE, traw, "an instance type")?.to_string(),
            })
        })?;
        let time = rfc3339_value(name, line, TS, get(ts))?;
        let capacity = count_value(name, line, CAP, get(cap))?;
        match last.get_mut(series as usize) {
            Some((prev, prev_line)) => {
                if time <= *prev {
                    return Err(err_at(
                        name,
                        line,
                        TS,
                        InputErrorKind::Conflict,
                        format!(
                            "{time} is not after {prev} at line {prev_line} of the same pool: \
                             rows of each pool must be in strictly increasing time order"
                        ),
                    ));
                }
                *prev = time;
                *prev_line = line;
            }
            None => last.push((time, line)),
        }
        rows.push(CapacityRow {
            series,
            time,
            capacity,
            line,
        });
    }
    if rows.is_empty() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no data rows after the header Timestamp,AvailabilityZone,InstanceType,Capacity",
        ));
    }
    let n = rows.len() as u64;
    Ok(CapacityHistory {
        source: source(name, recs.finish()?, "capacity-csv", n),
        series: interner.into_keys(),
        rows,
    })
}
