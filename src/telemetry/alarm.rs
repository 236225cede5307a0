//! CloudWatch-style metric alarms evaluated on the simulated series.
//!
//! An alarm watches one statistic of one metric of the fleet total, one datapoint per
//! period (`--metrics-period`). After each period it looks at the last N periods (the
//! evaluation periods; before the horizon's start they are missing):
//!
//! * with at least M datapoints present (M = datapoints to alarm), it goes to `ALARM`
//!   when at least M of them breach, else to `OK` — missing ones are not considered;
//! * with fewer than M present, the missing ones are treated as the alarm says:
//!   `breaching` (they count as breaching), `notBreaching` (as not breaching),
//!   `ignore` (the state is kept), `missing` (the default: `INSUFFICIENT_DATA` when all
//!   N are missing, else the state is kept).
//!
//! A simplification of CloudWatch, stated: CloudWatch may look back over more periods
//! than N when data is missing (its "evaluation range"); spotsim's range is exactly N.
//! The alarm starts in `INSUFFICIENT_DATA`; every change of state is recorded with the
//! end of the period that caused it and the window's values.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::dimensions::Dimension;
use super::metric::Metric;
use super::series::{MetricSink, Record, Statistic};
use crate::error::ConfigError;
use crate::time::SimTime;

/// How the datapoint compares with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Comparison {
    /// `>` (`GreaterThanThreshold`).
    GreaterThanThreshold,
    /// `>=` (`GreaterThanOrEqualToThreshold`).
    GreaterThanOrEqualToThreshold,
    /// `<` (`LessThanThreshold`).
    LessThanThreshold,
    /// `<=` (`LessThanOrEqualToThreshold`).
    LessThanOrEqualToThreshold,
}

impl Comparison {
    fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            ">" | "GreaterThanThreshold" => Comparison::GreaterThanThreshold,
            ">=" | "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqualToThreshold,
            "<" | "LessThanThreshold" => Comparison::LessThanThreshold,
            "<=" | "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqualToThreshold,
            _ => return None,
        })
    }

    /// The operator.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => ">",
            Comparison::GreaterThanOrEqualToThreshold => ">=",
            Comparison::LessThanThreshold => "<",
            Comparison::LessThanOrEqualToThreshold => "<=",
        }
    }

    /// Whether `v` breaches `threshold`.
    pub fn breaches(self, v: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanThreshold => v > threshold,
            Comparison::GreaterThanOrEqualToThreshold => v >= threshold,
            Comparison::LessThanThreshold => v < threshold,
            Comparison::LessThanOrEqualToThreshold => v <= threshold,
        }
    }
}

/// CloudWatch's `TreatMissingData`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MissingData {
    /// `missing` (the default).
    #[default]
    Missing,
    /// `breaching`.
    Breaching,
    /// `notBreaching`.
    NotBreaching,
    /// `ignore`.
    Ignore,
}

impl MissingData {
    fn parse(s: &str) -> Option<MissingData> {
        Some(
            match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
                "missing" => MissingData::Missing,
                "breaching" => MissingData::Breaching,
                "notbreaching" => MissingData::NotBreaching,
                "ignore" => MissingData::Ignore,
                _ => return None,
            },
        )
    }
}

/// An alarm state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    /// Not enough data.
    InsufficientData,
    /// Within the threshold.
    Ok,
    /// Breaching.
    Alarm,
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        })
    }
}

/// An alarm's definition (serialized as its `--alarm` string).
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmSpec {
    /// Its name.
    pub name: String,
    /// The metric (of the fleet total).
    pub metric: Metric,
    /// The statistic per period.
    pub statistic: Statistic,
    /// How the datapoint compares with the threshold.
    pub comparison: Comparison,
    /// The threshold, in the metric's exported unit.
    pub threshold: f64,
    /// M: breaching datapoints that set off the alarm.
    pub datapoints_to_alarm: u32,
    /// N: the periods looked at.
    pub evaluation_periods: u32,
    /// Missing-data treatment.
    pub treat_missing_data: MissingData,
}

