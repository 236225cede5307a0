//! Writing a report: to standard output, or to a regular file that appears whole or not
//! at all. Every output path of the command uses this one writer: `--out` (whole text,
//! [`Destination::write`]) and the telemetry files `--metrics`, `--events`,
//! `--perfetto`, `--service-map` (streamed, [`Destination::create`] and
//! [`FileOut::commit`]), with the same guarantees.
//!
//! What a file destination guarantees:
//!
//! * **Regular files only.** An existing target that is a directory, FIFO, socket or
//!   device is refused before anything runs ([`Destination::check`]) and again just
//!   before the rename; `-` means standard output. A symbolic link is followed: the
//!   file it points to is replaced and the link stays a link; a link to nothing is
//!   refused.
//! * **Never an input.** A target that is the same file as any input (compared by
//!   device and inode on Unix, by canonical path elsewhere; so a hard link or a path
//!   spelled differently is caught too) is refused.
//! * **Whole or not at all.** The text is written to a temporary file in the target's
//!   directory, created by the [`tempfile`] crate with an unpredictable name and
//!   `O_CREAT | O_EXCL` (an existing name — a planted symbolic link included — is never
//!   opened, so nothing outside the target is ever written), flushed to disk, then
//!   renamed over the target (atomic on one file system). On any error before the
//!   rename, and on a panic (the temporary file is removed when it is dropped during
//!   unwinding), the temporary file is deleted and the target is untouched.
//! * **Permissions.** A replaced file keeps its permission bits; a new file gets
//!   `0o666` less the umask, as a shell redirection would.
//!
//! What it cannot do: a process killed outright (`SIGKILL`, power loss) between the
//! temporary file's creation and the rename leaves the temporary file (named
//! `.NAME.XXXXXX.tmp`) behind; the target is still untouched. The `spotsim` binary
//! ignores `SIGXFSZ`, so a file-size limit (`ulimit -f`) makes the write fail with
//! "File too large" and the temporary file is removed like on any other error.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{ConfigError, Error};

/// Where a report goes: standard output, or a file written atomically.
///
/// ```
/// use spotsim::output::Destination;
/// let dir = std::env::temp_dir().join(format!("spotsim-doc-output-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let target = dir.join("report.txt");
/// let d = Destination::new(Some(&target));
/// d.check(&[]).unwrap();
/// d.write(b"hello\n").unwrap();
/// assert_eq!(std::fs::read(&target).unwrap(), b"hello\n");
/// // Only the target is in the directory: no temporary file is left.
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// // A directory is refused.
/// assert!(Destination::new(Some(&dir)).check(&[]).is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (no `--out`, or `--out -`).
    Stdout,
    /// A regular file, replaced atomically.
    File(PathBuf),
}

impl Destination {
    /// The destination `--out` names: standard output for `None` or `-`.
    pub fn new(out: Option<&Path>) -> Destination {
        match out {
            None => Destination::Stdout,
            Some(p) if p.as_os_str() == "-" => Destination::Stdout,
            Some(p) => Destination::File(p.to_path_buf()),
        }
    }

    /// Checks, before any work is done, that the destination can be written: an
    /// existing target is a regular file (or a link to one) and is none of `inputs`.
    ///
    /// # Errors
    /// [`Error::Output`] for a target that is a directory, FIFO, socket, device or a
    /// dangling link; [`Error::Config`] (option `out`) for a target that is an input.
    pub fn check(&self, inputs: &[&Path]) -> Result<(), Error> {
        self.check_as("out", inputs)
    }

