//! Which Region a zone belongs to, so that a report can say when the on-demand prices it
//! compares against are another Region's.
//!
//! * **AZ names** are the Region code followed by a letter: `us-east-2a` is in
//!   `us-east-2` ("The code for an Availability Zone is its Region code followed by a
//!   letter identifier", AWS Regions and Availability Zones guide, *AWS Availability
//!   Zones*, docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
//!   Local Zones and Wavelength Zones are named after their parent Region followed by
//!   a `-` and a location (`us-east-1-bos-1a`, `us-west-2-lax-1b`,
//!   `us-east-1-wl1-bos-wlz-1`); they belong to that Region.
//! * **AZ IDs** are a Region-specific prefix, `-az` and a number (`use1-az4`). The same
//!   page says the prefix is "Region-specific" without giving a rule that covers every
//!   Region, so the prefixes are a table: [`AZ_ID_PREFIXES`], copied from that page's
//!   AZ ID → Region tables (every commercial Region it lists, fetched 2026), plus the
//!   GovCloud (`usgw1`, `usge1`) and China (`cnn1`, `cnnw1`) prefixes, which that page does
//!   not cover and which we took from EC2 `DescribeAvailabilityZones` output recorded
//!   in public code (e.g. the moto project's zone tables). Local Zone IDs
//!   (`use1-bos1-az1`) and Wavelength Zone IDs (`use1-wl1-bos-wlz1`) start with their
//!   parent Region's prefix too.

use crate::market::Zone;

/// AZ-ID prefix → Region code. Source: see the module docs.
pub const AZ_ID_PREFIXES: &[(&str, &str)] = &[
    ("afs1", "af-south-1"),
    ("ape1", "ap-east-1"),
    ("ape2", "ap-east-2"),
    ("apne1", "ap-northeast-1"),
    ("apne2", "ap-northeast-2"),
    ("apne3", "ap-northeast-3"),
    ("aps1", "ap-south-1"),
    ("aps2", "ap-south-2"),
    ("apse1", "ap-southeast-1"),
    ("apse2", "ap-southeast-2"),
    ("apse3", "ap-southeast-3"),
    ("apse4", "ap-southeast-4"),
    ("apse5", "ap-southeast-5"),
    ("apse6", "ap-southeast-6"),
    ("apse7", "ap-southeast-7"),
    ("cac1", "ca-central-1"),
    ("caw1", "ca-west-1"),
    ("cnn1", "cn-north-1"),
    ("cnnw1", "cn-northwest-1"),
    ("euc1", "eu-central-1"),
    ("euc2", "eu-central-2"),
    ("eun1", "eu-north-1"),
    ("eus1", "eu-south-1"),
    ("eus2", "eu-south-2"),
    ("euw1", "eu-west-1"),
    ("euw2", "eu-west-2"),
    ("euw3", "eu-west-3"),
    ("ilc1", "il-central-1"),
    ("mec1", "me-central-1"),
    ("mes1", "me-south-1"),
    ("mxc1", "mx-central-1"),
    ("sae1", "sa-east-1"),
    ("use1", "us-east-1"),
    ("use2", "us-east-2"),
    ("usge1", "us-gov-east-1"),
    ("usgw1", "us-gov-west-1"),
    ("usw1", "us-west-1"),
    ("usw2", "us-west-2"),
];

/// The Region of a zone: an AZ name (`us-east-1a`), a Local or Wavelength Zone name
/// (`us-east-1-bos-1a`, `us-east-1-wl1-bos-wlz-1`), an AZ ID (`use1-az4`) or a Local /
/// Wavelength Zone ID (`use1-bos1-az1`). `None` when the string is none of these, or an
/// ID's prefix is not in [`AZ_ID_PREFIXES`].
///
/// ```
/// use spotsim::catalog::zone_region;
/// assert_eq!(zone_region("us-east-1a").as_deref(), Some("us-east-1"));
/// assert_eq!(zone_region("us-gov-west-1b").as_deref(), Some("us-gov-west-1"));
/// assert_eq!(zone_region("us-west-2-lax-1a").as_deref(), Some("us-west-2"));
/// assert_eq!(zone_region("us-east-1-wl1-bos-wlz-1").as_deref(), Some("us-east-1"));
/// assert_eq!(zone_region("use1-az4").as_deref(), Some("us-east-1"));
/// assert_eq!(zone_region("euw3-az1").as_deref(), Some("eu-west-3"));
/// assert_eq!(zone_region("xyz9-az1"), None);
/// assert_eq!(zone_region("us-east-1"), None); // a Region, not a zone
/// ```
pub fn zone_region(zone: &str) -> Option<String> {
    let z = zone.trim();
    region_of_name(z).or_else(|| region_of_id(z).map(str::to_string))
}

