//! Fuzz target `probe_prices`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The input is the prices JSON and an availability CSV, split at the first NUL.
    let (json, csv) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n"[..]),
    };
    let r = spotsim::ingest::read_probe_prices_bytes(
        "prices.json",
        json,
        &[("us-east-1a_v100_1.csv", csv)],
        None,
    );
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
