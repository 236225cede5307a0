//! The market's cursors: each pool's next price and capacity change point and the
//! target's next change point — scheduling the next one and applying it when it comes.

use rand_chacha::ChaCha8Rng;

use super::config::{LeadTime, NOTICE_SECS, RebalanceSignal, Target};
use super::outcome::EndReason;
use super::queue::Ev;
use super::world::World;
use crate::market::{PoolId, StepTrace};
use crate::money::Rate;
use crate::sample;
use crate::time::SimTime;

/// No maximum price: above every rate a trace can hold.
const NO_MAX: Rate = Rate::from_nano_usd(i64::MAX);

/// Pool `p`'s price cursor, in one cache line: the trace, the index of the pending
/// change, that change's value, the time of the change after it, and the pool's maximum
/// price — everything a price event reads, so it touches one line per pool.
///
/// The cursor runs one step ahead: when the pending change fires, its value and the
/// time of its successor are already at hand, so scheduling the successor waits on no
/// trace read. The trace is read for the step after that and for the successor's value,
/// loads whose cache misses overlap with the rest of the event.
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
pub(super) struct PriceCursor<'m> {
    times: &'m [i64],
    values: &'m [Rate],
    /// The pending change's value.
    pend: Rate,
    /// The time of the change after the pending one (`i64::MAX`: none).
    ahead: i64,
    /// The pool's maximum price ([`NO_MAX`]: none).
    max: Rate,
    /// The pending change's index in the trace.
    next: u32,
}

impl<'m> PriceCursor<'m> {
    /// A cursor on change point `next` of `steps`, for a pool with maximum price `max`;
    /// returns it with the pending change's time (`i64::MAX`: none).
    pub(super) fn new(steps: &'m StepTrace<Rate>, next: usize, max: Option<Rate>) -> (Self, i64) {
        let (times, values) = (steps.times(), steps.values());
        let c = PriceCursor {
            times,
            values,
            pend: values.get(next).copied().unwrap_or(Rate::ZERO),
            ahead: times.get(next + 1).copied().unwrap_or(i64::MAX),
            max: max.unwrap_or(NO_MAX),
            next: next as u32,
        };
        (c, times.get(next).copied().unwrap_or(i64::MAX))
    }

    /// The index of the pending change (the trace's length once past its last).
    #[inline]
    pub(super) fn next_index(&self) -> usize {
        self.next as usize
    }

    /// Moves past the pending change: returns its value and the new pending change's
    /// time (`i64::MAX`: none).
    #[inline]
    fn advance(&mut self) -> (Rate, i64) {
        let (v, t) = (self.pend, self.ahead);
        let k = self.next as usize + 1;
        self.next = k as u32;
        self.pend = self.values.get(k).copied().unwrap_or(Rate::ZERO);
        self.ahead = self.times.get(k + 1).copied().unwrap_or(i64::MAX);
        (v, t)
    }

    /// Reads the cursor and the trace points [`PriceCursor::advance`] reads when the
    /// pending change fires ([`WARM_AHEAD`] past it: the value; one past that: the
    /// time), so their cache lines are loaded before they are needed; returns the bits
    /// read (to be kept, so the loads are not optimized away).
    #[inline]
    fn touch_ahead(&self) -> i64 {
        let k = self.next as usize + WARM_AHEAD;
        self.values.get(k).map_or(0, |v| v.nano_usd_per_hour())
            ^ self.times.get(k + 1).copied().unwrap_or(0)
    }
}

/// Which trace points [`World::warm`] loads, counted from a pool's pending change: the
/// ones [`PriceCursor::advance`] reads when that change fires (the value one past it,
/// the time two past it).
const WARM_AHEAD: usize = 1;

/// How many of the next price events [`World::warm`] keeps loaded ahead: when fewer
/// than this many are, it loads at least this many more (the pools of whole level-0
/// seconds of the price wheel, at most four times this many). Where a second holds
/// one or two changes, each event's lines are loaded 16 to about 32 price events
/// before it (not tuned: the first value tried, `docs/performance.md`).
pub(super) const WARM_BATCH: u32 = 16;

/// Up to this many pools [`World::warm`] does not run: their cursors and current trace
/// lines (about 216 bytes a pool: 432 KiB at 2,048) stay in a 512 KiB L2 between a
/// pool's changes, so there is no wait to hide and loading ahead only adds
/// instructions (at 100 pools, capacity-optimized: 438 M with it, 372 M without; at
/// 500 pools the `profile` run took 483–604 ms with it, 364–445 ms with the earlier
/// scheme; `docs/performance.md`, "Ninth pass"). A heuristic for the smallest L2 seen
/// on the machine class; it changes no result.
pub(super) const WARM_MIN_POOLS: usize = 2048;

