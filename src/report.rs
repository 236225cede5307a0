//! Reports: the serde [`Report`] built from an engine [`Outcome`], and its renderers
//! (human table, JSON with `schema_version`, CSV with a row per pool and a total row).
//!
//! Money is summed exactly in [`Money`] and only rounded (to the micro-dollar, half away
//! from zero) when a report field is filled, so the JSON is byte-identical for the same
//! inputs and seed. No wall-clock time appears anywhere in a report.
//!
//! Definitions of the derived fields:
//! * `ondemand_baseline_usd`: what the same instance lives would have cost at the
//!   catalog's on-demand prices, under on-demand billing (same granularity and 60 s
//!   minimum, no first-hour refund).
//! * `savings_pct` = 100 × (baseline − total) / baseline.
//! * `interruptions`: running spot instances EC2 ended (launches reclaimed before they
//!   ran are `failed_launches`); voluntary ends (price-driven replacements, scale-in,
//!   end of horizon) are never interruptions.
//! * `mean_time_to_interruption_hours` = spot instance-hours / interruptions (fleet
//!   MTTI; `null` without interruptions). `mean_age_at_interruption_hours`: mean running
//!   age of the interrupted instances.
//! * `unmet_capacity_unit_hours` = ∫ max(0, target − running units) dt;
//!   `availability_pct` = 100 × (1 − unmet / ∫ target dt).

use std::fmt::Write as _;

use serde::Serialize;

use crate::engine::{Outcome, PoolTally, PurchaseOption};
use crate::market::{Market, SourceFile};
use crate::money::Money;
use crate::time::{HOUR, SimTime};

/// Version of the JSON layout. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Facts about a run that the outcome does not carry, for provenance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunInfo {
    /// Seed of the random generator.
    pub seed: u64,
    /// Launch latency in seconds.
    pub launch_latency_secs: i64,
    /// Where the traces came from when no files were read (e.g. the synthetic default).
    pub data_description: Option<String>,
    /// Catalog region and source.
    pub catalog: Option<(String, String)>,
    /// Extra model assumptions to print (e.g. from ingest or the scenario).
    pub assumptions: Vec<String>,
    /// The strategy's configuration as given (name and parameters), for provenance.
    pub strategy_config: Option<serde_json::Value>,
    /// Capacity unit of the target (`instances`, `vcpu`, `memory-gib`).
    pub target_unit: Option<String>,
}

/// One pool's line in a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolReport {
    /// Instance type.
    pub instance_type: String,
    /// AZ name or ID.
    pub availability_zone: String,
    /// `name` or `id`: whether `availability_zone` is an AZ name or an AZ ID.
    pub zone_kind: &'static str,
    /// `spot` or `on-demand`.
    pub purchase_option: &'static str,
    /// Billed cost.
    pub cost_usd: f64,
    /// The same lives at on-demand prices.
    pub ondemand_baseline_usd: f64,
    /// Running instance-hours.
    pub instance_hours: f64,
    /// Launch requests.
    pub launches: u64,
    /// Running instances EC2 interrupted.
    pub interruptions: u64,
    /// Launches reclaimed before they ran.
    pub failed_launches: u64,
    /// Instances ended by price-driven replacement.
    pub price_driven_replacements: u64,
    /// Instances ended proactively by capacity rebalancing.
    pub proactive_replacements: u64,
    /// Rebalance recommendations received.
    pub rebalance_recommendations: u64,
}

/// Where the numbers came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Provenance {
    /// spotsim's version.
    pub spotsim_version: &'static str,
    /// Input files with their SHA-256.
    pub inputs: Vec<SourceFile>,
    /// Description of synthetic data, when no files were read.
    pub data: Option<String>,
    /// First and last change point of the traces.
    pub data_span: Option<[SimTime; 2]>,
    /// Simulated horizon.
    pub span: [SimTime; 2],
    /// Number of pools.
    pub pools: usize,
    /// Price and capacity change points in the market.
    pub change_points: usize,
    /// Events the engine processed.
    pub events: u64,
    /// Product description replayed.
    pub product: String,
    /// Catalog region (on-demand prices).
    pub catalog_region: Option<String>,
    /// Catalog source.
    pub catalog_source: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Launch latency, seconds.
    pub launch_latency_secs: i64,
    /// The strategy's configuration (name and parameters).
    pub strategy_config: Option<serde_json::Value>,
    /// Capacity unit of the target.
    pub target_unit: String,
    /// Model assumptions in force.
    pub assumptions: Vec<String>,
}

