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

// ---------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    /// The strategy as TOML (`name = "…"` plus parameters).
    strategy: &'static str,
    pools: &'static [Pl],
    hazard: bool,
    need: u32,
    /// Instances launched per pool.
    want: &'static [u32],
    option: PurchaseOption,
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

const CASES: &[Case] = &[
    // ---- lowest-price (§1.3)
    Case {
        name: "lowest-price: cheapest with capacity, then the next cheapest",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.03").cap(10),
            pl("m5.large", ZB, "0.01").cap(3),
            pl("m5.large", ZC, "0.02").cap(4),
        ],
        hazard: false,
        need: 9,
        want: &[2, 3, 4],
        option: SPOT,
    },
    Case {
        name: "lowest-price: unpriced pools and pools without spare capacity are skipped",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.01").unpriced(),
            pl("m5.large", ZB, "0.02").cap(2).spot(2),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 3,
        want: &[0, 0, 3],
        option: SPOT,
    },
    Case {
        name: "lowest-price: compares price per unit (0.08 for 2 units beats 0.05 for 1)",
        strategy: r#"name = "lowest-price""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 4,
        want: &[0, 2],
        option: SPOT,
    },
    Case {
        name: "lowest-price: rounds up to whole instances",
        strategy: r#"name = "lowest-price""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 5,
        want: &[0, 3],
        option: SPOT,
    },
    Case {
        name: "lowest-price: weighted spill counts units",
        strategy: r#"name = "lowest-price""#,
        pools: &[
            pl("m5.large", ZA, "0.05"),
            pl("m5.xlarge", ZA, "0.08").w(2).cap(1),
        ],
        hazard: false,
        need: 5,
        want: &[3, 1],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: even split over the two cheapest",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: FOUR,
        hazard: false,
        need: 6,
        want: &[3, 3, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: odd remainder to the cheaper",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: FOUR,
        hazard: false,
        need: 5,
        want: &[3, 2, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: balances against what the fleet holds",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").spot(2),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 4,
        want: &[1, 3, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: a full pool spills to the next cheapest",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 6,
        want: &[1, 3, 2, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2: fewer pools with capacity than N",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(0),
            pl("m5.large", ZB, "0.02").cap(0),
            pl("m5.large", ZC, "0.03").cap(0),
            pl("c5.large", ZA, "0.04"),
        ],
        hazard: false,
        need: 6,
        want: &[0, 0, 0, 6],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2 (fleet): the two cheapest of the fleet",
        strategy: "name = \"lowest-price\"\npools = 2",
        pools: GRID,
        hazard: false,
        need: 4,
        want: &[2, 0, 2, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=1 per-az: the cheapest of each zone",
        strategy: "name = \"lowest-price\"\npools = 1\npool-scope = \"per-az\"",
        pools: GRID,
        hazard: false,
        need: 4,
        want: &[2, 2, 0, 0],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=2 per-az: all four pools",
        strategy: "name = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"",
        pools: GRID,
        hazard: false,
        need: 8,
        want: &[2, 2, 2, 2],
        option: SPOT,
    },
    Case {
        name: "lowest-price pools=1 per-az: a full pool spills within its zone",
        strategy: "name = \"lowest-price\"\npools = 1\npool-scope = \"per-az\"",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.03"),
            pl("c5.large", ZA, "0.02"),
            pl("c5.large", ZB, "0.04"),
        ],
        hazard: false,
        need: 4,
        want: &[1, 1, 2, 0],
        option: SPOT,
    },
    // ---- capacity-optimized (§1.3)
    Case {
        name: "capacity-optimized: deepest first, ties to the cheaper",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(5),
            pl("m5.large", ZB, "0.09").cap(10),
        ],
        hazard: false,
        need: 8,
        want: &[2, 6],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: hazard breaks ties between unlimited pools",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").hz(0.02),
            pl("m5.large", ZB, "0.03").hz(0.01),
            pl("m5.large", ZC, "0.02").hz(0.01),
        ],
        hazard: true,
        need: 3,
        want: &[0, 0, 3],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: spare capacity before hazard",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10).hz(0.05),
            pl("m5.large", ZB, "0.01").cap(5).hz(0.001),
        ],
        hazard: true,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized: weights (need in units, tie to the cheaper per unit)",
        strategy: r#"name = "capacity-optimized""#,
        pools: &[
            pl("m5.xlarge", ZA, "0.08").w(2).cap(10),
            pl("m5.large", ZA, "0.05").cap(10),
        ],
        hazard: false,
        need: 4,
        want: &[2, 1],
        option: SPOT,
    },
    // ---- price-capacity-optimized (§1.3)
    Case {
        name: "price-capacity-optimized: the cheapest of the top capacity tier",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(3),
            pl("m5.large", ZB, "0.03").cap(10),
            pl("m5.large", ZC, "0.02").cap(8),
        ],
        hazard: false,
        need: 1,
        want: &[0, 0, 1],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: spills to the next tier as pools fill",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(3),
            pl("m5.large", ZB, "0.03").cap(10),
            pl("m5.large", ZC, "0.02").cap(8),
        ],
        hazard: false,
        need: 12,
        want: &[1, 5, 6],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: capacity-tier 1 is capacity-optimized",
        strategy: "name = \"price-capacity-optimized\"\ncapacity-tier = 1.0",
        pools: &[
            pl("m5.large", ZA, "0.05").cap(10),
            pl("m5.large", ZB, "0.01").cap(9),
        ],
        hazard: false,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: the default tier (½) admits the cheaper pool",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.05").cap(10),
            pl("m5.large", ZB, "0.01").cap(9),
        ],
        hazard: false,
        need: 1,
        want: &[0, 1],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: unlimited pools are the deepest",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1000),
            pl("m5.large", ZB, "0.05"),
        ],
        hazard: false,
        need: 3,
        want: &[0, 3],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: the hazard tier (at most twice the lowest)",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[
            pl("m5.large", ZA, "0.05").hz(0.01),
            pl("m5.large", ZB, "0.01").hz(0.03),
            pl("m5.large", ZC, "0.02").hz(0.015),
        ],
        hazard: true,
        need: 4,
        want: &[0, 0, 4],
        option: SPOT,
    },
    Case {
        name: "price-capacity-optimized: price per unit",
        strategy: r#"name = "price-capacity-optimized""#,
        pools: &[pl("m5.large", ZA, "0.05"), pl("m5.xlarge", ZA, "0.08").w(2)],
        hazard: false,
        need: 3,
        want: &[0, 2],
        option: SPOT,
    },
    // ---- capacity-optimized-prioritized (§1.3)
    Case {
        name: "capacity-optimized-prioritized: priority wins within the tier",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\", \"m5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.05").cap(6),
        ],
        hazard: false,
        need: 1,
        want: &[0, 1],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: priority outside the tier is not honoured",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\", \"m5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.05").cap(4),
        ],
        hazard: false,
        need: 1,
        want: &[1, 0],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: equal priority goes to more spare capacity",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(10),
            pl("c5.large", ZA, "0.01").cap(6),
            pl("c5.large", ZB, "0.05").cap(8),
        ],
        hazard: false,
        need: 3,
        want: &[0, 1, 2],
        option: SPOT,
    },
    Case {
        name: "capacity-optimized-prioritized: unlisted types come last",
        strategy: "name = \"capacity-optimized-prioritized\"\npriorities = [\"r5.large\"]",
        pools: &[
            pl("m5.large", ZA, "0.02").cap(10),
            pl("c5.large", ZA, "0.01").cap(10),
            pl("r5.large", ZA, "0.09").cap(6),
        ],
        hazard: false,
        need: 1,
        want: &[0, 0, 1],
        option: SPOT,
    },
    // ---- diversified (§1.3)
    Case {
        name: "diversified: an even spread, remainder to the cheaper",
        strategy: r#"name = "diversified""#,
        pools: FOUR,
        hazard: false,
        need: 10,
        want: &[3, 3, 2, 2],
        option: SPOT,
    },
    Case {
        name: "diversified: never at or above on-demand (m5.large on-demand is 0.096)",
        strategy: r#"name = "diversified""#,
        pools: &[
            pl("m5.large", ZA, "0.096"),
            pl("m5.large", ZB, "0.5"),
            pl("m5.large", ZC, "0.0959"),
        ],
        hazard: false,
        need: 5,
        want: &[0, 0, 5],
        option: SPOT,
    },
    Case {
        name: "diversified: balances against the fleet and skips full pools",
        strategy: r#"name = "diversified""#,
        pools: &[
            pl("m5.large", ZA, "0.01").spot(3),
            pl("m5.large", ZB, "0.02").cap(1),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 4,
        want: &[0, 1, 3],
        option: SPOT,
    },
    // ---- on-demand (§1.4)
    Case {
        name: "on-demand: the cheapest on-demand type (c5.large 0.085 < m5.large 0.096), its zones balanced",
        strategy: r#"name = "on-demand""#,
        pools: &[
            pl("m5.large", ZA, "0.01"),
            pl("m5.large", ZB, "0.01"),
            pl("c5.large", ZA, "0.5").od(2),
            pl("c5.large", ZB, "0.5"),
        ],
        hazard: false,
        need: 4,
        want: &[0, 0, 1, 3],
        option: OD,
    },
    Case {
        name: "on-demand: ignores spot prices and capacity; price per unit (m5.xlarge as 3 units)",
        strategy: r#"name = "on-demand""#,
        pools: &[
            pl("c5.large", ZA, "0.01").unpriced(),
            pl("m5.xlarge", ZA, "0.01").w(3).cap(0),
        ],
        hazard: false,
        need: 7,
        want: &[0, 3],
        option: OD,
    },
    // ---- ASG order of operations (§1.3)
    Case {
        name: "az-balance: zones first, then capacity-optimized within each",
        strategy: "name = \"capacity-optimized\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(100),
            pl("m5.large", ZB, "0.01").cap(10),
            pl("c5.large", ZB, "0.01").cap(20),
        ],
        hazard: false,
        need: 4,
        want: &[2, 0, 2],
        option: SPOT,
    },
    Case {
        name: "az-balance: counts spot and on-demand instances per zone",
        strategy: "name = \"lowest-price\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").spot(1).od(2),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03").spot(1),
        ],
        hazard: false,
        need: 4,
        want: &[0, 3, 1],
        option: SPOT,
    },
    Case {
        name: "az-balance: a zone that runs short is rebalanced over the others",
        strategy: "name = \"lowest-price\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.02"),
            pl("m5.large", ZC, "0.03"),
        ],
        hazard: false,
        need: 7,
        want: &[1, 3, 3],
        option: SPOT,
    },
    Case {
        name: "az-balance: a second ask to a zone sees the first one's launches",
        strategy: "name = \"capacity-optimized\"\naz-balance = true",
        pools: &[
            pl("m5.large", ZA, "0.01").cap(1),
            pl("m5.large", ZB, "0.01").cap(3),
            pl("c5.large", ZB, "0.01").cap(2),
            pl("m5.large", ZC, "0.01"),
        ],
        hazard: false,
        need: 6,
        // Round 1: a 1 (short), b 2 (both in m5 b: 3 vs 2 spare), c 2. Round 2: the
        // missing 1 to b, whose m5 pool now has 1 spare and c5 2: c5.
        want: &[1, 2, 1, 2],
        option: SPOT,
    },
];

