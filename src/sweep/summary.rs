//! The summary of a sweep ([`SweepSummary`]): per group of cells that differ only in
//! the seed, each metric's n, mean, sd and 95 % confidence interval; and **paired
//! comparisons** of the values of the paired key (the strategies, options or policies)
//! on the same seed and parameters.
//!
//! * **Groups.** Cells are grouped by every grid key except `seed`, in cell order. A
//!   metric's statistics are over the group's cells where it is not `null`
//!   ([`crate::stats::mean_ci`]: the sample sd with `n − 1`, the interval
//!   `mean ± t(0.975, n − 1)·sd/√n`).
//! * **Paired comparisons.** Cells are matched on every grid key except the paired one
//!   (`seed` included): for each pair of its values `a`, `b` (in the grid's order,
//!   `a` listed first) and each compared metric, the differences `metric(a) −
//!   metric(b)` over the seeds give the mean difference and its 95 % interval (the same
//!   t interval: a paired t-interval), and the shares of matched cells `a` wins, `b`
//!   wins, or tie — winning is the lower value for costs and interruptions, the higher
//!   for availability and the deadline-met fraction.
//! * **What the intervals assume.** Cells of different seeds are treated as independent
//!   replications. That holds for what the seed draws (hazard interruptions, victims,
//!   rebalance signals; a job's window starts), not for the trace, which every seed
//!   replays: the intervals say how sure the mean is over the seeds' randomness on this
//!   trace, not over other markets. A job cell's own windows overlap on one trace; its
//!   block-aware interval (`cost_ci95_low_usd`, `cost_ci95_high_usd` in its row; see
//!   [`crate::job::windows`]) is the one that accounts for it.
//!
//! Every number is rounded to 6 decimals ([`crate::stats::round6`]; the t quantile comes
//! from the platform's maths library) and every sum runs in cell order, so the summary
//! is the same bytes from one run, from any number of threads, or from merged shards.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::cell::{Better, compared_metrics};
use super::row::SweepRow;
use super::{SweepDefinition, SweepKind};
use crate::stats::{mean_ci, round6};

/// The JSON layout version of a sweep summary.
pub const SUMMARY_SCHEMA_VERSION: u32 = 1;

/// A sweep's summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// JSON layout version ([`SUMMARY_SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// What each cell ran.
    pub kind: SweepKind,
    /// SHA-256 of the sweep's definition ([`SweepDefinition::sha256`]).
    pub definition_sha256: String,
    /// Number of cells.
    pub cells: usize,
    /// The grid keys, in cell order.
    pub grid_keys: Vec<String>,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// The key paired comparisons set values of against each other (`null`: none).
    pub paired_by: Option<String>,
    /// One entry per group of cells that differ only in the seed, in cell order.
    pub groups: Vec<GroupSummary>,
    /// Paired comparisons (empty without a paired key).
    pub comparisons: Vec<PairedComparison>,
    /// Warning codes the cells raised, with how many cells raised each, in the order
    /// first raised.
    pub warnings: Vec<WarningCount>,
}

/// One group's statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The group's parameters: every grid key but `seed`.
    pub params: BTreeMap<String, serde_json::Value>,
    /// Its cells.
    pub cells: usize,
    /// Per metric, in the rows' order.
    pub metrics: Vec<MetricSummary>,
}

/// One metric over a group's cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// The metric.
    pub metric: String,
    /// Cells where it is not `null`.
    pub n: usize,
    /// Their mean (`null` when n is 0).
    pub mean: Option<f64>,
    /// Sample standard deviation (`null` for fewer than 2).
    pub sd: Option<f64>,
    /// Lower end of the 95 % confidence interval of the mean.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
}

/// Two values of the paired key on the same seeds and parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedComparison {
    /// The parameters held equal: every grid key but the paired key and `seed`.
    pub params: BTreeMap<String, serde_json::Value>,
    /// The first value.
    pub a: serde_json::Value,
    /// The second value.
    pub b: serde_json::Value,
    /// The metric compared.
    pub metric: String,
    /// `lower` or `higher`: which is better.
    pub better: String,
    /// Matched cells where both have the metric.
    pub n: usize,
    /// Mean of `metric(a) − metric(b)` (`null` when n is 0).
    pub mean_difference: Option<f64>,
    /// Sample sd of the differences.
    pub sd: Option<f64>,
    /// Lower end of the 95 % confidence interval of the mean difference.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
    /// Share of the matched cells where `a` is better.
    pub a_wins: f64,
    /// Share where `b` is better.
    pub b_wins: f64,
    /// Share where they are equal.
    pub ties: f64,
}

/// A warning code and the number of cells that raised it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarningCount {
    /// The code.
    pub code: String,
    /// Cells that raised it.
    pub cells: usize,
}

fn stats_of(metric: &str, xs: &[f64]) -> MetricSummary {
    match mean_ci(xs) {
        None => MetricSummary {
            metric: metric.to_string(),
            n: 0,
            mean: None,
            sd: None,
            ci95_low: None,
            ci95_high: None,
        },
        Some(m) => MetricSummary {
            metric: metric.to_string(),
            n: m.n,
            mean: Some(round6(m.mean)),
            sd: m.sd.map(round6),
            ci95_low: m.ci95_low.map(round6),
            ci95_high: m.ci95_high.map(round6),
        },
    }
}

