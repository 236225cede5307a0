//! Ratios measured side by side: each round runs every case once, in turn, so that load
//! from other processes on a shared machine hits all cases alike; the report is the
//! median time per element of each case and its ratio to the first case (the baseline).
//!
//! Each case is timed on two clocks: wall time, and this process's CPU time
//! (`cpu.rs`: every thread's user + system time, so a two-threaded case is charged
//! both threads, and a child process nothing). On a loaded machine the CPU-time ratio
//! of single-threaded cases is the steadier one: it does not count the time the case
//! spent waiting for a core. Both are printed, one line each:
//!
//! ```text
//! paired LABEL: NAME  W ns/elem  M/s  Rx baseline (N elements, median of K)
//! paired-cpu LABEL: NAME  C ns/elem  M/s  Rx baseline (N elements, median of K)
//! ```
#![allow(dead_code)]

use std::time::Instant;

#[path = "cpu.rs"]
pub mod cpu;

/// One case: a name, its own element count (events, rows) and the work.
pub struct Case<'a> {
    pub name: &'a str,
    pub elements: u64,
    pub run: Box<dyn FnMut() + 'a>,
}

/// Median ns per element of each case over `rounds` interleaved rounds, on the wall
/// clock and on the process CPU clock, printed as described in the module docs; the
/// wall-clock medians are returned in case order. Skipped (returning nothing) when
/// `SPOTSIM_BENCH_PAIRED=0`, e.g. while profiling one case, or when
/// `SPOTSIM_BENCH_PAIRED` is set to some other text that `label` does not contain
/// (`SPOTSIM_BENCH_PAIRED=json` runs only the JSON groups' paired rounds).
pub fn paired(label: &str, rounds: usize, cases: &mut [Case<'_>]) -> Vec<f64> {
    if std::env::var("SPOTSIM_BENCH_PAIRED")
        .is_ok_and(|v| v == "0" || (v != "1" && !label.contains(v.as_str())))
    {
        return Vec::new();
    }
    let mut wall: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for (i, c) in cases.iter_mut().enumerate() {
            let per = c.elements.max(1) as f64;
            let c0 = cpu::process_cpu_ns();
            let t = Instant::now();
            (c.run)();
            let w = t.elapsed().as_nanos() as f64;
            let c1 = cpu::process_cpu_ns();
            wall[i].push(w / per);
            cpu[i].push((c1 - c0) as f64 / per);
        }
    }
    let wall = medians(&mut wall);
    let cpu = medians(&mut cpu);
    for (clock, m) in [("paired", &wall), ("paired-cpu", &cpu)] {
        for (c, x) in cases.iter().zip(m) {
            println!(
                "{clock} {label}: {:<28} {:>9.2} ns/elem {:>7.3} M/s  {:.3}x baseline ({} elements, median of {rounds})",
                c.name,
                x,
                1e3 / x,
                x / m[0],
                c.elements
            );
        }
    }
    wall
}

fn medians(samples: &mut [Vec<f64>]) -> Vec<f64> {
    samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}
