//! Reports (placeholder).
use serde::Serialize;
use crate::engine::Outcome;
use crate::market::Market;

/// Run information.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {}

/// The report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Total cost.
    pub total_cost_usd: f64,
}

impl Report {
    /// Builds a report.
    pub fn new(market: &Market, outcome: &Outcome, info: RunInfo) -> Report {
        let _ = (market, info);
        Report { total_cost_usd: outcome.spot.iter().map(|t| t.cost).sum::<crate::money::Money>().to_usd_f64() }
    }
}
