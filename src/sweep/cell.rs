//! One cell of a sweep: its scenario read from the cell's table, run, and reduced to
//! the row's summary metrics (the names and what they read are in [`metric_names`]).

use std::path::Path;

use crate::compare::CompareScenario;
use crate::error::{ConfigError, Error};
use crate::job::JobScenario;
use crate::report::Warning;
use crate::scenario::Scenario;

use super::SweepKind;

/// A cell's scenario, read and with its paths resolved.
pub(crate) enum CellScenario {
    /// A `run` scenario.
    Run(Box<Scenario>),
    /// A `compare` scenario.
    Compare(Box<CompareScenario>),
    /// A `job` scenario.
    Job(Box<JobScenario>),
}

/// Reads `table` as a scenario of `kind`, relative paths resolved against `dir`.
pub(crate) fn parse(
    kind: SweepKind,
    table: &toml::Table,
    dir: &Path,
) -> Result<CellScenario, ConfigError> {
    Ok(match kind {
        SweepKind::Run => {
            let mut s = Scenario::from_table(table)?;
            s.resolve_paths(dir);
            CellScenario::Run(Box::new(s))
        }
        SweepKind::Compare => {
            let mut s = CompareScenario::from_table(table)?;
            s.resolve_paths(dir);
            CellScenario::Compare(Box::new(s))
        }
        SweepKind::Job => {
            let mut s = JobScenario::from_table(table)?;
            s.resolve_paths(dir);
            CellScenario::Job(Box::new(s))
        }
    })
}

/// What a row says about its cell, per kind, in column order. Every metric is a number
/// or `null` (not applicable: savings without an on-demand baseline, a confidence
/// interval of one window); counts are numbers too.
///
/// * `run` (the strategy's [`crate::report::Report`]): `total_cost_usd`,
///   `spot_cost_usd`, `ondemand_cost_usd`, `ondemand_baseline_usd`, `savings_pct`,
///   `availability_pct`, `unmet_capacity_unit_hours`,
///   `cost_per_delivered_unit_hour_usd`, `instance_hours`, `launches`, `interruptions`,
///   `interruptions_per_1000_instance_hours`, `failed_launches` — the report's fields
///   of those names.
/// * `compare` (the option's [`crate::compare::OptionReport`]): `total_cost_usd`,
///   `monthly_cost_usd`, `ondemand_baseline_usd`, `savings_vs_ondemand_pct`,
///   `availability_pct`, `unmet_task_hours`, `cost_per_delivered_task_hour_usd`,
///   `interruptions`, `task_restarts`, `waste_usd`.
/// * `job` (the policy's [`crate::job::PolicyReport`]): `cost_usd` (the run's total
///   cost, or with `windows` the windows' mean), `cost_ci95_low_usd` and
///   `cost_ci95_high_usd` (the block-aware interval over the windows; `null` for one
///   run), `deadline_met_fraction` (0 or 1 for one run), `savings_pct`, `preemptions`,
///   `unmet_work_hours` (the windows' means with `windows`).
///
/// ```
/// use spotsim::sweep::{metric_names, SweepKind};
/// assert_eq!(metric_names(SweepKind::Job)[0], "cost_usd");
/// ```
pub fn metric_names(kind: SweepKind) -> &'static [&'static str] {
    match kind {
        SweepKind::Run => &[
            "total_cost_usd",
            "spot_cost_usd",
            "ondemand_cost_usd",
            "ondemand_baseline_usd",
            "savings_pct",
            "availability_pct",
            "unmet_capacity_unit_hours",
            "cost_per_delivered_unit_hour_usd",
            "instance_hours",
            "launches",
            "interruptions",
            "interruptions_per_1000_instance_hours",
            "failed_launches",
        ],
        SweepKind::Compare => &[
            "total_cost_usd",
            "monthly_cost_usd",
            "ondemand_baseline_usd",
            "savings_vs_ondemand_pct",
            "availability_pct",
            "unmet_task_hours",
            "cost_per_delivered_task_hour_usd",
            "interruptions",
            "task_restarts",
            "waste_usd",
        ],
        SweepKind::Job => &[
            "cost_usd",
            "cost_ci95_low_usd",
            "cost_ci95_high_usd",
            "deadline_met_fraction",
            "savings_pct",
            "preemptions",
            "unmet_work_hours",
        ],
    }
}

/// Which way is better for a metric paired comparisons count wins on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Better {
    Lower,
    Higher,
}

