//! Draws a [`FlowChart`] (the service map: instances moving between pools) as SVG with
//! `plotters`, in pixel coordinates: sources in a column on the left, destinations on
//! the right, each flow a curve whose width is proportional to its value and whose
//! colour is its kind (Okabe–Ito), the legend on the right with each kind's total.
//!
//! Many pools stay readable: the [`MAX_NODES`] largest sources and destinations are
//! drawn by name, the rest merged into one "other pools" node per side (their flows
//! added up), so the chart's size does not grow with the market.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::FlowChart;
use super::palette;
use super::plot::{Area, Swatch, WIDTH, font, legend, text};

/// Nodes drawn by name on each side; the rest are merged.
pub(crate) const MAX_NODES: usize = 10;
/// What the merged nodes are called.
pub(crate) const OTHER: &str = "other pools";
const ROW_H: i32 = 34;
const TOP: i32 = 64;
const LEGEND_W: u32 = 230;
/// The x of the left and right node bars.
const X_FROM: i32 = 250;
const X_TO: i32 = 480;

/// A flow between merged nodes: indexes into the left and right columns, its kind's
/// index and value.
#[derive(Debug, PartialEq)]
pub(crate) struct Layout {
    pub(crate) left: Vec<(String, f64)>,
    pub(crate) right: Vec<(String, f64)>,
    pub(crate) kinds: Vec<(String, f64)>,
    pub(crate) flows: Vec<(usize, usize, usize, f64)>,
}

/// Columns by total (largest first, then by name), the tail merged into [`OTHER`];
/// flows added up per (left, right, kind).
pub(crate) fn layout(c: &FlowChart) -> Layout {
    let flows: Vec<_> = c
        .flows
        .iter()
        .filter(|f| f.value.is_finite() && f.value > 0.0)
        .collect();
    let column = |side: &dyn Fn(&super::chart::Flow) -> &str| {
        let mut totals: Vec<(String, f64)> = Vec::new();
        for f in &flows {
            let name = side(f);
            match totals.iter_mut().find(|(n, _)| n == name) {
                Some(t) => t.1 += f.value,
                None => totals.push((name.to_string(), f.value)),
            }
        }
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if totals.len() > MAX_NODES {
            let rest: f64 = totals[MAX_NODES - 1..].iter().map(|t| t.1).sum();
            totals.truncate(MAX_NODES - 1);
            totals.push((OTHER.to_string(), rest));
        }
        totals
    };
    let left = column(&|f| f.from.as_str());
    let right = column(&|f| f.to.as_str());
    let index = |col: &[(String, f64)], name: &str| {
        col.iter()
            .position(|(n, _)| n == name)
            .unwrap_or(col.len().saturating_sub(1))
    };
    let mut kinds: Vec<(String, f64)> = Vec::new();
    let mut merged: Vec<(usize, usize, usize, f64)> = Vec::new();
    for f in &flows {
        let k = match kinds.iter().position(|(n, _)| *n == f.kind) {
            Some(k) => k,
            None => {
                kinds.push((f.kind.clone(), 0.0));
                kinds.len() - 1
            }
        };
        kinds[k].1 += f.value;
        let (a, b) = (index(&left, &f.from), index(&right, &f.to));
        match merged.iter_mut().find(|m| (m.0, m.1, m.2) == (a, b, k)) {
            Some(m) => m.3 += f.value,
            None => merged.push((a, b, k, f.value)),
        }
    }
    Layout {
        left,
        right,
        kinds,
        flows: merged,
    }
}

/// The chart's height: a row per node of the longer column.
pub(crate) fn height(c: &FlowChart) -> u32 {
    let l = layout(c);
    let rows = l.left.len().max(l.right.len()).max(1) as u32;
    (TOP as u32) + ROW_H as u32 * rows + 40
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        s.chars().take(n - 1).chain(['…']).collect()
    } else {
        s.to_string()
    }
}

/// Points of a smooth S-curve from `a` to `b` (a cubic Bézier with horizontal
/// tangents), as a polyline.
fn curve(a: (i32, i32), b: (i32, i32)) -> Vec<(i32, i32)> {
    let (x0, y0, x1, y1) = (a.0 as f64, a.1 as f64, b.0 as f64, b.1 as f64);
    let mx = (x0 + x1) / 2.0;
    (0..=24)
        .map(|i| {
            let t = i as f64 / 24.0;
            let u = 1.0 - t;
            let x = u * u * u * x0 + 3.0 * u * u * t * mx + 3.0 * u * t * t * mx + t * t * t * x1;
            let y = u * u * u * y0 + 3.0 * u * u * t * y0 + 3.0 * u * t * t * y1 + t * t * t * y1;
            (x.round() as i32, y.round() as i32)
        })
        .collect()
}

