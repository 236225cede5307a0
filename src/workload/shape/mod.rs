//! [`Demand`]: a service's desired task count over time.
//!
//! The synthetic shapes follow the AWS Pricing Calculator's EC2 workload patterns
//! (peers.md §9: *constant usage*, *daily spike*, *weekly spike*, *monthly spike*, each
//! with a baseline count, a peak count and a peak duration), stated exactly here
//! because the calculator does not publish its own definitions. All times are UTC and
//! every window is half-open, `[from, until)`:
//!
//! | shape | desired count |
//! |---|---|
//! | `constant` | `tasks` at every instant |
//! | `daily` | `peak` from `peak-start-hour`:00 for `peak-hours` hours every day, `baseline` otherwise |
//! | `weekly` | `peak` from `peak-start-hour`:00 for `peak-hours` hours on each of the first `peak-days` days of the week, counted from Monday (5: Monday to Friday), `baseline` otherwise |
//! | `monthly` | `peak` from `peak-start-hour`:00 on day `peak-day-of-month` of every month for `peak-hours` hours (up to 672, four weeks), `baseline` otherwise; in a month without that day (31 in April) the peak starts on the month's last day |
//! | `csv` | the counts of a `timestamp,desired_count` file ([`read_desired_bytes`](super::read_desired_bytes)); 0 before its first row |
//!
//! A peak window may run past midnight (daily `peak-start-hour = 22`, `peak-hours = 4`
//! peaks 22:00–02:00) and into the next period; overlapping windows merge. `peak` may be
//! below `baseline` (a nightly trough). Over whole periods, a daily spike gives exactly
//! `baseline × 24 + (peak − baseline) × peak-hours` task-hours per day.
//!
//! Defaults: `peak-start-hour` 9 (09:00 UTC, the start of a working day), `peak-days` 5
//! (Monday to Friday), `peak-day-of-month` 1. These are choices of this crate: the
//! calculator asks for them rather than defaulting them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::market::StepTrace;
use crate::time::{DAY, HOUR, SimTime};
use crate::time::{civil_from_days, days_from_civil, days_in_month};

mod windows;
use windows::{clip, day_windows, month_windows, shaped, weekday_from_monday};

/// Default `peak-start-hour`: 09:00 UTC.
pub const DEFAULT_PEAK_START_HOUR: u32 = 9;
/// Default `peak-days` of a weekly spike: Monday to Friday.
pub const DEFAULT_PEAK_DAYS: u32 = 5;
/// Default `peak-day-of-month` of a monthly spike: the 1st.
pub const DEFAULT_PEAK_DAY_OF_MONTH: u32 = 1;
/// Longest monthly peak: 672 hours (28 days), so that one month's peak ends before the
/// next month's starts, whatever the month.
pub const MAX_MONTHLY_PEAK_HOURS: u32 = 672;

/// Longest horizon a periodic shape is materialised over: 400 Gregorian years (a
/// daily spike over it has 292,194 change points). Longer ones are a [`ConfigError`],
/// not an allocation that never ends.
const MAX_SHAPED_HORIZON_SECS: i64 = 146_097 * DAY;

fn default_start_hour() -> u32 {
    DEFAULT_PEAK_START_HOUR
}
fn default_peak_days() -> u32 {
    DEFAULT_PEAK_DAYS
}
fn default_day_of_month() -> u32 {
    DEFAULT_PEAK_DAY_OF_MONTH
}

