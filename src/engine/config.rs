//! What a fleet simulation is asked to do.

use std::fmt;

use crate::catalog::OperatingSystem;
use crate::error::ConfigError;
use crate::market::{Market, StepTrace};
use crate::money::Rate;
use crate::time::SimTime;

/// The 2-minute spot interruption notice (aws-facts.md §2.1).
pub const NOTICE_SECS: i64 = 120;

/// Default launch latency: seconds from the launch request until the instance is
/// running and counts toward the target.
///
/// AWS publishes no launch-time figure. 90 s is a documented model choice: EC2 reaches
/// `running` within tens of seconds of `RunInstances`, and an instance then needs its
/// OS boot and user-data (or kubelet registration) before it takes work; Karpenter and
/// ASG users commonly see one to two minutes to a ready node. Override it with
/// `--launch-latency`; billing starts when the instance counts as running.
pub const DEFAULT_LAUNCH_LATENCY_SECS: i64 = 90;

/// How many capacity units the fleet maintains over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The same number of units for the whole horizon.
    Constant(u32),
    /// A step function of units (e.g. a workload's desired count).
    Trace(StepTrace<u32>),
}

impl Target {
    /// Units in effect at `t` (0 before a trace's first point).
    pub fn at(&self, t: SimTime) -> u32 {
        match self {
            Target::Constant(n) => *n,
            Target::Trace(tr) => tr.value_at(t).unwrap_or(0),
        }
    }
}

/// Which of a pool's instances EC2 reclaims when its capacity drops. AWS does not
/// publish this; it is an explicit model assumption printed in every report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VictimOrder {
    /// A uniformly random choice among the pool's running instances, drawn from the
    /// seeded generator (the default).
    #[default]
    Random,
    /// The longest-running first.
    OldestFirst,
    /// The most recently started first.
    NewestFirst,
}

impl VictimOrder {
    /// Parses `random`, `oldest-first` or `newest-first`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        match s {
            "random" => Ok(VictimOrder::Random),
            "oldest-first" => Ok(VictimOrder::OldestFirst),
            "newest-first" => Ok(VictimOrder::NewestFirst),
            _ => Err(ConfigError::new(
                "victims",
                format!("unknown value `{s}`; valid: random, oldest-first, newest-first"),
            )),
        }
    }
}

impl fmt::Display for VictimOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VictimOrder::Random => "random",
            VictimOrder::OldestFirst => "oldest-first",
            VictimOrder::NewestFirst => "newest-first",
        })
    }
}

/// When the fleet launches a replacement for an interrupted instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReplaceOn {
    /// When the instance is terminated (EC2 Fleet / ASG `maintain` behaviour without
    /// capacity rebalancing; the default).
    #[default]
    Termination,
    /// As soon as the 2-minute notice arrives (what Karpenter and EKS node handlers do).
    Notice,
}

impl ReplaceOn {
    /// Parses `termination` or `notice`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        match s {
            "termination" => Ok(ReplaceOn::Termination),
            "notice" => Ok(ReplaceOn::Notice),
            _ => Err(ConfigError::new(
                "replace-on",
                format!("unknown value `{s}`; valid: termination, notice"),
            )),
        }
    }
}

impl fmt::Display for ReplaceOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReplaceOn::Termination => "termination",
            ReplaceOn::Notice => "notice",
        })
    }
}

/// The on-demand part of a mixed fleet (ASG `OnDemandBaseCapacity` and
/// `OnDemandPercentageAboveBaseCapacity`, aws-facts.md §1.5):
/// `od = min(desired, base) + ceil(max(0, desired − base) × pct / 100)`, the rest spot.
///
/// spotsim's default is an all-spot fleet (base 0, 0 %); AWS's ASG default is 100 %
/// (all on-demand), which is what you get with `above_base_pct: 100`.
///
/// ```
/// use spotsim::engine::OnDemandSplit;
/// // AWS's worked examples (§1.5): base 10, 50 %.
/// let s = OnDemandSplit { base: 10, above_base_pct: 50 };
/// assert_eq!([10, 20, 30, 40].map(|d| s.ondemand_units(d)), [10, 15, 20, 25]);
/// assert_eq!(OnDemandSplit { base: 0, above_base_pct: 60 }.ondemand_units(10), 6);
/// let s = OnDemandSplit { base: 12, above_base_pct: 0 };
/// assert_eq!((s.ondemand_units(10), s.ondemand_units(20)), (10, 12));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OnDemandSplit {
    /// Capacity units that are always on-demand, filled first.
    pub base: u32,
    /// On-demand share of the capacity above the base, 0–100 %.
    pub above_base_pct: u32,
}