#[test]
fn table_of_choices() {
    let mut failures = Vec::new();
    for c in CASES {
        let w = World::new(c.pools, c.hazard);
        let mut s = spec(c.strategy).build(&[]);
        let out = w.decide(&mut *s, c.need);
        let mut got = vec![0u32; c.pools.len()];
        for l in &out {
            got[l.pool.idx()] += l.count;
            assert_eq!(l.option, c.option, "{}: purchase option", c.name);
            assert!(l.count > 0, "{}: empty launch", c.name);
        }
        if got != c.want {
            failures.push(format!(
                "{}: got {got:?}, want {:?} ({out:?})",
                c.name, c.want
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_case_launches_only_where_it_may() {
    for c in CASES {
        let w = World::new(c.pools, c.hazard);
        let view = w.view();
        for l in w.decide(&mut *spec(c.strategy).build(&[]), c.need) {
            if l.option == PurchaseOption::Spot {
                assert!(view.launchable(l.pool), "{}: {l:?} not launchable", c.name);
                if let Some(s) = view.spare(l.pool) {
                    assert!(l.count <= s, "{}: {l:?} beyond spare {s}", c.name);
                }
            }
        }
    }
}

#[test]
fn capacity_optimized_prioritized_defaults_to_the_instance_type_order() {
    let pools = [
        pl("m5.large", ZA, "0.01").cap(10),
        pl("c5.large", ZA, "0.05").cap(6),
    ];
    let w = World::new(&pools, false);
    let s = spec(r#"name = "capacity-optimized-prioritized""#);
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![0, 1]
    );
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["m5.large", "c5.large"])), 1),
        vec![1, 0]
    );
    // Explicit priorities override the instance-type order.
    let s = spec("name = \"capacity-optimized-prioritized\"\npriorities = [\"m5.large\"]");
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![1, 0]
    );
    // A wider tier (0.7 of 10 = 7 > 6) drops the c5 pool from it.
    let s = spec("name = \"capacity-optimized-prioritized\"\ncapacity-tier = 0.7");
    assert_eq!(
        w.per_pool(&mut *s.build(&types(&["c5.large", "m5.large"])), 1),
        vec![1, 0]
    );
}

