//! The multi-region deadline-job model and the SkyNomad family of policies (issue 12):
//! hand-computed rules on tiny traces, properties on random traces, the single-zone
//! reduction to Uniform Progress, and the cross-check against the SkyNomad artifact.
use std::path::PathBuf;

use proptest::prelude::*;
use spotsim::job::{
    BuiltinPolicy, Convention, Decision, EgressTable, JobMarket, JobPolicy, JobSpec, JobTrace,
    JobView, Kind, MarketOptions, MigrationOptions, Optimal, ProgressValue, SafetyNet, SkyNomad,
    SkyNomadOptions, TickRecord, TraceOptions, UniformProgress, ZoneSet, read_spot_trace, run_job,
    run_job_timeline, skynomad, skynomad_oracle, up_a, up_ap, up_s, with_probe_prices,
};
use spotsim::money::{Money, Rate};

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn dollars(m: Money, d: u32) -> String {
    m.to_usd_string(d)
}

/// A zone trace with constant spot price `price`.
fn zone(name: &str, gap: i64, avail: &[u32], price: &str) -> JobTrace {
    JobTrace::new(gap, avail.to_vec())
        .unwrap()
        .with_zone(name)
        .with_prices(vec![usd(price); avail.len()])
        .unwrap()
}

/// A market of `zones` with on-demand `od` and migrations of a `gb` checkpoint.
fn market(zones: &[JobTrace], od: &str, gb: f64, egress: EgressTable, transfer: bool) -> JobMarket {
    let mut o = MigrationOptions::new(gb, egress);
    o.count_transfer_time = transfer;
    JobMarket::new(zones, &MarketOptions::ondemand(usd(od)))
        .unwrap()
        .with_migration(&o)
        .unwrap()
}

/// A policy that plays a script: decision `i` at tick `i` (idle past its end), and
/// probes the zones of `probes[i]`.
struct Script {
    plan: Vec<Decision>,
    probes: Vec<Vec<usize>>,
}

impl JobPolicy for Script {
    fn decide(&mut self, v: &JobView<'_>) -> Decision {
        self.plan.get(v.tick).copied().unwrap_or(Decision::NONE)
    }
    fn probes(&mut self, v: &JobView<'_>) -> ZoneSet {
        let mut s = ZoneSet::EMPTY;
        for &z in self.probes.get(v.tick).map_or(&[][..], |p| &p[..]) {
            s.insert(z);
        }
        s
    }
}

// ---------------------------------------------------------------------------------------
// The model's rules, hand-computed

/// A migration between regions pays the restart overhead plus the checkpoint's
/// additional transfer time, and its egress.
#[test]
fn a_migration_pays_transfer_time_and_egress() {
    // G = 600 s, d = 0.2 h = 720 s, W = 1 h, S = 50 GB; us-east-1 → us-west-2 at $0.02/GB.
    let a = zone("us-east-1a", 600, &[1, 1, 0, 0, 0, 0, 0, 0, 0, 0], "1");
    let b = zone("us-west-2a", 600, &[0, 0, 1, 1, 1, 1, 1, 1, 1, 1], "2");
    let egress = EgressTable::empty().with_pair("us-east-1", "us-west-2", usd("0.02"));
    let spec = JobSpec::from_hours(1.0, 10.0 / 6.0, 0.2).unwrap();
    let script = || Script {
        plan: [vec![Decision::spot(0); 2], vec![Decision::spot(1); 8]].concat(),
        probes: vec![],
    };
    let m = market(&[a.clone(), b.clone()], "3", 50.0, egress.clone(), true);
    let r = run_job(&m, &spec, 0, &mut script()).unwrap();
    // Tick 0: launch in a, 720 s of overhead: no work, 120 s left. Tick 1: 480 s of work
    // (3,120 s left). Tick 2: a is gone; launch in b: 720 s + the transfer of 50 GB,
    // 50·8·1024/8200 − 50·8·1024/9720 = 7.811 s, so 727.811 s of overhead: no work,
    // 127.811 s left. Tick 3: 472.189 s of work (2,647.811 s left); ticks 4–7: 600 s each
    // (247.811 s left); tick 8 finishes at 8·600 + 247.811 s.
    assert_eq!(r.finish_ms, 8 * 600_000 + 247_811);
    assert!(r.deadline_met);
    // Compute: two ticks in a at $1/h (600 s: $1/6 each) + seven in b at $2/h ($1/3 each);
    // egress: 50 GB × $0.02 = $1.
    assert_eq!(dollars(r.compute_cost, 6), "2.666667");
    assert_eq!(dollars(r.egress_cost, 6), "1.000000");
    assert_eq!(dollars(r.total_cost, 6), "3.666667");
    assert_eq!((r.migrations, r.restarts, r.preemptions), (1, 2, 1));
    // Overlapping the transfer (the reference CLI's default): the same ticks, finished
    // 7.811 s earlier (tick 3 does 480 s, and 240 s are left for tick 8).
    let m = market(&[a, b], "3", 50.0, egress, false);
    let r = run_job(&m, &spec, 0, &mut script()).unwrap();
    assert_eq!(r.finish_ms, 8 * 600_000 + 240_000);
    assert_eq!(dollars(r.total_cost, 6), "3.666667");
}

