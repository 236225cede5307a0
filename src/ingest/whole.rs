//! Files read whole, held to a size checked before reading (see `crate::limits`).

use crate::error::InputError;

/// Reads a whole file, mapping failure to an [`InputError`] of kind `Io`.
///
/// The one data format still read whole (`sweep merge` parts) is held to
/// [`crate::limits::MAX_WHOLE_FILE_BYTES`], checked from the file's size before a byte
/// is read: a huge file fails at once, and memory stays within that size plus what the
/// rows parse to. Configuration files use [`read_all_max`] with
/// [`crate::limits::MAX_CONFIG_FILE_BYTES`].
pub(crate) fn read_all(path: &std::path::Path) -> Result<Vec<u8>, InputError> {
    read_all_max(path, crate::limits::MAX_WHOLE_FILE_BYTES)
}

/// [`read_all`] for a file of at most `max` bytes.
pub(crate) fn read_all_max(path: &std::path::Path, max: u64) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| {
        InputError::new(
            path.display().to_string(),
            crate::error::InputErrorKind::Io,
            format!("cannot read: {e}"),
        )
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    check_size(&path.display().to_string(), &file, max)?;
    let mut bytes = Vec::new();
    // `take`: a file that grows after the check (or has no size, a pipe) still stops
    // one byte past the limit, and is refused.
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, max + 1), &mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_big(&path.display().to_string(), "more than", max));
    }
    Ok(bytes)
}

/// The size check of [`read_all_max`], for a file already open.
fn check_size(name: &str, file: &std::fs::File, max: u64) -> Result<(), InputError> {
    match file.metadata() {
        Ok(m) if m.is_file() && m.len() > max => Err(too_big(name, &m.len().to_string(), max)),
        _ => Ok(()),
    }
}

fn too_big(name: &str, size: &str, max: u64) -> InputError {
    let human = if max >= 1 << 30 {
        format!("{} GiB", max >> 30)
    } else {
        format!("{} MiB", max >> 20)
    };
    InputError::new(
        name,
        crate::error::InputErrorKind::Io,
        format!(
            "is {size} bytes: files of this format are read whole, at most {max} bytes ({human})"
        ),
    )
}
