//! The simulation state and the instance state machine (see the module docs of
//! `engine` for the rules this file implements).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::config::{
    CapacityRebalance, FleetConfig, LeadTime, NOTICE_SECS, OnDemandAllocation, OnDemandSplit,
    RebalanceSignal, ReplaceOn, Target, VictimOrder,
};
use super::outcome::{EndReason, InstanceRecord, Outcome, PoolTally, PurchaseOption};
use super::queue::{Ev, Queue};
use crate::error::ConfigError;
use crate::market::{Market, MarketView, PoolId, PriceOrder};
use crate::money::{Money, Rate};
use crate::pricing::EndedBy;
use crate::pricing::billing::ProductBilling;
use crate::sample;
use crate::strategy::{AllocationStrategy, FleetView, Launch, Move};
use crate::time::SimTime;

const NONE: u32 = u32::MAX;

/// Which part of the target an instance fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Share {
    OnDemand = 0,
    Spot = 1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Pending,
    Running,
    Ended,
}

#[derive(Clone, Copy, Debug)]
struct Inst {
    pool: u32,
    weight: u32,
    option: PurchaseOption,
    share: Share,
    state: St,
    /// Set when EC2 has decided to end it (the instance is then no longer movable).
    doom: Option<EndReason>,
    noticed: bool,
    at_risk: bool,
    /// Counts toward its share of the target.
    counts: bool,
    launched: i64,
    running_from: i64,
    noticed_at: i64,
    rebalance_at: i64,
    hazard_at: i64,
    /// False rebalance recommendations drawn so far.
    false_draws: u32,
    /// Position in its pool's movable list (spot, not doomed).
    slot: u32,
    /// Position in the live list.
    live_pos: u32,
    /// Capacity rebalancing: the at-risk instance this one replaces, and the reverse.
    replaces: u32,
    replaced_by: u32,
}

pub(super) struct World<'m> {
    market: &'m Market,
    billing: ProductBilling,
    latency: i64,
    victims: VictimOrder,
    replace_on: ReplaceOn,
    record: bool,
    target_spec: Target,
    split: OnDemandSplit,
    ondemand_table: Option<Vec<u32>>,
    first_hour_refund: bool,
    od_alloc: OnDemandAllocation,
    max_price: Vec<Option<Rate>>,
    max_price_note: String,
    hazard: Option<Vec<f64>>,
    signal: Option<RebalanceSignal>,
    rebalance: CapacityRebalance,
    type_rank: Vec<u32>,

    pub(super) now: i64,
    start: i64,
    pub(super) end: i64,
    pub(super) q: Queue,
    rng: ChaCha8Rng,
    key: [u8; 32],

    price: Vec<Option<Rate>>,
    cap: Vec<Option<u32>>,
    /// Spot instances counting against each pool's capacity (alive, doomed or not).
    occupying: Vec<u32>,
    /// Movable spot instances per pool (= `active[p].len()`).
    movable: Vec<u32>,
    /// Alive on-demand instances per pool.
    od_count: Vec<u32>,
    price_next: Vec<u32>,
    cap_next: Vec<u32>,
    active: Vec<Vec<u32>>,
    order: PriceOrder,
    changed: Vec<PoolId>,
    occupied: Vec<PoolId>,
    occ_pos: Vec<u32>,

    insts: Vec<Inst>,
    live: Vec<u32>,
    spot: Vec<PoolTally>,
    od: Vec<PoolTally>,

    target: u32,
    /// The target's on-demand and spot parts (index = `Share`).
    share_targets: [u64; 2],
    target_next: usize,
    /// Units counting toward each share of the target.
    units: [u64; 2],
    /// Units of every alive instance (for launch-before-terminate's 2× ceiling).
    alive_units: u64,
    running_units: u64,
    unmet: i128,
    target_secs: i128,
    pub(super) events: u64,
    records: Vec<InstanceRecord>,
    rebalance_queue: Vec<u32>,

    price_changed: bool,
    pub(super) improved: bool,
}

