//! CI gates on every command: each of the four thresholds exits 2 when breached and 0
//! when not (the report's own figure as the threshold passes: breaches are strict),
//! the report is written first, one stderr line per breach, bad thresholds exit 1.

use super::cli::{run, scratch};

/// The JSON path of each gate's figure for the one subject the command runs.
struct Figures {
    cost: f64,
    interruptions: u64,
    unmet: f64,
    savings: f64,
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.extend(["--output", "json"]);
    let o = run(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// For each gate: the figure as threshold passes (exit 0), just past it breaches
/// (exit 2, one stderr line naming the gate).
fn check_gates(args: &[&str], f: &Figures) {
    assert!(
        f.interruptions > 0 && f.unmet > 0.0,
        "the case must exercise every gate"
    );
    let cases: [(&str, String, String); 4] = [
        (
            "--fail-if-cost-above",
            f.cost.to_string(),
            (f.cost - 0.01).to_string(),
        ),
        (
            "--fail-if-interruptions-above",
            f.interruptions.to_string(),
            (f.interruptions - 1).to_string(),
        ),
        (
            "--fail-if-unmet-above",
            f.unmet.to_string(),
            (f.unmet - 0.001).to_string(),
        ),
        (
            "--fail-if-savings-below",
            f.savings.to_string(),
            (f.savings + 0.01).to_string(),
        ),
    ];
    for (flag, pass, breach) in &cases {
        let mut a = args.to_vec();
        a.extend([*flag, pass.as_str()]);
        let o = run(&a);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{flag} {pass}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!o.stdout.is_empty());
        let mut a = args.to_vec();
        a.extend([*flag, breach.as_str()]);
        let o = run(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {breach}: {err}");
        assert!(
            !o.stdout.is_empty(),
            "the report is written before the gate"
        );
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with("threshold breached: "))
            .collect();
        assert_eq!(lines.len(), 1, "{err}");
        assert!(lines[0].ends_with(&format!("({flag})")), "{err}");
    }
}

#[test]
fn run_gates() {
    let args = ["run", "--quiet"];
    let v = json(&args);
    let r = &v["reports"][0];
    check_gates(
        &args,
        &Figures {
            cost: r["total_cost_usd"].as_f64().unwrap(),
            interruptions: r["interruptions"].as_u64().unwrap(),
            unmet: r["unmet_capacity_unit_hours"].as_f64().unwrap(),
            savings: r["savings_pct"].as_f64().unwrap(),
        },
    );
    // Several strategies: one line per strategy that breaches.
    let o = run(&[
        "run",
        "--quiet",
        "--strategy",
        "lowest-price,capacity-optimized",
        "--fail-if-cost-above",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("threshold breached: "))
            .count(),
        2,
        "{err}"
    );
}

#[test]
fn compare_gates() {
    let args = [
        "compare",
        "--tasks",
        "6",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--options",
        "ecs-ec2-spot",
    ];
    let v = json(&args);
    let o = &v["options"][0];
    check_gates(
        &args,
        &Figures {
            cost: o["total_cost_usd"].as_f64().unwrap(),
            interruptions: o["interruptions"].as_u64().unwrap(),
            unmet: o["unmet_task_hours"].as_f64().unwrap(),
            savings: o["savings_vs_ondemand_pct"].as_f64().unwrap(),
        },
    );
    // On-demand options have no savings figure: the savings gate does not apply.
    let o = run(&[
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--hours",
        "24",
        "--options",
        "fargate",
        "--fail-if-savings-below",
        "99",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn job_gates() {
    let d = scratch("job-gates");
    let t = super::reports::tick_trace(&d);
    let t = t.to_str().unwrap();
    // spot-only waits out the 3-hour gap and misses the 5-hour deadline.
    let args = [
        "job",
        "--trace",
        t,
        "--convention",
        "available",
        "--policy",
        "spot-only",
        "--work-hours",
        "4",
        "--deadline-hours",
        "5",
        "--restart-overhead-hours",
        "0.5",
        "--ondemand-price",
        "3",
        "--spot-price",
        "1",
        "--mode",
        "tick",
        "--start-hours",
        "1",
    ];
    let v = json(&args);
    let p = &v["policies"][0];
    assert_eq!(p["deadline_met"], false);
    check_gates(
        &args,
        &Figures {
            cost: p["total_cost_usd"].as_f64().unwrap(),
            interruptions: p["preemptions"].as_u64().unwrap(),
            unmet: p["unmet_work_hours"].as_f64().unwrap(),
            savings: p["savings_pct"].as_f64().unwrap(),
        },
    );
}

#[test]
fn help_documents_the_gates_and_exit_codes() {
    for cmd in ["run", "compare", "job"] {
        let help = String::from_utf8(run(&[cmd, "--help"]).stdout).unwrap();
        for flag in [
            "--fail-if-cost-above",
            "--fail-if-interruptions-above",
            "--fail-if-unmet-above",
            "--fail-if-savings-below",
        ] {
            assert!(help.contains(flag), "{cmd}: {flag}");
        }
        assert!(
            help.contains("Exit codes:\n  0  the report was written"),
            "{cmd}"
        );
        assert!(
            help.contains("\n  2  a --fail-if-... threshold was breached"),
            "{cmd}"
        );
    }
}

#[test]
fn bad_thresholds_exit_1_and_files_can_hold_gates() {
    for (flag, v) in [
        ("--fail-if-cost-above", "NaN"),
        ("--fail-if-cost-above", "inf"),
        ("--fail-if-unmet-above", "-inf"),
        ("--fail-if-savings-below", "nan"),
        ("--fail-if-interruptions-above", "-1"),
        ("--fail-if-cost-above", "-5"),
    ] {
        let o = run(&["run", "--quiet", flag, v]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{flag} {v}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let d = scratch("gate-file");
    let f = d.join("g.toml");
    std::fs::write(&f, "fail-if-cost-above = nan\n").unwrap();
    let o = run(&["run", f.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fail-if-cost-above"));
    // A gate in a file works like the flag, and the report is in --out before exit 2.
    std::fs::write(&f, "fail-if-cost-above = 1\noutput = \"json\"\n").unwrap();
    let out = d.join("r.json");
    let o = run(&[
        "run",
        f.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 2);
}
