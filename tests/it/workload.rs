//! The workload module: bin packing with instance counts worked out by hand, the demand
//! shapes' exact task-hours, the desired-count CSV's errors (exact `file:line: field`
//! messages), packing plans over a horizon, and property tests (the packing holds the
//! requests; binpack never needs more instances than spread).

use proptest::prelude::*;
use spotsim::catalog::{Arch, Catalog, InstanceType};
use spotsim::error::{Error, InputError, InputErrorKind};
use spotsim::market::StepTrace;
use spotsim::money::Rate;
use spotsim::time::{DAY, HOUR, SimTime};
use spotsim::workload::packing::{EksNodeConfig, MaxPods};
use spotsim::workload::{
    Allocatable, Demand, NodeReserve, PackError, PackingPlan, Placement, Service, TaskRequest,
    instances_needed, instances_trace, read_desired_bytes, read_desired_file, utilisation,
};

fn t(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

fn task(cpu_millis: u32, memory_mib: u32) -> TaskRequest {
    TaskRequest {
        cpu_millis,
        memory_mib,
    }
}

fn catalog_type(name: &str) -> InstanceType {
    Catalog::builtin().get(name).unwrap().clone()
}

fn ecs(name: &str) -> Allocatable {
    NodeReserve::ecs_default()
        .allocatable(&catalog_type(name))
        .unwrap()
}

/// m5.8xlarge (32 vCPU, 128 GiB), spelled out.
fn m5_8xlarge() -> InstanceType {
    InstanceType {
        name: "m5.8xlarge".into(),
        vcpu: 32,
        memory_mib: 131_072,
        arch: Arch::X86_64,
        ondemand: Rate::parse_usd("1.536").unwrap(),
    }
}

fn input_err<T: std::fmt::Debug>(r: Result<T, InputError>) -> InputError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn tmp_file(name: &str, body: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("spotsim-workload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

// ------------------------------------------------------------------------- packing

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

// ------------------------------------------------------------------------- shapes

#[test]
fn daily_spike_task_hours_per_day_are_exact() {
    let (baseline, peak, hours) = (3u64, 11u64, 6u64);
    let d = Demand::Daily {
        baseline: 3,
        peak: 11,
        peak_hours: 6,
        peak_start_hour: 20, // 20:00–02:00, across midnight
    };
    let day0 = t("2024-02-27T00:00:00Z");
    let per_day = (baseline * 24 + (peak - baseline) * hours) * HOUR as u64;
    for k in 0..5 {
        let a = day0.plus(k * DAY);
        assert_eq!(d.task_seconds(a, a.plus(DAY)).unwrap(), per_day, "day {k}");
    }
    assert_eq!(
        d.task_seconds(day0, day0.plus(30 * DAY)).unwrap(),
        30 * per_day
    );
    assert_eq!(
        d.task_hours(day0, day0.plus(DAY)).unwrap(),
        (3 * 24 + 8 * 6) as f64
    );
    // The trace over one day: 11 until 02:00, 3 until 20:00, 11 after.
    let tr = d.trace(day0, day0.plus(DAY)).unwrap();
    assert_eq!(tr.values(), &[11, 3, 11]);
    assert_eq!(tr.times(), &[day0.0, day0.0 + 2 * HOUR, day0.0 + 20 * HOUR]);
}

#[test]
fn weekly_spike_peaks_on_the_first_days_from_monday() {
    let d = Demand::Weekly {
        baseline: 2,
        peak: 8,
        peak_hours: 9,
        peak_start_hour: 8,
        peak_days: 5,
    };
    let monday = t("2024-03-04T00:00:00Z");
    let week = d.task_seconds(monday, monday.plus(7 * DAY)).unwrap();
    assert_eq!(week, (2 * 168 + 6 * 9 * 5) * HOUR as u64);
    // Any 7-day window holds exactly one week's worth.
    let wed = monday.plus(2 * DAY + 5 * HOUR);
    assert_eq!(d.task_seconds(wed, wed.plus(7 * DAY)).unwrap(), week);
    let tr = d.trace(monday, monday.plus(7 * DAY)).unwrap();
    assert_eq!(tr.value_at(t("2024-03-08T16:59:59Z")), Some(8), "Friday");
    assert_eq!(tr.value_at(t("2024-03-09T10:00:00Z")), Some(2), "Saturday");
    assert_eq!(tr.value_at(t("2024-03-10T10:00:00Z")), Some(2), "Sunday");
    // Defaults from TOML: 09:00, Monday to Friday.
    #[derive(serde::Deserialize)]
    struct W {
        desired: Demand,
    }
    let w: W =
        toml::from_str("[desired]\nshape = \"weekly\"\nbaseline = 2\npeak = 8\npeak-hours = 9")
            .unwrap();
    assert_eq!(
        w.desired,
        Demand::Weekly {
            baseline: 2,
            peak: 8,
            peak_hours: 9,
            peak_start_hour: 9,
            peak_days: 5
        }
    );
}

#[test]
fn monthly_spike_once_a_month() {
    let d = Demand::Monthly {
        baseline: 1,
        peak: 5,
        peak_hours: 48,
        peak_start_hour: 0,
        peak_day_of_month: 1,
    };
    let jan = t("2024-01-01T00:00:00Z");
    let feb = t("2024-02-01T00:00:00Z");
    let mar = t("2024-03-01T00:00:00Z");
    assert_eq!(
        d.task_seconds(jan, feb).unwrap(),
        (31 * 24 + 4 * 48) * HOUR as u64
    );
    assert_eq!(
        d.task_seconds(feb, mar).unwrap(),
        (29 * 24 + 4 * 48) * HOUR as u64,
        "2024 is a leap year"
    );
    let tr = d.trace(jan, mar).unwrap();
    assert_eq!(tr.values(), &[5, 1, 5, 1]);
    assert_eq!(tr.times()[1], t("2024-01-03T00:00:00Z").0);
}

#[test]
fn shape_validation_and_toml_errors() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct W {
        desired: Demand,
    }
    let e = toml::from_str::<W>("desired = { shape = \"spiky\" }").unwrap_err();
    assert!(
        e.to_string().contains(
            "unknown variant `spiky`, expected one of `constant`, `daily`, `weekly`, `monthly`, `csv`"
        ),
        "{e}"
    );
    let e =
        toml::from_str::<W>("desired = { shape = \"daily\", baseline = 1, peak = 2 }").unwrap_err();
    assert!(e.to_string().contains("missing field `peak-hours`"), "{e}");
    let e = toml::from_str::<W>("desired = { tasks = 2 }").unwrap_err();
    assert!(e.to_string().contains("missing field `shape`"), "{e}");

    let bad = [
        (
            Demand::Weekly {
                baseline: 1,
                peak: 2,
                peak_hours: 3,
                peak_start_hour: 9,
                peak_days: 8,
            },
            "option `desired.peak-days`: must be 1 to 7 (days from Monday), found 8",
        ),
        (
            Demand::Monthly {
                baseline: 1,
                peak: 2,
                peak_hours: 673,
                peak_start_hour: 9,
                peak_day_of_month: 1,
            },
            "option `desired.peak-hours`: must be 0 to 672 (four weeks) for a monthly shape, found 673",
        ),
        (
            Demand::Daily {
                baseline: 1,
                peak: 2,
                peak_hours: 3,
                peak_start_hour: 24,
            },
            "option `desired.peak-start-hour`: must be 0 to 23 (UTC), found 24",
        ),
    ];
    for (d, msg) in bad {
        assert_eq!(d.validate().unwrap_err().to_string(), msg);
        let e = d.trace(SimTime(0), SimTime(DAY)).unwrap_err();
        assert_eq!(e.to_string(), msg);
    }
}

#[test]
fn services_from_toml_and_their_validation() {
    #[derive(serde::Deserialize)]
    struct Doc {
        service: Vec<Service>,
    }
    let doc: Doc = toml::from_str(
        r#"
        [[service]]
        name = "web"
        task-vcpu-millis = 250
        task-memory-mib = 512
        ephemeral-gib = 30
        desired = { shape = "daily", baseline = 2, peak = 10, peak-hours = 8 }

        [[service]]
        name = "worker"
        task-vcpu-millis = 1000
        task-memory-mib = 2048
        [service.desired]
        shape = "constant"
        tasks = 3
        "#,
    )
    .unwrap();
    assert_eq!(doc.service.len(), 2);
    assert_eq!(doc.service[0].ephemeral_gib, 30);
    assert_eq!(doc.service[1].ephemeral_gib, 20);
    for s in &doc.service {
        s.validate().unwrap();
    }
    let mut s = doc.service[0].clone();
    s.ephemeral_gib = 201;
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "option `service.web.ephemeral-gib`: ephemeral storage of 201 GiB is above the Fargate maximum of 200 GiB"
    );
    s.ephemeral_gib = 19;
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "option `service.web.ephemeral-gib`: ephemeral storage of 19 GiB is below the 20 GiB every Fargate task has"
    );
    s.ephemeral_gib = 20;
    s.task_memory_mib = 0;
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "option `service.web.task-memory-mib`: must be at least 1 (MiB)"
    );
    s.task_memory_mib = 512;
    s.desired = Demand::Daily {
        baseline: 0,
        peak: 0,
        peak_hours: 4,
        peak_start_hour: 9,
    };
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "option `service.web.desired`: zero tasks: daily(baseline=0,peak=0,peak-hours=4,\
         peak-start-hour=9) never asks for a task, so the service would never run"
    );
    s.desired = Demand::Daily {
        baseline: 0,
        peak: 4,
        peak_hours: 25,
        peak_start_hour: 9,
    };
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "option `service.web.desired.peak-hours`: must be 0 to 24 for a daily shape, found 25"
    );
    s.name = " ".into();
    assert!(
        s.validate()
            .unwrap_err()
            .to_string()
            .contains("service.name")
    );
    let e = toml::from_str::<Service>(
        "name = \"x\"\ntask-vcpu-millis = 1\ntask-memory-mib = 1\ncpu = 2\ndesired = { shape = \"constant\", tasks = 1 }",
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `cpu`"), "{e}");
}

