//! Reports: the serde [`Report`] built from an engine [`Outcome`], and its renderers —
//! [`table`] (aligned text for people), [`json`] (with `schema_version`), [`csv`] (a row
//! per pool and a total row), [`markdown`] (for a pull-request comment) and [`html`]
//! (one self-contained page with charts). Human
//! formatting (thousands separators, USD, hours, percentages) lives in one place,
//! `report::human`, shared with the `compare`, `job` and `types` renderers.
//!
//! Reports are `Deserialize` too: a saved JSON report reads back into the same types.
//!
//! Money is summed exactly in [`Money`] and only rounded (to the micro-dollar, half away
//! from zero) when a report field is filled, so the JSON is byte-identical for the same
//! inputs and seed. No wall-clock time appears anywhere in a report.
//!
//! Definitions of the derived fields (every report's assumptions repeat the first two):
//! * `ondemand_baseline_usd`: **what the same target would have cost on on-demand over
//!   the same horizon** — the cost of the `on-demand` strategy on the same inputs,
//!   target, fleet settings and horizon (all units, all the time, in the cheapest
//!   on-demand type per capacity unit among the allowed pools, balanced over zones, with
//!   the same launch latency and billing), simulated by
//!   [`crate::engine::ondemand_baseline`]. It is the same for every strategy of a run,
//!   so the cheaper strategy always shows the larger savings. `null` (tables: `n/a`)
//!   when the run has no on-demand prices for the product's operating system (warning
//!   `ondemand_os_mismatch`): never a figure computed with another OS's prices.
//! * `savings_pct` = 100 × (baseline − total) / baseline; `null` without a baseline.
//!   The `on-demand` strategy saves exactly 0. Savings say nothing about how much
//!   capacity was delivered: read them beside `availability_pct` and
//!   `cost_per_delivered_unit_hour_usd` (a run that delivers half its target costs
//!   less than the baseline for that reason alone).
//! * `delivered_unit_hours` = ∫ min(target, running units) dt (units beyond the target
//!   count for nothing); `cost_per_delivered_unit_hour_usd` = total cost ÷
//!   `delivered_unit_hours` (`null` when nothing was delivered).
//! * `unmet_capacity_unit_hours` = ∫ max(0, target − running units) dt;
//!   `availability_pct` = 100 × (1 − unmet / ∫ target dt) = 100 × delivered / ∫ target dt.
//! * Per pool, `same_hours_at_ondemand_usd`: that pool's running instance-hours priced
//!   at its type's on-demand price, under on-demand billing (same granularity and 60 s
//!   minimum, no first-hour refund) — the price of the hours that ran, **not** the
//!   baseline (it shrinks when spot delivers less); `null` without on-demand prices for
//!   the product's OS. `last_price_change`: the last change of the pool's spot price at
//!   or before the horizon's end (a pool whose price held for a long time shows it
//!   here; that is not extrapolation, see `trace_extrapolated`).
//! * `interruptions`: running spot instances EC2 ended (launches reclaimed before they
//!   ran are `failed_launches`); voluntary ends (price-driven replacements, scale-in,
//!   end of horizon) are never interruptions.
//! * `mean_time_to_interruption_hours` = spot instance-hours / interruptions (fleet
//!   MTTI; `null` without interruptions). `mean_age_at_interruption_hours`: mean running
//!   age of the interrupted instances.
//!
//! Warnings ([`warning`], codes in [`codes`]) say what the numbers alone do not: see
//! `scenario::checks` for when each of `run`'s is raised.

pub mod csv;
pub mod gate;
pub mod html;
pub(crate) mod human;
pub mod json;
pub mod markdown;
pub mod table;
pub mod warning;

pub use warning::{Warning, WarningCode, codes};

use serde::{Deserialize, Serialize};

use crate::engine::{Outcome, PoolTally, PurchaseOption};
use crate::market::{Market, SourceFile};
use crate::money::Money;
use crate::time::{HOUR, SimTime};

/// Version of the JSON layout of every command's report (`run`, `compare`, `job`), one
/// number for all of them. Bumped on any incompatible change; `CHANGELOG.md` says what
/// changed, `docs/schema/` holds a JSON Schema per command.
///
/// * 2: every command has one shape whatever the number of strategies, options or
///   policies — `run` is `{"schema_version", "reports": [...]}`, `job` lists
///   `policies: [...]`; every report has `warnings`.
/// * 1: the first layout (`run` printed an object for one strategy, an array for
///   several).
pub const SCHEMA_VERSION: u32 = 2;

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
    /// Warnings found while preparing the run (every strategy's report carries them).
    pub warnings: Vec<Warning>,
    /// The on-demand baseline of the run ([`crate::engine::ondemand_baseline_cost`]);
    /// `None`: unknown, and the report's baseline and savings are `null`.
    pub ondemand_baseline: Option<Money>,
    /// The pools' on-demand prices are not for the product's operating system
    /// ([`crate::engine::FleetConfig::ondemand_os`]): per-pool `same_hours_at_ondemand_usd`
    /// is `null`.
    pub ondemand_prices_unknown: bool,
}

