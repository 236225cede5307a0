//! The on-demand baseline of a fleet run (issue 8 item 1) and delivered capacity, by hand.

use spotsim::catalog::{Catalog, OperatingSystem};
use spotsim::engine::{
    FleetConfig, MaxPrice, Simulation, Target, ondemand_baseline, ondemand_baseline_cost,
    savings_pct,
};
use spotsim::market::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use spotsim::money::Rate;
use spotsim::strategy::CapacityOptimized;
use spotsim::time::SimTime;

const B: i64 = 1_704_067_200;
const H: i64 = 3600;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

/// A pool: `(type, zone, weight, spot price, capacity points)`, priced from `B`.
type PoolSpec<'a> = (&'a str, &'a str, u32, &'a str, Option<&'a [(i64, u32)]>);

fn market(pools: &[PoolSpec<'_>], product: &str) -> Market {
    let cat = Catalog::builtin_ref();
    let mut ps = Vec::new();
    let mut prices = Vec::new();
    let mut caps = Vec::new();
    for &(ty, zone, weight, price, cap) in pools {
        ps.push(Pool {
            instance_type: cat.get(ty).unwrap().clone(),
            zone: Zone::parse(zone),
            weight,
        });
        prices.push(PriceTrace::new(vec![B], vec![usd(price)]).unwrap());
        caps.push(cap.map(|c| {
            CapacityTrace::new(
                c.iter().map(|x| B + x.0).collect(),
                c.iter().map(|x| x.1).collect(),
            )
            .unwrap()
        }));
    }
    Market::new(ps, prices, caps, product)
}

fn cfg(target: u32, hours: i64, latency: i64) -> FleetConfig {
    let mut c = FleetConfig::new(Target::Constant(target));
    c.start = Some(SimTime(B));
    c.end = Some(SimTime(B + hours * H));
    c.launch_latency_secs = latency;
    c
}

/// The baseline runs every unit on the cheapest on-demand type per unit: c5.xlarge
/// (weight 2, $0.17/h = $0.085 per unit) beats m6a.2xlarge (weight 4, $0.3456/h =
/// $0.0864 per unit) and m5.large (weight 1, $0.096), whatever their spot prices.
#[test]
fn baseline_is_the_cheapest_ondemand_type_per_unit_all_the_time() {
    let m = market(
        &[
            ("m5.large", "us-east-1a", 1, "0.03", None),
            ("m6a.2xlarge", "us-east-1a", 4, "0.12", None),
            ("c5.xlarge", "us-east-1b", 2, "0.06", None),
        ],
        "Linux/UNIX",
    );
    // Target 8 units for 10 h, latency 0: 4 c5.xlarge × $0.17 × 10 h = $6.80.
    let b = ondemand_baseline(&m, &cfg(8, 10, 0)).unwrap().unwrap();
    assert_eq!(b.total_cost().to_usd_string(6), "6.800000");
    assert_eq!(b.ondemand[2].launches, 4);
    assert_eq!(b.delivered_unit_hours(), 80.0);
    assert_eq!(b.cost_per_delivered_unit_hour(), Some(0.085));
    // With a 90 s launch latency the baseline also waits: 4 × (10 h − 90 s) × $0.17,
    // and delivers 8 × (10 h − 90 s) unit-seconds: 4 × 35,910 s × $0.17 / 3600 = $6.783.
    let b = ondemand_baseline(&m, &cfg(8, 10, 90)).unwrap().unwrap();
    assert_eq!(b.total_cost().to_usd_string(9), "6.783000000");
    assert_eq!(b.delivered_unit_secs(), 8 * (10 * H - 90) as i128);
}

/// Issue 8's point: a spot run that delivers half the target must not look better than
/// it is. One m5.large pool (on-demand $0.096), spot $0.03, capacity 2 for 5 h then 0;
/// target 2 for 10 h, latency 0. Spot: 2 × 5 h × $0.03 = $0.30 for 10 of 20 unit-hours.
/// Against the hours that ran (2 × 5 h × $0.096 = $0.96): 68.75 %. Against the same
/// target on on-demand (2 × 10 h × $0.096 = $1.92): 84.375 %, with availability 50 %
/// and $0.03 per delivered unit-hour beside it.
#[test]
fn savings_against_the_same_target_on_ondemand() {
    let cap: &[(i64, u32)] = &[(0, 2), (5 * H, 0)];
    let m = market(
        &[("m5.large", "us-east-1a", 1, "0.03", Some(cap))],
        "Linux/UNIX",
    );
    let c = cfg(2, 10, 0);
    let o = Simulation::new(&m, c.clone(), CapacityOptimized)
        .run()
        .unwrap();
    assert_eq!(o.total_cost().to_usd_string(6), "0.300000");
    assert_eq!(o.delivered_unit_hours(), 10.0);
    assert_eq!(o.availability(), 0.5);
    assert_eq!(o.cost_per_delivered_unit_hour(), Some(0.03));
    let ran_hours_baseline = o.spot[0].ondemand_baseline;
    assert_eq!(ran_hours_baseline.to_usd_string(6), "0.960000");
    assert_eq!(
        savings_pct(o.total_cost(), Some(ran_hours_baseline)),
        Some(68.75)
    );
    let base = ondemand_baseline_cost(&m, &c).unwrap();
    assert_eq!(base.map(|b| b.to_usd_string(6)), Some("1.920000".into()));
    assert_eq!(savings_pct(o.total_cost(), base), Some(84.375));
}

/// The on-demand strategy saves exactly 0 against its own baseline.
#[test]
fn ondemand_strategy_saves_nothing_against_the_baseline() {
    let m = market(
        &[
            ("m5.large", "us-east-1a", 1, "0.03", None),
            ("m5.large", "us-east-1b", 1, "0.04", None),
        ],
        "Linux/UNIX",
    );
    let c = cfg(3, 7, 90);
    let o = Simulation::new(&m, c.clone(), spotsim::strategy::OnDemand)
        .run()
        .unwrap();
    assert_eq!(
        savings_pct(o.total_cost(), ondemand_baseline_cost(&m, &c).unwrap()),
        Some(0.0)
    );
}

/// With on-demand prices of another OS than the product's, there is no baseline.
#[test]
fn no_baseline_without_the_products_ondemand_prices() {
    let m = market(&[("m5.large", "us-east-1a", 1, "0.2", None)], "Windows");
    let mut c = cfg(1, 2, 0);
    c.max_price = Some(MaxPrice::NoCap);
    assert_eq!(ondemand_baseline_cost(&m, &c).unwrap(), None);
    c.ondemand_os = OperatingSystem::Windows; // the pools' prices are declared Windows'
    assert!(ondemand_baseline_cost(&m, &c).unwrap().is_some());
}

// ------------------------------------------------------------------ at the CLI

/// Done when: AWS's max-price default at the CLI. One m5.large (on-demand $0.096),
/// spot $0.05 rising to $0.12 after 90 min, 3 h, latency 0: AWS caps at the on-demand
/// price, so at 90 min the instance gets the notice and ends 2 min later — 1.5 h ×
/// $0.05 + 2 min × $0.12 = $0.075 + $0.004 = $0.079, one interruption (by max price).
/// The baseline is the same target on on-demand: 3 h × $0.096 = $0.288.
#[test]
fn default_max_price_at_the_cli() {
    use super::warnings::{at, prices, run_json, write};
    let d = super::cli::scratch("b-maxprice");
    let p = write(
        &d,
        "p.csv",
        &prices(&[
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.05", 0.0),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.12", 1.5),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.12", 3.0),
        ]),
    );
    let args = [
        "--prices",
        &p,
        "--target",
        "1",
        "--launch-latency",
        "0",
        "--price-replacement",
        "false",
        "--end",
        &at(3.0),
    ];
    let (v, _) = run_json(&args);
    let r = &v["reports"][0];
    assert_eq!(r["total_cost_usd"], 0.079);
    assert_eq!(r["interruptions"], 1);
    assert_eq!(r["interruptions_by_cause"]["max_price"], 1);
    assert_eq!(r["ondemand_baseline_usd"], 0.288);
    assert!(
        r["provenance"]["assumptions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("AWS's default applies"))
    );
    // --max-price none: no cap, 3 h billed: 1.5 × 0.05 + 1.5 × 0.12 = $0.255.
    let mut a = args.to_vec();
    a.extend(["--max-price", "none"]);
    let (v, _) = run_json(&a);
    assert_eq!(v["reports"][0]["total_cost_usd"], 0.255);
    assert_eq!(v["reports"][0]["interruptions"], 0);
}

/// The on-demand strategy is the baseline: exactly 0 % savings at the CLI, whatever the
/// other strategies do, and every strategy shares one baseline.
#[test]
fn ondemand_strategy_saves_exactly_nothing_at_the_cli() {
    let (v, _) = super::warnings::run_json(&[
        "--strategy",
        "lowest-price,on-demand,capacity-optimized",
        "--capacity-rebalance",
        "asg",
    ]);
    let rs = v["reports"].as_array().unwrap();
    assert_eq!(rs[1]["strategy"], "on-demand");
    assert_eq!(rs[1]["savings_pct"], 0.0);
    assert_eq!(rs[1]["total_cost_usd"], rs[1]["ondemand_baseline_usd"]);
    assert!(
        rs.iter()
            .all(|r| r["ondemand_baseline_usd"] == rs[0]["ondemand_baseline_usd"])
    );
    // The default market: 20 units on m6a.large, the cheapest on-demand type per unit
    // ($0.0864 against m5.large and m6i.large $0.096, m7i.large $0.1008), for 720 h less
    // the 90 s launch latency: 20 × 0.0864 × 719.975 = $1,244.1168.
    assert_eq!(rs[0]["ondemand_baseline_usd"], 1244.1168);
}