#[test]
fn the_max_price_makes_a_pool_unlaunchable_for_every_strategy() {
    let pools = [pl("m5.large", ZA, "0.01"), pl("m5.large", ZB, "0.02")];
    let mut w = World::new(&pools, false);
    w.max[0] = Some(usd("0.009"));
    for name in StrategySpec::NAMES.iter().filter(|n| **n != "on-demand") {
        let got = w.per_pool(&mut *StrategySpec::parse_name(name).unwrap().build(&[]), 3);
        assert_eq!(got, vec![0, 3], "{name}");
    }
}

#[test]
fn a_mask_restricts_every_strategy() {
    let w = World::new(FOUR, false);
    let mask = [false, true, false, true];
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let mut s = StrategySpec::parse_name(name)
                .unwrap()
                .with_az_balance(az)
                .build(&[]);
            let mut out = Vec::new();
            s.allocate(5, &w.view().with_mask(&mask), &w.fleet(), &mut out);
            assert!(
                out.iter().all(|l| mask[l.pool.idx()]),
                "{name} az={az}: {out:?}"
            );
            assert_eq!(
                out.iter().map(|l| l.count).sum::<u32>(),
                5,
                "{name} az={az}"
            );
        }
    }
}

#[test]
fn nothing_launchable_means_no_launches() {
    let pools = [
        pl("m5.large", ZA, "0.01").unpriced(),
        pl("m5.large", ZB, "0.02").cap(0),
    ];
    let w = World::new(&pools, false);
    for name in StrategySpec::NAMES.iter().filter(|n| **n != "on-demand") {
        for az in [false, true] {
            let out = w.decide(
                &mut *StrategySpec::parse_name(name)
                    .unwrap()
                    .with_az_balance(az)
                    .build(&[]),
                5,
            );
            assert!(out.is_empty(), "{name}: {out:?}");
        }
    }
    // An empty market: nothing, for every strategy, and no panic.
    let w = World::new(&[], true);
    for name in StrategySpec::NAMES {
        assert!(
            w.decide(
                &mut *StrategySpec::parse_name(name)
                    .unwrap()
                    .with_az_balance(true)
                    .build(&[]),
                5
            )
            .is_empty()
        );
    }
}

