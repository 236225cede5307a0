//! AWS's qualitative claims about its allocation strategies (aws-facts.md §1.3), checked
//! on markets where the five strategies place differently, so that every claim can fail.
//!
//! On the V100 traces capacity-optimized, price-capacity-optimized, diversified and
//! capacity-optimized-prioritized give identical runs (every pool holds at most one
//! instance, so each of them fills every available pool), and a claim comparing them
//! there cannot tell them apart. The claims are therefore checked on:
//!
//! * a hand-built market (four pools: cheap and shallow, deep, deepest and dearest,
//!   prioritized) where each strategy's §1.3 rule gives a different placement, with a
//!   capacity crunch in the cheap pool;
//! * seeded synthetic markets whose pool depths differ tenfold (bases 10–200) and whose
//!   crunches take up to 90 % of a pool, so that depth predicts interruptions, as AWS's
//!   "capacity availability" does.
//!
//! **Swaps.** Each scenario's claims are a function of the five runs, one per slot. The
//! `..._every_swap_breaks_a_claim` tests put each strategy's run in every other slot (20
//! swaps per scenario) and require at least one claim to fail for each; the comment on
//! every claim lists the swaps it catches (as printed by those tests).

use spotsim::engine::{FleetConfig, Outcome, Simulation, Target};
use spotsim::market::{Market, PoolId};
use spotsim::options::{AdvisorOptions, CatalogOptions, SimOptions, StrategyOptions, TraceOptions};
use spotsim::report::Report;
use spotsim::scenario::FleetOptions;
use spotsim::scenario::Scenario;
use spotsim::strategy::{
    AllocationStrategy, CapacityOptimized, CapacityOptimizedPrioritized, Diversified, LowestPrice,
    PriceCapacityOptimized,
};
use spotsim::synth::{SynthParams, synthetic_market};

use super::data::{self, ADVISOR_2021, EU_WEST_3A, ONDEMAND_US_EAST_1};
use super::engine::{P, cfg, market};
use super::replay::{v100, v100_files};

/// The five strategies, in slot order.
const NAMES: [&str; 5] = ["LP", "CO", "PCO", "COP", "DIV"];
const LP: usize = 0;
const CO: usize = 1;
const PCO: usize = 2;
const COP: usize = 3;
const DIV: usize = 4;

/// The type capacity-optimized-prioritized puts first in both scenarios.
const PRIORITY: &str = "m6a.large";

fn strategy(slot: usize) -> Box<dyn AllocationStrategy + Send> {
    match slot {
        LP => Box::new(LowestPrice::keep_running()),
        CO => Box::new(CapacityOptimized),
        PCO => Box::new(PriceCapacityOptimized::new()),
        COP => Box::new(CapacityOptimizedPrioritized::new(vec![PRIORITY.into()])),
        _ => Box::new(Diversified),
    }
}

/// What a claim looks at in one run.
#[derive(Clone, Debug)]
struct Run {
    cost_units: i128,
    interruptions: u64,
    /// Instances launched at the start, per pool.
    first: Vec<u32>,
    /// Seconds run on the priority type, and in all.
    priority_secs: i64,
    secs: i64,
}

fn summarize(m: &Market, o: &Outcome) -> Run {
    let first = (0..m.pools().len())
        .map(|i| {
            o.instances
                .iter()
                .filter(|r| r.pool.idx() == i && r.launched_at == o.start)
                .count() as u32
        })
        .collect();
    let priority_secs = o
        .spot
        .iter()
        .enumerate()
        .filter(|(i, _)| m.pool(PoolId(*i as u32)).instance_type.name == PRIORITY)
        .map(|(_, t)| t.run_secs)
        .sum();
    Run {
        cost_units: o.spot.iter().map(|t| t.cost.units()).sum(),
        interruptions: o.spot.iter().map(|t| t.interruptions).sum(),
        first,
        priority_secs,
        secs: o.spot.iter().map(|t| t.run_secs).sum(),
    }
}

fn run_all(m: &Market, c: &FleetConfig) -> Vec<Run> {
    (0..5)
        .map(|s| {
            let o = Simulation::new(m, c.clone(), strategy(s)).run().unwrap();
            summarize(m, &o)
        })
        .collect()
}

