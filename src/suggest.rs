//! "Did you mean …?": the closest valid name to a misspelt one, for every name spotsim
//! parses itself (scenario keys, strategies, policies, compare options, regions, output
//! formats) — the same measure and threshold as clap's suggestions for flags (Jaro
//! similarity above 0.7, from `strsim`, which clap already depends on).

use crate::error::ConfigError;
use crate::strategy::StrategySpec;

/// The candidate most similar to `name`, if any is similar enough.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro(name, c);
        if score > 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// ` (did you mean `x`?)`, or nothing when no candidate is close.
pub(crate) fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates).map_or(String::new(), |c| format!(" (did you mean `{c}`?)"))
}

/// `e` with a suggestion for `value` among `valid` appended to its message (nothing
/// when no valid value is close).
pub(crate) fn with_hint(mut e: ConfigError, value: &str, valid: &[&str]) -> ConfigError {
    e.message
        .push_str(&hint(value.trim(), valid.iter().copied()));
    e
}

/// An "unknown value" error for `option`, with a suggestion and the valid values.
pub(crate) fn unknown_value(option: &str, value: &str, valid: &[&str]) -> ConfigError {
    ConfigError::new(
        option,
        format!(
            "unknown value `{value}`{}; valid: {}",
            hint(value.trim(), valid.iter().copied()),
            valid.join(", ")
        ),
    )
}

/// [`StrategySpec::parse_name`] with a suggestion for a misspelt name.
pub(crate) fn strategy(name: &str) -> Result<StrategySpec, ConfigError> {
    StrategySpec::parse_name(name).map_err(|mut e| {
        e.message
            .push_str(&hint(name.trim(), StrategySpec::NAMES.iter().copied()));
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_far_ones_not() {
        let names = ["target", "target-unit", "seed"];
        assert_eq!(closest("tagret", names), Some("target"));
        assert_eq!(closest("target-unt", names), Some("target-unit"));
        assert_eq!(closest("zzzz", names), None);
        assert_eq!(hint("sed", names), " (did you mean `seed`?)");
        let e = strategy("lowest-prise").unwrap_err();
        assert!(e.message.ends_with("(did you mean `lowest-price`?)"), "{e}");
        assert_eq!(strategy("diversified").unwrap().name(), "diversified");
    }
}
