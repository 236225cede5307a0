//! Pricing models: how AWS turns an instance's life into a charge.
//!
//! [`billing`] holds the EC2 rules (aws-facts.md §3): per-second billing with a
//! 60-second minimum, hourly billing where it still applies, and the spot first-hour
//! rule when EC2 interrupts.

pub mod billing;

pub use billing::{BillingRule, EndedBy, Granularity};
