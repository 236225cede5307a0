use std::collections::VecDeque;

use crate::job::{Decision, JobPolicy, JobView, Kind, RunStart, ZoneSet};

use super::multi_common::{Window, interval_ticks, up_request};

/// The reference's defaults for [`UpA`] (`multi_region_availability_probe_simple.py`,
/// `--probe-window`, `--probe-interval-min`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct UpAOptions {
    /// Samples kept per zone (sliding window), default 5.
    pub window: usize,
    /// Minutes between probes of a zone (and between heartbeat samples of the running
    /// zone), default 120.
    pub probe_interval_min: f64,
}

impl Default for UpAOptions {
    fn default() -> Self {
        UpAOptions {
            window: 5,
            probe_interval_min: 120.0,
        }
    }
}

/// **up-a** — Uniform Progress with availability probing (SkyNomad's UP(A);
/// `sky_spot/strategies/multi_region_availability_probe_simple.py`,
/// `MultiRegionAvailabilityProbeSimple._step_multi`). Run it under
/// [`SafetyNet`](super::SafetyNet) ([`up_a`](super::up_a)).
///
/// Every zone keeps a sliding window of its last `window` samples (1 = spot was there, 0
/// = not); its **ratio** is their mean (0.5 with none). Samples come from launch
/// attempts, from preemptions (a 0 for the zone that lost the main instance), from a
/// heartbeat 1 for the running zone every probe interval, and from probes. Each tick:
///
/// 1. Ask the multi-region Uniform Progress rule (see [`UpS`](super::UpS)).
/// 2. SPOT: drop a running on-demand instance; keep a running spot instance when its
///    zone's ratio is within 1e-6 of the best, else drop it; with nothing left running,
///    try zones by ratio (highest first, zone order on ties), recording each attempt,
///    and launch in the first with spot. None has spot: after a hysteresis exit stay
///    idle, otherwise ask the rule again with no spot from idle and launch ON_DEMAND
///    (in the last zone that ran, else zone 0) if it says so — and stop for this tick.
/// 3. ON_DEMAND: keep a running one, else launch in the current zone, else the last
///    zone that ran, else zone 0. NONE: stop what runs.
/// 4. With spot running (step 2 only), probe **one** zone whose probe is due (not the
///    main zone), the one with the fewest samples (zone order on ties); record the
///    outcome; the zone's next probe is one interval later.
#[derive(Clone, Debug, Default)]
pub struct UpA {
    opts: UpAOptions,
    window: Window,
    interval: usize,
    hist: Vec<VecDeque<u8>>,
    next_probe: Vec<usize>,
    next_sample: Vec<usize>,
    main: Option<usize>,
    leader: Option<usize>,
    probes: ZoneSet,
}

impl UpA {
    /// A fresh policy with `opts`.
    pub fn new(opts: UpAOptions) -> UpA {
        UpA {
            opts,
            ..UpA::default()
        }
    }

    fn ratio(&self, z: usize) -> f64 {
        let w = &self.hist[z];
        if w.is_empty() {
            0.5
        } else {
            w.iter().map(|&x| f64::from(x)).sum::<f64>() / w.len() as f64
        }
    }

    fn record(&mut self, z: usize, ok: bool) {
        let cap = self.opts.window;
        let w = &mut self.hist[z];
        w.push_back(u8::from(ok));
        while w.len() > cap {
            w.pop_front();
        }
    }

    fn ranked(&self) -> Vec<usize> {
        let mut r: Vec<usize> = (0..self.window.nz).collect();
        let ratios: Vec<f64> = r.iter().map(|&z| self.ratio(z)).collect();
        r.sort_by(|&a, &b| ratios[b].total_cmp(&ratios[a]).then(a.cmp(&b)));
        r
    }
}

impl JobPolicy for UpA {
    fn start(&mut self, run: &RunStart<'_>) {
        let window = Window::new(run);
        let nz = window.nz;
        *self = UpA {
            opts: self.opts,
            interval: interval_ticks(self.opts.probe_interval_min, window.gap_ms),
            window,
            hist: vec![VecDeque::new(); nz],
            next_probe: vec![0; nz],
            next_sample: vec![0; nz],
            ..UpA::default()
        };
    }

    fn probes(&mut self, _v: &JobView<'_>) -> ZoneSet {
        self.probes
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.probes = ZoneSet::EMPTY;
        if v.last.kind != Kind::None {
            self.leader = Some(v.last.zone);
        }
        let now = v.tick;
        let cur = v.current;
        let spot_at = |z: usize| cur.kind == Kind::Spot && cur.zone == z;
        // The main zone lost its instance (preempted).
        if let Some(m) = self.main
            && !spot_at(m)
        {
            self.record(m, false);
            self.main = None;
        }
        if self.main.is_none() && cur.kind == Kind::Spot {
            self.main = Some(cur.zone);
        }
        if let Some(m) = self.main
            && now >= self.next_sample[m]
        {
            self.record(m, true);
            self.next_sample[m] = now + self.interval;
        }
        let (req, exit) = up_request(v, cur.kind, true);
        let decision = match req {
            Kind::Spot => {
                let ranked = self.ranked();
                let mut running = cur;
                if cur.kind == Kind::OnDemand {
                    running = Decision::NONE;
                    self.main = None;
                }
                if running.kind == Kind::Spot {
                    let best = ranked[0];
                    if running.zone == best || self.ratio(running.zone) >= self.ratio(best) - 1e-6 {
                        self.main = Some(running.zone);
                    } else {
                        running = Decision::NONE;
                        self.main = None;
                    }
                }
                if running.kind != Kind::Spot {
                    let mut launched = None;
                    for &z in &ranked {
                        let ok = v.spot_available_in(z);
                        self.record(z, ok);
                        if ok {
                            self.main = Some(z);
                            self.next_sample[z] = now + self.interval;
                            launched = Some(z);
                            break;
                        }
                    }
                    match launched {
                        // Dropping the running spot instance and launching in its own zone
                        // again is a relaunch: the overhead is paid again.
                        Some(z) if cur.kind == Kind::Spot && cur.zone == z => {
                            Decision::spot(z).restarted()
                        }
                        Some(z) => Decision::spot(z),
                        None => {
                            if exit {
                                return Decision::NONE;
                            }
                            return match up_request(v, Kind::None, false).0 {
                                Kind::OnDemand => {
                                    self.main = None;
                                    Decision::on_demand(self.leader.unwrap_or(0))
                                }
                                _ => Decision::NONE,
                            };
                        }
                    }
                } else {
                    running
                }
            }
            Kind::OnDemand => {
                if cur.kind == Kind::OnDemand {
                    return cur;
                }
                self.main = None;
                let z = if cur.kind != Kind::None {
                    cur.zone
                } else {
                    self.leader.unwrap_or(0)
                };
                return Decision::on_demand(z);
            }
            Kind::None => {
                self.main = None;
                return Decision::NONE;
            }
        };
        // One background probe: the due zone with the fewest samples.
        let mut due: Option<(usize, usize)> = None;
        for z in 0..self.window.nz {
            if Some(z) == self.main || (decision.kind == Kind::Spot && decision.zone == z) {
                continue;
            }
            if now >= self.next_probe[z] {
                let key = (self.hist[z].len(), z);
                if due.is_none_or(|d| key < d) {
                    due = Some(key);
                }
            }
        }
        if let Some((_, z)) = due {
            self.record(z, v.spot_available_in(z));
            self.next_probe[z] = now + self.interval;
            self.probes.insert(z);
        }
        decision
    }
}
