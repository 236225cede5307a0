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
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // One shape whatever the number of policies (schema 2): policies[].
        assert_eq!(doc["schema_version"], 2);
        assert_eq!(doc["policies"][0]["policy"], "uniform-progress");
        let v = &doc["policies"][0];
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
        assert!(doc.get("provenance").is_some());
        assert_eq!(doc["mode"], mode);
        assert_eq!(v["deadline_met"], true);
        assert_eq!(doc["provenance"]["gap_seconds"], 600);
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
    let doc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let v = &doc["policies"][0];
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
    let doc: serde_json::Value = serde_json::from_slice(&e.stdout).unwrap();
    let v = &doc["policies"][0];
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
