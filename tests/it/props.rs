//! Property tests of the engine's invariants on random hand-built markets.

use proptest::prelude::*;
use spotsim::catalog::Catalog;
use spotsim::engine::{FleetConfig, MaxPrice, OnDemandSplit, Outcome, Simulation, Target};
use spotsim::market::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use spotsim::market::{MarketView, PoolId};
use spotsim::money::{Money, Rate};
use spotsim::report::{Format, Report, RunInfo, render};
use spotsim::strategy::{
    AllocationStrategy, AzBalanced, CapacityOptimized, FleetView, Launch, LowestPrice, Move,
    PoolScope, PriceTrigger,
};
use spotsim::time::SimTime;

const TYPES: [&str; 3] = ["m5.large", "c5.large", "r5.large"];
const ZONES: [&str; 2] = ["us-east-1a", "us-east-1b"];
const SPAN: i64 = 20_000;
/// 2024-01-01T00:00:00Z: per-second billing era.
const B: i64 = 1_704_067_200;

#[derive(Clone, Debug)]
struct PoolGen {
    /// (time, price as a per-mille fraction of on-demand, 1..=1000)
    prices: Vec<(i64, i64)>,
    /// (time, capacity)
    caps: Option<Vec<(i64, u32)>>,
}

fn pool_gen(max_cap: u32) -> impl Strategy<Value = PoolGen> {
    let prices = prop::collection::vec((0..SPAN, 1i64..=1000), 1..6);
    let caps = prop::option::of(prop::collection::vec((0..SPAN, 0..=max_cap), 1..6));
    (prices, caps).prop_map(|(mut prices, caps)| {
        prices.sort();
        prices.dedup_by_key(|p| p.0);
        let caps = caps.map(|mut c| {
            c.sort();
            c.dedup_by_key(|p| p.0);
            c
        });
        PoolGen { prices, caps }
    })
}

fn build(gens: &[PoolGen], unlimited: bool, priced_from_start: bool) -> Market {
    let cat = Catalog::builtin();
    let mut pools = Vec::new();
    let mut prices = Vec::new();
    let mut caps = Vec::new();
    for (i, g) in gens.iter().enumerate() {
        let it = cat.get(TYPES[i % TYPES.len()]).unwrap().clone();
        let od = it.ondemand;
        pools.push(Pool {
            instance_type: it,
            zone: Zone::parse(ZONES[(i / TYPES.len()) % ZONES.len()]),
            weight: 1,
        });
        let mut pts = g.prices.clone();
        if priced_from_start {
            pts[0].0 = 0;
        }
        prices.push(
            PriceTrace::new(
                pts.iter().map(|p| B + p.0).collect(),
                pts.iter().map(|p| od.scale(p.1, 1000)).collect(),
            )
            .unwrap(),
        );
        caps.push(if unlimited {
            None
        } else {
            g.caps.as_ref().map(|c| {
                CapacityTrace::new(
                    c.iter().map(|p| B + p.0).collect(),
                    c.iter().map(|p| p.1).collect(),
                )
                .unwrap()
            })
        });
    }
    Market::new(pools, prices, caps, "Linux/UNIX")
}

fn config(target: u32, latency: i64, seed: u64) -> FleetConfig {
    let mut c = FleetConfig::new(Target::Constant(target));
    c.start = Some(SimTime(B));
    c.end = Some(SimTime(B + SPAN));
    c.launch_latency_secs = latency;
    c.seed = seed;
    c
}

fn sim<S: AllocationStrategy>(m: &Market, c: FleetConfig, s: S) -> Outcome {
    Simulation::new(m, c, s).run().unwrap()
}

fn strategies() -> Vec<Box<dyn AllocationStrategy>> {
    vec![
        Box::new(LowestPrice::default()),
        Box::new(LowestPrice::keep_running()),
        Box::new(CapacityOptimized),
    ]
}

/// A strategy as given, except for its [`PriceTrigger`]: `Always` at every `every`-th
/// instant the engine asks (once per instant with a price change), its own otherwise.
/// With `every` = 1 the engine calls `on_price_change` after every such instant; with
/// more, the answer changes between instants, and the engine's cached dearest price
/// must not go stale across the `Always` instants.
struct Triggered<S> {
    inner: S,
    every: u32,
    asked: std::cell::Cell<u32>,
}

/// `s`, its `on_price_change` called after every instant with a price change.
fn called_always<S>(s: S) -> Triggered<S> {
    alternating(s, 1)
}

