//! The discrete-event core: event queue, clock and the fleet's instance state machine
//! (launching → running → noticed → ended).
//!
//! # Semantics (each is tested in `tests/engine.rs`)
//!
//! * **Fleet.** The fleet maintains the target (capacity units; instances when pool
//!   weights are 1). Whenever it holds fewer units than the target and something
//!   changed that could help (an instance ended, capacity rose, a price appeared or
//!   changed, the target rose), it asks the strategy where to launch. A launch counts
//!   against the pool's capacity at once and starts running `launch_latency_secs`
//!   later; only running instances count toward the target when unmet capacity is
//!   measured, and billing starts when the instance runs.
//! * **Launchable pools.** A pool without a price yet, or with no spare capacity, is
//!   never launched into (the engine clamps any decision that tries). A pool without a
//!   capacity trace has unlimited capacity; a pool with one has capacity 0 before the
//!   trace's first point (no data is not taken as plenty).
//! * **Capacity drops.** A capacity change recorded at `T` that leaves the fleet holding
//!   more than the new limit reclaims the excess at `T` (aws-facts.md §1.7: interruptions
//!   are capacity events). Their 2-minute notice (§2.1) is delivered at `T − 120 s`
//!   (or at the previous change point, if that is later: a shorter notice, counted as
//!   `short_notices`). Which instances: [`VictimOrder`] (seeded random by default);
//!   running instances are reclaimed before launches still pending, which fail.
//!   Replacements launch when the victims end ([`ReplaceOn::Termination`], the
//!   EC2 Fleet/ASG behaviour) or when the notice arrives ([`ReplaceOn::Notice`]).
//! * **Price changes** end nothing, except through the strategy's
//!   [`AllocationStrategy::on_price_change`] (lowest-price's price-driven replacement),
//!   whose ends are voluntary and counted apart from interruptions.
//! * **Scale-in.** When the target falls, the fleet ends launches still pending first,
//!   then running instances in the most expensive pools, newest first (voluntary).
//! * **Billing** follows `pricing::billing` (§3): per second with a 60 s minimum, the
//!   first-hour rule when EC2 interrupts, hourly products where they apply.
//! * **Determinism.** Events at the same second are processed in scheduling order; all
//!   changes of one second are applied before the strategy is consulted once for that
//!   second. Randomness comes from one ChaCha8 generator seeded from `seed` (ChaCha8's
//!   output is stable across platforms and rand_chacha versions), so the same inputs and
//!   seed give the same outcome, bit for bit.

mod config;
mod outcome;
mod queue;

pub use config::{
    DEFAULT_LAUNCH_LATENCY_SECS, FleetConfig, NOTICE_SECS, ReplaceOn, Target, VictimOrder,
};
pub use outcome::{EndReason, InstanceRecord, Outcome, PoolTally, PurchaseOption};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::ConfigError;
use crate::market::{Market, MarketView, PoolId, PriceOrder};
use crate::money::Rate;
use crate::pricing::EndedBy;
use crate::pricing::billing::ProductBilling;
use crate::strategy::{AllocationStrategy, FleetView, Launch, Move};
use crate::time::SimTime;
use queue::{Ev, Queue};

/// One simulation: a market, a fleet configuration and a strategy.
///
/// Generic over the strategy for speed; `Box<dyn AllocationStrategy>` works too.
///
/// ```
/// use spotsim::engine::{FleetConfig, Simulation, Target};
/// use spotsim::strategy::LowestPrice;
/// let market = spotsim::synth::default_market(7);
/// let mut cfg = FleetConfig::new(Target::Constant(10));
/// cfg.seed = 7;
/// let out = Simulation::new(&market, cfg, LowestPrice::default()).run().unwrap();
/// assert!(out.spot.iter().map(|t| t.run_secs).sum::<i64>() > 0);
/// ```
pub struct Simulation<'m, S> {
    market: &'m Market,
    cfg: FleetConfig,
    strategy: S,
}

impl<'m, S: AllocationStrategy> Simulation<'m, S> {
    /// A simulation of `strategy` on `market`.
    pub fn new(market: &'m Market, cfg: FleetConfig, strategy: S) -> Self {
        Simulation {
            market,
            cfg,
            strategy,
        }
    }

