//! A JSON document streamed through a window: reads, line and column tracking, cutting
//! one complete value out for `serde_json` to parse in place, and following objects and
//! arrays by hand around those values. The streamed JSON readers (AWS price JSON,
//! get-products JSON, job spot traces) are built on it.
//!
//! **Memory.** A file is read [`CHUNK`] bytes at a time (hashed as they come); the
//! window holds the bytes not yet parsed, so memory is a chunk plus the longest single
//! value cut out (at most [`delimited::MAX_RECORD`], 64 MiB: a longer one — a string
//! never closed, a value of megabytes — is an error at its line once that much is
//! read). Objects and arrays followed by hand ([`Input::object`], [`Input::array`]) are
//! never held whole: only their members or elements are, one at a time.

use std::fmt;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender};

use serde::de::{self, Visitor};
use sha2::{Digest, Sha256};

use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::{self, Source};

/// The size of one read.
pub(crate) const CHUNK: usize = 1 << 20;

/// JSON's whitespace (not the form feed `is_ascii_whitespace` also takes).
#[inline]
pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// The end (one past the closing quote) of the string whose text starts at `i`. An
/// escape `\\uXXXX` is skipped whole, as `serde_json` reads its four bytes whatever
/// they are (a quote among them is an invalid escape, not the string's end).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        i += if b.get(i + 1) == Some(&b'u') { 6 } else { 2 };
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
/// end within `b`. A number or a literal ends where `serde_json` would stop reading it
/// in a whole document: after its last valid byte, or just after the first byte that
/// makes it invalid (so that `serde_json`, given the cut, names the same error at the
/// same place, never an early end).
fn value_len(b: &[u8]) -> Option<usize> {
    match *b.first()? {
        b'{' | b'[' => close(b, 1, 1),
        b'"' => string_end(b, 1),
        b'-' | b'0'..=b'9' => number_len(b),
        b't' => literal_len(b, b"true"),
        b'f' => literal_len(b, b"false"),
        b'n' => literal_len(b, b"null"),
        // Any other byte is an error at once (serde_json names it).
        _ => Some(1),
    }
}

/// The digits from `i` on: the offset after them.
fn digits(b: &[u8], mut i: usize) -> Option<usize> {
    while b.get(i)?.is_ascii_digit() {
        i += 1;
    }
    Some(i)
}

/// A JSON number's length (see [`value_len`]): `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_len(b: &[u8]) -> Option<usize> {
    let mut i = usize::from(b[0] == b'-');
    match *b.get(i)? {
        // One leading zero: a digit after it is invalid.
        b'0' if b.get(i + 1)?.is_ascii_digit() => return Some(i + 2),
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(b, i + 1)?,
        _ => return Some(i + 1),
    }
    if *b.get(i)? == b'.' {
        if !b.get(i + 1)?.is_ascii_digit() {
            return Some(i + 2);
        }
        i = digits(b, i + 1)?;
    }
    if matches!(*b.get(i)?, b'e' | b'E') {
        i += 1;
        if matches!(*b.get(i)?, b'+' | b'-') {
            i += 1;
        }
        if !b.get(i)?.is_ascii_digit() {
            return Some(i + 1);
        }
        i = digits(b, i)?;
    }
    Some(i)
}

/// The length of `true`, `false` or `null` (see [`value_len`]).
fn literal_len(b: &[u8], word: &[u8]) -> Option<usize> {
    for (i, &w) in word.iter().enumerate() {
        if *b.get(i)? != w {
            return Some(i + 1);
        }
    }
    Some(word.len())
}

/// Where the bytes read are hashed (SHA-256): here, or on a second thread that they
/// are copied to (a chunk at a time, the buffers coming back to be reused).
pub(crate) enum Hashing {
    Here(Sha256),
    Sent {
        to: SyncSender<Vec<u8>>,
        spare: Receiver<Vec<u8>>,
    },
}

