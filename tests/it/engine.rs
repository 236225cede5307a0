//! Hand-computed cases for every engine semantic and billing rule (see `engine` docs).

use spotsim::catalog::Catalog;
use spotsim::engine::{
    EndReason, FleetConfig, Outcome, ReplaceOn, Simulation, Target, VictimOrder,
};
use spotsim::market::{CapacityTrace, Market, Pool, PoolId, PriceTrace, Zone};
use spotsim::money::{Money, Rate};
use spotsim::strategy::{AllocationStrategy, CapacityOptimized, LowestPrice};
use spotsim::time::SimTime;

pub fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

/// A pool spec for tests: (instance type, zone, price points, capacity points).
pub struct P<'a> {
    pub ty: &'a str,
    pub zone: &'a str,
    pub prices: &'a [(i64, &'a str)],
    pub cap: Option<&'a [(i64, u32)]>,
}

pub fn market(pools: &[P], product: &str) -> Market {
    let cat = Catalog::builtin();
    let mut ps = Vec::new();
    let mut prices = Vec::new();
    let mut caps = Vec::new();
    for p in pools {
        ps.push(Pool {
            instance_type: cat.get(p.ty).unwrap().clone(),
            zone: Zone::parse(p.zone),
            weight: 1,
        });
        prices.push(
            PriceTrace::new(
                p.prices.iter().map(|x| B + x.0).collect(),
                p.prices.iter().map(|x| usd(x.1)).collect(),
            )
            .unwrap(),
        );
        caps.push(p.cap.map(|c| {
            CapacityTrace::new(
                c.iter().map(|x| B + x.0).collect(),
                c.iter().map(|x| x.1).collect(),
            )
            .unwrap()
        }));
    }
    Market::new(ps, prices, caps, product)
}

pub fn cfg(target: u32, start: i64, end: i64, latency: i64) -> FleetConfig {
    let mut c = FleetConfig::new(Target::Constant(target));
    c.start = Some(SimTime(B + start));
    c.end = Some(SimTime(B + end));
    c.launch_latency_secs = latency;
    c.record_instances = true;
    c
}

/// [`cfg`] without a max price: for tests of other rules whose round-number spot prices
/// lie above m5.large's on-demand $0.096, which AWS's default cap (aws-facts.md §1.5)
/// would refuse.
pub fn cfg_uncapped(target: u32, start: i64, end: i64, latency: i64) -> FleetConfig {
    let mut c = cfg(target, start, end, latency);
    c.max_price = Some(spotsim::engine::MaxPrice::NoCap);
    c
}

pub fn run<S: AllocationStrategy>(m: &Market, c: FleetConfig, s: S) -> Outcome {
    Simulation::new(m, c, s).run().unwrap()
}

fn total(o: &Outcome) -> Money {
    o.spot.iter().chain(o.ondemand.iter()).map(|t| t.cost).sum()
}

const H: i64 = 3600;
/// Every test time is an offset from 2024-01-01T00:00:00Z, when EC2 bills Linux per
/// second (before 2017-10-02 it billed per hour: see `hourly_billing_before_per_second_dates`).
pub const B: i64 = 1_704_067_200;

fn at(x: i64) -> SimTime {
    SimTime(B + x)
}

#[test]
fn one_instance_constant_price_per_second() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.036")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(1, 0, 10 * H + 17, 0), LowestPrice::default());
    // $0.036/h × 36017 s = 0.360170 (exact: 0.036 * 36017 / 3600)
    assert_eq!(total(&o).to_usd_string(6), "0.360170");
    assert_eq!(o.spot[0].run_secs, 10 * H + 17);
    assert_eq!(o.unmet_unit_secs, 0);
    assert_eq!(o.spot[0].interruptions, 0);
    // Baseline: on-demand m5.large $0.096/h for the same seconds.
    assert_eq!(
        o.spot[0].ondemand_baseline,
        usd("0.096").for_seconds(10 * H + 17)
    );
    assert_eq!(o.instances.len(), 1);
    assert_eq!(o.instances[0].reason, EndReason::Horizon);
}

