//! The `run` page: the side-by-side summary of every strategy, the spot prices the run
//! replayed, each strategy's cost, unmet capacity and interruptions as bars, the pools
//! used, assumptions and provenance.
//!
//! The spot-price chart needs the [`Market`] the run replayed ([`RunPage::market`]);
//! a page rendered from reports alone (e.g. read back from JSON) leaves it out. Charts
//! from other sources (time series recorded during the run) are added with
//! [`RunPage::chart`] and appear after the market's.

use std::collections::HashMap;

use super::chart::{Band, BarChart, Chart, Segment, Series, TimeChart, ValueFormat};
use super::downsample::envelope;
use super::page::Page;
use super::palette::MAX_SERIES;
use super::plot::PLOT_PX;
use super::table::table;
use crate::market::{Market, PoolId};
use crate::report::Report;
use crate::report::human::{count, group, hours, or_na, usd};
use crate::report::table::{metric_rows, split_assumptions, split_warnings};
use crate::time::SimTime;

/// How many pools the spot-price chart draws one by one (the rest: an envelope).
pub const PRICE_POOLS_SHOWN: usize = 6;

/// The HTML page of a `run`.
///
/// ```
/// use spotsim::report::html::RunPage;
/// let prepared = spotsim::scenario::Scenario::default().prepare()?;
/// let reports = prepared.run(&mut |_, _| {})?;
/// let html = RunPage::new(&reports).market(&prepared.market).render();
/// assert!(html.contains("<svg"));
/// assert!(html.contains("Spot price per pool"));
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Debug)]
pub struct RunPage<'a> {
    reports: &'a [Report],
    market: Option<&'a Market>,
    charts: Vec<Chart>,
}

