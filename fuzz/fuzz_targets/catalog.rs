//! Fuzz target `catalog`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // All three formats: spotsim CSV, get-products JSON, offer-file CSV (by content).
    let r = spotsim::ingest::pricelist::read_catalog_bytes("catalog", data, None);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
    let _ = spotsim::ingest::pricelist::read_catalog_bytes("catalog", data, Some("us-east-1"));
});
