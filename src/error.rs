//! Typed errors. Every reader and config loader returns one of these; none panics on
//! bad input (DESIGN.md principle 5). Each renders as one line naming the file, the line
//! and the field, so that the CLI can print it and exit with code 1.

use std::fmt;

/// What kind of problem an input file has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file is not in the expected format (bad JSON, wrong number of columns, …).
    Syntax,
    /// A required column or field is missing.
    MissingField,
    /// A column or field that the format does not have.
    UnknownField,
    /// A value that cannot be parsed or is out of range (negative price, bad timestamp).
    BadValue,
    /// Two rows disagree (the same timestamp twice with different values) or are out of
    /// the required order.
    Conflict,
    /// The file (or the selection from it) holds no rows.
    Empty,
}

/// A problem with an input file, located by file, line and field.
///
/// ```
/// use spotsim::error::{InputError, InputErrorKind};
/// let e = InputError::new("prices.csv", InputErrorKind::BadValue, "price is negative")
///     .at_line(7)
///     .field("SpotPrice");
/// assert_eq!(e.to_string(), "prices.csv:7: field `SpotPrice`: price is negative");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line number, when the problem has one.
    pub line: Option<u64>,
    /// The column or field, when the problem has one.
    pub field: Option<String>,
    /// What kind of problem it is.
    pub kind: InputErrorKind,
    /// What was found and what was expected.
    pub message: String,
}

impl InputError {
    /// A new error about `file`.
    pub fn new(file: impl Into<String>, kind: InputErrorKind, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line: None,
            field: None,
            kind,
            message: message.into(),
        }
    }

    /// Sets the 1-based line number.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the field or column name.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Control characters in any part are escaped: an error is always one line.
        use crate::text::one_line;
        write!(f, "{}", one_line(&self.file))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{}`: ", one_line(field))?;
        }
        write!(f, "{}", one_line(&self.message))
    }
}

impl std::error::Error for InputError {}

/// A scenario or option that cannot be simulated (start ≥ end, target 0, an instance
/// type absent from the catalog, …).
///
/// ```
/// use spotsim::error::ConfigError;
/// let e = ConfigError::new("target", "must be at least 1");
/// assert_eq!(e.to_string(), "option `target`: must be at least 1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Where the option came from (`scenario.toml`), when it came from a file.
    pub file: Option<String>,
    /// The option or scenario key.
    pub option: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ConfigError {
    /// A new error about `option`.
    pub fn new(option: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            file: None,
            option: option.into(),
            message: message.into(),
        }
    }

    /// Names the file the option came from.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::text::one_line;
        if let Some(file) = &self.file {
            write!(f, "{}: ", one_line(file))?;
        }
        write!(
            f,
            "option `{}`: {}",
            one_line(&self.option),
            one_line(&self.message)
        )
    }
}

impl std::error::Error for ConfigError {}

/// Any error the library returns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A bad input file.
    Input(InputError),
    /// A bad option or scenario.
    Config(ConfigError),
    /// Writing an output failed.
    Output {
        /// The path being written.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
            Error::Output { path, message } => write!(
                f,
                "{}: cannot write: {}",
                crate::text::one_line(path),
                crate::text::one_line(message)
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}
