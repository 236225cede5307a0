//! The CLI's JSON: pages of `SpotPriceHistory` records, streamed.
//!
//! One pass over the input, a window of it at a time: the structure around the records
//! (the pages, their keys, the `SpotPriceHistory` arrays) is followed by hand, and each
//! complete value inside it — a record, a key, any other page value — is cut out of the
//! window by a scan that respects strings and nesting, then parsed in place by
//! `serde_json` (strings borrowed) and turned into a row at once. A record's line is
//! the line of its opening `{`, known exactly; `serde_json`'s errors inside a value are
//! moved to the value's place in the file, and the hand-followed structure reports its
//! own errors in `serde_json`'s words, with line and column.
//!
//! **Memory.** A file is read in 1 MiB chunks (hashed as they come); the window holds
//! the bytes not yet parsed, so memory is a chunk plus the longest single value (at
//! most [`delimited::MAX_RECORD`], 64 MiB: a longer one — a string never closed, a
//! page value of megabytes — is an error at its line once that much is read) plus the
//! rows kept (32 bytes each).

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};

use super::{AZ, AZ_ID, PRICE, PRODUCT, TAG_TEXT, TAG_ZONE, TAG_ZONE_ID, TIME, TYPE, finish};
use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::{self, Source};
use crate::ingest::{
    Interner, PRICE_EXAMPLE, PriceHistory, PriceRow, RFC3339_EXAMPLE, SeriesKey, err_at,
    price_value, rfc3339_value, text_value,
};
use crate::market::Zone;
use crate::money::Rate;
use crate::time::FastRfc3339;

/// The size of one read.
const CHUNK: usize = 1 << 20;

