//! Operating systems as the AWS Price List names them, and the spot market's product
//! descriptions that map onto them.
//!
//! On-demand prices differ per operating system (the licence is in the price), so a
//! [`Catalog`](super::Catalog) keeps one price per (type, OS). The Price List's
//! `operatingSystem` attribute says `Linux`, `RHEL`, `SUSE`, `Windows`, `Red Hat
//! Enterprise Linux with HA`, `Ubuntu Pro`, …; spot price history says `Linux/UNIX`,
//! `Red Hat Enterprise Linux`, `SUSE Linux`, `Windows` (and, for the old EC2-Classic
//! split, the same with ` (Amazon VPC)`; aws-facts.md §7.1). The four spot descriptions
//! map to `Linux`, `RHEL`, `SUSE` and `Windows`; every other Price List OS is kept as
//! [`OperatingSystem::Other`] so that no price is lost, but no spot description names it.

use std::fmt;

use serde::{Serialize, Serializer};

/// An operating system of the AWS Price List (`operatingSystem` attribute, `Operating
/// System` column).
///
/// Build one with [`OperatingSystem::from_price_list`] (which folds the four common names
/// into their variants) or [`OperatingSystem::from_product_description`].
///
/// ```
/// use spotsim::catalog::OperatingSystem;
/// assert_eq!(OperatingSystem::from_price_list("RHEL"), OperatingSystem::Rhel);
/// assert_eq!(OperatingSystem::from_product_description("Windows (Amazon VPC)"), Some(OperatingSystem::Windows));
/// assert_eq!(OperatingSystem::from_product_description("Linux/UNIX"), Some(OperatingSystem::Linux));
/// assert_eq!(OperatingSystem::from_product_description("BeOS"), None);
/// let ubuntu = OperatingSystem::from_price_list("Ubuntu Pro");
/// assert_eq!((ubuntu.as_str(), ubuntu.product_description()), ("Ubuntu Pro", None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatingSystem {
    /// `Linux` (spot: `Linux/UNIX`): Amazon Linux and other Linux without a licence fee.
    Linux,
    /// `RHEL` (spot: `Red Hat Enterprise Linux`).
    Rhel,
    /// `SUSE` (spot: `SUSE Linux`).
    Suse,
    /// `Windows` (spot: `Windows`).
    Windows,
    /// Any other Price List operating system, as written there (`Ubuntu Pro`, `Red Hat
    /// Enterprise Linux with HA`, …). Never one of the four names above.
    Other(String),
}

impl OperatingSystem {
    /// The OS a Price List `operatingSystem` value names (trimmed; the four common names
    /// exactly as AWS writes them become their variants).
    pub fn from_price_list(s: &str) -> OperatingSystem {
        match s.trim() {
            "Linux" => OperatingSystem::Linux,
            "RHEL" => OperatingSystem::Rhel,
            "SUSE" => OperatingSystem::Suse,
            "Windows" => OperatingSystem::Windows,
            other => OperatingSystem::Other(other.to_string()),
        }
    }

    /// The OS of a spot price history `ProductDescription`: `Linux/UNIX`, `SUSE Linux`,
    /// `Red Hat Enterprise Linux`, `Windows`, each optionally followed by ` (Amazon VPC)`.
    /// `None` for anything else.
    pub fn from_product_description(pd: &str) -> Option<OperatingSystem> {
        let pd = pd.trim();
        let base = pd.strip_suffix(" (Amazon VPC)").unwrap_or(pd);
        match base {
            "Linux/UNIX" => Some(OperatingSystem::Linux),
            "SUSE Linux" => Some(OperatingSystem::Suse),
            "Red Hat Enterprise Linux" => Some(OperatingSystem::Rhel),
            "Windows" => Some(OperatingSystem::Windows),
            _ => None,
        }
    }

    /// The spot `ProductDescription` (VPC form) of this OS, if spot sells it.
    pub fn product_description(&self) -> Option<&'static str> {
        match self {
            OperatingSystem::Linux => Some("Linux/UNIX"),
            OperatingSystem::Rhel => Some("Red Hat Enterprise Linux"),
            OperatingSystem::Suse => Some("SUSE Linux"),
            OperatingSystem::Windows => Some("Windows"),
            OperatingSystem::Other(_) => None,
        }
    }

    /// The name as the Price List writes it.
    pub fn as_str(&self) -> &str {
        match self {
            OperatingSystem::Linux => "Linux",
            OperatingSystem::Rhel => "RHEL",
            OperatingSystem::Suse => "SUSE",
            OperatingSystem::Windows => "Windows",
            OperatingSystem::Other(s) => s,
        }
    }
}

impl fmt::Display for OperatingSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OperatingSystem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spot_description_maps_both_ways() {
        for (pd, os) in [
            ("Linux/UNIX", OperatingSystem::Linux),
            ("Linux/UNIX (Amazon VPC)", OperatingSystem::Linux),
            ("SUSE Linux", OperatingSystem::Suse),
            ("SUSE Linux (Amazon VPC)", OperatingSystem::Suse),
            ("Red Hat Enterprise Linux", OperatingSystem::Rhel),
            (
                "Red Hat Enterprise Linux (Amazon VPC)",
                OperatingSystem::Rhel,
            ),
            ("Windows", OperatingSystem::Windows),
            ("Windows (Amazon VPC)", OperatingSystem::Windows),
        ] {
            assert_eq!(
                OperatingSystem::from_product_description(pd),
                Some(os.clone())
            );
            let back = os.product_description().unwrap();
            assert_eq!(OperatingSystem::from_product_description(back), Some(os));
        }
        assert_eq!(OperatingSystem::from_product_description("Linux"), None);
        assert_eq!(
            OperatingSystem::from_product_description("(Amazon VPC)"),
            None
        );
    }

    #[test]
    fn price_list_names_round_trip() {
        for s in ["Linux", "RHEL", "SUSE", "Windows", "Ubuntu Pro"] {
            assert_eq!(OperatingSystem::from_price_list(s).as_str(), s);
        }
        assert_eq!(
            OperatingSystem::from_price_list("Red Hat Enterprise Linux with HA"),
            OperatingSystem::Other("Red Hat Enterprise Linux with HA".into())
        );
    }
}