/// A service's desired task count over time (see the [module docs](self) for each
/// shape's exact definition).
///
/// In TOML, the `shape` key selects the variant; an unknown shape or field is an error
/// that lists the valid ones:
///
/// ```
/// use spotsim::workload::Demand;
/// #[derive(serde::Deserialize)]
/// struct S { desired: Demand }
/// let s: S = toml::from_str(
///     "desired = { shape = \"daily\", baseline = 2, peak = 10, peak-hours = 8 }",
/// ).unwrap();
/// assert_eq!(s.desired, Demand::Daily { baseline: 2, peak: 10, peak_hours: 8, peak_start_hour: 9 });
///
/// let s: S = toml::from_str("[desired]\nshape = \"csv\"\nfile = \"counts.csv\"").unwrap();
/// assert_eq!(s.desired, Demand::Csv { file: "counts.csv".into() });
///
/// let e = toml::from_str::<S>("desired = { shape = \"hourly\", tasks = 1 }").err().unwrap();
/// assert!(e.to_string().contains(
///     "unknown variant `hourly`, expected one of `constant`, `daily`, `weekly`, `monthly`, `csv`"
/// ));
/// let e = toml::from_str::<S>("desired = { shape = \"constant\", task = 1 }").err().unwrap();
/// assert!(e.to_string().contains("unknown field `task`, expected `tasks`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "shape",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case",
    deny_unknown_fields
)]
pub enum Demand {
    /// The same count at every instant (the calculator's *constant usage*).
    Constant {
        /// Desired tasks.
        tasks: u32,
    },
    /// A spike every day (the calculator's *daily spike*).
    Daily {
        /// Tasks outside the peak.
        baseline: u32,
        /// Tasks during the peak.
        peak: u32,
        /// Length of the peak in hours, 0 to 24.
        peak_hours: u32,
        /// Hour of the day (UTC, 0 to 23) the peak starts; default 9.
        #[serde(default = "default_start_hour")]
        peak_start_hour: u32,
    },
    /// A spike on some days of every week (the calculator's *weekly spike*).
    Weekly {
        /// Tasks outside the peak.
        baseline: u32,
        /// Tasks during the peak.
        peak: u32,
        /// Length of each day's peak in hours, 0 to 24.
        peak_hours: u32,
        /// Hour of the day (UTC, 0 to 23) each peak starts; default 9.
        #[serde(default = "default_start_hour")]
        peak_start_hour: u32,
        /// The peak falls on the first this-many days of the week, counted from Monday,
        /// 1 to 7; default 5 (Monday to Friday).
        #[serde(default = "default_peak_days")]
        peak_days: u32,
    },
    /// A spike once a month (the calculator's *monthly spike*).
    Monthly {
        /// Tasks outside the peak.
        baseline: u32,
        /// Tasks during the peak.
        peak: u32,
        /// Length of the peak in hours, 0 to 672.
        peak_hours: u32,
        /// Hour of the day (UTC, 0 to 23) the peak starts; default 9.
        #[serde(default = "default_start_hour")]
        peak_start_hour: u32,
        /// Day of the month (1 to 31) the peak starts on; default 1. In a shorter month
        /// the peak starts on its last day.
        #[serde(default = "default_day_of_month")]
        peak_day_of_month: u32,
    },
    /// Measured counts from a `timestamp,desired_count` CSV (see
    /// [`read_desired_bytes`](super::read_desired_bytes)); 0 before the first row.
    Csv {
        /// The CSV file. A scenario file's relative paths are relative to its
        /// directory ([`Demand::resolve_relative_to`]).
        file: PathBuf,
    },
    /// A step function given in code (library use; not available in configuration).
    /// As for `csv`, the count is 0 before its first change point.
    #[serde(skip)]
    Steps(StepTrace<u32>),
}

impl Demand {
    /// `n` tasks at every instant.
    ///
    /// ```
    /// use spotsim::workload::Demand;
    /// assert_eq!(Demand::constant(3), Demand::Constant { tasks: 3 });
    /// ```
    pub fn constant(n: u32) -> Demand {
        Demand::Constant { tasks: n }
    }

