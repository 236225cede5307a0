//! Fuzz target `aws_csv`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = spotsim::ingest::read_aws_csv("f.csv", data);
    if let Err(e) = r {
        assert!(!e.to_string().contains('\n'));
    }
});
