//! `spotsim sweep`: a grid of scenarios — strategies × traces × targets × latencies ×
//! seeds — run in parallel, one tidy row per cell, a summary with confidence intervals
//! and paired comparisons, and the same sweep sharded over the machines of a Slurm,
//! Kubernetes or AWS Batch array job and merged back, byte for byte.
//!
//! # The sweep file
//!
//! ```toml
//! kind = "run"                  # or "compare", "job": what each cell runs
//! seeds = 10                    # seeds 1..=10; or seed = [3, 7, 11]
//! # paired = "strategy"         # the key paired comparisons set against each other
//!
//! [base]                        # a scenario of that kind: its scenario file's keys
//! prices = ["prices.csv"]       # paths relative to the sweep file
//! interruption-rate = 5
//!
//! [grid]                        # scenario keys, each with a list of values
//! strategy = ["lowest-price", "capacity-optimized", "price-capacity-optimized"]
//! target = [10, 50]
//! launch-latency = [0, 90, 300]
//! ```
//!
//! * `[base]` takes exactly the keys of the kind's scenario file ([`crate::scenario`],
//!   [`crate::compare`], [`crate::job`]) and is read by the same parser; output and
//!   gate keys are the sweep command's, not a cell's. `[grid]` takes the same keys,
//!   each with a list; a value is what the key takes in a scenario file (a single file
//!   for a key that takes a list of files, e.g. `prices = ["a.csv", "b.csv"]`, is one
//!   file per cell). Unknown keys and values a key does not take are errors naming the
//!   file, line and key (`grid.tagret`) when the file is read; what depends on
//!   several keys or names something (a policy, a strategy option beside its strategy)
//!   is checked cell by cell before any cell runs, the error naming the cell and its
//!   parameters.
//! * Each cell runs **one** strategy (`run`), option (`compare`) or policy (`job`):
//!   list several under `[grid]` to compare them. Paired comparisons pair on that key
//!   (`strategy`, `options`, `policy`) unless `paired` names another grid key.
//! * Seeds: `seeds = N` (1 … N), or a list (`seed = [...]` at the top or in `[grid]`),
//!   or the base's `seed`, or 1 — once.
//!
//! # Cells, in a stable order
//!
//! Cells are the Cartesian product of the grid's lists and the seeds, numbered from 0
//! in row-major order: the grid keys **sorted by name**, the first varying slowest,
//! then the **seed, varying fastest** ([`SweepDefinition::coordinates`]). Reordering
//! the keys in the file changes nothing; reordering a key's values reorders cells.
//!
//! # Output
//!
//! One row per cell ([`row`]: index, parameters, summary metrics — [`metric_names`]),
//! JSON lines or CSV; the summary ([`summary`]): per group of cells differing only in
//! the seed, n, mean, sd and 95 % interval of every metric, and paired comparisons
//! (mean difference, its interval, the share of cells each side wins).
//!
//! # Parallel, deterministic
//!
//! Cells run on rayon's pool (as many threads as cores, or `RAYON_NUM_THREADS`); each
//! cell is a function of its scenario alone, and rows are collected in index order, so
//! the output is the same bytes with 1, 2 or 8 threads (tested). When several cells
//! fail, the error reported is the lowest-numbered cell's.
//!
//! # Beyond one machine
//!
//! [`shard`]: `--shard K/N`, `--shard-from-env N`, parts and `sweep merge`; `deploy/`
//! holds a Slurm batch script, a Kubernetes Indexed Job and an AWS Batch job
//! definition.

mod cell;
mod definition;
pub mod row;
pub mod shard;
pub mod summary;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use cell::metric_names;
pub use definition::{GridAxis, MAX_CELLS, Sweep, SweepDefinition, SweepKind};
pub use row::{RowFormat, SweepRow};
pub use shard::{Shard, merge_parts};
pub use summary::SweepSummary;

use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::options::SweepOutputOptions;
use crate::report::Warning;

/// What a sweep (or one shard of it) produced.
#[derive(Clone, Debug)]
pub struct SweepResults {
    /// The sweep's definition.
    pub definition: SweepDefinition,
    /// The rows of the cells run, in index order.
    pub rows: Vec<SweepRow>,
    /// The shard run, if any.
    pub shard: Option<Shard>,
    /// The cells' warnings, each once, in cell order.
    pub warnings: Vec<Warning>,
}

