//! The market's cursors: each pool's next price and capacity change point and the
//! target's next change point — scheduling the next one and applying it when it comes.

use rand_chacha::ChaCha8Rng;

use super::config::{LeadTime, NOTICE_SECS, RebalanceSignal, Target};
use super::outcome::EndReason;
use super::queue::Ev;
use super::world::World;
use crate::market::PoolId;
use crate::sample;

impl World<'_> {
    pub(super) fn schedule_price(&mut self, p: usize) {
        let steps = self.market.price_trace(PoolId(p as u32)).steps();
        if let Some(&t) = steps.times().get(self.price_next[p] as usize) {
            if t <= self.end {
                self.q.push(t, Ev::Price(p as u32));
            }
        }
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
        if let Target::Trace(tr) = &self.target_spec {
            if let Some(&t) = tr.times().get(self.target_next) {
                if t <= self.end {
                    self.q.push(t, Ev::Target);
                }
            }
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

    pub(super) fn price_change(&mut self, p: usize) {
        let steps = self.market.price_trace(PoolId(p as u32)).steps();
        let v = steps.values()[self.price_next[p] as usize];
        let old = self.price[p].replace(v);
        if old != Some(v) {
            self.price_changed = true;
            self.order.reset();
            self.changed.push(PoolId(p as u32));
            if let Some(m) = self.max_price[p] {
                if v > m && self.movable[p] > 0 {
                    // §1.7: above the max price EC2 interrupts, with the usual notice.
                    let ids = self.active[p].clone();
                    for id in ids {
                        self.doom(id, EndReason::MaxPrice, self.now, self.now + NOTICE_SECS);
                    }
                }
            }
        }
        self.price_next[p] += 1;
        self.schedule_price(p);
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
            self.target_next += 1;
            self.schedule_target();
        }
    }
}
