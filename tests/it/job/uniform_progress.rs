//! Uniform Progress, every rule (deadline-jobs.md rules 1–5).

use super::*;

#[test]
fn up_rule1_idles_rule2_catches_up_rule3_holds_then_releases() {
    // W = 4 h, D = 8 h (schedule: 0.5 h of work per hour), d = 0; spot from t2 on.
    // t0: on schedule (0 = 0), spot unavailable → rule 1: NONE ($0).
    // t1: done 0 < 1·4/8 → behind, spot unavailable → rule 2: OD, 3 h left ($3).
    // t2: done 1 = 2·0.5, not behind; on OD, spot available, (2 + 0)·0.5 − 1 = 0 ≥ 0 →
    //     rule 3 holds: OD, 2 h left ($3).
    // t3: (3 + 0)·0.5 − 2 < 0 → rule 3 releases; rule 1: SPOT (re-armed, d = 0), 1 h
    //     left ($1).
    // t4: SPOT, done at 5 h ($1).
    // No safety net: at t4 ⌈(1 + 0)/1⌉ = 1 < ⌊(8 − 4)/1⌋ = 4. Total $8.
    let m = market(&[0, 0, 1, 1, 1, 1, 1, 1]);
    let mut p = UpLog::new(vec![]);
    let (r, tl) = run_job_timeline(&m, &spec(4.0, 8.0, 0.0), 0, &mut p).unwrap();
    assert_eq!(
        p.rules,
        [
            UpRule::Start,
            UpRule::BehindSchedule,
            UpRule::Hysteresis,
            UpRule::Start,
            UpRule::Start
        ]
    );
    assert_eq!(
        kinds(&tl),
        [
            Kind::None,
            Kind::OnDemand,
            Kind::OnDemand,
            Kind::Spot,
            Kind::Spot
        ]
    );
    assert_eq!(dollars(r.total_cost), "8.00");
    assert_eq!(r.finish_ms, 5 * H);
    // The on-demand-only baseline: W × $3 = $12 (d = 0); UP saves a third.
    assert_eq!(dollars(r.ondemand_only_cost), "12.00");
    assert!((r.savings_pct - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn up_rule2_runs_on_demand_when_behind_and_rule3_holds_while_spot_is_unavailable() {
    // W = 2 h, D = 5 h, d = 0, spot only in t0. t0: SPOT, 1 h left ($1). t1: preempted;
    // 1 ≥ 1·2/5 → not behind → rule 1: NONE. t2: 1 ≥ 0.8 → NONE. t3: 1 < 1.2 → behind,
    // spot unavailable → rule 2: OD; done at 4 h ($3). Total $4.
    let m = market(&[1, 0, 0, 0, 0]);
    let mut p = UpLog::new(vec![]);
    let (r, _) = run_job_timeline(&m, &spec(2.0, 5.0, 0.0), 0, &mut p).unwrap();
    assert_eq!(
        p.rules,
        [
            UpRule::Start,
            UpRule::Start,
            UpRule::Start,
            UpRule::BehindSchedule
        ]
    );
    assert_eq!(
        (dollars(r.total_cost), r.preemptions, r.finish_ms),
        ("4.00".into(), 1, 4 * H)
    );

    // Rule 3 with spot unavailable: W = 3 h, D = 6 h, spot only in t2. t0: NONE (on
    // schedule, no spot); t1: behind → OD, 2 h left ($3); t2: on OD and spot is there,
    // but (2 + 0)·0.5 − 1 ≥ 0 → OD, 1 h left ($3); t3: spot gone → rule 3 keeps OD
    // (and not behind: 2 ≥ 1.5), done at 4 h ($3). Total $9.
    let m = market(&[0, 0, 1, 0, 0, 0]);
    let mut p = UpLog::new(vec![]);
    let (r, _) = run_job_timeline(&m, &spec(3.0, 6.0, 0.0), 0, &mut p).unwrap();
    assert_eq!(
        p.rules,
        [
            UpRule::Start,
            UpRule::BehindSchedule,
            UpRule::Hysteresis,
            UpRule::Hysteresis
        ]
    );
    assert_eq!(dollars(r.total_cost), "9.00");
}

#[test]
fn up_rule4_first_net_forces_on_demand_even_with_spot() {
    // W = 3 h, D = 4 h, d = 0.5 h, spot always available.
    // t0: rule 1 says SPOT, but ⌈(3 + 2·0.5)/1⌉·1 = 4 ≥ ⌊4/1⌋·1 = 4 and the job is idle
    //     → first net: OD; 0.5 h overhead + 0.5 h work, 2.5 h left ($3).
    // t1: ⌈(2.5 + 1)/1⌉ = 4 ≥ 3, on OD → OD, 1.5 h left ($3).
    // t2: ⌈2.5⌉ = 3 ≥ 2 → OD, 0.5 h left ($3). t3: ⌈1.5⌉ = 2 ≥ 1 → OD, done at 3.5 h ($3).
    // Total $12 — more than the (3 + 0.5) × $3 = $10.50 baseline, because whole ticks
    // are billed.
    let m = market(&[1; 4]);
    let mut p = UpLog::new(vec![]);
    let (r, _) = run_job_timeline(&m, &spec(3.0, 4.0, 0.5), 0, &mut p).unwrap();
    assert_eq!(p.rules, [UpRule::SafetyNet2d; 4]);
    assert_eq!(dollars(r.total_cost), "12.00");
    assert_eq!(dollars(r.ondemand_only_cost), "10.50");
    assert_eq!(r.finish_ms, 3 * H + H / 2);
    assert!(r.deadline_met);
}

#[test]
fn up_rule4_second_net_keeps_a_running_spot_instance() {
    // Uniform Progress on its own never reaches the second net: the first one (with 2d,
    // while idle or on OD) fires one tick earlier on every path (checked by the property
    // test below). It is reached when UP takes over a state another policy produced:
    // here tick 0 is forced onto SPOT although the first net would have said OD.
    // W = 3 h, D = 4 h, d = 0.5 h, spot always available.
    // t0 (forced): SPOT, 0.5 h overhead + 0.5 h work, 2.5 h left ($1).
    // t1: on SPOT, no pending overhead; ⌈(2.5 + 0.5)/1⌉ = 3 ≥ ⌊3⌋ = 3 → keep SPOT, 1.5 h
    //     left ($1). t2: ⌈2⌉ = 2 ≥ 2 → keep SPOT, 0.5 h left ($1). t3: ⌈1⌉ ≥ 1 → keep,
    //     done at 3.5 h ($1). Total $4.
    let m = market(&[1; 4]);
    let mut p = UpLog::new(vec![S]);
    let (r, _) = run_job_timeline(&m, &spec(3.0, 4.0, 0.5), 0, &mut p).unwrap();
    assert_eq!(p.rules, [UpRule::SafetyNet1dKeepSpot; 3]);
    assert_eq!(
        (dollars(r.total_cost), r.finish_ms),
        ("4.00".into(), 3 * H + H / 2)
    );

    // The same, spot preempted at t2: t2 is idle after the preemption, so the first net
    // fires (⌈(1.5 + 1)/1⌉ = 3 ≥ 2): OD, 0.5 h overhead + 0.5 h work, 1 h left ($3);
    // t3: OD, done at exactly 4 h ($3). Total 1 + 1 + 3 + 3 = $8, deadline met: keeping
    // spot in the window was safe.
    let m = market(&[1, 1, 0, 0]);
    let mut p = UpLog::new(vec![S]);
    let (r, _) = run_job_timeline(&m, &spec(3.0, 4.0, 0.5), 0, &mut p).unwrap();
    assert_eq!(
        p.rules,
        [
            UpRule::SafetyNet1dKeepSpot,
            UpRule::SafetyNet2d,
            UpRule::SafetyNet2d
        ]
    );
    assert_eq!(
        (dollars(r.total_cost), r.finish_ms, r.deadline_met),
        ("8.00".into(), 4 * H, true)
    );
}

#[test]
fn up_rule4_second_net_leaves_spot_with_pending_overhead() {
    // d = 1.5 h > G, W = 2 h, D = 5 h, spot always available; tick 0 forced onto SPOT
    // (the first net would have said OD: ⌈(2 + 3)/1⌉ = 5 ≥ 5).
    // t0 (forced): SPOT, 1 h of overhead, 0.5 h still pending ($1).
    // t1: on SPOT but overhead pending; ⌈(2 + 1.5)/1⌉ = 4 ≥ ⌊4⌋ = 4 → second net: OD,
    //     re-armed to 1.5 h: 1 h paid ($3).
    // t2: on OD, ⌈(2 + 3)/1⌉ = 5 ≥ 3 → first net: OD, 0.5 h overhead + 0.5 h work ($3).
    // t3: OD, 1 h work, 0.5 h left ($3). t4: OD, done at 4.5 h ($3). Total $13.
    let m = market(&[1; 5]);
    let mut p = UpLog::new(vec![S]);
    let (r, _) = run_job_timeline(&m, &spec(2.0, 5.0, 1.5), 0, &mut p).unwrap();
    assert_eq!(
        p.rules,
        [
            UpRule::SafetyNet1dOnDemand,
            UpRule::SafetyNet2d,
            UpRule::SafetyNet2d,
            UpRule::SafetyNet2d
        ]
    );
    assert_eq!(dollars(r.total_cost), "13.00");
    assert_eq!((r.finish_ms, r.restarts), (4 * H + H / 2, 2));
}

/// Always asks for SPOT, guarded by rule 5.
struct AlwaysSpotRule5(Vec<Option<UpRule>>);

impl JobPolicy for AlwaysSpotRule5 {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        let (d, r) = UniformProgress::guard_unavailable_spot(v, S);
        self.0.push(r);
        d
    }
}

#[test]
fn up_rule5_unavailable_spot_idles_or_runs_on_demand_in_the_window() {
    // W = 2 h, D = 4 h, d = 0, no spot at all.
    // t0: ⌈2⌉ = 2 < ⌊4⌋ = 4 → outside the window: NONE. t1: 2 < 3 → NONE.
    // t2: 2 ≥ 2 → inside: OD, 1 h left ($3). t3: OD, done at 4 h ($3). Total $6.
    let m = market(&[0; 4]);
    let mut p = AlwaysSpotRule5(vec![]);
    let r = run_job(&m, &spec(2.0, 4.0, 0.0), 0, &mut p).unwrap();
    use UpRule::{UnavailableIdle as I, UnavailableOnDemand as D};
    assert_eq!(p.0, [Some(I), Some(I), Some(D), Some(D)]);
    assert_eq!(
        (dollars(r.total_cost), r.finish_ms, r.deadline_met),
        ("6.00".into(), 4 * H, true)
    );
    // With spot available the guard changes nothing.
    let mut p = AlwaysSpotRule5(vec![]);
    let r = run_job(&market(&[1; 4]), &spec(2.0, 4.0, 0.0), 0, &mut p).unwrap();
    assert_eq!(p.0, [None, None]);
    assert_eq!(dollars(r.total_cost), "2.00");
}
