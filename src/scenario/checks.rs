//! What a prepared scenario checks about its own inputs, and the warnings it raises
//! (issue 8, "a warning wherever an assumption is silent"); `compare` and `types` use
//! the same checks.
//!
//! * `ondemand_os_mismatch`: the catalog has no on-demand price for the product's
//!   operating system for some type of the market. The run then has **no** on-demand
//!   prices: baseline, savings and the default max price are n/a (never computed with
//!   another OS's prices), and options that need them are errors.
//! * `ondemand_region_mismatch`: a zone of the market is in another Region than the
//!   catalog's (zone names and AZ IDs are mapped to Regions with
//!   [`crate::catalog::region_of`]; zones of unknown Region are not compared), or
//!   `--catalog-region` names a Region the built-in catalog does not price.
//! * `trace_extrapolated`: the horizon ends after the last timestamp of the input files
//!   (every row of every price and capacity file, whatever pool it is for) or starts
//!   before the first, by more than **min(1 % of the horizon, 24 h)**. A pool whose
//!   price did not change for a while is not extrapolation: each pool's last price
//!   change is in the report's pool rows instead.
//! * `no_interruption_model`: a spot pool nothing can interrupt. A pool can be
//!   interrupted when it has a capacity trace, a hazard rate above 0, or a possible
//!   max-price breach: **within the horizon, a price above the pool's max price
//!   follows a price at or below it** (the engine launches at or below the cap and
//!   interrupts when the price rises above it; a pool above its cap from the start is
//!   never launched into, so it cannot be interrupted either). The max price is the one
//!   in force (AWS's default: the on-demand price; none under `--max-price none` or
//!   without on-demand prices). Raised for strategies that buy spot capacity.
//! * `low_availability`: a strategy (or a `compare` option) delivered under 99 % of the
//!   target's unit-hours (task-hours).

use std::fmt::Write as _;

use crate::catalog::{Catalog, OperatingSystem, region_of};
use crate::engine::FleetConfig;
use crate::error::ConfigError;
use crate::ingest::{CapacityHistory, PriceHistory};
use crate::market::{Market, Pool, PoolId, Zone};
use crate::money::Rate;
use crate::report::{Warning, codes};
use crate::time::{DAY, HOUR, SimTime};

/// The price and capacity files of a run, as read.
pub(crate) struct Traces {
    /// Price files (the per-probe prices last).
    pub prices: Vec<PriceHistory>,
    /// Capacity files.
    pub capacity: Vec<CapacityHistory>,
}

/// The first and last timestamp of one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileSpan {
    pub path: String,
    pub first: SimTime,
    pub last: SimTime,
}

impl Traces {
    /// Each file's span (files without rows left out).
    pub fn file_spans(&self) -> Vec<FileSpan> {
        let span = |path: &str, times: &mut dyn Iterator<Item = SimTime>| {
            let (mut lo, mut hi) = (None::<SimTime>, None::<SimTime>);
            for t in times {
                lo = Some(lo.map_or(t, |l| l.min(t)));
                hi = Some(hi.map_or(t, |h| h.max(t)));
            }
            Some(FileSpan {
                path: path.to_string(),
                first: lo?,
                last: hi?,
            })
        };
        let prices = self
            .prices
            .iter()
            .filter_map(|h| span(&h.source.path, &mut h.rows.iter().map(|r| r.time)));
        let capacity = self
            .capacity
            .iter()
            .filter_map(|h| span(&h.source.path, &mut h.rows.iter().map(|r| r.time)));
        prices.chain(capacity).collect()
    }
}

/// How a run's on-demand prices relate to its product's operating system.
#[derive(Clone, Debug)]
pub(crate) struct OndemandPricing {
    /// The catalog the market's pools are priced from.
    pub catalog: std::borrow::Cow<'static, Catalog>,
    /// Whose on-demand prices the pools carry ([`FleetConfig::ondemand_os`]).
    pub os: OperatingSystem,
    /// The market's types without a price for the product's OS (empty: all priced).
    pub missing: Vec<String>,
}

/// The market's instance types, in pool order, each once.
pub(crate) fn market_types(market: &Market) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in market.pools() {
        if !v.contains(&p.instance_type.name) {
            v.push(p.instance_type.name.clone());
        }
    }
    v
}

/// `market` with each pool's instance type (and so its on-demand price) taken from
/// `catalog`.
///
/// # Errors
/// [`ConfigError`] (option `instance-types`) for a type the catalog does not price.
pub(crate) fn reprice(market: &Market, catalog: &Catalog) -> Result<Market, ConfigError> {
    let mut pools = Vec::with_capacity(market.pools().len());
    let mut prices = Vec::with_capacity(market.pools().len());
    let mut caps = Vec::with_capacity(market.pools().len());
    for (i, p) in market.pools().iter().enumerate() {
        let it = catalog.get(&p.instance_type.name).ok_or_else(|| {
            ConfigError::new(
                "catalog",
                format!(
                    "`{}` (a type of the built-in default market) is not in the catalog ({})",
                    p.instance_type.name,
                    catalog.source()
                ),
            )
        })?;
        let id = PoolId(i as u32);
        pools.push(Pool {
            instance_type: it.clone(),
            zone: p.zone.clone(),
            weight: p.weight,
        });
        prices.push(market.price_trace(id).clone());
        caps.push(market.capacity_trace(id).cloned());
    }
    Ok(Market::new(pools, prices, caps, market.product()).with_sources(market.sources().to_vec()))
}

