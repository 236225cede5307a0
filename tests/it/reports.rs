//! Reports of every command read back (`Deserialize`) into what was written, and the
//! renderers agree with each other.

use spotsim::compare::CompareOptions;
use spotsim::compare::{CompareReport, CompareScenario};
use spotsim::job::JobOptions;
use spotsim::job::{JobReport, JobScenario};
use spotsim::options::StrategyOptions;
use spotsim::report::{Format, RunReports, Warning};
use spotsim::scenario::Scenario;

/// A 12-hour tick trace (1-hour ticks, spot missing in hours 3–5), written to `dir`.
pub fn tick_trace(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("us-test-1a_trace.json");
    std::fs::write(
        &p,
        r#"{"metadata":{"gap_seconds":3600},"data":[1,1,1,0,0,0,1,1,1,1,1,1]}"#,
    )
    .expect("write trace");
    p
}

#[test]
fn run_reports_read_back() {
    let reports = Scenario::default().run().unwrap();
    let json = spotsim::report::render(&reports, Format::Json);
    let back: RunReports = serde_json::from_str(&json).unwrap();
    assert_eq!(back.reports, reports);
    assert_eq!(back.schema_version, spotsim::report::SCHEMA_VERSION);
    assert_eq!(back.render(Format::Json), json);
}

#[test]
fn compare_report_reads_back() {
    let s = CompareScenario {
        compare: CompareOptions {
            tasks: Some(3),
            task_vcpu: Some(0.5),
            task_memory_gib: Some(1.0),
            hours: Some(48.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let r = s.prepare().unwrap().run().unwrap();
    let back: CompareReport = serde_json::from_str(&r.render(Format::Json)).unwrap();
    assert_eq!(back, r);
}

#[test]
fn job_report_reads_back() {
    let d = super::cli::scratch("job-readback");
    let t = tick_trace(&d);
    for windows in [None, Some(3)] {
        let s = JobScenario {
            job: JobOptions {
                traces: vec![t.clone()],
                convention: Some("available".into()),
                policy: vec!["greedy".into()],
                work_hours: Some(4.0),
                deadline_hours: Some(8.0),
                restart_overhead_hours: Some(0.5),
                ondemand_price: Some("3".into()),
                spot_price: Some("1".into()),
                mode: Some("tick".into()),
                windows,
                ..Default::default()
            },
            ..Default::default()
        };
        let r = s.run().unwrap();
        // Fields the JSON does not carry (the window's tick count) read back as 0: what
        // was written is what reads back, byte for byte.
        let json = r.render(Format::Json);
        let back: JobReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back.render(Format::Json), json);
        assert_eq!(back.policies[0].policy, r.policies[0].policy);
    }
}

fn synthetic() -> Warning {
    // A code no spotsim version emits: the renderers must show whatever they are given.
    Warning {
        code: "synthetic_test_code".into(),
        message: "a synthetic warning | with a pipe".into(),
    }
}

/// The warning appears in every format: code and message in table, Markdown and
/// JSON; the code in the CSV's `warnings` column on every data row.
fn check_rendered(render: &dyn Fn(Format) -> String, what: &str) {
    let w = synthetic();
    for f in [Format::Table, Format::Markdown] {
        let text = render(f);
        assert!(text.contains(&w.code), "{what} {f:?}: {text}");
        assert!(text.contains("a synthetic warning"), "{what} {f:?}");
    }
    let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
    let found = v
        .pointer("/warnings")
        .or_else(|| v.pointer("/reports/0/warnings"))
        .expect("warnings in the JSON");
    assert_eq!(found[0]["code"], w.code, "{what} json");
    assert_eq!(found[0]["message"], w.message, "{what} json");
    let csv = render(Format::Csv);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let col = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "warnings")
        .expect("a warnings column");
    let mut n = 0;
    for r in rows.records() {
        assert_eq!(&r.unwrap()[col], w.code, "{what} csv");
        n += 1;
    }
    assert!(n > 0, "{what}: csv rows");
}

#[test]
fn a_warning_is_rendered_in_every_format_of_every_command() {
    let mut reports = Scenario::default().run().unwrap();
    reports[0].warnings.push(synthetic());
    check_rendered(&|f| spotsim::report::render(&reports, f), "run");

    let s = CompareScenario {
        compare: CompareOptions {
            tasks: Some(2),
            task_vcpu: Some(0.5),
            task_memory_gib: Some(1.0),
            hours: Some(24.0),
            options: vec!["fargate".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut c = s.prepare().unwrap().run().unwrap();
    assert!(c.warnings.is_empty());
    c.warnings.push(synthetic());
    check_rendered(&|f| c.render(f), "compare");

    let d = super::cli::scratch("job-warn");
    let mut j = JobScenario {
        job: JobOptions {
            traces: vec![tick_trace(&d)],
            convention: Some("available".into()),
            policy: vec!["greedy".into()],
            work_hours: Some(4.0),
            deadline_hours: Some(8.0),
            restart_overhead_hours: Some(0.5),
            ondemand_price: Some("3".into()),
            spot_price: Some("1".into()),
            ..Default::default()
        },
        ..Default::default()
    }
    .run()
    .unwrap();
    j.warnings.push(synthetic());
    check_rendered(&|f| j.render(f), "job");
}

#[test]
fn several_strategies_show_shared_warnings_once_and_own_ones_with_the_strategy() {
    let mut reports = Scenario {
        strategy: StrategyOptions {
            strategies: vec![
                "lowest-price".parse().unwrap(),
                "capacity-optimized".parse().unwrap(),
            ],
            ..Default::default()
        },
        ..Default::default()
    }
    .run()
    .unwrap();
    let shared = synthetic();
    let own = Warning {
        code: "only_one".into(),
        message: "only capacity-optimized".into(),
    };
    for r in &mut reports {
        r.warnings.push(shared.clone());
    }
    reports[1].warnings.push(own.clone());
    let table = spotsim::report::render(&reports, Format::Table);
    assert_eq!(table.matches("synthetic_test_code").count(), 1, "{table}");
    assert!(table.contains("[capacity-optimized] warning[only_one]: only capacity-optimized"));
    assert_eq!(
        spotsim::report::warning::distinct(reports.iter().flat_map(|r| &r.warnings)),
        vec![&shared, &own]
    );
}

#[test]
fn the_cli_prints_warnings_on_stderr_and_in_the_report() {
    let o = super::cli::run(&[
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "1",
        "--task-memory-gib",
        "2",
        "--platform",
        "windows",
        "--hours",
        "24",
        "--output",
        "json",
    ]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("warning[options_left_out]: "))
            .count(),
        1,
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"][0]["code"], "options_left_out");
    // No warning, no stderr.
    let o = super::cli::run(&[
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "1",
        "--task-memory-gib",
        "2",
        "--hours",
        "24",
    ]);
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