    /// The shape's name as configuration spells it (`daily`, `csv`, …; `steps` for
    /// [`Demand::Steps`]).
    pub fn shape(&self) -> &'static str {
        match self {
            Demand::Constant { .. } => "constant",
            Demand::Daily { .. } => "daily",
            Demand::Weekly { .. } => "weekly",
            Demand::Monthly { .. } => "monthly",
            Demand::Csv { .. } => "csv",
            Demand::Steps(_) => "steps",
        }
    }

    /// Checks the fields' ranges; option names in errors are `desired.<field>`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the field and its valid range.
    ///
    /// ```
    /// use spotsim::workload::Demand;
    /// let d = Demand::Daily { baseline: 1, peak: 2, peak_hours: 25, peak_start_hour: 9 };
    /// assert_eq!(d.validate().unwrap_err().to_string(),
    ///            "option `desired.peak-hours`: must be 0 to 24 for a daily shape, found 25");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_as("desired")
    }

    /// As [`Demand::validate`], with option names `<prefix>.<field>`.
    pub(crate) fn validate_as(&self, prefix: &str) -> Result<(), ConfigError> {
        let range = |field: &str, v: u32, lo: u32, hi: u32, what: &str| {
            if v < lo || v > hi {
                Err(ConfigError::new(
                    format!("{prefix}.{field}"),
                    format!("must be {lo} to {hi}{what}, found {v}"),
                ))
            } else {
                Ok(())
            }
        };
        match *self {
            Demand::Constant { .. } | Demand::Steps(_) => Ok(()),
            Demand::Daily {
                peak_hours,
                peak_start_hour,
                ..
            } => {
                range("peak-hours", peak_hours, 0, 24, " for a daily shape")?;
                range("peak-start-hour", peak_start_hour, 0, 23, " (UTC)")
            }
            Demand::Weekly {
                peak_hours,
                peak_start_hour,
                peak_days,
                ..
            } => {
                range(
                    "peak-hours",
                    peak_hours,
                    0,
                    24,
                    " (per day) for a weekly shape",
                )?;
                range("peak-start-hour", peak_start_hour, 0, 23, " (UTC)")?;
                range("peak-days", peak_days, 1, 7, " (days from Monday)")
            }
            Demand::Monthly {
                peak_hours,
                peak_start_hour,
                peak_day_of_month,
                ..
            } => {
                range(
                    "peak-hours",
                    peak_hours,
                    0,
                    MAX_MONTHLY_PEAK_HOURS,
                    " (four weeks) for a monthly shape",
                )?;
                range("peak-start-hour", peak_start_hour, 0, 23, " (UTC)")?;
                range("peak-day-of-month", peak_day_of_month, 1, 31, "")
            }
            Demand::Csv { ref file } => {
                if file.as_os_str().is_empty() {
                    Err(ConfigError::new(
                        format!("{prefix}.file"),
                        "is empty; expected the path of a timestamp,desired_count CSV",
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The largest count the shape ever asks for, `None` for `csv` and `steps` (known
    /// only once the counts are read).
    ///
    /// ```
    /// use spotsim::workload::Demand;
    /// assert_eq!(Demand::constant(4).max_tasks(), Some(4));
    /// let d = Demand::Daily { baseline: 2, peak: 9, peak_hours: 0, peak_start_hour: 9 };
    /// assert_eq!(d.max_tasks(), Some(2), "a peak of 0 hours never happens");
    /// ```
    pub fn max_tasks(&self) -> Option<u32> {
        match *self {
            Demand::Constant { tasks } => Some(tasks),
            Demand::Daily {
                baseline,
                peak,
                peak_hours,
                ..
            }
            | Demand::Weekly {
                baseline,
                peak,
                peak_hours,
                ..
            }
            | Demand::Monthly {
                baseline,
                peak,
                peak_hours,
                ..
            } => Some(if peak_hours == 0 {
                baseline
            } else {
                baseline.max(peak)
            }),
            Demand::Csv { .. } | Demand::Steps(_) => None,
        }
    }

    /// The file a `csv` demand reads.
    ///
    /// ```
    /// use std::path::Path;
    /// use spotsim::workload::Demand;
    /// let d = Demand::Csv { file: "counts.csv".into() };
    /// assert_eq!(d.file(), Some(Path::new("counts.csv")));
    /// assert_eq!(Demand::constant(3).file(), None);
    /// ```
    pub fn file(&self) -> Option<&Path> {
        match self {
            Demand::Csv { file } => Some(file),
            _ => None,
        }
    }

    /// Makes a relative `csv` path relative to `dir` (a scenario file's directory).
    ///
    /// ```
    /// use std::path::Path;
    /// use spotsim::workload::Demand;
    /// let mut d = Demand::Csv { file: "counts.csv".into() };
    /// d.resolve_relative_to(Path::new("scenarios"));
    /// assert_eq!(d, Demand::Csv { file: Path::new("scenarios").join("counts.csv") });
    /// ```
    pub fn resolve_relative_to(&mut self, dir: &Path) {
        if let Demand::Csv { file } = self
            && file.is_relative()
        {
            *file = dir.join(&*file);
        }
    }

    /// The desired count over `[start, end)` as a step function: its first change point
    /// is `start`, the others lie strictly inside the horizon, and no two consecutive
    /// values are equal. A `csv` file is read on each call; materialise once and share
    /// the trace across a sweep.
    ///
    /// # Errors
    /// * [`Error::Config`] when `start >= end`, a field is out of range
    ///   ([`Demand::validate`]), or a periodic shape's horizon exceeds 400 years;
    /// * [`Error::Input`] when the `csv` file cannot be read or is malformed
    ///   ([`read_desired_bytes`](super::read_desired_bytes)), or its first row is at or
    ///   after `end` (kind `Empty`: no counts for the horizon).
    ///
    /// ```
    /// use spotsim::time::{SimTime, DAY, HOUR};
    /// use spotsim::workload::Demand;
    /// let d = Demand::Weekly { baseline: 1, peak: 4, peak_hours: 10, peak_start_hour: 8, peak_days: 5 };
    /// // 1970-01-05 was a Monday.
    /// let monday = SimTime(4 * DAY);
    /// let tr = d.trace(monday, monday.plus(7 * DAY))?;
    /// assert_eq!(tr.len(), 11, "the start plus 5 peaks × 2 edges");
    /// assert_eq!(tr.value_at(monday.plus(8 * HOUR)), Some(4));
    /// assert_eq!(tr.value_at(monday.plus(5 * DAY + 9 * HOUR)), Some(1), "Saturday");
    /// # Ok::<(), spotsim::error::Error>(())
    /// ```
    pub fn trace(&self, start: SimTime, end: SimTime) -> Result<StepTrace<u32>, Error> {
        self.materialise(start, end).map(|(t, _)| t)
    }

    /// The trace over `[start, end)` and the largest count anywhere in the source
    /// (the whole file for `csv`, not only the horizon).
    pub(crate) fn materialise(
        &self,
        start: SimTime,
        end: SimTime,
    ) -> Result<(StepTrace<u32>, u32), Error> {
        check_horizon(start, end)?;
        self.validate()?;
        let max = self.max_tasks().unwrap_or(0);
        let periodic = |baseline: u32, peak: u32, windows: Vec<(i64, i64)>| {
            Ok((shaped(baseline, peak, &windows, start, end)?, max))
        };
        match *self {
            Demand::Constant { tasks } => Ok((one_step(start, tasks)?, tasks)),
            Demand::Daily {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
            } => {
                check_shaped_horizon(start, end)?;
                let w = day_windows(start, end, peak_start_hour, peak_hours, |_| true);
                periodic(baseline, peak, w)
            }
            Demand::Weekly {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
                peak_days,
            } => {
                check_shaped_horizon(start, end)?;
                let w = day_windows(start, end, peak_start_hour, peak_hours, |d| {
                    weekday_from_monday(d) < i64::from(peak_days)
                });
                periodic(baseline, peak, w)
            }
            Demand::Monthly {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
                peak_day_of_month,
            } => {
                check_shaped_horizon(start, end)?;
                let w = month_windows(start, end, peak_start_hour, peak_hours, peak_day_of_month);
                periodic(baseline, peak, w)
            }
            Demand::Csv { ref file } => {
                let counts = super::read_desired_file(file)?;
                let max = counts.trace.values().iter().copied().max().unwrap_or(0);
                let name = counts.source.path.clone();
                let first_line = counts.lines.first().copied().unwrap_or(0);
                Ok((clip(&counts.trace, start, end, &name, first_line)?, max))
            }
            Demand::Steps(ref tr) => {
                let max = tr.values().iter().copied().max().unwrap_or(0);
                Ok((clip(tr, start, end, "steps", 0)?, max))
            }
        }
    }

    /// Exact task-seconds over `[start, end)`: the integral of the desired count.
    ///
    /// # Errors
    /// As [`Demand::trace`]; [`Error::Config`] if the total exceeds `u64::MAX`.
    ///
    /// ```
    /// use spotsim::time::{SimTime, DAY, HOUR};
    /// use spotsim::workload::Demand;
    /// let d = Demand::Daily { baseline: 2, peak: 10, peak_hours: 8, peak_start_hour: 9 };
    /// let secs = d.task_seconds(SimTime(0), SimTime(7 * DAY))?;
    /// assert_eq!(secs, 7 * (2 * 24 + (10 - 2) * 8) * HOUR as u64);
    /// # Ok::<(), spotsim::error::Error>(())
    /// ```
    pub fn task_seconds(&self, start: SimTime, end: SimTime) -> Result<u64, Error> {
        let tr = self.trace(start, end)?;
        step_integral(&tr, start, end).ok_or_else(|| {
            ConfigError::new("desired", "task-seconds over the horizon exceed 2^64 − 1").into()
        })
    }

    /// Task-hours over `[start, end)`, for people: [`Demand::task_seconds`] / 3600.
    ///
    /// # Errors
    /// As [`Demand::task_seconds`].
    ///
    /// ```
    /// use spotsim::time::{SimTime, DAY};
    /// use spotsim::workload::Demand;
    /// assert_eq!(Demand::constant(3).task_hours(SimTime(0), SimTime(DAY))?, 72.0);
    /// # Ok::<(), spotsim::error::Error>(())
    /// ```
    pub fn task_hours(&self, start: SimTime, end: SimTime) -> Result<f64, Error> {
        let s = self.task_seconds(start, end)?;
        Ok(s as f64 / HOUR as f64)
    }
}

impl fmt::Display for Demand {
    /// One line for reports: `daily(baseline=2,peak=10,peak-hours=8,peak-start-hour=9)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Demand::Constant { tasks } => write!(f, "constant(tasks={tasks})"),
            Demand::Daily {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
            } => write!(
                f,
                "daily(baseline={baseline},peak={peak},peak-hours={peak_hours},\
                 peak-start-hour={peak_start_hour})"
            ),
            Demand::Weekly {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
                peak_days,
            } => write!(
                f,
                "weekly(baseline={baseline},peak={peak},peak-hours={peak_hours},\
                 peak-start-hour={peak_start_hour},peak-days={peak_days})"
            ),
            Demand::Monthly {
                baseline,
                peak,
                peak_hours,
                peak_start_hour,
                peak_day_of_month,
            } => write!(
                f,
                "monthly(baseline={baseline},peak={peak},peak-hours={peak_hours},\
                 peak-start-hour={peak_start_hour},peak-day-of-month={peak_day_of_month})"
            ),
            Demand::Csv { file } => write!(f, "csv({})", file.display()),
            Demand::Steps(tr) => write!(f, "steps({} change points)", tr.len()),
        }
    }
}

/// The exact integral of a step function over `[start, end)`, in value-seconds; the
/// value is 0 before the first change point. `None` if it exceeds `u64::MAX`; 0 when
/// `end <= start`.
///
/// ```
/// use spotsim::market::StepTrace;
/// use spotsim::time::SimTime;
/// use spotsim::workload::step_integral;
/// let t = StepTrace::new(vec![10, 20], vec![3u32, 5]).unwrap();
/// // 0 on [0,10), 3 on [10,20), 5 on [20,30)
/// assert_eq!(step_integral(&t, SimTime(0), SimTime(30)), Some(80));
/// assert_eq!(step_integral(&t, SimTime(15), SimTime(25)), Some(40));
/// ```
pub fn step_integral(trace: &StepTrace<u32>, start: SimTime, end: SimTime) -> Option<u64> {
    if end <= start {
        return Some(0);
    }
    let times = trace.times();
    let values = trace.values();
    let mut total: u128 = 0;
    let first = trace.index_at(start);
    let from = first.unwrap_or(0);
    for i in from..times.len() {
        let a = if first == Some(i) { start.0 } else { times[i] };
        if a >= end.0 {
            break;
        }
        let a = a.max(start.0);
        let b = times.get(i + 1).copied().unwrap_or(end.0).min(end.0);
        if b > a {
            let span = u128::try_from(i128::from(b) - i128::from(a)).ok()?;
            total = total.checked_add(u128::from(values[i]) * span)?;
        }
    }
    u64::try_from(total).ok()
}

fn check_horizon(start: SimTime, end: SimTime) -> Result<(), ConfigError> {
    if start >= end {
        return Err(ConfigError::new(
            "horizon",
            format!("the start {start} must be before the end {end}"),
        ));
    }
    Ok(())
}

fn check_shaped_horizon(start: SimTime, end: SimTime) -> Result<(), ConfigError> {
    let long = end
        .0
        .checked_sub(start.0)
        .is_none_or(|d| d > MAX_SHAPED_HORIZON_SECS);
    if long {
        return Err(ConfigError::new(
            "horizon",
            format!(
                "{start} to {end} is longer than the 400 years a periodic demand shape \
                 is materialised over"
            ),
        ));
    }
    Ok(())
}

fn trace_error(e: crate::market::TraceError) -> Error {
    ConfigError::new("desired", format!("internal: bad step function: {e}")).into()
}

fn one_step(start: SimTime, v: u32) -> Result<StepTrace<u32>, Error> {
    StepTrace::new(vec![start.0], vec![v]).map_err(trace_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> SimTime {
        SimTime::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn civil_round_trip_and_weekday() {
        for d in [-800_000i64, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        let monday = t("2024-01-01T00:00:00Z").0 / DAY;
        assert_eq!(weekday_from_monday(monday), 0);
        assert_eq!(weekday_from_monday(monday + 6), 6);
        assert_eq!(weekday_from_monday(-1), 2, "1969-12-31 was a Wednesday");
    }

    #[test]
    fn daily_peak_wraps_past_midnight() {
        let d = Demand::Daily {
            baseline: 1,
            peak: 3,
            peak_hours: 4,
            peak_start_hour: 22,
        };
        let start = t("2024-01-01T00:00:00Z");
        let tr = d.trace(start, start.plus(DAY)).unwrap();
        assert_eq!(
            tr.times(),
            &[start.0, start.0 + 2 * HOUR, start.0 + 22 * HOUR]
        );
        assert_eq!(tr.values(), &[3, 1, 3]);
        assert_eq!(
            step_integral(&tr, start, start.plus(DAY)),
            Some((24 + 2 * 4) as u64 * HOUR as u64)
        );
    }

    #[test]
    fn full_day_peak_is_constant() {
        let d = Demand::Daily {
            baseline: 1,
            peak: 3,
            peak_hours: 24,
            peak_start_hour: 5,
        };
        let tr = d.trace(SimTime(0), SimTime(10 * DAY)).unwrap();
        assert_eq!((tr.times(), tr.values()), (&[0i64][..], &[3u32][..]));
    }

    #[test]
    fn monthly_clamps_to_short_months_and_spans_days() {
        let d = Demand::Monthly {
            baseline: 0,
            peak: 2,
            peak_hours: 48,
            peak_start_hour: 0,
            peak_day_of_month: 31,
        };
        let start = t("2023-01-15T00:00:00Z");
        let tr = d.trace(start, t("2023-05-01T00:00:00Z")).unwrap();
        let expect: Vec<i64> = [
            "2023-01-15T00:00:00Z",
            "2023-01-31T00:00:00Z",
            "2023-02-02T00:00:00Z",
            "2023-02-28T00:00:00Z",
            "2023-03-02T00:00:00Z",
            "2023-03-31T00:00:00Z",
            "2023-04-02T00:00:00Z",
            "2023-04-30T00:00:00Z",
        ]
        .iter()
        .map(|s| t(s).0)
        .collect();
        assert_eq!(tr.times(), &expect[..]);
        assert_eq!(tr.values(), &[0, 2, 0, 2, 0, 2, 0, 2]);
    }

    #[test]
    fn a_peak_from_before_the_horizon_is_in_effect_at_its_start() {
        let d = Demand::Monthly {
            baseline: 1,
            peak: 5,
            peak_hours: 72,
            peak_start_hour: 12,
            peak_day_of_month: 1,
        };
        let start = t("2024-03-02T00:00:00Z");
        let tr = d.trace(start, start.plus(DAY * 3)).unwrap();
        assert_eq!(tr.values(), &[5, 1]);
        assert_eq!(tr.times()[1], t("2024-03-04T12:00:00Z").0);
    }

    #[test]
    fn steps_clip_and_integral() {
        let tr = StepTrace::new(vec![100, 200, 300], vec![2u32, 2, 7]).unwrap();
        let d = Demand::Steps(tr);
        let c = d.trace(SimTime(0), SimTime(250)).unwrap();
        assert_eq!((c.times(), c.values()), (&[0i64, 100][..], &[0u32, 2][..]));
        let c = d.trace(SimTime(150), SimTime(400)).unwrap();
        assert_eq!(
            (c.times(), c.values()),
            (&[150i64, 300][..], &[2u32, 7][..])
        );
        assert_eq!(
            d.task_seconds(SimTime(0), SimTime(400)).unwrap(),
            200 * 2 + 100 * 7
        );
        assert!(d.trace(SimTime(0), SimTime(100)).is_err());
    }

    #[test]
    fn horizon_errors() {
        let d = Demand::constant(1);
        assert_eq!(
            d.trace(SimTime(5), SimTime(5)).unwrap_err().to_string(),
            "option `horizon`: the start 1970-01-01T00:00:05Z must be before the end \
             1970-01-01T00:00:05Z"
        );
        let daily = Demand::Daily {
            baseline: 1,
            peak: 2,
            peak_hours: 1,
            peak_start_hour: 0,
        };
        assert!(daily.trace(SimTime(i64::MIN), SimTime(i64::MAX)).is_err());
        assert!(
            d.trace(SimTime(i64::MIN), SimTime(i64::MAX)).is_ok(),
            "a constant needs no periods"
        );
    }

    #[test]
    fn integral_saturation_is_none() {
        let tr = StepTrace::new(vec![0], vec![u32::MAX]).unwrap();
        assert_eq!(step_integral(&tr, SimTime(0), SimTime(i64::MAX)), None);
        assert_eq!(step_integral(&tr, SimTime(3), SimTime(1)), Some(0));
    }
}