/// JSON's whitespace (not the form feed `is_ascii_whitespace` also takes).
#[inline]
fn is_ws(c: u8) -> bool {
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

/// The input, read a window at a time (or all in memory), with the line of the next
/// byte to parse.
struct Input<'a, 'n> {
    name: &'n str,
    /// `None`: everything is in `bytes`.
    reader: Option<&'a mut dyn Read>,
    bytes: &'a [u8],
    buf: Vec<u8>,
    /// The next byte to parse (an index into [`Input::data`]).
    pos: usize,
    eof: bool,
    /// The line of `pos`, and where that line starts (an index into the data; negative
    /// when its start was dropped from the window).
    line: u64,
    line_start: i64,
    hasher: Sha256,
    /// The size of one read ([`CHUNK`]; smaller in tests).
    chunk: usize,
}

impl<'a, 'n> Input<'a, 'n> {
    fn new(name: &'n str, src: Source<'a>, prefix: Vec<u8>) -> Self {
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
            hasher: Sha256::new(),
            chunk: CHUNK,
        };
        if input.reader.is_some() {
            input.hasher.update(&prefix);
            input.buf = prefix;
        }
        input
    }

    #[inline]
    fn data(&self) -> &[u8] {
        if self.reader.is_some() {
            &self.buf
        } else {
            self.bytes
        }
    }

    /// Skips a leading byte-order mark (call first; reads its three bytes if needed).
    fn skip_bom(&mut self) -> Result<(), InputError> {
        while self.data().len() < 3 && self.fill()? {}
        if self.data().starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
            self.line_start = 3;
        }
        Ok(())
    }

    /// Reads more: drops the parsed bytes from the window and appends a chunk (or as
    /// much again as the window holds). False at the end of the input.
    fn fill(&mut self) -> Result<bool, InputError> {
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
        self.hasher.update(&self.buf[have..]);
        Ok(filled > have)
    }

    /// Moves `pos` on by `n` bytes, counting their line ends.
    #[inline]
    fn advance(&mut self, n: usize) {
        let end = self.pos + n;
        let seen = &self.data()[self.pos..end];
        if let Some(last) = memchr::memrchr(b'\n', seen) {
            let lines = crate::ingest::count_newlines(seen) as u64;
            self.line += lines;
            self.line_start = (self.pos + last + 1) as i64;
        }
        self.pos = end;
    }

    /// The next byte that is not whitespace (skipped), or `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, InputError> {
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
    fn value_end(&mut self) -> Result<usize, InputError> {
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
    fn column(&self, p: usize) -> u64 {
        (p as i64 - self.line_start + 1).max(1) as u64
    }

    /// A syntax error at `pos` in `serde_json`'s words.
    fn syntax(&self, msg: &str) -> InputError {
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
    fn parse<T>(
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
struct Expect(&'static str);

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

/// A page's key.
struct KeySeed;

impl<'de> de::DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key::of(v))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

/// What the records are turned into, and the first row error (passed through serde as
/// a custom error and returned instead of it).
struct Sink<'n> {
    name: &'n str,
    interner: Interner<SeriesKey>,
    rows: Vec<PriceRow>,
    times: FastRfc3339,
    err: Option<InputError>,
}

/// Reads the pages of `input` into `sink` (see the module docs).
fn read_pages(input: &mut Input<'_, '_>, sink: &mut Sink<'_>) -> Result<(), InputError> {
    input.skip_bom()?;
    while let Some(c) = input.peek()? {
        let page_line = input.line;
        if c != b'{' {
            // Not an object: serde_json says what it is.
            let end = input.value_end()?;
            input.parse(end, Expect("an object with a `SpotPriceHistory` array"))?;
            return Err(input.syntax("expected an object with a `SpotPriceHistory` array"));
        }
        input.advance(1);
        let mut seen = false;
        let mut first = true;
        loop {
            match input.peek()? {
                None => return Err(input.syntax("EOF while parsing an object")),
                Some(b'}') if first => {
                    input.advance(1);
                    break;
                }
                Some(b'"') => {}
                Some(_) => return Err(input.syntax("key must be a string")),
            }
            let end = input.value_end()?;
            let key = input.parse(end, KeySeed)?;
            input.advance(end - input.pos);
            match input.peek()? {
                Some(b':') => input.advance(1),
                None => return Err(input.syntax("EOF while parsing an object")),
                Some(_) => return Err(input.syntax("expected `:`")),
            }
            if input.peek()?.is_none() {
                return Err(input.syntax("EOF while parsing a value"));
            }
            if key == Key::SpotPriceHistory {
                if seen {
                    return Err(input.syntax("duplicate field `SpotPriceHistory`"));
                }
                seen = true;
                read_history(input, sink)?;
            } else {
                let end = input.value_end()?;
                input.parse(end, std::marker::PhantomData::<IgnoredAny>)?;
                input.advance(end - input.pos);
            }
            first = false;
            match input.peek()? {
                Some(b',') => {
                    input.advance(1);
                    if input.peek()? == Some(b'}') {
                        return Err(input.syntax("trailing comma"));
                    }
                }
                Some(b'}') => {
                    input.advance(1);
                    break;
                }
                None => return Err(input.syntax("EOF while parsing an object")),
                Some(_) => return Err(input.syntax("expected `,` or `}`")),
            }
        }
        if !seen {
            return Err(err_at(
                sink.name,
                page_line,
                "SpotPriceHistory",
                InputErrorKind::MissingField,
                "the object has no `SpotPriceHistory` array; expected the output of \
                 aws ec2 describe-spot-price-history"
                    .to_string(),
            ));
        }
    }
    Ok(())
}

/// The `SpotPriceHistory` array at `pos`: each record becomes a row as it is read.
fn read_history(input: &mut Input<'_, '_>, sink: &mut Sink<'_>) -> Result<(), InputError> {
    if input.peek()? != Some(b'[') {
        let end = input.value_end()?;
        input.parse(end, Expect("an array of SpotPriceHistory records"))?;
        return Err(input.syntax("expected an array of SpotPriceHistory records"));
    }
    input.advance(1);
    if input.peek()? == Some(b']') {
        input.advance(1);
        return Ok(());
    }
    loop {
        if input.peek()?.is_none() {
            return Err(input.syntax("EOF while parsing a list"));
        }
        let end = input.value_end()?;
        let line = input.line;
        let seed = RecordSeed {
            sink: &mut *sink,
            line,
        };
        if let Err(e) = input.parse(end, seed) {
            return Err(sink.err.take().unwrap_or(e));
        }
        input.advance(end - input.pos);
        match input.peek()? {
            Some(b',') => {
                input.advance(1);
                if input.peek()? == Some(b']') {
                    return Err(input.syntax("trailing comma"));
                }
            }
            Some(b']') => {
                input.advance(1);
                return Ok(());
            }
            None => return Err(input.syntax("EOF while parsing a list")),
            Some(_) => return Err(input.syntax("expected `,` or `]`")),
        }
    }
}

/// The keys of a page and of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    SpotPriceHistory,
    AvailabilityZone,
    AvailabilityZoneId,
    InstanceType,
    ProductDescription,
    SpotPrice,
    Timestamp,
    Other,
}

impl Key {
    fn of(s: &str) -> Key {
        match s {
            "SpotPriceHistory" => Key::SpotPriceHistory,
            AZ => Key::AvailabilityZone,
            AZ_ID => Key::AvailabilityZoneId,
            TYPE => Key::InstanceType,
            PRODUCT => Key::ProductDescription,
            PRICE => Key::SpotPrice,
            TIME => Key::Timestamp,
            _ => Key::Other,
        }
    }
}

/// One element of `SpotPriceHistory`, read loosely (so a wrong type is reported with
/// the record's line and the field's name) and turned into a row.
struct RecordSeed<'s, 'n> {
    sink: &'s mut Sink<'n>,
    /// The line of the record's first byte.
    line: u64,
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SpotPriceHistory record (an object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut r = Record::default();
        while let Some(k) = m.next_key::<Key>()? {
            let (slot, name) = match k {
                Key::AvailabilityZone => (&mut r.zone, AZ),
                Key::AvailabilityZoneId => (&mut r.zone_id, AZ_ID),
                Key::InstanceType => (&mut r.itype, TYPE),
                Key::ProductDescription => (&mut r.product, PRODUCT),
                Key::SpotPrice => (&mut r.price, PRICE),
                Key::Timestamp => (&mut r.time, TIME),
                Key::SpotPriceHistory | Key::Other => {
                    m.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if !slot.is_absent() {
                return Err(de::Error::duplicate_field(name));
            }
            *slot = m.next_value::<Loose<'_>>()?;
        }
        let sink = self.sink;
        match json_row(
            sink.name,
            self.line,
            &r,
            &mut sink.interner,
            &mut sink.times,
        ) {
            Ok(row) => {
                sink.rows.push(row);
                Ok(())
            }
            Err(e) => {
                sink.err = Some(e);
                Err(de::Error::custom("record error"))
            }
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// One element of `SpotPriceHistory`'s fields, as read.
#[derive(Default)]
struct Record<'a> {
    zone: Loose<'a>,
    zone_id: Loose<'a>,
    itype: Loose<'a>,
    product: Loose<'a>,
    price: Loose<'a>,
    time: Loose<'a>,
}

/// Any JSON value, keeping strings (borrowed when unescaped) and numbers.
#[derive(Default)]
enum Loose<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    Num(f64),
    Other(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Loose<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Loose::Other("a boolean"))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Loose::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl Loose<'_> {
    fn is_absent(&self) -> bool {
        matches!(self, Loose::Absent)
    }

    /// The string value; errors name the record's line and the field.
    fn text<'s>(
        &'s self,
        name: &str,
        line: u64,
        field: &str,
        expected: &str,
    ) -> Result<&'s str, InputError> {
        match self {
            Loose::Str(s) => {
                // Already UTF-8 (serde_json checked): trim and test for emptiness only.
                let t = s.trim_ascii();
                if t.is_empty() {
                    text_value(name, line, field, t.as_bytes(), expected)
                } else {
                    Ok(t)
                }
            }
            Loose::Absent => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::MissingField,
                format!("the record has no `{field}`; expected {expected}"),
            )),
            Loose::Num(x) => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::BadValue,
                format!("found the number {x}, expected a string: {expected}"),
            )),
            Loose::Other(what) => Err(err_at(
                name,
                line,
                field,
                InputErrorKind::BadValue,
                format!("found {what}, expected a string: {expected}"),
            )),
        }
    }
}

