//! Packing tasks onto nodes.

use super::*;

#[test]
fn cpu_bound_ten_one_vcpu_tasks_on_m5_large_need_five() {
    let node = ecs("m5.large");
    assert_eq!(
        node,
        Allocatable {
            cpu_millis: 2000,
            memory_mib: 7680,
            max_tasks: None
        }
    );
    // 2 per instance by CPU (2000 / 1000), 3 by memory (7680 / 2048): CPU binds.
    let tasks = [(task(1000, 2048), 10)];
    assert_eq!(instances_needed(&tasks, node, Placement::Binpack), Ok(5));
    let u = utilisation(&tasks, node, 5);
    assert_eq!(u.idle_cpu_millis(), 0);
    assert_eq!(u.idle_memory_mib(), 5 * 7680 - 10 * 2048);
}

#[test]
fn memory_bound_ten_quarter_vcpu_3gib_tasks_on_m5_large_need_five() {
    let node = ecs("m5.large");
    // 8 per instance by CPU (2000 / 250), 2 by memory (7680 / 3072 = 2.5): memory binds,
    // ceil(10 / 2) = 5 instances, with 1536 MiB stranded on each.
    let tasks = [(task(250, 3072), 10)];
    assert_eq!(instances_needed(&tasks, node, Placement::Binpack), Ok(5));
    let u = utilisation(&tasks, node, 5);
    assert_eq!(u.idle_memory_mib(), 5 * 1536);
    assert_eq!(u.idle_cpu_millis(), 5 * 2000 - 2500);
    assert_eq!(u.memory_fraction(), 0.8);
    // Without the 512 MiB ECS reservation, 8192 / 3072 is still 2: no change...
    let bare = NodeReserve::none()
        .allocatable(&catalog_type("m5.large"))
        .unwrap();
    assert_eq!(instances_needed(&tasks, bare, Placement::Binpack), Ok(5));
    // ...but 11 tasks of 2.5 GiB fit 3 per bare m5.large (4 instances) and only 3 per
    // reserved one as well (7680 / 2560 = 3): equal; 4 GiB tasks fit 2 vs 1.
    assert_eq!(
        instances_needed(&[(task(250, 4096), 4)], bare, Placement::Binpack),
        Ok(2)
    );
    assert_eq!(
        instances_needed(&[(task(250, 4096), 4)], node, Placement::Binpack),
        Ok(4)
    );
}

/// EKS nodes with prefix delegation and no DaemonSets: the kubelet's max pods is
/// 110 up to 30 vCPUs and 250 above (aws-facts.md §6.3; the max-pods calculator's
/// cap). (Before issue 8 this was what `NodeReserve::eks_for` gave; it now follows the
/// VPC CNI's default limit, below.)
fn eks_prefix_bare() -> EksNodeConfig {
    EksNodeConfig {
        max_pods: MaxPods::PrefixDelegation,
        daemonsets: Vec::new(),
    }
}

#[test]
fn eks_reservation_and_max_pods() {
    let m5 = catalog_type("m5.large");
    // Default: the VPC CNI's 3 ENIs × (10 − 1) + 2 = 29 pods, 27 after aws-node and
    // kube-proxy; kubelet 70m (6 % of the first core + 1 % of the second) + 50m + 100m;
    // kube-reserved 255 + 11 × 29 = 574 MiB, + 100 MiB eviction.
    let r = NodeReserve::eks_for(&m5).unwrap();
    assert_eq!(
        r,
        NodeReserve {
            cpu_millis: 220,
            memory_mib: 674,
            max_tasks: Some(27)
        }
    );
    assert_eq!(
        r.allocatable(&m5).unwrap(),
        Allocatable {
            cpu_millis: 1780,
            memory_mib: 7518,
            max_tasks: Some(27)
        }
    );
    let r = eks_prefix_bare().reserve(&m5).unwrap();
    assert_eq!(
        r,
        NodeReserve {
            cpu_millis: 70,
            memory_mib: 255 + 11 * 110 + 100,
            max_tasks: Some(110)
        }
    );
    assert_eq!(
        r.allocatable(&m5).unwrap(),
        Allocatable {
            cpu_millis: 1930,
            memory_mib: 6627,
            max_tasks: Some(110)
        }
    );
    // Above 30 vCPUs, 250 pods: 60 + 10 + 10 + 28000 × 0.25 % = 150m.
    let big = m5_8xlarge();
    let r = eks_prefix_bare().reserve(&big).unwrap();
    assert_eq!(
        r,
        NodeReserve {
            cpu_millis: 150,
            memory_mib: 255 + 11 * 250 + 100,
            max_tasks: Some(250)
        }
    );
    assert_eq!(
        r.allocatable(&big).unwrap(),
        Allocatable {
            cpu_millis: 31_850,
            memory_mib: 131_072 - 3105,
            max_tasks: Some(250)
        }
    );
}

