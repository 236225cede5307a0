//! Determinism and shape: same seed same market, defaults, growth, pools and spans.

use super::*;

#[test]
fn same_seed_same_market() {
    for seed in [0, 1, 2, u64::MAX] {
        assert_same(&default_market(seed), &default_market(seed));
    }
    let p = SynthParams {
        types: 13,
        zones: 5,
        days: 90,
        ..SynthParams::default()
    };
    assert_same(&synthetic_market(&p, 42), &synthetic_market(&p, 42));
}

#[test]
fn default_params_are_the_default_market() {
    assert_same(
        &synthetic_market(&SynthParams::default(), 5),
        &default_market(5),
    );
}

#[test]
fn different_seeds_differ() {
    let a = default_market(1);
    for seed in [0, 2, 3, 1 << 40] {
        let b = default_market(seed);
        assert!(differs(&a, &b), "seed {seed} equals seed 1");
        // Every single pool should differ, not just one.
        for i in 0..12u32 {
            assert_ne!(
                a.price_trace(PoolId(i)),
                b.price_trace(PoolId(i)),
                "pool {i} seed {seed}"
            );
        }
    }
}

#[test]
fn growing_a_market_keeps_existing_pools() {
    let small = SynthParams {
        types: 3,
        zones: 2,
        ..SynthParams::default()
    };
    let big = SynthParams {
        types: 5,
        zones: 4,
        ..SynthParams::default()
    };
    let (a, b) = (synthetic_market(&small, 9), synthetic_market(&big, 9));
    for t in 0..3u32 {
        for z in 0..2u32 {
            let (pa, pb) = (PoolId(t * 2 + z), PoolId(t * 4 + z));
            assert_eq!(a.pool(pa), b.pool(pb));
            assert_eq!(a.price_trace(pa), b.price_trace(pb));
            assert_eq!(a.capacity_trace(pa), b.capacity_trace(pb));
        }
    }
}

#[test]
fn default_market_has_the_documented_pools() {
    let m = default_market(1);
    assert_eq!(m.pools().len(), 12);
    assert_eq!(m.product(), "Linux/UNIX");
    let cat = Catalog::builtin();
    let mut i = 0;
    for ty in ["m5.large", "m6i.large", "m6a.large", "m7i.large"] {
        for az in ["us-east-1a", "us-east-1b", "us-east-1c"] {
            let p = m.pool(PoolId(i));
            assert_eq!(p.instance_type.name, ty);
            assert_eq!(&p.instance_type, cat.get(ty).unwrap());
            assert_eq!(
                (p.instance_type.vcpu, p.instance_type.memory_mib),
                (2, 8192)
            );
            assert_eq!(p.zone.as_str(), az);
            assert_eq!(p.zone.kind(), "name");
            assert_eq!(p.weight, 1);
            assert!(m.capacity_trace(PoolId(i)).is_some());
            i += 1;
        }
    }
}

/// Every trace starts at `start` and ends at `start + days`.
fn check_spans(m: &Market, start: SimTime, days: u32) {
    let end = start.plus(i64::from(days) * DAY);
    assert_eq!(m.span(), Some((start, end)));
    for i in 0..m.pools().len() {
        let p = PoolId(i as u32);
        assert_eq!(
            m.price_trace(p).steps().span(),
            Some((start, end)),
            "price {i}"
        );
        let c = m
            .capacity_trace(p)
            .expect("every synthetic pool has a capacity trace");
        assert_eq!(c.span(), Some((start, end)), "capacity {i}");
    }
}

#[test]
fn spans_are_as_documented() {
    let m = default_market(1);
    check_spans(&m, synth::DEFAULT_START, 30);
    assert_eq!(
        synth::DEFAULT_START,
        SimTime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap()
    );
    let (a, b) = m.span().unwrap();
    assert_eq!(b.since(a), 30 * DAY);
    for (days, start) in [
        (1, SimTime(0)),
        (7, SimTime(1_600_000_000)),
        (400, synth::DEFAULT_START),
    ] {
        let p = SynthParams {
            types: 3,
            zones: 2,
            days,
            start,
            ..SynthParams::default()
        };
        check_spans(&synthetic_market(&p, 11), start, days);
    }
}