impl AlarmSpec {
    /// Parses `NAME: METRIC STAT OP THRESHOLD for M of N periods [missing MODE]`.
    ///
    /// ```
    /// use spotsim::telemetry::{AlarmSpec, Metric, MissingData};
    /// let a: AlarmSpec = "short: UnmetCapacity Maximum > 0 for 2 of 3 periods missing breaching".parse().unwrap();
    /// assert_eq!((a.metric, a.datapoints_to_alarm, a.evaluation_periods), (Metric::UnmetCapacity, 2, 3));
    /// assert_eq!(a.treat_missing_data, MissingData::Breaching);
    /// let e = "x: UnmetCapacity Max > 0 for 2 of 3 periods".parse::<AlarmSpec>().unwrap_err();
    /// assert!(e.to_string().contains("statistic"), "{e}");
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] (option `alarm`) naming the part that does not parse.
    pub fn parse(s: &str) -> Result<AlarmSpec, ConfigError> {
        let bad = |why: String| ConfigError::new("alarm", format!("`{s}`: {why}"));
        let grammar = "expected `NAME: METRIC STATISTIC OP THRESHOLD for M of N periods [missing breaching|notBreaching|ignore|missing]`";
        let (name, rest) = s
            .split_once(':')
            .ok_or_else(|| bad(format!("no `NAME:`; {grammar}")))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(bad(format!("empty name; {grammar}")));
        }
        let w: Vec<&str> = rest.split_whitespace().collect();
        if w.len() != 9 && w.len() != 11 {
            return Err(bad(grammar.to_string()));
        }
        let metric = Metric::parse(w[0]).ok_or_else(|| {
            bad(format!(
                "unknown metric `{}`{}; valid: {}",
                w[0],
                crate::suggest::hint(w[0], Metric::ALL.iter().map(|m| m.name())),
                Metric::ALL
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let statistic = Statistic::parse(w[1]).ok_or_else(|| {
            bad(format!(
                "unknown statistic `{}`; valid: Average, Maximum, Minimum, Sum, SampleCount",
                w[1]
            ))
        })?;
        let comparison = Comparison::parse(w[2]).ok_or_else(|| {
            bad(format!(
                "unknown comparison `{}`; valid: >, >=, <, <=",
                w[2]
            ))
        })?;
        let threshold: f64 = w[3]
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| bad(format!("threshold `{}` is not a number", w[3])))?;
        if w[4] != "for" || w[6] != "of" || !matches!(w[8], "periods" | "period") {
            return Err(bad(grammar.to_string()));
        }
        let int = |x: &str, what: &str| -> Result<u32, ConfigError> {
            x.parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| bad(format!("{what} `{x}` is not a whole number ≥ 1")))
        };
        let m = int(w[5], "datapoints to alarm")?;
        let n = int(w[7], "evaluation periods")?;
        if m > n {
            return Err(bad(format!(
                "datapoints to alarm ({m}) above evaluation periods ({n})"
            )));
        }
        let treat = if w.len() == 11 {
            if w[9] != "missing" {
                return Err(bad(grammar.to_string()));
            }
            MissingData::parse(w[10]).ok_or_else(|| {
                bad(format!(
                    "unknown missing-data treatment `{}`; valid: breaching, notBreaching, ignore, missing",
                    w[10]
                ))
            })?
        } else {
            MissingData::Missing
        };
        Ok(AlarmSpec {
            name: name.to_string(),
            metric,
            statistic,
            comparison,
            threshold,
            datapoints_to_alarm: m,
            evaluation_periods: n,
            treat_missing_data: treat,
        })
    }
}

impl fmt::Display for AlarmSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} {} {} for {} of {} periods",
            self.name,
            self.metric,
            self.statistic,
            self.comparison.symbol(),
            self.threshold,
            self.datapoints_to_alarm,
            self.evaluation_periods
        )?;
        if self.treat_missing_data != MissingData::Missing {
            let t = serde_json::to_value(self.treat_missing_data)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            write!(f, " missing {t}")?;
        }
        Ok(())
    }
}

impl Serialize for AlarmSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for AlarmSpec {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AlarmSpec::parse(s)
    }
}

/// `[[alarm]]` in a scenario file: the flag's string, or a table with `name`, `metric`,
/// `statistic`, `comparison`, `threshold`, `datapoints-to-alarm` (default N),
/// `evaluation-periods`, `treat-missing-data`.
impl<'de> Deserialize<'de> for AlarmSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        struct Table {
            name: String,
            metric: String,
            statistic: String,
            comparison: String,
            threshold: f64,
            datapoints_to_alarm: Option<u32>,
            evaluation_periods: u32,
            treat_missing_data: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Line(String),
            Table(Table),
        }
        use serde::de::Error as _;
        match Form::deserialize(d)? {
            Form::Line(s) => AlarmSpec::parse(&s).map_err(|e| D::Error::custom(e.message)),
            Form::Table(t) => {
                let line = format!(
                    "{}: {} {} {} {} for {} of {} periods missing {}",
                    t.name,
                    t.metric,
                    t.statistic,
                    t.comparison,
                    t.threshold,
                    t.datapoints_to_alarm.unwrap_or(t.evaluation_periods),
                    t.evaluation_periods,
                    t.treat_missing_data.as_deref().unwrap_or("missing")
                );
                AlarmSpec::parse(&line).map_err(|e| D::Error::custom(e.message))
            }
        }
    }
}

/// One change of an alarm's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateChange {
    /// The end of the period whose datapoint caused it.
    pub at: SimTime,
    /// The state before.
    pub from: AlarmState,
    /// The state after.
    pub to: AlarmState,
    /// The evaluation window's datapoints, oldest first (`null`: missing).
    pub values: Vec<Option<f64>>,
}

