//! The window over the input: reads, line and column tracking, and cutting one
//! complete JSON value out for `serde_json` to parse in place.

use std::fmt;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender};

use serde::de::{self, Visitor};
use sha2::{Digest, Sha256};

use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::{self, Source};

/// The size of one read.
pub(super) const CHUNK: usize = 1 << 20;

/// JSON's whitespace (not the form feed `is_ascii_whitespace` also takes).
#[inline]
pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// The end (one past the closing quote) of the string whose text starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'\\' {
            i += 2;
        } else {
            return Some(i + 1);
        }
    }
}

/// From `i`, inside `depth` levels of objects and arrays: the offset after the byte
/// that closes the outermost (brackets are not matched by kind: the parser checks).
fn close(b: &[u8], mut i: usize, mut depth: usize) -> Option<usize> {
    while depth > 0 {
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)? - 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    Some(i)
}

/// The end of the value starting at `b[0]` (not whitespace), or `None` when it does not
/// end within `b`. A scalar ends at the first delimiter or whitespace.
fn value_len(b: &[u8]) -> Option<usize> {
    match *b.first()? {
        b'{' | b'[' => close(b, 1, 1),
        b'"' => string_end(b, 1),
        // A number or a literal: up to a delimiter. Any other byte is an error at
        // once (serde_json names it), not a scan through what follows.
        b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => b
            .iter()
            .position(|&c| matches!(c, b',' | b'}' | b']' | b'{' | b'[' | b'"' | b':') || is_ws(c)),
        _ => Some(1),
    }
}

/// Where the bytes read are hashed (SHA-256): here, or on a second thread that they
/// are copied to (a chunk at a time, the buffers coming back to be reused).
pub(super) enum Hashing {
    Here(Sha256),
    Sent {
        to: SyncSender<Vec<u8>>,
        spare: Receiver<Vec<u8>>,
    },
}

impl Hashing {
    /// Hashes `b` next.
    pub(super) fn update(&mut self, b: &[u8]) {
        match self {
            Hashing::Here(h) => h.update(b),
            Hashing::Sent { to, spare } => {
                let mut v = spare.try_recv().unwrap_or_default();
                v.clear();
                v.extend_from_slice(b);
                // An error means the hashing thread is gone, which only a panic there
                // does: joining it reports that.
                let _ = to.send(v);
            }
        }
    }

    /// Runs `read` with the bytes it reads hashed on a second thread (see
    /// [`Hashing::update`]); returns its result and the SHA-256 of those bytes.
    pub(super) fn on_a_thread<T>(read: impl FnOnce(Hashing) -> T) -> (T, [u8; 32]) {
        std::thread::scope(|scope| {
            let (to, from) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
            let (back, spare) = std::sync::mpsc::channel();
            let hasher = scope.spawn(move || {
                let mut h = Sha256::new();
                for chunk in from {
                    h.update(&chunk);
                    let _ = back.send(chunk);
                }
                h.finalize()
            });
            // `read` drops the sender when it returns: the thread then ends.
            let res = read(Hashing::Sent { to, spare });
            let digest = hasher
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (res, digest.into())
        })
    }
}

/// The input, read a window at a time (or all in memory), with the line of the next
/// byte to parse.
pub(super) struct Input<'a, 'n> {
    pub(super) name: &'n str,
    /// `None`: everything is in `bytes`.
    pub(super) reader: Option<&'a mut dyn Read>,
    pub(super) bytes: &'a [u8],
    pub(super) buf: Vec<u8>,
    /// The next byte to parse (an index into [`Input::data`]).
    pub(super) pos: usize,
    pub(super) eof: bool,
    /// The line of `pos`, and where that line starts (an index into the data; negative
    /// when its start was dropped from the window).
    pub(super) line: u64,
    pub(super) line_start: i64,
    /// Where the bytes read are hashed.
    pub(super) hashing: Hashing,
    /// The size of one read ([`CHUNK`]; smaller in tests).
    pub(super) chunk: usize,
}

impl<'a, 'n> Input<'a, 'n> {
    pub(super) fn new(name: &'n str, src: Source<'a>, prefix: Vec<u8>, hashing: Hashing) -> Self {
        let (reader, bytes, eof) = match src {
            Source::Bytes(b) => (None, b, true),
            Source::Reader(r) => (Some(r), &[][..], false),
        };
        let mut input = Input {
            name,
            reader,
            bytes,
            buf: Vec::new(),
            pos: 0,
            eof,
            line: 1,
            line_start: 0,
            hashing,
            chunk: CHUNK,
        };
        if input.reader.is_some() {
            input.hashing.update(&prefix);
            input.buf = prefix;
        }
        input
    }

    #[inline]
    pub(super) fn data(&self) -> &[u8] {
        if self.reader.is_some() {
            &self.buf
        } else {
            self.bytes
        }
    }