/// Every swap of one slot's run for another strategy's must break at least one claim.
fn every_swap_breaks_a_claim<T: Clone>(runs: &[T], claims: impl Fn(&[T]) -> Vec<&'static str>) {
    assert_eq!(claims(runs), Vec::<&str>::new(), "the claims hold");
    let mut uncaught = Vec::new();
    for slot in 0..5 {
        for other in (0..5).filter(|&o| o != slot) {
            let mut swapped = runs.to_vec();
            swapped[slot] = runs[other].clone();
            let failed = claims(&swapped);
            println!(
                "{} in the {} slot: fails {failed:?}",
                NAMES[other], NAMES[slot]
            );
            if failed.is_empty() {
                uncaught.push(format!("{} as {}", NAMES[other], NAMES[slot]));
            }
        }
    }
    assert!(uncaught.is_empty(), "swaps no claim catches: {uncaught:?}");
}

// ---------------------------------------------------------------------------------
// A hand-built market where every rule places differently
// ---------------------------------------------------------------------------------

/// Four pools, constant prices, a week, target 20, launches instant:
///
/// | pool | type | zone | $/h | capacity |
/// |---|---|---|---|---|
/// | 0 | m5.large | us-east-1a | 0.030 | 12; 0 from day 2 for 3 h |
/// | 1 | m6i.large | us-east-1a | 0.034 | 100 |
/// | 2 | m7i.large | us-east-1b | 0.040 | 150 |
/// | 3 | m6a.large | us-east-1b | 0.036 | 90 |
///
/// By §1.3's rules: lowest-price fills pool 0 (12), then pool 1 (8); capacity-optimized
/// the deepest, pool 2 (150 → 130, still the deepest: all 20); price-capacity-optimized
/// the cheapest pool with at least half the largest spare capacity (≥ 75: pools 1, 2, 3)
/// — pool 1, all 20 (100 → 80); capacity-optimized-prioritized m6a.large (pool 3) while
/// it stays in that tier, recomputed after each placement: 16 take pool 3 from 90 to 74,
/// below half of 150; the 17th and 18th go to the deepest, pool 2 (150 → 148), whose
/// half, 74, lets pool 3 back in for the 19th (→ 73); the 20th to pool 2: 17 and 3;
/// diversified 5 in each. The crunch interrupts lowest-price's 12 and diversified's 5.
fn hand_runs() -> Vec<Run> {
    let day = 86_400;
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.030")],
                cap: Some(&[(0, 12), (2 * day, 0), (2 * day + 3 * 3600, 12)]),
            },
            P {
                ty: "m6i.large",
                zone: "us-east-1a",
                prices: &[(0, "0.034")],
                cap: Some(&[(0, 100)]),
            },
            P {
                ty: "m7i.large",
                zone: "us-east-1b",
                prices: &[(0, "0.040")],
                cap: Some(&[(0, 150)]),
            },
            P {
                ty: "m6a.large",
                zone: "us-east-1b",
                prices: &[(0, "0.036")],
                cap: Some(&[(0, 90)]),
            },
        ],
        "Linux/UNIX",
    );
    run_all(&m, &cfg(20, 0, 7 * day, 0))
}

