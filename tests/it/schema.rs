//! Every command's JSON against its JSON Schema in docs/schema/, on real outputs.

use super::cli::{run, scratch};

fn schema(name: &str) -> jsonschema::Validator {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(format!("{name}.schema.json"));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).expect("schema file")).expect("JSON");
    jsonschema::validator_for(&s).expect("a valid JSON Schema")
}

/// Runs the command and checks its JSON against the schema; returns the JSON.
fn valid(name: &str, args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(
        o.status.success() || o.status.code() == Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let errors: Vec<String> = schema(name)
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{args:?} against {name}.schema.json: {errors:#?}"
    );
    v
}

#[test]
fn run_json_matches_its_schema_for_one_strategy_and_several() {
    let one = valid("run", &["run", "--quiet", "--output", "json"]);
    assert_eq!(one["reports"].as_array().unwrap().len(), 1);
    let all = valid(
        "run",
        &[
            "run",
            "--quiet",
            "--output",
            "json",
            "--strategy",
            "lowest-price,capacity-optimized,price-capacity-optimized,diversified,on-demand",
            "--ondemand-base",
            "2",
            "--ondemand-above-base-pct",
            "10",
            "--max-price",
            "0.09",
            "--capacity-rebalance",
            "asg",
            "--target-unit",
            "vcpu",
        ],
    );
    assert_eq!(all["reports"].as_array().unwrap().len(), 5);
    // With telemetry: alarms (with state changes) and the service map.
    let t = valid(
        "run",
        &[
            "run",
            "--quiet",
            "--output",
            "json",
            "--interruption-rate",
            "50",
            "--alarm",
            "boot: UnmetCapacity Maximum > 0 for 1 of 1 periods",
        ],
    );
    let tel = &t["reports"][0]["telemetry"];
    assert!(!tel["alarms"][0]["changes"].as_array().unwrap().is_empty());
    assert!(tel["service_map"]["edges"].is_array());
    // The schema is strict: the version-1 shape (an array) and unknown fields fail.
    let s = schema("run");
    let v1 = all["reports"].clone();
    assert!(!s.is_valid(&v1));
    let mut extra = one.clone();
    extra["reports"][0]["surprise"] = serde_json::json!(1);
    assert!(!s.is_valid(&extra));
    let mut missing = one;
    missing["reports"][0]
        .as_object_mut()
        .unwrap()
        .remove("warnings");
    assert!(!s.is_valid(&missing));
}

#[test]
fn compare_json_matches_its_schema() {
    let base = [
        "compare",
        "--tasks",
        "3",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--hours",
        "48",
        "--output",
        "json",
    ];
    let v = valid("compare", &base);
    assert_eq!(v["options"].as_array().unwrap().len(), 7);
    let mut one = base.to_vec();
    one.extend(["--options", "ecs-ec2-spot"]);
    assert_eq!(
        valid("compare", &one)["options"].as_array().unwrap().len(),
        1
    );
    // With telemetry (an alarm on a task metric, the service map).
    let mut tel = base.to_vec();
    tel.extend([
        "--options",
        "fargate-spot,eks-ec2-spot",
        "--alarm",
        "short: PendingTaskCount Maximum > 0 for 1 of 1 periods",
    ]);
    let v = valid("compare", &tel);
    assert!(v["options"][0]["telemetry"]["alarms"][0]["changes"].is_array());
    // With a warning.
    let mut win = base.to_vec();
    win.extend(["--platform", "windows"]);
    assert_eq!(
        valid("compare", &win)["warnings"][0]["code"],
        "options_left_out"
    );
}

#[test]
fn job_json_matches_its_schema_single_and_windows() {
    let d = scratch("job-schema");
    let t = super::reports::tick_trace(&d);
    let t = t.to_str().unwrap();
    let base = [
        "job",
        "--trace",
        t,
        "--convention",
        "available",
        "--work-hours",
        "4",
        "--deadline-hours",
        "8",
        "--restart-overhead-hours",
        "0.5",
        "--ondemand-price",
        "3",
        "--spot-price",
        "1",
        "--output",
        "json",
    ];
    for extra in [
        vec!["--policy", "greedy"],
        vec!["--policy", "uniform-progress", "--mode", "tick"],
        vec!["--policy", "spot-only", "--windows", "5", "--seed", "3"],
        vec!["--policy", "on-demand", "--windows", "1", "--mode", "tick"],
    ] {
        let mut a = base.to_vec();
        a.extend(extra.iter());
        let v = valid("job", &a);
        assert_eq!(v["policies"].as_array().unwrap().len(), 1);
    }
    // Several policies, the SkyNomad family among them (tick mode), single and windows.
    for extra in [
        vec!["--policy", "greedy,up-s,optimal", "--mode", "tick"],
        vec![
            "--policy",
            "on-demand,up-a,skynomad",
            "--mode",
            "tick",
            "--windows",
            "3",
        ],
    ] {
        let mut a = base.to_vec();
        a.extend(extra.iter());
        let v = valid("job", &a);
        assert_eq!(v["policies"].as_array().unwrap().len(), 3);
    }
    // Strict: the cost split is required.
    let mut a = base.to_vec();
    a.extend(["--policy", "greedy,up-s", "--mode", "tick"]);
    let mut v = valid("job", &a);
    v["policies"][1]
        .as_object_mut()
        .unwrap()
        .remove("probe_cost_usd");
    assert!(!schema("job").is_valid(&v));
}

/// `job --windows --per-window FILE`: every JSON line against job-window.schema.json,
/// one per window and policy, and the report (statistics only) against job.schema.json.
#[test]
fn job_per_window_lines_match_their_schema() {
    let d = scratch("job-window-schema");
    let t = super::reports::tick_trace(&d);
    let lines = d.join("windows.jsonl");
    let args = [
        "job",
        "--trace",
        t.to_str().unwrap(),
        "--convention",
        "available",
        "--work-hours",
        "4",
        "--deadline-hours",
        "8",
        "--restart-overhead-hours",
        "0.5",
        "--ondemand-price",
        "3",
        "--spot-price",
        "1",
        "--output",
        "json",
        "--policy",
        "greedy,on-demand",
        "--mode",
        "tick",
        "--windows",
        "7",
        "--per-window",
        lines.to_str().unwrap(),
    ];
    let v = valid("job", &args);
    assert!(v["policies"][0].get("windows").is_none());
    let text = std::fs::read_to_string(&lines).unwrap();
    let s = schema("job-window");
    let mut policies = Vec::new();
    for l in text.lines() {
        let w: serde_json::Value = serde_json::from_str(l).unwrap();
        let errors: Vec<String> = s.iter_errors(&w).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{l}: {errors:#?}");
        policies.push(w["policy"].as_str().unwrap().to_string());
    }
    assert_eq!(policies.len(), 14);
    assert!(policies[..7].iter().all(|p| p == "greedy"));
    assert!(policies[7..].iter().all(|p| p == "on-demand"));
    let mut w: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    w.as_object_mut().unwrap().remove("policy");
    assert!(!s.is_valid(&w), "the policy is required");
}

/// The multi-region command of the README (three regions, per-tick prices, egress and
/// probes billed) against the schema.
#[test]
fn multi_region_job_json_matches_its_schema() {
    let Some(d) = super::replay::data() else {
        return;
    };
    let dir = d.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let t = |z: &str| dir.join(format!("{z}_v100_1.json")).display().to_string();
    let (a, b, c) = (t("us-east-1c"), t("us-east-2b"), t("us-west-2a"));
    let prices = d
        .join("availability/aws-v100-2023-02-15/v100_spot_prices.json")
        .display()
        .to_string();
    let v = valid(
        "job",
        &[
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
            "up-s,skynomad",
            "--work-hours",
            "39.93888888888889",
            "--deadline-hours",
            "59.90833333333333",
            "--restart-overhead-hours",
            "0.2",
            "--ondemand-price",
            "3.06",
            "--mode",
            "tick",
            "--start-hours",
            "179.725",
            "--output",
            "json",
        ],
    );
    assert_eq!(v["policies"].as_array().unwrap().len(), 2);
}

#[test]
fn types_json_matches_its_schema() {
    let v = valid("types", &["types", "--output", "json"]);
    assert!(!v["types"].as_array().unwrap().is_empty());
    valid(
        "types",
        &[
            "types", "--vcpu", "2..4", "--arch", "arm64", "--output", "json",
        ],
    );
    if let Some(d) = super::replay::data() {
        let adv = d.join("pricing/spot_advisor_us_east_1_linux.csv");
        let v = valid(
            "types",
            &[
                "types",
                "--advisor",
                adv.to_str().unwrap(),
                "--max-band",
                "1",
                "--output",
                "json",
            ],
        );
        assert!(
            v["types"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["band"].as_u64().is_some_and(|b| b <= 1))
        );
    }
}

/// Every row and the summary of a sweep of each kind against docs/schema/sweep-*.
#[test]
fn sweep_rows_and_summary_match_their_schemas() {
    let dir = scratch("schema-sweep");
    let mut files = vec![
        (
            "run",
            "kind = \"run\"\nseeds = 2\n[base]\nend = \"2026-01-03T00:00:00Z\"\n[grid]\nstrategy = [\"lowest-price\", { name = \"lowest-price\", pools = 2 }]\ntarget = [3]\n".to_string(),
        ),
        (
            "compare",
            "kind = \"compare\"\n[base]\ntasks = 2\ntask-vcpu = 0.5\ntask-memory-gib = 1\nhours = 12\n[grid]\noptions = [\"fargate\", \"fargate-spot\"]\n".to_string(),
        ),
    ];
    if let Some(d) = super::data::require(&[super::data::V100_US_WEST_2A_2022]) {
        files.push((
            "job",
            format!(
                "kind = \"job\"\nseed = [1, 2]\n[base]\ntrace = [{:?}]\nconvention = \"available\"\nwork-hours = 48\ndeadline-hours = 52\nrestart-overhead-hours = 0.2\nondemand-price = \"3.06\"\nspot-price = \"0.9731\"\nmode = \"tick\"\n[grid]\npolicy = [\"greedy\", \"on-demand\"]\nwindows = [1, 5]\n",
                d.join(super::data::V100_US_WEST_2A_2022).display().to_string()
            ),
        ));
    }
    let (rows_schema, summary_schema) = (schema("sweep-row"), schema("sweep-summary"));
    for (kind, text) in files {
        let f = dir.join(format!("{kind}.toml"));
        std::fs::write(&f, text).unwrap();
        let sum = dir.join(format!("{kind}-summary.json"));
        let o = run(&[
            "sweep",
            f.to_str().unwrap(),
            "-q",
            "--summary-out",
            sum.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.lines().count() >= 2, "{kind}");
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let errors: Vec<String> = rows_schema.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{kind} row {l}: {errors:#?}");
        }
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sum).unwrap()).unwrap();
        let errors: Vec<String> = summary_schema
            .iter_errors(&v)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{kind} summary: {errors:#?}");
        assert!(!v["comparisons"].as_array().unwrap().is_empty(), "{kind}");
    }
    // The schemas are strict: an unknown field, or a row of no kind, fails.
    let bad: serde_json::Value =
        serde_json::json!({"index": 0, "seed": 1, "warnings": [], "total_cost_usd": 1.0});
    assert!(
        !rows_schema.is_valid(&bad),
        "a row with the metrics of no kind"
    );
    let bad: serde_json::Value = serde_json::json!({"index": 0, "seed": 1, "warnings": [], "cost_usd": 1.0, "cost_ci95_low_usd": null, "cost_ci95_high_usd": null, "deadline_met_fraction": 1.0, "savings_pct": 0.0, "preemptions": 0.0, "unmet_work_hours": 0.0, "Odd_key": 1});
    assert!(!rows_schema.is_valid(&bad), "an unknown field");
    let _ = std::fs::remove_dir_all(&dir);
}
