//! Draws a [`Chart`] as an inline SVG with `plotters` (SVG backend only: no fonts are
//! read, text is left to the browser's sans-serif, so nothing is fetched).
//!
//! Layout: the plot on the left with its title, axes (each axis names its quantity
//! and unit) and grid; the legend in a column on the right, so it never hides data.
//! Time series are downsampled to the plot's pixel width first (`downsample`). Each
//! SVG gets `role="img"`, a `<title>` (the chart's title) and a `<desc>` (its
//! caption), referenced by `aria-labelledby`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::categories;
use super::chart::{Chart, Shape, Stroke, TimeChart};
use super::downsample::{Points, line_polyline, step_polyline};
use super::palette::{self, GREY, INK};
use crate::report::human::group;
use crate::time::SimTime;

/// Width of every chart, pixels (the SVG scales down with the page).
pub(crate) const WIDTH: u32 = 960;
/// Height of a time chart.
const TIME_HEIGHT: u32 = 380;
/// The legend column.
pub(crate) const LEGEND_W: u32 = 230;
/// Width of the value axis' labels.
const Y_LABELS_W: u32 = 84;
/// Opacity of stacked areas.
const AREA_ALPHA: f64 = 0.7;
/// Pixel columns of a time chart's plot: the number of downsampling buckets.
pub(crate) const PLOT_PX: usize = (WIDTH - LEGEND_W - Y_LABELS_W - 30) as usize;

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// One legend entry: a name and how its swatch looks.
pub(crate) enum Swatch {
    Line(RGBColor, bool),
    Fill(RGBColor, f64),
}

/// The SVG of `chart`, with `id` prefixing its `<title>` and `<desc>` ids.
pub(crate) fn svg(chart: &Chart, id: &str) -> String {
    let mut buf = String::new();
    let size = (WIDTH, height(chart));
    let drawn = {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        let r = root.fill(&WHITE).map_err(text).and_then(|_| match chart {
            Chart::Time(c) => time_chart(c, &root),
            Chart::Bars(c) => categories::bar_chart(c, &root),
            Chart::Boxes(c) => categories::box_chart(c, &root),
            Chart::Flows(c) => super::flows::flow_chart(c, &root),
            Chart::Intervals(c) => categories::interval_chart(c, &root),
        });
        r.and_then(|_| root.present().map_err(text))
    };
    if let Err(e) = drawn {
        // Never expected with a string backend; the page still renders.
        buf = format!(
            "<svg width=\"{WIDTH}\" height=\"40\" viewBox=\"0 0 {WIDTH} 40\"><text x=\"10\" y=\"25\">chart not drawn: {}</text></svg>",
            super::page::escape(&e)
        );
    }
    accessible(&buf, id, chart.title(), chart.caption())
}

fn height(chart: &Chart) -> u32 {
    match chart {
        Chart::Time(c) if c.areas.is_empty() && c.series.is_empty() && c.bands.is_empty() => {
            110 + 36 * c.marks.len().max(1) as u32
        }
        Chart::Time(_) => TIME_HEIGHT,
        Chart::Bars(c) => 110 + 38 * c.categories.len().max(1) as u32,
        Chart::Boxes(c) => 110 + 44 * c.groups.len().max(1) as u32,
        Chart::Flows(c) => super::flows::height(c),
        Chart::Intervals(c) => 110 + 34 * c.rows.len().max(1) as u32,
    }
}

pub(crate) fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Adds `role`, `aria-labelledby`, `<title>` and `<desc>` to the SVG.
fn accessible(svg: &str, id: &str, title: &str, caption: &str) -> String {
    let esc = super::page::escape;
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(close) = svg[open..].find('>').map(|i| open + i) else {
        return svg.to_string();
    };
    let mut out = String::with_capacity(svg.len() + title.len() + caption.len() + 200);
    out.push_str(&svg[..close]);
    out.push_str(&format!(
        " role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(caption)
    ));
    out.push_str(&svg[close + 1..]);
    out
}

pub(crate) fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

/// A time axis label in hours from `t0` (`12 h`, `1.5 h`).
fn elapsed_label(t: i64, t0: i64) -> String {
    let h = (t - t0) as f64 / 3600.0;
    format!(
        "{} h",
        group(h, if (h - h.round()).abs() < 1e-9 { 0 } else { 1 })
    )
}

