//! Property tests: batched placements equal naive one-at-a-time references; diversified
//! never at or above on-demand; lowest-price with replacement is never dearer.

use super::*;

const TYPES: [(&str, u32); 4] = [
    ("m5.large", 1),
    ("c5.large", 1),
    ("m5.xlarge", 2),
    ("r5.large", 3),
];
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

#[derive(Clone, Debug)]
struct GenPool {
    ty: usize,
    zone: usize,
    /// Price per-mille of on-demand (`None`: unpriced).
    price: Option<u32>,
    cap: Option<u32>,
    spot: u32,
    od: u32,
    hz: u32,
}

fn gen_pool(weighted: bool, above_od: bool) -> impl Strategy<Value = GenPool> {
    let top = if above_od { 1500u32 } else { 999 };
    (
        0..if weighted { 4usize } else { 2 },
        0..3usize,
        prop::option::weighted(0.9, 1..=top),
        prop::option::of(0..12u32),
        0..4u32,
        0..3u32,
        1..6u32,
    )
        .prop_map(|(ty, zone, price, cap, spot, od, hz)| GenPool {
            ty,
            zone,
            price,
            cap,
            spot,
            od,
            hz,
        })
}

fn world(gens: &[GenPool], hazard: bool) -> World {
    let cat = Catalog::builtin();
    let pools: Vec<Pool> = gens
        .iter()
        .map(|g| Pool {
            instance_type: cat.get(TYPES[g.ty].0).unwrap().clone(),
            zone: Zone::parse(ZONES[g.zone]),
            weight: TYPES[g.ty].1,
        })
        .collect();
    World {
        price: gens
            .iter()
            .zip(&pools)
            .map(|(g, p)| {
                g.price
                    .map(|pm| p.instance_type.ondemand.scale(i64::from(pm), 1000))
            })
            .collect(),
        cap: gens.iter().map(|g| g.cap.map(|c| c + g.spot)).collect(),
        held: gens.iter().map(|g| g.spot).collect(),
        spot: gens.iter().map(|g| g.spot).collect(),
        od: gens.iter().map(|g| g.od).collect(),
        occupied: (0..gens.len() as u32)
            .map(PoolId)
            .filter(|p| gens[p.idx()].spot > 0)
            .collect(),
        hazard: hazard.then(|| gens.iter().map(|g| f64::from(g.hz) / 100.0).collect()),
        max: vec![None; gens.len()],
        order: PriceOrder::default(),
        market: Market::new(pools, Vec::new(), Vec::new(), "Linux/UNIX"),
    }
}

/// `a/wa < b/wb` etc., exactly.
fn unit_cmp(v: &MarketView<'_>, a: PoolId, b: PoolId) -> Ordering {
    let (pa, pb) = (
        v.price(a).unwrap().nano_usd_per_hour() as i128,
        v.price(b).unwrap().nano_usd_per_hour() as i128,
    );
    (pa * v.pool(b).weight as i128).cmp(&(pb * v.pool(a).weight as i128))
}

fn zone_ix(v: &MarketView<'_>, p: PoolId) -> usize {
    ZONES
        .iter()
        .position(|z| *z == v.pool(p).zone.as_str())
        .unwrap()
}

/// Naive one-at-a-time lowest-price with a pool count: each step, the first `n` pools
/// with spare left (per zone when `per_az`) in unit-price order; the least loaded.
fn naive_lowest_price(
    v: &MarketView<'_>,
    f: &FleetView<'_>,
    need: u32,
    n: usize,
    per_az: bool,
) -> Vec<u32> {
    let mut order: Vec<PoolId> = v.pool_ids().filter(|&p| v.launchable(p)).collect();
    order.sort_by(|&a, &b| unit_cmp(v, a, b).then(a.cmp(&b)));
    let mut spare: Vec<u64> = (0..v.len() as u32)
        .map(|p| v.spare(PoolId(p)).map_or(u64::MAX, u64::from))
        .collect();
    let mut load: Vec<u64> = (0..v.len() as u32)
        .map(|p| f.spot(PoolId(p)) as u64 * v.pool(PoolId(p)).weight as u64)
        .collect();
    let mut got = vec![0u32; v.len()];
    let mut rem = need as i64;
    while rem > 0 {
        let mut taken = [0usize; 3];
        let active: Vec<PoolId> = order
            .iter()
            .copied()
            .filter(|p| spare[p.idx()] > 0)
            .filter(|&p| {
                let z = if per_az { zone_ix(v, p) } else { 0 };
                taken[z] += 1;
                taken[z] <= n
            })
            .collect();
        let Some(&b) = active.iter().min_by(|&&a, &&b| {
            load[a.idx()]
                .cmp(&load[b.idx()])
                .then(unit_cmp(v, a, b))
                .then(a.cmp(&b))
        }) else {
            break;
        };
        got[b.idx()] += 1;
        if spare[b.idx()] != u64::MAX {
            spare[b.idx()] -= 1;
        }
        load[b.idx()] += v.pool(b).weight as u64;
        rem -= v.pool(b).weight as i64;
    }
    got
}

