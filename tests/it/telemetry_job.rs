//! `job` telemetry (issue 9): on the README's V100 job, for several policies in both
//! modes and every metrics format, `Cost` adds up to each policy's
//! `total_cost_micro_usd` exactly, `WorkDone` to the work when the deadline is met,
//! `Interruptions` to the preemptions, and the switch events match the report's
//! restarts and preemptions; the JSON report is the plain one plus `telemetry`;
//! the OpenMetrics file backfills a Prometheus TSDB; an alarm fails the gate.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::cli::{bin, scratch};
use crate::data;

const TRACE: &str = data::V100_US_WEST_2A_2022;
const POLICIES: &str = "greedy,uniform-progress,on-demand,spot-only";

/// Runs the README's job with `extra`; the JSON report (`None` without the data).
fn job(dir: &Path, name: &str, extra: &[&str]) -> Option<(Value, std::process::Output)> {
    let d = data::require(&[TRACE])?;
    let out = dir.join(format!("{name}.json"));
    let o = bin()
        .args(["job", "--trace"])
        .arg(d.join(TRACE))
        .args(data::V100_JOB_ARGS)
        .args(["--policy", POLICIES, "--output", "json", "--out"])
        .arg(&out)
        .args(extra)
        .args(if extra.contains(&"--windows") {
            &[][..]
        } else {
            &["--start-hours", "443"][..]
        })
        .output()
        .unwrap();
    assert!(
        o.status.code() != Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some((
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap(),
        o,
    ))
}

/// Per policy and metric, the exact sums of the policy-wide rows: (Cost in
/// micro-dollars, WorkDone in hours, Interruptions, FailedLaunches).
type Sums = HashMap<String, (i128, f64, i64, i64)>;

fn add(s: &mut Sums, policy: &str, metric: &str, micro: i128, value: f64) {
    let e = s.entry(policy.to_string()).or_default();
    match metric {
        "Cost" => e.0 += micro,
        "WorkDone" => e.1 += value,
        "Interruptions" => e.2 += value as i64,
        "FailedLaunches" => e.3 += value as i64,
        _ => {}
    }
}

fn csv_sums(p: &Path) -> Sums {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (po, az, pol, me, su) = (
        col("purchase_option"),
        col("availability_zone"),
        col("policy"),
        col("metric"),
        col("sum"),
    );
    let mut s = Sums::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[po].is_empty() || !rec[az].is_empty() {
            continue;
        }
        let micro = if &rec[me] == "Cost" {
            let (a, b) = rec[su].split_once('.').unwrap();
            let sign = if a.starts_with('-') { -1 } else { 1 };
            a.parse::<i128>().unwrap() * 1_000_000 + sign * b.parse::<i128>().unwrap()
        } else {
            0
        };
        add(&mut s, &rec[pol], &rec[me], micro, rec[su].parse().unwrap());
    }
    s
}

fn emf_sums(p: &Path) -> Sums {
    let mut s = Sums::new();
    for line in std::fs::read_to_string(p).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let d = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(d["Namespace"], "spotsim");
        if v.get("PurchaseOption").is_some() || v.get("AvailabilityZone").is_some() {
            continue;
        }
        let policy = v["Policy"].as_str().unwrap();
        for m in d["Metrics"].as_array().unwrap() {
            let name = m["Name"].as_str().unwrap();
            let x = v[name].as_f64().unwrap();
            add(&mut s, policy, name, (x * 1e6).round() as i128, x);
        }
    }
    s
}

