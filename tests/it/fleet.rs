//! Mixed fleets, max price, the hazard model and capacity rebalancing, by hand.

use spotsim::catalog::Catalog;
use spotsim::engine::{
    CapacityRebalance, EndReason, FleetConfig, HazardModel, LeadTime, MaxPrice, OnDemandAllocation,
    OnDemandSplit, Outcome, PurchaseOption, RebalanceSignal, Simulation, Target,
};
use spotsim::market::{CapacityTrace, Market, Pool, PoolId, PriceTrace, Zone};
use spotsim::money::{Money, Rate};
use spotsim::strategy::{AllocationStrategy, CapacityOptimized, LowestPrice};
use spotsim::time::SimTime;

/// 2024-01-01T00:00:00Z: every time below is an offset from it.
const B: i64 = 1_704_067_200;
const H: i64 = 3600;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn at(x: i64) -> SimTime {
    SimTime(B + x)
}

/// A pool: `(type, zone, [(t, price)], capacity points or None)`.
type PoolSpec<'a> = (
    &'a str,
    &'a str,
    &'a [(i64, &'a str)],
    Option<&'a [(i64, u32)]>,
);

fn market(pools: &[PoolSpec]) -> Market {
    let cat = Catalog::builtin();
    let mut ps = Vec::new();
    let mut prices = Vec::new();
    let mut caps = Vec::new();
    for (ty, zone, pr, cap) in pools {
        ps.push(Pool {
            instance_type: cat.get(ty).unwrap().clone(),
            zone: Zone::parse(zone),
            weight: 1,
        });
        prices.push(
            PriceTrace::new(
                pr.iter().map(|x| B + x.0).collect(),
                pr.iter().map(|x| usd(x.1)).collect(),
            )
            .unwrap(),
        );
        caps.push(cap.map(|c| {
            CapacityTrace::new(
                c.iter().map(|x| B + x.0).collect(),
                c.iter().map(|x| x.1).collect(),
            )
            .unwrap()
        }));
    }
    Market::new(ps, prices, caps, "Linux/UNIX")
}

fn cfg(target: u32, end: i64, latency: i64) -> FleetConfig {
    let mut c = FleetConfig::new(Target::Constant(target));
    c.start = Some(at(0));
    c.end = Some(at(end));
    c.launch_latency_secs = latency;
    c.record_instances = true;
    c
}

fn run<S: AllocationStrategy>(m: &Market, c: FleetConfig, s: S) -> Outcome {
    Simulation::new(m, c, s).run().unwrap()
}

fn count(o: &Outcome, f: impl Fn(&spotsim::engine::InstanceRecord) -> bool) -> usize {
    o.instances.iter().filter(|r| f(r)).count()
}

#[test]
fn mixed_fleet_reproduces_aws_worked_examples() {
    let m = market(&[("m5.large", "us-east-1a", &[(0, "0.03")], None)]);
    // aws-facts.md §1.5: base 10, 50 %: desired 10/20/30/40 → OD 10/15/20/25.
    for (desired, od) in [(10, 10), (20, 15), (30, 20), (40, 25)] {
        let mut c = cfg(desired, H, 0);
        c.ondemand = OnDemandSplit {
            base: 10,
            above_base_pct: 50,
        };
        let o = run(&m, c, LowestPrice::default());
        assert_eq!(
            count(&o, |r| r.option == PurchaseOption::OnDemand),
            od as usize,
            "desired {desired}"
        );
        assert_eq!(
            count(&o, |r| r.option == PurchaseOption::Spot),
            (desired - od) as usize
        );
    }
    for (base, pct, desired, od) in [(0, 60, 10, 6), (12, 0, 10, 10), (12, 0, 20, 12)] {
        let mut c = cfg(desired, H, 0);
        c.ondemand = OnDemandSplit {
            base,
            above_base_pct: pct,
        };
        let o = run(&m, c, LowestPrice::default());
        assert_eq!(
            count(&o, |r| r.option == PurchaseOption::OnDemand),
            od as usize
        );
    }
}

