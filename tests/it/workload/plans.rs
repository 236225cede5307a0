//! Plans: tasks, nodes and their costs over time.

use super::*;

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
