//! Sharding a sweep over machines: `--shard K/N` runs the cells whose index is
//! ≡ K (mod N) and writes a **part**; `sweep merge` checks the parts and rebuilds the
//! output of the unsharded run, byte for byte.
//!
//! * **K and N.** N ≥ 1 shards; K is 1-based, `1/N` … `N/N` (as the issue's `1/4..4/4`),
//!   and 0 is accepted as a synonym of N (index ≡ 0 ≡ N mod N), so the 0-based indexes
//!   of array-job engines name the same N shards: `--shard-from-env N` takes K from the
//!   first of these variables that is set:
//!
//!   | variable | engine | base |
//!   |---|---|---|
//!   | `SLURM_ARRAY_TASK_ID` | Slurm job array | what `--array` says (`deploy/slurm/sweep.sbatch` uses `--array=1-N`) |
//!   | `JOB_COMPLETION_INDEX` | Kubernetes Indexed Job | 0-based, `0 … completions − 1` |
//!   | `AWS_BATCH_JOB_ARRAY_INDEX` | AWS Batch array job | 0-based, `0 … size − 1` |
//!
//! * **A part** is JSON lines: a header `{"spotsim_sweep_part": 1, "definition_sha256",
//!   "shard": [K, N], "definition": {…}}` ([`PartHeader`]), then the shard's rows as the
//!   JSON lines output writes them (full precision). The definition travels with the
//!   part, so `merge` needs no sweep file.
//! * **Merge** ([`merge_parts`]) reads every part, checks that they share one definition
//!   hash (an error names the part that differs) and that every cell `0 … cells − 1` is
//!   there exactly once (errors name the missing or duplicated cells and, for a
//!   duplicate, both parts), orders the rows by index and computes the summary from
//!   them: the same rows and the same summary as the unsharded run.

use serde::{Deserialize, Serialize};

use super::SweepDefinition;
use super::row::SweepRow;
use crate::error::{ConfigError, Error, InputError, InputErrorKind};

/// The environment variables `--shard-from-env` reads, in order.
pub const SHARD_ENV_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// Shard K of N (`1 ≤ K ≤ N`; see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, 1-based.
    pub k: usize,
    /// N.
    pub n: usize,
}

impl Shard {
    /// Shard `k` of `n`; `k = 0` is shard `n`.
    ///
    /// # Errors
    /// [`ConfigError`] (option `shard`) when `n` is 0 or `k > n`.
    pub fn new(k: usize, n: usize) -> Result<Shard, ConfigError> {
        if n == 0 {
            return Err(ConfigError::new("shard", "N must be at least 1"));
        }
        if k > n {
            return Err(ConfigError::new(
                "shard",
                format!("{k}/{n}: K must be 1 … {n} (or 0, the same as {n})"),
            ));
        }
        Ok(Shard {
            k: if k == 0 { n } else { k },
            n,
        })
    }

    /// Parses `K/N`.
    ///
    /// ```
    /// use spotsim::sweep::Shard;
    /// let s = Shard::parse("2/4").unwrap();
    /// assert!(s.has(2) && s.has(6) && !s.has(1));
    /// assert!(Shard::parse("4/4").unwrap().has(0));
    /// assert_eq!(Shard::parse("0/4").unwrap(), Shard::parse("4/4").unwrap());
    /// assert!(Shard::parse("5/4").is_err() && Shard::parse("x").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] (option `shard`) for anything else.
    pub fn parse(s: &str) -> Result<Shard, ConfigError> {
        let bad = || ConfigError::new("shard", format!("`{s}`: expected K/N, e.g. 1/4"));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n)
    }

    /// Shard K of `n`, K read from the first variable of [`SHARD_ENV_VARS`] that
    /// `get` finds set.
    ///
    /// ```
    /// use spotsim::sweep::Shard;
    /// let env = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "0".to_string());
    /// assert_eq!(Shard::from_env(4, env).unwrap(), Shard::parse("4/4").unwrap());
    /// assert!(Shard::from_env(4, |_| None).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] (option `shard-from-env`) when none is set, or its value is not
    /// a number 0 … `n`.
    pub fn from_env(n: usize, get: impl Fn(&str) -> Option<String>) -> Result<Shard, ConfigError> {
        for var in SHARD_ENV_VARS {
            if let Some(v) = get(var).filter(|v| !v.trim().is_empty()) {
                let k: usize = v.trim().parse().map_err(|_| {
                    ConfigError::new("shard-from-env", format!("{var}={v}: not a whole number"))
                })?;
                return Shard::new(k, n).map_err(|e| {
                    ConfigError::new("shard-from-env", format!("{var}={v}: {}", e.message))
                });
            }
        }
        Err(ConfigError::new(
            "shard-from-env",
            format!("none of {} is set", SHARD_ENV_VARS.join(", ")),
        ))
    }

    /// Whether cell `index` is in this shard (index ≡ K mod N).
    pub fn has(&self, index: usize) -> bool {
        index % self.n == self.k % self.n
    }
}