/// Interruptions split by what caused them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InterruptionCauses {
    /// A capacity trace dropped below what the fleet held.
    pub capacity: u64,
    /// The hazard model.
    pub hazard: u64,
    /// The spot price rose above the max price.
    pub max_price: u64,
}

/// The result of one simulation, ready to render.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// JSON layout version.
    pub schema_version: u32,
    /// The strategy.
    pub strategy: String,
    /// Horizon start.
    pub start: SimTime,
    /// Horizon end.
    pub end: SimTime,
    /// Horizon length in hours.
    pub duration_hours: f64,
    /// Total billed cost (spot + on-demand).
    pub total_cost_usd: f64,
    /// The same, exact, in micro-dollars.
    pub total_cost_micro_usd: i64,
    /// Spot part of the cost.
    pub spot_cost_usd: f64,
    /// On-demand part of the cost.
    pub ondemand_cost_usd: f64,
    /// The same instance lives at on-demand prices.
    pub ondemand_baseline_usd: f64,
    /// Savings against the baseline, percent.
    pub savings_pct: f64,
    /// Running instance-hours.
    pub instance_hours: f64,
    /// Spot running instance-hours.
    pub spot_instance_hours: f64,
    /// On-demand running instance-hours.
    pub ondemand_instance_hours: f64,
    /// Launch requests.
    pub launches: u64,
    /// Running spot instances EC2 interrupted.
    pub interruptions: u64,
    /// Interruptions per 1000 spot instance-hours.
    pub interruptions_per_1000_instance_hours: f64,
    /// Spot instance-hours per interruption.
    pub mean_time_to_interruption_hours: Option<f64>,
    /// Mean running age of interrupted instances.
    pub mean_age_at_interruption_hours: Option<f64>,
    /// Launches reclaimed before they ran.
    pub failed_launches: u64,
    /// Instances that got less than the full 2-minute notice.
    pub short_notices: u64,
    /// Voluntary ends by price-driven replacement.
    pub price_driven_replacements: u64,
    /// Interruptions by cause: capacity drops, hazard model, max price.
    pub interruptions_by_cause: InterruptionCauses,
    /// Rebalance recommendations received (true and false).
    pub rebalance_recommendations: u64,
    /// Instances ended proactively by capacity rebalancing (voluntary).
    pub proactive_replacements: u64,
    /// Instances ended by scale-in.
    pub scale_ins: u64,
    /// ∫ max(0, target − running) dt, unit-hours.
    pub unmet_capacity_unit_hours: f64,
    /// 100 × (1 − unmet / ∫ target).
    pub availability_pct: f64,
    /// Per pool and purchase option.
    pub pools: Vec<PoolReport>,
    /// Where the numbers came from.
    pub provenance: Provenance,
}

/// Rounds a derived float to 6 decimals so JSON stays short and stable.
pub(crate) fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn hours(secs: i64) -> f64 {
    r6(secs as f64 / HOUR as f64)
}

