//! Real data through the CLI.

use super::*;

struct Run {
    report: Value,
    dir: std::path::PathBuf,
}

fn run_example(name: &str, args: &[String], extra: &[&str]) -> Run {
    let dir = scratch(name);
    let out = dir.join("r.json");
    let o = bin()
        .args(args)
        .args(["--output", "json", "--quiet", "--out"])
        .arg(&out)
        .args(
            extra
                .iter()
                .map(|a| a.replace("DIR", &dir.display().to_string())),
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    Run { report, dir }
}

fn eu_west_3a_args(d: &Path) -> Vec<String> {
    [
        "run",
        "--prices",
        &d.join(EU_WEST_3A).display().to_string(),
        "--instance-types",
        "c5.2xlarge,m5d.2xlarge",
        "--azs",
        "eu-west-3a",
        "--strategy",
        "lowest-price,capacity-optimized",
        "--target",
        "10",
        "--interruption-rate",
        "10",
    ]
    .map(String::from)
    .to_vec()
}

fn v100_args(d: &Path) -> Vec<String> {
    [
        "run",
        "--probe-prices",
        &d.join(V100_PRICES).display().to_string(),
        "--capacity",
        &d.join(v100_csv("us-east-1a")).display().to_string(),
        "--capacity",
        &d.join(v100_csv("us-east-1c")).display().to_string(),
        "--strategy",
        "capacity-optimized",
        "--target",
        "2",
    ]
    .map(String::from)
    .to_vec()
}

/// Per strategy: (Σ Cost µ$, Σ Interruptions, ∫ UnmetCapacity unit-seconds), the fleet
/// totals only.
type Sums = HashMap<String, (i128, u64, f64)>;

fn csv_sums(path: &Path) -> Sums {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (st, it, me, sum) = (
        col("strategy"),
        col("instance_type"),
        col("metric"),
        col("sum"),
    );
    let po = col("purchase_option");
    let mut out = Sums::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[it].is_empty() || !rec[po].is_empty() {
            continue;
        }
        let e = out.entry(rec[st].to_string()).or_default();
        match &rec[me] {
            // Exact decimal text: parse the micro-dollars as an integer.
            "Cost" => e.0 += rec[sum].replace('.', "").parse::<i128>().unwrap(),
            "Interruptions" => e.1 += rec[sum].parse::<u64>().unwrap(),
            "UnmetCapacity" => e.2 += rec[sum].parse::<f64>().unwrap(),
            _ => {}
        }
    }
    out
}

fn emf_sums(path: &Path) -> Sums {
    let mut out = Sums::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        check_emf(&v);
        if v.get("InstanceType").is_some() || v.get("PurchaseOption").is_some() {
            continue;
        }
        let e = out
            .entry(v["Strategy"].as_str().unwrap().to_string())
            .or_default();
        e.0 += (v["Cost"].as_f64().unwrap() * 1e6).round() as i128;
        e.1 += v["Interruptions"].as_f64().unwrap() as u64;
        e.2 += v["UnmetCapacity"].as_f64().unwrap() * v["CoveredSeconds"].as_f64().unwrap();
    }
    out
}

/// The EMF specification's required structure: a root object whose `_aws` has a
/// numeric `Timestamp` (ms) and a `CloudWatchMetrics` array of MetricDirectives, each
/// with a string `Namespace`, `Dimensions` (an array of DimensionSets: arrays of at
/// most 30 strings, each naming a root member whose value is a string) and `Metrics`
/// (at most 100 MetricDefinitions, each a `Name` naming a numeric root member, and a
/// `Unit` among CloudWatch's).
fn check_emf(v: &Value) {
    const UNITS: &[&str] = &[
        "Seconds",
        "Microseconds",
        "Milliseconds",
        "Bytes",
        "Kilobytes",
        "Megabytes",
        "Gigabytes",
        "Terabytes",
        "Bits",
        "Kilobits",
        "Megabits",
        "Gigabits",
        "Terabits",
        "Percent",
        "Count",
        "Bytes/Second",
        "Kilobytes/Second",
        "Megabytes/Second",
        "Gigabytes/Second",
        "Terabytes/Second",
        "Bits/Second",
        "Kilobits/Second",
        "Megabits/Second",
        "Gigabits/Second",
        "Terabits/Second",
        "Count/Second",
        "None",
    ];
    let aws = v["_aws"].as_object().expect("_aws object");
    assert!(aws["Timestamp"].as_i64().is_some(), "Timestamp: {v}");
    let dirs = aws["CloudWatchMetrics"]
        .as_array()
        .expect("CloudWatchMetrics");
    assert!(!dirs.is_empty());
    for d in dirs {
        assert!(d["Namespace"].as_str().is_some_and(|s| !s.is_empty()));
        for set in d["Dimensions"].as_array().expect("Dimensions") {
            let set = set.as_array().expect("DimensionSet");
            assert!(set.len() <= 30);
            for k in set {
                let k = k.as_str().unwrap();
                assert!(v[k].is_string(), "dimension {k} must be a string member");
            }
        }
        let ms = d["Metrics"].as_array().expect("Metrics");
        assert!(!ms.is_empty() && ms.len() <= 100);
        for m in ms {
            let name = m["Name"].as_str().unwrap();
            assert!(!name.is_empty() && name.len() <= 1024);
            assert!(v[name].is_number(), "metric {name} must be a number: {v}");
            if let Some(u) = m.get("Unit") {
                assert!(UNITS.contains(&u.as_str().unwrap()), "unit {u}");
            }
        }
    }
}

