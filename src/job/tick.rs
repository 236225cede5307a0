//! The tick model of deadline-jobs.md "The model, as those papers simulate it".
//!
//! Each rule, and where this code implements it:
//!
//! | deadline-jobs.md | here |
//! |---|---|
//! | "Time advances in ticks of the trace's gap `G`" | [`run_job`]'s loop over ticks `0..⌈D/G⌉` of the window |
//! | "At the start of tick `t` the policy knows what ran during `[t−1, t)` and whether spot is available for `[t, t+1)`" | [`JobView::last`], [`JobView::spot_available`] |
//! | "a running spot instance is preempted at the tick boundary; the previous tick still ran and is billed" | the previous tick was billed when it ran; at the boundary [`JobView::current`] becomes NONE and [`JobResult::preemptions`] counts it |
//! | "A tick spent on SPOT or ON_DEMAND yields `G` seconds of work minus any outstanding restart overhead; overhead is consumed first and carries across ticks. NONE yields 0." | the `execute` step: `consumed = min(pending, G)`, `work = min(G − consumed, remaining)` |
//! | "The restart overhead `d` is re-armed whenever the requested type (other than NONE) differs from the type actually running after any preemption" | re-armed to `d` (not added) when the decision is not NONE and differs in type **or zone** from [`JobView::current`]: idle→spot, spot→OD, OD→spot, relaunch after a preemption, and (multi-zone) a zone switch — a migration |
//! | "Billing: each tick is billed at the type that ran in it — spot at that tick's spot price, on-demand at the on-demand price; idle is free" | `price × G` per tick, exact [`Money`] |
//! | "The job stops as soon as the remaining work is ≤ 1 ms (no partial-tick refund of the last tick)" | `remaining_ms ≤ 1` ends the run after the tick; the whole tick is billed |
//! | "Windows: a run starts at tick `⌈start_hours·3600/G⌉` of a full trace" | [`start_tick_for_hours`] |
//! | Multi-region ([`multi_region`](super::multi_region)): a launch in another zone than the last instance's adds the checkpoint's transfer time to the overhead and pays its egress; probes are billed 60 s of spot where available | the re-arming step (`MigrationCosts::transfer_ms`, `egress`), the probe step after [`JobPolicy::probes`] |
//!
//! Work, time and overhead are integer **milliseconds** (deterministic and exact);
//! hours given as floats are rounded to the millisecond once ([`hours_to_ms`]). Costs are
//! exact [`Money`].
//!
//! Choices where deadline-jobs.md is silent (documented model assumptions):
//!
//! * **The simulated span** is the ticks that start before the deadline,
//!   `⌈D/G⌉` of them; the trace must hold them all from the start tick (else an error).
//!   A job not done by then has missed its deadline; the run stops there (its cost is
//!   the cost so far).
//! * **Deadline met** means the exact finish instant — the last tick's start plus the
//!   overhead and work done in it — is `≤ D`. (The original simulator checks at tick
//!   boundaries, so it also accepts a job finishing inside the tick that contains `D`;
//!   the built-in policies never finish there because their safety nets round the
//!   remaining time down to whole ticks.)
//! * **A SPOT request where spot is unavailable** is run as NONE and counted in
//!   [`JobResult::infeasible_spot_requests`] (the original simulator raises an error).
//!   A zone index out of range is an error.
//! * **Restarts** count every re-arming of the overhead, the first launch included;
//!   **migrations** count the re-armings whose zone differs from the zone of the
//!   previous instance that ran.
//! * While idle, pending overhead is left as it is (as in the original simulator); any
//!   later launch re-arms it anyway.
//! * **Multi-node traces**: spot is available in a tick when the count is at least
//!   [`MarketOptions::gang`] (the original's `gang_threshold`); the price is the job's
//!   price per hour as a whole.
use crate::error::ConfigError;
use crate::money::Money;

pub use super::market::{JobMarket, MarketOptions};
use super::multi_region::PROBE_BILLING_SECS;
use super::policy::{JobPolicy, RunStart};
use super::result::JobResult;

