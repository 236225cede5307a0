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
use super::visit::VisitSet;
use crate::error::ConfigError;
use crate::money::{Money, NANO_PER_USD};
use crate::time::SimTime;

/// A dimension set registered with an [`Aggregator`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId(pub u32);

#[derive(Clone, Copy, Debug)]
struct Gauge {
    value: i64,
    since: i64,
    integral: i128,
    min: i64,
    max: i64,
    held: bool,
    /// The period whose accumulators (`integral`, `min`, `max`, `held`) these are:
    /// they are reset lazily, when the gauge is next read or set in a later period
    /// ([`Gauge::sync`]), so a period's close touches only the gauges it reads.
    epoch: u64,
}

impl Gauge {
    /// A gauge of value 0 from `since`, with no period yet.
    fn new(since: i64) -> Self {
        Gauge {
            value: 0,
            since,
            integral: 0,
            min: 0,
            max: 0,
            held: false,
            epoch: u64::MAX,
        }
    }

    /// Makes the accumulators belong to period `idx`, starting at `lo`: when they
    /// belong to an earlier one, they start afresh (the value carries over, held from
    /// `lo` or from when it was set, if later).
    #[inline]
    fn sync(&mut self, idx: u64, lo: i64) {
        if self.epoch != idx {
            self.integral = 0;
            self.held = false;
            self.since = self.since.max(lo);
            self.epoch = idx;
        }
    }

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
    /// Counters counted in the open period (the ones to zero when it closes).
    counted: u32,
    active: bool,
    /// Non-passive gauges whose value is not zero.
    nonzero: u32,
    /// The period index in whose visit list the group is.
    listed_in: u64,
    /// Position in the aggregator's list of sparse groups holding a non-zero gauge,
    /// or `u32::MAX`.
    hot_pos: u32,
    gauges: Vec<Gauge>,
    counters: Vec<u64>,
    cost_period: Money,
    /// Whether `Cost` accrues the `CostRate` gauge by the second
    /// ([`Aggregator::cost_follows_rate`]).
    cost_from_rate: bool,
    cost_total: Money,
    cost_emitted_micro: i128,
    /// `cost_total` when `cost_emitted_micro` was last brought up to date.
    cost_emitted_total: Money,
    /// The last record's points, its covered seconds and metrics: reused while the
    /// group stays steady (only its `Cost` is recomputed).
    cache: Vec<Point>,
    cache_covered: i64,
    cache_used: u32,
    /// Whether every gauge held one value through the cached record's period, no
    /// counter counted in it, and nothing changed since.
    steady: bool,
}

/// The set bits of `used`, lowest first (metric indices in export order).
#[inline]
fn bits(mut used: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (used != 0).then(|| {
            let m = used.trailing_zeros() as usize;
            used &= used - 1;
            m
        })
    })
}

/// `i as f64`, through `i64` when it fits (the same correctly rounded value, without
/// the slow 128-bit conversion).
#[inline]
fn to_f64(i: i128) -> f64 {
    match i64::try_from(i) {
        Ok(x) => x as f64,
        Err(_) => wide_to_f64(i),
    }
}

/// `i as f64` for a value beyond `i64`. Out of line: when both arms of [`to_f64`] were
/// `as f64`, LLVM saw they agree and kept only the 128-bit conversion (a library call,
/// 7 % of a metrics-by-pool run in perf).
#[cold]
#[inline(never)]
fn wide_to_f64(i: i128) -> f64 {
    i as f64
}

/// Aggregates step functions and counters into periods (see the module docs).
///
/// Work per period is proportional to the dimension sets that changed or hold a
/// non-zero gauge, not to all of them (a year of 5-minute periods over 500 pools):
/// the sets touched in the period are listed as they are touched, the sparse sets
/// holding a non-zero gauge are kept in a live list (updated when a gauge leaves or
/// reaches zero), and a set neither touched nor holding anything is not visited at
/// all — its accumulators are reset lazily, when it is next touched (its gauges
/// carry their values forward exactly: nothing accrues from a zero gauge, and a
/// passive gauge's value is held from the period's start).
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
    visit: VisitSet,
    dense: Vec<u32>,
    /// Sparse groups with `nonzero > 0` (each group's `hot_pos` is its index here).
    hot: Vec<u32>,
    sink: S,
    error: Option<io::Error>,
}