fn om_sums(path: &Path, reports: &[Value], period: i64) -> Sums {
    let mut out = Sums::new();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with("# EOF\n"));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, rest) = line.split_once("} ").unwrap();
        let (name, labels) = series.split_once('{').unwrap();
        if labels.contains("instance_type=") || labels.contains("purchase_option=") {
            continue;
        }
        let strategy = labels
            .split("strategy=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let (value, ts) = rest.split_once(' ').unwrap();
        let ts: i64 = ts.parse().unwrap();
        let e = out.entry(strategy.clone()).or_default();
        match name {
            // Counters carry running totals: the last one is the sum.
            "spotsim_cost_usd_total" => e.0 = value.replace('.', "").parse().unwrap(),
            "spotsim_interruptions_total" => e.1 = value.parse().unwrap(),
            "spotsim_unmet_capacity" => {
                let r = reports
                    .iter()
                    .find(|r| r["strategy"] == strategy.as_str())
                    .unwrap();
                let (s, end) = (
                    r["provenance"]["span"][0].as_i64().unwrap(),
                    r["provenance"]["span"][1].as_i64().unwrap(),
                );
                let covered = (ts + period).min(end) - ts.max(s);
                e.2 += value.parse::<f64>().unwrap() * covered as f64;
            }
            _ => {}
        }
    }
    out
}

fn span_secs(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_str()
            .and_then(|s| SimTime::parse_rfc3339(s).ok())
            .map(|t| t.secs())
    })
}

fn check_sums(what: &str, sums: &Sums, report: &Value) {
    let reports = report["reports"].as_array().unwrap();
    assert_eq!(sums.len(), reports.len(), "{what}: one series per strategy");
    for r in reports {
        let s = r["strategy"].as_str().unwrap();
        let (cost, intr, unmet) = sums[s];
        assert_eq!(
            cost,
            r["total_cost_micro_usd"].as_i64().unwrap() as i128,
            "{what} {s} Cost"
        );
        assert_eq!(
            intr,
            r["interruptions"].as_u64().unwrap(),
            "{what} {s} Interruptions"
        );
        let want = r["unmet_capacity_unit_hours"].as_f64().unwrap();
        assert!(
            (unmet / 3600.0 - want).abs() <= 1e-6 * want.max(1.0),
            "{what} {s} UnmetCapacity: {} vs {want}",
            unmet / 3600.0
        );
    }
}