/// A time axis label: dates for spans over three days, else day and time.
fn time_label(t: i64, span_secs: i64) -> String {
    let s = SimTime(t).to_string();
    if span_secs > 3 * 86_400 {
        s[..10].to_string()
    } else if span_secs > 6 * 3_600 {
        s[5..16].replace('T', " ")
    } else {
        s[11..16].to_string()
    }
}

/// A value axis label with as many decimals as the axis' range needs.
pub(crate) fn axis_label(x: f64, range: f64) -> String {
    let decimals = if range <= 0.0 || !range.is_finite() {
        0
    } else {
        (2.0 - range.log10().floor()).clamp(0.0, 6.0) as usize
    };
    group(x, decimals)
}

pub(crate) fn legend(area: &Area, entries: &[(String, Swatch)]) -> Result<(), String> {
    let style = font(16);
    for (i, (name, swatch)) in entries.iter().enumerate() {
        let y = 48 + 24 * i as i32;
        match swatch {
            Swatch::Line(c, dashed) => {
                if *dashed {
                    for k in 0..3 {
                        let x = 8 + 9 * k;
                        area.draw(&PathElement::new(
                            vec![(x, y), (x + 5, y)],
                            c.stroke_width(2),
                        ))
                        .map_err(text)?;
                    }
                } else {
                    area.draw(&PathElement::new(vec![(8, y), (30, y)], c.stroke_width(2)))
                        .map_err(text)?;
                }
            }
            Swatch::Fill(c, alpha) => {
                area.draw(&Rectangle::new(
                    [(8, y - 6), (30, y + 6)],
                    c.mix(*alpha).filled(),
                ))
                .map_err(text)?;
            }
        }
        let label = legend_label(name, 28);
        area.draw(&Text::new(label, (38, y - 7), style.clone()))
            .map_err(text)?;
    }
    Ok(())
}

/// A legend entry cut to `max` characters with an ellipsis; a count in brackets at
/// the end (`name (1,234)`) is kept whole.
fn legend_label(name: &str, max: usize) -> String {
    let n = name.chars().count();
    if n <= max {
        return name.to_string();
    }
    let (head, tail) = match name.rfind(" (") {
        Some(i) if name.ends_with(')') && name.len() - i < max / 2 => name.split_at(i),
        _ => (name, ""),
    };
    let keep = max - tail.chars().count() - 1;
    head.chars()
        .take(keep)
        .chain(['…'])
        .chain(tail.chars())
        .collect()
}

fn secs(points: &[(SimTime, f64)]) -> Vec<(i64, f64)> {
    points.iter().map(|(t, v)| (t.secs(), *v)).collect()
}

/// The cumulative tops of stacked step series, over the union of their change times.
pub(crate) fn stack(layers: &[Vec<(i64, f64)>]) -> Vec<Vec<(i64, f64)>> {
    let mut times: Vec<i64> = layers.iter().flatten().map(|p| p.0).collect();
    times.sort_unstable();
    times.dedup();
    let mut idx = vec![0usize; layers.len()];
    let mut out = vec![Vec::with_capacity(times.len()); layers.len()];
    for &t in &times {
        let mut sum = 0.0;
        for (k, l) in layers.iter().enumerate() {
            while idx[k] < l.len() && l[idx[k]].0 <= t {
                idx[k] += 1;
            }
            if idx[k] > 0 {
                sum += l[idx[k] - 1].1;
            }
            out[k].push((t, sum));
        }
    }
    out
}

