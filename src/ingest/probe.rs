//! Per-probe spot prices aligned with availability CSVs.
//!
//! The V100 trace set (`data/README.md` "availability/aws-v100-2023-02-15/") ships, beside
//! its `<zone>_v100_1.csv` availability probes (`date,availability`, see
//! [`read_capacity_bytes`](super::read_capacity_bytes)), a `v100_spot_prices.json` of the
//! shape `{"<zone>_v100_1": [price per probe, …]}`: the p3.2xlarge Linux spot price in
//! USD per hour at each probe, **aligned by index** with the CSV's data rows (a step
//! function resampled from `DescribeSpotPriceHistory`, aws-facts.md §7.1).
//!
//! [`read_probe_prices`] turns that pair into an ordinary [`PriceHistory`]:
//!
//! * one series per availability CSV, keyed by the CSV's file stem in the JSON; zone and
//!   instance type are derived as for availability CSVs (the file-name prefix, and the
//!   suffix table [`AVAILABILITY_FILE_TYPES`](super::AVAILABILITY_FILE_TYPES)), the
//!   `instance_type` argument overriding the table. *Assumption:* the product is
//!   `Linux/UNIX` (the data set's README says "Linux spot").
//! * a row at each probe's timestamp, consecutive equal prices collapsed into the first
//!   (except the last probe, kept so that the trace spans every probe);
//! * [`PriceRow::line`] is the line of the aligned probe **in its availability CSV**
//!   (the JSON is one line, so its own line would say nothing), and
//!   [`SourceFile`] names the JSON with `format` `probe-prices` and `rows` the number of
//!   prices read;
//! * prices are floats in the JSON and go through [`Rate::from_usd_f64`] (rounded to the
//!   nano-dollar). A `NaN` written by Python is not JSON and is reported as a syntax
//!   error with its line and column.
use std::collections::BTreeMap;
use std::path::Path;

use super::capacity::{file_stem, pool_from_file_name, read_probes};
use super::{Interner, PriceHistory, PriceRow, SeriesKey, sha256_hex, strip_bom};
use crate::error::{InputError, InputErrorKind};
use crate::market::SourceFile;
use crate::money::Rate;

/// A per-probe price file, `{"<stem>": [USD/h, …]}`, parsed once; the one reader of the
/// format (`run --prices`' probe prices and `job --probe-prices` both use it).
pub(crate) struct ProbePriceMap {
    name: String,
    map: BTreeMap<String, Vec<f64>>,
    sha256: String,
}

impl ProbePriceMap {
    /// Parses the file.
    ///
    /// # Errors
    /// `Syntax` (with line and column) for malformed JSON or a key whose value is not an
    /// array of numbers.
    /// Reads and parses the file at `path`, streamed (memory: the parsed prices).
    ///
    /// # Errors
    /// `Io` when it cannot be read; as [`ProbePriceMap::parse`].
    pub(crate) fn open(path: &std::path::Path) -> Result<ProbePriceMap, InputError> {
        let f = super::Sniffed::open(path)?;
        let name = f.name().to_string();
        let mut r = f.hashed().buffered();
        let map: BTreeMap<String, Vec<f64>> =
            serde_json::from_reader(&mut r).map_err(|e| super::aws::json_error(&name, &e))?;
        Ok(ProbePriceMap {
            name,
            map,
            sha256: r.into_inner().hex(),
        })
    }

    pub(crate) fn parse(name: &str, bytes: &[u8]) -> Result<ProbePriceMap, InputError> {
        let map: BTreeMap<String, Vec<f64>> = serde_json::from_slice(strip_bom(bytes))
            .map_err(|e| super::aws::json_error(name, &e))?;
        Ok(ProbePriceMap {
            name: name.to_string(),
            map,
            sha256: sha256_hex(bytes),
        })
    }