/// What a tick runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Idle: nothing runs, nothing is billed, no work is done.
    None,
    /// A spot instance.
    Spot,
    /// An on-demand instance.
    OnDemand,
}

/// A policy's choice for one tick: a type and a zone (an index into the market's
/// zones; single-zone markets have only zone 0). For [`Kind::None`] the zone is ignored.
///
/// Asking for the instance that already runs keeps it; [`Decision::restarted`] asks to
/// terminate it and launch the same type in the same zone again, paying the overhead
/// again (SkyNomad's probing baselines do this when a zone they drop is still the best
/// one with spot; tick mode honours it, event mode treats it as keeping the instance).
///
/// ```
/// use spotsim::job::{Decision, Kind};
/// assert_eq!(Decision::spot(1).kind, Kind::Spot);
/// assert!(Decision::NONE.is_none());
/// assert!(Decision::spot(1).restarted().restart);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Decision {
    /// Spot, on-demand or idle.
    pub kind: Kind,
    /// The zone index.
    pub zone: usize,
    /// Relaunch even if this instance is the one running (tick mode).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub restart: bool,
}

impl Decision {
    /// Idle.
    pub const NONE: Decision = Decision {
        kind: Kind::None,
        zone: 0,
        restart: false,
    };

    /// Spot in `zone`.
    pub const fn spot(zone: usize) -> Decision {
        Decision {
            kind: Kind::Spot,
            zone,
            restart: false,
        }
    }

    /// On-demand in `zone`.
    pub const fn on_demand(zone: usize) -> Decision {
        Decision {
            kind: Kind::OnDemand,
            zone,
            restart: false,
        }
    }

    /// Idle, remembering `zone` (the zone of the last instance).
    pub const fn none_in(zone: usize) -> Decision {
        Decision {
            kind: Kind::None,
            zone,
            restart: false,
        }
    }

    /// The same decision, relaunching the instance if it is the one running (see the
    /// type docs).
    pub const fn restarted(self) -> Decision {
        Decision {
            restart: true,
            ..self
        }
    }

    /// Whether this is idle.
    pub fn is_none(self) -> bool {
        self.kind == Kind::None
    }

    /// Whether `self` and `other` are the same running instance type and zone (idle
    /// never is).
    pub fn same_instance(self, other: Decision) -> bool {
        self.kind != Kind::None && self.kind == other.kind && self.zone == other.zone
    }
}

/// Milliseconds in an hour.
pub const MS_PER_HOUR: i64 = 3_600_000;

/// Hours (a float, as users give them) to integer milliseconds, rounded to the nearest.
///
/// # Errors
/// [`ConfigError`] naming `option` for NaN, infinities, negatives and absurd values.
///
/// ```
/// use spotsim::job::hours_to_ms;
/// assert_eq!(hours_to_ms("overhead", 0.1)?, 360_000);
/// assert!(hours_to_ms("overhead", -0.1).is_err());
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
pub fn hours_to_ms(option: &str, hours: f64) -> Result<i64, ConfigError> {
    if !hours.is_finite() || hours < 0.0 {
        return Err(ConfigError::new(
            option,
            format!("must be a non-negative number of hours, got {hours}"),
        ));
    }
    let ms = (hours * MS_PER_HOUR as f64).round();
    if ms > 1e15 {
        return Err(ConfigError::new(
            option,
            format!("{hours} hours is too long"),
        ));
    }
    Ok(ms as i64)
}

/// The job: `W` work, deadline `D` (from the window start), restart overhead `d`, all in
/// milliseconds.
///
/// ```
/// use spotsim::job::JobSpec;
/// let s = JobSpec::from_hours(48.0, 52.0, 0.2)?;
/// assert_eq!((s.work_ms, s.deadline_ms, s.overhead_ms), (172_800_000, 187_200_000, 720_000));
/// assert_eq!(s.ticks(600), 312);
/// let e = JobSpec::from_hours(10.0, 8.0, 0.1).unwrap_err();
/// assert!(e.to_string().contains("shorter than the work"));
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct JobSpec {
    /// Total work `W` (`c0`), ms.
    pub work_ms: i64,
    /// Deadline `D` (`R`), ms after the window start.
    pub deadline_ms: i64,
    /// Restart overhead `d`, ms.
    pub overhead_ms: i64,
}