    /// Skips a leading byte-order mark (call first; reads its three bytes if needed).
    pub(super) fn skip_bom(&mut self) -> Result<(), InputError> {
        while self.data().len() < 3 && self.fill()? {}
        if self.data().starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
            self.line_start = 3;
        }
        Ok(())
    }

    /// Reads more: drops the parsed bytes from the window and appends a chunk (or as
    /// much again as the window holds). False at the end of the input.
    pub(super) fn fill(&mut self) -> Result<bool, InputError> {
        if self.eof {
            return Ok(false);
        }
        let Some(r) = self.reader.as_mut() else {
            self.eof = true;
            return Ok(false);
        };
        let have = self.buf.len() - self.pos;
        if have > delimited::MAX_RECORD {
            return Err(InputError::new(
                self.name,
                InputErrorKind::Syntax,
                format!(
                    "a JSON value longer than {} MiB (a string never closed?)",
                    delimited::MAX_RECORD >> 20
                ),
            )
            .at_line(self.line));
        }
        self.buf.drain(..self.pos);
        self.line_start -= self.pos as i64;
        self.pos = 0;
        let more = self.chunk.max(have);
        self.buf.resize(have + more, 0);
        let mut filled = have;
        while filled < self.buf.len() {
            match r.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InputError::new(
                        self.name,
                        InputErrorKind::Io,
                        format!("cannot read: {e}"),
                    ));
                }
            }
        }
        self.buf.truncate(filled);
        self.hashing.update(&self.buf[have..]);
        Ok(filled > have)
    }

    /// Moves `pos` on by `n` bytes, counting their line ends.
    #[inline]
    pub(super) fn advance(&mut self, n: usize) {
        let end = self.pos + n;
        let seen = &self.data()[self.pos..end];
        if let Some(last) = memchr::memrchr(b'\n', seen) {
            let lines = crate::ingest::count_newlines(seen) as u64;
            self.line += lines;
            self.line_start = (self.pos + last + 1) as i64;
        }
        self.pos = end;
    }

    /// Moves `pos` on by `n` bytes holding `lines` line ends, the last at offset
    /// `last_nl` from `pos` (when `lines > 0`): what a scan of them found.
    #[inline]
    pub(super) fn skip_read(&mut self, n: usize, lines: u64, last_nl: usize) {
        if lines > 0 {
            self.line += lines;
            self.line_start = (self.pos + last_nl + 1) as i64;
        }
        self.pos += n;
    }

    /// The next byte that is not whitespace (skipped), or `None` at the end.
    pub(super) fn peek(&mut self) -> Result<Option<u8>, InputError> {
        loop {
            let rest = &self.data()[self.pos..];
            match rest.iter().position(|&c| !is_ws(c)) {
                Some(i) => {
                    let c = rest[i];
                    self.advance(i);
                    return Ok(Some(c));
                }
                None => {
                    self.advance(rest.len());
                    if !self.fill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// The end of the value at `pos` (whole in the window, reading more as needed; the
    /// input's end when it never ends).
    pub(super) fn value_end(&mut self) -> Result<usize, InputError> {
        loop {
            let d = self.data();
            match value_len(&d[self.pos..]) {
                Some(n) if n > 0 => return Ok(self.pos + n),
                Some(_) => return Ok(self.pos + 1),
                None if self.eof => return Ok(d.len()),
                None => {
                    self.fill()?;
                }
            }
        }
    }

    /// The 1-based column of data index `p`, on the line of `pos` (no line end between).
    pub(super) fn column(&self, p: usize) -> u64 {
        (p as i64 - self.line_start + 1).max(1) as u64
    }

    /// A syntax error at `pos` in `serde_json`'s words.
    pub(super) fn syntax(&self, msg: &str) -> InputError {
        let (what, col) = if self.pos >= self.data().len() {
            (
                "JSON ends early",
                self.column(self.pos).saturating_sub(1).max(1),
            )
        } else {
            ("invalid JSON", self.column(self.pos))
        };
        InputError::new(
            self.name,
            InputErrorKind::Syntax,
            format!("{what} at column {col}: {msg}"),
        )
        .at_line(self.line)
    }

    /// Parses the value `pos..end` with `seed`, `serde_json`'s errors moved to where the
    /// value is in the file.
    pub(super) fn parse<T>(
        &self,
        end: usize,
        seed: impl for<'de> de::DeserializeSeed<'de, Value = T>,
    ) -> Result<T, InputError> {
        let slice = &self.data()[self.pos..end];
        let mut de = serde_json::Deserializer::from_slice(slice);
        seed.deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| {
                let (l, c) = (e.line() as u64, e.column() as u64);
                let line = self.line + l.saturating_sub(1);
                let col = if l <= 1 {
                    self.column(self.pos) - 1 + c
                } else {
                    c
                };
                crate::ingest::json_error_placed(self.name, &e, "invalid JSON", line, col)
            })
    }
}

/// A value that must be of one kind: anything else is `serde_json`'s "invalid type"
/// error, expecting the text given.
pub(super) struct Expect(pub(super) &'static str);

impl<'de> Visitor<'de> for Expect {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<'de> de::DeserializeSeed<'de> for Expect {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}
