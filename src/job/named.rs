//! Every job policy by name — the built-ins ([`BuiltinPolicy`]) and the SkyNomad family
//! — with the SkyNomad family's tunables ([`PolicyOptions`]), for `spotsim job --policy
//! a,b,c` and library users who pick policies by name.
use std::fmt;
use std::str::FromStr;

use crate::error::ConfigError;

use super::policies::{
    Optimal, SafetyNet, SkyNomad, SkyNomadOptions, UpA, UpAOptions, UpAp, UpApOptions, UpS,
};
use super::policy::{BuiltinPolicy, JobPolicy};

/// A policy by name.
///
/// ```
/// use spotsim::job::NamedPolicy;
/// let p: Vec<NamedPolicy> = NamedPolicy::parse_list("up-s, optimal,greedy")?;
/// assert_eq!(p.iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["up-s", "optimal", "greedy"]);
/// assert!(p[0].multi_region() && !p[2].multi_region());
/// assert!(NamedPolicy::parse_list("up-s,up-s").is_err());
/// let e = NamedPolicy::parse_list("greedy,skynomd").unwrap_err();
/// assert!(e.to_string().contains("(did you mean `skynomad`?)"), "{e}");
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NamedPolicy {
    /// A single-zone or multi-zone built-in.
    Builtin(BuiltinPolicy),
    /// `up-s` ([`UpS`]).
    UpS,
    /// `up-a` ([`UpA`]).
    UpA,
    /// `up-ap` ([`UpAp`]).
    UpAp,
    /// `optimal` ([`Optimal`]).
    Optimal,
    /// `skynomad` ([`SkyNomad`]).
    SkyNomad,
    /// `skynomad-oracle` ([`SkyNomad::oracle`]).
    SkyNomadOracle,
}

impl NamedPolicy {
    /// The SkyNomad family's names.
    pub const MULTI_REGION: [&'static str; 6] = [
        "up-s",
        "up-a",
        "up-ap",
        "optimal",
        "skynomad",
        "skynomad-oracle",
    ];

    /// Every name: [`BuiltinPolicy::NAMES`], then [`NamedPolicy::MULTI_REGION`].
    pub const NAMES: [&'static str; 11] = [
        "on-demand",
        "spot-only",
        "greedy",
        "uniform-progress",
        "multi-zone-spot",
        "up-s",
        "up-a",
        "up-ap",
        "optimal",
        "skynomad",
        "skynomad-oracle",
    ];

    /// Every name ([`NamedPolicy::NAMES`] as a vector).
    pub fn names() -> Vec<&'static str> {
        NamedPolicy::NAMES.to_vec()
    }

    /// The name.
    pub fn name(self) -> &'static str {
        match self {
            NamedPolicy::Builtin(b) => b.name(),
            NamedPolicy::UpS => "up-s",
            NamedPolicy::UpA => "up-a",
            NamedPolicy::UpAp => "up-ap",
            NamedPolicy::Optimal => "optimal",
            NamedPolicy::SkyNomad => "skynomad",
            NamedPolicy::SkyNomadOracle => "skynomad-oracle",
        }
    }

    /// Whether this is one of the SkyNomad family (tick mode only: they use
    /// [`JobPolicy::start`] and probes).
    pub fn multi_region(self) -> bool {
        !matches!(self, NamedPolicy::Builtin(_))
    }

    /// Whether the policy meets the deadline whenever `D ≥ W + d` (and no migration
    /// forced by the safety net adds transfer time).
    pub fn guarantees_deadline(self) -> bool {
        match self {
            NamedPolicy::Builtin(b) => b.guarantees_deadline(),
            _ => true,
        }
    }

    /// A comma-separated list of distinct names.
    ///
    /// # Errors
    /// [`ConfigError`] (option `policy`) for an unknown or repeated name, or none.
    pub fn parse_list(s: &str) -> Result<Vec<NamedPolicy>, ConfigError> {
        let mut out: Vec<NamedPolicy> = Vec::new();
        for part in s.split(',') {
            let p: NamedPolicy = part.trim().parse()?;
            if out.contains(&p) {
                return Err(ConfigError::new("policy", format!("`{p}` is listed twice")));
            }
            out.push(p);
        }
        Ok(out)
    }

    /// A fresh policy for one run.
    pub fn build(self, o: &PolicyOptions) -> Box<dyn JobPolicy + Send> {
        match self {
            NamedPolicy::Builtin(b) => Box::new(b),
            NamedPolicy::UpS => Box::new(SafetyNet::new(UpS::new())),
            NamedPolicy::UpA => Box::new(SafetyNet::new(UpA::new(o.up_a))),
            NamedPolicy::UpAp => Box::new(SafetyNet::new(UpAp::new(o.up_ap))),
            NamedPolicy::Optimal => Box::new(Optimal::new()),
            NamedPolicy::SkyNomad => Box::new(SafetyNet::new(SkyNomad::new(o.skynomad))),
            NamedPolicy::SkyNomadOracle => {
                Box::new(SafetyNet::new(SkyNomad::oracle(o.skynomad_oracle)))
            }
        }
    }
}

impl FromStr for NamedPolicy {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        if let Ok(b) = s.parse::<BuiltinPolicy>() {
            return Ok(NamedPolicy::Builtin(b));
        }
        Ok(match s {
            "up-s" => NamedPolicy::UpS,
            "up-a" => NamedPolicy::UpA,
            "up-ap" => NamedPolicy::UpAp,
            "optimal" => NamedPolicy::Optimal,
            "skynomad" => NamedPolicy::SkyNomad,
            "skynomad-oracle" => NamedPolicy::SkyNomadOracle,
            _ => {
                return Err(ConfigError::new(
                    "policy",
                    format!(
                        "unknown job policy `{s}`{}; expected one of: {}",
                        crate::suggest::hint(s, NamedPolicy::NAMES),
                        NamedPolicy::NAMES.join(", ")
                    ),
                ));
            }
        })
    }
}

impl fmt::Display for NamedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The SkyNomad family's tunables, each with the reference's default.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct PolicyOptions {
    /// `up-a`'s.
    pub up_a: UpAOptions,
    /// `up-ap`'s.
    pub up_ap: UpApOptions,
    /// `skynomad`'s.
    pub skynomad: SkyNomadOptions,
    /// `skynomad-oracle`'s.
    pub skynomad_oracle: SkyNomadOptions,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            up_a: UpAOptions::default(),
            up_ap: UpApOptions::default(),
            skynomad: SkyNomadOptions::skynomad(),
            skynomad_oracle: SkyNomadOptions::oracle(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_builtins_then_the_skynomad_family_and_parse_back() {
        let mut expected = BuiltinPolicy::NAMES.to_vec();
        expected.extend(NamedPolicy::MULTI_REGION);
        assert_eq!(NamedPolicy::NAMES.to_vec(), expected);
        for n in NamedPolicy::NAMES {
            assert_eq!(n.parse::<NamedPolicy>().unwrap().name(), n);
        }
    }
}
