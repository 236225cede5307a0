//! Fuzz target `capacity`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Named like an availability CSV so that both layouts are reachable.
    let opts = spotsim::ingest::CapacityOptions::default();
    let r = spotsim::ingest::read_capacity_bytes("us-east-1a_v100_1.csv", data, &opts);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