#[test]
fn ondemand_costs_list_price_and_never_interrupts() {
    let m = market(&[(
        "m5.large",
        "us-east-1a",
        &[(0, "0.03")],
        Some(&[(0, 5), (5000, 0)]),
    )]);
    let mut c = cfg(4, 2 * H, 0);
    c.ondemand = OnDemandSplit {
        base: 2,
        above_base_pct: 0,
    };
    let o = run(&m, c, LowestPrice::default());
    // 2 on-demand at $0.096 for 2 h; 2 spot at $0.03 interrupted at 5000 s (after the
    // first hour: billed), and no spot capacity afterwards.
    assert_eq!(o.ondemand[0].cost, usd("0.096").for_seconds(2 * 2 * H));
    assert_eq!(o.ondemand[0].interruptions, 0);
    assert_eq!(o.spot[0].interruptions, 2);
    assert_eq!(o.spot[0].cost, usd("0.03").for_seconds(2 * 5000));
    assert_eq!(o.unmet_unit_secs, 2 * (2 * H - 5000) as i128);
}

#[test]
fn ondemand_allocation_lowest_price_or_prioritized_balanced_over_zones() {
    // m5.large $0.096 is listed first; c5.large $0.085 is cheaper.
    let m = market(&[
        ("m5.large", "us-east-1a", &[(0, "0.03")], None),
        ("m5.large", "us-east-1b", &[(0, "0.03")], None),
        ("c5.large", "us-east-1a", &[(0, "0.03")], None),
        ("c5.large", "us-east-1b", &[(0, "0.03")], None),
    ]);
    let mut c = cfg(4, H, 0);
    c.ondemand = OnDemandSplit {
        base: 0,
        above_base_pct: 100,
    };
    let o = run(&m, c.clone(), LowestPrice::default());
    let od: Vec<u64> = o.ondemand.iter().map(|t| t.launches).collect();
    assert_eq!(
        od,
        vec![0, 0, 2, 2],
        "cheapest type, spread over both zones"
    );
    c.ondemand_allocation = OnDemandAllocation::Prioritized;
    let o = run(&m, c, LowestPrice::default());
    let od: Vec<u64> = o.ondemand.iter().map(|t| t.launches).collect();
    assert_eq!(od, vec![2, 2, 0, 0], "first listed type");
}

#[test]
fn max_price_interrupts_with_notice_and_blocks_launches() {
    let m = market(&[
        (
            "m5.large",
            "us-east-1a",
            &[(0, "0.03"), (1000, "0.06")],
            None,
        ),
        ("m5.large", "us-east-1b", &[(0, "0.05")], None),
    ]);
    let mut c = cfg(2, 2 * H, 0);
    c.max_price = Some(MaxPrice::Usd(usd("0.04")));
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(o.spot[0].max_price_interruptions, 2);
    assert_eq!(o.spot[0].interruptions, 2);
    for r in o
        .instances
        .iter()
        .filter(|r| r.reason == EndReason::MaxPrice)
    {
        assert_eq!(r.noticed_at, Some(at(1000)));
        assert_eq!(r.ended_at, at(1120));
        assert_eq!(
            r.charge,
            Money::ZERO,
            "interrupted by EC2 in the first hour"
        );
    }
    // Pool B ($0.05) is above the max too: nothing can be launched after the interruption.
    assert_eq!(o.spot[1].launches, 0);
    assert_eq!(o.unmet_unit_secs, 2 * (2 * H - 1120) as i128);
    // As a percentage of on-demand ($0.096 × 60 % = $0.0576): B becomes launchable.
    let mut c = cfg(2, 2 * H, 0);
    c.max_price = Some(MaxPrice::PctOfOnDemand(60));
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(o.spot[1].launches, 2);
    assert_eq!(o.unmet_unit_secs, 0);
}

fn hazard(m: &Market, rate: f64) -> HazardModel {
    HazardModel {
        rates_per_hour: vec![rate; m.pools().len()],
        description: vec!["test hazard".into()],
    }
}

#[test]
fn hazard_model_matches_its_rate_and_reproduces() {
    let m = market(&[("m5.large", "us-east-1a", &[(0, "0.03")], None)]);
    let mut c = cfg(50, 2000 * H, 0);
    c.record_instances = false;
    c.hazard = Some(hazard(&m, 0.05));
    c.seed = 11;
    let a = run(&m, c.clone(), LowestPrice::default());
    let b = run(&m, c.clone(), LowestPrice::default());
    assert_eq!(a, b, "same seed, same sample");
    let n = a.spot[0].hazard_interruptions as f64;
    let hours = a.spot[0].run_secs as f64 / 3600.0;
    let mtti = hours / n;
    // 50 instances × 2000 h at 0.05/h: ~5000 interruptions; MTTI 20 h within 4 %.
    assert!(
        (mtti - 20.0).abs() < 0.8,
        "MTTI {mtti} h over {n} interruptions"
    );
    // Memorylessness: ages at interruption average 1/λ too (truncation at the horizon is
    // negligible at 2000 h).
    let age = a.spot[0].interrupted_age_secs as f64 / 3600.0 / n;
    assert!((age - 20.0).abs() < 0.8, "mean age {age}");
    c.seed = 12;
    assert_ne!(
        run(&m, c, LowestPrice::default()).spot[0].hazard_interruptions,
        a.spot[0].hazard_interruptions
    );
}

