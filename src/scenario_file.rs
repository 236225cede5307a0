//! Reading scenario files and merging them with command-line flags, shared by `run`
//! ([`crate::scenario::Scenario`]), `compare` ([`crate::compare::CompareScenario`]) and
//! `job` ([`crate::job::JobScenario`]).
//!
//! A scenario is a set of option groups ([`crate::options`] and each command's own),
//! flattened: one flat table of keys. serde's `deny_unknown_fields` does not work under
//! `#[serde(flatten)]`, so a document is read in two steps ([`OptionSet`]):
//!
//! 1. every top-level key is checked against the union of the groups' keys (each
//!    group's serde field names, found by [`field_names`]); an unknown key is an error
//!    naming the key, its line and the closest valid key;
//! 2. each group is read from the whole document on its own — from the text itself
//!    for files, so a bad value's error keeps the file's line and column.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Visitor};

use crate::error::{ConfigError, Error, InputError, InputErrorKind};

/// A scenario made of option groups (implemented by the `option_set!` macro).
pub(crate) trait OptionSet: Serialize + Sized {
    /// Every key of every group, in group order.
    fn keys() -> Vec<&'static str>;
    /// Reads each group from `doc` (keys already checked).
    fn read(doc: &Doc<'_>) -> Result<Self, ConfigError>;
}

/// Implements [`OptionSet`] and `Deserialize` (through a table, keys checked) for a
/// struct whose fields are option groups flattened.
macro_rules! option_set {
    ($ty:ident { $($field:ident: $group:ty),* $(,)? }) => {
        impl $crate::scenario_file::OptionSet for $ty {
            fn keys() -> Vec<&'static str> {
                let mut v: Vec<&'static str> = Vec::new();
                $(v.extend_from_slice($crate::scenario_file::field_names::<$group>());)*
                v
            }
            fn read(
                doc: &$crate::scenario_file::Doc<'_>,
            ) -> Result<Self, $crate::error::ConfigError> {
                Ok($ty { $($field: doc.group::<$group>()?),* })
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            /// Through a table: unknown keys are errors naming the key.
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let table = toml::Table::deserialize(d)?;
                $crate::scenario_file::from_table(&table).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use option_set;

/// Where a scenario is read from.
pub(crate) enum Doc<'a> {
    /// A TOML file's text and its name (for errors).
    Toml {
        /// The text.
        text: &'a str,
        /// The file name.
        name: &'a str,
    },
    /// A JSON file's text and its name.
    Json {
        /// The text.
        text: &'a str,
        /// The file name.
        name: &'a str,
    },
    /// A table (flags serialized for an overlay, a sweep's cell).
    Table(&'a toml::Table),
}

impl Doc<'_> {
    /// Reads one group from the whole document (keys of other groups are ignored).
    pub(crate) fn group<G: DeserializeOwned>(&self) -> Result<G, ConfigError> {
        match self {
            Doc::Toml { text, name } => {
                toml::from_str(text).map_err(|e| toml_error(&e, text, name))
            }
            Doc::Json { text, name } => serde_json::from_str(text).map_err(|e| {
                ConfigError::new(
                    "scenario",
                    format!("line {}, column {}: {e}", e.line(), e.column()),
                )
                .in_file(*name)
            }),
            Doc::Table(t) => {
                toml::Value::Table((*t).clone())
                    .try_into()
                    .map_err(|e: toml::de::Error| {
                        // toml names the key on a last line "in `key`".
                        let text = e.to_string();
                        let key = text
                            .lines()
                            .last()
                            .and_then(|l| l.strip_prefix("in `"))
                            .and_then(|l| l.strip_suffix('`'))
                            .map(str::to_string);
                        ConfigError::new(
                            key.unwrap_or_else(|| "options".to_string()),
                            e.message().lines().collect::<Vec<_>>().join("; "),
                        )
                    })
            }
        }
    }

    /// Errors on the first top-level key not in `known`.
    fn check_keys(&self, known: &[&str]) -> Result<(), ConfigError> {
        let unknown = |key: &str, at: Option<(usize, usize)>, file: Option<&str>| {
            let place = at.map_or(String::new(), |(l, c)| format!("line {l}, column {c}: "));
            let e = ConfigError::new(
                key,
                format!(
                    "{place}unknown key{}; keys are the flags' names (see --help)",
                    crate::suggest::hint(key, known.iter().copied())
                ),
            );
            match file {
                Some(f) => e.in_file(f),
                None => e,
            }
        };
        match self {
            Doc::Toml { text, name } => {
                let t: toml::Table =
                    toml::from_str(text).map_err(|e| toml_error(&e, text, name))?;
                if let Some(k) = t.keys().find(|k| !known.contains(&k.as_str())) {
                    return Err(unknown(k, toml_key_position(text, k), Some(name)));
                }
                if let Some((k, x)) = non_finite(&t) {
                    let place = toml_key_position(text, &k)
                        .map(|(l, c)| format!("line {l}, column {c}: "))
                        .unwrap_or_default();
                    return Err(ConfigError::new(
                        k,
                        format!("{place}{x}: must be a finite number"),
                    )
                    .in_file(*name));
                }
            }
            Doc::Json { text, name } => {
                let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                    // serde_json's message ends in its own "at line L column C": keep
                    // the position once, in front, 1-based.
                    let msg = e.to_string();
                    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                    ConfigError::new(
                        "scenario",
                        format!(
                            "line {}, column {}: {}",
                            e.line().max(1),
                            e.column().max(1),
                            crate::text::escape(&msg)
                        ),
                    )
                    .in_file(*name)
                })?;
                let Some(obj) = v.as_object() else {
                    let (line, col) = text
                        .find(|c: char| !c.is_whitespace())
                        .map_or((1, 1), |i| line_col(text, i));
                    return Err(ConfigError::new(
                        "scenario",
                        format!("line {line}, column {col}: expected a JSON object of options"),
                    )
                    .in_file(*name));
                };
                if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
                    return Err(unknown(k, json_key_position(text, k), Some(name)));
                }
            }
            Doc::Table(t) => {
                if let Some(k) = t.keys().find(|k| !known.contains(&k.as_str())) {
                    return Err(unknown(k, None, None));
                }
                // Flags reach every command through this table (the overlay), so a NaN
                // or an infinity given to any numeric flag or key stops here.
                if let Some((k, x)) = non_finite(t) {
                    return Err(ConfigError::new(k, format!("{x}: must be a finite number")));
                }
            }
        }
        Ok(())
    }
}