impl World<'_> {
    /// Pool `p`'s pending price change takes effect, and its next one is scheduled.
    pub(super) fn price_change(&mut self, p: usize) {
        let c = &mut self.cursors[p];
        let max = c.max;
        let (v, t) = c.advance();
        let old = self.price[p].replace(v);
        if old != Some(v) {
            if let Some(o) = self.obs.as_mut() {
                o.price(SimTime(self.now), PoolId(p as u32), v);
            }
            self.price_changed = true;
            self.order.reset();
            self.changed.push(PoolId(p as u32));
            if v > max && self.movable[p] > 0 {
                // §1.7: above the max price EC2 interrupts, with the usual notice.
                let ids = self.active[p].clone();
                for id in ids {
                    self.doom(id, EndReason::MaxPrice, self.now, self.now + NOTICE_SECS);
                }
            }
        }
        if t <= self.end {
            self.q.set_price(p as u32, t);
        }
        self.warmed = self.warmed.saturating_sub(1);
        if self.warmed < self.warm_floor {
            self.warm();
        }
    }

    /// Loads the cursor lines and trace points of the pools whose price changes come
    /// next (the next [`WARM_BATCH`] or more not loaded yet, in the price wheel's
    /// order: [`Queue::prices_ahead`](super::queue::Queue::prices_ahead)).
    ///
    /// With thousands of pools, a pool's state is not in any cache when its next
    /// change comes: between two changes of one pool the others have about one each,
    /// and their cursor lines, trace lines and wheel entries (about 216 bytes a pool)
    /// outgrow the L2 (512 KiB on the AMD host of 2026-12-03). Each price event waited on
    /// several such reads, one after the other: at 8,000 pools the loop ran at 1.6×
    /// to 2.9× the bare heap's time per event, 70 % of its samples at these loads
    /// (`docs/performance.md`, "Ninth pass"). Here the loads of a batch are
    /// independent of each other, so the core has them in flight together, before
    /// the events need them. The previous scheme loaded a pool's next points shortly
    /// after its change, one whole round of the pools too early at 8,000 pools. No
    /// unsafe code (a prefetch instruction is `unsafe` to call in stable Rust): plain
    /// loads, their bits kept by `black_box`.
    #[inline(never)]
    fn warm(&mut self) {
        let cursors = &self.cursors;
        let mut acc = 0i64;
        let n = self.q.prices_ahead(WARM_BATCH, |p| {
            if let Some(c) = cursors.get(p as usize) {
                acc ^= c.touch_ahead();
            }
        });
        std::hint::black_box(acc);
        self.warmed = self.warmed.saturating_add(n);
    }

    /// Schedules the next capacity change of pool `p`: a drop is announced (victims
    /// chosen, rebalance recommendations sent) a notice plus a lead time ahead.
    pub(super) fn schedule_cap(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else {
            return;
        };
        let k = self.cap_next[p] as usize;
        let (Some(&t), Some(&v)) = (ct.times().get(k), ct.values().get(k)) else {
            return;
        };
        if t > self.end {
            return;
        }
        if v < self.cap[p].unwrap_or(0) {
            let lead = self.sample_lead_shared();
            self.q.push(
                (t - NOTICE_SECS - lead).max(self.now),
                Ev::CapDrop(p as u32),
            );
        } else {
            self.q.push(t, Ev::CapApply(p as u32));
        }
    }

    pub(super) fn schedule_target(&mut self) {
        if let Target::Trace(tr) = &self.target_spec
            && let Some(&t) = tr.times().get(self.target_next)
            && t <= self.end
        {
            self.q.push(t, Ev::Target);
        }
    }

    pub(super) fn lead(signal: &RebalanceSignal, rng: &mut ChaCha8Rng) -> i64 {
        match signal.lead {
            LeadTime::Fixed(s) => s.max(0),
            LeadTime::Exponential(m) if m > 0.0 => sample::exp_secs(rng, m),
            LeadTime::Exponential(_) => 0,
        }
    }

    pub(super) fn sample_lead_shared(&mut self) -> i64 {
        match &self.signal {
            Some(s) => Self::lead(s, &mut self.rng),
            None => 0,
        }
    }

    pub(super) fn cap_drop(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else {
            return;
        };
        let k = self.cap_next[p] as usize;
        let (t, v) = (ct.times()[k], ct.values()[k]);
        let excess = self.movable[p].saturating_sub(v);
        if excess > 0 {
            for id in self.pick_victims(p, excess as usize, self.victims) {
                self.doom(id, EndReason::Capacity, (t - NOTICE_SECS).max(self.now), t);
            }
        }
        // From the announcement on, the pool takes no launch beyond its coming level:
        // a launch into capacity about to be reclaimed would only be reclaimed with it.
        self.cap[p] = Some(self.cap[p].unwrap_or(0).min(v));
        self.q.push(t, Ev::CapApply(p as u32));
    }

    pub(super) fn cap_apply(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else {
            return;
        };
        let k = self.cap_next[p] as usize;
        let v = ct.values()[k];
        if v > self.cap[p].unwrap_or(0) {
            self.improved = true;
        }
        self.cap[p] = Some(v);
        self.cap_next[p] += 1;
        let excess = self.occupying[p].saturating_sub(v).min(self.movable[p]);
        if excess > 0 {
            // The drop came with less than the full notice (or none).
            for id in self.pick_victims(p, excess as usize, self.victims) {
                self.doom(id, EndReason::Capacity, self.now, self.now);
                self.end_inst(id, EndReason::Capacity);
            }
        }
        self.schedule_cap(p);
    }

    /// The target's next change point takes effect.
    pub(super) fn target_change(&mut self) {
        if let Target::Trace(tr) = &self.target_spec {
            let v = tr.values()[self.target_next];
            if v > self.target {
                self.improved = true;
            }
            self.target = v;
            self.split_target();
            if let Some(o) = self.obs.as_mut() {
                o.desired(SimTime(self.now), v);
            }
            self.target_next += 1;
            self.schedule_target();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FleetConfig, Target};
    use crate::synth::{SynthParams, synthetic_market};

    /// Above [`WARM_MIN_POOLS`] pools each price event leaves at least [`WARM_BATCH`]
    /// coming price changes counted as loaded, unless the wheel's level 0 has nothing
    /// unvisited, and most events a full batch; at or below it nothing is warmed.
    /// (Which pools are visited is `PriceWheel::ahead`'s test.)
    #[test]
    fn price_events_keep_a_batch_warm_only_above_the_pool_threshold() {
        for (types, zones, warms) in [
            (WARM_MIN_POOLS / 3 + 1, 3, true),
            (WARM_MIN_POOLS / 2, 2, false),
        ] {
            let m = synthetic_market(
                &SynthParams {
                    types,
                    zones,
                    days: 1,
                    ..SynthParams::default()
                },
                1,
            );
            let mut w =
                World::new(&m, &FleetConfig::new(Target::Constant(3)), true).expect("a world");
            // 2,049 and 2,048 pools: either side of the threshold.
            assert_eq!(w.price.len(), types * zones);
            assert_eq!(
                w.price.len() > WARM_MIN_POOLS,
                warms,
                "{} pools",
                w.price.len()
            );
            let (mut prices, mut full) = (0, 0);
            while prices < 200 {
                let Some((t, ev)) = w.q.pop() else { break };
                w.now = t;
                w.handle(ev);
                if let Ev::Price(_) = ev {
                    prices += 1;
                    if warms {
                        // A batch is short only where the wheel's level 0 has no
                        // unvisited change left (asked of a copy: visiting moves on).
                        let more = w.q.clone().prices_ahead(1, |_| ());
                        assert!(w.warmed >= WARM_BATCH || more == 0, "{} warmed", w.warmed);
                        full += usize::from(w.warmed >= WARM_BATCH);
                    } else {
                        assert_eq!(w.warmed, 0);
                    }
                }
            }
            assert_eq!(prices, 200);
            assert!(!warms || full >= 100, "{full} of 200 with a full batch");
        }
    }

    #[test]
    fn touching_ahead_reads_the_points_of_the_next_change_and_nothing_past_the_end() {
        let times: Vec<i64> = (0..20).map(|i| i * 10).collect();
        let values: Vec<Rate> = (0..20).map(|i| Rate::from_nano_usd(1000 + i)).collect();
        let steps = StepTrace::new(times, values).expect("increasing");
        let (c, t) = PriceCursor::new(&steps, 3, None);
        assert_eq!(t, 30);
        // values[3 + 1] ^ times[3 + 2]: what `advance` reads at the pool's next change.
        assert_eq!(WARM_AHEAD, 1);
        assert_eq!(c.touch_ahead(), (1000 + 4) ^ 50);
        let mut c2 = c;
        c2.advance();
        assert_eq!(
            (c2.pend.nano_usd_per_hour(), c2.ahead),
            (1000 + 4, 50),
            "the points touched are the ones the next advance reads"
        );
        // Near the end the reads past the trace give 0 (no panic).
        let (c, _) = PriceCursor::new(&steps, 18, None);
        assert_eq!(c.touch_ahead(), 1000 + 19);
        let (c, t) = PriceCursor::new(&steps, 20, None);
        assert_eq!((c.touch_ahead(), t), (0, i64::MAX));
    }
}
