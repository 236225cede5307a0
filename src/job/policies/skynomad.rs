use std::collections::VecDeque;

use crate::job::{
    Decision, JobPolicy, JobView, Kind, Relationship, RunStart, ZoneSet, transfer_time_secs,
};

use super::multi_common::Window;
use super::skynomad_lifetime::{Burst, Event, RegionState, Source};

/// How SkyNomad values an hour of progress, `V` (USD per hour of work).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgressValue {
    /// `V = max(c_od · (W − p)·D / ((D − t)·W), cheapest spot price now)` — the rate
    /// ratio (`unified_cost_model_v_variants.py`, `UnifiedCostModelRateRatio`).
    RateRatio,
    /// `V = 1.2 × c_ref`, the estimated cost per hour of covering the remaining work with
    /// on-demand and spot mixed by each zone's estimated availability and lifetime
    /// (`unified_cost_model.py`, `_compute_time_value`, `_estimate_reference_cost`).
    ReferenceCost,
}

/// Every tunable of SkyNomad's unified cost model, with the reference's defaults
/// (`unified_cost_model.py`, `UnifiedCostModelStrategy._from_args`; `skynomad-oracle`'s
/// `--oracle-v` in `unified_cost_model_oracle.py`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SkyNomadOptions {
    /// Spot zones tried per tick, 0 = unlimited (`--max-attempts-per-tick`, 0).
    pub max_attempts_per_tick: usize,
    /// Price migrations (transfer time × V + egress) into the options
    /// (`--ignore-migration-penalty` unset: true).
    pub migration_penalty: bool,
    /// Value-of-information gating: leave the running instance only for an option worth
    /// `voi_delta_base + voi_k_checkpoint·S + voi_k_v·V` more per hour (`--voi-gating`,
    /// true).
    pub voi_gating: bool,
    /// USD per hour (`--voi-delta-base`, 0.5).
    pub voi_delta_base: f64,
    /// USD per hour per GB of checkpoint (`--voi-k-checkpoint`, 0.0002).
    pub voi_k_checkpoint: f64,
    /// Share of `V` (`--voi-k-v`, 0.05).
    pub voi_k_v: f64,
    /// Ticks between probes of a zone (`--probe-interval-ticks`, 6).
    pub probe_interval_ticks: usize,
    /// Re-probe zones whose probe already succeeded (`--probe-revalidate`, false).
    pub probe_revalidate: bool,
    /// Keep observing a zone's availability as a run while nothing runs there
    /// (`--virtual-availability`, false; the V100 figure runs with it on).
    pub virtual_availability: bool,
    /// Cap of the lifetime estimate, hours (`--max-prediction-hours`, 2; the V100
    /// figure lifts it to 1e9).
    pub max_prediction_hours: f64,
    /// Window of the recent progress rate, hours (`--progress-window-hours`, 10).
    pub progress_window_hours: f64,
    /// The progress value: `skynomad` uses the rate ratio; `skynomad-oracle`'s default
    /// is the reference cost (`--oracle-v reference_cost`; the V100 figure uses
    /// `rate_ratio`).
    pub value: ProgressValue,
}

impl SkyNomadOptions {
    /// `skynomad`'s defaults.
    pub fn skynomad() -> SkyNomadOptions {
        SkyNomadOptions {
            max_attempts_per_tick: 0,
            migration_penalty: true,
            voi_gating: true,
            voi_delta_base: 0.5,
            voi_k_checkpoint: 0.0002,
            voi_k_v: 0.05,
            probe_interval_ticks: 6,
            probe_revalidate: false,
            virtual_availability: false,
            max_prediction_hours: 2.0,
            progress_window_hours: 10.0,
            value: ProgressValue::RateRatio,
        }
    }

    /// `skynomad-oracle`'s defaults (the reference cost as progress value).
    pub fn oracle() -> SkyNomadOptions {
        SkyNomadOptions {
            value: ProgressValue::ReferenceCost,
            ..SkyNomadOptions::skynomad()
        }
    }
}

