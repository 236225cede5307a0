//! CSV rendering of run reports: one header, then per report (strategy) its pool rows
//! and a `total` row, with a `strategy` column and a `warnings` column (the report's
//! warning codes, `;`-separated). Numbers are plain (`.` decimals, no
//! separators) with 6 decimals.

use super::{Report, warning};

/// The CSV of `reports`. Pool rows carry the pool's own columns
/// (`same_hours_at_ondemand_usd`, `last_price_change`); the `total` row carries the
/// run's (`ondemand_baseline_usd`, `savings_pct`, `availability_pct`,
/// `delivered_unit_hours`, `cost_per_delivered_unit_hour_usd`); a cell that does not
/// apply, or whose value is `null` in the JSON, is empty.
pub fn render(reports: &[Report]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "strategy",
        "row",
        "instance_type",
        "availability_zone",
        "purchase_option",
        "cost_usd",
        "ondemand_baseline_usd",
        "savings_pct",
        "availability_pct",
        "delivered_unit_hours",
        "cost_per_delivered_unit_hour_usd",
        "same_hours_at_ondemand_usd",
        "last_price_change",
        "instance_hours",
        "launches",
        "interruptions",
        "failed_launches",
        "price_driven_replacements",
        "warnings",
    ]);
    let f6 = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.6}"));
    for r in reports {
        let warnings = warning::csv_cell(&r.warnings);
        for p in &r.pools {
            let _ = w.write_record([
                r.strategy.as_str(),
                "pool",
                &p.instance_type,
                &p.availability_zone,
                &p.purchase_option,
                &format!("{:.6}", p.cost_usd),
                "",
                "",
                "",
                "",
                "",
                &f6(p.same_hours_at_ondemand_usd),
                &p.last_price_change.map_or(String::new(), |t| t.to_string()),
                &format!("{:.6}", p.instance_hours),
                &p.launches.to_string(),
                &p.interruptions.to_string(),
                &p.failed_launches.to_string(),
                &p.price_driven_replacements.to_string(),
                &warnings,
            ]);
        }
        let _ = w.write_record([
            r.strategy.as_str(),
            "total",
            "",
            "",
            "",
            &format!("{:.6}", r.total_cost_usd),
            &f6(r.ondemand_baseline_usd),
            &f6(r.savings_pct),
            &format!("{:.6}", r.availability_pct),
            &format!("{:.6}", r.delivered_unit_hours),
            &f6(r.cost_per_delivered_unit_hour_usd),
            "",
            "",
            &format!("{:.6}", r.instance_hours),
            &r.launches.to_string(),
            &r.interruptions.to_string(),
            &r.failed_launches.to_string(),
            &r.price_driven_replacements.to_string(),
            &warnings,
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
