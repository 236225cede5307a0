//! The `run` page's charts recorded during the run, fed by the telemetry layer: the
//! running capacity stacked by pool with the target and the unmet capacity shaded,
//! interruptions and notices on a timeline, the cumulative cost of every strategy side
//! by side, and the service map (moves between pools).
//!
//! [`RunCharts`] hands out one observer per strategy ([`ObserverPerRun`]); each is a
//! [`FleetRecorder`] writing to a [`ChartSink`] at a *chart period* of about one
//! period per pixel column of a chart ([`chart_period`]), beside a
//! [`ServiceMapRecorder`]. The sink keeps only what the charts draw — per period the
//! fleet's target, running and unmet capacity, cost, interruptions and notices, and
//! the running capacity of each pool that ever ran something — so its memory is
//! (pools used + 1) × ~600 periods whatever the horizon and the market's size (a year
//! × 500 pools included), never every metric of every pool.
//!
//! Capacity is drawn from the periods' averages (exact integrals ÷ seconds), so the
//! stacked areas have the right area (unit-hours) and their tops add up to the fleet's
//! running capacity; cost is the exact micro-dollar sum per period, so the cumulative
//! line ends at the report's total.

use std::collections::HashMap;
use std::io;

use super::chart::{Band, Chart, Flow, FlowChart, Marks, Series, TimeChart, ValueFormat};
use super::plot::PLOT_PX;
use crate::error::Error;
use crate::market::{Market, PoolId};
use crate::money::Rate;
use crate::telemetry::{
    Dimension, EdgeKind, FleetRecorder, InstanceEvent, Metric, MetricSink, MetricsSpec, Observer,
    ObserverPerRun, Record, ServiceMap, ServiceMapRecorder,
};
use crate::time::SimTime;

/// Pools the capacity chart stacks one by one (the rest: one "other pools" area).
pub const CAPACITY_POOLS_SHOWN: usize = 6;

/// The chart period of a horizon: about one period per pixel column of a time chart,
/// a whole number of minutes, at least one.
///
/// ```
/// use spotsim::report::html::chart_period;
/// use spotsim::time::SimTime;
/// // A year in ~616 columns: 51,196 s, rounded up to whole minutes.
/// assert_eq!(chart_period(SimTime(0), SimTime(365 * 86_400)), 51_240);
/// assert_eq!(chart_period(SimTime(0), SimTime(3_600)), 60);
/// ```
pub fn chart_period(start: SimTime, end: SimTime) -> i64 {
    let span = (end.secs() - start.secs()).max(1);
    let per_column = (span + PLOT_PX as i64 - 1) / PLOT_PX as i64;
    ((per_column + 59) / 60).max(1) * 60
}

/// One period of the fleet's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Totals {
    t: i64,
    covered: i64,
    desired: f64,
    running: f64,
    unmet: f64,
    cost_micro: i128,
    interruptions: u64,
    notices: u64,
}

/// A [`MetricSink`] that keeps what the `run` page's charts draw (see the module
/// docs): the fleet's totals per period, and per pool that ever ran something its
/// running capacity per period. Everything else is dropped as it arrives.
#[derive(Debug, Default)]
pub struct ChartSink {
    period: i64,
    first: Option<i64>,
    totals: Vec<Totals>,
    pool_index: HashMap<String, usize>,
    /// Per pool: its name and running capacity per period (dense from period 0).
    pools: Vec<(String, Vec<f64>)>,
}

impl ChartSink {
    /// How many pools have a series (pools that ran something).
    pub fn pools_kept(&self) -> usize {
        self.pools.len()
    }

    /// How many periods were recorded.
    pub fn periods(&self) -> usize {
        self.totals.len()
    }
}

impl MetricSink for ChartSink {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.period = r.period_secs;
        let first = *self.first.get_or_insert(r.timestamp.secs());
        let idx = ((r.timestamp.secs() - first) / r.period_secs.max(1)).max(0) as usize;
        let avg = |m: Metric| {
            r.points
                .iter()
                .find(|p| p.metric == m)
                .map_or(0.0, |p| p.stats.average)
        };
        let sum = |m: Metric| {
            r.points
                .iter()
                .find(|p| p.metric == m)
                .map_or(0, |p| p.exact_sum)
        };
        match r.dims.by {
            Dimension::Total => self.totals.push(Totals {
                t: r.timestamp.secs(),
                covered: r.covered_secs,
                desired: avg(Metric::DesiredCapacity),
                running: avg(Metric::RunningCapacity),
                unmet: avg(Metric::UnmetCapacity),
                cost_micro: sum(Metric::Cost),
                interruptions: sum(Metric::Interruptions).max(0) as u64,
                notices: sum(Metric::InterruptionNotices).max(0) as u64,
            }),
            Dimension::Pool => {
                let running = avg(Metric::RunningCapacity);
                let name = format!(
                    "{} {}",
                    r.dims.get("InstanceType").unwrap_or("?"),
                    r.dims.get("AvailabilityZone").unwrap_or("?")
                );
                let k = match self.pool_index.get(&name) {
                    Some(&k) => k,
                    None if running > 0.0 => {
                        self.pools.push((name.clone(), Vec::new()));
                        self.pool_index.insert(name, self.pools.len() - 1);
                        self.pools.len() - 1
                    }
                    None => return Ok(()),
                };
                let v = &mut self.pools[k].1;
                if v.len() <= idx {
                    v.resize(idx + 1, 0.0);
                }
                v[idx] = running;
            }
            _ => {}
        }
        Ok(())
    }
}

