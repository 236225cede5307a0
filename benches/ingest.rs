//! Throughput of the price readers, in rows (records) per second, each against a
//! baseline parse of the same bytes in the same run:
//!
//! * `csv_1m`: a generated 1,000,000-row CLI CSV (`support/gen.rs`, ~70 MB).
//!   Baseline `csv_crate_byte_record`: the `csv` crate reading every record into one
//!   reused `ByteRecord` (borrowed fields, nothing parsed). `read_aws_csv`: spotsim's
//!   reader on the bytes in memory; `read_price_file`: the same file through the
//!   streaming file reader (read, hash and parse, as `spotsim run` does);
//!   `spotsim_run`: the whole command, `spotsim run --prices FILE -q` as a child process
//!   (start-up, reading, building the market of every Linux/UNIX pool in the file,
//!   lowest-price's replay and the on-demand baseline's, the report), rows per second of
//!   wall time.
//! * `json_200k`: 200,000 records of the CLI's JSON (pretty-printed, pages of 1,000,
//!   ~50 MB). Baseline `serde_json_borrowed`: `serde_json` deserializing every page into
//!   records of borrowed `&str` fields. `read_aws_json` on the bytes; `read_price_file`
//!   on the file.
//! * The real files of `../shared/data` (skipped, with the reason printed, when absent):
//!   `aws_csv/eu-west-3a`, `azid_tsv/ericpauley_2022-05`, `aws_json/sample_m5_large_x1000`.
//!
//! Each group first prints ratios measured side by side (`paired ...` lines: the cases
//! run in turn, medians of several rounds).
//!
//! Run: `cargo bench --bench ingest -- --warm-up-time 1 --measurement-time 5`.
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use spotsim::ingest::{read_aws_csv, read_aws_json, read_azid_tsv, read_price_file};

#[path = "support/gen.rs"]
mod generate;
#[path = "support/paired.rs"]
mod paired;
use paired::{Case, paired};

fn data(rel: &str) -> Option<Vec<u8>> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")).join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(e) => {
            println!("skipped {rel}: {} not readable ({e})", p.display());
            None
        }
    }
}

fn tmp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&p, bytes).expect("write the generated file");
    p
}

/// The baseline: every record of `bytes` read by the csv crate into one reused
/// `ByteRecord`; returns the rows and a checksum of field lengths (so nothing is
/// optimised away).
fn csv_crate(bytes: &[u8]) -> (usize, usize) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let (mut n, mut acc) = (0, 0);
    while rdr.read_byte_record(&mut rec).unwrap_or(false) {
        n += 1;
        acc += rec.iter().map(<[u8]>::len).sum::<usize>();
    }
    (n, acc)
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(rename = "SpotPriceHistory", borrow)]
    history: Vec<Rec<'a>>,
}

#[derive(Deserialize)]
#[allow(non_snake_case, dead_code)]
struct Rec<'a> {
    AvailabilityZone: &'a str,
    InstanceType: &'a str,
    ProductDescription: &'a str,
    SpotPrice: &'a str,
    Timestamp: &'a str,
}

/// The baseline: every page of `bytes` deserialized by serde_json into borrowed records.
fn serde_json_borrowed(bytes: &[u8]) -> usize {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Page<'_>>()
        .map(|p| p.map_or(0, |p| p.history.len()))
        .sum()
}

