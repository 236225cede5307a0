//! Issue 8 item 3: every warning code `run` raises, one case that triggers it and one
//! that does not, through the CLI; and each format (table, JSON, CSV, Markdown, stderr)
//! carrying them. Expected values are worked out by hand in the comments.

use std::path::Path;

use serde_json::Value;

use super::cli::{run, scratch};

const HDR: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n";

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

/// `YYYY-01-01T00:00:00Z + h` hours, RFC 3339 (2024-01-01 + h hours).
pub(crate) fn at(h: f64) -> String {
    let t = spotsim::time::SimTime(1_704_067_200 + (h * 3600.0).round() as i64);
    t.to_string()
}

/// Price rows `(zone, type, product, price, hours after 2024-01-01)`.
pub(crate) fn prices(rows: &[(&str, &str, &str, &str, f64)]) -> String {
    let mut s = HDR.to_string();
    for (z, t, p, usd, h) in rows {
        s += &format!("{z},{t},{p},{usd},{}\n", at(*h));
    }
    s
}

/// Runs `spotsim run … --output json --quiet`: the JSON and stderr; panics on failure.
pub(crate) fn run_json(args: &[&str]) -> (Value, String) {
    let mut all = vec!["run", "--quiet", "--output", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{args:?}: {err}");
    (serde_json::from_slice(&o.stdout).expect("JSON"), err)
}

/// The warning codes of report `i`.
pub(crate) fn codes(v: &Value, i: usize) -> Vec<String> {
    v["reports"][i]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) fn message<'a>(v: &'a Value, i: usize, code: &str) -> &'a str {
    v["reports"][i]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
        .and_then(|w| w["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {}", v["reports"][i]["warnings"]))
}

/// A price file of one pool, m5.large in us-east-1a, changing every hour for 5 hours
/// (6 rows), prices well below the $0.096 on-demand price.
fn six_rows(d: &Path) -> String {
    let rows: Vec<(&str, &str, &str, &str, f64)> =
        ["0.030", "0.031", "0.032", "0.031", "0.030", "0.033"]
            .iter()
            .enumerate()
            .map(|(i, p)| ("us-east-1a", "m5.large", "Linux/UNIX", *p, i as f64))
            .collect();
    write(d, "six.csv", &prices(&rows))
}

#[test]
fn trace_extrapolated_when_the_horizon_runs_past_the_data() {
    let d = scratch("w-extrapolated");
    let p = six_rows(&d);
    // The case: 6 rows (5 h of data) stretched over 696 h — 691 h past the last
    // timestamp, far more than min(1 % of 696 h, 24 h) = 6.96 h.
    let (v, err) = run_json(&["--prices", &p, "--start", &at(0.0), "--end", &at(696.0)]);
    assert!(codes(&v, 0).contains(&"trace_extrapolated".to_string()));
    let m = message(&v, 0, "trace_extrapolated");
    assert!(m.contains("691.0 h past"), "{m}");
    assert!(
        m.contains(&p) && m.contains(&format!("{} → {}", at(0.0), at(5.0))),
        "{m}"
    );
    assert!(err.contains("warning[trace_extrapolated]"), "{err}");
    // Not triggered: the default horizon is the data's span.
    let (v, _) = run_json(&["--prices", &p]);
    assert!(!codes(&v, 0).contains(&"trace_extrapolated".to_string()));
}

