//! Windows per second in tick mode: Uniform Progress over 1,000 random windows
//! (W = 48 h, D = 52 h, d = 0.2 h, G = 600 s, i.e. 312 ticks per window), sequentially
//! and in parallel (rayon), on
//!
//! * a synthetic 4,000-tick trace generated here (bursts of unavailability; needs no
//!   data), and
//! * the real 2022 V100 trace `spot-traces/availability/1-node/aws-10-26-2022/
//!   us-west-2a_v100_1.json` (3,895 ticks; skipped with a printed reason when
//!   `../shared/data` is absent).
//!
//! Throughput is one element per window. Run with `cargo bench --bench job`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use spotsim::job::{
    BuiltinPolicy, Convention, JobMarket, JobSpec, JobTrace, MarketOptions, TraceOptions,
    draw_starts, read_spot_trace, run_windows,
};
use spotsim::money::Rate;

const WINDOWS: usize = 1000;

fn synthetic() -> JobTrace {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut up = true;
    let av: Vec<u32> = (0..4000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(10) {
                up = !up;
            }
            u32::from(up)
        })
        .collect();
    JobTrace::new(600, av).expect("a valid synthetic trace")
}

fn real() -> Option<JobTrace> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json"
    ));
    if !p.is_file() {
        println!("skipped real trace: {} not found", p.display());
        return None;
    }
    read_spot_trace(&p, &TraceOptions::new(Convention::Available)).ok()
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let opts = MarketOptions::prices(
        Rate::from_nano_usd(973_100_000),
        Rate::from_nano_usd(3_060_000_000),
    );
    let spec = JobSpec::from_hours(48.0, 52.0, 0.2).expect("a valid job");
    let mut traces = vec![("synthetic-4000", synthetic())];
    if let Some(t) = real() {
        traces.push(("us-west-2a_v100_1", t));
    }
    let mut g = c.benchmark_group("job_windows");
    g.throughput(Throughput::Elements(WINDOWS as u64));
    for (name, trace) in &traces {
        let market = JobMarket::single(trace, &opts).expect("prices given");
        let starts = draw_starts(&market, &spec, WINDOWS, 1).expect("the deadline fits");
        for parallel in [false, true] {
            let id = format!(
                "{name}/{}",
                if parallel { "parallel" } else { "sequential" }
            );
            g.bench_with_input(BenchmarkId::new("uniform-progress", id), &starts, |b, s| {
                b.iter(|| {
                    let r = run_windows(
                        &market,
                        &spec,
                        s,
                        || BuiltinPolicy::UniformProgress,
                        parallel,
                    )
                    .expect("windows run");
                    black_box(r.stats.mean_cost_usd)
                })
            });
        }
    }
    g.finish();
}

#[path = "support/cpu.rs"]
mod cpu;

/// Wall time, or this process's CPU time with `SPOTSIM_BENCH_CLOCK=cpu` (`support/cpu.rs`).
fn main() {
    cpu::criterion_main_with_clock(bench, bench);
}