impl Default for SkyNomadOptions {
    fn default() -> Self {
        SkyNomadOptions::skynomad()
    }
}

/// Hours of availability kept by the availability estimate (12 h,
/// `_availability_window_seconds`).
const AVAILABILITY_WINDOW_SECS: f64 = 12.0 * 3600.0;

/// **skynomad** (and **skynomad-oracle**) — SkyNomad's unified cost model
/// (`sky_spot/strategies/unified_cost_model.py`, `UnifiedCostModelStrategy`, with the
/// rate-ratio progress value of `unified_cost_model_v_variants.py`,
/// `UnifiedCostModelRateRatio`; SkyNomad paper §3–§4). Run it under
/// [`SafetyNet`](super::SafetyNet) ([`skynomad`](super::skynomad),
/// [`skynomad_oracle`](super::skynomad_oracle)).
///
/// Every tick it prices each option in USD per hour and takes the best:
///
/// * **the progress value `V`** ([`ProgressValue`]): what an hour of work is worth now;
/// * **spot in zone `r`**: `(V·(E − d) − c_spot·E)/E` with `E` the zone's expected spot
///   lifetime (hours; the running zone's counts without `d`), less the migration penalty
///   `(transfer_h·V + egress)/E` from the zone of the last instance;
/// * **on-demand in zone `r`**: `V − c_od`, less `(d + transfer_h)·V + egress`;
/// * **idle**: 0 (choosing it keeps whatever runs: the reference only terminates when it
///   launches something new).
///
/// Options below 0 are dropped; with value-of-information gating (default), leaving the
/// running instance needs `voi_delta_base + voi_k_checkpoint·S + voi_k_v·V` more than its
/// own value. Options are tried from the best down while better than the running one;
/// spot launches that fail are recorded. After the decision, zones not running the job,
/// not refused a launch this tick and never successfully probed are probed every
/// `probe_interval_ticks`.
///
/// **The lifetime estimate** `E`: each zone's runs (spot runs, and "virtual" runs opened
/// by a successful probe) form segments ended by a preemption (failure) or by the policy
/// (censored); a Nelson–Aalen cumulative hazard with an exponential tail is built from
/// them, scaled by a burst factor `g ≥ 1` (the densest recent ratio of failures to
/// expected hazard, `_burst_compute_suffix`), and `E` is the expected remaining lifetime
/// at the zone's current age (`_expected_duration_jitter`), capped at
/// `max_prediction_hours` and at the time left. The **oracle** variant takes `E` from the
/// trace instead: the contiguous spot availability from now (0 where spot is not
/// available now), and probes nothing (`unified_cost_model_oracle.py`).
///
/// Decisions are computed in `f64`, as the reference computes them; costs are billed
/// exactly by the tick model.
#[derive(Clone, Debug)]
pub struct SkyNomad {
    pub(super) opts: SkyNomadOptions,
    pub(super) oracle: bool,
    pub(super) window: Window,
    /// Oracle: contiguous available ticks from window tick `t` to the trace's end,
    /// `run_len[z * ticks + t]`.
    pub(super) run_len: Vec<u32>,
    pub(super) work_s: f64,
    pub(super) deadline_s: f64,
    pub(super) overhead_s: f64,
    pub(super) gap_s: f64,
    pub(super) checkpoint_gb: f64,
    pub(super) count_transfer: bool,
    pub(super) done_per_tick: Vec<f64>,
    pub(super) last_remaining_ms: i64,
    pub(super) now: f64,
    pub(super) tick: usize,
    pub(super) events: Vec<Vec<Event>>,
    pub(super) state: Vec<RegionState>,
    pub(super) active_spot: Option<usize>,
    pub(super) terminated_by_us: bool,
    pub(super) last_region: Option<usize>,
    pub(super) next_probe: Vec<usize>,
    pub(super) probes_active: Vec<bool>,
    pub(super) failed_this_tick: Vec<bool>,
    pub(super) probe_age_h: Vec<f64>,
    pub(super) probe_cost: Vec<f64>,
    pub(super) last_probe_cost: Vec<f64>,
    pub(super) virtual_available: Vec<Option<bool>>,
    pub(super) burst: Vec<VecDeque<Burst>>,
    pub(super) g_hat: Vec<f64>,
    pub(super) last_real_age: Vec<Option<f64>>,
    pub(super) last_virtual_age: Vec<Option<f64>>,
    pub(super) tick_failures: Vec<u32>,
    pub(super) probes: ZoneSet,
}