fn hand_claims(r: &[Run]) -> Vec<&'static str> {
    let mut failed = Vec::new();
    let mut claim = |name, ok: bool| {
        if !ok {
            failed.push(name);
        }
    };
    // lowest-price: "the cheapest pool that has capacity; when that pool runs out, the
    // next cheapest". Catches CO, PCO, COP and DIV in the LP slot.
    claim("LP cheapest first", r[LP].first == [12, 8, 0, 0]);
    // "can lead to high interruption rates": the crunch in the cheap pool hits it
    // hardest. Catches every strategy in the LP slot and LP in every other slot.
    claim(
        "LP interrupted most",
        (0..5).all(|s| s == LP || r[LP].interruptions > r[s].interruptions),
    );
    // capacity-optimized: "most spare capacity; price is not considered" — the deepest
    // pool, which is also the dearest: the costliest run. The first catches LP, PCO, COP
    // and DIV in the CO slot; the second also CO in any other slot.
    claim("CO deepest pool", r[CO].first == [0, 0, 20, 0]);
    claim(
        "CO dearest",
        (0..5).all(|s| s == CO || r[CO].cost_units > r[s].cost_units),
    );
    // price-capacity-optimized (the launch announcement, §1.3 [S6]): "interruption rate
    // about the same as capacity-optimized, total Spot price usually lower". Here: the
    // same (none) and lower, in the cheapest of the pools with at least half the
    // largest spare capacity. The first catches LP or DIV in the CO or PCO slot; the
    // second LP or PCO in the CO slot and CO in the PCO slot; the third every strategy in
    // the PCO slot.
    claim(
        "PCO interrupts as CO",
        r[PCO].interruptions == r[CO].interruptions,
    );
    claim("PCO cheaper than CO", r[PCO].cost_units < r[CO].cost_units);
    claim("PCO cheapest deep pool", r[PCO].first == [0, 20, 0, 0]);
    // capacity-optimized-prioritized: priorities "on a best-effort basis, when doing so
    // does not noticeably hurt the capacity outcome": m6a.large gets most of the fleet,
    // not all of it. Catches LP, CO, PCO and DIV in the COP slot.
    claim(
        "COP priority within the tier",
        r[COP].first == [0, 0, 3, 17],
    );
    // diversified: "spread across all the pools". Catches LP, CO, PCO and COP in the DIV
    // slot.
    claim("DIV spread evenly", r[DIV].first == [5, 5, 5, 5]);
    failed
}

#[test]
fn hand_built_market_each_strategy_keeps_its_claims() {
    let r = hand_runs();
    for (n, x) in NAMES.iter().zip(&r) {
        println!("{n:>3}: {x:?}");
    }
    assert_eq!(hand_claims(&r), Vec::<&str>::new());
    // The crunch: lowest-price loses its 12 in pool 0, diversified its 5, the others none.
    let intr: Vec<u64> = r.iter().map(|x| x.interruptions).collect();
    assert_eq!(intr, [12, 0, 0, 0, 5]);
    // Cost of the capacity-first runs by hand (no interruptions, a week = 168 h):
    // CO 20 × $0.040 × 168 = $134.40, PCO 20 × $0.034 × 168 = $114.24,
    // COP (17 × $0.036 + 3 × $0.040) × 168 = $122.976. (Money units: 1e-9 $ / 3600 / 1024.)
    let units = |usd_micro: i128| usd_micro * 1000 * 3600 * 1024;
    assert_eq!(r[CO].cost_units, units(134_400_000));
    assert_eq!(r[PCO].cost_units, units(114_240_000));
    assert_eq!(r[COP].cost_units, units(122_976_000));
}

#[test]
fn hand_built_market_every_swap_breaks_a_claim() {
    every_swap_breaks_a_claim(&hand_runs(), hand_claims);
}

// ---------------------------------------------------------------------------------
// Seeded synthetic markets where depth predicts interruptions
// ---------------------------------------------------------------------------------

/// The sums over seeds 1–10 of 12-pool synthetic markets (4 types × 3 zones, 30 days):
/// bases 10–200, available spells 5 days on average, crunches to 1–90 % of the base
/// (never 0), target 30. Prices are the default model's (levels from the Spot Advisor).
///
/// AWS's "price-capacity-optimized interrupts about as often as capacity-optimized" is
/// not asserted here because it does not hold in this model: when written, PCO had 185
/// interruptions against CO's 110 and LP's 286 (PCO fills the cheapest pool of the
/// half-depth tier while CO water-fills the deepest). On the hand-built market, where
/// depth protects, it holds exactly and is asserted.
fn synthetic_runs() -> Vec<(Run, Vec<Vec<u32>>)> {
    let p = SynthParams {
        base_capacity_min: 10,
        base_capacity_max: 200,
        mean_available_secs: 5 * 86_400,
        constrained_max_pct: 90,
        constrained_zero_pct: 0,
        ..SynthParams::default()
    };
    let mut sums: Vec<(Run, Vec<Vec<u32>>)> = (0..5)
        .map(|_| {
            (
                Run {
                    cost_units: 0,
                    interruptions: 0,
                    first: Vec::new(),
                    priority_secs: 0,
                    secs: 0,
                },
                Vec::new(),
            )
        })
        .collect();
    for seed in 1..=10 {
        let m = synthetic_market(&p, seed);
        let mut c = FleetConfig::new(Target::Constant(30));
        c.seed = seed;
        c.record_instances = true;
        for (s, r) in run_all(&m, &c).into_iter().enumerate() {
            let (sum, firsts) = &mut sums[s];
            sum.cost_units += r.cost_units;
            sum.interruptions += r.interruptions;
            sum.priority_secs += r.priority_secs;
            sum.secs += r.secs;
            firsts.push(r.first);
        }
    }
    sums
}

