//! One bench case, run once, for profilers: `perf record` or
//! `valgrind --tool=callgrind --toggle-collect=profile::case` on the executable
//! `cargo bench --bench profile --no-run` prints. Not a criterion bench.
//!
//! Usage: `profile CASE [POOLS [REPEAT]]`, CASE one of `heap`, `co`, `lp` (the `engine`
//! bench's cases at POOLS pools, default 1000), `csv FILE` / `json FILE` (read one
//! price file with `read_price_file`), `csv-bytes FILE` (`read_aws_csv` on the file's
//! bytes, read first), `csv-crate FILE` (the csv crate's `ByteRecord` loop over them),
//! `json-bytes FILE` (`read_aws_json`) or `json-serde FILE` (serde_json into borrowed
//! records: the ingest bench's baselines), `year-plain` / `year-metrics` /
//! `year-csv` / `year-emf` / `year-om` (the `run` bench's synthetic year × 500 pools
//! with lowest-price, 10 runs, without telemetry, or with metrics by pool discarded,
//! written as CSV or EMF to a writer that drops the bytes, or as OpenMetrics to a
//! file in the temporary directory). Prints the events (or rows) processed; with
//! REPEAT, runs the case that many times and prints each run's time per event, as
//! on-CPU time (`/proc/thread-self/schedstat`, Linux) when available, so time spent
//! waiting for a CPU on a busy machine is not counted.

use std::hint::black_box;

use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::strategy::{CapacityOptimized, LowestPrice};
use spotsim::time::SimTime;

#[path = "support/engine_market.rs"]
mod engine_market;
use engine_market::{START, TOTAL_CHANGES, bare_heap, market};
#[path = "support/year_market.rs"]
mod year_market;

#[inline(never)]
fn case(name: &str, arg: &str) -> u64 {
    if name == "csv" || name == "json" {
        return spotsim::ingest::read_price_file(std::path::Path::new(arg))
            .map_or(0, |h| h.rows.len() as u64);
    }
    if let Some(rest) = name.strip_prefix("year-") {
        return year_500_pools(rest);
    }
    if name.starts_with("csv-") || name.starts_with("json-") {
        let bytes = std::fs::read(arg).unwrap_or_default();
        for _ in 0..repeat() {
            let w = std::time::Instant::now();
            let rows = read_bytes(name, &bytes);
            let wall = w.elapsed().as_nanos() as f64;
            println!("{name}: {:.2} ns/row wall", wall / rows.max(1) as f64);
        }
        return read_bytes(name, &bytes);
    }
    let pools: usize = arg.parse().unwrap_or(1000);
    let changes = TOTAL_CHANGES / pools;
    let m = market(pools, changes);
    let mut cfg = FleetConfig::new(Target::Constant(100));
    cfg.end = Some(SimTime(START + changes as i64 * 3600));
    let co_events = Simulation::new(&m, cfg.clone(), CapacityOptimized)
        .run()
        .map_or(0, |o| o.events);
    for _ in 0..repeat() {
        let (w, c) = (std::time::Instant::now(), cpu_ns());
        let events = run(name, &m, cfg.clone(), pools, co_events);
        let wall = w.elapsed().as_nanos() as f64;
        let cpu = cpu_ns().map_or(wall, |end| (end - c.unwrap_or(0)) as f64);
        println!(
            "{name} {pools}: {:.2} ns/event on CPU, {:.2} wall",
            cpu / events as f64,
            wall / events as f64
        );
    }
    run(name, &m, cfg, pools, co_events)
}