/// The README's two real-data examples, each export format; the report is the same
/// with and without telemetry.
#[test]
fn every_export_adds_up_to_the_report_on_the_readme_examples() {
    let Some(d) = data::require(&[EU_WEST_3A, V100_DIR, V100_PRICES]) else {
        return;
    };
    for (name, args, period) in [
        ("eu-west-3a", eu_west_3a_args(&d), 86_400),
        ("v100", v100_args(&d), 3600),
    ] {
        let period_s = period.to_string();
        let plain = run_example(&format!("{name}-plain"), &args, &[]);
        for fmt in ["csv", "emf", "openmetrics"] {
            let r = run_example(
                &format!("{name}-{fmt}"),
                &args,
                &[
                    "--metrics",
                    "DIR/m",
                    "--metrics-format",
                    fmt,
                    "--metrics-by",
                    "total,pool,option",
                    "--metrics-period",
                    &period_s,
                ],
            );
            // Telemetry observes; it changes nothing in the numbers.
            let strip = |v: &Value| {
                let mut v = v.clone();
                for r in v["reports"].as_array_mut().unwrap() {
                    r.as_object_mut().unwrap().remove("telemetry");
                }
                v
            };
            assert_eq!(strip(&r.report), plain.report, "{name} {fmt}");
            let m = r.dir.join("m");
            let reports = r.report["reports"].as_array().unwrap().clone();
            for rep in &reports {
                assert!(span_secs(&rep["provenance"]["span"][0]).is_some());
            }
            let sums = match fmt {
                "csv" => csv_sums(&m),
                "emf" => emf_sums(&m),
                _ => {
                    let fixed: Vec<Value> = reports
                        .iter()
                        .map(|x| {
                            let mut x = x.clone();
                            let sp = &x["provenance"]["span"];
                            let (a, b) = (span_secs(&sp[0]).unwrap(), span_secs(&sp[1]).unwrap());
                            x["provenance"]["span"] = serde_json::json!([a, b]);
                            x
                        })
                        .collect();
                    om_sums(&m, &fixed, period)
                }
            };
            check_sums(&format!("{name} {fmt}"), &sums, &r.report);
        }
    }
}

#[test]
fn openmetrics_backfills_a_prometheus_tsdb_and_reads_back() {
    let Some(promtool) = crate::tool::require("promtool") else {
        return;
    };
    let Some(d) = data::require(&[V100_DIR, V100_PRICES]) else {
        return;
    };
    let r = run_example(
        "promtool",
        &v100_args(&d),
        &[
            "--metrics",
            "DIR/m.om",
            "--metrics-by",
            "total,az",
            "--end",
            "2023-02-22T00:00:00Z",
        ],
    );
    let tsdb = r.dir.join("tsdb");
    let o = std::process::Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(r.dir.join("m.om"))
        .arg(&tsdb)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // `tsdb dump` opens the head too: an empty WAL directory stands for it.
    std::fs::create_dir_all(tsdb.join("wal")).unwrap();
    let dump = |matcher: &str| -> Vec<(String, f64, i64)> {
        let o = std::process::Command::new(&promtool)
            .args(["tsdb", "dump", &format!("--match={matcher}")])
            .arg(&tsdb)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let (series, rest) = l.split_once("} ").unwrap();
                let (v, t) = rest.split_once(' ').unwrap();
                (
                    format!("{series}}}"),
                    v.parse().unwrap(),
                    t.parse().unwrap(),
                )
            })
            .collect()
    };
    let rep = &r.report["reports"][0];
    // The last running total of the cost is the report's total, to the micro-dollar.
    let cost = dump("{__name__=\"spotsim_cost_usd_total\"}");
    let last = cost.iter().max_by_key(|x| x.2).unwrap();
    assert_eq!(
        (last.1 * 1e6).round() as i64,
        rep["total_cost_micro_usd"].as_i64().unwrap()
    );
    // The desired capacity is the target (2) in every period, stamped every 300 s.
    let desired = dump("{__name__=\"spotsim_desired_capacity\"}");
    assert!(desired.len() > 100);
    assert!(desired.iter().all(|x| x.1 == 2.0), "{:?}", &desired[..3]);
    assert!(desired.windows(2).all(|w| w[1].2 - w[0].2 == 300_000));
    // One series per zone, by label.
    let zones: std::collections::BTreeSet<String> =
        dump("{__name__=\"spotsim_running_capacity\",availability_zone=~\".+\"}")
            .into_iter()
            .map(|x| x.0)
            .collect();
    assert_eq!(zones.len(), 2, "{zones:?}");
}

