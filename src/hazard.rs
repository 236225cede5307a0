//! Interruption hazard rates for pools without a capacity trace (DESIGN.md
//! "Interruptions", source 2): from the Spot Instance Advisor's band, or given by the
//! user as a monthly percentage.
//!
//! **From a band to a rate.** The advisor's band is the share of capacity reclaimed over
//! the trailing month (aws-facts.md §2.4). spotsim reads it as the probability `p` that
//! a running instance is interrupted within a month (730 hours), takes the band's
//! midpoint as `p` — `<5%` → 2.5 %, `5-10%` → 7.5 %, `10-15%` → 12.5 %, `15-20%` →
//! 17.5 %, `>20%` → 25 % (the feed's own upper bound for that band is 100 %, so 25 % is an
//! assumption) — and models time to interruption as exponential with rate
//! `λ = −ln(1 − p) / 730 h`, so that `P(interrupted within 730 h) = p` exactly. The table
//! is printed in every report that uses it. The feed is per region and type, not per
//! AZ: every AZ of a type gets the same rate. `Linux/UNIX`, RHEL and SUSE use the
//! `Linux` entry, `Windows` the `Windows` entry.

use crate::engine::HazardModel;
use crate::error::ConfigError;
use crate::ingest::AdvisorData;
use crate::market::Market;
use crate::sample::neg_ln_1m;

/// Hours in the month the advisor's band refers to (365 × 24 / 12).
pub const MONTH_HOURS: f64 = 730.0;

/// The monthly interruption probability, percent, spotsim reads for each band index.
pub const BAND_MONTHLY_PCT: [f64; 5] = [2.5, 7.5, 12.5, 17.5, 25.0];

/// The hazard rate (interruptions per instance-hour) for a monthly interruption
/// probability in percent.
///
/// ```
/// use spotsim::hazard::rate_per_hour;
/// let r = rate_per_hour(10.0);
/// // P(no interruption in 730 h) = e^(−730 r) = 0.9
/// assert!(((-730.0 * r).exp() - 0.9).abs() < 1e-12);
/// assert_eq!(rate_per_hour(0.0), 0.0);
/// ```
pub fn rate_per_hour(monthly_pct: f64) -> f64 {
    neg_ln_1m(monthly_pct / 100.0) / MONTH_HOURS
}

/// The advisor's OS key for a product description.
pub fn advisor_os(product: &str) -> &'static str {
    if product.starts_with("Windows") {
        "Windows"
    } else {
        "Linux"
    }
}

/// A hazard model from Spot Advisor data: each pool's rate is its type's band in
/// `region` (see the module docs for the mapping).
///
/// # Errors
/// [`ConfigError`] on option `advisor` when the region is absent (the message lists the
/// regions present) or a type of the market has no entry.
pub fn from_advisor(
    market: &Market,
    advisor: &AdvisorData,
    region: &str,
) -> Result<HazardModel, ConfigError> {
    let os = advisor_os(market.product());
    if !advisor.regions().contains(&region) {
        let regions = advisor.regions();
        return Err(ConfigError::new(
            "region",
            format!(
                "region `{region}` is not in {} ({} regions: {})",
                advisor.source.path,
                regions.len(),
                regions.join(", "),
            ),
        ));
    }
    let mut rates = Vec::with_capacity(market.pools().len());
    let mut used: Vec<(String, String)> = Vec::new();
    for p in market.pools() {
        let t = &p.instance_type.name;
        let e = advisor.get(region, os, t).ok_or_else(|| {
            ConfigError::new(
                "advisor",
                format!(
                    "`{t}` has no {os} entry for {region} in {}",
                    advisor.source.path
                ),
            )
        })?;
        let band = e.band as usize;
        let pct = BAND_MONTHLY_PCT.get(band).copied().unwrap_or(25.0);
        rates.push(rate_per_hour(pct));
        let label = advisor
            .bands
            .iter()
            .find(|b| b.index == e.band)
            .map_or_else(|| format!("band {band}"), |b| b.label.clone());
        if !used.iter().any(|(u, _)| u == t) {
            used.push((t.clone(), label));
        }
    }
    let mut description = vec![format!(
        "hazard model from the Spot Instance Advisor ({}, sha256 {}…, {region}, {os}): a band is read as the probability of an interruption within 730 h at its midpoint ({}), exponential times to interruption; same rate in every AZ of a type",
        advisor.source.path,
        &advisor.source.sha256[..12.min(advisor.source.sha256.len())],
        band_table()
    )];
    description.push(format!(
        "hazard bands: {}",
        used.iter()
            .map(|(t, l)| format!("{t} {l}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(HazardModel {
        rates_per_hour: rates,
        description,
    })
}

/// The same monthly interruption probability (percent) for every pool.
///
/// # Errors
/// [`ConfigError`] unless `0 ≤ monthly_pct < 100`.
///
/// ```
/// let m = spotsim::synth::default_market(1);
/// let h = spotsim::hazard::uniform(&m, 10.0).unwrap();
/// assert_eq!(h.rates_per_hour.len(), 12);
/// assert!(spotsim::hazard::uniform(&m, 100.0).is_err());
/// ```
pub fn uniform(market: &Market, monthly_pct: f64) -> Result<HazardModel, ConfigError> {
    if !(0.0..100.0).contains(&monthly_pct) {
        return Err(ConfigError::new(
            "interruption-rate",
            format!("{monthly_pct} % per month: expected at least 0 and below 100"),
        ));
    }
    let r = rate_per_hour(monthly_pct);
    Ok(HazardModel {
        rates_per_hour: vec![r; market.pools().len()],
        description: vec![format!(
            "hazard model: every pool interrupts a running instance within 730 h with probability {monthly_pct} % (exponential, {r:.3e} per instance-hour)"
        )],
    })
}

fn band_table() -> String {
    ["<5%", "5-10%", "10-15%", "15-20%", ">20%"]
        .iter()
        .zip(BAND_MONTHLY_PCT)
        .map(|(l, p)| format!("{l} → {p} %/month = {:.3e}/h", rate_per_hour(p)))
        .collect::<Vec<_>>()
        .join(", ")
}