    /// Runs to the end of the horizon.
    ///
    /// # Errors
    /// [`ConfigError`] for an impossible configuration: an empty market, start ≥ end,
    /// a negative launch latency, an unknown product description.
    pub fn run(self) -> Result<Outcome, ConfigError> {
        self.run_with_progress(&mut |_, _| {})
    }

    /// Like [`Simulation::run`], calling `progress(now, end)` every 65,536 events.
    ///
    /// # Errors
    /// See [`Simulation::run`].
    pub fn run_with_progress(
        mut self,
        progress: &mut dyn FnMut(SimTime, SimTime),
    ) -> Result<Outcome, ConfigError> {
        let mut w = World::new(self.market, &self.cfg)?;
        let mut launches = Vec::new();
        let mut moves = Vec::new();
        w.improved = true;
        w.post_batch(&mut self.strategy, &mut launches, &mut moves);
        while let Some(t) = w.q.peek_time() {
            if t != w.now {
                w.account(t);
                w.now = t;
            }
            let Some((_, ev)) = w.q.pop() else { break };
            w.events += 1;
            if w.events & 0xFFFF == 0 {
                progress(SimTime(w.now), SimTime(w.end));
            }
            if ev == Ev::Horizon {
                w.end_all();
                break;
            }
            w.handle(ev);
            if w.q.peek_time() != Some(w.now) {
                w.post_batch(&mut self.strategy, &mut launches, &mut moves);
            }
        }
        progress(SimTime(w.end), SimTime(w.end));
        let mut assumptions = w.assumptions();
        assumptions.extend(self.strategy.assumptions());
        Ok(w.finish(self.strategy.name().to_string(), assumptions))
    }
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
    state: St,
    noticed: bool,
    launched: i64,
    running_from: i64,
    noticed_at: i64,
    /// Position in its pool's `active` list while movable.
    slot: u32,
}

struct World<'m> {
    market: &'m Market,
    billing: ProductBilling,
    latency: i64,
    victims: VictimOrder,
    replace_on: ReplaceOn,
    record: bool,
    target_spec: Target,

    now: i64,
    start: i64,
    end: i64,
    q: Queue,
    rng: ChaCha8Rng,

    price: Vec<Option<Rate>>,
    cap: Vec<Option<u32>>,
    /// Spot instances counting against each pool's capacity (movable + noticed).
    occupying: Vec<u32>,
    /// Movable spot instances per pool (= `active[p].len()`).
    movable: Vec<u32>,
    price_next: Vec<u32>,
    cap_next: Vec<u32>,
    active: Vec<Vec<u32>>,
    /// Priced pools by `(price, id)`, sorted on demand.
    order: PriceOrder,
    /// Pools whose price changed in the current instant.
    changed: Vec<PoolId>,
    occupied: Vec<PoolId>,
    occ_pos: Vec<u32>,

    insts: Vec<Inst>,
    spot: Vec<PoolTally>,
    od: Vec<PoolTally>,

    target: u32,
    target_next: usize,
    fleet_units: u64,
    running_units: u64,
    unmet: i128,
    target_secs: i128,
    events: u64,
    records: Vec<InstanceRecord>,

    price_changed: bool,
    improved: bool,
}

const NONE: u32 = u32::MAX;

