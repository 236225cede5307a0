//! The outcome of one deadline-job run.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::Money;

/// What one run of a deadline job cost and how it went (tick mode: [`run_job`]).
///
/// Durations are exact integer milliseconds; the serialized form (the JSON report the
/// CLI prints) uses hours and USD under the names `total_cost_usd, deadline_met,
/// compute_cost_usd, probe_cost_usd, egress_cost_usd, finish_hours, spot_hours,
/// ondemand_hours, idle_hours, preemptions, restarts, migrations, probes,
/// ondemand_only_cost_usd, savings_pct, unmet_work_hours`. `total_cost = compute_cost +
/// probe_cost + egress_cost`.
///
/// [`run_job`]: super::run_job
///
/// ```
/// use spotsim::job::{run_job, BuiltinPolicy, JobMarket, JobSpec, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// let trace = JobTrace::new(3600, vec![1; 4])?;
/// let opts = MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?);
/// let market = JobMarket::single(&trace, &opts)?;
/// let spec = JobSpec::from_hours(2.0, 4.0, 0.0)?;
/// let r = run_job(&market, &spec, 0, &mut BuiltinPolicy::OnDemand)?;
/// let json = serde_json::to_value(&r).unwrap();
/// assert_eq!(json["total_cost_usd"], 6.0);
/// assert_eq!(json["finish_hours"], 2.0);
/// assert_eq!(json["savings_pct"], 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    /// Σ price × billed time over every tick that ran (whole ticks).
    #[serde(rename = "total_cost_usd")]
    pub total_cost: Money,
    /// The instances' share of the cost: every tick at the price of what ran in it.
    #[serde(rename = "compute_cost_usd")]
    pub compute_cost: Money,
    /// Probes' share: 60 s of spot per successful probe (multi-region model).
    #[serde(rename = "probe_cost_usd")]
    pub probe_cost: Money,
    /// Egress of the checkpoint on migrations between regions (multi-region model).
    #[serde(rename = "egress_cost_usd")]
    pub egress_cost: Money,
    /// Whether the work was done by the deadline (exact finish instant ≤ deadline).
    pub deadline_met: bool,
    /// When the work was done, ms after the window start: the tick's start plus the
    /// overhead and work done in it. For a missed deadline, when the run stopped (the
    /// end of the last tick that starts before the deadline).
    #[serde(
        rename = "finish_hours",
        serialize_with = "ms_as_hours",
        deserialize_with = "hours_as_ms"
    )]
    pub finish_ms: i64,
    /// Time billed on spot (whole ticks), ms.
    #[serde(
        rename = "spot_hours",
        serialize_with = "ms_as_hours",
        deserialize_with = "hours_as_ms"
    )]
    pub spot_ms: i64,
    /// Time billed on on-demand (whole ticks), ms.
    #[serde(
        rename = "ondemand_hours",
        serialize_with = "ms_as_hours",
        deserialize_with = "hours_as_ms"
    )]
    pub ondemand_ms: i64,
    /// Ticks spent idle (NONE), ms.
    #[serde(
        rename = "idle_hours",
        serialize_with = "ms_as_hours",
        deserialize_with = "hours_as_ms"
    )]
    pub idle_ms: i64,
    /// Spot instances preempted at a tick boundary.
    pub preemptions: u32,
    /// Times the restart overhead was (re-)armed, the first launch included.
    pub restarts: u32,
    /// Restarts in a different zone from the previous instance's.
    pub migrations: u32,
    /// Probes that found spot available (and were billed).
    pub probes: u32,
    /// The on-demand baseline. `run_job` and `run_job_event` fill the closed form
    /// `(W + d) ×` the lowest on-demand price of the market (deadline-jobs.md "on-demand
    /// only": W × on-demand price + one overhead); `spotsim job` (`JobScenario::run`)
    /// replaces it with the on-demand policy's own cost for the same job, start and mode
    /// ([`OnDemandOnly::baseline_tick`](crate::job::OnDemandOnly::baseline_tick),
    /// [`OnDemandOnly::baseline_event`](crate::job::OnDemandOnly::baseline_event)), and
    /// `savings_pct` with the savings against it (see `job::report`).
    #[serde(rename = "ondemand_only_cost_usd")]
    pub ondemand_only_cost: Money,
    /// `100 × (1 − total_cost / ondemand_only_cost)`.
    pub savings_pct: f64,
    /// The window's first tick in the full trace.
    #[serde(skip)]
    pub start_tick: usize,
    /// Ticks simulated.
    #[serde(skip)]
    pub ticks: usize,
    /// Work left undone, ms (0 when the job finished, or at most 1 ms: the stop rule);
    /// `unmet_work_hours` in the JSON.
    #[serde(
        rename = "unmet_work_hours",
        serialize_with = "ms_as_hours",
        deserialize_with = "hours_as_ms"
    )]
    pub remaining_work_ms: i64,
    /// SPOT requests the engine turned into NONE because spot was unavailable in the
    /// requested zone (built-in policies never make them).
    #[serde(skip)]
    pub infeasible_spot_requests: u32,
}

fn ms_as_hours<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(*ms as f64 / 3_600_000.0)
}

/// Reads back hours as written by [`ms_as_hours`]: the nearest millisecond.
fn hours_as_ms<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let h = f64::deserialize(d)?;
    if !h.is_finite() || h.abs() > 1e9 {
        return Err(serde::de::Error::custom(format!(
            "{h}: not a number of hours"
        )));
    }
    Ok((h * 3_600_000.0).round() as i64)
}

impl JobResult {
    /// Finish time in hours.
    pub fn finish_hours(&self) -> f64 {
        self.finish_ms as f64 / 3_600_000.0
    }
}
