//! The period aggregator: step functions and counters in, one [`Record`] per period and
//! dimension set out, streamed to a [`MetricSink`].
//!
//! Exact: gauges are integers (see `Metric::scale`) integrated in `i128`; money is
//! [`Money`] (exact), and each period's `Cost` is the rounding of the running total
//! minus what earlier periods carried, so the periods add up to the rounded total to
//! the micro-dollar. Memory is the number of dimension sets × metrics, whatever the
//! horizon: a period is written out and forgotten when it closes.
//!
//! Periods are aligned to multiples of the period since the Unix epoch (as CloudWatch
//! aligns them); the first and last may be cut by the horizon, and their `SampleCount`
//! and `Average` count only the seconds inside it.
//!
//! ```
//! use spotsim::telemetry::{Aggregator, Dimension, Dims, Metric, SeriesStore};
//! use spotsim::time::SimTime;
//! let mut a = Aggregator::new(60, SimTime(30), SimTime(150), SeriesStore::default()).unwrap();
//! let g = a.add_group(Dims { by: Dimension::Total, pairs: vec![] }, true);
//! a.set(g, Metric::RunningCapacity, SimTime(30), 2);
//! a.advance(SimTime(90));
//! a.set(g, Metric::RunningCapacity, SimTime(90), 4);
//! let store = a.finish().unwrap();
//! let s = store.total(Metric::RunningCapacity).unwrap();
//! // [30, 60): 2 for 30 s; [60, 120): 2 then 4, 30 s each; [120, 150): 4 for 30 s.
//! assert_eq!(s.iter().map(|x| x.stats.sample_count).collect::<Vec<_>>(), vec![30, 60, 30]);
//! assert_eq!(s[1].stats.average, 3.0);
//! assert_eq!((s[1].stats.minimum, s[1].stats.maximum), (2.0, 4.0));
//! ```

use std::io;

use super::dimensions::{Dimension, Dims};
use super::metric::{Kind, Metric};
use super::series::{MetricSink, Point, Record, Stats};
use crate::error::ConfigError;
use crate::money::Money;
use crate::time::SimTime;

/// A dimension set registered with an [`Aggregator`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId(pub u32);

#[derive(Clone, Copy, Debug, Default)]
struct Gauge {
    value: i64,
    since: i64,
    integral: i128,
    min: i64,
    max: i64,
    held: bool,
}

impl Gauge {
    /// Folds the current value, held from `since` to `t`, into the period.
    #[inline]
    fn hold_to(&mut self, t: i64) -> bool {
        if t > self.since {
            self.integral += self.value as i128 * (t - self.since) as i128;
            if self.held {
                self.min = self.min.min(self.value);
                self.max = self.max.max(self.value);
            } else {
                self.min = self.value;
                self.max = self.value;
                self.held = true;
            }
            self.since = t;
            return self.value != 0;
        }
        false
    }
}

struct Group {
    dims: Dims,
    export: bool,
    dense: bool,
    /// Metrics ever touched (bit = `Metric as u32`).
    used: u32,
    active: bool,
    /// Non-passive gauges whose value is not zero.
    nonzero: u32,
    /// The period index the accumulators belong to (reset lazily on first touch).
    clean_for: u64,
    /// The period index in whose visit list the group is.
    listed_in: u64,
    gauges: Vec<Gauge>,
    counters: Vec<u64>,
    cost_period: Money,
    cost_total: Money,
    cost_emitted_micro: i128,
}

/// Aggregates step functions and counters into periods (see the module docs).
///
/// Work per period is proportional to the dimension sets that changed or hold a
/// non-zero gauge, not to all of them (a year of 5-minute periods over 500 pools).
pub struct Aggregator<S> {
    period: i64,
    start: i64,
    end: i64,
    /// Aligned start of the open period.
    period_start: i64,
    /// Index of the open period.
    period_idx: u64,
    groups: Vec<Group>,
    /// Groups to visit when the open period closes (touched, or holding a non-zero
    /// gauge); dense groups are always visited.
    visit: Vec<u32>,
    dense: Vec<u32>,
    sink: S,
    points: Vec<Point>,
    error: Option<io::Error>,
}

const N: usize = Metric::ALL.len();