#[test]
fn launch_latency_delays_running_and_billing() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.036")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(2, 0, 2 * H, 60), LowestPrice::default());
    assert_eq!(o.unmet_unit_secs, 2 * 60, "2 instances missing for 60 s");
    assert_eq!(o.spot[0].run_secs, 2 * (2 * H - 60));
    assert_eq!(total(&o), usd("0.036").for_seconds(2 * (2 * H - 60)));
    assert_eq!(o.target_unit_secs, 2 * 2 * H as i128);
    for r in &o.instances {
        assert_eq!(r.launched_at, at(0));
        assert_eq!(r.running_from, Some(at(60)));
    }
}

#[test]
fn pool_without_price_yet_is_not_launched_into() {
    // Pool A (cheap) gets a price only at 1 h; pool B is priced from 0 but dearer.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(H, "0.010")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.050")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let mut c = cfg(1, 0, 3 * H, 0);
    let o = run(&m, c.clone(), LowestPrice::keep_running());
    assert_eq!(o.spot[1].launches, 1, "only B is launchable at start");
    assert_eq!(o.spot[0].launches, 0, "keep-running never moves");
    // With price-driven replacement the instance moves to A when A gets a price? No:
    // A's first price is a price *appearing*, and it is a price change: lowest-price moves.
    c.seed = 3;
    let o2 = run(&m, c, LowestPrice::default());
    assert_eq!(o2.spot[1].price_driven_replacements, 1);
    assert_eq!(o2.spot[0].run_secs, 2 * H);
    // B ran 1 h ended by the user: per second at $0.05; A 2 h at $0.01.
    assert_eq!(
        total(&o2),
        usd("0.05").for_seconds(H) + usd("0.01").for_seconds(2 * H)
    );
}

#[test]
fn no_launchable_pool_leaves_capacity_unmet() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(H, "0.010")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(3, 0, 2 * H, 30), LowestPrice::default());
    assert_eq!(o.unmet_unit_secs, 3 * (H + 30) as i128);
    assert_eq!(o.spot[0].run_secs, 3 * (H - 30));
}

