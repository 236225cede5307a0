//! Issue 8: AWS's defaults.

use super::*;

/// The example on AWS's Fargate pricing page: 5 tasks of 1 vCPU / 2 GB running 10 minutes
/// a day for 30 days, us-east-1, Linux/x86_64. Per task-day: 1 × $0.04048 × 10/60 +
/// 2 × $0.004445 × 10/60 = $0.0082283…; × 5 tasks × 30 days = $1.23425. Through the
/// compare path with its default 60 s task start: billing runs from the image pull
/// (aws-facts.md §4.1), so the start is billed and each task pays its 10 minutes.
/// (Billing from `running` gave 9 of the 10 minutes: $1.110825.)
#[test]
fn fargate_pricing_page_example_through_compare() {
    use spotsim::compare::{CompareOptions, CompareScenario};
    use spotsim::market::StepTrace;
    use spotsim::workload::{Demand, Service};
    let sc = CompareScenario {
        compare: CompareOptions {
            tasks: Some(1),
            task_vcpu: Some(1.0),
            task_memory_gib: Some(2.0),
            hours: Some(720.0),
            options: vec!["fargate".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut cfg = sc.prepare().unwrap();
    assert_eq!(cfg.task_start_secs, 60, "compare's default task start");
    let day0 = cfg.start.secs();
    let (mut times, mut values) = (Vec::new(), Vec::new());
    for d in 0..30 {
        let t = day0 + d * 86_400 + 9 * 3600;
        times.extend([t, t + 600]);
        values.extend([5u32, 0]);
    }
    let demand = Demand::Steps(StepTrace::new(times, values).unwrap());
    cfg.services = vec![Service::new("example", 1000, 2048, demand).unwrap()];
    let r = cfg.run().unwrap();
    let f = &r.options[0];
    assert_eq!(f.option, "fargate");
    assert_eq!(f.total_cost_micro_usd, 1_234_250);
    assert!(
        (f.total_cost_usd - 1.23425).abs() < 1e-12,
        "{}",
        f.total_cost_usd
    );
    assert_eq!(r.task_hours, 25.0); // 5 × 30 × 10 min
    assert!(
        r.provenance
            .assumptions
            .iter()
            .any(|a| a.contains("from the start of the image pull")),
        "{:?}",
        r.provenance.assumptions
    );
    // The start latency does not change what is billed while it is shorter than the
    // 10 minutes: the pull is billed, the tasks stop when the 10 minutes end.
    for start in [0, 300] {
        let mut c = cfg.clone();
        c.task_start_secs = start;
        assert_eq!(c.run().unwrap().options[0].total_cost_micro_usd, 1_234_250);
    }
}

/// A region without built-in Fargate rates is refused unless its rates are given; given
/// rates price the tasks.
#[test]
fn fargate_rates_for_a_region_that_is_not_built_in() {
    use spotsim::compare::{CompareOptions, CompareScenario};
    use spotsim::pricing::fargate::FargateRateOverride;
    let sc = CompareScenario {
        compare: CompareOptions {
            tasks: Some(2),
            task_vcpu: Some(1.0),
            task_memory_gib: Some(2.0),
            hours: Some(10.0),
            task_start_latency: Some(0),
            options: vec!["fargate".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut cfg = sc.prepare().unwrap();
    cfg.region = "ap-northeast-1".into();
    let e = cfg.run().unwrap_err().to_string();
    assert!(
        e.contains("ap-northeast-1") && e.contains("fargate-vcpu-hour-usd"),
        "{e}"
    );
    cfg.fargate_rates = FargateRateOverride {
        per_vcpu_hour: Some(usd("0.05056")),
        per_gb_hour: Some(usd("0.00553")),
        ..Default::default()
    };
    let r = cfg.run().unwrap();
    // 2 tasks × 10 h × (0.05056 + 2 × 0.00553) = $1.2324.
    assert_eq!(r.options[0].total_cost_micro_usd, 1_232_400);
    let e = FargateRates::resolve(
        "ap-northeast-1",
        Platform::Windows,
        &FargateRateOverride {
            per_vcpu_hour: Some(usd("0.1")),
            per_gb_hour: Some(usd("0.01")),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.option(), "fargate-os-licence-vcpu-hour-usd");
    assert!(
        FargateBilling::default()
            .with_windows_minimum(86_401)
            .is_err()
    );
}
