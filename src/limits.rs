//! The documented bounds on what spotsim accepts, in one place. Each is enforced where
//! the value is read (option check or file reader), with a one-line error naming the
//! option, or the file, line and field — so that no later computation can overflow,
//! saturate a cast or allocate without bound:
//!
//! | what | bound | where it is checked |
//! |---|---|---|
//! | timestamps (every file and option) | years [`MIN_YEAR`]..=[`MAX_YEAR`] (EC2 Spot started in 2009) | [`crate::time`] parsers |
//! | `run --target` | [`MAX_TARGET`] capacity units | `scenario` |
//! | tasks per service, every desired count (`compare`) | [`MAX_TASKS`] | `compare`, the desired-count CSV reader, [`crate::workload::Service::desired_trace`] |
//! | launch latency, task start latency, restart overhead, rebalance lead | [`MAX_LATENCY_SECS`] (a week) | `run`, `compare`, `job` |
//! | `compare --hours` | [`MAX_HORIZON_HOURS`] | `compare` |
//! | `job --windows` | [`MAX_WINDOWS`] | `job`, [`crate::job::draw_starts`] |
//! | ticks of a job trace (a resampled availability CSV, `--start-hours`) | [`MAX_JOB_TICKS`] | `job` |
//! | `job --gap` | 1..=[`MAX_GAP_SECS`] | `job` |
//! | size of a data file read whole (`sweep merge` parts) | [`MAX_WHOLE_FILE_BYTES`] | that reader, before reading |
//! | size of a scenario or sweep file | [`MAX_CONFIG_FILE_BYTES`] | `scenario_file`, `sweep`, before reading |
//!
//! Numbers read as floats are refused when NaN or infinite everywhere (options and
//! files alike) and converted to integers only through checked conversions
//! ([`f64_to_i64`]).

use crate::error::ConfigError;

/// The earliest year a timestamp may have.
pub const MIN_YEAR: i64 = 2006;
/// The latest year a timestamp may have (up to 2099-12-31T23:59:59Z).
pub const MAX_YEAR: i64 = 2099;
/// The most windows `job --windows` runs.
pub const MAX_WINDOWS: usize = 100_000;
/// The most tasks one service may ask for at any instant (each Fargate task is
/// simulated).
pub const MAX_TASKS: u32 = 100_000;
pub use crate::scenario::MAX_TARGET;
/// The longest latency or overhead accepted, seconds (a week): launch latency, task
/// start latency, restart overhead, rebalance lead time.
pub const MAX_LATENCY_SECS: i64 = 7 * 86_400;
/// The longest `compare --hours` horizon (ten years of 365.25 days).
pub const MAX_HORIZON_HOURS: f64 = 87_660.0;
/// The most ticks a job trace may have (resampled availability CSVs; a start tick).
/// Ten million ticks: 115 days at 1 s, 190 years at 10 min.
pub const MAX_JOB_TICKS: usize = 10_000_000;
/// The longest tick of a job trace, seconds (a day).
pub const MAX_GAP_SECS: i64 = 86_400;
/// The largest file of a data format that is read whole — only `sweep merge` parts
/// (spotsim's own JSON Lines output) — 1 GiB, checked from the file's size before
/// reading. Every other data format is streamed, in memory bounded by a read buffer,
/// the longest single record or value and what the rows parse to:
///
/// * AWS price CSV and TSV, offer files, capacity, availability, desired-count,
///   advisor and egress CSVs, catalog CSV: 64 KiB or 1 MiB reads and the longest
///   record (at most 64 MiB, else an error at its line);
/// * AWS price JSON, job spot traces (JSON) and get-products JSON
///   (`ingest::json_window`): a 1 MiB read and the longest single value cut out of it
///   (a record, a tick, a product string, a trace's `metadata`, a member spotsim does
///   not read; at most 64 MiB). A trace parses to 4 bytes a tick and 8 a price, its
///   arrays refused past [`MAX_JOB_TICKS`] while they are read;
/// * Spot Advisor JSON and probe prices JSON: parsed by serde from a 64 KiB buffered
///   reader, memory the values parsed. The advisor's format is told from its name or
///   its first 64 KiB (a file blank that far is the CSV extract unless named `.json`),
///   so no file is read ahead further to decide it.
pub const MAX_WHOLE_FILE_BYTES: u64 = 1 << 30;
/// The largest configuration file — a scenario file (TOML or JSON) or a sweep file —
/// 16 MiB, checked before reading. They are written by people (the examples are a few
/// KB) and parsed into a tree several times the text's size (the `toml` crate has no
/// streaming parser), so they are read whole with a cap well below the data files'.
pub const MAX_CONFIG_FILE_BYTES: u64 = 16 << 20;

/// `value × scale`, rounded, as an `i64` within `0..=max`: the one checked float →
/// integer conversion for user values.
///
/// ```
/// use spotsim::limits::f64_to_i64;
/// assert_eq!(f64_to_i64("hours", 1.5, 3600.0, 1_000_000, "s").unwrap(), 5400);
/// assert!(f64_to_i64("hours", f64::NAN, 3600.0, 1_000_000, "s").is_err());
/// assert!(f64_to_i64("hours", 3.8e17, 3600.0, 1_000_000, "s").is_err());
/// assert!(f64_to_i64("hours", -1.0, 3600.0, 1_000_000, "s").is_err());
/// ```
///
/// # Errors
/// [`ConfigError`] naming `option` for NaN, infinities, negatives and values whose
/// product is above `max` (`unit` names `max`'s unit in the message).
pub fn f64_to_i64(
    option: &str,
    value: f64,
    scale: f64,
    max: i64,
    unit: &str,
) -> Result<i64, ConfigError> {
    if !value.is_finite() {
        return Err(ConfigError::new(
            option,
            format!("{value}: must be a finite number"),
        ));
    }
    if value < 0.0 {
        return Err(ConfigError::new(
            option,
            format!("{value}: must not be negative"),
        ));
    }
    let x = (value * scale).round();
    // `max as f64` is exact for every bound here (all below 2^53).
    if x > max as f64 {
        return Err(ConfigError::new(
            option,
            format!("{value}: at most {max} {unit}"),
        ));
    }
    Ok(x as i64)
}

/// Checks an integer number of seconds is within `0..=MAX_LATENCY_SECS`.
///
/// # Errors
/// [`ConfigError`] naming `option`.
pub(crate) fn latency(option: &str, secs: i64) -> Result<i64, ConfigError> {
    if (0..=MAX_LATENCY_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(ConfigError::new(
            option,
            format!("{secs} s: must be between 0 and {MAX_LATENCY_SECS} s (a week)"),
        ))
    }
}