/// One pool's line in a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolReport {
    /// Instance type.
    pub instance_type: String,
    /// AZ name or ID.
    pub availability_zone: String,
    /// `name` or `id`: whether `availability_zone` is an AZ name or an AZ ID.
    pub zone_kind: String,
    /// `spot` or `on-demand`.
    pub purchase_option: String,
    /// Billed cost.
    pub cost_usd: f64,
    /// This pool's running instance-hours at its type's on-demand price (not the
    /// baseline: see the module docs); `null` without on-demand prices for the product's
    /// operating system.
    pub same_hours_at_ondemand_usd: Option<f64>,
    /// The last change of the pool's spot price at or before the horizon's end; `null`
    /// when it has none.
    pub last_price_change: Option<SimTime>,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// spotsim's version.
    pub spotsim_version: String,
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterruptionCauses {
    /// A capacity trace dropped below what the fleet held.
    pub capacity: u64,
    /// The hazard model.
    pub hazard: u64,
    /// The spot price rose above the max price.
    pub max_price: u64,
}

/// What `spotsim run` writes: one [`Report`] per strategy, in the order given, under
/// the layout version (the JSON is `{"schema_version": 2, "reports": [...]}` for one
/// strategy as for several).
///
/// ```
/// use spotsim::report::{Format, RunReports, SCHEMA_VERSION};
/// let doc = RunReports::new(spotsim::scenario::Scenario::default().run()?);
/// let v: serde_json::Value = serde_json::from_str(&doc.render(Format::Json)).unwrap();
/// assert_eq!(v["schema_version"], SCHEMA_VERSION);
/// assert_eq!(v["reports"][0]["strategy"], "lowest-price");
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReports {
    /// JSON layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// One report per strategy.
    pub reports: Vec<Report>,
}

impl RunReports {
    /// The document of `reports` at the current layout version.
    pub fn new(reports: Vec<Report>) -> RunReports {
        RunReports {
            schema_version: SCHEMA_VERSION,
            reports,
        }
    }

    /// Renders the reports (see [`render`]).
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json::pretty(self),
            f => render(&self.reports, f),
        }
    }
}

/// The result of one simulation (one strategy), ready to render.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
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
    /// What the same target would have cost on on-demand over the same horizon: the
    /// `on-demand` strategy's cost on the same inputs (module docs); `null` without
    /// on-demand prices for the product's operating system.
    pub ondemand_baseline_usd: Option<f64>,
    /// Savings against the baseline, percent; `null` without a baseline.
    pub savings_pct: Option<f64>,
    /// Capacity delivered toward the target: ∫ min(target, running units) dt.
    pub delivered_unit_hours: f64,
    /// Total cost per delivered unit-hour; `null` when nothing was delivered.
    pub cost_per_delivered_unit_hour_usd: Option<f64>,
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
    /// What the user should know that the numbers do not say (see [`warning`]).
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Where the numbers came from.
    pub provenance: Provenance,
    /// Alarms and the service map, when telemetry was asked for
    /// ([`crate::telemetry`]); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub telemetry: Option<crate::telemetry::TelemetryReport>,
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
        let spot_secs: i64 = s.iter().map(|t| t.run_secs).sum();
        let od_secs: i64 = o.iter().map(|t| t.run_secs).sum();
        let interruptions = sum(s, |t| t.interruptions);
        let age: i64 = s.iter().map(|t| t.interrupted_age_secs).sum();
        let spot_hours = spot_secs as f64 / HOUR as f64;
        let baseline = info.ondemand_baseline;
        let savings = crate::engine::savings_pct(total, baseline);
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
                let steps = market.price_trace(crate::market::PoolId(i as u32)).steps();
                let last_change = steps
                    .index_at(outcome.end)
                    .map(|k| SimTime(steps.times()[k]));
                pools.push(PoolReport {
                    instance_type: pool.instance_type.name.clone(),
                    availability_zone: pool.zone.to_string(),
                    zone_kind: pool.zone.kind().to_string(),
                    purchase_option: opt.as_str().to_string(),
                    cost_usd: t.cost.to_usd_f64(),
                    same_hours_at_ondemand_usd: (!info.ondemand_prices_unknown)
                        .then(|| t.ondemand_baseline.to_usd_f64()),
                    last_price_change: last_change,
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
        // What a user reads cites the AWS rules, never a file outside the crate.
        let assumptions: Vec<String> = outcome
            .assumptions
            .iter()
            .chain(&info.assumptions)
            .map(|a| crate::rules::localize(a))
            .collect();
        Report {
            strategy: outcome.strategy.clone(),
            start: outcome.start,
            end: outcome.end,
            duration_hours: hours(outcome.end.since(outcome.start)),
            total_cost_usd: total.to_usd_f64(),
            total_cost_micro_usd: total.micro_usd() as i64,
            spot_cost_usd: spot_cost.to_usd_f64(),
            ondemand_cost_usd: od_cost.to_usd_f64(),
            ondemand_baseline_usd: baseline.map(Money::to_usd_f64),
            savings_pct: savings.map(r6),
            delivered_unit_hours: r6(outcome.delivered_unit_hours()),
            cost_per_delivered_unit_hour_usd: outcome.cost_per_delivered_unit_hour().map(r6),
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
            warnings: info.warnings.clone(),
            provenance: Provenance {
                spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
                inputs: market.sources().to_vec(),
                data: info.data_description.clone(),
                data_span: market.span().map(|(a, b)| [a, b]),
                span: [outcome.start, outcome.end],
                pools: market.pools().len(),
                change_points: market.change_points(),
                events: outcome.events,
                product: market.product().to_string(),
                catalog_region: info.catalog.as_ref().map(|c| c.0.clone()),
                catalog_source: info.catalog.as_ref().map(|c| crate::rules::localize(&c.1)),
                seed: info.seed,
                launch_latency_secs: info.launch_latency_secs,
                strategy_config: info.strategy_config.clone(),
                target_unit: info
                    .target_unit
                    .clone()
                    .unwrap_or_else(|| "instances".to_string()),
                assumptions,
            },
            telemetry: None,
        }
    }
}

