//! Replays of the real traces in ../shared/data, cross-checked by independent
//! arithmetic. Each test reaches the data through [`super::data::require`]: skipped
//! only when the folder is absent outside CI.

use spotsim::options::{
    CatalogOptions, MarketSelection, SimOptions, StrategyOptions, TraceOptions,
};
use spotsim::scenario::FleetOptions;
use std::path::PathBuf;

use spotsim::report::Report;
use spotsim::scenario::Scenario;

use super::data::{self, CLI_JSON_SAMPLE, EU_WEST_3A, ONDEMAND_US_EAST_1, PAULEY_TSV};

/// The nine zones of the 2023 V100 probe traces (`availability/aws-v100-2023-02-15/`).
pub const V100_ZONES: [&str; 9] = [
    "us-east-1a",
    "us-east-1c",
    "us-east-1d",
    "us-east-1f",
    "us-east-2a",
    "us-east-2b",
    "us-west-2a",
    "us-west-2b",
    "us-west-2c",
];

/// A scenario replaying the nine V100 zones: availability CSVs as capacity, aligned
/// per-probe prices.
pub fn v100(d: &std::path::Path) -> Scenario {
    Scenario {
        traces: TraceOptions {
            probe_prices: Some(d.join(data::V100_PRICES)),
            capacity: V100_ZONES
                .iter()
                .map(|z| d.join(data::v100_csv(z)))
                .collect(),
            ..Default::default()
        },
        ..Scenario::default()
    }
}

/// The files [`v100`] reads: the nine probe CSVs and the aligned prices.
pub fn v100_files() -> Vec<String> {
    let mut v: Vec<String> = V100_ZONES.iter().map(|z| data::v100_csv(z)).collect();
    v.push(data::V100_PRICES.to_string());
    v
}

/// The data root for tests that name no file (kept for the modules that still call
/// it; new tests call [`data::require`] with the files they read).
pub fn data() -> Option<PathBuf> {
    data::require::<&str>(&[])
}

/// Parses "0.123400" into nano-dollars without the library.
fn nano(s: &str) -> i128 {
    let (w, f) = s.split_once('.').unwrap_or((s, ""));
    let f = format!("{f:0<9}");
    w.parse::<i128>().unwrap() * 1_000_000_000 + f[..9].parse::<i128>().unwrap()
}