/// One strategy's recording: the fleet recorder (built when the run begins, with the
/// chart period of its horizon) and the service map.
struct Recording {
    subject: String,
    span: (SimTime, SimTime),
    rec: Option<FleetRecorder<ChartSink>>,
    map: ServiceMapRecorder,
}

impl Observer for Recording {
    fn begin(&mut self, market: &Market, start: SimTime, end: SimTime) {
        self.span = (start, end);
        let spec = MetricsSpec {
            period_secs: chart_period(start, end),
            by: vec![Dimension::Total, Dimension::Pool],
        };
        let mut rec = FleetRecorder::new(
            spec,
            ("Strategy", self.subject.clone()),
            ChartSink::default(),
        );
        rec.begin(market, start, end);
        self.rec = Some(rec);
        self.map.begin(market, start, end);
    }
    fn advance(&mut self, now: SimTime) {
        self.rec.advance(now);
        self.map.advance(now);
    }
    fn desired(&mut self, now: SimTime, units: u32) {
        self.rec.desired(now, units);
        self.map.desired(now, units);
    }
    fn price(&mut self, now: SimTime, pool: PoolId, price: Rate) {
        self.rec.price(now, pool, price);
        self.map.price(now, pool, price);
    }
    fn instance(&mut self, ev: &InstanceEvent) {
        self.rec.instance(ev);
        self.map.instance(ev);
    }
    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        self.rec.moved(now, from, to, count);
        self.map.moved(now, from, to, count);
    }
    fn end(&mut self, end: SimTime) {
        self.rec.end(end);
        self.map.end(end);
    }
}

/// The `run` page's recorded charts: hand [`RunCharts`] to
/// [`Prepared::run_observed`](crate::scenario::Prepared::run_observed) (or use
/// [`ObserverPerRun::for_run`] as the observer of each simulation), then
/// [`RunCharts::charts`].
///
/// ```
/// use spotsim::engine::{FleetConfig, Simulation, Target};
/// use spotsim::report::html::{Chart, RunCharts};
/// use spotsim::strategy::LowestPrice;
/// use spotsim::telemetry::ObserverPerRun;
/// let market = spotsim::synth::default_market(1);
/// let mut charts = RunCharts::new();
/// Simulation::new(&market, FleetConfig::new(Target::Constant(4)), LowestPrice::default())
///     .run_observed(&mut |_, _| {}, charts.for_run("lowest-price"))?;
/// let charts = charts.charts("instances")?;
/// assert!(charts.iter().any(|c| c.title() == "Running capacity by pool: lowest-price"));
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Default)]
pub struct RunCharts {
    runs: Vec<Recording>,
}

impl std::fmt::Debug for RunCharts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunCharts")
            .field("runs", &self.runs.len())
            .finish()
    }
}

impl ObserverPerRun for RunCharts {
    fn for_run(&mut self, subject: &str) -> &mut dyn Observer {
        self.runs.push(Recording {
            subject: subject.to_string(),
            span: (SimTime(0), SimTime(0)),
            rec: None,
            map: ServiceMapRecorder::new(subject),
        });
        let last = self.runs.len() - 1;
        &mut self.runs[last]
    }
}

/// What one strategy's run recorded.
struct Recorded {
    subject: String,
    span: (SimTime, SimTime),
    sink: ChartSink,
    map: ServiceMap,
}

impl RunCharts {
    /// Nothing recorded yet.
    pub fn new() -> RunCharts {
        RunCharts::default()
    }

