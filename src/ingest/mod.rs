//! Readers for the outside formats spotsim replays. Each returns rows with their
//! 1-based line numbers, or an [`InputError`] naming file, line and field.
//!
//! | function | format |
//! |---|---|
//! | [`read_price_file`] | auto-detects one of the three below |
//! | [`read_aws_csv`] | `aws ec2 describe-spot-price-history` as CSV: header `AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp`, columns in any order |
//! | [`read_aws_json`] | the AWS CLI JSON `{"SpotPriceHistory":[…]}`, several pages concatenated allowed |
//! | [`read_azid_tsv`] | the AZ-ID archive TSV `az_id instance_type product_description price timestamp`, no header |
//! | [`read_capacity_file`] | capacity: spotsim's CSV `Timestamp,AvailabilityZone,InstanceType,Capacity`, or a timestamped availability CSV `date,availability` |
//! | [`read_probe_prices`] | per-probe prices JSON `{"<zone>_<gpu>_<n>":[…]}` aligned with availability CSVs |
//!
//! Rows may come in any order (AWS's are newest first); the market builder
//! (`market::build`) sorts them, drops exact duplicates (overlapping pages) and rejects
//! the same timestamp twice with different values, naming both lines.

mod aws;
mod capacity;
mod probe;

pub use aws::{read_aws_csv, read_aws_json, read_azid_tsv, read_price_bytes, read_price_file};
pub use capacity::{CapacityOptions, read_capacity_bytes, read_capacity_file};
pub use probe::read_probe_prices;

use sha2::{Digest, Sha256};

use crate::error::InputError;
use crate::market::{SourceFile, Zone};
use crate::money::Rate;
use crate::time::SimTime;

/// The identity of one price series: zone, instance type and product description.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    /// The AZ (name or ID, as the file gives it).
    pub zone: Zone,
    /// The instance type.
    pub instance_type: String,
    /// The product description (`Linux/UNIX`, `Windows`, …).
    pub product: String,
}

/// One price change point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceRow {
    /// Index into [`PriceHistory::series`].
    pub series: u32,
    /// When the price took effect.
    pub time: SimTime,
    /// The price per hour.
    pub price: Rate,
    /// 1-based line of the row in its file (for JSON: the line the record starts on).
    pub line: u64,
}

/// The price rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceHistory {
    /// The file.
    pub source: SourceFile,
    /// Distinct series, indexed by [`PriceRow::series`].
    pub series: Vec<SeriesKey>,
    /// Rows, in file order.
    pub rows: Vec<PriceRow>,
}

/// The identity of one capacity series: a pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CapacityKey {
    /// The AZ.
    pub zone: Zone,
    /// The instance type.
    pub instance_type: String,
}

/// One capacity change point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityRow {
    /// Index into [`CapacityHistory::series`].
    pub series: u32,
    /// When the limit took effect.
    pub time: SimTime,
    /// Spot instances the fleet can hold in the pool from then on.
    pub capacity: u32,
    /// 1-based line in the file.
    pub line: u64,
}

/// The capacity rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapacityHistory {
    /// The file.
    pub source: SourceFile,
    /// Distinct series, indexed by [`CapacityRow::series`].
    pub series: Vec<CapacityKey>,
    /// Rows, in file order.
    pub rows: Vec<CapacityRow>,
}

/// Lowercase hex SHA-256 of `bytes` (for provenance).
///
/// ```
/// assert_eq!(
///     spotsim::ingest::sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Reads a whole file, mapping failure to an [`InputError`] of kind `Io`.
pub(crate) fn read_all(path: &std::path::Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| {
        InputError::new(
            path.display().to_string(),
            crate::error::InputErrorKind::Io,
            format!("cannot read: {e}"),
        )
    })
}
