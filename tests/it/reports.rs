//! Reports of every command read back (`Deserialize`) into what was written, and the
//! renderers agree with each other.

use spotsim::compare::{CompareReport, CompareScenario};
use spotsim::job::{JobReport, JobScenario};
use spotsim::report::{Format, Report};
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
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, reports[0]);
}

#[test]
fn compare_report_reads_back() {
    let s = CompareScenario {
        tasks: Some(3),
        task_vcpu: Some(0.5),
        task_memory_gib: Some(1.0),
        hours: Some(48.0),
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
            traces: vec![t.clone()],
            convention: Some("available".into()),
            policy: Some("greedy".into()),
            work_hours: Some(4.0),
            deadline_hours: Some(8.0),
            restart_overhead_hours: Some(0.5),
            ondemand_price: Some("3".into()),
            spot_price: Some("1".into()),
            mode: Some("tick".into()),
            windows,
            ..Default::default()
        };
        let r = s.run().unwrap();
        // Fields the JSON does not carry (the window's tick count) read back as 0: what
        // was written is what reads back, byte for byte.
        let json = r.render(Format::Json);
        let back: JobReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back.render(Format::Json), json);
        assert_eq!(back.policy, r.policy);
    }
}