#[test]
fn perfetto_has_one_span_per_instance_and_the_event_log_one_request() {
    let Some(d) = data::require(&[EU_WEST_3A]) else {
        return;
    };
    let r = run_example(
        "perfetto",
        &eu_west_3a_args(&d),
        &[
            "--perfetto",
            "DIR/p.json",
            "--events",
            "DIR/e.jsonl",
            "--service-map",
            "DIR/s.dot",
        ],
    );
    let trace: Value =
        serde_json::from_slice(&std::fs::read(r.dir.join("p.json")).unwrap()).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    for rep in r.report["reports"].as_array().unwrap() {
        let s = rep["strategy"].as_str().unwrap();
        let mine = |ph: &str| {
            events
                .iter()
                .filter(|e| {
                    e["ph"] == ph
                        && e["id"]
                            .as_str()
                            .is_some_and(|i| i.starts_with(&format!("{s}:")))
                })
                .count() as u64
        };
        let launches = rep["launches"].as_u64().unwrap();
        assert_eq!(mine("b"), launches, "{s}: a span begins per launch");
        assert_eq!(mine("e"), launches, "{s}: and ends");
        let interrupted = events
            .iter()
            .filter(|e| e["ph"] == "i" && e["name"] == "interrupted")
            .count() as u64;
        assert!(interrupted >= rep["interruptions"].as_u64().unwrap());
        // Every event has the fields the trace-event format requires.
        for e in events {
            assert!(e["ph"].is_string() && e["pid"].is_u64() && e["name"].is_string());
            if e["ph"] != "M" {
                assert!(e["ts"].is_i64());
            }
        }
        // The event log: one launch request per launch, in time order.
        let log = std::fs::read_to_string(r.dir.join("e.jsonl")).unwrap();
        let mine: Vec<Value> = log
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["strategy"] == s)
            .collect();
        let req = mine
            .iter()
            .filter(|v| v["kind"] == "launch-requested")
            .count() as u64;
        assert_eq!(req, launches);
        let intr = mine.iter().filter(|v| v["kind"] == "interrupted").count() as u64;
        assert_eq!(intr, rep["interruptions"].as_u64().unwrap());
        assert!(
            mine.windows(2)
                .all(|w| w[0]["t"].as_i64() <= w[1]["t"].as_i64())
        );
        // The service map: interruption edges carry every replacement after an
        // interruption (at most one per interruption), moves every price-driven
        // replacement.
        let edges = rep["telemetry"]["service_map"]["edges"].as_array().unwrap();
        let count = |k: &str| -> u64 {
            edges
                .iter()
                .filter(|e| e["kind"] == k)
                .map(|e| e["count"].as_u64().unwrap())
                .sum()
        };
        assert!(count("interruption") <= rep["interruptions"].as_u64().unwrap());
        assert!(
            count("interruption") > 0,
            "{s}: interruptions were replaced"
        );
        if s == "lowest-price" {
            assert!(
                count("price-driven-move")
                    >= rep["price_driven_replacements"].as_u64().unwrap().min(1)
            );
        }
    }
    let dot = std::fs::read_to_string(r.dir.join("s.dot")).unwrap();
    assert!(dot.starts_with("digraph spotsim {") && dot.trim_end().ends_with('}'));
    assert!(dot.contains("->"));
}

#[test]
fn fail_on_alarm_exits_2_and_bad_rules_write_nothing() {
    let dir = scratch("alarm-gate");
    let m = dir.join("m.csv");
    let base = [
        "run",
        "--quiet",
        "--target",
        "5",
        "--interruption-rate",
        "50",
    ];
    // Default market: unmet capacity while the first launches boot (90 s).
    let rule = "boot: UnmetCapacity Maximum > 0 for 1 of 1 periods";
    let o = bin()
        .args(base)
        .args(["--alarm", rule, "--fail-on-alarm"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("alarm boot") && err.contains("-> ALARM at"),
        "{err}"
    );
    let o = bin().args(base).args(["--alarm", rule]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let never = "never: DesiredCapacity Maximum > 99 for 1 of 1 periods";
    let o = bin()
        .args(base)
        .args(["--alarm", never, "--fail-on-alarm"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    // A bad rule: one-line error, exit 1, no metrics file.
    let o = bin()
        .args(base)
        .args(["--metrics"])
        .arg(&m)
        .args(["--alarm", "x: Nope Sum > 1 for 1 of 1 periods"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim().lines().count(), 1);
    assert!(!m.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no temporary file left"
    );
}

#[test]
fn alarms_come_from_scenario_files_too() {
    let dir = scratch("alarm-file");
    let f = dir.join("s.toml");
    std::fs::write(
        &f,
        "target = 5\n[[alarm]]\nname = \"boot\"\nmetric = \"UnmetCapacity\"\nstatistic = \"Maximum\"\ncomparison = \">\"\nthreshold = 0\nevaluation-periods = 1\n",
    )
    .unwrap();
    let o = bin()
        .arg("run")
        .arg(&f)
        .args(["--quiet", "--output", "json", "--fail-on-alarm"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = &v["reports"][0]["telemetry"]["alarms"][0];
    assert_eq!(a["name"], "boot");
    assert_eq!(a["entered_alarm"], true);
    assert_eq!(a["changes"][0]["to"], "ALARM");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[alarm]]\nname = \"x\"\nmetric = \"Cost\"\n").unwrap();
    let o = bin().arg("run").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
