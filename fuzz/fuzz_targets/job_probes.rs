//! Fuzz target `job_probes`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A job's availability CSV; with a tick length, resampled (bounded tick count).
    if let Ok(s) = spotsim::job::probes::read_probe_series_bytes("us-east-1a_v100_1.csv", data, None) {
        let _ = s.to_ticks(86_400);
    }
});
