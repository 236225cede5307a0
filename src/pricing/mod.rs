//! Pricing models: how AWS turns an instance's life into a charge.
//!
//! [`billing`] holds the EC2 rules (aws-facts.md §3): per-second billing with a
//! 60-second minimum, hourly billing where it still applies, and the spot first-hour
//! rule when EC2 interrupts. [`fargate`] holds Fargate and Fargate Spot (§4: sizes,
//! rates, per-second billing, capacity-provider strategies, §6.5) and [`eks`] the EKS
//! control-plane fee (§6.1).

pub mod billing;
pub mod eks;
pub mod fargate;

pub use billing::{BillingRule, EndedBy, Granularity};
pub use eks::EksSupport;
pub use fargate::{FargateError, FargateRates, Platform, TaskSize};

use serde::Serialize;

/// [`Rate::for_seconds_per_1024`](crate::money::Rate::for_seconds_per_1024) counts in
/// 1024ths of a unit: this many make one whole unit (a GB of storage, a cluster).
pub(crate) const WHOLE_IN_1024THS: i64 = 1024;

/// Spot or on-demand.
///
/// ```
/// assert_eq!(spotsim::pricing::PurchaseOption::OnDemand.as_str(), "on-demand");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum PurchaseOption {
    /// A spot instance.
    Spot,
    /// An on-demand instance.
    OnDemand,
}

impl PurchaseOption {
    /// `spot` or `on-demand`.
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseOption::Spot => "spot",
            PurchaseOption::OnDemand => "on-demand",
        }
    }
}