#[test]
fn capacity_zero_and_missing_trace() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.010")],
                cap: Some(&[(0, 0)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.020")],
                cap: Some(&[(10, 5)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.030")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(7, 0, H, 0), LowestPrice::default());
    assert_eq!(o.spot[0].launches, 0, "capacity 0");
    // Before its first capacity point (t = 10) pool B has capacity 0: all 7 go to C,
    // unlimited; B's capacity appearing later does not move them (no price change).
    assert_eq!(o.spot[2].launches, 7);
    assert_eq!(o.spot[1].launches, 0);
}

/// Two instances in a cheap pool whose capacity drops from 2 to 1 at `drop`;
/// a dearer unlimited pool takes the replacement.
fn drop_market(drop: i64) -> Market {
    let cap: &'static [(i64, u32)] = Box::leak(vec![(0, 2), (drop, 1)].into_boxed_slice());
    market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.036")],
                cap: Some(cap),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.072")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    )
}

#[test]
fn capacity_drop_interrupts_with_two_minute_notice() {
    let m = drop_market(5000);
    let o = run(&m, cfg(2, 0, 4 * H, 0), LowestPrice::default());
    let ended: Vec<_> = o
        .instances
        .iter()
        .filter(|r| r.reason == EndReason::Capacity)
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].noticed_at, Some(at(4880)));
    assert_eq!(ended[0].ended_at, at(5000));
    assert_eq!(o.spot[0].interruptions, 1);
    assert_eq!(o.spot[0].short_notices, 0);
    // The replacement launches at termination into B and runs to the end.
    assert_eq!(o.spot[1].launches, 1);
    assert_eq!(o.spot[1].run_secs, 4 * H - 5000);
    // Interrupted after its first hour: billed per second (5000 s at $0.036).
    let expected = usd("0.036").for_seconds(5000) // the interrupted one
        + usd("0.036").for_seconds(4 * H) // the survivor
        + usd("0.072").for_seconds(4 * H - 5000); // the replacement
    assert_eq!(total(&o), expected);
    assert_eq!(o.unmet_unit_secs, 0, "zero latency: replaced at once");
}

#[test]
fn interruption_within_first_hour_is_free() {
    let m = drop_market(3000);
    let o = run(&m, cfg(2, 0, 2 * H, 0), LowestPrice::default());
    let int: Vec<_> = o
        .instances
        .iter()
        .filter(|r| r.reason == EndReason::Capacity)
        .collect();
    assert_eq!(int.len(), 1);
    assert_eq!(int[0].charge, Money::ZERO);
    let expected = usd("0.036").for_seconds(2 * H) + usd("0.072").for_seconds(2 * H - 3000);
    assert_eq!(total(&o), expected);
    assert_eq!(o.spot[0].interrupted_age_secs, 3000);
}

#[test]
fn replace_on_notice_launches_at_the_notice() {
    let m = drop_market(5000);
    let mut c = cfg(2, 0, 4 * H, 100);
    c.replace_on = ReplaceOn::Notice;
    let o = run(&m, c, LowestPrice::default());
    let rep = o.instances.iter().find(|r| r.pool == PoolId(1)).unwrap();
    assert_eq!(rep.launched_at, at(4880));
    assert_eq!(rep.running_from, Some(at(4980)));
    // Only the initial launch latency is unmet: the replacement ran before the end.
    assert_eq!(o.unmet_unit_secs, 2 * 100);
    let mut c = cfg(2, 0, 4 * H, 100);
    c.replace_on = ReplaceOn::Termination;
    let o = run(&m, c, LowestPrice::default());
    assert_eq!(
        o.unmet_unit_secs,
        2 * 100 + 100,
        "plus 100 s after the termination"
    );
}

#[test]
fn victim_orders() {
    // Pool A holds 3 instances started at 0, 100, 200 (capacity raised step by step);
    // at 1000 capacity drops to 2: one victim.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 1), (100, 2), (200, 3), (1000, 2)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.09")],
                cap: Some(&[(0, 0)]),
            },
        ],
        "Linux/UNIX",
    );
    let victim = |order| {
        let mut c = cfg(3, 0, 2000, 0);
        c.victims = order;
        let o = run(&m, c, LowestPrice::default());
        let v: Vec<_> = o
            .instances
            .iter()
            .filter(|r| r.reason == EndReason::Capacity)
            .collect();
        assert_eq!(v.len(), 1);
        v[0].running_from.unwrap().secs() - B
    };
    assert_eq!(victim(VictimOrder::OldestFirst), 0);
    assert_eq!(victim(VictimOrder::NewestFirst), 200);
    // Random: seeded, so reproducible, and over seeds every instance can be picked.
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let mut c = cfg(3, 0, 2000, 0);
        c.seed = seed;
        let a = run(&m, c.clone(), LowestPrice::default());
        let b = run(&m, c, LowestPrice::default());
        assert_eq!(a, b, "seed {seed} reproduces");
        seen.insert(
            a.instances
                .iter()
                .find(|r| r.reason == EndReason::Capacity)
                .unwrap()
                .running_from
                .unwrap()
                .secs()
                - B,
        );
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![0, 100, 200]);
}

#[test]
fn short_notice_when_drop_follows_a_change_closely() {
    // Capacity 2 → 3 at 1000 → 1 at 1060: the notice can only go out at the previous
    // change point (60 s ahead), counted as a short notice.
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.01")],
            cap: Some(&[(0, 2), (1000, 3), (1060, 1)]),
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(2, 0, 2000, 0), LowestPrice::default());
    let v = o
        .instances
        .iter()
        .find(|r| r.reason == EndReason::Capacity)
        .unwrap();
    assert_eq!(v.noticed_at, Some(at(1000)));
    assert_eq!(v.ended_at, at(1060));
    assert_eq!(o.spot[0].short_notices, 1);
    // Capacity 1 → 2 at 1000 and → 1 at 1060: the drop is announced at 1000 (60 s
    // ahead), so the pool shows its coming level at once and takes no launch that would
    // only be reclaimed a minute later.
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.01")],
            cap: Some(&[(0, 1), (1000, 2), (1060, 1)]),
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(2, 0, 2000, 0), LowestPrice::default());
    assert_eq!(o.spot[0].launches, 1);
    assert_eq!(o.spot[0].interruptions, 0);
    assert_eq!(o.unmet_unit_secs, 2000);
}