impl JobSpec {
    /// A job from milliseconds.
    ///
    /// # Errors
    /// [`ConfigError`] when the work is not positive, the deadline is shorter than the
    /// work, or the overhead is negative.
    pub fn new(work_ms: i64, deadline_ms: i64, overhead_ms: i64) -> Result<JobSpec, ConfigError> {
        if work_ms <= 0 {
            return Err(ConfigError::new(
                "work",
                format!("must be positive, got {work_ms} ms"),
            ));
        }
        if overhead_ms < 0 {
            return Err(ConfigError::new(
                "overhead",
                format!("must not be negative, got {overhead_ms} ms"),
            ));
        }
        if deadline_ms < work_ms {
            return Err(ConfigError::new(
                "deadline",
                format!(
                    "{} h is shorter than the work, {} h: no policy can finish",
                    deadline_ms as f64 / MS_PER_HOUR as f64,
                    work_ms as f64 / MS_PER_HOUR as f64
                ),
            ));
        }
        Ok(JobSpec {
            work_ms,
            deadline_ms,
            overhead_ms,
        })
    }

    /// A job from hours (rounded to the millisecond).
    ///
    /// # Errors
    /// As [`JobSpec::new`], and [`hours_to_ms`]'s for bad numbers.
    pub fn from_hours(
        work_hours: f64,
        deadline_hours: f64,
        overhead_hours: f64,
    ) -> Result<JobSpec, ConfigError> {
        JobSpec::new(
            hours_to_ms("work", work_hours)?,
            hours_to_ms("deadline", deadline_hours)?,
            hours_to_ms("overhead", overhead_hours)?,
        )
    }

    /// Ticks that start before the deadline, `⌈D/G⌉`: the span a run needs.
    pub fn ticks(&self, gap_secs: i64) -> usize {
        let g = gap_secs.max(1) * 1000;
        ((self.deadline_ms + g - 1) / g) as usize
    }
}

/// The first tick of a window that starts `start_hours` into the full trace:
/// `⌈start_hours·3600/G⌉`, computed in `f64` exactly as the original simulator does
/// (deadline-jobs.md "Windows").
///
/// # Errors
/// [`ConfigError`] for negative or non-finite hours.
///
/// ```
/// use spotsim::job::start_tick_for_hours;
/// assert_eq!(start_tick_for_hours(1.0, 600)?, 6);
/// assert_eq!(start_tick_for_hours(1.01, 600)?, 7);
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
pub fn start_tick_for_hours(start_hours: f64, gap_secs: i64) -> Result<usize, ConfigError> {
    use crate::limits::MAX_JOB_TICKS;
    if !start_hours.is_finite() || start_hours < 0.0 || gap_secs <= 0 {
        return Err(ConfigError::new(
            "start-hours",
            format!("must be a non-negative number of hours, got {start_hours}"),
        ));
    }
    let tick = (start_hours * 3600.0 / gap_secs as f64).ceil();
    if tick > MAX_JOB_TICKS as f64 {
        return Err(ConfigError::new(
            "start-hours",
            format!(
                "{start_hours} h is tick {tick} of {gap_secs} s: at most {MAX_JOB_TICKS} ticks"
            ),
        ));
    }
    Ok(tick as usize)
}