#[test]
fn need_zero_launches_nothing() {
    let w = World::new(FOUR, false);
    for name in StrategySpec::NAMES {
        assert!(
            w.decide(&mut *StrategySpec::parse_name(name).unwrap().build(&[]), 0)
                .is_empty(),
            "{name}"
        );
    }
}

#[test]
fn assumptions_cite_the_fact_sheet_and_name_the_rule() {
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let s = StrategySpec::parse_name(name)
                .unwrap()
                .with_az_balance(az)
                .build(&[]);
            let a = s.assumptions();
            assert!(!a.is_empty(), "{name}");
            assert!(
                a.iter().all(|l| l.contains("aws-facts.md §1.")),
                "{name}: {a:?}"
            );
        }
    }
    let lp = LowestPrice::default().with_pools(3, PoolScope::PerAz);
    assert!(
        lp.assumptions()
            .iter()
            .any(|l| l.contains("SpotInstancePools"))
    );
    let lp = LowestPrice::default().with_pools(3, PoolScope::Fleet);
    assert!(
        lp.assumptions()
            .iter()
            .any(|l| l.contains("InstancePoolsToUseCount"))
    );
}

// ---------------------------------------------------------------------------------
// Price-driven replacement with pool counts (directly)
// ---------------------------------------------------------------------------------

