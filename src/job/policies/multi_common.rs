//! What the multi-region policies share: the window's prices and migration costs
//! ([`Window`], cached at [`JobPolicy::start`](crate::job::JobPolicy::start)) and the
//! Uniform Progress request rule of SkyNomad's multi-region baselines ([`up_request`]).
use crate::job::{JobView, Kind, MigrationCosts, RunStart, UniformProgress};
use crate::money::{Money, Rate};

/// A window of the market as the multi-region policies read it: per-zone spot prices
/// of every tick of the window, on-demand prices, zone names and migration costs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Window {
    /// Zones.
    pub nz: usize,
    /// Tick length, ms.
    pub gap_ms: i64,
    /// Spot price of zone `z` in window tick `t`: `spot[z * ticks + t]`.
    pub spot: Vec<Rate>,
    /// Window ticks cached.
    pub ticks: usize,
    /// On-demand price per zone.
    pub ondemand: Vec<Rate>,
    /// Zone names.
    pub names: Vec<String>,
    /// Migration costs between zones.
    pub migration: Option<MigrationCosts>,
}

impl Window {
    /// Caches the window of `run`.
    pub fn new(run: &RunStart<'_>) -> Window {
        let m = run.market;
        let nz = m.zones();
        let ticks = run
            .spec
            .ticks(m.gap_secs())
            .min(m.ticks().saturating_sub(run.start_tick));
        let mut spot = Vec::with_capacity(nz * ticks);
        for z in 0..nz {
            for t in 0..ticks {
                spot.push(m.spot_price(z, run.start_tick + t).unwrap_or(Rate::ZERO));
            }
        }
        Window {
            nz,
            gap_ms: m.gap_secs() * 1000,
            spot,
            ticks,
            ondemand: (0..nz)
                .map(|z| m.ondemand_price(z).unwrap_or(Rate::ZERO))
                .collect(),
            names: (0..nz)
                .map(|z| m.zone_name(z).unwrap_or_default().to_string())
                .collect(),
            migration: Some(m.migration().clone()),
        }
    }

    /// The spot price of zone `z` in window tick `t` (the last cached tick's past the end).
    #[inline]
    pub fn spot_price(&self, z: usize, t: usize) -> Rate {
        if self.ticks == 0 {
            return Rate::ZERO;
        }
        self.spot[z * self.ticks + t.min(self.ticks - 1)]
    }

    /// Egress from zone `a` to zone `b`.
    #[inline]
    pub fn egress(&self, a: usize, b: usize) -> Money {
        self.migration
            .as_ref()
            .map_or(Money::ZERO, |m| m.egress(a, b))
    }

    /// The region of zone `z`.
    pub fn region(&self, z: usize) -> &str {
        match &self.migration {
            Some(m) => m.region(z),
            None => "",
        }
    }
}

/// The request of SkyNomad's multi-region Uniform Progress (`sky_spot/strategies/
/// multi_region_rc_cr_threshold.py`, `_compute_request_type`), given the type running
/// now and whether spot is assumed available; returns the type and whether it is a
/// *hysteresis exit* (leaving on-demand for spot ahead of schedule):
///
/// 1. SPOT if `has_spot`, else NONE;
/// 2. behind schedule (`(c0 − ct) − t·c0/R < 0`): SPOT if `has_spot`, else ON_DEMAND;
/// 3. on ON_DEMAND and (`!has_spot` or `(t + 2d)·c0/R − (c0 − ct) ≥ 0`): ON_DEMAND;
/// 4. `⌈(ct + 2d)/G⌉·G > ⌊(R − t)/G⌋·G` (**strictly**: "allow leaving ON_DEMAND when we
///    have exactly 2d slack") and on NONE or ON_DEMAND: ON_DEMAND;
/// 5. on ON_DEMAND, `has_spot`, the request is ON_DEMAND and `(t + 2d)·c0/R − (c0 − ct)
///    < 0`: SPOT — the hysteresis exit.
///
/// The reference's second net (`⌈(ct + d)/G⌉·G ≥ ⌊(R − t)/G⌋·G`) sits between 4 and 5;
/// it never decides anything there, because the environment's safety net
/// ([`SafetyNet`](super::SafetyNet)) takes over at exactly that test before the policy
/// runs, so it is left out. Rules 2 and 3 are the exact integer tests of
/// [`UniformProgress`].
pub(crate) fn up_request(v: &JobView<'_>, current: Kind, has_spot: bool) -> (Kind, bool) {
    let mut req = if has_spot { Kind::Spot } else { Kind::None };
    if UniformProgress::behind_schedule(v) {
        req = if has_spot { Kind::Spot } else { Kind::OnDemand };
    }
    let hyst = UniformProgress::hysteresis_holds(v);
    if current == Kind::OnDemand && (!has_spot || hyst) {
        req = Kind::OnDemand;
    }
    let two_d = v.ceil_ticks_ms(v.remaining_work_ms + 2 * v.overhead_ms);
    if two_d > v.remaining_time_whole_ticks_ms() && matches!(current, Kind::None | Kind::OnDemand) {
        req = Kind::OnDemand;
    }
    if current == Kind::OnDemand && has_spot && req == Kind::OnDemand && !hyst {
        return (Kind::Spot, true);
    }
    (req, false)
}

/// Python's `int(round(x))` (ties to even), for the reference's probe intervals.
pub(crate) fn round_half_even(x: f64) -> i64 {
    x.round_ties_even() as i64
}

/// Probe interval in ticks: `max(1, round(minutes·60/G))` (the reference's `reset`).
pub(crate) fn interval_ticks(minutes: f64, gap_ms: i64) -> usize {
    let g = (gap_ms / 1000).max(1) as f64;
    round_half_even(minutes.max(0.0) * 60.0 / g).max(1) as usize
}
