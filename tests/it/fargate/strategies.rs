//! Capacity provider strategies (base and weight).

use super::*;

fn strategy(items: &[(Provider, u32, u32)]) -> Result<CapacityProviderStrategy, FargateError> {
    CapacityProviderStrategy::new(
        items
            .iter()
            .map(|&(p, b, w)| StrategyItem::new(p, b, w))
            .collect(),
    )
}

use Provider::{Fargate as F, FargateSpot as S};

#[test]
fn weights_1_and_4() {
    let s = strategy(&[(F, 0, 1), (S, 0, 4)]).unwrap();
    // One-at-a-time, lowest assigned/weight, ties to the first listed:
    // A, B, B, B, B, A, B, B, B, B, A, …
    let expect = [
        (0, 0),
        (1, 0),
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 4),
        (2, 5),
        (2, 6),
        (2, 7),
        (2, 8),
        (3, 8),
    ];
    for (n, e) in expect.iter().enumerate() {
        assert_eq!(s.split(n as u32), *e, "{n} tasks");
    }
    assert_eq!(s.split(1000), (200, 800));
    assert_eq!(s.split(1003), (201, 802));
    // Listed the other way round, the tie goes to FARGATE_SPOT first.
    let s = strategy(&[(S, 0, 4), (F, 0, 1)]).unwrap();
    assert_eq!(s.split(1), (0, 1));
    assert_eq!(s.split(5), (1, 4));
    assert_eq!(s.split(6), (1, 5));
}

#[test]
fn base_then_weights() {
    // base 2 on FARGATE + 1:1, 7 tasks: 2 base, then F S F S F → FARGATE 5, SPOT 2.
    let s = strategy(&[(F, 2, 1), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(7), (5, 2));
    assert_eq!(s.split_items(7), vec![5, 2]);
    assert_eq!(s.split(1), (1, 0), "the base is filled first");
    assert_eq!(s.split(2), (2, 0));
    assert_eq!(s.split(3), (3, 0));
    assert_eq!(s.split(4), (3, 1));
    // Same, FARGATE_SPOT listed first: 2 base on FARGATE, then S F S F S → 4 / 3.
    let s = strategy(&[(S, 0, 1), (F, 2, 1)]).unwrap();
    assert_eq!(s.split(7), (4, 3));
    assert_eq!(s.split_items(7), vec![3, 4]);
    // A base on an item with weight 0: only the base goes there.
    let s = strategy(&[(F, 3, 0), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(10), (3, 7));
    assert_eq!(s.split(2), (2, 0));
    // The common "1 on-demand base, rest spot" setup.
    let s = strategy(&[(F, 1, 0), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(0), (0, 0));
    assert_eq!(s.split(20), (1, 19));
    // Weights 2:3 over 7 tasks: A B A B B (5 = one round), then A B → 3 / 4.
    let s = strategy(&[(F, 0, 2), (S, 0, 3)]).unwrap();
    assert_eq!(s.split(5), (2, 3));
    assert_eq!(s.split(7), (3, 4));
    assert_eq!(CapacityProviderStrategy::only(F).split(9), (9, 0));
}

#[test]
fn strategy_validation() {
    let msg = |r: Result<CapacityProviderStrategy, FargateError>| err(r).to_string();
    assert_eq!(
        msg(strategy(&[])),
        "a capacity provider strategy needs at least one item"
    );
    assert_eq!(
        msg(strategy(&[(F, 1, 1), (S, 2, 1)])),
        "only one item of a capacity provider strategy may set `base`"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1001)])),
        "weight 1001 of FARGATE is out of range; it must be 0–1000"
    );
    assert_eq!(
        msg(strategy(&[(S, 100_001, 1)])),
        "base 100001 of FARGATE_SPOT is out of range; it must be 0–100000"
    );
    assert_eq!(
        msg(strategy(&[(F, 5, 0), (S, 0, 0)])),
        "at least one item of a capacity provider strategy must have a weight above 0"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1), (F, 0, 2)])),
        "capacity provider FARGATE is listed twice in the strategy"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1); 7])),
        "a capacity provider strategy has at most 6 items, not 7"
    );
    // The limits themselves are accepted.
    assert!(strategy(&[(F, 100_000, 1000), (S, 0, 0)]).is_ok());
    let c: ConfigError = err(strategy(&[])).into();
    assert_eq!(c.option, "mix-weights");
    assert_eq!(
        err("EC2".parse::<Provider>()).to_string(),
        "unknown capacity provider `EC2`; valid: FARGATE, FARGATE_SPOT"
    );
}
