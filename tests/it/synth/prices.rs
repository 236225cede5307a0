//! Prices: positive, below on-demand, on the tick, around the Spot Advisor level.

use super::*;

#[test]
fn prices_are_positive_below_ondemand_and_on_the_tick() {
    let p = SynthParams {
        types: 87 + 5, // every built-in type, then cycling
        zones: 3,
        days: 365,
        ..SynthParams::default()
    };
    for m in [
        default_market(1),
        default_market(2),
        synthetic_market(&p, 3),
    ] {
        for (i, pool) in m.pools().iter().enumerate() {
            let od = pool.instance_type.ondemand;
            let steps = m.price_trace(PoolId(i as u32)).steps();
            for &r in steps.values() {
                assert!(
                    r > Rate::ZERO && r < od,
                    "{} {}: {r} vs {od}",
                    pool.instance_type.name,
                    pool.zone
                );
                assert_eq!(r.nano_usd_per_hour() % measured::PRICE_TICK_NANO_USD, 0);
            }
            // Every change point but the closing one is a real change.
            let v = steps.values();
            assert!(v[..v.len() - 1].windows(2).all(|w| w[0] != w[1]));
            assert_eq!(
                v[v.len() - 1],
                v[v.len() - 2],
                "the closing point repeats the last price"
            );
        }
    }
}

/// The Spot Advisor level of each of the first five synthetic types, USD per hour:
/// on-demand × (100 − savings) / 100 from the AWS numbers in [`measured`] (not from the
/// library's catalog or savings table).
fn advisor_levels() -> Vec<(&'static str, f64)> {
    let od = |s: &str| s.parse::<f64>().unwrap();
    let mut v: Vec<(&str, f64)> = measured::DEFAULT_TYPES
        .iter()
        .map(|&(t, o, s)| (t, od(o) * f64::from(100 - s) / 100.0))
        .collect();
    let (t, o) = measured::FIFTH_TYPE;
    v.push((
        t,
        od(o) * f64::from(100 - measured::OTHER_SAVINGS_PCT) / 100.0,
    ));
    v
}

#[test]
fn prices_sit_around_the_spot_advisor_level() {
    // Every price is the level times (2 + x) / (2 − x) with x a mean-reverting walk of
    // stationary sd 0.044189 (a Laplace, scale 0.044189 / √2 = 0.0312). Over the 12
    // pools' ~400 prices of a 30-day market, |x| > 0.3 has probability at most
    // 400 × e^(−0.3 / 0.0312) ≈ 0.03, and x = ±0.3 gives ratios 0.74 and 1.35.
    let levels = advisor_levels();
    let m = default_market(1);
    for (i, pool) in m.pools().iter().enumerate() {
        let level = levels
            .iter()
            .find(|(t, _)| *t == pool.instance_type.name)
            .unwrap()
            .1;
        for r in m.price_trace(PoolId(i as u32)).steps().values() {
            let ratio = r.to_usd_f64() / level;
            assert!(
                (0.74..1.35).contains(&ratio),
                "pool {i}: {r} against level {level}"
            );
        }
    }
}

#[test]
fn long_run_prices_average_the_spot_advisor_level() {
    // Over ten years and ten zones, the time-weighted mean of ln(price / level) of each
    // type is 0 up to noise: ln((2 + x) / (2 − x)) is odd and x is symmetric around 0.
    // Its standard error, for an AR(1)-like walk with per-change correlation 1 − θ =
    // 0.876 over n = 10 × 3650 d / 80,449 s ≈ 39,200 changes, is
    // √(0.044189² × (1 + 0.876) / (1 − 0.876) / n) ≈ 0.0009; the bound is 5 of them.
    // One percentage point of savings moves the level by ln(38 / 37) = 0.027 (m6i.large
    // at 62 % instead of 63 %), 30 standard errors.
    let p = SynthParams {
        types: 5,
        zones: 10,
        days: 3650,
        ..SynthParams::default()
    };
    let m = synthetic_market(&p, 7);
    for (ty, level) in advisor_levels() {
        let (mut w, mut s) = (0f64, 0f64);
        for (i, pool) in m.pools().iter().enumerate() {
            if pool.instance_type.name != ty {
                continue;
            }
            let st = m.price_trace(PoolId(i as u32)).steps();
            for k in 0..st.len() - 1 {
                let dt = (st.times()[k + 1] - st.times()[k]) as f64;
                w += dt;
                s += dt * (st.values()[k].to_usd_f64() / level).ln();
            }
        }
        let mean = s / w;
        println!("{ty}: mean ln(price / level) {mean:+.5}");
        assert!(mean.abs() < 0.0045, "{ty}: {mean}");
    }
}
