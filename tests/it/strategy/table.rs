//! The table of choices: each strategy on hand-built views, and what every strategy must
//! respect (max price, masks, nothing launchable, need zero, cited assumptions).

use super::*;

struct Case {
    name: &'static str,
    /// The strategy as TOML (`name = "…"` plus parameters).
    strategy: &'static str,
    pools: &'static [Pl],
    hazard: bool,
    need: u32,
    /// Instances launched per pool.
    want: &'static [u32],
    option: PurchaseOption,
}

const CASES: &[Case] = &[
    // ---- lowest-price (§1.3)
    Case {
        name: "lowest-price: cheapest with capacity, then the next cheapest",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.03").cap(10),
            pl("m5.large", ZB, "0.01").cap(3),
            pl("m5.large", ZC, "0.02").cap(4),
        ],
        hazard: false,
        need: 9,
        want: &[2, 3, 4],
        option: SPOT,
    },
    Case {
        name: "lowest-price: unpriced pools and pools without spare capacity are skipped",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.01").unpriced(),
            pl("m5.large", ZB, "0.02").cap(2).spot(2),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 3,
        want: &[0, 0, 3],
        option: SPOT,
    },
    Case {
        name: "lowest-price: compares price per unit (0.08 for 2 units beats 0.05 for 1)",
        strategy: r#"name = "lowest-price""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 4,
        want: &[0, 2],
        option: SPOT,
    },
    Case {
        name: "lowest-price: rounds up to whole instances",
        strategy: r#"name = "lowest-price""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 5,
        want: &[0, 3],
        option: SPOT,
    },
    Case {
        name: "lowest-price: weighted spill counts units",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.05"),
            pl("m5.xlarge", ZA, "0.08").w(2).cap(1),
        ],
        hazard: false,
        need: 5,
        want: &[3, 1],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: even split over the two cheapest",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: FOUR,
        hazard: false,
        need: 6,
        want: &[3, 3, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: odd remainder to the cheaper",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: FOUR,
        hazard: false,
        need: 5,
        want: &[3, 2, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: balances against what the fleet holds",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").spot(2),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 4,
        want: &[1, 3, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: a full pool spills to the next cheapest",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 6,
        want: &[1, 3, 2, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: fewer pools with capacity than N",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(0),
            pl("m5.large", ZB, "0.02").cap(0),
            pl("m5.large", ZC, "0.03").cap(0),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 6,
        want: &[0, 0, 0, 6],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2 (fleet): the two cheapest of the fleet",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: GRID,
        hazard: false,
        need: 4,
        want: &[2, 0, 2, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=1 per-az: the cheapest of each zone",
        strategy: "name = \"lowest-price\"\npools = 1\npool-scope = \"per-az\"",
        pools: GRID,
        hazard: false,
        need: 4,
        want: &[2, 2, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2 per-az: all four pools",
        strategy: "name = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"",
        pools: GRID,
        hazard: false,
        need: 8,
        want: &[2, 2, 2, 2],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=1 per-az: a full pool spills within its zone",
        strategy: "name = \"lowest-price\"\npools = 1\npool-scope = \"per-az\"",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.03"),
            pl("c5.large", ZA, "0.02"),
            pl("c5.large", ZB, "0.04"),
        ],
        hazard: false,
        need: 4,
        want: &[1, 1, 2, 0],
        option: SPOT,
    },
    // ---- capacity-optimized (§1.3)
    Case {
        name: "capacity-optimized: deepest first, ties to the cheaper",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(5),
            pl("m5.large", ZB, "0.09").cap(10),
        ],
        hazard: false,
        need: 8,
        want: &[2, 6],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: hazard breaks ties between unlimited pools",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").hz(0.02),
            pl("m5.large", ZB, "0.03").hz(0.01),
            pl("m5.large", ZC, "0.02").hz(0.01),
        ],
        hazard: true,
        need: 3,
        want: &[0, 0, 3],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: spare capacity before hazard",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10).hz(0.05),
            pl("m5.large", ZB, "0.01").cap(5).hz(0.001),
        ],
        hazard: true,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: weights (need in units, tie to the cheaper per unit)",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.xlarge", ZA, "0.08").w(2).cap(10),
            pl("m5.large", ZA, "0.05").cap(10),
        ],
        hazard: false,
        need: 4,
        want: &[2, 1],
        option: SPOT,
    },
    // ---- price-capacity-optimized (§1.3)
    Case {
        name: "price-capacity-optimized: the cheapest of the top capacity tier",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(3),
            pl("m5.large", ZB, "0.03").cap(10),
            pl("m5.large", ZC, "0.02").cap(8),
        ],
        hazard: false,
        need: 1,
        want: &[0, 0, 1],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: spills to the next tier as pools fill",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(3),
            pl("m5.large", ZB, "0.03").cap(10),
            pl("m5.large", ZC, "0.02").cap(8),
        ],
        hazard: false,
        need: 12,
        want: &[1, 5, 6],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: capacity-tier 1 is capacity-optimized",
        strategy: "name = \"price-capacity-optimized\"\ncapacity-tier = 1.0",
        pools: &[
            pl("m5.large", ZA, "0.05").cap(10),
            pl("m5.large", ZB, "0.01").cap(9),
        ],
        hazard: false,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: the default tier (½) admits the cheaper pool",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.05").cap(10),
            pl("m5.large", ZB, "0.01").cap(9),
        ],
        hazard: false,
        need: 1,
        want: &[0, 1],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: unlimited pools are the deepest",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1000),
            pl("m5.large", ZB, "0.05"),
        ],
        hazard: false,
        need: 3,
        want: &[0, 3],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: the hazard tier (at most twice the lowest)",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.05").hz(0.01),
            pl("m5.large", ZB, "0.01").hz(0.03),
            pl("m5.large", ZC, "0.02").hz(0.015),
        ],
        hazard: true,
        need: 4,
        want: &[0, 0, 4],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: price per unit",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 3,
        want: &[0, 2],
        option: SPOT,
    },
    // ---- capacity-optimized-prioritized (§1.3)
    Case {
        name: "capacity-optimized-prioritized: priority wins within the tier",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\", \"m5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.05").cap(6),
        ],
        hazard: false,
        need: 1,
        want: &[0, 1],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: priority outside the tier is not honoured",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\", \"m5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.05").cap(4),
        ],
        hazard: false,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: equal priority goes to more spare capacity",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.01").cap(6),
            pl("c5.large", ZB, "0.05").cap(8),
        ],
        hazard: false,
        need: 3,
        want: &[0, 1, 2],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: unlisted types come last",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"r5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.02").cap(10),
            pl("c5.large", ZA, "0.01").cap(10),
            pl("r5.large", ZA, "0.09").cap(6),
        ],
        hazard: false,
        need: 1,
        want: &[0, 0, 1],
        option: SPOT,
    },
    // ---- diversified (§1.3)
    Case {
        name: "diversified: an even spread, remainder to the cheaper",
        strategy: r#"name = "diversified""#,
        pools: FOUR,
        hazard: false,
        need: 10,
        want: &[3, 3, 2, 2],
        option: SPOT,
    },
    Case {
        name: "diversified: never at or above on-demand (m5.large on-demand is 0.096)",
        strategy: r#"name = "diversified""#,
        pools: &[
            pl("m5.large", ZA, "0.096"),
            pl("m5.large", ZB, "0.5"),
            pl("m5.large", ZC, "0.0959"),
        ],
        hazard: false,
        need: 5,
        want: &[0, 0, 5],
        option: SPOT,
    },
    Case {
        name: "diversified: balances against the fleet and skips full pools",
        strategy: r#"name = "diversified""#,
        pools: &[
            pl("m5.large", ZA, "0.01").spot(3),
            pl("m5.large", ZB, "0.02").cap(1),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 4,
        want: &[0, 1, 3],
        option: SPOT,
    },
    // ---- on-demand (§1.4)
    Case {
        name: "on-demand: the cheapest on-demand type (c5.large 0.085 < m5.large 0.096), its zones balanced",
        strategy: r#"name = "on-demand""#,
        pools: &[
            pl("m5.large", ZA, "0.01"),
            pl("m5.large", ZB, "0.01"),
            pl("c5.large", ZA, "0.5").od(2),
            pl("c5.large", ZB, "0.5"),
        ],
        hazard: false,
        need: 4,
        want: &[0, 0, 1, 3],
        option: OD,
    },
    Case {
        name: "on-demand: ignores spot prices and capacity; price per unit (m5.xlarge as 3 units)",
        strategy: r#"name = "on-demand""#,
        pools: &[
            pl("c5.large", ZA, "0.01").unpriced(),
            pl("m5.xlarge", ZA, "0.01").w(3).cap(0),
        ],
        hazard: false,
        need: 7,
        want: &[0, 3],
        option: OD,
    },
    // ---- ASG order of operations (§1.3)
    Case {
        name: "az-balance: zones first, then capacity-optimized within each",
        strategy: "name = \"capacity-optimized\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(100),
            pl("m5.large", ZB, "0.01").cap(10),
            pl("c5.large", ZB, "0.01").cap(20),
        ],
        hazard: false,
        need: 4,
        want: &[2, 0, 2],
        option: SPOT,
    },
    Case {
        name: "az-balance: counts spot and on-demand instances per zone",
        strategy: "name = \"lowest-price\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").spot(1).od(2),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03").spot(1),
        ],
        hazard: false,
        need: 4,
        want: &[0, 3, 1],
        option: SPOT,
    },
    Case {
        name: "az-balance: a zone that runs short is rebalanced over the others",
        strategy: "name = \"lowest-price\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 7,
        want: &[1, 3, 3],
        option: SPOT,
    },
    Case {
        name: "az-balance: a second ask to a zone sees the first one's launches",
        strategy: "name = \"capacity-optimized\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.01").cap(3),
            pl("c5.large", ZB, "0.01").cap(2),
            pl("m5.large", ZC, "0.01"),
        ],
        hazard: false,
        need: 6,
        // Round 1: a 1 (short), b 2 (both in m5 b: 3 vs 2 spare), c 2. Round 2: the
        // missing 1 to b, whose m5 pool now has 1 spare and c5 2: c5.
        want: &[1, 2, 1, 2],
        option: SPOT,
    },
];

