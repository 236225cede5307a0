//! The tick model, rule by rule.

use super::*;

#[test]
fn overhead_rearmed_idle_to_spot_and_carried_across_ticks() {
    // d = 0.25 h, W = 2 h. t0 idle ($0); t1 spot: re-armed, 0.25 h overhead then 0.75 h
    // work ($1); t2 spot: 1 h work, 0.25 h left ($1); t3 spot: 0.25 h, done at 3.25 h
    // ($1). Total $3, one restart.
    let m = market(&[1, 1, 1, 1]);
    let (r, tl) =
        run_job_timeline(&m, &spec(2.0, 4.0, 0.25), 0, &mut Script(vec![N, S, S, S])).unwrap();
    assert_eq!(dollars(r.total_cost), "3.00");
    assert_eq!(
        (r.restarts, r.preemptions, r.finish_ms),
        (1, 0, 3 * H + H / 4)
    );
    assert_eq!((r.idle_ms, r.spot_ms, r.ondemand_ms), (H, 3 * H, 0));
    assert!(r.deadline_met);
    let rearmed: Vec<bool> = tl.iter().map(|t| t.rearmed).collect();
    assert_eq!(rearmed, [false, true, false, false]);
    assert_eq!(
        (tl[1].overhead_paid_ms, tl[1].work_done_ms),
        (H / 4, 3 * H / 4)
    );

    // An overhead longer than a tick carries over: d = 1.5 h, W = 1 h, spot throughout.
    // t0 pays 1 h of overhead (no work), t1 the last 0.5 h and 0.5 h of work, t2 the
    // last 0.5 h of work: done at 2.5 h, three spot ticks, $3.
    let (r, tl) = run_job_timeline(&m, &spec(1.0, 4.0, 1.5), 0, &mut Script(vec![S; 4])).unwrap();
    assert_eq!(dollars(r.total_cost), "3.00");
    assert_eq!(r.finish_ms, 5 * H / 2);
    let paid: Vec<i64> = tl.iter().map(|t| t.overhead_paid_ms).collect();
    assert_eq!(paid, [H, H / 2, 0]);
    assert_eq!(r.restarts, 1);
}

#[test]
fn preemption_bills_the_tick_that_ran_and_relaunch_rearms() {
    // d = 0.5 h, W = 2 h, spot missing in t1. t0 spot: 0.5 h overhead + 0.5 h work ($1);
    // at the t1 boundary the instance is preempted (t0 was billed), idle ($0); t2 spot is
    // a relaunch: overhead again, 0.5 h work, 1 h left ($1); t3 spot: done at 4 h ($1).
    let m = market(&[1, 0, 1, 1, 1]);
    let (r, tl) =
        run_job_timeline(&m, &spec(2.0, 5.0, 0.5), 0, &mut Script(vec![S, N, S, S])).unwrap();
    assert_eq!(dollars(r.total_cost), "3.00");
    assert_eq!((r.preemptions, r.restarts), (1, 2));
    assert_eq!(r.finish_ms, 4 * H);
    assert!(tl[1].preempted);
    assert_eq!(tl[1].current.kind, Kind::None);
    assert_eq!(tl[2].overhead_paid_ms, H / 2);
}

#[test]
fn spot_to_on_demand_and_back_rearm_but_staying_does_not() {
    // d = 0.25 h, W = 3 h, spot always there. t0 spot: 0.25 + 0.75 work, 2.25 h left
    // ($1); t1 OD: re-armed, 0.25 + 0.75, 1.5 h left ($3); t2 OD: no re-arm, 1 h work,
    // 0.5 h left ($3); t3 spot: re-armed, 0.25 + 0.5: done at 3.75 h ($1). Total $8.
    let m = market(&[1; 6]);
    let (r, tl) =
        run_job_timeline(&m, &spec(3.0, 6.0, 0.25), 0, &mut Script(vec![S, O, O, S])).unwrap();
    assert_eq!(dollars(r.total_cost), "8.00");
    assert_eq!(r.restarts, 3);
    assert_eq!(r.finish_ms, 3 * H + 3 * H / 4);
    let rearmed: Vec<bool> = tl.iter().map(|t| t.rearmed).collect();
    assert_eq!(rearmed, [true, true, false, true]);
    assert_eq!((r.spot_ms, r.ondemand_ms), (2 * H, 2 * H));
}

#[test]
fn overhead_is_rearmed_to_d_not_added() {
    // d = 1.5 h: after t0 (spot) 0.5 h is still pending; switching to OD in t1 re-arms to
    // 1.5 h (not 2 h): t1 pays 1 h, 0.5 h pending after it.
    let m = market(&[1; 6]);
    let (_, tl) =
        run_job_timeline(&m, &spec(1.0, 6.0, 1.5), 0, &mut Script(vec![S, O, O, O])).unwrap();
    assert_eq!(tl[0].pending_overhead_ms, H / 2);
    assert_eq!(tl[1].pending_overhead_ms, H / 2);
    assert_eq!(tl[2].overhead_paid_ms, H / 2);
}

