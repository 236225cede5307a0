//! Availability traces for deadline jobs: the spot-traces JSON of the Can't-Be-Late
//! (NSDI'24) trace set and the timestamped availability CSVs of the 2023 V100 set.
//!
//! # The spot-traces JSON (`format` `spot-traces-json`)
//!
//! `{"metadata":{"gap_seconds":G, …},"data":[v0,v1,…],"prices":[…]?}` (data/README.md
//! "spot-traces"): tick *i* covers `[t0 + i·G, t0 + (i+1)·G)`.
//!
//! * **The convention is a required option, never guessed** (deadline-jobs.md "Trace
//!   conventions"; data/README.md: *"make the convention an explicit option"*):
//!   * [`Convention::Available`]: the value is the number of spot instances available
//!     (held) in the tick, as data/README.md documents every spot-traces file
//!     (`1-node`: 0/1, `16-node`: 0..16, `4-node`: 0..4).
//!   * [`Convention::Preempted`]: the value says the spot instance is *preempted*, as the
//!     GCP H100 files (`gcp-h100-2025-10/`) store it (1 = preempted, 0 = available) — and
//!     as the original Can't-Be-Late simulator reads *every* file (its `TraceEnv` computes
//!     `has_spot = not data[tick]`). For a 0/1 file, available = `1 − v`. A value above 1
//!     is an error unless [`TraceOptions::nodes`] gives the node count `n`, in which case
//!     the value is the number of preempted nodes and available = `n − v` (a value above
//!     `n` is an error). Kept that simple on purpose.
//! * `metadata.gap_seconds` is required: a positive whole number of seconds (`600` or
//!   `600.0`; a fraction is an error — ticks are integer milliseconds downstream).
//! * `metadata.start_time` (RFC 3339, GCP H100 files), when present, becomes
//!   [`JobTrace::start`] (fraction of a second dropped).
//! * `metadata.price_info` (GCP H100 files), when present: `price` is the constant spot
//!   price and `on_demand_price` the on-demand price, both USD per hour
//!   ([`JobTrace::spot_price`], [`JobTrace::ondemand_price`]); a `currency` other than
//!   `USD` is an error.
//! * `prices`, when present, is the spot price of each tick in USD per hour
//!   ([`JobTrace::prices`]); it must have one entry per tick.
//! * `metadata.zone`, else the file name's prefix before the first `_`
//!   (`us-west-2a_v100_1.json` → `us-west-2a`), names the zone ([`JobTrace::zone`]).
//!
//! Errors ([`InputError`]) name the file, the JSON line (the 1-based line the offending
//! value starts on; the published files are one line long) and the field
//! (`metadata.gap_seconds`, `data[17]`, `prices[3]`, …): missing or non-positive gap,
//! negative or out-of-range values, prices whose length differs from the data's,
//! negative prices (`NaN` is not JSON and is reported as a syntax error), empty data.
//!
//! The file is streamed (`trace_json`): memory is a 1 MiB read, the longest single value
//! (at most 64 MiB) and the trace (4 bytes a tick, 8 more a price); each tick is checked
//! as it is read, so a bad one early in a huge file fails at once.
//!
//! # Timestamped availability CSVs (`format` `availability-csv`)
//!
//! `date,availability` (data/README.md "aws-v100-2023-02-15"): naive UTC timestamps
//! (`YYYY-MM-DD HH:MM:SS`), real probe spacing 194–280 s. deadline-jobs.md prefers this
//! form. [`read_probe_series`] keeps every probe with its real timestamp
//! ([`ProbeSeries`]) and, optionally, the aligned per-probe spot prices of
//! `v100_spot_prices.json` (key = the CSV's file stem, one price per probe). For tick
//! mode, [`ProbeSeries::to_ticks`] resamples onto ticks of a chosen gap `G`: **tick *i*
//! takes the value (and price) of the last probe at or before `t0 + i·G`**, where `t0` is
//! the first probe, for every `i` with `t0 + i·G ≤` the last probe (a step function
//! sampled at tick starts). The event-driven mode should use the probes themselves.
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;

pub use super::probes::{
    ProbeSeries, read_probe_series, read_probe_series_bytes, with_probe_prices,
};
use crate::error::{ConfigError, InputError, InputErrorKind};
use crate::market::SourceFile;
use crate::money::Rate;
use crate::time::SimTime;

/// How a spot-traces JSON value is to be read (see the module docs). There is no
/// default: the caller must say.
///
/// ```
/// use spotsim::job::Convention;
/// assert_eq!("preempted".parse::<Convention>().unwrap(), Convention::Preempted);
/// let err = "inverted".parse::<Convention>().unwrap_err();
/// assert!(err.to_string().contains("available, preempted"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Convention {
    /// The value is the number of spot instances available in the tick (1 = available).
    Available,
    /// The value says the instance is preempted (1 = preempted, 0 = available).
    Preempted,
}