    /// [`Destination::check`] for the file of option `option` (errors name it).
    ///
    /// # Errors
    /// As [`Destination::check`], naming `option`.
    pub fn check_as(&self, option: &str, inputs: &[&Path]) -> Result<(), Error> {
        let Destination::File(p) = self else {
            return Ok(());
        };
        let (real, meta) = resolve(p, option)?;
        let Some(meta) = meta else {
            return Ok(());
        };
        for input in inputs {
            if same_file(&real, &meta, input) {
                return Err(ConfigError::new(
                    option,
                    format!(
                        "{} is also an input ({}): refusing to overwrite an input file",
                        crate::text::quote_path(p),
                        crate::text::quote_path(input)
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Starts streaming the file of option `option` (a telemetry file): written to a
    /// temporary file beside the target, which [`FileOut::commit`] renames into place
    /// and dropping removes.
    ///
    /// ```
    /// use std::io::Write;
    /// use spotsim::output::Destination;
    /// let dir = std::env::temp_dir().join(format!("spotsim-doc-create-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let target = dir.join("events.jsonl");
    /// let mut f = Destination::new(Some(&target)).create("events").unwrap();
    /// f.write_all(b"{}\n").unwrap();
    /// assert!(!target.exists()); // not before the commit
    /// f.commit().unwrap();
    /// assert_eq!(std::fs::read(&target).unwrap(), b"{}\n");
    /// // Standard output is the report's.
    /// assert!(Destination::new(Some(std::path::Path::new("-"))).create("events").is_err());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for standard output (`-`); [`Error::Output`] for a target that
    /// is not a regular file or a directory where the file cannot be created.
    pub fn create(&self, option: &str) -> Result<FileOut, Error> {
        match self {
            Destination::Stdout => Err(ConfigError::new(
                option,
                "`-` (standard output) is the report's: give a file",
            )
            .into()),
            Destination::File(p) => FileOut::create(p, option),
        }
    }

    /// Writes `bytes`: to standard output (a closed pipe is not an error), or to the
    /// file through a temporary file renamed into place.
    ///
    /// # Errors
    /// [`Error::Output`] naming the path and the operating system's reason; the target
    /// is then untouched and no temporary file is left.
    pub fn write(&self, bytes: &[u8]) -> Result<(), Error> {
        self.write_as("out", bytes)
    }

    /// [`Destination::write`] for the file of option `option` (errors name it).
    ///
    /// ```
    /// use spotsim::output::Destination;
    /// let dir = std::env::temp_dir().join(format!("spotsim-doc-write-as-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let e = Destination::new(Some(&dir)).write_as("summary-out", b"{}").unwrap_err();
    /// assert!(e.to_string().contains("--summary-out writes regular files only"), "{e}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`Destination::write`], naming `option`.
    pub fn write_as(&self, option: &str, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Destination::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .or_else(|e| {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            Ok(())
                        } else {
                            Err(e)
                        }
                    })
                    .map_err(|e| os_error(Path::new("<stdout>"), &e))
            }
            Destination::File(p) => {
                let mut f = FileOut::create(p, option)?;
                f.write_all(bytes).map_err(|e| os_error(p, &e))?;
                f.commit()
            }
        }
    }
}

/// A file being streamed to its destination ([`Destination::create`]): a temporary
/// file beside the target until [`FileOut::commit`]; dropped uncommitted (an error, a
/// panic), it is removed and the target is untouched.
pub struct FileOut {
    /// The path as given (for messages).
    shown: PathBuf,
    /// The file it names (links followed).
    real: PathBuf,
    option: String,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl FileOut {
    fn create(p: &Path, option: &str) -> Result<FileOut, Error> {
        let (real, meta) = resolve(p, option)?;
        let dir = real
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Some(name) = real.file_name() else {
            return Err(refused(p, "not a file name", option));
        };
        // The name's start (at most 64 characters) as the prefix, so that the temporary
        // file's name stays within the file system's limit.
        let name: String = name.to_string_lossy().chars().take(64).collect();
        let prefix = format!(".{name}.");
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta
                .as_ref()
                .map_or(0o666, |m| m.permissions().mode() & 0o777);
            b.permissions(fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = &meta;
        let tmp = b.tempfile_in(dir).map_err(|e| os_error(p, &e))?;
        Ok(FileOut {
            shown: p.to_path_buf(),
            real,
            option: option.to_string(),
            out: std::io::BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    /// The target path, as given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Flushes the file to disk and renames it over the target.
    ///
    /// # Errors
    /// [`Error::Output`] naming the path; the temporary file is removed and the target
    /// untouched.
    pub fn commit(self) -> Result<(), Error> {
        let p = self.shown;
        let tmp = self.out.into_inner().map_err(|e| os_error(&p, e.error()))?;
        tmp.as_file().sync_all().map_err(|e| os_error(&p, &e))?;
        // The target may have changed while the file was written: check it again.
        resolve(&self.real, &self.option)?;
        tmp.persist(&self.real)
            .map_err(|e| os_error(&p, &e.error))?;
        Ok(())
    }
}

impl Write for FileOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        // The buffer only; the rename is `commit`'s.
        self.out.flush()
    }
}

/// The file a target path finally names (symbolic links followed) and its metadata
/// when it exists; an error for anything that is not a regular file.
fn resolve(p: &Path, option: &str) -> Result<(PathBuf, Option<fs::Metadata>), Error> {
    let link = match fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((p.to_path_buf(), None)),
        Err(e) => return Err(os_error(p, &e)),
    };
    let (real, meta) = if link.file_type().is_symlink() {
        let real =
            fs::canonicalize(p).map_err(|_| refused(p, "a symbolic link to nothing", option))?;
        let meta = fs::metadata(&real).map_err(|e| os_error(p, &e))?;
        (real, meta)
    } else {
        (p.to_path_buf(), link)
    };
    match kind(&meta) {
        None => Ok((real, Some(meta))),
        Some(what) => Err(refused(p, what, option)),
    }
}

/// What a non-regular file is (`None` for a regular file).
fn kind(m: &fs::Metadata) -> Option<&'static str> {
    let t = m.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

fn refused(p: &Path, what: &str, option: &str) -> Error {
    Error::Output {
        path: crate::text::escape_path(p),
        message: if option == "out" {
            format!(
                "is {what}: --out writes regular files only (leave --out out, or give `-`, for standard output)"
            )
        } else {
            format!("is {what}: --{option} writes regular files only")
        },
    }
}

fn os_error(p: &Path, e: &std::io::Error) -> Error {
    Error::Output {
        path: crate::text::escape_path(p),
        message: e.to_string(),
    }
}

/// Whether `input` is the file `target` (with metadata `tm`) already is.
fn same_file(target: &Path, tm: &fs::Metadata, input: &Path) -> bool {
    let Ok(im) = fs::metadata(input) else {
        return false;
    };
    #[cfg(unix)]
    {
        let _ = target;
        use std::os::unix::fs::MetadataExt;
        im.dev() == tm.dev() && im.ino() == tm.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (tm, im);
        match (fs::canonicalize(target), fs::canonicalize(input)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Text written piece by piece to a [`Destination`] ([`Destination::stream`]): to
/// standard output as it comes, or to a [`FileOut`] that [`Stream::finish`] commits —
/// with every guarantee of [`Destination::write`]. Dropped without `finish` (an error,
/// a panic), it deletes its temporary file and leaves the target untouched.
///
/// ```
/// use spotsim::output::Destination;
/// let dir = std::env::temp_dir().join(format!("spotsim-doc-stream-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let target = dir.join("lines.csv");
/// let mut s = Destination::new(Some(&target)).stream().unwrap();
/// s.write(b"a,b\n").unwrap();
/// s.write(b"1,2\n").unwrap();
/// assert!(!target.exists(), "nothing at the target before finish");
/// s.finish().unwrap();
/// assert_eq!(std::fs::read(&target).unwrap(), b"a,b\n1,2\n");
/// // Dropped unfinished: the target keeps its text, no temporary file is left.
/// let mut s = Destination::new(Some(&target)).stream().unwrap();
/// s.write(b"partial").unwrap();
/// drop(s);
/// assert_eq!(std::fs::read(&target).unwrap(), b"a,b\n1,2\n");
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct Stream {
    path: PathBuf,
    to: StreamTo,
}

enum StreamTo {
    Stdout(std::io::BufWriter<std::io::Stdout>, bool),
    File(FileOut),
}

impl Destination {
    /// Opens the destination for text written piece by piece (a temporary file is
    /// created next to a file target at once).
    ///
    /// # Errors
    /// [`Error::Output`] as for [`Destination::write`].
    pub fn stream(&self) -> Result<Stream, Error> {
        self.stream_as("out")
    }

    /// [`Destination::stream`] for the file of option `option` (errors name it).
    ///
    /// ```
    /// use spotsim::output::Destination;
    /// let dir = std::env::temp_dir().join(format!("spotsim-doc-stream-as-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let e = Destination::new(Some(&dir)).stream_as("per-window").err().unwrap();
    /// assert!(e.to_string().contains("--per-window writes regular files only"), "{e}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`Destination::stream`], naming `option`.
    pub fn stream_as(&self, option: &str) -> Result<Stream, Error> {
        Ok(match self {
            Destination::Stdout => Stream {
                path: PathBuf::from("<stdout>"),
                to: StreamTo::Stdout(std::io::BufWriter::new(std::io::stdout()), false),
            },
            Destination::File(p) => Stream {
                path: p.clone(),
                to: StreamTo::File(FileOut::create(p, option)?),
            },
        })
    }
}

impl Stream {
    /// Appends `bytes`.
    ///
    /// # Errors
    /// [`Error::Output`] naming the path and the operating system's reason (a closed
    /// standard output is not an error: what follows is dropped).
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let r = match &mut self.to {
            StreamTo::Stdout(_, true) => Ok(()),
            StreamTo::Stdout(w, closed) => match w.write_all(bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    *closed = true;
                    Ok(())
                }
                r => r,
            },
            StreamTo::File(w) => w.write_all(bytes),
        };
        r.map_err(|e| os_error(&self.path, &e))
    }

    /// Ends the text: flushes standard output, or puts the file in place.
    ///
    /// # Errors
    /// [`Error::Output`]; the target is then untouched and no temporary file is left.
    pub fn finish(self) -> Result<(), Error> {
        match self.to {
            StreamTo::Stdout(_, true) => Ok(()),
            StreamTo::Stdout(mut w, false) => match w.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(os_error(&self.path, &e))
                }
                _ => Ok(()),
            },
            StreamTo::File(f) => f.commit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("spotsim-output-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn dash_is_stdout() {
        assert_eq!(Destination::new(Some(Path::new("-"))), Destination::Stdout);
        assert_eq!(Destination::new(None), Destination::Stdout);
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_at_the_old_predictable_temp_names_are_never_followed() {
        // spotsim 0.1 wrote `.NAME.PID.tmp` with a plain create: a link planted at that
        // name made it overwrite the link's target. Plant links at that name (this
        // process's id) and at a few neighbours, pointing at a victim file.
        let d = scratch("planted");
        let victim = d.join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let pid = std::process::id();
        for p in pid.saturating_sub(2)..=pid + 2 {
            std::os::unix::fs::symlink(&victim, d.join(format!(".report.json.{p}.tmp"))).unwrap();
        }
        let target = d.join("report.json");
        Destination::new(Some(&target))
            .write(b"{\"ok\":1}")
            .unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read_to_string(&target).unwrap(), "{\"ok\":1}");
        assert!(
            !fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // Only the victim, the target and the planted links: nothing else was left.
        assert_eq!(names(&d).len(), 2 + 5);
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_is_followed_and_stays_a_link() {
        let d = scratch("link");
        let real = d.join("real.txt");
        fs::write(&real, "old").unwrap();
        let link = d.join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        Destination::new(Some(&link)).write(b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // A dangling link is refused.
        let dangling = d.join("dangling.txt");
        std::os::unix::fs::symlink(d.join("nothing"), &dangling).unwrap();
        let e = Destination::new(Some(&dangling)).check(&[]).unwrap_err();
        assert!(e.to_string().contains("symbolic link to nothing"), "{e}");
        assert_eq!(names(&d), ["dangling.txt", "link.txt", "real.txt"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_or_directory_target_is_refused_and_left_alone() {
        let d = scratch("special");
        let sock = d.join("s.sock");
        let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        for (target, what) in [(&sock, "is a socket"), (&d, "is a directory")] {
            let dest = Destination::new(Some(target));
            let e = dest.check(&[]).unwrap_err().to_string();
            assert!(e.contains(what), "{e}");
            let e = dest.write(b"x").unwrap_err().to_string();
            assert!(e.contains(what), "{e}");
        }
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&sock).unwrap().file_type().is_socket());
        assert_eq!(names(&d), ["s.sock"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn an_input_is_refused_even_spelled_differently() {
        let d = scratch("input");
        let input = d.join("prices.csv");
        fs::write(&input, "data").unwrap();
        let other = d.join(".").join("prices.csv");
        let e = Destination::new(Some(&other))
            .check(&[input.as_path()])
            .unwrap_err();
        assert!(matches!(&e, Error::Config(c) if c.option == "out"), "{e}");
        assert_eq!(fs::read_to_string(&input).unwrap(), "data");
        // A different file is fine.
        Destination::new(Some(&d.join("out.txt")))
            .check(&[input.as_path()])
            .unwrap();
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let d = scratch("perm");
        let t = d.join("r.txt");
        fs::write(&t, "old").unwrap();
        fs::set_permissions(&t, fs::Permissions::from_mode(0o640)).unwrap();
        Destination::new(Some(&t)).write(b"new").unwrap();
        assert_eq!(
            fs::metadata(&t).unwrap().permissions().mode() & 0o777,
            0o640
        );
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error_and_leaves_nothing() {
        let d = scratch("missing");
        let t = d.join("no").join("r.txt");
        let e = Destination::new(Some(&t)).write(b"x").unwrap_err();
        assert!(matches!(e, Error::Output { .. }));
        assert!(names(&d).is_empty());
        fs::remove_dir_all(&d).unwrap();
    }
}
