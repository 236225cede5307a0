//! Windows.

use super::*;

#[test]
fn windows_are_deterministic_and_parallel_equals_sequential() {
    // A synthetic 4,000-tick trace with bursts of unavailability.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut up = true;
    let av: Vec<u32> = (0..4000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x.is_multiple_of(10) {
                up = !up;
            }
            u32::from(up)
        })
        .collect();
    let t = JobTrace::new(600, av).unwrap();
    let m = JobMarket::single(&t, &MarketOptions::prices(usd("0.9731"), usd("3.06"))).unwrap();
    let spec = spec(48.0, 60.0, 0.2);
    let starts = draw_starts(&m, &spec, 300, 42).unwrap();
    assert_eq!(starts, draw_starts(&m, &spec, 300, 42).unwrap());
    assert_ne!(starts, draw_starts(&m, &spec, 300, 43).unwrap());
    assert!(starts.iter().all(|&s| s < m.valid_starts(&spec)));
    let seq = run_windows(&m, &spec, &starts, || BuiltinPolicy::UniformProgress, false).unwrap();
    let par = run_windows(&m, &spec, &starts, || BuiltinPolicy::UniformProgress, true).unwrap();
    assert_eq!(seq, par);
    assert_eq!(
        serde_json::to_string(&seq).unwrap(),
        serde_json::to_string(&par).unwrap()
    );
    let s = &seq.stats;
    assert_eq!(s.windows, 300);
    assert_eq!(s.deadline_met_fraction, 1.0);
    // The interval as if the windows were independent: t(0.975, 299) ≈ 1.968.
    let (lo, hi) = (s.iid_ci95_low_usd.unwrap(), s.iid_ci95_high_usd.unwrap());
    assert!(lo < s.mean_cost_usd && s.mean_cost_usd < hi);
    assert!(s.min_cost.to_usd_f64() <= lo && hi <= s.max_cost.to_usd_f64());
    let half = (hi - lo) / 2.0;
    let sd = s.sd_cost_usd.unwrap();
    assert!(
        (half / (sd / 300f64.sqrt()) - 1.968).abs() < 1e-3,
        "{half} {sd}"
    );
    // Windows of 60 h (360 ticks of 600 s) on 4,000 ticks: 11 fit side by side; the
    // 3,641 valid starts make ⌊3641/360⌋ = 10 blocks for the block-aware interval,
    // which is wider than the independent one (the windows overlap).
    assert_eq!((s.non_overlapping_windows, s.ci_blocks), (11, 10));
    let (blo, bhi) = (s.ci95_low_usd.unwrap(), s.ci95_high_usd.unwrap());
    assert!(blo < lo && hi < bhi, "[{blo}, {bhi}] vs [{lo}, {hi}]");
    println!(
        "synthetic 4000 ticks, UP, 300 windows: mean ${:.2} ± {:.2} (95% CI), sd {:.2}, min {} max {}",
        s.mean_cost_usd, half, sd, s.min_cost, s.max_cost
    );
}
