//! Fuzz target `advisor`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // JSON feed or CSV extract, by content.
    let r = spotsim::ingest::read_advisor_bytes("advisor", data);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
