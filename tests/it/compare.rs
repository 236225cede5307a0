//! `spotsim compare`: hand-computed bills per option, capacity-provider splits, the EKS
//! fee, gates and bad input.

use proptest::prelude::*;
use spotsim::compare::CompareOptions;
use spotsim::compare::{CompareReport, CompareScenario};
use spotsim::money::Rate;
use spotsim::options::{
    CatalogOptions, MarketSelection, SimOptions, StrategyOptions, TraceOptions,
};
use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
use spotsim::report::Format;

use super::cli::run as cli;

fn base() -> CompareScenario {
    CompareScenario {
        compare: CompareOptions {
            tasks: Some(10),
            task_vcpu: Some(0.5),
            task_memory_gib: Some(1.0),
            task_start_latency: Some(0),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn report(s: &CompareScenario) -> CompareReport {
    s.prepare()
        .unwrap_or_else(|e| panic!("{e}"))
        .run()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn opt<'a>(r: &'a CompareReport, name: &str) -> &'a spotsim::compare::OptionReport {
    r.options.iter().find(|o| o.option == name).unwrap()
}

/// Micro-dollars of `rate` (USD/h, decimal string) × `secs`, rounded half up.
fn micro(rate: &str, secs: i64) -> i64 {
    let n = Rate::parse_usd(rate).unwrap().nano_usd_per_hour() as i128 * secs as i128; // nano-USD·s/h
    ((n + 1_800_000) / 3_600_000) as i64
}

#[test]
fn fargate_bill_by_hand() {
    let r = report(&base());
    // 0.5 vCPU × $0.04048 + 1 GB × $0.004445 = $0.024685 per task-hour; 10 tasks × 720 h.
    assert_eq!(
        opt(&r, "fargate").total_cost_micro_usd,
        micro("0.024685", 10 * 720 * 3600)
    );
    assert_eq!(
        opt(&r, "fargate").waste_usd,
        0.0,
        "0.5 vCPU / 1 GB is a valid size"
    );
    assert_eq!(r.task_hours, 7200.0);
    // Rounding: 0.3 vCPU / 0.7 GiB is billed as 0.5 vCPU / 1 GB, the difference is waste.
    let s = CompareScenario {
        compare: CompareOptions {
            task_vcpu: Some(0.3),
            task_memory_gib: Some(0.7),
            options: vec!["fargate".into()],
            ..base().compare
        },
        ..base()
    };
    let r2 = report(&s);
    assert_eq!(
        opt(&r2, "fargate").total_cost_micro_usd,
        micro("0.024685", 10 * 720 * 3600)
    );
    assert!(opt(&r2, "fargate").waste_usd > 0.0);
    assert_eq!(
        opt(&r2, "fargate").fargate_sizes,
        vec!["service: 0.5 vCPU / 1 GB".to_string()]
    );
}

#[test]
fn fargate_spot_and_mix_without_interruptions() {
    let s = CompareScenario {
        compare: CompareOptions {
            fargate_spot_interruption_rate: Some(0.0),
            ..base().compare
        },
        ..base()
    };
    let r = report(&s);
    // 67 % off: vCPU $0.0133584, GB $0.00146685 → 0.5 × 0.0133584 + 0.00146685 = $0.00814605.
    let spot = micro("0.00814605", 10 * 720 * 3600);
    assert_eq!(opt(&r, "fargate-spot").total_cost_micro_usd, spot);
    assert_eq!(opt(&r, "fargate-spot").interruptions, 0);
    // Mix: FARGATE base 1, weights 1:3 over 10 tasks.
    let mix = CapacityProviderStrategy::new(vec![
        StrategyItem {
            provider: Provider::Fargate,
            base: 1,
            weight: 1,
        },
        StrategyItem {
            provider: Provider::FargateSpot,
            base: 0,
            weight: 3,
        },
    ])
    .unwrap();
    let (od, sp) = mix.split(10);
    assert_eq!(od + sp, 10);
    // 1 base, then 9 one at a time to the lower assigned/weight, ties to FARGATE
    // (listed first): F S S S F S S S F → FARGATE 1 + 3, FARGATE_SPOT 6.
    assert_eq!((od, sp), (4, 6));
    let want =
        micro("0.024685", od as i64 * 720 * 3600) + micro("0.00814605", sp as i64 * 720 * 3600);
    assert!(
        (opt(&r, "fargate-mix").total_cost_micro_usd - want).abs() <= 1,
        "rounding of two sums"
    );
}

#[test]
fn ecs_and_eks_on_demand_by_hand() {
    let s = CompareScenario {
        compare: CompareOptions {
            options: vec!["ecs-ec2-ondemand".into(), "eks-ec2-ondemand".into()],
            ..base().compare
        },
        ..base()
    };
    let r = report(&s);
    // ECS: m5.large-sized nodes (2 vCPU, 8 GiB − 512 MiB): 4 tasks of 0.5 vCPU each → 3
    // instances; cheapest on-demand of the default market's types is m6a.large
    // $0.0864/h; each instance runs 720 h minus the 90 s launch latency.
    let secs = 720 * 3600 - 90;
    assert_eq!(
        opt(&r, "ecs-ec2-ondemand").total_cost_micro_usd,
        micro("0.0864", 3 * secs)
    );
    assert_eq!(
        opt(&r, "ecs-ec2-ondemand").instance_hours,
        Some(3.0 * secs as f64 / 3600.0)
    );
    // EKS: the kubelet reserves 70 millicores on 2 vCPU (6 % of the first core + 1 % of
    // the second) and the aws-node and kube-proxy pods 150 → 1780 m allocatable → 3 pods
    // per node → 4 nodes; plus the control plane, $0.10 × 720 h = $72.
    let eks = opt(&r, "eks-ec2-ondemand");
    assert_eq!(
        eks.total_cost_micro_usd,
        micro("0.0864", 4 * secs) + 72_000_000
    );
    assert_eq!(eks.control_plane_usd, Some(72.0));
    // Idle capacity: 5 vCPU requested of 6 (ECS) → 1/6 of the cost is waste.
    let ecs = opt(&r, "ecs-ec2-ondemand");
    assert!(
        (ecs.waste_pct - 100.0 / 6.0).abs() < 1e-3,
        "{}",
        ecs.waste_pct
    );
    // Extended support: $0.60/h.
    let s2 = CompareScenario {
        compare: CompareOptions {
            eks_support: Some("extended".into()),
            ..s.compare
        },
        ..s
    };
    assert_eq!(
        opt(&report(&s2), "eks-ec2-ondemand").control_plane_usd,
        Some(432.0)
    );
}

#[test]
fn every_option_reports_and_savings_are_against_the_dearest() {
    let r = report(&base());
    assert_eq!(
        r.options
            .iter()
            .map(|o| o.option.as_str())
            .collect::<Vec<_>>(),
        spotsim::compare::OPTIONS.to_vec()
    );
    // The dearest option saves 0 %, every other one between 0 and 100 %, in the order
    // of their totals.
    let dearest = r
        .options
        .iter()
        .max_by(|a, b| a.total_cost_usd.total_cmp(&b.total_cost_usd))
        .unwrap();
    assert_eq!(dearest.savings_vs_most_expensive_pct, 0.0);
    for o in &r.options {
        assert!((0.0..100.0).contains(&o.savings_vs_most_expensive_pct));
        for p in &r.options {
            if o.total_cost_usd < p.total_cost_usd {
                assert!(o.savings_vs_most_expensive_pct > p.savings_vs_most_expensive_pct);
            }
        }
    }
    // By hand, without interruptions: Fargate $0.024685 per task-hour, Fargate Spot 67 %
    // off both rates, $0.00814605 (0.33 × 0.024685). Per 730-hour month (365 × 24 / 12)
    // for 10 tasks: $0.024685 × 10 × 730 = $180.2005 and $0.00814605 × 10 × 730 =
    // $59.466165. Spot saves exactly 67 % against Fargate, the dearer of the two.
    let two = report(&CompareScenario {
        compare: CompareOptions {
            fargate_spot_interruption_rate: Some(0.0),
            options: vec!["fargate".into(), "fargate-spot".into()],
            ..base().compare
        },
        ..base()
    });
    let (f, s) = (opt(&two, "fargate"), opt(&two, "fargate-spot"));
    assert!(
        (f.monthly_cost_usd - 180.2005).abs() < 1e-6,
        "{}",
        f.monthly_cost_usd
    );
    assert!(
        (s.monthly_cost_usd - 59.466165).abs() < 1e-6,
        "{}",
        s.monthly_cost_usd
    );
    assert_eq!(f.savings_vs_most_expensive_pct, 0.0);
    assert!(
        (s.savings_vs_most_expensive_pct - 67.0).abs() < 1e-6,
        "{}",
        s.savings_vs_most_expensive_pct
    );
    // Per task-hour: the rates themselves.
    assert!((f.cost_per_task_hour_usd - 0.024685).abs() < 1e-9);
    assert!(
        (s.cost_per_task_hour_usd - 0.008146).abs() < 1e-9,
        "rounded to 6 decimals"
    );
    // Spot options report a break-even against their on-demand counterpart.
    assert_eq!(
        opt(&r, "ecs-ec2-spot").break_even_against.as_deref(),
        Some("ecs-ec2-ondemand")
    );
    assert!(
        opt(&r, "fargate")
            .break_even_restarts_per_1000_task_hours
            .is_none()
    );
    assert!(r.spot_prices.contains("built-in default traces"));
    // JSON shape the issue names.
    let v: serde_json::Value = serde_json::from_str(&r.render(Format::Json)).unwrap();
    assert_eq!(v["options"][0]["option"], "fargate");
    assert!(v["options"][0]["total_cost_usd"].is_number());
    let dup = CompareScenario {
        compare: CompareOptions {
            options: vec![
                "fargate".into(),
                "ecs-ec2-ondemand".into(),
                "fargate".into(),
            ],
            ..base().compare
        },
        ..base()
    };
    assert_eq!(
        report(&dup).options.len(),
        2,
        "duplicates removed, order kept"
    );
    let md = r.render(Format::Markdown);
    assert!(md.lines().any(|l| l.starts_with("| option | total |")));
    assert_eq!(r.render(Format::Csv).lines().count(), 8);
    // Deterministic.
    assert_eq!(report(&base()), r);
}

#[test]
fn services_from_a_scenario_file_with_shapes() {
    let d = super::cli::scratch("compare-scn");
    let p = d.join("c.toml");
    std::fs::write(
        &p,
        "hours = 48\noptions = [\"fargate\"]\ntask-start-latency = 0\n[[service]]\nname = \"api\"\ntask-vcpu-millis = 250\ntask-memory-mib = 512\ndesired = { shape = \"daily\", baseline = 2, peak = 6, peak-hours = 3 }\n",
    )
    .unwrap();
    let s = CompareScenario::load(&p).unwrap();
    let r = report(&s);
    // 2 days × (2 × 24 + 4 × 3) = 120 task-hours of 0.25 vCPU / 0.5 GB at $0.0123425.
    assert_eq!(r.task_hours, 120.0);
    assert_eq!(
        opt(&r, "fargate").total_cost_micro_usd,
        micro("0.0123425", 120 * 3600)
    );
}

#[test]
fn gates_exit_2_and_bad_input_exits_1() {
    let ok = cli(&[
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.25",
        "--task-memory-gib",
        "0.5",
        "--options",
        "fargate",
        "--fail-if-cost-above",
        "1000",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    let o = cli(&[
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.25",
        "--task-memory-gib",
        "0.5",
        "--options",
        "fargate",
        "--fail-if-cost-above",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!o.stdout.is_empty(), "the report is still printed");
    assert!(String::from_utf8_lossy(&o.stderr).contains("threshold breached: fargate costs"));
    let o = cli(&[
        "compare",
        "--tasks",
        "20",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--options",
        "ecs-ec2-spot",
        "--fail-if-interruptions-above",
        "0",
        "--interruption-rate",
        "90",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for (args, want) in [
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "32",
                "--task-memory-gib",
                "2",
            ],
            "32 vCPU",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "500",
            ],
            "120",
        ),
        (
            vec!["--tasks", "0", "--task-vcpu", "1", "--task-memory-gib", "2"],
            "zero tasks",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
                "--region",
                "mars-1",
            ],
            "mars-1",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
                "--platform",
                "beos",
            ],
            "beos",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
                "--options",
                "lambda",
            ],
            "lambda",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
                "--hours",
                "10000",
            ],
            "longer than the spot traces",
        ),
        (vec!["--task-vcpu", "1", "--task-memory-gib", "2"], "tasks"),
        (
            vec![
                "--tasks",
                "4294967295",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
            ],
            "at most",
        ),
        (
            vec![
                "--tasks",
                "1",
                "--task-vcpu",
                "1",
                "--task-memory-gib",
                "2",
                "--mix-weights",
                "0:0",
            ],
            "mix-weights",
        ),
    ] {
        let mut a = vec!["compare"];
        a.extend(args.iter());
        let o = cli(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: wanted {want:?} in {err}");
        assert!(o.stdout.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The cheaper of two options identical but for price never costs more: a deeper
    /// Fargate Spot discount, same seed, same interruptions.
    #[test]
    fn a_deeper_discount_never_costs_more(d1 in 0u32..99, d2 in 0u32..99, tasks in 1u32..20, seed in 0u64..1000) {
        let (lo, hi) = (d1.min(d2), d1.max(d2));
        let s = |d: u32| CompareScenario {
            compare: CompareOptions {
                fargate_spot_discount_pct: Some(d),
                tasks: Some(tasks),
                hours: Some(100.0),
                options: vec!["fargate-spot".into(), "fargate-mix".into()],
                ..base().compare
            },
            sim: SimOptions {
                seed: Some(seed),
                ..base().sim
            },
            ..base()
        };
        let (a, b) = (report(&s(lo)), report(&s(hi)));
        for name in ["fargate-spot", "fargate-mix"] {
            prop_assert!(opt(&b, name).total_cost_micro_usd <= opt(&a, name).total_cost_micro_usd);
            prop_assert_eq!(opt(&b, name).interruptions, opt(&a, name).interruptions);
        }
    }
}

#[test]
fn ec2_options_keep_one_node_size() {
    use super::data::{self, EU_WEST_3A, ONDEMAND_US_EAST_1};
    let Some(d) = data::require(&[EU_WEST_3A, ONDEMAND_US_EAST_1]) else {
        return;
    };
    let s = CompareScenario {
        traces: TraceOptions {
            prices: vec![d.join(EU_WEST_3A)],
            ..Default::default()
        },
        catalog: CatalogOptions {
            path: Some(d.join(ONDEMAND_US_EAST_1)),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
        market: MarketSelection {
            instance_types: vec!["t3a.medium".into(), "c5.2xlarge".into()],
            azs: vec!["eu-west-3a".into()],
            ..Default::default()
        },
        compare: CompareOptions {
            tasks: Some(4),
            task_vcpu: Some(0.5),
            task_memory_gib: Some(1.0),
            hours: Some(200.0),
            options: vec!["ecs-ec2-ondemand".into(), "ecs-ec2-spot".into()],
            ..Default::default()
        },
        strategy: StrategyOptions {
            strategies: vec!["diversified".parse().unwrap()],
            ..Default::default()
        },
        ..Default::default()
    };
    let r = report(&s);
    // The node group is the size that packs the 4 tasks cheapest at on-demand prices:
    // t3a.medium offers 2,000 millicores and 4,096 − 512 = 3,584 MiB, so 3 tasks of
    // 500 m / 1,024 MiB per node, 2 nodes × $0.0376 = $0.0752/h, against one
    // c5.2xlarge at $0.34/h.
    assert_eq!(opt(&r, "ecs-ec2-ondemand").node_types, ["t3a.medium"]);
    // A silent drop is a warning (issue 8), not only an assumption.
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "instance_types_left_out"
                && w.message.contains("left out c5.2xlarge"))
    );
    // Same size pools only, so spot stays below on-demand.
    assert!(opt(&r, "ecs-ec2-spot").total_cost_usd < opt(&r, "ecs-ec2-ondemand").total_cost_usd);
}

/// `--restart-overhead 0`: a restart loses no work, so no restart rate makes spot dearer
/// — the break-even is null and the assumption says 0 s (it used to be computed as if
/// the overhead were 1 s while the report said 0). A 60 s overhead gives the formula's
/// value: 1000 × (1 − spot ÷ on-demand) ÷ (60 / 3600) restarts per 1000 task-hours.
#[test]
fn break_even_with_no_restart_overhead_is_null_and_with_60_s_follows_the_formula() {
    let with = |secs| {
        report(&CompareScenario {
            compare: CompareOptions {
                restart_overhead: Some(secs),
                options: vec!["ecs-ec2-ondemand".into(), "ecs-ec2-spot".into()],
                ..base().compare
            },
            ..base()
        })
    };
    let zero = with(0);
    assert_eq!(
        opt(&zero, "ecs-ec2-spot").break_even_restarts_per_1000_task_hours,
        None
    );
    assert!(
        zero.provenance
            .assumptions
            .iter()
            .any(|a| a.contains("overhead 0 s") && a.contains("break-even is null")),
        "{:?}",
        zero.provenance.assumptions
    );
    let sixty = with(60);
    let (spot, od) = (
        opt(&sixty, "ecs-ec2-spot").total_cost_usd,
        opt(&sixty, "ecs-ec2-ondemand").total_cost_usd,
    );
    assert!(spot < od, "spot {spot} should be cheaper than {od}");
    let expected = 1000.0 * (1.0 - spot / od) / (60.0 / 3600.0);
    let got = opt(&sixty, "ecs-ec2-spot")
        .break_even_restarts_per_1000_task_hours
        .expect("a break-even with a 60 s overhead");
    assert!(
        (got - expected).abs() <= expected * 1e-4 + 1e-6,
        "{got} vs {expected}"
    );
    assert!(
        sixty
            .provenance
            .assumptions
            .iter()
            .any(|a| a.contains("loses 60 s"))
    );
}