/// The REPEAT argument (0 when absent).
fn repeat() -> usize {
    std::env::args()
        .filter(|a| a != "--bench")
        .nth(3)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `year-plain` / `year-metrics` / `year-csv` / `year-emf` / `year-om`: the `run` bench's
/// synthetic year of 500 pools with lowest-price, without telemetry or with metrics by
/// pool (5-minute periods) discarded unformatted (issue 9's telemetry case) or written
/// out (CSV and EMF to `io::sink`, OpenMetrics to a file in the temporary directory).
#[inline(never)]
fn year_500_pools(which: &str) -> u64 {
    use spotsim::telemetry::{CsvSink, Discard, EmfSink, OpenMetricsSink};
    let (market, cfg) = year_market::year_500_pools();
    let om = std::env::temp_dir().join(format!("spotsim-profile-{}.om", std::process::id()));
    let mut events = 0;
    for _ in 0..10 {
        let sim = Simulation::new(&market, cfg.clone(), LowestPrice::default());
        events += match which {
            "plain" => sim.run().map_or(0, |o| o.events),
            "csv" => recorded(sim, CsvSink::new(std::io::sink(), "strategy")),
            "emf" => recorded(sim, EmfSink::new(std::io::sink())),
            "om" => recorded(sim, OpenMetricsSink::new(&om)),
            _ => recorded(sim, Discard),
        };
    }
    let _ = std::fs::remove_file(&om);
    events
}

/// Runs `sim` with metrics by pool into `sink`; the events processed.
fn recorded<S: spotsim::telemetry::MetricSink>(sim: Simulation<'_, LowestPrice>, sink: S) -> u64 {
    let mut rec = spotsim::telemetry::FleetRecorder::new(
        year_market::pool_spec(),
        ("Strategy", "lowest-price".into()),
        sink,
    );
    let events = sim
        .run_observed(&mut |_, _| {}, &mut rec)
        .map_or(0, |o| o.events);
    black_box(rec.finish("bench").is_ok());
    events
}

/// `csv-bytes`: spotsim's CSV reader on bytes in memory; `csv-crate`: the csv crate's
/// `ByteRecord` loop over them (the ingest bench's baseline).
#[inline(never)]
fn read_bytes(name: &str, bytes: &[u8]) -> u64 {
    if name == "csv-bytes" {
        return spotsim::ingest::read_aws_csv("f.csv", bytes).map_or(0, |h| h.rows.len() as u64);
    }
    if name == "json-bytes" {
        return spotsim::ingest::read_aws_json("f.json", bytes).map_or(0, |h| h.rows.len() as u64);
    }
    if name == "json-serde" {
        #[derive(serde::Deserialize)]
        struct Page<'a> {
            #[serde(rename = "SpotPriceHistory", borrow)]
            history: Vec<Rec<'a>>,
        }
        #[derive(serde::Deserialize)]
        #[allow(non_snake_case, dead_code)]
        struct Rec<'a> {
            AvailabilityZone: &'a str,
            InstanceType: &'a str,
            ProductDescription: &'a str,
            SpotPrice: &'a str,
            Timestamp: &'a str,
        }
        return serde_json::Deserializer::from_slice(bytes)
            .into_iter::<Page<'_>>()
            .map(|p| p.map_or(0, |p| p.history.len() as u64))
            .sum();
    }
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let (mut n, mut bytes) = (0, 0);
    while rdr.read_byte_record(&mut rec).unwrap_or(false) {
        n += 1;
        bytes += rec.iter().map(<[u8]>::len).sum::<usize>();
    }
    black_box(bytes);
    n
}

/// This thread's time on a CPU so far, in ns (Linux).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

#[inline(never)]
fn run(
    name: &str,
    m: &spotsim::market::Market,
    cfg: FleetConfig,
    pools: usize,
    co_events: u64,
) -> u64 {
    match name {
        "heap" => {
            black_box(bare_heap(co_events as usize, pools));
            co_events
        }
        "co" => Simulation::new(m, cfg, CapacityOptimized)
            .run()
            .map_or(0, |o| o.events),
        "lp" => Simulation::new(m, cfg, LowestPrice::default())
            .run()
            .map_or(0, |o| o.events),
        _ => {
            eprintln!(
                "unknown case `{name}`: heap, co, lp, csv FILE, json FILE, year-plain, year-metrics, year-csv, year-emf or year-om"
            );
            0
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let name = args.first().map_or("co", String::as_str);
    let arg = args.get(1).map_or("1000", String::as_str);
    println!("{name} {arg}: {}", case(name, arg));
}
