//! Event-loop throughput: spotsim's engine against a bare `BinaryHeap` loop, at 100,
//! 1,000 and 8,000 pools.
//!
//! Each market has one price trace per pool and about 1,000,000 price change points in
//! all (changes per pool = 1,000,000 / pools, about an hour apart, over a horizon of
//! that many hours), so about one event per pool is pending: the bare heap holds as
//! many entries as there are pools. The engine replays it with a 100-instance fleet,
//! once with capacity-optimized and once with lowest-price (with price-driven
//! replacement, whose replacement launches add events). Every case's throughput is its
//! own event count (`Outcome::events`; the bare heap processes capacity-optimized's
//! count), so criterion's per-element times are per event of that case. At 1,000 pools
//! this is the earlier 1.17 M-event bench.
//!
//! Before the criterion groups, each pool count also prints ratios measured side by
//! side (`paired ...` lines: cases run in turn, medians of several rounds), which is
//! how README and `docs/performance.md` quote them.
//!
//! Run: `cargo bench --bench engine -- --warm-up-time 1 --measurement-time 5`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::time::SimTime;

#[path = "support/engine_market.rs"]
mod engine_market;
#[path = "support/paired.rs"]
mod paired;
use engine_market::{START, TOTAL_CHANGES, bare_heap, market};
use paired::{Case, paired};

fn bench(c: &mut Criterion) {
    for pools in [100usize, 1000, 8000] {
        let changes = TOTAL_CHANGES / pools;
        let m = market(pools, changes);
        let mut cfg = FleetConfig::new(Target::Constant(100));
        cfg.end = Some(SimTime(START + changes as i64 * 3600));
        let run_lp = || {
            Simulation::new(&m, cfg.clone(), LowestPrice::default())
                .run()
                .map_or(0, |o| o.events)
        };
        let run_co = || {
            Simulation::new(&m, cfg.clone(), CapacityOptimized)
                .run()
                .map_or(0, |o| o.events)
        };
        let (lp_events, co_events) = (run_lp(), run_co());
        println!(
            "{pools} pools: {lp_events} events (lowest-price), {co_events} events (capacity-optimized)"
        );
        paired(
            &format!("event_loop_{pools}_pools"),
            if pools >= 8000 { 5 } else { 7 },
            &mut [
                Case {
                    name: "bare_binary_heap",
                    elements: co_events,
                    run: Box::new(|| {
                        black_box(bare_heap(co_events as usize, pools));
                    }),
                },
                Case {
                    name: "engine_capacity_optimized",
                    elements: co_events,
                    run: Box::new(|| {
                        black_box(run_co());
                    }),
                },
                Case {
                    name: "engine_lowest_price",
                    elements: lp_events,
                    run: Box::new(|| {
                        black_box(run_lp());
                    }),
                },
            ],
        );
        let mut g = c.benchmark_group(format!("event_loop_{pools}_pools"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(co_events));
        g.bench_function("bare_binary_heap", |b| {
            b.iter(|| black_box(bare_heap(co_events as usize, pools)))
        });
        g.bench_function("engine_capacity_optimized", |b| {
            b.iter(|| black_box(run_co()))
        });
        g.throughput(Throughput::Elements(lp_events));
        g.bench_function("engine_lowest_price", |b| b.iter(|| black_box(run_lp())));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