/// `s`, its trigger `Always` at every `every`-th instant.
fn alternating<S>(s: S, every: u32) -> Triggered<S> {
    Triggered {
        inner: s,
        every,
        asked: std::cell::Cell::new(0),
    }
}

impl<S: AllocationStrategy> AllocationStrategy for Triggered<S> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn allocate(
        &mut self,
        need: u32,
        v: &MarketView<'_>,
        f: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        self.inner.allocate(need, v, f, out)
    }
    fn on_price_change(
        &mut self,
        c: &[PoolId],
        v: &MarketView<'_>,
        f: &FleetView<'_>,
        out: &mut Vec<Move>,
    ) {
        self.inner.on_price_change(c, v, f, out)
    }
    fn assumptions(&self) -> Vec<String> {
        self.inner.assumptions()
    }
    fn price_trigger(&self) -> PriceTrigger {
        let n = self.asked.get();
        self.asked.set(n.wrapping_add(1));
        if n.is_multiple_of(self.every) {
            PriceTrigger::Always
        } else {
            self.inner.price_trigger()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn cost_is_never_negative_and_spot_never_exceeds_baseline(
        gens in prop::collection::vec(pool_gen(6), 1..6),
        target in 1u32..12, latency in 0i64..400, seed in any::<u64>(),
    ) {
        // Every generated spot price is ≤ on-demand (per-mille ≤ 1000).
        let m = build(&gens, false, false);
        for s in strategies() {
            let o = sim(&m, config(target, latency, seed), s);
            for t in &o.spot {
                prop_assert!(t.cost >= Money::ZERO);
                prop_assert!(t.cost <= t.ondemand_baseline, "spot {:?} > baseline {:?}", t.cost, t.ondemand_baseline);
                prop_assert!(t.run_secs >= 0);
            }
            prop_assert!(o.unmet_unit_secs >= 0 && o.unmet_unit_secs <= o.target_unit_secs);
        }
    }

    #[test]
    fn same_seed_same_bytes(
        gens in prop::collection::vec(pool_gen(4), 1..6),
        target in 1u32..10, latency in 0i64..300, seed in any::<u64>(),
    ) {
        let m = build(&gens, false, false);
        let a = sim(&m, config(target, latency, seed), LowestPrice::default());
        let b = sim(&m, config(target, latency, seed), LowestPrice::default());
        let ra = render(&[Report::new(&m, &a, RunInfo::default())], Format::Json);
        let rb = render(&[Report::new(&m, &b, RunInfo::default())], Format::Json);
        prop_assert_eq!(ra, rb);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn unlimited_capacity_zero_latency_means_no_unmet_capacity(
        gens in prop::collection::vec(pool_gen(1), 1..6),
        target in 1u32..20, seed in any::<u64>(),
    ) {
        let m = build(&gens, true, true);
        for s in strategies() {
            let o = sim(&m, config(target, 0, seed), s);
            prop_assert_eq!(o.unmet_unit_secs, 0);
            // ... and the fleet ran exactly target × span instance-seconds.
            let secs: i64 = o.spot.iter().map(|t| t.run_secs).sum();
            prop_assert_eq!(secs, target as i64 * SPAN);
            prop_assert_eq!(o.spot.iter().map(|t| t.interruptions).sum::<u64>(), 0);
        }
    }

    #[test]
    fn a_constant_target_never_scales_in(
        gens in prop::collection::vec(pool_gen(5), 1..6),
        target in 1u32..10, latency in 0i64..500, seed in any::<u64>(),
        rebalance in 0u8..3, hazard in prop::bool::ANY, fp in 0.0f64..50.0,
    ) {
        use spotsim::engine::{CapacityRebalance, HazardModel, LeadTime, RebalanceSignal, ReplaceOn};
        let m = build(&gens, false, false);
        let mut c = config(target, latency, seed);
        if hazard {
            c.hazard = Some(HazardModel { rates_per_hour: vec![0.01; m.pools().len()], description: vec![] });
        }
        c.rebalance_signal = Some(RebalanceSignal { lead: LeadTime::Exponential(300.0), false_per_1000_hours: fp });
        c.capacity_rebalance = match rebalance {
            0 => CapacityRebalance::Off,
            1 => CapacityRebalance::Asg,
            _ => CapacityRebalance::LaunchBeforeTerminate { termination_delay_secs: 300 },
        };
        if seed % 2 == 0 {
            c.replace_on = ReplaceOn::Notice;
        }
        for s in strategies() {
            let o = sim(&m, c.clone(), s);
            prop_assert_eq!(o.spot.iter().chain(o.ondemand.iter()).map(|t| t.scale_ins).sum::<u64>(), 0);
            prop_assert!(o.unmet_unit_secs >= 0);
            for t in &o.spot {
                prop_assert!(t.cost <= t.ondemand_baseline);
            }
        }
    }

    #[test]
    fn instance_hours_add_up_across_pools(
        gens in prop::collection::vec(pool_gen(5), 1..6),
        target in 1u32..10, latency in 0i64..500, seed in any::<u64>(),
    ) {
        let m = build(&gens, false, false);
        let mut c = config(target, latency, seed);
        c.record_instances = true;
        let o = sim(&m, c, CapacityOptimized);
        let per_pool: i64 = o.spot.iter().map(|t| t.run_secs).sum();
        let per_instance: i64 = o.instances.iter().filter_map(|r| r.running_from.map(|f| r.ended_at.since(f))).sum();
        prop_assert_eq!(per_pool, per_instance);
        // Running time + unmet time = target time (the fleet never exceeds its target).
        prop_assert_eq!(per_pool as i128 + o.unmet_unit_secs, o.target_unit_secs);
        // The report's pool rows sum to its totals.
        let r = Report::new(&m, &o, RunInfo::default());
        let cost: Money = o.spot.iter().map(|t| t.cost).sum();
        prop_assert_eq!(r.total_cost_micro_usd as i128, cost.micro_usd());
        let charges: Money = o.instances.iter().map(|i| i.charge).sum();
        prop_assert_eq!(charges, cost);
        let _ = Rate::ZERO;
    }

    /// The engine skips `on_price_change` where a strategy's [`PriceTrigger`] says it
    /// cannot act (lowest-price: unless a changed pool is held or became cheaper than
    /// the dearest held pool); skipping must change nothing, with capacity limits,
    /// interruptions, launch latency, weights, pool counts and AZ balancing.
    #[test]
    fn a_price_trigger_skips_only_calls_that_move_nothing(
        gens in prop::collection::vec(pool_gen(5), 1..7),
        target in 1u32..12, latency in 0i64..400, seed in any::<u64>(),
        unlimited in any::<bool>(), weighted in any::<bool>(),
        max_pct in prop::option::of(30u32..=100), od_pct in prop::option::of(10u32..=60),
    ) {
        let mut m = build(&gens, unlimited, false);
        if weighted {
            m.set_weights(|t| if t.name == "c5.large" { 3 } else { 1 + t.vcpu / 2 });
        }
        let variants: Vec<(Box<dyn AllocationStrategy>, Box<dyn AllocationStrategy>)> = vec![
            (Box::new(LowestPrice::default()), Box::new(called_always(LowestPrice::default()))),
            (
                Box::new(LowestPrice::default().with_pools(2, PoolScope::Fleet)),
                Box::new(called_always(LowestPrice::default().with_pools(2, PoolScope::Fleet))),
            ),
            (
                Box::new(LowestPrice::default().with_pools(1, PoolScope::PerAz)),
                Box::new(called_always(LowestPrice::default().with_pools(1, PoolScope::PerAz))),
            ),
            (
                Box::new(AzBalanced::new(LowestPrice::default())),
                Box::new(called_always(AzBalanced::new(LowestPrice::default()))),
            ),
        ];
        let config = |target, latency, seed| {
            let mut c = config(target, latency, seed);
            // Max-price interruptions, and an on-demand part beside the spot fleet.
            c.max_price = max_pct.map(MaxPrice::PctOfOnDemand);
            if let Some(p) = od_pct {
                c.ondemand = OnDemandSplit { base: 0, above_base_pct: p };
            }
            c
        };
        let switching = sim(
            &m,
            config(target, latency, seed),
            alternating(LowestPrice::default(), 3),
        );
        let always = sim(&m, config(target, latency, seed), called_always(LowestPrice::default()));
        prop_assert_eq!(switching, always);
        for (skipping, called) in variants {
            prop_assert_eq!(skipping.price_trigger(), PriceTrigger::HeldOrCheaper);
            prop_assert_eq!(called.price_trigger(), PriceTrigger::Always);
            let a = sim(&m, config(target, latency, seed), skipping);
            let b = sim(&m, config(target, latency, seed), called);
            prop_assert_eq!(a, b);
        }
    }
}