impl Hashing {
    /// Hashes `b` next.
    pub(crate) fn update(&mut self, b: &[u8]) {
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
    pub(crate) fn on_a_thread<T>(read: impl FnOnce(Hashing) -> T) -> (T, [u8; 32]) {
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
pub(crate) struct Input<'a, 'n> {
    pub(crate) name: &'n str,
    /// `None`: everything is in `bytes`.
    pub(crate) reader: Option<&'a mut (dyn Read + Send)>,
    pub(crate) bytes: &'a [u8],
    pub(crate) buf: Vec<u8>,
    /// The next byte to parse (an index into [`Input::data`]).
    pub(crate) pos: usize,
    pub(crate) eof: bool,
    /// The line of `pos`, and where that line starts (an index into the data; negative
    /// when its start was dropped from the window).
    pub(crate) line: u64,
    pub(crate) line_start: i64,
    /// Where the bytes read are hashed.
    pub(crate) hashing: Hashing,
    /// The size of one read ([`CHUNK`]; smaller in tests).
    pub(crate) chunk: usize,
    /// What a syntax error that is not an early end is called in messages (`invalid
    /// JSON` unless the format says more).
    pub(crate) invalid: &'static str,
}

impl<'a, 'n> Input<'a, 'n> {
    pub(crate) fn new(name: &'n str, src: Source<'a>, prefix: Vec<u8>) -> Self {
        Self::hashed_by(name, src, prefix, Hashing::Here(Sha256::new()))
    }

    /// [`Input::new`] with the bytes read hashed by `hashing`.
    pub(crate) fn hashed_by(
        name: &'n str,
        src: Source<'a>,
        prefix: Vec<u8>,
        hashing: Hashing,
    ) -> Self {
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
            invalid: "invalid JSON",
        };
        if input.reader.is_some() {
            input.hashing.update(&prefix);
            input.buf = prefix;
        }
        input
    }

    #[inline]
    pub(crate) fn data(&self) -> &[u8] {
        if self.reader.is_some() {
            &self.buf
        } else {
            self.bytes
        }
    }

    /// Skips a leading byte-order mark (call first; reads its three bytes if needed).
    pub(crate) fn skip_bom(&mut self) -> Result<(), InputError> {
        while self.data().len() < 3 && self.fill()? {}
        if self.data().starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
            self.line_start = 3;
        }
        Ok(())
    }

    /// Reads more: drops the parsed bytes from the window and appends a chunk (or as
    /// much again as the window holds). False at the end of the input.
    pub(crate) fn fill(&mut self) -> Result<bool, InputError> {
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
    pub(crate) fn advance(&mut self, n: usize) {
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
    pub(crate) fn skip_read(&mut self, n: usize, lines: u64, last_nl: usize) {
        if lines > 0 {
            self.line += lines;
            self.line_start = (self.pos + last_nl + 1) as i64;
        }
        self.pos += n;
    }

    /// The next byte that is not whitespace (skipped), or `None` at the end.
    pub(crate) fn peek(&mut self) -> Result<Option<u8>, InputError> {
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
    pub(crate) fn value_end(&mut self) -> Result<usize, InputError> {
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
    pub(crate) fn column(&self, p: usize) -> u64 {
        (p as i64 - self.line_start + 1).max(1) as u64
    }

    /// A syntax error at `pos` in `serde_json`'s words.
    pub(crate) fn syntax(&self, msg: &str) -> InputError {
        let (what, col) = if self.pos >= self.data().len() {
            // serde_json's column: the bytes read on the last line.
            ("JSON ends early", self.column(self.pos).saturating_sub(1))
        } else {
            (self.invalid, self.column(self.pos))
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
    pub(crate) fn parse<T>(
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
                crate::ingest::json_error_placed(self.name, &e, self.invalid, line, col)
            })
    }
}

impl Input<'_, '_> {
    /// Parses the value at `pos` with `seed` and moves past it.
    pub(crate) fn take<T>(
        &mut self,
        seed: impl for<'de> de::DeserializeSeed<'de, Value = T>,
    ) -> Result<T, InputError> {
        let end = self.value_end()?;
        let v = self.parse(end, seed)?;
        self.advance(end - self.pos);
        Ok(v)
    }

    /// Checks the value at `pos` is JSON and moves past it.
    pub(crate) fn skip(&mut self) -> Result<(), InputError> {
        self.take(std::marker::PhantomData::<de::IgnoredAny>)
            .map(drop)
    }

    /// The value at `pos`, not of the kind expected: `serde_json`'s "invalid type"
    /// error (or its syntax error), expecting `what`.
    pub(crate) fn unexpected(&mut self, what: &'static str) -> InputError {
        match self
            .value_end()
            .and_then(|end| self.parse(end, Expect(what)))
        {
            Err(e) => e,
            Ok(()) => self.syntax(&format!("expected {what}")),
        }
    }

    /// Follows the object whose `{` is at `pos`: each key is parsed with `key` and
    /// `member` is called with `pos` at its value (not at the end of the input), which
    /// it must consume. The structure's errors are `serde_json`'s, in its words and at
    /// its places (its `MapAccess`, step by step).
    pub(crate) fn object<S, K>(
        &mut self,
        key: S,
        mut member: impl FnMut(&mut Self, K) -> Result<(), InputError>,
    ) -> Result<(), InputError>
    where
        S: Clone + for<'de> de::DeserializeSeed<'de, Value = K>,
    {
        self.advance(1);
        match self.peek()? {
            None => return Err(self.syntax("EOF while parsing an object")),
            Some(b'}') => {
                self.advance(1);
                return Ok(());
            }
            Some(b'"') => {}
            Some(_) => return Err(self.syntax("key must be a string")),
        }
        loop {
            let k = self.take(key.clone())?;
            match self.peek()? {
                Some(b':') => self.advance(1),
                None => return Err(self.syntax("EOF while parsing an object")),
                Some(_) => return Err(self.syntax("expected `:`")),
            }
            if self.peek()?.is_none() {
                return Err(self.syntax("EOF while parsing a value"));
            }
            member(self, k)?;
            match self.peek()? {
                None => return Err(self.syntax("EOF while parsing an object")),
                Some(b'}') => {
                    self.advance(1);
                    return Ok(());
                }
                Some(b',') => {
                    self.advance(1);
                    match self.peek()? {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.syntax("trailing comma")),
                        Some(_) => return Err(self.syntax("key must be a string")),
                        None => return Err(self.syntax("EOF while parsing a value")),
                    }
                }
                Some(_) => return Err(self.syntax("expected `,` or `}`")),
            }
        }
    }

    /// Follows the array whose `[` is at `pos`: `element` is called with `pos` at each
    /// element (not at the end of the input), which it must consume (`serde_json`'s
    /// `SeqAccess`, step by step).
    pub(crate) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        self.advance(1);
        match self.peek()? {
            None => return Err(self.syntax("EOF while parsing a list")),
            Some(b']') => {
                self.advance(1);
                return Ok(());
            }
            Some(_) => {}
        }
        loop {
            element(self)?;
            match self.peek()? {
                None => return Err(self.syntax("EOF while parsing a list")),
                Some(b']') => {
                    self.advance(1);
                    return Ok(());
                }
                Some(b',') => {
                    self.advance(1);
                    match self.peek()? {
                        Some(b']') => return Err(self.syntax("trailing comma")),
                        None => return Err(self.syntax("EOF while parsing a value")),
                        Some(_) => {}
                    }
                }
                Some(_) => return Err(self.syntax("expected `,` or `]`")),
            }
        }
    }

    /// After the last value: nothing but whitespace may follow (`serde_json`'s
    /// "trailing characters" otherwise). Reads to the end, so the hash covers the input.
    pub(crate) fn end(&mut self) -> Result<(), InputError> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.syntax("trailing characters")),
        }
    }

    /// The lowercase hex SHA-256 of the input read so far (the whole of it after
    /// [`Input::end`]); for bytes in memory, of the bytes. (Not for an input hashed
    /// on another thread: [`Hashing::on_a_thread`] returns that digest.)
    pub(crate) fn sha256(&mut self) -> String {
        if self.reader.is_none() {
            return crate::ingest::sha256_hex(self.bytes);
        }
        match &mut self.hashing {
            Hashing::Here(h) => {
                let d = std::mem::take(h).finalize();
                d.iter().map(|b| format!("{b:02x}")).collect()
            }
            // The digest is what `Hashing::on_a_thread` returns.
            Hashing::Sent { .. } => {
                debug_assert!(false, "sha256() of an input hashed on another thread");
                String::new()
            }
        }
    }
}

/// A value that must be of one kind: anything else is `serde_json`'s "invalid type"
/// error, expecting the text given.
pub(crate) struct Expect(pub(crate) &'static str);

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

/// `null`, or else `serde_json`'s "invalid type" error expecting what is named (the
/// value at hand is not an array: arrays are followed by hand).
pub(crate) struct NullOr(pub(crate) &'static str);

impl<'de> de::DeserializeSeed<'de> for NullOr {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for NullOr {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}
