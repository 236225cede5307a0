//! Fuzz target `egress`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = spotsim::job::EgressTable::read_bytes("egress.csv", data);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