impl SkyNomad {
    /// `skynomad` with `opts` (lifetimes estimated).
    pub fn new(opts: SkyNomadOptions) -> SkyNomad {
        SkyNomad::with(opts, false)
    }

    /// `skynomad-oracle` with `opts` (true lifetimes from the trace, no probes).
    pub fn oracle(opts: SkyNomadOptions) -> SkyNomad {
        SkyNomad::with(opts, true)
    }

    fn with(opts: SkyNomadOptions, oracle: bool) -> SkyNomad {
        SkyNomad {
            opts,
            oracle,
            window: Window::default(),
            run_len: Vec::new(),
            work_s: 0.0,
            deadline_s: 0.0,
            overhead_s: 0.0,
            gap_s: 1.0,
            checkpoint_gb: 0.0,
            count_transfer: false,
            done_per_tick: Vec::new(),
            last_remaining_ms: 0,
            now: 0.0,
            tick: 0,
            events: Vec::new(),
            state: Vec::new(),
            active_spot: None,
            terminated_by_us: false,
            last_region: None,
            next_probe: Vec::new(),
            probes_active: Vec::new(),
            failed_this_tick: Vec::new(),
            probe_age_h: Vec::new(),
            probe_cost: Vec::new(),
            last_probe_cost: Vec::new(),
            virtual_available: Vec::new(),
            burst: Vec::new(),
            g_hat: Vec::new(),
            last_real_age: Vec::new(),
            last_virtual_age: Vec::new(),
            tick_failures: Vec::new(),
            probes: ZoneSet::EMPTY,
        }
    }

    pub(super) fn nz(&self) -> usize {
        self.window.nz
    }

    pub(super) fn spot_price(&self, z: usize) -> f64 {
        self.window.spot_price(z, self.tick).to_usd_f64()
    }

    fn od_price(&self, z: usize) -> f64 {
        self.window.ondemand[z].to_usd_f64()
    }

    fn progress_s(&self) -> f64 {
        self.done_per_tick.iter().sum()
    }

    // ----- estimates ---------------------------------------------------------------

    /// Expected spot lifetime of zone `z`, hours; `remaining_s` caps it (`None`: the
    /// time to the deadline for the estimate; no cap for the oracle, as in the
    /// reference).
    fn expected_duration_h(&self, z: usize, remaining_s: Option<f64>) -> f64 {
        if self.oracle {
            let t = self.tick;
            let len = self
                .run_len
                .get(z * self.window.ticks + t)
                .copied()
                .unwrap_or(0);
            let mut d = f64::from(len) * self.gap_s / 3600.0;
            if let Some(r) = remaining_s.filter(|&r| r > 0.0) {
                d = d.min(r / 3600.0);
            }
            return d;
        }
        let st = &self.state[z];
        let mut age = st.current_age_h.unwrap_or(0.0);
        if self.opts.virtual_availability {
            age = age.max(self.probe_age_h[z]);
        }
        let mut pred = self.expected_jitter(z, age);
        if pred > self.opts.max_prediction_hours {
            pred = self.opts.max_prediction_hours;
        }
        let remaining = remaining_s.unwrap_or(self.deadline_s - self.now);
        if remaining > 0.0 && pred > remaining / 3600.0 {
            pred = remaining / 3600.0;
        }
        pred
    }

