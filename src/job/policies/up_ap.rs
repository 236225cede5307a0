use crate::job::{Decision, JobPolicy, JobView, Kind, RunStart, ZoneSet};

use super::multi_common::{Window, interval_ticks, up_request};

/// The reference's default for [`UpAp`] (`multi_region_probe_cost_ratio.py`,
/// `--probe-interval-min`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct UpApOptions {
    /// Minutes between probes of a zone (and between heartbeat samples of the running
    /// zone), default 60.
    pub probe_interval_min: f64,
}

impl Default for UpApOptions {
    fn default() -> Self {
        UpApOptions {
            probe_interval_min: 60.0,
        }
    }
}

/// **up-ap** — Uniform Progress with cost-aware probing (SkyNomad's UP(AP);
/// `sky_spot/strategies/multi_region_probe_cost_ratio.py`,
/// `MultiRegionProbeCostRatioStrategy._step_multi`). Run it under
/// [`SafetyNet`](super::SafetyNet) ([`up_ap`](super::up_ap)).
///
/// Every zone counts its samples since the start (successes / total; 0.5 with none),
/// from launch attempts, preemptions of the main instance (a failure), a heartbeat
/// success of the running zone every probe interval, and probes. Its **score** is that
/// success rate divided by this tick's spot price. Each tick:
///
/// 1. Ask the multi-region Uniform Progress rule (see [`UpS`](super::UpS)).
/// 2. SPOT: drop a running on-demand instance; keep a running spot instance when its
///    score is at least 0.9 × the best, else drop it; with nothing left running, try
///    zones by score (highest first, zone order on ties), recording each attempt, and
///    launch in the first with spot. None has spot: ask the rule again with no spot from
///    idle and launch ON_DEMAND **in zone 0** if it says so (no hysteresis-exit check
///    here, unlike `up-s` and `up-a`).
/// 3. ON_DEMAND: keep a running one, else launch in the current zone, else zone 0.
///    NONE: stop what runs. Both end the tick.
/// 4. After step 2, probe **every** zone whose probe is due, except the main zone and
///    the zone running spot; record each outcome; each probed zone's next probe is one
///    interval later.
#[derive(Clone, Debug, Default)]
pub struct UpAp {
    opts: UpApOptions,
    window: Window,
    interval: usize,
    successes: Vec<u32>,
    total: Vec<u32>,
    next_probe: Vec<usize>,
    main: Option<usize>,
    probes: ZoneSet,
}

impl UpAp {
    /// A fresh policy with `opts`.
    pub fn new(opts: UpApOptions) -> UpAp {
        UpAp {
            opts,
            ..UpAp::default()
        }
    }

    fn rate(&self, z: usize) -> f64 {
        if self.total[z] == 0 {
            0.5
        } else {
            f64::from(self.successes[z]) / f64::from(self.total[z])
        }
    }

    fn record(&mut self, z: usize, ok: bool) {
        self.total[z] += 1;
        self.successes[z] += u32::from(ok);
    }

    fn score(&self, z: usize, tick: usize) -> f64 {
        let rate = self.rate(z);
        let price = self.window.spot_price(z, tick).to_usd_f64();
        if price <= 0.0 {
            if rate > 0.0 { f64::INFINITY } else { 0.0 }
        } else {
            rate / price
        }
    }
}

impl JobPolicy for UpAp {
    fn start(&mut self, run: &RunStart<'_>) {
        let window = Window::new(run);
        let nz = window.nz;
        *self = UpAp {
            opts: self.opts,
            interval: interval_ticks(self.opts.probe_interval_min, window.gap_ms),
            window,
            successes: vec![0; nz],
            total: vec![0; nz],
            next_probe: vec![0; nz],
            ..UpAp::default()
        };
    }

    fn probes(&mut self, _v: &JobView<'_>) -> ZoneSet {
        self.probes
    }

    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.probes = ZoneSet::EMPTY;
        let now = v.tick;
        let cur = v.current;
        if let Some(m) = self.main
            && !(cur.kind == Kind::Spot && cur.zone == m)
        {
            self.record(m, false);
            self.main = None;
        }
        if let Some(m) = self.main
            && now >= self.next_probe[m]
        {
            self.record(m, true);
            self.next_probe[m] = now + self.interval;
        }
        let decision = match up_request(v, cur.kind, true).0 {
            Kind::Spot => {
                let mut ranked: Vec<usize> = (0..self.window.nz).collect();
                let scores: Vec<f64> = ranked.iter().map(|&z| self.score(z, now)).collect();
                ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
                let mut running = cur;
                if cur.kind == Kind::OnDemand {
                    running = Decision::NONE;
                    self.main = None;
                }
                if running.kind == Kind::Spot {
                    let best = ranked[0];
                    if running.zone == best || scores[running.zone] >= scores[best] * 0.9 {
                        self.main = Some(running.zone);
                    } else {
                        running = Decision::NONE;
                        self.main = None;
                    }
                }
                if running.kind == Kind::Spot {
                    running
                } else {
                    let mut launched = None;
                    for &z in &ranked {
                        let ok = v.spot_available_in(z);
                        self.record(z, ok);
                        if ok {
                            self.main = Some(z);
                            self.next_probe[z] = now + self.interval;
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
                        None => match up_request(v, Kind::None, false).0 {
                            Kind::OnDemand => {
                                self.main = None;
                                Decision::on_demand(0)
                            }
                            _ => Decision::NONE,
                        },
                    }
                }
            }
            Kind::OnDemand => {
                if cur.kind == Kind::OnDemand {
                    return cur;
                }
                self.main = None;
                return Decision::on_demand(if cur.kind != Kind::None { cur.zone } else { 0 });
            }
            Kind::None => {
                self.main = None;
                return Decision::NONE;
            }
        };
        for z in 0..self.window.nz {
            if Some(z) == self.main || (decision.kind == Kind::Spot && decision.zone == z) {
                continue;
            }
            if now < self.next_probe[z] {
                continue;
            }
            self.record(z, v.spot_available_in(z));
            self.next_probe[z] = now + self.interval;
            self.probes.insert(z);
        }
        decision
    }
}
