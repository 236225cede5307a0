//! A user-written strategy worth having: Karpenter's spot launch behaviour
//! (`aws/karpenter-provider-aws`, `pkg/providers/instance/instance.go`; see
//! `reference/peers.md` §3), built from the library's own pieces.
//!
//! 1. Compatible instance types are truncated to the **60 cheapest** (Karpenter's
//!    `maxInstanceTypes = 60`), by each type's cheapest spot offering per capacity unit.
//! 2. Spot pools whose price per unit is above the cheapest compatible on-demand price
//!    per unit are dropped (Karpenter drops such spot types in mixed launches).
//! 3. Pools that **just ran out** are skipped for **3 minutes** (Karpenter's
//!    unavailable-offerings cache, `UnavailableOfferingsTTL` = 180 s): pools where the
//!    fleet's holdings dropped since the last decision (an interruption or reclaim), and
//!    pools that had no spare capacity when last tried.
//! 4. Spot requests go through **price-capacity-optimized** (CreateFleet's
//!    `AllocationStrategy`) over what is left.
//! 5. Whatever spot cannot take is launched **on-demand**, cheapest per unit
//!    (CreateFleet's on-demand `lowest-price`), balanced over the type's zones.
//!
//! Consolidation (spot-to-spot replacement, the 15-type rule) is not modelled: a price
//! change never ends an instance here.
//!
//! Run it with `cargo run --release --example karpenter`.

use std::collections::BTreeMap;

use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::market::{MarketView, PoolId};
use spotsim::report::{Report, RunInfo};
use spotsim::strategy::{
    AllocationStrategy, FleetView, Launch, OnDemand, PriceCapacityOptimized, StrategySpec,
};

/// Karpenter's `maxInstanceTypes`.
const MAX_INSTANCE_TYPES: usize = 60;
/// Karpenter's `UnavailableOfferingsTTL`, seconds.
const UNAVAILABLE_TTL_SECS: i64 = 180;

/// Karpenter's spot launch behaviour: 60 cheapest types, price-capacity-optimized,
/// a 3-minute insufficient-capacity cache, on-demand fallback.
#[derive(Default)]
struct Karpenter {
    spot: PriceCapacityOptimized,
    ondemand: OnDemand,
    /// Per pool: skipped until this time (seconds since the epoch).
    unavailable_until: Vec<i64>,
    /// Per pool: what the fleet held there after the last decision.
    last_held: Vec<u32>,
    compatible: Vec<bool>,
    spot_ok: Vec<bool>,
}

/// `a/wa < b/wb`, exactly.
fn cheaper(a: (i64, u32), b: (i64, u32)) -> bool {
    (a.0 as i128) * (b.1 as i128) < (b.0 as i128) * (a.1 as i128)
}