/// Zones of one region: no transfer time and no egress, but still a migration.
#[test]
fn a_migration_within_a_region_is_free_but_counted() {
    let a = zone("us-east-1a", 600, &[1, 0, 0, 0], "1");
    let b = zone("us-east-1c", 600, &[1, 1, 1, 1], "1");
    let m = market(&[a, b], "3", 50.0, EgressTable::empty(), true);
    let spec = JobSpec::from_hours(0.5, 2.0 / 3.0, 0.0).unwrap();
    let mut p = Script {
        plan: vec![Decision::spot(0), Decision::spot(1), Decision::spot(1)],
        probes: vec![],
    };
    let r = run_job(&m, &spec, 0, &mut p).unwrap();
    // d = 0 and no transfer: three full ticks of work, $1/6 each.
    assert_eq!((r.finish_ms, r.migrations), (1_800_000, 1));
    assert_eq!(dollars(r.total_cost, 6), "0.500000");
    assert_eq!(r.egress_cost, Money::ZERO);
}

/// A probe is billed 60 s of spot at that tick's price where spot is available, nothing
/// where it is not, and does no work.
#[test]
fn a_probe_is_billed_sixty_seconds_where_spot_is_available() {
    let a = zone("us-east-1a", 600, &[1, 1, 1], "1");
    let b = zone("us-west-2a", 600, &[1, 0, 1], "1.8");
    let m = market(&[a, b], "3", 0.0, EgressTable::empty(), true);
    let spec = JobSpec::from_hours(0.5, 0.5, 0.0).unwrap();
    let mut p = Script {
        plan: vec![Decision::on_demand(0); 3],
        probes: vec![vec![1]; 3],
    };
    let (r, tl) = run_job_timeline(&m, &spec, 0, &mut p).unwrap();
    // Three on-demand ticks of 600 s at $3/h = $1.50; probes at ticks 0 and 2 (zone b has
    // spot) at 60 s × $1.8/h = $0.03 each; none at tick 1.
    assert_eq!(dollars(r.compute_cost, 6), "1.500000");
    assert_eq!(
        (dollars(r.probe_cost, 6), r.probes),
        ("0.060000".to_string(), 2)
    );
    assert_eq!(dollars(r.total_cost, 6), "1.560000");
    let billed: Vec<&[usize]> = tl
        .iter()
        .map(|t: &TickRecord| &t.probes_billed[..])
        .collect();
    assert_eq!(billed, [&[1][..], &[][..], &[1][..]]);
    assert_eq!(r.finish_ms, 1_800_000, "probes do no work");
}