/// Pool A (cheap) holds one instance until capacity goes at 10000 s; B is unlimited
/// and dearer (the tests use lowest-price without price-driven replacement).
fn drop_market() -> Market {
    market(&[
        (
            "m5.large",
            "us-east-1a",
            &[(0, "0.03")],
            Some(&[(0, 1), (10_000, 0)]),
        ),
        ("m5.large", "us-east-1b", &[(0, "0.05")], None),
    ])
}

#[test]
fn without_rebalancing_the_interruption_costs_a_launch_latency() {
    let o = run(
        &drop_market(),
        cfg(1, 5 * H, 90),
        LowestPrice::keep_running(),
    );
    assert_eq!(o.spot[0].interruptions, 1);
    assert_eq!(o.unmet_unit_secs, 90 + 90);
}

#[test]
fn asg_capacity_rebalancing_replaces_before_the_interruption() {
    let mut c = cfg(1, 5 * H, 90);
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(600),
        false_per_1000_hours: 0.0,
    });
    c.capacity_rebalance = CapacityRebalance::Asg;
    let o = run(&drop_market(), c, LowestPrice::keep_running());
    // Recommendation at 10000 − 120 − 600 = 9280; replacement in B runs at 9370, and the
    // at-risk instance is ended then, before EC2 would have interrupted it.
    let old = o.instances.iter().find(|r| r.pool == PoolId(0)).unwrap();
    assert_eq!(old.rebalance_at, Some(at(9280)));
    assert_eq!(old.reason, EndReason::Rebalance);
    assert_eq!(old.ended_at, at(9370));
    assert_eq!(
        old.charge,
        usd("0.03").for_seconds(9370 - 90),
        "ended by the user: billed"
    );
    assert_eq!(o.spot[0].interruptions, 0);
    assert_eq!(o.spot[0].proactive_replacements, 1);
    assert_eq!(o.spot[0].rebalance_recommendations, 1);
    assert_eq!(o.unmet_unit_secs, 90, "only the initial launch");
}

#[test]
fn launch_before_terminate_ends_the_old_instance_after_the_delay() {
    let mut c = cfg(1, 5 * H, 90);
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(600),
        false_per_1000_hours: 0.0,
    });
    c.capacity_rebalance = CapacityRebalance::LaunchBeforeTerminate {
        termination_delay_secs: 300,
    };
    let o = run(&drop_market(), c, LowestPrice::keep_running());
    let old = o.instances.iter().find(|r| r.pool == PoolId(0)).unwrap();
    assert_eq!(old.reason, EndReason::Rebalance);
    assert_eq!(old.ended_at, at(9280 + 300));
    assert_eq!(o.spot[1].launches, 1);
    assert_eq!(
        o.instances
            .iter()
            .find(|r| r.pool == PoolId(1))
            .unwrap()
            .launched_at,
        at(9280)
    );
    assert_eq!(o.unmet_unit_secs, 90);
    // Out-of-range delays are refused (§1.6: 120–7200 s).
    let mut c = cfg(1, 5 * H, 90);
    c.capacity_rebalance = CapacityRebalance::LaunchBeforeTerminate {
        termination_delay_secs: 60,
    };
    assert!(
        Simulation::new(&drop_market(), c, CapacityOptimized)
            .run()
            .is_err()
    );
}