impl<S: MetricSink> Aggregator<S> {
    /// An aggregator of `period_secs` periods over `[start, end)`, writing to `sink`.
    ///
    /// # Errors
    /// [`ConfigError`] (`metrics-period`) unless `period_secs` > 0, and (`start`)
    /// unless start < end.
    pub fn new(
        period_secs: i64,
        start: SimTime,
        end: SimTime,
        sink: S,
    ) -> Result<Self, ConfigError> {
        if period_secs <= 0 {
            return Err(ConfigError::new(
                "metrics-period",
                format!("{period_secs}: must be a positive number of seconds"),
            ));
        }
        if start >= end {
            return Err(ConfigError::new("start", "the horizon is empty"));
        }
        Ok(Aggregator {
            period: period_secs,
            start: start.secs(),
            end: end.secs(),
            period_start: start.secs().div_euclid(period_secs) * period_secs,
            period_idx: 0,
            groups: Vec::new(),
            visit: Vec::new(),
            dense: Vec::new(),
            sink,
            points: Vec::with_capacity(N),
            error: None,
        })
    }

    /// The period length, seconds.
    pub fn period_secs(&self) -> i64 {
        self.period
    }

    /// Registers a dimension set. `export`: whether its records are marked exported
    /// ([`Record::exported`]). The `total` set is dense (a record every period); others
    /// are sparse: a record only for periods in which a metric changed or a gauge
    /// (other than `SpotPrice`) was not zero.
    pub fn add_group(&mut self, dims: Dims, export: bool) -> GroupId {
        let dense = dims.by == Dimension::Total;
        let id = self.groups.len() as u32;
        if dense {
            self.dense.push(id);
        }
        self.groups.push(Group {
            dims,
            export,
            dense,
            used: 0,
            active: false,
            nonzero: 0,
            clean_for: self.period_idx,
            listed_in: u64::MAX,
            gauges: vec![
                Gauge {
                    since: self.start,
                    ..Gauge::default()
                };
                N
            ],
            counters: vec![0; N],
            cost_period: Money::ZERO,
            cost_total: Money::ZERO,
            cost_emitted_micro: 0,
        });
        GroupId(id)
    }

    /// The registered dimension sets.
    pub fn groups(&self) -> impl Iterator<Item = (GroupId, &Dims)> {
        self.groups
            .iter()
            .enumerate()
            .map(|(i, g)| (GroupId(i as u32), &g.dims))
    }

    /// Makes group `g`'s accumulators belong to the open period and lists it for
    /// the period's close.
    #[inline]
    fn touch(&mut self, g: GroupId) -> &mut Group {
        let lo = self.period_start.max(self.start);
        let idx = self.period_idx;
        let grp = &mut self.groups[g.0 as usize];
        if grp.clean_for != idx {
            // Untouched and all-zero (but for passive gauges) since it was last
            // visited: start the open period afresh.
            for gauge in grp.gauges.iter_mut() {
                gauge.integral = 0;
                gauge.held = false;
                gauge.since = gauge.since.max(lo);
            }
            grp.clean_for = idx;
        }
        if grp.listed_in != idx {
            grp.listed_in = idx;
            if !grp.dense {
                self.visit.push(g.0);
            }
        }
        &mut self.groups[g.0 as usize]
    }

    /// Gauge `metric` of group `g` takes `value` (in stored units) from `t` on.
    /// `t` must not be before the last [`Aggregator::advance`].
    #[inline]
    pub fn set(&mut self, g: GroupId, metric: Metric, t: SimTime, value: i64) {
        let t = t.secs().clamp(self.start, self.end);
        let grp = self.touch(g);
        let m = metric as usize;
        grp.used |= 1 << m;
        grp.active = true;
        let gauge = &mut grp.gauges[m];
        if gauge.value == value {
            return;
        }
        gauge.hold_to(t);
        if !metric.passive() {
            match (gauge.value == 0, value == 0) {
                (true, false) => grp.nonzero += 1,
                (false, true) => grp.nonzero -= 1,
                _ => {}
            }
        }
        grp.gauges[m].value = value;
    }

    /// Adds `delta` to gauge `metric` of group `g` from `t` on.
    #[inline]
    pub fn add_to(&mut self, g: GroupId, metric: Metric, t: SimTime, delta: i64) {
        let v = self.groups[g.0 as usize].gauges[metric as usize].value;
        self.set(g, metric, t, v + delta);
    }

    /// The current value of gauge `metric` of group `g`.
    pub fn value(&self, g: GroupId, metric: Metric) -> i64 {
        self.groups[g.0 as usize].gauges[metric as usize].value
    }

    /// Counts `n` events of counter `metric` in the open period.
    #[inline]
    pub fn count(&mut self, g: GroupId, metric: Metric, n: u64) {
        let grp = self.touch(g);
        grp.used |= 1 << metric as usize;
        grp.counters[metric as usize] += n;
        grp.active = true;
    }

    /// Charges `amount` to `Cost` of group `g` in the open period (negative: a refund).
    #[inline]
    pub fn charge(&mut self, g: GroupId, amount: Money) {
        let grp = self.touch(g);
        grp.used |= 1 << Metric::Cost as usize;
        grp.cost_period += amount;
        if amount != Money::ZERO {
            grp.active = true;
        }
    }