#[test]
fn table_of_choices() {
    let mut failures = Vec::new();
    for c in CASES {
        let w = World::new(c.pools, c.hazard);
        let mut s = spec(c.strategy).build(&[]);
        let out = w.decide(&mut *s, c.need);
        let mut got = vec![0u32; c.pools.len()];
        for l in &out {
            got[l.pool.idx()] += l.count;
            assert_eq!(l.option, c.option, "{}: purchase option", c.name);
            assert!(l.count > 0, "{}: empty launch", c.name);
        }
        if got != c.want {
            failures.push(format!(
                "{}: got {got:?}, want {:?} ({out:?})",
                c.name, c.want
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_case_launches_only_where_it_may() {
    for c in CASES {
        let w = World::new(c.pools, c.hazard);
        let view = w.view();
        for l in w.decide(&mut *spec(c.strategy).build(&[]), c.need) {
            if l.option == PurchaseOption::Spot {
                assert!(view.launchable(l.pool), "{}: {l:?} not launchable", c.name);
                if let Some(s) = view.spare(l.pool) {
                    assert!(l.count <= s, "{}: {l:?} beyond spare {s}", c.name);
                }
            }
        }
    }
}

#[test]
fn capacity_optimized_prioritized_defaults_to_the_instance_type_order() {
    let pools = [
        pl("m5.large", ZA, "0.01").cap(10),
        pl("c5.large", ZA, "0.05").cap(6),
    ];
    let w = World::new(&pools, false);
    let s = spec(r#"name = "capacity-optimized-prioritized""#);
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![0, 1]
    );
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["m5.large", "c5.large"])), 1),
        vec![1, 0]
    );
    // Explicit priorities override the instance-type order.
    let s = spec("name = \"capacity-optimized-prioritized\"\npriorities = [\"m5.large\"]");
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![1, 0]
    );
    // A wider tier (0.7 of 10 = 7 > 6) drops the c5 pool from it.
    let s = spec("name = \"capacity-optimized-prioritized\"\ncapacity-tier = 0.7");
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![1, 0]
    );
}

