//! Throughput of the price readers, in rows per second (criterion `Throughput::Elements`).
//!
//! * `aws_csv/synthetic_1m`: a deterministic 1,000,000-row CLI CSV generated here, so the
//!   bench runs without the data directory;
//! * `aws_csv/eu-west-3a`, `azid_tsv/ericpauley_2022-05`, `aws_json/sample_m5_large`: the
//!   real files of `../shared/data` (read into memory once; skipped, with the reason
//!   printed, when absent).
//!
//! Run: `cargo bench --bench ingest -- --warm-up-time 1 --measurement-time 3`.
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spotsim::ingest::{read_aws_csv, read_aws_json, read_azid_tsv};

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

/// A deterministic CLI CSV of `n` rows: 6 zones × 60 types × 4 products, prices with six
/// decimals, timestamps newest first (as AWS writes them).
fn synthetic_csv(n: usize) -> Vec<u8> {
    const ZONES: [&str; 6] = [
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
        "us-east-1d",
        "us-east-1f",
        "use1-az4",
    ];
    const FAMILIES: [&str; 12] = [
        "m5", "m5d", "c5", "c5d", "r5", "r5d", "t3", "t3a", "m6i", "c6i", "r6i", "m7g",
    ];
    const SIZES: [&str; 5] = ["large", "xlarge", "2xlarge", "4xlarge", "16xlarge"];
    const PRODUCTS: [&str; 4] = [
        "Linux/UNIX",
        "Red Hat Enterprise Linux",
        "SUSE Linux",
        "Windows",
    ];
    let mut out = Vec::with_capacity(n * 80);
    out.extend_from_slice(
        b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n",
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut t: i64 = 1_700_000_000;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let zone = ZONES[(x % 6) as usize];
        let fam = FAMILIES[((x >> 8) % 12) as usize];
        let size = SIZES[((x >> 16) % 5) as usize];
        let product = PRODUCTS[((x >> 24) % 4) as usize];
        let micro = 1_000 + (x >> 32) % 5_000_000;
        t -= ((x >> 40) % 7) as i64;
        let (days, sod) = (t.div_euclid(86_400), t.rem_euclid(86_400));
        let (y, m, d) = civil(days);
        let line = format!(
            "{zone},{fam}.{size},{product},{}.{:06},{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00\n",
            micro / 1_000_000,
            micro % 1_000_000,
            sod / 3600,
            sod % 3600 / 60,
            sod % 60
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn bench_ingest(c: &mut Criterion) {
    let mut g = c.benchmark_group("aws_csv");
    let synth = synthetic_csv(1_000_000);
    let rows = read_aws_csv("synthetic.csv", &synth).map_or(0, |h| h.rows.len());
    assert_eq!(rows, 1_000_000, "the synthetic CSV must parse");
    g.throughput(Throughput::Elements(rows as u64));
    g.sample_size(10);
    g.bench_function("synthetic_1m", |b| {
        b.iter(|| read_aws_csv("synthetic.csv", black_box(&synth)))
    });
    g.finish();

    let mut g = c.benchmark_group("aws_csv");
    if let Some(b) =
        data("spot-price-history/eu-west-3a_2020-02-29_to_2020-07-31_ec2-all-prices.csv")
    {
        if let Ok(h) = read_aws_csv("eu-west-3a.csv", &b) {
            g.throughput(Throughput::Elements(h.rows.len() as u64));
            g.bench_function("eu-west-3a", |bn| {
                bn.iter(|| read_aws_csv("eu-west-3a.csv", black_box(&b)))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("azid_tsv");
    if let Some(b) = data("spot-price-history/ericpauley_prices_2022-05.tsv") {
        if let Ok(h) = read_azid_tsv("ericpauley.tsv", &b) {
            g.throughput(Throughput::Elements(h.rows.len() as u64));
            g.bench_function("ericpauley_2022-05", |bn| {
                bn.iter(|| read_azid_tsv("ericpauley.tsv", black_box(&b)))
            });
        }
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
