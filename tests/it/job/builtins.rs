//! The other built-in policies.

use super::*;

#[test]
fn greedy_idles_until_the_slack_is_gone_then_stays_on_demand() {
    // W = 3 h, D = 5 h, d = 0; spot in t0 and t4. t0: SPOT, 2 h left ($1). t1, t2:
    // preempted/idle (⌈2⌉ = 2 < ⌊4⌋, < ⌊3⌋). t3: ⌈2⌉ ≥ ⌊2⌋ → OD, 1 h left ($3). t4: spot
    // is back but greedy stays on OD to the end: done at 5 h ($3). Total $7.
    let m = market(&[1, 0, 0, 0, 1, 1]);
    let (r, tl) =
        run_job_timeline(&m, &spec(3.0, 5.0, 0.0), 0, &mut BuiltinPolicy::Greedy).unwrap();
    assert_eq!(
        kinds(&tl),
        [
            Kind::Spot,
            Kind::None,
            Kind::None,
            Kind::OnDemand,
            Kind::OnDemand
        ]
    );
    assert_eq!(
        (dollars(r.total_cost), r.finish_ms, r.deadline_met),
        ("7.00".into(), 5 * H, true)
    );
    // spot-only on the same trace: t4 and t5 are spot but only t4 is before the deadline.
    let r = run_job(&m, &spec(3.0, 5.0, 0.0), 0, &mut BuiltinPolicy::SpotOnly).unwrap();
    assert!(!r.deadline_met);
    assert_eq!(
        (dollars(r.total_cost), r.remaining_work_ms, r.ticks),
        ("2.00".into(), H, 5)
    );
}

#[test]
fn on_demand_costs_w_plus_one_overhead_in_whole_ticks() {
    // G = 600 s, W = 2 h, d = 0.5 h: 15 ticks at $3.06/h = 2.5 h × 3.06 = $7.65, exactly
    // the baseline (W + d is a whole number of ticks).
    let t = JobTrace::new(600, vec![0; 40]).unwrap();
    let m = JobMarket::single(&t, &MarketOptions::prices(usd("0.9731"), usd("3.06"))).unwrap();
    let r = run_job(&m, &spec(2.0, 4.0, 0.5), 0, &mut BuiltinPolicy::OnDemand).unwrap();
    assert_eq!(r.total_cost, r.ondemand_only_cost);
    assert_eq!(r.total_cost, usd("3.06").for_seconds(9000));
    assert_eq!((r.restarts, r.savings_pct), (1, 0.0));
    // d = 0.1 h: W + d = 2.1 h = 12.6 ticks → 13 ticks billed, the baseline is 2.1 h.
    let r = run_job(&m, &spec(2.0, 4.0, 0.1), 0, &mut BuiltinPolicy::OnDemand).unwrap();
    assert_eq!(r.total_cost, usd("3.06").for_seconds(13 * 600));
    assert_eq!(r.ondemand_only_cost, usd("3.06").for_seconds(7560));
}

#[test]
fn multi_zone_spot_prefers_its_zone_then_the_first_available_then_on_demand() {
    // Zones a, b, c; d = 0. t0: spot in b and c → b (first available), ($1).
    // t1: spot in a and b → stays in b ($1). t2: only a → migrate to a ($1).
    // t3: a is preempted too and no zone has spot → OD in a ($3). t4: spot in c →
    // migrate to c ($1), done (W = 5 h) at 5 h. Total $7.
    let a = JobTrace::new(3600, vec![0, 1, 1, 0, 0, 0])
        .unwrap()
        .with_zone("a");
    let b = JobTrace::new(3600, vec![1, 1, 0, 0, 0, 0])
        .unwrap()
        .with_zone("b");
    let c = JobTrace::new(3600, vec![1, 0, 0, 0, 1, 0])
        .unwrap()
        .with_zone("c");
    let m = JobMarket::new(&[a, b, c], &MarketOptions::prices(usd("1"), usd("3"))).unwrap();
    let (r, tl) = run_job_timeline(
        &m,
        &spec(5.0, 6.0, 0.0),
        0,
        &mut BuiltinPolicy::MultiZoneSpot,
    )
    .unwrap();
    let ran: Vec<Decision> = tl.iter().map(|t| t.ran).collect();
    assert_eq!(
        ran,
        [
            Decision::spot(1),
            Decision::spot(1),
            Decision::spot(0),
            Decision::on_demand(0),
            Decision::spot(2)
        ]
    );
    assert_eq!(dollars(r.total_cost), "7.00");
    // Restarts: launch, b→a, spot→OD, OD→spot(c); migrations: b→a, a→c; preemptions:
    // b at t2, a at t3.
    assert_eq!((r.restarts, r.migrations, r.preemptions), (4, 2, 2));
    assert_eq!(m.zone_name(2), Some("c"));
}