#[test]
fn stops_when_at_most_one_millisecond_is_left_and_bills_whole_ticks() {
    // G = 600 s. W = 600.001 s: after one on-demand tick 1 ms is left, ≤ 1 ms: done, one
    // tick billed. W = 600.002 s: 2 ms left, so a second tick runs (and is billed whole).
    let t = JobTrace::new(600, vec![1; 10]).unwrap();
    let m = JobMarket::single(&t, &MarketOptions::prices(usd("1"), usd("3"))).unwrap();
    let one = run_job(
        &m,
        &JobSpec::new(600_001, 6_000_000, 0).unwrap(),
        0,
        &mut BuiltinPolicy::OnDemand,
    )
    .unwrap();
    assert_eq!(
        (one.ticks, one.remaining_work_ms, one.finish_ms),
        (1, 1, 600_000)
    );
    assert_eq!(dollars(one.total_cost), "0.50");
    let two = run_job(
        &m,
        &JobSpec::new(600_002, 6_000_000, 0).unwrap(),
        0,
        &mut BuiltinPolicy::OnDemand,
    )
    .unwrap();
    assert_eq!(
        (two.ticks, two.remaining_work_ms, two.finish_ms),
        (2, 0, 600_002)
    );
    assert_eq!(dollars(two.total_cost), "1.00");
    // No partial-tick refund: half an hour of work on 1-hour ticks costs a whole tick.
    let r = run_job(
        &market(&[1; 2]),
        &spec(0.5, 2.0, 0.0),
        0,
        &mut BuiltinPolicy::OnDemand,
    )
    .unwrap();
    assert_eq!((dollars(r.total_cost), r.finish_ms), ("3.00".into(), H / 2));
}

#[test]
fn billing_uses_each_ticks_spot_price() {
    // Per-tick prices $1, $2, $5: two spot ticks then on-demand at $3 cost 1 + 2 + 3.
    let t = JobTrace::new(3600, vec![1, 1, 1])
        .unwrap()
        .with_prices(vec![usd("1"), usd("2"), usd("5")])
        .unwrap();
    let m = JobMarket::single(&t, &MarketOptions::ondemand(usd("3"))).unwrap();
    let r = run_job(&m, &spec(3.0, 3.0, 0.0), 0, &mut Script(vec![S, S, O])).unwrap();
    assert_eq!(dollars(r.total_cost), "6.00");
    // A window starting at tick 1 sees the prices of ticks 1 and 2.
    let r = run_job(&m, &spec(2.0, 2.0, 0.0), 1, &mut Script(vec![S, S])).unwrap();
    assert_eq!(dollars(r.total_cost), "7.00");
}

#[test]
fn an_infeasible_spot_request_idles_and_is_counted() {
    let m = market(&[0, 1, 1]);
    let r = run_job(&m, &spec(1.0, 3.0, 0.0), 0, &mut Script(vec![S, S])).unwrap();
    assert_eq!(
        (r.infeasible_spot_requests, r.idle_ms, r.finish_ms),
        (1, H, 2 * H)
    );
    let e = run_job(
        &m,
        &spec(1.0, 3.0, 0.0),
        0,
        &mut Script(vec![Decision::spot(3)]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("zone 3"), "{e}");
}

#[test]
fn windows_start_at_the_ceiling_of_start_hours() {
    assert_eq!(start_tick_for_hours(0.0, 600).unwrap(), 0);
    assert_eq!(start_tick_for_hours(10.0, 600).unwrap(), 60);
    assert_eq!(start_tick_for_hours(10.001, 600).unwrap(), 61);
    assert_eq!(start_tick_for_hours(1.0, 195).unwrap(), 19); // 3600/195 = 18.46
    assert!(start_tick_for_hours(-1.0, 600).is_err());
    assert!(start_tick_for_hours(f64::NAN, 600).is_err());
}

#[test]
fn bad_options_are_clear_errors() {
    let e = JobSpec::from_hours(10.0, 8.0, 0.1).unwrap_err();
    assert_eq!(e.option, "deadline");
    assert!(e.to_string().contains("shorter than the work"), "{e}");
    let e = JobSpec::from_hours(1.0, 8.0, -0.1).unwrap_err();
    assert_eq!(e.option, "overhead");
    assert!(JobSpec::from_hours(0.0, 8.0, 0.1).is_err());
    assert!(JobSpec::from_hours(f64::INFINITY, 8.0, 0.1).is_err());

    let e = "up".parse::<BuiltinPolicy>().unwrap_err();
    assert!(
        e.to_string()
            .contains("on-demand, spot-only, greedy, uniform-progress, multi-zone-spot"),
        "{e}"
    );
    let e = "inverted".parse::<Convention>().unwrap_err();
    assert!(e.to_string().contains("available, preempted"), "{e}");

    // Trace shorter than the deadline from the start.
    let m = market(&[1; 10]);
    let e = run_job(&m, &spec(2.0, 4.0, 0.0), 7, &mut BuiltinPolicy::Greedy).unwrap_err();
    assert!(e.to_string().contains("shorter than the deadline"), "{e}");
    assert!(run_job(&m, &spec(2.0, 4.0, 0.0), 6, &mut BuiltinPolicy::Greedy).is_ok());
    let e = draw_starts(&m, &spec(2.0, 11.0, 0.0), 5, 1).unwrap_err();
    assert!(e.to_string().contains("shorter than the deadline"), "{e}");

    // Prices missing where needed.
    let t = JobTrace::new(600, vec![1; 4]).unwrap();
    let e = JobMarket::single(&t, &MarketOptions::ondemand(usd("3"))).unwrap_err();
    assert_eq!(e.option, "spot-price");
    let e = JobMarket::single(
        &t,
        &MarketOptions {
            spot_price: Some(usd("1")),
            ..MarketOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.option, "ondemand-price");
    // Zones with different gaps.
    let u = JobTrace::new(300, vec![1; 4]).unwrap();
    assert!(JobMarket::new(&[t, u], &MarketOptions::prices(usd("1"), usd("3"))).is_err());
}