impl<'m> World<'m> {
    pub(super) fn new(market: &'m Market, cfg: &FleetConfig) -> Result<Self, ConfigError> {
        let billing = ProductBilling::new(market.product())?;
        let span = market.covered_span();
        let start = match (cfg.start, span) {
            (Some(s), _) | (None, Some((s, _))) => s,
            (None, None) => {
                return Err(ConfigError::new(
                    "start",
                    "the traces hold no change points; give a start and an end",
                ));
            }
        };
        let end = match (cfg.end, span) {
            (Some(e), _) | (None, Some((_, e))) => e,
            (None, None) => {
                return Err(ConfigError::new("end", "the traces hold no change points"));
            }
        };
        if start >= end {
            let why = if cfg.start.is_none() {
                " (by default the horizon runs from when every pool's trace has begun to the last change point; give --start or --end)"
            } else {
                ""
            };
            return Err(ConfigError::new(
                "start",
                format!("start {start} must be before end {end}{why}"),
            ));
        }
        if cfg.launch_latency_secs < 0 {
            return Err(ConfigError::new("launch-latency", "must not be negative"));
        }
        if market.pools().is_empty() {
            return Err(ConfigError::new("pools", "the market has no pools"));
        }
        if let Some(p) = market.pools().iter().find(|p| p.weight == 0) {
            return Err(ConfigError::new(
                "weights",
                format!("pool {} {} has weight 0", p.instance_type.name, p.zone),
            ));
        }
        if cfg.ondemand.above_base_pct > 100 {
            return Err(ConfigError::new(
                "ondemand-above-base-pct",
                format!("{} %: must be 0..=100", cfg.ondemand.above_base_pct),
            ));
        }
        if let CapacityRebalance::LaunchBeforeTerminate {
            termination_delay_secs: d,
        } = cfg.capacity_rebalance
        {
            if !(120..=7200).contains(&d) {
                return Err(ConfigError::new(
                    "termination-delay",
                    format!("{d} s: EC2 Fleet accepts 120 to 7200 seconds (aws-facts.md §1.6)"),
                ));
            }
        }
        let n = market.pools().len();
        let hazard = match &cfg.hazard {
            None => None,
            Some(h) => {
                if h.rates_per_hour.len() != n {
                    return Err(ConfigError::new(
                        "hazard",
                        format!("{} rates for {n} pools", h.rates_per_hour.len()),
                    ));
                }
                if let Some(r) = h
                    .rates_per_hour
                    .iter()
                    .find(|r| !r.is_finite() || **r < 0.0)
                {
                    return Err(ConfigError::new(
                        "hazard",
                        format!("rate {r} is not a non-negative number"),
                    ));
                }
                Some(h.rates_per_hour.clone())
            }
        };
        if let Some(s) = &cfg.rebalance_signal {
            let bad_lead = match s.lead {
                LeadTime::Fixed(x) => x < 0,
                LeadTime::Exponential(m) => !m.is_finite() || m < 0.0,
            };
            if bad_lead || !s.false_per_1000_hours.is_finite() || s.false_per_1000_hours < 0.0 {
                return Err(ConfigError::new(
                    "rebalance",
                    "lead time and false-recommendation rate must be non-negative numbers",
                ));
            }
        }
        let signal = match (cfg.rebalance_signal, cfg.capacity_rebalance) {
            (Some(s), _) => Some(s),
            (None, CapacityRebalance::Off) => None,
            (None, _) => Some(RebalanceSignal::default()),
        };
        let mut type_rank = Vec::with_capacity(n);
        let mut seen: Vec<&str> = Vec::new();
        for p in market.pools() {
            let name = p.instance_type.name.as_str();
            let r = match seen.iter().position(|s| *s == name) {
                Some(i) => i,
                None => {
                    seen.push(name);
                    seen.len() - 1
                }
            };
            type_rank.push(r as u32);
        }
        let caps = cfg.resolve_max_prices(market)?;
        let key = sample::expand_seed(cfg.seed);
        let mut w = World {
            market,
            billing,
            latency: cfg.launch_latency_secs,
            victims: cfg.victims,
            replace_on: cfg.replace_on,
            record: cfg.record_instances,
            target_spec: cfg.target.clone(),
            split: cfg.ondemand,
            ondemand_table: cfg.ondemand_table.clone(),
            first_hour_refund: cfg.first_hour_refund,
            od_alloc: cfg.ondemand_allocation,
            max_price: caps.per_pool,
            max_price_note: caps.assumption,
            hazard,
            signal,
            rebalance: cfg.capacity_rebalance,
            type_rank,
            now: start.secs(),
            start: start.secs(),
            end: end.secs(),
            q: Queue::with_capacity(4 * n + 64),
            // Stream 0 of the seed's key: victims and capacity-drop leads. Instances use
            // their own streams (1 + id) for hazard and false-recommendation draws, so
            // one instance's sample does not depend on what else happened.
            rng: sample::stream_rng(&key, 0),
            key,
            price: vec![None; n],
            cap: vec![None; n],
            occupying: vec![0; n],
            movable: vec![0; n],
            od_count: vec![0; n],
            price_next: vec![0; n],
            cap_next: vec![0; n],
            active: vec![Vec::new(); n],
            order: PriceOrder::default(),
            changed: Vec::new(),
            occupied: Vec::new(),
            occ_pos: vec![NONE; n],
            insts: Vec::new(),
            live: Vec::new(),
            spot: vec![PoolTally::default(); n],
            od: vec![PoolTally::default(); n],
            target: 0,
            share_targets: [0, 0],
            target_next: 0,
            units: [0, 0],
            alive_units: 0,
            running_units: 0,
            unmet: 0,
            target_secs: 0,
            events: 0,
            records: Vec::new(),
            rebalance_queue: Vec::new(),
            price_changed: false,
            improved: false,
        };
        w.q.push(w.end, Ev::Horizon);
        let s = SimTime(w.start);
        for p in 0..n {
            let pid = PoolId(p as u32);
            let tr = market.price_trace(pid);
            let idx = tr.steps().index_at(s);
            w.price[p] = idx.map(|i| tr.steps().values()[i]);
            w.price_next[p] = idx.map_or(0, |i| i + 1) as u32;
            w.schedule_price(p);
            if let Some(ct) = market.capacity_trace(pid) {
                let idx = ct.index_at(s);
                w.cap[p] = Some(idx.map_or(0, |i| ct.values()[i]));
                w.cap_next[p] = idx.map_or(0, |i| i + 1) as u32;
                w.schedule_cap(p);
            }
        }
        match &cfg.target {
            Target::Constant(n) => w.target = *n,
            Target::Trace(tr) => {
                let idx = tr.index_at(s);
                w.target = idx.map_or(0, |i| tr.values()[i]);
                w.target_next = idx.map_or(0, |i| i + 1);
                w.schedule_target();
            }
        }
        w.split_target();
        Ok(w)
    }

