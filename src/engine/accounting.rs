//! Accounting: the target's on-demand and spot parts, the unmet and target capacity
//! integrals, and what an ended instance is billed (`pricing::billing`, aws-facts.md §3).

use super::fleet::{Inst, Share, St};
use super::outcome::{EndReason, PurchaseOption};
use super::world::World;
use crate::market::PoolId;
use crate::money::Money;
use crate::pricing::EndedBy;
use crate::pricing::billing::Granularity;
use crate::time::SimTime;

impl World<'_> {
    /// Pool `p`'s spot price integral from its trace's first change point to now (what
    /// an instance running all that time would have been charged per second).
    #[inline]
    pub(super) fn spent_so_far(&self, p: usize) -> Money {
        let tr = self.market.price_trace(PoolId(p as u32));
        // The change point in effect now is the one before the cursor's pending one (a
        // change due now but not yet applied gives the same integral at its own time).
        match self.cursors[p].next_index().checked_sub(1) {
            Some(i) => tr.integral_from_start(i, SimTime(self.now)),
            None => tr.integral(SimTime(i64::MIN), SimTime(self.now)),
        }
    }

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
    pub(super) fn share_target(&self, share: Share) -> u64 {
        self.share_targets[share as usize]
    }

    /// Recomputes the on-demand and spot parts of the target (after it changes).
    pub(super) fn split_target(&mut self) {
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

    /// Bills instance `inst` ending now for `reason` and counts the end in its pool's
    /// tally. Returns the reason as recorded (an AWS end of a launch that never ran is a
    /// failed launch) and the charge.
    pub(super) fn settle(&mut self, inst: &Inst, mut reason: EndReason) -> (EndReason, Money) {
        let p = inst.pool as usize;
        let pid = PoolId(inst.pool);
        let mut charge = Money::ZERO;
        let spent_now = if inst.option == PurchaseOption::Spot && inst.state == St::Running {
            self.spent_so_far(p)
        } else {
            Money::ZERO
        };
        let tally = match inst.option {
            PurchaseOption::Spot => &mut self.spot[p],
            PurchaseOption::OnDemand => &mut self.od[p],
        };
        if inst.state == St::Running {
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
                PurchaseOption::Spot => {
                    // Per-second billing of the whole run is the price integral over
                    // it: the integral now less the one recorded at the start, no
                    // search of the trace. Anything else (the 60 s minimum, hourly
                    // rules, the first-hour refund) goes through the billing rule.
                    let run = b.since(a);
                    match rule.granularity {
                        Granularity::PerSecond { .. }
                            if rule.billed_secs(run, who, true) == run && run > 0 =>
                        {
                            spent_now - inst.spent_before
                        }
                        _ => rule.spot_charge(self.market.price_trace(pid), a, b, who),
                    }
                }
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
        (reason, charge)
    }
}
