//! The chart data model: what a chart shows, independent of where the numbers came
//! from (a report, the market a run replayed, or recorded telemetry) and of how it is
//! drawn (`plot`).
//!
//! Three kinds of chart cover every page:
//!
//! * [`TimeChart`]: series over simulated time, each a step function (prices, counts)
//!   or a line (cumulative cost), with stacked areas and shaded [`Band`]s (an
//!   envelope, unmet capacity) and instants ([`Marks`]: interruptions, notices).
//!   Stacked areas are [`TimeChart::areas`]; lines over them [`TimeChart::series`].
//! * [`BarChart`]: one bar per category (strategy, option, policy), split into
//!   segments that stack (compute / control plane / waste).
//! * [`BoxChart`]: the distribution of a sample per category (job cost over windows).
//!
//! Every chart carries a title, the unit of its value axis and a one-line caption that
//! says how to read it; the page prints the caption under the chart and puts title and
//! caption in the SVG's `<title>` and `<desc>`.

use crate::time::SimTime;

/// How a series is drawn between its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A step function: each value holds until the next point (prices, counts).
    Step,
    /// Straight lines between points (cumulative sums).
    Line,
}

/// How a series' line looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    /// A solid line.
    Solid,
    /// A dashed line (reference levels such as an on-demand price or a target).
    Dashed,
}

/// One named series of values over time.
///
/// ```
/// use spotsim::report::html::{Series, Shape};
/// use spotsim::time::SimTime;
/// let s = Series::step("m5.large us-east-1a", vec![(SimTime(0), 0.04), (SimTime(3600), 0.05)]);
/// assert_eq!(s.shape, Shape::Step);
/// assert_eq!(s.points.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's name.
    pub name: String,
    /// `(time, value)` in time order.
    pub points: Vec<(SimTime, f64)>,
    /// Step or line.
    pub shape: Shape,
    /// Solid or dashed.
    pub stroke: Stroke,
    /// Palette index of the colour (`None`: the series' position).
    pub color: Option<usize>,
}

impl Series {
    /// A solid step series.
    pub fn step(name: impl Into<String>, points: Vec<(SimTime, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            shape: Shape::Step,
            stroke: Stroke::Solid,
            color: None,
        }
    }

    /// A solid line series.
    pub fn line(name: impl Into<String>, points: Vec<(SimTime, f64)>) -> Series {
        Series {
            shape: Shape::Line,
            ..Series::step(name, points)
        }
    }

    /// The same series, dashed.
    pub fn dashed(mut self) -> Series {
        self.stroke = Stroke::Dashed;
        self
    }

    /// The same series in palette colour `i`.
    pub fn color(mut self, i: usize) -> Series {
        self.color = Some(i);
        self
    }
}

/// A shaded area between two step functions (an envelope, unmet capacity).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The legend's name.
    pub name: String,
    /// Lower edge, a step function in time order.
    pub lower: Vec<(SimTime, f64)>,
    /// Upper edge, a step function in time order.
    pub upper: Vec<(SimTime, f64)>,
    /// Palette index of the colour; `None`: grey.
    pub color: Option<usize>,
}

/// Instants on a timeline, one row per kind (interruptions, notices, moves).
#[derive(Clone, Debug, PartialEq)]
pub struct Marks {
    /// The legend's name.
    pub name: String,
    /// When each happened (or, for instants counted per period, each period with
    /// any).
    pub times: Vec<SimTime>,
    /// How many instants the times stand for, when they were counted per period
    /// (the legend's count); `None`: one per time.
    pub total: Option<u64>,
}

/// Series over simulated time: stacked filled areas (bottom to top), shaded bands,
/// lines over them, or, with no areas and no lines, rows of instants (a timeline).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeChart {
    /// The chart's title.
    pub title: String,
    /// One line that says how to read it.
    pub caption: String,
    /// The value axis' label with its unit, e.g. `USD per hour`.
    pub unit: String,
    /// First and last instant shown.
    pub span: (SimTime, SimTime),
    /// Step series stacked as filled areas, bottom to top (each on top of the ones
    /// before: running capacity by pool).
    pub areas: Vec<Series>,
    /// Shaded bands, drawn over the areas.
    pub bands: Vec<Band>,
    /// Lines, drawn over areas and bands, in order.
    pub series: Vec<Series>,
    /// Rows of instants (interruptions, notices), one tick per instant; drawn as a
    /// timeline when the chart has no areas and no lines, otherwise as a strip of
    /// ticks at the bottom of the plot.
    pub marks: Vec<Marks>,
    /// Label the time axis in hours from the span's start (a job's window) instead of
    /// dates and times of day.
    pub elapsed_hours: bool,
}

impl TimeChart {
    /// An empty chart over `span`.
    pub fn new(
        title: impl Into<String>,
        caption: impl Into<String>,
        unit: impl Into<String>,
        span: (SimTime, SimTime),
    ) -> TimeChart {
        TimeChart {
            title: title.into(),
            caption: caption.into(),
            unit: unit.into(),
            span,
            areas: Vec::new(),
            bands: Vec::new(),
            series: Vec::new(),
            marks: Vec::new(),
            elapsed_hours: false,
        }
    }
}

/// One segment of every bar: a named part of the total (e.g. `compute`).
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The legend's name.
    pub name: String,
    /// One value per category; `None`: not applicable (drawn as nothing).
    pub values: Vec<Option<f64>>,
}

/// Horizontal bars, one per category, each split into stacked segments.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// The chart's title.
    pub title: String,
    /// One line that says how to read it.
    pub caption: String,
    /// The value axis' label with its unit.
    pub unit: String,
    /// The categories, top to bottom.
    pub categories: Vec<String>,
    /// The segments, stacked left to right.
    pub segments: Vec<Segment>,
    /// How a bar's total is written at its end (the human formatting of the unit).
    pub label: ValueFormat,
}