#[test]
fn pending_launch_reclaimed_is_a_failed_launch_not_an_interruption() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.01")],
            cap: Some(&[(0, 1), (200, 0), (400, 1)]),
        }],
        "Linux/UNIX",
    );
    // Latency 300: the launch at 0 would run at 300, but capacity goes at 200.
    let o = run(&m, cfg(1, 0, 1000, 300), LowestPrice::default());
    assert_eq!(o.spot[0].failed_launches, 1);
    assert_eq!(o.spot[0].interruptions, 0);
    // Relaunched when capacity returns at 400, running at 700.
    assert_eq!(o.spot[0].run_secs, 300);
    assert_eq!(o.unmet_unit_secs, 700);
    assert_eq!(total(&o), usd("0.01").for_seconds(300));
}

#[test]
fn price_driven_replacement_is_voluntary_and_billed_per_second() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.10"), (1800, "0.30")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.20")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg_uncapped(1, 0, 2 * H, 0), LowestPrice::default());
    assert_eq!(o.spot[0].price_driven_replacements, 1);
    assert_eq!(o.spot[0].interruptions, 0);
    // 1800 s at 0.10 (ended by the user within the first hour: still billed) + 5400 s at 0.20.
    assert_eq!(
        total(&o),
        usd("0.10").for_seconds(1800) + usd("0.20").for_seconds(5400)
    );
    let o = run(
        &m,
        cfg_uncapped(1, 0, 2 * H, 0),
        LowestPrice::keep_running(),
    );
    assert_eq!(o.spot[0].price_driven_replacements, 0);
    assert_eq!(
        total(&o),
        usd("0.10").for_seconds(1800) + usd("0.30").for_seconds(5400)
    );
    // capacity-optimized never reacts to prices.
    let o = run(&m, cfg_uncapped(1, 0, 2 * H, 0), CapacityOptimized);
    assert_eq!(
        o.spot
            .iter()
            .map(|t| t.price_driven_replacements)
            .sum::<u64>(),
        0
    );
}

#[test]
fn price_driven_replacement_respects_capacity_and_moves_dearest_first() {
    // A $0.10 (cap 1), B $0.20 (cap 1), C $0.30 unlimited. Target 3: A1 B1 C1.
    // At 1000, C drops to $0.05: every instance that is dearer than C moves there? C is
    // unlimited, so all three end up in C.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.10")],
                cap: Some(&[(0, 1)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.20")],
                cap: Some(&[(0, 1)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.30"), (1000, "0.05")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg_uncapped(3, 0, 2000, 0), LowestPrice::default());
    assert_eq!(
        [o.spot[0].launches, o.spot[1].launches, o.spot[2].launches],
        [1, 1, 3]
    );
    assert_eq!(
        o.spot[0].price_driven_replacements + o.spot[1].price_driven_replacements,
        2
    );
    // C's own instance ran 2000 s, the two that moved in at 1000 ran 1000 s each.
    assert_eq!(o.spot[2].run_secs, 2000 + 2 * 1000);
}

#[test]
fn capacity_optimized_fills_the_deepest_pools() {
    // A cheap with 5 spare, B dear with 10 spare. 8 instances: B takes 5 (10 → 5), then
    // the tie at 5 goes to the cheaper A, then they alternate: B 6, A 2.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 5)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.09")],
                cap: Some(&[(0, 10)]),
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(8, 0, 100, 0), CapacityOptimized);
    assert_eq!((o.spot[0].launches, o.spot[1].launches), (2, 6));
    // With unlimited pools the cheaper wins the tie, then pool order.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.09")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.01")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.01")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(4, 0, 100, 0), CapacityOptimized);
    assert_eq!(
        o.spot.iter().map(|t| t.launches).collect::<Vec<_>>(),
        vec![0, 4, 0]
    );
}

#[test]
fn lowest_price_spills_to_the_next_cheapest() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.03")],
                cap: Some(&[(0, 10)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 3)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.02")],
                cap: Some(&[(0, 4)]),
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(9, 0, 100, 0), LowestPrice::default());
    assert_eq!(
        o.spot.iter().map(|t| t.launches).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
}

#[test]
fn suse_is_billed_per_started_hour() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.10")],
            cap: None,
        }],
        "SUSE Linux",
    );
    // Horizon 1 h 10 min: the instance is ended by the user (end of horizon): 2 hours.
    let o = run(&m, cfg(1, 0, 4200, 0), LowestPrice::default());
    assert_eq!(total(&o).to_usd_string(4), "0.2000");
    assert_eq!(o.spot[0].ondemand_baseline, usd("0.096").for_seconds(2 * H));
}

