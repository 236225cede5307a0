//! The block-aware confidence interval of `job --windows` (batch means, `job::windows`)
//! on a synthetic trace whose true variance is known exactly.
//!
//! The trace: 649 one-hour ticks, spot always available, the spot price of each hour
//! drawn independently and uniformly from {$0.01, $0.02, …, $1.00} (mean μ = $0.505,
//! variance σ² = (100² − 1)/12 · 10⁻⁴ = 0.083325). The job: 48 h of work, deadline 52 h,
//! no restart overhead, `spot-only` in tick mode: it runs the first 48 hours of its
//! window on spot, so a window starting at tick `s` costs `c(s) = p_s + … + p_{s+47}`
//! (checked by hand below). 1,000 windows start uniformly on the `V = 649 − 52 + 1 =
//! 598` valid starts.
//!
//! What the windows estimate is the market's expected window cost, `E c = 48 μ =
//! $24.24`. The variance of their mean `M` over a random trace and random starts is,
//! with `c̄` the mean of `c` over the valid starts of one trace:
//!
//! `Var M = Var c̄ + (Var c − Var c̄)/n`, `Var c = 48 σ²`,
//! `Var c̄ = σ²/V² · Σ_t a_t²`, `a_t = #{s < V : s ≤ t ≤ s + 47}`
//!
//! (the law of total variance: given the trace, `M` averages `n` independent draws of
//! `c(s)`, whose variance about `c̄` is `Var c − Var c̄` in expectation).

use spotsim::job::{
    BuiltinPolicy, JobMarket, JobResult, JobSpec, JobTrace, MarketOptions, WindowLayout,
    WindowsReport, draw_starts, run_windows, summarize,
};
use spotsim::money::{Money, Rate};
use spotsim::stats::t975;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

const TICKS: usize = 649;
const WORK: usize = 48;
const DEADLINE: usize = 52;
const WINDOWS: usize = 1000;
const TRACES: u64 = 200;

/// The hourly prices of trace `r`, in cents.
fn cents(r: u64) -> Vec<i64> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EED_0000 + r);
    (0..TICKS).map(|_| rng.random_range(1..=100)).collect()
}

fn market(cents: &[i64]) -> JobMarket {
    let prices: Vec<Rate> = cents
        .iter()
        .map(|c| Rate::parse_usd(&format!("{}.{:02}", c / 100, c % 100)).unwrap())
        .collect();
    let t = JobTrace::new(3600, vec![1; TICKS])
        .unwrap()
        .with_prices(prices)
        .unwrap();
    JobMarket::single(&t, &MarketOptions::ondemand(Rate::parse_usd("3").unwrap())).unwrap()
}

/// A window that cost `cents`.
fn result(cents: i64) -> JobResult {
    let z = Money::ZERO;
    JobResult {
        total_cost: Money::from_nano_usd(cents * 10_000_000),
        compute_cost: z,
        probe_cost: z,
        egress_cost: z,
        deadline_met: true,
        finish_ms: 0,
        spot_ms: 0,
        ondemand_ms: 0,
        idle_ms: 0,
        preemptions: 0,
        restarts: 0,
        migrations: 0,
        probes: 0,
        ondemand_only_cost: z,
        savings_pct: 0.0,
        start_tick: 0,
        ticks: 0,
        remaining_work_ms: 0,
        infeasible_spot_requests: 0,
    }
}

/// `Var M` of the module docs, in USD².
fn true_variance() -> f64 {
    let sigma2 = (100.0f64 * 100.0 - 1.0) / 12.0 * 1e-4;
    let v = TICKS - DEADLINE + 1;
    let sum_a2: f64 = (0..v + WORK)
        .map(|t| {
            let a = (0..v).filter(|&s| s <= t && t < s + WORK).count() as f64;
            a * a
        })
        .sum();
    let var_cbar = sigma2 / (v * v) as f64 * sum_a2;
    let var_c = WORK as f64 * sigma2;
    var_cbar + (var_c - var_cbar) / WINDOWS as f64
}

