//! AWS's qualitative claims about its allocation strategies (aws-facts.md §1.3), checked
//! on the real traces. Each test prints what it found; the assertions are the claims
//! that hold robustly on these traces (see the printed tables for the rest).

use spotsim::report::Report;
use spotsim::scenario::Scenario;

use super::data::{self, ADVISOR_2021, EU_WEST_3A, ONDEMAND_US_EAST_1};
use super::replay::{v100, v100_files};

const ALL: &str = "lowest-price,capacity-optimized,price-capacity-optimized,diversified,capacity-optimized-prioritized";

fn specs(names: &str) -> Vec<spotsim::strategy::StrategySpec> {
    names.split(',').map(|n| n.parse().unwrap()).collect()
}

fn show(title: &str, rs: &[Report]) {
    println!("{title}");
    for r in rs {
        println!(
            "  {:<32} ${:>10.2}  {:>5} interruptions  {:>7.2}/1000 h  availability {:>7.3}%  pools used {}",
            r.strategy,
            r.total_cost_usd,
            r.interruptions,
            r.interruptions_per_1000_instance_hours,
            r.availability_pct,
            r.pools.iter().filter(|p| p.launches > 0).count()
        );
    }
}

fn by<'a>(rs: &'a [Report], name: &str) -> &'a Report {
    rs.iter().find(|r| r.strategy.starts_with(name)).unwrap()
}

#[test]
fn v100_nine_zones_capacity_first_strategies_interrupt_less_than_lowest_price() {
    let Some(d) = data::require(&v100_files()) else {
        return;
    };
    let mut totals = [0u64; 2];
    for seed in 1..=5 {
        let s = Scenario {
            strategy: specs(ALL),
            target: Some(4),
            seed: Some(seed),
            ..v100(&d)
        };
        let rs = s.run().unwrap();
        if seed == 1 {
            show("V100, 9 zones, p3.2xlarge, 4 instances (seed 1):", &rs);
        }
        let (lp, co, pco) = (
            by(&rs, "lowest-price"),
            by(&rs, "capacity-optimized"),
            by(&rs, "price-capacity-optimized"),
        );
        totals[0] += lp.interruptions;
        totals[1] += co.interruptions;
        // §1.3: price-capacity-optimized's interruption rate is about that of
        // capacity-optimized, at a total price no higher.
        assert!(pco.total_cost_usd <= co.total_cost_usd + 1e-6);
        assert!((pco.interruptions as f64) <= co.interruptions as f64 * 1.1 + 2.0);
        // Diversified spreads over every pool.
        assert_eq!(
            by(&rs, "diversified")
                .pools
                .iter()
                .filter(|p| p.launches > 0)
                .count(),
            9
        );
    }
    // §1.3: lowest-price "can lead to high interruption rates"; the capacity-first
    // strategies avoid the pools about to lose capacity. Over five seeds:
    println!(
        "interruptions over seeds 1-5: lowest-price {}, capacity-optimized {}",
        totals[0], totals[1]
    );
    assert!(totals[1] <= totals[0]);
}

#[test]
fn eu_west_3a_lowest_price_is_cheapest_and_diversified_avoids_on_demand_prices() {
    let Some(d) = data::require(&[EU_WEST_3A, ONDEMAND_US_EAST_1, ADVISOR_2021]) else {
        return;
    };
    let s = Scenario {
        prices: vec![d.join(EU_WEST_3A)],
        catalog: Some(d.join(ONDEMAND_US_EAST_1)),
        advisor: Some(d.join(ADVISOR_2021)),
        region: Some("eu-west-3".into()),
        strategy: specs(ALL),
        target: Some(400),
        target_unit: Some("vcpu".into()),
        ..Scenario::default()
    };
    let rs = s.run().unwrap();
    show(
        "eu-west-3a 2020, 16 types, 400 vCPU, Spot Advisor 2021 hazard (eu-west-3):",
        &rs,
    );
    let lp = by(&rs, "lowest-price");
    // §1.3: lowest-price launches into the cheapest pools; with price-driven
    // replacement and no capacity limit nothing is cheaper.
    for r in &rs {
        assert!(
            lp.total_cost_usd <= r.total_cost_usd + 1e-6,
            "{} cheaper than lowest-price",
            r.strategy
        );
    }
    let div = by(&rs, "diversified");
    assert!(div.pools.iter().filter(|p| p.launches > 0).count() >= 10);
    assert!(div.total_cost_usd > lp.total_cost_usd);
}