    fn availability(&self, z: usize) -> f64 {
        let now = self.now;
        let ws = (now - AVAILABILITY_WINDOW_SECS).max(0.0);
        let st = &self.state[z];
        let mut avail = 0.0;
        for s in &st.segments {
            let (a, b) = (s.start.max(ws), s.end.min(now));
            if b > a {
                avail += b - a;
            }
        }
        if let Some(cs) = st.current_start {
            let a = cs.max(ws);
            if now > a {
                avail += now - a;
            }
        }
        let denom = AVAILABILITY_WINDOW_SECS.min(now);
        if denom <= 0.0 || (st.segments.is_empty() && st.current_start.is_none()) {
            return 0.0;
        }
        (avail / denom).clamp(0.0, 1.0)
    }

    fn recent_rate(&self) -> f64 {
        let t = self.now;
        let p = self.progress_s();
        if t < 600.0 {
            return if t > 0.0 { p / t } else { 0.0 };
        }
        let ws = (t - self.opts.progress_window_hours * 3600.0).max(0.0);
        let ws_tick = (ws / self.gap_s) as usize;
        let (mut at_ws, mut cum) = (0.0, 0.0);
        for (i, &w) in self.done_per_tick.iter().enumerate() {
            if i < ws_tick {
                at_ws += w;
            }
            cum += w;
        }
        let span = t - ws;
        let rate = if span > 0.0 {
            (cum - at_ws) / span
        } else {
            0.0
        };
        rate.clamp(0.0, 1.0)
    }

    fn od_weight(&self) -> f64 {
        let (d_w, t_d, p, t) = (self.work_s, self.deadline_s, self.progress_s(), self.now);
        let d = 2.0 * self.overhead_s;
        if t <= 0.0 {
            return 0.0;
        }
        if (p - t).abs() < 1e-6 {
            return 0.5;
        }
        let rate = self.recent_rate();
        if (rate - 1.0).abs() < 1e-6 {
            return 0.0;
        }
        let x = (rate * t - p + (d_w + d - t_d)) / (rate - 1.0);
        if x >= t_d {
            0.0
        } else if x <= 0.0 {
            1.0
        } else {
            ((t_d - x) / (t_d - t)).clamp(0.0, 1.0)
        }
    }

    fn reference_cost(&self, remaining_work: f64, remaining_time: f64) -> f64 {
        let c_od = (0..self.nz())
            .map(|z| self.od_price(z))
            .fold(f64::INFINITY, f64::min);
        let restart_h = self.overhead_s / 3600.0;
        // (adjusted price, contribution)
        let mut info: Vec<(f64, f64)> = Vec::new();
        for z in 0..self.nz() {
            let spot = self.spot_price(z);
            let avail = self.availability(z);
            let e = self.expected_duration_h(z, Some(remaining_time));
            let eff_rate = if e > restart_h {
                (e - restart_h) / e
            } else {
                0.0
            };
            let contribution = avail * remaining_time * eff_rate;
            if contribution > 0.0 {
                let eff_h = (e - restart_h).max(1e-6);
                info.push((spot * e / eff_h, contribution));
            }
        }
        info.sort_by(|a, b| a.0.total_cmp(&b.0));
        let od_fraction = self.od_weight().clamp(0.0, 1.0);
        let od_assigned = od_fraction * remaining_work;
        let mut od_total = od_assigned;
        let spot_target = (remaining_work - od_assigned).max(0.0);
        let mut total = od_assigned / 3600.0 * c_od;
        let (mut spot_assigned, mut spot_cost, mut used) = (0.0, 0.0, 0usize);
        for &(price, contribution) in &info {
            if spot_assigned >= spot_target {
                break;
            }
            let a = contribution.min(spot_target - spot_assigned);
            if a <= 0.0 {
                continue;
            }
            used += 1;
            spot_cost += a / 3600.0 * price;
            spot_assigned += a;
        }
        if spot_assigned < spot_target {
            let deficit = spot_target - spot_assigned;
            od_total += deficit;
            total += deficit / 3600.0 * c_od;
        }
        total += spot_cost;
        let mut c_ref = total / (remaining_work / 3600.0).max(1e-6);
        if (used > 0 || od_total > 0.0) && self.checkpoint_gb > 0.0 {
            let n_used = used + usize::from(od_total > 0.0);
            if n_used > 1 {
                let egress = (n_used - 1) as f64 * self.checkpoint_gb * 0.02;
                c_ref += egress / (remaining_work / 3600.0).max(1e-6);
            }
        }
        c_ref
    }

