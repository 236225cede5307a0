//! Datapoints and where they go: the [`MetricSink`] trait every exporter implements,
//! and [`SeriesStore`], the in-memory sink (for alarms, reports and charts).
//!
//! A [`Record`] is one period of one dimension set: its timestamp (the period's start,
//! aligned to a multiple of the period since the Unix epoch, as CloudWatch aligns
//! periods), how many of the period's seconds lie inside the horizon, and one
//! [`Point`] per metric with its [`Stats`].

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use serde::Serialize;

use super::dimensions::Dims;
use super::metric::{Kind, Metric};
use crate::time::SimTime;

/// A CloudWatch statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Statistic {
    /// The mean over the period's samples.
    Average,
    /// The largest sample.
    Maximum,
    /// The smallest sample.
    Minimum,
    /// The sum of the samples.
    Sum,
    /// The number of samples.
    SampleCount,
}

impl Statistic {
    /// Every statistic.
    pub const ALL: [Statistic; 5] = [
        Statistic::Average,
        Statistic::Maximum,
        Statistic::Minimum,
        Statistic::Sum,
        Statistic::SampleCount,
    ];

    /// Its CloudWatch name.
    pub fn name(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Maximum => "Maximum",
            Statistic::Minimum => "Minimum",
            Statistic::Sum => "Sum",
            Statistic::SampleCount => "SampleCount",
        }
    }

    /// The statistic of this name (case-insensitive).
    ///
    /// ```
    /// use spotsim::telemetry::Statistic;
    /// assert_eq!(Statistic::parse("maximum"), Some(Statistic::Maximum));
    /// assert_eq!(Statistic::parse("p99"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Statistic> {
        Statistic::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One metric's statistics over one period (see [`Kind`] for what a sample is).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// Sum of the samples (gauges: ∫ value dt in value-seconds).
    pub sum: f64,
    /// Sum ÷ sample count.
    pub average: f64,
    /// Smallest sample.
    pub minimum: f64,
    /// Largest sample.
    pub maximum: f64,
    /// Samples: seconds inside the horizon for gauges, 1 for counters.
    pub sample_count: u64,
    /// The value at the period's end (gauges), or the sum (counters).
    pub last: f64,
}

impl Stats {
    /// The statistic `s`.
    pub fn get(&self, s: Statistic) -> f64 {
        match s {
            Statistic::Average => self.average,
            Statistic::Maximum => self.maximum,
            Statistic::Minimum => self.minimum,
            Statistic::Sum => self.sum,
            Statistic::SampleCount => self.sample_count as f64,
        }
    }

    /// One datapoint of a counter: every statistic is `v`.
    pub fn single(v: f64) -> Stats {
        Stats {
            sum: v,
            average: v,
            minimum: v,
            maximum: v,
            sample_count: 1,
            last: v,
        }
    }
}

/// One metric of a [`Record`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Point {
    /// Which metric.
    pub metric: Metric,
    /// Its statistics.
    pub stats: Stats,
    /// Exact integer behind `stats.sum`: micro-USD for `Cost`, value-seconds in stored
    /// units for gauges (see `Metric::scale`), the count for counters.
    pub exact_sum: i128,
}

impl Point {
    /// The exported value: [`Metric::headline`]'s statistic.
    pub fn value(&self) -> f64 {
        match (self.metric, self.metric.kind()) {
            (Metric::CostRate, _) => self.stats.last,
            (_, Kind::Gauge) => self.stats.average,
            _ => self.stats.sum,
        }
    }
}

/// One period of one dimension set.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// The period's start (a multiple of `period_secs` since the epoch).
    pub timestamp: SimTime,
    /// The period's length.
    pub period_secs: i64,
    /// Seconds of the period inside the horizon (less than `period_secs` at its edges).
    pub covered_secs: i64,
    /// The dimension set.
    pub dims: &'a Dims,
    /// Whether the user asked for this dimension set (`--metrics-by`); the fleet total
    /// is always recorded, for alarms, and exported only when asked for.
    pub exported: bool,
    /// The metrics.
    pub points: &'a [Point],
}

/// Where records go. Exporters write them out as they come (streamed, bounded
/// memory); [`SeriesStore`] keeps them.
pub trait MetricSink {
    /// One record. Records come in time order, all dimension sets of a period before
    /// the next period.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn record(&mut self, r: &Record<'_>) -> io::Result<()>;

    /// No more records: flush, complete the file.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<T: MetricSink + ?Sized> MetricSink for Box<T> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        (**self).record(r)
    }
    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
}

impl<T: MetricSink + ?Sized> MetricSink for &mut T {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        (**self).record(r)
    }
    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
}

impl<T: MetricSink> MetricSink for Vec<T> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.iter_mut().try_for_each(|s| s.record(r))
    }
    fn finish(&mut self) -> io::Result<()> {
        self.iter_mut().try_for_each(|s| s.finish())
    }
}

impl<T: MetricSink> MetricSink for Option<T> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.record(r))
    }
    fn finish(&mut self) -> io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.finish())
    }
}

/// A sink that discards everything (a recorder that only feeds alarms).
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl MetricSink for Discard {
    fn record(&mut self, _: &Record<'_>) -> io::Result<()> {
        Ok(())
    }
}

/// One period of one series in a [`SeriesStore`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// The period's start.
    pub timestamp: SimTime,
    /// Seconds of the period inside the horizon.
    pub covered_secs: i64,
    /// The statistics.
    pub stats: Stats,
    /// As [`Point::exact_sum`].
    pub exact_sum: i128,
}

/// Series held in memory, keyed by dimension set and metric, each in time order.
/// Holds every period: for runs whose series fit in memory (reports, charts, tests);
/// stream large runs to a file exporter instead.
///
/// ```
/// use spotsim::telemetry::{Metric, SeriesStore};
/// let store = SeriesStore::default();
/// assert!(store.total(Metric::Cost).is_none());
/// ```
#[derive(Clone, Debug, Default)]
pub struct SeriesStore {
    /// Only exported dimension sets are kept unless this is set.
    pub keep_unexported: bool,
    /// The series.
    pub series: BTreeMap<(Dims, Metric), Vec<Sample>>,
}

impl SeriesStore {
    /// A store that keeps every record, exported or not.
    pub fn keeping_all() -> SeriesStore {
        SeriesStore {
            keep_unexported: true,
            ..SeriesStore::default()
        }
    }

    /// The series of `metric` in dimension set `dims`.
    pub fn get(&self, dims: &Dims, metric: Metric) -> Option<&[Sample]> {
        self.series
            .get(&(dims.clone(), metric))
            .map(|v| v.as_slice())
    }

    /// The first series of `metric` over the whole fleet (dimension `total`).
    pub fn total(&self, metric: Metric) -> Option<&[Sample]> {
        self.series
            .iter()
            .find(|((d, m), _)| *m == metric && d.by == super::Dimension::Total)
            .map(|(_, v)| v.as_slice())
    }
}

impl MetricSink for SeriesStore {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        if !r.exported && !self.keep_unexported {
            return Ok(());
        }
        for p in r.points {
            self.series
                .entry((r.dims.clone(), p.metric))
                .or_default()
                .push(Sample {
                    timestamp: r.timestamp,
                    covered_secs: r.covered_secs,
                    stats: p.stats,
                    exact_sum: p.exact_sum,
                });
        }
        Ok(())
    }
}

impl<A: MetricSink, B: MetricSink> MetricSink for (A, B) {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.0.record(r)?;
        self.1.record(r)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.0.finish()?;
        self.1.finish()
    }
}
