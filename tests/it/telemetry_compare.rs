//! `compare` telemetry (issue 9): the task metrics on a hand-made Fargate service, and
//! on every option of a two-service workload each export adds up to the report —
//! `Cost` to `total_cost_micro_usd` exactly (EKS control plane included),
//! `TaskRestarts` to `task_restarts` on Fargate, `DesiredTaskCount` integrated to the
//! report's `task_hours` — with the report unchanged by telemetry.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::cli::{bin, scratch};

const TWO_SERVICES: &str = r#"hours = 48
fargate-spot-interruption-rate = 90
[[service]]
name = "api"
task-vcpu-millis = 250
task-memory-mib = 512
desired = { shape = "daily", baseline = 2, peak = 8, peak-hours = 8 }
[[service]]
name = "worker"
task-vcpu-millis = 1000
task-memory-mib = 2048
desired = { shape = "constant", tasks = 3 }
"#;

fn compare(dir: &Path, scenario: &str, extra: &[&str]) -> Value {
    let file = dir.join("s.toml");
    std::fs::write(&file, scenario).unwrap();
    let out = dir.join(format!("r{}.json", extra.len()));
    let o = bin()
        .arg("compare")
        .arg(&file)
        .args(["--output", "json", "--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

/// The CSV rows of the option-wide sets: option → metric → (Σ sum, values per period).
fn csv_totals(path: &Path) -> HashMap<String, HashMap<String, (f64, Vec<String>)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (op, po, it, sv, me, va, su) = (
        col("option"),
        col("purchase_option"),
        col("instance_type"),
        col("service"),
        col("metric"),
        col("value"),
        col("sum"),
    );
    let mut out: HashMap<String, HashMap<String, (f64, Vec<String>)>> = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[po].is_empty() || !rec[it].is_empty() || !rec[sv].is_empty() {
            continue;
        }
        let e = out
            .entry(rec[op].to_string())
            .or_default()
            .entry(rec[me].to_string())
            .or_default();
        e.0 += rec[su].parse::<f64>().unwrap();
        e.1.push(rec[va].to_string());
    }
    out
}

#[test]
fn a_fargate_service_by_hand() {
    // One service, 3 tasks of 0.5 vCPU / 1 GiB (a Fargate size: 512 CPU units,
    // 1,024 MiB), for one hour from 2026-01-01T00:00Z, 10-minute periods. Tasks are
    // requested at 0 and run from 60 s (the default task start).
    let d = scratch("telemetry-compare-hand");
    let scenario = "hours = 1\noptions = [\"fargate\"]\n[[service]]\nname = \"web\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 3 }\n";
    let m = d.join("m.csv");
    let report = compare(
        &d,
        scenario,
        &[
            "--metrics",
            m.to_str().unwrap(),
            "--metrics-period",
            "600",
            "--metrics-by",
            "total,service",
        ],
    );
    let t = &csv_totals(&m)["fargate"];
    let vals = |k: &str| t[k].1.clone();
    let six = |first: &str, rest: &str| {
        let mut v = vec![first.to_string()];
        v.extend(std::iter::repeat_n(rest.to_string(), 5));
        v
    };
    // Running: 3 for 540 of the first 600 s (2.7), then 3; pending 0.3, then 0.
    assert_eq!(vals("RunningTaskCount"), six("2.7", "3"));
    assert_eq!(vals("PendingTaskCount"), six("0.3", "0"));
    assert_eq!(vals("DesiredTaskCount"), six("3", "3"));
    // 3 × 512 CPU units = 1,536 (× 0.9 in the first period: 1,382.4); 3 × 1,024 MiB.
    assert_eq!(vals("CpuReserved"), six("1382.4", "1536"));
    assert_eq!(vals("MemoryReserved"), six("2764.8", "3072"));
    // Fargate us-east-1 Linux: $0.04048 per vCPU-hour, $0.004445 per GB-hour, so a task
    // costs 0.5 × 0.04048 + 1 × 0.004445 = $0.024685 an hour. Each task is billed from
    // its request (the image pull) to the end: 3 × 0.024685 = $0.074055.
    assert_eq!(
        report["options"][0]["total_cost_micro_usd"].as_i64(),
        Some(74_055)
    );
    // By period: accrued while running, 3 × 0.024685 $/h × 540 s = $0.01110825 → 0.011108;
    // then 600 s each, $0.0123425, rounded with the running total (0.012343, 0.012342,
    // …); the last period also settles the 60 s of image pull (3 × 60 s = $0.00123425).
    assert_eq!(
        vals("Cost"),
        [
            "0.011108", "0.012343", "0.012342", "0.012343", "0.012342", "0.013577"
        ]
    );
    // The service's own set carries the same (it is the only one).
    let text = std::fs::read_to_string(&m).unwrap();
    assert_eq!(text.matches(",web,RunningTaskCount,").count(), 6);
}

#[test]
fn every_export_adds_up_to_the_report_for_every_option() {
    let d = scratch("telemetry-compare-sums");
    let plain = compare(&d, TWO_SERVICES, &[]);
    let strip = |v: &Value| {
        let mut v = v.clone();
        for o in v["options"].as_array_mut().unwrap() {
            o.as_object_mut().unwrap().remove("telemetry");
        }
        v
    };
    let options = plain["options"].as_array().unwrap();
    assert_eq!(options.len(), 7);
    let task_hours = plain["task_hours"].as_f64().unwrap();
    for fmt in ["csv", "emf", "openmetrics"] {
        let m = d.join(format!("m.{fmt}"));
        let r = compare(
            &d,
            TWO_SERVICES,
            &[
                "--metrics",
                m.to_str().unwrap(),
                "--metrics-format",
                fmt,
                "--metrics-by",
                "total,service",
            ],
        );
        assert_eq!(strip(&r), plain, "{fmt}: telemetry changes nothing");
        // option → (Σ Cost µ$, Σ TaskRestarts, ∫ DesiredTaskCount task-seconds)
        let mut sums: HashMap<String, (i128, f64, f64)> = HashMap::new();
        let text = std::fs::read_to_string(&m).unwrap();
        match fmt {
            "csv" => {
                for (o, ms) in csv_totals(&m) {
                    let e = sums.entry(o).or_default();
                    e.0 = ms["Cost"]
                        .1
                        .iter()
                        .map(|v| v.replace('.', "").parse::<i128>().unwrap())
                        .sum();
                    e.1 = ms["TaskRestarts"].0;
                    e.2 = ms["DesiredTaskCount"].0;
                }
            }
            "emf" => {
                for line in text.lines() {
                    let v: Value = serde_json::from_str(line).unwrap();
                    if v.get("ServiceName").is_some()
                        || v.get("InstanceType").is_some()
                        || v.get("PurchaseOption").is_some()
                    {
                        continue;
                    }
                    let e = sums
                        .entry(v["Option"].as_str().unwrap().to_string())
                        .or_default();
                    e.0 += (v["Cost"].as_f64().unwrap() * 1e6).round() as i128;
                    e.1 += v["TaskRestarts"].as_f64().unwrap();
                    e.2 += v["DesiredTaskCount"].as_f64().unwrap()
                        * v["CoveredSeconds"].as_f64().unwrap();
                }
            }
            _ => {
                assert!(text.ends_with("# EOF\n"));
                for line in text.lines().filter(|l| !l.starts_with('#')) {
                    let (series, rest) = line.split_once("} ").unwrap();
                    let (name, labels) = series.split_once('{').unwrap();
                    if labels.contains(',') {
                        continue; // a service's set: option and service_name
                    }
                    let o = labels.split('"').nth(1).unwrap().to_string();
                    let value = rest.split_once(' ').unwrap().0;
                    let e = sums.entry(o).or_default();
                    match name {
                        // Running totals: the last is the sum.
                        "spotsim_cost_usd_total" => e.0 = value.replace('.', "").parse().unwrap(),
                        "spotsim_task_restarts_total" => e.1 = value.parse().unwrap(),
                        // 48 h of whole 300 s periods.
                        "spotsim_desired_tasks" => e.2 += value.parse::<f64>().unwrap() * 300.0,
                        _ => {}
                    }
                }
            }
        }
        assert_eq!(sums.len(), 7, "{fmt}");
        for o in options {
            let name = o["option"].as_str().unwrap();
            let (cost, restarts, desired) = sums[name];
            assert_eq!(
                cost,
                o["total_cost_micro_usd"].as_i64().unwrap() as i128,
                "{fmt} {name} Cost"
            );
            if name.starts_with("fargate") {
                assert_eq!(
                    restarts,
                    o["task_restarts"].as_f64().unwrap(),
                    "{fmt} {name} TaskRestarts"
                );
            }
            assert!(
                (desired / 3600.0 - task_hours).abs() < 1e-6,
                "{fmt} {name} DesiredTaskCount: {} vs {task_hours}",
                desired / 3600.0
            );
        }
    }
    // Fargate Spot at 90 % per task-month interrupts some tasks in 48 h: the restarts
    // above were not all zero.
    assert!(
        options
            .iter()
            .any(|o| o["task_restarts"].as_f64() > Some(0.0))
    );
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn task_events_name_the_option_and_the_service() {
    let d = scratch("telemetry-compare-events");
    let ev = d.join("ev.jsonl");
    compare(
        &d,
        TWO_SERVICES,
        &[
            "--events",
            ev.to_str().unwrap(),
            "--options",
            "fargate-spot,ecs-ec2-spot",
        ],
    );
    let mut started: HashMap<(String, String), u64> = HashMap::new();
    let mut running: HashMap<String, u64> = HashMap::new();
    for line in std::fs::read_to_string(&ev).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let o = v["compare_option"].as_str().unwrap().to_string();
        match v["kind"].as_str().unwrap() {
            "task-started" => {
                let s = v["service"].as_str().unwrap().to_string();
                assert!(s == "api" || s == "worker", "{v}");
                *started.entry((o, s)).or_default() += v["count"].as_u64().unwrap();
            }
            "running" => *running.entry(o).or_default() += 1,
            _ => {}
        }
    }
    // On Fargate each task is one instance of the replay: as many started as running.
    let fs: u64 = started
        .iter()
        .filter(|((o, _), _)| o == "fargate-spot")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(fs, running["fargate-spot"]);
    // On EC2 both services' tasks start (at least their desired counts at the start).
    for s in ["api", "worker"] {
        assert!(started[&("ecs-ec2-spot".to_string(), s.to_string())] >= 2);
    }
}
