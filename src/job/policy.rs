//! The [`JobPolicy`] seam and the built-in policies by name.
//!
//! A job policy is separate from the fleet's `AllocationStrategy`: it answers one
//! question per tick — SPOT, ON_DEMAND or NONE, and in which zone — from a read-only
//! [`JobView`] (deadline-jobs.md "The model"). It never mutates the run; the tick model
//! ([`run_job`](super::run_job)) applies preemptions, overheads and billing.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

use super::market::JobMarket;
use super::multi_region::ZoneSet;
use super::policies::{Greedy, MultiZoneSpot, OnDemandOnly, SpotOnly, UniformProgress};
use super::tick::{Decision, JobSpec, JobView};

/// What a tick-mode run tells its policy before the first tick
/// ([`JobPolicy::start`]): the market (every zone's availability and prices, and the
/// migration costs between zones), the job, and the window's first tick in the market.
/// Tick `t` of the run is market tick `start_tick + t`.
#[derive(Clone, Copy, Debug)]
pub struct RunStart<'a> {
    /// The market the run replays.
    pub market: &'a JobMarket,
    /// The job.
    pub spec: &'a JobSpec,
    /// The window's first tick in the market.
    pub start_tick: usize,
}

/// A deadline-job policy: given the state at the start of a tick, what to run in it.
///
/// `&mut self` lets a policy keep state across ticks; a run creates or resets its
/// policy (windows call a factory per window), so state never leaks between runs.
///
/// **The multi-zone extension** (SkyNomad's model, [`multi_region`](super::multi_region))
/// adds two methods with defaults, so single-zone policies implement `decide` only:
///
/// * [`JobPolicy::start`] is called once before the first tick of a tick-mode run with
///   the market, the job and the window's start: policies that rank zones by price, or
///   plan offline over the known future (`optimal`), keep what they need from it.
/// * [`JobPolicy::probes`] is called after `decide` in every tick: the zones to probe.
///   A probe launches spot only to learn whether it is available; where it is, the
///   probe is billed 60 s of spot (and does no work).
///
/// Reading [`JobView::spot_available_in`] for a zone stands for trying to launch there
/// (free when it fails, as in the reference's `TryLaunch`); a policy that wants to know
/// about a zone it does not launch in should probe it.///
/// ```
/// use spotsim::job::{Decision, JobPolicy, JobView};
/// /// Spot whenever the home zone has it, on-demand otherwise.
/// struct SpotElseOnDemand;
/// impl JobPolicy for SpotElseOnDemand {
///     fn decide(&mut self, v: &JobView<'_>) -> Decision {
///         if v.spot_available_in(0) { Decision::spot(0) } else { Decision::on_demand(0) }
///     }
/// }
/// ```
pub trait JobPolicy {
    /// The decision for the tick that starts now.
    fn decide(&mut self, view: &JobView<'_>) -> Decision;

    /// Called once before the first tick of a tick-mode run (see the trait docs).
    /// Default: nothing.
    fn start(&mut self, _run: &RunStart<'_>) {}

    /// The zones to probe in the tick that starts now, asked right after
    /// [`JobPolicy::decide`] with the same view. Default: none.
    fn probes(&mut self, _view: &JobView<'_>) -> ZoneSet {
        ZoneSet::EMPTY
    }
}

impl<P: JobPolicy + ?Sized> JobPolicy for &mut P {
    fn decide(&mut self, view: &JobView<'_>) -> Decision {
        (**self).decide(view)
    }
    fn start(&mut self, run: &RunStart<'_>) {
        (**self).start(run)
    }
    fn probes(&mut self, view: &JobView<'_>) -> ZoneSet {
        (**self).probes(view)
    }
}

impl<P: JobPolicy + ?Sized> JobPolicy for Box<P> {
    fn decide(&mut self, view: &JobView<'_>) -> Decision {
        (**self).decide(view)
    }
    fn start(&mut self, run: &RunStart<'_>) {
        (**self).start(run)
    }
    fn probes(&mut self, view: &JobView<'_>) -> ZoneSet {
        (**self).probes(view)
    }
}

/// The built-in policies, selectable by name (`on-demand`, `spot-only`, `greedy`,
/// `uniform-progress`, `multi-zone-spot`). Each is stateless, `Copy` and `Sync`.
///
/// ```
/// use spotsim::job::BuiltinPolicy;
/// let p: BuiltinPolicy = "uniform-progress".parse()?;
/// assert_eq!(p, BuiltinPolicy::UniformProgress);
/// let e = "up".parse::<BuiltinPolicy>().unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "option `policy`: unknown job policy `up`; expected one of: on-demand, spot-only, \
///      greedy, uniform-progress, multi-zone-spot"
/// );
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuiltinPolicy {
    /// Always on-demand ([`OnDemandOnly`]).
    OnDemand,
    /// Spot when available, else idle ([`SpotOnly`]); may miss the deadline.
    SpotOnly,
    /// Spot when available, idle otherwise until the slack forces on-demand to the end
    /// ([`Greedy`]).
    Greedy,
    /// The NSDI'24 Uniform Progress rules 1–5 ([`UniformProgress`]).
    UniformProgress,
    /// Spot in any zone that has it, else on-demand ([`MultiZoneSpot`]).
    MultiZoneSpot,
}

impl BuiltinPolicy {
    /// Every built-in, in the order of [`BuiltinPolicy::NAMES`].
    pub const ALL: [BuiltinPolicy; 5] = [
        BuiltinPolicy::OnDemand,
        BuiltinPolicy::SpotOnly,
        BuiltinPolicy::Greedy,
        BuiltinPolicy::UniformProgress,
        BuiltinPolicy::MultiZoneSpot,
    ];

    /// Every built-in's name.
    pub const NAMES: [&'static str; 5] = [
        "on-demand",
        "spot-only",
        "greedy",
        "uniform-progress",
        "multi-zone-spot",
    ];

    /// The name ([`FromStr`] accepts it back).
    pub fn name(self) -> &'static str {
        match self {
            BuiltinPolicy::OnDemand => "on-demand",
            BuiltinPolicy::SpotOnly => "spot-only",
            BuiltinPolicy::Greedy => "greedy",
            BuiltinPolicy::UniformProgress => "uniform-progress",
            BuiltinPolicy::MultiZoneSpot => "multi-zone-spot",
        }
    }

    /// Whether the policy always meets the deadline when `D ≥ W + d` (all but
    /// `spot-only`; see each policy's docs for why).
    pub fn guarantees_deadline(self) -> bool {
        self != BuiltinPolicy::SpotOnly
    }
}

impl FromStr for BuiltinPolicy {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        BuiltinPolicy::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                ConfigError::new(
                    "policy",
                    format!(
                        "unknown job policy `{s}`; expected one of: {}",
                        BuiltinPolicy::NAMES.join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for BuiltinPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl JobPolicy for BuiltinPolicy {
    #[inline]
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        match self {
            BuiltinPolicy::OnDemand => OnDemandOnly.decide(v),
            BuiltinPolicy::SpotOnly => SpotOnly.decide(v),
            BuiltinPolicy::Greedy => Greedy.decide(v),
            BuiltinPolicy::UniformProgress => UniformProgress.decide(v),
            BuiltinPolicy::MultiZoneSpot => MultiZoneSpot.decide(v),
        }
    }
}
