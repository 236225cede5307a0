//! Capacity: documented bounds, rare and short constrained spells, the default market's interruption rate by hand derivation.

use super::*;

#[test]
fn capacities_are_within_documented_bounds() {
    let params = [
        SynthParams::default(),
        SynthParams {
            types: 10,
            zones: 4,
            days: 365,
            mean_available_secs: 2 * DAY,
            base_capacity_min: 3,
            base_capacity_max: 9,
            constrained_max_pct: 50,
            ..SynthParams::default()
        },
    ];
    for p in &params {
        for seed in 0..4 {
            let m = synthetic_market(p, seed);
            for i in 0..m.pools().len() {
                let c = m.capacity_trace(PoolId(i as u32)).unwrap();
                let v = c.values();
                assert!(v.iter().all(|&x| x <= p.base_capacity_max));
                // The base is the largest value when the pool was ever available; every
                // other value is a constrained level, at most base × pct / 100.
                let base = *v.iter().max().unwrap();
                let low_max = base * p.constrained_max_pct / 100;
                if v.iter().any(|&x| x > low_max) {
                    assert!((p.base_capacity_min..=p.base_capacity_max).contains(&base));
                    assert!(
                        v.iter().all(|&x| x == base || x <= low_max),
                        "pool {i}: {v:?}"
                    );
                }
                assert!(v[..v.len() - 1].windows(2).all(|w| w[0] != w[1]));
            }
        }
    }
}

#[test]
fn defaults_make_constrained_spells_rare_and_short() {
    // Over a long span, the generated capacity reproduces the chosen durations.
    let p = SynthParams {
        types: 20,
        zones: 5,
        days: 3650,
        ..SynthParams::default()
    };
    let m = synthetic_market(&p, 1);
    let (mut constrained_secs, mut total_secs, mut spells) = (0i64, 0i64, 0u64);
    for i in 0..m.pools().len() {
        let c = m.capacity_trace(PoolId(i as u32)).unwrap();
        let base = *c.values().iter().max().unwrap();
        for k in 0..c.len() - 1 {
            let dt = c.times()[k + 1] - c.times()[k];
            total_secs += dt;
            if c.values()[k] < base {
                constrained_secs += dt;
                spells += 1;
            }
        }
    }
    // The durations: constrained spells the measured V100 mean unavailable run
    // (6,672 s), available spells the model's 20 days. About 100 pools × 3650 d / 20 d
    // = 18,000 spells: the mean of that many exponentials has a relative standard error
    // of 1 / √18,000 = 0.75 %, the constrained share (a ratio of two such sums) about
    // 1.1 %; the bounds are 4 % (over 3.5 standard errors).
    let (c, a) = (
        measured::V100_MEAN_UNAVAILABLE_SECS as f64,
        measured::DEFAULT_MEAN_AVAILABLE_SECS as f64,
    );
    let frac = constrained_secs as f64 / total_secs as f64;
    let want = c / (c + a);
    println!("constrained share {frac:.6} (model {want:.6}), {spells} spells");
    assert!(
        (frac / want - 1.0).abs() < 0.04,
        "constrained fraction {frac} vs {want}"
    );
    let mean = constrained_secs as f64 / spells as f64;
    println!("mean constrained spell {mean:.0} s (model {c} s)");
    assert!(
        (mean / c - 1.0).abs() < 0.04,
        "mean constrained spell {mean} vs {c}"
    );
}

/// The default capacity model, from its documented parameters (module docs, *Capacity
/// model*), written out here: a pool's base is uniform in 20..=60; a constrained spell
/// leaves L = 0 with probability 1/3, else L uniform in 1..=⌊base × 20 / 100⌋.
/// Returns (P(L = l) for l in 0..=12) for a base.
fn constrained_level_pmf(base: u32) -> Vec<f64> {
    let low_max = base * 20 / 100;
    let mut p = vec![0.0; 13];
    p[0] = 1.0 / 3.0;
    for l in 1..=low_max {
        p[l as usize] += 2.0 / 3.0 / f64::from(low_max);
    }
    p
}

/// E[(n − L)⁺] and E[((n − L)⁺)²]: what a constrained spell interrupts in a pool of
/// `base` where the fleet holds `n`.
fn interrupted_moments(n: u32, base: u32) -> (f64, f64) {
    constrained_level_pmf(base)
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(m1, m2), (l, p)| {
            let x = f64::from(n.saturating_sub(l as u32));
            (m1 + p * x, m2 + p * x * x)
        })
}