/// How to render a report (every command takes the same four).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Table,
    /// JSON for machines, with `schema_version`.
    Json,
    /// CSV: one row per item (pool, option, window) plus total rows where they apply.
    Csv,
    /// A Markdown table, e.g. for a pull-request comment.
    Markdown,
    /// One self-contained HTML page with charts (inline CSS and SVG, nothing fetched).
    Html,
}

impl Format {
    /// Every format's name, as `--output` takes it.
    pub const NAMES: &'static [&'static str] = &["table", "json", "csv", "markdown", "html"];

    /// Parses `table`, `json`, `csv`, `markdown` (also `md`) or `html`.
    ///
    /// ```
    /// use spotsim::report::Format;
    /// assert_eq!(Format::parse("md").unwrap(), Format::Markdown);
    /// assert_eq!(Format::parse("html").unwrap(), Format::Html);
    /// assert!(Format::parse("xml").unwrap_err().to_string().contains("table, json, csv, markdown, html"));
    /// ```
    ///
    /// # Errors
    /// [`crate::error::ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Format, crate::error::ConfigError> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(crate::error::ConfigError::new(
                "output",
                format!(
                    "unknown format `{s}`{}; valid: {}",
                    crate::suggest::hint(s, Self::NAMES.iter().copied()),
                    Self::NAMES.join(", ")
                ),
            )),
        }
    }

    /// The name `--output` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Format::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(feature = "cli")]
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Table,
            Format::Json,
            Format::Csv,
            Format::Markdown,
            Format::Html,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let v = clap::builder::PossibleValue::new(self.name());
        Some(if *self == Format::Markdown {
            v.alias("md")
        } else {
            v
        })
    }
}

/// Renders one or more reports (several: a strategy comparison) in `format`.
///
/// JSON: `{"schema_version", "reports": [...]}` ([`RunReports`]) whatever the number of
/// reports. CSV: one header, then per report its pool rows and a `total` row, with a
/// `strategy` column. Markdown: a metric per row, a strategy per column. HTML: the
/// page of [`html::RunPage`] without the market (the CLI adds it).
pub fn render(reports: &[Report], format: Format) -> String {
    match format {
        Format::Html => html::RunPage::new(reports).render(),
        Format::Json => json::pretty(&RunReports {
            schema_version: SCHEMA_VERSION,
            reports: reports.to_vec(),
        }),
        Format::Csv => csv::render(reports),
        Format::Markdown => markdown::render(reports),
        Format::Table if reports.len() > 1 => table::comparison(reports),
        Format::Table => reports
            .iter()
            .map(table::single)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_their_names() {
        for n in Format::NAMES {
            assert_eq!(Format::parse(n).unwrap().name(), *n);
        }
    }
}
