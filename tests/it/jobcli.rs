//! `spotsim job`: tick and event modes through the CLI, windows, bad input.

use super::cli::run as cli;
use super::replay::data;

const TRACE: &str =
    "availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json";

fn job(extra: &[&str]) -> Option<std::process::Output> {
    let d = data()?;
    let t = d.join(TRACE);
    let mut a = vec![
        "job",
        "--trace",
        t.to_str()?,
        "--convention",
        "available",
        "--work-hours",
        "48",
        "--deadline-hours",
        "52",
        "--restart-overhead-hours",
        "0.2",
        "--ondemand-price",
        "3.06",
        "--spot-price",
        "0.9731",
    ];
    a.extend(extra);
    Some(cli(&a))
}

#[test]
fn json_has_the_issue_fields_in_both_modes() {
    for mode in ["tick", "event"] {
        let Some(o) = job(&[
            "--policy",
            "uniform-progress",
            "--mode",
            mode,
            "--output",
            "json",
        ]) else {
            return;
        };
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let top: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(top["schema_version"], 2);
        assert_eq!(top["policies"].as_array().unwrap().len(), 1);
        let v = &top["policies"][0];
        assert_eq!(v["policy"], "uniform-progress");
        for k in [
            "total_cost_usd",
            "deadline_met",
            "finish_hours",
            "spot_hours",
            "ondemand_hours",
            "idle_hours",
            "preemptions",
            "restarts",
            "migrations",
            "ondemand_only_cost_usd",
            "savings_pct",
        ] {
            assert!(v.get(k).is_some(), "{mode}: missing {k}");
        }
        assert_eq!(top["mode"], mode);
        assert_eq!(v["deadline_met"], true);
        assert_eq!(top["provenance"]["gap_seconds"], 600);
        // W = 48 h at $3.06 plus one 0.2 h overhead.
        assert!((v["ondemand_only_cost_usd"].as_f64().unwrap() - 48.2 * 3.06).abs() < 1e-6);
    }
}

#[test]
fn windows_are_reproducible_and_on_demand_never_misses() {
    let Some(a) = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "5",
        "--output",
        "json",
        "--mode",
        "tick",
    ]) else {
        return;
    };
    let b = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "5",
        "--output",
        "json",
        "--mode",
        "tick",
    ])
    .unwrap();
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let v = &v["policies"][0];
    assert_eq!(v["stats"]["windows"], 20);
    assert_eq!(v["stats"]["deadline_met_fraction"], 1.0);
    assert_eq!(v["windows"].as_array().unwrap().len(), 20);
    let c = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "6",
        "--output",
        "json",
        "--mode",
        "tick",
    ])
    .unwrap();
    assert_ne!(a.stdout, c.stdout, "another seed, other windows");
    // Event mode: on-demand with no launch latency costs exactly (W + d) × price.
    let e = job(&[
        "--policy",
        "on-demand",
        "--mode",
        "event",
        "--launch-latency",
        "0",
        "--output",
        "json",
    ])
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&e.stdout).unwrap();
    let v = &v["policies"][0];
    assert_eq!(v["total_cost_usd"], v["ondemand_only_cost_usd"]);
}

