//! Demand shapes: the AWS Pricing Calculator's workload patterns.

use super::*;

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
