//! The `compare` page: every option side by side — the summary table, cost per option
//! split into compute, control plane and waste, cost per task-hour, interruptions and
//! unmet task-hours, the desired task count over time, assumptions and provenance.
//!
//! Charts from other sources (running tasks over time, recorded during the run) are
//! added with [`ComparePage::chart`] and appear after the desired count.

use super::chart::{Band, BarChart, Chart, Segment, Series, TimeChart, ValueFormat};
use super::page::{Page, escape};
use super::table::table;
use crate::compare::CompareReport;
use crate::report::human::{count, group, usd};
use crate::time::SimTime;

/// The HTML page of a `compare`.
///
/// ```
/// use spotsim::compare::CompareScenario;
/// use spotsim::report::html::ComparePage;
/// let s = CompareScenario::from_toml_str("[[service]]\nname = \"api\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 4 }\n", "c.toml")?;
/// let report = s.prepare()?.run()?;
/// let html = ComparePage::new(&report).render();
/// assert!(html.contains("Cost per option"));
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Debug)]
pub struct ComparePage<'a> {
    report: &'a CompareReport,
    charts: Vec<Chart>,
    running: Vec<(String, Vec<(SimTime, f64)>)>,
}

impl<'a> ComparePage<'a> {
    /// The page of `report`.
    pub fn new(report: &'a CompareReport) -> ComparePage<'a> {
        ComparePage {
            report,
            charts: Vec::new(),
            running: Vec::new(),
        }
    }

    /// Adds an option's running task count over time (a step function in time order,
    /// e.g. telemetry's `RunningTaskCount`); the page then charts desired against
    /// running tasks ([`tasks_chart`]).
    pub fn running_tasks(mut self, option: &str, points: Vec<(SimTime, f64)>) -> ComparePage<'a> {
        self.running.push((option.to_string(), points));
        self
    }

    /// Adds a chart (e.g. from telemetry recorded during the run).
    pub fn chart(mut self, chart: Chart) -> ComparePage<'a> {
        self.charts.push(chart);
        self
    }

    /// The HTML document.
    pub fn render(&self) -> String {
        let r = self.report;
        let names: Vec<&str> = r.options.iter().map(|o| o.option.as_str()).collect();
        let mut page = Page::new(
            &format!("spotsim compare: {}", names.join(", ")),
            &r.headline(),
        );
        let mut facts: Vec<(&str, String)> = r
            .options
            .iter()
            .map(|o| (o.option.as_str(), usd(o.total_cost_usd)))
            .collect();
        facts.push(("task-hours demanded", group(r.task_hours, 1)));
        page.facts(&facts);
        page.warnings(r.warnings.iter().map(|w| (None, w)));
        let rows: Vec<Vec<String>> = r.rows().into_iter().map(|a| a.to_vec()).collect();
        page.section(
            "Summary",
            &format!(
                "{}<p class=\"note\">{}.</p>",
                table(&CompareReport::HEAD, 1, &rows),
                escape(CompareReport::LEGEND)
            ),
        );
        let mut charts = option_charts(r);
        charts.extend(desired_chart(r));
        if !self.running.is_empty()
            && let Some(desired) = desired_total(r)
        {
            charts.push(tasks_chart((r.start, r.end), &desired, &self.running));
        }
        charts.extend(self.charts.iter().cloned());
        page.charts("Charts", &charts);
        let services: Vec<Vec<String>> = r
            .services
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.desired.to_string(),
                    group(f64::from(s.task_vcpu_millis) / 1000.0, 3),
                    count(u64::from(s.task_memory_mib)),
                    count(u64::from(s.ephemeral_gib)),
                ]
            })
            .collect();
        let mut nodes = String::new();
        for o in r.options.iter().filter(|o| !o.node_types.is_empty()) {
            nodes.push_str(&format!(
                "<li><b>{}</b>: {}</li>",
                escape(&o.option),
                escape(&o.node_types.join(", "))
            ));
        }
        for o in r
            .options
            .iter()
            .filter(|o| !o.fargate_sizes.is_empty())
            .take(1)
        {
            nodes.push_str(&format!(
                "<li><b>Fargate sizes</b>: {}</li>",
                escape(&o.fargate_sizes.join("; "))
            ));
        }
        page.section(
            "Services",
            &format!(
                "{}<ul>{nodes}</ul>",
                table(
                    &[
                        "service",
                        "desired tasks",
                        "vCPU per task",
                        "MiB per task",
                        "ephemeral GiB"
                    ],
                    2,
                    &services
                )
            ),
        );
        page.assumptions(r.provenance.assumptions.iter().map(|a| (None, a.as_str())));
        let p = &r.provenance;
        page.provenance(
            &p.inputs,
            &[
                ("spotsim", p.spotsim_version.clone()),
                ("horizon", format!("{} → {}", r.start, r.end)),
                ("Fargate rates", format!("{} ({})", r.region, r.platform)),
                ("EC2 spot prices", r.spot_prices.clone()),
                ("EC2 pools", count(p.pools as u64)),
                ("EC2 spot strategy", p.ec2_strategy.clone()),
                ("seed", p.seed.to_string()),
            ],
        );
        page.finish()
    }
}