// ------------------------------------------------------------------------- desired CSV

fn csv_err(body: &str) -> InputError {
    input_err(read_desired_bytes("desired.csv", body.as_bytes()))
}

#[test]
fn desired_csv_errors_name_file_line_and_field() {
    let cases: &[(&str, InputErrorKind, &str)] = &[
        (
            "",
            InputErrorKind::Empty,
            "desired.csv: the file is empty; expected the header line timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n",
            InputErrorKind::Empty,
            "desired.csv:1: no data rows after the header; expected rows such as \
             2024-01-01T00:00:00Z,3",
        ),
        (
            "2024-01-01T00:00:00Z,3\n2024-01-01T01:00:00Z,4\n",
            InputErrorKind::MissingField,
            "desired.csv:1: expected the header line timestamp,desired_count, found \
             `2024-01-01T00:00:00Z,3` (a header is required)",
        ),
        (
            "timestamp,count\n2024-01-01T00:00:00Z,3\n",
            InputErrorKind::MissingField,
            "desired.csv:1: field `desired_count`: the header `timestamp,count` lacks this \
             column; expected timestamp,desired_count",
        ),
        (
            "timestamp,desired_count,zone\n2024-01-01T00:00:00Z,3,a\n",
            InputErrorKind::UnknownField,
            "desired.csv:1: field `zone`: unknown column; expected only the columns \
             timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n2024-01-01T02:00:00Z,3\n2024-01-01T01:00:00Z,4\n",
            InputErrorKind::Conflict,
            "desired.csv:3: field `timestamp`: 2024-01-01T01:00:00Z is before \
             2024-01-01T02:00:00Z on line 2; timestamps must strictly increase",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,3\n\n2024-01-01T01:00:00+01:00,4\n",
            InputErrorKind::Conflict,
            "desired.csv:4: field `timestamp`: 2024-01-01T00:00:00Z repeats the timestamp of \
             line 2; timestamps must strictly increase",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,3\n2024-01-01T01:00:00Z,-2\n",
            InputErrorKind::BadValue,
            "desired.csv:3: field `desired_count`: is negative: found `-2`, expected a \
             non-negative integer such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,2.5\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `desired_count`: is not a whole number: found `2.5`, \
             expected a non-negative integer such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count\n2024-01-01 00:00:00,2\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `timestamp`: not a timestamp: expected a zone (Z or ±HH:MM) \
             after the time: found `2024-01-01 00:00:00`, expected an RFC 3339 timestamp \
             with a zone such as 2021-02-09T01:40:10+00:00",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `desired_count`: is empty; expected a non-negative integer \
             such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count,timestamp\n2024-01-01T00:00:00Z,1,x\n",
            InputErrorKind::Syntax,
            "desired.csv:1: field `timestamp`: the column appears twice; expected the header \
             line timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z\n",
            InputErrorKind::Syntax,
            "desired.csv:2: expected 2 fields as in the header on line 1, found 1",
        ),
    ];
    for (body, kind, msg) in cases {
        let e = csv_err(body);
        assert_eq!(e.to_string(), *msg, "{body:?}");
        assert_eq!(e.kind, *kind, "{body:?}");
    }
}

