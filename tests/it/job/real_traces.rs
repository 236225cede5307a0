//! Real traces.

use super::*;

/// The data root once the files a test reads are there (`crate::data::require`: skips
/// only when the whole folder is absent outside CI, fails naming missing files).
fn data(needs: &[&str]) -> Option<PathBuf> {
    crate::data::require(needs)
}

/// The bound every run obeys when spot is cheaper than on-demand: billed time is the
/// work, plus the overhead paid (at most `d` per restart), plus less than one tick at the
/// end; each billed hour costs at most the on-demand price.
fn assert_cost_bound(r: &spotsim::job::JobResult, job: &JobSpec, g_secs: i64, od: Rate) {
    let billed_ms = r.spot_ms + r.ondemand_ms;
    let bound_ms = job.work_ms + i64::from(r.restarts) * job.overhead_ms + g_secs * 1000;
    assert!(billed_ms <= bound_ms, "{r:?}");
    assert!(r.total_cost <= od.for_seconds(bound_ms / 1000 + 1), "{r:?}");
}

#[test]
fn real_2022_k80_v100_traces() {
    let Some(d) = data(&["availability/spot-traces/availability/1-node/aws-10-26-2022"]) else {
        return;
    };
    let dir = d.join("availability/spot-traces/availability/1-node/aws-10-26-2022");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 8);
    // The original simulator's prices for this set (p3.2xlarge: $3.06 on-demand,
    // $0.9731 spot, used for every file); W = 48 h, D = 52 h, d = 0.2 h.
    let od_price = usd("3.06");
    let opts = MarketOptions::prices(usd("0.9731"), od_price);
    let job = spec(48.0, 52.0, 0.2);
    for f in &files {
        let t = read_spot_trace(f, &TraceOptions::new(Convention::Available)).unwrap();
        assert_eq!((t.gap_secs, t.ticks()), (600, 3895), "{}", f.display());
        let m = JobMarket::single(&t, &opts).unwrap();
        let starts = draw_starts(&m, &job, 100, 1).unwrap();
        let od = run_windows(&m, &job, &starts, || BuiltinPolicy::OnDemand, true).unwrap();
        let mut line = format!(
            "{:24} avail {:5.1}%",
            f.file_name().unwrap().to_string_lossy(),
            100.0 * m.availability(0)
        );
        for p in BuiltinPolicy::ALL {
            let rep = run_windows(&m, &job, &starts, || p, true).unwrap();
            let mut dearer = 0;
            for (r, o) in rep.results.iter().zip(&od.results) {
                if p.guarantees_deadline() {
                    assert!(r.deadline_met, "{p} {}", f.display());
                }
                assert_cost_bound(r, &job, 600, od_price);
                dearer += usize::from(r.total_cost > o.total_cost);
                if p == BuiltinPolicy::OnDemand {
                    // ⌈(48 h + 0.2 h)/600 s⌉ = 290 ticks at $3.06 (the exact baseline is
                    // 48.2 h × $3.06).
                    assert_eq!(r.total_cost, od_price.for_seconds(290 * 600));
                    assert_eq!(r.ondemand_only_cost, od_price.for_seconds(48 * 3600 + 720));
                }
            }
            if matches!(p, BuiltinPolicy::UniformProgress | BuiltinPolicy::Greedy) {
                // On average spot pays: far cheaper than on-demand.
                assert!(
                    rep.stats.mean_cost_usd < od.stats.mean_cost_usd,
                    "{p} {}",
                    f.display()
                );
            }
            line += &format!("  {p} ${:.2}", rep.stats.mean_cost_usd);
            if dearer > 0 {
                line += &format!(" ({dearer} dearer than OD)");
            }
        }
        println!("{line}");
    }
}

