//! EKS pods per node (issue 8): the Amazon VPC CNI's per-type limits, prefix delegation,
//! a fixed max pods and DaemonSet pods, by hand and through `compare`.

use spotsim::catalog::Catalog;
use spotsim::compare::{CompareOptions, CompareScenario};
use spotsim::workload::packing::{
    DaemonSet, EksNodeConfig, MaxPods, eni_limits, eni_table_rows, instances_needed,
};
use spotsim::workload::{NodeReserve, Placement, TaskRequest};

fn ty(name: &str) -> spotsim::catalog::InstanceType {
    Catalog::builtin_ref().get(name).unwrap().clone()
}

/// The values aws/amazon-vpc-cni-k8s publishes in `misc/eni-max-pods.txt` (commit
/// 6152e01), copied by hand: the formula over our ENI table must give them.
#[test]
fn vpc_cni_limits_reproduce_eni_max_pods_txt() {
    for (t, published) in [
        ("m5.large", 29),
        ("m5.24xlarge", 737),
        ("p3.2xlarge", 58),
        ("p3.8xlarge", 234),
        ("p3.16xlarge", 234),
        ("p3dn.24xlarge", 737),
    ] {
        assert_eq!(MaxPods::VpcCni.for_type(&ty(t)).unwrap(), published, "{t}");
    }
    // Every built-in type has a row, and every row parses.
    let (rows, parsed) = eni_table_rows();
    assert_eq!((rows, parsed), (1_348, 1_348));
    for t in Catalog::builtin_ref().types() {
        assert!(eni_limits(&t.name).is_some(), "{}", t.name);
    }
}

/// The EKS AMI's max-pods calculator with `--cni-prefix-delegation-enabled`: what AWS's
/// EKS guide quotes for an m5.large (110) and what the calculator prints for an
/// m5.2xlarge (110; 58 without prefix delegation); a Xen type falls back to secondary
/// IPs; above 30 vCPUs the cap is 250.
#[test]
fn prefix_delegation_follows_the_max_pods_calculator() {
    let pd = |t: &str| MaxPods::PrefixDelegation.for_type(&ty(t)).unwrap();
    assert_eq!(pd("m5.large"), 110);
    assert_eq!(pd("m5.2xlarge"), 110);
    assert_eq!(MaxPods::VpcCni.for_type(&ty("m5.2xlarge")).unwrap(), 58);
    // p3.2xlarge is Xen: 4 × (15 − 1) + 2 = 58, under the cap.
    assert_eq!(pd("p3.2xlarge"), 58);
    // m5.8xlarge, 32 vCPUs, Nitro: 8 × 29 × 16 + 2 = 3714 → 250.
    assert_eq!(pd("m5.8xlarge"), 250);
    // t3.small-like small Nitro type: t3.medium 3 × (6 − 1) × 16 + 2 = 242 → 110.
    assert_eq!(pd("t3.medium"), 110);
    let e = MaxPods::VpcCni
        .for_type(&spotsim::catalog::InstanceType {
            name: "x9.mystery".into(),
            ..ty("m5.large")
        })
        .unwrap_err();
    assert_eq!(e.option, "max-pods");
    assert!(MaxPods::Fixed(0).for_type(&ty("m5.large")).is_err());
}

/// Issue 8's case: 100 pods of 0.01 vCPU. On EKS an m5.large admits 29 pods, 2 of them
/// aws-node and kube-proxy, so 27 for the workload: ceil(100 / 27) = 4 nodes. On ECS
/// nothing limits the count but CPU and memory: 100 × 10m and 100 × 16 MiB fit one.
#[test]
fn hundred_tiny_pods_need_four_m5_large_on_eks_and_one_on_ecs() {
    let m5 = ty("m5.large");
    let pods = [(
        TaskRequest {
            cpu_millis: 10,
            memory_mib: 16,
        },
        100,
    )];
    let eks = NodeReserve::eks_for(&m5).unwrap().allocatable(&m5).unwrap();
    assert_eq!(instances_needed(&pods, eks, Placement::Binpack), Ok(4));
    let ecs = NodeReserve::ecs_default().allocatable(&m5).unwrap();
    assert_eq!(instances_needed(&pods, ecs, Placement::Binpack), Ok(1));
    // A fixed max pods of 110 (e.g. prefix delegation's cap) and no DaemonSets: 1 node.
    let fixed = EksNodeConfig {
        max_pods: MaxPods::Fixed(110),
        daemonsets: Vec::new(),
    };
    let node = fixed.reserve(&m5).unwrap().allocatable(&m5).unwrap();
    assert_eq!(instances_needed(&pods, node, Placement::Binpack), Ok(1));
    // More DaemonSets leave fewer slots: 29 − 4 = 25 → ceil(100 / 25) = 4; 29 − 6 = 23
    // → 5.
    let with = |n: usize| EksNodeConfig {
        max_pods: MaxPods::VpcCni,
        daemonsets: (0..n)
            .map(|i| DaemonSet {
                name: format!("ds{i}"),
                request: TaskRequest {
                    cpu_millis: 0,
                    memory_mib: 0,
                },
            })
            .collect(),
    };
    for (n, want) in [(4, 4), (6, 5)] {
        let node = with(n).reserve(&m5).unwrap().allocatable(&m5).unwrap();
        assert_eq!(
            instances_needed(&pods, node, Placement::Binpack),
            Ok(want),
            "{n}"
        );
    }
    let e = with(29).reserve(&m5).unwrap_err();
    assert!(
        e.to_string().contains("all taken by its 29 DaemonSet pods"),
        "{e}"
    );
}

/// The same case through `compare`: the EKS option keeps 4 nodes, ECS 1.
#[test]
fn hundred_tiny_pods_through_compare() {
    let s = CompareScenario {
        compare: CompareOptions {
            tasks: Some(100),
            task_vcpu: Some(0.01),
            task_memory_gib: Some(16.0 / 1024.0),
            hours: Some(10.0),
            options: vec!["ecs-ec2-ondemand".into(), "eks-ec2-ondemand".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let cfg = s.prepare().unwrap();
    let r = cfg.run().unwrap();
    // The built-in market's four types are all 2 vCPU / 8 GiB: one node group, m5.large
    // (the first) its reference.
    assert!(r.options.iter().all(|o| o.node_types[0] == "m5.large"));
    let hours = |name: &str| {
        r.options
            .iter()
            .find(|o| o.option == name)
            .unwrap()
            .instance_hours
            .unwrap()
    };
    let (ecs, eks) = (hours("ecs-ec2-ondemand"), hours("eks-ec2-ondemand"));
    assert!(ecs > 0.0);
    assert!((eks - 4.0 * ecs).abs() < 1e-9, "{eks} vs 4 × {ecs}");
    assert!(
        r.provenance
            .assumptions
            .iter()
            .any(|a| a.contains("aws-node") && a.contains("ENIs × (IPv4 per ENI − 1) + 2")),
        "{:?}",
        r.provenance.assumptions
    );
    // With prefix delegation the pods fit one node again.
    let mut pd = cfg.clone();
    pd.eks_node.max_pods = MaxPods::PrefixDelegation;
    let r = pd.run().unwrap();
    let eks = r
        .options
        .iter()
        .find(|o| o.option == "eks-ec2-ondemand")
        .unwrap();
    assert!((eks.instance_hours.unwrap() - ecs).abs() < 1e-9);
}