impl OnDemandSplit {
    /// On-demand units for a desired capacity (rounded up in favour of on-demand).
    pub fn ondemand_units(&self, desired: u32) -> u32 {
        let above = desired.saturating_sub(self.base) as u64;
        let pct = self.above_base_pct.min(100) as u64;
        desired.min(self.base) + (above * pct).div_ceil(100) as u32
    }

    /// Spot units for a desired capacity.
    pub fn spot_units(&self, desired: u32) -> u32 {
        desired - self.ondemand_units(desired)
    }
}

/// How the on-demand part of a mixed fleet picks instance types (aws-facts.md §1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnDemandAllocation {
    /// The cheapest on-demand price (per capacity unit) first (the EC2 Fleet default).
    #[default]
    LowestPrice,
    /// The order of the instance types list, first to last (the ASG default when types
    /// are listed by hand).
    Prioritized,
}

impl OnDemandAllocation {
    /// Parses `lowest-price` or `prioritized`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        match s {
            "lowest-price" => Ok(OnDemandAllocation::LowestPrice),
            "prioritized" => Ok(OnDemandAllocation::Prioritized),
            _ => Err(ConfigError::new(
                "ondemand-allocation",
                format!("unknown value `{s}`; valid: lowest-price, prioritized"),
            )),
        }
    }
}

/// A maximum spot price (aws-facts.md §1.7, §1.5 `SpotMaxPrice`). When a pool's spot
/// price rises above it, the fleet's instances there get the 2-minute notice and are
/// interrupted; the pool is not launched into while it stays above.
///
/// With none set ([`FleetConfig::max_price`] `None`), AWS caps at the on-demand price
/// ("If unset, the cap is the On-Demand price", aws-facts.md §1.5; "The optional maximum
/// price defaults to the On-Demand price", §1.7): [`MaxPrice::OnDemand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxPrice {
    /// The same price per hour for every pool.
    Usd(Rate),
    /// A percentage of each pool's on-demand price.
    PctOfOnDemand(u32),
    /// The on-demand price of each pool's instance type (AWS's default).
    OnDemand,
    /// No cap at all (`--max-price none`): spot prices never interrupt and never block a
    /// launch. Not something AWS offers today; for what-if runs and for markets where
    /// there is no max price (Fargate Spot).
    NoCap,
}

impl MaxPrice {
    /// The maximum for a pool with on-demand price `ondemand`; `None` for no cap.
    ///
    /// ```
    /// use spotsim::engine::MaxPrice;
    /// use spotsim::money::Rate;
    /// let od = Rate::parse_usd("0.096").unwrap();
    /// assert_eq!(MaxPrice::PctOfOnDemand(50).for_pool(od), Some(Rate::parse_usd("0.048").unwrap()));
    /// assert_eq!(MaxPrice::OnDemand.for_pool(od), Some(od));
    /// assert_eq!(MaxPrice::NoCap.for_pool(od), None);
    /// ```
    pub fn for_pool(&self, ondemand: Rate) -> Option<Rate> {
        match *self {
            MaxPrice::Usd(r) => Some(r),
            MaxPrice::PctOfOnDemand(p) => Some(ondemand.scale(p as i64, 100)),
            MaxPrice::OnDemand => Some(ondemand),
            MaxPrice::NoCap => None,
        }
    }

    /// Whether the cap is derived from on-demand prices.
    pub fn needs_ondemand(&self) -> bool {
        matches!(self, MaxPrice::PctOfOnDemand(_) | MaxPrice::OnDemand)
    }
}

/// The caps a simulation applies: one per pool (`None`: no cap) and the assumption the
/// report prints about them. From [`FleetConfig::resolve_max_prices`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedMaxPrices {
    /// Per pool (index = pool id).
    pub per_pool: Vec<Option<Rate>>,
    /// What the report says about the cap.
    pub assumption: String,
}

/// What a cap does, appended to every max-price assumption.
const CAP_EFFECT: &str = "a pool priced above it is not launched into; when its price rises above it, its instances get the 2-minute notice and are interrupted";

/// How long a rebalance recommendation precedes the 2-minute notice of the
/// interruption it warns of. AWS publishes no distribution (aws-facts.md §2.2: it "can
/// arrive earlier than the two-minute notice" and "may arrive at the same time").
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LeadTime {
    /// Always this many seconds.
    Fixed(i64),
    /// Exponentially distributed with this mean, seconds.
    Exponential(f64),
}

/// Rebalance recommendations (aws-facts.md §2.2): one precedes every interruption by a
/// lead time, and false ones (never followed by an interruption) arrive at a given rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RebalanceSignal {
    /// Lead time before the 2-minute notice.
    pub lead: LeadTime,
    /// False recommendations per 1000 instance-hours (Poisson).
    pub false_per_1000_hours: f64,
}