/// OpenMetrics counters are running totals: the last sample of each series.
fn om_sums(p: &Path) -> Sums {
    let mut last: HashMap<(String, String), f64> = HashMap::new();
    for line in std::fs::read_to_string(p).unwrap().lines() {
        if line.starts_with('#') {
            continue;
        }
        let (series, rest) = line.split_once("} ").unwrap();
        let (fam, labels) = series.split_once('{').unwrap();
        if labels.contains("purchase_option") || labels.contains("availability_zone") {
            continue;
        }
        let policy = labels
            .split("policy=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let v: f64 = rest.split(' ').next().unwrap().parse().unwrap();
        last.insert((policy.to_string(), fam.to_string()), v);
    }
    let mut s = Sums::new();
    for ((policy, fam), v) in last {
        let metric = match fam.as_str() {
            "spotsim_cost_usd_total" => "Cost",
            "spotsim_work_done_hours_total" => "WorkDone",
            "spotsim_interruptions_total" => "Interruptions",
            "spotsim_failed_launches_total" => "FailedLaunches",
            _ => continue,
        };
        add(&mut s, &policy, metric, (v * 1e6).round() as i128, v);
    }
    s
}

/// The report without its `telemetry` keys.
fn strip(v: &Value) -> Value {
    let mut v = v.clone();
    for p in v["policies"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("telemetry");
    }
    v
}

#[test]
fn every_format_adds_up_to_each_policys_report_in_both_modes() {
    let dir = scratch("job-telemetry-sums");
    for mode in ["event", "tick"] {
        let Some((plain, _)) = job(&dir, &format!("plain-{mode}"), &["--mode", mode]) else {
            return;
        };
        for fmt in ["csv", "emf", "openmetrics"] {
            let m = dir.join(format!("m-{mode}.{fmt}"));
            let e = dir.join(format!("e-{mode}-{fmt}.jsonl"));
            let (r, _) = job(
                &dir,
                &format!("{mode}-{fmt}"),
                &[
                    "--mode",
                    mode,
                    "--metrics",
                    m.to_str().unwrap(),
                    "--metrics-format",
                    fmt,
                    "--metrics-by",
                    "total,option,az",
                    "--events",
                    e.to_str().unwrap(),
                ],
            )
            .unwrap();
            // The report is the plain one plus each policy's telemetry.
            assert_eq!(strip(&r), plain, "{mode} {fmt}");
            let sums = match fmt {
                "csv" => csv_sums(&m),
                "emf" => emf_sums(&m),
                _ => om_sums(&m),
            };
            let mut switches: HashMap<String, (i64, i64)> = HashMap::new();
            for line in std::fs::read_to_string(&e).unwrap().lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                let s = switches
                    .entry(v["policy"].as_str().unwrap().to_string())
                    .or_default();
                s.0 += i64::from(v["to"] != "none");
                s.1 += i64::from(v["cause"] == "preempted");
            }
            for p in r["policies"].as_array().unwrap() {
                let name = p["policy"].as_str().unwrap();
                let what = format!("{mode} {fmt} {name}");
                let (cost, work, interrupted, failed) = sums[name];
                let total = (p["total_cost_usd"].as_f64().unwrap() * 1e6).round() as i128;
                assert_eq!(cost, total, "{what}: Cost");
                assert!(cost > 0, "{what}");
                if p["deadline_met"] == true {
                    assert!((work - 48.0).abs() < 1e-9, "{what}: WorkDone {work}");
                } else {
                    let unmet = p["unmet_work_hours"].as_f64().unwrap();
                    assert!((work + unmet - 48.0).abs() < 1e-6, "{what}: {work}");
                }
                assert_eq!(interrupted, p["preemptions"].as_i64().unwrap(), "{what}");
                let (starts, preempted) = switches[name];
                assert_eq!(starts, p["restarts"].as_i64().unwrap(), "{what}: starts");
                assert_eq!(preempted, interrupted + failed, "{what}: preempted");
                assert_eq!(
                    p["telemetry"]["window"],
                    "The run's window, starting 443.0 h into the trace"
                );
            }
            // Spot-only is preempted on this window: the test can fail.
            assert!(sums["spot-only"].2 > 0, "{mode}");
        }
    }
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn windows_pick_the_html_window_and_the_perfetto_file_has_a_track_per_policy() {
    let dir = scratch("job-telemetry-windows");
    let p = dir.join("p.json");
    let Some((r, _)) = job(
        &dir,
        "w",
        &[
            "--windows",
            "20",
            "--seed",
            "1",
            "--perfetto",
            p.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    for p in r["policies"].as_array().unwrap() {
        let w = p["telemetry"]["window"].as_str().unwrap();
        assert!(w.starts_with("Window "), "{w}");
        assert!(w.contains(" of 20 (the median cost of greedy)"), "{w}");
    }
    let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let ev = v["traceEvents"].as_array().unwrap();
    let names: Vec<&str> = ev
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, POLICIES.split(',').collect::<Vec<_>>());
    let begins = ev.iter().filter(|e| e["ph"] == "b").count();
    let ends = ev.iter().filter(|e| e["ph"] == "e").count();
    assert_eq!(begins, ends);
    assert!(begins >= 4);
    assert!(
        ev.iter()
            .any(|e| e["name"] == "preempted" && e["ph"] == "i")
    );
}

#[test]
fn an_alarm_on_job_metrics_fails_the_gate_and_misapplied_options_are_refused() {
    let dir = scratch("job-telemetry-alarm");
    let Some((r, o)) = job(
        &dir,
        "a",
        &[
            "--alarm",
            "idle: UnmetCapacity Maximum >= 1 for 3 of 3 periods",
            "--fail-on-alarm",
        ],
    ) else {
        return;
    };
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let a = &r["policies"][0]["telemetry"]["alarms"][0];
    assert_eq!(a["name"], "idle");
    assert_eq!(a["entered_alarm"], true);
    // On-demand never idles before it finishes: no alarm.
    let od = &r["policies"][2];
    assert_eq!(od["policy"], "on-demand");
    assert_eq!(od["telemetry"]["alarms"][0]["entered_alarm"], false);
    // Refused with the one rule: pool and the service map do not apply to job.
    for extra in [
        vec!["--metrics", "m.csv", "--metrics-by", "pool"],
        vec!["--service-map", "m.dot"],
        vec![
            "--alarm",
            "x: DesiredTaskCount Maximum > 1 for 1 of 1 periods",
        ],
    ] {
        let mut a = vec!["job", "--trace", "t.json", "--convention", "available"];
        a.extend([
            "--policy",
            "greedy",
            "--work-hours",
            "1",
            "--deadline-hours",
            "2",
        ]);
        a.extend(["--restart-overhead-hours", "0"]);
        a.extend(extra.iter().copied());
        let o = bin().current_dir(&dir).args(&a).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.lines().count() == 1, "{e}");
        assert!(
            e.contains("metrics-by") || e.contains("service-map") || e.contains("alarm"),
            "{e}"
        );
    }
}

#[test]
fn job_openmetrics_backfills_a_prometheus_tsdb() {
    let Some(promtool) = crate::tool::require("promtool") else {
        return;
    };
    let dir = scratch("job-telemetry-promtool");
    let m = dir.join("m.om");
    let Some((r, _)) = job(
        &dir,
        "p",
        &["--metrics", m.to_str().unwrap(), "--metrics-by", "total,az"],
    ) else {
        return;
    };
    let tsdb = dir.join("tsdb");
    let o = std::process::Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&m)
        .arg(&tsdb)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::create_dir_all(tsdb.join("wal")).unwrap();
    let o = std::process::Command::new(&promtool)
        .args([
            "tsdb",
            "dump",
            "--match={__name__=\"spotsim_cost_usd_total\",policy=\"greedy\"}",
        ])
        .arg(&tsdb)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    // The last running total (the total set, no zone label) is greedy's cost.
    let last = text
        .lines()
        .filter(|l| !l.contains("availability_zone"))
        .map(|l| {
            let (_, rest) = l.split_once("} ").unwrap();
            let (v, t) = rest.split_once(' ').unwrap();
            (t.parse::<i64>().unwrap(), v.parse::<f64>().unwrap())
        })
        .max_by_key(|x| x.0)
        .unwrap();
    let greedy = &r["policies"][0];
    assert_eq!(greedy["policy"], "greedy");
    assert_eq!(
        (last.1 * 1e6).round() as i64,
        (greedy["total_cost_usd"].as_f64().unwrap() * 1e6).round() as i64
    );
}

