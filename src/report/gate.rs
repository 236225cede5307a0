//! CI gates: the `--fail-if-…` thresholds of [`GateOptions`] checked against what a
//! report says, one [`GateSubject`] per strategy (`run`), option (`compare`) or policy
//! (`job`). A command writes its report first, then exits with code 2 when any subject
//! breaches any threshold, printing one line per [`Breach`] on stderr.
//!
//! | gate | run (per strategy) | compare (per option) | job (per policy) |
//! |---|---|---|---|
//! | `--fail-if-cost-above USD` | `total_cost_usd` | `total_cost_usd` | `total_cost_usd`; with `--windows`, `stats.mean_cost_usd` |
//! | `--fail-if-interruptions-above N` | `interruptions` | `interruptions` | `preemptions`; with `--windows`, `stats.mean_preemptions` |
//! | `--fail-if-unmet-above UNIT-HOURS` | `unmet_capacity_unit_hours` | `unmet_task_hours` | `unmet_work_hours`; with `--windows`, its mean |
//! | `--fail-if-savings-below PCT` | `savings_pct` | `savings_vs_ondemand_pct` of the options that are not their own baseline (the spot options and the mix) | `savings_pct`; with `--windows`, `stats.mean_savings_pct` |
//!
//! A subject whose savings apply but are `null` (no on-demand prices for the product's
//! operating system) breaches `--fail-if-savings-below`: the threshold cannot be shown
//! to hold.
//!
//! A breach is strictly above (below for savings) the threshold: a cost equal to the
//! threshold passes.
//!
//! ```
//! use spotsim::options::GateOptions;
//! use spotsim::report::gate::GateSubject;
//! let gates = GateOptions { fail_if_cost_above: Some(100.0), fail_if_savings_below: Some(50.0), ..Default::default() };
//! use spotsim::report::gate::Savings;
//! let s = GateSubject { name: "lowest-price".into(), cost_usd: 120.5, interruptions: 3.0, unmet: 0.0, savings: Savings::Pct(60.0) };
//! let b = gates.check(&[s]);
//! assert_eq!(b.len(), 1);
//! assert_eq!(b[0].to_string(), "threshold breached: lowest-price costs $120.50 > $100.00 (--fail-if-cost-above)");
//! ```

use std::fmt;

use crate::options::GateOptions;

/// What the gates read from one strategy, option or policy.
#[derive(Clone, Debug, PartialEq)]
pub struct GateSubject {
    /// The strategy, option or policy.
    pub name: String,
    /// Total cost, USD (a mean over windows for `job --windows`).
    pub cost_usd: f64,
    /// Interruptions (job: preemptions; a mean over windows).
    pub interruptions: f64,
    /// Unmet capacity: unit-hours (run), task-hours (compare), work-hours (job).
    pub unmet: f64,
    /// Savings against on-demand.
    pub savings: Savings,
}

/// What a subject says about its savings against on-demand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Savings {
    /// The figure, percent.
    Pct(f64),
    /// The subject has a baseline but it is unknown (no on-demand prices for the
    /// product's operating system): `--fail-if-savings-below` is breached, since the
    /// threshold cannot be shown to hold.
    Unknown,
    /// Savings do not apply (a `compare` option that is its own on-demand baseline):
    /// the savings gate skips the subject.
    NotApplicable,
}

impl Savings {
    /// `Pct` from a figure, `Unknown` without one.
    pub fn known(x: Option<f64>) -> Savings {
        x.map_or(Savings::Unknown, Savings::Pct)
    }
}

/// One threshold one subject breached.
#[derive(Clone, Debug, PartialEq)]
pub struct Breach {
    /// The subject's name.
    pub subject: String,
    /// The flag (`fail-if-cost-above`, …).
    pub gate: &'static str,
    /// What the report says.
    pub value: f64,
    /// The threshold.
    pub threshold: f64,
}

impl fmt::Display for Breach {
    /// One line: `threshold breached: NAME costs $V > $T (--fail-if-cost-above)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::human::{group, usd};
        let (v, t) = (self.value, self.threshold);
        let n = &self.subject;
        let what = match self.gate {
            "fail-if-cost-above" => format!("{n} costs {} > {}", usd(v), usd(t)),
            "fail-if-interruptions-above" => format!(
                "{n} has {} interruptions > {}",
                group(v, if v.fract() == 0.0 { 0 } else { 2 }),
                group(t, 0)
            ),
            "fail-if-unmet-above" => format!(
                "{n} leaves {} unit-hours unmet > {}",
                group(v, 3),
                group(t, 3)
            ),
            _ if v.is_nan() => format!(
                "{n} has no savings figure (no on-demand baseline; see the warnings), so it cannot be shown to save {}%",
                group(t, 2)
            ),
            _ => format!("{n} saves {}% < {}%", group(v, 2), group(t, 2)),
        };
        write!(f, "threshold breached: {what} (--{})", self.gate)
    }
}