    /// The charts, in page order: per strategy its running capacity by pool, then the
    /// cumulative cost of every strategy, the interruptions and notices timeline, and
    /// per strategy that moved capacity its service map. `unit` is the target's unit
    /// (`instances`, `vCPUs`).
    ///
    /// # Errors
    /// [`Error::Config`] for a horizon the recorder refused.
    pub fn charts(self, unit: &str) -> Result<Vec<Chart>, Error> {
        let mut recorded = Vec::with_capacity(self.runs.len());
        for r in self.runs {
            let Some(rec) = r.rec else { continue };
            recorded.push(Recorded {
                sink: rec.finish("chart")?,
                map: r.map.finish(),
                subject: r.subject,
                span: r.span,
            });
        }
        let mut charts: Vec<Chart> = recorded.iter().map(|r| capacity_chart(r, unit)).collect();
        if let Some(first) = recorded.first() {
            let span = first.span;
            charts.push(cumulative_cost_chart(&recorded, span));
            charts.push(events_chart(&recorded, span));
        }
        charts.extend(recorded.iter().filter_map(service_map_chart));
        Ok(charts)
    }
}

/// The time of period `i`'s start, and of its end (cut by the horizon).
fn period_end(t: &Totals, span: (SimTime, SimTime)) -> i64 {
    (t.t.max(span.0.secs()) + t.covered).min(span.1.secs())
}

fn capacity_chart(r: &Recorded, unit: &str) -> Chart {
    let s = &r.sink;
    let mut chart = TimeChart::new(
        format!("Running capacity by pool: {}", r.subject),
        format!(
            "Coloured areas stack the {unit} running in each pool (the {CAPACITY_POOLS_SHOWN} pools that ran the most by name, the rest as \"other pools\"); their top is the fleet's running capacity. The dashed line is the target; grey shading above the areas is capacity the fleet lacked. Each step is one chart period's average ({}).",
            crate::report::human::hours(s.period as f64 / 3600.0)
        ),
        unit,
        r.span,
    );
    let times: Vec<SimTime> = s.totals.iter().map(|t| SimTime(t.t)).collect();
    // Pools by unit-periods run, largest first (then by name: deterministic).
    let mut order: Vec<(f64, &str, &[f64])> = s
        .pools
        .iter()
        .map(|(n, v)| (v.iter().sum::<f64>(), n.as_str(), v.as_slice()))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let dense = |v: &[f64]| -> Vec<(SimTime, f64)> {
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, v.get(i).copied().unwrap_or(0.0)))
            .collect()
    };
    for (k, (_, name, v)) in order.iter().take(CAPACITY_POOLS_SHOWN).enumerate() {
        chart
            .areas
            .push(Series::step(name.to_string(), dense(v)).color(k));
    }
    if order.len() > CAPACITY_POOLS_SHOWN {
        let mut rest = vec![0.0; times.len()];
        for (_, _, v) in &order[CAPACITY_POOLS_SHOWN..] {
            for (acc, x) in rest.iter_mut().zip(v.iter()) {
                *acc += x;
            }
        }
        let n = order.len() - CAPACITY_POOLS_SHOWN;
        chart.areas.push(
            Series::step(format!("other pools ({n})"), dense(&rest)).color(CAPACITY_POOLS_SHOWN),
        );
    }
    let running: Vec<(SimTime, f64)> = s.totals.iter().map(|t| (SimTime(t.t), t.running)).collect();
    let unmet_top: Vec<(SimTime, f64)> = s
        .totals
        .iter()
        .map(|t| (SimTime(t.t), t.running + t.unmet))
        .collect();
    if s.totals.iter().any(|t| t.unmet > 0.0) {
        chart.bands.push(Band {
            name: "unmet capacity".into(),
            lower: running,
            upper: unmet_top,
            color: None,
        });
    }
    chart.series.push(
        Series::step(
            "target",
            s.totals.iter().map(|t| (SimTime(t.t), t.desired)).collect(),
        )
        .dashed()
        .color(7),
    );
    Chart::Time(chart)
}

fn cumulative_cost_chart(rs: &[Recorded], span: (SimTime, SimTime)) -> Chart {
    let mut chart = TimeChart::new(
        "Cumulative cost per strategy",
        "Each line is what a strategy had been billed from the start up to that time (exact to the cent: the line ends at the strategy's total cost). A steeper line is a more expensive period; the gap between lines is the money one strategy saves over another so far.",
        "USD billed so far",
        span,
    );
    for (k, r) in rs.iter().enumerate() {
        let mut cum: i128 = 0;
        let mut pts = vec![(span.0, 0.0)];
        for t in &r.sink.totals {
            cum += t.cost_micro;
            pts.push((SimTime(period_end(t, span)), cum as f64 / 1e6));
        }
        chart
            .series
            .push(Series::line(r.subject.clone(), pts).color(k));
    }
    Chart::Time(chart)
}

