//! Price-driven replacement with pool counts, called directly on hand-built views.

use super::*;

fn moves(w: &World, s: &mut dyn AllocationStrategy, changed: &[u32]) -> Vec<(u32, u32, u32)> {
    let changed: Vec<PoolId> = changed.iter().map(|&c| PoolId(c)).collect();
    let mut out = Vec::new();
    s.on_price_change(&changed, &w.view(), &w.fleet(), &mut out);
    out.iter().map(|m| (m.from.0, m.to.0, m.count)).collect()
}

#[test]
fn replacement_without_pool_count_moves_everything_to_the_cheapest() {
    // The fleet sits in pools 1 (0.02) and 2 (0.03); pool 0 is cheapest.
    let pools = [
        pl("m5.large", ZA, "0.01"),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03").spot(2),
    ];
    let w = World::new(&pools, false);
    assert_eq!(
        moves(&w, &mut LowestPrice::default(), &[0]),
        vec![(2, 0, 2), (1, 0, 2)]
    );
    assert!(moves(&w, &mut LowestPrice::keep_running(), &[0]).is_empty());
    // A change in an unrelated dearer pool is ignored.
    let pools = [
        pl("m5.large", ZA, "0.01").spot(2),
        pl("m5.large", ZB, "0.05"),
    ];
    assert!(
        moves(
            &World::new(&pools, false),
            &mut LowestPrice::default(),
            &[1]
        )
        .is_empty()
    );
}

#[test]
fn replacement_with_a_pool_count_keeps_the_split() {
    // N = 2: pools 0 and 1 are the two cheapest; the fleet holds 2 in pool 1 and 2 in
    // pool 3 (now outside the two cheapest). Only pool 3's instances move, balanced
    // over pools 0 and 1 (pool 0 is empty, so both go there).
    let pools = [
        pl("m5.large", ZA, "0.01"),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03"),
        pl("c5.large", ZA, "0.04").spot(2),
    ];
    let w = World::new(&pools, false);
    let mut s = LowestPrice::default().with_pools(2, PoolScope::Fleet);
    assert_eq!(moves(&w, &mut s, &[0]), vec![(3, 0, 2)]);
    // With pool 0 full, pool 2 (the spill) takes them instead.
    let mut pools2 = pools;
    pools2[0] = pools2[0].cap(0);
    assert_eq!(
        moves(&World::new(&pools2, false), &mut s, &[0]),
        vec![(3, 2, 2)]
    );
    // A full pool the fleet occupies still counts as one of the N: nothing moves.
    let pools3 = [
        pl("m5.large", ZA, "0.01").cap(2).spot(2),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03"),
    ];
    assert!(moves(&World::new(&pools3, false), &mut s, &[0, 1]).is_empty());
    // Per AZ: pool 3 (c5 a) moves within zone a, to pool 0 (m5 a), not to pool 1.
    let mut s = LowestPrice::default().with_pools(1, PoolScope::PerAz);
    assert_eq!(moves(&w, &mut s, &[0]), vec![(3, 0, 2)]);
}

#[test]
fn replacement_with_weights_converts_units() {
    // 3 m5.large (1 unit, 0.05) → m5.xlarge (2 units, 0.08 = 0.04 per unit) with 1
    // spare instance: 2 small ones fit in it (relaunched as 1), the third stays.
    let pools = [
        pl("m5.large", ZA, "0.05").spot(3),
        pl("m5.xlarge", ZA, "0.08").w(2).cap(1),
    ];
    let w = World::new(&pools, false);
    assert_eq!(
        moves(&w, &mut LowestPrice::default(), &[1]),
        vec![(0, 1, 2)]
    );
    assert_eq!(
        moves(
            &w,
            &mut LowestPrice::default().with_pools(1, PoolScope::Fleet),
            &[1]
        ),
        vec![(0, 1, 2)]
    );
}
