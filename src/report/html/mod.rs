//! `--output html`: one self-contained HTML page per report — inline CSS and SVG, no
//! script, no font, nothing fetched — that opens offline in any browser and prints.
//!
//! | module | owns |
//! |---|---|
//! | [`chart`](Chart) | the chart data model: [`Series`] over time (steps or lines), [`Band`]s, [`Marks`], [`BarChart`], [`BoxChart`] — fed by reports, the market a run replayed, or recorded telemetry |
//! | `downsample` | min/max per pixel column (first, min, max, last per bucket), so a year × 500 pools stays small and spikes stay visible |
//! | `plot` | drawing a chart as SVG with `plotters` (axes with units, legend, `<title>`/`<desc>`) |
//! | `categories` | drawing the category charts: bars, boxes, intervals |
//! | `flows` | drawing a [`FlowChart`] (the service map) |
//! | `palette` | the Okabe–Ito palette (safe for colour-blindness) |
//! | [`page`](Page) | the document: layout, screen and print CSS, warnings, assumptions, provenance |
//! | `table` | HTML tables of numbers formatted for people |
//! | [`RunPage`], [`ComparePage`], [`JobPage`], [`SweepPage`] | each command's page |
//! | [`RunCharts`] | `run`'s charts recorded through telemetry ([`ChartSink`]): capacity by pool, cumulative cost, interruptions, service map |
//!
//! Each page is built from its report (what `--output json` prints, so a saved report
//! renders too); `run`'s spot-price chart also needs the market ([`RunPage::market`]);
//! charts from time series recorded during a run are added with each page's `chart`.
//! Rendering is linear in the size of its inputs.
//!
//! ```
//! use spotsim::report::{Format, RunReports};
//! let doc = RunReports::new(spotsim::scenario::Scenario::default().run()?);
//! let html = doc.render(Format::Html);
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(!html.contains("<script"));
//! # Ok::<(), spotsim::error::Error>(())
//! ```

mod categories;
mod chart;
mod compare;
mod downsample;
mod flows;
mod job;
mod page;
mod palette;
mod plot;
mod run;
mod run_charts;
mod sweep;
pub(crate) mod table;
mod task_charts;

pub use chart::{
    Band, BarChart, BoxChart, Chart, Flow, FlowChart, Interval, IntervalChart, Marks, Segment,
    Series, Shape, Stroke, TimeChart, ValueFormat,
};
pub use compare::{ComparePage, tasks_chart};
pub use job::JobPage;
pub use page::{Page, escape};
pub use palette::MAX_SERIES;
pub use run::{PRICE_POOLS_SHOWN, RunPage, spot_price_chart};
pub use run_charts::{CAPACITY_POOLS_SHOWN, ChartSink, RunCharts, chart_period};
pub use sweep::{CELLS_LISTED, SweepPage};
pub use task_charts::TaskCharts;

/// The SVG of one chart, as a page embeds it (with `<title>` and `<desc>`).
///
/// ```
/// use spotsim::report::html::{chart_svg, BarChart, Chart, Segment, ValueFormat};
/// let c = Chart::Bars(BarChart {
///     title: "Cost".into(),
///     caption: "Shorter is cheaper.".into(),
///     unit: "USD".into(),
///     categories: vec!["a".into(), "b".into()],
///     segments: vec![Segment { name: "compute".into(), values: vec![Some(1.0), Some(2.5)] }],
///     label: ValueFormat::Usd,
/// });
/// let svg = chart_svg(&c, "c1");
/// assert!(svg.contains("<title id=\"c1-title\">Cost</title>"));
/// assert!(svg.contains("$2.50"));
/// ```
pub fn chart_svg(chart: &Chart, id: &str) -> String {
    plot::svg(chart, id)
}

#[cfg(test)]
mod tests;
