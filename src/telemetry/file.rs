//! An output file that appears whole or not at all: written to a temporary file beside
//! it and renamed into place when complete.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::output::{Destination, Stream};

/// A file being written; [`AtomicFile::commit`] renames it into place, dropping it
/// uncommitted removes it. It is [`crate::output`]'s writer (issue 14: every output
/// path goes through it): a temporary file with an unpredictable name created
/// `O_EXCL` beside the target, a target that is not a regular file refused.
pub struct AtomicFile {
    path: PathBuf,
    out: Option<Stream>,
}

/// The message of an output error (the path is added by the caller).
fn io_err(e: crate::error::Error) -> io::Error {
    match e {
        crate::error::Error::Output { message, .. } => io::Error::other(message),
        other => io::Error::other(other.to_string()),
    }
}

impl AtomicFile {
    /// Starts writing `path` (through a temporary file in the same directory).
    ///
    /// # Errors
    /// The I/O error creating the temporary file, or a target that is a directory,
    /// FIFO, socket, device or dangling link.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let out = Destination::File(path.to_path_buf())
            .stream()
            .map_err(io_err)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: Some(out),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    /// The I/O error; the temporary file is removed.
    pub fn commit(&mut self) -> io::Result<()> {
        match self.out.take() {
            Some(o) => o.finish().map_err(io_err),
            None => Ok(()),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf).map(|_| buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self.out.as_mut() {
            Some(o) => o.write(buf).map_err(io_err),
            None => Err(io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        // The buffer is flushed by `commit`, with the rename.
        Ok(())
    }
}

// Dropped uncommitted, the `Stream` deletes its temporary file itself.
