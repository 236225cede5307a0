//! Reading scenario files and merging them with command-line flags, shared by
//! `run` ([`crate::scenario::Scenario`]) and `compare`
//! ([`crate::compare::CompareScenario`]).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ConfigError, Error, InputError, InputErrorKind};

/// Parses TOML text into `T`; errors name the file, line and column, on one line.
pub(crate) fn from_toml<T: DeserializeOwned>(text: &str, name: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        let msg = e.message().lines().collect::<Vec<_>>().join("; ");
        ConfigError::new("scenario", format!("line {line}, column {col}: {msg}")).in_file(name)
    })
}

/// Reads a scenario file: TOML, or JSON when the name ends in `.json`.
pub(crate) fn load<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}")))?;
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| {
            ConfigError::new(
                "scenario",
                format!("line {}, column {}: {e}", e.line(), e.column()),
            )
            .in_file(&name)
            .into()
        })
    } else {
        Ok(from_toml(&text, &name)?)
    }
}

/// Resolves a path read from a scenario file against the file's directory.
pub(crate) fn resolve(dir: &Path, p: &mut PathBuf) {
    if p.is_relative() {
        *p = dir.join(&*p);
    }
}

/// `file` with every option set in `flags` taking precedence (a list set in `flags`
/// replaces the file's). Both sides serialize to tables holding only the options they
/// set; the flags' keys replace the file's; the merged table is deserialized back.
///
/// # Errors
/// [`ConfigError`] when an option cannot be represented in a scenario file (a seed
/// above 2⁶³ − 1, the largest TOML integer) — never a silent drop of the flags.
pub(crate) fn overlay<T: Serialize + DeserializeOwned>(
    file: &T,
    flags: &T,
) -> Result<T, ConfigError> {
    let table = |s: &T| match toml::Value::try_from(s) {
        Ok(toml::Value::Table(t)) => Ok(t),
        Ok(_) => Ok(toml::map::Map::new()),
        Err(e) => Err(ConfigError::new(
            "options",
            format!("{e} (numbers in a scenario are at most 9223372036854775807)"),
        )),
    };
    let mut merged = table(file)?;
    merged.extend(table(flags)?);
    toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::new("options", e.message().to_string()))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}
