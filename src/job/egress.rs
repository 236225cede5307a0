//! Inter-region data-transfer (egress) prices for checkpoint migrations: the table
//! `from_region,to_region,price_usd_per_gb` (`../shared/data/pricing/aws_egress_pricing.csv`,
//! 1,122 AWS region pairs exported from the AWS Pricing API; the SkyNomad artifact ships
//! the same file as `research/data/aws_egress_pricing.csv`).
//!
//! Rules ([`EgressTable::per_gb`]):
//!
//! * **Same region** (two zones of one region, or one zone) costs nothing — the
//!   reference's `migration_model.get_transfer_cost_usd` returns 0 for `same_zone` and
//!   `cross_az`.
//! * **A pair in the table** costs its price per GB, directed (`from` → `to`).
//! * **A pair not in the table** (GCP region names, regions newer than the export; every
//!   pair when no table is given) costs what the reference's rules say
//!   ([`reference_egress_per_gb`], `migration_model.get_transfer_cost_usd`: $0.01
//!   between us-east-1 and us-east-2, $0.02 from North America and in general, $0.08
//!   within Asia-Pacific, …), or a flat rate set with [`EgressTable::with_default`].
//!   Every pair priced that way is reported
//!   ([`MigrationCosts::defaulted_pairs`](super::multi_region::MigrationCosts::defaulted_pairs)).
//!
//! The reference prices migrations with those rules, not with its own CSV; the two agree
//! on the 2023 V100 regions (us-east-1, us-east-2, us-west-2) pair for pair, and differ
//! elsewhere (e.g. the CSV has Asia-Pacific pairs from $0.08 to $0.10/GB).
use std::collections::HashMap;
use std::path::Path;

use crate::error::{InputError, InputErrorKind};
use crate::ingest::{Records, err_at, show, text_value};
use crate::market::SourceFile;
use crate::money::Rate;

const PRICE_EXAMPLE: &str = "a non-negative decimal in USD per GB such as 0.02";

/// Directed region-pair egress prices (nano-USD per GB, exact); pairs not in the table
/// follow the reference's rules or a flat default.
///
/// ```
/// use spotsim::job::EgressTable;
/// use spotsim::money::Rate;
/// let csv = b"from_region,to_region,price_usd_per_gb\nus-east-1,us-east-2,0.01\n";
/// let t = EgressTable::read_bytes("egress.csv", csv)?;
/// assert_eq!(t.per_gb("us-east-1", "us-east-2"), (Rate::from_nano_usd(10_000_000), false));
/// assert_eq!(t.per_gb("us-east-1", "us-east-1"), (Rate::ZERO, false));
/// // Not in the table: the reference's rules, flagged.
/// assert_eq!(t.per_gb("us-west-2", "eu-west-1"), (Rate::from_nano_usd(20_000_000), true));
/// let flat = t.with_default(Rate::parse_usd("0.05")?);
/// assert_eq!(flat.per_gb("us-west-2", "eu-west-1"), (Rate::from_nano_usd(50_000_000), true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EgressTable {
    prices: HashMap<(String, String), Rate>,
    default: Option<Rate>,
    source: Option<SourceFile>,
}