#[test]
fn false_recommendations_cause_churn_but_no_interruptions() {
    let m = market(&[
        ("m5.large", "us-east-1a", &[(0, "0.03")], None),
        ("m5.large", "us-east-1b", &[(0, "0.05")], None),
    ]);
    let mut c = cfg(10, 100 * H, 60);
    c.record_instances = false;
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(0),
        false_per_1000_hours: 20.0,
    });
    c.capacity_rebalance = CapacityRebalance::Asg;
    let o = run(&m, c.clone(), CapacityOptimized);
    let recs: u64 = o.spot.iter().map(|t| t.rebalance_recommendations).sum();
    let pro: u64 = o.spot.iter().map(|t| t.proactive_replacements).sum();
    let int: u64 = o.spot.iter().map(|t| t.interruptions).sum();
    // ~1000 instance-hours at 20 per 1000: about 20 recommendations, each a replacement.
    assert!((8..=40).contains(&recs), "{recs}");
    assert_eq!(pro, recs);
    assert_eq!(int, 0);
    // The replacement starts running when the at-risk instance ends, so no time is
    // billed twice; the churn costs because replacements must leave the at-risk pool
    // (here, for the dearer one).
    assert_eq!(
        o.spot.iter().map(|t| t.run_secs).sum::<i64>(),
        10 * (100 * H - 60)
    );
    assert!(o.spot[1].run_secs > 0);
    // Without rebalancing the same recommendations are ignored: all in the cheap pool.
    c.capacity_rebalance = CapacityRebalance::Off;
    let o2 = run(&m, c, CapacityOptimized);
    assert_eq!(
        o2.spot
            .iter()
            .map(|t| t.proactive_replacements)
            .sum::<u64>(),
        0
    );
    assert_eq!(o2.spot[1].run_secs, 0);
    let (c1, c2): (Money, Money) = (
        o.spot.iter().map(|t| t.cost).sum(),
        o2.spot.iter().map(|t| t.cost).sum(),
    );
    assert!(c2 < c1);
}

#[test]
fn hazard_interruptions_get_a_recommendation_and_a_notice() {
    let m = market(&[("m5.large", "us-east-1a", &[(0, "0.03")], None)]);
    let mut c = cfg(5, 200 * H, 0);
    c.hazard = Some(hazard(&m, 0.02));
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(300),
        false_per_1000_hours: 0.0,
    });
    let o = run(&m, c, LowestPrice::default());
    let hz: Vec<_> = o
        .instances
        .iter()
        .filter(|r| r.reason == EndReason::Hazard)
        .collect();
    assert!(!hz.is_empty());
    for r in hz {
        let end = r.ended_at.secs();
        let start = r.running_from.unwrap().secs();
        assert_eq!(r.noticed_at.unwrap().secs(), (end - 120).max(start));
        assert_eq!(r.rebalance_at.unwrap().secs(), (end - 420).max(start));
    }
}

mod scenario_level {
    use spotsim::options::{AdvisorOptions, SimOptions, TraceOptions};
    use spotsim::scenario::FleetOptions;
    use spotsim::scenario::Scenario;

    use super::super::data::{self, ADVISOR_2021, ADVISOR_2025, SPOT_ADVISOR_CSV};

    #[test]
    fn target_in_vcpus_uses_catalog_weights() {
        // The default market is four 2-vCPU types: 20 vCPU = 10 instances.
        let s = Scenario {
            fleet: FleetOptions {
                target: Some(20),
                target_unit: Some("vcpu".into()),
                ..Default::default()
            },
            sim: SimOptions {
                launch_latency: Some(0),
                ..Default::default()
            },
            ..Scenario::default()
        };
        let r = &s.run().unwrap()[0];
        let launched: u64 = r.pools.iter().map(|p| p.launches).sum();
        assert!(launched >= 10);
        assert_eq!(r.provenance.target_unit, "vcpu");
        // Peak running instances are 10: instance-hours ≤ 10 × 720 h.
        assert!(r.instance_hours <= 10.0 * 720.0 + 1e-6);
        assert!(r.instance_hours >= 10.0 * 720.0 * 0.99);
        // Explicit weights: m5.large counts 4 units, the others 1.
        let s = Scenario {
            fleet: FleetOptions {
                target: Some(8),
                weights: vec!["m5.large=4".into()],
                ..Default::default()
            },
            ..Scenario::default()
        };
        let r = &s.run().unwrap()[0];
        assert!(
            r.provenance
                .assumptions
                .iter()
                .any(|a| a.contains("m5.large=4"))
        );
        for bad in [
            vec!["m5.large".to_string()],
            vec!["m5.large=0".into()],
            vec!["x1.tiny=2".into()],
        ] {
            let s = Scenario {
                fleet: FleetOptions {
                    weights: bad,
                    ..Default::default()
                },
                ..Scenario::default()
            };
            assert!(s.run().unwrap_err().to_string().contains("weights"));
        }
        let s = Scenario {
            fleet: FleetOptions {
                target_unit: Some("parsecs".into()),
                ..Default::default()
            },
            ..Scenario::default()
        };
        assert!(
            s.run()
                .unwrap_err()
                .to_string()
                .contains("valid: instances, vcpu, memory-gib")
        );
    }