/// Reads `doc` as `T`: keys checked first, then every group.
pub(crate) fn from_doc<T: OptionSet>(doc: &Doc<'_>) -> Result<T, ConfigError> {
    doc.check_keys(&T::keys())?;
    T::read(doc)
}

/// Parses TOML text into `T`; errors name the file, line and column, on one line.
pub(crate) fn from_toml<T: OptionSet>(text: &str, name: &str) -> Result<T, ConfigError> {
    from_doc(&Doc::Toml { text, name })
}

/// Reads `T` from a table (an overlay's merge, a sweep's cell).
pub(crate) fn from_table<T: OptionSet>(table: &toml::Table) -> Result<T, ConfigError> {
    from_doc(&Doc::Table(table))
}

/// Reads a scenario file: TOML, or JSON when the name ends in `.json`.
pub(crate) fn load<T: OptionSet>(path: &Path) -> Result<T, Error> {
    let name = path.display().to_string();
    let bytes = crate::ingest::read_all_max(path, crate::limits::MAX_CONFIG_FILE_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Where the first byte that is not UTF-8 is.
        let good = e.utf8_error().valid_up_to();
        let head = String::from_utf8_lossy(&e.as_bytes()[..good]);
        let (line, col) = line_col(&head, good);
        InputError::new(
            &name,
            InputErrorKind::Syntax,
            format!("column {col}: not UTF-8 text (a scenario file is UTF-8 TOML or JSON)"),
        )
        .at_line(line as u64)
    })?;
    let doc = if path.extension().is_some_and(|e| e == "json") {
        Doc::Json {
            text: &text,
            name: &name,
        }
    } else {
        Doc::Toml {
            text: &text,
            name: &name,
        }
    };
    Ok(from_doc(&doc)?)
}

/// Resolves a path read from a scenario file against the file's directory.
pub(crate) fn resolve(dir: &Path, p: &mut PathBuf) {
    if p.is_relative() {
        *p = dir.join(&*p);
    }
}

/// The table of the options `s` sets.
pub(crate) fn to_table<T: Serialize>(s: &T) -> Result<toml::Table, ConfigError> {
    match toml::Value::try_from(s) {
        Ok(toml::Value::Table(t)) => Ok(t),
        Ok(_) => Ok(toml::map::Map::new()),
        Err(e) => Err(
            match serde_json::to_value(s).ok().as_ref().and_then(too_big) {
                // TOML integers are i64: name the option whose value does not fit.
                Some((key, n)) => ConfigError::new(
                    key,
                    format!(
                        "{n}: too large (numbers in a scenario are at most 9223372036854775807)"
                    ),
                ),
                None => ConfigError::new(
                    "options",
                    format!(
                        "{} (numbers in a scenario are at most 9223372036854775807)",
                        crate::text::escape(&e.to_string())
                    ),
                ),
            },
        ),
    }
}

