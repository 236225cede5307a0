//! SkyNomad's lifetime model, split out of `skynomad` (one concept per file): the
//! per-zone run events, the segments rebuilt from them, the Nelson–Aalen cumulative
//! hazard and the burst ("jitter") factor (`unified_cost_model.py`: `_record_start`,
//! `_record_end`, `_update_virtual_availability`, `_rebuild_derived_state`,
//! `_burst_*`, `_na_build_knots`, `_na_H0_value`, `_expected_duration_jitter`,
//! `_jitter_update_once_per_tick`).
use super::skynomad::SkyNomad;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Source {
    Spot,
    Probe,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) start: bool,
    pub(super) time: f64,
    pub(super) source: Source,
    pub(super) failure: bool,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Segment {
    pub(super) start: f64,
    pub(super) end: f64,
    pub(super) duration_h: f64,
    pub(super) failure: bool,
}

#[derive(Clone, Debug, Default)]
pub(super) struct RegionState {
    pub(super) segments: Vec<Segment>,
    pub(super) current_age_h: Option<f64>,
    pub(super) current_source: Option<Source>,
    pub(super) current_start: Option<f64>,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Burst {
    pub(super) risk: f64,
    pub(super) failures: f64,
}

impl SkyNomad {
    // ----- raw events ------------------------------------------------------------

    pub(super) fn record_start(&mut self, z: usize, source: Source) {
        self.events[z].push(Event {
            start: true,
            time: self.now,
            source,
            failure: false,
        });
    }

    pub(super) fn record_end(&mut self, z: usize, source: Source, failure: bool) {
        self.events[z].push(Event {
            start: false,
            time: self.now,
            source,
            failure,
        });
        if failure {
            self.tick_failures[z] += 1;
        }
    }

    pub(super) fn update_virtual(&mut self, z: usize, available: bool) {
        if !self.opts.virtual_availability || self.active_spot == Some(z) {
            return;
        }
        match self.virtual_available[z] {
            None => {
                if available {
                    self.record_start(z, Source::Probe);
                }
                self.virtual_available[z] = Some(available);
            }
            Some(prev) if prev == available => {}
            Some(prev) => {
                if prev {
                    self.record_end(z, Source::Probe, true);
                } else {
                    self.record_start(z, Source::Probe);
                }
                self.virtual_available[z] = Some(available);
            }
        }
    }

    pub(super) fn rebuild(&mut self) {
        if self.opts.virtual_availability {
            for z in 0..self.nz() {
                let delta = self.probe_cost[z] - self.last_probe_cost[z];
                if delta > 1e-9 {
                    let price = self.spot_price(z);
                    if price > 0.0 {
                        self.probe_age_h[z] += delta / price;
                    }
                }
                self.last_probe_cost[z] = self.probe_cost[z];
            }
        }
        for z in 0..self.nz() {
            let mut segments = Vec::new();
            let (mut cur_start, mut cur_source) = (None::<f64>, None::<Source>);
            for ev in &self.events[z] {
                if ev.start {
                    cur_start = Some(ev.time);
                    cur_source = Some(ev.source);
                } else {
                    if let Some(s) = cur_start {
                        segments.push(Segment {
                            start: s,
                            end: ev.time,
                            duration_h: ((ev.time - s) / 3600.0).max(0.0),
                            failure: ev.failure,
                        });
                    }
                    cur_start = None;
                    cur_source = None;
                }
            }
            let st = &mut self.state[z];
            st.segments = segments;
            st.current_start = cur_start;
            st.current_source = cur_source;
            st.current_age_h = cur_start.map(|s| ((self.now - s) / 3600.0).max(0.0));
        }
    }

    // ----- burst model -----------------------------------------------------------