#[test]
fn trace_extrapolated_tolerance_is_one_percent_or_a_day() {
    let d = scratch("w-tolerance");
    let p = six_rows(&d); // data 0 h … 5 h
    let case = |start: f64, end: f64| {
        let (v, _) = run_json(&["--prices", &p, "--start", &at(start), "--end", &at(end)]);
        codes(&v, 0).contains(&"trace_extrapolated".to_string())
    };
    // Horizon 0 … 5.04 h: 0.04 h past, 1 % of 5.04 h is 0.0504 h: within.
    assert!(!case(0.0, 5.04));
    // Horizon 0 … 5.06 h: 0.06 h past > 0.0506 h.
    assert!(case(0.0, 5.06));
    // Starting before the data counts the same: 0.06 h before a 5.06 h horizon.
    assert!(case(-0.06, 5.0));
    // Long horizons: the tolerance is capped at 24 h. Data at 0 h and 3,000 h; horizon
    // −25 h … 3,000 h (3,025 h, 1 % = 30.25 h): 25 h before the data is more than 24 h,
    // a warning; −23 h … 3,000 h, none.
    let long = write(
        &d,
        "long.csv",
        &prices(&[
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.03", 0.0),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.03", 3000.0),
        ]),
    );
    let case = |start: f64| {
        let (v, _) = run_json(&[
            "--prices",
            &long,
            "--start",
            &at(start),
            "--end",
            &at(3000.0),
        ]);
        codes(&v, 0).contains(&"trace_extrapolated".to_string())
    };
    assert!(case(-25.0));
    assert!(!case(-23.0));
}

#[test]
fn a_pool_whose_price_held_is_not_extrapolation_and_shows_its_last_change() {
    let d = scratch("w-held");
    // m5.large changes at 0 h and never again; c5.large changes every hour to 5 h. The
    // data span over all files is 0 … 5 h, the default horizon too.
    let mut rows = vec![("us-east-1a", "m5.large", "Linux/UNIX", "0.030", 0.0)];
    for h in 0..6 {
        rows.push(("us-east-1a", "c5.large", "Linux/UNIX", "0.040", h as f64));
    }
    let p = write(&d, "held.csv", &prices(&rows));
    let (v, _) = run_json(&["--prices", &p, "--target", "2"]);
    assert!(!codes(&v, 0).contains(&"trace_extrapolated".to_string()));
    let pool = |t: &str| {
        v["reports"][0]["pools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["instance_type"] == t)
            .unwrap()
            .clone()
    };
    assert_eq!(pool("m5.large")["last_price_change"], at(0.0));
    assert_eq!(pool("c5.large")["last_price_change"], at(5.0));
}

#[test]
fn no_interruption_model_when_nothing_can_interrupt() {
    let d = scratch("w-nomodel");
    let p = six_rows(&d);
    // No capacity trace, no hazard, prices never above the default max price (the
    // $0.096 on-demand price): nothing can interrupt.
    let (v, err) = run_json(&["--prices", &p]);
    assert!(codes(&v, 0).contains(&"no_interruption_model".to_string()));
    let m = message(&v, 0, "no_interruption_model");
    assert!(m.contains("1 of 1 pools (m5.large us-east-1a)"), "{m}");
    assert!(m.contains("no price above the max price"), "{m}");
    assert!(err.contains("warning[no_interruption_model]"));
    assert_eq!(v["reports"][0]["interruptions"], 0);
    // --max-price none: the message says no cap.
    let (v, _) = run_json(&["--prices", &p, "--max-price", "none"]);
    assert!(message(&v, 0, "no_interruption_model").contains("no max price caps"));
    // Not triggered: a hazard model.
    let (v, _) = run_json(&["--prices", &p, "--interruption-rate", "5"]);
    assert!(!codes(&v, 0).contains(&"no_interruption_model".to_string()));
    // Not triggered: a price that rises above the cap after being below it — a
    // max-price breach is possible (0.03 then 0.12 > 0.096).
    let up = write(
        &d,
        "up.csv",
        &prices(&[
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.03", 0.0),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.12", 2.0),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.12", 3.0),
        ]),
    );
    let (v, _) = run_json(&["--prices", &up]);
    assert!(!codes(&v, 0).contains(&"no_interruption_model".to_string()));
    // …but with a max price of $0.20 that price never breaches it.
    let (v, _) = run_json(&["--prices", &up, "--max-price", "0.2"]);
    assert!(codes(&v, 0).contains(&"no_interruption_model".to_string()));
    // Not triggered: a capacity trace.
    let cap = write(
        &d,
        "cap.csv",
        &format!(
            "Timestamp,AvailabilityZone,InstanceType,Capacity\n{},us-east-1a,m5.large,50\n",
            at(0.0)
        ),
    );
    let (v, _) = run_json(&["--prices", &p, "--capacity", &cap]);
    assert!(!codes(&v, 0).contains(&"no_interruption_model".to_string()));
    // Not triggered for a strategy that buys no spot capacity.
    let (v, _) = run_json(&["--prices", &p, "--strategy", "on-demand,lowest-price"]);
    assert!(!codes(&v, 0).contains(&"no_interruption_model".to_string()));
    assert!(codes(&v, 1).contains(&"no_interruption_model".to_string()));
}

