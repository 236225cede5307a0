//! Timestamped availability CSVs for deadline jobs (`format` `availability-csv`): every
//! probe with its real time ([`ProbeSeries`]), optional aligned per-probe prices, and
//! the resampling onto ticks ([`ProbeSeries::to_ticks`]). See [`trace`](super::trace)
//! for the formats. Split out of `trace`.
use std::path::Path;

use crate::error::{ConfigError, InputError};
use crate::ingest::{Probe, ProbePriceMap, Records, read_probes, zone_of_file_name};
use crate::market::SourceFile;
use crate::money::Rate;
use crate::time::SimTime;

use super::trace::{Convention, JobTrace};
// ---------------------------------------------------------------------------------------
// Timestamped availability CSVs

/// Every probe of a timestamped availability CSV, with its real time (see the module
/// docs).
///
/// ```
/// use spotsim::job::read_probe_series_bytes;
/// let csv = b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n2023-02-15 22:14:46,1\n";
/// let prices = br#"{"us-east-1a_v100_1":[1.0,1.1,1.2]}"#;
/// let s = read_probe_series_bytes("us-east-1a_v100_1.csv", csv, Some(("p.json", &prices[..])))?;
/// assert_eq!(s.available, vec![0, 1, 1]);
/// // Ticks of 190 s from the first probe (t0, t0+195, t0+390): t0 and t0+190 take the
/// // first probe, t0+380 the second; t0+570 is after the last probe, so 3 ticks.
/// let t = s.to_ticks(190)?;
/// assert_eq!(t.available, vec![0, 0, 1]);
/// assert_eq!(t.prices.unwrap()[2].to_string(), "1.1");
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeSeries {
    /// Probe times, strictly increasing.
    pub times: Vec<SimTime>,
    /// Spot instances available at each probe (the CSV's `availability`).
    pub available: Vec<u32>,
    /// The spot price at each probe, when a price file was given.
    pub prices: Option<Vec<Rate>>,
    /// The zone (the file name's prefix before the first `_`).
    pub zone: String,
    /// The CSV (`format` `availability-csv`).
    pub source: SourceFile,
    /// The price file (`format` `probe-prices`), when given.
    pub price_source: Option<SourceFile>,
}

/// Reads a timestamped availability CSV and, optionally, its aligned per-probe prices
/// (`v100_spot_prices.json`, key = the CSV's file stem).
///
/// # Errors
/// [`InputError`]: `Io` when a file cannot be read, otherwise as for
/// [`read_probe_series_bytes`].
pub fn read_probe_series(
    csv: &Path,
    prices_json: Option<&Path>,
) -> Result<ProbeSeries, InputError> {
    let prices = prices_json.map(ProbePriceMap::open).transpose()?;
    probe_series(Records::open(csv)?, prices.as_ref())
}

/// [`read_probe_series`] on bytes: `name` is the CSV's name (errors, zone, price key);
/// `prices` is the price file's name and bytes.
///
/// # Errors
/// [`InputError`] naming file, line and field, from `ingest`'s readers (the same rules
/// as `run --capacity`): the header must be `date,availability` in either order
/// (`MissingField`), each row two fields (`Syntax`), `date` a UTC time
/// `YYYY-MM-DD HH:MM:SS` strictly after the previous row's (`BadValue`, `Conflict`),
/// `availability` a non-negative integer (`BadValue`); `Empty` without data rows. The
/// price file: `Syntax` for malformed JSON, `MissingField` (field = the stem) when it has
/// no key for the CSV, `Conflict` when the lengths differ, `BadValue` (field = the key,
/// index and probe line in the message) for a negative price.
pub fn read_probe_series_bytes(
    name: &str,
    bytes: &[u8],
    prices: Option<(&str, &[u8])>,
) -> Result<ProbeSeries, InputError> {
    let prices = prices
        .map(|(pname, pbytes)| ProbePriceMap::parse(pname, pbytes))
        .transpose()?;
    probe_series(Records::from_bytes(name, bytes), prices.as_ref())
}

/// [`read_probe_series_bytes`] over records of bytes or of a file read in bounded memory.
pub(crate) fn probe_series(
    recs: Records<'_>,
    prices: Option<&ProbePriceMap>,
) -> Result<ProbeSeries, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    // The one reader of availability CSVs (`ingest`): either column order, strictly
    // increasing times, non-negative counts.
    let (probes, sha256): (Vec<Probe>, String) = read_probes(recs)?;
    let (prices, price_source) = match prices {
        None => (None, None),
        Some(map) => {
            let key = map.key_for(name, None)?;
            let p = map.prices(key, name, "probes", probes.len(), |i| {
                format!("the probe at {name}:{}", probes[i].line)
            })?;
            (Some(p), Some(map.source(probes.len() as u64)))
        }
    };
    Ok(ProbeSeries {
        zone: zone_of_file_name(name).to_string(),
        source: SourceFile {
            path: name.to_string(),
            sha256,
            format: "availability-csv".into(),
            rows: probes.len() as u64,
        },
        times: probes.iter().map(|p| p.time).collect(),
        available: probes.iter().map(|p| p.value).collect(),
        prices,
        price_source,
    })
}