    #[test]
    fn uniform_hazard_and_its_assumption_line() {
        let s = Scenario {
            traces: TraceOptions {
                interruption_rate: Some(20.0),
                ..Default::default()
            },
            fleet: FleetOptions {
                target: Some(20),
                ..Default::default()
            },
            sim: SimOptions {
                seed: Some(3),
                ..Default::default()
            },
            ..Scenario::default()
        };
        let a = &s.run().unwrap()[0];
        let b = &s.run().unwrap()[0];
        assert_eq!(a, b);
        assert!(a.interruptions_by_cause.hazard > 0);
        assert!(
            a.provenance
                .assumptions
                .iter()
                .any(|l| l.contains("20 % (exponential"))
        );
        let s = Scenario {
            traces: TraceOptions {
                interruption_rate: Some(120.0),
                ..Default::default()
            },
            ..Scenario::default()
        };
        assert!(s.run().is_err());
    }

    #[test]
    fn spot_advisor_feed_and_csv_give_the_same_bands() {
        let Some(d) = data::require(&[ADVISOR_2025, SPOT_ADVISOR_CSV, ADVISOR_2021]) else {
            return;
        };
        use spotsim::ingest::read_advisor_file;
        let json = read_advisor_file(&d.join(ADVISOR_2025)).unwrap();
        let csv = read_advisor_file(&d.join(SPOT_ADVISOR_CSV)).unwrap();
        assert_eq!(json.bands.len(), 5);
        assert_eq!(json.bands[4].max, 100);
        let mut compared = 0;
        for ((region, os, ty), e) in &csv.entries {
            let j = json
                .get(region, os, ty)
                .unwrap_or_else(|| panic!("{ty} missing from the feed"));
            assert_eq!((j.band, j.savings_pct), (e.band, e.savings_pct), "{ty}");
            compared += 1;
        }
        assert_eq!(compared, 894);
        // aws-facts.md §2.4's sample: m5.large 15-20 %, c5.large <5 %.
        assert_eq!(json.get("us-east-1", "Linux", "m5.large").unwrap().band, 3);
        assert_eq!(json.get("us-east-1", "Linux", "c5.large").unwrap().band, 0);
        let old = read_advisor_file(&d.join(ADVISOR_2021)).unwrap();
        assert_eq!(old.regions().len(), 21);
    }

    #[test]
    fn advisor_hazard_through_the_scenario() {
        let Some(d) = data::require(&[ADVISOR_2025]) else {
            return;
        };
        let s = Scenario {
            advisor: AdvisorOptions {
                path: Some(d.join(ADVISOR_2025)),
                ..Default::default()
            },
            fleet: FleetOptions {
                target: Some(20),
                ..Default::default()
            },
            ..Scenario::default()
        };
        let r = &s.run().unwrap()[0];
        let bands = r
            .provenance
            .assumptions
            .iter()
            .find(|a| a.starts_with("hazard bands"))
            .unwrap();
        // §2.4: m5.large 15-20 %, m6i.large 10-15 %, m7i.large 15-20 % (mid-2025).
        assert!(
            bands.contains("m5.large 15-20%") && bands.contains("m6i.large 10-15%"),
            "{bands}"
        );
        let e = Scenario {
            advisor: AdvisorOptions {
                region: Some("mars-north-1".into()),
                ..s.clone().advisor
            },
            ..s.clone()
        }
        .run()
        .unwrap_err()
        .to_string();
        assert!(e.contains("mars-north-1") && e.contains("us-east-1"), "{e}");
        let e = Scenario {
            traces: TraceOptions {
                interruption_rate: Some(5.0),
                ..s.clone().traces
            },
            ..s.clone()
        }
        .run()
        .unwrap_err()
        .to_string();
        assert!(e.contains("not both"), "{e}");
    }
}