fn moves(w: &World, s: &mut dyn AllocationStrategy, changed: &[u32]) -> Vec<(u32, u32, u32)> {
    let changed: Vec<PoolId> = changed.iter().map(|&c| PoolId(c)).collect();
    let mut out = Vec::new();
    s.on_price_change(&changed, &w.view(), &w.fleet(), &mut out);
    out.iter().map(|m| (m.from.0, m.to.0, m.count)).collect()
}

#[test]
fn replacement_without_pool_count_moves_everything_to_the_cheapest() {
    // The fleet sits in pools 1 (0.02) and 2 (0.03); pool 0 is cheapest.
    let pools = [
        pl("m5.large", ZA, "0.01"),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03").spot(2),
    ];
    let w = World::new(&pools, false);
    assert_eq!(
        moves(&w, &mut LowestPrice::default(), &[0]),
        vec![(2, 0, 2), (1, 0, 2)]
    );
    assert!(moves(&w, &mut LowestPrice::keep_running(), &[0]).is_empty());
    // A change in an unrelated dearer pool is ignored.
    let pools = [
        pl("m5.large", ZA, "0.01").spot(2),
        pl("m5.large", ZB, "0.05"),
    ];
    assert!(
        moves(
            &World::new(&pools, false),
            &mut LowestPrice::default(),
            &[1]
        )
        .is_empty()
    );
}

#[test]
fn replacement_with_a_pool_count_keeps_the_split() {
    // N = 2: pools 0 and 1 are the two cheapest; the fleet holds 2 in pool 1 and 2 in
    // pool 3 (now outside the two cheapest). Only pool 3's instances move, balanced
    // over pools 0 and 1 (pool 0 is empty, so both go there).
    let pools = [
        pl("m5.large", ZA, "0.01"),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03"),
        pl("c5.large", ZA, "0.04").spot(2),
    ];
    let w = World::new(&pools, false);
    let mut s = LowestPrice::default().with_pools(2, PoolScope::Fleet);
    assert_eq!(moves(&w, &mut s, &[0]), vec![(3, 0, 2)]);
    // With pool 0 full, pool 2 (the spill) takes them instead.
    let mut pools2 = pools;
    pools2[0] = pools2[0].cap(0);
    assert_eq!(
        moves(&World::new(&pools2, false), &mut s, &[0]),
        vec![(3, 2, 2)]
    );
    // A full pool the fleet occupies still counts as one of the N: nothing moves.
    let pools3 = [
        pl("m5.large", ZA, "0.01").cap(2).spot(2),
        pl("m5.large", ZB, "0.02").spot(2),
        pl("m5.large", ZC, "0.03"),
    ];
    assert!(moves(&World::new(&pools3, false), &mut s, &[0, 1]).is_empty());
    // Per AZ: pool 3 (c5 a) moves within zone a, to pool 0 (m5 a), not to pool 1.
    let mut s = LowestPrice::default().with_pools(1, PoolScope::PerAz);
    assert_eq!(moves(&w, &mut s, &[0]), vec![(3, 0, 2)]);
}

