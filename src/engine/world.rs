//! The simulation state, its construction and the one place events are dispatched
//! (see the module docs of `engine` for the rules).
//!
//! The state's behaviour is split by concept (DESIGN.md's suggested split, with the
//! strategy consultation in a file of its own):
//!
//! | file | owns |
//! |---|---|
//! | `world.rs` | the state, its construction, event dispatch ([`World::handle`]), the market view, the outcome |
//! | `market_events.rs` | the price, capacity and target cursors: scheduling their next change and applying it |
//! | `fleet.rs` | the instance state machine (launch → running → notice → ended) and the per-pool instance lists |
//! | `decisions.rs` | consulting the strategy once per instant: scale-in, price-driven moves, rebalancing, launches |
//! | `accounting.rs` | the target's split, the unmet/target integrals and billing an ended instance |

use rand_chacha::ChaCha8Rng;

use super::config::{
    CapacityRebalance, FleetConfig, LeadTime, NOTICE_SECS, OnDemandAllocation, OnDemandSplit,
    RebalanceSignal, ReplaceOn, Target, VictimOrder,
};
use super::fleet::{Inst, NONE};
use super::market_events::{PriceCursor, WARM_BATCH, WARM_MIN_POOLS};
use super::outcome::{InstanceRecord, Outcome, PoolTally};
use super::price_wheel::{MAX_OFFSET, MAX_POOL};
use super::queue::{Ev, Queue};
use crate::error::ConfigError;
use crate::market::{Market, MarketView, PoolId, PriceOrder};
use crate::money::Rate;
use crate::pricing::billing::ProductBilling;
use crate::sample;
use crate::strategy::UnitPrice;
use crate::telemetry::{InstanceEvent, InstanceEventKind, Observer};
use crate::time::SimTime;

pub(super) struct World<'m> {
    pub(super) market: &'m Market,
    pub(super) billing: ProductBilling,
    pub(super) latency: i64,
    pub(super) victims: VictimOrder,
    pub(super) replace_on: ReplaceOn,
    pub(super) record: bool,
    pub(super) target_spec: Target,
    pub(super) split: OnDemandSplit,
    pub(super) ondemand_table: Option<Vec<u32>>,
    pub(super) first_hour_refund: bool,
    pub(super) od_alloc: OnDemandAllocation,
    pub(super) max_price: Vec<Option<Rate>>,
    /// The max-price assumption line (how each pool's cap was resolved).
    pub(super) max_price_note: String,
    pub(super) hazard: Option<Vec<f64>>,
    pub(super) signal: Option<RebalanceSignal>,
    pub(super) rebalance: CapacityRebalance,
    pub(super) type_rank: Vec<u32>,

    pub(super) now: i64,
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) q: Queue,
    pub(super) rng: ChaCha8Rng,
    pub(super) key: [u8; 32],

    pub(super) price: Vec<Option<Rate>>,
    pub(super) cap: Vec<Option<u32>>,
    /// Spot instances counting against each pool's capacity (alive, doomed or not).
    pub(super) occupying: Vec<u32>,
    /// Movable spot instances per pool (= `active[p].len()`).
    pub(super) movable: Vec<u32>,
    /// Alive on-demand instances per pool.
    pub(super) od_count: Vec<u32>,
    /// Per pool: where its price trace stands (`market_events.rs`).
    pub(super) cursors: Vec<PriceCursor<'m>>,
    /// How many of the coming price events have their pools' lines loaded
    /// (`World::warm`; an estimate: it counts down by one per price event).
    pub(super) warmed: u32,
    /// `World::warm` runs when `warmed` falls below this: [`WARM_BATCH`], or 0 (never)
    /// with at most [`WARM_MIN_POOLS`] pools.
    pub(super) warm_floor: u32,
    pub(super) cap_next: Vec<u32>,
    pub(super) active: Vec<Vec<u32>>,
    pub(super) order: PriceOrder,
    pub(super) changed: Vec<PoolId>,
    pub(super) occupied: Vec<PoolId>,
    pub(super) occ_pos: Vec<u32>,

    /// Instance state by slot; slot `ENDED_SLOT` holds the ended placeholder
    /// (`World::slot`).
    pub(super) insts: Vec<Inst>,
    /// The slot of each instance id (ids count launches); `ENDED_SLOT` once ended.
    pub(super) slot_of: Vec<u32>,
    /// Slots of ended instances, reused by the next launches.
    pub(super) free: Vec<u32>,
    pub(super) live: Vec<u32>,
    pub(super) spot: Vec<PoolTally>,
    pub(super) od: Vec<PoolTally>,

    pub(super) target: u32,
    /// The target's on-demand and spot parts (index = `Share`).
    pub(super) share_targets: [u64; 2],
    pub(super) target_next: usize,
    /// Units counting toward each share of the target.
    pub(super) units: [u64; 2],
    /// Units of every alive instance (for launch-before-terminate's 2× ceiling).
    pub(super) alive_units: u64,
    pub(super) running_units: u64,
    pub(super) unmet: i128,
    pub(super) target_secs: i128,
    pub(super) events: u64,
    pub(super) records: Vec<InstanceRecord>,
    pub(super) rebalance_queue: Vec<u32>,

    pub(super) price_changed: bool,
    /// The dearest spot price per unit among the `occupied` pools, once computed
    /// (`None`: not known); forgotten whenever `occupied` changes or one of its pools'
    /// price does (see `World::moves_possible`). Read for
    /// [`PriceTrigger::HeldOrCheaper`](crate::strategy::PriceTrigger::HeldOrCheaper).
    pub(super) dearest_held: Option<UnitPrice>,
    pub(super) improved: bool,
    /// Telemetry, if any (one branch per event without).
    pub(super) obs: Option<&'m mut dyn Observer>,
}