/// How values are written on a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// US dollars with cents: `$1,234.57`.
    Usd,
    /// US dollars with 4 decimals (small per-unit costs): `$0.0425`.
    UsdFine,
    /// A count with thousands separators.
    Count,
    /// A number with one decimal and thousands separators.
    Decimal1,
    /// A percentage with one decimal.
    Percent,
}

impl ValueFormat {
    /// `x` written for people.
    pub fn format(self, x: f64) -> String {
        use crate::report::human::{group, pct, usd};
        match self {
            ValueFormat::Usd => usd(x),
            ValueFormat::UsdFine => format!("${}", group(x, 4)),
            ValueFormat::Count => group(x, 0),
            ValueFormat::Decimal1 => group(x, 1),
            ValueFormat::Percent => pct(x, 1),
        }
    }
}

/// The distribution of a sample per category (box: quartiles; whiskers: min and max;
/// a dot: the mean).
#[derive(Clone, Debug, PartialEq)]
pub struct BoxChart {
    /// The chart's title.
    pub title: String,
    /// One line that says how to read it.
    pub caption: String,
    /// The value axis' label with its unit.
    pub unit: String,
    /// One sample per category, top to bottom.
    pub groups: Vec<(String, Vec<f64>)>,
    /// How values are written.
    pub label: ValueFormat,
}

/// One flow of a [`FlowChart`]: how much went from one node to another, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    /// Where it left.
    pub from: String,
    /// Where it went.
    pub to: String,
    /// Why (the legend's entry; flows of one kind share a colour).
    pub kind: String,
    /// How much (the line's width is proportional to it).
    pub value: f64,
}

/// Flows between nodes (the service map: instances moving between pools): sources in
/// a column on the left, destinations on the right, one band per flow whose width is
/// proportional to its value, coloured by kind.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowChart {
    /// The chart's title.
    pub title: String,
    /// One line that says how to read it.
    pub caption: String,
    /// What a flow's value counts, e.g. `instances`.
    pub unit: String,
    /// The flows (the largest ones are drawn when there are many; see `plot`).
    pub flows: Vec<Flow>,
    /// How values are written.
    pub label: ValueFormat,
}

/// One row of an [`IntervalChart`]: an estimate and its interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    /// The row's name.
    pub name: String,
    /// The estimate (a dot); `None`: not available.
    pub value: Option<f64>,
    /// The interval's ends (the whisker); `None`: not available (fewer than two
    /// samples).
    pub range: Option<(f64, f64)>,
}

/// Estimates with their intervals, one row per category (a sweep's mean cost per
/// strategy with its 95 % confidence interval across seeds).
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalChart {
    /// The chart's title.
    pub title: String,
    /// One line that says how to read it.
    pub caption: String,
    /// The value axis' label with its unit.
    pub unit: String,
    /// The rows, top to bottom.
    pub rows: Vec<Interval>,
    /// How values are written.
    pub label: ValueFormat,
}

/// Any chart a page shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Chart {
    /// Series over time.
    Time(TimeChart),
    /// Stacked horizontal bars.
    Bars(BarChart),
    /// Distributions.
    Boxes(BoxChart),
    /// Flows between nodes (the service map).
    Flows(FlowChart),
    /// Estimates with intervals.
    Intervals(IntervalChart),
}

impl Chart {
    /// The chart's title.
    pub fn title(&self) -> &str {
        match self {
            Chart::Time(c) => &c.title,
            Chart::Bars(c) => &c.title,
            Chart::Boxes(c) => &c.title,
            Chart::Flows(c) => &c.title,
            Chart::Intervals(c) => &c.title,
        }
    }

    /// The chart's one-line caption.
    pub fn caption(&self) -> &str {
        match self {
            Chart::Time(c) => &c.caption,
            Chart::Bars(c) => &c.caption,
            Chart::Boxes(c) => &c.caption,
            Chart::Flows(c) => &c.caption,
            Chart::Intervals(c) => &c.caption,
        }
    }
}

/// Quartiles of a sample by linear interpolation between order statistics (the
/// "type 7" rule of R and NumPy's default): `(min, q1, median, q3, max)`; `None` for an
/// empty sample or one with a NaN.
pub(crate) fn five_numbers(sample: &[f64]) -> Option<[f64; 5]> {
    if sample.is_empty() || sample.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut v = sample.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = h.ceil() as usize;
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    Some([v[0], q(0.25), q(0.5), q(0.75), v[v.len() - 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_by_hand() {
        // 1..=5: positions (n−1)p = 1, 2, 3 → 2, 3, 4.
        assert_eq!(
            five_numbers(&[5.0, 1.0, 4.0, 2.0, 3.0]),
            Some([1.0, 2.0, 3.0, 4.0, 5.0])
        );
        // 1, 2, 3, 4: q1 at position 0.75 → 1 + 0.75 × 1 = 1.75; median 2.5; q3 3.25.
        assert_eq!(
            five_numbers(&[1.0, 2.0, 3.0, 4.0]),
            Some([1.0, 1.75, 2.5, 3.25, 4.0])
        );
        assert_eq!(five_numbers(&[7.0]), Some([7.0; 5]));
        assert_eq!(five_numbers(&[]), None);
        assert_eq!(five_numbers(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn values_for_people() {
        assert_eq!(ValueFormat::Usd.format(1234.5), "$1,234.50");
        assert_eq!(ValueFormat::UsdFine.format(0.04251), "$0.0425");
        assert_eq!(ValueFormat::Count.format(12345.0), "12,345");
        assert_eq!(ValueFormat::Percent.format(99.26), "99.3%");
    }
}