#[test]
fn replacement_with_weights_converts_units() {
    // 3 m5.large (1 unit, 0.05) → m5.xlarge (2 units, 0.08 = 0.04 per unit) with 1
    // spare instance: 2 small ones fit in it (relaunched as 1), the third stays.
    let pools = [
        pl("m5.large", ZA, "0.05").spot(3),
        pl("m5.xlarge", ZA, "0.08").w(2).cap(1),
    ];
    let w = World::new(&pools, false);
    assert_eq!(
        moves(&w, &mut LowestPrice::default(), &[1]),
        vec![(0, 1, 2)]
    );
    assert_eq!(
        moves(
            &w,
            &mut LowestPrice::default().with_pools(1, PoolScope::Fleet),
            &[1]
        ),
        vec![(0, 1, 2)]
    );
}

// ---------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Wrapper {
    strategy: StrategySpec,
}

fn toml_err(text: &str) -> String {
    toml::from_str::<Wrapper>(text).unwrap_err().to_string()
}

#[test]
fn an_unknown_strategy_name_lists_the_valid_ones() {
    let e = toml_err("[strategy]\nname = \"lowest-prise\"");
    assert!(e.contains("unknown variant `lowest-prise`"), "{e}");
    for n in StrategySpec::NAMES {
        assert!(e.contains(&format!("`{n}`")), "{e} lacks {n}");
    }
    let e = serde_json::from_str::<StrategySpec>(r#"{"name": "fastest"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected one of `lowest-price`"), "{e}");
    let e = StrategySpec::parse_name("lowest-prise").unwrap_err();
    assert_eq!(e.option, "strategy");
    for n in StrategySpec::NAMES {
        assert!(e.message.contains(n), "{e}");
    }
    assert!("price-capacity-optimized".parse::<StrategySpec>().is_ok());
}

#[test]
fn an_unknown_parameter_lists_the_valid_ones() {
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npool = 2");
    assert!(e.contains("unknown field `pool`"), "{e}");
    for f in ["pools", "pool-scope", "price-replacement", "az-balance"] {
        assert!(e.contains(&format!("`{f}`")), "{e} lacks {f}");
    }
    let e = toml_err("[strategy]\nname = \"capacity-optimized\"\npools = 2");
    assert!(
        e.contains("unknown field `pools`") && e.contains("`az-balance`"),
        "{e}"
    );
    let e = toml_err("[strategy]\nname = \"price-capacity-optimized\"\npriorities = []");
    assert!(e.contains("`capacity-tier`"), "{e}");
    let e = toml_err("[strategy]\npools = 2");
    assert!(e.contains("missing field `name`"), "{e}");
}

#[test]
fn bad_parameter_values_are_errors() {
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npools = 0");
    assert!(e.contains("`pools` must be at least 1"), "{e}");
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npool-scope = \"zone\"");
    assert!(e.contains("`fleet`") && e.contains("`per-az`"), "{e}");
    for bad in ["0.0", "1.5", "-0.5", "nan"] {
        let e = toml_err(&format!(
            "[strategy]\nname = \"price-capacity-optimized\"\ncapacity-tier = {bad}"
        ));
        assert!(e.contains("capacity-tier"), "{bad}: {e}");
    }
    assert!(toml::from_str::<Wrapper>("[strategy]\nname = \"lowest-price\"\npools = -1").is_err());
    // Specs built in code are checked by validate(), and build() never panics.
    let s = StrategySpec::LowestPrice {
        pools: Some(0),
        pool_scope: PoolScope::Fleet,
        price_replacement: None,
        az_balance: false,
    };
    assert_eq!(s.validate().unwrap_err().option, "pools");
    assert_eq!(s.build(&[]).name(), "lowest-price(pools=1)");
    let s = StrategySpec::PriceCapacityOptimized {
        capacity_tier: Some(f64::NAN),
        az_balance: false,
    };
    assert_eq!(s.validate().unwrap_err().option, "capacity-tier");
    assert_eq!(s.build(&[]).name(), "price-capacity-optimized");
    assert!(PriceCapacityOptimized::with_capacity_tier(1.01).is_err());
    assert!(
        CapacityOptimizedPrioritized::new(vec![])
            .with_capacity_tier(0.0)
            .is_err()
    );
}