#[test]
fn eks_max_pods_binds_on_large_nodes_with_tiny_pods() {
    // 1000 pods of 10m / 16 MiB: CPU would allow 3185 per m5.8xlarge and memory 8001,
    // but max pods is 250 (prefix delegation), so ceil(1000 / 250) = 4 nodes.
    let big = m5_8xlarge();
    let node = eks_prefix_bare()
        .reserve(&big)
        .unwrap()
        .allocatable(&big)
        .unwrap();
    let tiny = [(task(10, 16), 1000)];
    assert_eq!(instances_needed(&tiny, node, Placement::Binpack), Ok(4));
    // Same on an m5.4xlarge (16 vCPUs, so 110 pods): ceil(1000 / 110) = 10.
    let m = catalog_type("m5.4xlarge");
    let node = eks_prefix_bare()
        .reserve(&m)
        .unwrap()
        .allocatable(&m)
        .unwrap();
    assert_eq!(node.max_tasks, Some(110));
    assert_eq!(instances_needed(&tiny, node, Placement::Binpack), Ok(10));
    // With the limit lifted, CPU binds: 15890 / 10 = 1589 per node, 1 node.
    let unlimited = Allocatable {
        max_tasks: None,
        ..node
    };
    assert_eq!(
        instances_needed(&tiny, unlimited, Placement::Binpack),
        Ok(1)
    );
    // The default VPC CNI limit: 8 ENIs × (30 − 1) + 2 = 234 pods, 232 after the two
    // DaemonSets: ceil(1000 / 232) = 5 nodes of either type.
    for t in [big, m] {
        let node = NodeReserve::eks_for(&t).unwrap().allocatable(&t).unwrap();
        assert_eq!(node.max_tasks, Some(232), "{}", t.name);
        assert_eq!(instances_needed(&tiny, node, Placement::Binpack), Ok(5));
    }
}

#[test]
fn spread_over_three_zones_needs_more_instances_than_binpack() {
    let node = ecs("m5.xlarge"); // 4000m / 15872 MiB
    let four = [(task(1000, 1024), 4)];
    assert_eq!(instances_needed(&four, node, Placement::Binpack), Ok(1));
    // 2, 1 and 1 tasks per zone: an instance in each.
    assert_eq!(
        instances_needed(&four, node, Placement::Spread { zones: 3 }),
        Ok(3)
    );
    // One zone is binpack.
    assert_eq!(
        instances_needed(&four, node, Placement::Spread { zones: 1 }),
        Ok(1)
    );
    // 9 tasks of 1 vCPU on 2-vCPU nodes: binpack 5; spread 3 + 3 + 3 needs 2 per zone.
    let m5l = ecs("m5.large");
    let nine = [(task(1000, 1024), 9)];
    assert_eq!(instances_needed(&nine, m5l, Placement::Binpack), Ok(5));
    assert_eq!(
        instances_needed(&nine, m5l, Placement::Spread { zones: 3 }),
        Ok(6)
    );
    // When every zone's share fills whole instances, spread costs nothing extra.
    let six = [(task(1000, 1024), 6)];
    assert_eq!(
        instances_needed(&six, m5l, Placement::Spread { zones: 3 }),
        Ok(3)
    );
    assert_eq!(
        instances_needed(&six, m5l, Placement::Spread { zones: 0 }),
        Err(PackError::NoZones)
    );
}

