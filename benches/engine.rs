//! Event-loop throughput: spotsim's engine against a bare `BinaryHeap` loop.
//!
//! Both process the same number of events with about the same number pending (one
//! price cursor per pool: 1,000 pools ⇒ ~1,000 pending, the DESIGN.md reference point).
//! The engine's events are price changes replayed through a 100-instance lowest-price
//! fleet (with price-driven replacement) and a capacity-optimized one.

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

const POOLS: usize = 1000;
const CHANGES: usize = 1000;
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

fn market() -> Market {
    let cat = Catalog::builtin();
    let mut rng = X(0x9E37_79B9_7F4A_7C15);
    let mut pools = Vec::with_capacity(POOLS);
    let mut prices = Vec::with_capacity(POOLS);
    for i in 0..POOLS {
        let it = cat.types()[i % cat.types().len()].clone();
        let od = it.ondemand.nano_usd_per_hour();
        let mut t = START;
        let mut times = Vec::with_capacity(CHANGES);
        let mut values = Vec::with_capacity(CHANGES);
        for _ in 0..CHANGES {
            times.push(t);
            values.push(Rate::from_nano_usd(
                od / 4 + (rng.next() % (od as u64 / 4)) as i64,
            ));
            t += 1 + (rng.next() % 7200) as i64;
        }
        prices.push(PriceTrace::new(times, values).expect("increasing"));
        pools.push(Pool {
            instance_type: it,
            zone: Zone::parse(&format!("us-east-1-z{i}")),
            weight: 1,
        });
    }
    Market::new(pools, prices, vec![], "Linux/UNIX")
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
    let m = market();
    let mut cfg = FleetConfig::new(Target::Constant(100));
    cfg.end = Some(SimTime(START + 1000 * 3600));
    let events = Simulation::new(&m, cfg.clone(), LowestPrice::default())
        .run()
        .expect("runs")
        .events;
    println!("engine events per run: {events}");
    let mut g = c.benchmark_group("event_loop");
    g.throughput(Throughput::Elements(events));
    g.sample_size(10);
    g.bench_function("bare_binary_heap", |b| {
        b.iter(|| black_box(bare_heap(events as usize, POOLS)))
    });
    g.bench_function("engine_lowest_price", |b| {
        b.iter(|| {
            black_box(
                Simulation::new(&m, cfg.clone(), LowestPrice::default())
                    .run()
                    .map(|o| o.events),
            )
        })
    });
    g.bench_function("engine_capacity_optimized", |b| {
        b.iter(|| {
            black_box(
                Simulation::new(&m, cfg.clone(), CapacityOptimized)
                    .run()
                    .map(|o| o.events),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