/// SplitMix64, written out (the test's own generator, not the library's).
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn default_market_interrupts_a_handful_per_week() {
    // The documented scale of the default capacity model: a fleet of 20 sees a handful
    // of interruptions per week. The expected rate follows from the calibration alone:
    //
    // * A pool enters a constrained spell once per available + constrained period,
    //   A + C = 20 d + 6,672 s (the model's 20 days, the measured V100 mean unavailable
    //   run): r = 7 d / (A + C) = 604,800 / 1,734,672 = 0.34865 spells per pool-week.
    // * A spell in a pool holding n instances interrupts (n − L)⁺ (L as in
    //   `constrained_level_pmf`). The rate is r × Σ over pools of E[(nᵢ − Lᵢ)⁺].
    // * lowest-price holds the whole fleet in the cheapest pool, whatever its base:
    //   E[L] = (1 + E⌊b / 5⌋) / 3 = (1 + 312 / 41) / 3 = 2.8699, so r × (20 − 2.8699) =
    //   5.972 a week (an interrupted fleet's replacements go to the next cheapest pool,
    //   leaving L behind: fragmentation can only lower this a little).
    // * capacity-optimized places instance by instance into the pool with the most spare
    //   capacity (water-filling the deepest pools); the expectation over 12 random bases
    //   is computed below by a second, simpler implementation: ≈ 3.69 a week.
    // * Per 30-day run the count is compound Poisson (λ = r × 30 / 7 = 1.494 spells per
    //   pool), variance λ × Σ E[((nᵢ − Lᵢ)⁺)²]: a per-run sd of ≈ 4.96 (lowest-price)
    //   and ≈ 2.41 (capacity-optimized) interruptions a week. The mean over N = 400
    //   seeds must be within 3 standard errors (3 sd / √N) of the expectation.
    //
    // Measured (seeds 1–400): capacity-optimized 3.695, lowest-price 5.853 a week.
    let r = 7.0 * 86_400.0 / (20.0 * 86_400.0 + 6_672.0);
    let lambda = r * 30.0 / 7.0;
    let weeks = 30.0 / 7.0;
    // lowest-price: exact over the 41 equally likely bases.
    let (mut lp_m1, mut lp_m2) = (0.0, 0.0);
    for b in 20..=60 {
        let (m1, m2) = interrupted_moments(20, b);
        lp_m1 += m1 / 41.0;
        lp_m2 += m2 / 41.0;
    }
    // capacity-optimized: 20,000 draws of 12 bases, water-filled one instance at a time.
    let (mut co_m1, mut co_m2) = (0.0, 0.0);
    let mut state = 16;
    let draws = 20_000;
    for _ in 0..draws {
        let bases: Vec<u32> = (0..12)
            .map(|_| 20 + (splitmix(&mut state) % 41) as u32)
            .collect();
        let mut held = [0u32; 12];
        for _ in 0..20 {
            let i = (0..12)
                .max_by_key(|&i| (bases[i] - held[i], 12 - i))
                .unwrap();
            held[i] += 1;
        }
        for i in 0..12 {
            let (m1, m2) = interrupted_moments(held[i], bases[i]);
            co_m1 += m1 / f64::from(draws);
            co_m2 += m2 / f64::from(draws);
        }
    }
    let expect = |m1: f64, m2: f64| (r * m1, (lambda * m2).sqrt() / weeks);
    let (lp_want, lp_sd) = expect(lp_m1, lp_m2);
    let (co_want, co_sd) = expect(co_m1, co_m2);
    println!(
        "expected a week: lowest-price {lp_want:.3} (sd {lp_sd:.2}), capacity-optimized {co_want:.3} (sd {co_sd:.2})"
    );
    assert!((lp_want - 5.972).abs() < 0.001, "{lp_want}");

    let n = 400u64;
    let (mut co, mut lp) = (0u64, 0u64);
    for seed in 1..=n {
        let m = default_market(seed);
        let mut cfg = FleetConfig::new(Target::Constant(20));
        cfg.seed = seed;
        let out = Simulation::new(&m, cfg.clone(), CapacityOptimized)
            .run()
            .unwrap();
        co += out.spot.iter().map(|t| t.interruptions).sum::<u64>();
        let out = Simulation::new(&m, cfg, LowestPrice::keep_running())
            .run()
            .unwrap();
        lp += out.spot.iter().map(|t| t.interruptions).sum::<u64>();
    }
    let k = n as f64;
    let (co, lp) = (co as f64 / k / weeks, lp as f64 / k / weeks);
    println!("interruptions per week, target 20: capacity-optimized {co:.3}, lowest-price {lp:.3}");
    let within = |got: f64, want: f64, sd: f64| (got - want).abs() <= 3.0 * sd / k.sqrt();
    assert!(
        within(co, co_want, co_sd),
        "capacity-optimized: {co:.3} a week, expected {co_want:.3} ± {:.3}",
        3.0 * co_sd / k.sqrt()
    );
    assert!(
        within(lp, lp_want, lp_sd),
        "lowest-price: {lp:.3} a week, expected {lp_want:.3} ± {:.3}",
        3.0 * lp_sd / k.sqrt()
    );
}
