//! Deterministic AWS spot price histories for benches and tests, generated so that no
//! data directory is needed (included by path from `benches/` and `tests/it/`).
//!
//! The rows look like `aws ec2 describe-spot-price-history` output: 6 zones × 60 instance
//! types of the built-in catalog × 4 product descriptions, prices with six decimals,
//! timestamps newest first (1–6 s apart, so no two rows share a time), every series interleaved with the others as
//! in AWS's all-prices downloads.
#![allow(dead_code)]

const ZONES: [&str; 6] = [
    "us-east-1a",
    "us-east-1b",
    "us-east-1c",
    "us-east-1d",
    "us-east-1f",
    "use1-az4",
];
const FAMILIES: [&str; 15] = [
    "m5", "m5a", "m6i", "m6a", "m6g", "m7g", "c5", "c6i", "c6a", "c6g", "c7g", "r5", "r6i", "r6g",
    "r7g",
];
const SIZES: [&str; 4] = ["large", "xlarge", "2xlarge", "4xlarge"];
const PRODUCTS: [&str; 4] = [
    "Linux/UNIX",
    "Red Hat Enterprise Linux",
    "SUSE Linux",
    "Windows",
];

/// One generated row: zone, instance type, product, price (micro-USD), time (seconds).
pub struct Row {
    pub zone: &'static str,
    pub family: &'static str,
    pub size: &'static str,
    pub product: &'static str,
    pub micro_usd: u64,
    pub time: i64,
}

/// The `n` rows, newest first.
pub fn rows(n: usize) -> impl Iterator<Item = Row> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut t: i64 = 1_700_000_000;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t -= 1 + ((x >> 40) % 6) as i64;
        Row {
            zone: ZONES[(x % 6) as usize],
            family: FAMILIES[((x >> 8) % 15) as usize],
            size: SIZES[((x >> 16) % 4) as usize],
            product: PRODUCTS[((x >> 24) % 4) as usize],
            micro_usd: 1_000 + (x >> 32) % 2_000_000,
            time: t,
        }
    })
}

/// `YYYY-MM-DDTHH:MM:SS+00:00` for `t` seconds since the epoch.
pub fn rfc3339(t: i64) -> String {
    let (days, sod) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

fn price(micro: u64) -> String {
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

/// The CLI's CSV with its header, `n` data rows.
pub fn aws_csv(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 72 + 80);
    out.extend_from_slice(
        b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n",
    );
    for r in rows(n) {
        let line = format!(
            "{},{}.{},{},{},{}\n",
            r.zone,
            r.family,
            r.size,
            r.product,
            price(r.micro_usd),
            rfc3339(r.time)
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// The CLI's JSON as `--output json` writes it (4-space indentation), `n` records in
/// pages of 1,000 concatenated as paginated output is.
pub fn aws_json(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 240);
    let mut it = rows(n).peekable();
    while it.peek().is_some() {
        out.extend_from_slice(b"{\n    \"SpotPriceHistory\": [\n");
        for k in 0..1000 {
            let Some(r) = it.next() else { break };
            if k > 0 {
                out.extend_from_slice(b",\n");
            }
            let rec = format!(
                "        {{\n            \"AvailabilityZone\": \"{}\",\n            \"InstanceType\": \"{}.{}\",\n            \"ProductDescription\": \"{}\",\n            \"SpotPrice\": \"{}\",\n            \"Timestamp\": \"{}\"\n        }}",
                r.zone,
                r.family,
                r.size,
                r.product,
                price(r.micro_usd),
                rfc3339(r.time)
            );
            out.extend_from_slice(rec.as_bytes());
        }
        out.extend_from_slice(b"\n    ],\n    \"NextToken\": \"\"\n}\n");
    }
    out
}
