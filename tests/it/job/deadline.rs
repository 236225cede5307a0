//! The deadline property.

use super::*;

fn arb_case() -> impl Strategy<Value = (Vec<Vec<u32>>, i64, i64, i64, i64)> {
    (
        1usize..4,
        2usize..30,
        prop::sample::select(vec![60i64, 600, 3600]),
    )
        .prop_flat_map(|(zones, n, g)| {
            (
                prop::collection::vec(prop::collection::vec(0u32..2, n), zones),
                Just(g),
                0i64..=(3 * g * 1000),
                1i64..=(n as i64 * g * 1000),
                0u64..1000,
            )
        })
        .prop_map(|(av, g, d, dl, wfrac)| {
            // W + d ≤ D, with d = 0 now and then.
            let d = if wfrac % 5 == 0 { 0 } else { d.min(dl - 1) };
            let w = 1 + ((dl - d - 1) as u64 * wfrac / 1000) as i64;
            (av, g, w, dl, d)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Every policy but spot-only meets the deadline whenever D ≥ W + d, and the tick
    /// accounting adds up.
    #[test]
    fn every_policy_but_spot_only_meets_the_deadline((av, g, w, dl, d) in arb_case()) {
        let traces: Vec<JobTrace> = av
            .iter()
            .enumerate()
            .map(|(i, a)| JobTrace::new(g, a.clone()).unwrap().with_zone(format!("z{i}")))
            .collect();
        let m = JobMarket::new(&traces, &MarketOptions::prices(usd("1"), usd("3"))).unwrap();
        let spec = JobSpec::new(w, dl, d).unwrap();
        prop_assert!(w + d <= dl);
        for p in BuiltinPolicy::ALL {
            let mut up = UpLog::new(vec![]);
            let r = if p == BuiltinPolicy::UniformProgress {
                run_job(&m, &spec, 0, &mut up).unwrap()
            } else {
                run_job(&m, &spec, 0, &mut { p }).unwrap()
            };
            if p.guarantees_deadline() {
                prop_assert!(r.deadline_met, "{p} missed: {r:?}");
                prop_assert!(r.finish_ms <= dl);
            }
            // UP alone never reaches its second safety net or rule 5 (see above).
            prop_assert!(up.rules.iter().all(|r| matches!(
                r,
                UpRule::Start | UpRule::BehindSchedule | UpRule::Hysteresis | UpRule::SafetyNet2d
            )));
            let g_ms = g * 1000;
            prop_assert_eq!(r.spot_ms + r.ondemand_ms + r.idle_ms, r.ticks as i64 * g_ms);
            let expect = usd("1").for_seconds(r.spot_ms / 1000) + usd("3").for_seconds(r.ondemand_ms / 1000);
            prop_assert_eq!(r.total_cost, expect);
            prop_assert_eq!(r.infeasible_spot_requests, 0);
            prop_assert!(r.remaining_work_ms <= 1 || !r.deadline_met);
        }
    }
}