#[test]
fn multi_region_probes_and_egress_are_in_the_cost() {
    // The README's SkyNomad example (tick mode, three zones): probes and egress are
    // charged beside the instances, and Cost still adds up to each policy's total.
    let zones = ["us-east-1c", "us-east-2b", "us-west-2a"];
    let traces: Vec<String> = zones
        .iter()
        .map(|z| {
            format!("availability/spot-traces/availability/1-node/aws-02-15-2023/{z}_v100_1.json")
        })
        .collect();
    let mut needs = traces.clone();
    needs.push(data::V100_PRICES.to_string());
    let Some(d) = data::require(&needs) else {
        return;
    };
    let dir = scratch("job-telemetry-multi");
    let (m, out) = (dir.join("m.csv"), dir.join("r.json"));
    let mut cmd = bin();
    cmd.arg("job");
    for t in &traces {
        cmd.arg("--trace").arg(d.join(t));
    }
    let o = cmd
        .arg("--probe-prices")
        .arg(d.join(data::V100_PRICES))
        .args([
            "--convention",
            "available",
            "--policy",
            "up-s,up-a,up-ap,skynomad",
        ])
        .args([
            "--work-hours",
            "39.93888888888889",
            "--deadline-hours",
            "59.90833333333333",
        ])
        .args([
            "--restart-overhead-hours",
            "0.2",
            "--ondemand-price",
            "3.06",
        ])
        .args([
            "--mode",
            "tick",
            "--start-hours",
            "179.725",
            "--output",
            "json",
        ])
        .args(["--metrics-by", "total,az", "--metrics"])
        .arg(&m)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let sums = csv_sums(&m);
    let mut extras = 0.0;
    for p in r["policies"].as_array().unwrap() {
        let name = p["policy"].as_str().unwrap();
        let total = (p["total_cost_usd"].as_f64().unwrap() * 1e6).round() as i128;
        assert_eq!(sums[name].0, total, "{name}");
        extras += p["probe_cost_usd"].as_f64().unwrap() + p["egress_cost_usd"].as_f64().unwrap();
    }
    assert!(extras > 0.0, "the example pays probes and egress");
}