#[test]
fn without_the_first_hour_refund_interrupted_time_is_billed() {
    // Capacity 1 → 0 at 1800 s: interrupted in its first hour.
    let m = market(&[(
        "m5.large",
        "us-east-1a",
        &[(0, "0.036")],
        Some(&[(0, 1), (1800, 0)]),
    )]);
    let o = run(&m, cfg(1, H, 0), LowestPrice::default());
    assert_eq!(o.spot[0].cost, Money::ZERO, "EC2: free");
    let mut c = cfg(1, H, 0);
    c.first_hour_refund = false;
    let o = run(&m, c, LowestPrice::default());
    assert_eq!(
        o.spot[0].cost,
        usd("0.036").for_seconds(1800),
        "Fargate Spot style: billed"
    );
    assert_eq!(o.spot[0].interruptions, 1);
}

#[test]
fn ondemand_table_overrides_the_base_and_percentage() {
    let m = market(&[("m5.large", "us-east-1a", &[(0, "0.03")], None)]);
    let mut c = cfg(5, H, 0);
    // e.g. a capacity-provider split: 5 desired → 2 on-demand.
    c.ondemand_table = Some(vec![0, 1, 1, 2, 2, 2]);
    let o = run(&m, c, LowestPrice::default());
    assert_eq!(count(&o, |r| r.option == PurchaseOption::OnDemand), 2);
    assert_eq!(count(&o, |r| r.option == PurchaseOption::Spot), 3);
}

#[test]
fn asg_replacement_survives_unrelated_events_while_it_boots() {
    // As the ASG test above, plus a price change in pool B while the replacement boots:
    // the replacement must not be taken for surplus and scaled in.
    let m = market(&[
        (
            "m5.large",
            "us-east-1a",
            &[(0, "0.03")],
            Some(&[(0, 1), (10_000, 0)]),
        ),
        (
            "m5.large",
            "us-east-1b",
            &[(0, "0.05"), (9300, "0.051")],
            None,
        ),
    ]);
    let mut c = cfg(1, 5 * H, 90);
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(600),
        false_per_1000_hours: 0.0,
    });
    c.capacity_rebalance = CapacityRebalance::Asg;
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(o.spot[0].proactive_replacements, 1);
    assert_eq!(o.spot[0].interruptions, 0);
    assert_eq!(o.spot.iter().map(|t| t.scale_ins).sum::<u64>(), 0);
    assert_eq!(o.spot[1].launches, 1);
    assert_eq!(o.unmet_unit_secs, 90);
}

#[test]
fn a_capacity_drop_reclaims_only_what_it_removes() {
    // Capacity 10 → 2 at 10000 with a fleet of 5 replaced on notice: EC2 reclaims 3,
    // and the replacements launched at the notice do not go into the shrinking pool.
    let m = market(&[
        (
            "m5.large",
            "us-east-1a",
            &[(0, "0.03")],
            Some(&[(0, 10), (10_000, 2)]),
        ),
        ("m5.large", "us-east-1b", &[(0, "0.05")], None),
    ]);
    let mut c = cfg(5, 5 * H, 60);
    c.replace_on = spotsim::engine::ReplaceOn::Notice;
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(o.spot[0].interruptions, 3);
    assert_eq!(o.spot[0].short_notices, 0);
    assert_eq!(o.spot[1].launches, 3);
}

#[test]
fn false_recommendations_are_a_poisson_process() {
    let m = market(&[("m5.large", "us-east-1a", &[(0, "0.03")], None)]);
    let mut c = cfg(10, 1000 * H, 0);
    c.record_instances = false;
    c.rebalance_signal = Some(RebalanceSignal {
        lead: LeadTime::Fixed(0),
        false_per_1000_hours: 20.0,
    });
    let o = run(&m, c, LowestPrice::default());
    // 10 000 instance-hours at 20 per 1000: about 200 (Poisson, sd ≈ 14).
    let recs = o.spot[0].rebalance_recommendations;
    assert!((150..=250).contains(&recs), "{recs}");
    assert_eq!(o.spot[0].proactive_replacements, 0, "rebalancing is off");
}