const N: usize = Metric::ALL.len();

/// Money units in one second at 1 nano-USD per hour (`Rate::for_seconds(1)` of a
/// one-nano-dollar rate).
const RATE_SECOND_UNITS: i128 = Money::UNITS_PER_USD / (NANO_PER_USD as i128 * 3600);

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
            visit: VisitSet::default(),
            dense: Vec::new(),
            hot: Vec::new(),
            sink,
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
            counted: 0,
            active: false,
            nonzero: 0,
            listed_in: u64::MAX,
            hot_pos: u32::MAX,
            gauges: vec![Gauge::new(self.start); N],
            counters: vec![0; N],
            cost_period: Money::ZERO,
            cost_from_rate: false,
            cost_total: Money::ZERO,
            cost_emitted_micro: 0,
            cost_emitted_total: Money::ZERO,
            cache: Vec::new(),
            cache_covered: 0,
            cache_used: 0,
            steady: false,
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
    #[inline(always)]
    fn touch(&mut self, g: GroupId) -> &mut Group {
        let idx = self.period_idx;
        let grp = &mut self.groups[g.0 as usize];
        // (Its gauges start the open period afresh when next set or read: `Gauge::sync`.)
        if grp.listed_in != idx {
            grp.listed_in = idx;
            if !grp.dense {
                self.visit.insert(g.0);
            }
        }
        &mut self.groups[g.0 as usize]
    }

    /// Gauge `metric` of group `g` takes `value` (in stored units) from `t` on.
    /// `t` must not be before the last [`Aggregator::advance`].
    #[inline]
    pub fn set(&mut self, g: GroupId, metric: Metric, t: SimTime, value: i64) {
        let t = t.secs().clamp(self.start, self.end);
        let lo = self.period_start.max(self.start);
        self.touch(g);
        let Aggregator { groups, hot, .. } = self;
        let grp = &mut groups[g.0 as usize];
        let m = metric as usize;
        grp.used |= 1 << m;
        if metric == Metric::CostRate && grp.cost_from_rate {
            grp.used |= 1 << Metric::Cost as usize;
        }
        grp.active = true;
        let gauge = &mut grp.gauges[m];
        let old = gauge.value;
        if old == value {
            return;
        }
        gauge.sync(self.period_idx, lo);
        gauge.hold_to(t);
        gauge.value = value;
        grp.steady = false;
        if metric.passive() {
            return;
        }
        match (old == 0, value == 0) {
            (true, false) => {
                grp.nonzero += 1;
                if grp.nonzero == 1 && !grp.dense {
                    grp.hot_pos = hot.len() as u32;
                    hot.push(g.0);
                }
            }
            (false, true) => {
                grp.nonzero -= 1;
                if grp.nonzero == 0 && !grp.dense {
                    let pos = grp.hot_pos as usize;
                    grp.hot_pos = u32::MAX;
                    hot.swap_remove(pos);
                    if let Some(&moved) = hot.get(pos) {
                        groups[moved as usize].hot_pos = pos as u32;
                    }
                }
            }
            _ => {}
        }
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
        if n > 0 {
            grp.counted |= 1 << metric as usize;
            grp.steady = false;
        }
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

    /// From now on, `Cost` of group `g` accrues its `CostRate` gauge (nano-USD per
    /// hour, [`crate::money::Rate`]'s unit) by the second, beside what
    /// [`Aggregator::charge`] adds: a period carries ∫ `CostRate` dt over it, exactly
    /// (`Rate::for_seconds` is linear), without a charge at every period boundary.
    /// `Cost` is recorded from the first time `CostRate` is set.
    ///
    /// ```
    /// use spotsim::money::Rate;
    /// use spotsim::telemetry::{Aggregator, Dimension, Dims, Metric, SeriesStore};
    /// use spotsim::time::SimTime;
    /// let mut a = Aggregator::new(3600, SimTime(0), SimTime(7200), SeriesStore::default()).unwrap();
    /// let g = a.add_group(Dims { by: Dimension::Total, pairs: vec![] }, true);
    /// a.cost_follows_rate(g);
    /// // $0.36 an hour from 00:30: $0.18 in the first hour, $0.36 in the second.
    /// let rate = Rate::parse_usd("0.36").unwrap();
    /// a.set(g, Metric::CostRate, SimTime(1800), rate.nano_usd_per_hour());
    /// let store = a.finish().unwrap();
    /// let cost: Vec<i128> = store.total(Metric::Cost).unwrap().iter().map(|s| s.exact_sum).collect();
    /// assert_eq!(cost, vec![180_000, 360_000]); // micro-USD
    /// ```
    pub fn cost_follows_rate(&mut self, g: GroupId) {
        self.groups[g.0 as usize].cost_from_rate = true;
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
        // Sparse groups holding a non-zero gauge are visited though untouched (the
        // live list, not a scan of every group); records go out in group order.
        for &gi in self.dense.iter().chain(&self.hot) {
            visit.insert(gi);
        }
        visit.drain(|gi| self.close_group(gi as usize, lo, hi, covered));
        self.visit = visit;
        self.period_start += self.period;
        self.period_idx += 1;
    }

    fn close_group(&mut self, gi: usize, lo: i64, hi: i64, covered: i64) {
        let idx = self.period_idx;
        let grp = &mut self.groups[gi];
        let active = grp.active || grp.dense || grp.nonzero > 0;
        let emit = active && grp.used != 0;
        let reuse =
            emit && grp.steady && grp.cache_covered == covered && grp.cache_used == grp.used;
        let rate_bit = 1 << Metric::CostRate as usize;
        if grp.cost_from_rate && grp.used & rate_bit != 0 {
            // ∫ CostRate dt over the period (nano-USD/h × s), in money units.
            let g = &mut grp.gauges[Metric::CostRate as usize];
            let integral = if reuse {
                // Steady: the rate held all period.
                g.value as i128 * covered as i128
            } else {
                g.sync(idx, lo);
                g.hold_to(hi);
                g.integral
            };
            grp.cost_period += Money::from_units(integral * RATE_SECOND_UNITS);
        }
        grp.cost_total += grp.cost_period;
        // The cost of the period, rounded with the running total (the 128-bit rounding
        // only when money moved).
        let cost_point = |grp: &mut Group| {
            let micro = if grp.cost_total == grp.cost_emitted_total {
                0
            } else {
                grp.cost_total.micro_usd() - grp.cost_emitted_micro
            };
            grp.cost_emitted_micro += micro;
            grp.cost_emitted_total = grp.cost_total;
            Point {
                metric: Metric::Cost,
                stats: Stats::single(to_f64(micro) / 1e6),
                exact_sum: micro,
            }
        };
        if reuse {
            // Nothing changed since the last record, a period as long as this one: its
            // points are this period's but for the cost.
            let cost = 1u32 << Metric::Cost as usize;
            if grp.used & cost != 0 {
                // Its place among the points: the metrics in use before it.
                let i = (grp.used & (cost - 1)).count_ones() as usize;
                let p = cost_point(grp);
                grp.cache[i] = p;
            }
        } else if emit {
            for m in bits(grp.used) {
                let g = &mut grp.gauges[m];
                g.sync(idx, lo);
                g.hold_to(hi);
            }
            grp.cache.clear();
            let mut steady = true;
            for m in bits(grp.used) {
                let metric = &Metric::ALL[m];
                let p = match metric.kind() {
                    Kind::Gauge => {
                        let g = &grp.gauges[m];
                        steady &= g.min == g.value && g.max == g.value;
                        let s = metric.scale();
                        // x / 1.0 is x exactly: skip the divisions of unscaled gauges.
                        let unscale = |x: f64| if s == 1.0 { x } else { x / s };
                        let integral = to_f64(g.integral);
                        Point {
                            metric: *metric,
                            stats: Stats {
                                sum: unscale(integral),
                                average: integral / (covered as f64 * s),
                                minimum: unscale(g.min as f64),
                                maximum: unscale(g.max as f64),
                                sample_count: covered as u64,
                                last: unscale(g.value as f64),
                            },
                            exact_sum: g.integral,
                        }
                    }
                    Kind::Counter => {
                        steady &= grp.counters[m] == 0;
                        Point {
                            metric: *metric,
                            stats: Stats::single(grp.counters[m] as f64 / metric.scale()),
                            exact_sum: grp.counters[m] as i128,
                        }
                    }
                    Kind::Cost => cost_point(grp),
                };
                grp.cache.push(p);
            }
            grp.steady = steady;
            grp.cache_covered = covered;
            grp.cache_used = grp.used;
        } else {
            grp.steady = false;
        }
        if emit {
            let r = Record {
                timestamp: SimTime(self.period_start),
                period_secs: self.period,
                covered_secs: covered,
                dims: &grp.dims,
                exported: grp.export,
                points: &grp.cache,
            };
            if self.error.is_none()
                && let Err(e) = self.sink.record(&r)
            {
                self.error = Some(e);
            }
        }
        grp.cost_period = Money::ZERO;
        grp.active = false;
        // The gauges' accumulators are this period's (or an earlier one's): the next
        // period resets them when it reads them (`Gauge::sync`).
        for m in bits(grp.counted) {
            grp.counters[m] = 0;
        }
        grp.counted = 0;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::SeriesStore;

    #[test]
    fn to_f64_is_the_128_bit_conversion() {
        let edge = [i64::MAX as i128, i64::MIN as i128];
        for base in edge {
            for d in -3i128..=3 {
                let i = base + d;
                assert_eq!(to_f64(i).to_bits(), (i as f64).to_bits(), "{i}");
            }
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i =
                ((x as i128) << (x % 70)).wrapping_mul(if x.is_multiple_of(3) { -1 } else { 1 });
            assert_eq!(to_f64(i).to_bits(), (i as f64).to_bits(), "{i}");
        }
    }

    #[test]
    fn a_rate_second_is_rate_for_seconds() {
        use crate::money::Rate;
        assert_eq!(
            Rate::from_nano_usd(1).for_seconds(1).units(),
            RATE_SECOND_UNITS
        );
        let r = Rate::parse_usd("3.06").unwrap();
        assert_eq!(
            r.for_seconds(1_234).units(),
            r.nano_usd_per_hour() as i128 * 1_234 * RATE_SECOND_UNITS
        );
    }

    fn dims(name: &str) -> Dims {
        Dims {
            by: Dimension::Pool,
            pairs: vec![("Pool", name.to_string())],
        }
    }

    /// The periods (start, average) recorded for `name`'s RunningCapacity.
    fn periods(store: &SeriesStore, name: &str) -> Vec<(i64, f64)> {
        store
            .get(&dims(name), Metric::RunningCapacity)
            .unwrap_or(&[])
            .iter()
            .map(|s| (s.timestamp.secs(), s.stats.average))
            .collect()
    }

    #[test]
    fn untouched_sets_carry_their_gauges_forward_and_leave_the_live_list() {
        // 60 s periods over [0, 600). Hand-computed expectations below.
        let mut a = Aggregator::new(60, SimTime(0), SimTime(600), SeriesStore::default()).unwrap();
        let ga = a.add_group(dims("a"), true);
        let gb = a.add_group(dims("b"), true);
        let gc = a.add_group(dims("c"), true);
        let gd = a.add_group(dims("d"), true);
        let m = Metric::RunningCapacity;
        // a: 3 from t=30 to t=200, untouched in between.
        a.set(ga, m, SimTime(30), 3);
        // b: touched once with its zero value.
        a.set(gb, m, SimTime(40), 0);
        // c and d go non-zero; c leaves the live list first (d is moved in it), then d.
        a.set(gc, m, SimTime(50), 2);
        a.set(gd, m, SimTime(50), 4);
        a.advance(SimTime(70));
        a.set(gc, m, SimTime(70), 0);
        a.advance(SimTime(150));
        a.set(gd, m, SimTime(150), 0);
        a.advance(SimTime(200));
        a.set(ga, m, SimTime(200), 0);
        a.advance(SimTime(400));
        // d again, alone in the live list.
        a.advance(SimTime(420));
        a.set(gd, m, SimTime(420), 6);
        let store = a.finish().unwrap();
        // a: [0,60) 3 for 30 s → 1.5; [60,120) and [120,180) 3; [180,240) 3 for 20 s → 1.
        assert_eq!(
            periods(&store, "a"),
            vec![(0, 1.5), (60, 3.0), (120, 3.0), (180, 1.0)]
        );
        // b: only the period it was touched in.
        assert_eq!(periods(&store, "b"), vec![(0, 0.0)]);
        // c: [0,60) 2 for 10 s; [60,120) 2 for 10 s.
        let c = periods(&store, "c");
        assert_eq!(c.len(), 2);
        assert!((c[0].1 - 20.0 / 60.0).abs() < 1e-12 && (c[1].1 - 20.0 / 60.0).abs() < 1e-12);
        // d: [0,60) 4 for 10 s; [60,120) 4; [120,180) 4 for 30 s; then [420,480) 6 for
        // 60 s … [540,600) 6.
        let d = periods(&store, "d");
        let want = [
            (0, 40.0 / 60.0),
            (60, 4.0),
            (120, 2.0),
            (420, 6.0),
            (480, 6.0),
            (540, 6.0),
        ];
        assert_eq!(d.len(), want.len(), "{d:?}");
        for (got, want) in d.iter().zip(want) {
            assert_eq!(got.0, want.0);
            assert!((got.1 - want.1).abs() < 1e-12, "{d:?}");
        }
    }

    #[test]
    fn a_steady_set_reuses_its_record_but_for_cost_and_sees_every_change() {
        // 60 s periods over [0, 300); one set holding 2 units, charged 1 µ$ a period
        // (3 µ$ in the third), a launch counted in the fourth.
        let micro = Money::from_units(Money::UNITS_PER_USD / 1_000_000);
        let mut a = Aggregator::new(60, SimTime(0), SimTime(300), SeriesStore::default()).unwrap();
        let g = a.add_group(dims("e"), true);
        a.declare(g, Metric::Launches);
        a.set(g, Metric::RunningCapacity, SimTime(0), 2);
        for p in 0..5 {
            a.advance(SimTime(p * 60));
            a.charge(g, if p == 2 { micro + micro + micro } else { micro });
            if p == 3 {
                a.count(g, Metric::Launches, 1);
            }
        }
        let store = a.finish().unwrap();
        let get = |m| {
            store
                .get(&dims("e"), m)
                .unwrap()
                .iter()
                .map(|s| s.exact_sum)
                .collect::<Vec<_>>()
        };
        assert_eq!(get(Metric::Cost), vec![1, 1, 3, 1, 1]);
        assert_eq!(get(Metric::Launches), vec![0, 0, 0, 1, 0]);
        assert_eq!(get(Metric::RunningCapacity), vec![120; 5]);
        let ts: Vec<i64> = store
            .get(&dims("e"), Metric::Cost)
            .unwrap()
            .iter()
            .map(|s| s.timestamp.secs())
            .collect();
        assert_eq!(ts, vec![0, 60, 120, 180, 240]);
    }
}
