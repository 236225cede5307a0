//! CloudWatch alarm semantics on hand-made series.

use super::*;

fn states(rule: &str, series: &[Option<f64>]) -> Vec<(i64, AlarmState)> {
    let mut a = Alarm::new(rule.parse::<AlarmSpec>().unwrap());
    for (i, v) in series.iter().enumerate() {
        a.observe(SimTime(i as i64 + 1), *v);
    }
    a.changes().iter().map(|c| (c.at.secs(), c.to)).collect()
}

#[test]
fn m_of_n_alarms_on_hand_made_series() {
    use AlarmState::*;
    // 2 of 3 above 5: windows (missing before the start) … [_,_,1] OK? present 1 < M=2,
    // treatment missing → state kept (INSUFFICIENT_DATA); [_,1,9]: 2 present, 1 breach
    // → OK; [1,9,9] → ALARM; [9,9,1] → ALARM; [9,1,1] → OK; [1,1,9] → OK.
    let s = [1.0, 9.0, 9.0, 1.0, 1.0, 9.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Maximum > 5 for 2 of 3 periods", &s),
        vec![(2, Ok), (3, Alarm), (5, Ok)]
    );
    // 3 of 3 (all): one dip resets it.
    let s = [9.0, 9.0, 9.0, 1.0, 9.0, 9.0, 9.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Maximum >= 9 for 3 of 3 periods", &s),
        vec![(3, Alarm), (4, Ok), (7, Alarm)]
    );
    // <= and < compare the other way.
    let s = [5.0, 4.0].map(Some);
    assert_eq!(
        states("a: RunningCapacity Average < 5 for 1 of 1 periods", &s),
        vec![(1, Ok), (2, Alarm)]
    );
}

#[test]
fn missing_data_treatments() {
    use AlarmState::*;
    let s = [Some(9.0), None, None, Some(1.0), Some(1.0)];
    // 2 of 2 above 5. Windows: [_,9] [9,_] [_,_] [_,1] [1,1].
    // breaching: missing count as breaching: [_,9] → 2 ≥ 2 ALARM; [9,_] ALARM; [_,_]
    // ALARM; [_,1] → 1 breach → OK; [1,1] present 2 ≥ M → 0 → OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing breaching",
            &s
        ),
        vec![(1, Alarm), (4, Ok)]
    );
    // notBreaching: every window with < 2 present is OK; [1,1] OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing notBreaching",
            &s
        ),
        vec![(1, Ok)]
    );
    // ignore: state kept while fewer than M present: INSUFFICIENT_DATA until [1,1] → OK.
    assert_eq!(
        states(
            "a: UnmetCapacity Maximum > 5 for 2 of 2 periods missing ignore",
            &s
        ),
        vec![(5, Ok)]
    );
    // missing (default): all missing → INSUFFICIENT_DATA, otherwise kept.
    let s = [Some(9.0), Some(9.0), None, None, Some(1.0)];
    // [_,9] kept(INSUFFICIENT); [9,9] ALARM; [9,_] kept; [_,_] INSUFFICIENT; [_,1] kept.
    assert_eq!(
        states("a: UnmetCapacity Maximum > 5 for 2 of 2 periods", &s),
        vec![(2, Alarm), (4, InsufficientData)]
    );
}

#[test]
fn alarm_rules_parse_or_say_why() {
    for (rule, needle) in [
        ("UnmetCapacity Maximum > 0 for 1 of 1 periods", "NAME:"),
        ("a: Unmet Maximum > 0 for 1 of 1 periods", "unknown metric"),
        (
            "a: UnmetCapacity Maximum ~ 0 for 1 of 1 periods",
            "comparison",
        ),
        (
            "a: UnmetCapacity Maximum > x for 1 of 1 periods",
            "threshold",
        ),
        (
            "a: UnmetCapacity Maximum > 0 for 3 of 2 periods",
            "above evaluation periods",
        ),
        (
            "a: UnmetCapacity Maximum > 0 for 1 of 1 periods missing sometimes",
            "missing-data",
        ),
    ] {
        let e = rule.parse::<AlarmSpec>().unwrap_err();
        assert_eq!(e.option, "alarm");
        assert!(e.message.contains(needle), "{rule}: {e}");
    }
    let a: AlarmSpec = "a: Cost Sum >= 1.5 for 2 of 4 periods missing notBreaching"
        .parse()
        .unwrap();
    assert_eq!(a.to_string().parse::<AlarmSpec>().unwrap(), a);
}