fn synthetic_claims(r: &[(Run, Vec<Vec<u32>>)]) -> Vec<&'static str> {
    let mut failed = Vec::new();
    let mut claim = |name, ok: bool| {
        if !ok {
            failed.push(name);
        }
    };
    let cost = |s: usize| r[s].0.cost_units;
    let intr = |s: usize| r[s].0.interruptions;
    let share = |s: usize| r[s].0.priority_secs as f64 / r[s].0.secs as f64;
    // lowest-price: price is the only criterion — the cheapest of the five. Catches every
    // strategy in the LP slot (none is strictly cheaper than itself) and LP in every
    // other slot.
    claim("LP cheapest", (0..5).all(|s| s == LP || cost(LP) < cost(s)));
    // lowest-price "can lead to high interruption rates": the most interrupted. Catches
    // the same swaps.
    claim(
        "LP interrupted most",
        (0..5).all(|s| s == LP || intr(LP) > intr(s)),
    );
    // capacity-optimized, for workloads where an interruption is expensive: fewer
    // interruptions than lowest-price and price-capacity-optimized (it fills the deepest
    // pools; price-capacity-optimized trades some depth for price). Catches LP or PCO in
    // the CO slot, CO or DIV in the PCO slot.
    claim("CO interrupted less than PCO", intr(CO) < intr(PCO));
    // price-capacity-optimized: "total Spot price usually lower" than capacity-optimized
    // and, choosing among the high-capacity pools, fewer interruptions than lowest-price.
    // The first catches LP or PCO in the CO slot and CO or COP in the PCO slot (DIV there
    // is cheaper than CO too); the second every strategy in the LP slot and LP in the
    // PCO slot.
    claim("PCO cheaper than CO", cost(PCO) < cost(CO));
    claim("PCO interrupted less than LP", intr(PCO) < intr(LP));
    // capacity-optimized-prioritized: most of its instance-hours on the priority type,
    // and more than any other strategy. The first catches LP, CO, PCO and DIV in the COP
    // slot; the second also COP in every other slot.
    claim("COP mostly the priority type", share(COP) > 0.5);
    claim(
        "COP favours the priority type most",
        (0..5).all(|s| s == COP || share(COP) > share(s)),
    );
    // diversified: "spread across all the pools: 10 pools and a target of 100 give 10
    // per pool" — 30 over 12 pools: 2 or 3 in every pool, on every seed. Catches LP, CO,
    // PCO and COP in the DIV slot (they start in a few pools).
    claim(
        "DIV spread evenly",
        r[DIV]
            .1
            .iter()
            .all(|f| f.len() == 12 && f.iter().all(|&n| n == 2 || n == 3)),
    );
    // capacity-optimized and price-capacity-optimized place by depth: at the start of
    // every seed each uses a few pools, never all twelve. Catches DIV in the CO or PCO
    // slot.
    claim(
        "CO and PCO concentrate",
        r[CO]
            .1
            .iter()
            .chain(&r[PCO].1)
            .all(|f| f.iter().filter(|&&n| n > 0).count() <= 4),
    );
    failed
}