/// `up-s` fails over eagerly: after a preemption it tries the zones of other regions
/// first, even when a zone of the preempted region is cheaper and has spot.
#[test]
fn eager_failover_skips_the_preempted_region() {
    // G = 1 h, W = 4 h, D = 8 h, d = 0, no checkpoint.
    let a = zone("us-east-1a", 3600, &[1, 1, 0, 0, 0, 0, 0, 0], "1");
    let c = zone("us-east-1c", 3600, &[1; 8], "1.1");
    let w = zone("us-west-2a", 3600, &[1; 8], "1.5");
    let m = market(&[a, c, w], "3", 0.0, EgressTable::empty(), true);
    let spec = JobSpec::from_hours(4.0, 8.0, 0.0).unwrap();
    let (r, tl) = run_job_timeline(&m, &spec, 0, &mut up_s()).unwrap();
    // Ticks 0–1 in us-east-1a ($1 each, the cheapest); preempted at tick 2: us-east-1c
    // ($1.1) is in the preempted region, so us-west-2a ($1.5) for ticks 2–3.
    let ran: Vec<Decision> = tl.iter().map(|t| t.ran).collect();
    assert_eq!(
        ran,
        [
            Decision::spot(0),
            Decision::spot(0),
            Decision::spot(2),
            Decision::spot(2)
        ]
    );
    assert_eq!(dollars(r.total_cost, 2), "5.00");
    assert_eq!((r.preemptions, r.migrations), (1, 1));
}

/// The safety net latches at the boundary tick and replaces a running spot instance by
/// on-demand in its zone (the reference's code; its prose would keep the spot).
#[test]
fn the_safety_net_switches_spot_to_on_demand_at_the_boundary() {
    struct SpotForever;
    impl JobPolicy for SpotForever {
        fn decide(&mut self, _: &JobView<'_>) -> Decision {
            Decision::spot(0)
        }
    }
    // G = 1 h, W = 2.5 h, D = 4 h, d = 0.5 h, spot at $1 throughout, on-demand $3.
    // Tick 0: ⌈ct + d⌉ = 3 h < ⌊D − t⌋ = 4 h: spot is launched (0.5 h of overhead, 0.5 h
    // of work; ct = 2 h). Tick 1: ⌈2 + 0.5⌉ = 3 ≥ 3: the boundary; spot runs with no
    // overhead left, but the net relaunches on-demand in its zone: 0.5 h of overhead
    // again, then 0.5 + 1 + 0.5 h of work, done at 3.5 h ≤ 4 h.
    let t = zone("us-east-1a", 3600, &[1; 4], "1");
    let m = market(&[t], "3", 0.0, EgressTable::empty(), true);
    let spec = JobSpec::from_hours(2.5, 4.0, 0.5).unwrap();
    let mut p = SafetyNet::new(SpotForever);
    let (r, tl) = run_job_timeline(&m, &spec, 0, &mut p).unwrap();
    assert!(p.latched());
    let ran: Vec<Decision> = tl.iter().map(|t| t.ran).collect();
    assert_eq!(
        ran,
        [
            Decision::spot(0),
            Decision::on_demand(0),
            Decision::on_demand(0),
            Decision::on_demand(0)
        ]
    );
    assert_eq!((r.finish_ms, r.deadline_met), (12_600_000, true));
    assert_eq!(dollars(r.total_cost, 2), "10.00");
}

/// With nothing running at the boundary, the net launches on-demand where finishing
/// costs least: `od_price × ct + egress(last zone → zone)`.
#[test]
fn the_safety_net_launches_where_finishing_costs_least() {
    struct Idle;
    impl JobPolicy for Idle {
        fn decide(&mut self, _: &JobView<'_>) -> Decision {
            Decision::NONE
        }
    }
    // W = 2 h, D = 2 h, d = 0, G = 1 h: the boundary is tick 0; nothing ran yet, so no
    // egress: on-demand $3 in us-east-1a vs $2.9 in us-west-2a → us-west-2a ($5.80).
    let a = zone("us-east-1a", 3600, &[1, 1], "1");
    let w = zone("us-west-2a", 3600, &[1, 1], "1");
    let od = [usd("3"), usd("2.9")];
    let traces: Vec<JobTrace> = [a, w]
        .into_iter()
        .zip(od)
        .map(|(mut t, p)| {
            t.ondemand_price = Some(p);
            t
        })
        .collect();
    let m = JobMarket::new(&traces, &MarketOptions::default()).unwrap();
    let r = run_job(
        &m,
        &JobSpec::from_hours(2.0, 2.0, 0.0).unwrap(),
        0,
        &mut SafetyNet::new(Idle),
    )
    .unwrap();
    assert_eq!(dollars(r.total_cost, 2), "5.80");
}