    fn value(&self) -> f64 {
        let remaining_work = self.work_s - self.progress_s();
        let remaining_time = self.deadline_s - self.now;
        if remaining_time <= 0.0 {
            return f64::INFINITY;
        }
        if remaining_work <= 0.0 {
            return 0.0;
        }
        match self.opts.value {
            ProgressValue::RateRatio => {
                let c_od = (0..self.nz())
                    .map(|z| self.od_price(z))
                    .fold(f64::INFINITY, f64::min);
                let c_spot = (0..self.nz())
                    .map(|z| self.spot_price(z))
                    .fold(f64::INFINITY, f64::min);
                let ratio = (remaining_work * self.deadline_s) / (remaining_time * self.work_s);
                (c_od * ratio).max(c_spot)
            }
            ProgressValue::ReferenceCost => {
                self.reference_cost(remaining_work, remaining_time) * 1.2
            }
        }
    }

    fn migration_penalty(&self, from: usize, to: usize, v: f64, duration_h: Option<f64>) -> f64 {
        if from == to {
            return 0.0;
        }
        let names = &self.window.names;
        let rel = Relationship::of(&names[from], &names[to]);
        let mut transfer_h = transfer_time_secs(rel, self.checkpoint_gb) / 3600.0;
        if matches!(
            rel,
            Relationship::CrossRegion | Relationship::CrossContinent
        ) && !self.count_transfer
        {
            transfer_h = 0.0;
        }
        let egress = self.window.egress(from, to).to_usd_f64();
        let p = match duration_h {
            Some(e) => (transfer_h * v + egress) / e.max(1e-6),
            None => (self.overhead_s / 3600.0 + transfer_h) * v + egress,
        };
        if p > 0.0 { p } else { 0.0 }
    }

    fn spot_net_value(&self, z: usize, v: f64, ignore_restart: bool) -> f64 {
        let duration = self.expected_duration_h(z, None);
        let restart_h = self.overhead_s / 3600.0;
        let eff = if ignore_restart {
            duration.max(0.0)
        } else {
            (duration - restart_h).max(0.0)
        };
        if eff <= 0.0 {
            return f64::NEG_INFINITY;
        }
        (v * eff - self.spot_price(z) * duration) / duration
    }

    // ----- outcomes ----------------------------------------------------------------

    fn before_spot_launch(&mut self, z: usize) {
        if self.probes_active[z] {
            self.record_end(z, Source::Probe, false);
            self.probes_active[z] = false;
            self.last_virtual_age[z] = None;
        }
    }

    fn spot_launched(&mut self, z: usize) {
        self.record_start(z, Source::Spot);
        self.active_spot = Some(z);
        self.terminated_by_us = false;
        self.last_region = Some(z);
        self.failed_this_tick[z] = false;
        self.last_real_age[z] = Some(0.0);
        self.last_virtual_age[z] = None;
        self.update_virtual(z, false);
    }

    fn spot_launch_failed(&mut self, z: usize) {
        self.failed_this_tick[z] = true;
        self.tick_failures[z] += 1;
        self.update_virtual(z, false);
    }

    fn terminating(&mut self, z: usize) {
        if self.active_spot == Some(z) {
            self.terminated_by_us = true;
        }
        self.update_virtual(z, false);
    }