#[test]
fn specs_parse_build_and_round_trip() {
    let all = [
        ("name = \"lowest-price\"", "lowest-price"),
        (
            "name = \"lowest-price\"\npools = 3",
            "lowest-price(pools=3)",
        ),
        (
            "name = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"\naz-balance = true",
            "lowest-price(pools=2,per-az)+az-balance",
        ),
        ("name = \"capacity-optimized\"", "capacity-optimized"),
        (
            "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\"]",
            "capacity-optimized-prioritized",
        ),
        (
            "name = \"price-capacity-optimized\"",
            "price-capacity-optimized",
        ),
        (
            "name = \"price-capacity-optimized\"\ncapacity-tier = 0.25",
            "price-capacity-optimized(tier=0.25)",
        ),
        (
            "name = \"diversified\"\naz-balance = true",
            "diversified+az-balance",
        ),
        ("name = \"on-demand\"", "on-demand"),
    ];
    for (text, name) in all {
        let s = spec(text);
        assert!(s.validate().is_ok(), "{text}");
        assert_eq!(s.build(&[]).name(), name, "{text}");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<StrategySpec>(&json).unwrap(),
            s,
            "{json}"
        );
        assert_eq!(StrategySpec::parse_name(s.name()).unwrap().name(), s.name());
    }
    let s = spec("name = \"lowest-price\"\nprice-replacement = false\npools = 2");
    assert_eq!(
        s.to_string(),
        "lowest-price pools=2 pool-scope=fleet price-replacement=false"
    );
    assert_eq!(
        StrategySpec::default(),
        StrategySpec::parse_name("lowest-price").unwrap()
    );
    assert_eq!(StrategySpec::NAMES.len(), 6);
}

// ---------------------------------------------------------------------------------
// Through the engine (tests/it/engine.rs helpers)
// ---------------------------------------------------------------------------------

const H: i64 = 3600;

fn launches(o: &Outcome) -> Vec<u64> {
    o.spot.iter().map(|t| t.launches).collect()
}

#[test]
fn engine_lowest_price_pool_count_splits_and_spills() {
    // Pools 0.01, 0.02, 0.03; pool 0 holds at most 2 from t = 0, 0 from t = 1000.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 2), (1000, 0)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.03")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(
        &m,
        cfg(6, 0, 2000, 0),
        LowestPrice::keep_running().with_pools(2, PoolScope::Fleet),
    );
    // t = 0: pool 0 takes 2 (full), pool 1 and the spill pool 2 share the other 4.
    // t = 1000: the 2 in pool 0 are reclaimed; their replacements balance 1 and 2.
    assert_eq!(launches(&o), vec![2, 3, 3]);
    assert_eq!(o.spot[0].interruptions, 2);
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_pool_count_replacement_moves_only_what_left_the_n_cheapest() {
    // N = 2 over A 0.01, B 0.02, C 0.03 → A 2, B 2. At 1 h C drops to 0.005: B is now
    // third, so B's two move to C and A's stay.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.03"), (H, "0.005")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(
        &m,
        cfg(4, 0, 2 * H, 0),
        LowestPrice::default().with_pools(2, PoolScope::Fleet),
    );
    assert_eq!(launches(&o), vec![2, 2, 2]);
    let moved: Vec<u64> = o.spot.iter().map(|t| t.price_driven_replacements).collect();
    assert_eq!(moved, vec![0, 2, 0]);
    assert_eq!(o.spot[0].run_secs, 2 * 2 * H);
    // Without a pool count everything ends in C.
    let o = run(&m, cfg(4, 0, 2 * H, 0), LowestPrice::default());
    assert_eq!(launches(&o), vec![4, 0, 4]);
}

