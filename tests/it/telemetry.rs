//! Telemetry (issue 9): the period aggregator and alarms on hand-made series, and on
//! the README's real-data examples every export (CSV, EMF, OpenMetrics) adds up to the
//! report — `Cost` to `total_cost_micro_usd` exactly, `Interruptions` to
//! `interruptions`, `UnmetCapacity` integrated to `unmet_capacity_unit_hours` — the
//! EMF lines carry the specification's required fields, the OpenMetrics file backfills
//! a Prometheus TSDB with promtool and reads back, the Perfetto file has one span per
//! instance launched.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use spotsim::money::Money;
use spotsim::telemetry::{
    Aggregator, Alarm, AlarmSpec, AlarmState, Dimension, Dims, Metric, MetricSink, OpenMetricsSink,
    Point, Record, SeriesStore, Stats,
};
use spotsim::time::SimTime;

use crate::cli::{bin, scratch};
use crate::data::{self, EU_WEST_3A, V100_DIR, V100_PRICES, v100_csv};

fn total() -> Dims {
    Dims {
        by: Dimension::Total,
        pairs: vec![("Strategy", "s".into())],
    }
}

// ------------------------------------------------------------------ aggregator

#[test]
fn gauge_statistics_are_honest_at_the_horizon_edges() {
    // Horizon [250, 1000), periods of 300 s aligned to the epoch: [0,300) holds 50 s of
    // the horizon, [300,600) and [600,900) 300 s, [900,1200) 100 s.
    let mut a = Aggregator::new(300, SimTime(250), SimTime(1000), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    a.set(g, Metric::RunningCapacity, SimTime(250), 4);
    a.advance(SimTime(400));
    a.set(g, Metric::RunningCapacity, SimTime(400), 1); // 4 for 100 s, 1 for 200 s
    a.advance(SimTime(950));
    a.set(g, Metric::RunningCapacity, SimTime(950), 0); // 1 for 50 s, 0 for 50 s
    let s = a.finish().unwrap();
    let x = s.total(Metric::RunningCapacity).unwrap();
    let got: Vec<(i64, u64, i128, f64, f64, f64)> = x
        .iter()
        .map(|p| {
            (
                p.timestamp.secs(),
                p.stats.sample_count,
                p.exact_sum,
                p.stats.average,
                p.stats.minimum,
                p.stats.maximum,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, 50, 200, 4.0, 4.0, 4.0),
            (300, 300, 4 * 100 + 200, 2.0, 1.0, 4.0),
            (600, 300, 300, 1.0, 1.0, 1.0),
            (900, 100, 50, 0.5, 0.0, 1.0),
        ]
    );
}

#[test]
fn a_value_held_for_no_time_is_not_a_minimum() {
    let mut a = Aggregator::new(60, SimTime(0), SimTime(60), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    a.set(g, Metric::PendingCapacity, SimTime(0), 3);
    a.set(g, Metric::PendingCapacity, SimTime(10), 0);
    a.set(g, Metric::PendingCapacity, SimTime(10), 5); // 0 held for 0 s
    let s = a.finish().unwrap();
    let p = s.total(Metric::PendingCapacity).unwrap()[0];
    assert_eq!((p.stats.minimum, p.stats.maximum), (3.0, 5.0));
    assert_eq!(p.exact_sum, 3 * 10 + 5 * 50);
}

#[test]
fn cost_periods_add_up_to_the_rounded_total() {
    // Three periods each charged 0.4 µ$ (in exact money): rounding each alone gives
    // 0 + 0 + 0 = 0 µ$, but the total 1.2 µ$ rounds to 1 µ$; carried with the running
    // total the periods give 0, 1, 0.
    let tenth_micro = Money::from_units(Money::UNITS_PER_USD / 10_000_000);
    let mut a = Aggregator::new(10, SimTime(0), SimTime(30), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    for t in [0, 10, 20] {
        a.advance(SimTime(t));
        for _ in 0..4 {
            a.charge(g, tenth_micro);
        }
    }
    let s = a.finish().unwrap();
    let v: Vec<i128> = s
        .total(Metric::Cost)
        .unwrap()
        .iter()
        .map(|p| p.exact_sum)
        .collect();
    assert_eq!(v, vec![0, 1, 0]);
}

#[test]
fn sparse_dimension_sets_are_written_only_while_active() {
    let mut a = Aggregator::new(10, SimTime(0), SimTime(50), SeriesStore::default()).unwrap();
    let pool = a.add_group(
        Dims {
            by: Dimension::Pool,
            pairs: vec![("InstanceType", "m5.large".into())],
        },
        true,
    );
    a.set(pool, Metric::RunningCapacity, SimTime(0), 2);
    a.advance(SimTime(15));
    a.set(pool, Metric::RunningCapacity, SimTime(15), 0);
    a.advance(SimTime(40));
    a.count(pool, Metric::Launches, 1);
    let s = a.finish().unwrap();
    let dims = a_dims();
    let run: Vec<i64> = s
        .get(&dims, Metric::RunningCapacity)
        .unwrap()
        .iter()
        .map(|p| p.timestamp.secs())
        .collect();
    // Periods 0 and 10 held capacity; 20 and 30 nothing (not written); 40 a launch.
    assert_eq!(run, vec![0, 10, 40]);
    fn a_dims() -> Dims {
        Dims {
            by: Dimension::Pool,
            pairs: vec![("InstanceType", "m5.large".into())],
        }
    }
}

// ------------------------------------------------------------------ alarms

fn states(rule: &str, series: &[Option<f64>]) -> Vec<(i64, AlarmState)> {
    let mut a = Alarm::new(rule.parse::<AlarmSpec>().unwrap());
    for (i, v) in series.iter().enumerate() {
        a.observe(SimTime(i as i64 + 1), *v);
    }
    a.changes().iter().map(|c| (c.at.secs(), c.to)).collect()
}

#[test]
fn m_of_n_alarms_on_hand_made_series() {
    use AlarmState::*;
    // 2 of 3 above 5: windows (missing before the start) … [_,_,1] OK? present 1 < M=2,
    // treatment missing → state kept (INSUFFICIENT_DATA); [_,1,9]: 2 present, 1 breach
    // → OK; [1,9,9] → ALARM; [9,9,1] → ALARM; [9,1,1] → OK; [1,1,9] → OK.
    let s = [1.0, 9.0, 9.0, 1.0, 1.0, 9.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Maximum > 5 for 2 of 3 periods", &s),
        vec![(2, Ok), (3, Alarm), (5, Ok)]
    );
    // 3 of 3 (all): one dip resets it.
    let s = [9.0, 9.0, 9.0, 1.0, 9.0, 9.0, 9.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Maximum >= 9 for 3 of 3 periods", &s),
        vec![(3, Alarm), (4, Ok), (7, Alarm)]
    );
    // <= and < compare the other way.
    let s = [5.0, 4.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Average < 5 for 1 of 1 periods", &s),
        vec![(1, Ok), (2, Alarm)]
    );
}

#[test]
fn missing_data_treatments() {
    use AlarmState::*;
    let s = [Some(9.0), None, None, Some(1.0), Some(1.0)];
    // 2 of 2 above 5. Windows: [_,9] [9,_] [_,_] [_,1] [1,1].
    // breaching: missing count as breaching: [_,9] → 2 ≥ 2 ALARM; [9,_] ALARM; [_,_]
    // ALARM; [_,1] → 1 breach → OK; [1,1] present 2 ≥ M → 0 → OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing breaching",
            &s
        ),
        vec![(1, Alarm), (4, Ok)]
    );
    // notBreaching: every window with < 2 present is OK; [1,1] OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing notBreaching",
            &s
        ),
        vec![(1, Ok)]
    );
    // ignore: state kept while fewer than M present: INSUFFICIENT_DATA until [1,1] → OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing ignore",
            &s
        ),
        vec![(5, Ok)]
    );
    // missing (default): all missing → INSUFFICIENT_DATA, otherwise kept.
    let s = [Some(9.0), Some(9.0), None, None, Some(1.0)];
    // [_,9] kept(INSUFFICIENT); [9,9] ALARM; [9,_] kept; [_,_] INSUFFICIENT; [_,1] kept.
    assert_eq!(
        states("a: UnmetCapacity Maximum > 5 for 2 of 2 periods", &s),
        vec![(2, Alarm), (4, InsufficientData)]
    );
}