impl Default for RebalanceSignal {
    /// A lead exponential with mean 10 minutes and no false recommendations: a
    /// documented guess, printed in the report; set both from observations.
    fn default() -> Self {
        RebalanceSignal {
            lead: LeadTime::Exponential(600.0),
            false_per_1000_hours: 0.0,
        }
    }
}

/// What the fleet does on a rebalance recommendation (aws-facts.md §1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CapacityRebalance {
    /// Nothing: instances are replaced after they are interrupted.
    #[default]
    Off,
    /// ASG Capacity Rebalancing: launch a replacement into a pool with the same or better
    /// availability (never the at-risk pool; no higher hazard and no less spare
    /// capacity), and end the at-risk instance once the replacement runs. Without such a
    /// pool, keep trying until the notice arrives.
    Asg,
    /// EC2 Fleet `launch-before-terminate`: the at-risk instance stops counting toward
    /// the target (so the fleet launches a replacement at once) and is ended
    /// `termination_delay_secs` later (120–7200) unless EC2 interrupts it first; the
    /// fleet stops replacing once it holds twice the target.
    LaunchBeforeTerminate {
        /// Seconds between the recommendation and the end of the at-risk instance.
        termination_delay_secs: i64,
    },
}

/// A hazard model: interruptions without a capacity trace, sampled per running
/// instance from an exponential time to interruption with the pool's rate.
#[derive(Clone, Debug, PartialEq)]
pub struct HazardModel {
    /// Interruptions per instance-hour, per pool (index = pool id).
    pub rates_per_hour: Vec<f64>,
    /// How the rates were obtained (printed in the report's assumptions).
    pub description: Vec<String>,
}

/// The fleet and horizon of one simulation.
///
/// ```
/// use spotsim::engine::{FleetConfig, Target};
/// let c = FleetConfig::new(Target::Constant(10));
/// assert_eq!(c.launch_latency_secs, spotsim::engine::DEFAULT_LAUNCH_LATENCY_SECS);
/// assert_eq!(c.seed, 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FleetConfig {
    /// Capacity units to maintain (instances, when every pool's weight is 1).
    pub target: Target,
    /// First simulated instant (default: when every pool's traces have begun, [`Market::covered_span`](crate::market::Market::covered_span)).
    pub start: Option<SimTime>,
    /// End of the horizon, exclusive (default: the last change point of the traces).
    pub end: Option<SimTime>,
    /// Seconds from a launch request until the instance runs.
    pub launch_latency_secs: i64,
    /// Seed of the generator behind every random choice.
    pub seed: u64,
    /// Which instances a capacity drop reclaims.
    pub victims: VictimOrder,
    /// When interrupted instances are replaced.
    pub replace_on: ReplaceOn,
    /// Keep a record of every instance in the outcome (for tests and exports).
    pub record_instances: bool,
    /// On-demand base and percentage above base (default: all spot).
    pub ondemand: OnDemandSplit,
    /// How the on-demand part picks types.
    pub ondemand_allocation: OnDemandAllocation,
    /// A maximum spot price. `None` (not set, AWS's advice) means AWS's default: the
    /// on-demand price of each pool's type ([`MaxPrice::OnDemand`]); see
    /// [`FleetConfig::resolve_max_prices`] for when that price is not known.
    pub max_price: Option<MaxPrice>,
    /// The operating system whose on-demand prices the market's pools carry
    /// (`InstanceType::ondemand`; a catalog's [`Catalog::os`](crate::catalog::Catalog::os),
    /// Linux by default). Rules that compare a spot price with the on-demand price (the
    /// max price's default and percentages) apply only when it is the OS of the market's
    /// product; see [`FleetConfig::resolve_max_prices`].
    pub ondemand_os: OperatingSystem,
    /// Interruptions sampled from per-pool rates (instead of, or on top of, capacity
    /// traces).
    pub hazard: Option<HazardModel>,
    /// Rebalance recommendations ahead of interruptions.
    pub rebalance_signal: Option<RebalanceSignal>,
    /// The fleet's response to rebalance recommendations.
    pub capacity_rebalance: CapacityRebalance,
    /// On-demand units for each desired capacity (index = desired), overriding
    /// `ondemand` for split rules that are not a base plus a percentage (the ECS
    /// capacity-provider strategy, aws-facts.md §6.5). Desired counts beyond the table
    /// fall back to `ondemand`.
    pub ondemand_table: Option<Vec<u32>>,
    /// Whether a spot instance EC2 interrupts within its first hour is free (EC2's rule,
    /// aws-facts.md §3.2; default true). False for Fargate Spot, which bills the time
    /// used.
    pub first_hour_refund: bool,
}

