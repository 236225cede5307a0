//! Seeded synthetic price and capacity traces (placeholder; replaced by the calibrated generator).
use crate::catalog::Catalog;
use crate::market::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use crate::money::Rate;

/// The built-in default scenario's market.
pub fn default_market(seed: u64) -> Market {
    let _ = seed;
    let cat = Catalog::builtin();
    let mut pools = Vec::new();
    let mut prices = Vec::new();
    let mut caps = Vec::new();
    for t in ["m5.large", "m6i.large"] {
        for z in ["us-east-1a", "us-east-1b"] {
            let it = cat.get(t).cloned().unwrap_or_else(|| cat.types()[0].clone());
            prices.push(PriceTrace::new(vec![1_767_225_600, 1_767_225_600 + 86_400 * 30], vec![it.ondemand.scale(1, 3), it.ondemand.scale(1, 3)]).unwrap_or_else(|_| unreachable!()));
            caps.push(Some(CapacityTrace::new(vec![1_767_225_600, 1_767_225_600 + 86_400 * 3], vec![10, 2]).unwrap_or_else(|_| unreachable!())));
            pools.push(Pool { instance_type: it, zone: Zone::parse(z), weight: 1 });
        }
    }
    Market::new(pools, prices, caps, "Linux/UNIX")
}

/// A two-pool market for examples.
pub fn tiny_market() -> Market {
    let cat = Catalog::builtin();
    let pools = ["us-east-1a", "us-east-1b"].iter().map(|z| Pool { instance_type: cat.types()[0].clone(), zone: Zone::parse(z), weight: 1 }).collect();
    Market::new(pools, vec![PriceTrace::new(vec![0], vec![Rate::from_nano_usd(5)]).unwrap_or_else(|_| unreachable!())], vec![], "Linux/UNIX")
}