#[test]
fn engine_diversified_avoids_pools_at_on_demand_and_spreads_replacements() {
    // m5.large on-demand is 0.096. Pool b rises to on-demand at 1 h, pool a loses its
    // capacity at 2 h: the replacements go to c only.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.03")],
                cap: Some(&[(0, 10), (2 * H, 0)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.02"), (H, "0.096")],
                cap: None,
            },
            P {
                ty: "m5.large",
                zone: "us-east-1c",
                prices: &[(0, "0.04")],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(6, 0, 3 * H, 0), Diversified);
    assert_eq!(launches(&o), vec![2, 2, 4]);
    assert_eq!(
        o.spot[1].interruptions + o.spot[1].price_driven_replacements,
        0,
        "b keeps running"
    );
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_on_demand_launches_on_demand_only() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: None,
            },
            P {
                ty: "c5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 0)]),
            },
            P {
                ty: "c5.large",
                zone: "us-east-1b",
                prices: &[],
                cap: None,
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(4, 0, H, 0), OnDemand);
    assert_eq!(launches(&o), vec![0, 0, 0]);
    let od: Vec<u64> = o.ondemand.iter().map(|t| t.launches).collect();
    assert_eq!(
        od,
        vec![0, 2, 2],
        "c5.large (0.085) in both zones, ignoring spot capacity and prices"
    );
    let cost: Money = o.ondemand.iter().map(|t| t.cost).sum();
    assert_eq!(cost, usd("0.085").for_seconds(4 * H));
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_az_balanced_keeps_zones_even_through_interruptions() {
    // Zone a has the deep pool; capacity-optimized alone would put everything there.
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 100)]),
            },
            P {
                ty: "m5.large",
                zone: "us-east-1b",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 10), (H, 1)]),
            },
        ],
        "Linux/UNIX",
    );
    let o = run(&m, cfg(6, 0, 2 * H, 0), CapacityOptimized);
    assert_eq!(launches(&o), vec![6, 0]);
    let o = run(&m, cfg(6, 0, 2 * H, 0), AzBalanced::new(CapacityOptimized));
    // 3 + 3; at 1 h zone b keeps 1, its 2 replacements go to a (b is full).
    assert_eq!(launches(&o), vec![5, 3]);
    assert_eq!(o.spot[1].interruptions, 2);
    assert_eq!(o.unmet_unit_secs, 0);
}

#[test]
fn engine_price_capacity_optimized_and_prioritized() {
    let m = market(
        &[
            P {
                ty: "m5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.01")],
                cap: Some(&[(0, 2)]),
            },
            P {
                ty: "c5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.03")],
                cap: Some(&[(0, 20)]),
            },
            P {
                ty: "r5.large",
                zone: "us-east-1a",
                prices: &[(0, "0.02")],
                cap: Some(&[(0, 15)]),
            },
        ],
        "Linux/UNIX",
    );
    // PCO: the shallow cheapest pool is outside the tier; r5 (cheaper of the deep two)
    // until it drops below half of c5's spare.
    let o = run(&m, cfg(4, 0, H, 0), PriceCapacityOptimized::default());
    assert_eq!(launches(&o), vec![0, 0, 4]);
    // COP with m5 first: m5 is outside the tier, so c5 (next priority) wins.
    let o = run(
        &m,
        cfg(4, 0, H, 0),
        CapacityOptimizedPrioritized::new(types(&["m5.large", "c5.large", "r5.large"])),
    );
    assert_eq!(launches(&o), vec![0, 4, 0]);
    // Plain capacity-optimized: c5 until it is level with r5 (5 placements ≥ need).
    let o = run(&m, cfg(4, 0, H, 0), CapacityOptimized);
    assert_eq!(launches(&o), vec![0, 4, 0]);
}

#[test]
fn engine_runs_every_built_in_on_the_default_market() {
    let m = spotsim::synth::default_market(3);
    let names: Vec<String> = m
        .pools()
        .iter()
        .map(|p| p.instance_type.name.clone())
        .collect();
    for name in StrategySpec::NAMES {
        for az in [false, true] {
            let s = StrategySpec::parse_name(name).unwrap().with_az_balance(az);
            let mut c = FleetConfig::new(Target::Constant(20));
            c.seed = 3;
            let o = Simulation::new(&m, c, s.build(&names)).run().unwrap();
            assert!(o.target_unit_secs > 0, "{name}");
            let ran: i64 = o.spot.iter().chain(&o.ondemand).map(|t| t.run_secs).sum();
            assert!(ran > 0, "{name} az={az}");
            if *name == "on-demand" {
                assert_eq!(o.spot.iter().map(|t| t.launches).sum::<u64>(), 0);
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------

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
