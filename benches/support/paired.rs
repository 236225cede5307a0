//! Ratios measured side by side: each round runs every case once, in turn, so that load
//! from other processes on a shared machine hits all cases alike; the report is the
//! median time per element of each case and its ratio to the first case (the baseline).
#![allow(dead_code)]

use std::time::Instant;

/// One case: a name, its own element count (events, rows) and the work.
pub struct Case<'a> {
    pub name: &'a str,
    pub elements: u64,
    pub run: Box<dyn FnMut() + 'a>,
}

/// Median ns per element of each case over `rounds` interleaved rounds, printed as
/// `label: name X ns/elem (R× baseline)` lines, and returned in case order. Skipped
/// (returning nothing) when `SPOTSIM_BENCH_PAIRED=0`, e.g. while profiling one case.
pub fn paired(label: &str, rounds: usize, cases: &mut [Case<'_>]) -> Vec<f64> {
    if std::env::var("SPOTSIM_BENCH_PAIRED").is_ok_and(|v| v == "0") {
        return Vec::new();
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for (i, c) in cases.iter_mut().enumerate() {
            let t = Instant::now();
            (c.run)();
            samples[i].push(t.elapsed().as_nanos() as f64 / c.elements.max(1) as f64);
        }
    }
    let medians: Vec<f64> = samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect();
    for (c, m) in cases.iter().zip(&medians) {
        println!(
            "paired {label}: {:<28} {:>9.2} ns/elem {:>7.3} M/s  {:.3}x baseline ({} elements, median of {rounds})",
            c.name,
            m,
            1e3 / m,
            m / medians[0],
            c.elements
        );
    }
    medians
}
