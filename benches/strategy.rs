//! Decisions per second: one `allocate` call of each built-in strategy on a 500-pool
//! market view (need = 1 and need = 100 capacity units), as the engine makes it when the
//! fleet is short. Throughput is one element per decision.
//!
//! The view is built from vectors: random prices (all below on-demand), a capacity
//! limit on four pools in five (the rest unlimited), nothing held yet. The price order
//! is sorted once and stays cached, as in the engine between price changes.
//! Run with `cargo bench --bench strategy`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use spotsim::catalog::Catalog;
use spotsim::market::{Market, MarketView, Pool, PoolId, PriceOrder, Zone};
use spotsim::money::Rate;
use spotsim::strategy::{AllocationStrategy, FleetView, Launch, StrategySpec};
use spotsim::time::SimTime;

const POOLS: usize = 500;
const ZONES: usize = 6;

/// A small deterministic generator (xorshift) so the bench needs no data.
struct X(u64);
impl X {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

struct Data {
    market: Market,
    price: Vec<Option<Rate>>,
    cap: Vec<Option<u32>>,
    held: Vec<u32>,
    hazard: Vec<f64>,
    order: PriceOrder,
    spot: Vec<u32>,
    od: Vec<u32>,
    occupied: Vec<PoolId>,
}

fn data(weighted: bool) -> Data {
    let cat = Catalog::builtin();
    let mut rng = X(0x9E37_79B9_7F4A_7C15);
    let types = cat.types();
    let mut pools = Vec::with_capacity(POOLS);
    let mut price = Vec::with_capacity(POOLS);
    let mut cap = Vec::with_capacity(POOLS);
    let mut hazard = Vec::with_capacity(POOLS);
    for i in 0..POOLS {
        // Type-major, like the market builder: types outer, zones inner.
        let it = types[(i / ZONES) % types.len()].clone();
        let od = it.ondemand.nano_usd_per_hour();
        price.push(Some(Rate::from_nano_usd(
            od / 4 + (rng.next() % (od as u64 / 2)) as i64,
        )));
        cap.push(if rng.next().is_multiple_of(5) {
            None
        } else {
            Some((rng.next() % 200) as u32)
        });
        hazard.push((1 + rng.next() % 100) as f64 / 1000.0);
        pools.push(Pool {
            instance_type: it,
            zone: Zone::parse(&format!("us-east-1{}", (b'a' + (i % ZONES) as u8) as char)),
            weight: if weighted {
                1 + (i / ZONES % 4) as u32
            } else {
                1
            },
        });
    }
    let market = Market::new(pools, vec![], vec![], "Linux/UNIX");
    Data {
        market,
        price,
        cap,
        held: vec![0; POOLS],
        hazard,
        order: PriceOrder::default(),
        spot: vec![0; POOLS],
        od: vec![0; POOLS],
        occupied: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let strategies = [
        "name = \"lowest-price\"",
        "name = \"lowest-price\"\npools = 2",
        "name = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"",
        "name = \"capacity-optimized\"",
        "name = \"capacity-optimized-prioritized\"",
        "name = \"price-capacity-optimized\"",
        "name = \"diversified\"",
        "name = \"on-demand\"",
        "name = \"price-capacity-optimized\"\naz-balance = true",
    ];
    for (label, weighted, with_hazard) in
        [("uniform", false, false), ("weighted+hazard", true, true)]
    {
        let d = data(weighted);
        let types: Vec<String> = d
            .market
            .pools()
            .iter()
            .map(|p| p.instance_type.name.clone())
            .collect();
        let mut g = c.benchmark_group(format!("decision_500_pools_{label}"));
        g.throughput(Throughput::Elements(1));
        for text in strategies {
            let spec: StrategySpec = toml::from_str(text).expect("valid spec");
            let mut s = spec.build(&types);
            let name = s.name().to_string();
            for need in [1u32, 100] {
                let mut out: Vec<Launch> = Vec::with_capacity(POOLS);
                g.bench_with_input(BenchmarkId::new(name.clone(), need), &need, |b, &need| {
                    let v =
                        MarketView::new(&d.market, SimTime(0), &d.price, &d.cap, &d.held, &d.order);
                    let v = if with_hazard {
                        v.with_hazard(&d.hazard)
                    } else {
                        v
                    };
                    let f = FleetView::new(&d.spot, &d.occupied).with_ondemand(&d.od);
                    b.iter(|| {
                        out.clear();
                        s.allocate(black_box(need), &v, &f, &mut out);
                        black_box(out.len())
                    })
                });
            }
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