/// At most `n` items, then "and K more".
fn list(items: &[String], n: usize) -> String {
    if items.len() <= n {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..n].join(", "), items.len() - n)
    }
}

/// `ondemand_os_mismatch`: the catalog lacks the product's OS prices for some types.
pub(crate) fn os_mismatch(
    product_os: &OperatingSystem,
    pricing: &OndemandPricing,
    catalog: &Catalog,
) -> Warning {
    Warning::new(
        codes::ONDEMAND_OS_MISMATCH,
        format!(
            "no {product_os} on-demand price in the catalog ({}, {}) for {}: the on-demand baseline, savings and the default max price (AWS caps spot at the {product_os} on-demand price) are n/a, and spot prices are not capped; give --ondemand-price TYPE=USD for each type, or a --catalog with {product_os} prices (aws pricing get-products JSON and the offer file keep every OS)",
            catalog.region(),
            catalog.source(),
            list(&pricing.missing, 6)
        ),
    )
}

fn how_to_get(region: &str) -> String {
    format!(
        "give --catalog FILE with {region}'s prices: the JSON of `aws pricing get-products --service-code AmazonEC2 --region us-east-1 --filters Type=TERM_MATCH,Field=regionCode,Value={region}`, or the Price List offer file index.csv of {region}"
    )
}

/// `ondemand_region_mismatch` for `--catalog-region R` with the built-in catalog.
pub(crate) fn region_not_served(region: &str, catalog: &Catalog) -> Warning {
    Warning::new(
        codes::ONDEMAND_REGION_MISMATCH,
        format!(
            "--catalog-region {region}: the built-in catalog holds {}'s on-demand prices only, and those are the ones used; {}",
            catalog.region(),
            how_to_get(region)
        ),
    )
}

/// `ondemand_region_mismatch` when some zone of `market` is in another Region than the
/// catalog's.
pub(crate) fn region_mismatch(market: &Market, catalog: &Catalog) -> Option<Warning> {
    let mut zones: Vec<String> = Vec::new();
    let mut regions: Vec<String> = Vec::new();
    for p in market.pools() {
        let Some(r) = region_of(&p.zone) else {
            continue;
        };
        if r != catalog.region() {
            let z = p.zone.to_string();
            if !zones.contains(&z) {
                zones.push(z);
            }
            if !regions.contains(&r) {
                regions.push(r);
            }
        }
    }
    if zones.is_empty() {
        return None;
    }
    Some(Warning::new(
        codes::ONDEMAND_REGION_MISMATCH,
        format!(
            "the on-demand prices are {}'s ({}) but {} {} in {}: the on-demand baseline, savings and the default max price (AWS caps spot at the on-demand price of the instance's own Region) use {} prices; {}",
            catalog.region(),
            catalog.source(),
            list(&zones, 6),
            if zones.len() == 1 { "is" } else { "are" },
            regions.join(", "),
            catalog.region(),
            how_to_get(&regions[0])
        ),
    ))
}

/// The one Region every zone of `market` is in, if there is one.
pub(crate) fn market_region(market: &Market) -> Option<String> {
    zones_region(market.pools().iter().map(|p| &p.zone))
}

/// The one Region all `zones` are in, if there is one.
pub(crate) fn zones_region<'a>(zones: impl IntoIterator<Item = &'a Zone>) -> Option<String> {
    let mut region: Option<String> = None;
    for z in zones {
        let r = region_of(z)?;
        match &region {
            None => region = Some(r),
            Some(x) if *x != r => return None,
            _ => {}
        }
    }
    region
}

/// The horizon the engine will simulate: the given start and end, else the span every
/// pool's traces cover (the engine's rule, [`FleetConfig::start`]).
///
/// # Errors
/// [`ConfigError`] when the traces hold no change points and no start or end is given.
pub(crate) fn horizon(
    market: &Market,
    cfg: &FleetConfig,
) -> Result<(SimTime, SimTime), ConfigError> {
    let span = market.covered_span();
    let start = cfg.start.or(span.map(|s| s.0)).ok_or_else(|| {
        ConfigError::new(
            "start",
            "the traces hold no change points; give a start and an end",
        )
    })?;
    let end = cfg
        .end
        .or(span.map(|s| s.1))
        .ok_or_else(|| ConfigError::new("end", "the traces hold no change points"))?;
    Ok((start, end))
}

fn span_hours(secs: i64) -> String {
    format!("{:.1} h", secs as f64 / HOUR as f64)
}