#[test]
fn the_max_price_makes_a_pool_unlaunchable_for_every_strategy() {
    let pools = [pl("m5.large", ZA, "0.01"), pl("m5.large", ZB, "0.02")];
    let mut w = World::new(&pools, false);
    w.max[0] = Some(usd("0.009"));
    for name in StrategySpec::NAMES.iter().filter(|n| **n != "on-demand") {
        let got = w.per_pool(&mut *StrategySpec::parse_name(name).unwrap().build(&[]), 3);
        assert_eq!(got, vec![0, 3], "{name}");
    }
}

#[test]
fn a_mask_restricts_every_strategy() {
    let w = World::new(FOUR, false);
    let mask = [false, true, false, true];
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let mut s = StrategySpec::parse_name(name)
                .unwrap()
                .with_az_balance(az)
                .build(&[]);
            let mut out = Vec::new();
            s.allocate(5, &w.view().with_mask(&mask), &w.fleet(), &mut out);
            assert!(
                out.iter().all(|l| mask[l.pool.idx()]),
                "{name} az={az}: {out:?}"
            );
            assert_eq!(
                out.iter().map(|l| l.count).sum::<u32>(),
                5,
                "{name} az={az}"
            );
        }
    }
}

#[test]
fn nothing_launchable_means_no_launches() {
    let pools = [
        pl("m5.large", ZA, "0.01").unpriced(),
        pl("m5.large", ZB, "0.02").cap(0),
    ];
    let w = World::new(&pools, false);
    for name in StrategySpec::NAMES.iter().filter(|n| **n != "on-demand") {
        for az in [false, true] {
            let out = w.decide(
                &mut *StrategySpec::parse_name(name)
                    .unwrap()
                    .with_az_balance(az)
                    .build(&[]),
                5,
            );
            assert!(out.is_empty(), "{name}: {out:?}");
        }
    }
    // An empty market: nothing, for every strategy, and no panic.
    let w = World::new(&[], true);
    for name in StrategySpec::NAMES {
        assert!(
            w.decide(
                &mut *StrategySpec::parse_name(name)
                    .unwrap()
                    .with_az_balance(true)
                    .build(&[]),
                5
            )
            .is_empty()
        );
    }
}

#[test]
fn need_zero_launches_nothing() {
    let w = World::new(FOUR, false);
    for name in StrategySpec::NAMES {
        assert!(
            w.decide(&mut *StrategySpec::parse_name(name).unwrap().build(&[]), 0)
                .is_empty(),
            "{name}"
        );
    }
}

#[test]
fn assumptions_cite_the_fact_sheet_and_name_the_rule() {
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let s = StrategySpec::parse_name(name)
                .unwrap()
                .with_az_balance(az)
                .build(&[]);
            let a = s.assumptions();
            assert!(!a.is_empty(), "{name}");
            assert!(
                a.iter().all(|l| l.contains("aws-facts.md §1.")),
                "{name}: {a:?}"
            );
        }
    }
    let lp = LowestPrice::default().with_pools(3, PoolScope::PerAz);
    assert!(
        lp.assumptions()
            .iter()
            .any(|l| l.contains("SpotInstancePools"))
    );
    let lp = LowestPrice::default().with_pools(3, PoolScope::Fleet);
    assert!(
        lp.assumptions()
            .iter()
            .any(|l| l.contains("InstancePoolsToUseCount"))
    );
}