    pub(super) fn burst_suffix_ratio(&self, z: usize) -> f64 {
        let events = &self.burst[z];
        if events.is_empty() {
            return 0.0;
        }
        let eps = 1e-6;
        let (mut total_risk, mut total_fail, mut len) = (0.0f64, 0.0f64, 0usize);
        let (mut best_len, mut best_ratio) = (0usize, 0.0f64);
        for e in events.iter().rev() {
            let risk = e.risk.max(0.0);
            let fail = e.failures.max(0.0);
            total_risk += risk;
            total_fail += fail;
            len += 1;
            if len == 1 && total_risk <= eps && total_fail <= 0.0 {
                continue;
            }
            if total_risk > 1.0 + 1e-9 {
                if len == 1 {
                    let eff = total_risk.max(if total_fail > 0.0 { eps } else { total_risk });
                    best_ratio = if eff > 0.0 { total_fail / eff } else { 0.0 };
                    best_len = len;
                }
                break;
            }
            let mut eff = total_risk;
            if eff <= 0.0 {
                eff = if total_fail > 0.0 { eps } else { 0.0 };
            }
            let ratio = if eff > 0.0 { total_fail / eff } else { 0.0 };
            if best_len == 0
                || ratio > best_ratio + 1e-9
                || ((ratio - best_ratio).abs() <= 1e-9 && len < best_len)
            {
                best_len = len;
                best_ratio = ratio;
            }
        }
        if best_len == 0
            && let Some(latest) = events.back()
        {
            let f = latest.failures;
            let raw = latest.risk;
            let r = if raw > 0.0 {
                raw
            } else if f > 0.0 {
                eps
            } else {
                0.0
            };
            best_ratio = if r > 0.0 { f / r } else { 0.0 };
        }
        best_ratio
    }

    pub(super) fn burst_append(&mut self, z: usize, risk: f64, failures: u32) {
        let risk = risk.max(0.0);
        if risk <= 0.0 && failures == 0 {
            return;
        }
        let ev = &mut self.burst[z];
        ev.push_back(Burst {
            risk,
            failures: f64::from(failures),
        });
        let mut total: f64 = ev.iter().map(|e| e.risk).sum();
        while let Some(front) = ev.front() {
            if total - front.risk >= 8.0 {
                total -= front.risk;
                ev.pop_front();
            } else {
                break;
            }
        }
        let total: f64 = ev.iter().map(|e| e.risk).sum();
        self.g_hat[z] = if total < 1.0 {
            1.0
        } else {
            self.burst_suffix_ratio(z).max(1.0)
        };
    }

    // ----- Nelson–Aalen ------------------------------------------------------------

    pub(super) fn knots(&self, z: usize) -> (Vec<(f64, f64)>, f64) {
        let eps = 1e-8;
        let st = &self.state[z];
        if st.segments.is_empty() && !self.opts.virtual_availability {
            return (Vec::new(), eps);
        }
        let mut samples: Vec<(f64, bool)> = st
            .segments
            .iter()
            .map(|s| (s.duration_h, s.failure))
            .collect();
        if self.opts.virtual_availability {
            if let Some(a) = st.current_age_h.filter(|&a| a > 0.0) {
                samples.push((a, false));
            }
            if samples.is_empty() {
                return (Vec::new(), eps);
            }
        }
        let mut failure_times: Vec<f64> = samples
            .iter()
            .filter(|&&(d, f)| f && d >= 0.0)
            .map(|&(d, _)| d)
            .collect();
        failure_times.sort_by(f64::total_cmp);
        failure_times.dedup();
        if failure_times.is_empty() {
            return (Vec::new(), eps);
        }
        let mut knots = Vec::new();
        for &tau in &failure_times {
            let d_j = samples
                .iter()
                .filter(|&&(d, f)| f && (d - tau).abs() <= 1e-9)
                .count() as f64;
            let n_j = samples.iter().filter(|&&(d, _)| d + 1e-9 >= tau).count() as f64;
            let step = if d_j > 0.0 { d_j / n_j.max(1e-12) } else { 0.0 };
            if step > 0.0 {
                knots.push((tau, step));
            }
        }
        let tail = knots.last().map_or(eps, |&(_, s)| s.max(eps));
        (knots, tail)
    }

