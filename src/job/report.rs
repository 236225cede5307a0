//! What `spotsim job` reports ([`JobReport`]) and its renderers (table, JSON, CSV,
//! Markdown).
//!
//! **The baseline** (issue 8). In a report, each run's `ondemand_only_cost_usd` is the
//! on-demand baseline: the `on-demand` policy's own cost for the same job from the same
//! start, in the same mode ([`OnDemandOnly::baseline_tick`](super::OnDemandOnly::baseline_tick):
//! whole ticks at the cheapest on-demand price in tick mode;
//! [`OnDemandOnly::baseline_event`](super::OnDemandOnly::baseline_event) in event mode,
//! with its launch latency and per-second billing), and `savings_pct` is measured
//! against it, so the on-demand policy saves exactly 0 in either mode (it showed −9 % in
//! tick mode against the closed form `(W + d) × price`, which ignores the whole last
//! tick). `JobScenario::run` fills both; `stats.mean_savings_pct` averages them.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::JobResult;
use super::windows::{PairedWindows, WindowStats, WindowTally};
use crate::market::SourceFile;
use crate::money::Money;
use crate::report::human::{count, group, or_na, pct, usd};
use crate::report::json;
use crate::report::markdown::cell;
use crate::report::{Format, Warning, markdown, warning};

/// One window's line of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowLine {
    /// Hours from the trace's start to the window's start.
    pub start_hours: f64,
    /// The run.
    #[serde(flatten)]
    pub result: JobResult,
}

/// Where a job report's numbers came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobProvenance {
    /// spotsim's version.
    pub spotsim_version: String,
    /// Trace and price files with SHA-256.
    pub inputs: Vec<SourceFile>,
    /// The convention the traces were read with.
    pub convention: String,
    /// Seconds per tick.
    pub gap_seconds: i64,
    /// Zones, in trace order.
    pub zones: Vec<String>,
    /// Seed of the window starts.
    pub seed: Option<u64>,
    /// Model assumptions in force.
    pub assumptions: Vec<String>,
}

/// The result of `spotsim job`: one [`PolicyReport`] per policy, all on the same job,
/// traces and windows. The JSON has one shape whatever the number of policies:
/// `{"schema_version", "mode", "work_hours", …, "policies": [{"policy", …}], "warnings",
/// "provenance"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    /// JSON layout version ([`crate::report::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `tick` or `event`.
    pub mode: String,
    /// Hours of work.
    pub work_hours: f64,
    /// Hours to the deadline.
    pub deadline_hours: f64,
    /// Restart overhead, hours.
    pub restart_overhead_hours: f64,
    /// One entry per policy, in the order given.
    pub policies: Vec<PolicyReport>,
    /// With `--windows` and several policies: every pair on the same windows (the cost
    /// difference, its block-aware confidence interval, the share of windows each wins),
    /// in the order the policies were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<PairedWindows>,
    /// What the user should know that the numbers do not say.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Provenance.
    pub provenance: JobProvenance,
    /// One window's timeline per policy (for `--output html` and telemetry; not in the
    /// JSON).
    #[serde(skip)]
    pub timeline: Option<super::timeline::WindowTimeline>,
}

/// One policy's results: a single run (its fields inline), or statistics over windows
/// and every window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyReport {
    /// The policy.
    pub policy: String,
    /// The single run (when no `--windows`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub single: Option<WindowLine>,
    /// Statistics over the windows (with `--windows`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<WindowStats>,
    /// With `--windows`: what the statistics, the table's split and the HTML page's
    /// quantiles need, 8 bytes a window (not in the JSON; each window's line goes to
    /// `--per-window FILE` as it is computed, [`JobReport::window_csv_header`]).
    #[serde(skip)]
    pub tally: Option<WindowTally>,
    /// The window the telemetry describes and its alarms, when telemetry was asked
    /// for ([`crate::job::telemetry`]); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub telemetry: Option<crate::telemetry::TelemetryReport>,
}