/// `up-a` probes one due zone per probe interval (120 min: every 2 one-hour ticks),
/// `up-ap` every due zone every interval (60 min: every tick); each successful probe is
/// billed 60 s of spot.
#[test]
fn probing_baselines_probe_on_their_intervals() {
    // G = 1 h, W = 4 h, D = 8 h, d = 0; spot everywhere: $1 in us-east-1a, $1.8 in
    // us-west-2a. Both run us-east-1a for ticks 0–3 ($4).
    let a = zone("us-east-1a", 3600, &[1; 8], "1");
    let w = zone("us-west-2a", 3600, &[1; 8], "1.8");
    let m = market(&[a, w], "3", 0.0, EgressTable::empty(), true);
    let spec = JobSpec::from_hours(4.0, 8.0, 0.0).unwrap();
    // up-a: probes of us-west-2a at ticks 0 and 2: 2 × 60 s × $1.8/h = $0.06.
    let r = run_job(&m, &spec, 0, &mut up_a()).unwrap();
    assert_eq!(
        (r.probes, dollars(r.probe_cost, 2)),
        (2, "0.06".to_string())
    );
    assert_eq!(dollars(r.total_cost, 2), "4.06");
    // up-ap: at ticks 0, 1, 2, 3: $0.12.
    let r = run_job(&m, &spec, 0, &mut up_ap()).unwrap();
    assert_eq!(
        (r.probes, dollars(r.probe_cost, 2)),
        (4, "0.12".to_string())
    );
    assert_eq!(dollars(r.total_cost, 2), "4.12");
}

/// `optimal` weighs egress against on-demand: with spot in zone a for two hours, then
/// only in zone b (another region), finishing on-demand in a beats migrating when the
/// egress is dear.
#[test]
fn optimal_weighs_egress_against_on_demand() {
    let a = zone("us-east-1a", 3600, &[1, 1, 0, 0], "1");
    let b = zone("us-west-2a", 3600, &[0, 0, 1, 1], "1");
    let spec = JobSpec::from_hours(3.0, 4.0, 0.0).unwrap();
    // S = 50 GB. At $0.10/GB ($5): a, a, then on-demand in a = 1 + 1 + 3 = $5 < 3 + 5.
    let dear = EgressTable::empty().with_pair("us-east-1", "us-west-2", usd("0.1"));
    let m = market(&[a.clone(), b.clone()], "3", 50.0, dear, false);
    let mut opt = Optimal::new();
    let r = run_job(&m, &spec, 0, &mut opt).unwrap();
    assert_eq!(dollars(opt.planned_cost().unwrap(), 2), "5.00");
    assert_eq!(
        (dollars(r.total_cost, 2), r.migrations),
        ("5.00".to_string(), 0)
    );
    // At $0.01/GB ($0.50): a, a, b = 3 + 0.5 = $3.50.
    let cheap = EgressTable::empty().with_pair("us-east-1", "us-west-2", usd("0.01"));
    let m = market(&[a, b], "3", 50.0, cheap, false);
    let r = run_job(&m, &spec, 0, &mut Optimal::new()).unwrap();
    assert_eq!(
        (dollars(r.total_cost, 2), r.migrations),
        ("3.50".to_string(), 1)
    );
}

// ---------------------------------------------------------------------------------------
// Properties on random traces

/// Every policy that can run here: the SkyNomad family and the built-ins.
fn all_policies() -> Vec<(&'static str, Box<dyn JobPolicy>, bool)> {
    // (name, policy, guarantees the deadline when D ≥ W + d)
    vec![
        ("up-s", Box::new(up_s()), true),
        ("up-a", Box::new(up_a()), true),
        ("up-ap", Box::new(up_ap()), true),
        ("skynomad", Box::new(skynomad()), true),
        ("skynomad-oracle", Box::new(skynomad_oracle()), true),
        (
            "skynomad-v100",
            Box::new(SafetyNet::new(SkyNomad::new(SkyNomadOptions {
                max_prediction_hours: 1e9,
                virtual_availability: true,
                ..SkyNomadOptions::skynomad()
            }))),
            true,
        ),
        (
            "skynomad-oracle-rate-ratio",
            Box::new(SafetyNet::new(SkyNomad::oracle(SkyNomadOptions {
                value: ProgressValue::RateRatio,
                ..SkyNomadOptions::oracle()
            }))),
            true,
        ),
        ("on-demand", Box::new(BuiltinPolicy::OnDemand), true),
        ("greedy", Box::new(BuiltinPolicy::Greedy), true),
        (
            "uniform-progress",
            Box::new(BuiltinPolicy::UniformProgress),
            true,
        ),
        (
            "multi-zone-spot",
            Box::new(BuiltinPolicy::MultiZoneSpot),
            true,
        ),
        ("spot-only", Box::new(BuiltinPolicy::SpotOnly), false),
    ]
}

