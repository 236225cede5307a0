//! Aligned text for people: one strategy ([`single`]) or several side by side
//! ([`comparison`]), then the inputs, the run facts and every assumption in force.
//! Money in USD with cents, hours with a unit, thousands separators throughout.

use std::fmt::Write as _;

use super::human::{count, group, hours, or_na, pct, usd};

/// A USD amount per unit-hour: `$0.0425` (4 decimals: per-unit costs are small).
fn usd_per_hour_plain(x: f64) -> String {
    format!("${}", group(x, 4))
}
use super::{PoolReport, Provenance, Report, Warning, warning};

/// The table of one report.
pub fn single(r: &Report) -> String {
    let mut s = String::new();
    let p = &r.provenance;
    let _ = writeln!(
        s,
        "spotsim {} — {} on {} pools, {} → {} ({})",
        p.spotsim_version,
        r.strategy,
        count(p.pools as u64),
        r.start,
        r.end,
        hours(r.duration_hours)
    );
    for w in &r.warnings {
        let _ = writeln!(s, "  {w}");
    }
    let _ = writeln!(
        s,
        "  total cost            {:>14}   on-demand baseline {}, savings {}, availability {}",
        usd(r.total_cost_usd),
        or_na(r.ondemand_baseline_usd, usd),
        or_na(r.savings_pct, |x| pct(x, 1)),
        pct(r.availability_pct, 3)
    );
    let _ = writeln!(
        s,
        "  delivered             {:>14}   unit-hours, {} per delivered unit-hour",
        group(r.delivered_unit_hours, 1),
        or_na(r.cost_per_delivered_unit_hour_usd, usd_per_hour_plain)
    );
    let _ = writeln!(
        s,
        "  instance-hours        {:>14}   spot {}, on-demand {}",
        group(r.instance_hours, 1),
        group(r.spot_instance_hours, 1),
        group(r.ondemand_instance_hours, 1)
    );
    let _ = writeln!(
        s,
        "  interruptions         {:>14}   {} per 1,000 instance-hours, MTTI {}",
        count(r.interruptions),
        group(r.interruptions_per_1000_instance_hours, 2),
        or_na(r.mean_time_to_interruption_hours, hours)
    );
    let _ = writeln!(
        s,
        "  failed launches       {:>14}   short notices {}",
        count(r.failed_launches),
        count(r.short_notices)
    );
    let _ = writeln!(
        s,
        "  price-driven moves    {:>14}",
        count(r.price_driven_replacements)
    );
    if r.rebalance_recommendations > 0 || r.proactive_replacements > 0 {
        let _ = writeln!(
            s,
            "  rebalancing           {:>14}   recommendations; {} proactive replacements",
            count(r.rebalance_recommendations),
            count(r.proactive_replacements)
        );
    }
    let _ = writeln!(
        s,
        "  unmet capacity        {:>14}   unit-hours",
        group(r.unmet_capacity_unit_hours, 1)
    );
    let used: Vec<&PoolReport> = r.pools.iter().filter(|p| p.launches > 0).collect();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  {:<16} {:<14} {:<9} {:>12} {:>12} {:>9} {:>9} {:>7}  price since",
        "instance type", "zone", "option", "cost", "inst-hours", "launches", "interr.", "moves"
    );
    for p in &used {
        let _ = writeln!(
            s,
            "  {:<16} {:<14} {:<9} {:>12} {:>12} {:>9} {:>9} {:>7}  {}",
            p.instance_type,
            p.availability_zone,
            p.purchase_option,
            usd(p.cost_usd),
            group(p.instance_hours, 1),
            count(p.launches),
            count(p.interruptions),
            count(p.price_driven_replacements),
            or_na(p.last_price_change, |t| t.to_string())
        );
    }
    let unused = r.pools.len() - used.len();
    if unused > 0 {
        let _ = writeln!(s, "  ({} pools never launched into)", count(unused as u64));
    }
    let _ = writeln!(s);
    footer(&mut s, p);
    let _ = writeln!(s, "  assumptions:");
    for a in &p.assumptions {
        let _ = writeln!(s, "    - {a}");
    }
    s
}

/// Several strategies on the same inputs, side by side: a metric per row, a strategy
/// per column, then the shared provenance and each strategy's own assumptions.
pub fn comparison(reports: &[Report]) -> String {
    let mut s = String::new();
    let Some(r0) = reports.first() else {
        return s;
    };
    let p = &r0.provenance;
    let _ = writeln!(
        s,
        "spotsim {} — {} strategies on {} pools, {} → {} ({}), same inputs and seed {}",
        p.spotsim_version,
        reports.len(),
        count(p.pools as u64),
        r0.start,
        r0.end,
        hours(r0.duration_hours),
        p.seed
    );
    for (strategy, w) in split_warnings(reports) {
        match strategy {
            None => {
                let _ = writeln!(s, "  {w}");
            }
            Some(st) => {
                let _ = writeln!(s, "  [{st}] {w}");
            }
        }
    }
    let _ = writeln!(s);
    let w = reports
        .iter()
        .map(|r| r.strategy.len())
        .max()
        .unwrap_or(0)
        .max(12);
    let row = |s: &mut String, name: &str, f: &dyn Fn(&Report) -> String| {
        let _ = write!(s, "  {name:<30}");
        for r in reports {
            let _ = write!(s, " {:>w$}", f(r));
        }
        let _ = writeln!(s);
    };
    for (name, f) in metric_rows() {
        row(&mut s, name, &f);
    }
    let _ = writeln!(s);
    footer(&mut s, p);
    let (common, own) = split_assumptions(reports);
    let _ = writeln!(s, "  assumptions (all strategies):");
    for a in &common {
        let _ = writeln!(s, "    - {a}");
    }
    for (strategy, a) in own {
        let _ = writeln!(s, "    - [{strategy}] {a}");
    }
    s
}

