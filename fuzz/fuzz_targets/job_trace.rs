//! Fuzz target `job_trace`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for c in [spotsim::job::Convention::Available, spotsim::job::Convention::Preempted] {
        let r = spotsim::job::read_spot_trace_bytes("t.json", data, &spotsim::job::TraceOptions::new(c));
        if let Err(e) = r {
            assert!(!e.to_string().contains('\n'));
        }
    }
});