#[test]
fn desired_csv_accepts_any_column_order_bom_crlf_and_blank_lines() {
    let body = "\u{feff}Desired_Count , Timestamp\r\n\r\n4,2024-01-01T00:00:00Z\r\n0,2024-01-01T06:00:00Z\r\n";
    let c = read_desired_bytes("d.csv", body.as_bytes()).unwrap();
    assert_eq!(c.trace.values(), &[4, 0]);
    assert_eq!(c.lines, [3, 4]);
    assert_eq!(c.source.format, "desired-csv");
    assert_eq!(c.source.rows, 2);
}

#[test]
fn csv_demand_is_zero_before_its_first_row_and_clipped_to_the_horizon() {
    let p = tmp_file(
        "clip.csv",
        "timestamp,desired_count\n\
         2024-01-01T06:00:00Z,4\n\
         2024-01-01T12:00:00Z,4\n\
         2024-01-01T18:00:00Z,1\n\
         2024-01-02T06:00:00Z,9\n",
    );
    let d = Demand::Csv { file: p.clone() };
    let day = t("2024-01-01T00:00:00Z");
    let tr = d.trace(day, day.plus(DAY)).unwrap();
    assert_eq!(tr.times(), &[day.0, day.0 + 6 * HOUR, day.0 + 18 * HOUR]);
    assert_eq!(tr.values(), &[0, 4, 1], "equal consecutive counts merge");
    assert_eq!(
        d.task_seconds(day, day.plus(DAY)).unwrap(),
        (12 * 4 + 6) * HOUR as u64
    );
    // A horizon starting between rows takes the count in effect.
    let tr = d.trace(day.plus(20 * HOUR), day.plus(40 * HOUR)).unwrap();
    assert_eq!(tr.values(), &[1, 9]);
    // A horizon ending before the first row: an error naming the file and line.
    let e = d.trace(day, day.plus(6 * HOUR)).unwrap_err();
    let Error::Input(ie) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(ie.kind, InputErrorKind::Empty);
    assert_eq!(
        e.to_string(),
        format!(
            "{}:2: field `timestamp`: the first desired count is at 2024-01-01T06:00:00Z, at \
             or after the end of the horizon 2024-01-01T06:00:00Z: no counts for the simulated \
             period 2024-01-01T00:00:00Z to 2024-01-01T06:00:00Z",
            p.display()
        )
    );
    // A missing file is an Io error naming it.
    let missing = Demand::Csv {
        file: p.with_file_name("absent.csv"),
    };
    let e = missing.trace(day, day.plus(DAY)).unwrap_err();
    assert!(
        matches!(&e, Error::Input(ie) if ie.kind == InputErrorKind::Io),
        "{e}"
    );
    assert!(e.to_string().contains("absent.csv: cannot read"), "{e}");
    let e = input_err(read_desired_file(&p.with_file_name("absent.csv")));
    assert_eq!(e.kind, InputErrorKind::Io);
}