    /// Probes after the decision (none for the oracle); `primary` is the zone the job
    /// runs in (or will), excluded; `running` is the instance running in this tick.
    ///
    /// The probe cost a zone has accumulated feeds the virtual-availability age. The
    /// reference reads it from its environment, which books a successful probe in the
    /// zone of the running instance (possible when idling wins and the instance is
    /// kept) as that instance's bill for the tick (on-demand: the whole tick; spot:
    /// 60 s); it is mirrored here so that the estimates, and so the decisions, agree.
    /// spotsim bills such a probe 60 s of spot like any other (see `multi_region`).
    fn post_step(&mut self, v: &JobView<'_>, primary: Option<usize>, running: Decision) {
        if self.oracle {
            return;
        }
        let interval = self.opts.probe_interval_ticks.max(1);
        for z in 0..self.nz() {
            if Some(z) == primary
                || (self.probes_active[z] && !self.opts.probe_revalidate)
                || self.failed_this_tick[z]
                || self.tick < self.next_probe[z]
            {
                continue;
            }
            self.probes.insert(z);
            if v.spot_available_in(z) {
                if !self.probes_active[z] {
                    self.record_start(z, Source::Probe);
                    self.probes_active[z] = true;
                    self.last_virtual_age[z] = Some(0.0);
                    self.update_virtual(z, true);
                }
                self.probe_cost[z] += if running.kind == Kind::OnDemand && running.zone == z {
                    self.od_price(z) * self.gap_s / 3600.0
                } else {
                    self.spot_price(z) * 60.0 / 3600.0
                };
            } else {
                if self.probes_active[z] {
                    self.record_end(z, Source::Probe, true);
                }
                self.probes_active[z] = false;
                self.tick_failures[z] += 1;
                self.last_virtual_age[z] = None;
                self.update_virtual(z, false);
            }
            self.next_probe[z] = self.tick + interval;
        }
        self.failed_this_tick.fill(false);
    }
}

impl JobPolicy for SkyNomad {
    fn start(&mut self, run: &RunStart<'_>) {
        let window = Window::new(run);
        let nz = window.nz;
        let m = run.market;
        let mut fresh = SkyNomad::with(self.opts, self.oracle);
        if self.oracle {
            // Contiguous availability from each window tick to the end of the trace.
            let ticks = window.ticks;
            let mut run_len = vec![0u32; nz * ticks];
            for z in 0..nz {
                let mut n = 0u32;
                for abs in (run.start_tick..m.ticks()).rev() {
                    n = if m.spot_available(z, abs) { n + 1 } else { 0 };
                    let t = abs - run.start_tick;
                    if t < ticks {
                        run_len[z * ticks + t] = n;
                    }
                }
            }
            fresh.run_len = run_len;
        }
        let opts = m.migration().options();
        fresh.checkpoint_gb = opts.map_or(0.0, |o| o.checkpoint_gb);
        fresh.count_transfer = opts.is_some_and(|o| o.count_transfer_time);
        fresh.work_s = run.spec.work_ms as f64 / 1000.0;
        fresh.deadline_s = run.spec.deadline_ms as f64 / 1000.0;
        fresh.overhead_s = run.spec.overhead_ms as f64 / 1000.0;
        fresh.gap_s = m.gap_secs() as f64;
        fresh.last_remaining_ms = run.spec.work_ms;
        fresh.events = vec![Vec::new(); nz];
        fresh.state = vec![RegionState::default(); nz];
        fresh.next_probe = vec![0; nz];
        fresh.probes_active = vec![false; nz];
        fresh.failed_this_tick = vec![false; nz];
        fresh.probe_age_h = vec![0.0; nz];
        fresh.probe_cost = vec![0.0; nz];
        fresh.last_probe_cost = vec![0.0; nz];
        fresh.virtual_available = vec![None; nz];
        fresh.burst = vec![VecDeque::new(); nz];
        fresh.g_hat = vec![1.0; nz];
        fresh.last_real_age = vec![None; nz];
        fresh.last_virtual_age = vec![None; nz];
        fresh.tick_failures = vec![0; nz];
        fresh.window = window;
        *self = fresh;
    }