/// A row of the side-by-side comparison: its label and how to render one report's cell.
pub(crate) type MetricRow = (&'static str, Box<dyn Fn(&Report) -> String>);

/// The rows of the side-by-side comparison (table and Markdown alike).
pub(crate) fn metric_rows() -> Vec<MetricRow> {
    vec![
        ("", Box::new(|r: &Report| r.strategy.clone())),
        ("total cost", Box::new(|r: &Report| usd(r.total_cost_usd))),
        (
            "on-demand baseline",
            Box::new(|r: &Report| or_na(r.ondemand_baseline_usd, usd)),
        ),
        (
            "savings",
            Box::new(|r: &Report| or_na(r.savings_pct, |x| pct(x, 1))),
        ),
        (
            "availability",
            Box::new(|r: &Report| pct(r.availability_pct, 3)),
        ),
        (
            "delivered unit-hours",
            Box::new(|r: &Report| group(r.delivered_unit_hours, 1)),
        ),
        (
            "  cost per delivered unit-hour",
            Box::new(|r: &Report| or_na(r.cost_per_delivered_unit_hour_usd, usd_per_hour_plain)),
        ),
        (
            "instance-hours",
            Box::new(|r: &Report| group(r.instance_hours, 1)),
        ),
        (
            "  of which on-demand",
            Box::new(|r: &Report| group(r.ondemand_instance_hours, 1)),
        ),
        (
            "interruptions",
            Box::new(|r: &Report| count(r.interruptions)),
        ),
        (
            "  per 1,000 instance-hours",
            Box::new(|r: &Report| group(r.interruptions_per_1000_instance_hours, 2)),
        ),
        (
            "  MTTI",
            Box::new(|r: &Report| or_na(r.mean_time_to_interruption_hours, hours)),
        ),
        (
            "failed launches",
            Box::new(|r: &Report| count(r.failed_launches)),
        ),
        (
            "price-driven moves",
            Box::new(|r: &Report| count(r.price_driven_replacements)),
        ),
        (
            "rebalance recommendations",
            Box::new(|r: &Report| count(r.rebalance_recommendations)),
        ),
        (
            "proactive replacements",
            Box::new(|r: &Report| count(r.proactive_replacements)),
        ),
        (
            "unmet capacity (unit-hours)",
            Box::new(|r: &Report| group(r.unmet_capacity_unit_hours, 1)),
        ),
        (
            "pools used",
            Box::new(|r: &Report| count(r.pools.iter().filter(|p| p.launches > 0).count() as u64)),
        ),
    ]
}

/// The assumptions every report shares, and each report's own (with its strategy).
pub(crate) fn split_assumptions(reports: &[Report]) -> (Vec<&String>, Vec<(&str, &String)>) {
    let Some(r0) = reports.first() else {
        return (Vec::new(), Vec::new());
    };
    let common: Vec<&String> = r0
        .provenance
        .assumptions
        .iter()
        .filter(|a| reports.iter().all(|r| r.provenance.assumptions.contains(a)))
        .collect();
    let mut own = Vec::new();
    for r in reports {
        for a in r
            .provenance
            .assumptions
            .iter()
            .filter(|a| !common.contains(a))
        {
            own.push((r.strategy.as_str(), a));
        }
    }
    (common, own)
}

/// The warnings of several reports: those every report has (strategy `None`) once,
/// then each report's own with its strategy.
pub(crate) fn split_warnings(reports: &[Report]) -> Vec<(Option<&str>, &Warning)> {
    let mut out: Vec<(Option<&str>, &Warning)> = Vec::new();
    for w in warning::distinct(reports.iter().flat_map(|r| &r.warnings)) {
        if reports.iter().all(|r| r.warnings.contains(w)) {
            out.push((None, w));
        } else {
            for r in reports.iter().filter(|r| r.warnings.contains(w)) {
                out.push((Some(r.strategy.as_str()), w));
            }
        }
    }
    out
}

/// Inputs, catalog and run facts shared by the table renderers.
fn footer(s: &mut String, p: &Provenance) {
    match (&p.data, p.inputs.is_empty()) {
        (Some(d), _) => {
            let _ = writeln!(s, "  data: {d}");
        }
        (None, false) => {
            let _ = writeln!(s, "  inputs:");
            for i in &p.inputs {
                let _ = writeln!(
                    s,
                    "    {} ({}, {} rows, sha256 {})",
                    i.path,
                    i.format,
                    count(i.rows),
                    &i.sha256[..16.min(i.sha256.len())]
                );
            }
        }
        _ => {}
    }
    if let (Some(region), Some(src)) = (&p.catalog_region, &p.catalog_source) {
        let _ = writeln!(s, "  on-demand prices: {region}, {src}");
    }
    let _ = writeln!(
        s,
        "  product {}, target in {}, seed {}, {} events",
        p.product,
        p.target_unit,
        p.seed,
        count(p.events)
    );
}