/// aws-facts.md §1.5, §1.7: with no max price set, AWS caps at the on-demand price.
/// One m5.large (on-demand $0.096/h), spot $0.05 rising to $0.12 after 90 min, 3 h,
/// no launch latency.
#[test]
fn default_max_price_is_the_ondemand_price() {
    let m = market(&[(
        "m5.large",
        "us-east-1a",
        &[(0, "0.05"), (90 * 60, "0.12")],
        None,
    )]);
    let cost = |o: &Outcome| -> Money { o.spot.iter().chain(&o.ondemand).map(|t| t.cost).sum() };
    // Default: at 90 min the price passes $0.096; notice, and the end 2 min later.
    // Run 1.5 h (past the first hour: billed) at $0.05 = $0.075, then 2 min at $0.12
    // = $0.004: $0.079. Nothing can be launched afterwards (the pool is above the cap).
    let o = run(&m, cfg(1, 3 * H, 0), LowestPrice::keep_running());
    assert_eq!(cost(&o).to_usd_string(6), "0.079000");
    assert_eq!(o.spot[0].interruptions, 1);
    assert_eq!(o.spot[0].max_price_interruptions, 1);
    assert_eq!(o.spot[0].launches, 1);
    let r = &o.instances[0];
    assert_eq!(
        (r.reason, r.noticed_at, r.ended_at),
        (EndReason::MaxPrice, Some(at(90 * 60)), at(92 * 60))
    );
    assert_eq!(o.unmet_unit_secs, (3 * H - 92 * 60) as i128);
    assert!(
        o.assumptions
            .iter()
            .any(|a| a.contains("none set, so AWS's default applies")),
        "{:?}",
        o.assumptions
    );
    // Explicitly the on-demand price: the same.
    let mut c = cfg(1, 3 * H, 0);
    c.max_price = Some(MaxPrice::OnDemand);
    assert_eq!(cost(&run(&m, c, LowestPrice::keep_running())), cost(&o));
    // `--max-price none`: 1.5 h × $0.05 + 1.5 h × $0.12 = $0.255, never interrupted.
    let mut c = cfg(1, 3 * H, 0);
    c.max_price = Some(MaxPrice::NoCap);
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(cost(&o).to_usd_string(6), "0.255000");
    assert_eq!(o.spot[0].interruptions, 0);
    assert_eq!(o.unmet_unit_secs, 0);
}

/// Where the pools' on-demand prices are another OS's than the market's product, the
/// default cap is unknown: no cap (said in the assumptions), never the other OS's price;
/// a cap relative to on-demand is refused.
#[test]
fn default_max_price_needs_the_products_ondemand_price() {
    let cat = Catalog::builtin();
    let pool = Pool {
        instance_type: cat.get("m5.large").unwrap().clone(),
        zone: Zone::parse("us-east-1a"),
        weight: 1,
    };
    // Windows spot above the Linux on-demand price ($0.096) throughout.
    let price = PriceTrace::new(vec![B], vec![usd("0.15")]).unwrap();
    let m = Market::new(vec![pool], vec![price], vec![None], "Windows");
    let o = run(&m, cfg(1, 2 * H, 0), LowestPrice::keep_running());
    assert_eq!(o.spot[0].launches, 1, "not capped at Linux's $0.096");
    assert_eq!(o.spot[0].interruptions, 0);
    assert!(
        o.assumptions
            .iter()
            .any(|a| a.contains("spot prices are not capped") && a.contains("Linux's")),
        "{:?}",
        o.assumptions
    );
    for mp in [MaxPrice::OnDemand, MaxPrice::PctOfOnDemand(90)] {
        let mut c = cfg(1, 2 * H, 0);
        c.max_price = Some(mp);
        let e = Simulation::new(&m, c, LowestPrice::keep_running())
            .run()
            .unwrap_err();
        assert!(e.to_string().contains("max-price"), "{e}");
    }
    // With the pools priced for Windows (a catalog with Windows selected), the default
    // cap is that price: $0.15 > $0.12 (a Windows price we set) → never launched.
    let mut wcat = cat.clone();
    wcat.set_ondemand(
        "m5.large",
        &spotsim::catalog::OperatingSystem::Windows,
        usd("0.12"),
    );
    let wcat = wcat.for_product("Windows").unwrap();
    let pool = Pool {
        instance_type: wcat.get("m5.large").unwrap().clone(),
        zone: Zone::parse("us-east-1a"),
        weight: 1,
    };
    let price = PriceTrace::new(vec![B], vec![usd("0.15")]).unwrap();
    let m = Market::new(vec![pool], vec![price], vec![None], "Windows");
    let mut c = cfg(1, 2 * H, 0);
    c.ondemand_os = spotsim::catalog::OperatingSystem::Windows;
    let o = run(&m, c, LowestPrice::keep_running());
    assert_eq!(o.spot[0].launches, 0);
    assert_eq!(o.unmet_unit_secs, (2 * H) as i128);
}
