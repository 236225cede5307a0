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
use spotsim::engine::Simulation;
use spotsim::report::html::{RunCharts, RunPage};
use spotsim::report::{Report, RunInfo};
use spotsim::scenario::Scenario;
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::synth::synthetic_market;
use spotsim::telemetry::{
    CsvSink, Discard, EmfSink, FleetRecorder, MetricSink, ObserverPerRun, OpenMetricsSink,
};

#[path = "support/paired.rs"]
mod paired;
use paired::{Case, paired};
#[path = "support/year_market.rs"]
mod year_market;
use year_market::{pool_spec, year_500_pools, year_params};

/// A writer that counts the bytes written to it and keeps none.
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let (market, cfg) = year_500_pools();
    let params = year_params();
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
    // without, for every format. Measured here side by side, in one process (`paired`:
    // each round runs every case once, in turn; medians of 5 rounds; wall and CPU
    // time), each format written to a writer that counts its bytes (OpenMetrics to a
    // temporary file: its sink sorts the series through a spill file and writes the
    // file whole).
    let om_dir = tempfile::tempdir().expect("a temporary directory");
    let om_path = om_dir.path().join("bench.om");
    let bytes = std::cell::Cell::new([0u64; 4]);
    let recorded = |sink: &mut dyn MetricSink| {
        let mut rec = FleetRecorder::new(pool_spec(), ("Strategy", "lowest-price".into()), sink);
        let out = Simulation::new(&market, cfg.clone(), LowestPrice::default())
            .run_observed(&mut |_, _| {}, &mut rec)
            .map(|o| o.events);
        black_box((out, rec.finish("bench").is_ok()))
    };
    let counted = |i: usize, n: u64| {
        let mut b = bytes.get();
        b[i] = n;
        bytes.set(b);
    };
    paired(
        "telemetry_year_500_pools",
        5,
        &mut [
            Case {
                name: "no_telemetry",
                elements: 1,
                run: Box::new(|| {
                    let _ = black_box(
                        Simulation::new(&market, cfg.clone(), LowestPrice::default())
                            .run()
                            .map(|o| o.events),
                    );
                }),
            },
            Case {
                name: "metrics_by_pool_discard",
                elements: 1,
                run: Box::new(|| {
                    let _ = recorded(&mut Discard);
                }),
            },
            Case {
                name: "metrics_by_pool_csv",
                elements: 1,
                run: Box::new(|| {
                    let mut s = CsvSink::new(Counter(0), "strategy");
                    let _ = recorded(&mut s);
                    counted(1, s.into_inner().0);
                }),
            },
            Case {
                name: "metrics_by_pool_emf",
                elements: 1,
                run: Box::new(|| {
                    let mut s = EmfSink::new(Counter(0));
                    let _ = recorded(&mut s);
                    counted(2, s.into_inner().0);
                }),
            },
            Case {
                name: "metrics_by_pool_openmetrics",
                elements: 1,
                run: Box::new(|| {
                    let _ = recorded(&mut OpenMetricsSink::new(&om_path));
                    counted(3, std::fs::metadata(&om_path).map_or(0, |m| m.len()));
                }),
            },
        ],
    );
    let b = bytes.get();
    println!(
        "telemetry_year_500_pools output bytes: csv {}, emf {}, openmetrics {}",
        b[1], b[2], b[3]
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
    // Telemetry: metrics by pool (and the total), 5-minute periods, through the
    // observer, in each format (CSV and EMF to a writer that counts and discards the
    // bytes: formatting included, no disk; OpenMetrics to a temporary file), and
    // discarded unformatted (the recorder's own cost); compare with lowest-price above
    // (no telemetry). Memory is the aggregator's (dimension sets × metrics), not the
    // horizon's.
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-csv",
        |b| b.iter(|| recorded(&mut CsvSink::new(Counter(0), "strategy"))),
    );
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-emf",
        |b| b.iter(|| recorded(&mut EmfSink::new(Counter(0)))),
    );
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-openmetrics",
        |b| b.iter(|| recorded(&mut OpenMetricsSink::new(&om_path))),
    );
    g.bench_function(
        "year_500_pools_100_instances/lowest-price+metrics-by-pool-discard",
        |b| b.iter(|| recorded(&mut Discard)),
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

// The CPU clock (`support/cpu.rs`), loaded once, through `paired`.
use paired::cpu;

/// Wall time, or this process's CPU time with `SPOTSIM_BENCH_CLOCK=cpu` (`support/cpu.rs`).
fn main() {
    cpu::criterion_main_with_clock(bench, bench);
}