    /// Declares `metric` of group `g` recorded (exported even while it stays zero).
    pub fn declare(&mut self, g: GroupId, metric: Metric) {
        self.groups[g.0 as usize].used |= 1 << metric as usize;
    }

    /// The end of the open period, if it closes before the horizon's end.
    #[inline]
    pub fn next_boundary(&self) -> Option<SimTime> {
        let b = self.period_start + self.period;
        (b < self.end).then_some(SimTime(b))
    }

    /// Closes every period that ends at or before `t` (`t` itself is not yet
    /// recorded: call this before applying the changes at `t`).
    #[inline]
    pub fn advance(&mut self, t: SimTime) {
        while self.next_boundary().is_some_and(|b| b <= t) {
            self.close_period();
        }
    }

    /// Closes the open period (at the next boundary or the horizon's end), writing
    /// its records.
    pub fn close_period(&mut self) {
        let lo = self.period_start.max(self.start);
        let hi = (self.period_start + self.period).min(self.end);
        let covered = hi - lo;
        let mut visit = std::mem::take(&mut self.visit);
        // Sparse groups holding a non-zero gauge are visited though untouched.
        visit.extend(self.dense.iter().copied());
        let idx = self.period_idx;
        for (i, grp) in self.groups.iter_mut().enumerate() {
            if grp.nonzero > 0 && grp.listed_in != idx && !grp.dense {
                visit.push(i as u32);
            }
        }
        visit.sort_unstable();
        visit.dedup();
        for &gi in &visit {
            self.close_group(gi as usize, lo, hi, covered);
        }
        visit.clear();
        self.visit = visit;
        self.period_start += self.period;
        self.period_idx += 1;
    }

    fn close_group(&mut self, gi: usize, lo: i64, hi: i64, covered: i64) {
        let idx = self.period_idx;
        let grp = &mut self.groups[gi];
        if grp.clean_for != idx {
            for gauge in grp.gauges.iter_mut() {
                gauge.integral = 0;
                gauge.held = false;
                gauge.since = gauge.since.max(lo);
            }
        }
        let active = grp.active || grp.dense || grp.nonzero > 0;
        for (m, gauge) in grp.gauges.iter_mut().enumerate() {
            if grp.used & (1 << m) != 0 {
                gauge.hold_to(hi);
            }
        }
        grp.cost_total += grp.cost_period;
        if active && grp.used != 0 {
            self.points.clear();
            for (m, metric) in Metric::ALL.iter().enumerate() {
                if grp.used & (1 << m) == 0 {
                    continue;
                }
                let p = match metric.kind() {
                    Kind::Gauge => {
                        let g = &grp.gauges[m];
                        let s = metric.scale();
                        Point {
                            metric: *metric,
                            stats: Stats {
                                sum: g.integral as f64 / s,
                                average: g.integral as f64 / (covered as f64 * s),
                                minimum: g.min as f64 / s,
                                maximum: g.max as f64 / s,
                                sample_count: covered as u64,
                                last: g.value as f64 / s,
                            },
                            exact_sum: g.integral,
                        }
                    }
                    Kind::Counter => Point {
                        metric: *metric,
                        stats: Stats::single(grp.counters[m] as f64),
                        exact_sum: grp.counters[m] as i128,
                    },
                    Kind::Cost => {
                        let micro = grp.cost_total.micro_usd() - grp.cost_emitted_micro;
                        grp.cost_emitted_micro += micro;
                        Point {
                            metric: *metric,
                            stats: Stats::single(micro as f64 / 1e6),
                            exact_sum: micro,
                        }
                    }
                };
                self.points.push(p);
            }
            let r = Record {
                timestamp: SimTime(self.period_start),
                period_secs: self.period,
                covered_secs: covered,
                dims: &grp.dims,
                exported: grp.export,
                points: &self.points,
            };
            if self.error.is_none() {
                if let Err(e) = self.sink.record(&r) {
                    self.error = Some(e);
                }
            }
        }
        grp.cost_period = Money::ZERO;
        grp.active = false;
        grp.counters.iter_mut().for_each(|c| *c = 0);
        for g in grp.gauges.iter_mut() {
            g.integral = 0;
            g.held = false;
            g.since = hi;
        }
        grp.clean_for = idx + 1;
    }

    /// Closes the remaining periods up to the horizon's end and finishes the sink.
    ///
    /// # Errors
    /// The first I/O error the sink returned.
    pub fn finish(mut self) -> io::Result<S> {
        while self.period_start < self.end {
            self.close_period();
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.sink.finish()?;
        Ok(self.sink)
    }

    /// The first I/O error the sink returned, if any (the aggregator stops writing
    /// after it).
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }
}
