//! Warnings: what a user should know that the numbers alone do not say — an
//! assumption that would otherwise be silent (issue 8: "a warning wherever an
//! assumption is silent").
//!
//! A [`Warning`] is a stable machine-readable `code` (snake_case, listed in [`codes`])
//! and a message for people. Every command's report carries `warnings` (each `run`
//! report, the `compare` report, the `job` report); the renderers show them (table and
//! Markdown: the code and message; JSON: `"warnings": [{"code", "message"}]`; CSV: a
//! `warnings` column with the codes, `;`-separated, on every row they apply to) and the
//! CLI prints each on stderr as `warning[code]: message`.
//!
//! Adding a code is one line in the `codes!` list below: its constant name, the code
//! and what it means.
//!
//! ```
//! use spotsim::report::{Warning, codes};
//! let w = Warning::new(codes::INSTANCE_TYPES_LEFT_OUT, "left out c5.xlarge");
//! assert_eq!(w.code, "instance_types_left_out");
//! assert_eq!(w.to_string(), "warning[instance_types_left_out]: left out c5.xlarge");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// One warning in a report.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Warning {
    /// A stable snake_case code (one of [`codes::ALL`] when spotsim wrote it).
    pub code: String,
    /// What happened and what it means for the numbers.
    pub message: String,
}

impl Warning {
    /// A warning with `code`; a fact-sheet citation in `message` becomes the AWS rule
    /// and source it names ([`crate::rules::localize`]).
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code: code.code.to_string(),
            message: crate::rules::localize(&message.into()),
        }
    }
}

impl fmt::Display for Warning {
    /// `warning[code]: message`, the line the CLI prints on stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning[{}]: {}", self.code, self.message)
    }
}

/// A warning code and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WarningCode {
    /// The code, snake_case, stable across versions.
    pub code: &'static str,
    /// What the warning says, in one line.
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $meaning:literal;)*) => {
        $(
            #[doc = concat!("`", $code, "`: ", $meaning)]
            pub const $name: WarningCode = WarningCode { code: $code, meaning: $meaning };
        )*
        /// Every code, in declaration order.
        pub const ALL: &[WarningCode] = &[$($name),*];
    };
}

/// Every warning code spotsim emits.
pub mod codes {
    use super::WarningCode;

    codes! {
        INSTANCE_TYPES_LEFT_OUT = "instance_types_left_out", "compare: instance types of the market left out because a node group holds one size";
        OPTIONS_LEFT_OUT = "options_left_out", "compare: options left out of the default set because they cannot run on the platform";
        ADVISOR_ENTRY_MISSING = "advisor_entry_missing", "types: types without a Spot Advisor entry for the region and OS, shown without band and savings";
        TRACE_EXTRAPOLATED = "trace_extrapolated", "the horizon runs past the last timestamp of the input files (or starts before the first) by more than 1 % of the horizon or 24 h, whichever is less: prices and capacities are held at their last values";
        NO_INTERRUPTION_MODEL = "no_interruption_model", "spot capacity that nothing can interrupt: no capacity trace, no hazard model, and no price above the max price within the horizon, so its 0 interruptions are by construction";
        ONDEMAND_REGION_MISMATCH = "ondemand_region_mismatch", "the on-demand prices are another Region's than the zones': baseline, savings and the default max price use them";
        ONDEMAND_OS_MISMATCH = "ondemand_os_mismatch", "no on-demand prices for the product's operating system: the baseline, savings and the default max price are n/a, never computed with another OS's prices";
        LOW_AVAILABILITY = "low_availability", "under 99 % of the target's unit-hours (compare: task-hours) were delivered: cost and savings are for less capacity than asked for";
        EGRESS_PAIRS_DEFAULTED = "egress_pairs_defaulted", "job: region pairs missing from the --egress table, their egress priced by the SkyNomad reference's rules";
    }
}

/// The distinct warnings of several reports, in first-seen order (what the CLI prints
/// once each, however many strategies carry it).
pub fn distinct<'a>(warnings: impl IntoIterator<Item = &'a Warning>) -> Vec<&'a Warning> {
    let mut out: Vec<&Warning> = Vec::new();
    for w in warnings {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The CSV `warnings` cell: the codes, `;`-separated, each once.
pub(crate) fn csv_cell(warnings: &[Warning]) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for w in warnings {
        if !codes.contains(&w.code.as_str()) {
            codes.push(&w.code);
        }
    }
    codes.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        for (i, c) in codes::ALL.iter().enumerate() {
            assert!(
                !c.code.is_empty()
                    && c.code
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                    && !c.code.starts_with('_')
                    && !c.code.ends_with('_'),
                "{} is not snake_case",
                c.code
            );
            assert!(!c.meaning.is_empty());
            assert!(
                codes::ALL[..i].iter().all(|o| o.code != c.code),
                "{} twice",
                c.code
            );
        }
    }

    #[test]
    fn distinct_keeps_first_seen_order() {
        let a = Warning::new(codes::OPTIONS_LEFT_OUT, "a");
        let b = Warning::new(codes::INSTANCE_TYPES_LEFT_OUT, "b");
        let all = [a.clone(), b.clone(), a.clone()];
        assert_eq!(distinct(&all), vec![&a, &b]);
        assert_eq!(csv_cell(&all), "options_left_out;instance_types_left_out");
    }
}
