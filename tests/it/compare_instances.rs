//! Issue 8 items 4–6 through `spotsim compare`: the user's instances without price
//! files, the node group that packs the tasks cheapest, each option against on-demand,
//! the AWS defaults as flags, and the Done-when cases (100 × 0.01 vCPU pods: 4 m5.large
//! on EKS, 1 on ECS; AWS's Fargate pricing example, $1.23425). Expected values are
//! worked out by hand in the comments.

use serde_json::Value;

use super::cli::{run, scratch};
use super::warnings::write;

fn compare(args: &[&str]) -> (Value, String) {
    let mut all = vec!["compare", "--quiet", "--output", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{args:?}: {err}");
    (serde_json::from_slice(&o.stdout).expect("JSON"), err)
}

fn compare_err(args: &[&str]) -> String {
    let mut all = vec!["compare", "--quiet"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(1), "{args:?}");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn opt<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["option"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn warned(v: &Value, code: &str) -> bool {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == code)
}

/// Done when: 100 pods of 0.01 vCPU (16 MiB) need 4 m5.large on EKS — the VPC CNI
/// allows 3 ENIs × (10 IPv4 − 1) + 2 = 29 pods per m5.large, 2 of them the aws-node and
/// kube-proxy DaemonSet pods, so 27 for the workload and ⌈100 / 27⌉ = 4 nodes — and 1
/// on ECS (100 × 10 m = 1,000 m of 2,000 m; 1,600 MiB of 8,192 − 512). Over 10 h with
/// no launch latency: 10 and 40 instance-hours, at $0.096: $0.96 and $3.84 (+ the EKS
/// control plane, 10 h × $0.10).
#[test]
fn hundred_tiny_pods_on_the_users_m5_large() {
    let base = [
        "--instance-types",
        "m5.large",
        "--tasks",
        "100",
        "--task-vcpu",
        "0.01",
        "--task-memory-gib",
        "0.015625",
        "--hours",
        "10",
        "--launch-latency",
        "0",
        "--options",
        "ecs-ec2-ondemand,eks-ec2-ondemand",
    ];
    let (v, _) = compare(&base);
    let (ecs, eks) = (opt(&v, "ecs-ec2-ondemand"), opt(&v, "eks-ec2-ondemand"));
    assert_eq!(ecs["node_types"], serde_json::json!(["m5.large"]));
    assert_eq!(f(&ecs["instance_hours"]), 10.0);
    assert_eq!(f(&eks["instance_hours"]), 40.0);
    assert_eq!(f(&ecs["total_cost_usd"]), 0.96);
    assert_eq!(f(&eks["total_cost_usd"]), 3.84 + 1.0);
    // The on-demand options are their own baseline: savings exactly 0.
    assert_eq!(f(&ecs["savings_vs_ondemand_pct"]), 0.0);
    assert_eq!(ecs["ondemand_baseline_option"], "ecs-ec2-ondemand");
    // The EKS defaults are flags: prefix delegation admits 110 pods (108 for the
    // workload) — 1 node; a fixed max pods of 50 with no DaemonSets — 2 nodes.
    let mut a = base.to_vec();
    a.extend(["--max-pods", "prefix-delegation"]);
    let (v, _) = compare(&a);
    assert_eq!(f(&opt(&v, "eks-ec2-ondemand")["instance_hours"]), 10.0);
    let mut a = base.to_vec();
    a.extend(["--max-pods", "50", "--eks-daemonsets", "none"]);
    let (v, _) = compare(&a);
    assert_eq!(f(&opt(&v, "eks-ec2-ondemand")["instance_hours"]), 20.0);
    let assumptions = v["provenance"]["assumptions"].to_string();
    assert!(assumptions.contains("max pods"), "{assumptions}");
    // A DaemonSet of 1,800 m leaves too little CPU for 27 pods of 10 m per node:
    // allocatable 2,000 − 70 (kubelet) − 1,800 = 130 m, 13 pods — ⌈100 / 13⌉ = 8.
    let mut a = base.to_vec();
    a.extend(["--eks-daemonsets", "agent=1800"]);
    let (v, _) = compare(&a);
    assert_eq!(f(&opt(&v, "eks-ec2-ondemand")["instance_hours"]), 80.0);
    assert!(
        compare_err(&{
            let mut a = base.to_vec();
            a.extend(["--max-pods", "lots"]);
            a
        })
        .contains("max-pods")
    );
}

/// Done when: AWS's Fargate pricing example at the CLI — 5 tasks of 1 vCPU / 2 GB for
/// 10 minutes a day for 30 days, us-east-1 Linux/x86: per task-day 1 × $0.04048 × 10/60
/// plus 2 × $0.004445 × 10/60 = $0.00822833…; × 150 = $1.23425, with compare's default
/// flags (billing from the image pull, so the 60 s start is within the 10 minutes).
#[test]
fn fargate_pricing_page_example_from_a_scenario_file() {
    let d = scratch("ci-fargate");
    let mut csv = String::from("timestamp,desired_count\n");
    for day in 1..=30 {
        csv += &format!("2026-01-{day:02}T09:00:00Z,5\n2026-01-{day:02}T09:10:00Z,0\n");
    }
    write(&d, "counts.csv", &csv);
    let sc = write(
        &d,
        "example.toml",
        "hours = 720\noptions = [\"fargate\"]\n[[service]]\nname = \"example\"\ntask-vcpu-millis = 1000\ntask-memory-mib = 2048\ndesired = { shape = \"csv\", file = \"counts.csv\" }\n",
    );
    let (v, _) = compare(&[&sc]);
    let fg = opt(&v, "fargate");
    assert_eq!(fg["total_cost_micro_usd"], 1_234_250);
    assert_eq!(f(&v["task_hours"]), 25.0);
}

#[test]
fn the_node_group_packs_the_tasks_cheapest_and_a_large_task_still_fits() {
    // 6 tasks of 1.2 vCPU / 1 GiB. m5.large (2 vCPU, $0.096) holds 1 → 6 nodes,
    // $0.576/h; m5.xlarge (4 vCPU, $0.192) holds 3 → 2 nodes, $0.384/h; m5.2xlarge
    // (8 vCPU, $0.384) holds 6 → 1 node, $0.384/h. The tie goes to the smaller size:
    // m5.xlarge, not the smallest type.
    let (v, err) = compare(&[
        "--instance-types",
        "m5.large,m5.xlarge,m5.2xlarge",
        "--tasks",
        "6",
        "--task-vcpu",
        "1.2",
        "--task-memory-gib",
        "1",
        "--hours",
        "10",
        "--launch-latency",
        "0",
        "--options",
        "ecs-ec2-ondemand",
    ]);
    let ecs = opt(&v, "ecs-ec2-ondemand");
    assert_eq!(ecs["node_types"], serde_json::json!(["m5.xlarge"]));
    assert_eq!(f(&ecs["instance_hours"]), 20.0);
    assert!(warned(&v, "instance_types_left_out"), "{err}");
    // A task of 3 vCPU does not fit an m5.large (2 vCPU): it runs on m5.xlarge.
    let (v, _) = compare(&[
        "--instance-types",
        "m5.large,m5.xlarge",
        "--tasks",
        "1",
        "--task-vcpu",
        "3",
        "--task-memory-gib",
        "4",
        "--hours",
        "10",
        "--options",
        "ecs-ec2-ondemand",
    ]);
    assert_eq!(
        opt(&v, "ecs-ec2-ondemand")["node_types"],
        serde_json::json!(["m5.xlarge"])
    );
    // Fitting nowhere is an error naming the task.
    let e = compare_err(&[
        "--instance-types",
        "m5.large",
        "--tasks",
        "1",
        "--task-vcpu",
        "3",
        "--task-memory-gib",
        "4",
        "--options",
        "ecs-ec2-ondemand",
    ]);
    assert!(
        e.contains("no instance type of the market can run the tasks"),
        "{e}"
    );
}

#[test]
fn the_users_instances_need_spot_prices_and_an_interruption_source() {
    let work = [
        "--tasks",
        "4",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--hours",
        "24",
    ];
    let mut a = vec!["--instance-types", "m5.large"];
    a.extend(work);
    // Default options: the EC2 spot options are left out, saying what they lack.
    let (v, err) = compare(&a);
    assert!(
        v["options"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["option"] != "ecs-ec2-spot" && o["option"] != "eks-ec2-spot")
    );
    assert!(err.contains("warning[options_left_out]"), "{err}");
    assert!(
        err.contains("spot prices") && err.contains("interruption source"),
        "{err}"
    );
    // Asked for explicitly: an error saying the same.
    let mut b = a.clone();
    b.extend(["--options", "ecs-ec2-spot"]);
    let e = compare_err(&b);
    assert!(
        e.contains("ecs-ec2-spot cannot run") && e.contains("--advisor"),
        "{e}"
    );
    // --interruption-rate is an interruption source but gives no spot price.
    let mut b = a.clone();
    b.extend(["--options", "ecs-ec2-spot", "--interruption-rate", "5"]);
    let e = compare_err(&b);
    assert!(
        e.contains("spot prices") && !e.contains("interruption source"),
        "{e}"
    );
}

#[test]
fn the_spot_advisor_prices_the_users_spot_instances() {
    let Some(d) = super::data::require(&[super::data::SPOT_ADVISOR_CSV]) else {
        return;
    };
    let adv = d.join(super::data::SPOT_ADVISOR_CSV);
    // The advisor extract's m5.large row: its savings over on-demand, percent.
    let text = std::fs::read_to_string(&adv).unwrap();
    let savings: i64 = text
        .lines()
        .find(|l| l.starts_with("us-east-1,Linux,m5.large,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap()
        .parse()
        .unwrap();
    let adv = adv.display().to_string();
    let (v, _) = compare(&[
        "--instance-types",
        "m5.large",
        "--advisor",
        &adv,
        "--tasks",
        "4",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--hours",
        "24",
        "--options",
        "ecs-ec2-ondemand,ecs-ec2-spot",
    ]);
    assert!(
        v["spot_prices"]
            .as_str()
            .unwrap()
            .contains("Spot Instance Advisor")
    );
    let (od, spot) = (opt(&v, "ecs-ec2-ondemand"), opt(&v, "ecs-ec2-spot"));
    assert_eq!(spot["ondemand_baseline_option"], "ecs-ec2-ondemand");
    assert_eq!(f(&spot["ondemand_baseline_usd"]), f(&od["total_cost_usd"]));
    // One node for 24 h at $0.096 × (1 − s): unless the hazard interrupts it (then a
    // first-hour refund makes spot cheaper still), the savings are s exactly.
    let s = f(&spot["savings_vs_ondemand_pct"]);
    if spot["interruptions"] == 0 {
        assert!((s - savings as f64).abs() < 1e-6, "{s} vs {savings}");
    } else {
        assert!(s >= savings as f64 - 1e-6);
    }
    assert!(f(&spot["availability_pct"]) > 0.0);
}

#[test]
fn fargate_rates_and_windows_minimum_from_flags() {
    let work = [
        "--tasks",
        "1",
        "--task-vcpu",
        "1",
        "--task-memory-gib",
        "2",
        "--hours",
        "10",
    ];
    // A region without built-in rates: an error naming the flags.
    let mut a = vec!["--region", "ap-south-1", "--options", "fargate"];
    a.extend(work);
    let e = compare_err(&a);
    assert!(e.contains("fargate-vcpu-hour-usd"), "{e}");
    // With them: 1 task × (1 vCPU × $0.05 + 2 GB × $0.005) × 10 h = $0.60 (billed from
    // the request at the start; the task runs to the end).
    a.extend([
        "--fargate-vcpu-hour-usd",
        "0.05",
        "--fargate-gb-hour-usd",
        "0.005",
    ]);
    let (v, _) = compare(&a);
    assert_eq!(f(&opt(&v, "fargate")["total_cost_usd"]), 0.6);
    // The same rates in a scenario file.
    let d = scratch("ci-rates");
    let sc = write(
        &d,
        "s.toml",
        "region = \"ap-south-1\"\noptions = [\"fargate\"]\ntasks = 1\ntask-vcpu = 1\ntask-memory-gib = 2\nhours = 10\nfargate-vcpu-hour-usd = 0.05\nfargate-gb-hour-usd = 0.005\nfargate-windows-minimum-secs = 600\nmax-pods = \"prefix-delegation\"\nondemand-price = [\"m5.large=0.1\"]\n",
    );
    let (v, _) = compare(&[&sc]);
    assert_eq!(f(&opt(&v, "fargate")["total_cost_usd"]), 0.6);
    // The Windows minimum is printed in the assumptions; the default is 900 s.
    let (v, _) = compare(&[
        "--platform",
        "windows",
        "--options",
        "fargate",
        "--fargate-windows-minimum-secs",
        "600",
        "--tasks",
        "1",
        "--task-vcpu",
        "1",
        "--task-memory-gib",
        "2",
        "--hours",
        "10",
    ]);
    let a = v["provenance"]["assumptions"].to_string();
    assert!(a.contains("with the 600 s minimum"), "{a}");
    let e = compare_err(&[
        "--fargate-windows-minimum-secs",
        "100000",
        "--tasks",
        "1",
        "--task-vcpu",
        "1",
        "--task-memory-gib",
        "2",
    ]);
    assert!(e.contains("fargate-windows-minimum-secs"), "{e}");
}

#[test]
fn the_savings_gate_reads_each_option_against_its_own_ondemand() {
    // Fargate Spot saves 67 % against fargate; the on-demand options are their own
    // baseline and are not gated.
    let o = run(&[
        "compare",
        "--quiet",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--options",
        "fargate,fargate-spot",
        "--hours",
        "24",
        "--fail-if-savings-below",
        "60",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&[
        "compare",
        "--quiet",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--options",
        "fargate,fargate-spot",
        "--hours",
        "24",
        "--fail-if-savings-below",
        "70",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fargate-spot saves"), "{err}");
    assert!(!err.contains("threshold breached: fargate saves"), "{err}");
}
