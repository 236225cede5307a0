//! Draws the category charts — one row per category (strategy, option, policy, grid
//! group) on a value axis: stacked bars ([`BarChart`]), distributions ([`BoxChart`])
//! and estimates with intervals ([`IntervalChart`]) — with `plotters`, in the layout
//! of `plot` (the plot on the left, the legend in a column on the right).

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{BarChart, BoxChart, IntervalChart, ValueFormat, five_numbers};
use super::palette::{self, INK};
use super::plot::{Area, LEGEND_W, Swatch, WIDTH, axis_label, font, legend, text};
use crate::report::human::group;

/// The value axis of a category chart (bars, boxes): `lo..hi` with `n` categories
/// top to bottom, the categories' names as labels.
fn category_axes<'a, 'b>(
    plot: &'a Area<'b>,
    title: &str,
    unit: &str,
    names: &[String],
    (lo, hi): (f64, f64),
    whole: bool,
) -> Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>,
    String,
> {
    let n = names.len().max(1) as i32;
    let label_w = names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40) as u32
        * 8
        + 16;
    let mut chart = ChartBuilder::on(plot)
        .caption(title, font(21))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(label_w)
        .build_cartesian_2d(lo..hi, (0..n).into_segmented())
        .map_err(text)?;
    let range = hi - lo;
    // Counts are labelled in whole numbers (a tick between two is left blank).
    let xf = |v: &f64| {
        if !whole {
            axis_label(*v, range)
        } else if (v - v.round()).abs() < 1e-9 {
            group(*v, 0)
        } else {
            String::new()
        }
    };
    let yf = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => names.get((n - 1 - i) as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        // A label for every category (plotters keeps about ten by default).
        .y_labels(2 * names.len() + 2)
        .x_labels(7)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_desc(unit)
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .label_style(font(15))
        .axis_desc_style(font(16))
        .draw()
        .map_err(text)?;
    Ok(chart)
}

pub(crate) fn bar_chart(c: &BarChart, root: &Area) -> Result<(), String> {
    let n = c.categories.len();
    let (plot, side) = root.split_horizontally(WIDTH - LEGEND_W);
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            c.segments
                .iter()
                .filter_map(|s| s.values.get(i).copied().flatten())
                .filter(|v| v.is_finite() && *v > 0.0)
                .sum()
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let hi = if max > 0.0 { max * 1.28 } else { 1.0 };
    let mut chart = category_axes(
        &plot,
        &c.title,
        &c.unit,
        &c.categories,
        (0.0, hi),
        c.label == ValueFormat::Count,
    )?;
    let mut acc = vec![0.0f64; n];
    let mut entries = Vec::new();
    let ni = n as i32;
    for (k, seg) in c.segments.iter().enumerate() {
        let col = palette::color(k);
        let mut rects = Vec::new();
        for (i, end) in acc.iter_mut().enumerate() {
            let Some(v) = seg.values.get(i).copied().flatten() else {
                continue;
            };
            if !(v.is_finite() && v > 0.0) {
                continue;
            }
            let row = ni - 1 - i as i32;
            let (x0, x1) = (*end, *end + v);
            *end = x1;
            let mut r = Rectangle::new(
                [
                    (x0, SegmentValue::Exact(row)),
                    (x1, SegmentValue::Exact(row + 1)),
                ],
                col.filled(),
            );
            r.set_margin(7, 7, 0, 0);
            rects.push(r);
        }
        chart.draw_series(rects).map_err(text)?;
        if c.segments.len() > 1 || !seg.name.is_empty() {
            entries.push((seg.name.clone(), Swatch::Fill(col, 1.0)));
        }
    }
    // Each bar's total at its end; "n/a" where no segment has a value.
    let labels = (0..n).map(|i| {
        let row = ni - 1 - i as i32;
        let known = c
            .segments
            .iter()
            .any(|s| s.values.get(i).copied().flatten().is_some());
        let t = if known {
            c.label.format(totals[i])
        } else {
            "n/a".to_string()
        };
        Text::new(
            t,
            (acc[i] + hi * 0.01, SegmentValue::CenterOf(row)),
            font(15).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    });
    chart.draw_series(labels).map_err(text)?;
    legend(&side, &entries)
}

pub(crate) fn box_chart(c: &BoxChart, root: &Area) -> Result<(), String> {
    let (plot, side) = root.split_horizontally(WIDTH - LEGEND_W);
    let stats: Vec<Option<[f64; 5]>> = c.groups.iter().map(|(_, s)| five_numbers(s)).collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in stats.iter().flatten() {
        lo = lo.min(s[0]);
        hi = hi.max(s[4]);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-6);
    // Room on the right for the median's label.
    let (lo, hi) = (
        (lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::MIN }),
        hi + 4.0 * pad,
    );
    let names: Vec<String> = c
        .groups
        .iter()
        .map(|(n, s)| format!("{n} (n={})", s.len()))
        .collect();
    let mut chart = category_axes(&plot, &c.title, &c.unit, &names, (lo, hi), false)?;
    let n = c.groups.len() as i32;
    let col = palette::color(0);
    for (i, s) in stats.iter().enumerate() {
        let Some([min, q1, med, q3, max]) = *s else {
            continue;
        };
        let row = n - 1 - i as i32;
        let mut r = Rectangle::new(
            [
                (q1, SegmentValue::Exact(row)),
                (q3, SegmentValue::Exact(row + 1)),
            ],
            col.mix(0.35).filled(),
        );
        r.set_margin(9, 9, 0, 0);
        let mut outline = Rectangle::new(
            [
                (q1, SegmentValue::Exact(row)),
                (q3, SegmentValue::Exact(row + 1)),
            ],
            col.stroke_width(1),
        );
        outline.set_margin(9, 9, 0, 0);
        chart.draw_series([r, outline]).map_err(text)?;
        let mid = SegmentValue::CenterOf(row);
        chart
            .draw_series([
                PathElement::new(
                    vec![(min, mid.clone()), (q1, mid.clone())],
                    INK.stroke_width(1),
                ),
                PathElement::new(
                    vec![(q3, mid.clone()), (max, mid.clone())],
                    INK.stroke_width(1),
                ),
            ])
            .map_err(text)?;
        // Median: a bar across the box; min and max: end caps (thin filled rectangles,
        // a few pixels wide whatever the axis).
        let px = (hi - lo) / f64::from(WIDTH - LEGEND_W);
        for (x, w, m) in [(med, 1.5, 9), (min, 0.6, 14), (max, 0.6, 14)] {
            let mut r = Rectangle::new(
                [
                    (x - w * px, SegmentValue::Exact(row)),
                    (x + w * px, SegmentValue::Exact(row + 1)),
                ],
                INK.filled(),
            );
            r.set_margin(m, m, 0, 0);
            chart.draw_series([r]).map_err(text)?;
        }
        let sample = &c.groups[i].1;
        let mean = sample.iter().sum::<f64>() / sample.len() as f64;
        chart
            .draw_series([Circle::new(
                (mean, mid.clone()),
                4,
                palette::color(3).filled(),
            )])
            .map_err(text)?;
        chart
            .draw_series([Text::new(
                format!("median {}", c.label.format(med)),
                (max + (hi - lo) * 0.01, mid),
                font(15).pos(Pos::new(HPos::Left, VPos::Center)),
            )])
            .map_err(text)?;
    }
    legend(
        &side,
        &[
            ("quartiles (box)".to_string(), Swatch::Fill(col, 0.35)),
            ("median (bar)".to_string(), Swatch::Line(INK, false)),
            ("min–max (whiskers)".to_string(), Swatch::Line(INK, false)),
            (
                "mean (dot)".to_string(),
                Swatch::Fill(palette::color(3), 1.0),
            ),
        ],
    )
}