#[test]
fn alarm_rules_parse_or_say_why() {
    for (rule, needle) in [
        ("UnmetCapacity Maximum > 0 for 1 of 1 periods", "NAME:"),
        ("a: Unmet Maximum > 0 for 1 of 1 periods", "unknown metric"),
        (
            "a: UnmetCapacity Maximum ~ 0 for 1 of 1 periods",
            "comparison",
        ),
        (
            "a: UnmetCapacity Maximum > x for 1 of 1 periods",
            "threshold",
        ),
        (
            "a: UnmetCapacity Maximum > 0 for 3 of 2 periods",
            "above evaluation periods",
        ),
        (
            "a: UnmetCapacity Maximum > 0 for 1 of 1 periods missing sometimes",
            "missing-data",
        ),
    ] {
        let e = rule.parse::<AlarmSpec>().unwrap_err();
        assert_eq!(e.option, "alarm");
        assert!(e.message.contains(needle), "{rule}: {e}");
    }
    let a: AlarmSpec = "a: Cost Sum >= 1.5 for 2 of 4 periods missing notBreaching"
        .parse()
        .unwrap();
    assert_eq!(a.to_string().parse::<AlarmSpec>().unwrap(), a);
}

// ------------------------------------------------------------------ OpenMetrics merge

#[test]
fn openmetrics_runs_spilled_to_disk_merge_into_the_same_file() {
    let dir = scratch("om-merge");
    let write = |path: &Path, run: usize| {
        let mut s = OpenMetricsSink::with_run(path, run);
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let dims = Dims {
                by: Dimension::Pool,
                pairs: vec![("InstanceType", (*name).into())],
            };
            for t in 0..5 {
                let points = [
                    Point {
                        metric: Metric::RunningCapacity,
                        stats: Stats::single((t + i) as f64),
                        exact_sum: 0,
                    },
                    Point {
                        metric: Metric::Launches,
                        stats: Stats::single(1.0),
                        exact_sum: 1,
                    },
                ];
                s.record(&Record {
                    timestamp: SimTime(t as i64 * 60),
                    period_secs: 60,
                    covered_secs: 60,
                    dims: &dims,
                    exported: true,
                    points: &points,
                })
                .unwrap();
            }
        }
        s.finish().unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    let big = write(&dir.join("big.om"), 1 << 20);
    let small = write(&dir.join("small.om"), 4);
    assert_eq!(big, small);
    // Families, then series, contiguous; counters accumulate.
    let lines: Vec<&str> = big.lines().collect();
    assert_eq!(lines[0], "# TYPE spotsim_running_capacity gauge");
    assert!(big.contains("spotsim_launches_total{instance_type=\"c\"} 5 240\n"));
    let family_starts = lines.iter().filter(|l| l.starts_with("# TYPE")).count();
    assert_eq!(family_starts, 2);
    assert_eq!(*lines.last().unwrap(), "# EOF");
    let names: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let mut runs = names.clone();
    runs.dedup();
    assert_eq!(runs.len(), 6, "each series written whole: {runs:?}");
    // No spill or temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ------------------------------------------------------------------ real data, CLI

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
