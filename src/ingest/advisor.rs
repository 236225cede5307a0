//! The Spot Instance Advisor feed (aws-facts.md §2.4): per region, OS and instance type,
//! the band of capacity reclaimed over the trailing month and the savings over
//! on-demand.
//!
//! Two layouts are read (detected by the name or the first non-blank byte, see
//! `is_json`), both streamed from a file (memory: a 64 KiB read, or serde's buffer, and
//! the entries):
//! * the JSON feed `spot-advisor-data.json`:
//!   `{"ranges":[{"index","label","max"}…], "spot_advisor":{"<region>":{"Linux"|"Windows":{"<type>":{"s":savings,"r":band}}}}, …}`
//!   (`../shared/data/spot-advisor/`);
//! * its CSV extract `region,os,instance_type,vcpu,memory_gib,interruption_band_index,interruption_band_label,interruption_band_max_pct,savings_vs_ondemand_pct`
//!   (`../shared/data/pricing/spot_advisor_us_east_1_linux.csv`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{count_value, sha256_hex, strip_bom, text_value};
use crate::error::{InputError, InputErrorKind};
use crate::market::SourceFile;

/// One interruption band of the feed's `ranges`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AdvisorBand {
    /// Band index (0 = `<5%` … 4 = `>20%`).
    pub index: u8,
    /// The label, e.g. `10-15%`.
    pub label: String,
    /// The feed's upper bound, percent (5, 11, 16, 22, 100; not the label's bounds, §2.4).
    pub max: u32,
}

/// One instance type's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdvisorEntry {
    /// Index of its interruption band.
    pub band: u8,
    /// Savings over on-demand, percent (may be negative in 2025 data).
    pub savings_pct: i32,
}

/// A Spot Instance Advisor snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvisorData {
    /// The file.
    pub source: SourceFile,
    /// The bands, by index.
    pub bands: Vec<AdvisorBand>,
    /// `(region, os, instance type)` → entry.
    pub entries: BTreeMap<(String, String, String), AdvisorEntry>,
}

impl AdvisorData {
    /// The entry of `instance_type` in `region` for `os` (`Linux` or `Windows`).
    pub fn get(&self, region: &str, os: &str, instance_type: &str) -> Option<AdvisorEntry> {
        self.entries
            .get(&(
                region.to_string(),
                os.to_string(),
                instance_type.to_string(),
            ))
            .copied()
    }

    /// The regions present.
    pub fn regions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.entries.keys().map(|k| k.0.as_str()).collect();
        v.dedup();
        v
    }
}

/// The five bands the feed has always published (used for the CSV layout, which
/// carries labels but not the `ranges` table).
fn default_bands() -> Vec<AdvisorBand> {
    [
        ("<5%", 5),
        ("5-10%", 11),
        ("10-15%", 16),
        ("15-20%", 22),
        (">20%", 100),
    ]
    .iter()
    .enumerate()
    .map(|(i, (l, m))| AdvisorBand {
        index: i as u8,
        label: l.to_string(),
        max: *m,
    })
    .collect()
}

/// Reads an advisor file (JSON feed or CSV extract).
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_advisor_file(path: &Path) -> Result<AdvisorData, InputError> {
    let f = super::Sniffed::open(path)?;
    let name = f.name().to_string();
    let Some(json) = is_json(&name, f.head()) else {
        return Err(empty(&name));
    };
    let (parsed, sha256) = if json {
        let mut r = f.hashed().buffered();
        let parsed = read_json(&name, serde_json::from_reader(&mut r))?;
        (parsed, r.into_inner().hex())
    } else {
        let mut recs = f.records();
        let parsed = read_csv(&mut recs)?;
        (parsed, recs.finish()?)
    };
    advisor_data(&name, json, parsed, sha256)
}

/// Whether advisor data whose first bytes are `head` is the JSON feed: a file named
/// `.json`, or whose first byte that is not blank, within the first 64 KiB, is `{` or
/// `[`; otherwise the CSV extract (whose reader skips blank lines). `None` when `head`
/// is blank and shorter than 64 KiB: the data is empty. Only the first 64 KiB are
/// looked at, so that a file is streamed whatever it starts with.
fn is_json(name: &str, head: &[u8]) -> Option<bool> {
    let head = &head[..head.len().min(super::records::READ)];
    let first = strip_bom(head).iter().find(|c| !c.is_ascii_whitespace());
    if first.is_none() && head.len() < super::records::READ {
        return None;
    }
    Some(super::json_named(name) || matches!(first, Some(b'{' | b'[')))
}

fn empty(name: &str) -> InputError {
    InputError::new(name, InputErrorKind::Empty, "the file is empty")
}

/// Reads advisor data from bytes; `name` is used in errors.
///
/// # Errors
/// [`InputError`] naming file, line and field: bad JSON (with line), a band index
/// outside the bands, missing or unknown CSV columns, empty data.
///
/// ```
/// use spotsim::ingest::read_advisor_bytes;
/// let json = br#"{"ranges":[{"index":0,"label":"<5%","dots":0,"max":5}],
///   "spot_advisor":{"us-east-1":{"Linux":{"m5.large":{"s":66,"r":0}}}}}"#;
/// let a = read_advisor_bytes("advisor.json", json).unwrap();
/// assert_eq!(a.get("us-east-1", "Linux", "m5.large").unwrap().band, 0);
/// let bad = br#"{"ranges":[{"index":0,"label":"<5%","dots":0,"max":5}],
///   "spot_advisor":{"us-east-1":{"Linux":{"m5.large":{"s":66,"r":7}}}}}"#;
/// let e = read_advisor_bytes("advisor.json", bad).unwrap_err();
/// assert!(e.to_string().contains("spot_advisor.us-east-1.Linux.m5.large.r"), "{e}");
/// ```
pub fn read_advisor_bytes(name: &str, bytes: &[u8]) -> Result<AdvisorData, InputError> {
    let Some(json) = is_json(name, bytes) else {
        return Err(empty(name));
    };
    let parsed = if json {
        read_json(name, serde_json::from_slice(strip_bom(bytes)))?
    } else {
        read_csv(&mut super::Records::from_bytes(name, bytes))?
    };
    advisor_data(name, json, parsed, sha256_hex(bytes))
}