impl AllocationStrategy for Karpenter {
    fn name(&self) -> &str {
        "karpenter"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        let n = view.len();
        let now = view.now().secs();
        if self.last_held.len() != n {
            self.unavailable_until = vec![i64::MIN; n];
            self.last_held = (0..n as u32).map(|p| view.held(PoolId(p))).collect();
        }
        let pools = || (0..n as u32).map(PoolId);
        // The unavailable-offerings cache: holdings that dropped since last time.
        for p in pools() {
            if view.held(p) < self.last_held[p.idx()] {
                self.unavailable_until[p.idx()] = now + UNAVAILABLE_TTL_SECS;
            }
        }
        // The 60 cheapest instance types by their cheapest spot offering per unit
        // (types without a spot price rank by on-demand, as Karpenter's default does).
        let mut cheapest: BTreeMap<&str, ((i64, u32), PoolId)> = BTreeMap::new();
        for p in pools().filter(|&p| view.allowed(p)) {
            let pool = view.pool(p);
            let price = view
                .price(p)
                .unwrap_or(pool.instance_type.ondemand)
                .nano_usd_per_hour();
            let key = (price, pool.weight.max(1));
            let e = cheapest
                .entry(pool.instance_type.name.as_str())
                .or_insert((key, p));
            if cheaper(key, e.0) {
                *e = (key, p);
            }
        }
        let mut ranked: Vec<((i64, u32), PoolId, &str)> =
            cheapest.into_iter().map(|(t, (k, p))| (k, p, t)).collect();
        ranked.sort_by(|a, b| {
            if cheaper(a.0, b.0) {
                std::cmp::Ordering::Less
            } else if cheaper(b.0, a.0) {
                std::cmp::Ordering::Greater
            } else {
                a.1.cmp(&b.1)
            }
        });
        ranked.truncate(MAX_INSTANCE_TYPES);
        let kept: Vec<&str> = ranked.iter().map(|r| r.2).collect();
        self.compatible.clear();
        self.compatible.extend(
            pools().map(|p| {
                view.allowed(p) && kept.contains(&view.pool(p).instance_type.name.as_str())
            }),
        );
        // The cheapest compatible on-demand price per unit.
        let od_floor = pools()
            .filter(|p| self.compatible[p.idx()])
            .map(|p| {
                (
                    view.ondemand(p).nano_usd_per_hour(),
                    view.pool(p).weight.max(1),
                )
            })
            .reduce(|a, b| if cheaper(b, a) { b } else { a });
        // Spot pools: compatible, not cached as unavailable, not dearer than on-demand.
        // A pool without spare capacity now is what CreateFleet would answer with
        // InsufficientInstanceCapacity: cache it.
        for p in pools().filter(|p| self.compatible[p.idx()]) {
            if view.price(p).is_some() && view.spare(p) == Some(0) {
                self.unavailable_until[p.idx()] = now + UNAVAILABLE_TTL_SECS;
            }
        }
        self.spot_ok.clear();
        self.spot_ok.extend(pools().map(|p| {
            self.compatible[p.idx()]
                && self.unavailable_until[p.idx()] <= now
                && match (view.price(p), od_floor) {
                    (Some(s), Some(f)) => {
                        !cheaper(f, (s.nano_usd_per_hour(), view.pool(p).weight.max(1)))
                    }
                    _ => false,
                }
        }));
        let first = out.len();
        self.spot
            .allocate(need, &view.with_mask(&self.spot_ok), fleet, out);
        let units: u64 = out[first..]
            .iter()
            .map(|l| u64::from(l.count) * u64::from(view.pool(l.pool).weight.max(1)))
            .sum();
        // On-demand fallback for what spot could not take.
        if units < u64::from(need) {
            let rest = (u64::from(need) - units) as u32;
            self.ondemand
                .allocate(rest, &view.with_mask(&self.compatible), fleet, out);
        }
        // Remember holdings including this decision's spot launches, so that only
        // later drops count.
        for p in pools() {
            self.last_held[p.idx()] = view.held(p);
        }
        for l in &out[first..] {
            if l.option == spotsim::pricing::PurchaseOption::Spot {
                let h = &mut self.last_held[l.pool.idx()];
                *h = h.saturating_add(l.count);
            }
        }
    }

    fn assumptions(&self) -> Vec<String> {
        vec![format!(
            "karpenter (peers.md §3): the {MAX_INSTANCE_TYPES} cheapest compatible instance types by spot price per unit; spot pools dearer than the cheapest on-demand price per unit dropped; pools whose holdings dropped or that had no spare capacity skipped for {UNAVAILABLE_TTL_SECS} s; price-capacity-optimized over the rest (aws-facts.md §1.3); on-demand lowest-price for what spot cannot take (§1.4); no consolidation"
        )]
    }
}

fn main() -> Result<(), spotsim::error::Error> {
    let market = spotsim::synth::default_market(1);
    let types: Vec<String> = market
        .pools()
        .iter()
        .map(|p| p.instance_type.name.clone())
        .collect();
    let mut cfg = FleetConfig::new(Target::Constant(20));
    cfg.seed = 1;
    let info = RunInfo {
        seed: 1,
        launch_latency_secs: cfg.launch_latency_secs,
        ..RunInfo::default()
    };
    let specs = [
        "name = \"lowest-price\"",
        "name = \"lowest-price\"\npools = 2",
        "name = \"lowest-price\"\npools = 1\npool-scope = \"per-az\"\naz-balance = true",
        "name = \"capacity-optimized\"",
        "name = \"capacity-optimized-prioritized\"",
        "name = \"price-capacity-optimized\"",
        "name = \"price-capacity-optimized\"\naz-balance = true",
        "name = \"diversified\"",
        "name = \"on-demand\"",
    ];
    let mut strategies: Vec<Box<dyn AllocationStrategy + Send>> = Vec::new();
    for text in specs {
        let spec: StrategySpec = toml::from_str(text)
            .map_err(|e| spotsim::error::ConfigError::new("strategy", e.to_string()))?;
        strategies.push(spec.build(&types));
    }
    strategies.push(Box::new(Karpenter::default()));
    println!(
        "{:<40} {:>10} {:>14} {:>13}",
        "strategy", "cost", "interruptions", "availability"
    );
    for s in strategies {
        let outcome = Simulation::new(&market, cfg.clone(), s).run()?;
        let r = Report::new(&market, &outcome, info.clone());
        println!(
            "{:<40} ${:>9.2} {:>14} {:>12.3}%",
            r.strategy, r.total_cost_usd, r.interruptions, r.availability_pct
        );
    }
    Ok(())
}