impl Report {
    /// Builds the report of `outcome` on `market`.
    pub fn new(market: &Market, outcome: &Outcome, info: RunInfo) -> Report {
        let sum = |v: &[PoolTally], f: fn(&PoolTally) -> u64| v.iter().map(f).sum::<u64>();
        let money = |v: &[PoolTally], f: fn(&PoolTally) -> Money| v.iter().map(f).sum::<Money>();
        let (s, o) = (&outcome.spot[..], &outcome.ondemand[..]);
        let spot_cost = money(s, |t| t.cost);
        let od_cost = money(o, |t| t.cost);
        let total = spot_cost + od_cost;
        let baseline = money(s, |t| t.ondemand_baseline) + money(o, |t| t.ondemand_baseline);
        let spot_secs: i64 = s.iter().map(|t| t.run_secs).sum();
        let od_secs: i64 = o.iter().map(|t| t.run_secs).sum();
        let interruptions = sum(s, |t| t.interruptions);
        let age: i64 = s.iter().map(|t| t.interrupted_age_secs).sum();
        let spot_hours = spot_secs as f64 / HOUR as f64;
        let savings = if baseline == Money::ZERO {
            0.0
        } else {
            100.0 * (baseline - total).ratio(baseline)
        };
        let availability = if outcome.target_unit_secs == 0 {
            100.0
        } else {
            100.0 * (1.0 - outcome.unmet_unit_secs as f64 / outcome.target_unit_secs as f64)
        };
        let mut pools = Vec::new();
        for (opt, tallies) in [(PurchaseOption::Spot, s), (PurchaseOption::OnDemand, o)] {
            for (i, t) in tallies.iter().enumerate() {
                if opt == PurchaseOption::OnDemand && t.launches == 0 {
                    continue;
                }
                let pool = &market.pools()[i];
                pools.push(PoolReport {
                    instance_type: pool.instance_type.name.clone(),
                    availability_zone: pool.zone.to_string(),
                    zone_kind: pool.zone.kind(),
                    purchase_option: opt.as_str(),
                    cost_usd: t.cost.to_usd_f64(),
                    ondemand_baseline_usd: t.ondemand_baseline.to_usd_f64(),
                    instance_hours: hours(t.run_secs),
                    launches: t.launches,
                    interruptions: t.interruptions,
                    failed_launches: t.failed_launches,
                    price_driven_replacements: t.price_driven_replacements,
                    proactive_replacements: t.proactive_replacements,
                    rebalance_recommendations: t.rebalance_recommendations,
                });
            }
        }
        let mut assumptions = outcome.assumptions.clone();
        assumptions.extend(info.assumptions.iter().cloned());
        Report {
            schema_version: SCHEMA_VERSION,
            strategy: outcome.strategy.clone(),
            start: outcome.start,
            end: outcome.end,
            duration_hours: hours(outcome.end.since(outcome.start)),
            total_cost_usd: total.to_usd_f64(),
            total_cost_micro_usd: total.micro_usd() as i64,
            spot_cost_usd: spot_cost.to_usd_f64(),
            ondemand_cost_usd: od_cost.to_usd_f64(),
            ondemand_baseline_usd: baseline.to_usd_f64(),
            savings_pct: r6(savings),
            instance_hours: hours(spot_secs + od_secs),
            spot_instance_hours: hours(spot_secs),
            ondemand_instance_hours: hours(od_secs),
            launches: sum(s, |t| t.launches) + sum(o, |t| t.launches),
            interruptions,
            interruptions_per_1000_instance_hours: if spot_secs == 0 {
                0.0
            } else {
                r6(interruptions as f64 * 1000.0 / spot_hours)
            },
            mean_time_to_interruption_hours: (interruptions > 0)
                .then(|| r6(spot_hours / interruptions as f64)),
            mean_age_at_interruption_hours: (interruptions > 0)
                .then(|| r6(age as f64 / HOUR as f64 / interruptions as f64)),
            failed_launches: sum(s, |t| t.failed_launches),
            short_notices: sum(s, |t| t.short_notices),
            price_driven_replacements: sum(s, |t| t.price_driven_replacements),
            interruptions_by_cause: InterruptionCauses {
                capacity: sum(s, |t| t.capacity_interruptions),
                hazard: sum(s, |t| t.hazard_interruptions),
                max_price: sum(s, |t| t.max_price_interruptions),
            },
            rebalance_recommendations: sum(s, |t| t.rebalance_recommendations),
            proactive_replacements: sum(s, |t| t.proactive_replacements)
                + sum(o, |t| t.proactive_replacements),
            scale_ins: sum(s, |t| t.scale_ins) + sum(o, |t| t.scale_ins),
            unmet_capacity_unit_hours: r6(outcome.unmet_unit_secs as f64 / HOUR as f64),
            availability_pct: r6(availability),
            pools,
            provenance: Provenance {
                spotsim_version: env!("CARGO_PKG_VERSION"),
                inputs: market.sources().to_vec(),
                data: info.data_description.clone(),
                data_span: market.span().map(|(a, b)| [a, b]),
                span: [outcome.start, outcome.end],
                pools: market.pools().len(),
                change_points: market.change_points(),
                events: outcome.events,
                product: market.product().to_string(),
                catalog_region: info.catalog.as_ref().map(|c| c.0.clone()),
                catalog_source: info.catalog.as_ref().map(|c| c.1.clone()),
                seed: info.seed,
                launch_latency_secs: info.launch_latency_secs,
                strategy_config: info.strategy_config.clone(),
                target_unit: info
                    .target_unit
                    .clone()
                    .unwrap_or_else(|| "instances".to_string()),
                assumptions,
            },
        }
    }
}

/// How to render reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Table,
    /// JSON for machines.
    Json,
    /// CSV: a row per pool plus a total row.
    Csv,
}

