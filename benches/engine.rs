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

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotsim::catalog::Catalog;
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::market::{Market, Pool, PriceTrace, Zone};
use spotsim::money::Rate;
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::time::SimTime;

#[path = "support/paired.rs"]
mod paired;
use paired::{Case, paired};

const TOTAL_CHANGES: usize = 1_000_000;
const START: i64 = 1_704_067_200;

/// A small deterministic generator (xorshift) so the bench needs no data.
struct X(u64);
impl X {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn market(pools: usize, changes: usize) -> Market {
    let cat = Catalog::builtin();
    let mut rng = X(0x9E37_79B9_7F4A_7C15);
    let mut ps = Vec::with_capacity(pools);
    let mut prices = Vec::with_capacity(pools);
    for i in 0..pools {
        let it = cat.types()[i % cat.types().len()].clone();
        let od = it.ondemand.nano_usd_per_hour();
        let mut t = START;
        let mut times = Vec::with_capacity(changes);
        let mut values = Vec::with_capacity(changes);
        for _ in 0..changes {
            times.push(t);
            values.push(Rate::from_nano_usd(
                od / 4 + (rng.next() % (od as u64 / 4)) as i64,
            ));
            t += 1 + (rng.next() % 7200) as i64;
        }
        prices.push(PriceTrace::new(times, values).expect("increasing"));
        ps.push(Pool {
            instance_type: it,
            zone: Zone::parse(&format!("us-east-1-z{i}")),
            weight: 1,
        });
    }
    Market::new(ps, prices, vec![], "Linux/UNIX")
}

fn bare_heap(events: usize, pending: usize) -> u64 {
    let mut rng = X(42);
    let mut heap = BinaryHeap::with_capacity(pending + 1);
    let mut seq = 0u64;
    for i in 0..pending {
        seq += 1;
        heap.push(Reverse((START + (rng.next() % 3600) as i64, seq, i as u64)));
    }
    let mut acc = 0u64;
    for _ in 0..events {
        let Some(Reverse((t, _, p))) = heap.pop() else {
            break;
        };
        acc = acc.wrapping_add(p);
        seq += 1;
        heap.push(Reverse((t + 1 + (rng.next() % 7200) as i64, seq, p)));
    }
    acc
}

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
        g.bench_function("engine_capacity_optimized", |b| b.iter(|| black_box(run_co())));
        g.throughput(Throughput::Elements(lp_events));
        g.bench_function("engine_lowest_price", |b| b.iter(|| black_box(run_lp())));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
