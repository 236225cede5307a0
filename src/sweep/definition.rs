//! A sweep file: its kind, `[base]` scenario, `[grid]` of lists and seeds, read and
//! checked ([`Sweep`]), and the cells it defines, numbered in a fixed order.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::options::{GateOptions, OutputOptions};
use crate::scenario_file::{field_names, line_col, toml_key_position};

/// What each cell of a sweep runs: a `spotsim run`, `compare` or `job` scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SweepKind {
    /// `spotsim run`: one strategy per cell.
    Run,
    /// `spotsim compare`: one option per cell.
    Compare,
    /// `spotsim job`: one policy per cell.
    Job,
}

impl SweepKind {
    /// The kinds' names, as `kind =` takes them.
    pub const NAMES: &'static [&'static str] = &["run", "compare", "job"];

    /// The kind's name.
    pub fn name(self) -> &'static str {
        match self {
            SweepKind::Run => "run",
            SweepKind::Compare => "compare",
            SweepKind::Job => "job",
        }
    }

    /// The key whose values paired comparisons set against each other, unless the file
    /// names another (`paired = "KEY"`): `strategy`, `options` or `policy`.
    ///
    /// ```
    /// use spotsim::sweep::SweepKind;
    /// assert_eq!(SweepKind::Job.default_paired_key(), "policy");
    /// ```
    pub fn default_paired_key(self) -> &'static str {
        match self {
            SweepKind::Run => "strategy",
            SweepKind::Compare => "options",
            SweepKind::Job => "policy",
        }
    }

    /// Every key a scenario of this kind takes (its scenario file's keys).
    pub fn scenario_keys(self) -> Vec<&'static str> {
        match self {
            SweepKind::Run => crate::scenario::Scenario::keys(),
            SweepKind::Compare => crate::compare::CompareScenario::keys(),
            SweepKind::Job => crate::job::JobScenario::keys(),
        }
    }

    fn parse(s: &str) -> Result<SweepKind, ConfigError> {
        match s {
            "run" => Ok(SweepKind::Run),
            "compare" => Ok(SweepKind::Compare),
            "job" => Ok(SweepKind::Job),
            other => Err(crate::suggest::unknown_value("kind", other, Self::NAMES)),
        }
    }
}

/// One key of the grid and its values, as the file lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridAxis {
    /// The scenario key.
    pub key: String,
    /// Its values, in the file's order.
    pub values: Vec<serde_json::Value>,
}

/// What a sweep file defines, independent of where it lies: what its definition hash
/// covers and what every shard's part carries, so `sweep merge` can rebuild the
/// output without the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepDefinition {
    /// The version of spotsim that ran it: parts of different versions do not merge.
    pub spotsim_version: String,
    /// What each cell runs.
    pub kind: SweepKind,
    /// The scenario every cell starts from (the `[base]` table; paths as written).
    pub base: serde_json::Value,
    /// The grid keys in cell order: sorted by name (`seed` is not among them).
    pub grid: Vec<GridAxis>,
    /// The seeds, in order: the last, fastest-varying coordinate of the cells.
    pub seeds: Vec<u64>,
    /// The grid key whose values paired comparisons set against each other; `None`
    /// when that key is not in the grid (no comparisons).
    pub paired: Option<String>,
}

impl SweepDefinition {
    /// The number of cells: the product of the grid's list lengths and the seeds.
    pub fn cells(&self) -> usize {
        self.grid.iter().map(|a| a.values.len()).product::<usize>() * self.seeds.len()
    }