/// An alarm being evaluated.
///
/// ```
/// use spotsim::telemetry::{Alarm, AlarmState};
/// use spotsim::time::SimTime;
/// let mut a = Alarm::new("hot: Interruptions Sum > 1 for 2 of 3 periods".parse().unwrap());
/// for (i, v) in [0.0, 2.0, 3.0, 0.0, 0.0].into_iter().enumerate() {
///     a.observe(SimTime(300 * (i as i64 + 1)), Some(v));
/// }
/// let states: Vec<_> = a.changes().iter().map(|c| (c.at.secs(), c.to)).collect();
/// // [_,_,0]: one datapoint, fewer than M: kept; [_,0,2]: OK; [0,2,3]: ALARM; [3,0,0]: OK.
/// assert_eq!(states, vec![(600, AlarmState::Ok), (900, AlarmState::Alarm), (1500, AlarmState::Ok)]);
/// ```
#[derive(Clone, Debug)]
pub struct Alarm {
    spec: AlarmSpec,
    state: AlarmState,
    window: VecDeque<Option<f64>>,
    changes: Vec<StateChange>,
}

impl Alarm {
    /// A new alarm in `INSUFFICIENT_DATA`.
    pub fn new(spec: AlarmSpec) -> Alarm {
        let n = spec.evaluation_periods as usize;
        Alarm {
            spec,
            state: AlarmState::InsufficientData,
            window: std::iter::repeat_n(None, n).collect(),
            changes: Vec::new(),
        }
    }

    /// Its definition.
    pub fn spec(&self) -> &AlarmSpec {
        &self.spec
    }

    /// The current state.
    pub fn state(&self) -> AlarmState {
        self.state
    }

    /// Every change of state so far.
    pub fn changes(&self) -> &[StateChange] {
        &self.changes
    }

    /// Whether it ever entered `ALARM`.
    pub fn entered_alarm(&self) -> bool {
        self.changes.iter().any(|c| c.to == AlarmState::Alarm)
    }

    /// The next period's datapoint (`None`: missing), the period ending at `period_end`.
    pub fn observe(&mut self, period_end: SimTime, value: Option<f64>) {
        self.window.pop_front();
        self.window.push_back(value);
        let s = &self.spec;
        let m = s.datapoints_to_alarm as usize;
        let n = s.evaluation_periods as usize;
        let present = self.window.iter().flatten().count();
        let breaching = self
            .window
            .iter()
            .flatten()
            .filter(|v| s.comparison.breaches(**v, s.threshold))
            .count();
        let decide = |b: usize| {
            if b >= m {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            }
        };
        let next = if present >= m {
            decide(breaching)
        } else {
            match s.treat_missing_data {
                MissingData::Breaching => decide(breaching + (n - present)),
                MissingData::NotBreaching => decide(breaching),
                MissingData::Ignore => self.state,
                MissingData::Missing if present == 0 => AlarmState::InsufficientData,
                MissingData::Missing => self.state,
            }
        };
        if next != self.state {
            self.changes.push(StateChange {
                at: period_end,
                from: self.state,
                to: next,
                values: self.window.iter().copied().collect(),
            });
            self.state = next;
        }
    }

    /// What the report shows.
    pub fn report(&self, subject: &str) -> AlarmReport {
        AlarmReport {
            name: self.spec.name.clone(),
            subject: subject.to_string(),
            definition: self.spec.to_string(),
            state: self.state,
            entered_alarm: self.entered_alarm(),
            changes: self.changes.clone(),
        }
    }
}

/// An alarm's outcome in a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmReport {
    /// The alarm's name.
    pub name: String,
    /// The strategy, option or policy it watched.
    pub subject: String,
    /// Its definition, as `--alarm` takes it.
    pub definition: String,
    /// Its state at the horizon's end.
    pub state: AlarmState,
    /// Whether it entered `ALARM` (`--fail-on-alarm` exits 2 if any did).
    pub entered_alarm: bool,
    /// Every change of state.
    pub changes: Vec<StateChange>,
}

/// Alarms fed by the fleet-total records of a recorder (a [`MetricSink`]).
#[derive(Clone, Debug, Default)]
pub struct AlarmSink {
    /// The alarms.
    pub alarms: Vec<Alarm>,
}

impl AlarmSink {
    /// Alarms for these specs.
    pub fn new(specs: &[AlarmSpec]) -> AlarmSink {
        AlarmSink {
            alarms: specs.iter().cloned().map(Alarm::new).collect(),
        }
    }
}

impl MetricSink for AlarmSink {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.dims.by != Dimension::Total {
            return Ok(());
        }
        // The state changes when the period is over (its aligned end).
        let end = r.timestamp.plus(r.period_secs);
        for a in &mut self.alarms {
            let v = r
                .points
                .iter()
                .find(|p| p.metric == a.spec.metric)
                .map(|p| p.stats.get(a.spec.statistic));
            a.observe(end, v);
        }
        Ok(())
    }
}
