//! Cells per second of a 1,000-cell `spotsim sweep` and its speed-up from 1 to 2
//! threads (issue 11's target: at least 1.8×).
//!
//! The sweep: `run` on the built-in synthetic market (12 pools), the first 12 hours,
//! a hazard of 30 % a month; 5 strategies × 10 targets (2 … 20) × 20 seeds = 1,000
//! cells. Each iteration runs every cell (reading and checking the cells included) on a
//! rayon pool of 1 or 2 threads; throughput is one element per cell. Run with
//! `cargo bench --bench sweep`.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use spotsim::sweep::Sweep;

const SWEEP: &str = "kind = \"run\"\nseeds = 20\n[base]\nend = \"2026-01-01T12:00:00Z\"\ninterruption-rate = 30\n[grid]\nstrategy = [\"lowest-price\", \"capacity-optimized\", \"price-capacity-optimized\", \"diversified\", \"on-demand\"]\ntarget = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]\n";

fn bench(c: &mut Criterion) {
    let sweep = Sweep::from_toml_str(SWEEP, "bench.toml", Path::new(".")).expect("a valid sweep");
    let cells = sweep.definition().cells();
    assert_eq!(cells, 1000);
    let mut g = c.benchmark_group("sweep_1000_cells");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cells as u64));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| {
                pool.install(|| {
                    let r = sweep.run(None, &|_, _| {}).expect("the sweep runs");
                    assert_eq!(r.rows.len(), cells);
                    r
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