#[test]
fn real_r5_traces_with_per_tick_prices() {
    let Some(d) = data(&["availability/spot-traces/preemption/1-node/aws-04-19-2023"]) else {
        return;
    };
    let dir = d.join("availability/spot-traces/preemption/1-node/aws-04-19-2023");
    // r5.16xlarge on-demand in us-east-1 (pricing/ec2_ondemand_us_east_1.csv): $4.032.
    let od = usd("4.032");
    for zone in ["us-east-1b", "us-east-1c", "us-east-1d"] {
        let path = dir.join(format!("{zone}_intel_64.json"));
        // data/README.md: value = instances held (1 = available), with per-tick prices.
        let t = read_spot_trace(&path, &TraceOptions::new(Convention::Available)).unwrap();
        assert_eq!((t.gap_secs, t.ticks()), (34, 16_090));
        let prices = t.prices.clone().unwrap();
        assert_eq!(prices.len(), 16_090);
        assert!(
            prices
                .iter()
                .all(|p| *p >= usd("1.14") && *p <= usd("1.86"))
        );
        let m = JobMarket::single(&t, &MarketOptions::ondemand(od)).unwrap();
        // 16,090 × 34 s ≈ 152 h: W = 24 h, D = 36 h, d = 3 min.
        let job = spec(24.0, 36.0, 0.05);
        let starts = draw_starts(&m, &job, 20, 5).unwrap();
        let od_rep = run_windows(&m, &job, &starts, || BuiltinPolicy::OnDemand, false).unwrap();
        for p in [
            BuiltinPolicy::UniformProgress,
            BuiltinPolicy::Greedy,
            BuiltinPolicy::OnDemand,
        ] {
            let rep = run_windows(&m, &job, &starts, || p, false).unwrap();
            assert_eq!(rep.stats.deadline_met_fraction, 1.0);
            for r in &rep.results {
                assert_cost_bound(r, &job, 34, od);
            }
            // The first window's bill, recomputed from the file's own prices.
            let s0 = starts[0];
            let (r, tl) = run_job_timeline(&m, &job, s0, &mut { p }).unwrap();
            let mut nano_secs: i128 = 0;
            for rec in &tl {
                let rate = match rec.ran.kind {
                    Kind::Spot => prices[s0 + rec.tick].nano_usd_per_hour(),
                    Kind::OnDemand => od.nano_usd_per_hour(),
                    Kind::None => 0,
                };
                nano_secs += i128::from(rate) * 34;
            }
            assert_eq!(r.total_cost, Money::from_units(nano_secs * 1024));
            if p == BuiltinPolicy::UniformProgress {
                assert!(
                    rep.stats.mean_cost_usd < od_rep.stats.mean_cost_usd,
                    "{zone}"
                );
            }
            println!(
                "{zone} r5.16xlarge {p:16} 20 windows: mean ${:.2} (on-demand only ${:.2}), \
                 {:.1}% saved, {:.1} preemptions",
                rep.stats.mean_cost_usd,
                r.ondemand_only_cost.to_usd_f64(),
                rep.stats.mean_savings_pct,
                rep.stats.mean_preemptions
            );
        }
    }
}

#[test]
fn real_gcp_h100_inverted_convention_multi_zone() {
    let Some(d) = data(&["availability/gcp-h100-2025-10"]) else {
        return;
    };
    let dir = d.join("availability/gcp-h100-2025-10");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let traces: Vec<JobTrace> = files
        .iter()
        .map(|f| read_spot_trace(f, &TraceOptions::new(Convention::Preempted)).unwrap())
        .collect();
    assert_eq!(traces.len(), 13);
    let c1a = traces.iter().find(|t| t.zone == "us-central1-a").unwrap();
    // 2,025 of 2,114 ticks are 0 (= available) in us-central1-a.
    assert_eq!(c1a.available.iter().filter(|&&a| a == 1).count(), 2025);
    assert_eq!(c1a.start.unwrap().to_rfc3339(), "2025-10-04T00:10:00Z");
    // Zones in order of spot price, cheapest first: multi-zone-spot takes the first
    // available zone in this order. Prices from price_info alone.
    let mut traces = traces;
    traces.sort_by_key(|t| (t.spot_price, t.zone.clone()));
    let m = JobMarket::new(&traces, &MarketOptions::default()).unwrap();
    assert_eq!((m.zones(), m.ticks(), m.gap_secs()), (13, 2114, 600));
    let job = spec(100.0, 150.0, 0.5);
    let starts = draw_starts(&m, &job, 40, 7).unwrap();
    let multi = run_windows(&m, &job, &starts, || BuiltinPolicy::MultiZoneSpot, true).unwrap();
    assert_eq!(multi.stats.deadline_met_fraction, 1.0);
    let single = run_windows(&m, &job, &starts, || BuiltinPolicy::UniformProgress, true).unwrap();
    assert_eq!(single.stats.deadline_met_fraction, 1.0);
    println!(
        "GCP H100, 13 zones, 40 windows: multi-zone-spot mean ${:.0} ({:.1} migrations/window), \
         uniform-progress in {} mean ${:.0}, on-demand only ${:.0}",
        multi.stats.mean_cost_usd,
        multi
            .results
            .iter()
            .map(|r| f64::from(r.migrations))
            .sum::<f64>()
            / 40.0,
        m.zone_name(0).unwrap(),
        single.stats.mean_cost_usd,
        multi.results[0].ondemand_only_cost.to_usd_f64()
    );
}

