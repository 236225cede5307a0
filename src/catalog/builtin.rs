//! The built-in catalog: `data/ec2_ondemand.csv`, compiled in and parsed once.

use std::sync::OnceLock;

use super::Catalog;

/// The table (see `data/README.md` for its sources and how it is regenerated).
const TABLE: &str = include_str!("../../data/ec2_ondemand.csv");

/// Provenance, as reports print it.
pub(super) const SOURCE: &str =
    "built-in: AWS Price List API via aws/karpenter-provider-aws, 2026-07-20 (aws-facts.md §5)";

static BUILTIN: OnceLock<Catalog> = OnceLock::new();

/// The parsed table. The table is part of the crate and checked by its tests, so a
/// parse failure is a build defect, not bad user input.
pub(super) fn get() -> &'static Catalog {
    BUILTIN.get_or_init(|| {
        let mut c = super::table::read(
            crate::ingest::Records::from_bytes("data/ec2_ondemand.csv", TABLE.as_bytes()),
            None,
        )
        .unwrap_or_else(|e| panic!("the built-in catalog does not parse: {e}"));
        c.set_source(SOURCE.to_string());
        c
    })
}
