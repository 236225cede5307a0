//! Running tasks over time for `compare`'s HTML page: an [`Observer`] that keeps, per
//! option, the total running task count of all services as an exact step function
//! (one point per distinct time the count changed; changes at the same instant
//! collapse to the last). The plot downsamples it to its pixel columns (first, min,
//! max, last per column), so a dip shorter than a column (tasks waiting for a
//! replacement) still shows.
//!
//! Fed by the same [`Observer::task`] events as the `RunningTaskCount` metric of
//! `compare`'s telemetry (see [`crate::compare`]).

use crate::market::Market;
use crate::telemetry::{Observer, ObserverPerRun, TaskEvent, TaskEventKind, TaskService};
use crate::time::SimTime;

/// Records each option's running tasks (see the module docs); hand it to
/// [`crate::compare::CompareConfig::run_observed`], then to
/// [`super::ComparePage::running_tasks`].
///
/// ```
/// use spotsim::compare::CompareScenario;
/// use spotsim::report::html::{ComparePage, TaskCharts};
/// let s = CompareScenario::from_toml_str("options = [\"fargate-spot\"]\nhours = 48\n[[service]]\nname = \"api\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 40 }\n", "c.toml")?;
/// let mut charts = TaskCharts::new();
/// let report = s.prepare()?.run_observed(None, Some(&mut charts))?;
/// let (option, points) = &charts.series()[0];
/// assert_eq!(option, "fargate-spot");
/// assert!(points.iter().all(|(_, n)| *n <= 40.0));
/// let html = charts.into_page(&report).render();
/// assert!(html.contains("Desired vs running tasks"));
/// # Ok::<(), spotsim::error::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct TaskCharts {
    runs: Vec<Run>,
}

#[derive(Debug, Default)]
struct Run {
    option: String,
    /// Running tasks per service.
    running: Vec<u32>,
    /// (time, total running from then on), in time order, one point per time.
    points: Vec<(SimTime, f64)>,
    total: u32,
    /// The horizon's end: the tasks stopped there are not charted (the chart ends).
    end: Option<SimTime>,
}

impl Run {
    fn set(&mut self, at: SimTime, service: usize, running: u32) {
        if self.end.is_some_and(|e| at >= e) {
            return;
        }
        if service >= self.running.len() {
            self.running.resize(service + 1, 0);
        }
        self.total = self.total - self.running[service] + running;
        self.running[service] = running;
        let v = f64::from(self.total);
        match self.points.last_mut() {
            Some(last) if last.0 == at => last.1 = v,
            Some(last) if last.1 == v => {}
            _ => self.points.push((at, v)),
        }
    }
}

impl TaskCharts {
    /// No runs recorded yet.
    pub fn new() -> TaskCharts {
        TaskCharts::default()
    }

    /// Each option's running tasks: (option, step points in time order, the last at
    /// the horizon's end).
    pub fn series(&self) -> Vec<(String, Vec<(SimTime, f64)>)> {
        self.runs
            .iter()
            .map(|r| (r.option.clone(), r.points.clone()))
            .collect()
    }

    /// The compare page of `report` with the desired-vs-running chart.
    pub fn into_page(self, report: &crate::compare::CompareReport) -> super::ComparePage<'_> {
        let mut page = super::ComparePage::new(report);
        for (o, pts) in self.series() {
            page = page.running_tasks(&o, pts);
        }
        page
    }
}

impl ObserverPerRun for TaskCharts {
    fn for_run(&mut self, subject: &str) -> &mut dyn Observer {
        self.runs.push(Run {
            option: subject.to_string(),
            ..Run::default()
        });
        let last = self.runs.len() - 1;
        &mut self.runs[last]
    }
}

impl Observer for Run {
    fn begin(&mut self, _market: &Market, start: SimTime, end: SimTime) {
        self.end = Some(end);
        self.points.push((start, 0.0));
    }
    fn services(&mut self, services: &[TaskService]) {
        self.running = vec![0; services.len()];
    }
    fn task(&mut self, ev: &TaskEvent) {
        if let TaskEventKind::Counts { running, .. } = ev.kind {
            self.set(ev.at, ev.service as usize, running);
        }
    }
    fn end(&mut self, end: SimTime) {
        if self.points.last().is_some_and(|l| l.0 < end) {
            self.points.push((end, f64::from(self.total)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::CompareScenario;

    fn series(toml: &str) -> Vec<(String, Vec<(i64, f64)>)> {
        let s = CompareScenario::from_toml_str(toml, "c.toml").unwrap();
        let mut charts = TaskCharts::new();
        s.prepare()
            .unwrap()
            .run_observed(None, Some(&mut charts))
            .unwrap();
        charts
            .series()
            .into_iter()
            .map(|(o, p)| (o, p.into_iter().map(|(t, v)| (t.secs(), v)).collect()))
            .collect()
    }

    #[test]
    fn three_fargate_tasks_by_hand() {
        // 3 tasks requested at 0 (2026-01-01T00:00Z), running from 60 s (the default
        // task start) to the end of a 2-hour horizon.
        let t0 = 1_767_225_600;
        let got = series(
            "options = [\"fargate\"]\nhours = 2\n[[service]]\nname = \"api\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 3 }\n",
        );
        assert_eq!(
            got,
            vec![(
                "fargate".to_string(),
                vec![(t0, 0.0), (t0 + 60, 3.0), (t0 + 7_200, 3.0)]
            )]
        );
    }

    #[test]
    fn changes_at_one_instant_collapse_and_a_dip_is_kept() {
        let mut r = Run {
            option: "x".into(),
            running: vec![0, 0],
            ..Run::default()
        };
        r.points.push((SimTime(0), 0.0));
        r.set(SimTime(0), 0, 4);
        r.set(SimTime(0), 1, 2);
        // One task of service 0 stops at 700 and is back at 800; service 1 unchanged.
        r.set(SimTime(700), 0, 3);
        r.set(SimTime(800), 0, 4);
        r.set(SimTime(900), 1, 2);
        r.end(SimTime(1_800));
        let got: Vec<(i64, f64)> = TaskCharts { runs: vec![r] }.series()[0]
            .1
            .iter()
            .map(|(t, v)| (t.secs(), *v))
            .collect();
        assert_eq!(got, vec![(0, 6.0), (700, 5.0), (800, 6.0), (1_800, 6.0)]);
    }
}