/// Reads the JSON of `aws ec2 describe-spot-price-history` (aws-facts.md §7.1); several
/// pages (top-level objects, as paginated CLI output concatenates them) are read in turn.
///
/// `SpotPrice` may be a string (as the CLI writes it) or a number. A record with both
/// `AvailabilityZone` and `AvailabilityZoneId` is keyed on the name; with only the ID, on
/// [`Zone::Id`]. Each row's line is the line of its record's opening `{`.
///
/// # Errors
/// [`InputError`]: `Syntax` with line and column for malformed JSON or a page that is not
/// an object; `MissingField` (a page without `SpotPriceHistory`, a record without a
/// field) and `BadValue` (empty, wrongly typed, negative or malformed value) with the
/// record's line and the field; `Empty` when no page holds a record.
///
/// ```
/// use spotsim::ingest::read_aws_json;
/// let page = br#"{"SpotPriceHistory": [
///   {"AvailabilityZone": "us-east-1f", "InstanceType": "m5.large",
///    "ProductDescription": "Linux/UNIX", "SpotPrice": "0.043700",
///    "Timestamp": "2021-02-09T01:40:10+00:00"}
/// ], "NextToken": ""}"#;
/// let two_pages = [&page[..], &page[..]].concat();
/// let h = read_aws_json("history.json", &two_pages)?;
/// assert_eq!(h.rows.len(), 2);
/// assert_eq!(h.series.len(), 1);
/// assert_eq!((h.rows[0].line, h.rows[1].line), (2, 6));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_aws_json(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    read_json(name, Source::Bytes(bytes), Vec::new())
}