#[test]
fn csv_service_of_only_zeros_has_zero_tasks() {
    let p = tmp_file(
        "zeros.csv",
        "timestamp,desired_count\n2024-01-01T00:00:00Z,0\n2024-01-01T01:00:00Z,0\n",
    );
    let s = Service::new("idle", 250, 512, Demand::Csv { file: p }).unwrap();
    let day = t("2024-01-01T00:00:00Z");
    let e = s.desired_trace(day, day.plus(DAY)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("option `service.idle.desired`: zero tasks: csv("),
        "{e}"
    );
}

// ------------------------------------------------------------------------- plans

#[test]
fn plan_combines_change_points_of_all_services() {
    let p = tmp_file(
        "plan.csv",
        "timestamp,desired_count\n2024-01-01T00:00:00Z,2\n2024-01-01T03:00:00Z,6\n",
    );
    let day = t("2024-01-01T00:00:00Z");
    let api = Service::new(
        "api",
        1000,
        2048,
        Demand::Daily {
            baseline: 2,
            peak: 4,
            peak_hours: 4,
            peak_start_hour: 1,
        },
    )
    .unwrap();
    let jobs = Service::new("jobs", 500, 1024, Demand::Csv { file: p }).unwrap();
    let node = ecs("m5.large"); // 2000m / 7680 MiB
    let services = [api, jobs];
    let plan =
        PackingPlan::new(&services, node, Placement::Binpack, day, day.plus(6 * HOUR)).unwrap();
    // 00–01: api 2 + jobs 2 = 3000m → 2 instances
    // 01–03: api 4 + jobs 2 = 5000m → 3
    // 03–05: api 4 + jobs 6 = 7000m → 4
    // 05–06: api 2 + jobs 6 = 5000m → 3
    let h = |k: i64| day.0 + k * HOUR;
    assert_eq!(plan.times(), &[h(0), h(1), h(3), h(5)]);
    assert_eq!(plan.tasks_trace().values(), &[4, 6, 10, 8]);
    assert_eq!(plan.instances_trace().values(), &[2, 3, 4, 3]);
    assert_eq!(plan.at(day.plus(4 * HOUR)).unwrap().tasks, 10);
    assert_eq!(plan.at(day.plus(6 * HOUR)), None);
    assert_eq!(plan.steps()[2].tasks_per_instance(), 2.5);
    let tot = plan.totals();
    assert_eq!(tot.instance_seconds, (2 + 3 * 2 + 4 * 2 + 3) as u128 * 3600);
    assert_eq!(tot.task_seconds, (4 + 6 * 2 + 10 * 2 + 8) as u128 * 3600);
    assert_eq!(
        tot.allocatable_cpu_milli_seconds,
        tot.instance_seconds * 2000
    );
    assert!(tot.cpu_fraction() > 0.8 && tot.cpu_fraction() <= 1.0);
    // The free function agrees.
    let it = instances_trace(&services, node, Placement::Binpack, day, day.plus(6 * HOUR)).unwrap();
    assert_eq!(&it, plan.instances_trace());
    // The trace drives the engine's target.
    let target = spotsim::engine::Target::Trace(it);
    assert_eq!(target.at(day.plus(3 * HOUR)), 4);
}