/// Naive one-at-a-time tier placement (price-capacity-optimized when `prio` is None,
/// capacity-optimized-prioritized otherwise).
fn naive_tiered(v: &MarketView<'_>, need: u32, ppm: u64, prio: Option<&[&str]>) -> Vec<u32> {
    let cands: Vec<PoolId> = v.pool_ids().filter(|&p| v.launchable(p)).collect();
    let mut spare: Vec<u64> = (0..v.len() as u32)
        .map(|p| v.spare(PoolId(p)).map_or(u64::MAX, u64::from))
        .collect();
    let hz = |p: PoolId| v.hazard(p).unwrap_or(0.0);
    let rank = |p: PoolId| match prio {
        None => 0,
        Some(list) => list
            .iter()
            .position(|t| *t == v.pool(p).instance_type.name)
            .unwrap_or(list.len()),
    };
    let mut got = vec![0u32; v.len()];
    let mut rem = need as i64;
    while rem > 0 {
        let alive: Vec<PoolId> = cands
            .iter()
            .copied()
            .filter(|p| spare[p.idx()] > 0)
            .collect();
        let Some(max) = alive.iter().map(|p| spare[p.idx()]).max() else {
            break;
        };
        let thr = if max == u64::MAX {
            u64::MAX
        } else {
            ((max as u128 * ppm as u128).div_ceil(1_000_000) as u64).max(1)
        };
        let tier: Vec<PoolId> = alive
            .iter()
            .copied()
            .filter(|p| spare[p.idx()] >= thr)
            .collect();
        let hmin = tier.iter().map(|&p| hz(p)).fold(f64::INFINITY, f64::min);
        let tier: Vec<PoolId> = tier
            .into_iter()
            .filter(|&p| v.hazard(p).is_none() || hz(p) * ppm as f64 <= hmin * 1e6)
            .collect();
        let b = *tier
            .iter()
            .min_by(|&&a, &&b| {
                let by_price = unit_cmp(v, a, b);
                let (ka, kb) = (
                    (rank(a), Reverse(spare[a.idx()])),
                    (rank(b), Reverse(spare[b.idx()])),
                );
                let hzc = hz(a).total_cmp(&hz(b));
                match prio {
                    None => by_price
                        .then(Reverse(spare[a.idx()]).cmp(&Reverse(spare[b.idx()])))
                        .then(hzc)
                        .then(a.cmp(&b)),
                    Some(_) => ka.cmp(&kb).then(hzc).then(by_price).then(a.cmp(&b)),
                }
            })
            .unwrap();
        got[b.idx()] += 1;
        if spare[b.idx()] != u64::MAX {
            spare[b.idx()] -= 1;
        }
        rem -= v.pool(b).weight as i64;
    }
    got
}

/// Naive one-at-a-time capacity-optimized.
fn naive_capacity_optimized(v: &MarketView<'_>, need: u32) -> Vec<u32> {
    let cands: Vec<PoolId> = v.pool_ids().filter(|&p| v.launchable(p)).collect();
    let mut spare: Vec<u64> = (0..v.len() as u32)
        .map(|p| v.spare(PoolId(p)).map_or(u64::MAX, u64::from))
        .collect();
    let hz = |p: PoolId| v.hazard(p).unwrap_or(0.0);
    let mut got = vec![0u32; v.len()];
    let mut rem = need as i64;
    while rem > 0 {
        let Some(&b) = cands
            .iter()
            .filter(|p| spare[p.idx()] > 0)
            .min_by(|&&a, &&b| {
                Reverse(spare[a.idx()])
                    .cmp(&Reverse(spare[b.idx()]))
                    .then(hz(a).total_cmp(&hz(b)))
                    .then(unit_cmp(v, a, b))
                    .then(a.cmp(&b))
            })
        else {
            break;
        };
        got[b.idx()] += 1;
        if spare[b.idx()] != u64::MAX {
            spare[b.idx()] -= 1;
        }
        rem -= v.pool(b).weight as i64;
    }
    got
}

fn counts(out: &[Launch], n: usize) -> Vec<u32> {
    let mut v = vec![0u32; n];
    for l in out {
        v[l.pool.idx()] += l.count;
    }
    v
}