/// The reference's egress rules, USD per GB from region `src` to region `dst`
/// (`sky_spot/migration_model.py`, `get_transfer_cost_usd`, "verified via the AWS Pricing
/// API, November 2024"), used for pairs an [`EgressTable`] does not list.
///
/// ```
/// use spotsim::job::reference_egress_per_gb;
/// let c = |a, b| reference_egress_per_gb(a, b).to_string();
/// assert_eq!(c("us-east-1", "us-east-2"), "0.01");
/// assert_eq!(c("us-east-1", "us-west-2"), "0.02");
/// assert_eq!(c("ap-south-1", "ap-northeast-1"), "0.08");
/// assert_eq!(c("sa-east-1", "us-east-1"), "0.138");
/// assert_eq!(c("us-central1", "europe-west1"), "0.02");
/// assert_eq!(c("us-east-1", "us-east-1"), "0");
/// ```
pub fn reference_egress_per_gb(src: &str, dst: &str) -> Rate {
    let usd = |nano: i64| Rate::from_nano_usd(nano);
    let to = |p: &[&str]| p.iter().any(|q| dst.starts_with(q));
    let nano = if src == dst {
        0
    } else if matches!(
        (src, dst),
        ("us-east-1", "us-east-2") | ("us-east-2", "us-east-1")
    ) {
        10_000_000
    } else if src.contains("gov") || dst.contains("gov") {
        30_000_000
    } else if [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ca-central-1",
    ]
    .contains(&src)
    {
        20_000_000
    } else if src == "ca-west-1" {
        if to(&["eu-"]) {
            50_000_000
        } else if to(&["me-", "af-", "il-"]) {
            140_000_000
        } else {
            20_000_000
        }
    } else if src == "mx-central-1" {
        if to(&["me-", "af-", "il-"]) {
            140_000_000
        } else {
            20_000_000
        }
    } else if src.starts_with("eu-") {
        if dst == "ca-west-1" || dst == "mx-central-1" {
            50_000_000
        } else if dst == "ap-southeast-7" {
            80_000_000
        } else {
            20_000_000
        }
    } else if src.starts_with("ap-") {
        if to(&["ap-"]) {
            80_000_000
        } else if to(&["me-", "af-", "il-"]) {
            110_000_000
        } else {
            20_000_000
        }
    } else if src.starts_with("me-") {
        85_000_000
    } else if src.starts_with("sa-") {
        138_000_000
    } else if src.starts_with("af-") {
        147_000_000
    } else if src == "il-central-1" {
        if to(&["ap-"]) {
            150_000_000
        } else {
            20_000_000
        }
    } else {
        20_000_000
    };
    usd(nano)
}

impl Default for EgressTable {
    fn default() -> Self {
        EgressTable::empty()
    }
}

impl EgressTable {
    /// No pairs: every migration between regions is priced by the reference's rules
    /// ([`reference_egress_per_gb`]).
    pub fn empty() -> EgressTable {
        EgressTable {
            prices: HashMap::new(),
            default: None,
            source: None,
        }
    }

    /// Prices pairs not in the table at a flat `per_gb` (a [`Rate`] read as USD per GB)
    /// instead of by the reference's rules.
    pub fn with_default(mut self, per_gb: Rate) -> EgressTable {
        self.default = Some(per_gb);
        self
    }

    /// Sets one directed pair (for tests and programmatic tables).
    pub fn with_pair(mut self, from: &str, to: &str, per_gb: Rate) -> EgressTable {
        self.prices
            .insert((from.to_string(), to.to_string()), per_gb);
        self
    }

    /// The flat price of pairs not in the table (`None`: the reference's rules).
    pub fn default_per_gb(&self) -> Option<Rate> {
        self.default
    }

    /// The file the table came from, when read from one.
    pub fn source(&self) -> Option<&SourceFile> {
        self.source.as_ref()
    }

    /// Number of directed pairs in the table.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Whether the table has no pairs.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    /// USD per GB from region `from` to region `to`, and whether the default was used
    /// (see the module docs). The same region costs nothing.
    pub fn per_gb(&self, from: &str, to: &str) -> (Rate, bool) {
        if from == to {
            return (Rate::ZERO, false);
        }
        match self.prices.get(&(from.to_string(), to.to_string())) {
            Some(&r) => (r, false),
            None => (
                self.default
                    .unwrap_or_else(|| reference_egress_per_gb(from, to)),
                true,
            ),
        }
    }

    /// Reads an egress CSV.
    ///
    /// # Errors
    /// `Io` when the file cannot be read, otherwise as [`EgressTable::read_bytes`].
    pub fn read(path: &Path) -> Result<EgressTable, InputError> {
        EgressTable::read_records(Records::open(path)?)
    }

    /// Reads `from_region,to_region,price_usd_per_gb` (header required, in that order;
    /// surrounding spaces ignored).
    ///
    /// # Errors
    /// [`InputError`] naming the file, line and field: a wrong header (`MissingField`), a
    /// row without three fields (`Syntax`), an empty region (`BadValue`), a price that is
    /// not a non-negative decimal (`BadValue`), the same pair twice (`Conflict`), no rows
    /// (`Empty`).
    ///
    /// ```
    /// use spotsim::job::EgressTable;
    /// let e = EgressTable::read_bytes("e.csv", b"from_region,to_region,price_usd_per_gb\na,b,-1\n").unwrap_err();
    /// assert_eq!(e.to_string(), "e.csv:2: field `price_usd_per_gb`: found `-1`, expected a non-negative decimal in USD per GB such as 0.02");
    /// ```
    pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<EgressTable, InputError> {
        EgressTable::read_records(Records::from_bytes(name, bytes))
    }