impl Format {
    /// Parses `table`, `json` or `csv`.
    ///
    /// # Errors
    /// [`crate::error::ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Format, crate::error::ConfigError> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(crate::error::ConfigError::new(
                "output",
                format!("unknown format `{s}`; valid: table, json, csv"),
            )),
        }
    }
}

/// Renders one or more reports (several: a strategy comparison) in `format`.
///
/// JSON: one report is an object; several are an array. CSV: one header, then per
/// report its pool rows and a `total` row, with a `strategy` column.
pub fn render(reports: &[Report], format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = if reports.len() == 1 {
                serde_json::to_string_pretty(&reports[0])
            } else {
                serde_json::to_string_pretty(reports)
            }
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            s.push('\n');
            s
        }
        Format::Csv => render_csv(reports),
        Format::Table if reports.len() > 1 => render_comparison(reports),
        Format::Table => reports
            .iter()
            .map(render_table)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn render_csv(reports: &[Report]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "strategy",
        "row",
        "instance_type",
        "availability_zone",
        "purchase_option",
        "cost_usd",
        "ondemand_baseline_usd",
        "instance_hours",
        "launches",
        "interruptions",
        "failed_launches",
        "price_driven_replacements",
    ]);
    for r in reports {
        for p in &r.pools {
            let _ = w.write_record([
                r.strategy.as_str(),
                "pool",
                &p.instance_type,
                &p.availability_zone,
                p.purchase_option,
                &format!("{:.6}", p.cost_usd),
                &format!("{:.6}", p.ondemand_baseline_usd),
                &format!("{:.6}", p.instance_hours),
                &p.launches.to_string(),
                &p.interruptions.to_string(),
                &p.failed_launches.to_string(),
                &p.price_driven_replacements.to_string(),
            ]);
        }
        let _ = w.write_record([
            r.strategy.as_str(),
            "total",
            "",
            "",
            "",
            &format!("{:.6}", r.total_cost_usd),
            &format!("{:.6}", r.ondemand_baseline_usd),
            &format!("{:.6}", r.instance_hours),
            &r.launches.to_string(),
            &r.interruptions.to_string(),
            &r.failed_launches.to_string(),
            &r.price_driven_replacements.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Groups thousands: 12345.678 with 1 decimal → "12,345.7".
fn group(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (s.clone(), String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}{frac}", if x < 0.0 { "-" } else { "" })
}

fn usd(x: f64) -> String {
    format!("${}", group(x, 2))
}

/// Several strategies on the same inputs, side by side: a metric per row, a strategy
/// per column, then the shared provenance and each strategy's own assumptions.
fn render_comparison(reports: &[Report]) -> String {
    let mut s = String::new();
    let r0 = &reports[0];
    let p = &r0.provenance;
    let _ = writeln!(
        s,
        "spotsim {} — {} strategies on {} pools, {} → {} ({} h), same inputs and seed {}",
        p.spotsim_version,
        reports.len(),
        p.pools,
        r0.start,
        r0.end,
        group(r0.duration_hours, 1),
        p.seed
    );
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
    row(&mut s, "", &|r| r.strategy.clone());
    row(&mut s, "total cost", &|r| usd(r.total_cost_usd));
    row(&mut s, "on-demand baseline", &|r| {
        usd(r.ondemand_baseline_usd)
    });
    row(&mut s, "savings", &|r| format!("{:.1}%", r.savings_pct));
    row(&mut s, "instance-hours", &|r| group(r.instance_hours, 1));
    row(&mut s, "  of which on-demand", &|r| {
        group(r.ondemand_instance_hours, 1)
    });
    row(&mut s, "interruptions", &|r| r.interruptions.to_string());
    row(&mut s, "  per 1000 instance-hours", &|r| {
        format!("{:.2}", r.interruptions_per_1000_instance_hours)
    });
    row(&mut s, "  MTTI", &|r| {
        r.mean_time_to_interruption_hours
            .map_or("n/a".to_string(), |h| format!("{} h", group(h, 1)))
    });
    row(&mut s, "failed launches", &|r| {
        r.failed_launches.to_string()
    });
    row(&mut s, "price-driven moves", &|r| {
        r.price_driven_replacements.to_string()
    });
    row(&mut s, "rebalance recommendations", &|r| {
        r.rebalance_recommendations.to_string()
    });
    row(&mut s, "proactive replacements", &|r| {
        r.proactive_replacements.to_string()
    });
    row(&mut s, "unmet capacity (unit-hours)", &|r| {
        group(r.unmet_capacity_unit_hours, 1)
    });
    row(&mut s, "availability", &|r| {
        format!("{:.3}%", r.availability_pct)
    });
    row(&mut s, "pools used", &|r| {
        r.pools
            .iter()
            .filter(|p| p.launches > 0)
            .count()
            .to_string()
    });
    let _ = writeln!(s);
    footer(&mut s, p);
    let common: Vec<&String> = p
        .assumptions
        .iter()
        .filter(|a| reports.iter().all(|r| r.provenance.assumptions.contains(a)))
        .collect();
    let _ = writeln!(s, "  assumptions (all strategies):");
    for a in &common {
        let _ = writeln!(s, "    - {a}");
    }
    for r in reports {
        for a in r
            .provenance
            .assumptions
            .iter()
            .filter(|a| !common.contains(a))
        {
            let _ = writeln!(s, "    - [{}] {a}", r.strategy);
        }
    }
    s
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
                    i.rows,
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
        p.product, p.target_unit, p.seed, p.events
    );
}

fn render_table(r: &Report) -> String {
    let mut s = String::new();
    let p = &r.provenance;
    let _ = writeln!(
        s,
        "spotsim {} — {} on {} pools, {} → {} ({} h)",
        p.spotsim_version,
        r.strategy,
        p.pools,
        r.start,
        r.end,
        group(r.duration_hours, 1)
    );
    let _ = writeln!(
        s,
        "  total cost            {:>14}   on-demand baseline {}, savings {:.1}%",
        usd(r.total_cost_usd),
        usd(r.ondemand_baseline_usd),
        r.savings_pct
    );
    let _ = writeln!(
        s,
        "  instance-hours        {:>14}   spot {}, on-demand {}",
        group(r.instance_hours, 1),
        group(r.spot_instance_hours, 1),
        group(r.ondemand_instance_hours, 1)
    );
    let mtti = r
        .mean_time_to_interruption_hours
        .map_or("n/a".to_string(), |h| format!("{} h", group(h, 1)));
    let _ = writeln!(
        s,
        "  interruptions         {:>14}   {:.2} per 1000 instance-hours, MTTI {}",
        r.interruptions, r.interruptions_per_1000_instance_hours, mtti
    );
    let _ = writeln!(
        s,
        "  failed launches       {:>14}   short notices {}",
        r.failed_launches, r.short_notices
    );
    let _ = writeln!(
        s,
        "  price-driven moves    {:>14}",
        r.price_driven_replacements
    );
    if r.rebalance_recommendations > 0 || r.proactive_replacements > 0 {
        let _ = writeln!(
            s,
            "  rebalancing           {:>14}   recommendations; {} proactive replacements",
            r.rebalance_recommendations, r.proactive_replacements
        );
    }
    let _ = writeln!(
        s,
        "  unmet capacity        {:>14}   unit-hours; availability {:.3}%",
        group(r.unmet_capacity_unit_hours, 1),
        r.availability_pct
    );
    let used: Vec<&PoolReport> = r.pools.iter().filter(|p| p.launches > 0).collect();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  {:<16} {:<14} {:<9} {:>12} {:>12} {:>9} {:>9} {:>7}",
        "instance type", "zone", "option", "cost", "inst-hours", "launches", "interr.", "moves"
    );
    for p in &used {
        let _ = writeln!(
            s,
            "  {:<16} {:<14} {:<9} {:>12} {:>12} {:>9} {:>9} {:>7}",
            p.instance_type,
            p.availability_zone,
            p.purchase_option,
            usd(p.cost_usd),
            group(p.instance_hours, 1),
            p.launches,
            p.interruptions,
            p.price_driven_replacements
        );
    }
    let unused = r.pools.len() - used.len();
    if unused > 0 {
        let _ = writeln!(s, "  ({unused} pools never launched into)");
    }
    let _ = writeln!(s);
    footer(&mut s, p);
    let _ = writeln!(s, "  assumptions:");
    for a in &p.assumptions {
        let _ = writeln!(s, "    - {a}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group(1234567.891, 2), "1,234,567.89");
        assert_eq!(group(12.0, 1), "12.0");
        assert_eq!(group(-1234.0, 0), "-1,234");
        assert_eq!(usd(0.004), "$0.00");
    }
}