/// 2024-01-01T00:00:00Z; price changes on a 100 s grid so every instance runs at
/// least the 60 s billing minimum (see the cost property).
const SPAN: i64 = 20_000;

fn cost_market(prices: &[Vec<(i64, u32)>]) -> Market {
    let cat = Catalog::builtin();
    let mut pools = Vec::new();
    let mut traces = Vec::new();
    for (i, pts) in prices.iter().enumerate() {
        let it = cat.get(TYPES[i % 2].0).unwrap().clone();
        let od = it.ondemand;
        pools.push(Pool {
            instance_type: it,
            zone: Zone::parse(ZONES[(i / 2) % 3]),
            weight: 1,
        });
        let mut pts = pts.clone();
        pts.sort();
        pts.dedup_by_key(|p| p.0);
        pts[0].0 = 0;
        traces.push(
            PriceTrace::new(
                pts.iter().map(|p| B + p.0 * 100).collect(),
                pts.iter().map(|p| od.scale(p.1 as i64, 1000)).collect(),
            )
            .unwrap(),
        );
    }
    Market::new(pools, traces, vec![], "Linux/UNIX")
}

fn total_cost(o: &Outcome) -> Money {
    o.spot.iter().chain(&o.ondemand).map(|t| t.cost).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn lowest_price_pool_counts_equal_the_naive_rule(
        gens in prop::collection::vec(gen_pool(true, false), 1..10),
        need in 0u32..40, n in 1usize..4, per_az in any::<bool>(),
    ) {
        let w = world(&gens, false);
        let scope = if per_az { PoolScope::PerAz } else { PoolScope::Fleet };
        let got = counts(&w.decide(&mut LowestPrice::default().with_pools(n as u32, scope), need), gens.len());
        prop_assert_eq!(got, naive_lowest_price(&w.view(), &w.fleet(), need, n, per_az));
        // Without a pool count: the naive rule with n = ∞ and no balancing is the
        // cheapest first; with all loads equal it is the same as n = 1.
        let got = counts(&w.decide(&mut LowestPrice::default(), need), gens.len());
        let zero = vec![0u32; gens.len()];
        let f = FleetView::new(&zero, &[]);
        prop_assert_eq!(got, naive_lowest_price(&w.view(), &f, need, 1, false));
    }

    #[test]
    fn tiered_strategies_equal_the_naive_rule(
        gens in prop::collection::vec(gen_pool(true, false), 1..10),
        need in 0u32..60, hazard in any::<bool>(), tier in prop::sample::select(vec![0.25, 0.5, 0.75, 1.0]),
    ) {
        let w = world(&gens, hazard);
        let ppm = (tier * 1e6) as u64;
        let got = counts(&w.decide(&mut PriceCapacityOptimized::with_capacity_tier(tier).unwrap(), need), gens.len());
        prop_assert_eq!(got, naive_tiered(&w.view(), need, ppm, None));
        let prio = ["c5.large", "r5.large"];
        let mut cop = CapacityOptimizedPrioritized::new(types(&prio)).with_capacity_tier(tier).unwrap();
        let got = counts(&w.decide(&mut cop, need), gens.len());
        prop_assert_eq!(&got, &naive_tiered(&w.view(), need, ppm, Some(&prio)));
        // The priority cache gives the same answer the second time.
        prop_assert_eq!(counts(&w.decide(&mut cop, need), gens.len()), got);
        let got = counts(&w.decide(&mut CapacityOptimized, need), gens.len());
        prop_assert_eq!(got, naive_capacity_optimized(&w.view(), need));
    }

    #[test]
    fn every_strategy_fills_what_it_can_and_no_more(
        gens in prop::collection::vec(gen_pool(true, true), 1..10),
        need in 0u32..40, hazard in any::<bool>(), az in any::<bool>(),
    ) {
        let w = world(&gens, hazard);
        let v = w.view();
        let max_w = gens.iter().map(|g| TYPES[g.ty].1).max().unwrap_or(1);
        for name in StrategySpec::NAMES {
            let mut s = StrategySpec::parse_name(name).unwrap().with_az_balance(az).build(&types(&["r5.large"]));
            let out = w.decide(&mut *s, need);
            let per = counts(&out, gens.len());
            let units: u64 = (0..gens.len()).map(|i| per[i] as u64 * TYPES[gens[i].ty].1 as u64).sum();
            // Eligible capacity in units (diversified: only pools below on-demand).
            let eligible = |p: PoolId| v.launchable(p) && (*name != "diversified" || v.price(p) < Some(v.ondemand(p)));
            let mut room: u64 = 0;
            for p in v.pool_ids().filter(|&p| eligible(p)) {
                room = room.saturating_add(v.spare(p).map_or(u64::MAX / 16, u64::from) * v.pool(p).weight as u64);
            }
            if *name == "on-demand" {
                room = if gens.is_empty() { 0 } else { u64::MAX };
                prop_assert!(out.iter().all(|l| l.option == PurchaseOption::OnDemand));
            } else {
                prop_assert!(out.iter().all(|l| l.option == PurchaseOption::Spot && eligible(l.pool)), "{} {:?}", name, out);
                for l in &out {
                    prop_assert!(v.spare(l.pool).is_none_or(|s| per[l.pool.idx()] <= s), "{} beyond spare", name);
                }
            }
            prop_assert!(units >= (need as u64).min(room), "{} az={}: {} units of {} (room {})", name, az, units, need, room);
            // Each placement stops once the need is met, so the overshoot is under one
            // instance — per zone with az-balance, where each zone rounds up its share
            // (the engine stops launching at the target anyway).
            let slack = if az { 3 * max_w as u64 } else { max_w as u64 };
            prop_assert!(units < need as u64 + slack, "{} az={}: overshoot {} for {}", name, az, units, need);
        }
    }

    #[test]
    fn diversified_never_chooses_a_pool_at_or_above_on_demand(
        gens in prop::collection::vec(gen_pool(true, true), 1..12), need in 1u32..50,
    ) {
        let w = world(&gens, false);
        for az in [false, true] {
            let mut s = StrategySpec::Diversified { az_balance: az }.build(&[]);
            for l in w.decide(&mut *s, need) {
                let v = w.view();
                prop_assert!(v.price(l.pool).unwrap() < v.ondemand(l.pool));
            }
        }
    }

    #[test]
    fn diversified_never_launches_at_or_above_on_demand_through_the_engine(
        prices in prop::collection::vec(prop::collection::vec((0i64..200, 700u32..1300), 1..5), 1..6),
        target in 1u32..12,
    ) {
        let m = cost_market(&prices);
        let mut c = FleetConfig::new(Target::Constant(target));
        c.start = Some(SimTime(B));
        c.end = Some(SimTime(B + SPAN));
        c.launch_latency_secs = 0;
        c.record_instances = true;
        let o = Simulation::new(&m, c, Diversified).run().unwrap();
        for r in &o.instances {
            let price = m.price_trace(r.pool).price_at(r.launched_at).unwrap();
            prop_assert!(price < m.pool(r.pool).instance_type.ondemand, "{:?} at {}", r, price);
        }
    }

    #[test]
    fn lowest_price_with_replacement_is_never_dearer(
        prices in prop::collection::vec(prop::collection::vec((0i64..200, 1u32..1000), 1..5), 1..7),
        target in 1u32..8,
    ) {
        // Unlimited capacity, zero latency, every pool priced from the start: with
        // price-driven replacement the fleet always sits in the cheapest pool.
        let m = cost_market(&prices);
        let mut c = FleetConfig::new(Target::Constant(target));
        c.start = Some(SimTime(B));
        c.end = Some(SimTime(B + SPAN));
        c.launch_latency_secs = 0;
        let lp = Simulation::new(&m, c.clone(), LowestPrice::default()).run().unwrap();
        prop_assert_eq!(lp.unmet_unit_secs, 0);
        let lp_cost = total_cost(&lp);
        let mut others: Vec<Box<dyn AllocationStrategy>> = vec![
            Box::new(LowestPrice::keep_running()),
            Box::new(LowestPrice::keep_running().with_pools(2, PoolScope::Fleet)),
            Box::new(LowestPrice::default().with_pools(2, PoolScope::PerAz)),
            Box::new(CapacityOptimized),
            Box::new(PriceCapacityOptimized::default()),
            Box::new(CapacityOptimizedPrioritized::new(types(&["c5.large"]))),
            Box::new(Diversified),
            Box::new(OnDemand),
            Box::new(AzBalanced::new(LowestPrice::default())),
            Box::new(AzBalanced::new(PriceCapacityOptimized::default())),
        ];
        for s in others.drain(..) {
            let name = s.name().to_string();
            let o = Simulation::new(&m, c.clone(), s).run().unwrap();
            prop_assert_eq!(o.unmet_unit_secs, 0, "{}", name);
            prop_assert!(lp_cost <= total_cost(&o), "{}: {:?} < lowest-price {:?}", name, total_cost(&o), lp_cost);
        }
    }
}
