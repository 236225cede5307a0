//! The decision step: once per instant, after every change of that second is applied,
//! the fleet scales in, asks the strategy for price-driven moves, serves capacity
//! rebalancing, fills the on-demand part and asks the strategy where to launch.

use super::config::OnDemandAllocation;
use super::fleet::{Inst, NONE, Share, St};
use super::outcome::{EndReason, PurchaseOption};
use super::world::World;
use crate::market::PoolId;
use crate::money::Rate;
use crate::strategy::{
    AllocationStrategy, FleetView, Launch, Move, PriceTrigger, UnitPrice, dearest_held,
    held_or_cheaper,
};
use crate::time::SimTime;

impl World<'_> {
    /// The decision step, once per instant. Inlined into the event loop: on most
    /// instants of a replay (a price changed, the fleet is at its target) it only
    /// checks and resets a few fields, and the rarer work — scale-in, the launches of
    /// a short fleet — is in functions of its own, so this part needs no call frame.
    #[inline(always)]
    pub(super) fn post_batch<S: AllocationStrategy>(
        &mut self,
        strat: &mut S,
        launches: &mut Vec<Launch>,
        moves: &mut Vec<Move>,
    ) {
        if self.units[0] > self.share_targets[0] || self.units[1] > self.share_targets[1] {
            self.scale_in_both();
        }
        if self.price_changed && !self.occupied.is_empty() && self.moves_possible(strat) {
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
        let short = self.units[0] < self.share_targets[0] || self.units[1] < self.share_targets[1];
        if self.price_changed && !self.improved && short {
            self.improved = self.improves_a_short_fleet();
        }
        if self.improved {
            self.fill(strat, launches);
        }
        self.price_changed = false;
        self.changed.clear();
        self.improved = false;
    }

    /// Whether this instant's price changes can make the strategy move instances
    /// ([`PriceTrigger`]). A strategy may answer differently from one instant to the
    /// next, so the other answers forget the cached dearest price (this instant's
    /// changes may have staled it, unchecked).
    #[inline(always)]
    fn moves_possible<S: AllocationStrategy>(&mut self, strat: &S) -> bool {
        let trigger = strat.price_trigger();
        if trigger != PriceTrigger::HeldOrCheaper {
            self.dearest_held = None;
            return trigger == PriceTrigger::Always;
        }
        // The dearest is cached in `dearest_held`, which `add_active` and
        // `remove_active` forget when `occupied` changes. A price change of an occupied
        // pool makes the check true, and the cache is forgotten whenever it is; so a
        // price change that could stale the cache never goes unnoticed, and the
        // price-change handler needs no check of its own. `None` (no held pool priced)
        // cannot happen — a spot launch needs a price, and a price never goes back to
        // none — and is not cached, so it could not stick.
        let (price, market) = (&self.price, self.market);
        let unit = |p: PoolId| price[p.idx()].map(|r| UnitPrice::new(r, market.weight(p)));
        let dearest = match self.dearest_held {
            Some(d) => d,
            None => match dearest_held(&self.occupied, unit) {
                Some(d) => {
                    self.dearest_held = Some(d);
                    d
                }
                None => return false,
            },
        };
        let movable = &self.movable;
        let hit = held_or_cheaper(&self.changed, dearest, |c| movable[c.idx()] > 0, unit);
        if hit {
            self.dearest_held = None;
        }
        hit
    }

    /// Scale-in of each share above its target.
    #[inline(never)]
    fn scale_in_both(&mut self) {
        for share in [Share::OnDemand, Share::Spot] {
            if self.units[share as usize] > self.share_target(share) {
                self.scale_in(share);
            }
        }
    }

    /// A price change helps a short fleet only if it touched a pool that can take a
    /// launch (a strategy may have skipped it at its old price, e.g. diversified
    /// above on-demand); otherwise re-asking the strategy is wasted work.
    #[inline(never)]
    fn improves_a_short_fleet(&self) -> bool {
        self.changed.iter().any(|p| {
            let q = p.idx();
            self.price[q].is_some_and(|v| self.max_price[q].is_none_or(|m| v <= m))
                && self.cap[q].is_none_or(|c| c > self.occupying[q])
        })
    }

    /// Something improved: serve capacity rebalancing, fill the on-demand part, and ask
    /// the strategy where to launch the spot part's shortfall.
    #[inline(never)]
    fn fill<S: AllocationStrategy>(&mut self, strat: &mut S, launches: &mut Vec<Launch>) {
        if !self.rebalance_queue.is_empty() {
            self.process_rebalance_queue(strat, launches);
        }
        if self.units[0] < self.share_target(Share::OnDemand) {
            self.allocate_ondemand();
        }
        if self.units[1] < self.share_target(Share::Spot) {
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
    }

    /// ASG capacity rebalancing (aws-facts.md §1.6): for each at-risk instance without a
    /// replacement, launch one into a pool with the same or better availability.
    pub(super) fn process_rebalance_queue<S: AllocationStrategy>(
        &mut self,
        strat: &mut S,
        launches: &mut Vec<Launch>,
    ) {
        let queue = std::mem::take(&mut self.rebalance_queue);
        let mut keep = Vec::new();
        for id in queue {
            let inst = *self.inst(id);
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
    pub(super) fn better_or_equal_pools(&self, p: usize) -> Vec<bool> {
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
    pub(super) fn allocate_ondemand(&mut self) {
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

    pub(super) fn apply_move(&mut self, m: Move) {
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
        if let Some(o) = self.obs.as_mut() {
            o.moved(SimTime(self.now), m.from, m.to, n);
        }
        let (wf, wt) = (
            self.market.pools()[from].weight,
            self.market.pools()[to].weight,
        );
        let share = victims.first().map_or(Share::Spot, |&v| self.inst(v).share);
        for id in victims {
            self.end_inst(id, EndReason::PriceReplacement);
        }
        let relaunch = (n as u64 * wf as u64).div_ceil(wt as u64) as u32;
        self.launch(m.to, relaunch, PurchaseOption::Spot, share, false, NONE);
    }

    pub(super) fn pick_victims_for_move(&mut self, p: usize, n: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = self.active[p].clone();
        // Keys are unique (they end with the id), so an unstable sort orders as a
        // stable one would.
        ids.sort_unstable_by_key(|&id| {
            let i = self.inst(id);
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
    /// daily peak of 100,000 Fargate tasks over 48 h). Nothing a removal does changes
    /// another candidate's rank (prices and launch times are fixed at this instant);
    /// each is re-checked before it is ended, in case an ending changed its state.
    pub(super) fn scale_in(&mut self, share: Share) {
        let target = self.share_target(share);
        if self.units[share as usize] <= target {
            return;
        }
        let eligible = |i: &Inst| i.share == share && i.counts && i.doom.is_none();
        let mut ranked: Vec<(bool, Rate, i64, u32)> = self
            .live
            .iter()
            .copied()
            .filter(|&id| eligible(self.inst(id)))
            .map(|id| {
                let i = self.inst(id);
                let price = match i.option {
                    PurchaseOption::Spot => self.price[i.pool as usize].unwrap_or(Rate::ZERO),
                    PurchaseOption::OnDemand => {
                        self.market.pools()[i.pool as usize].instance_type.ondemand
                    }
                };
                (i.state == St::Pending, price, i.launched, id)
            })
            .collect();
        // Highest key first: the order the repeated maximum used to pick in (keys end
        // with the id, so they are unique).
        ranked.sort_unstable_by(|a, b| b.cmp(a));
        for (_, _, _, id) in ranked {
            if self.units[share as usize] <= target {
                break;
            }
            let i = self.inst(id);
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
}