const NAMES: [&str; 3] = ["us-east-1a", "us-east-1c", "us-west-2a"];

prop_compose! {
    /// 1–3 zones of `ticks` 10-minute ticks: bursty availability, spot prices
    /// $0.30–$2.90 per tick, on-demand $3.06.
    fn random_market(ticks: usize)(
        nz in 1usize..=3,
        seeds in proptest::collection::vec(any::<u64>(), 3),
        egress in 0u32..=20,
    ) -> JobMarket {
        let mut traces = Vec::new();
        for z in 0..nz {
            let mut x = seeds[z] | 1;
            let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
            let mut up = next() % 2 == 0;
            let (mut av, mut pr) = (Vec::new(), Vec::new());
            for _ in 0..ticks {
                if next() % 4 == 0 { up = !up; }
                av.push(u32::from(up));
                pr.push(Rate::from_nano_usd(300_000_000 + (next() % 260) as i64 * 10_000_000));
            }
            traces.push(JobTrace::new(600, av).unwrap().with_zone(NAMES[z]).with_prices(pr).unwrap());
        }
        // Egress $0–$0.20/GB between the two regions (a 50 GB checkpoint: $0–$10); the
        // transfer time overlapped, so that every overhead is a whole number of ticks.
        let table = EgressTable::empty()
            .with_pair("us-east-1", "us-west-2", Rate::from_nano_usd(i64::from(egress) * 10_000_000))
            .with_pair("us-west-2", "us-east-1", Rate::from_nano_usd(i64::from(egress) * 10_000_000));
        let mut o = MigrationOptions::new(50.0, table);
        o.count_transfer_time = false;
        JobMarket::new(&traces, &MarketOptions::ondemand(usd("3.06"))).unwrap().with_migration(&o).unwrap()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With overheads of whole ticks (d ∈ {0, 1, 2} ticks, transfer overlapped) the
    /// planning model of `optimal` is the exact model: it costs no more than any policy
    /// that finishes, and whenever it finishes, so does every policy that promises to.
    #[test]
    fn optimal_bounds_every_policy_and_the_deadline_is_kept(
        m in random_market(40),
        deadline_ticks in 6usize..=36,
        d_ticks in 0i64..=2,
        work_frac in 0.05f64..=1.0,
    ) {
        let g = 600_000i64;
        let deadline_ms = deadline_ticks as i64 * g;
        let d_ms = d_ticks * g;
        let max_work = deadline_ms - d_ms;
        prop_assume!(max_work >= 1000);
        // Whole seconds (a remainder of 1 ms would count as done, see tick.rs).
        let work_ms = (((max_work as f64 * work_frac) as i64) / 1000).max(1) * 1000;
        let spec = JobSpec::new(work_ms, deadline_ms, d_ms).unwrap();
        let mut opt = Optimal::new();
        let best = run_job(&m, &spec, 0, &mut opt).unwrap();
        prop_assert!(best.deadline_met);
        prop_assert_eq!(Some(best.total_cost), opt.planned_cost(), "the exact model follows the plan");
        for (name, mut p, promise) in all_policies() {
            let r = run_job(&m, &spec, 0, &mut p).unwrap();
            if promise {
                prop_assert!(r.deadline_met, "{} missed the deadline", name);
            }
            if r.deadline_met {
                prop_assert!(
                    best.total_cost <= r.total_cost,
                    "{}: optimal {} > {}", name, best.total_cost, r.total_cost
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// One zone: the UP variants against uniform-progress

/// In one zone, `up-s`, `up-a` and `up-ap` run the Uniform Progress rules of the
/// reference's multi-region code, which differ from deadline-jobs.md's (`uniform-progress`)
/// in four places. They make the same decisions until one of these holds at a tick,
/// checked here at the first tick where they differ:
///
/// * (a) the 2d safety net at equality, `⌈(ct + 2d)/G⌉·G = ⌊(R − t)/G⌋·G`, on idle or
///   on-demand: uniform-progress's `≥` fires, the reference's `>` does not;
/// * (b) on-demand running, no spot, `(t + 2d)·c0/R < c0 − ct`: uniform-progress keeps
///   on-demand; the multi-region rule assumes spot somewhere, leaves on-demand, finds
///   none, and idles (`up-s`, `up-a`, hysteresis exit) or relaunches on-demand (`up-ap`);
/// * (c) the `ct + d` boundary: the environment's net switches a running spot instance
///   to on-demand, where uniform-progress keeps it;
/// * (d) on-demand running inside the 2d window with `(t + 2d)·c0/R < c0 − ct`: the
///   reference's hysteresis exit leaves on-demand for spot, uniform-progress stays.
///
/// Each policy must agree with uniform-progress on a fifth of the windows at least (so
/// the check is not vacuous; (c) alone changes most windows that reach the boundary on
/// spot), and the first difference of every other window must be one of (a)–(d).
#[test]
fn one_zone_up_variants_equal_uniform_progress_up_to_the_reference_rules() {
    let g = 600_000i64;
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut same = [0usize; 3];
    let mut explained = [[0usize; 4]; 3];
    let windows = 300;
    for _ in 0..windows {
        let mut up = true;
        let av: Vec<u32> = (0..80)
            .map(|_| {
                if next() % 5 == 0 {
                    up = !up;
                }
                u32::from(up)
            })
            .collect();
        let t = zone("us-east-1a", 600, &av, "0.9");
        let m = market(&[t], "3.06", 0.0, EgressTable::empty(), true);
        let deadline_ticks = 20 + (next() % 50) as i64;
        let d = (next() % 3) as i64 * 300_000;
        let max_work = deadline_ticks * g - d;
        let work = (max_work * (30 + (next() % 70) as i64) / 100 / 1000).max(1) * 1000;
        let spec = JobSpec::new(work, deadline_ticks * g, d).unwrap();
        let (_, base) = run_job_timeline(&m, &spec, 0, &mut UniformProgress).unwrap();
        let variants: [Box<dyn JobPolicy>; 3] =
            [Box::new(up_s()), Box::new(up_a()), Box::new(up_ap())];
        for (i, mut p) in variants.into_iter().enumerate() {
            let (_, tl) = run_job_timeline(&m, &spec, 0, &mut p).unwrap();
            let Some(k) = (0..base.len().min(tl.len())).find(|&k| base[k].ran != tl[k].ran) else {
                if base.len() == tl.len() {
                    same[i] += 1;
                    continue;
                }
                panic!("same decisions but different lengths");
            };
            // The state at the start of tick k (the same in both runs up to here).
            let (ct, pending) = if k == 0 {
                (work, 0)
            } else {
                (
                    base[k - 1].remaining_work_ms,
                    base[k - 1].pending_overhead_ms,
                )
            };
            let t_ms = k as i64 * g;
            let cur = base[k].current.kind;
            let avail = base[k].spot_available[0];
            let ceil = |ms: i64| (ms + g - 1).div_euclid(g) * g;
            let left = (spec.deadline_ms - t_ms).div_euclid(g) * g;
            let hyst = i128::from(t_ms + 2 * d) * i128::from(work)
                >= i128::from(work - ct) * i128::from(spec.deadline_ms);
            let rule = if ceil(ct + 2 * d) == left && matches!(cur, Kind::None | Kind::OnDemand) {
                0
            } else if cur == Kind::OnDemand && !avail && !hyst {
                1
            } else if ceil(ct + d) >= left {
                2
            } else if cur == Kind::OnDemand && ceil(ct + 2 * d) >= left && !hyst {
                3
            } else {
                panic!(
                    "policy {i}: unexplained difference at tick {k}: uniform-progress ran {:?}, \
                     the variant {:?} (ct {ct}, pending {pending}, current {cur:?}, spot {avail})",
                    base[k].ran, tl[k].ran
                );
            };
            explained[i][rule] += 1;
        }
    }
    println!("agree {same:?}; first differences by rule (a)-(d): {explained:?}");
    for i in 0..3 {
        assert!(
            same[i] * 5 > windows,
            "policy {i}: only {} of {windows} windows agree",
            same[i]
        );
        assert_eq!(same[i] + explained[i].iter().sum::<usize>(), windows);
    }
    // (a) and (b) come first on these traces (29 and 176 of 300 windows for each
    // policy); (c) is shown on its own by
    // `the_safety_net_switches_spot_to_on_demand_at_the_boundary`.
    for r in 0..2 {
        assert!(
            (0..3).all(|i| explained[i][r] > 0),
            "rule {r} never seen: {explained:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Against the reference

/// The data root once the files a test reads are there (`crate::data::require`: skips
/// only when the whole folder is absent outside CI, fails naming missing files).
fn data(needs: &[&str]) -> Option<PathBuf> {
    crate::data::require(needs)
}

/// The 2023 V100 three-region market of the SkyNomad artifact's Figure 9(b).
fn v100_market(d: &std::path::Path, transfer: bool) -> JobMarket {
    let dir = d.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let prices =
        std::fs::read(d.join("availability/aws-v100-2023-02-15/v100_spot_prices.json")).unwrap();
    let traces: Vec<JobTrace> = ["us-east-1c", "us-east-2b", "us-west-2a"]
        .iter()
        .map(|z| {
            let t = read_spot_trace(
                &dir.join(format!("{z}_v100_1.json")),
                &TraceOptions::new(Convention::Available),
            )
            .unwrap();
            with_probe_prices(t, "v100_spot_prices.json", &prices).unwrap()
        })
        .collect();
    let egress = EgressTable::read(&d.join("pricing/aws_egress_pricing.csv")).unwrap();
    market(&traces, "3.06", 50.0, egress, transfer)
}

/// What the reference bills differently from spotsim: a successful probe in the zone of
/// the running instance. spotsim bills it 60 s of spot like any probe; the reference's
/// `MultiTraceEnv._finalize_tick_costs` lets the probe replace the instance's entry, so
/// its total has no probe on on-demand and only the probe's 60 s (not the whole tick) on
/// spot. Returns spotsim's cost minus the reference's over a timeline.
fn probe_in_running_zone(m: &JobMarket, start: usize, tl: &[TickRecord]) -> Money {
    let mut d = Money::ZERO;
    for t in tl {
        if t.ran.kind != Kind::None && t.probes_billed.contains(&t.ran.zone) {
            let p = m.spot_price(t.ran.zone, start + t.tick).unwrap();
            d += if t.ran.kind == Kind::Spot {
                p.for_seconds(m.gap_secs())
            } else {
                p.for_seconds(60)
            };
        }
    }
    d
}

/// spotsim against the SkyNomad artifact, window by window, policy by policy, on its
/// Figure 9(b) scenario: the 2023 V100 traces of us-east-1c, us-east-2b, us-west-2a
/// (G = 195 s, per-tick spot prices), W = 59.90833333333333/1.5 h, D = 59.90833333333333 h,
/// d = 0.2 h, 50 GB, on-demand $3.06, windows 3, 5, 7, 8 and 14 of the sequential tiling
/// (start tick 1,106·w), `skynomad` with `--max-prediction-hours 1e9
/// --virtual-availability`, `skynomad-oracle` with `--oracle-v rate_ratio` (the
/// artifact's `--config v100`).
///
/// The expected costs are the reference's: andylizf/skynomad-artifact @ 62b9aaa, produced
/// by `python3 tests/reference/skynomad_crosscheck.py <clone> [--overlap] --v100-config`
/// (this repository; it runs the artifact's `simulation_runner.run_single_simulation`
/// with `dump_history=True`, i.e. the tick that completes the job billed; the artifact's
/// published `research/data/v100.csv` uses `dump_history=False` and so omits that tick,
/// e.g. $42.994317 for skynomad in window 3 = $43.044042 − 195 s × $0.918/h).
///
/// With the transfer time overlapped and counted alike, 28 of the 30 agree to the cent as
/// they are; the other two (skynomad in windows 5 and 14) differ by a probe in the zone of
/// the running instance, which the reference bills differently
/// ([`probe_in_running_zone`]), and agree to the cent once that is taken out.
fn v100_windows(transfer: bool, expected: &[(usize, [&str; 6])]) {
    let Some(d) = data(&[
        "availability/spot-traces/availability/1-node/aws-02-15-2023",
        crate::data::V100_PRICES,
    ]) else {
        return;
    };
    let m = v100_market(&d, transfer);
    let spec = JobSpec::from_hours(59.90833333333333 / 1.5, 59.90833333333333, 0.2).unwrap();
    let mut adjusted = Vec::new();
    for &(w, costs) in expected {
        let start = w * 1106;
        for (i, want) in costs.iter().enumerate() {
            let mut p: Box<dyn JobPolicy> = match i {
                0 => Box::new(up_s()),
                1 => Box::new(up_a()),
                2 => Box::new(up_ap()),
                3 => Box::new(Optimal::new()),
                4 => Box::new(SafetyNet::new(SkyNomad::new(SkyNomadOptions {
                    max_prediction_hours: 1e9,
                    virtual_availability: true,
                    ..SkyNomadOptions::skynomad()
                }))),
                _ => Box::new(SafetyNet::new(SkyNomad::oracle(SkyNomadOptions {
                    value: ProgressValue::RateRatio,
                    ..SkyNomadOptions::oracle()
                }))),
            };
            let (r, tl) = run_job_timeline(&m, &spec, start, &mut p).unwrap();
            assert!(r.deadline_met, "window {w}, policy {i}");
            let quirk = probe_in_running_zone(&m, start, &tl);
            if quirk != Money::ZERO {
                adjusted.push((w, i));
            }
            let want_cents = (want.parse::<f64>().unwrap() * 100.0).round() / 100.0;
            assert_eq!(
                dollars(r.total_cost - quirk, 2),
                format!("{want_cents:.2}"),
                "window {w}, policy {i}: spotsim {} (probe difference {quirk}), reference {want}",
                r.total_cost
            );
        }
    }
    assert_eq!(adjusted, [(5, 4), (14, 4)]);
}

/// Transfer time overlapped (the reference CLI's default, with which its sweeps ran):
/// `skynomad_crosscheck.py <clone> --overlap --v100-config`.
#[test]
fn v100_windows_match_the_reference_to_the_cent() {
    // (window, [up-s, up-a, up-ap, optimal, skynomad, skynomad-oracle]).
    #[rustfmt::skip]
    let expected = [
        (3, ["44.579190", "44.766285", "49.727852", "37.791000", "43.044042", "42.175670"]),
        (5, ["58.160748", "58.253500", "64.913992", "37.592100", "45.244466", "45.884950"]),
        (7, ["38.045125", "42.010585", "43.852757", "37.045125", "37.096517", "37.045125"]),
        (8, ["49.667023", "56.058645", "50.530141", "37.244025", "40.542072", "42.337975"]),
        (14, ["44.889631", "44.627438", "46.236480", "37.442925", "42.981743", "42.757690"]),
    ];
    v100_windows(false, &expected);
}

/// Transfer time counted (the progress model's, spotsim's default):
/// `skynomad_crosscheck.py <clone> --v100-config`.
#[test]
fn v100_windows_with_transfer_time_match_the_reference_to_the_cent() {
    #[rustfmt::skip]
    let expected = [
        (3, ["44.579190", "44.766285", "49.727852", "37.791000", "43.044042", "42.225395"]),
        (5, ["58.160748", "58.253500", "64.963717", "37.592100", "45.244466", "45.884950"]),
        (7, ["38.045125", "42.010585", "43.852757", "37.045125", "37.096517", "37.045125"]),
        (8, ["49.716748", "56.058645", "50.579866", "37.244025", "40.542072", "42.337975"]),
        (14, ["44.889631", "44.627438", "46.236480", "37.442925", "42.981743", "42.757690"]),
    ];
    v100_windows(true, &expected);
}