impl<'m> World<'m> {
    fn new(market: &'m Market, cfg: &FleetConfig) -> Result<Self, ConfigError> {
        let billing = ProductBilling::new(market.product())?;
        let span = market.span();
        let start = match (cfg.start, span) {
            (Some(s), _) => s,
            (None, Some((s, _))) => s,
            (None, None) => {
                return Err(ConfigError::new(
                    "start",
                    "the traces hold no change points; give a start and an end",
                ));
            }
        };
        let end = match (cfg.end, span) {
            (Some(e), _) => e,
            (None, Some((_, e))) => e,
            (None, None) => return Err(ConfigError::new("end", "the traces hold no change points")),
        };
        if start >= end {
            return Err(ConfigError::new(
                "start",
                format!("start {start} must be before end {end}"),
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
        let n = market.pools().len();
        let mut w = World {
            market,
            billing,
            latency: cfg.launch_latency_secs,
            victims: cfg.victims,
            replace_on: cfg.replace_on,
            record: cfg.record_instances,
            target_spec: cfg.target.clone(),
            now: start.secs(),
            start: start.secs(),
            end: end.secs(),
            q: Queue::with_capacity(4 * n + 64),
            rng: ChaCha8Rng::seed_from_u64(cfg.seed),
            price: vec![None; n],
            cap: vec![None; n],
            occupying: vec![0; n],
            movable: vec![0; n],
            price_next: vec![0; n],
            cap_next: vec![0; n],
            active: vec![Vec::new(); n],
            order: PriceOrder::default(),
            changed: Vec::new(),
            occupied: Vec::new(),
            occ_pos: vec![NONE; n],
            insts: Vec::new(),
            spot: vec![PoolTally::default(); n],
            od: vec![PoolTally::default(); n],
            target: 0,
            target_next: 0,
            fleet_units: 0,
            running_units: 0,
            unmet: 0,
            target_secs: 0,
            events: 0,
            records: Vec::new(),
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
        Ok(w)
    }

    fn schedule_price(&mut self, p: usize) {
        let steps = self.market.price_trace(PoolId(p as u32)).steps();
        if let Some(&t) = steps.times().get(self.price_next[p] as usize) {
            if t <= self.end {
                self.q.push(t, Ev::Price(p as u32));
            }
        }
    }

    fn schedule_cap(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else { return };
        let k = self.cap_next[p] as usize;
        let (Some(&t), Some(&v)) = (ct.times().get(k), ct.values().get(k)) else { return };
        if t > self.end {
            return;
        }
        if v < self.cap[p].unwrap_or(0) {
            self.q.push((t - NOTICE_SECS).max(self.now), Ev::CapNotice(p as u32));
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

    /// Integrates unmet and target capacity from `now` to `t`.
    #[inline]
    fn account(&mut self, t: i64) {
        let dt = (t - self.now) as i128;
        let target = self.target as i128;
        self.target_secs += target * dt;
        let short = target - self.running_units as i128;
        if short > 0 {
            self.unmet += short * dt;
        }
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Horizon => {}
            Ev::Price(p) => {
                let p = p as usize;
                let steps = self.market.price_trace(PoolId(p as u32)).steps();
                let v = steps.values()[self.price_next[p] as usize];
                let old = self.price[p].replace(v);
                if old != Some(v) {
                    self.price_changed = true;
                    self.order.reset();
                    self.changed.push(PoolId(p as u32));
                }
                self.price_next[p] += 1;
                self.schedule_price(p);
            }
            Ev::CapNotice(p) => self.cap_notice(p as usize),
            Ev::CapApply(p) => self.cap_apply(p as usize),
            Ev::Target => {
                if let Target::Trace(tr) = &self.target_spec {
                    let v = tr.values()[self.target_next];
                    if v > self.target {
                        self.improved = true;
                    }
                    self.target = v;
                    self.target_next += 1;
                    self.schedule_target();
                }
            }
            Ev::Running(i) => {
                let inst = &mut self.insts[i as usize];
                if inst.state == St::Pending {
                    inst.state = St::Running;
                    inst.running_from = self.now;
                    self.running_units += inst.weight as u64;
                }
            }
            Ev::Terminate(i) => {
                if self.insts[i as usize].state != St::Ended {
                    self.end_inst(i, EndReason::Capacity);
                }
            }
        }
    }

    fn cap_notice(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else { return };
        let k = self.cap_next[p] as usize;
        let (t, v) = (ct.times()[k], ct.values()[k]);
        let excess = self.movable[p].saturating_sub(v);
        if excess > 0 {
            let victims = self.pick_victims(p, excess as usize, self.victims);
            for id in victims {
                self.notice(id, t);
            }
        }
        self.q.push(t, Ev::CapApply(p as u32));
    }

    fn cap_apply(&mut self, p: usize) {
        let Some(ct) = self.market.capacity_trace(PoolId(p as u32)) else { return };
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
            let victims = self.pick_victims(p, excess as usize, self.victims);
            for id in victims {
                self.spot[p].short_notices += 1;
                self.mark_noticed(id);
                self.end_inst(id, EndReason::Capacity);
            }
        }
        self.schedule_cap(p);
    }

    /// Sends the interruption notice to `id`; EC2 terminates it at `at`.
    fn notice(&mut self, id: u32, at: i64) {
        if at - self.now < NOTICE_SECS {
            self.spot[self.insts[id as usize].pool as usize].short_notices += 1;
        }
        self.mark_noticed(id);
        self.q.push(at, Ev::Terminate(id));
    }

    fn mark_noticed(&mut self, id: u32) {
        let inst = self.insts[id as usize];
        debug_assert!(!inst.noticed && inst.state != St::Ended);
        self.remove_active(id);
        let inst = &mut self.insts[id as usize];
        inst.noticed = true;
        inst.noticed_at = self.now;
        if self.replace_on == ReplaceOn::Notice {
            self.fleet_units -= inst.weight as u64;
            self.improved = true;
        }
    }

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
        let mut charge = crate::money::Money::ZERO;
        let counts = !inst.noticed || self.replace_on == ReplaceOn::Termination;
        if counts {
            self.fleet_units -= inst.weight as u64;
        }
        if inst.option == PurchaseOption::Spot {
            if inst.noticed {
                self.occupying[p] -= 1;
            } else {
                self.remove_active(id);
                self.occupying[p] -= 1;
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
            let who = if reason.by_aws() { EndedBy::Aws } else { EndedBy::User };
            charge = match inst.option {
                PurchaseOption::Spot => rule.spot_charge(self.market.price_trace(pid), a, b, who),
                PurchaseOption::OnDemand => rule.ondemand_charge(od, a, b),
            };
            tally.cost += charge;
            tally.ondemand_baseline += rule.ondemand_charge(od, a, b);
            tally.run_secs += b.since(a);
            match reason {
                EndReason::Capacity => {
                    tally.interruptions += 1;
                    tally.interrupted_age_secs += b.since(a);
                }
                EndReason::PriceReplacement => tally.price_driven_replacements += 1,
                _ => {}
            }
        } else {
            match reason {
                EndReason::Capacity | EndReason::LaunchFailed => {
                    reason = EndReason::LaunchFailed;
                    tally.failed_launches += 1;
                }
                EndReason::PriceReplacement => tally.price_driven_replacements += 1,
                _ => {}
            }
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
                ended_at: SimTime(self.now),
                reason,
                charge,
            });
        }
    }

    /// Launches up to `count` instances into `pool`, stopping once the fleet reaches its
    /// target; spot launches are clamped to a priced pool's spare capacity. Returns the
    /// number launched.
    fn launch(&mut self, pool: PoolId, count: u32, option: PurchaseOption) -> u32 {
        let p = pool.idx();
        if p >= self.price.len() {
            return 0;
        }
        let mut n = count;
        if option == PurchaseOption::Spot {
            if self.price[p].is_none() {
                return 0;
            }
            if let Some(c) = self.cap[p] {
                n = n.min(c.saturating_sub(self.occupying[p]));
            }
        }
        let weight = self.market.pool(pool).weight;
        let mut done = 0;
        while done < n && self.fleet_units < self.target as u64 {
            let id = self.insts.len() as u32;
            self.insts.push(Inst {
                pool: pool.0,
                weight,
                option,
                state: St::Pending,
                noticed: false,
                launched: self.now,
                running_from: 0,
                noticed_at: 0,
                slot: 0,
            });
            if option == PurchaseOption::Spot {
                self.add_active(id);
                self.occupying[p] += 1;
            }
            self.fleet_units += weight as u64;
            match option {
                PurchaseOption::Spot => self.spot[p].launches += 1,
                PurchaseOption::OnDemand => self.od[p].launches += 1,
            }
            self.q.push(self.now + self.latency, Ev::Running(id));
            done += 1;
        }
        done
    }

    fn post_batch<S: AllocationStrategy>(
        &mut self,
        strat: &mut S,
        launches: &mut Vec<Launch>,
        moves: &mut Vec<Move>,
    ) {
        if self.fleet_units > self.target as u64 {
            self.scale_in();
        }
        if self.price_changed && !self.occupied.is_empty() {
            moves.clear();
            {
                let view = MarketView::new(
                    self.market,
                    SimTime(self.now),
                    &self.price,
                    &self.cap,
                    &self.occupying,
                    &self.order,
                );
                let fleet = FleetView::new(&self.movable, &self.occupied);
                strat.on_price_change(&self.changed, &view, &fleet, moves);
            }
            for m in moves.iter() {
                self.apply_move(*m);
            }
        }
        if self.price_changed {
            self.improved = true;
        }
        if self.improved && self.fleet_units < self.target as u64 {
            let need = (self.target as u64 - self.fleet_units).min(u32::MAX as u64) as u32;
            launches.clear();
            {
                let view = MarketView::new(
                    self.market,
                    SimTime(self.now),
                    &self.price,
                    &self.cap,
                    &self.occupying,
                    &self.order,
                );
                let fleet = FleetView::new(&self.movable, &self.occupied);
                strat.allocate(need, &view, &fleet, launches);
            }
            for l in launches.iter() {
                self.launch(l.pool, l.count, PurchaseOption::Spot);
            }
        }
        self.price_changed = false;
        self.changed.clear();
        self.improved = false;
    }

    fn apply_move(&mut self, m: Move) {
        let (from, to) = (m.from.idx(), m.to.idx());
        if from >= self.price.len() || to >= self.price.len() || from == to || self.price[to].is_none() {
            return;
        }
        let spare = self.cap[to].map_or(u32::MAX, |c| c.saturating_sub(self.occupying[to]));
        let n = m.count.min(self.movable[from]).min(spare);
        if n == 0 {
            return;
        }
        // Pending launches first (nothing billed yet), then the newest running.
        let victims = self.pick_victims_for_move(from, n as usize);
        let (wf, wt) = (self.market.pools()[from].weight, self.market.pools()[to].weight);
        for id in victims {
            self.end_inst(id, EndReason::PriceReplacement);
        }
        let relaunch = (n as u64 * wf as u64).div_ceil(wt as u64) as u32;
        self.launch(m.to, relaunch, PurchaseOption::Spot);
    }

    fn pick_victims_for_move(&mut self, p: usize, n: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = self.active[p].clone();
        ids.sort_by_key(|&id| {
            let i = &self.insts[id as usize];
            (i.state == St::Running, std::cmp::Reverse((i.running_from, i.launched, id)))
        });
        ids.truncate(n);
        ids
    }

    fn scale_in(&mut self) {
        while self.fleet_units > self.target as u64 {
            // Candidates: every live instance that counts toward the fleet.
            let pick = (0..self.insts.len() as u32)
                .filter(|&id| {
                    let i = &self.insts[id as usize];
                    i.state != St::Ended && (!i.noticed || self.replace_on == ReplaceOn::Termination)
                })
                .max_by_key(|&id| {
                    let i = &self.insts[id as usize];
                    let price = match i.option {
                        PurchaseOption::Spot => self.price[i.pool as usize].unwrap_or(Rate::ZERO),
                        PurchaseOption::OnDemand => self.market.pools()[i.pool as usize].instance_type.ondemand,
                    };
                    (i.state == St::Pending, price, i.launched, id)
                });
            let Some(id) = pick else { break };
            let w = self.insts[id as usize].weight as u64;
            if self.fleet_units - w < self.target as u64 && self.fleet_units < self.target as u64 + w {
                // Ending it would drop below target: keep the small overshoot.
                if self.fleet_units - w < self.target as u64 {
                    break;
                }
            }
            self.end_inst(id, EndReason::ScaleIn);
        }
    }

    fn end_all(&mut self) {
        for id in 0..self.insts.len() as u32 {
            if self.insts[id as usize].state != St::Ended {
                self.end_inst(id, EndReason::Horizon);
            }
        }
    }

    fn assumptions(&self) -> Vec<String> {
        vec![
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
        ]
    }

    fn finish(self, strategy: String, assumptions: Vec<String>) -> Outcome {
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
