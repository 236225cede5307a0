//! CPU time for benches on a shared machine.
//!
//! Wall time on a loaded 2-core machine mostly measures the other processes: a case
//! that gets a third of a core looks three times slower. The process's CPU time
//! (`CLOCK_PROCESS_CPUTIME_ID`: user + system time of every thread of this process)
//! only counts the cycles this bench was given, so it moves far less with outside
//! load (caches and the sibling hyper-thread still do). Two caveats: a multi-threaded
//! case is charged every thread's time (its CPU time is not its latency), and a child
//! process (`spotsim run` as a command) is not counted at all.
//!
//! * [`process_cpu_ns`] is read by `paired.rs` beside the wall clock;
//! * [`CpuTime`] is a criterion measurement, selected for a whole bench binary with
//!   `SPOTSIM_BENCH_CLOCK=cpu` through [`criterion_main_with_clock`] (wall time
//!   otherwise, criterion's default).
#![allow(dead_code)]

use criterion::Criterion;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// This process's CPU time so far, in nanoseconds (all threads, user + system).
pub fn process_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` through the valid, exclusive
    // pointer it is given and reads nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "CLOCK_PROCESS_CPUTIME_ID is available on Linux");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Whether `SPOTSIM_BENCH_CLOCK=cpu` asks for CPU time.
pub fn cpu_clock() -> bool {
    std::env::var("SPOTSIM_BENCH_CLOCK").is_ok_and(|v| v == "cpu")
}

/// Process CPU time as a criterion measurement (values in nanoseconds, shown with
/// criterion's time formatting).
pub struct CpuTime {
    wall: WallTime,
}

impl Default for CpuTime {
    fn default() -> Self {
        CpuTime { wall: WallTime }
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        process_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        process_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}

/// What `criterion_main!` does, with the clock chosen by `SPOTSIM_BENCH_CLOCK`: the
/// same bench function, instantiated for wall time and for CPU time.
pub fn criterion_main_with_clock(
    wall: fn(&mut Criterion<WallTime>),
    cpu: fn(&mut Criterion<CpuTime>),
) {
    if cpu_clock() {
        println!("clock: process CPU time (SPOTSIM_BENCH_CLOCK=cpu)");
        let mut c = Criterion::default()
            .with_measurement(CpuTime::default())
            .configure_from_args();
        cpu(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        wall(&mut c);
        c.final_summary();
    }
}