fn time_chart(c: &TimeChart, root: &Area) -> Result<(), String> {
    let (t0, t1) = (c.span.0.secs(), c.span.1.secs().max(c.span.0.secs() + 1));
    let span = t1 - t0;
    let (plot, side) = root.split_horizontally(WIDTH - LEGEND_W);
    let mut entries: Vec<(String, Swatch)> = Vec::new();
    if c.areas.is_empty() && c.series.is_empty() && c.bands.is_empty() {
        return timeline(c, &plot, &side);
    }
    // Everything downsampled to the plot's pixel columns first.
    let tops = stack(&c.areas.iter().map(|s| secs(&s.points)).collect::<Vec<_>>());
    let tops: Vec<Vec<(i64, f64)>> = tops
        .iter()
        .map(|l| step_polyline(l, t0, t1, PLOT_PX))
        .collect();
    let bands: Vec<(Points, Points)> = c
        .bands
        .iter()
        .map(|b| {
            (
                step_polyline(&secs(&b.lower), t0, t1, PLOT_PX),
                step_polyline(&secs(&b.upper), t0, t1, PLOT_PX),
            )
        })
        .collect();
    let lines: Vec<Vec<(i64, f64)>> = c
        .series
        .iter()
        .map(|s| match s.shape {
            Shape::Step => step_polyline(&secs(&s.points), t0, t1, PLOT_PX),
            Shape::Line => line_polyline(&secs(&s.points), t0, t1, PLOT_PX),
        })
        .collect();
    let all = tops
        .iter()
        .chain(lines.iter())
        .chain(bands.iter().flat_map(|(a, b)| [a, b]))
        .flatten()
        .map(|p| p.1)
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = (0.0f64, f64::NEG_INFINITY);
    for v in all {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !hi.is_finite() || hi <= lo {
        hi = lo + 1.0;
    }
    let hi = hi + (hi - lo) * 0.06;
    let range = hi - lo;
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.title, font(21))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(Y_LABELS_W)
        .build_cartesian_2d(t0..t1, lo..hi)
        .map_err(text)?;
    let xf = |t: &i64| {
        if c.elapsed_hours {
            elapsed_label(*t, t0)
        } else {
            time_label(*t, span)
        }
    };
    let yf = |v: &f64| axis_label(*v, range);
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(7)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_desc(if c.elapsed_hours {
            "hours from the window's start"
        } else {
            "simulated time (UTC)"
        })
        .y_desc(c.unit.as_str())
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .label_style(font(15))
        .axis_desc_style(font(16))
        .draw()
        .map_err(text)?;
    // Stacked areas: each layer the region between its top and the one below (the
    // axis for the first), so that no colour is painted over another.
    let base = lo.max(0.0);
    for (k, top) in tops.iter().enumerate() {
        let col = c.areas[k].color.map_or(palette::color(k), palette::color);
        let mut poly = top.clone();
        match k.checked_sub(1).map(|j| &tops[j]) {
            Some(below) => poly.extend(below.iter().rev()),
            None => {
                if let (Some(first), Some(last)) = (top.first(), top.last()) {
                    poly.push((last.0, base));
                    poly.push((first.0, base));
                }
            }
        }
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly,
                col.mix(AREA_ALPHA).filled(),
            )))
            .map_err(text)?;
    }
    for (k, s) in c.areas.iter().enumerate() {
        let col = s.color.map_or(palette::color(k), palette::color);
        entries.push((s.name.clone(), Swatch::Fill(col, AREA_ALPHA)));
    }
    for (b, (lower, upper)) in c.bands.iter().zip(&bands) {
        let col = b.color.map_or(GREY, palette::color);
        let mut poly = upper.clone();
        poly.extend(lower.iter().rev());
        chart
            .draw_series(std::iter::once(Polygon::new(poly, col.mix(0.3).filled())))
            .map_err(text)?;
        entries.push((b.name.clone(), Swatch::Fill(col, 0.3)));
    }
    for (k, (s, pts)) in c.series.iter().zip(lines).enumerate() {
        let col = s
            .color
            .map_or(palette::color(c.areas.len() + k), palette::color);
        let dashed = s.stroke == Stroke::Dashed;
        if dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, 6, 4, col.stroke_width(2)))
                .map_err(text)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, col.stroke_width(2)))
                .map_err(text)?;
        }
        entries.push((s.name.clone(), Swatch::Line(col, dashed)));
    }
    // Instants as a strip of ticks at the bottom of the plot.
    for (r, m) in c.marks.iter().enumerate() {
        let col = palette::color(5 + r);
        let (y0, y1) = (
            lo + range * 0.01 * (1 + 4 * r) as f64,
            lo + range * 0.01 * (4 + 4 * r) as f64,
        );
        let ticks = distinct_columns(&m.times, t0, t1);
        chart
            .draw_series(
                ticks
                    .into_iter()
                    .map(|t| PathElement::new(vec![(t, y0), (t, y1)], col.stroke_width(1))),
            )
            .map_err(text)?;
        entries.push((
            format!(
                "{} ({})",
                m.name,
                group(m.total.unwrap_or(m.times.len() as u64) as f64, 0)
            ),
            Swatch::Line(col, false),
        ));
    }
    legend(&side, &entries)
}