    /// [`EgressTable::read_bytes`] over records of bytes or of a file read in bounded
    /// memory.
    fn read_records(mut recs: Records<'_>) -> Result<EgressTable, InputError> {
        const HEADER: [&[u8]; 3] = [b"from_region", b"to_region", b"price_usd_per_gb"];
        let name = recs.name().to_string();
        let name = name.as_str();
        if !recs.next()? {
            return Err(InputError::new(
                name,
                InputErrorKind::Empty,
                "the file is empty; expected the header from_region,to_region,price_usd_per_gb",
            ));
        }
        let header: Vec<&[u8]> = recs.iter().map(|f| f.trim_ascii()).collect();
        if header != HEADER {
            let found: Vec<String> = recs.iter().map(show).collect();
            return Err(err_at(
                name,
                recs.line(),
                "from_region",
                InputErrorKind::MissingField,
                format!(
                    "expected the header from_region,to_region,price_usd_per_gb, found `{}`",
                    found.join(",")
                ),
            ));
        }
        let mut prices = HashMap::new();
        let mut lines: HashMap<(String, String), u64> = HashMap::new();
        while recs.next()? {
            let line = recs.line();
            let rec = &recs;
            if rec.len() != 3 {
                return Err(InputError::new(
                    name,
                    InputErrorKind::Syntax,
                    format!(
                        "has {} fields; expected 3 (from_region,to_region,price_usd_per_gb)",
                        rec.len()
                    ),
                )
                .at_line(line));
            }
            let from = text_value(
                name,
                line,
                "from_region",
                rec.get(0).unwrap_or_default(),
                "a region such as us-east-1",
            )?;
            let to = text_value(
                name,
                line,
                "to_region",
                rec.get(1).unwrap_or_default(),
                "a region such as us-east-1",
            )?;
            let raw = rec.get(2).unwrap_or_default().trim_ascii();
            let price = std::str::from_utf8(raw)
                .ok()
                .and_then(|s| Rate::parse_usd(s).ok())
                .ok_or_else(|| {
                    err_at(
                        name,
                        line,
                        "price_usd_per_gb",
                        InputErrorKind::BadValue,
                        format!("found `{}`, expected {PRICE_EXAMPLE}", show(raw)),
                    )
                })?;
            let key = (from.to_string(), to.to_string());
            if let Some(prev) = lines.get(&key) {
                return Err(err_at(
                    name,
                    line,
                    "from_region",
                    InputErrorKind::Conflict,
                    format!("the pair {from} → {to} is also on line {prev}"),
                ));
            }
            lines.insert(key.clone(), line);
            prices.insert(key, price);
        }
        if prices.is_empty() {
            return Err(InputError::new(
                name,
                InputErrorKind::Empty,
                "has a header but no region pairs",
            ));
        }
        let sha256 = recs.finish()?;
        Ok(EgressTable {
            source: Some(SourceFile {
                path: name.to_string(),
                sha256,
                format: "egress-csv".into(),
                rows: prices.len() as u64,
            }),
            prices,
            ..EgressTable::empty()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_name_line_and_field() {
        let e = |b: &[u8]| EgressTable::read_bytes("e.csv", b).unwrap_err().to_string();
        assert_eq!(
            e(b"a,b,c\n"),
            "e.csv:1: field `from_region`: expected the header from_region,to_region,price_usd_per_gb, found `a,b,c`"
        );
        assert_eq!(
            e(b"from_region,to_region,price_usd_per_gb\nx,y\n"),
            "e.csv:2: has 2 fields; expected 3 (from_region,to_region,price_usd_per_gb)"
        );
        assert_eq!(
            e(b"from_region,to_region,price_usd_per_gb\nx,y,0.02\nx,y,0.03\n"),
            "e.csv:3: field `from_region`: the pair x → y is also on line 2"
        );
        assert!(e(b"from_region,to_region,price_usd_per_gb\n").contains("no region pairs"));
        assert!(e(b"").contains("empty"));
        assert_eq!(
            e(b"from_region,to_region,price_usd_per_gb\n ,y,1\n"),
            "e.csv:2: field `from_region`: is empty; expected a region such as us-east-1"
        );
    }
}