/// The metrics paired comparisons are made on, and which way wins.
pub(crate) fn compared_metrics(kind: SweepKind) -> &'static [(&'static str, Better)] {
    match kind {
        SweepKind::Run => &[
            ("total_cost_usd", Better::Lower),
            ("availability_pct", Better::Higher),
            ("interruptions", Better::Lower),
        ],
        SweepKind::Compare => &[
            ("total_cost_usd", Better::Lower),
            ("availability_pct", Better::Higher),
        ],
        SweepKind::Job => &[
            ("cost_usd", Better::Lower),
            ("deadline_met_fraction", Better::Higher),
        ],
    }
}

/// A cell's outcome: its metrics (in [`metric_names`] order) and warnings.
pub(crate) struct CellOutcome {
    pub(crate) metrics: Vec<Option<f64>>,
    pub(crate) warnings: Vec<Warning>,
}

fn one_arm(key: &str, what: &str, n: usize) -> Result<(), ConfigError> {
    if n == 1 {
        return Ok(());
    }
    Err(ConfigError::new(
        key,
        format!(
            "a sweep cell runs one {what}, this one has {n}: list them under [grid] ({key} = [...]), one per cell"
        ),
    ))
}

impl CellScenario {
    /// Checks the values that name things (strategies and their options, options,
    /// policies) without running anything.
    pub(crate) fn check_values(&self) -> Result<(), ConfigError> {
        match self {
            CellScenario::Run(s) => s.strategies().map(|_| ()),
            CellScenario::Compare(s) => {
                for o in &s.compare.options {
                    if !crate::compare::OPTIONS.contains(&o.as_str()) {
                        return Err(crate::suggest::unknown_value(
                            "options",
                            o,
                            crate::compare::OPTIONS,
                        ));
                    }
                }
                Ok(())
            }
            CellScenario::Job(s) => {
                for p in &s.job.policy {
                    p.parse::<crate::job::NamedPolicy>()?;
                }
                Ok(())
            }
        }
    }

    /// Checks what a cell needs beyond valid values: exactly one strategy, option or
    /// policy.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        self.check_values()?;
        match self {
            CellScenario::Run(s) => one_arm("strategy", "strategy", s.strategies()?.len()),
            CellScenario::Compare(s) => one_arm("options", "option", s.compare.options.len()),
            CellScenario::Job(s) => one_arm("policy", "policy", s.job.policy.len()),
        }
    }

    /// Runs the cell.
    pub(crate) fn run(&self) -> Result<CellOutcome, Error> {
        self.check()?;
        Ok(match self {
            CellScenario::Run(s) => {
                let reports = s.run()?;
                let r = &reports[0];
                CellOutcome {
                    metrics: vec![
                        Some(r.total_cost_usd),
                        Some(r.spot_cost_usd),
                        Some(r.ondemand_cost_usd),
                        r.ondemand_baseline_usd,
                        r.savings_pct,
                        Some(r.availability_pct),
                        Some(r.unmet_capacity_unit_hours),
                        r.cost_per_delivered_unit_hour_usd,
                        Some(r.instance_hours),
                        Some(r.launches as f64),
                        Some(r.interruptions as f64),
                        Some(r.interruptions_per_1000_instance_hours),
                        Some(r.failed_launches as f64),
                    ],
                    warnings: r.warnings.clone(),
                }
            }
            CellScenario::Compare(s) => {
                let report = s.prepare()?.run()?;
                let o = &report.options[0];
                CellOutcome {
                    metrics: vec![
                        Some(o.total_cost_usd),
                        Some(o.monthly_cost_usd),
                        o.ondemand_baseline_usd,
                        o.savings_vs_ondemand_pct,
                        Some(o.availability_pct),
                        Some(o.unmet_task_hours),
                        o.cost_per_delivered_task_hour_usd,
                        Some(o.interruptions as f64),
                        Some(o.task_restarts),
                        Some(o.waste_usd),
                    ],
                    warnings: report.warnings.clone(),
                }
            }
            CellScenario::Job(s) => {
                let report = s.run()?;
                let p = &report.policies[0];
                let metrics = match (&p.stats, &p.single) {
                    (Some(st), _) => vec![
                        Some(st.mean_cost_usd),
                        st.ci95_low_usd,
                        st.ci95_high_usd,
                        Some(st.deadline_met_fraction),
                        Some(st.mean_savings_pct),
                        Some(st.mean_preemptions),
                        Some(st.mean_unmet_work_hours),
                    ],
                    (None, Some(l)) => {
                        let r = &l.result;
                        vec![
                            Some(r.total_cost.to_usd_f64()),
                            None,
                            None,
                            Some(if r.deadline_met { 1.0 } else { 0.0 }),
                            Some(r.savings_pct),
                            Some(f64::from(r.preemptions)),
                            Some(r.remaining_work_ms as f64 / 3_600_000.0),
                        ]
                    }
                    (None, None) => vec![None; 7],
                };
                CellOutcome {
                    metrics,
                    warnings: report.warnings.clone(),
                }
            }
        })
    }
}
