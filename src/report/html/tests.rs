//! Page-level tests of the HTML renderer (the browser checks are in `tests/it/html.rs`).

use super::*;
use crate::report::{Warning, codes};
use crate::synth::{SynthParams, synthetic_market};
use crate::time::SimTime;

#[test]
fn dense_prices_are_downsampled_to_the_plot_width() {
    // 50 pools, a year, a price change every hour on average: ~438,000 change points.
    let params = SynthParams {
        types: 5,
        zones: 10,
        days: 365,
        mean_secs_between_price_changes: 3_600,
        ..SynthParams::default()
    };
    let market = synthetic_market(&params, 3);
    assert!(
        market.change_points() > 400_000,
        "{}",
        market.change_points()
    );
    let chart = spot_price_chart(&market, &[]);
    let Chart::Time(t) = &chart else {
        panic!("a time chart")
    };
    assert_eq!(
        t.series
            .iter()
            .filter(|s| s.stroke == Stroke::Solid)
            .count(),
        6
    );
    let svg = chart_svg(&chart, "c");
    // Each of the 6 lines keeps at most ~4 vertices per pixel column (≈ 2,500), each
    // about 9 bytes; drawn exactly, a line would have ~17,500 vertices.
    let points: usize = svg
        .split("points=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or("").split_whitespace().count())
        .max()
        .unwrap_or(0);
    assert!(
        points <= 4 * plot::PLOT_PX + 8,
        "{points} vertices in one line"
    );
    assert!(svg.len() < 400_000, "{} bytes", svg.len());
}

#[test]
fn text_from_reports_is_escaped() {
    let mut p = Page::new("t <1>", "s & s");
    p.warnings([(
        Some("a<b"),
        &Warning::new(codes::LOW_AVAILABILITY, "x < y & \"z\""),
    )]);
    let html = p.finish();
    assert!(html.contains("<title>t &lt;1&gt;</title>"));
    assert!(html.contains("[a&lt;b] <code>low_availability</code>: x &lt; y &amp; &quot;z&quot;"));
    assert!(!html.contains("x < y"));
}

#[test]
fn a_timeline_chart_counts_its_instants() {
    let mut c = TimeChart::new(
        "Events",
        "One tick per event.",
        "kind",
        (SimTime(0), SimTime(86_400)),
    );
    c.marks.push(Marks {
        name: "interruptions".into(),
        times: (0..1_500).map(|i| SimTime(i * 50)).collect(),
        total: None,
    });
    let svg = chart_svg(&Chart::Time(c), "e");
    assert!(svg.contains("interruptions (1,500)"));
    // At most one tick per pixel column.
    assert!(svg.matches("<polyline").count() <= plot::PLOT_PX + 10);
}

#[test]
fn the_tasks_chart_shades_the_shortfall_by_hand() {
    // Desired 4 then 8 from 1 h; running 4, then 7 from 3,700 s: short by 4 tasks over
    // [3600, 3700), by 1 after.
    let desired = vec![(SimTime(0), 4.0), (SimTime(3_600), 8.0)];
    let running = vec![(
        "ec2-spot".to_string(),
        vec![(SimTime(0), 4.0), (SimTime(3_700), 7.0)],
    )];
    let Chart::Time(c) = tasks_chart((SimTime(0), SimTime(7_200)), &desired, &running) else {
        panic!("a time chart")
    };
    assert_eq!(c.bands.len(), 1);
    assert_eq!(
        c.bands[0].upper,
        vec![
            (SimTime(0), 4.0),
            (SimTime(3_600), 8.0),
            (SimTime(3_700), 8.0)
        ]
    );
    assert_eq!(
        c.bands[0].lower,
        vec![(SimTime(0), 4.0), (SimTime(3_700), 7.0)]
    );
    // Never short: no band.
    let full = vec![("fargate".to_string(), desired.clone())];
    let Chart::Time(c) = tasks_chart((SimTime(0), SimTime(7_200)), &desired, &full) else {
        panic!("a time chart")
    };
    assert!(c.bands.is_empty());
    assert_eq!(c.series.last().map(|s| s.name.as_str()), Some("desired"));
}

#[test]
fn the_compare_page_charts_running_tasks_when_given() {
    let s = crate::compare::CompareScenario::from_toml_str(
        "[[service]]\nname = \"api\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 4 }\n",
        "c.toml",
    )
    .expect("scenario");
    let report = s.prepare().expect("prepare").run().expect("run");
    let without = ComparePage::new(&report).render();
    assert!(!without.contains("Desired vs running tasks"));
    let with = ComparePage::new(&report)
        .running_tasks("fargate", vec![(report.start, 3.0)])
        .render();
    assert!(with.contains("<title id=\"chart"));
    assert!(with.contains("Desired vs running tasks"));
    assert!(with.contains("fargate: short of desired"));
}
