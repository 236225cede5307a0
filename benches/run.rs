//! Whole-scenario runtime: a synthetic year of 500 pools (50 types × 10 zones, price
//! and capacity traces calibrated as in `synth`) and a 100-instance fleet, through
//! `Simulation::run`, for the two core strategies. Target: under 1 s per scenario.
//!
//! Also the built-in default scenario (12 pools, 30 days), end to end through the
//! scenario layer, as `cargo run --release` runs it; and `compare --options fargate` at
//! the task limit (a daily peak of 100,000 tasks over 48 h), where scale-in once
//! rescanned every live task per removal (issue 14: 108 s).

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::report::html::{RunCharts, RunPage};
use spotsim::report::{Report, RunInfo};
use spotsim::scenario::Scenario;
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::synth::{SynthParams, synthetic_market};
use spotsim::telemetry::{CsvSink, Dimension, Discard, FleetRecorder, MetricsSpec, ObserverPerRun};

fn bench<M: Measurement>(c: &mut Criterion<M>) {
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
    // Issue 9's telemetry target: with metrics by pool the run is at most 1.5× the run
    // without. The ratio of the two criterion cases below, measured here too in one
    // process, back to back (the fastest of 5 runs each, so a busy machine hurts both).
    let plain_run = || {
        Simulation::new(&market, cfg.clone(), LowestPrice::default())
            .run()
            .map(|o| o.events)
    };
    let pool_run = || {
        let spec = MetricsSpec {
            period_secs: 300,
            by: vec![Dimension::Total, Dimension::Pool],
        };
        let mut rec = FleetRecorder::new(spec, ("Strategy", "lowest-price".into()), Discard);
        let out = Simulation::new(&market, cfg.clone(), LowestPrice::default())
            .run_observed(&mut |_, _| {}, &mut rec)
            .map(|o| o.events);
        (out, rec.finish("bench").is_ok())
    };
    let fastest = |f: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let (plain, pooled) = (
        fastest(&|| {
            let _ = black_box(plain_run());
        }),
        fastest(&|| {
            let _ = black_box(pool_run());
        }),
    );
    println!(
        "metrics by pool (discard) vs none: {:.0} ms vs {:.0} ms, ratio {:.2} (target <= 1.5)",
        pooled.as_secs_f64() * 1e3,
        plain.as_secs_f64() * 1e3,
        pooled.as_secs_f64() / plain.as_secs_f64()
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
    // Telemetry: metrics by pool (and the total), 5-minute periods, written as CSV to
    // a sink that discards the bytes (formatting included, no disk), through the
    // observer; compare with lowest-price above (no telemetry). Memory is the
    // aggregator's (dimension sets × metrics), not the horizon's.
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-csv",
        |b| {
            b.iter(|| {
                let spec = MetricsSpec {
                    period_secs: 300,
                    by: vec![Dimension::Total, Dimension::Pool],
                };
                let mut rec = FleetRecorder::new(
                    spec,
                    ("Strategy", "lowest-price".into()),
                    CsvSink::new(std::io::sink(), "strategy"),
                );
                let out = Simulation::new(&market, cfg.clone(), LowestPrice::default())
                    .run_observed(&mut |_, _| {}, &mut rec)
                    .map(|o| o.events);
                black_box((out, rec.finish("bench").is_ok()))
            })
        },
    );
    // The same aggregation with the records discarded unformatted: the recorder's own
    // cost, apart from writing ~14 rows per active pool per period.
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-discard",
        |b| {
            b.iter(|| {
                let spec = MetricsSpec {
                    period_secs: 300,
                    by: vec![Dimension::Total, Dimension::Pool],
                };
                let mut rec =
                    FleetRecorder::new(spec, ("Strategy", "lowest-price".into()), Discard);
                let out = Simulation::new(&market, cfg.clone(), LowestPrice::default())
                    .run_observed(&mut |_, _| {}, &mut rec)
                    .map(|o| o.events);
                black_box((out, rec.finish("bench").is_ok()))
            })
        },
    );
    // The HTML report's recorded charts (capacity by pool, cumulative cost,
    // interruptions, service map) at one period per pixel column, through the telemetry
    // layer, then the whole page rendered (every chart drawn as SVG).
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+html-charts-and-page",
        |b| {
            b.iter(|| {
                let mut charts = RunCharts::new();
                let out = Simulation::new(&market, cfg.clone(), LowestPrice::default())
                    .run_observed(&mut |_, _| {}, charts.for_run("lowest-price"))
                    .expect("simulation");
                let report = Report::new(&market, &out, RunInfo::default());
                let page = charts
                    .charts("instances")
                    .expect("charts")
                    .into_iter()
                    .fold(
                        RunPage::new(std::slice::from_ref(&report)).market(&market),
                        |page, c| page.chart(c),
                    )
                    .render();
                black_box(page.len())
            })
        },
    );
    g.bench_function("year_500_pools_100_instances/generate_market", |b| {
        b.iter(|| black_box(synthetic_market(&params, 1).change_points()))
    });
    g.bench_function("default_scenario_end_to_end", |b| {
        b.iter(|| black_box(Scenario::default().run().map(|r| r.len())))
    });
    g.finish();

    let fargate = spotsim::compare::CompareScenario::from_toml_str(
        "hours = 48\noptions = [\"fargate\"]\n[[service]]\nname = \"api\"\ntask-vcpu-millis = 250\ntask-memory-mib = 512\ndesired = { shape = \"daily\", baseline = 1000, peak = 100000, peak-hours = 8 }\n",
        "fargate.toml",
    )
    .and_then(|s| s.prepare().map_err(|e| spotsim::error::ConfigError::new("bench", e.to_string())))
    .expect("the bench scenario is valid");
    let mut g = c.benchmark_group("compare");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("fargate_daily_peak_100000_tasks_48h", |b| {
        b.iter(|| black_box(fargate.run().map(|r| r.options.len())))
    });
    g.finish();
}

#[path = "support/cpu.rs"]
mod cpu;

/// Wall time, or this process's CPU time with `SPOTSIM_BENCH_CLOCK=cpu` (`support/cpu.rs`).
fn main() {
    cpu::criterion_main_with_clock(bench, bench);
}