/// The whole command on `file`: `spotsim run --prices FILE -q`, report discarded. Returns
/// whether it succeeded.
fn spotsim_run(file: &std::path::Path) -> bool {
    std::process::Command::new(env!("CARGO_BIN_EXE_spotsim"))
        .arg("run")
        .arg("--prices")
        .arg(file)
        .arg("-q")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn bench_ingest(c: &mut Criterion) {
    // ---- CSV, 1 M rows
    let csv = generate::aws_csv(1_000_000);
    let csv_path = tmp_file("bench_1m.csv", &csv);
    let rows = read_aws_csv("gen.csv", &csv).map_or(0, |h| h.rows.len()) as u64;
    assert_eq!(rows, 1_000_000, "the generated CSV must parse");
    assert_eq!(csv_crate(&csv).0 as u64, rows);
    assert!(
        spotsim_run(&csv_path),
        "spotsim run must succeed on the generated CSV"
    );
    println!("csv_1m: {} bytes, {rows} rows", csv.len());
    paired(
        "csv_1m",
        7,
        &mut [
            Case {
                name: "csv_crate_byte_record",
                elements: rows,
                run: Box::new(|| {
                    black_box(csv_crate(&csv));
                }),
            },
            Case {
                name: "read_aws_csv",
                elements: rows,
                run: Box::new(|| {
                    black_box(read_aws_csv("gen.csv", &csv).map(|h| h.rows.len()).ok());
                }),
            },
            Case {
                name: "read_price_file",
                elements: rows,
                run: Box::new(|| {
                    black_box(read_price_file(&csv_path).map(|h| h.rows.len()).ok());
                }),
            },
            Case {
                name: "spotsim_run",
                elements: rows,
                run: Box::new(|| {
                    black_box(spotsim_run(&csv_path));
                }),
            },
        ],
    );
    let mut g = c.benchmark_group("csv_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("csv_crate_byte_record", |b| {
        b.iter(|| csv_crate(black_box(&csv)))
    });
    g.bench_function("read_aws_csv", |b| {
        b.iter(|| read_aws_csv("gen.csv", black_box(&csv)))
    });
    g.bench_function("read_price_file", |b| {
        b.iter(|| read_price_file(black_box(&csv_path)))
    });
    g.bench_function("spotsim_run", |b| {
        b.iter(|| spotsim_run(black_box(&csv_path)))
    });
    g.finish();
    drop(csv);

    // ---- JSON, 200 k records
    let json = generate::aws_json(200_000);
    let json_path = tmp_file("bench_200k.json", &json);
    let recs = read_aws_json("gen.json", &json).map_or(0, |h| h.rows.len()) as u64;
    assert_eq!(recs, 200_000, "the generated JSON must parse");
    assert_eq!(serde_json_borrowed(&json) as u64, recs);
    println!("json_200k: {} bytes, {recs} records", json.len());
    paired(
        "json_200k",
        7,
        &mut [
            Case {
                name: "serde_json_borrowed",
                elements: recs,
                run: Box::new(|| {
                    black_box(serde_json_borrowed(&json));
                }),
            },
            Case {
                name: "read_aws_json",
                elements: recs,
                run: Box::new(|| {
                    black_box(read_aws_json("gen.json", &json).map(|h| h.rows.len()).ok());
                }),
            },
            Case {
                name: "read_price_file",
                elements: recs,
                run: Box::new(|| {
                    black_box(read_price_file(&json_path).map(|h| h.rows.len()).ok());
                }),
            },
        ],
    );
    let mut g = c.benchmark_group("json_200k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(recs));
    g.bench_function("serde_json_borrowed", |b| {
        b.iter(|| serde_json_borrowed(black_box(&json)))
    });
    g.bench_function("read_aws_json", |b| {
        b.iter(|| read_aws_json("gen.json", black_box(&json)))
    });
    g.bench_function("read_price_file", |b| {
        b.iter(|| read_price_file(black_box(&json_path)))
    });
    g.finish();
    drop(json);

    // ---- real files
    let mut g = c.benchmark_group("aws_csv");
    if let Some(b) =
        data("spot-price-history/eu-west-3a_2020-02-29_to_2020-07-31_ec2-all-prices.csv")
        && let Ok(h) = read_aws_csv("eu-west-3a.csv", &b)
    {
        g.throughput(Throughput::Elements(h.rows.len() as u64));
        g.bench_function("eu-west-3a", |bn| {
            bn.iter(|| read_aws_csv("eu-west-3a.csv", black_box(&b)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("azid_tsv");
    if let Some(b) = data("spot-price-history/ericpauley_prices_2022-05.tsv")
        && let Ok(h) = read_azid_tsv("ericpauley.tsv", &b)
    {
        g.throughput(Throughput::Elements(h.rows.len() as u64));
        g.bench_function("ericpauley_2022-05", |bn| {
            bn.iter(|| read_azid_tsv("ericpauley.tsv", black_box(&b)))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("aws_json");
    if let Some(b) = data("spot-price-history/sample_describe_spot_price_history_m5_large.json") {
        // The sample is 6 rows; concatenate it as paginated output would be, for a
        // measurable size.
        let pages: Vec<u8> = (0..1000).flat_map(|_| b.iter().copied()).collect();
        if let Ok(h) = read_aws_json("pages.json", &pages) {
            g.throughput(Throughput::Elements(h.rows.len() as u64));
            g.bench_function("sample_m5_large_x1000", |bn| {
                bn.iter(|| read_aws_json("pages.json", black_box(&pages)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_ingest);
criterion_main!(benches);