/// The read-only state a [`JobPolicy`] sees at the start of a tick (deadline-jobs.md:
/// "At the start of tick `t` the policy knows what ran during `[t−1, t)` and whether spot
/// is available for `[t, t+1)`"). All durations are milliseconds.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct JobView<'a> {
    /// Tick index from the window start.
    pub tick: usize,
    /// Elapsed time `t` since the window start (`tick × G`).
    pub elapsed_ms: i64,
    /// Total work `c0 = W`.
    pub work_ms: i64,
    /// Remaining work `ct`.
    pub remaining_work_ms: i64,
    /// Deadline `R = D` from the window start.
    pub deadline_ms: i64,
    /// Restart overhead `d` (event mode: `d` plus the launch latency, what a restart loses
    /// there; see `job::event`).
    pub overhead_ms: i64,
    /// Overhead still to be paid before work resumes (event mode: plus the launch latency
    /// still to wait).
    pub pending_overhead_ms: i64,
    /// Tick length `G`.
    pub gap_ms: i64,
    /// What runs now, after any preemption at this boundary (NONE if preempted); for NONE
    /// the zone is the previous instance's (0 before any).
    pub current: Decision,
    /// What ran during `[t−1, t)` (before any preemption).
    pub last: Decision,
    /// Whether the spot instance was preempted at this boundary.
    pub preempted: bool,
    /// Spot availability of each zone for `[t, t+1)`.
    pub spot_available: &'a [bool],
}

impl JobView<'_> {
    /// Whether spot is available in zone `z` this tick.
    #[inline]
    pub fn spot_available_in(&self, z: usize) -> bool {
        self.spot_available.get(z).copied().unwrap_or(false)
    }

    /// The first zone with spot available this tick, in zone order.
    pub fn first_available_zone(&self) -> Option<usize> {
        self.spot_available.iter().position(|&a| a)
    }

    /// Work done so far, `c0 − ct`.
    #[inline]
    pub fn progress_ms(&self) -> i64 {
        self.work_ms - self.remaining_work_ms
    }

    /// Time left to the deadline, `R − t`.
    #[inline]
    pub fn remaining_time_ms(&self) -> i64 {
        self.deadline_ms - self.elapsed_ms
    }

    /// Time left rounded **down** to whole ticks, `⌊(R − t)/G⌋·G` (rule 4).
    #[inline]
    pub fn remaining_time_whole_ticks_ms(&self) -> i64 {
        self.remaining_time_ms().div_euclid(self.gap_ms) * self.gap_ms
    }

    /// `ms` rounded **up** to whole ticks, `⌈ms/G⌉·G` (rule 4).
    #[inline]
    pub fn ceil_ticks_ms(&self, ms: i64) -> i64 {
        (ms + self.gap_ms - 1).div_euclid(self.gap_ms) * self.gap_ms
    }

    /// The critical-window test of rule 4 with `k` overheads:
    /// `⌈(ct + k·d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`.
    ///
    /// Evaluated with one division: with `F = ⌊(R − t)/G⌋·G` (a multiple of `G`) and
    /// `x = ct + k·d`, `⌈x/G⌉·G ≥ F` ⟺ `⌈x/G⌉ ≥ F/G` ⟺ `x/G > F/G − 1` ⟺ `x > F − G`
    /// (the ceiling of a real is at least an integer `m` exactly when the real exceeds
    /// `m − 1`). Integer divisions were most of a tick's time (the job bench).
    #[inline]
    pub fn critical(&self, k: i64) -> bool {
        self.remaining_work_ms + k * self.overhead_ms
            > self.remaining_time_whole_ticks_ms() - self.gap_ms
    }

    /// The zone of the instance running now or, when idle, of the previous one (0
    /// before any).
    #[inline]
    pub fn home_zone(&self) -> usize {
        self.current.zone
    }
}