    /// The key of a trace file: its stem; with `by_zone`, when the stem is not a key, the
    /// only key whose zone (prefix before `_`) is the trace's zone (`us-east-1c.json`
    /// finds `us-east-1c_v100_1`).
    ///
    /// # Errors
    /// `MissingField` (field = the stem) when there is no such key.
    pub(crate) fn key_for(
        &self,
        trace_name: &str,
        by_zone: Option<&str>,
    ) -> Result<&str, InputError> {
        let (_, stem) = file_stem(trace_name);
        if let Some((k, _)) = self.map.get_key_value(stem) {
            return Ok(k);
        }
        if let Some(zone) = by_zone {
            let mut same = self
                .map
                .keys()
                .filter(|k| super::zone_of_file_name(k) == zone);
            if let (Some(k), None) = (same.next(), same.next()) {
                return Ok(k);
            }
        }
        let keys: Vec<&str> = self.map.keys().take(10).map(String::as_str).collect();
        Err(InputError::new(
            &self.name,
            InputErrorKind::MissingField,
            format!(
                "no key `{stem}` for {trace_name}; the JSON has {} keys: {}{}",
                self.map.len(),
                keys.join(", "),
                if self.map.len() > 10 { ", …" } else { "" }
            ),
        )
        .field(stem))
    }

    /// The prices under `key`, which must number `n`, one per probe (or tick) of
    /// `trace_name`; `what` names the rows ("probes", "ticks") and `at(i)` locates row
    /// `i` for messages (`file:line`).
    ///
    /// # Errors
    /// `Conflict` naming both files when the lengths differ; `BadValue` (field = the key,
    /// the index in the message) for a negative or absurd price.
    pub(crate) fn prices(
        &self,
        key: &str,
        trace_name: &str,
        what: &str,
        n: usize,
        at: impl Fn(usize) -> String,
    ) -> Result<Vec<Rate>, InputError> {
        let v = self.map.get(key).map_or(&[][..], Vec::as_slice);
        if v.len() != n {
            return Err(InputError::new(
                &self.name,
                InputErrorKind::Conflict,
                format!(
                    "{} prices under `{key}` but {n} {what} in {trace_name}: prices must be \
                     aligned by index with the {what}",
                    v.len()
                ),
            )
            .field(key));
        }
        v.iter()
            .enumerate()
            .map(|(i, &x)| {
                Rate::from_usd_f64(x).map_err(|e| {
                    InputError::new(
                        &self.name,
                        InputErrorKind::BadValue,
                        format!(
                            "{e}: found {x} at index {i} ({}), expected a non-negative price in \
                             USD per hour",
                            at(i)
                        ),
                    )
                    .field(key)
                })
            })
            .collect()
    }

    /// The file as an input of a report (`rows`: prices read).
    pub(crate) fn source(&self, rows: u64) -> SourceFile {
        SourceFile {
            path: self.name.clone(),
            sha256: self.sha256.clone(),
            format: "probe-prices".to_string(),
            rows,
        }
    }
}

/// The product description given to probe prices (see the module docs).
const PRODUCT: &str = "Linux/UNIX";

/// Reads per-probe prices: `json` is the `{"<stem>":[…]}` file, `availability_csvs` the
/// availability CSVs whose stems select the keys and whose timestamps the prices are
/// aligned with (see the module docs).
///
/// # Errors
/// [`InputError`]: `Io` when a file cannot be read, otherwise as for
/// [`read_probe_prices_bytes`].
///
/// ```no_run
/// use std::path::Path;
/// let dir = Path::new("data/availability/aws-v100-2023-02-15");
/// let csv = dir.join("us-east-1a_v100_1.csv");
/// let h = spotsim::ingest::read_probe_prices(&dir.join("v100_spot_prices.json"), &[&csv], None)?;
/// assert_eq!(h.series[0].instance_type, "p3.2xlarge");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_probe_prices(
    json: &Path,
    availability_csvs: &[&Path],
    instance_type: Option<&str>,
) -> Result<PriceHistory, InputError> {
    let names: Vec<String> = availability_csvs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    // The price file first (an unreadable one is the error, as before).
    let map = ProbePriceMap::open(json)?;
    probe_prices(
        &json.display().to_string(),
        || Ok(map),
        &names,
        |i| super::Records::open(availability_csvs[i]),
        instance_type,
    )
}