impl JobReport {
    /// Renders the report.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json::pretty(self),
            Format::Csv => self.csv(),
            Format::Markdown => self.markdown(),
            Format::Html => crate::report::html::JobPage::new(self).render(),
            Format::Table => self.table(),
        }
    }

    fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let warnings = warning::csv_cell(&self.warnings);
        if self.policies.iter().any(|p| p.stats.is_some()) {
            // Windows: one row of statistics per policy (each window's row is in
            // `--per-window FILE`).
            let _ = w.write_record(STATS_CSV_HEADER);
            for p in &self.policies {
                let Some(st) = &p.stats else { continue };
                let o = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.6}"));
                let _ = w.write_record([
                    p.policy.clone(),
                    st.windows.to_string(),
                    st.non_overlapping_windows.to_string(),
                    st.total_cost.to_usd_string(6),
                    format!("{:.6}", st.mean_cost_usd),
                    o(st.sd_cost_usd),
                    st.min_cost.to_usd_string(6),
                    st.max_cost.to_usd_string(6),
                    o(st.ci95_low_usd),
                    o(st.ci95_high_usd),
                    st.ci_blocks.to_string(),
                    o(st.iid_ci95_low_usd),
                    o(st.iid_ci95_high_usd),
                    format!("{:.6}", st.deadline_met_fraction),
                    format!("{:.6}", st.mean_savings_pct),
                    format!("{:.6}", st.mean_preemptions),
                    format!("{:.6}", st.mean_unmet_work_hours),
                    warnings.clone(),
                ]);
            }
        } else {
            let mut h: Vec<&str> = RUN_CSV_HEADER.to_vec();
            h.push("warnings");
            let _ = w.write_record(&h);
            for (p, l) in self
                .policies
                .iter()
                .flat_map(|p| p.single.iter().map(move |l| (p, l)))
            {
                let mut row = run_csv_row(&p.policy, l);
                row.push(warnings.clone());
                let _ = w.write_record(&row);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The header of `--per-window FILE` as CSV: one row per window and policy, the
    /// columns of a single run's CSV report (without its warnings).
    pub fn window_csv_header() -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(RUN_CSV_HEADER);
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// One window's row of `--per-window FILE` as CSV (with its line end).
    ///
    /// ```
    /// use spotsim::job::{JobReport, JobResult, WindowLine};
    /// # let z = spotsim::money::Money::ZERO;
    /// # let result = JobResult { total_cost: z, compute_cost: z, probe_cost: z, egress_cost: z,
    /// #   deadline_met: true, finish_ms: 0, spot_ms: 0, ondemand_ms: 0, idle_ms: 0, preemptions: 0, restarts: 0,
    /// #   migrations: 0, probes: 0, ondemand_only_cost: z, savings_pct: 0.0, start_tick: 0, ticks: 0,
    /// #   remaining_work_ms: 0, infeasible_spot_requests: 0 };
    /// let row = JobReport::window_csv_row("greedy", &WindowLine { start_hours: 1.5, result });
    /// assert!(row.starts_with("greedy,1.500000,0.000000,"));
    /// assert_eq!(JobReport::window_csv_header().split(',').count(), row.split(',').count());
    /// ```
    pub fn window_csv_row(policy: &str, line: &WindowLine) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(run_csv_row(policy, line));
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// One window's line of `--per-window FILE` as JSON Lines: `{"policy": …, "start_hours":
    /// …, the run's fields}` and a line end.
    pub fn window_json_line(policy: &str, line: &WindowLine) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            policy: &'a str,
            #[serde(flatten)]
            line: &'a WindowLine,
        }
        let mut s = serde_json::to_string(&Line { policy, line }).unwrap_or_default();
        s.push('\n');
        s
    }

    pub(crate) fn headline(&self) -> String {
        format!(
            "{} ({} mode): {} of work, deadline {}, restart overhead {}",
            self.policies
                .iter()
                .map(|p| p.policy.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            self.mode,
            hours2(self.work_hours),
            hours2(self.deadline_hours),
            hours2(self.restart_overhead_hours)
        )
    }

    /// (label, value, detail) lines of one policy, shared by the table and Markdown
    /// renderers.
    pub(crate) fn lines(&self, p: &PolicyReport) -> Vec<(&'static str, String, String)> {
        let mut v = Vec::new();
        if let Some(l) = &p.single {
            let r = &l.result;
            v.push((
                "start",
                format!("hour {}", group(l.start_hours, 2)),
                "of the trace".to_string(),
            ));
            v.push((
                "total cost",
                usd(r.total_cost.to_usd_f64()),
                format!(
                    "on-demand baseline {}, savings {}",
                    usd(r.ondemand_only_cost.to_usd_f64()),
                    pct(r.savings_pct, 1)
                ),
            ));
            // The multi-region model's split (compute only, otherwise).
            if r.probes > 0 || r.probe_cost != Money::ZERO || r.egress_cost != Money::ZERO {
                v.push((
                    "compute cost",
                    usd(r.compute_cost.to_usd_f64()),
                    format!(
                        "probes {} ({} billed), egress {}",
                        usd(r.probe_cost.to_usd_f64()),
                        count(u64::from(r.probes)),
                        usd(r.egress_cost.to_usd_f64())
                    ),
                ));
            }
            v.push((
                "deadline met",
                if r.deadline_met { "yes" } else { "NO" }.to_string(),
                format!("finished at {}", hours2(r.finish_hours())),
            ));
            v.push((
                "hours",
                hours2(ms_hours(r.spot_ms + r.ondemand_ms)),
                format!(
                    "spot {}, on-demand {}, idle {}",
                    hours2(ms_hours(r.spot_ms)),
                    hours2(ms_hours(r.ondemand_ms)),
                    hours2(ms_hours(r.idle_ms))
                ),
            ));
            v.push((
                "preemptions",
                count(u64::from(r.preemptions)),
                format!(
                    "restarts {}, migrations {}",
                    count(u64::from(r.restarts)),
                    count(u64::from(r.migrations))
                ),
            ));
        }
        if let Some(st) = &p.stats {
            v.push((
                "windows",
                count(st.windows as u64),
                format!("seed {}", self.provenance.seed.unwrap_or(1)),
            ));
            v.push((
                "mean cost",
                usd(st.mean_cost_usd),
                format!(
                    "sd {}, 95% CI {} (block-aware, {} blocks), min {}, max {}",
                    or_na(st.sd_cost_usd, usd),
                    interval(st.ci95_low_usd, st.ci95_high_usd),
                    count(st.ci_blocks as u64),
                    usd(st.min_cost.to_usd_f64()),
                    usd(st.max_cost.to_usd_f64())
                ),
            ));
            v.push((
                "non-overlapping",
                count(st.non_overlapping_windows as u64),
                format!(
                    "windows fit in the trace; as if the windows were independent the CI would be {}",
                    interval(st.iid_ci95_low_usd, st.iid_ci95_high_usd)
                ),
            ));
            // The multi-region model's split, as means over the windows.
            if let Some(m) = p.tally.as_ref().and_then(WindowTally::split_means) {
                v.push((
                    "mean compute",
                    usd(m.compute_usd),
                    format!(
                        "probes {} ({} billed), egress {}, migrations {}",
                        usd(m.probe_usd),
                        group(m.probes, 2),
                        usd(m.egress_usd),
                        group(m.migrations, 2)
                    ),
                ));
            }
            v.push((
                "deadline met",
                pct(100.0 * st.deadline_met_fraction, 1),
                format!(
                    "of windows; mean savings {}, mean preemptions {}",
                    pct(st.mean_savings_pct, 1),
                    group(st.mean_preemptions, 2)
                ),
            ));
        }
        v
    }

    /// (label, value, detail) lines of the paired comparisons.
    fn comparison_lines(&self) -> Vec<(String, String, String)> {
        self.comparisons
            .iter()
            .map(|c| {
                (
                    format!("{} − {}", c.a, c.b),
                    signed_usd(c.mean_difference_usd),
                    format!(
                        "95% CI {} (block-aware); {} cheaper in {} of the {} windows, {} in {}, ties {}",
                        interval(c.ci95_low_usd, c.ci95_high_usd),
                        c.a,
                        pct(100.0 * c.a_cheaper_fraction, 1),
                        count(c.windows as u64),
                        c.b,
                        pct(100.0 * c.b_cheaper_fraction, 1),
                        pct(100.0 * c.ties_fraction, 1)
                    ),
                )
            })
            .collect()
    }

    fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "spotsim {} job — {}",
            self.provenance.spotsim_version,
            self.headline()
        );
        for w in &self.warnings {
            let _ = writeln!(s, "  {w}");
        }
        for p in &self.policies {
            if self.policies.len() > 1 {
                let _ = writeln!(s, "  policy {}", p.policy);
            }
            for (label, value, detail) in self.lines(p) {
                let _ = writeln!(s, "  {label:<16} {value:>14}   {detail}");
            }
        }
        if !self.comparisons.is_empty() {
            let _ = writeln!(s, "  paired on the same windows (cost a − b):");
            for (label, value, detail) in self.comparison_lines() {
                let _ = writeln!(s, "    {label:<30} {value:>12}   {detail}");
            }
        }
        let p = &self.provenance;
        let _ = writeln!(
            s,
            "  zones {} (tick {} s)",
            p.zones.join(", "),
            count(p.gap_seconds.max(0) as u64)
        );
        let _ = writeln!(s, "  inputs:");
        for i in &p.inputs {
            let _ = writeln!(
                s,
                "    {} ({}, sha256 {})",
                i.path,
                i.format,
                &i.sha256[..16.min(i.sha256.len())]
            );
        }
        let _ = writeln!(s, "  assumptions:");
        for a in &p.assumptions {
            let _ = writeln!(s, "    - {a}");
        }
        s
    }

    fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### spotsim job: {}\n", self.headline());
        markdown::warnings(&mut s, self.warnings.iter().map(|w| (None, w)).collect());
        for p in &self.policies {
            if self.policies.len() > 1 {
                let _ = writeln!(s, "#### {}\n", p.policy);
            }
            let _ = writeln!(s, "| metric | value | detail |");
            let _ = writeln!(s, "|---|---:|---|");
            for (label, value, detail) in self.lines(p) {
                let _ = writeln!(s, "| {label} | {} | {} |", cell(&value), cell(&detail));
            }
            let _ = writeln!(s);
        }
        if !self.comparisons.is_empty() {
            let _ = writeln!(s, "#### Paired on the same windows (cost a − b)\n");
            let _ = writeln!(s, "| pair | mean difference | detail |");
            let _ = writeln!(s, "|---|---:|---|");
            for (label, value, detail) in self.comparison_lines() {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |",
                    cell(&label),
                    cell(&value),
                    cell(&detail)
                );
            }
            let _ = writeln!(s);
        }
        let p = &self.provenance;
        let files: Vec<String> = p.inputs.iter().map(|i| format!("`{}`", i.path)).collect();
        let _ = writeln!(
            s,
            "Zones {} (tick {} s). Inputs: {}. spotsim {}.",
            p.zones.join(", "),
            p.gap_seconds,
            files.join(", "),
            p.spotsim_version
        );
        let _ = writeln!(s, "\n<details><summary>Assumptions</summary>\n");
        for a in &p.assumptions {
            let _ = writeln!(s, "- {}", cell(a));
        }
        let _ = writeln!(s, "\n</details>");
        s
    }
}

