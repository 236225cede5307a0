//! Synthetic market generation: the default 12-pool, 30-day market, and 500 pools
//! (50 types × 10 zones) over 365 days, in change points generated per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotsim::synth::{SynthParams, default_market, synthetic_market};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("synth");
    g.sample_size(20);

    let points = default_market(1).change_points() as u64;
    g.throughput(Throughput::Elements(points));
    g.bench_function("default_market (12 pools x 30 days)", |b| {
        b.iter(|| default_market(black_box(1)))
    });

    let p = SynthParams {
        types: 50,
        zones: 10,
        days: 365,
        ..SynthParams::default()
    };
    let points = synthetic_market(&p, 1).change_points() as u64;
    g.throughput(Throughput::Elements(points));
    g.bench_function("synthetic_market (500 pools x 365 days)", |b| {
        b.iter(|| synthetic_market(black_box(&p), black_box(1)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
