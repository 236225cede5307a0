//! The strategies through the engine (the helpers of `tests/it/engine.rs`).

use super::*;

const H: i64 = 3600;

fn launches(o: &Outcome) -> Vec<u64> {
    o.spot.iter().map(|t| t.launches).collect()
}

#[test]
fn engine_lowest_price_pool_count_splits_and_spills() {
    // Pools 0.01, 0.02, 0.03; pool 0 holds at most 2 from t = 0, 0 from t = 1000.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 2), (1000, 0)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.03")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(
        &m,
        cfg(6, 0, 2000, 0),
        LowestPrice::keep_running().with_pools(2, PoolScope::Fleet),
    );
    // t = 0: pool 0 takes 2 (full), pool 1 and the spill pool 2 share the other 4.
    // t = 1000: the 2 in pool 0 are reclaimed; their replacements balance 1 and 2.
    assert_eq!(launches(&o), vec![2, 3, 3]);
    assert_eq!(o.spot[0].interruptions, 2);
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_pool_count_replacement_moves_only_what_left_the_n_cheapest() {
    // N = 2 over A 0.01, B 0.02, C 0.03 → A 2, B 2. At 1 h C drops to 0.005: B is now
    // third, so B's two move to C and A's stay.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.03"), (H, "0.005")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(
        &m,
        cfg(4, 0, 2 * H, 0),
        LowestPrice::default().with_pools(2, PoolScope::Fleet),
    );
    assert_eq!(launches(&o), vec![2, 2, 2]);
    let moved: Vec<u64> = o.spot.iter().map(|t| t.price_driven_replacements).collect();
    assert_eq!(moved, vec![0, 2, 0]);
    assert_eq!(o.spot[0].run_secs, 2 * 2 * H);
    // Without a pool count everything ends in C.
    let o = run(&m, cfg(4, 0, 2 * H, 0), LowestPrice::default());
    assert_eq!(launches(&o), vec![4, 0, 4]);
}

#[test]
fn engine_diversified_avoids_pools_at_on_demand_and_spreads_replacements() {
    // m5.large on-demand is 0.096. Pool b rises to on-demand at 1 h, pool a loses its
    // capacity at 2 h: the replacements go to c only.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.03")],
                cap: Some(&[(0, 10), (2 * H, 0)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02"), (H, "0.096")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.04")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(6, 0, 3 * H, 0), Diversified);
    assert_eq!(launches(&o), vec![2, 2, 4]);
    assert_eq!(
        o.spot[1].interruptions + o.spot[1].price_driven_replacements,
        0,
        "b keeps running"
    );
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_on_demand_launches_on_demand_only() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: None,
            },
            P {
                ty: "c5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 0)]),
            },
            P {
                ty: "c5.large",
                zone: "us-east-1b",
                prices: &[],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(4, 0, H, 0), OnDemand);
    assert_eq!(launches(&o), vec![0, 0, 0]);
    let od: Vec<u64> = o.ondemand.iter().map(|t| t.launches).collect();
    assert_eq!(
        od,
        vec![0, 2, 2],
        "c5.large (0.085) in both zones, ignoring spot capacity and prices"
    );
    let cost: Money = o.ondemand.iter().map(|t| t.cost).sum();
    assert_eq!(cost, usd("0.085").for_seconds(4 * H));
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_az_balanced_keeps_zones_even_through_interruptions() {
    // Zone a has the deep pool; capacity-optimized alone would put everything there.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 100)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 10), (H, 1)]),
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(6, 0, 2 * H, 0), CapacityOptimized);
    assert_eq!(launches(&o), vec![6, 0]);
    let o = run(&m, cfg(6, 0, 2 * H, 0), AzBalanced::new(CapacityOptimized));
    // 3 + 3; at 1 h zone b keeps 1, its 2 replacements go to a (b is full).
    assert_eq!(launches(&o), vec![5, 3]);
    assert_eq!(o.spot[1].interruptions, 2);
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_price_capacity_optimized_and_prioritized() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 2)]),
            },
            P {
                ty: "c5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.03")],
                cap: Some(&[(0, 20)]),
            },
            P {
                ty: "r5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.02")],
                cap: Some(&[(0, 15)]),
            },
        ],
        "Linux/UNIX",
    );
    // PCO: the shallow cheapest pool is outside the tier; r5 (cheaper of the deep two)
    // until it drops below half of c5's spare.
    let o = run(&m, cfg(4, 0, H, 0), PriceCapacityOptimized::default());
    assert_eq!(launches(&o), vec![0, 0, 4]);
    // COP with m5 first: m5 is outside the tier, so c5 (next priority) wins.
    let o = run(
        &m,
        cfg(4, 0, H, 0),
        CapacityOptimizedPrioritized::new(types(&["m5.large", "c5.large", "r5.large"])),
    );
    assert_eq!(launches(&o), vec![0, 4, 0]);
    // Plain capacity-optimized: c5 until it is level with r5 (5 placements ≥ need).
    let o = run(&m, cfg(4, 0, H, 0), CapacityOptimized);
    assert_eq!(launches(&o), vec![0, 4, 0]);
}

#[test]
fn engine_runs_every_built_in_on_the_default_market() {
    let m = spotsim::synth::default_market(3);
    let names: Vec<String> = m
        .pools()
        .iter()
        .map(|p| p.instance_type.name.clone())
        .collect();
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let s = StrategySpec::parse_name(name).unwrap().with_az_balance(az);
            let mut c = FleetConfig::new(Target::Constant(20));
            c.seed = 3;
            let o = Simulation::new(&m, c, s.build(&names)).run().unwrap();
            assert!(o.target_unit_secs > 0, "{name}");
            let ran: i64 = o.spot.iter().chain(&o.ondemand).map(|t| t.run_secs).sum();
            assert!(ran > 0, "{name} az={az}");
            if *name == "on-demand" {
                assert_eq!(o.spot.iter().map(|t| t.launches).sum::<u64>(), 0);
            }
        }
    }
}
