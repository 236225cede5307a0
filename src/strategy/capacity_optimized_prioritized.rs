//! `capacity-optimized-prioritized` (aws-facts.md §1.3): capacity first; instance-type
//! priorities honoured on a best-effort basis, *"when doing so does not noticeably hurt
//! the capacity outcome"*. In an ASG the priority is the order of the overrides list,
//! first to last; EC2 Fleet's `Priority` values may tie.
//!
//! The documented rule (AWS publishes none): instances are placed one at a time into
//! the **top capacity tier**, defined exactly as for
//! [`PriceCapacityOptimized`](super::PriceCapacityOptimized) — pools whose spare
//! capacity is at least the capacity-tier fraction (default ½) of the largest
//! (unlimited = infinitely deep), narrowed under a hazard model to hazards at most the
//! tier's lowest divided by the fraction. "Not noticeably hurting capacity" means
//! staying in that tier. Within the tier the **highest priority** wins (the earliest
//! type in the priority list; types not listed come after every listed one, equal among
//! themselves); equal priorities (the same type in several zones) go to the pool with
//! more spare capacity, then the lower hazard, then the cheaper spot price per unit,
//! then the lower pool index. A price change never ends an instance.

use std::collections::BTreeMap;

use super::common::{PPM, fraction_to_ppm, hazard_key, place_tiered, spot_unit_price};
use super::price_capacity_optimized::DEFAULT_CAPACITY_TIER;
use super::{AllocationStrategy, FleetView, Launch};
use crate::error::ConfigError;
use crate::market::MarketView;

/// The `capacity-optimized-prioritized` strategy.
///
/// ```
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimizedPrioritized};
/// let s = CapacityOptimizedPrioritized::new(vec!["c5.large".into(), "m5.large".into()]);
/// assert_eq!(s.name(), "capacity-optimized-prioritized");
/// assert_eq!(s.priority("m5.large"), 1);
/// assert_eq!(s.priority("r5.large"), 2, "unlisted types come last");
/// ```
///
/// The top-priority type's pool is within the capacity tier, so it wins over a deeper
/// pool of a lower-priority type:
///
/// ```
/// use spotsim::market::{MarketView, PoolId, PriceOrder};
/// use spotsim::money::Rate;
/// use spotsim::strategy::{AllocationStrategy, CapacityOptimizedPrioritized, FleetView, Launch};
/// let market = spotsim::synth::default_market(1); // types × 3 zones, type-major
/// let second_type = market.pool(PoolId(3)).instance_type.name.clone();
/// let prices = vec![Some(Rate::from_nano_usd(10)); 12];
/// let mut caps = vec![Some(0); 12];
/// caps[0] = Some(10); // first type, deepest
/// caps[3] = Some(6); // second type: in the ½ tier
/// let (held, order) = (vec![0; 12], PriceOrder::default());
/// let view = MarketView::new(&market, spotsim::time::SimTime(0), &prices, &caps, &held, &order);
/// let (spot, occ) = (vec![0; 12], vec![]);
/// let mut out = Vec::new();
/// CapacityOptimizedPrioritized::new(vec![second_type]).allocate(1, &view, &FleetView::new(&spot, &occ), &mut out);
/// assert_eq!(out, vec![Launch::spot(PoolId(3), 1)]);
/// ```
#[derive(Clone, Debug)]
pub struct CapacityOptimizedPrioritized {
    priorities: Vec<String>,
    rank: BTreeMap<String, u32>,
    tier_ppm: u64,
    /// Per pool: (type name, priority) last resolved — a name compare instead of a map
    /// lookup per pool per decision.
    cache: Vec<(String, u32)>,
    scratch: Vec<u32>,
}

impl CapacityOptimizedPrioritized {
    /// Prioritised by `priorities`, highest first (instance type names; a type listed
    /// twice keeps its first position), with the default capacity tier (½).
    pub fn new(priorities: Vec<String>) -> Self {
        let mut rank = BTreeMap::new();
        for (i, t) in priorities.iter().enumerate() {
            rank.entry(t.clone()).or_insert(i as u32);
        }
        CapacityOptimizedPrioritized {
            priorities,
            rank,
            tier_ppm: fraction_to_ppm(DEFAULT_CAPACITY_TIER).unwrap_or(PPM / 2),
            cache: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The same strategy with another capacity-tier fraction.
    ///
    /// # Errors
    /// [`ConfigError`] on option `capacity-tier` unless `0 < fraction ≤ 1`.
    pub fn with_capacity_tier(mut self, fraction: f64) -> Result<Self, ConfigError> {
        self.tier_ppm = fraction_to_ppm(fraction).ok_or_else(|| {
            ConfigError::new(
                "capacity-tier",
                format!("{fraction} is not a fraction in (0, 1]"),
            )
        })?;
        Ok(self)
    }

    /// The priority list, highest first.
    pub fn priorities(&self) -> &[String] {
        &self.priorities
    }

    /// The priority of an instance type: its position in the list (0 = highest); the
    /// list's length for types not in it.
    pub fn priority(&self, instance_type: &str) -> u32 {
        self.rank
            .get(instance_type)
            .copied()
            .unwrap_or(self.priorities.len() as u32)
    }

    /// The capacity-tier fraction.
    pub fn capacity_tier(&self) -> f64 {
        self.tier_ppm as f64 / PPM as f64
    }
}

impl AllocationStrategy for CapacityOptimizedPrioritized {
    fn name(&self) -> &str {
        "capacity-optimized-prioritized"
    }

    fn allocate(
        &mut self,
        need: u32,
        view: &MarketView<'_>,
        _: &FleetView<'_>,
        out: &mut Vec<Launch>,
    ) {
        let n = view.len();
        if self.cache.len() != n {
            self.cache = vec![(String::new(), u32::MAX); n];
        }
        let mut prio = std::mem::take(&mut self.scratch);
        prio.clear();
        prio.resize(n, u32::MAX);
        for p in view.pool_ids().filter(|&p| view.launchable(p)) {
            let name = &view.pool(p).instance_type.name;
            if self.cache[p.idx()].1 == u32::MAX || self.cache[p.idx()].0 != *name {
                self.cache[p.idx()] = (name.clone(), self.priority(name));
            }
            prio[p.idx()] = self.cache[p.idx()].1;
        }
        place_tiered(
            view,
            need,
            self.tier_ppm,
            |p| prio[p.idx()],
            |p| (hazard_key(view, p), spot_unit_price(view, p), p),
            out,
        );
        self.scratch = prio;
    }

    /// Prices never end instances (the default `on_price_change`).
    fn price_trigger(&self) -> super::PriceTrigger {
        super::PriceTrigger::Never
    }

    fn assumptions(&self) -> Vec<String> {
        vec![format!(
            "capacity-optimized-prioritized (aws-facts.md §1.3): launches go one at a time to the highest-priority pool (priority order: {}; unlisted types last) within the top capacity tier — pools with spare capacity at least {} of the largest (no capacity trace = unlimited = the deepest), narrowed under a hazard model to hazards at most the tier's lowest divided by {}; equal priorities: more spare capacity, lower hazard, cheaper per unit, earlier pool; price changes never end instances",
            if self.priorities.is_empty() {
                "none".to_string()
            } else {
                self.priorities.join(" > ")
            },
            self.capacity_tier(),
            self.capacity_tier()
        )]
    }
}