/// [`zone_region`] of a market [`Zone`] (name or ID alike).
///
/// ```
/// use spotsim::catalog::region_of;
/// use spotsim::market::Zone;
/// assert_eq!(region_of(&Zone::parse("eu-west-3a")).as_deref(), Some("eu-west-3"));
/// assert_eq!(region_of(&Zone::parse("usw2-az1")).as_deref(), Some("us-west-2"));
/// ```
pub fn region_of(zone: &Zone) -> Option<String> {
    zone_region(zone.as_str())
}

/// `us-east-1a` → `us-east-1`; `us-east-1-bos-1a` → `us-east-1`.
fn region_of_name(z: &str) -> Option<String> {
    let parts: Vec<&str> = z.split('-').collect();
    // The first part that starts with a digit ends the Region code.
    let i = parts
        .iter()
        .position(|p| p.as_bytes().first().is_some_and(u8::is_ascii_digit))?;
    // At least a geography and a direction before it (`us-east`, `us-gov-west`).
    if i < 2
        || !parts[..i]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase()))
    {
        return None;
    }
    let p = parts[i];
    let digits = p.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &p[digits..];
    let region = format!("{}-{}", parts[..i].join("-"), &p[..digits]);
    let is_last = i + 1 == parts.len();
    match (rest.len(), is_last) {
        // An AZ: the Region code and one letter.
        (1, true) if rest.bytes().all(|c| c.is_ascii_lowercase()) => Some(region),
        // A Local or Wavelength Zone: the Region code, `-`, then a location.
        (0, false) if parts[i + 1..].iter().all(|s| !s.is_empty()) => Some(region),
        _ => None,
    }
}

/// `use1-az4` → `us-east-1`; `use1-bos1-az1` → `us-east-1`.
fn region_of_id(z: &str) -> Option<&'static str> {
    let (prefix, rest) = z.split_once('-')?;
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return None;
    }
    AZ_ID_PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|&(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (z, r) in [
            ("eu-west-3a", Some("eu-west-3")),
            ("ap-southeast-2c", Some("ap-southeast-2")),
            ("us-gov-east-1a", Some("us-gov-east-1")),
            ("cn-northwest-1b", Some("cn-northwest-1")),
            ("us-east-1-atl-1a", Some("us-east-1")),
            ("us-east-1-wl1-nyc-wlz-1", Some("us-east-1")),
            ("us-east-1ab", None),
            ("us-east-1", None),
            ("us-east-1-", None),
            ("1a", None),
            ("us-1a", None),
            ("US-EAST-1A", None),
            ("", None),
        ] {
            assert_eq!(zone_region(z).as_deref(), r, "{z}");
        }
    }

    #[test]
    fn ids() {
        for (z, r) in [
            ("use1-az1", Some("us-east-1")),
            ("usw2-az4", Some("us-west-2")),
            ("apne1-az4", Some("ap-northeast-1")),
            ("usgw1-az2", Some("us-gov-west-1")),
            ("cnnw1-az3", Some("cn-northwest-1")),
            ("use1-bos1-az1", Some("us-east-1")),
            ("use1-wl1-bos-wlz1", Some("us-east-1")),
            ("use9-az1", None),
            ("use1-", None),
            ("use1", None),
        ] {
            assert_eq!(zone_region(z).as_deref(), r, "{z}");
        }
    }

    #[test]
    fn prefixes_are_unique_and_sorted() {
        let mut seen = std::collections::HashSet::new();
        for w in AZ_ID_PREFIXES.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?}", w);
        }
        for (p, r) in AZ_ID_PREFIXES {
            assert!(seen.insert(*r), "{r} twice");
            // Every Region code is itself well formed: its AZ `a` maps back to it.
            assert_eq!(zone_region(&format!("{r}a")).as_deref(), Some(*r), "{p}");
        }
    }
}