#[test]
fn real_v100_probes_match_the_tick_json() {
    let Some(d) = data(&[
        &crate::data::v100_csv("us-east-1a"),
        crate::data::V100_PRICES,
    ]) else {
        return;
    };
    let dir = d.join("availability/aws-v100-2023-02-15");
    let csv = dir.join("us-east-1a_v100_1.csv");
    let s = read_probe_series(&csv, Some(&dir.join("v100_spot_prices.json"))).unwrap();
    assert_eq!(s.times.len(), 20_158);
    assert_eq!(s.median_spacing_secs(), 195);
    let json = d
        .join("availability/spot-traces/availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json");
    let t = read_spot_trace(&json, &TraceOptions::new(Convention::Available)).unwrap();
    // The tick JSON is the same series without timestamps, under `available`.
    assert_eq!(t.available, s.available);
    assert_eq!(t.gap_secs, 195);
    // Resampled to 600 s ticks with the per-probe prices: run UP at $3.06 on-demand.
    let ticks = s.to_ticks(600).unwrap();
    let m = JobMarket::single(&ticks, &MarketOptions::ondemand(usd("3.06"))).unwrap();
    let job = spec(48.0, 60.0, 0.2);
    let starts = draw_starts(&m, &job, 30, 3).unwrap();
    let rep = run_windows(&m, &job, &starts, || BuiltinPolicy::UniformProgress, true).unwrap();
    let od = run_windows(&m, &job, &starts, || BuiltinPolicy::OnDemand, true).unwrap();
    assert_eq!(rep.stats.deadline_met_fraction, 1.0);
    assert!(rep.stats.mean_cost_usd < od.stats.mean_cost_usd);
    for r in &rep.results {
        assert_cost_bound(r, &job, 600, usd("3.06"));
    }
    println!(
        "V100 us-east-1a probes → 600 s ticks ({} ticks), UP 30 windows: mean ${:.2}, {:.1}% saved",
        m.ticks(),
        rep.stats.mean_cost_usd,
        rep.stats.mean_savings_pct
    );
}

#[test]
fn report_serializes_with_the_documented_names() {
    let r = run_job(
        &market(&[1, 0, 1, 1]),
        &spec(2.0, 4.0, 0.0),
        0,
        &mut BuiltinPolicy::UniformProgress,
    )
    .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "compute_cost_usd",
            "deadline_met",
            "egress_cost_usd",
            "finish_hours",
            "idle_hours",
            "migrations",
            "ondemand_hours",
            "ondemand_only_cost_usd",
            "preemptions",
            "probe_cost_usd",
            "probes",
            "restarts",
            "savings_pct",
            "spot_hours",
            "total_cost_usd",
            "unmet_work_hours"
        ]
    );
    assert_eq!(
        serde_json::to_value(BuiltinPolicy::MultiZoneSpot).unwrap(),
        "multi-zone-spot"
    );
    assert_eq!(
        serde_json::from_str::<Convention>("\"preempted\"").unwrap(),
        Convention::Preempted
    );
}