impl FleetConfig {
    /// Defaults for everything but the target.
    pub fn new(target: Target) -> Self {
        FleetConfig {
            target,
            start: None,
            end: None,
            launch_latency_secs: DEFAULT_LAUNCH_LATENCY_SECS,
            seed: 0,
            victims: VictimOrder::default(),
            replace_on: ReplaceOn::default(),
            record_instances: false,
            ondemand: OnDemandSplit::default(),
            ondemand_allocation: OnDemandAllocation::default(),
            max_price: None,
            ondemand_os: OperatingSystem::Linux,
            hazard: None,
            rebalance_signal: None,
            capacity_rebalance: CapacityRebalance::default(),
            ondemand_table: None,
            first_hour_refund: true,
        }
    }

    /// The per-pool max prices for `market`.
    ///
    /// * `None` (not set): AWS's default, each pool's on-demand price (aws-facts.md §1.5,
    ///   §1.7) — when the pools' on-demand prices are for the market's product's OS
    ///   ([`FleetConfig::ondemand_os`]). When they are not (a `Windows` market priced
    ///   with Linux on-demand prices, or a product description the Price List has no OS
    ///   for), the default cap is unknown and **no cap** is applied, never another OS's
    ///   price; the assumption says so.
    /// * [`MaxPrice::OnDemand`] and [`MaxPrice::PctOfOnDemand`] given explicitly need
    ///   those prices: an error when they are another OS's.
    /// * [`MaxPrice::Usd`] and [`MaxPrice::NoCap`] apply as given.
    ///
    /// # Errors
    /// [`ConfigError`] (option `max-price`) as above.
    ///
    /// ```
    /// use spotsim::engine::{FleetConfig, MaxPrice, Target};
    /// use spotsim::money::Rate;
    /// let m = spotsim::synth::tiny_market(); // c5.large, Linux/UNIX, on-demand $0.085
    /// let c = FleetConfig::new(Target::Constant(1));
    /// let r = c.resolve_max_prices(&m).unwrap();
    /// assert_eq!(r.per_pool[0], Some(Rate::parse_usd("0.085").unwrap()));
    /// let mut w = c.clone();
    /// w.ondemand_os = spotsim::catalog::OperatingSystem::Windows; // prices of another OS
    /// assert_eq!(w.resolve_max_prices(&m).unwrap().per_pool[0], None);
    /// w.max_price = Some(MaxPrice::PctOfOnDemand(80));
    /// assert!(w.resolve_max_prices(&m).is_err());
    /// ```
    pub fn resolve_max_prices(&self, market: &Market) -> Result<ResolvedMaxPrices, ConfigError> {
        let product = market.product();
        let product_os = OperatingSystem::from_product_description(product);
        let od_known = product_os.as_ref() == Some(&self.ondemand_os);
        let (rule, assumption) = match self.max_price {
            None if od_known => (
                MaxPrice::OnDemand,
                format!(
                    "max price: none set, so AWS's default applies, the on-demand price of each pool's instance type (aws-facts.md §1.5, §1.7); {CAP_EFFECT}"
                ),
            ),
            None => (
                MaxPrice::NoCap,
                format!(
                    "max price: none set; AWS's default cap is the `{product}` on-demand price, which this run does not have (its on-demand prices are {}'s), so spot prices are not capped and never interrupt (give --max-price in USD to cap them)",
                    self.ondemand_os
                ),
            ),
            Some(m) if m.needs_ondemand() && !od_known => {
                return Err(ConfigError::new(
                    "max-price",
                    format!(
                        "a max price relative to on-demand needs `{product}` on-demand prices; the pools carry {}'s: give a price in USD, or none",
                        self.ondemand_os
                    ),
                ));
            }
            Some(MaxPrice::OnDemand) => (
                MaxPrice::OnDemand,
                format!(
                    "max price: the on-demand price of each pool's instance type (aws-facts.md §1.5, §1.7); {CAP_EFFECT}"
                ),
            ),
            Some(MaxPrice::PctOfOnDemand(p)) => (
                MaxPrice::PctOfOnDemand(p),
                format!(
                    "max price: {p} % of each pool's on-demand price (aws-facts.md §1.7); {CAP_EFFECT}"
                ),
            ),
            Some(MaxPrice::Usd(r)) => (
                MaxPrice::Usd(r),
                format!("max price: ${r} per hour (aws-facts.md §1.7); {CAP_EFFECT}"),
            ),
            Some(MaxPrice::NoCap) => (
                MaxPrice::NoCap,
                "max price: none (--max-price none), not AWS's default of the on-demand price: spot prices never interrupt and never block a launch".to_string(),
            ),
        };
        Ok(ResolvedMaxPrices {
            per_pool: market
                .pools()
                .iter()
                .map(|p| rule.for_pool(p.instance_type.ondemand))
                .collect(),
            assumption,
        })
    }
}
