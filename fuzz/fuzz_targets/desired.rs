//! Fuzz target `desired`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = spotsim::workload::read_desired_bytes("counts.csv", data);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
