//! Simulations per second of the SkyNomad family (`up-s`, `up-a`, `up-ap`, `optimal`,
//! `skynomad`, `skynomad-oracle`) on the 2023 V100 three-region traces (us-east-1c,
//! us-east-2b, us-west-2a, `spot-traces/availability/1-node/aws-02-15-2023/`, G = 195 s,
//! per-tick prices from `aws-v100-2023-02-15/v100_spot_prices.json`): the SkyNomad
//! artifact's Figure 9(b) job (W = 39.94 h, D = 59.91 h = 1,106 ticks, d = 0.2 h, 50 GB
//! checkpoint, on-demand $3.06, transfer time counted), on the 18 sequential windows
//! of the trace (window `w` starts at tick `1106·w`), one simulation per window, on one
//! thread. Throughput is one element per simulation. Skipped with a printed reason when
//! `../shared/data` is absent. Run with `cargo bench --bench job_multi`.
//!
//! The reference publishes 648 simulations in 21 s on 12 cores (its
//! `deadline_sensitivity` sweep, H100 traces).
//!
//! A second group, `optimal_scaling`, times `optimal`'s plan alone on synthetic markets
//! of 3, 8 and 16 zones (names across two continents) and windows of 2,000 ten-minute
//! ticks with W = D/2 (the widest band of progress states), d = 0.2 h: the DP's
//! tractability for 3–16 zones and a few thousand ticks. One element per plan.
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use spotsim::job::{
    Convention, EgressTable, JobMarket, JobPolicy, JobSpec, JobTrace, MarketOptions,
    MigrationOptions, Optimal, TraceOptions, read_spot_trace, run_job, skynomad, skynomad_oracle,
    up_a, up_ap, up_s, with_probe_prices,
};
use spotsim::money::Rate;

fn market() -> Option<JobMarket> {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    let dir = data.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let prices = data.join("availability/aws-v100-2023-02-15/v100_spot_prices.json");
    let egress = data.join("pricing/aws_egress_pricing.csv");
    if !dir.is_dir() || !prices.is_file() || !egress.is_file() {
        println!(
            "skipped: the 2023 V100 traces are not under {}",
            data.display()
        );
        return None;
    }
    let prices = std::fs::read(prices).ok()?;
    let mut traces = Vec::new();
    for z in ["us-east-1c", "us-east-2b", "us-west-2a"] {
        let p = dir.join(format!("{z}_v100_1.json"));
        let t = read_spot_trace(&p, &TraceOptions::new(Convention::Available)).ok()?;
        traces.push(with_probe_prices(t, "v100_spot_prices.json", &prices).ok()?);
    }
    let egress = EgressTable::read(&egress).ok()?;
    JobMarket::new(
        &traces,
        &MarketOptions::ondemand(Rate::from_nano_usd(3_060_000_000)),
    )
    .ok()?
    .with_migration(&MigrationOptions::new(50.0, egress))
    .ok()
}

fn policy(name: &str) -> Box<dyn JobPolicy> {
    match name {
        "up-s" => Box::new(up_s()),
        "up-a" => Box::new(up_a()),
        "up-ap" => Box::new(up_ap()),
        "optimal" => Box::new(Optimal::new()),
        "skynomad" => Box::new(skynomad()),
        _ => Box::new(skynomad_oracle()),
    }
}

fn bench(c: &mut Criterion) {
    let Some(m) = market() else { return };
    let spec = JobSpec::from_hours(39.93888888888889, 59.90833333333333, 0.2).expect("a job");
    let n = spec.ticks(m.gap_secs());
    let starts: Vec<usize> = (0..m.ticks() / n).map(|w| w * n).collect();
    let mut g = c.benchmark_group("job_multi_v100");
    g.sample_size(10);
    g.throughput(Throughput::Elements(starts.len() as u64));
    for name in [
        "up-s",
        "up-a",
        "up-ap",
        "skynomad",
        "skynomad-oracle",
        "optimal",
    ] {
        g.bench_function(BenchmarkId::new(name, starts.len()), |b| {
            b.iter(|| {
                for &s in &starts {
                    let r = run_job(&m, &spec, s, &mut policy(name)).expect("a run");
                    black_box(r.total_cost);
                }
            })
        });
    }
    g.finish();
}

/// `zones` synthetic zones of `ticks` ticks: bursty availability, prices $0.5–$1.5.
fn synthetic(zones: usize, ticks: usize) -> JobMarket {
    let names = [
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
        "us-east-2a",
        "us-east-2b",
        "us-west-2a",
        "us-west-2b",
        "us-west-2c",
        "eu-west-1a",
        "eu-west-1b",
        "eu-west-1c",
        "eu-central-1a",
        "eu-central-1b",
        "ap-south-1a",
        "ap-south-1b",
        "ap-northeast-1a",
    ];
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let traces: Vec<JobTrace> = (0..zones)
        .map(|z| {
            let mut up = true;
            let (mut av, mut pr) = (Vec::new(), Vec::new());
            for _ in 0..ticks {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if x.is_multiple_of(12) {
                    up = !up;
                }
                av.push(u32::from(up));
                pr.push(Rate::from_nano_usd(
                    500_000_000 + (x % 100) as i64 * 10_000_000,
                ));
            }
            JobTrace::new(600, av)
                .expect("a trace")
                .with_zone(names[z % names.len()])
                .with_prices(pr)
                .expect("prices")
        })
        .collect();
    JobMarket::new(
        &traces,
        &MarketOptions::ondemand(Rate::from_nano_usd(3_060_000_000)),
    )
    .expect("a market")
    .with_migration(&MigrationOptions::new(50.0, EgressTable::empty()))
    .expect("migration costs")
}

fn optimal_scaling(c: &mut Criterion) {
    let ticks = 2000;
    let hours = ticks as f64 * 600.0 / 3600.0;
    let spec = JobSpec::from_hours(hours / 2.0, hours, 0.2).expect("a job");
    let mut g = c.benchmark_group("optimal_scaling");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    for zones in [3usize, 8, 16] {
        let m = synthetic(zones, ticks);
        g.bench_function(BenchmarkId::new("zones", zones), |b| {
            b.iter(|| {
                black_box(
                    run_job(&m, &spec, 0, &mut Optimal::new())
                        .expect("a run")
                        .total_cost,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, optimal_scaling);
criterion_main!(benches);
