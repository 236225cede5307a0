//! Fargate, Fargate Spot, capacity-provider strategies and the EKS control-plane fee:
//! hand-computed bills (aws-facts.md §4, §6.1, §6.5), every error path, the generated
//! size table against `../shared/data/pricing/fargate_task_sizes.csv` (skipped only
//! when the data folder is absent outside CI), and property tests.

use proptest::prelude::*;
use spotsim::error::ConfigError;
use spotsim::money::{Money, Rate};
use spotsim::pricing::eks::{
    EXTENDED_BILLING_FROM, EksSupport, control_plane_charge, control_plane_charge_per_started_hour,
    fee_rate,
};
use spotsim::pricing::fargate::{
    CapacityProviderStrategy, FargateBilling, FargateError, FargateRates, FargateSpot,
    Orchestrator, Platform, Provider, StrategyItem, TaskRequest, TaskSize,
    UNCONFIRMED_WINDOWS_MINIMUM_SECS, check_ephemeral_gib, requested_vs_billed_waste, round_up,
    task_charge, task_sizes, valid_sizes,
};
use spotsim::time::SimTime;

mod aws_defaults;
mod bills;
mod eks_fee;
mod errors;
mod fargate_spot;
mod props;
mod reference_data;
mod strategies;

const GB: u32 = 1024;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn rates(region: &str, p: Platform) -> FargateRates {
    FargateRates::lookup(region, p).unwrap()
}

fn size(cpu_units: u32, memory_mib: u32) -> TaskSize {
    TaskSize {
        cpu_units,
        memory_mib,
    }
}

fn at(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

/// An exact amount given as a decimal number of USD (up to 9 decimals).
fn money(s: &str) -> Money {
    Money::from_nano_usd(usd(s).nano_usd_per_hour())
}

fn err<T: std::fmt::Debug>(r: Result<T, FargateError>) -> FargateError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}
