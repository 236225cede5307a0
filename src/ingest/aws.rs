//! AWS spot price history: CLI CSV, CLI JSON and the AZ-ID TSV archive.
use std::path::Path;

use super::PriceHistory;
use crate::error::InputError;

/// Reads a price file, detecting its format.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_price_file(path: &Path) -> Result<PriceHistory, InputError> {
    let bytes = super::read_all(path)?;
    read_price_bytes(&path.display().to_string(), &bytes)
}

/// Reads price rows from bytes, detecting the format; `name` is used in errors.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_price_bytes(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let _ = (name, bytes);
    todo!()
}

/// Reads the CSV of `describe-spot-price-history`.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_aws_csv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let _ = (name, bytes);
    todo!()
}

/// Reads the JSON of `describe-spot-price-history`.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_aws_json(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let _ = (name, bytes);
    todo!()
}

/// Reads the AZ-ID TSV archive format.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_azid_tsv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    let _ = (name, bytes);
    todo!()
}