/// One tick per pixel column that has any instant.
fn distinct_columns(times: &[SimTime], t0: i64, t1: i64) -> Vec<i64> {
    let mut last_col = usize::MAX;
    let mut out = Vec::new();
    let span = (t1 - t0).max(1) as i128;
    for t in times
        .iter()
        .map(|t| t.secs())
        .filter(|t| (t0..=t1).contains(t))
    {
        let col = ((t - t0) as i128 * PLOT_PX as i128 / span) as usize;
        if col != last_col {
            out.push(t);
            last_col = col;
        }
    }
    out
}

/// A chart of instants only: one row per kind, a tick per instant.
fn timeline(c: &TimeChart, plot: &Area, side: &Area) -> Result<(), String> {
    let (t0, t1) = (c.span.0.secs(), c.span.1.secs().max(c.span.0.secs() + 1));
    let span = t1 - t0;
    let n = c.marks.len().max(1) as i32;
    let label_w = c
        .marks
        .iter()
        .map(|m| m.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(10, 34) as u32
        * 8
        + 16;
    let mut chart = ChartBuilder::on(plot)
        .caption(&c.title, font(21))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(label_w)
        .build_cartesian_2d(t0..t1, (0..n).into_segmented())
        .map_err(text)?;
    let names: Vec<String> = c.marks.iter().map(|m| m.name.clone()).collect();
    let xf = |t: &i64| {
        if c.elapsed_hours {
            elapsed_label(*t, t0)
        } else {
            time_label(*t, span)
        }
    };
    let yf = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => names.get((n - 1 - i) as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(2 * c.marks.len() + 2)
        .x_labels(7)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_desc(if c.elapsed_hours {
            "hours from the window's start"
        } else {
            "simulated time (UTC)"
        })
        .y_desc(c.unit.as_str())
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .label_style(font(15))
        .axis_desc_style(font(16))
        .draw()
        .map_err(text)?;
    let mut entries = Vec::new();
    for (r, m) in c.marks.iter().enumerate() {
        let row = n - 1 - r as i32;
        let col = palette::color(r);
        let ticks = distinct_columns(&m.times, t0, t1);
        chart
            .draw_series(ticks.into_iter().map(|t| {
                PathElement::new(
                    vec![
                        (t, SegmentValue::Exact(row)),
                        (t, SegmentValue::Exact(row + 1)),
                    ],
                    col.stroke_width(1),
                )
            }))
            .map_err(text)?;
        entries.push((
            format!(
                "{} ({})",
                m.name,
                group(m.total.unwrap_or(m.times.len() as u64) as f64, 0)
            ),
            Swatch::Line(col, false),
        ));
    }
    legend(side, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_have_the_decimals_the_range_needs() {
        assert_eq!(axis_label(0.0425, 0.05), "0.0425");
        assert_eq!(axis_label(1234.0, 5000.0), "1,234");
        assert_eq!(axis_label(2.5, 10.0), "2.5");
    }

    #[test]
    fn long_legend_entries_keep_their_count() {
        assert_eq!(legend_label("short (3)", 28), "short (3)");
        // 31 characters → 27 kept: 23 of the name, the ellipsis, " (6)".
        assert_eq!(
            legend_label("lowest-price: interruptions (6)", 28),
            "lowest-price: interrupt… (6)"
        );
        assert_eq!(
            legend_label(&"x".repeat(30), 28),
            format!("{}…", "x".repeat(27))
        );
    }

    #[test]
    fn time_labels_by_span() {
        let t = SimTime::parse_rfc3339("2024-03-05T06:07:08Z")
            .unwrap()
            .secs();
        assert_eq!(time_label(t, 30 * 86_400), "2024-03-05");
        assert_eq!(time_label(t, 86_400), "03-05 06:07");
        assert_eq!(time_label(t, 3_600), "06:07");
    }

    #[test]
    fn stacking_sums_the_layers_over_every_change() {
        let a = vec![(0, 1.0), (10, 2.0)];
        let b = vec![(5, 3.0)];
        let tops = stack(&[a, b]);
        assert_eq!(tops[0], vec![(0, 1.0), (5, 1.0), (10, 2.0)]);
        assert_eq!(tops[1], vec![(0, 1.0), (5, 4.0), (10, 5.0)]);
    }
}