/// One tick of a run, for inspection ([`run_job_timeline`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TickRecord {
    /// Tick index from the window start.
    pub tick: usize,
    /// Spot availability per zone.
    pub spot_available: Vec<bool>,
    /// Whether a spot instance was preempted at the start of this tick.
    pub preempted: bool,
    /// What ran before the decision (after the preemption).
    pub current: Decision,
    /// What the policy asked for.
    pub requested: Decision,
    /// What ran (the request, or NONE for an infeasible spot request).
    pub ran: Decision,
    /// Whether the overhead was re-armed.
    pub rearmed: bool,
    /// Overhead paid in this tick, ms.
    pub overhead_paid_ms: i64,
    /// Work done in this tick, ms.
    pub work_done_ms: i64,
    /// Remaining work after the tick, ms.
    pub remaining_work_ms: i64,
    /// Pending overhead after the tick, ms.
    pub pending_overhead_ms: i64,
    /// Zones probed in this tick where spot was available (billed 60 s each).
    pub probes_billed: Vec<usize>,
    /// Egress paid for a migration in this tick.
    pub egress: Money,
    /// What the tick cost: the instance, probes and egress.
    pub cost: Money,
}

/// Runs `policy` on the window of `market` that starts at tick `start_tick` (tick mode).
///
/// # Errors
/// [`ConfigError`] when the market has fewer than `start_tick + ⌈D/G⌉` ticks ("trace
/// shorter than the deadline from the start"), or the policy picks a zone that does not
/// exist.
///
/// ```
/// use spotsim::job::{run_job, BuiltinPolicy, JobMarket, JobSpec, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// // Spot available, then three ticks without; G = 1 h, W = 3 h, D = 5 h, d = 0.
/// let trace = JobTrace::new(3600, vec![1, 0, 0, 0, 1, 1])?;
/// let market = JobMarket::single(&trace, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let spec = JobSpec::from_hours(3.0, 5.0, 0.0)?;
/// let r = run_job(&market, &spec, 0, &mut BuiltinPolicy::Greedy)?;
/// // spot, idle, idle, on-demand (the slack is gone), on-demand to the end: 1 + 3 + 3.
/// assert_eq!(r.total_cost.to_usd_string(2), "7.00");
/// assert!(r.deadline_met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_job<P: JobPolicy + ?Sized>(
    market: &JobMarket,
    spec: &JobSpec,
    start_tick: usize,
    policy: &mut P,
) -> Result<JobResult, ConfigError> {
    simulate(market, spec, start_tick, policy, None)
}

/// [`run_job`], also returning every tick.
///
/// # Errors
/// As [`run_job`].
pub fn run_job_timeline<P: JobPolicy + ?Sized>(
    market: &JobMarket,
    spec: &JobSpec,
    start_tick: usize,
    policy: &mut P,
) -> Result<(JobResult, Vec<TickRecord>), ConfigError> {
    let mut ticks = Vec::new();
    let r = simulate(market, spec, start_tick, policy, Some(&mut ticks))?;
    Ok((r, ticks))
}