impl GateOptions {
    /// The breaches of `subjects`, subject by subject, gate by gate (cost,
    /// interruptions, unmet, savings).
    pub fn check(&self, subjects: &[GateSubject]) -> Vec<Breach> {
        let mut out = Vec::new();
        for s in subjects {
            let mut breach = |gate: &'static str, value: f64, threshold: f64| {
                out.push(Breach {
                    subject: s.name.clone(),
                    gate,
                    value,
                    threshold,
                })
            };
            if let Some(t) = self.fail_if_cost_above.filter(|t| s.cost_usd > *t) {
                breach("fail-if-cost-above", s.cost_usd, t);
            }
            if let Some(t) = self
                .fail_if_interruptions_above
                .filter(|t| s.interruptions > *t as f64)
            {
                breach("fail-if-interruptions-above", s.interruptions, t as f64);
            }
            if let Some(t) = self.fail_if_unmet_above.filter(|t| s.unmet > *t) {
                breach("fail-if-unmet-above", s.unmet, t);
            }
            if let Some(t) = self.fail_if_savings_below {
                match s.savings {
                    Savings::Pct(v) if v < t => breach("fail-if-savings-below", v, t),
                    // No figure to check against the threshold: the gate cannot pass.
                    Savings::Unknown => breach("fail-if-savings-below", f64::NAN, t),
                    _ => {}
                }
            }
        }
        out
    }
}

/// A report the gates can read.
pub trait Gated {
    /// One subject per strategy, option or policy.
    fn gate_subjects(&self) -> Vec<GateSubject>;
}

impl Gated for super::Report {
    fn gate_subjects(&self) -> Vec<GateSubject> {
        vec![GateSubject {
            name: self.strategy.clone(),
            cost_usd: self.total_cost_usd,
            interruptions: self.interruptions as f64,
            unmet: self.unmet_capacity_unit_hours,
            savings: Savings::known(self.savings_pct),
        }]
    }
}

impl Gated for super::RunReports {
    fn gate_subjects(&self) -> Vec<GateSubject> {
        self.reports.iter().flat_map(Gated::gate_subjects).collect()
    }
}

impl Gated for crate::compare::CompareReport {
    fn gate_subjects(&self) -> Vec<GateSubject> {
        self.options
            .iter()
            .map(|o| GateSubject {
                name: o.option.clone(),
                cost_usd: o.total_cost_usd,
                interruptions: o.interruptions as f64,
                unmet: o.unmet_task_hours,
                savings: o.gate_savings(),
            })
            .collect()
    }
}

impl Gated for crate::job::JobReport {
    fn gate_subjects(&self) -> Vec<GateSubject> {
        self.policies
            .iter()
            .filter_map(|p| {
                let hours = |ms: i64| ms as f64 / 3_600_000.0;
                if let Some(l) = &p.single {
                    let r = &l.result;
                    return Some(GateSubject {
                        name: p.policy.clone(),
                        cost_usd: r.total_cost.to_usd_f64(),
                        interruptions: f64::from(r.preemptions),
                        unmet: hours(r.remaining_work_ms),
                        savings: Savings::Pct(r.savings_pct),
                    });
                }
                let st = p.stats.as_ref()?;
                let unmet = st.mean_unmet_work_hours;
                Some(GateSubject {
                    name: p.policy.clone(),
                    cost_usd: st.mean_cost_usd,
                    interruptions: st.mean_preemptions,
                    unmet,
                    savings: Savings::Pct(st.mean_savings_pct),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(savings: Savings) -> GateSubject {
        GateSubject {
            name: "x".into(),
            cost_usd: 10.0,
            interruptions: 3.0,
            unmet: 1.5,
            savings,
        }
    }

    #[test]
    fn each_gate_breaches_strictly_past_its_threshold() {
        let at = GateOptions {
            fail_if_cost_above: Some(10.0),
            fail_if_interruptions_above: Some(3),
            fail_if_unmet_above: Some(1.5),
            fail_if_savings_below: Some(40.0),
        };
        assert!(
            at.check(&[subject(Savings::Pct(40.0))]).is_empty(),
            "equal passes"
        );
        let past = GateOptions {
            fail_if_cost_above: Some(9.99),
            fail_if_interruptions_above: Some(2),
            fail_if_unmet_above: Some(1.0),
            fail_if_savings_below: Some(40.01),
        };
        let b = past.check(&[subject(Savings::Pct(40.0))]);
        let gates: Vec<&str> = b.iter().map(|b| b.gate).collect();
        assert_eq!(
            gates,
            [
                "fail-if-cost-above",
                "fail-if-interruptions-above",
                "fail-if-unmet-above",
                "fail-if-savings-below"
            ]
        );
        assert_eq!(
            b[3].to_string(),
            "threshold breached: x saves 40.00% < 40.01% (--fail-if-savings-below)"
        );
        // Savings that do not apply (an on-demand option in compare): the savings gate
        // skips it.
        assert_eq!(past.check(&[subject(Savings::NotApplicable)]).len(), 3);
        // Savings that apply but are unknown (no on-demand prices): a breach.
        let b = past.check(&[subject(Savings::Unknown)]);
        assert_eq!(b.len(), 4);
        assert_eq!(
            b[3].to_string(),
            "threshold breached: x has no savings figure (no on-demand baseline; see the warnings), so it cannot be shown to save 40.01% (--fail-if-savings-below)"
        );
    }
}