/// spotsim's tick mode against the Can't-Be-Late reference simulator (`sky_spot`), window
/// by window, on us-west-2a_v100_1 (aws-10-26-2022, G = 600 s): W = 48 h, D ∈ {52, 70} h,
/// d ∈ {0.2, 0.05} h, on-demand $3.06, spot $0.9731 (the reference's `utils.COSTS`),
/// starts ⌈H·3600/G⌉. The pinned costs are the reference's, to the cent, and every window
/// meets its deadline in both.
///
/// The pinned costs are printed by `tests/reference/cant_be_late_crosscheck.py`, which
/// imports the reference's own code (no copy) from two clones (sources, licences, commits
/// and setup in its header):
/// * andylizf/skynomad-artifact (Apache-2.0) @ 4dc5ecbc3efdccb3db35f34fbd7592ea6c3e015c
///   or later with the same `sky_spot/` (run at 62b9aaa): `sky_spot.env.TraceEnv`
///   (`has_spot = not data[tick]`, start index `ceil(H·3600/G)`, cost = Σ price × G/3600
///   over the ticks that ran), `sky_spot.task.SingleTask` (done at ≤ 1e-3 s left),
///   `sky_spot.simulate` (single-region `_simulate_one`), `sky_spot.utils.COSTS`,
///   `Strategy.step` (progress, overhead re-arming, `_apply_strong_guarantee`, an
///   unavailable SPOT becomes ON_DEMAND in the critical window, else NONE), and Uniform
///   Progress = `sky_spot/strategies/rc_cr_threshold.py`
///   (`_condition2 = (t + 2d)·c0/R − (c0 − ct)`);
/// * Michaelvll/skypilot-spot-strategy (Apache-2.0 per its `setup.py`) @
///   1609709c277fa4f953549a910f44605d4c49d43e: greedy = `sky_spot/strategies/strawman.py`,
///   loaded by path as the artifact's `main.py --strategy-file` loads a strategy, so it runs
///   under the artifact's `Strategy.step` and strong guarantee above.
///
/// The reference reads every spot-traces file with value 0 = available, hence
/// `Convention::Preempted` here (not data/README.md's reading). One command, from the
/// crate root, prints one JSON line per (policy, D, d, H) with the cost and its cents
/// (all 56 equal the pins below, every window meets its deadline):
/// `python3 tests/reference/cant_be_late_crosscheck.py <skynomad-artifact clone>
/// <skypilot-spot-strategy clone @ 1609709c>
/// ../shared/data/availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json`.
/// Its `--compare` mode, on spotsim's reports of 100 random windows of each of the four
/// 1-node files × D × d with on-demand, greedy and uniform-progress (4,800 windows,
/// commands in the script's header), found no difference.
#[test]
fn real_2022_matches_the_reference_simulator_to_the_cent() {
    let Some(d) = data(&[crate::data::V100_US_WEST_2A_2022]) else {
        return;
    };
    let path = d
        .join("availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json");
    let t = read_spot_trace(&path, &TraceOptions::new(Convention::Preempted)).unwrap();
    let m = JobMarket::single(&t, &MarketOptions::prices(usd("0.9731"), usd("3.06"))).unwrap();
    let starts_h = [0.0, 1.01, 24.0, 100.5, 250.0, 400.0, 575.0];
    assert_eq!(
        starts_h.map(|h| start_tick_for_hours(h, 600).unwrap()),
        [0, 7, 144, 603, 1500, 2400, 3450]
    );
    // (policy, D, d, the reference's cost per start of `starts_h`).
    let expected: [(BuiltinPolicy, f64, f64, [&str; 7]); 8] = [
        (
            BuiltinPolicy::UniformProgress,
            52.0,
            0.2,
            [
                "134.19", "142.19", "139.44", "135.26", "142.22", "147.90", "148.57",
            ],
        ),
        (
            BuiltinPolicy::UniformProgress,
            52.0,
            0.05,
            [
                "117.92", "107.67", "130.81", "115.85", "126.82", "147.39", "147.04",
            ],
        ),
        (
            BuiltinPolicy::UniformProgress,
            70.0,
            0.2,
            [
                "116.59", "120.91", "137.00", "113.74", "126.91", "147.90", "148.73",
            ],
        ),
        (
            BuiltinPolicy::UniformProgress,
            70.0,
            0.05,
            [
                "98.23", "100.67", "122.79", "100.20", "114.97", "147.39", "147.20",
            ],
        ),
        (
            BuiltinPolicy::Greedy,
            52.0,
            0.2,
            [
                "145.74", "145.93", "141.59", "147.90", "147.90", "147.90", "147.90",
            ],
        ),
        (
            BuiltinPolicy::Greedy,
            52.0,
            0.05,
            [
                "143.19", "143.19", "133.80", "147.39", "147.39", "147.39", "147.39",
            ],
        ),
        (
            BuiltinPolicy::Greedy,
            70.0,
            0.2,
            [
                "109.87", "110.22", "130.65", "137.40", "138.11", "147.90", "148.06",
            ],
        ),
        (
            BuiltinPolicy::Greedy,
            70.0,
            0.05,
            [
                "97.56", "98.25", "123.51", "119.54", "136.07", "147.39", "146.69",
            ],
        ),
    ];
    for (p, dl, oh, costs) in expected {
        let job = spec(48.0, dl, oh);
        for (h, want) in starts_h.iter().zip(costs) {
            let start = start_tick_for_hours(*h, 600).unwrap();
            let r = run_job(&m, &job, start, &mut { p }).unwrap();
            assert!(r.deadline_met, "{p} D={dl} d={oh} H={h}");
            assert_eq!(dollars(r.total_cost), want, "{p} D={dl} d={oh} H={h}");
        }
    }
}