    pub(super) fn h0(knots: &[(f64, f64)], t: f64, tail: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if knots.is_empty() {
            return (t * tail).max(0.0);
        }
        let (mut s, mut last_tau) = (0.0, 0.0);
        for &(tau, step) in knots {
            if tau >= t {
                break;
            }
            s += step;
            last_tau = tau;
        }
        if t > last_tau && tail > 0.0 {
            s += (t - last_tau) * tail;
        }
        s
    }

    pub(super) fn expected_jitter(&self, z: usize, age_h: f64) -> f64 {
        let (knots, tail) = self.knots(z);
        let g = self.g_hat[z].max(1e-6);
        let (mut e, mut surv, mut t) = (0.0, 1.0, age_h.max(0.0));
        let gap_h = self.gap_s / 3600.0;
        for &(tau, step) in &knots {
            if tau <= t + 1e-12 {
                continue;
            }
            e += surv * (tau - t);
            surv *= (-g * step).exp();
            t = tau;
        }
        if tail > 1e-12 {
            let inc = tail.max(1e-12);
            let denom = 1.0 - (-g * inc).exp();
            e += if denom > 1e-9 {
                surv * gap_h / denom
            } else {
                surv * gap_h / (g * inc).max(1e-9)
            };
        }
        e.max(0.0)
    }

    pub(super) fn jitter_update(&mut self) {
        let dt_h = self.gap_s / 3600.0;
        for z in 0..self.nz() {
            let (knots, tail) = self.knots(z);
            let tail = tail.max(1e-8);
            let st = &self.state[z];
            let (mut age_now, mut age_prev, mut active) = (None, None, false);
            match st.current_source {
                Some(Source::Spot) => {
                    active = true;
                    let now = st.current_age_h.unwrap_or(dt_h);
                    let prev = self.last_real_age[z].unwrap_or((now - dt_h).max(0.0));
                    age_now = Some(now);
                    age_prev = Some(prev);
                    self.last_real_age[z] = Some(now);
                    if !self.opts.virtual_availability {
                        self.last_virtual_age[z] = None;
                    }
                }
                Some(Source::Probe) => {
                    active = true;
                    let now = st.current_age_h.unwrap_or(dt_h);
                    let prev = self.last_virtual_age[z].unwrap_or((now - dt_h).max(0.0));
                    age_now = Some(now);
                    age_prev = Some(prev);
                    self.last_virtual_age[z] = Some(now);
                    self.last_real_age[z] = None;
                }
                None => {
                    self.last_real_age[z] = None;
                    if !self.opts.virtual_availability {
                        self.last_virtual_age[z] = None;
                    }
                }
            }
            let mut delta = 0.0f64;
            if let (Some(now), Some(prev)) = (age_now, age_prev) {
                delta = (Self::h0(&knots, now, tail) - Self::h0(&knots, prev, tail)).max(0.0);
            }
            let failures = self.tick_failures[z];
            if delta <= 0.0 && (active || failures > 0) {
                match knots.last() {
                    None => delta = delta.max(tail * dt_h),
                    Some(&(last_tau, _)) => {
                        if let (Some(now), Some(prev)) = (age_now, age_prev)
                            && prev >= last_tau
                        {
                            delta = delta.max(tail * (now - prev).max(0.0));
                        }
                    }
                }
            }
            let mut risk = delta.max(0.0);
            if failures > 0 && risk <= 0.0 {
                risk = risk.max(if tail > 0.0 { tail * dt_h } else { 1e-6 });
            }
            if risk > 0.0 || failures > 0 {
                self.burst_append(z, risk, failures);
            }
            self.tick_failures[z] = 0;
        }
    }
}