impl Convention {
    /// Every convention's name, as [`FromStr`] accepts it.
    pub const NAMES: &'static [&'static str] = &["available", "preempted"];

    /// The name ([`FromStr`] accepts it back).
    pub fn name(self) -> &'static str {
        match self {
            Convention::Available => "available",
            Convention::Preempted => "preempted",
        }
    }
}

impl FromStr for Convention {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "available" => Ok(Convention::Available),
            "preempted" => Ok(Convention::Preempted),
            _ => Err(ConfigError::new(
                "convention",
                format!(
                    "unknown trace convention `{s}`; expected one of: {}",
                    Convention::NAMES.join(", ")
                ),
            )),
        }
    }
}

impl std::fmt::Display for Convention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Options of [`read_spot_trace`].
///
/// ```
/// use spotsim::job::{Convention, TraceOptions};
/// let o = TraceOptions::new(Convention::Preempted).nodes(16);
/// assert_eq!(o.nodes, Some(16));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceOptions {
    /// How the values are read (required).
    pub convention: Convention,
    /// For [`Convention::Preempted`] files with values above 1: the node count, so that
    /// available = `nodes − value`. Ignored under [`Convention::Available`].
    pub nodes: Option<u32>,
}

impl TraceOptions {
    /// Options with a convention and no node count.
    pub fn new(convention: Convention) -> TraceOptions {
        TraceOptions {
            convention,
            nodes: None,
        }
    }

    /// Sets the node count (see [`TraceOptions::nodes`]).
    pub fn nodes(mut self, n: u32) -> TraceOptions {
        self.nodes = Some(n);
        self
    }
}

/// A tick trace of spot availability (and optionally spot prices) in one zone.
///
/// ```
/// use spotsim::job::JobTrace;
/// use spotsim::money::Rate;
/// let t = JobTrace::new(600, vec![1, 0, 1])?
///     .with_prices(vec![Rate::from_nano_usd(900_000_000); 3])?;
/// assert_eq!(t.ticks(), 3);
/// assert_eq!(t.duration_secs(), 1800);
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobTrace {
    /// Tick length `G`, seconds (> 0).
    pub gap_secs: i64,
    /// Spot instances available in each tick (after the [`Convention`] is applied).
    pub available: Vec<u32>,
    /// Spot price of each tick, when the trace has them (same length as `available`).
    pub prices: Option<Vec<Rate>>,
    /// When tick 0 starts, when known (`metadata.start_time`, or the first probe).
    pub start: Option<SimTime>,
    /// The zone (`metadata.zone`, else the file-name prefix).
    pub zone: String,
    /// A constant spot price from `metadata.price_info.price`.
    pub spot_price: Option<Rate>,
    /// The on-demand price from `metadata.price_info.on_demand_price`.
    pub ondemand_price: Option<Rate>,
    /// The convention the values were read with.
    pub convention: Convention,
    /// Where the trace came from (path, SHA-256, format, ticks read).
    pub source: SourceFile,
    /// The per-probe price file, for traces resampled from probes with prices.
    pub price_source: Option<SourceFile>,
}

impl JobTrace {
    /// An in-memory trace (availability counts per tick), e.g. for tests and synthetic
    /// benches. Its source is `<in-memory>`, format `in-memory`.
    ///
    /// # Errors
    /// [`ConfigError`] when `gap_secs ≤ 0` or `available` is empty.
    pub fn new(gap_secs: i64, available: Vec<u32>) -> Result<JobTrace, ConfigError> {
        if !(1..=crate::limits::MAX_GAP_SECS).contains(&gap_secs) {
            return Err(ConfigError::new(
                "gap_seconds",
                format!(
                    "must be a positive number of seconds, at most {} (a day), got {gap_secs}",
                    crate::limits::MAX_GAP_SECS
                ),
            ));
        }
        if available.len() > crate::limits::MAX_JOB_TICKS {
            return Err(ConfigError::new(
                "trace",
                format!(
                    "{} ticks: at most {}",
                    available.len(),
                    crate::limits::MAX_JOB_TICKS
                ),
            ));
        }
        if available.is_empty() {
            return Err(ConfigError::new("trace", "has no ticks"));
        }
        let rows = available.len() as u64;
        Ok(JobTrace {
            gap_secs,
            available,
            prices: None,
            start: None,
            zone: "zone".into(),
            spot_price: None,
            ondemand_price: None,
            convention: Convention::Available,
            source: SourceFile {
                path: "<in-memory>".into(),
                sha256: String::new(),
                format: "in-memory".into(),
                rows,
            },
            price_source: None,
        })
    }

    /// Sets per-tick spot prices.
    ///
    /// # Errors
    /// [`ConfigError`] when the length differs from the number of ticks.
    pub fn with_prices(mut self, prices: Vec<Rate>) -> Result<JobTrace, ConfigError> {
        if prices.len() != self.available.len() {
            return Err(ConfigError::new(
                "prices",
                format!(
                    "has {} entries for {} ticks",
                    prices.len(),
                    self.available.len()
                ),
            ));
        }
        self.prices = Some(prices);
        Ok(self)
    }

