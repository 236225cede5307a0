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

    /// Reads the trace [`WARM_AHEAD`] points past the pending change (the value) and
    /// one past that (the time), so their cache lines are loaded before they are
    /// needed; returns the bits read (to be kept, so the loads are not optimized away).
    #[inline]
    fn touch_ahead(&self) -> i64 {
        let k = self.next as usize + WARM_AHEAD;
        self.values.get(k).map_or(0, |v| v.nano_usd_per_hour())
            ^ self.times.get(k + 1).copied().unwrap_or(0)
    }
}

/// How far ahead of a pool's pending change [`World::warm`] loads its trace: the points
/// [`PriceCursor::advance`] reads at the pool's next change, so a line is loaded one of
/// the pool's changes (about one event per pool) before it is needed, and each pool
/// keeps one line per array in the cache, not two. Loading a line's worth (8) ahead
/// kept the next line too, and at 1,000 pools the lines loaded 8 changes ahead no
/// longer fit a 512 KiB L2 by the time they were read: cachegrind with a 512 KiB
/// last level counted 6.27 M misses at 8 and 3.29 M at 1 (`profile co 1000`; 14.2 M
/// and 10.6 M at 8,000 pools), the same 1.07 M either way with 4 MiB.
const WARM_AHEAD: usize = 1;

/// How many price events [`World::warm`] waits for before loading their pools' trace
/// lines ahead, all at once.
pub(super) const WARM_BATCH: usize = 16;

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
        self.warm_list[self.warm_len as usize] = p as u32;
        self.warm_len += 1;
        if self.warm_len as usize == WARM_BATCH {
            self.warm();
        }
    }

    /// Loads the trace lines the last [`WARM_BATCH`] price events' pools will read
    /// [`WARM_AHEAD`] changes from now. A trace line is first read when the cursor
    /// reaches it, about one event in eight per pool, and with hundreds of pools the
    /// line is not in any cache then (the hardware prefetcher follows a few dozen
    /// streams, not one per pool): each such read used to wait for memory on its own,
    /// ~100 ns, a third of an event's time (`docs/performance.md`). Here the loads of
    /// a batch are independent of each other, so the core has them in flight
    /// together and pays about one memory latency for the batch; the cursors'
    /// own reads then hit the cache. No unsafe code (a prefetch instruction is
    /// `unsafe` to call in stable Rust): plain loads, their bits kept by `black_box`.
    #[inline(never)]
    fn warm(&mut self) {
        let mut acc = 0i64;
        for &p in &self.warm_list {
            acc ^= self.cursors[p as usize].touch_ahead();
        }
        std::hint::black_box(acc);
        self.warm_len = 0;
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