    // ---------------------------------------------------------------- scheduling

    fn schedule_price(&mut self, p: usize) {
        let steps = self.market.price_trace(PoolId(p as u32)).steps();
        if let Some(&t) = steps.times().get(self.price_next[p] as usize) {
            if t <= self.end {
                self.q.push(t, Ev::Price(p as u32));
            }
        }
    }

    /// Schedules the next capacity change of pool `p`: a drop is announced (victims
    /// chosen, rebalance recommendations sent) a notice plus a lead time ahead.
    fn schedule_cap(&mut self, p: usize) {
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

    fn schedule_target(&mut self) {
        if let Target::Trace(tr) = &self.target_spec {
            if let Some(&t) = tr.times().get(self.target_next) {
                if t <= self.end {
                    self.q.push(t, Ev::Target);
                }
            }
        }
    }

    fn lead(signal: &RebalanceSignal, rng: &mut ChaCha8Rng) -> i64 {
        match signal.lead {
            LeadTime::Fixed(s) => s.max(0),
            LeadTime::Exponential(m) if m > 0.0 => sample::exp_secs(rng, m),
            LeadTime::Exponential(_) => 0,
        }
    }

    fn sample_lead_shared(&mut self) -> i64 {
        match &self.signal {
            Some(s) => Self::lead(s, &mut self.rng),
            None => 0,
        }
    }

    // ---------------------------------------------------------------- accounting

    /// Integrates unmet and target capacity from `now` to `t`.
    #[inline]
    pub(super) fn account(&mut self, t: i64) {
        let dt = (t - self.now) as i128;
        let target = self.target as i128;
        self.target_secs += target * dt;
        let short = target - self.running_units as i128;
        if short > 0 {
            self.unmet += short * dt;
        }
    }

    #[inline]
    fn share_target(&self, share: Share) -> u64 {
        self.share_targets[share as usize]
    }

    /// Recomputes the on-demand and spot parts of the target (after it changes).
    fn split_target(&mut self) {
        let od = match &self.ondemand_table {
            Some(t) => t
                .get(self.target as usize)
                .copied()
                .unwrap_or_else(|| self.split.ondemand_units(self.target))
                .min(self.target),
            None => self.split.ondemand_units(self.target),
        };
        self.share_targets = [od as u64, (self.target - od) as u64];
    }

    // ---------------------------------------------------------------- events

    pub(super) fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Horizon => {}
            Ev::Price(p) => self.price_change(p as usize),
            Ev::CapDrop(p) => self.cap_drop(p as usize),
            Ev::CapApply(p) => self.cap_apply(p as usize),
            Ev::Target => {
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
            Ev::Running(i) => self.running(i),
            Ev::Terminate(i) => {
                let inst = self.insts[i as usize];
                if inst.state != St::Ended {
                    self.end_inst(i, inst.doom.unwrap_or(EndReason::Capacity));
                }
            }
            Ev::Notice(i) => self.notice(i),
            Ev::HazardDoom(i) => {
                let inst = self.insts[i as usize];
                if inst.state != St::Ended && inst.doom.is_none() {
                    let t = inst.hazard_at;
                    self.doom(i, EndReason::Hazard, (t - NOTICE_SECS).max(self.now), t);
                }
            }
            Ev::FalseRebalance(i) => {
                let inst = self.insts[i as usize];
                if inst.state != St::Ended && inst.doom.is_none() {
                    if !inst.at_risk {
                        self.recommend(i);
                    } else {
                        // Already at risk: counted, nothing more to do.
                        self.spot[inst.pool as usize].rebalance_recommendations += 1;
                    }
                    // A Poisson process: the next false recommendation, unless the
                    // instance is being replaced because of this one.
                    if self.rebalance == CapacityRebalance::Off {
                        self.next_false_rebalance(i);
                    }
                }
            }
            Ev::PlannedEnd(i) => {
                if self.insts[i as usize].state != St::Ended {
                    self.end_inst(i, EndReason::Rebalance);
                }
            }
        }
    }