/// Seconds since the epoch of "2020-07-31T11:24:57+00:00", without the library.
fn epoch(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let days_before_month =
        [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][(m - 1) as usize];
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = (y - 1970) * 365 + ((y - 1969) / 4) + days_before_month + d - 1;
    if leap && m > 2 {
        days += 1;
    }
    assert!(s.ends_with("+00:00"));
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

fn st(names: &[&str]) -> Vec<spotsim::strategy::StrategySpec> {
    names.iter().map(|n| n.parse().unwrap()).collect()
}

fn run(s: &Scenario) -> Vec<Report> {
    s.run().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn eu_west_3a_single_pool_cost_equals_the_integral_of_its_prices() {
    let Some(d) = data::require(&[EU_WEST_3A, ONDEMAND_US_EAST_1]) else {
        return;
    };
    let file = d.join(EU_WEST_3A);
    // Independent integral of c5.2xlarge Linux/UNIX prices over the trace's span.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut pts: Vec<(i64, i128)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1] == "c5.2xlarge" && f[2] == "Linux/UNIX").then(|| (epoch(f[4]), nano(f[3])))
        })
        .collect();
    pts.sort();
    assert!(pts.len() > 10);
    let (start, end) = (pts[0].0, pts.last().unwrap().0);
    let mut exact: i128 = 0; // nano-USD × seconds
    for w in pts.windows(2) {
        exact += w[0].1 * (w[1].0 - w[0].0) as i128;
    }
    // micro-USD, rounded half up (the integral is positive)
    let micro = (exact + 1_800_000) / 3_600_000;
    let s = Scenario {
        traces: TraceOptions {
            prices: vec![file],
            ..Default::default()
        },
        catalog: CatalogOptions {
            path: Some(d.join(ONDEMAND_US_EAST_1)),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
        market: MarketSelection {
            instance_types: vec!["c5.2xlarge".into()],
            azs: vec!["eu-west-3a".into()],
            ..Default::default()
        },
        strategy: StrategyOptions {
            strategies: st(&["lowest-price"]),
            ..Default::default()
        },
        fleet: FleetOptions {
            target: Some(1),
            ..Default::default()
        },
        sim: SimOptions {
            launch_latency: Some(0),
            ..Default::default()
        },
        ..Scenario::default()
    };
    let r = &run(&s)[0];
    assert_eq!(r.start.secs(), start);
    assert_eq!(r.end.secs(), end);
    assert_eq!(r.total_cost_micro_usd as i128, micro);
    assert_eq!(
        r.instance_hours,
        ((end - start) as f64 / 3600.0 * 1e6).round() / 1e6
    );
    assert_eq!(r.interruptions, 0);
    assert_eq!(r.unmet_capacity_unit_hours, 0.0);
    println!(
        "eu-west-3a c5.2xlarge, {} price changes over {:.0} h: ${:.2} (independent: {} micro-USD)",
        pts.len(),
        r.duration_hours,
        r.total_cost_usd,
        micro
    );
}

#[test]
fn eu_west_3a_lowest_price_follows_the_cheapest_pool() {
    let Some(d) = data::require(&[EU_WEST_3A, ONDEMAND_US_EAST_1]) else {
        return;
    };
    let file = d.join(EU_WEST_3A);
    let types = ["c5.2xlarge", "m5d.2xlarge", "c5d.4xlarge"];
    let base = Scenario {
        traces: TraceOptions {
            prices: vec![file],
            ..Default::default()
        },
        catalog: CatalogOptions {
            path: Some(d.join(ONDEMAND_US_EAST_1)),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
        market: MarketSelection {
            instance_types: types.iter().map(|t| t.to_string()).collect(),
            azs: vec!["eu-west-3a".into()],
            ..Default::default()
        },
        strategy: StrategyOptions {
            strategies: st(&["lowest-price", "capacity-optimized"]),
            ..Default::default()
        },
        fleet: FleetOptions {
            target: Some(10),
            ..Default::default()
        },
        ..Scenario::default()
    };
    let rs = run(&base);
    let (lp, co) = (&rs[0], &rs[1]);
    // With unlimited capacity there are no interruptions; lowest-price with
    // price-driven replacement never pays more than capacity-optimized (which, with
    // every pool unlimited, sits in the pool that was cheapest at launch).
    assert_eq!(lp.interruptions + co.interruptions, 0);
    assert!(
        lp.total_cost_usd <= co.total_cost_usd + 1e-6,
        "{} > {}",
        lp.total_cost_usd,
        co.total_cost_usd
    );
    println!(
        "eu-west-3a, 3 types, 10 instances: lowest-price ${:.2} ({} price-driven moves), capacity-optimized ${:.2}",
        lp.total_cost_usd, lp.price_driven_replacements, co.total_cost_usd
    );
}

#[test]
fn aws_cli_json_sample_replays() {
    let Some(d) = data::require(&[CLI_JSON_SAMPLE]) else {
        return;
    };
    let s = Scenario {
        traces: TraceOptions {
            prices: vec![d.join(CLI_JSON_SAMPLE)],
            ..Default::default()
        },
        fleet: FleetOptions {
            target: Some(3),
            ..Default::default()
        },
        ..Scenario::default()
    };
    let r = &run(&s)[0];
    // Six change points over four zones: the horizon starts when every zone has a
    // price (us-east-1a's first, 23:58:38) and ends at the last change point.
    assert_eq!(r.provenance.pools, 4);
    assert_eq!(r.start.to_string(), "2021-02-08T23:58:38Z");
    assert_eq!(r.end.to_string(), "2021-02-09T01:40:10Z");
    assert!(r.total_cost_usd > 0.0);
    assert_eq!(r.provenance.inputs[0].format, "aws-json");
}

#[test]
fn az_id_archive_replays_by_az_id() {
    let Some(d) = data::require(&[PAULEY_TSV, ONDEMAND_US_EAST_1]) else {
        return;
    };
    let s = Scenario {
        traces: TraceOptions {
            prices: vec![d.join(PAULEY_TSV)],
            ..Default::default()
        },
        catalog: CatalogOptions {
            path: Some(d.join(ONDEMAND_US_EAST_1)),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
        market: MarketSelection {
            // The archive is a partial month (5.6 h) where most pools change price once or
            // twice; these types have prices in these AZ IDs.
            instance_types: vec!["m5.4xlarge".into(), "c5.4xlarge".into()],
            azs: vec!["use1-az1".into(), "use1-az2".into(), "use1-az6".into()],
            ..Default::default()
        },
        fleet: FleetOptions {
            target: Some(4),
            // Some of these pools get their first price only at 23:36:46, so the default
            // horizon (from when every pool has a price) would be empty: start explicitly.
            start: Some("2022-05-31T19:16:43Z".into()),
            end: Some("2022-06-01T00:00:00Z".into()),
            ..Default::default()
        },
        strategy: StrategyOptions {
            strategies: st(&["lowest-price"]),
            ..Default::default()
        },
        ..Scenario::default()
    };
    let r = &run(&s)[0];
    assert!(r.pools.iter().all(|p| p.zone_kind == "id"));
    let e = Scenario {
        fleet: FleetOptions {
            start: None,
            end: None,
            ..s.clone().fleet
        },
        ..s.clone()
    }
    .run()
    .unwrap_err()
    .to_string();
    assert!(e.contains("give --start"), "{e}");
    assert!(r.total_cost_usd > 0.0);
    // An AZ name is refused against a file of AZ IDs, with the reason.
    let bad = Scenario {
        market: MarketSelection {
            azs: vec!["us-east-1a".into()],
            ..s.market
        },
        ..s
    };
    let e = bad.run().unwrap_err().to_string();
    assert!(
        e.contains("AZ names and AZ IDs are not interchangeable"),
        "{e}"
    );
}

#[test]
fn v100_capacity_trace_interrupts_and_is_billed_by_the_rules() {
    let Some(d) = data::require(&v100_files()) else {
        return;
    };
    let s = Scenario {
        strategy: StrategyOptions {
            strategies: st(&["lowest-price", "capacity-optimized"]),
            ..v100(&d).strategy
        },
        fleet: FleetOptions {
            target: Some(4),
            ..v100(&d).fleet
        },
        ..v100(&d)
    };
    let rs = run(&s);
    for r in &rs {
        assert_eq!(r.provenance.pools, 9);
        assert_eq!(r.end.to_string(), "2023-04-02T11:54:51Z");
        assert!(r.interruptions > 0);
        // Spot prices stay below the $3.06 on-demand price: always a saving.
        assert!(r.total_cost_usd < r.ondemand_baseline_usd.unwrap());
        // Each pool holds at most one instance, so availability is capped by the pools
        // that are up at once.
        assert!(r.availability_pct < 100.0);
        println!(
            "V100 9 zones, target 4, {}: ${:.2}, {} interruptions ({:.1}/1000 h), availability {:.1}%",
            r.strategy,
            r.total_cost_usd,
            r.interruptions,
            r.interruptions_per_1000_instance_hours,
            r.availability_pct
        );
    }
}