#[test]
fn hourly_billing_before_per_second_dates() {
    // Linux before 2017-10-02 was billed per hour.
    let t0 = SimTime::parse_rfc3339("2017-06-01T00:00:00Z")
        .unwrap()
        .secs()
        - B;
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(t0, "0.10")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg_uncapped(1, t0, t0 + 90, 0), LowestPrice::default());
    assert_eq!(total(&o).to_usd_string(4), "0.1000");
    let t1 = SimTime::parse_rfc3339("2018-06-01T00:00:00Z")
        .unwrap()
        .secs()
        - B;
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(t1, "0.10")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let o = run(&m, cfg_uncapped(1, t1, t1 + 30, 0), LowestPrice::default());
    assert_eq!(total(&o), usd("0.10").for_seconds(60), "60 s minimum");
}

#[test]
fn bad_configs_are_errors_not_panics() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.10")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let e = Simulation::new(&m, cfg(1, 100, 100, 0), LowestPrice::default())
        .run()
        .unwrap_err();
    assert!(e.to_string().contains("must be before"), "{e}");
    let e = Simulation::new(&m, cfg(1, 0, 100, -1), LowestPrice::default())
        .run()
        .unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
    let m2 = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.10")],
            cap: None,
        }],
        "TempleOS",
    );
    let e = Simulation::new(&m2, cfg(1, 0, 100, 0), LowestPrice::default())
        .run()
        .unwrap_err();
    assert!(e.to_string().contains("unknown product"), "{e}");
    let empty = Market::new(vec![], vec![], vec![], "Linux/UNIX");
    assert!(
        Simulation::new(
            &empty,
            FleetConfig::new(Target::Constant(1)),
            LowestPrice::default()
        )
        .run()
        .is_err()
    );
}

#[test]
fn target_trace_scales_out_and_in() {
    let m = market(
        &[P {
            ty: "m5.large",
            zone: "us-east-1a",
            prices: &[(0, "0.01")],
            cap: None,
        }],
        "Linux/UNIX",
    );
    let mut c = cfg(0, 0, 3 * H, 0);
    c.target = Target::Trace(
        spotsim::market::StepTrace::new(vec![B, B + H, B + 2 * H], vec![1, 3, 1]).unwrap(),
    );
    let o = run(&m, c, LowestPrice::default());
    assert_eq!(o.spot[0].launches, 3);
    assert_eq!(o.spot[0].run_secs, H + 3 * H + H);
    assert_eq!(
        o.instances
            .iter()
            .filter(|r| r.reason == EndReason::ScaleIn)
            .count(),
        2
    );
    assert_eq!(o.unmet_unit_secs, 0);
    assert_eq!(o.target_unit_secs, (H + 3 * H + H) as i128);
}
