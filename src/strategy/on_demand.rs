//! `on-demand`: the fleet launches only on-demand instances, as EC2 Fleet's and ASG's
//! `lowest-price` on-demand allocation does (aws-facts.md §1.4): the cheapest instance
//! type by public on-demand price first — per capacity unit, compared exactly — and,
//! as ASG does, balanced across the Availability Zones.
//!
//! The documented rule: among the allowed pools whose on-demand price per unit is the
//! lowest (several types when they tie), launch by launch into the pool holding the
//! fewest fleet on-demand units (its on-demand instances × weight, plus what this call
//! has placed); ties to the lower pool index. On-demand capacity is unlimited in this
//! model and needs no spot price, so the pools' spot prices and capacity traces are
//! ignored. Nothing is ever ended on a price change.

use super::common::{Emitter, Slot, UNLIMITED, ondemand_unit_price, place_balanced};
use super::{AllocationStrategy, FleetView, Launch};
use crate::market::MarketView;
use crate::pricing::PurchaseOption;

/// The on-demand-only strategy (the baseline every spot strategy is compared with).
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::pricing::PurchaseOption;
/// use spotsim::strategy::{AllocationStrategy, FleetView, OnDemand};
/// let market = spotsim::synth::default_market(1); // 4 types × 3 zones
/// let (prices, caps, held, order) = (vec![None; 12], vec![Some(0); 12], vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// let (spot, occ, od) = (vec![0; 12], vec![], vec![0; 12]);
/// let mut out = Vec::new();
/// OnDemand.allocate(6, &view, &FleetView::new(&spot, &occ).with_ondemand(&od), &mut out);
/// // The cheapest type's three zones get two each.
/// let cheapest = (0..12).map(PoolId).min_by_key(|&p| (view.ondemand(p), p)).unwrap();
/// assert_eq!(out.len(), 3);
/// assert!(out.iter().all(|l| l.count == 2 && l.option == PurchaseOption::OnDemand));
/// assert!(out.iter().all(|l| market.pool(l.pool).instance_type == market.pool(cheapest).instance_type));
/// assert_eq!(OnDemand.name(), "on-demand");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct OnDemand;

impl AllocationStrategy for OnDemand {
    fn name(&self) -> &str {
        "on-demand"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        let Some(min) = view.pool_ids().map(|p| ondemand_unit_price(view, p)).min() else {
            return;
        };
        let v = *view;
        let mut groups = [view
            .pool_ids()
            .filter(move |&p| ondemand_unit_price(&v, p) == min)];
        let mut em = Emitter::new(out, view.len(), PurchaseOption::OnDemand);
        place_balanced(
            &mut groups,
            usize::MAX,
            u64::from(need),
            &mut |p| {
                let w = u64::from(view.pool(p).weight.max(1));
                Slot {
                    pool: p,
                    units: w,
                    spare: UNLIMITED,
                    load: u64::from(fleet.ondemand(p)) * w,
                    price: min,
                }
            },
            &mut |p, k| em.add(p, k),
        );
    }

    /// Prices never end instances (the default `on_price_change`).
    fn price_trigger(&self) -> super::PriceTrigger {
        super::PriceTrigger::Never
    }

    fn assumptions(&self) -> Vec<String> {
        vec!["on-demand (aws-facts.md §1.4, lowest-price): only on-demand instances, of the type with the lowest on-demand price per unit, one at a time into its pool (zone) holding the fewest fleet on-demand units (ties: pool order); on-demand capacity is unlimited".to_string()]
    }
}