/// The top-level key of the first NaN or infinite float in `t`, and the float: no
/// number spotsim reads may be either.
fn non_finite(t: &toml::Table) -> Option<(String, f64)> {
    fn inner(v: &toml::Value) -> Option<f64> {
        match v {
            toml::Value::Float(x) if !x.is_finite() => Some(*x),
            toml::Value::Array(a) => a.iter().find_map(inner),
            toml::Value::Table(t) => t.values().find_map(inner),
            _ => None,
        }
    }
    t.iter().find_map(|(k, v)| inner(v).map(|x| (k.clone(), x)))
}

/// The top-level key of the first integer above `i64::MAX` in `v`, and the integer.
fn too_big(v: &serde_json::Value) -> Option<(String, u64)> {
    fn inner(v: &serde_json::Value) -> Option<u64> {
        match v {
            serde_json::Value::Number(n) => n.as_u64().filter(|&n| n > i64::MAX as u64),
            serde_json::Value::Array(a) => a.iter().find_map(inner),
            serde_json::Value::Object(o) => o.values().find_map(inner),
            _ => None,
        }
    }
    match v {
        serde_json::Value::Object(o) => {
            o.iter().find_map(|(k, v)| inner(v).map(|n| (k.clone(), n)))
        }
        _ => None,
    }
}

/// `file` with every option set in `flags` taking precedence (a list set in `flags`
/// replaces the file's). Both sides serialize to tables holding only the options they
/// set; the flags' keys replace the file's; the merged table is read back.
///
/// # Errors
/// [`ConfigError`] when an option cannot be represented in a scenario file (a seed
/// above 2⁶³ − 1, the largest TOML integer) — never a silent drop of the flags.
pub(crate) fn overlay<T: OptionSet>(file: &T, flags: &T) -> Result<T, ConfigError> {
    let mut merged = to_table(file)?;
    merged.extend(to_table(flags)?);
    from_table(&merged)
}

fn toml_error(e: &toml::de::Error, text: &str, name: &str) -> ConfigError {
    let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
    let msg = e.message().lines().collect::<Vec<_>>().join("; ");
    ConfigError::new("scenario", format!("line {line}, column {col}: {msg}")).in_file(name)
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// Where top-level key `key` is written in TOML text: `key = …`, `"key" = …`,
/// `key.sub = …`, `[key]`, `[[key]]` or `[key.sub]`, outside any table header's body.
pub(crate) fn toml_key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{key}\"");
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let col = line.len() - t.len() + 1;
        if let Some(h) = t.strip_prefix('[') {
            let h = h.trim_start_matches('[').trim_start();
            let name = h.split([']', '.']).next().unwrap_or("").trim();
            if name == key || name == quoted {
                return Some((i + 1, col));
            }
            in_table = true;
            continue;
        }
        if in_table {
            continue;
        }
        for k in [key, quoted.as_str()] {
            if let Some(rest) = t.strip_prefix(k)
                && rest.trim_start().starts_with(['=', '.'])
            {
                return Some((i + 1, col));
            }
        }
    }
    None
}

/// Where `"key":` first appears in JSON text.
fn json_key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&needle) {
        let at = from + i;
        let rest = &text[at + needle.len()..];
        if rest.trim_start().starts_with(':') {
            return Some(line_col(text, at));
        }
        from = at + needle.len();
    }
    None
}

/// The serde names of `T`'s fields: what `#[derive(Deserialize)]` passes to
/// `deserialize_struct`, captured by a deserializer that answers nothing else.
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(FieldProbe) {
        Err(Fields(f)) => f,
        Ok(_) => &[],
    }
}

struct FieldProbe;

#[derive(Debug)]
struct Fields(&'static [&'static str]);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fields {:?}", self.0)
    }
}

impl std::error::Error for Fields {}

impl de::Error for Fields {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Fields(&[])
    }
}

impl<'de> de::Deserializer<'de> for FieldProbe {
    type Error = Fields;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_positions() {
        let t = "# c\ntarget = 1\n  \"seed\" = 2\nstrategy.name = \"x\"\n[[service]]\nname = \"a\"\n[fleet]\ntarget = 3\n";
        assert_eq!(toml_key_position(t, "target"), Some((2, 1)));
        assert_eq!(toml_key_position(t, "seed"), Some((3, 3)));
        assert_eq!(toml_key_position(t, "strategy"), Some((4, 1)));
        assert_eq!(toml_key_position(t, "service"), Some((5, 1)));
        assert_eq!(toml_key_position(t, "name"), None, "inside a table");
        assert_eq!(toml_key_position(t, "fleet"), Some((7, 1)));
        let j = "{\n  \"a\": \"target\",\n  \"target\": 2\n}";
        assert_eq!(json_key_position(j, "target"), Some((3, 3)));
    }

    #[test]
    fn field_names_are_the_serde_names() {
        assert_eq!(
            field_names::<crate::options::CatalogOptions>(),
            &["catalog", "catalog-region", "ondemand-price"]
        );
        assert_eq!(
            field_names::<crate::options::SimOptions>(),
            &["seed", "launch-latency"]
        );
    }
}