    fn probes(&mut self, _v: &JobView<'_>) -> ZoneSet {
        self.probes
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.probes = ZoneSet::EMPTY;
        self.tick = v.tick;
        self.now = v.elapsed_ms as f64 / 1000.0;
        let done = self.last_remaining_ms - v.remaining_work_ms;
        self.done_per_tick.push(done as f64 / 1000.0);
        self.last_remaining_ms = v.remaining_work_ms;
        let cur = v.current;
        // 1. Preemptions.
        if let Some(z) = self.active_spot
            && !(cur.kind == Kind::Spot && cur.zone == z)
        {
            let failure = !self.terminated_by_us;
            self.record_end(z, Source::Spot, failure);
            self.update_virtual(z, false);
            self.active_spot = None;
            self.terminated_by_us = false;
        }
        // 2–3. Derived state, burst model.
        self.rebuild();
        self.jitter_update();
        // 5. Progress value; 6. the current instance's value.
        let v_h = self.value();
        let running = cur.kind != Kind::None;
        let current_zone = running.then_some(cur.zone);
        let mut current_value = 0.0;
        if running {
            current_value = match cur.kind {
                Kind::Spot => self.spot_net_value(cur.zone, v_h, true),
                _ => v_h - self.od_price(cur.zone),
            };
            self.last_region = Some(cur.zone);
        }
        // 7. Options: (value, kind, zone).
        let ckpt = self.checkpoint_gb;
        let origin = current_zone.or(self.last_region);
        let delta =
            self.opts.voi_delta_base + self.opts.voi_k_checkpoint * ckpt + self.opts.voi_k_v * v_h;
        let mut options: Vec<(f64, Kind, usize)> = vec![(0.0, Kind::None, 0)];
        for z in 0..self.nz() {
            let ignore = cur.kind == Kind::Spot && Some(z) == current_zone;
            let base = self.spot_net_value(z, v_h, ignore);
            let mut penalty = 0.0;
            if let (true, Some(o)) = (self.opts.migration_penalty, origin) {
                let d = self.expected_duration_h(z, None);
                penalty = self.migration_penalty(o, z, v_h, Some(d));
            }
            let value = base - penalty;
            if value < 0.0 {
                continue;
            }
            if self.opts.voi_gating
                && current_zone.is_some_and(|c| c != z)
                && value <= current_value + delta
            {
                continue;
            }
            options.push((value, Kind::Spot, z));
        }
        for z in 0..self.nz() {
            let mut value = v_h - self.od_price(z);
            if let (true, Some(o)) = (self.opts.migration_penalty, origin) {
                value -= self.migration_penalty(o, z, v_h, None);
            }
            if value < 0.0 {
                continue;
            }
            if cur.kind == Kind::OnDemand && current_zone == Some(z) {
                continue;
            }
            if self.opts.voi_gating && running && value <= current_value + delta {
                continue;
            }
            options.push((value, Kind::OnDemand, z));
        }
        // 8. Best first (stable: equal values keep idle, spot, on-demand order).
        options.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        // 9. Try them.
        let mut attempts = 0usize;
        for &(value, kind, z) in &options {
            if value <= current_value {
                break;
            }
            if running && kind == cur.kind && current_zone == Some(z) {
                continue;
            }
            let launched = match kind {
                Kind::Spot => {
                    self.before_spot_launch(z);
                    attempts += 1;
                    if v.spot_available_in(z) {
                        self.spot_launched(z);
                        true
                    } else {
                        self.spot_launch_failed(z);
                        false
                    }
                }
                _ => true,
            };
            if launched {
                if kind == Kind::None {
                    // Idle wins: keep whatever runs; nothing new to terminate.
                    self.last_region = None;
                    self.post_step(v, None, cur);
                    return cur;
                }
                self.last_region = Some(z);
                if let Some(c) = current_zone {
                    self.terminating(c);
                }
                let d = match kind {
                    Kind::Spot => Decision::spot(z),
                    _ => Decision::on_demand(z),
                };
                self.post_step(v, Some(z), d);
                return d;
            }
            if self.opts.max_attempts_per_tick > 0 && attempts >= self.opts.max_attempts_per_tick {
                break;
            }
        }
        // 10. Keep the current instance.
        self.post_step(v, current_zone, cur);
        cur
    }
}