/// `[$a, $b]`, or `n/a` without an interval.
fn interval(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("[{}, {}]", usd(a), usd(b)),
        _ => "n/a".into(),
    }
}

/// A signed amount: `+$1.50`, `−$0.25`.
fn signed_usd(x: f64) -> String {
    if x < 0.0 {
        format!("−{}", usd(-x))
    } else {
        format!("+{}", usd(x))
    }
}

fn ms_hours(ms: i64) -> f64 {
    ms as f64 / 3.6e6
}

/// Hours with two decimals and a unit (job durations are often fractions of an hour).
fn hours2(h: f64) -> String {
    format!("{} h", group(h, 2))
}

/// The columns of one run in the CSV report (without `warnings`) and in
/// `--per-window FILE`.
const RUN_CSV_HEADER: [&str; 18] = [
    "policy",
    "start_hours",
    "total_cost_usd",
    "compute_cost_usd",
    "probe_cost_usd",
    "egress_cost_usd",
    "deadline_met",
    "finish_hours",
    "spot_hours",
    "ondemand_hours",
    "idle_hours",
    "preemptions",
    "restarts",
    "migrations",
    "probes",
    "ondemand_only_cost_usd",
    "savings_pct",
    "unmet_work_hours",
];

/// The columns of the CSV report with `--windows`: one row of statistics per policy.
const STATS_CSV_HEADER: [&str; 18] = [
    "policy",
    "windows",
    "non_overlapping_windows",
    "total_cost_usd",
    "mean_cost_usd",
    "sd_cost_usd",
    "min_cost_usd",
    "max_cost_usd",
    "ci95_low_usd",
    "ci95_high_usd",
    "ci_blocks",
    "iid_ci95_low_usd",
    "iid_ci95_high_usd",
    "deadline_met_fraction",
    "mean_savings_pct",
    "mean_preemptions",
    "mean_unmet_work_hours",
    "warnings",
];

/// One run's CSV fields, in [`RUN_CSV_HEADER`]'s order.
fn run_csv_row(policy: &str, l: &WindowLine) -> Vec<String> {
    let r = &l.result;
    let h = |ms: i64| format!("{:.6}", ms as f64 / 3.6e6);
    vec![
        policy.to_string(),
        format!("{:.6}", l.start_hours),
        r.total_cost.to_usd_string(6),
        r.compute_cost.to_usd_string(6),
        r.probe_cost.to_usd_string(6),
        r.egress_cost.to_usd_string(6),
        r.deadline_met.to_string(),
        h(r.finish_ms),
        h(r.spot_ms),
        h(r.ondemand_ms),
        h(r.idle_ms),
        r.preemptions.to_string(),
        r.restarts.to_string(),
        r.migrations.to_string(),
        r.probes.to_string(),
        r.ondemand_only_cost.to_usd_string(6),
        format!("{:.6}", r.savings_pct),
        h(r.remaining_work_ms),
    ]
}
