//! The fleet's instance state machine — pending (launching) → running → noticed →
//! ended — and the per-pool lists of movable instances it keeps in step.

use rand::Rng;

use super::config::{CapacityRebalance, NOTICE_SECS, ReplaceOn, VictimOrder};
use super::outcome::{EndReason, InstanceRecord, PurchaseOption};
use super::queue::Ev;
use super::world::World;
use crate::market::PoolId;
use crate::money::Money;
use crate::sample;
use crate::telemetry::InstanceEventKind;
use crate::time::SimTime;

pub(super) const NONE: u32 = u32::MAX;

/// The slot every ended instance's id maps to: a placeholder that reads as ended.
pub(super) const ENDED_SLOT: u32 = 0;

/// Which part of the target an instance fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Share {
    OnDemand = 0,
    Spot = 1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum St {
    Pending,
    Running,
    Ended,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Inst {
    pub(super) pool: u32,
    pub(super) weight: u32,
    pub(super) option: PurchaseOption,
    pub(super) share: Share,
    pub(super) state: St,
    /// Set when EC2 has decided to end it (the instance is then no longer movable).
    pub(super) doom: Option<EndReason>,
    pub(super) noticed: bool,
    pub(super) at_risk: bool,
    /// Counts toward its share of the target.
    pub(super) counts: bool,
    pub(super) launched: i64,
    pub(super) running_from: i64,
    /// Spot: the pool's price integral from its trace's start to `running_from`
    /// (billing subtracts it from the integral at the end; `accounting.rs`).
    pub(super) spent_before: Money,
    pub(super) noticed_at: i64,
    pub(super) rebalance_at: i64,
    pub(super) hazard_at: i64,
    /// False rebalance recommendations drawn so far.
    pub(super) false_draws: u32,
    /// Position in its pool's movable list (spot, not doomed).
    pub(super) slot: u32,
    /// Position in the live list.
    pub(super) live_pos: u32,
    /// Capacity rebalancing: the at-risk instance this one replaces, and the reverse.
    pub(super) replaces: u32,
    pub(super) replaced_by: u32,
}

impl Inst {
    /// The placeholder in [`ENDED_SLOT`]: an ended instance (every handler of a
    /// stale event or list entry checks for `St::Ended` first and does nothing).
    pub(super) const ENDED: Inst = Inst {
        pool: 0,
        weight: 0,
        option: PurchaseOption::Spot,
        share: Share::Spot,
        state: St::Ended,
        doom: None,
        noticed: false,
        at_risk: false,
        counts: false,
        launched: 0,
        running_from: 0,
        spent_before: Money::ZERO,
        noticed_at: 0,
        rebalance_at: 0,
        hazard_at: i64::MAX,
        false_draws: 0,
        slot: 0,
        live_pos: 0,
        replaces: NONE,
        replaced_by: NONE,
    };
}

impl World<'_> {
    /// Where instance `id`'s state is held in `insts`: its own slot while it is alive,
    /// [`ENDED_SLOT`] once it has ended.
    ///
    /// Instance ids count launches (they name instances to the observer, key their
    /// random streams and break ties), but the state of an ended instance is never
    /// needed again beyond "it ended": its slot is reused by a later launch. So
    /// `insts` holds about as many slots as instances are ever alive at once, and a
    /// launch costs 4 bytes of `slot_of` instead of a new `Inst` — a run with
    /// hundreds of thousands of price-driven replacements no longer page-faults a
    /// fresh `Inst` array into memory as it goes.
    #[inline]
    pub(super) fn slot(&self, id: u32) -> usize {
        self.slot_of[id as usize] as usize
    }

    /// Instance `id`'s state (the ended placeholder once it has ended).
    #[inline]
    pub(super) fn inst(&self, id: u32) -> &Inst {
        &self.insts[self.slot(id)]
    }

    /// Instance `id`'s state, to change (`id` must be alive: the ended placeholder is
    /// never written).
    #[inline]
    pub(super) fn inst_mut(&mut self, id: u32) -> &mut Inst {
        let s = self.slot(id);
        debug_assert!(s != ENDED_SLOT as usize, "instance {id} has ended");
        &mut self.insts[s]
    }

    pub(super) fn running(&mut self, i: u32) {
        let inst = *self.inst(i);
        if inst.state != St::Pending {
            return;
        }
        self.inst_mut(i).state = St::Running;
        self.inst_mut(i).running_from = self.now;
        if inst.option == PurchaseOption::Spot {
            self.inst_mut(i).spent_before = self.spent_so_far(inst.pool as usize);
        }
        self.running_units += inst.weight as u64;
        self.observe(i, InstanceEventKind::Running);
        if inst.option == PurchaseOption::Spot {
            self.draw_spot_risks(i);
        }
        // Capacity rebalancing (ASG): the replacement is up, end the at-risk instance
        // (which hands its place in the target to the replacement).
        let old = inst.replaces;
        if old != NONE && self.inst(old).state != St::Ended {
            self.end_inst(old, EndReason::Rebalance);
        }
    }

    /// EC2 terminates a doomed instance.
    pub(super) fn terminate(&mut self, i: u32) {
        let inst = *self.inst(i);
        if inst.state != St::Ended {
            self.end_inst(i, inst.doom.unwrap_or(EndReason::Capacity));
        }
    }

    /// The hazard model's interruption of instance `i` is announced.
    pub(super) fn hazard_doom(&mut self, i: u32) {
        let inst = *self.inst(i);
        if inst.state != St::Ended && inst.doom.is_none() {
            let t = inst.hazard_at;
            self.doom(i, EndReason::Hazard, (t - NOTICE_SECS).max(self.now), t);
        }
    }

    /// A false rebalance recommendation reaches instance `i`.
    pub(super) fn false_rebalance(&mut self, i: u32) {
        let inst = *self.inst(i);
        if inst.state != St::Ended && inst.doom.is_none() {
            if !inst.at_risk {
                self.recommend(i);
            } else {
                // Already at risk: counted, nothing more to do.
                self.spot[inst.pool as usize].rebalance_recommendations += 1;
                self.observe(i, InstanceEventKind::RebalanceRecommendation);
            }
            // A Poisson process: the next false recommendation, unless the
            // instance is being replaced because of this one.
            if self.rebalance == CapacityRebalance::Off {
                self.next_false_rebalance(i);
            }
        }
    }

    /// Capacity rebalancing (launch-before-terminate) ends an at-risk instance.
    pub(super) fn planned_end(&mut self, i: u32) {
        if self.inst(i).state != St::Ended {
            self.end_inst(i, EndReason::Rebalance);
        }
    }

    /// Draws, from the instance's own random stream, its hazard interruption and its
    /// false rebalance recommendations.
    pub(super) fn draw_spot_risks(&mut self, i: u32) {
        let rate = self
            .hazard
            .as_ref()
            .map_or(0.0, |h| h[self.inst(i).pool as usize]);
        let fp = self.signal.map_or(0.0, |s| s.false_per_1000_hours / 1000.0);
        if rate <= 0.0 && fp <= 0.0 {
            return;
        }
        let mut rng = sample::stream_rng(&self.key, 1 + i as u64);
        if rate > 0.0 {
            let t = self
                .now
                .saturating_add(sample::exp_secs(&mut rng, 3600.0 / rate));
            let lead = self.signal.map_or(0, |s| Self::lead(&s, &mut rng));
            if t <= self.end {
                self.inst_mut(i).hazard_at = t;
                self.q
                    .push((t - NOTICE_SECS - lead).max(self.now), Ev::HazardDoom(i));
            }
        }
        if fp > 0.0 {
            self.next_false_rebalance(i);
        }
    }

    /// Schedules instance `i`'s next false rebalance recommendation, drawn from a stream
    /// of its own for each draw (so draws never depend on other events).
    pub(super) fn next_false_rebalance(&mut self, i: u32) {
        let fp = self.signal.map_or(0.0, |s| s.false_per_1000_hours / 1000.0);
        if fp <= 0.0 {
            return;
        }
        let k = self.inst(i).false_draws;
        self.inst_mut(i).false_draws += 1;
        let mut rng = sample::stream_rng(&self.key, (1 + i as u64) | (1 + k as u64) << 32);
        let t = self
            .now
            .saturating_add(sample::exp_secs(&mut rng, 3600.0 / fp));
        if t <= self.end {
            self.q.push(t, Ev::FalseRebalance(i));
        }
    }

    /// EC2 decides to end `id` at `end_at`; the notice goes out at `notice_at`, and a
    /// rebalance recommendation now (if the signal is modelled).
    pub(super) fn doom(&mut self, id: u32, reason: EndReason, notice_at: i64, end_at: i64) {
        let inst = *self.inst(id);
        if inst.state == St::Ended || inst.doom.is_some() {
            return;
        }
        self.inst_mut(id).doom = Some(reason);
        if inst.option == PurchaseOption::Spot {
            self.remove_active(id);
        }
        if end_at - notice_at < NOTICE_SECS {
            self.spot[inst.pool as usize].short_notices += 1;
        }
        if self.signal.is_some() && !inst.at_risk && reason != EndReason::MaxPrice {
            self.recommend(id);
        }
        if notice_at <= self.now {
            self.notice(id);
        } else {
            self.q.push(notice_at, Ev::Notice(id));
        }
        if end_at > self.now {
            self.q.push(end_at, Ev::Terminate(id));
        }
    }

    pub(super) fn notice(&mut self, id: u32) {
        let inst = *self.inst(id);
        if inst.state == St::Ended || inst.noticed {
            return;
        }
        self.observe(id, InstanceEventKind::Notice);
        let s = self.slot(id);
        debug_assert!(s != ENDED_SLOT as usize, "instance {id} has ended");
        let i = &mut self.insts[s];
        i.noticed = true;
        i.noticed_at = self.now;
        if self.replace_on == ReplaceOn::Notice && i.counts {
            i.counts = false;
            let (share, w, r) = (i.share as usize, i.weight as u64, i.replaced_by);
            self.units[share] -= w;
            self.improved = true;
            // A rebalancing replacement already on its way takes the place now.
            if r != NONE && self.inst(r).state != St::Ended && !self.inst(r).counts {
                self.inst_mut(r).counts = true;
                self.units[self.inst(r).share as usize] += self.inst(r).weight as u64;
            }
        }
    }

    /// A rebalance recommendation reaches `id` (aws-facts.md §2.2) and the fleet
    /// reacts (§1.6).
    pub(super) fn recommend(&mut self, id: u32) {
        self.observe(id, InstanceEventKind::RebalanceRecommendation);
        let s = self.slot(id);
        debug_assert!(s != ENDED_SLOT as usize, "instance {id} has ended");
        let inst = &mut self.insts[s];
        inst.at_risk = true;
        inst.rebalance_at = self.now;
        self.spot[inst.pool as usize].rebalance_recommendations += 1;
        match self.rebalance {
            CapacityRebalance::Off => {}
            CapacityRebalance::Asg => {
                self.rebalance_queue.push(id);
                self.improved = true;
            }
            CapacityRebalance::LaunchBeforeTerminate {
                termination_delay_secs,
            } => {
                if inst.counts {
                    inst.counts = false;
                    self.units[inst.share as usize] -= inst.weight as u64;
                    self.improved = true;
                }
                self.q
                    .push(self.now + termination_delay_secs, Ev::PlannedEnd(id));
            }
        }
    }

    // ---------------------------------------------------------------- instance lists

    pub(super) fn remove_active(&mut self, id: u32) {
        let inst = *self.inst(id);
        let p = inst.pool as usize;
        let list = &mut self.active[p];
        let slot = inst.slot as usize;
        list.swap_remove(slot);
        if let Some(&moved) = list.get(slot) {
            self.inst_mut(moved).slot = slot as u32;
        }
        self.movable[p] -= 1;
        if self.movable[p] == 0 {
            let pos = self.occ_pos[p] as usize;
            self.occupied.swap_remove(pos);
            if let Some(&q) = self.occupied.get(pos) {
                self.occ_pos[q.idx()] = pos as u32;
            }
            self.occ_pos[p] = NONE;
            self.dearest_held = None;
        }
    }

    pub(super) fn add_active(&mut self, id: u32) {
        let p = self.inst(id).pool as usize;
        self.inst_mut(id).slot = self.active[p].len() as u32;
        self.active[p].push(id);
        if self.movable[p] == 0 {
            self.occ_pos[p] = self.occupied.len() as u32;
            self.occupied.push(PoolId(p as u32));
            self.dearest_held = None;
        }
        self.movable[p] += 1;
    }

    /// Up to `n` of pool `p`'s movable instances: running ones first, in `order`,
    /// then launches still pending, newest first.
    pub(super) fn pick_victims(&mut self, p: usize, n: usize, order: VictimOrder) -> Vec<u32> {
        let mut running: Vec<u32> = Vec::new();
        let mut pending: Vec<u32> = Vec::new();
        for &id in &self.active[p] {
            if self.inst(id).state == St::Running {
                running.push(id);
            } else {
                pending.push(id);
            }
        }
        let key = |w: &Self, id: u32| (w.inst(id).running_from, id);
        match order {
            VictimOrder::Random => {
                // Partial Fisher–Yates over the running set, in a canonical order.
                running.sort_unstable();
                let k = n.min(running.len());
                for i in 0..k {
                    let j = self.rng.random_range(i..running.len());
                    running.swap(i, j);
                }
                running.truncate(k);
            }
            VictimOrder::OldestFirst => running.sort_by_key(|&id| key(self, id)),
            VictimOrder::NewestFirst => running.sort_by_key(|&id| std::cmp::Reverse(key(self, id))),
        }
        pending.sort_by_key(|&id| std::cmp::Reverse((self.inst(id).launched, id)));
        running.extend(pending);
        running.truncate(n);
        running
    }

    /// Ends instance `id` now: it leaves the fleet's lists and counts, hands its place to
    /// a rebalancing replacement, and is billed (`accounting.rs`).
    pub(super) fn end_inst(&mut self, id: u32, reason: EndReason) {
        let inst = *self.inst(id);
        debug_assert!(inst.state != St::Ended);
        let p = inst.pool as usize;
        if inst.counts {
            self.units[inst.share as usize] -= inst.weight as u64;
        }
        self.alive_units -= inst.weight as u64;
        match inst.option {
            PurchaseOption::Spot => {
                if inst.doom.is_none() {
                    self.remove_active(id);
                }
                self.occupying[p] -= 1;
            }
            PurchaseOption::OnDemand => self.od_count[p] -= 1,
        }
        // Live list.
        let pos = inst.live_pos as usize;
        self.live.swap_remove(pos);
        if let Some(&moved) = self.live.get(pos) {
            self.inst_mut(moved).live_pos = pos as u32;
        }
        // Rebalancing links: the replacement takes over the ended instance's place.
        if inst.replaced_by != NONE {
            let r = inst.replaced_by;
            self.inst_mut(r).replaces = NONE;
            if self.inst(r).state != St::Ended && !self.inst(r).counts {
                self.inst_mut(r).counts = true;
                self.units[self.inst(r).share as usize] += self.inst(r).weight as u64;
            }
        }
        if inst.replaces != NONE {
            let old = inst.replaces;
            self.inst_mut(old).replaced_by = NONE;
            let o = *self.inst(old);
            if o.state != St::Ended && o.at_risk && !o.noticed {
                self.rebalance_queue.push(old);
            }
        }
        if inst.state == St::Running {
            self.running_units -= inst.weight as u64;
        }
        let (reason, charge) = self.settle(&inst, reason);
        self.observe(
            id,
            InstanceEventKind::Ended {
                reason,
                charge,
                running_from: (inst.state == St::Running).then_some(SimTime(inst.running_from)),
            },
        );
        // The slot is free for the next launch; the id now reads as the ended
        // placeholder (see `World::slot`).
        let slot = self.slot(id);
        self.insts[slot].state = St::Ended;
        self.free.push(slot as u32);
        self.slot_of[id as usize] = ENDED_SLOT;
        self.improved = true;
        if self.record {
            self.records.push(InstanceRecord {
                pool: PoolId(inst.pool),
                option: inst.option,
                launched_at: SimTime(inst.launched),
                running_from: (inst.state == St::Running).then_some(SimTime(inst.running_from)),
                noticed_at: inst.noticed.then_some(SimTime(inst.noticed_at)),
                rebalance_at: inst.at_risk.then_some(SimTime(inst.rebalance_at)),
                ended_at: SimTime(self.now),
                reason,
                charge,
            });
        }
    }

    /// Launches up to `count` instances into `pool`. Unless `beyond_target`, stops once
    /// the share reaches its target; spot launches are clamped to a priced pool's
    /// spare capacity and maximum price. Returns the number launched.
    pub(super) fn launch(
        &mut self,
        pool: PoolId,
        count: u32,
        option: PurchaseOption,
        share: Share,
        beyond_target: bool,
        replaces: u32,
    ) -> u32 {
        let p = pool.idx();
        if p >= self.price.len() {
            return 0;
        }
        let mut n = count;
        if option == PurchaseOption::Spot {
            let Some(price) = self.price[p] else { return 0 };
            if self.max_price[p].is_some_and(|m| price > m) {
                return 0;
            }
            if let Some(c) = self.cap[p] {
                n = n.min(c.saturating_sub(self.occupying[p]));
            }
        }
        let weight = self.market.pool(pool).weight;
        let ceiling = match self.rebalance {
            CapacityRebalance::LaunchBeforeTerminate { .. } => 2 * self.target as u64,
            _ => u64::MAX,
        };
        let mut done = 0;
        while done < n
            && (beyond_target || self.units[share as usize] < self.share_target(share))
            && self.alive_units < ceiling
        {
            let id = self.slot_of.len() as u32;
            let inst = Inst {
                pool: pool.0,
                weight,
                option,
                share,
                state: St::Pending,
                counts: true,
                launched: self.now,
                live_pos: self.live.len() as u32,
                replaces,
                // Not noticed, not at risk, no hazard drawn, no replacement yet.
                ..Inst::ENDED
            };
            let slot = match self.free.pop() {
                Some(slot) => {
                    self.insts[slot as usize] = inst;
                    slot
                }
                None => {
                    self.insts.push(inst);
                    (self.insts.len() - 1) as u32
                }
            };
            self.slot_of.push(slot);
            self.live.push(id);
            self.observe(
                id,
                InstanceEventKind::Requested {
                    replaces: (replaces != NONE).then_some(replaces),
                },
            );
            match option {
                PurchaseOption::Spot => {
                    self.add_active(id);
                    self.occupying[p] += 1;
                    self.spot[p].launches += 1;
                }
                PurchaseOption::OnDemand => {
                    self.od_count[p] += 1;
                    self.od[p].launches += 1;
                }
            }
            self.alive_units += weight as u64;
            if replaces != NONE {
                // An ASG rebalancing replacement runs beside the at-risk instance and
                // takes over its place in the target only when that one ends (so it
                // is never mistaken for surplus by scale-in).
                self.inst_mut(replaces).replaced_by = id;
                self.inst_mut(id).counts = false;
            } else {
                self.units[share as usize] += weight as u64;
            }
            // Completions come in launch order (constant latency): the queue's FIFO.
            self.q
                .push_ordered(self.now.saturating_add(self.latency), Ev::Running(id));
            done += 1;
            if replaces != NONE {
                break;
            }
        }
        done
    }

    pub(super) fn end_all(&mut self) {
        while let Some(&id) = self.live.last() {
            self.end_inst(id, EndReason::Horizon);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FleetConfig, Target};
    use crate::synth::{SynthParams, synthetic_market};

    #[test]
    fn ended_instances_free_their_slots_and_their_ids_read_as_ended() {
        let m = synthetic_market(
            &SynthParams {
                types: 2,
                zones: 2,
                days: 2,
                ..SynthParams::default()
            },
            1,
        );
        let mut w = World::new(&m, &FleetConfig::new(Target::Constant(3)), true).unwrap();
        let p = (0..w.price.len())
            .find(|&p| w.price[p].is_some() && w.cap[p].is_none_or(|c| c >= 3))
            .expect("a priced pool with room");
        let pool = PoolId(p as u32);
        assert_eq!(
            w.launch(pool, 3, PurchaseOption::Spot, Share::Spot, true, NONE),
            3
        );
        // Ids count launches; slot 0 is the ended placeholder.
        assert_eq!((w.slot(0), w.slot(1), w.slot(2)), (1, 2, 3));
        w.end_inst(1, EndReason::ScaleIn);
        assert_eq!(w.slot(1), ENDED_SLOT as usize);
        assert_eq!(w.insts[w.slot(1)].state, St::Ended);
        // The next launch takes the freed slot under a new id.
        assert_eq!(
            w.launch(pool, 1, PurchaseOption::Spot, Share::Spot, true, NONE),
            1
        );
        assert_eq!(w.slot(3), 2);
        assert_eq!(w.insts[2].state, St::Pending);
        // Stale events for the ended id do nothing to the instance now in its slot.
        let units = w.units;
        w.running(1);
        w.terminate(1);
        w.notice(1);
        w.planned_end(1);
        assert_eq!(w.insts[2].state, St::Pending);
        assert_eq!(w.units, units);
        assert_eq!(w.live.len(), 3);
        // Churn: a thousand replacements keep the slots at the peak alive count.
        for _ in 0..1000 {
            let id = w.live[0];
            w.end_inst(id, EndReason::PriceReplacement);
            w.launch(pool, 1, PurchaseOption::Spot, Share::Spot, true, NONE);
        }
        assert_eq!(w.slot_of.len(), 1004);
        assert_eq!(w.insts.len(), 4);
        assert_eq!(
            w.insts.iter().filter(|i| i.state != St::Ended).count(),
            w.live.len()
        );
        // Every placeholder read is still an ended instance.
        assert_eq!(w.insts[ENDED_SLOT as usize].state, St::Ended);
        assert!(!w.insts[ENDED_SLOT as usize].counts);
    }
}