    /// The grid coordinates of cell `index` (one value index per grid key) and its
    /// seed. Cells are numbered in row-major order: the grid keys sorted by name, the
    /// first varying slowest, then the seed, varying fastest.
    ///
    /// ```
    /// use spotsim::sweep::{GridAxis, SweepDefinition, SweepKind};
    /// let d = SweepDefinition {
    ///     spotsim_version: "x".into(),
    ///     kind: SweepKind::Run,
    ///     base: serde_json::json!({}),
    ///     grid: vec![
    ///         GridAxis { key: "strategy".into(), values: vec!["a".into(), "b".into()] },
    ///         GridAxis { key: "target".into(), values: vec![10.into(), 50.into(), 90.into()] },
    ///     ],
    ///     seeds: vec![1, 2],
    ///     paired: Some("strategy".into()),
    /// };
    /// assert_eq!(d.cells(), 12);
    /// // Cell 9 = ((1·3) + 1)·2 + 1: strategy b, target 50, seed 2.
    /// assert_eq!(d.coordinates(9), (vec![1, 1], 2));
    /// ```
    pub fn coordinates(&self, index: usize) -> (Vec<usize>, u64) {
        let mut rest = index;
        let seed = self.seeds[rest % self.seeds.len()];
        rest /= self.seeds.len();
        let mut coords = vec![0; self.grid.len()];
        for (i, axis) in self.grid.iter().enumerate().rev() {
            coords[i] = rest % axis.values.len();
            rest /= axis.values.len();
        }
        (coords, seed)
    }

    /// Cell `index`'s parameters: every grid key with its value, then `seed`.
    pub fn params(&self, index: usize) -> Vec<(String, serde_json::Value)> {
        let (coords, seed) = self.coordinates(index);
        let mut p: Vec<(String, serde_json::Value)> = self
            .grid
            .iter()
            .zip(coords)
            .map(|(a, c)| (a.key.clone(), a.values[c].clone()))
            .collect();
        p.push(("seed".to_string(), seed.into()));
        p
    }

    /// SHA-256 of the definition's compact JSON: what parts must share to merge.
    pub fn sha256(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        crate::ingest::sha256_hex(text.as_bytes())
    }
}

/// A sweep read from its file, ready to run: the definition and, per grid value, the
/// value as its scenario key takes it.
#[derive(Clone, Debug)]
pub struct Sweep {
    definition: SweepDefinition,
    /// The base table (without `seed`).
    pub(crate) base: toml::Table,
    /// Per grid key, its values as the scenario reads them (a single file given for a
    /// key that takes a list becomes a list of one).
    pub(crate) values: Vec<Vec<toml::Value>>,
    /// Where relative paths are resolved from: the file's directory.
    pub(crate) dir: PathBuf,
    sha256: String,
}

/// The most cells a sweep may have.
pub const MAX_CELLS: usize = 100_000_000;

/// Top-level keys of a sweep file.
const TOP_KEYS: &[&str] = &["kind", "base", "grid", "seeds", "seed", "paired"];

