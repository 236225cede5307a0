//! Markdown rendering of run reports, e.g. for a pull-request comment: a metric per
//! row and a strategy per column (one column for one strategy), then the inputs and the
//! assumptions in a collapsed section.

use std::fmt::Write as _;

use super::Report;
use super::Warning;
use super::human::{count, hours};
use super::table::{metric_rows, split_assumptions, split_warnings};

/// The Markdown of `reports`.
pub fn render(reports: &[Report]) -> String {
    let mut s = String::new();
    let Some(r0) = reports.first() else {
        return s;
    };
    let p = &r0.provenance;
    let _ = writeln!(
        s,
        "### spotsim run: {} on {} pools, {} → {} ({})\n",
        reports
            .iter()
            .map(|r| r.strategy.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        count(p.pools as u64),
        r0.start,
        r0.end,
        hours(r0.duration_hours)
    );
    warnings(&mut s, split_warnings(reports));
    let rows = metric_rows();
    for (i, (name, f)) in rows.iter().enumerate() {
        let cells: Vec<String> = reports.iter().map(|r| cell(&f(r))).collect();
        let label = if i == 0 { "metric" } else { name.trim() };
        let _ = writeln!(s, "| {} | {} |", cell(label), cells.join(" | "));
        if i == 0 {
            let _ = writeln!(s, "|---|{}", "---:|".repeat(reports.len()));
        }
    }
    let _ = writeln!(s);
    match &p.data {
        Some(d) => {
            let _ = writeln!(s, "Data: {d}.");
        }
        None => {
            let files: Vec<String> = p.inputs.iter().map(|i| format!("`{}`", i.path)).collect();
            let _ = writeln!(s, "Inputs: {}.", files.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "Product {}, target in {}, seed {}, spotsim {}.",
        p.product, p.target_unit, p.seed, p.spotsim_version
    );
    let (common, own) = split_assumptions(reports);
    let _ = writeln!(s, "\n<details><summary>Assumptions</summary>\n");
    for a in common {
        let _ = writeln!(s, "- {}", cell(a));
    }
    for (strategy, a) in own {
        let _ = writeln!(s, "- [{strategy}] {}", cell(a));
    }
    let _ = writeln!(s, "\n</details>");
    s
}

/// Escapes the characters that would break a Markdown table cell.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A blockquote line per warning (`[strategy]` when only some reports have it), then a
/// blank line; nothing when there are none.
pub(crate) fn warnings(s: &mut String, ws: Vec<(Option<&str>, &Warning)>) {
    if ws.is_empty() {
        return;
    }
    for (strategy, w) in ws {
        let who = strategy.map_or(String::new(), |st| format!("[{st}] "));
        let _ = writeln!(s, "> **warning** {who}`{}`: {}  ", w.code, cell(&w.message));
    }
    let _ = writeln!(s);
}