/// A dot per row for the estimate and a whisker for its interval, the estimate
/// written at the right.
pub(crate) fn interval_chart(c: &IntervalChart, root: &Area) -> Result<(), String> {
    let (plot, side) = root.split_horizontally(WIDTH - LEGEND_W);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in &c.rows {
        for v in r
            .value
            .into_iter()
            .chain(r.range.into_iter().flat_map(|(a, b)| [a, b]))
            .filter(|v| v.is_finite())
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-6);
    let (lo, hi) = (
        if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        },
        hi + 4.0 * pad,
    );
    let names: Vec<String> = c.rows.iter().map(|r| r.name.clone()).collect();
    let mut chart = category_axes(&plot, &c.title, &c.unit, &names, (lo, hi), false)?;
    let n = c.rows.len() as i32;
    let col = palette::color(0);
    for (i, r) in c.rows.iter().enumerate() {
        let mid = SegmentValue::CenterOf(n - 1 - i as i32);
        if let Some((a, b)) = r.range.filter(|(a, b)| a.is_finite() && b.is_finite()) {
            chart
                .draw_series([PathElement::new(
                    vec![(a, mid.clone()), (b, mid.clone())],
                    INK.stroke_width(2),
                )])
                .map_err(text)?;
            let px = (hi - lo) / f64::from(WIDTH - LEGEND_W);
            for x in [a, b] {
                let mut cap = Rectangle::new(
                    [
                        (x - 0.6 * px, SegmentValue::Exact(n - 1 - i as i32)),
                        (x + 0.6 * px, SegmentValue::Exact(n - i as i32)),
                    ],
                    INK.filled(),
                );
                cap.set_margin(9, 9, 0, 0);
                chart.draw_series([cap]).map_err(text)?;
            }
        }
        let label = match r.value.filter(|v| v.is_finite()) {
            Some(v) => {
                chart
                    .draw_series([Circle::new((v, mid.clone()), 5, col.filled())])
                    .map_err(text)?;
                c.label.format(v)
            }
            None => "n/a".to_string(),
        };
        let right = r
            .range
            .map(|(_, b)| b)
            .into_iter()
            .chain(r.value)
            .filter(|v| v.is_finite())
            .fold(lo, f64::max);
        chart
            .draw_series([Text::new(
                label,
                (right + (hi - lo) * 0.01, mid),
                font(15).pos(Pos::new(HPos::Left, VPos::Center)),
            )])
            .map_err(text)?;
    }
    legend(
        &side,
        &[
            ("estimate (dot)".to_string(), Swatch::Fill(col, 1.0)),
            (
                "95 % interval (whisker)".to_string(),
                Swatch::Line(INK, false),
            ),
        ],
    )
}