fn option_charts(r: &CompareReport) -> Vec<Chart> {
    let cats: Vec<String> = r.options.iter().map(|o| o.option.clone()).collect();
    let splits: Vec<_> = r.options.iter().map(|o| o.cost_split_micro_usd()).collect();
    let usd = |m: i64| Some(m as f64 / 1e6);
    vec![
        Chart::Bars(BarChart {
            title: "Cost per option".into(),
            caption: "Each bar is an option's total cost over the horizon, split into compute doing the work, the EKS control-plane fee, and waste (Fargate size rounding, or the idle share of EC2 instances). Shorter is cheaper.".into(),
            unit: "USD over the horizon".into(),
            categories: cats.clone(),
            segments: vec![
                Segment { name: "compute".into(), values: splits.iter().map(|s| usd(s.compute)).collect() },
                Segment { name: "control plane".into(), values: splits.iter().map(|s| usd(s.control_plane)).collect() },
                Segment { name: "waste".into(), values: splits.iter().map(|s| usd(s.waste)).collect() },
            ],
            label: ValueFormat::Usd,
        }),
        Chart::Bars(BarChart {
            title: "Cost per task-hour".into(),
            caption: "Each bar is an option's total cost divided by the task-hours demanded: the price of running one task for an hour on that option, all overheads included.".into(),
            unit: "USD per demanded task-hour".into(),
            categories: cats.clone(),
            segments: vec![Segment { name: String::new(), values: r.options.iter().map(|o| Some(o.cost_per_task_hour_usd)).collect() }],
            label: ValueFormat::UsdFine,
        }),
        Chart::Bars(BarChart {
            title: "Interruptions per option".into(),
            caption: "Each bar counts interruptions over the horizon (Fargate: tasks; EC2: instances); on-demand options have none.".into(),
            unit: "interruptions".into(),
            categories: cats.clone(),
            segments: vec![Segment { name: String::new(), values: r.options.iter().map(|o| Some(o.interruptions as f64)).collect() }],
            label: ValueFormat::Count,
        }),
        Chart::Bars(BarChart {
            title: "Unmet task-hours per option".into(),
            caption: "Each bar is the demanded task-hours that did not run (tasks waiting for a replacement or for capacity); 0 means every task ran all the time.".into(),
            unit: "unmet task-hours".into(),
            categories: cats,
            segments: vec![Segment { name: String::new(), values: r.options.iter().map(|o| Some(o.unmet_task_hours)).collect() }],
            label: ValueFormat::Decimal1,
        }),
    ]
}