/// [`read_probe_prices`] on bytes: `json_name` and each CSV's name are used in errors;
/// the CSV names also select the JSON keys (their file stems) and give zone and type.
///
/// # Errors
/// [`InputError`]: `Syntax` (with line and column) for malformed JSON or a key whose
/// value is not an array of numbers; `MissingField` (field = the stem) when the JSON has
/// no key for a CSV; `Conflict` naming both files when a key's array and its CSV differ
/// in length; `BadValue` (field = the key, index in the message) for a negative or
/// absurd price; errors of the availability CSVs as for
/// [`read_capacity_bytes`](super::read_capacity_bytes); `Empty` when no CSV is given.
///
/// ```
/// use spotsim::ingest::read_probe_prices_bytes;
/// let json = br#"{"us-east-1a_v100_1": [1.6703, 1.6703, 2.0]}"#;
/// let csv = b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n2023-02-15 22:14:46,1\n";
/// let h = read_probe_prices_bytes("prices.json", json, &[("us-east-1a_v100_1.csv", &csv[..])], None)?;
/// assert_eq!(h.source.format, "probe-prices");
/// assert_eq!(h.rows.len(), 2, "equal consecutive prices are collapsed");
/// assert_eq!((h.rows[0].line, h.rows[1].line), (2, 4));
/// assert_eq!(h.rows[1].price.to_string(), "2");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_probe_prices_bytes(
    json_name: &str,
    json: &[u8],
    availability_csvs: &[(&str, &[u8])],
    instance_type: Option<&str>,
) -> Result<PriceHistory, InputError> {
    let names: Vec<String> = availability_csvs
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    probe_prices(
        json_name,
        || ProbePriceMap::parse(json_name, json),
        &names,
        |i| {
            let (n, b) = availability_csvs[i];
            Ok(super::Records::from_bytes(n, b))
        },
        instance_type,
    )
}

/// [`read_probe_prices_bytes`] with CSV `i` (named `csv_names[i]`) read from `csv(i)`.
fn probe_prices<'a>(
    json_name: &str,
    json: impl FnOnce() -> Result<ProbePriceMap, InputError>,
    csv_names: &[String],
    csv: impl Fn(usize) -> Result<super::Records<'a>, InputError>,
    instance_type: Option<&str>,
) -> Result<PriceHistory, InputError> {
    if csv_names.is_empty() {
        return Err(InputError::new(
            json_name,
            InputErrorKind::Empty,
            "no availability CSVs given: the prices are aligned with their rows",
        ));
    }
    let map = json()?;
    let mut interner: Interner<SeriesKey> = Interner::new();
    let mut rows: Vec<PriceRow> = Vec::new();
    let mut read = 0u64;
    for (i, csv_name) in csv_names.iter().enumerate() {
        let csv_name = csv_name.as_str();
        let key_name = map.key_for(csv_name, None)?.to_string();
        let key = pool_from_file_name(csv_name, None, instance_type)?;
        let (probes, _) = read_probes(csv(i)?)?;
        let prices = map.prices(&key_name, csv_name, "probes", probes.len(), |i| {
            format!("the probe at {csv_name}:{}", probes[i].line)
        })?;
        interner.begin();
        interner.part(
            u8::from(key.zone.kind() == "id"),
            key.zone.as_str().as_bytes(),
        );
        interner.part(2, key.instance_type.as_bytes());
        let series = interner.finish(json_name, || {
            Ok(SeriesKey {
                zone: key.zone.clone(),
                instance_type: key.instance_type.clone(),
                product: PRODUCT.to_string(),
            })
        })?;
        let mut prev: Option<Rate> = None;
        for (i, (&price, p)) in prices.iter().zip(&probes).enumerate() {
            read += 1;
            // The last probe is kept even when unchanged, so the trace spans the probes.
            if prev != Some(price) || i + 1 == probes.len() {
                rows.push(PriceRow {
                    series,
                    time: p.time,
                    price,
                    line: super::row_line(csv_name, p.line)?,
                });
                prev = Some(price);
            }
        }
    }
    Ok(PriceHistory {
        source: map.source(read),
        series: interner.into_keys(),
        rows,
    })
}
