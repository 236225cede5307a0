//! Property tests.

use super::*;

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