/// A tick trace with per-tick spot prices from a per-probe price file
/// (`v100_spot_prices.json`, `{"<zone>_v100_1":[USD/h, …]}`): the trace's ticks are the
/// probes (as the `aws-02-15-2023` spot-traces files are the `aws-v100-2023-02-15` CSVs
/// value for value, G = 195 s), so the key's prices must number the trace's ticks. The
/// key is the trace file's stem, else the only key of the trace's zone (`us-east-1c.json`
/// finds `us-east-1c_v100_1`).
///
/// # Errors
/// As the price file of [`read_probe_series_bytes`]: `Syntax`, `MissingField` (no key),
/// `Conflict` (lengths differ), `BadValue` (a negative price, field `key[i]`).
///
/// ```
/// use spotsim::job::{with_probe_prices, read_spot_trace_bytes, Convention, TraceOptions};
/// let t = read_spot_trace_bytes("d/us-east-1c.json", br#"{"metadata":{"gap_seconds":195},"data":[1,0]}"#,
///     &TraceOptions::new(Convention::Available))?;
/// let t = with_probe_prices(t, "p.json", br#"{"us-east-1c_v100_1":[1.2,1.3],"us-east-2b_v100_1":[1,1]}"#)?;
/// assert_eq!(t.prices.unwrap()[1].to_string(), "1.3");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn with_probe_prices(
    trace: JobTrace,
    prices_name: &str,
    prices: &[u8],
) -> Result<JobTrace, InputError> {
    with_price_map(trace, &ProbePriceMap::parse(prices_name, prices)?)
}

/// [`with_probe_prices`] with the price file parsed.
pub(crate) fn with_price_map(
    mut trace: JobTrace,
    map: &ProbePriceMap,
) -> Result<JobTrace, InputError> {
    let path = trace.source.path.clone();
    let key = map.key_for(&path, Some(&trace.zone))?;
    let n = trace.ticks();
    let p = map.prices(key, &path, "ticks", n, |i| format!("tick {i} of {path}"))?;
    trace.prices = Some(p);
    trace.price_source = Some(map.source(n as u64));
    Ok(trace)
}

impl ProbeSeries {
    /// Resamples onto ticks of `gap_secs`: tick *i* takes the value and price of the last
    /// probe at or before `t0 + i·G` (`t0` = the first probe), for every `i` with
    /// `t0 + i·G ≤` the last probe. [`JobTrace::start`] is `t0`.
    ///
    /// # Errors
    /// [`ConfigError`] when `gap_secs ≤ 0`.
    pub fn to_ticks(&self, gap_secs: i64) -> Result<JobTrace, ConfigError> {
        if gap_secs <= 0 {
            return Err(ConfigError::new(
                "gap",
                format!("must be a positive number of seconds, got {gap_secs}"),
            ));
        }
        let (Some(&t0), Some(&last)) = (self.times.first(), self.times.last()) else {
            return Err(ConfigError::new("trace", "has no probes"));
        };
        // The tick count is bounded before anything is allocated: four probes a second
        // apart and a last one dated decades later would otherwise ask for a tick per
        // second of the span.
        let span = last.since(t0);
        let n = usize::try_from(span / gap_secs + 1)
            .ok()
            .filter(|&n| n <= crate::limits::MAX_JOB_TICKS)
            .ok_or_else(|| {
                ConfigError::new(
                    "trace",
                    format!(
                        "{}: {span} s from the first probe ({t0}) to the last ({last}) in ticks of {gap_secs} s is more than {} ticks; give a larger --gap",
                        crate::text::escape(&self.source.path),
                        crate::limits::MAX_JOB_TICKS
                    ),
                )
            })?;
        let mut available = Vec::with_capacity(n);
        let mut prices = self.prices.as_ref().map(|_| Vec::with_capacity(n));
        let mut j = 0usize;
        for i in 0..n {
            let at = t0.plus(i as i64 * gap_secs);
            while self.times.get(j + 1).is_some_and(|&t| t <= at) {
                j += 1;
            }
            available.push(self.available.get(j).copied().unwrap_or(0));
            if let (Some(out), Some(p)) = (prices.as_mut(), self.prices.as_ref()) {
                out.push(p.get(j).copied().unwrap_or(Rate::ZERO));
            }
        }
        let mut source = self.source.clone();
        source.format = format!("availability-csv resampled to {gap_secs} s ticks");
        Ok(JobTrace {
            gap_secs,
            available,
            prices,
            start: Some(t0),
            zone: self.zone.clone(),
            spot_price: None,
            ondemand_price: None,
            convention: Convention::Available,
            source,
            price_source: self.price_source.clone(),
        })
    }

    /// Median spacing between consecutive probes, seconds (0 for a single probe).
    pub fn median_spacing_secs(&self) -> i64 {
        let mut d: Vec<i64> = self.times.windows(2).map(|w| w[1].since(w[0])).collect();
        if d.is_empty() {
            return 0;
        }
        d.sort_unstable();
        d[d.len() / 2]
    }
}