#[test]
fn mixed_services_first_fit_decreasing() {
    // m5.xlarge with the ECS reservation: 4000m / 15872 MiB.
    // Dominant shares: B 8192/15872 = 0.516 (memory), A 2000/4000 = 0.5 (CPU),
    // C 500/4000 = 0.125 (CPU): placed B, A, C.
    //   B ×3: one per instance (two would need 16384 MiB) → 3 instances, each 3000m / 7680 MiB left.
    //   A ×2: instances 1 and 2 → 1000m / 3584 MiB left on each.
    //   C ×4: 2 on instance 1 (CPU), 2 on instance 2.
    // 3 instances, which is also the CPU lower bound (9000m / 4000m).
    let node = ecs("m5.xlarge");
    let a = (task(2000, 4096), 2);
    let b = (task(1000, 8192), 3);
    let c = (task(500, 1024), 4);
    assert_eq!(
        instances_needed(&[c, a, b], node, Placement::Binpack),
        Ok(3)
    );
    // Order of the input does not matter.
    assert_eq!(
        instances_needed(&[a, b, c], node, Placement::Binpack),
        Ok(3)
    );
    // Two more C tasks no longer fit the leftovers (instance 3 has 3000m: 6 would fit
    // there), so still 3; 8 more C tasks exceed it: 4.
    assert_eq!(
        instances_needed(&[a, b, (task(500, 1024), 6)], node, Placement::Binpack),
        Ok(3)
    );
    assert_eq!(
        instances_needed(&[a, b, (task(500, 1024), 12)], node, Placement::Binpack),
        Ok(4)
    );
}

#[test]
fn a_task_too_large_for_the_node_names_both() {
    let node = ecs("m5.large");
    let e = instances_needed(&[(task(4000, 1024), 1)], node, Placement::Binpack).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a task of 4 vCPU / 1024 MiB fits on no instance: one offers 2 vCPU / 7680 MiB"
    );
    let e = instances_needed(
        &[(task(250, 8192), 2)],
        node,
        Placement::Spread { zones: 3 },
    )
    .unwrap_err();
    assert_eq!(
        e,
        PackError::TaskTooLarge {
            task: task(250, 8192),
            node
        }
    );
    // A zero count is nothing to place.
    assert_eq!(
        instances_needed(&[(task(4000, 1024), 0)], node, Placement::Binpack),
        Ok(0)
    );
    // Through a plan the error names the service.
    let s = Service::new("batch", 4000, 1024, Demand::constant(1)).unwrap();
    let e = PackingPlan::new(&[s], node, Placement::Binpack, SimTime(0), SimTime(60)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "option `service.batch`: a task of 4 vCPU / 1024 MiB fits on no instance: one offers \
         2 vCPU / 7680 MiB"
    );
}

#[test]
fn large_counts_pack_exactly() {
    // A million tasks of three sizes (the run-based packing does not place them one by
    // one; its speed belongs in a bench, not here).
    let node = ecs("m5.xlarge");
    let tasks = [
        (task(1000, 2048), 400_000),
        (task(250, 512), 500_000),
        (task(500, 3000), 100_000),
    ];
    let n = instances_needed(&tasks, node, Placement::Binpack).unwrap();
    // Dominant shares: 1 vCPU / 2 GiB 0.25 (CPU), 0.5 vCPU / 3000 MiB 0.189 (memory),
    // 0.25 vCPU / 512 MiB 0.0625 (CPU); placed in that order:
    //   400k × 1 vCPU, 4 per instance (CPU)            → 100,000 instances, CPU full;
    //   100k × 3000 MiB, 5 per instance (memory)        →  20,000 instances, 1500m / 872 MiB left;
    //   500k × 0.25 vCPU: 1 on each of those (memory), the other 480k 16 per instance
    //                                                   →  30,000 instances.
    assert_eq!(n, 150_000);
    let spread = instances_needed(&tasks, node, Placement::Spread { zones: 3 }).unwrap();
    assert!(spread >= n);
}