    /// Names the zone.
    pub fn with_zone(mut self, zone: impl Into<String>) -> JobTrace {
        self.zone = zone.into();
        self
    }

    /// Number of ticks.
    pub fn ticks(&self) -> usize {
        self.available.len()
    }

    /// Ticks × gap, seconds.
    pub fn duration_secs(&self) -> i64 {
        self.available.len() as i64 * self.gap_secs
    }
}

// ---------------------------------------------------------------------------------------
// spot-traces JSON (read by `trace_json`)

/// Reads a spot-traces JSON file (see the module docs).
///
/// # Errors
/// [`InputError`] of kind `Io` when the file cannot be read, otherwise as for
/// [`read_spot_trace_bytes`].
///
/// ```no_run
/// use spotsim::job::{read_spot_trace, Convention, TraceOptions};
/// let t = read_spot_trace(
///     "../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json".as_ref(),
///     &TraceOptions::new(Convention::Available),
/// )?;
/// assert_eq!(t.gap_secs, 600);
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_spot_trace(path: &Path, opts: &TraceOptions) -> Result<JobTrace, InputError> {
    // Streamed: a 1 MiB read, the longest value and what the trace parses to.
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path)
        .map_err(|e| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}")))?;
    super::trace_json::read(&name, crate::ingest::Source::Reader(&mut file), opts)
}

/// [`read_spot_trace`] on bytes; `name` is used in errors, as the source path and to
/// derive the zone when the metadata has none.
///
/// # Errors
/// [`InputError`] naming file, JSON line and field: `Syntax` for malformed JSON or a
/// value of the wrong type (with line and column), `MissingField` for a missing
/// `metadata.gap_seconds` or `data`, `BadValue` for a non-positive or fractional gap, a
/// negative or out-of-range value, a negative price, a bad `start_time`, `Conflict` when
/// `prices` and `data` differ in length, `Empty` when `data` is empty.
///
/// ```
/// use spotsim::job::{read_spot_trace_bytes, Convention, TraceOptions};
/// let json = br#"{"metadata":{"gap_seconds":600},"data":[1,0,1],"prices":[0.9,0.9,1.1]}"#;
/// let t = read_spot_trace_bytes("us-west-2a_v100_1.json", json, &TraceOptions::new(Convention::Available))?;
/// assert_eq!((t.gap_secs, t.available.clone(), t.zone.as_str()), (600, vec![1, 0, 1], "us-west-2a"));
/// let t = read_spot_trace_bytes("x.json", json, &TraceOptions::new(Convention::Preempted))?;
/// assert_eq!(t.available, vec![0, 1, 0]);
///
/// let bad = br#"{"metadata":{"gap_seconds":600},
///   "data":[1,-1]}"#;
/// let e = read_spot_trace_bytes("x.json", bad, &TraceOptions::new(Convention::Available)).unwrap_err();
/// assert_eq!(e.to_string(), "x.json:2: field `data[1]`: value -1 is negative; expected a count of instances");
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_spot_trace_bytes(
    name: &str,
    bytes: &[u8],
    opts: &TraceOptions,
) -> Result<JobTrace, InputError> {
    super::trace_json::read(name, crate::ingest::Source::Bytes(bytes), opts)
}

/// The zone a file name gives (`ingest`'s rule: the stem's prefix before the first `_`,
/// else the whole stem).
pub(super) fn zone_from_name(name: &str) -> String {
    crate::ingest::zone_of_file_name(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_from_names() {
        assert_eq!(zone_from_name("a/b/us-west-2a_v100_1.json"), "us-west-2a");
        assert_eq!(zone_from_name("trace.json"), "trace");
    }

    /// A tick array one longer than the limit is refused while it is parsed (once, the
    /// whole array was held, 8 bytes a value, before the tick count was checked).
    #[test]
    fn a_tick_array_past_the_limit_is_refused_while_parsed() {
        let n = crate::limits::MAX_JOB_TICKS;
        for key in ["data", "prices"] {
            let mut j = String::with_capacity(2 * n + 64);
            j.push_str("{\"metadata\":{\"gap_seconds\":1},\"");
            j.push_str(key);
            j.push_str("\":[0");
            for _ in 0..n {
                j.push_str(",0");
            }
            j.push_str("]}");
            let e = read_spot_trace_bytes(
                "t.json",
                j.as_bytes(),
                &TraceOptions::new(Convention::Available),
            )
            .unwrap_err()
            .to_string();
            assert!(
                e.starts_with("t.json:1: ") && e.contains("more than 10000000 ticks"),
                "{key}: {e}"
            );
        }
        // `null` is no array, as before.
        let e = read_spot_trace_bytes(
            "t.json",
            br#"{"metadata":{"gap_seconds":1},"data":null}"#,
            &TraceOptions::new(Convention::Available),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no `data` array"), "{e}");
    }
}
