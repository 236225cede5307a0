//! The `sweep` page: the grid's groups (cells that differ only in the seed) with each
//! metric's mean and 95 % interval across the seeds, one chart per metric across the
//! grid (a dot for the mean, a whisker for the interval), the paired comparisons, the
//! warnings, the table of every cell, and the sweep's provenance.
//!
//! Built from the rows (what `--output jsonl` prints) and, when the whole sweep is at
//! hand, its summary ([`SweepPage::summary`]: the kind, seeds and paired comparisons).

use super::chart::{Chart, Interval, IntervalChart, ValueFormat};
use super::page::Page;
use super::table::table;
use crate::report::Warning;
use crate::report::human::{count, group, pct, usd};
use crate::sweep::SweepRow;
use crate::sweep::summary::{GroupSummary, SweepSummary};

/// Cells listed one by one in the page's cell table (the rest are counted; every cell
/// is in `--output jsonl` or `csv`).
pub const CELLS_LISTED: usize = 2_000;

/// The HTML page of a `sweep` (or `sweep merge`).
///
/// ```
/// use std::path::Path;
/// use spotsim::report::html::SweepPage;
/// use spotsim::sweep::Sweep;
/// let s = Sweep::from_toml_str(
///     "kind = \"run\"\nseeds = 2\n[base]\nend = \"2026-01-02T00:00:00Z\"\ninterruption-rate = 20\n[grid]\nstrategy = [\"lowest-price\", \"capacity-optimized\"]\n",
///     "s.toml", Path::new("."),
/// )?;
/// let r = s.run(None, &|_, _| {})?;
/// let summary = r.summary();
/// let html = SweepPage::new(&r.rows).summary(&summary).render();
/// assert!(html.contains("total_cost_usd across the grid"));
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Debug)]
pub struct SweepPage<'a> {
    rows: &'a [SweepRow],
    summary: Option<&'a SweepSummary>,
    warnings: &'a [Warning],
}

/// How a metric's values are written, from its name's unit suffix.
fn format_of(metric: &str) -> ValueFormat {
    if metric.ends_with("_usd") {
        ValueFormat::Usd
    } else if metric.ends_with("_pct") {
        ValueFormat::Percent
    } else if matches!(
        metric,
        "launches" | "interruptions" | "failed_launches" | "task_restarts"
    ) {
        ValueFormat::Count
    } else {
        ValueFormat::Decimal1
    }
}

/// The unit of a metric's axis.
fn unit_of(metric: &str) -> &'static str {
    if metric.ends_with("_usd") {
        "USD"
    } else if metric.ends_with("_pct") {
        "percent"
    } else if metric.ends_with("_fraction") {
        "fraction (0–1)"
    } else if metric.ends_with("_hours") {
        "hours"
    } else {
        "count"
    }
}

