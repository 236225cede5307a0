//! The aggregator: periods, statistics, exact sums.

use super::*;

#[test]
fn gauge_statistics_are_honest_at_the_horizon_edges() {
    // Horizon [250, 1000), periods of 300 s aligned to the epoch: [0,300) holds 50 s of
    // the horizon, [300,600) and [600,900) 300 s, [900,1200) 100 s.
    let mut a = Aggregator::new(300, SimTime(250), SimTime(1000), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    a.set(g, Metric::RunningCapacity, SimTime(250), 4);
    a.advance(SimTime(400));
    a.set(g, Metric::RunningCapacity, SimTime(400), 1); // 4 for 100 s, 1 for 200 s
    a.advance(SimTime(950));
    a.set(g, Metric::RunningCapacity, SimTime(950), 0); // 1 for 50 s, 0 for 50 s
    let s = a.finish().unwrap();
    let x = s.total(Metric::RunningCapacity).unwrap();
    let got: Vec<(i64, u64, i128, f64, f64, f64)> = x
        .iter()
        .map(|p| {
            (
                p.timestamp.secs(),
                p.stats.sample_count,
                p.exact_sum,
                p.stats.average,
                p.stats.minimum,
                p.stats.maximum,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, 50, 200, 4.0, 4.0, 4.0),
            (300, 300, 4 * 100 + 200, 2.0, 1.0, 4.0),
            (600, 300, 300, 1.0, 1.0, 1.0),
            (900, 100, 50, 0.5, 0.0, 1.0),
        ]
    );
}

#[test]
fn a_value_held_for_no_time_is_not_a_minimum() {
    let mut a = Aggregator::new(60, SimTime(0), SimTime(60), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    a.set(g, Metric::PendingCapacity, SimTime(0), 3);
    a.set(g, Metric::PendingCapacity, SimTime(10), 0);
    a.set(g, Metric::PendingCapacity, SimTime(10), 5); // 0 held for 0 s
    let s = a.finish().unwrap();
    let p = s.total(Metric::PendingCapacity).unwrap()[0];
    assert_eq!((p.stats.minimum, p.stats.maximum), (3.0, 5.0));
    assert_eq!(p.exact_sum, 3 * 10 + 5 * 50);
}

#[test]
fn cost_periods_add_up_to_the_rounded_total() {
    // Three periods each charged 0.4 µ$ (in exact money): rounding each alone gives
    // 0 + 0 + 0 = 0 µ$, but the total 1.2 µ$ rounds to 1 µ$; carried with the running
    // total the periods give 0, 1, 0.
    let tenth_micro = Money::from_units(Money::UNITS_PER_USD / 10_000_000);
    let mut a = Aggregator::new(10, SimTime(0), SimTime(30), SeriesStore::default()).unwrap();
    let g = a.add_group(total(), true);
    for t in [0, 10, 20] {
        a.advance(SimTime(t));
        for _ in 0..4 {
            a.charge(g, tenth_micro);
        }
    }
    let s = a.finish().unwrap();
    let v: Vec<i128> = s
        .total(Metric::Cost)
        .unwrap()
        .iter()
        .map(|p| p.exact_sum)
        .collect();
    assert_eq!(v, vec![0, 1, 0]);
}

#[test]
fn sparse_dimension_sets_are_written_only_while_active() {
    let mut a = Aggregator::new(10, SimTime(0), SimTime(50), SeriesStore::default()).unwrap();
    let pool = a.add_group(
        Dims {
            by: Dimension::Pool,
            pairs: vec![("InstanceType", "m5.large".into())],
        },
        true,
    );
    a.set(pool, Metric::RunningCapacity, SimTime(0), 2);
    a.advance(SimTime(15));
    a.set(pool, Metric::RunningCapacity, SimTime(15), 0);
    a.advance(SimTime(40));
    a.count(pool, Metric::Launches, 1);
    let s = a.finish().unwrap();
    let dims = a_dims();
    let run: Vec<i64> = s
        .get(&dims, Metric::RunningCapacity)
        .unwrap()
        .iter()
        .map(|p| p.timestamp.secs())
        .collect();
    // Periods 0 and 10 held capacity; 20 and 30 nothing (not written); 40 a launch.
    assert_eq!(run, vec![0, 10, 40]);
    fn a_dims() -> Dims {
        Dims {
            by: Dimension::Pool,
            pairs: vec![("InstanceType", "m5.large".into())],
        }
    }
}
