//! `diversified` (aws-facts.md §1.3, EC2 Fleet and Spot Fleet only): spot instances are
//! spread across *all* the pools in the request — 10 pools and a target of 100 give 10
//! per pool — and the fleet **never launches into a pool whose spot price is equal to
//! or above its on-demand price**.
//!
//! The documented rule: launch by launch, the launchable pool (priced below on-demand)
//! holding the fewest fleet capacity units (its spot instances × weight, plus what this
//! call has placed); ties to the cheaper spot price per unit, then the lower pool
//! index. Pools without spare capacity are skipped. Replacements after an interruption
//! go through the same rule, so they spread over the remaining pools (§1.3, `maintain`
//! fleets). A price change never ends an instance, even one whose pool's price has
//! reached on-demand: the rule only stops new launches there.

use super::common::{Emitter, place_balanced, spot_slot};
use super::{AllocationStrategy, FleetView, Launch};
use crate::market::MarketView;
use crate::pricing::PurchaseOption;

/// The `diversified` strategy.
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, Diversified, FleetView};
/// let market = spotsim::synth::default_market(1); // 12 pools
/// let mut prices: Vec<_> = (0..12).map(|i| Some(Rate::from_nano_usd(1000 + i))).collect();
/// prices[4] = Some(market.pool(PoolId(4)).instance_type.ondemand); // at on-demand: never used
/// let (caps, held, order) = (vec![None; 12], vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// let (spot, occ) = (vec![0; 12], vec![]);
/// let mut out = Vec::new();
/// Diversified.allocate(22, &view, &FleetView::new(&spot, &occ), &mut out);
/// assert_eq!(out.len(), 11);
/// assert!(out.iter().all(|l| l.pool != PoolId(4) && l.count == 2));
/// assert_eq!(Diversified.name(), "diversified");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Diversified;

impl AllocationStrategy for Diversified {
    fn name(&self) -> &str {
        "diversified"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        fleet: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        let v = *view;
        let mut groups = [view
            .pool_ids()
            .filter(move |&p| v.launchable(p) && v.price(p).is_some_and(|s| s < v.ondemand(p)))];
        let mut em = Emitter::new(out, view.len(), PurchaseOption::Spot);
        place_balanced(
            &mut groups,
            usize::MAX,
            u64::from(need),
            &mut |p| spot_slot(view, fleet, p),
            &mut |p, k| em.add(p, k),
        );
    }

    /// Prices never end instances (the default `on_price_change`).
    fn price_trigger(&self) -> super::PriceTrigger {
        super::PriceTrigger::Never
    }

    fn assumptions(&self) -> Vec<String> {
        vec!["diversified (aws-facts.md §1.3): launches go one at a time to the pool with spare capacity holding the fewest fleet capacity units (ties: cheaper per unit, then pool order); pools whose spot price is at or above on-demand are never launched into; price changes never end instances".to_string()]
    }
}
