//! What a fleet simulation is asked to do.

use std::fmt;

use crate::error::ConfigError;
use crate::market::StepTrace;
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

/// The fleet and horizon of one simulation.
///
/// ```
/// use spotsim::engine::{FleetConfig, Target};
/// let c = FleetConfig::new(Target::Constant(10));
/// assert_eq!(c.launch_latency_secs, spotsim::engine::DEFAULT_LAUNCH_LATENCY_SECS);
/// assert_eq!(c.seed, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetConfig {
    /// Capacity units to maintain (instances, when every pool's weight is 1).
    pub target: Target,
    /// First simulated instant (default: the first change point of the traces).
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
        }
    }
}