/// The first line of a part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    /// The part layout's version (1).
    pub spotsim_sweep_part: u32,
    /// SHA-256 of the definition.
    pub definition_sha256: String,
    /// `[K, N]`.
    pub shard: [usize; 2],
    /// The sweep's definition.
    pub definition: SweepDefinition,
}

/// A part's text: the header line, then the rows as JSON lines.
pub fn render_part(definition: &SweepDefinition, shard: Shard, rows: &[SweepRow]) -> String {
    let header = PartHeader {
        spotsim_sweep_part: 1,
        definition_sha256: definition.sha256(),
        shard: [shard.k, shard.n],
        definition: definition.clone(),
    };
    let mut out = serde_json::to_string(&header).unwrap_or_default();
    out.push('\n');
    out.push_str(&super::row::to_jsonl(rows));
    out
}

/// A part read back: its header and rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The header.
    pub header: PartHeader,
    /// The rows.
    pub rows: Vec<SweepRow>,
}

/// Parses a part's `text`; `name` is used in errors.
///
/// # Errors
/// [`InputError`] naming the file and line of a line that is not a part's header or
/// row.
pub fn parse_part(text: &str, name: &str) -> Result<Part, InputError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines
        .next()
        .ok_or_else(|| InputError::new(name, InputErrorKind::Empty, "empty: not a sweep part"))?;
    let header: PartHeader = serde_json::from_str(first).map_err(|e| {
        InputError::new(
            name,
            InputErrorKind::Syntax,
            format!("line 1: not a sweep part's header (written by `spotsim sweep --shard`): {e}"),
        )
    })?;
    let mut rows = Vec::new();
    for (i, l) in lines {
        let row: SweepRow = serde_json::from_str(l).map_err(|e| {
            InputError::new(
                name,
                InputErrorKind::Syntax,
                format!("line {}: not a sweep row: {e}", i + 1),
            )
        })?;
        rows.push(row);
    }
    Ok(Part { header, rows })
}

/// Merges parts (name, text): the definition and every row in index order.
///
/// # Errors
/// [`Error::Input`] for a part that does not parse; [`Error::Config`] when the parts'
/// definitions differ, a cell is missing, duplicated, or outside the sweep.
pub fn merge_parts(parts: &[(String, String)]) -> Result<(SweepDefinition, Vec<SweepRow>), Error> {
    let Some((first_name, _)) = parts.first() else {
        return Err(ConfigError::new("merge", "no parts given").into());
    };
    let mut parsed = Vec::with_capacity(parts.len());
    for (name, text) in parts {
        parsed.push(parse_part(text, name)?);
    }
    let def = parsed[0].header.definition.clone();
    let hash = def.sha256();
    for (p, (name, _)) in parsed.iter().zip(parts) {
        if p.header.definition_sha256 != hash || p.header.definition.sha256() != hash {
            return Err(ConfigError::new(
                "merge",
                format!(
                    "{name}: sweep definition {} differs from {first_name}'s {} (parts of different sweeps or spotsim versions)",
                    short(&p.header.definition_sha256),
                    short(&hash)
                ),
            )
            .into());
        }
    }
    let cells = def.cells();
    let mut seen: Vec<Option<usize>> = vec![None; cells];
    let mut rows: Vec<Option<SweepRow>> = vec![None; cells];
    for (pi, p) in parsed.into_iter().enumerate() {
        for r in p.rows {
            let i = r.index;
            if i >= cells {
                return Err(ConfigError::new(
                    "merge",
                    format!(
                        "{}: cell {i} is not in the sweep (cells 0 … {})",
                        parts[pi].0,
                        cells - 1
                    ),
                )
                .into());
            }
            if let Some(other) = seen[i] {
                return Err(ConfigError::new(
                    "merge",
                    format!(
                        "cell {i} ({}) is in both {} and {}",
                        describe(&def, i),
                        parts[other].0,
                        parts[pi].0
                    ),
                )
                .into());
            }
            seen[i] = Some(pi);
            rows[i] = Some(r);
        }
    }
    let missing: Vec<usize> = (0..cells).filter(|&i| seen[i].is_none()).collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .take(10)
            .map(|&i| format!("{i} ({})", describe(&def, i)))
            .collect();
        return Err(ConfigError::new(
            "merge",
            format!(
                "{} of {cells} cells missing: {}{}",
                missing.len(),
                list.join(", "),
                if missing.len() > 10 { ", …" } else { "" }
            ),
        )
        .into());
    }
    Ok((def, rows.into_iter().flatten().collect()))
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// `key=value, …` of cell `i`.
fn describe(def: &SweepDefinition, i: usize) -> String {
    def.params(i)
        .iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            v => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