#[test]
fn bad_job_input_exits_1_with_a_reason() {
    let Some(d) = data() else { return };
    let t = d.join(TRACE);
    let t = t.to_str().unwrap();
    let base = [
        "job",
        "--trace",
        t,
        "--work-hours",
        "10",
        "--ondemand-price",
        "3.06",
        "--spot-price",
        "0.97",
    ];
    let ok = [
        "--policy",
        "greedy",
        "--deadline-hours",
        "20",
        "--restart-overhead-hours",
        "0.1",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Vec::new();
        for pair in ok.chunks(2) {
            if !extra.contains(&pair[0])
                && !extra
                    .iter()
                    .any(|e| e.starts_with(&format!("{}=", pair[0])))
            {
                v.extend_from_slice(pair);
            }
        }
        v.extend_from_slice(extra);
        v
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (with(&[]), "convention"),
        (with(&["--convention", "sideways"]), "sideways"),
        (
            with(&["--convention", "available", "--policy", "yolo"]),
            "yolo",
        ),
        (
            with(&["--convention", "available", "--deadline-hours", "5"]),
            "shorter than the work",
        ),
        (
            with(&["--convention", "available", "--restart-overhead-hours=-1"]),
            "overhead",
        ),
        (
            with(&["--convention", "available", "--start-hours", "640"]),
            "start",
        ),
        (
            with(&["--convention", "available", "--mode", "quantum"]),
            "quantum",
        ),
    ];
    for (extra, want) in cases {
        let mut a = base.to_vec();
        a.extend(extra.iter());
        let o = cli(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: wanted {want:?} in {err}");
    }
    // Prices missing where needed: the 2022 file has no prices.
    let o = cli(&[
        "job",
        "--trace",
        t,
        "--convention",
        "available",
        "--policy",
        "greedy",
        "--work-hours",
        "10",
        "--deadline-hours",
        "20",
        "--restart-overhead-hours",
        "0.1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("price"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `--policy a,b` runs both policies on the same windows: each policy's windows are the
/// windows of a run of that policy alone, in the same order.
#[test]
fn several_policies_run_on_the_same_windows() {
    let run = |p: &str| {
        job(&[
            "--policy",
            p,
            "--windows",
            "12",
            "--seed",
            "3",
            "--output",
            "json",
            "--mode",
            "tick",
        ])
    };
    let Some(both) = run("greedy,uniform-progress") else {
        return;
    };
    assert!(
        both.status.success(),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let both: serde_json::Value = serde_json::from_slice(&both.stdout).unwrap();
    let ps = both["policies"].as_array().unwrap();
    assert_eq!(
        (ps[0]["policy"].as_str(), ps[1]["policy"].as_str()),
        (Some("greedy"), Some("uniform-progress"))
    );
    for (i, name) in ["greedy", "uniform-progress"].into_iter().enumerate() {
        let alone: serde_json::Value = serde_json::from_slice(&run(name).unwrap().stdout).unwrap();
        assert_eq!(alone["policies"][0], ps[i], "{name}");
    }
    let starts = |i: usize| -> Vec<f64> {
        ps[i]["windows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["start_hours"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(starts(0), starts(1));
    // A policy named twice, an unknown one, and a SkyNomad policy in event mode are errors.
    for (p, mode, want) in [
        ("greedy,greedy", "tick", "twice"),
        ("greedy,nope", "tick", "nope"),
        ("up-s", "event", "tick mode only"),
    ] {
        let o = job(&["--policy", p, "--mode", mode]).unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{p}: {err}");
    }
}

/// The issue's acceptance command on the 2023 V100 traces (per-tick prices from
/// `v100_spot_prices.json`): one result per policy with the cost split, the migrations
/// and whether the deadline was met; the costs equal the library's (tests/it/job_multi.rs
/// checks those against the reference).
#[test]
fn the_multi_region_command_reports_every_policy() {
    let Some(d) = data() else { return };
    let dir = d.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let trace = |z: &str| dir.join(format!("{z}_v100_1.json")).display().to_string();
    let (a, b, c) = (
        trace("us-east-1c"),
        trace("us-east-2b"),
        trace("us-west-2a"),
    );
    let prices = d
        .join("availability/aws-v100-2023-02-15/v100_spot_prices.json")
        .display()
        .to_string();
    let o = cli(&[
        "job",
        "--trace",
        &a,
        "--trace",
        &b,
        "--trace",
        &c,
        "--probe-prices",
        &prices,
        "--convention",
        "available",
        "--policy",
        "up-s,up-a,up-ap,optimal,skynomad",
        "--work-hours",
        "39.93888888888889",
        "--deadline-hours",
        "59.90833333333333",
        "--restart-overhead-hours",
        "0.2",
        "--checkpoint-gb",
        "50",
        "--ondemand-price",
        "3.06",
        "--mode",
        "tick",
        "--start-hours",
        "179.725",
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ps = v["policies"].as_array().unwrap();
    let names: Vec<&str> = ps.iter().map(|p| p["policy"].as_str().unwrap()).collect();
    assert_eq!(names, ["up-s", "up-a", "up-ap", "optimal", "skynomad"]);
    for p in ps {
        for k in [
            "total_cost_usd",
            "compute_cost_usd",
            "probe_cost_usd",
            "egress_cost_usd",
            "migrations",
            "deadline_met",
        ] {
            assert!(p.get(k).is_some(), "{}: missing {k}", p["policy"]);
        }
        let split = p["compute_cost_usd"].as_f64().unwrap()
            + p["probe_cost_usd"].as_f64().unwrap()
            + p["egress_cost_usd"].as_f64().unwrap();
        assert!((split - p["total_cost_usd"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(p["deadline_met"], true);
    }
    // up-s on window 3 of the SkyNomad artifact's V100 sweep, transfer time counted:
    // $44.57919 (tests/it/job_multi.rs: the reference's number for that window).
    assert_eq!(ps[0]["total_cost_usd"], 44.57919);
    let assumptions: Vec<&str> = v["provenance"]["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let assumptions = assumptions.join("\n");
    for k in [
        "multi-region model",
        "safety net",
        "up-a:",
        "skynomad:",
        "\"voi_delta_base\":0.5",
    ] {
        assert!(assumptions.contains(k), "{k} not in {assumptions}");
    }
}
