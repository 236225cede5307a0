//! Parameters: validation and clamping, unique zone names, 500 pools for a year.

use super::*;

#[test]
fn params_validate_and_clamp() {
    assert!(SynthParams::default().validate().is_ok());
    let bad = [
        SynthParams {
            days: 0,
            ..SynthParams::default()
        },
        SynthParams {
            mean_secs_between_price_changes: 0,
            ..SynthParams::default()
        },
        SynthParams {
            price_step: f64::NAN,
            ..SynthParams::default()
        },
        SynthParams {
            price_spread: -1.0,
            ..SynthParams::default()
        },
        SynthParams {
            base_capacity_min: 5,
            base_capacity_max: 4,
            ..SynthParams::default()
        },
        SynthParams {
            mean_available_secs: -3,
            ..SynthParams::default()
        },
        SynthParams {
            mean_constrained_secs: 0,
            ..SynthParams::default()
        },
        SynthParams {
            constrained_max_pct: 100,
            ..SynthParams::default()
        },
        SynthParams {
            constrained_zero_pct: 101,
            ..SynthParams::default()
        },
    ];
    for p in &bad {
        assert!(p.validate().is_err(), "{p:?}");
        // Invalid parameters never panic: they are clamped. (One day at most: a mean of
        // 1 s between price changes is 86,400 changes per pool-day.)
        let m = synthetic_market(
            &SynthParams {
                types: 2,
                zones: 2,
                days: p.days.min(1),
                ..p.clone()
            },
            1,
        );
        assert_eq!(m.pools().len(), 4);
        assert!(m.span().is_some());
    }
    assert_eq!(
        synthetic_market(
            &SynthParams {
                types: 0,
                ..SynthParams::default()
            },
            1
        )
        .pools()
        .len(),
        0
    );
    // Frozen prices and an always-zero constrained level are valid edge cases.
    let p = SynthParams {
        price_step: 0.0,
        price_spread: 0.0,
        constrained_zero_pct: 100,
        ..SynthParams::default()
    };
    assert!(p.validate().is_ok());
    let m = synthetic_market(&p, 1);
    for i in 0..12 {
        assert_eq!(
            m.price_trace(PoolId(i)).steps().len(),
            2,
            "one price, then the closing point"
        );
        assert!(
            m.capacity_trace(PoolId(i))
                .unwrap()
                .values()
                .iter()
                .all(|&v| v == 0 || v >= 20)
        );
    }
}

#[test]
fn zone_names_are_unique() {
    let p = SynthParams {
        types: 1,
        zones: 100,
        days: 1,
        ..SynthParams::default()
    };
    let m = synthetic_market(&p, 1);
    let mut names: Vec<&str> = m.pools().iter().map(|p| p.zone.as_str()).collect();
    assert_eq!(names[0], "us-east-1a");
    assert_eq!(names[99], "us-east-4v");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 100);
    assert!(m.pools().iter().all(|p| p.zone.kind() == "name"));
}

#[test]
fn five_hundred_pools_for_a_year() {
    let p = SynthParams {
        types: 50,
        zones: 10,
        days: 365,
        ..SynthParams::default()
    };
    let m = synthetic_market(&p, 1);
    // Its speed is measured by benches/synth.rs, not here; this checks the size.
    assert_eq!(m.pools().len(), 500);
    // About 365 d / 80,449 s ≈ 392 price changes and 2 × 365 / 20.08 ≈ 36 capacity
    // changes per pool, plus the opening and closing points: ≈ 215,000 in all.
    let n = m.change_points();
    println!("500 pools x 365 days: {n} change points");
    assert!((200_000..230_000).contains(&n), "{n}");
}