impl Sweep {
    /// Runs every cell (or the shard's), in parallel; `progress(done, total)` is called
    /// after each cell, from whichever thread ran it.
    ///
    /// ```
    /// use std::path::Path;
    /// use spotsim::sweep::Sweep;
    /// let s = Sweep::from_toml_str(
    ///     "kind = \"run\"\nseeds = 2\n[base]\nend = \"2026-01-02T00:00:00Z\"\ninterruption-rate = 20\n[grid]\nstrategy = [\"lowest-price\", \"capacity-optimized\"]\n",
    ///     "s.toml", Path::new("."),
    /// )?;
    /// let r = s.run(None, &|_, _| {})?;
    /// assert_eq!(r.rows.len(), 4);
    /// assert_eq!(r.rows[1].param("strategy").unwrap(), "lowest-price");
    /// assert_eq!(r.rows[1].param("seed").unwrap(), 2);
    /// assert!(r.rows[0].metric("total_cost_usd").unwrap() > 0.0);
    /// # Ok::<(), spotsim::error::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error`] of the lowest-numbered cell that fails, naming the cell.
    pub fn run(
        &self,
        shard: Option<Shard>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SweepResults, Error> {
        let def = self.definition();
        let indexes: Vec<usize> = (0..def.cells())
            .filter(|&i| shard.is_none_or(|s| s.has(i)))
            .collect();
        let names = metric_names(def.kind);
        // Every cell read and checked before any runs (errors come first; the lowest
        // index's when several fail, whatever the threads).
        let scenarios = indexes
            .par_iter()
            .map(|&i| {
                let s = cell::parse(def.kind, &self.cell_table(i), &self.dir)
                    .and_then(|s| s.check().map(|()| s))
                    .map_err(|e| self.in_cell(i, e.into()))?;
                Ok((i, s))
            })
            .collect::<Vec<Result<_, Error>>>()
            .into_iter()
            .collect::<Result<Vec<_>, Error>>()?;
        let total = scenarios.len();
        let done = AtomicUsize::new(0);
        let outcomes: Vec<Result<cell::CellOutcome, Error>> = scenarios
            .par_iter()
            .map(|(i, s)| {
                let r = s.run().map_err(|e| self.in_cell(*i, e));
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                r
            })
            .collect();
        let mut rows = Vec::with_capacity(total);
        let mut warnings: Vec<Warning> = Vec::new();
        for ((i, _), o) in scenarios.iter().zip(outcomes) {
            let o = o?;
            let mut codes: Vec<String> = Vec::new();
            for w in o.warnings {
                if !codes.contains(&w.code) {
                    codes.push(w.code.clone());
                }
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            rows.push(SweepRow {
                index: *i,
                params: def.params(*i),
                metrics: names.iter().map(|n| n.to_string()).zip(o.metrics).collect(),
                warnings: codes,
            });
        }
        Ok(SweepResults {
            definition: def.clone(),
            rows,
            shard,
            warnings,
        })
    }

    /// `e`, prefixed with the cell it happened in.
    fn in_cell(&self, i: usize, e: Error) -> Error {
        let params: Vec<String> = self
            .definition()
            .params(i)
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                v => format!("{k}={v}"),
            })
            .collect();
        let prefix = format!("cell {i} ({})", params.join(", "));
        match e {
            Error::Config(mut c) => {
                c.message = format!("{prefix}: {}", c.message);
                Error::Config(c)
            }
            Error::Input(mut c) => {
                c.message = format!("{prefix}: {}", c.message);
                Error::Input(c)
            }
            other => other,
        }
    }
}

impl SweepResults {
    /// The summary of the rows (an unsharded run's).
    pub fn summary(&self) -> SweepSummary {
        SweepSummary::new(&self.definition, &self.rows)
    }
}

/// Where the texts of a sweep command go: the rows (stdout or `--out`) and the summary
/// (`--summary-out`, if asked).
#[derive(Clone, Debug)]
pub struct SweepOutputs {
    /// The rows (or a shard's part).
    pub rows: String,
    /// Where the rows go (`None`: stdout).
    pub out: Option<PathBuf>,
    /// The summary JSON and where it goes.
    pub summary: Option<(String, PathBuf)>,
    /// Warnings to print on stderr.
    pub warnings: Vec<Warning>,
}

