//! The built-in allocation strategies (aws-facts.md §1.2–§1.4): table-driven choices on
//! hand-built views, the same through the engine, the configuration enum's errors, and
//! property tests (batched placements equal naive one-at-a-time references; diversified
//! never at or above on-demand; lowest-price with replacement is never dearer).

use std::cmp::{Ordering, Reverse};

use proptest::prelude::*;
use serde::Deserialize;
use spotsim::catalog::Catalog;
use spotsim::engine::{FleetConfig, Outcome, Simulation, Target};
use spotsim::market::{Market, MarketView, Pool, PoolId, PriceOrder, PriceTrace, Zone};
use spotsim::money::{Money, Rate};
use spotsim::pricing::PurchaseOption;
use spotsim::strategy::{
    AllocationStrategy, AzBalanced, CapacityOptimized, CapacityOptimizedPrioritized, Diversified,
    FleetView, Launch, LowestPrice, OnDemand, PoolScope, PriceCapacityOptimized, StrategySpec,
};
use spotsim::time::SimTime;

use crate::engine::{B, P, cfg, market, run, usd};

mod config;
mod props;
mod replacement;
mod table;
mod through_engine;

// ---------------------------------------------------------------------------------
// Hand-built views
// ---------------------------------------------------------------------------------

/// One pool of a hand-built view.
#[derive(Clone, Copy, Debug)]
struct Pl {
    ty: &'static str,
    zone: &'static str,
    w: u32,
    /// Spot price in USD/h; `None`: not priced yet.
    price: Option<&'static str>,
    /// Capacity limit; `None`: unlimited.
    cap: Option<u32>,
    /// Fleet spot instances (also what the pool's capacity holds).
    spot: u32,
    /// Fleet on-demand instances.
    od: u32,
    /// Hazard (used when the case has a hazard model).
    hz: f64,
}

const fn pl(ty: &'static str, zone: &'static str, price: &'static str) -> Pl {
    Pl {
        ty,
        zone,
        w: 1,
        price: Some(price),
        cap: None,
        spot: 0,
        od: 0,
        hz: 0.0,
    }
}

impl Pl {
    const fn cap(mut self, c: u32) -> Self {
        self.cap = Some(c);
        self
    }
    const fn w(mut self, w: u32) -> Self {
        self.w = w;
        self
    }
    const fn spot(mut self, n: u32) -> Self {
        self.spot = n;
        self
    }
    const fn od(mut self, n: u32) -> Self {
        self.od = n;
        self
    }
    const fn hz(mut self, h: f64) -> Self {
        self.hz = h;
        self
    }
    const fn unpriced(mut self) -> Self {
        self.price = None;
        self
    }
}

/// The owned data behind a [`MarketView`] and a [`FleetView`].
struct World {
    market: Market,
    price: Vec<Option<Rate>>,
    cap: Vec<Option<u32>>,
    held: Vec<u32>,
    spot: Vec<u32>,
    od: Vec<u32>,
    occupied: Vec<PoolId>,
    hazard: Option<Vec<f64>>,
    max: Vec<Option<Rate>>,
    order: PriceOrder,
}

impl World {
    fn new(pools: &[Pl], hazard: bool) -> World {
        let cat = Catalog::builtin();
        let ps: Vec<Pool> = pools
            .iter()
            .map(|p| Pool {
                instance_type: cat.get(p.ty).unwrap().clone(),
                zone: Zone::parse(p.zone),
                weight: p.w,
            })
            .collect();
        World {
            market: Market::new(ps, Vec::new(), Vec::new(), "Linux/UNIX"),
            price: pools.iter().map(|p| p.price.map(usd)).collect(),
            cap: pools.iter().map(|p| p.cap).collect(),
            held: pools.iter().map(|p| p.spot).collect(),
            spot: pools.iter().map(|p| p.spot).collect(),
            od: pools.iter().map(|p| p.od).collect(),
            occupied: (0..pools.len() as u32)
                .map(PoolId)
                .filter(|p| pools[p.idx()].spot > 0)
                .collect(),
            hazard: hazard.then(|| pools.iter().map(|p| p.hz).collect()),
            max: vec![None; pools.len()],
            order: PriceOrder::default(),
        }
    }

    fn view(&self) -> MarketView<'_> {
        let v = MarketView::new(
            &self.market,
            SimTime(B),
            &self.price,
            &self.cap,
            &self.held,
            &self.order,
        )
        .with_max_price(&self.max);
        match &self.hazard {
            Some(h) => v.with_hazard(h),
            None => v,
        }
    }

    fn fleet(&self) -> FleetView<'_> {
        FleetView::new(&self.spot, &self.occupied).with_ondemand(&self.od)
    }

    fn decide(&self, s: &mut dyn AllocationStrategy, need: u32) -> Vec<Launch> {
        let mut out = Vec::new();
        s.allocate(need, &self.view(), &self.fleet(), &mut out);
        out
    }

    /// Instances launched per pool (spot and on-demand together).
    fn per_pool(&self, s: &mut dyn AllocationStrategy, need: u32) -> Vec<u32> {
        let mut v = vec![0; self.price.len()];
        for l in self.decide(s, need) {
            v[l.pool.idx()] += l.count;
        }
        v
    }
}

fn spec(toml_text: &str) -> StrategySpec {
    toml::from_str(toml_text).unwrap_or_else(|e| panic!("{toml_text}: {e}"))
}

fn types(ts: &[&str]) -> Vec<String> {
    ts.iter().map(|t| t.to_string()).collect()
}

const SPOT: PurchaseOption = PurchaseOption::Spot;
const OD: PurchaseOption = PurchaseOption::OnDemand;

const ZA: &str = "us-east-1a";
const ZB: &str = "us-east-1b";
const ZC: &str = "us-east-1c";

/// Two types × two zones, type-major: m5 a 0.01, m5 b 0.03, c5 a 0.02, c5 b 0.04.
const GRID: &[Pl] = &[
    pl("m5.large", ZA, "0.01"),
    pl("m5.large", ZB, "0.03"),
    pl("c5.large", ZA, "0.02"),
    pl("c5.large", ZB, "0.04"),
];

const FOUR: &[Pl] = &[
    pl("m5.large", ZA, "0.01"),
    pl("m5.large", ZB, "0.02"),
    pl("m5.large", ZC, "0.03"),
    pl("c5.large", ZA, "0.04"),
];