/// `trace_extrapolated`: the horizon runs past the input files' last timestamp, or
/// starts before their first, by more than min(1 % of the horizon, 24 h).
pub(crate) fn trace_extrapolated(
    spans: &[FileSpan],
    (start, end): (SimTime, SimTime),
) -> Option<Warning> {
    let first = spans.iter().map(|s| s.first).min()?;
    let last = spans.iter().map(|s| s.last).max()?;
    let length = end.since(start);
    let tolerance = (length / 100).min(DAY);
    let after = end.since(last);
    let before = first.since(start);
    if after <= tolerance && before <= tolerance {
        return None;
    }
    let mut what = Vec::new();
    if after > tolerance {
        what.push(format!(
            "runs {} past their last timestamp ({last})",
            span_hours(after)
        ));
    }
    if before > tolerance {
        what.push(format!(
            "starts {} before their first ({first})",
            span_hours(before)
        ));
    }
    let mut files = String::new();
    for (i, s) in spans.iter().enumerate() {
        let _ = write!(
            files,
            "{}{} {} → {}",
            if i > 0 { "; " } else { "" },
            s.path,
            s.first,
            s.last
        );
    }
    Some(Warning::new(
        codes::TRACE_EXTRAPOLATED,
        format!(
            "the horizon {start} → {end} ({}) {} of the input files ({files}): outside the data every price and capacity is held at its value at the edge, which nothing in the files supports",
            span_hours(length),
            what.join(" and ")
        ),
    ))
}

/// Which spot pools something can interrupt (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interruptible {
    /// Per pool: a capacity trace, a hazard or a possible max-price breach.
    pools: Vec<bool>,
    /// Whether the spot prices are capped at all.
    capped: bool,
}

impl Interruptible {
    /// # Errors
    /// As [`FleetConfig::resolve_max_prices`].
    pub fn new(
        market: &Market,
        cfg: &FleetConfig,
        (start, end): (SimTime, SimTime),
    ) -> Result<Interruptible, ConfigError> {
        let caps = cfg.resolve_max_prices(market)?.per_pool;
        let hazard = |i: usize| {
            cfg.hazard
                .as_ref()
                .and_then(|h| h.rates_per_hour.get(i))
                .is_some_and(|r| *r > 0.0)
        };
        let pools = (0..market.pools().len())
            .map(|i| {
                let id = PoolId(i as u32);
                market.capacity_trace(id).is_some()
                    || hazard(i)
                    || caps[i].is_some_and(|cap| breach_possible(market, id, cap, start, end))
            })
            .collect();
        Ok(Interruptible {
            pools,
            capped: caps.iter().any(Option::is_some),
        })
    }

    /// `no_interruption_model` when some pool is not interruptible.
    pub fn warning(&self, market: &Market) -> Option<Warning> {
        let safe: Vec<String> = market
            .pools()
            .iter()
            .zip(&self.pools)
            .filter(|(_, i)| !**i)
            .map(|(p, _)| format!("{} {}", p.instance_type.name, p.zone))
            .collect();
        if safe.is_empty() {
            return None;
        }
        let n = market.pools().len();
        Some(Warning::new(
            codes::NO_INTERRUPTION_MODEL,
            format!(
                "nothing can interrupt spot instances in {} of {n} pools ({}): no capacity trace, no hazard model, and {}; their interruptions are 0 by construction, not a measurement — give --capacity, --advisor or --interruption-rate",
                safe.len(),
                list(&safe, 6),
                if self.capped {
                    "no price above the max price within the horizon"
                } else {
                    "no max price caps the spot price"
                }
            ),
        ))
    }
}

/// Whether, within `[start, end)`, the price of `pool` rises above `cap` after being at
/// or below it.
fn breach_possible(market: &Market, pool: PoolId, cap: Rate, start: SimTime, end: SimTime) -> bool {
    let steps = market.price_trace(pool).steps();
    let from = steps.index_at(start);
    let mut seen_launchable = false;
    let in_force = from.map(|i| steps.values()[i]);
    let later = steps
        .times()
        .iter()
        .zip(steps.values())
        .skip(from.map_or(0, |i| i + 1))
        .take_while(|(t, _)| **t < end.secs())
        .map(|(_, v)| *v);
    for p in in_force.into_iter().chain(later) {
        if p <= cap {
            seen_launchable = true;
        } else if seen_launchable {
            return true;
        }
    }
    false
}

/// `low_availability` when `name` delivered under 99 % of its target: `availability`
/// (a fraction), `delivered` and `target` in `unit`.
pub(crate) fn low_availability(
    name: &str,
    availability: f64,
    delivered: f64,
    target: f64,
    unit: &str,
) -> Option<Warning> {
    (availability < 0.99).then(|| {
        Warning::new(
            codes::LOW_AVAILABILITY,
            format!(
                "{name} delivered {:.1} % of the {unit} asked for ({:.1} of {:.1}): its cost and savings are for that much capacity; read them beside the cost per delivered unit",
                100.0 * availability,
                delivered,
                target
            ),
        )
    })
}