#[test]
fn synthetic_markets_each_strategy_keeps_its_claims() {
    let r = synthetic_runs();
    for (n, (x, _)) in NAMES.iter().zip(&r) {
        println!(
            "{n:>3}: ${:.2}, {} interruptions, {:.1} % on {PRIORITY}",
            x.cost_units as f64 / (1e9 * 3600.0 * 1024.0),
            x.interruptions,
            100.0 * x.priority_secs as f64 / x.secs as f64
        );
    }
    assert_eq!(synthetic_claims(&r), Vec::<&str>::new());
}

#[test]
fn synthetic_markets_every_swap_breaks_a_claim() {
    every_swap_breaks_a_claim(&synthetic_runs(), synthetic_claims);
}

// ---------------------------------------------------------------------------------
// Real traces
// ---------------------------------------------------------------------------------

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
    rs.iter().find(|r| r.strategy == name).unwrap()
}

/// On the V100 traces (capacity 0 or 1 per pool) every capacity-first strategy fills
/// every available pool, so only lowest-price differs; the claim checked is §1.3's
/// warning that lowest-price "can lead to high interruption rates".
#[test]
fn v100_nine_zones_capacity_optimized_interrupts_less_than_lowest_price() {
    let Some(d) = data::require(&v100_files()) else {
        return;
    };
    let mut totals = [0u64; 2];
    for seed in 1..=5 {
        let s = Scenario {
            strategy: StrategyOptions {
                strategies: specs("lowest-price,capacity-optimized"),
                ..v100(&d).strategy
            },
            fleet: FleetOptions {
                target: Some(4),
                ..v100(&d).fleet
            },
            sim: SimOptions {
                seed: Some(seed),
                ..v100(&d).sim
            },
            ..v100(&d)
        };
        let rs = s.run().unwrap();
        if seed == 1 {
            show("V100, 9 zones, p3.2xlarge, 4 instances (seed 1):", &rs);
        }
        totals[0] += by(&rs, "lowest-price").interruptions;
        totals[1] += by(&rs, "capacity-optimized").interruptions;
    }
    println!(
        "interruptions over seeds 1-5: lowest-price {}, capacity-optimized {}",
        totals[0], totals[1]
    );
    // Strict: swapping capacity-optimized for lowest-price (or back) makes them equal
    // and fails; checked. (3,715 against 3,540 when written.)
    assert!(totals[1] < totals[0]);
}

#[test]
fn eu_west_3a_diversified_spreads_and_pays_for_it() {
    let Some(d) = data::require(&[EU_WEST_3A, ONDEMAND_US_EAST_1, ADVISOR_2021]) else {
        return;
    };
    let s = Scenario {
        traces: TraceOptions {
            prices: vec![d.join(EU_WEST_3A)],
            ..Default::default()
        },
        catalog: CatalogOptions {
            path: Some(d.join(ONDEMAND_US_EAST_1)),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
        advisor: AdvisorOptions {
            path: Some(d.join(ADVISOR_2021)),
            region: Some("eu-west-3".into()),
        },
        strategy: StrategyOptions {
            strategies: specs("lowest-price,diversified"),
            ..Default::default()
        },
        fleet: FleetOptions {
            target: Some(400),
            target_unit: Some("vcpu".into()),
            ..Default::default()
        },
        ..Scenario::default()
    };
    let rs = s.run().unwrap();
    show(
        "eu-west-3a 2020, 16 types, 400 vCPU, Spot Advisor 2021 hazard (eu-west-3):",
        &rs,
    );
    // Without capacity traces capacity-optimized and price-capacity-optimized choose the
    // lowest-hazard pool, which here is also the cheapest: they equal lowest-price
    // ($1,207.26), so this market checks only lowest-price against diversified.
    let (lp, div) = (by(&rs, "lowest-price"), by(&rs, "diversified"));
    // §1.3: diversified spreads over all the pools (16 types, one zone). Swapping it for
    // lowest-price (1 pool) fails; checked.
    assert!(div.pools.iter().filter(|p| p.launches > 0).count() >= 10);
    // Lowest-price's one pool is the cheapest; diversified pays for spreading. Swapping
    // either for the other makes the two equal and fails; checked.
    assert!(lp.total_cost_usd < div.total_cost_usd);
}