/// The tick loop (see the module docs for each rule).
fn simulate<P: JobPolicy + ?Sized>(
    market: &JobMarket,
    spec: &JobSpec,
    start_tick: usize,
    policy: &mut P,
    mut timeline: Option<&mut Vec<TickRecord>>,
) -> Result<JobResult, ConfigError> {
    let g_secs = market.gap_secs;
    let g = g_secs * 1000;
    let n = spec.ticks(g_secs);
    if start_tick
        .checked_add(n)
        .is_none_or(|end| end > market.ticks)
    {
        return Err(ConfigError::new(
            "start",
            format!(
                "the trace is shorter than the deadline from the start: a deadline of {} h \
                 needs {n} ticks of {g_secs} s from tick {start_tick}, but the trace has {} \
                 ticks ({} valid starts)",
                spec.deadline_ms as f64 / MS_PER_HOUR as f64,
                market.ticks,
                market.valid_starts(spec)
            ),
        ));
    }
    let nz = market.zones.len();
    let mig = &market.migration;
    policy.start(&RunStart {
        market,
        spec,
        start_tick,
    });
    let (mut compute_cost, mut probe_cost, mut egress_cost) =
        (Money::ZERO, Money::ZERO, Money::ZERO);
    let mut probes_billed = 0u32;
    let mut avail = vec![false; nz];
    let mut remaining = spec.work_ms;
    let mut pending = 0i64;
    let mut last = Decision::NONE;
    let mut last_zone: Option<usize> = None;
    let mut cost = Money::ZERO;
    let (mut spot_ticks, mut od_ticks, mut idle_ticks) = (0i64, 0i64, 0i64);
    let (mut preemptions, mut restarts, mut migrations, mut infeasible) = (0u32, 0u32, 0u32, 0u32);
    let mut finish: Option<i64> = (remaining <= 1).then_some(0);
    let mut t = 0usize;
    while finish.is_none() && t < n {
        let abs = start_tick + t;
        for (a, z) in avail.iter_mut().zip(&market.zones) {
            *a = z.avail[abs];
        }
        // Preemption at the boundary: the previous tick ran (and was billed).
        let preempted = last.kind == Kind::Spot && !avail[last.zone];
        let current = if preempted {
            preemptions += 1;
            Decision::none_in(last.zone)
        } else {
            last
        };
        let view = JobView {
            tick: t,
            elapsed_ms: t as i64 * g,
            work_ms: spec.work_ms,
            remaining_work_ms: remaining,
            deadline_ms: spec.deadline_ms,
            overhead_ms: spec.overhead_ms,
            pending_overhead_ms: pending,
            gap_ms: g,
            current,
            last,
            preempted,
            spot_available: &avail,
        };
        let requested = policy.decide(&view);
        let probes = policy.probes(&view);
        if let Some(z) = probes.iter().find(|&z| z >= nz) {
            return Err(ConfigError::new(
                "policy",
                format!("probed zone {z} at tick {t}, but the market has {nz} zone(s)"),
            ));
        }
        if requested.kind != Kind::None && requested.zone >= nz {
            return Err(ConfigError::new(
                "policy",
                format!(
                    "chose zone {} at tick {t}, but the market has {nz} zone(s)",
                    requested.zone
                ),
            ));
        }
        let mut ran = requested;
        if ran.kind == Kind::Spot && !avail[ran.zone] {
            infeasible += 1;
            ran = Decision::none_in(current.zone);
        }
        // Re-arm the overhead when the request differs from what runs after preemption.
        let rearmed = ran.kind != Kind::None && (ran.restart || !ran.same_instance(current));
        let mut egress = Money::ZERO;
        if rearmed {
            pending = spec.overhead_ms;
            restarts += 1;
            // A launch in another zone than the last instance's moves the checkpoint:
            // transfer time on top of the overhead, and egress (multi_region).
            if let Some(src) = last_zone.filter(|&z| z != ran.zone) {
                migrations += 1;
                pending += mig.transfer_ms(src, ran.zone);
                egress = mig.egress(src, ran.zone);
            }
        }
        let (mut paid, mut work, mut tick_cost) = (0, 0, egress);
        egress_cost += egress;
        cost += egress;
        let mut billed = Vec::new();
        for z in probes.iter() {
            if avail[z] {
                let c = market.zones[z].spot[abs].for_seconds(PROBE_BILLING_SECS);
                probe_cost += c;
                cost += c;
                tick_cost += c;
                probes_billed += 1;
                if timeline.is_some() {
                    billed.push(z);
                }
            }
        }
        match ran.kind {
            Kind::None => idle_ticks += 1,
            kind => {
                let zd = &market.zones[ran.zone];
                let rate = if kind == Kind::Spot {
                    spot_ticks += 1;
                    zd.spot[abs]
                } else {
                    od_ticks += 1;
                    zd.ondemand
                };
                let c = rate.for_seconds(g_secs);
                tick_cost += c;
                compute_cost += c;
                cost += c;
                paid = pending.min(g);
                pending -= paid;
                work = (g - paid).min(remaining);
                remaining -= work;
                last_zone = Some(ran.zone);
                if remaining <= 1 {
                    finish = Some(t as i64 * g + paid + work);
                }
            }
        }
        if let Some(tl) = timeline.as_deref_mut() {
            tl.push(TickRecord {
                tick: t,
                spot_available: avail.clone(),
                preempted,
                current,
                requested,
                ran,
                rearmed,
                overhead_paid_ms: paid,
                work_done_ms: work,
                remaining_work_ms: remaining,
                pending_overhead_ms: pending,
                probes_billed: billed,
                egress,
                cost: tick_cost,
            });
        }
        last = if ran.kind == Kind::None {
            Decision::none_in(last_zone.unwrap_or(0))
        } else {
            Decision {
                restart: false,
                ..ran
            }
        };
        t += 1;
    }
    let finish_ms = finish.unwrap_or(t as i64 * g);
    let deadline_met = finish.is_some_and(|f| f <= spec.deadline_ms);
    let od_only = market.ondemand_only_cost(spec);
    Ok(JobResult {
        total_cost: cost,
        compute_cost,
        probe_cost,
        egress_cost,
        probes: probes_billed,
        deadline_met,
        finish_ms,
        spot_ms: spot_ticks * g,
        ondemand_ms: od_ticks * g,
        idle_ms: idle_ticks * g,
        preemptions,
        restarts,
        migrations,
        ondemand_only_cost: od_only,
        savings_pct: if od_only == Money::ZERO {
            0.0
        } else {
            100.0 * (1.0 - cost.ratio(od_only))
        },
        start_tick,
        ticks: t,
        remaining_work_ms: remaining.max(0),
        infeasible_spot_requests: infeasible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::market::money_for_ms;
    use crate::money::Rate;

    #[test]
    fn money_for_ms_matches_whole_seconds() {
        let r = Rate::parse_usd("3.06").unwrap();
        assert_eq!(money_for_ms(r, 3_600_000), r.for_seconds(3600));
        assert_eq!(
            money_for_ms(r, 125),
            Money::from_units(r.for_seconds(1).units() / 8)
        );
    }

    #[test]
    fn ceil_and_floor_ticks() {
        let avail = [true];
        let v = JobView {
            tick: 0,
            elapsed_ms: 0,
            work_ms: 10,
            remaining_work_ms: 10,
            deadline_ms: 1500,
            overhead_ms: 0,
            pending_overhead_ms: 0,
            gap_ms: 1000,
            current: Decision::NONE,
            last: Decision::NONE,
            preempted: false,
            spot_available: &avail,
        };
        assert_eq!(v.remaining_time_whole_ticks_ms(), 1000);
        assert_eq!(v.ceil_ticks_ms(1), 1000);
        assert_eq!(v.ceil_ticks_ms(1000), 1000);
        assert_eq!(v.ceil_ticks_ms(1001), 2000);
        let late = JobView {
            elapsed_ms: 2000,
            ..v
        };
        assert_eq!(late.remaining_time_whole_ticks_ms(), -1000);
    }

    /// `critical` (one division) against rule 4 written out with both roundings, on
    /// random views including negative time left and remaining work of 0 or 1.
    #[test]
    fn critical_matches_both_roundings() {
        let avail = [true];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as i64
        };
        for _ in 0..200_000 {
            let gap_ms = 1 + next(5000);
            let deadline_ms = next(200_000);
            let v = JobView {
                tick: 0,
                elapsed_ms: next(250_000),
                work_ms: 200_000,
                remaining_work_ms: next(20_000),
                deadline_ms,
                overhead_ms: next(9000),
                pending_overhead_ms: 0,
                gap_ms,
                current: Decision::NONE,
                last: Decision::NONE,
                preempted: false,
                spot_available: &avail,
            };
            for k in 0..3 {
                let work = v.remaining_work_ms + k * v.overhead_ms;
                let ceil = (work + gap_ms - 1).div_euclid(gap_ms) * gap_ms;
                let floor = (deadline_ms - v.elapsed_ms).div_euclid(gap_ms) * gap_ms;
                assert_eq!(v.critical(k), ceil >= floor, "{v:?} k = {k}");
            }
        }
    }
}