#[test]
fn block_aware_interval_covers_the_true_mean_where_the_iid_one_does_not() {
    let spec = JobSpec::from_hours(WORK as f64, DEADLINE as f64, 0.0).unwrap();
    let truth = WORK as f64 * 0.505;
    let var = true_variance();
    let (mut covered, mut covered_iid) = (0usize, 0usize);
    let (mut est, mut est_iid) = (0.0f64, 0.0f64);
    let mut means = Vec::new();
    for r in 0..TRACES {
        let c = cents(r);
        let m = market(&c);
        let starts = draw_starts(&m, &spec, WINDOWS, r + 1).unwrap();
        // A window's cost is the sum of its first 48 hourly prices.
        let results: Vec<JobResult> = starts
            .iter()
            .map(|&s| result(c[s..s + WORK].iter().sum()))
            .collect();
        let rep = WindowsReport {
            stats: summarize(&results, &starts, WindowLayout::of(&m, &spec)),
            starts,
            results,
        };
        if r == 0 {
            // What the simulator says for trace 0: the same costs, the same statistics
            // (the other traces take the sums directly, to keep the test fast).
            let sim =
                run_windows(&m, &spec, &rep.starts, || BuiltinPolicy::SpotOnly, true).unwrap();
            for (a, b) in sim.results.iter().zip(&rep.results) {
                assert_eq!(a.total_cost, b.total_cost);
            }
            assert_eq!(
                (sim.stats.ci95_low_usd, sim.stats.ci95_high_usd),
                (rep.stats.ci95_low_usd, rep.stats.ci95_high_usd)
            );
        }
        let st = &rep.stats;
        assert_eq!((st.non_overlapping_windows, st.ci_blocks), (12, 11));
        let (lo, hi) = (st.ci95_low_usd.unwrap(), st.ci95_high_usd.unwrap());
        let (ilo, ihi) = (st.iid_ci95_low_usd.unwrap(), st.iid_ci95_high_usd.unwrap());
        covered += usize::from(lo <= truth && truth <= hi);
        covered_iid += usize::from(ilo <= truth && truth <= ihi);
        est += ((hi - lo) / 2.0 / t975(st.ci_blocks - 1)).powi(2);
        est_iid += ((ihi - ilo) / 2.0 / t975(WINDOWS - 1)).powi(2);
        means.push(st.mean_cost_usd);
    }
    let n = TRACES as f64;
    // The formula is right: the 200 means vary as it says (the sample variance of 200
    // normal-ish values is within ±30 % of the truth far beyond 99 % of the time).
    let mbar = means.iter().sum::<f64>() / n;
    let observed = means.iter().map(|m| (m - mbar).powi(2)).sum::<f64>() / (n - 1.0);
    assert!(
        (observed / var - 1.0).abs() < 0.3,
        "observed {observed}, formula {var}"
    );
    let (cov, cov_iid) = (covered as f64 / n, covered_iid as f64 / n);
    let (ratio, ratio_iid) = (est / n / var, est_iid / n / var);
    println!(
        "true Var(mean) {var:.4} (sd ${:.3}); block-aware: coverage {:.1} %, variance estimate / truth {ratio:.3}; iid: coverage {:.1} %, variance estimate / truth {ratio_iid:.4} (1/{:.0})",
        var.sqrt(),
        100.0 * cov,
        100.0 * cov_iid,
        1.0 / ratio_iid
    );
    // Nominal 95 %. Batch means with blocks one window long leave some correlation
    // between neighbouring blocks (their border windows overlap), which theory puts at
    // an underestimate of the variance by up to a third — about 90 % coverage with 10
    // degrees of freedom; 0.85 is more than two standard errors (0.02 over 200 traces)
    // below that.
    assert!(cov >= 0.85, "block-aware coverage {cov}");
    assert!(
        (0.6..=1.3).contains(&ratio),
        "block-aware variance ratio {ratio}"
    );
    // The independent-windows interval: half-width ≈ 1.96·√(Var c / n) ≈ $0.124 against
    // a true sd of the mean of ≈ $0.57, so coverage ≈ P(|Z| < 0.22) ≈ 17 %.
    assert!(cov_iid <= 0.35, "iid coverage {cov_iid}");
    assert!(ratio_iid < 0.1, "iid variance ratio {ratio_iid}");
}