pub(crate) fn flow_chart(c: &FlowChart, root: &Area) -> Result<(), String> {
    let (plot, side) = root.split_horizontally(WIDTH - LEGEND_W);
    let l = layout(c);
    let plot_w = (WIDTH - LEGEND_W) as i32;
    plot.draw(&Text::new(
        c.title.clone(),
        (plot_w / 2, 12),
        font(21).pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(text)?;
    if l.flows.is_empty() {
        plot.draw(&Text::new(
            format!("no {} moved between pools", c.unit),
            (plot_w / 2, TOP + 10),
            font(16).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(text)?;
        return legend(&side, &[]);
    }
    let head = font(15).pos(Pos::new(HPos::Center, VPos::Top));
    plot.draw(&Text::new("from", (X_FROM, TOP - 24), head.clone()))
        .map_err(text)?;
    plot.draw(&Text::new("to", (X_TO, TOP - 24), head))
        .map_err(text)?;
    let y = |i: usize| TOP + ROW_H * i as i32 + ROW_H / 2;
    let max = l.flows.iter().map(|f| f.3).fold(0.0, f64::max);
    // The widest flows first, so that narrow ones stay visible on top.
    let mut order: Vec<usize> = (0..l.flows.len()).collect();
    order.sort_by(|&a, &b| l.flows[b].3.total_cmp(&l.flows[a].3).then(a.cmp(&b)));
    for i in order {
        let (a, b, k, v) = l.flows[i];
        let w = (1.0 + 13.0 * v / max).round() as u32;
        let col = palette::color(k);
        plot.draw(&PathElement::new(
            curve((X_FROM + 4, y(a)), (X_TO - 4, y(b))),
            col.mix(0.55).stroke_width(w),
        ))
        .map_err(text)?;
    }
    let node = |x: i32, yy: i32| {
        Rectangle::new([(x - 4, yy - 12), (x + 4, yy + 12)], palette::INK.filled())
    };
    let fmt = |v: f64| c.label.format(v);
    for (i, (name, total)) in l.left.iter().enumerate() {
        plot.draw(&node(X_FROM, y(i))).map_err(text)?;
        plot.draw(&Text::new(
            format!("{} ({})", short(name, 22), fmt(*total)),
            (X_FROM - 10, y(i)),
            font(14).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(text)?;
    }
    for (i, (name, total)) in l.right.iter().enumerate() {
        plot.draw(&node(X_TO, y(i))).map_err(text)?;
        plot.draw(&Text::new(
            format!("{} ({})", short(name, 22), fmt(*total)),
            (X_TO + 10, y(i)),
            font(14).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(text)?;
    }
    let entries: Vec<(String, Swatch)> = l
        .kinds
        .iter()
        .enumerate()
        .map(|(k, (name, total))| {
            (
                format!("{name} ({})", fmt(*total)),
                Swatch::Fill(palette::color(k), 0.55),
            )
        })
        .collect();
    legend(&side, &entries)
}

#[cfg(test)]
mod tests {
    use super::super::chart::{Flow, ValueFormat};
    use super::*;

    fn flow(from: &str, to: &str, kind: &str, value: f64) -> Flow {
        Flow {
            from: from.into(),
            to: to.into(),
            kind: kind.into(),
            value,
        }
    }

    #[test]
    fn flows_are_added_up_per_pair_and_kind() {
        let c = FlowChart {
            title: "t".into(),
            caption: "c".into(),
            unit: "instances".into(),
            flows: vec![
                flow("a", "b", "interruption", 2.0),
                flow("a", "c", "interruption", 5.0),
                flow("a", "b", "move", 1.0),
                flow("d", "b", "interruption", 0.0),
            ],
            label: ValueFormat::Count,
        };
        let l = layout(&c);
        // By hand: out of a: 2 + 5 + 1 = 8 (d's zero flow is dropped); into c 5, b 3.
        assert_eq!(l.left, vec![("a".to_string(), 8.0)]);
        assert_eq!(
            l.right,
            vec![("c".to_string(), 5.0), ("b".to_string(), 3.0)]
        );
        assert_eq!(
            l.kinds,
            vec![("interruption".to_string(), 7.0), ("move".to_string(), 1.0)]
        );
        assert_eq!(
            l.flows,
            vec![(0, 1, 0, 2.0), (0, 0, 0, 5.0), (0, 1, 1, 1.0)]
        );
    }

    #[test]
    fn many_pools_merge_into_other_pools() {
        // 15 sources p0 … p14 each sending i + 1 instances to q: the 9 largest
        // (p14 … p6) by name, p0 … p5 merged: 1 + 2 + … + 6 = 21.
        let flows = (0..15)
            .map(|i| flow(&format!("p{i}"), "q", "interruption", (i + 1) as f64))
            .collect();
        let c = FlowChart {
            title: "t".into(),
            caption: "c".into(),
            unit: "instances".into(),
            flows,
            label: ValueFormat::Count,
        };
        let l = layout(&c);
        assert_eq!(l.left.len(), MAX_NODES);
        assert_eq!(l.left[0], ("p14".to_string(), 15.0));
        assert_eq!(l.left[MAX_NODES - 1], (OTHER.to_string(), 21.0));
        let total: f64 = l.flows.iter().map(|f| f.3).sum();
        assert_eq!(total, (1..=15).sum::<i32>() as f64);
    }
}
