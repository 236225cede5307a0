//! Capacity traces.
use std::path::Path;

use super::CapacityHistory;
use crate::error::InputError;

/// Options for capacity files whose rows do not name their pool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CapacityOptions {
    /// Instance type for availability CSVs.
    pub instance_type: Option<String>,
    /// Zone for availability CSVs.
    pub zone: Option<String>,
}

/// Reads a capacity file.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_capacity_file(path: &Path, opts: &CapacityOptions) -> Result<CapacityHistory, InputError> {
    let bytes = super::read_all(path)?;
    read_capacity_bytes(&path.display().to_string(), &bytes, opts)
}

/// Reads capacity rows from bytes.
///
/// # Errors
/// [`InputError`] naming file, line and field.
pub fn read_capacity_bytes(name: &str, bytes: &[u8], opts: &CapacityOptions) -> Result<CapacityHistory, InputError> {
    let _ = (name, bytes, opts);
    todo!()
}