    fn price_change(&mut self, p: usize) {
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

    fn cap_drop(&mut self, p: usize) {
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

    fn cap_apply(&mut self, p: usize) {
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

    fn running(&mut self, i: u32) {
        let inst = self.insts[i as usize];
        if inst.state != St::Pending {
            return;
        }
        self.insts[i as usize].state = St::Running;
        self.insts[i as usize].running_from = self.now;
        self.running_units += inst.weight as u64;
        if inst.option == PurchaseOption::Spot {
            self.draw_spot_risks(i);
        }
        // Capacity rebalancing (ASG): the replacement is up, end the at-risk instance
        // (which hands its place in the target to the replacement).
        let old = inst.replaces;
        if old != NONE && self.insts[old as usize].state != St::Ended {
            self.end_inst(old, EndReason::Rebalance);
        }
    }

    /// Draws, from the instance's own random stream, its hazard interruption and its
    /// false rebalance recommendations.
    fn draw_spot_risks(&mut self, i: u32) {
        let rate = self
            .hazard
            .as_ref()
            .map_or(0.0, |h| h[self.insts[i as usize].pool as usize]);
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
                self.insts[i as usize].hazard_at = t;
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
    fn next_false_rebalance(&mut self, i: u32) {
        let fp = self.signal.map_or(0.0, |s| s.false_per_1000_hours / 1000.0);
        if fp <= 0.0 {
            return;
        }
        let k = self.insts[i as usize].false_draws;
        self.insts[i as usize].false_draws += 1;
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
    fn doom(&mut self, id: u32, reason: EndReason, notice_at: i64, end_at: i64) {
        let inst = self.insts[id as usize];
        if inst.state == St::Ended || inst.doom.is_some() {
            return;
        }
        self.insts[id as usize].doom = Some(reason);
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

    fn notice(&mut self, id: u32) {
        let inst = self.insts[id as usize];
        if inst.state == St::Ended || inst.noticed {
            return;
        }
        let i = &mut self.insts[id as usize];
        i.noticed = true;
        i.noticed_at = self.now;
        if self.replace_on == ReplaceOn::Notice && i.counts {
            i.counts = false;
            let (share, w, r) = (i.share as usize, i.weight as u64, i.replaced_by);
            self.units[share] -= w;
            self.improved = true;
            // A rebalancing replacement already on its way takes the place now.
            if r != NONE
                && self.insts[r as usize].state != St::Ended
                && !self.insts[r as usize].counts
            {
                self.insts[r as usize].counts = true;
                self.units[self.insts[r as usize].share as usize] +=
                    self.insts[r as usize].weight as u64;
            }
        }
    }

    /// A rebalance recommendation reaches `id` (aws-facts.md §2.2) and the fleet
    /// reacts (§1.6).
    fn recommend(&mut self, id: u32) {
        let inst = &mut self.insts[id as usize];
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

    fn remove_active(&mut self, id: u32) {
        let inst = self.insts[id as usize];
        let p = inst.pool as usize;
        let list = &mut self.active[p];
        let slot = inst.slot as usize;
        list.swap_remove(slot);
        if let Some(&moved) = list.get(slot) {
            self.insts[moved as usize].slot = slot as u32;
        }
        self.movable[p] -= 1;
        if self.movable[p] == 0 {
            let pos = self.occ_pos[p] as usize;
            self.occupied.swap_remove(pos);
            if let Some(&q) = self.occupied.get(pos) {
                self.occ_pos[q.idx()] = pos as u32;
            }
            self.occ_pos[p] = NONE;
        }
    }

    fn add_active(&mut self, id: u32) {
        let p = self.insts[id as usize].pool as usize;
        self.insts[id as usize].slot = self.active[p].len() as u32;
        self.active[p].push(id);
        if self.movable[p] == 0 {
            self.occ_pos[p] = self.occupied.len() as u32;
            self.occupied.push(PoolId(p as u32));
        }
        self.movable[p] += 1;
    }

    /// Up to `n` of pool `p`'s movable instances: running ones first, in `order`,
    /// then launches still pending, newest first.
    fn pick_victims(&mut self, p: usize, n: usize, order: VictimOrder) -> Vec<u32> {
        let mut running: Vec<u32> = Vec::new();
        let mut pending: Vec<u32> = Vec::new();
        for &id in &self.active[p] {
            if self.insts[id as usize].state == St::Running {
                running.push(id);
            } else {
                pending.push(id);
            }
        }
        let key = |insts: &[Inst], id: u32| (insts[id as usize].running_from, id);
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
            VictimOrder::OldestFirst => running.sort_by_key(|&id| key(&self.insts, id)),
            VictimOrder::NewestFirst => {
                running.sort_by_key(|&id| std::cmp::Reverse(key(&self.insts, id)))
            }
        }
        pending.sort_by_key(|&id| std::cmp::Reverse((self.insts[id as usize].launched, id)));
        running.extend(pending);
        running.truncate(n);
        running
    }

    fn end_inst(&mut self, id: u32, mut reason: EndReason) {
        let inst = self.insts[id as usize];
        debug_assert!(inst.state != St::Ended);
        let p = inst.pool as usize;
        let pid = PoolId(inst.pool);
        let mut charge = Money::ZERO;
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
            self.insts[moved as usize].live_pos = pos as u32;
        }
        // Rebalancing links: the replacement takes over the ended instance's place.
        if inst.replaced_by != NONE {
            let r = inst.replaced_by as usize;
            self.insts[r].replaces = NONE;
            if self.insts[r].state != St::Ended && !self.insts[r].counts {
                self.insts[r].counts = true;
                self.units[self.insts[r].share as usize] += self.insts[r].weight as u64;
            }
        }
        if inst.replaces != NONE {
            let old = inst.replaces;
            self.insts[old as usize].replaced_by = NONE;
            let o = self.insts[old as usize];
            if o.state != St::Ended && o.at_risk && !o.noticed {
                self.rebalance_queue.push(old);
            }
        }
        let tally = match inst.option {
            PurchaseOption::Spot => &mut self.spot[p],
            PurchaseOption::OnDemand => &mut self.od[p],
        };
        if inst.state == St::Running {
            self.running_units -= inst.weight as u64;
            let (a, b) = (SimTime(inst.running_from), SimTime(self.now));
            let rule = self.billing.rule_at(a);
            let od = self.market.pool(pid).instance_type.ondemand;
            // The first-hour refund is EC2's (aws-facts.md §3.2); Fargate Spot has none.
            let who = if reason.by_aws() && self.first_hour_refund {
                EndedBy::Aws
            } else {
                EndedBy::User
            };
            charge = match inst.option {
                PurchaseOption::Spot => rule.spot_charge(self.market.price_trace(pid), a, b, who),
                PurchaseOption::OnDemand => rule.ondemand_charge(od, a, b),
            };
            tally.cost += charge;
            tally.ondemand_baseline += rule.ondemand_charge(od, a, b);
            tally.run_secs += b.since(a);
            if reason.by_aws() {
                tally.interruptions += 1;
                tally.interrupted_age_secs += b.since(a);
            }
        } else if reason.by_aws() {
            reason = EndReason::LaunchFailed;
        }
        match reason {
            EndReason::Capacity => tally.capacity_interruptions += 1,
            EndReason::Hazard => tally.hazard_interruptions += 1,
            EndReason::MaxPrice => tally.max_price_interruptions += 1,
            EndReason::LaunchFailed => tally.failed_launches += 1,
            EndReason::PriceReplacement => tally.price_driven_replacements += 1,
            EndReason::Rebalance => tally.proactive_replacements += 1,
            EndReason::ScaleIn => tally.scale_ins += 1,
            EndReason::Horizon => {}
        }
        self.insts[id as usize].state = St::Ended;
        self.improved = true;
        if self.record {
            self.records.push(InstanceRecord {
                pool: pid,
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
    fn launch(
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
            let id = self.insts.len() as u32;
            self.insts.push(Inst {
                pool: pool.0,
                weight,
                option,
                share,
                state: St::Pending,
                doom: None,
                noticed: false,
                at_risk: false,
                counts: true,
                launched: self.now,
                running_from: 0,
                noticed_at: 0,
                rebalance_at: 0,
                hazard_at: i64::MAX,
                false_draws: 0,
                slot: 0,
                live_pos: self.live.len() as u32,
                replaces,
                replaced_by: NONE,
            });
            self.live.push(id);
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
                self.insts[replaces as usize].replaced_by = id;
                self.insts[id as usize].counts = false;
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

    fn view(&self) -> MarketView<'_> {
        let v = MarketView::new(
            self.market,
            SimTime(self.now),
            &self.price,
            &self.cap,
            &self.occupying,
            &self.order,
        )
        .with_max_price(&self.max_price);
        match &self.hazard {
            Some(h) => v.with_hazard(h),
            None => v,
        }
    }

    pub(super) fn post_batch<S: AllocationStrategy>(
        &mut self,
        strat: &mut S,
        launches: &mut Vec<Launch>,
        moves: &mut Vec<Move>,
    ) {
        for share in [Share::OnDemand, Share::Spot] {
            if self.units[share as usize] > self.share_target(share) {
                self.scale_in(share);
            }
        }
        if self.price_changed && !self.occupied.is_empty() {
            moves.clear();
            {
                let view = self.view();
                let fleet =
                    FleetView::new(&self.movable, &self.occupied).with_ondemand(&self.od_count);
                strat.on_price_change(&self.changed, &view, &fleet, moves);
            }
            for m in moves.iter() {
                self.apply_move(*m);
            }
        }
        // A price change helps a short fleet only if it touched a pool that can take a
        // launch (a strategy may have skipped it at its old price, e.g. diversified
        // above on-demand); otherwise re-asking the strategy is wasted work.
        let short = self.units[0] < self.share_targets[0] || self.units[1] < self.share_targets[1];
        if self.price_changed && !self.improved && short {
            self.improved = self.changed.iter().any(|p| {
                let q = p.idx();
                self.price[q].is_some_and(|v| self.max_price[q].is_none_or(|m| v <= m))
                    && self.cap[q].is_none_or(|c| c > self.occupying[q])
            });
        }
        if self.improved && !self.rebalance_queue.is_empty() {
            self.process_rebalance_queue(strat, launches);
        }
        if self.improved && self.units[0] < self.share_target(Share::OnDemand) {
            self.allocate_ondemand();
        }
        if self.improved && self.units[1] < self.share_target(Share::Spot) {
            let need = (self.share_target(Share::Spot) - self.units[1]).min(u32::MAX as u64) as u32;
            launches.clear();
            {
                let view = self.view();
                let fleet =
                    FleetView::new(&self.movable, &self.occupied).with_ondemand(&self.od_count);
                strat.allocate(need, &view, &fleet, launches);
            }
            for l in launches.iter() {
                self.launch(l.pool, l.count, l.option, Share::Spot, false, NONE);
            }
        }
        self.price_changed = false;
        self.changed.clear();
        self.improved = false;
    }

    /// ASG capacity rebalancing (aws-facts.md §1.6): for each at-risk instance without a
    /// replacement, launch one into a pool with the same or better availability.
    fn process_rebalance_queue<S: AllocationStrategy>(
        &mut self,
        strat: &mut S,
        launches: &mut Vec<Launch>,
    ) {
        let queue = std::mem::take(&mut self.rebalance_queue);
        let mut keep = Vec::new();
        for id in queue {
            let inst = self.insts[id as usize];
            if inst.state == St::Ended
                || inst.noticed
                || inst.replaced_by != NONE
                || keep.contains(&id)
            {
                continue;
            }
            let mask = self.better_or_equal_pools(inst.pool as usize);
            launches.clear();
            {
                let view = self.view().with_mask(&mask);
                let fleet =
                    FleetView::new(&self.movable, &self.occupied).with_ondemand(&self.od_count);
                strat.allocate(inst.weight, &view, &fleet, launches);
            }
            let mut done = false;
            for l in launches.iter() {
                if l.option == PurchaseOption::Spot
                    && mask.get(l.pool.idx()).copied().unwrap_or(false)
                    && self.launch(l.pool, 1, PurchaseOption::Spot, inst.share, true, id) > 0
                {
                    done = true;
                    break;
                }
            }
            if !done {
                keep.push(id);
            }
        }
        self.rebalance_queue.extend(keep);
    }

    /// Pools other than `p` whose availability is at least `p`'s: no higher hazard (when
    /// a hazard model is in force) and no less spare capacity (unlimited counts as the
    /// most).
    fn better_or_equal_pools(&self, p: usize) -> Vec<bool> {
        let spare =
            |q: usize| self.cap[q].map_or(u64::MAX, |c| c.saturating_sub(self.occupying[q]) as u64);
        let (sp, hp) = (spare(p), self.hazard.as_ref().map(|h| h[p]));
        (0..self.price.len())
            .map(|q| {
                q != p
                    && spare(q) >= sp
                    && match (hp, &self.hazard) {
                        (Some(hp), Some(h)) => h[q] <= hp,
                        _ => true,
                    }
            })
            .collect()
    }

    /// The on-demand part of a mixed fleet (aws-facts.md §1.4): one instance at a time,
    /// the cheapest on-demand price per unit (or the first type in priority order), and
    /// within it the zone with the fewest on-demand instances.
    fn allocate_ondemand(&mut self) {
        let target = self.share_target(Share::OnDemand);
        while self.units[0] < target {
            let best = (0..self.price.len())
                .min_by_key(|&q| {
                    let pool = &self.market.pools()[q];
                    let rank = match self.od_alloc {
                        OnDemandAllocation::LowestPrice => {
                            // Price per unit, exact: nano-USD × 720720 / weight.
                            pool.instance_type.ondemand.nano_usd_per_hour() as i128 * 720_720
                                / pool.weight as i128
                        }
                        OnDemandAllocation::Prioritized => self.type_rank[q] as i128,
                    };
                    (rank, self.od_count[q], q)
                })
                .map(|q| PoolId(q as u32));
            let Some(pool) = best else { break };
            if self.launch(
                pool,
                1,
                PurchaseOption::OnDemand,
                Share::OnDemand,
                false,
                NONE,
            ) == 0
            {
                break;
            }
        }
    }

    fn apply_move(&mut self, m: Move) {
        let (from, to) = (m.from.idx(), m.to.idx());
        if from >= self.price.len()
            || to >= self.price.len()
            || from == to
            || self.price[to].is_none()
        {
            return;
        }
        let spare = self.cap[to].map_or(u32::MAX, |c| c.saturating_sub(self.occupying[to]));
        let n = m.count.min(self.movable[from]).min(spare);
        if n == 0 {
            return;
        }
        // Pending launches first (nothing billed yet), then the newest running.
        let victims = self.pick_victims_for_move(from, n as usize);
        let (wf, wt) = (
            self.market.pools()[from].weight,
            self.market.pools()[to].weight,
        );
        let share = victims
            .first()
            .map_or(Share::Spot, |&v| self.insts[v as usize].share);
        for id in victims {
            self.end_inst(id, EndReason::PriceReplacement);
        }
        let relaunch = (n as u64 * wf as u64).div_ceil(wt as u64) as u32;
        self.launch(m.to, relaunch, PurchaseOption::Spot, share, false, NONE);
    }

    fn pick_victims_for_move(&mut self, p: usize, n: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = self.active[p].clone();
        ids.sort_by_key(|&id| {
            let i = &self.insts[id as usize];
            (
                i.state == St::Running,
                std::cmp::Reverse((i.running_from, i.launched, id)),
            )
        });
        ids.truncate(n);
        ids
    }

    /// Ends instances of `share` until it is back at its target: launches still pending
    /// first, then the dearest, newest first (never below the target).
    ///
    /// The candidates are ranked once per call, O(n log n) in live instances (it once
    /// rescanned every live instance for each one it ended: quadratic, 108 s for a
    /// daily peak of 100,000 Fargate tasks). Nothing a removal does changes another
    /// candidate's rank (prices and launch times are fixed at this instant); each is
    /// re-checked before it is ended, in case an ending changed its state.
    fn scale_in(&mut self, share: Share) {
        let target = self.share_target(share);
        if self.units[share as usize] <= target {
            return;
        }
        let eligible = |i: &Inst| i.share == share && i.counts && i.doom.is_none();
        let mut ranked: Vec<(bool, Rate, i64, u32)> = self
            .live
            .iter()
            .copied()
            .filter(|&id| eligible(&self.insts[id as usize]))
            .map(|id| {
                let i = &self.insts[id as usize];
                let price = match i.option {
                    PurchaseOption::Spot => self.price[i.pool as usize].unwrap_or(Rate::ZERO),
                    PurchaseOption::OnDemand => {
                        self.market.pools()[i.pool as usize].instance_type.ondemand
                    }
                };
                (i.state == St::Pending, price, i.launched, id)
            })
            .collect();
        // Highest key first: the order the repeated maximum used to pick in.
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        for (_, _, _, id) in ranked {
            if self.units[share as usize] <= target {
                break;
            }
            let i = &self.insts[id as usize];
            if i.state == St::Ended || !eligible(i) {
                continue;
            }
            let w = i.weight as u64;
            if self.units[share as usize] - w < target {
                break;
            }
            self.end_inst(id, EndReason::ScaleIn);
        }
    }

    pub(super) fn end_all(&mut self) {
        while let Some(&id) = self.live.last() {
            self.end_inst(id, EndReason::Horizon);
        }
    }

    fn assumptions(&self) -> Vec<String> {
        let mut a = vec![
            format!(
                "launch latency {} s: a launch counts against capacity at once and runs (and is billed) {} s later",
                self.latency, self.latency
            ),
            format!(
                "capacity drops reclaim the excess at the change time, with the 2-minute notice {} s earlier (aws-facts.md §2.1); victims: {}, running before pending",
                NOTICE_SECS, self.victims
            ),
            format!("interrupted instances are replaced on {}", self.replace_on),
            "a pool with a capacity trace has capacity 0 before its first point; without one, unlimited".to_string(),
            "billing (aws-facts.md §3): per second with a 60 s minimum (hourly for SUSE, and for RHEL before 2024-04-01, Windows before 2021-06-11, Linux before 2017-10-02, decided at the instance's start); a spot instance EC2 interrupts within its first running hour is free".to_string(),
        ];
        if self.split != OnDemandSplit::default() {
            a.push(format!(
                "mixed fleet (aws-facts.md §1.5): on-demand = min(target, {}) + ceil(max(0, target − {}) × {} / 100), the rest spot; on-demand types by {}; on-demand capacity is unlimited",
                self.split.base,
                self.split.base,
                self.split.above_base_pct,
                match self.od_alloc {
                    OnDemandAllocation::LowestPrice => "lowest price per unit",
                    OnDemandAllocation::Prioritized => "the order of the instance types",
                }
            ));
        }
        a.push(self.max_price_note.clone());
        if let Some(s) = &self.signal {
            a.push(format!(
                "rebalance recommendations (aws-facts.md §2.2) precede each capacity or hazard interruption's notice by {}; false ones arrive at {} per 1000 instance-hours",
                match s.lead {
                    LeadTime::Fixed(x) => format!("{x} s"),
                    LeadTime::Exponential(m) => format!("an exponential lead with mean {m} s"),
                },
                s.false_per_1000_hours
            ));
        }
        match self.rebalance {
            CapacityRebalance::Off => {}
            CapacityRebalance::Asg => a.push("capacity rebalancing, ASG style (aws-facts.md §1.6): on a recommendation, a replacement goes to a pool with the same or better availability (no higher hazard, no less spare capacity, never the at-risk pool) and the at-risk instance is ended when the replacement runs".to_string()),
            CapacityRebalance::LaunchBeforeTerminate { termination_delay_secs } => a.push(format!(
                "capacity rebalancing, EC2 Fleet launch-before-terminate (aws-facts.md §1.6): an at-risk instance stops counting toward the target and is ended {termination_delay_secs} s after its recommendation; replacements stop at twice the target"
            )),
        }
        a
    }

    pub(super) fn finish(
        self,
        strategy: String,
        extra: Vec<String>,
        hazard_notes: &[String],
    ) -> Outcome {
        let mut assumptions = self.assumptions();
        assumptions.extend(hazard_notes.iter().cloned());
        assumptions.extend(extra);
        Outcome {
            strategy,
            start: SimTime(self.start),
            end: SimTime(self.end),
            spot: self.spot,
            ondemand: self.od,
            unmet_unit_secs: self.unmet,
            target_unit_secs: self.target_secs,
            events: self.events,
            instances: self.records,
            assumptions,
        }
    }
}