/// The advisor data once parsed.
fn advisor_data(
    name: &str,
    json: bool,
    (bands, entries, rows): Parsed,
    sha256: String,
) -> Result<AdvisorData, InputError> {
    if entries.is_empty() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no instance types in the advisor data",
        ));
    }
    Ok(AdvisorData {
        source: SourceFile {
            path: name.to_string(),
            sha256,
            format: if json { "advisor-json" } else { "advisor-csv" }.to_string(),
            rows,
        },
        bands,
        entries,
    })
}

type Parsed = (
    Vec<AdvisorBand>,
    BTreeMap<(String, String, String), AdvisorEntry>,
    u64,
);

#[derive(Deserialize)]
struct Entry {
    r: u8,
    s: i32,
}
#[derive(Deserialize)]
struct Feed {
    ranges: Vec<AdvisorBand>,
    spot_advisor: BTreeMap<String, BTreeMap<String, BTreeMap<String, Entry>>>,
}

/// The JSON feed, once deserialized (from bytes or a stream).
fn read_json(name: &str, feed: Result<Feed, serde_json::Error>) -> Result<Parsed, InputError> {
    let feed: Feed = feed.map_err(|e| {
        InputError::new(name, InputErrorKind::Syntax, format!("{e}")).at_line(e.line() as u64)
    })?;
    let mut bands = feed.ranges;
    bands.sort_by_key(|b| b.index);
    let mut entries = BTreeMap::new();
    let mut rows = 0;
    for (region, oses) in feed.spot_advisor {
        for (os, types) in oses {
            for (ty, e) in types {
                if !bands.iter().any(|b| b.index == e.r) {
                    return Err(InputError::new(
                        name,
                        InputErrorKind::BadValue,
                        format!(
                            "band index {} is not in `ranges` (0..={})",
                            e.r,
                            bands.len().saturating_sub(1)
                        ),
                    )
                    .field(format!("spot_advisor.{region}.{os}.{ty}.r")));
                }
                rows += 1;
                entries.insert(
                    (region.clone(), os.clone(), ty),
                    AdvisorEntry {
                        band: e.r,
                        savings_pct: e.s,
                    },
                );
            }
        }
    }
    Ok((bands, entries, rows))
}

const CSV_COLS: [&str; 9] = [
    "region",
    "os",
    "instance_type",
    "vcpu",
    "memory_gib",
    "interruption_band_index",
    "interruption_band_label",
    "interruption_band_max_pct",
    "savings_vs_ondemand_pct",
];

fn read_csv(recs: &mut super::Records<'_>) -> Result<Parsed, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    if !recs.next()? {
        return Err(empty(name));
    }
    let header_line = recs.line();
    let mut col = [usize::MAX; 9];
    for (i, h) in recs.iter().enumerate() {
        let h = String::from_utf8_lossy(h.trim_ascii()).into_owned();
        match CSV_COLS.iter().position(|c| *c == h) {
            Some(j) => col[j] = i,
            None => {
                return Err(InputError::new(
                    name,
                    InputErrorKind::UnknownField,
                    format!("unknown column; expected {}", CSV_COLS.join(",")),
                )
                .at_line(recs.line())
                .field(h));
            }
        }
    }
    for (j, c) in [0usize, 1, 2, 5, 8].iter().map(|&j| (j, col[j])) {
        if c == usize::MAX {
            return Err(
                InputError::new(name, InputErrorKind::MissingField, "missing column")
                    .at_line(header_line)
                    .field(CSV_COLS[j]),
            );
        }
    }
    let bands = default_bands();
    let mut entries = BTreeMap::new();
    let mut rows = 0;
    while recs.next()? {
        let line = recs.line();
        let rec = &*recs;
        let get = |j: usize| rec.get(col[j]).unwrap_or(b"");
        let region = text_value(
            name,
            line,
            CSV_COLS[0],
            get(0),
            "a region such as us-east-1",
        )?;
        let os = text_value(name, line, CSV_COLS[1], get(1), "Linux or Windows")?;
        let ty = text_value(name, line, CSV_COLS[2], get(2), "an instance type")?;
        let band = count_value(name, line, CSV_COLS[5], get(5))?;
        if band as usize >= bands.len() {
            return Err(InputError::new(
                name,
                InputErrorKind::BadValue,
                format!("band index {band}: expected 0..=4"),
            )
            .at_line(line)
            .field(CSV_COLS[5]));
        }
        let s = text_value(name, line, CSV_COLS[8], get(8), "a whole percentage")?;
        let savings_pct: i32 = s.parse().map_err(|_| {
            InputError::new(
                name,
                InputErrorKind::BadValue,
                format!("`{s}` is not a whole percentage"),
            )
            .at_line(line)
            .field(CSV_COLS[8])
        })?;
        rows += 1;
        entries.insert(
            (region.to_string(), os.to_string(), ty.to_string()),
            AdvisorEntry {
                band: band as u8,
                savings_pct,
            },
        );
    }
    Ok((bands, entries, rows))
}
