//! The raw result of a simulation, before rendering (see `report`).

use serde::Serialize;

use crate::market::PoolId;
use crate::money::Money;
pub use crate::pricing::PurchaseOption;
use crate::time::SimTime;

/// Why an instance ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndReason {
    /// EC2 reclaimed it because the pool's capacity dropped (an interruption).
    Capacity,
    /// EC2 interrupted it under the hazard model (an interruption).
    Hazard,
    /// EC2 interrupted it because the spot price rose above the max price.
    MaxPrice,
    /// EC2 reclaimed a launch before it was running (a failed launch).
    LaunchFailed,
    /// The strategy moved it to a cheaper pool (voluntary).
    PriceReplacement,
    /// Capacity rebalancing replaced it after a rebalance recommendation (voluntary).
    Rebalance,
    /// The target went down (voluntary).
    ScaleIn,
    /// Still alive at the end of the horizon (voluntary, billed to the end).
    Horizon,
}

impl EndReason {
    /// True when EC2, not the user, ended the instance (§3.2's "who stops").
    pub fn by_aws(self) -> bool {
        matches!(
            self,
            EndReason::Capacity | EndReason::Hazard | EndReason::MaxPrice | EndReason::LaunchFailed
        )
    }
}

/// One instance's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceRecord {
    /// Its pool.
    pub pool: PoolId,
    /// Spot or on-demand.
    pub option: PurchaseOption,
    /// When it was requested.
    pub launched_at: SimTime,
    /// When it started running (`None`: it never ran).
    pub running_from: Option<SimTime>,
    /// When its interruption notice arrived, if any.
    pub noticed_at: Option<SimTime>,
    /// When a rebalance recommendation arrived, if any.
    pub rebalance_at: Option<SimTime>,
    /// When it ended.
    pub ended_at: SimTime,
    /// Why.
    pub reason: EndReason,
    /// What it was billed.
    pub charge: Money,
}

/// Totals for one pool and purchase option.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolTally {
    /// Billed cost.
    pub cost: Money,
    /// What the same instance lives would have cost on demand (same billing
    /// granularity, no first-hour refund).
    pub ondemand_baseline: Money,
    /// Seconds instances spent running.
    pub run_secs: i64,
    /// Launch requests.
    pub launches: u64,
    /// Running instances EC2 interrupted.
    pub interruptions: u64,
    /// Launches EC2 reclaimed before they ran.
    pub failed_launches: u64,
    /// Instances that got less than the full 2-minute notice.
    pub short_notices: u64,
    /// Instances ended by price-driven replacement.
    pub price_driven_replacements: u64,
    /// Interruptions caused by capacity drops.
    pub capacity_interruptions: u64,
    /// Interruptions sampled by the hazard model.
    pub hazard_interruptions: u64,
    /// Interruptions because the price rose above the max price.
    pub max_price_interruptions: u64,
    /// Rebalance recommendations received (true and false).
    pub rebalance_recommendations: u64,
    /// Instances ended proactively by capacity rebalancing.
    pub proactive_replacements: u64,
    /// Instances ended by scale-in.
    pub scale_ins: u64,
    /// Sum of the running ages of interrupted instances, seconds.
    pub interrupted_age_secs: i64,
}

/// Everything a simulation measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The strategy's name.
    pub strategy: String,
    /// First simulated instant.
    pub start: SimTime,
    /// End of the horizon.
    pub end: SimTime,
    /// Per pool: spot tallies (index = pool id).
    pub spot: Vec<PoolTally>,
    /// Per pool: on-demand tallies.
    pub ondemand: Vec<PoolTally>,
    /// ∫ max(0, target − running units) dt, in unit-seconds.
    pub unmet_unit_secs: i128,
    /// ∫ target dt, in unit-seconds.
    pub target_unit_secs: i128,
    /// Events the engine processed.
    pub events: u64,
    /// Every instance, when `FleetConfig::record_instances` was set.
    pub instances: Vec<InstanceRecord>,
    /// Model assumptions in force (strategy's and engine's).
    pub assumptions: Vec<String>,
}
