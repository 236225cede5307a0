//! A user-written allocation strategy: cheapest price per vCPU.
//!
//! `lowest-price` compares pools by price per instance, which favours small instance
//! types. When the fleet's target is really compute, the better question is the price
//! of a vCPU. This strategy implements `AllocationStrategy` in a few lines and runs on
//! the built-in default market beside the built-in strategies.
//!
//! Run it with `cargo run --release --example custom_strategy`.

use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::market::{MarketView, PoolId};
use spotsim::report::{Format, Report, RunInfo, render};
use spotsim::strategy::{AllocationStrategy, CapacityOptimized, FleetView, Launch, LowestPrice};

/// Launch into the pool with the lowest spot price per vCPU that has capacity; spill to
/// the next one when it runs out. Never moves running instances.
struct CheapestPerVcpu;

impl AllocationStrategy for CheapestPerVcpu {
    fn name(&self) -> &str {
        "cheapest-per-vcpu"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        _fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        // (nano-USD per vCPU-hour, pool) for every pool that can take an instance.
        let mut pools: Vec<(i64, PoolId)> = view
            .pool_ids()
            .filter(|&p| view.launchable(p))
            .filter_map(|p| {
                let price = view.price(p)?.nano_usd_per_hour();
                Some((price / i64::from(view.pool(p).instance_type.vcpu.max(1)), p))
            })
            .collect();
        pools.sort_unstable();
        let mut left = need;
        for (_, p) in pools {
            if left == 0 {
                break;
            }
            let take = view.spare(p).map_or(left, |s| s.min(left));
            out.push(Launch::spot(p, take));
            left -= take;
        }
    }

    fn assumptions(&self) -> Vec<String> {
        vec!["cheapest-per-vcpu: launches go to the lowest spot price per vCPU; price changes never end instances".into()]
    }
}

fn main() -> Result<(), spotsim::error::Error> {
    let market = spotsim::synth::default_market(1);
    let mut cfg = FleetConfig::new(Target::Constant(20));
    cfg.seed = 1;
    let info = RunInfo {
        seed: 1,
        launch_latency_secs: cfg.launch_latency_secs,
        ..RunInfo::default()
    };
    let runs = [
        Simulation::new(&market, cfg.clone(), CheapestPerVcpu).run()?,
        Simulation::new(&market, cfg.clone(), LowestPrice::default()).run()?,
        Simulation::new(&market, cfg, CapacityOptimized).run()?,
    ];
    let reports: Vec<Report> = runs
        .iter()
        .map(|o| Report::new(&market, o, info.clone()))
        .collect();
    for r in &reports {
        println!(
            "{:<20} cost ${:>9.2}  interruptions {:>3}  availability {:.3}%",
            r.strategy, r.total_cost_usd, r.interruptions, r.availability_pct
        );
    }
    // The full machine-readable reports are one call away:
    let _json = render(&reports, Format::Json);
    Ok(())
}