impl Sweep {
    /// Reads a sweep file (TOML). Relative paths in it are relative to its directory.
    ///
    /// # Errors
    /// [`Error::Input`] when the file cannot be read; [`Error::Config`] naming the file,
    /// line and key of anything wrong in it.
    pub fn load(path: &Path) -> Result<Sweep, Error> {
        let name = path.display().to_string();
        let bytes = crate::ingest::read_all_max(path, crate::limits::MAX_CONFIG_FILE_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            InputError::new(
                &name,
                InputErrorKind::Io,
                format!("cannot read: {}", e.utf8_error()),
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        Ok(Sweep::from_toml_str(&text, &name, &dir)?)
    }

    /// Parses a sweep from TOML text; `name` is used in errors, relative paths are
    /// resolved against `dir`.
    ///
    /// ```
    /// use std::path::Path;
    /// use spotsim::sweep::Sweep;
    /// let s = Sweep::from_toml_str(
    ///     "kind = \"run\"\nseeds = 2\n[base]\nend = \"2026-01-02T00:00:00Z\"\n[grid]\nstrategy = [\"lowest-price\", \"capacity-optimized\"]\ntarget = [5, 10]\n",
    ///     "s.toml", Path::new("."),
    /// ).unwrap();
    /// assert_eq!(s.definition().cells(), 8);
    /// let e = Sweep::from_toml_str("kind = \"run\"\n[grid]\ntagret = [1]\n", "s.toml", Path::new(".")).unwrap_err();
    /// assert_eq!(e.to_string(), "s.toml: option `grid.tagret`: line 3, column 1: unknown key (did you mean `target`?); keys are a run scenario's keys");
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, line and key: an unknown key (top level,
    /// `[base]` or `[grid]`), a grid value that is not a list or that its key does not
    /// take, a seed given twice, an output option in `[base]`.
    pub fn from_toml_str(text: &str, name: &str, dir: &Path) -> Result<Sweep, ConfigError> {
        let at = |key: &str, msg: String, pos: Option<(usize, usize)>| {
            let place = pos.map_or(String::new(), |(l, c)| format!("line {l}, column {c}: "));
            ConfigError::new(key, format!("{place}{msg}")).in_file(name)
        };
        let doc: toml::Table = toml::from_str(text).map_err(|e| {
            let (l, c) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            let msg = e.message().lines().collect::<Vec<_>>().join("; ");
            ConfigError::new("sweep", format!("line {l}, column {c}: {msg}")).in_file(name)
        })?;
        if let Some(k) = doc.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
            return Err(at(
                k,
                format!(
                    "unknown key{}; a sweep file has {}",
                    crate::suggest::hint(k, TOP_KEYS.iter().copied()),
                    TOP_KEYS.join(", ")
                ),
                toml_key_position(text, k),
            ));
        }
        let top_pos = |k: &str| toml_key_position(text, k);
        let kind = match doc.get("kind") {
            None => {
                return Err(at(
                    "kind",
                    format!("required: one of {}", SweepKind::NAMES.join(", ")),
                    None,
                ));
            }
            Some(toml::Value::String(s)) => {
                SweepKind::parse(s).map_err(|e| at("kind", e.message, top_pos("kind")))?
            }
            Some(v) => {
                return Err(at(
                    "kind",
                    format!("expected a string, found {}", v.type_str()),
                    top_pos("kind"),
                ));
            }
        };
        let table_of = |key: &str| -> Result<toml::Table, ConfigError> {
            match doc.get(key) {
                None => Ok(toml::Table::new()),
                Some(toml::Value::Table(t)) => Ok(t.clone()),
                Some(v) => Err(at(
                    key,
                    format!("expected a table, found {}", v.type_str()),
                    top_pos(key),
                )),
            }
        };
        let mut base = table_of("base")?;
        let grid_table = table_of("grid")?;
        let known = kind.scenario_keys();
        // Output and gates are the sweep command's business, not a cell's.
        let not_in_sweep: Vec<&str> = field_names::<OutputOptions>()
            .iter()
            .chain(field_names::<GateOptions>())
            .copied()
            .collect();
        let check_key = |table: &str, k: &str| -> Result<(), ConfigError> {
            let pos = nested_key_position(text, table, k);
            let key = format!("{table}.{k}");
            if k == "seed" && table == "grid" {
                return Ok(());
            }
            if not_in_sweep.contains(&k) {
                return Err(at(
                    &key,
                    "not a cell's option: give output and gates to `spotsim sweep` (--output, --out, --summary-out)".to_string(),
                    pos,
                ));
            }
            if !known.contains(&k) {
                return Err(at(
                    &key,
                    format!(
                        "unknown key{}; keys are a {} scenario's keys",
                        crate::suggest::hint(k, known.iter().copied()),
                        kind.name()
                    ),
                    pos,
                ));
            }
            Ok(())
        };
        for k in base.keys() {
            check_key("base", k)?;
        }
        for k in grid_table.keys() {
            check_key("grid", k)?;
        }
        // Seeds: `seeds = N`, or a list (`seed = [...]` at the top or in [grid]), or the
        // base's seed, or 1.
        let mut given: Vec<(&str, Vec<u64>)> = Vec::new();
        if let Some(v) = doc.get("seeds") {
            let n = v
                .as_integer()
                .filter(|n| (1..=MAX_CELLS as i64).contains(n))
                .ok_or_else(|| {
                    at(
                        "seeds",
                        format!(
                            "expected a number of seeds ≥ 1 and ≤ {MAX_CELLS} (seeds 1..=N), found {v}"
                        ),
                        top_pos("seeds"),
                    )
                })?;
            given.push(("seeds", (1..=n as u64).collect()));
        }
        for (key, v, pos) in [
            ("seed", doc.get("seed"), top_pos("seed")),
            (
                "grid.seed",
                grid_table.get("seed"),
                nested_key_position(text, "grid", "seed"),
            ),
        ] {
            if let Some(v) = v {
                let list = seed_list(v).map_err(|m| at(key, m, pos))?;
                given.push((key, list));
            }
        }
        if let Some(v) = base.get("seed") {
            let list = seed_list(&toml::Value::Array(vec![v.clone()]))
                .map_err(|m| at("base.seed", m, nested_key_position(text, "base", "seed")))?;
            given.push(("base.seed", list));
            base.remove("seed");
        }
        if given.len() > 1 {
            return Err(at(
                given[1].0,
                format!(
                    "the seeds are already given by `{}`: give them once",
                    given[0].0
                ),
                None,
            ));
        }
        let seeds = given.pop().map_or(vec![1], |(_, s)| s);
        // The base must be a valid scenario on its own (every key's value checked).
        check_cell(kind, &base, dir).map_err(|e| {
            let key = e.option.split('.').next().unwrap_or("").to_string();
            let pos = nested_key_position(text, "base", &key);
            at(&format!("base.{}", e.option), e.message, pos)
        })?;
        // The grid, keys sorted; every value checked against the base.
        let mut keys: Vec<&String> = grid_table.keys().filter(|k| *k != "seed").collect();
        keys.sort();
        let mut grid = Vec::new();
        let mut values = Vec::new();
        for k in keys {
            let pos = nested_key_position(text, "grid", k);
            let key = format!("grid.{k}");
            let list = match &grid_table[k] {
                toml::Value::Array(a) if !a.is_empty() => a.clone(),
                toml::Value::Array(_) => {
                    return Err(at(&key, "an empty list: no cells".to_string(), pos));
                }
                v => {
                    return Err(at(
                        &key,
                        format!(
                            "expected a list of values, found {}; a single value belongs in [base]",
                            v.type_str()
                        ),
                        pos,
                    ));
                }
            };
            let mut taken = Vec::with_capacity(list.len());
            for (i, v) in list.iter().enumerate() {
                taken.push(
                    as_taken(kind, &base, k, v, dir).map_err(|e| {
                        at(&key, format!("value {} ({v}): {}", i + 1, e.message), pos)
                    })?,
                );
            }
            grid.push(GridAxis {
                key: k.clone(),
                values: list.iter().map(to_json).collect(),
            });
            values.push(taken);
        }
        let paired = match doc.get("paired") {
            None => {
                let k = kind.default_paired_key();
                grid.iter().any(|a| a.key == k).then(|| k.to_string())
            }
            Some(toml::Value::String(k)) if grid.iter().any(|a| &a.key == k) => Some(k.clone()),
            Some(v) => {
                return Err(at(
                    "paired",
                    format!(
                        "{v}: must name a key of [grid] (one of: {})",
                        grid.iter()
                            .map(|a| a.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    top_pos("paired"),
                ));
            }
        };
        let cells = grid
            .iter()
            .try_fold(seeds.len(), |n, a| n.checked_mul(a.values.len()))
            .filter(|n| *n <= MAX_CELLS);
        if cells.is_none() {
            return Err(at(
                "grid",
                format!("more than {MAX_CELLS} cells: split the sweep into several files"),
                None,
            ));
        }
        let definition = SweepDefinition {
            spotsim_version: env!("CARGO_PKG_VERSION").to_string(),
            kind,
            base: to_json(&toml::Value::Table(base.clone())),
            grid,
            seeds,
            paired,
        };
        let sha256 = definition.sha256();
        Ok(Sweep {
            definition,
            base,
            values,
            dir: dir.to_path_buf(),
            sha256,
        })
    }

    /// What the file defines.
    pub fn definition(&self) -> &SweepDefinition {
        &self.definition
    }

    /// SHA-256 of the definition ([`SweepDefinition::sha256`]).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The scenario table of cell `index`: the base, each grid key's value, the seed.
    pub(crate) fn cell_table(&self, index: usize) -> toml::Table {
        let (coords, seed) = self.definition.coordinates(index);
        let mut t = self.base.clone();
        for ((axis, vals), c) in self.definition.grid.iter().zip(&self.values).zip(coords) {
            t.insert(axis.key.clone(), vals[c].clone());
        }
        t.insert("seed".into(), toml::Value::Integer(seed as i64));
        t
    }
}

/// A list of seeds from a TOML value (each 0 ..= 2⁶³ − 1, the largest TOML integer).
fn seed_list(v: &toml::Value) -> Result<Vec<u64>, String> {
    let toml::Value::Array(a) = v else {
        return Err(format!("expected a list of seeds, found {}", v.type_str()));
    };
    if a.is_empty() {
        return Err("an empty list: no cells".to_string());
    }
    a.iter()
        .map(|x| match x.as_integer() {
            Some(n) if n >= 0 => Ok(n as u64),
            _ => Err(format!("{x}: a seed is a whole number ≥ 0")),
        })
        .collect()
}

/// `v` as key `k` takes it on top of `base`: as written, or — for a key that takes a
/// list (`prices`, `trace`, …) and a value that is not one — as a list of one.
fn as_taken(
    kind: SweepKind,
    base: &toml::Table,
    k: &str,
    v: &toml::Value,
    dir: &Path,
) -> Result<toml::Value, ConfigError> {
    let with = |v: &toml::Value| {
        let mut t = base.clone();
        t.insert(k.to_string(), v.clone());
        check_cell(kind, &t, dir)
    };
    match with(v) {
        Ok(()) => Ok(v.clone()),
        Err(e) if !v.is_array() => {
            let one = toml::Value::Array(vec![v.clone()]);
            with(&one).map(|()| one).map_err(|_| e)
        }
        Err(e) => Err(e),
    }
}

/// Whether `table` reads as a scenario of `kind`: every key's value of the type the key
/// takes. Checks that depend on several keys (a strategy option and the strategy it
/// applies to, which may both be grid keys) and names (policies) are each cell's, before
/// any cell runs ([`Sweep::run`]).
pub(crate) fn check_cell(
    kind: SweepKind,
    table: &toml::Table,
    dir: &Path,
) -> Result<(), ConfigError> {
    super::cell::parse(kind, table, dir).map(|_| ())
}

/// A TOML value as JSON (dates as their TOML text).
pub(crate) fn to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => s.clone().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => a.iter().map(to_json).collect(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

/// Where `key` of table `[table]` is written: `key = …` after the `[table]` header,
/// or `table.key = …` at the top level.
fn nested_key_position(text: &str, table: &str, key: &str) -> Option<(usize, usize)> {
    let mut current: Option<String> = None;
    let dotted = format!("{table}.{key}");
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let col = line.len() - t.len() + 1;
        if let Some(h) = t.strip_prefix('[') {
            current = Some(h.split(']').next().unwrap_or("").trim().to_string());
            continue;
        }
        let target = match current.as_deref() {
            Some(c) if c == table => key,
            None => dotted.as_str(),
            _ => continue,
        };
        for k in [target.to_string(), format!("\"{target}\"")] {
            if let Some(rest) = t.strip_prefix(k.as_str())
                && rest.trim_start().starts_with('=')
            {
                return Some((i + 1, col));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_nested_keys() {
        let t =
            "kind = \"run\"\ngrid.target = [1]\n[base]\ntarget = 3\n[grid]\n  strategy = [\"a\"]\n";
        assert_eq!(nested_key_position(t, "base", "target"), Some((4, 1)));
        assert_eq!(nested_key_position(t, "grid", "strategy"), Some((6, 3)));
        assert_eq!(nested_key_position(t, "grid", "target"), Some((2, 1)));
        assert_eq!(nested_key_position(t, "base", "strategy"), None);
    }
}
