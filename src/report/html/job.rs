//! The `job` page: every policy's results — with `--windows`, the distribution of the
//! cost over the windows per policy (box plot) and the share of windows that met the
//! deadline; for a single run, the cost split (compute, probes, egress) and the hours
//! on spot, on-demand and idle — then zones, assumptions and provenance.
//!
//! In both modes the page also shows one window's timeline per policy (what ran when,
//! preemptions, the work done against the deadline line), from the report's
//! `timeline` (recorded for `--output html`: the run's window, or with `--windows` the
//! window of the first policy's median cost). Other charts are added with
//! [`JobPage::chart`].

use super::chart::{
    Band, BarChart, BoxChart, Chart, Marks, Segment, Series, TimeChart, ValueFormat,
};
use super::page::Page;
use super::table::table_aligned;
use crate::job::Kind;
use crate::job::log::EndCause;
use crate::job::timeline::WindowTimeline;
use crate::job::{JobReport, JobResult};
use crate::report::human::{count, group, usd};
use crate::time::SimTime;

/// The HTML page of a `job`.
///
/// ```
/// use spotsim::job::JobReport;
/// use spotsim::report::html::JobPage;
/// # fn page(report: &JobReport) -> String {
/// JobPage::new(report).render()
/// # }
/// ```
#[derive(Debug)]
pub struct JobPage<'a> {
    report: &'a JobReport,
    charts: Vec<Chart>,
}

impl<'a> JobPage<'a> {
    /// The page of `report`.
    pub fn new(report: &'a JobReport) -> JobPage<'a> {
        JobPage {
            report,
            charts: Vec::new(),
        }
    }

    /// Adds a chart (e.g. one window's timeline, recorded during the run).
    pub fn chart(mut self, chart: Chart) -> JobPage<'a> {
        self.charts.push(chart);
        self
    }

    /// The HTML document.
    pub fn render(&self) -> String {
        let r = self.report;
        let mut page = Page::new("spotsim job", &r.headline());
        let facts: Vec<(&str, String)> = r
            .policies
            .iter()
            .map(|p| {
                let cost = match (&p.single, &p.stats) {
                    (Some(l), _) => usd(l.result.total_cost.to_usd_f64()),
                    (None, Some(s)) => format!("{} mean", usd(s.mean_cost_usd)),
                    _ => "n/a".into(),
                };
                (p.policy.as_str(), cost)
            })
            .collect();
        page.facts(&facts);
        page.warnings(r.warnings.iter().map(|w| (None, w)));
        let rows: Vec<Vec<String>> = r
            .policies
            .iter()
            .flat_map(|p| {
                r.lines(p).into_iter().map(move |(label, value, detail)| {
                    vec![p.policy.clone(), label.to_string(), value, detail]
                })
            })
            .collect();
        page.section(
            "Summary",
            &table_aligned(
                &["policy", "metric", "value", "detail"],
                &[false, false, true, false],
                &rows,
            ),
        );
        let mut charts = policy_charts(r);
        if let Some(t) = &r.timeline {
            charts.extend(timeline_charts(t));
        }
        charts.extend(self.charts.iter().cloned());
        page.charts("Charts", &charts);
        page.assumptions(r.provenance.assumptions.iter().map(|a| (None, a.as_str())));
        let p = &r.provenance;
        let mut facts = vec![
            ("spotsim", p.spotsim_version.clone()),
            ("mode", r.mode.clone()),
            ("trace convention", p.convention.clone()),
            ("tick", format!("{} s", count(p.gap_seconds.max(0) as u64))),
            ("zones", p.zones.join(", ")),
        ];
        if let Some(seed) = p.seed {
            facts.push(("seed of the windows", seed.to_string()));
        }
        page.provenance(&p.inputs, &facts);
        page.finish()
    }
}

