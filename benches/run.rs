//! Whole-scenario runtime: a synthetic year of 500 pools (50 types × 10 zones, price
//! and capacity traces calibrated as in `synth`) and a 100-instance fleet, through
//! `Simulation::run`, for the two core strategies. Target: under 1 s per scenario.
//!
//! Also the built-in default scenario (12 pools, 30 days), end to end through the
//! scenario layer, as `cargo run --release` runs it.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::scenario::Scenario;
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::synth::{SynthParams, synthetic_market};

fn bench(c: &mut Criterion) {
    let params = SynthParams {
        types: 50,
        zones: 10,
        days: 365,
        ..SynthParams::default()
    };
    let market = synthetic_market(&params, 1);
    let mut cfg = FleetConfig::new(Target::Constant(100));
    cfg.seed = 1;
    let events = Simulation::new(&market, cfg.clone(), LowestPrice::default())
        .run()
        .map(|o| o.events)
        .unwrap_or(0);
    println!(
        "year x 500 pools: {} change points, {} engine events (lowest-price)",
        market.change_points(),
        events
    );
    let mut g = c.benchmark_group("run");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(1));
    g.bench_function("year_500_pools_100_instances/lowest-price", |b| {
        b.iter(|| {
            black_box(
                Simulation::new(&market, cfg.clone(), LowestPrice::default())
                    .run()
                    .map(|o| o.events),
            )
        })
    });
    g.bench_function("year_500_pools_100_instances/capacity-optimized", |b| {
        b.iter(|| {
            black_box(
                Simulation::new(&market, cfg.clone(), CapacityOptimized)
                    .run()
                    .map(|o| o.events),
            )
        })
    });
    g.bench_function("year_500_pools_100_instances/generate_market", |b| {
        b.iter(|| black_box(synthetic_market(&params, 1).change_points()))
    });
    g.bench_function("default_scenario_end_to_end", |b| {
        b.iter(|| black_box(Scenario::default().run().map(|r| r.len())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