/// [`read_aws_json`] from a source; for a reader, `prefix` holds its first bytes,
/// already read.
pub(super) fn read_json(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
) -> Result<PriceHistory, InputError> {
    read_json_in(name, src, prefix, CHUNK)
}

/// [`read_json`] reading `chunk` bytes at a time.
fn read_json_in(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
    chunk: usize,
) -> Result<PriceHistory, InputError> {
    let mut sink = Sink {
        name,
        interner: Interner::new(),
        rows: Vec::new(),
        times: FastRfc3339::default(),
        err: None,
    };
    let sha = match src {
        Source::Bytes(bytes) => {
            let (sha, res) = crate::ingest::hash_alongside(bytes, || {
                read_pages(
                    &mut Input::new(name, Source::Bytes(bytes), Vec::new()),
                    &mut sink,
                )
            });
            res?;
            sha
        }
        src => {
            let mut input = Input::new(name, src, prefix);
            input.chunk = chunk;
            read_pages(&mut input, &mut sink)?;
            let d = std::mem::take(&mut input.hasher).finalize();
            d.iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    finish(name, sha, "aws-json", sink.interner.into_keys(), sink.rows)
}

fn json_row(
    name: &str,
    line: u64,
    r: &Record<'_>,
    interner: &mut Interner<SeriesKey>,
    times: &mut FastRfc3339,
) -> Result<PriceRow, InputError> {
    // Zone: the name when present and non-empty, else the ID.
    let name_empty = matches!(&r.zone, Loose::Str(s) if s.trim().is_empty());
    let use_id = (r.zone.is_absent() || name_empty) && !r.zone_id.is_absent();
    let (zone, zone_field, tag) = if use_id {
        (&r.zone_id, AZ_ID, TAG_ZONE_ID)
    } else {
        (&r.zone, AZ, TAG_ZONE)
    };
    let zone = zone.text(
        name,
        line,
        zone_field,
        "an AZ name such as us-east-1a (or an AvailabilityZoneId)",
    )?;
    crate::market::Zone::check(zone)
        .map_err(|m| err_at(name, line, zone_field, InputErrorKind::BadValue, m))?;
    let itype = r
        .itype
        .text(name, line, TYPE, "an instance type such as m5.large")?;
    let product = r.product.text(
        name,
        line,
        PRODUCT,
        "a product description such as Linux/UNIX",
    )?;
    interner.begin();
    interner.part(tag, zone.as_bytes());
    interner.part(TAG_TEXT, itype.as_bytes());
    interner.part(TAG_TEXT, product.as_bytes());
    let series = interner.finish(name, || {
        Ok(SeriesKey {
            zone: if tag == TAG_ZONE_ID {
                Zone::Id(zone.to_string())
            } else {
                Zone::parse(zone)
            },
            instance_type: itype.to_string(),
            product: product.to_string(),
        })
    })?;
    let price = match &r.price {
        Loose::Num(x) => Rate::from_usd_f64(*x).map_err(|e| {
            err_at(
                name,
                line,
                PRICE,
                InputErrorKind::BadValue,
                format!("{e}: found {x}, expected {PRICE_EXAMPLE}"),
            )
        })?,
        other => price_value(
            name,
            line,
            PRICE,
            other.text(name, line, PRICE, PRICE_EXAMPLE)?.as_bytes(),
        )?,
    };
    let raw_time = r.time.text(name, line, TIME, RFC3339_EXAMPLE)?.as_bytes();
    let time = match times.read(raw_time) {
        Some(t) => t,
        None => rfc3339_value(name, line, TIME, raw_time)?,
    };
    Ok(PriceRow {
        series,
        time,
        price,
        line: crate::ingest::row_line(name, line)?,
    })
}

/// A serde_json error as an [`InputError`] with the line, and the column in the message.
pub(crate) fn json_error(name: &str, e: &serde_json::Error) -> InputError {
    crate::ingest::json_error_as(name, e, "invalid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records whose first key is escaped, or that have no key, still get their own
    /// line (found by the forward scan), across pages.
    #[test]
    fn json_lines_without_a_borrowed_first_key() {
        let rec = r#"{"AvailabilityZone":"a","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":"1","Timestamp":"2020-01-01T00:00:00Z"}"#;
        let escaped = rec.replace("AvailabilityZone", "Availab\\u0069lityZone");
        let j = format!(
            "{{\"SpotPriceHistory\":[\n{rec},\n{escaped},\n  {rec}\n]}}\n{{\"NextToken\":\"\",\n\"SpotPriceHistory\":[\n{escaped}]}}"
        );
        let h = read_aws_json("j.json", j.as_bytes()).unwrap();
        assert_eq!(
            h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4, 8]
        );
        let j = format!("{{\"SpotPriceHistory\":[\n{rec},\n{{}}\n]}}");
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:3: field `AvailabilityZone`: the record has no"),
            "{e}"
        );
        let j = "{}\n\n{}";
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:1: field `SpotPriceHistory`"),
            "{e}"
        );
        let j = format!("{{\"SpotPriceHistory\":[{rec}]}}\n\n{{}}");
        let e = read_aws_json("j.json", j.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("j.json:3: field `SpotPriceHistory`"),
            "{e}"
        );
    }

    /// Streamed through windows of any size, every input reads as it does in memory:
    /// the same rows, lines, series and hash, or the same error.
    #[test]
    fn streamed_reads_as_in_memory() {
        let rec = |z: &str, p: &str| {
            format!(
                "{{\"AvailabilityZone\": \"{z}\", \"InstanceType\": \"m5.large\",\n  \
                 \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": {p},\n  \
                 \"Timestamp\": \"2021-02-09T01:40:10+00:00\", \"X\": [\"]}}\\\"\", {{}}]}}"
            )
        };
        let page = |recs: &[String]| {
            format!(
                "{{\"NextToken\": \"a\\\"b\", \"SpotPriceHistory\": [\n{}\n], \"Other\": {{\"k\": [1, 2.5e3, true, null]}}}}\n",
                recs.join(",\n")
            )
        };
        let good = [
            page(&[rec("us-east-1a", "\"0.1\""), rec("us-east-1b", "0.25")])
                + &page(&[rec("us-east-1a", "\"0.2\"")]),
            format!("\u{feff}{}", page(&[rec("use1-az4", "\"1\"")])),
            page(&[rec("us-east-1a", "\"0.1\"").replace('\n', "")]).replace('\n', " "),
        ];
        let bad = [
            String::new(),
            "[]".to_string(),
            "{}".to_string(),
            "{\"SpotPriceHistory\": [".to_string(),
            "{\"SpotPriceHistory\": {}}".to_string(),
            "{\"SpotPriceHistory\": [1]}".to_string(),
            "{\"SpotPriceHistory\": [], \"SpotPriceHistory\": []}".to_string(),
            "{\"SpotPriceHistory\": [],}".to_string(),
            "{\"SpotPriceHistory\" []}".to_string(),
            "{\"SpotPriceHistory\": [] \"a\": 1}".to_string(),
            "{1: 2}".to_string(),
            "{\"a\": tru}".to_string(),
            "{\"a\": \"never closed".to_string(),
            "{\"SpotPriceHistory\": [\n{\"AvailabilityZone\": \"a\",\n \"x\": [}]}".to_string(),
            page(&[rec("us-east-1a", "\"-1\"")]),
            page(&[rec("us-east-1a", "\"0.1\""), rec("", "\"0.1\"")]),
            page(&[rec("us-east-1a", "\"0.1\"")]) + "\n\n{\"SpotPriceHistory\": [\x00]}",
            page(&[rec("us-east-1a", "\"0.1\""), "{\"a\":1,}".into()]),
        ];
        for (i, text) in good.iter().chain(&bad).enumerate() {
            let bytes = text.as_bytes();
            let whole = read_aws_json("t.json", bytes);
            assert_eq!(whole.is_ok(), i < good.len(), "{i}: {whole:?}");
            for chunk in [1, 2, 3, 5, 16, 100, 1 << 20] {
                let streamed = read_json_in(
                    "t.json",
                    Source::Reader(&mut crate::ingest::delimited::tests::Trickle(bytes, 7)),
                    Vec::new(),
                    chunk,
                );
                match (&whole, &streamed) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a.rows, b.rows, "{i} in {chunk}");
                        assert_eq!(a.series, b.series, "{i} in {chunk}");
                        assert_eq!(a.source, b.source, "{i} in {chunk}");
                    }
                    (Err(a), Err(b)) => {
                        assert_eq!(a.to_string(), b.to_string(), "{i} in {chunk}")
                    }
                    _ => panic!("{i} in {chunk}: {whole:?} vs {streamed:?}"),
                }
            }
        }
        let h = read_aws_json("t.json", good[0].as_bytes()).unwrap();
        assert_eq!(
            h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 5, 10]
        );
        assert_eq!(
            h.source.sha256,
            crate::ingest::sha256_hex(good[0].as_bytes())
        );
    }

    /// An endless input: records, then one bad record, then records forever. The error
    /// names the bad record's line after reading about one chunk past it.
    struct Endless {
        n: u64,
        bad_at: u64,
        pending: Vec<u8>,
        read: u64,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.pending.is_empty() {
                if self.n == 0 {
                    self.pending
                        .extend_from_slice(b"{\"SpotPriceHistory\": [\n");
                } else {
                    let price = if self.n == self.bad_at { "-1" } else { "0.5" };
                    self.pending.extend_from_slice(
                        format!(
                            "  {{\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"m5.large\", \
                             \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"{price}\", \
                             \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}},\n"
                        )
                        .as_bytes(),
                    );
                }
                self.n += 1;
            }
            let k = buf.len().min(self.pending.len());
            buf[..k].copy_from_slice(&self.pending[..k]);
            self.pending.drain(..k);
            self.read += k as u64;
            Ok(k)
        }
    }

    #[test]
    fn a_bad_record_in_an_endless_file_fails_without_reading_on() {
        let mut src = Endless {
            n: 0,
            bad_at: 50_000,
            pending: Vec::new(),
            read: 0,
        };
        let e = read_json("big.json", Source::Reader(&mut src), Vec::new()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("big.json:50001: field `SpotPrice`: price is negative"),
            "{e}"
        );
        // About 9 MB of records before the bad one; at most a chunk more read.
        let before = 50_000 * 170;
        assert!(
            src.read < before + 2 * CHUNK as u64,
            "read {} bytes",
            src.read
        );
    }

    /// A huge file of NULs after a page's start fails at the first NUL; an unclosed
    /// string fails after the longest value allowed, not at the end of the input.
    #[test]
    fn garbage_and_unclosed_values_fail_in_bounded_reads() {
        let head = b"{\"SpotPriceHistory\": [\n".to_vec();
        let mut nuls = head.as_slice().chain(std::io::repeat(0));
        let e = read_json("nul.json", Source::Reader(&mut nuls), Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "nul.json:2: invalid JSON at column 1: expected value",
            "{e}"
        );
        let open = b"{\"SpotPriceHistory\": [\n{\"AvailabilityZone\": \"".to_vec();
        let mut counted = 0u64;
        let mut endless = CountingRead(open.as_slice().chain(std::io::repeat(b'x')), &mut counted);
        let e = read_json("open.json", Source::Reader(&mut endless), Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "open.json:2: a JSON value longer than 64 MiB (a string never closed?)"
        );
        assert!(
            counted < 3 * delimited::MAX_RECORD as u64,
            "read {counted} bytes"
        );
    }

    struct CountingRead<'c, R>(R, &'c mut u64);
    impl<R: Read> Read for CountingRead<'_, R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            *self.1 += n as u64;
            Ok(n)
        }
    }
}