/// One chart per policy of one window: spot and on-demand shaded, the work done as
/// a line against the deadline line, preemptions as ticks (both modes: the window's
/// [`crate::job::log::WindowLog`]).
pub(crate) fn timeline_charts(t: &WindowTimeline) -> Vec<Chart> {
    let w_h = t.spec.work_ms as f64 / 3.6e6;
    let d_s = t.spec.deadline_ms / 1000;
    let o_s = t.spec.overhead_ms / 1000;
    t.policies
        .iter()
        .map(|p| {
            let log = &p.log;
            let s0 = log.start.secs();
            let rel = |x: SimTime| SimTime(x.secs() - s0);
            let rel_ms = |ms: i64| SimTime(ms.div_euclid(1000) - s0);
            let end = (log.end.secs() - s0).max(d_s);
            let mut c = TimeChart::new(
                format!("One window's timeline: {}", p.policy),
                format!(
                    "{}. Blue shading: on spot; orange: on on-demand; unshaded: idle (or launching). The black line is the work done; the dashed deadline line is the least work from which switching to on-demand now (paying the restart overhead) still finishes by the {} h deadline — a job under it can only be late, one already on on-demand may run just under it by the overhead. Deadline {}, cost {}.",
                    t.which,
                    group(d_s as f64 / 3600.0, 1),
                    if log.result.deadline_met { "met" } else { "missed" },
                    usd(log.result.total_cost.to_usd_f64())
                ),
                "work done, hours",
                (SimTime(0), SimTime(end)),
            );
            c.elapsed_hours = true;
            let shade = |kind: Kind| -> Vec<(SimTime, f64)> {
                let mut pts: Vec<(SimTime, f64)> = vec![(SimTime(0), 0.0)];
                let mut put = |at: SimTime, v: f64| match pts.last_mut() {
                    Some(l) if l.0 == at => l.1 = v,
                    _ => pts.push((at, v)),
                };
                for i in log.instances.iter().filter(|i| i.kind == kind) {
                    if let Some(from) = i.running_from {
                        put(rel(from), w_h);
                        put(rel(i.ended), 0.0);
                    }
                }
                put(SimTime(end), 0.0);
                pts
            };
            for (name, kind, col) in [("on spot", Kind::Spot, 0), ("on on-demand", Kind::OnDemand, 1)] {
                c.bands.push(Band {
                    name: name.into(),
                    lower: vec![(SimTime(0), 0.0)],
                    upper: shade(kind),
                    color: Some(col),
                });
            }
            let mut done = vec![(SimTime(0), 0.0)];
            let mut so_far = 0i64;
            for i in &log.instances {
                if let Some(from) = i.work_from_ms {
                    done.push((rel_ms(from), so_far as f64 / 3.6e6));
                    so_far += i.work_ms;
                    done.push((rel_ms(from + i.work_ms), so_far as f64 / 3.6e6));
                }
            }
            done.push((SimTime(end), so_far as f64 / 3.6e6));
            c.series.push(Series::line("work done", done).color(7));
            // Work w is still possible on on-demand at t when w ≥ W − (D − t − o): the
            // line from (D − W − o, 0) to (D − o, W).
            let from = (d_s - o_s - t.spec.work_ms / 1000).max(0);
            let at = |x: i64| (w_h - (d_s - x - o_s) as f64 / 3600.0).clamp(0.0, w_h);
            c.series.push(
                Series::line(
                    "deadline line",
                    vec![(SimTime(from), at(from)), (SimTime(d_s - o_s), w_h), (SimTime(end), w_h)],
                )
                .dashed()
                .color(3),
            );
            c.marks.push(Marks {
                name: "spot preempted".into(),
                times: log
                    .instances
                    .iter()
                    .filter(|i| i.cause == EndCause::Preempted)
                    .map(|i| rel(i.ended))
                    .collect(),
                total: None,
            });
            Chart::Time(c)
        })
        .collect()
}

fn policy_charts(r: &JobReport) -> Vec<Chart> {
    let names: Vec<String> = r.policies.iter().map(|p| p.policy.clone()).collect();
    let windowed = r
        .policies
        .iter()
        .any(|p| p.tally.as_ref().is_some_and(|t| !t.is_empty()));
    if windowed {
        let costs = |p: &crate::job::PolicyReport| -> Vec<f64> {
            p.tally
                .as_ref()
                .map(|t| t.costs().iter().map(|c| c.to_usd_f64()).collect())
                .unwrap_or_default()
        };
        let groups: Vec<(String, Vec<f64>)> = r
            .policies
            .iter()
            .map(|p| (p.policy.clone(), costs(p)))
            .collect();
        let n = r
            .policies
            .first()
            .and_then(|p| p.tally.as_ref())
            .map_or(0, |t| t.len());
        return vec![
            Chart::Boxes(BoxChart {
                title: "Cost over windows, per policy".into(),
                caption: format!(
                    "Each row is a policy's total cost over the same {} windows: the box spans the middle half of the windows (quartiles), the bar is the median, the whiskers reach the cheapest and dearest window, the dot is the mean.",
                    count(n as u64)
                ),
                unit: "USD per window".into(),
                groups,
                label: ValueFormat::Usd,
            }),
            Chart::Bars(BarChart {
                title: "Deadline met, per policy".into(),
                caption: "Each bar is the share of windows in which the policy finished the work by the deadline; 100% is every window.".into(),
                unit: "windows that met the deadline, %".into(),
                categories: names,
                segments: vec![Segment {
                    name: String::new(),
                    values: r
                        .policies
                        .iter()
                        .map(|p| p.stats.as_ref().map(|s| 100.0 * s.deadline_met_fraction))
                        .collect(),
                }],
                label: ValueFormat::Percent,
            }),
        ];
    }
    let single: Vec<Option<&JobResult>> = r
        .policies
        .iter()
        .map(|p| p.single.as_ref().map(|l| &l.result))
        .collect();
    let money = |f: fn(&JobResult) -> crate::money::Money| {
        single
            .iter()
            .map(|s| s.map(|r| f(r).to_usd_f64()))
            .collect::<Vec<_>>()
    };
    let hours = |f: fn(&JobResult) -> i64| {
        single
            .iter()
            .map(|s| s.map(|r| f(r) as f64 / 3.6e6))
            .collect::<Vec<_>>()
    };
    vec![
        Chart::Bars(BarChart {
            title: "Cost per policy".into(),
            caption: "Each bar is a policy's total cost for the job, split into the instances (compute), the probes billed and the egress of migrations (the multi-region model's extra costs; 0 otherwise).".into(),
            unit: "USD for the job".into(),
            categories: names.clone(),
            segments: vec![
                Segment { name: "compute".into(), values: money(|r| r.compute_cost) },
                Segment { name: "probes".into(), values: money(|r| r.probe_cost) },
                Segment { name: "egress".into(), values: money(|r| r.egress_cost) },
            ],
            label: ValueFormat::Usd,
        }),
        Chart::Bars(BarChart {
            title: "Time per policy".into(),
            caption: "Each bar is the hours a policy billed on spot and on on-demand, and the hours it spent idle with no instance (waiting for spot).".into(),
            unit: "hours".into(),
            categories: names,
            segments: vec![
                Segment { name: "spot".into(), values: hours(|r| r.spot_ms) },
                Segment { name: "on-demand".into(), values: hours(|r| r.ondemand_ms) },
                Segment { name: "idle".into(), values: hours(|r| r.idle_ms) },
            ],
            label: ValueFormat::Decimal1,
        }),
    ]
}