/// How `spotsim sweep FILE` runs: the output options, and a shard.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct SweepOptions {
    /// Rows and summary.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub output: SweepOutputOptions,
    /// Run only the cells with index ≡ K (mod N), K = 1 … N, and write them as a part for `spotsim sweep merge`.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "K/N", conflicts_with = "shard_from_env")
    )]
    pub shard: Option<String>,
    /// As --shard K/N, K from the first set of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX (0 means N).
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub shard_from_env: Option<usize>,
}

impl SweepOptions {
    /// The shard asked for, if any (`env` reads the environment).
    ///
    /// # Errors
    /// [`ConfigError`] for a malformed `--shard` or an unset or bad variable.
    pub fn shard(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ConfigError> {
        match (&self.shard, self.shard_from_env) {
            (Some(s), None) => Shard::parse(s).map(Some),
            (None, Some(n)) => Shard::from_env(n, env).map(Some),
            (None, None) => Ok(None),
            (Some(_), Some(_)) => Err(ConfigError::new(
                "shard",
                "give --shard or --shard-from-env, not both",
            )),
        }
    }
}

/// `spotsim sweep FILE`: reads the sweep, runs it (or one shard) and renders the rows,
/// the summary or the part.
///
/// # Errors
/// [`Error`] for a bad sweep file, options that do not go together (`--shard` with CSV
/// or a summary: a part is JSON lines, and the summary is `merge`'s), a failing cell.
pub fn run_file(
    file: &Path,
    opts: &SweepOptions,
    env: impl Fn(&str) -> Option<String>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepOutputs, Error> {
    let format = opts.output.format();
    let shard = opts.shard(env)?;
    if shard.is_some() {
        if format != RowFormat::Jsonl {
            return Err(ConfigError::new(
                "output",
                "a shard writes a part (JSON lines with a header); choose the format at `spotsim sweep merge`",
            )
            .into());
        }
        if opts.output.summary_out.is_some() {
            return Err(ConfigError::new(
                "summary-out",
                "a shard has no summary of its own: `spotsim sweep merge --summary-out` writes the sweep's",
            )
            .into());
        }
    }
    let sweep = Sweep::load(file)?;
    let results = sweep.run(shard, progress)?;
    let rows = match shard {
        Some(s) => shard::render_part(&results.definition, s, &results.rows),
        None if format == RowFormat::Html => {
            let summary = results.summary();
            crate::report::html::SweepPage::new(&results.rows)
                .summary(&summary)
                .warnings(&results.warnings)
                .render()
        }
        None => row::render_rows(&results.rows, format),
    };
    let summary = match (&opts.output.summary_out, shard) {
        (Some(p), None) => Some((results.summary().render(), p.clone())),
        _ => None,
    };
    Ok(SweepOutputs {
        rows,
        out: opts.output.out.clone(),
        summary,
        warnings: results.warnings,
    })
}

/// `spotsim sweep merge PART…`: the rows and summary of the unsharded run, from its
/// parts.
///
/// # Errors
/// [`Error`] for an unreadable part, parts of different sweeps, a missing or
/// duplicated cell.
pub fn merge_files(parts: &[PathBuf], output: &SweepOutputOptions) -> Result<SweepOutputs, Error> {
    let mut texts = Vec::with_capacity(parts.len());
    for p in parts {
        let name = p.display().to_string();
        let text = String::from_utf8(crate::ingest::read_all(p)?).map_err(|e| {
            InputError::new(
                &name,
                InputErrorKind::Io,
                format!("cannot read: {}", e.utf8_error()),
            )
        })?;
        texts.push((name, text));
    }
    let (definition, rows) = merge_parts(&texts)?;
    let whole = SweepSummary::new(&definition, &rows);
    let summary = output
        .summary_out
        .as_ref()
        .map(|p| (whole.render(), p.clone()));
    let text = match output.format() {
        RowFormat::Html => crate::report::html::SweepPage::new(&rows)
            .summary(&whole)
            .render(),
        f => row::render_rows(&rows, f),
    };
    Ok(SweepOutputs {
        rows: text,
        out: output.out.clone(),
        summary,
        warnings: Vec::new(),
    })
}
