//! The ingest readers: every error case on in-memory bytes (exact `file:line: field`
//! messages), the real traces of `../shared/data` (through `crate::data::require`:
//! skipped only when the folder is absent outside CI), and property tests (no panic on arbitrary bytes; CSV round trip in
//! any column order).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use spotsim::error::{InputError, InputErrorKind};
use spotsim::ingest::{
    CapacityOptions, PriceHistory, read_aws_csv, read_aws_json, read_azid_tsv, read_capacity_bytes,
    read_capacity_file, read_price_bytes, read_price_file, read_probe_prices,
    read_probe_prices_bytes, sha256_hex,
};
use spotsim::market::Zone;
use spotsim::money::Rate;
use spotsim::time::{SimTime, parse_naive_utc};

mod aws_csv;
mod aws_json;
mod azid_tsv;
mod capacity;
mod detection;
mod probe_prices;
mod props;
mod real_data;

const HEADER: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n";

fn err<T: std::fmt::Debug>(r: Result<T, InputError>) -> InputError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// Asserts kind, and that the rendered message starts with `prefix` and contains `parts`.
fn check(e: &InputError, kind: InputErrorKind, prefix: &str, parts: &[&str]) {
    let s = e.to_string();
    assert_eq!(e.kind, kind, "{s}");
    assert!(
        s.starts_with(prefix),
        "`{s}` does not start with `{prefix}`"
    );
    for p in parts {
        assert!(s.contains(p), "`{s}` does not contain `{p}`");
    }
}

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn t(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

fn opts() -> CapacityOptions {
    CapacityOptions::default()
}

fn distinct<T: Ord + Clone>(it: impl Iterator<Item = T>) -> usize {
    it.collect::<std::collections::BTreeSet<_>>().len()
}

fn csv(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}