#[test]
fn plan_errors() {
    let node = ecs("m5.large");
    let e = PackingPlan::new(&[], node, Placement::Binpack, SimTime(0), SimTime(1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "option `services`: no services: nothing to run"
    );
    let s = Service::new("a", 250, 512, Demand::constant(1)).unwrap();
    let e = PackingPlan::new(
        std::slice::from_ref(&s),
        node,
        Placement::Spread { zones: 0 },
        SimTime(0),
        SimTime(1),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "option `placement.zones`: spread placement needs at least 1 zone"
    );
    let e = PackingPlan::new(&[s], node, Placement::Binpack, SimTime(1), SimTime(1)).unwrap_err();
    assert!(e.to_string().starts_with("option `horizon`"), "{e}");
}

#[test]
fn steps_demand_from_code() {
    let tr = StepTrace::new(vec![100, 200], vec![3u32, 1]).unwrap();
    let s = Service::new("coded", 1000, 1024, Demand::Steps(tr)).unwrap();
    let node = ecs("m5.large");
    let it = instances_trace(&[s], node, Placement::Binpack, SimTime(0), SimTime(300)).unwrap();
    assert_eq!(
        (it.times(), it.values()),
        (&[0i64, 100, 200][..], &[0u32, 2, 1][..])
    );
}

// ------------------------------------------------------------------------- properties

fn arb_tasks() -> impl Strategy<Value = Vec<(TaskRequest, u32)>> {
    prop::collection::vec(
        ((1u32..=4000, 1u32..=16_000), 0u32..=40).prop_map(|((c, m), n)| (task(c, m), n)),
        1..6,
    )
}

fn arb_node() -> impl Strategy<Value = Allocatable> {
    (
        4000u32..=16_000,
        16_000u32..=64_000,
        prop::option::of(1u32..=50),
    )
        .prop_map(|(c, m, max)| Allocatable {
            cpu_millis: c,
            memory_mib: m,
            max_tasks: max,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn packing_holds_the_requests(tasks in arb_tasks(), node in arb_node(), zones in 1u32..=4) {
        let total_cpu: u64 = tasks.iter().map(|(t, n)| u64::from(t.cpu_millis) * u64::from(*n)).sum();
        let total_mem: u64 = tasks.iter().map(|(t, n)| u64::from(t.memory_mib) * u64::from(*n)).sum();
        let total: u64 = tasks.iter().map(|(_, n)| u64::from(*n)).sum();
        let bin = instances_needed(&tasks, node, Placement::Binpack).unwrap();
        let spread = instances_needed(&tasks, node, Placement::Spread { zones }).unwrap();
        for n in [bin, spread] {
            let n = u64::from(n);
            prop_assert!(n * u64::from(node.cpu_millis) >= total_cpu);
            prop_assert!(n * u64::from(node.memory_mib) >= total_mem);
            if let Some(m) = node.max_tasks {
                prop_assert!(n * u64::from(m) >= total);
            }
            prop_assert_eq!(n == 0, total == 0);
            // Never more instances than tasks.
            prop_assert!(n <= total);
        }
        prop_assert!(bin <= spread, "binpack {} > spread {} over {} zones", bin, spread, zones);
        let u = utilisation(&tasks, node, bin);
        prop_assert!(u.requested_cpu_millis <= u.allocatable_cpu_millis);
        prop_assert!(u.requested_memory_mib <= u.allocatable_memory_mib);
    }

    #[test]
    fn daily_task_hours_formula(baseline in 0u32..50, peak in 0u32..50, hours in 0u32..=24,
                                start_hour in 0u32..24, day in 0i64..20_000) {
        let d = Demand::Daily { baseline, peak, peak_hours: hours, peak_start_hour: start_hour };
        let a = SimTime(day * DAY);
        let got = d.task_seconds(a, a.plus(DAY)).unwrap() as i64;
        let want = (i64::from(baseline) * 24 + (i64::from(peak) - i64::from(baseline)) * i64::from(hours)) * HOUR;
        prop_assert_eq!(got, want);
    }
}