/// A value written for people, by the metric's unit (small dollar amounts with four
/// decimals: per-hour costs).
fn people(metric: &str, x: Option<f64>) -> String {
    match x {
        None => "n/a".into(),
        Some(v) if metric.ends_with("_usd") && v.abs() < 1.0 && v != 0.0 => {
            let g = group(v, 4);
            match g.strip_prefix('-') {
                Some(abs) => format!("-${abs}"),
                None => format!("${g}"),
            }
        }
        Some(v) if metric.ends_with("_usd") => usd(v),
        Some(v) if metric.ends_with("_pct") => pct(v, 1),
        Some(v) if metric.ends_with("_fraction") => group(v, 3),
        Some(v) => group(v, if v.fract() == 0.0 { 0 } else { 2 }),
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// A group's name on a chart: its parameters' values in key order, joined with ` · `
/// (the caption names the keys), or `all cells`.
fn group_name(g: &GroupSummary) -> String {
    if g.params.is_empty() {
        return "all cells".into();
    }
    g.params
        .values()
        .map(value_text)
        .collect::<Vec<_>>()
        .join(" · ")
}

impl<'a> SweepPage<'a> {
    /// The page of `rows` (every cell, in index order).
    pub fn new(rows: &'a [SweepRow]) -> SweepPage<'a> {
        SweepPage {
            rows,
            summary: None,
            warnings: &[],
        }
    }

    /// Adds the sweep's summary: its kind, seeds, groups and paired comparisons.
    pub fn summary(mut self, summary: &'a SweepSummary) -> SweepPage<'a> {
        self.summary = Some(summary);
        self
    }

    /// Adds the cells' warnings.
    pub fn warnings(mut self, warnings: &'a [Warning]) -> SweepPage<'a> {
        self.warnings = warnings;
        self
    }

    /// One chart per metric with a value: each group's mean across the seeds and its
    /// 95 % interval.
    pub fn charts(&self) -> Vec<Chart> {
        let groups = self.groups();
        let Some(first) = groups.first() else {
            return Vec::new();
        };
        let keys = if first.params.is_empty() {
            "no grid key".to_string()
        } else {
            first.params.keys().cloned().collect::<Vec<_>>().join(" · ")
        };
        first
            .metrics
            .iter()
            .enumerate()
            .filter(|(i, _)| groups.iter().any(|g| g.metrics[*i].mean.is_some()))
            .map(|(i, m)| {
                let name = m.metric.as_str();
                Chart::Intervals(IntervalChart {
                    title: format!("{name} across the grid"),
                    caption: format!(
                        "One row per combination of the grid's parameters ({keys}): the dot is {name}'s mean over the seeds, the whisker its 95 % confidence interval (a t interval over the seeds; none with one seed). Rows whose whiskers do not overlap differ by more than the seeds' randomness."
                    ),
                    unit: unit_of(name).to_string(),
                    rows: groups
                        .iter()
                        .map(|g| {
                            let s = &g.metrics[i];
                            Interval {
                                name: group_name(g),
                                value: s.mean,
                                range: s.ci95_low.zip(s.ci95_high),
                            }
                        })
                        .collect(),
                    label: format_of(name),
                })
            })
            .collect()
    }

    fn groups(&self) -> std::borrow::Cow<'a, [GroupSummary]> {
        match self.summary {
            Some(s) => std::borrow::Cow::Borrowed(&s.groups),
            None => std::borrow::Cow::Owned(crate::sweep::summary::group_summaries(self.rows)),
        }
    }

    /// The HTML document.
    pub fn render(&self) -> String {
        let rows = self.rows;
        let kind = self
            .summary
            .map_or("sweep".to_string(), |s| format!("{} sweep", s.kind.name()));
        let keys: Vec<&str> = rows
            .first()
            .map(|r| r.params.iter().map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default();
        let groups = self.groups();
        let mut page = Page::new(
            &format!("spotsim {kind}: {} cells", count(rows.len() as u64)),
            &format!(
                "{} groups of parameters over {}",
                count(groups.len() as u64),
                keys.join(" × ")
            ),
        );
        let mut facts = vec![
            ("cells", count(rows.len() as u64)),
            ("groups", count(groups.len() as u64)),
        ];
        if let Some(s) = self.summary {
            facts.push(("seeds", count(s.seeds.len() as u64)));
            if let Some(p) = &s.paired_by {
                facts.push(("paired by", p.clone()));
            }
        }
        page.facts(&facts);
        page.warnings(self.warnings.iter().map(|w| (None, w)));
        page.section("Groups", &self.groups_table(&groups));
        page.charts("Charts", &self.charts());
        if let Some(s) = self.summary.filter(|s| !s.comparisons.is_empty()) {
            let body: Vec<Vec<String>> = s
                .comparisons
                .iter()
                .map(|c| {
                    let params = c
                        .params
                        .iter()
                        .map(|(k, v)| format!("{k}={}", value_text(v)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        params,
                        format!("{} − {}", value_text(&c.a), value_text(&c.b)),
                        c.metric.clone(),
                        c.better.clone(),
                        count(c.n as u64),
                        people(&c.metric, c.mean_difference),
                        format!(
                            "{} to {}",
                            people(&c.metric, c.ci95_low),
                            people(&c.metric, c.ci95_high)
                        ),
                        pct(100.0 * c.a_wins, 0),
                        pct(100.0 * c.b_wins, 0),
                    ]
                })
                .collect();
            page.section(
                "Paired comparisons",
                &table(
                    &[
                        "held equal",
                        "pair (a − b)",
                        "metric",
                        "better",
                        "cells",
                        "mean difference",
                        "95 % interval",
                        "a wins",
                        "b wins",
                    ],
                    4,
                    &body,
                ),
            );
        }
        page.section("Cells", &self.cells_table());
        let mut facts = vec![("spotsim", env!("CARGO_PKG_VERSION").to_string())];
        if let Some(s) = self.summary {
            facts.push(("sweep definition (SHA-256)", s.definition_sha256.clone()));
            facts.push((
                "seeds",
                s.seeds
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        page.provenance(&[], &facts);
        page.finish()
    }

    fn groups_table(&self, groups: &[GroupSummary]) -> String {
        let Some(first) = groups.first() else {
            return "<p class=\"note\">No cell.</p>".into();
        };
        let keys: Vec<&str> = first.params.keys().map(String::as_str).collect();
        let metrics: Vec<&str> = first.metrics.iter().map(|m| m.metric.as_str()).collect();
        let heads: Vec<String> = metrics
            .iter()
            .map(|m| format!("{m} mean (95 % CI)"))
            .collect();
        let head: Vec<&str> = keys
            .iter()
            .copied()
            .chain(["cells"])
            .chain(heads.iter().map(String::as_str))
            .collect();
        let body: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                g.params
                    .values()
                    .map(value_text)
                    .chain([count(g.cells as u64)])
                    .chain(g.metrics.iter().map(|m| {
                        let mean = people(&m.metric, m.mean);
                        match (m.ci95_low, m.ci95_high) {
                            (Some(a), Some(b)) => format!(
                                "{mean} ({} to {})",
                                people(&m.metric, Some(a)),
                                people(&m.metric, Some(b))
                            ),
                            _ => mean,
                        }
                    }))
                    .collect()
            })
            .collect();
        table(&head, keys.len(), &body)
    }

    fn cells_table(&self) -> String {
        let rows = self.rows;
        let Some(first) = rows.first() else {
            return "<p class=\"note\">No cell.</p>".into();
        };
        let head: Vec<&str> = std::iter::once("cell")
            .chain(first.params.iter().map(|(k, _)| k.as_str()))
            .chain(first.metrics.iter().map(|(k, _)| k.as_str()))
            .chain(["warnings"])
            .collect();
        let body: Vec<Vec<String>> = rows
            .iter()
            .take(CELLS_LISTED)
            .map(|r| {
                std::iter::once(r.index.to_string())
                    .chain(r.params.iter().map(|(_, v)| value_text(v)))
                    .chain(r.metrics.iter().map(|(k, v)| people(k, *v)))
                    .chain([r.warnings.join(", ")])
                    .collect()
            })
            .collect();
        let mut html = table(&head, 1 + first.params.len(), &body);
        if rows.len() > CELLS_LISTED {
            html.push_str(&format!(
                "<p class=\"note\">The first {} of {} cells; every cell is in the rows (<code>--output jsonl</code> or <code>csv</code>).</p>",
                count(CELLS_LISTED as u64),
                count(rows.len() as u64)
            ));
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_values_for_people() {
        assert_eq!(people("total_cost_usd", Some(1234.5)), "$1,234.50");
        assert_eq!(
            people("cost_per_delivered_unit_hour_usd", Some(0.04251)),
            "$0.0425"
        );
        assert_eq!(people("savings_pct", Some(61.26)), "61.3%");
        assert_eq!(people("launches", Some(1200.0)), "1,200");
        assert_eq!(people("deadline_met_fraction", Some(0.95)), "0.950");
        assert_eq!(people("launches", None), "n/a");
        assert_eq!(people("waste_usd", Some(-0.5)), "-$0.5000");
    }

    #[test]
    fn one_chart_per_metric_with_the_seeds_interval() {
        let row = |i: usize, s: &str, seed: u64, cost: f64| SweepRow {
            index: i,
            params: vec![("strategy".into(), s.into()), ("seed".into(), seed.into())],
            metrics: vec![
                ("total_cost_usd".into(), Some(cost)),
                ("launches".into(), None),
            ],
            warnings: vec![],
        };
        let rows = vec![
            row(0, "a", 1, 10.0),
            row(1, "a", 2, 12.0),
            row(2, "b", 1, 20.0),
            row(3, "b", 2, 20.0),
        ];
        let page = SweepPage::new(&rows);
        let charts = page.charts();
        // launches is null everywhere: no chart for it.
        assert_eq!(charts.len(), 1);
        let Chart::Intervals(c) = &charts[0] else {
            panic!("an interval chart")
        };
        assert_eq!(c.rows[0].name, "a");
        assert!(
            c.caption
                .starts_with("One row per combination of the grid's parameters (strategy)")
        );
        // Mean of 10 and 12 is 11; sd = √2; t(0.975, 1) = 12.706 → half-width
        // 12.706 × √2 / √2 = 12.706.
        assert_eq!(c.rows[0].value, Some(11.0));
        let (lo, hi) = c.rows[0].range.expect("interval");
        assert!((lo - (11.0 - 12.706205)).abs() < 1e-5, "{lo}");
        assert!((hi - (11.0 + 12.706205)).abs() < 1e-5, "{hi}");
        // b: no spread, a zero-width interval at 20.
        assert_eq!(c.rows[1].value, Some(20.0));
        assert_eq!(c.rows[1].range, Some((20.0, 20.0)));
        let html = page.render();
        assert!(html.contains("$11.00 (-$1.71 to $23.71)"), "{html}");
    }
}