impl<'m> World<'m> {
    /// The world at the start of `cfg`'s horizon, every pool's first change scheduled
    /// (its price changes only when `spot_prices`: see `Simulation::without_spot_prices`).
    pub(super) fn new(
        market: &'m Market,
        cfg: &FleetConfig,
        spot_prices: bool,
    ) -> Result<Self, ConfigError> {
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
        if end.secs() - start.secs() > MAX_OFFSET {
            return Err(ConfigError::new(
                "end",
                format!(
                    "the horizon {start} → {end} is longer than 2^40 seconds (about 34,800 years)"
                ),
            ));
        }
        if market.pools().len() > MAX_POOL as usize + 1 {
            return Err(ConfigError::new(
                "pools",
                format!(
                    "{} pools: at most {} are supported",
                    market.pools().len(),
                    MAX_POOL as usize + 1
                ),
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
            && !(120..=7200).contains(&d)
        {
            return Err(ConfigError::new(
                "termination-delay",
                format!("{d} s: EC2 Fleet accepts 120 to 7200 seconds (aws-facts.md §1.6)"),
            ));
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
            q: Queue::new(start.secs(), n, 2 * n + 64),
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
            cursors: Vec::with_capacity(n),
            warmed: 0,
            warm_floor: if n > WARM_MIN_POOLS { WARM_BATCH } else { 0 },
            cap_next: vec![0; n],
            active: vec![Vec::new(); n],
            order: PriceOrder::default(),
            changed: Vec::new(),
            occupied: Vec::new(),
            occ_pos: vec![NONE; n],
            insts: vec![Inst::ENDED],
            slot_of: Vec::new(),
            free: Vec::new(),
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
            dearest_held: None,
            improved: false,
            obs: None,
        };
        w.q.push(w.end, Ev::Horizon);
        let s = SimTime(w.start);
        for p in 0..n {
            let pid = PoolId(p as u32);
            let tr = market.price_trace(pid);
            let idx = tr.steps().index_at(s);
            w.price[p] = idx.map(|i| tr.steps().values()[i]);
            let (cursor, t) =
                PriceCursor::new(tr.steps(), idx.map_or(0, |i| i + 1), w.max_price[p]);
            w.cursors.push(cursor);
            if spot_prices && t <= w.end {
                w.q.set_price(p as u32, t);
            }
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

    /// Attaches an observer: tells it the horizon, the prices and the target in force
    /// at the start.
    pub(super) fn attach(&mut self, obs: &'m mut dyn Observer) {
        let s = SimTime(self.start);
        obs.begin(self.market, s, SimTime(self.end));
        for (p, v) in self.price.iter().enumerate() {
            if let Some(v) = v {
                obs.price(s, PoolId(p as u32), *v);
            }
        }
        obs.desired(s, self.target);
        self.obs = Some(obs);
    }

    /// Time moves to `t` (telemetry closes the periods before it).
    #[inline]
    pub(super) fn observe_advance(&mut self, t: i64) {
        if let Some(o) = self.obs.as_mut() {
            o.advance(SimTime(t));
        }
    }

    /// The horizon ended.
    pub(super) fn observe_end(&mut self) {
        if let Some(o) = self.obs.as_mut() {
            o.end(SimTime(self.end));
        }
    }

    /// Tells the observer, if any, that `kind` happened to instance `id` now.
    #[inline]
    pub(super) fn observe(&mut self, id: u32, kind: InstanceEventKind) {
        if let Some(o) = self.obs.as_mut() {
            let i = &self.insts[self.slot_of[id as usize] as usize];
            o.instance(&InstanceEvent {
                at: SimTime(self.now),
                id,
                pool: PoolId(i.pool),
                option: i.option,
                weight: i.weight,
                kind,
            });
        }
    }

    /// Applies one event (the clock is already at its time). Every event kind has one
    /// handler; this match is the single place events enter the state.
    pub(super) fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Horizon => {}
            Ev::Price(p) => self.price_change(p as usize),
            Ev::CapDrop(p) => self.cap_drop(p as usize),
            Ev::CapApply(p) => self.cap_apply(p as usize),
            Ev::Target => self.target_change(),
            Ev::Running(i) => self.running(i),
            Ev::Terminate(i) => self.terminate(i),
            Ev::Notice(i) => self.notice(i),
            Ev::HazardDoom(i) => self.hazard_doom(i),
            Ev::FalseRebalance(i) => self.false_rebalance(i),
            Ev::PlannedEnd(i) => self.planned_end(i),
        }
    }

    pub(super) fn view(&self) -> MarketView<'_> {
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

    pub(super) fn assumptions(&self) -> Vec<String> {
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