fn events_chart(rs: &[Recorded], span: (SimTime, SimTime)) -> Chart {
    let mut chart = TimeChart::new(
        "Interruptions and notices over time",
        "One row per strategy and kind; a tick marks each chart period in which EC2 interrupted running spot instances (or sent two-minute notices), the legend gives the count over the horizon. Clusters of ticks are turbulent periods of the market.",
        "",
        span,
    );
    for r in rs {
        let at = |t: &Totals| SimTime(t.t.max(span.0.secs()));
        let ints = &r.sink.totals;
        chart.marks.push(Marks {
            name: format!("{}: interruptions", r.subject),
            times: ints
                .iter()
                .filter(|t| t.interruptions > 0)
                .map(at)
                .collect(),
            total: Some(ints.iter().map(|t| t.interruptions).sum()),
        });
        chart.marks.push(Marks {
            name: format!("{}: notices", r.subject),
            times: ints.iter().filter(|t| t.notices > 0).map(at).collect(),
            total: Some(ints.iter().map(|t| t.notices).sum()),
        });
    }
    Chart::Time(chart)
}

fn service_map_chart(r: &Recorded) -> Option<Chart> {
    if r.map.edges.is_empty() {
        return None;
    }
    let flows = r
        .map
        .edges
        .iter()
        .map(|e| Flow {
            from: e.from.replace('/', " "),
            to: e.to.replace('/', " "),
            kind: match e.kind {
                EdgeKind::Interruption => "after interruption",
                EdgeKind::PriceDrivenMove => "price-driven move",
                EdgeKind::Rebalance => "rebalance",
            }
            .to_string(),
            value: e.count as f64,
        })
        .collect();
    Some(Chart::Flows(FlowChart {
        title: format!("Service map: {}", r.subject),
        caption: "Where capacity went: each band runs from the pool an instance left to the pool its replacement was launched in, as wide as the number of instances; the colour says why (an interruption's replacement, a price-driven move, a capacity rebalance). Numbers in brackets are instances.".into(),
        unit: "instances".into(),
        flows,
        label: ValueFormat::Count,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FleetConfig, Simulation, Target};
    use crate::strategy::LowestPrice;

    #[test]
    fn the_chart_period_is_about_one_pixel_column() {
        // 30 days = 2,592,000 s over 616 columns = 4,207.8 s → 4,208 → 4,260 (71 min).
        assert_eq!(PLOT_PX, 616);
        assert_eq!(chart_period(SimTime(0), SimTime(30 * 86_400)), 4_260);
    }

    #[test]
    fn the_cumulative_cost_ends_at_the_total_and_capacity_adds_up() {
        let market = crate::synth::default_market(1);
        let mut charts = RunCharts::new();
        let mut cfg = FleetConfig::new(Target::Constant(6));
        cfg.seed = 3;
        let out = Simulation::new(&market, cfg, LowestPrice::default())
            .run_observed(&mut |_, _| {}, charts.for_run("lowest-price"))
            .expect("run");
        let total: crate::money::Money = out.spot.iter().chain(&out.ondemand).map(|t| t.cost).sum();
        // Capacity in instances (weight 1): unit-seconds delivered = seconds run.
        let unit_secs_delivered: f64 = out
            .spot
            .iter()
            .chain(&out.ondemand)
            .map(|t| t.run_secs as f64)
            .sum();
        assert!(unit_secs_delivered > 0.0);
        let charts = charts.charts("instances").expect("charts");
        let cost = charts
            .iter()
            .find_map(|c| match c {
                Chart::Time(t) if t.title == "Cumulative cost per strategy" => Some(t),
                _ => None,
            })
            .expect("cost chart");
        let last = cost.series[0].points.last().expect("points").1;
        assert!(
            (last - total.to_usd_f64()).abs() < 1e-6,
            "{last} vs {total}"
        );
        // The stacked pool areas' unit-seconds (average × covered seconds per period)
        // equal the instances' running time from the outcome's own records.
        let Some(Chart::Time(cap)) = charts.first() else {
            panic!("capacity chart first")
        };
        assert_eq!(cap.title, "Running capacity by pool: lowest-price");
        let period = chart_period(out.start, out.end);
        let mut area = 0.0;
        for s in &cap.areas {
            for (i, (t, v)) in s.points.iter().enumerate() {
                let next = s.points.get(i + 1).map_or(out.end.secs(), |p| p.0.secs());
                let from = t.secs().max(out.start.secs());
                let to = next
                    .min(from - from.rem_euclid(period) + period)
                    .min(out.end.secs());
                area += v * (to - from) as f64;
            }
        }
        assert!(
            (area - unit_secs_delivered).abs() < 1e-3 * unit_secs_delivered.max(1.0),
            "{area} vs {unit_secs_delivered}"
        );
    }
}