/// The lib's example at the CLI: one m5.large pool (on-demand $0.096), spot $0.03,
/// capacity 2 for 5 h then 0; target 2 for 10 h, latency 0. Spot delivers 2 × 5 = 10
/// of 20 unit-hours for 2 × 5 h × $0.03 = $0.30; the baseline is the same target on
/// on-demand, 2 × 10 h × $0.096 = $1.92: savings 100 × (1 − 0.30 / 1.92) = 84.375 %,
/// availability 50 %, $0.30 / 10 = $0.03 per delivered unit-hour.
#[test]
fn low_availability_and_the_baseline_of_the_same_target() {
    let d = scratch("w-lowavail");
    let p = write(
        &d,
        "p.csv",
        &prices(&[
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.03", 0.0),
            ("us-east-1a", "m5.large", "Linux/UNIX", "0.03", 10.0),
        ]),
    );
    let cap = |drop: bool| {
        write(
            &d,
            &format!("cap{drop}.csv"),
            &format!(
                "Timestamp,AvailabilityZone,InstanceType,Capacity\n{},us-east-1a,m5.large,2\n{},us-east-1a,m5.large,{}\n",
                at(0.0),
                at(5.0),
                if drop { 0 } else { 2 }
            ),
        )
    };
    let args = |c: &str| -> Vec<String> {
        [
            "--prices",
            &p,
            "--capacity",
            c,
            "--target",
            "2",
            "--launch-latency",
            "0",
            "--strategy",
            "capacity-optimized",
            "--end",
            &at(10.0),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let c = cap(true);
    let a = args(&c);
    let (v, err) = run_json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let r = &v["reports"][0];
    assert_eq!(r["total_cost_usd"], 0.3);
    assert_eq!(r["ondemand_baseline_usd"], 1.92);
    assert_eq!(r["savings_pct"], 84.375);
    assert_eq!(r["availability_pct"], 50.0);
    assert_eq!(r["delivered_unit_hours"], 10.0);
    assert_eq!(r["cost_per_delivered_unit_hour_usd"], 0.03);
    // The hours that ran, at on-demand prices: 2 × 5 h × $0.096 = $0.96 (not the
    // baseline).
    assert_eq!(r["pools"][0]["same_hours_at_ondemand_usd"], 0.96);
    assert!(codes(&v, 0).contains(&"low_availability".to_string()));
    assert!(message(&v, 0, "low_availability").contains("50.0 %"));
    assert!(err.contains("warning[low_availability]"));
    // Not triggered: capacity holds.
    let c = cap(false);
    let a = args(&c);
    let (v, _) = run_json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!codes(&v, 0).contains(&"low_availability".to_string()));
    assert_eq!(v["reports"][0]["availability_pct"], 100.0);
}

#[test]
fn warnings_appear_in_every_format_and_on_stderr() {
    let d = scratch("w-formats");
    let p = six_rows(&d);
    let out = |fmt: &str| {
        let o = run(&[
            "run",
            "--quiet",
            "--prices",
            &p,
            "--end",
            &at(696.0),
            "--output",
            fmt,
        ]);
        assert!(o.status.success());
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (table, err) = out("table");
    assert!(table.contains("warning[trace_extrapolated]:"), "{table}");
    assert!(table.contains("warning[no_interruption_model]:"));
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("warning[trace_extrapolated]: "))
            .count(),
        1,
        "{err}"
    );
    let (csv, _) = out("csv");
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",warnings"));
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.ends_with("trace_extrapolated;no_interruption_model")),
        "{csv}"
    );
    let (md, _) = out("markdown");
    assert!(md.contains("> **warning** `trace_extrapolated`:"), "{md}");
    let (json, _) = out("json");
    assert!(json.contains("\"code\": \"trace_extrapolated\""));
}