/// The desired task count of each service over the horizon, stacked; `None` when a
/// service's demand cannot be materialised (a CSV schedule no longer readable).
fn desired_chart(r: &CompareReport) -> Option<Chart> {
    let mut chart = TimeChart::new(
        "Desired tasks over time",
        "The number of tasks each service asks for, stacked by service: the demand every option has to serve.",
        "tasks",
        (r.start, r.end),
    );
    for (k, s) in r.services.iter().enumerate() {
        let tr = s.desired.trace(r.start, r.end).ok()?;
        let pts = tr
            .times()
            .iter()
            .zip(tr.values())
            .map(|(&t, &v)| (SimTime(t), f64::from(v)))
            .collect();
        chart.areas.push(Series::step(s.name.clone(), pts).color(k));
    }
    (!chart.areas.is_empty()).then_some(Chart::Time(chart))
}

/// The desired task count of all services together, a step function over the horizon;
/// `None` when a service's demand cannot be materialised.
fn desired_total(r: &CompareReport) -> Option<Vec<(SimTime, f64)>> {
    let mut traces = Vec::new();
    for s in &r.services {
        let tr = s.desired.trace(r.start, r.end).ok()?;
        let pts: Vec<(i64, f64)> = tr
            .times()
            .iter()
            .zip(tr.values())
            .map(|(&t, &v)| (t, f64::from(v)))
            .collect();
        traces.push(pts);
    }
    Some(
        super::plot::stack(&traces)
            .pop()
            .unwrap_or_default()
            .into_iter()
            .map(|(t, v)| (SimTime(t), v))
            .collect(),
    )
}

/// Desired against running tasks over `span`: the demand of all services as a dashed
/// line, each option's running tasks as a step line, and, per option, the shortfall
/// shaded (one band per option, up to the palette's size).
///
/// ```
/// use spotsim::report::html::{tasks_chart, Chart};
/// use spotsim::time::SimTime;
/// let desired = vec![(SimTime(0), 4.0), (SimTime(3_600), 8.0)];
/// let running = vec![("fargate-spot".to_string(), vec![(SimTime(0), 4.0), (SimTime(3_700), 7.0)])];
/// let Chart::Time(c) = tasks_chart((SimTime(0), SimTime(7_200)), &desired, &running) else { panic!() };
/// assert_eq!(c.series.len(), 2);
/// assert_eq!(c.bands[0].name, "fargate-spot: short of desired");
/// ```
pub fn tasks_chart(
    span: (SimTime, SimTime),
    desired: &[(SimTime, f64)],
    running: &[(String, Vec<(SimTime, f64)>)],
) -> Chart {
    let mut chart = TimeChart::new(
        "Desired vs running tasks",
        "The dashed line is the number of tasks the services ask for; each solid line is the tasks an option had running. Where a line dips under the dashed one (shaded in the option's colour), tasks were waiting: for a replacement after an interruption, or for capacity to start on.",
        "tasks",
        span,
    );
    let des: Vec<(i64, f64)> = desired.iter().map(|(t, v)| (t.secs(), *v)).collect();
    for (k, (name, pts)) in running
        .iter()
        .enumerate()
        .take(super::palette::MAX_SERIES - 1)
    {
        // The shortfall: between running and max(running, desired), on the union of
        // both functions' change times.
        let run: Vec<(i64, f64)> = pts.iter().map(|(t, v)| (t.secs(), *v)).collect();
        let both = super::plot::stack(&[run.clone(), des.clone()]);
        let lower = super::plot::stack(std::slice::from_ref(&run))
            .pop()
            .unwrap_or_default();
        // stack(&[run, des])[0] is `run` on the union of times; [1] − [0] is desired.
        let upper: Vec<(SimTime, f64)> = both[0]
            .iter()
            .zip(&both[1])
            .map(|(r, s)| (SimTime(r.0), r.1.max(s.1 - r.1)))
            .collect();
        if upper.iter().zip(&both[0]).any(|(u, r)| u.1 > r.1) {
            chart.bands.push(Band {
                name: format!("{name}: short of desired"),
                lower: lower.into_iter().map(|(t, v)| (SimTime(t), v)).collect(),
                upper,
                color: Some(k),
            });
        }
        chart
            .series
            .push(Series::step(name.clone(), pts.clone()).color(k));
    }
    chart
        .series
        .push(Series::step("desired", desired.to_vec()).dashed().color(7));
    Chart::Time(chart)
}
