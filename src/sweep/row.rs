//! One tidy row per cell: its index, its parameters (every grid key and the seed) and
//! its summary metrics, flat, as JSON lines or CSV — readable straight into pandas
//! (`pd.read_json(f, lines=True)`, `pd.read_csv(f)`), polars or R.
//!
//! A JSON line is one object: `index`, then the parameters in cell order (grid keys
//! sorted by name, then `seed`; kebab-case, as the scenario keys), then the metrics
//! ([`super::metric_names`]; snake_case), then `warnings` (the codes of the cell's
//! warnings). A CSV has the same columns; a parameter that is a list or a table is
//! its compact JSON; `null` is an empty cell; `warnings` is `;`-separated.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One cell's row.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// The cell's index ([`super::SweepDefinition::coordinates`]).
    pub index: usize,
    /// Its parameters, in cell order: the grid keys, then `seed`.
    pub params: Vec<(String, serde_json::Value)>,
    /// Its metrics, in [`super::metric_names`] order.
    pub metrics: Vec<(String, Option<f64>)>,
    /// The codes of its warnings, each once, in the order raised.
    pub warnings: Vec<String>,
}

impl SweepRow {
    /// The value of metric `name`.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| *v)
    }

    /// The value of parameter `key`.
    pub fn param(&self, key: &str) -> Option<&serde_json::Value> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for SweepRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2 + self.params.len() + self.metrics.len()))?;
        m.serialize_entry("index", &self.index)?;
        for (k, v) in &self.params {
            m.serialize_entry(k, v)?;
        }
        for (k, v) in &self.metrics {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("warnings", &self.warnings)?;
        m.end()
    }
}

/// Every metric name of every kind: how a row read back tells metrics from parameters
/// (no scenario key is a metric's name; a test checks it).
fn is_metric(name: &str) -> bool {
    [
        super::SweepKind::Run,
        super::SweepKind::Compare,
        super::SweepKind::Job,
    ]
    .iter()
    .any(|k| super::metric_names(*k).contains(&name))
}

impl<'de> Deserialize<'de> for SweepRow {
    /// Reads a row in the order its keys come: `index`, `warnings`, metrics (by name),
    /// and every other key a parameter.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = SweepRow;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sweep row (a JSON object with `index`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SweepRow, A::Error> {
                let mut row = SweepRow {
                    index: usize::MAX,
                    params: Vec::new(),
                    metrics: Vec::new(),
                    warnings: Vec::new(),
                };
                let mut has_index = false;
                while let Some(k) = map.next_key::<String>()? {
                    if k == "index" {
                        row.index = map.next_value()?;
                        has_index = true;
                    } else if k == "warnings" {
                        row.warnings = map.next_value()?;
                    } else if is_metric(&k) {
                        let v: Option<f64> = map.next_value()?;
                        row.metrics.push((k, v));
                    } else {
                        let v: serde_json::Value = map.next_value()?;
                        row.params.push((k, v));
                    }
                }
                if !has_index {
                    return Err(serde::de::Error::missing_field("index"));
                }
                Ok(row)
            }
        }
        d.deserialize_map(RowVisitor)
    }
}

/// How rows are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum RowFormat {
    /// JSON lines: one object per row.
    #[default]
    Jsonl,
    /// CSV with a header line.
    Csv,
    /// One self-contained HTML page: the groups with their intervals, a chart per
    /// metric across the grid, paired comparisons and the cells
    /// ([`crate::report::html::SweepPage`]).
    Html,
}

impl std::str::FromStr for RowFormat {
    type Err = crate::error::ConfigError;
    fn from_str(s: &str) -> Result<RowFormat, Self::Err> {
        match s {
            "jsonl" => Ok(RowFormat::Jsonl),
            "csv" => Ok(RowFormat::Csv),
            "html" => Ok(RowFormat::Html),
            other => Err(crate::suggest::unknown_value(
                "output",
                other,
                &["jsonl", "csv", "html"],
            )),
        }
    }
}

/// `rows` as JSON lines (one object per line, each ending in a newline).
pub fn to_jsonl(rows: &[SweepRow]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(r).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// `rows` as CSV: a header of the first row's columns, then one line per row.
pub fn to_csv(rows: &[SweepRow]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    if let Some(first) = rows.first() {
        let mut head: Vec<&str> = vec!["index"];
        head.extend(first.params.iter().map(|(k, _)| k.as_str()));
        head.extend(first.metrics.iter().map(|(k, _)| k.as_str()));
        head.push("warnings");
        let _ = w.write_record(&head);
    }
    for r in rows {
        let mut rec: Vec<String> = vec![r.index.to_string()];
        rec.extend(r.params.iter().map(|(_, v)| match v {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        }));
        rec.extend(
            r.metrics
                .iter()
                .map(|(_, v)| v.map_or(String::new(), |x| serde_json::Value::from(x).to_string())),
        );
        rec.push(r.warnings.join(";"));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Renders `rows` in `format` (HTML: the page of the rows alone; the sweep command
/// adds the summary, [`crate::report::html::SweepPage::summary`]).
pub fn render_rows(rows: &[SweepRow], format: RowFormat) -> String {
    match format {
        RowFormat::Jsonl => to_jsonl(rows),
        RowFormat::Csv => to_csv(rows),
        RowFormat::Html => crate::report::html::SweepPage::new(rows).render(),
    }
}