impl<'a> RunPage<'a> {
    /// The page of `reports` (one per strategy).
    pub fn new(reports: &'a [Report]) -> RunPage<'a> {
        RunPage {
            reports,
            market: None,
            charts: Vec::new(),
        }
    }

    /// Adds the spot-price chart of the market the run replayed.
    pub fn market(mut self, market: &'a Market) -> RunPage<'a> {
        self.market = Some(market);
        self
    }

    /// Adds a chart (e.g. from telemetry recorded during the run).
    pub fn chart(mut self, chart: Chart) -> RunPage<'a> {
        self.charts.push(chart);
        self
    }

    /// The HTML document.
    pub fn render(&self) -> String {
        let rs = self.reports;
        let Some(r0) = rs.first() else {
            let mut p = Page::new("spotsim run", "no strategy ran");
            p.section("Summary", "<p>No report.</p>");
            return p.finish();
        };
        let p0 = &r0.provenance;
        let names: Vec<&str> = rs.iter().map(|r| r.strategy.as_str()).collect();
        let mut page = Page::new(
            &format!("spotsim run: {}", names.join(", ")),
            &format!(
                "{} pools, {} → {} ({}), target in {}",
                count(p0.pools as u64),
                r0.start,
                r0.end,
                hours(r0.duration_hours),
                p0.target_unit
            ),
        );
        let mut facts: Vec<(&str, String)> = Vec::new();
        for r in rs {
            facts.push((r.strategy.as_str(), usd(r.total_cost_usd)));
        }
        facts.push(("on-demand baseline", or_na(r0.ondemand_baseline_usd, usd)));
        page.facts(&facts);
        page.warnings(split_warnings(rs));
        let rows = metric_rows();
        let head: Vec<&str> = std::iter::once("metric")
            .chain(names.iter().copied())
            .collect();
        let body: Vec<Vec<String>> = rows
            .iter()
            .skip(1)
            .map(|(label, f)| {
                std::iter::once(label.to_string())
                    .chain(rs.iter().map(f))
                    .collect()
            })
            .collect();
        page.section("Summary", &table(&head, 1, &body));
        let mut charts = Vec::new();
        if let Some(m) = self.market {
            charts.push(spot_price_chart(m, rs));
        }
        charts.extend(self.charts.iter().cloned());
        charts.extend(strategy_charts(rs));
        page.charts("Charts", &charts);
        page.section("Pools used", &pools_table(rs));
        let (common, own) = split_assumptions(rs);
        page.assumptions(
            common
                .into_iter()
                .map(|a| (None, a.as_str()))
                .chain(own.into_iter().map(|(s, a)| (Some(s), a.as_str()))),
        );
        let mut facts = vec![
            ("spotsim", p0.spotsim_version.clone()),
            ("product", p0.product.clone()),
            ("horizon", format!("{} → {}", p0.span[0], p0.span[1])),
            ("pools", count(p0.pools as u64)),
            (
                "price and capacity change points",
                count(p0.change_points as u64),
            ),
            ("seed", p0.seed.to_string()),
            (
                "launch latency",
                format!("{} s", count(p0.launch_latency_secs.max(0) as u64)),
            ),
        ];
        if let Some(d) = &p0.data {
            facts.insert(1, ("data", d.clone()));
        }
        if let Some([a, b]) = p0.data_span {
            facts.push(("data span", format!("{a} → {b}")));
        }
        if let (Some(region), Some(src)) = (&p0.catalog_region, &p0.catalog_source) {
            facts.push(("on-demand prices", format!("{region}, {src}")));
        }
        for r in rs {
            facts.push((
                "events simulated",
                format!("{} ({})", count(r.provenance.events), r.strategy),
            ));
        }
        page.provenance(&p0.inputs, &facts);
        page.finish()
    }
}

/// The spot price of each pool over the horizon (steps), with the on-demand price of
/// its type (dashed). The [`PRICE_POOLS_SHOWN`] pools with the most instance-hours over
/// the strategies (the first pools when nothing ran) are drawn one by one; with more
/// pools, every pool's range per pixel column is a grey envelope.
pub fn spot_price_chart(market: &Market, reports: &[Report]) -> Chart {
    let (start, end) = reports
        .first()
        .map(|r| (r.start, r.end))
        .or_else(|| market.span())
        .unwrap_or((SimTime(0), SimTime(1)));
    let n = market.pools().len();
    // Instance-hours per pool (type, zone) over every strategy.
    let mut used: HashMap<(&str, &str), f64> = HashMap::new();
    for r in reports {
        for p in &r.pools {
            *used
                .entry((p.instance_type.as_str(), p.availability_zone.as_str()))
                .or_default() += p.instance_hours;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    let hours_of = |i: usize| {
        let p = &market.pools()[i];
        used.get(&(p.instance_type.name.as_str(), p.zone.as_str()))
            .copied()
            .unwrap_or(0.0)
    };
    // Most used first; ties (and unused pools) in market order.
    order.sort_by(|&a, &b| hours_of(b).total_cmp(&hours_of(a)).then(a.cmp(&b)));
    let shown = &order[..n.min(PRICE_POOLS_SHOWN.min(MAX_SERIES))];
    let usd = |v: &crate::money::Rate| v.to_usd_f64();
    let trace = |i: usize| -> Vec<(i64, f64)> {
        let s = market.price_trace(PoolId(i as u32)).steps();
        s.times()
            .iter()
            .copied()
            .zip(s.values().iter().map(usd))
            .collect()
    };
    let od_known = reports.iter().all(|r| r.ondemand_baseline_usd.is_some());
    let mut chart = TimeChart::new(
        "Spot price per pool",
        format!(
            "Each line is a pool's spot price in USD per instance-hour as the run replayed it (steps: a price holds until the next change){}{}.",
            if od_known {
                "; dashed: the on-demand price of the pool's type, the most spot can cost"
            } else {
                ""
            },
            if n > shown.len() {
                format!(
                    "; grey band: the lowest and highest price among all {} pools at each point in time; lines: the {} pools with the most instance-hours",
                    count(n as u64),
                    shown.len()
                )
            } else {
                String::new()
            }
        ),
        "USD per instance-hour",
        (start, end),
    );
    if n > shown.len() {
        let traces: Vec<Vec<(i64, f64)>> = (0..n).map(trace).collect();
        let (lo, hi) = envelope(
            traces.iter().map(|t| t.as_slice()),
            start.secs(),
            end.secs(),
            PLOT_PX,
        );
        let pts = |v: Vec<(i64, f64)>| v.into_iter().map(|(t, x)| (SimTime(t), x)).collect();
        chart.bands.push(Band {
            name: format!("all {} pools (min–max)", count(n as u64)),
            lower: pts(lo),
            upper: pts(hi),
            color: None,
        });
    }
    let mut od_types: Vec<&str> = Vec::new();
    for (k, &i) in shown.iter().enumerate() {
        let p = &market.pools()[i];
        let pts = trace(i).into_iter().map(|(t, v)| (SimTime(t), v)).collect();
        chart.series.push(
            Series::step(format!("{} {}", p.instance_type.name, p.zone.as_str()), pts).color(k),
        );
    }
    // One dashed on-demand line per type, in the colour of its first pool shown.
    for (k, &i) in shown.iter().enumerate() {
        let t = &market.pools()[i].instance_type;
        if !od_known || od_types.contains(&t.name.as_str()) {
            continue;
        }
        od_types.push(t.name.as_str());
        let od = t.ondemand.to_usd_f64();
        chart.series.push(
            Series::step(
                format!("{} on-demand", t.name),
                vec![(start, od), (end, od)],
            )
            .dashed()
            .color(k),
        );
    }
    Chart::Time(chart)
}

/// Bars per strategy: cost (spot, on-demand) beside the baseline, unmet capacity, and
/// interruptions by cause.
fn strategy_charts(rs: &[Report]) -> Vec<Chart> {
    let mut cats: Vec<String> = rs.iter().map(|r| r.strategy.clone()).collect();
    let baseline = rs.first().and_then(|r| r.ondemand_baseline_usd);
    let mut spot: Vec<Option<f64>> = rs.iter().map(|r| Some(r.spot_cost_usd)).collect();
    let mut od: Vec<Option<f64>> = rs.iter().map(|r| Some(r.ondemand_cost_usd)).collect();
    if let Some(b) = baseline {
        cats.push("on-demand baseline".to_string());
        spot.push(None);
        od.push(Some(b));
    }
    let unit = rs
        .first()
        .map_or("units", |r| r.provenance.target_unit.as_str());
    vec![
        Chart::Bars(BarChart {
            title: "Cost per strategy".into(),
            caption: "Each bar is a strategy's total billed cost over the horizon, split into spot and on-demand instances; the last bar is the on-demand baseline (the same target on on-demand over the same horizon). Shorter is cheaper — read it beside unmet capacity.".into(),
            unit: "USD over the horizon".into(),
            categories: cats,
            segments: vec![
                Segment { name: "spot".into(), values: spot },
                Segment { name: "on-demand".into(), values: od },
            ],
            label: ValueFormat::Usd,
        }),
        Chart::Bars(BarChart {
            title: "Unmet capacity per strategy".into(),
            caption: format!("Each bar is the capacity the fleet lacked against its target, integrated over time ({unit} × hours); 0 means the target was always met."),
            unit: format!("unmet {unit}-hours"),
            categories: rs.iter().map(|r| r.strategy.clone()).collect(),
            segments: vec![Segment {
                name: String::new(),
                values: rs.iter().map(|r| Some(r.unmet_capacity_unit_hours)).collect(),
            }],
            label: ValueFormat::Decimal1,
        }),
        Chart::Bars(BarChart {
            title: "Interruptions per strategy, by cause".into(),
            caption: "Each bar counts the running spot instances EC2 interrupted, split by what caused it: a capacity drop in the trace, the hazard model, or a price above the max price. Voluntary ends (price-driven moves, scale-in) are not interruptions.".into(),
            unit: "interruptions".into(),
            categories: rs.iter().map(|r| r.strategy.clone()).collect(),
            segments: vec![
                Segment {
                    name: "capacity drop".into(),
                    values: rs.iter().map(|r| Some(r.interruptions_by_cause.capacity as f64)).collect(),
                },
                Segment {
                    name: "hazard model".into(),
                    values: rs.iter().map(|r| Some(r.interruptions_by_cause.hazard as f64)).collect(),
                },
                Segment {
                    name: "max price".into(),
                    values: rs.iter().map(|r| Some(r.interruptions_by_cause.max_price as f64)).collect(),
                },
            ],
            label: ValueFormat::Count,
        }),
    ]
}

/// Every pool a strategy launched in, with its cost and counts.
fn pools_table(rs: &[Report]) -> String {
    let head = [
        "strategy",
        "instance type",
        "zone",
        "purchase",
        "cost",
        "instance-hours",
        "launches",
        "interruptions",
        "failed launches",
        "price-driven moves",
    ];
    let rows: Vec<Vec<String>> = rs
        .iter()
        .flat_map(|r| {
            r.pools.iter().filter(|p| p.launches > 0).map(move |p| {
                vec![
                    r.strategy.clone(),
                    p.instance_type.clone(),
                    p.availability_zone.clone(),
                    p.purchase_option.clone(),
                    usd(p.cost_usd),
                    group(p.instance_hours, 1),
                    count(p.launches),
                    count(p.interruptions),
                    count(p.failed_launches),
                    count(p.price_driven_replacements),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return "<p class=\"note\">No instance was launched.</p>".to_string();
    }
    table(&head, 4, &rows)
}
