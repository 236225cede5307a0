//! The engine benches' synthetic market and the bare-heap baseline (shared by
//! `engine.rs` and `profile.rs`).
#![allow(dead_code)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use spotsim::catalog::Catalog;
use spotsim::market::{Market, Pool, PriceTrace, Zone};
use spotsim::money::Rate;

pub const TOTAL_CHANGES: usize = 1_000_000;
pub const START: i64 = 1_704_067_200;

/// A small deterministic generator (xorshift) so the bench needs no data.
pub struct X(pub u64);
impl X {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `pools` pools of catalog types, each with `changes` random prices between a quarter
/// and a half of on-demand, 1 s to 2 h apart (about an hour on average).
pub fn market(pools: usize, changes: usize) -> Market {
    let cat = Catalog::builtin();
    let mut rng = X(0x9E37_79B9_7F4A_7C15);
    let mut ps = Vec::with_capacity(pools);
    let mut prices = Vec::with_capacity(pools);
    for i in 0..pools {
        let it = cat.types()[i % cat.types().len()].clone();
        let od = it.ondemand.nano_usd_per_hour();
        let mut t = START;
        let mut times = Vec::with_capacity(changes);
        let mut values = Vec::with_capacity(changes);
        for _ in 0..changes {
            times.push(t);
            values.push(Rate::from_nano_usd(
                od / 4 + (rng.next() % (od as u64 / 4)) as i64,
            ));
            t += 1 + (rng.next() % 7200) as i64;
        }
        prices.push(PriceTrace::new(times, values).expect("increasing"));
        ps.push(Pool {
            instance_type: it,
            zone: Zone::parse(&format!("us-east-1-z{i}")),
            weight: 1,
        });
    }
    Market::new(ps, prices, vec![], "Linux/UNIX")
}

/// The baseline: `events` pops and pushes of `(time, seq, payload)` entries on a
/// `BinaryHeap` holding `pending` of them, times advancing like the price traces'.
pub fn bare_heap(events: usize, pending: usize) -> u64 {
    let mut rng = X(42);
    let mut heap = BinaryHeap::with_capacity(pending + 1);
    let mut seq = 0u64;
    for i in 0..pending {
        seq += 1;
        heap.push(Reverse((START + (rng.next() % 3600) as i64, seq, i as u64)));
    }
    let mut acc = 0u64;
    for _ in 0..events {
        let Some(Reverse((t, _, p))) = heap.pop() else {
            break;
        };
        acc = acc.wrapping_add(p);
        seq += 1;
        heap.push(Reverse((t + 1 + (rng.next() % 7200) as i64, seq, p)));
    }
    acc
}