/// Groups `items` (in order) by `key`, keeping the order of first appearance.
fn group_by<'a, K: PartialEq>(
    items: impl Iterator<Item = &'a SweepRow>,
    key: impl Fn(&SweepRow) -> K,
) -> Vec<(K, Vec<&'a SweepRow>)> {
    let mut groups: Vec<(K, Vec<&SweepRow>)> = Vec::new();
    for r in items {
        let k = key(r);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, v)) => v.push(r),
            None => groups.push((k, vec![r])),
        }
    }
    groups
}

fn params_without(r: &SweepRow, drop: &[&str]) -> BTreeMap<String, serde_json::Value> {
    r.params
        .iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Per group of cells differing only in the seed (in cell order), each metric's
/// statistics: the summary's `groups`.
pub(crate) fn group_summaries(rows: &[SweepRow]) -> Vec<GroupSummary> {
    let metric_names: Vec<&str> = rows
        .first()
        .map(|r| r.metrics.iter().map(|(n, _)| n.as_str()).collect())
        .unwrap_or_default();
    group_by(rows.iter(), |r| params_without(r, &["seed"]))
        .into_iter()
        .map(|(params, cells)| GroupSummary {
            params,
            cells: cells.len(),
            metrics: metric_names
                .iter()
                .map(|m| {
                    let xs: Vec<f64> = cells.iter().filter_map(|r| r.metric(m)).collect();
                    stats_of(m, &xs)
                })
                .collect(),
        })
        .collect()
}

impl SweepSummary {
    /// The summary of `rows` (every cell of `definition`, in index order).
    pub fn new(definition: &SweepDefinition, rows: &[SweepRow]) -> SweepSummary {
        let groups = group_summaries(rows);
        let comparisons = match &definition.paired {
            None => Vec::new(),
            Some(key) => comparisons(definition, rows, key),
        };
        let mut warnings: Vec<WarningCount> = Vec::new();
        for r in rows {
            for code in &r.warnings {
                match warnings.iter_mut().find(|w| &w.code == code) {
                    Some(w) => w.cells += 1,
                    None => warnings.push(WarningCount {
                        code: code.clone(),
                        cells: 1,
                    }),
                }
            }
        }
        SweepSummary {
            schema_version: SUMMARY_SCHEMA_VERSION,
            kind: definition.kind,
            definition_sha256: definition.sha256(),
            cells: definition.cells(),
            grid_keys: definition.grid.iter().map(|a| a.key.clone()).collect(),
            seeds: definition.seeds.clone(),
            paired_by: definition.paired.clone(),
            groups,
            comparisons,
            warnings,
        }
    }

    /// The summary as pretty JSON with a trailing newline.
    pub fn render(&self) -> String {
        crate::report::json::pretty(self)
    }
}

fn comparisons(
    definition: &SweepDefinition,
    rows: &[SweepRow],
    key: &str,
) -> Vec<PairedComparison> {
    let Some(axis) = definition.grid.iter().find(|a| a.key == key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (params, cells) in group_by(rows.iter(), |r| params_without(r, &[key, "seed"])) {
        // Per value of the paired key, its cells by seed.
        let of = |v: &serde_json::Value| -> Vec<&SweepRow> {
            cells
                .iter()
                .copied()
                .filter(|r| r.param(key) == Some(v))
                .collect()
        };
        for i in 0..axis.values.len() {
            for j in i + 1..axis.values.len() {
                let (a, b) = (&axis.values[i], &axis.values[j]);
                let (ra, rb) = (of(a), of(b));
                for &(metric, better) in compared_metrics(definition.kind) {
                    let mut diffs = Vec::new();
                    let (mut aw, mut bw, mut ties) = (0usize, 0usize, 0usize);
                    for x in &ra {
                        let Some(y) = rb.iter().find(|y| y.param("seed") == x.param("seed")) else {
                            continue;
                        };
                        let (Some(va), Some(vb)) = (x.metric(metric), y.metric(metric)) else {
                            continue;
                        };
                        diffs.push(va - vb);
                        let a_better = match better {
                            Better::Lower => va < vb,
                            Better::Higher => va > vb,
                        };
                        if va == vb {
                            ties += 1;
                        } else if a_better {
                            aw += 1;
                        } else {
                            bw += 1;
                        }
                    }
                    let s = stats_of(metric, &diffs);
                    let share = |k: usize| {
                        if diffs.is_empty() {
                            0.0
                        } else {
                            round6(k as f64 / diffs.len() as f64)
                        }
                    };
                    out.push(PairedComparison {
                        params: params.clone(),
                        a: a.clone(),
                        b: b.clone(),
                        metric: metric.to_string(),
                        better: match better {
                            Better::Lower => "lower",
                            Better::Higher => "higher",
                        }
                        .to_string(),
                        n: s.n,
                        mean_difference: s.mean,
                        sd: s.sd,
                        ci95_low: s.ci95_low,
                        ci95_high: s.ci95_high,
                        a_wins: share(aw),
                        b_wins: share(bw),
                        ties: share(ties),
                    });
                }
            }
        }
    }
    out
}
