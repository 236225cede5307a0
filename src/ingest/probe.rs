//! Per-probe prices aligned with availability CSVs.
use std::path::Path;

use super::PriceHistory;
use crate::error::InputError;

/// Reads per-probe prices.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_probe_prices(json: &Path, availability_csvs: &[&Path], instance_type: Option<&str>) -> Result<PriceHistory, InputError> {
    let _ = (json, availability_csvs, instance_type);
    todo!()
}
