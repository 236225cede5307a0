//! Delimited text (the AWS CSV, the AZ-ID TSV) split into records as the `csv` crate
//! splits it, faster, from a stream read in bounded memory.
//!
//! **Splitting.** A line without a quote at the start of a field and without a
//! carriage return inside it (all of AWS's output) is split at its delimiters directly,
//! delimiters and line ends found eight bytes at a time ([`Find2`]). Any other record —
//! a quoted field, a bare `\r` (a record terminator for the `csv` crate) — goes through
//! `csv_core`, the state machine the `csv` crate is built on, with the `csv` crate's
//! defaults, so every record splits exactly as before (tested against the `csv` crate on
//! random input). Empty lines are skipped, as `csv_core` skips them. Each record carries
//! the 1-based line of its first byte (one plus the `\n`s before it).
//!
//! **Streaming.** [`for_each_block`] reads its input in 2 MiB chunks; while a chunk's
//! records are parsed, a second thread hashes it (SHA-256, for provenance) and reads
//! the next chunk; the bytes of a record cut by a chunk's end are carried to the next.
//! Memory stays at two chunks (each with a quarter chunk of room before it, for the
//! tail of a cut record) plus the longest record, and a record is at most
//! [`MAX_RECORD`] bytes (64 MiB): a longer one (an unclosed quote, a file of NULs) is
//! an error at its line, raised after reading that much, not after the whole file.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::find2::Find2;
use crate::error::{InputError, InputErrorKind};

/// The longest record read (bytes).
pub(crate) const MAX_RECORD: usize = 64 << 20;
/// The size of one read.
const CHUNK: usize = 1 << 21;
/// Fields a [`Record`] holds (it still counts any beyond).
pub(crate) const MAX_FIELDS: usize = 16;

/// One record: its line and its fields (the first [`MAX_FIELDS`]), with the number of
/// fields it has.
pub(crate) struct Record<'a> {
    pub(crate) line: u64,
    fields: [&'a [u8]; MAX_FIELDS],
    count: usize,
    /// The line the fields were split from, when they are slices of it (fields parsed
    /// by `csv_core` are copies, without their quotes and delimiters).
    raw: &'a [u8],
}

impl<'a> Record<'a> {
    fn new(line: u64, raw: &'a [u8]) -> Self {
        Record {
            line,
            fields: [&[]; MAX_FIELDS],
            count: 0,
            raw,
        }
    }

    /// Empties the record for the next line (the field slots beyond `count` are never
    /// read, so they are not cleared).
    #[inline]
    fn reset(&mut self, line: u64) {
        self.line = line;
        self.count = 0;
        self.raw = &[];
    }

    #[inline]
    fn push(&mut self, f: &'a [u8]) {
        if let Some(slot) = self.fields.get_mut(self.count) {
            *slot = f;
        }
        self.count += 1;
    }

    /// Number of fields.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Field `i` (empty beyond [`MAX_FIELDS`] or the record's end).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &'a [u8] {
        if i < self.count {
            self.fields.get(i).copied().unwrap_or_default()
        } else {
            &[]
        }
    }

    /// The fields held, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.fields.iter().take(self.count).copied()
    }

    /// True for a record that is one field of ASCII whitespace (a line of spaces),
    /// which readers skip like an empty line.
    #[inline]
    pub(crate) fn is_blank(&self) -> bool {
        self.count == 1 && self.fields[0].trim_ascii().is_empty()
    }

    /// The raw text of fields `a..=b` with the delimiters between them, when the
    /// record was split from its line directly (not for records `csv_core` parsed, whose
    /// fields lost their quotes). Two such records have the same span exactly when those
    /// fields are equal.
    #[inline]
    pub(crate) fn span(&self, a: usize, b: usize) -> Option<&'a [u8]> {
        if self.raw.is_empty() || b >= self.count.min(MAX_FIELDS) {
            return None;
        }
        let base = self.raw.as_ptr() as usize;
        let (fa, fb) = (self.fields[a], self.fields[b]);
        let from = (fa.as_ptr() as usize).checked_sub(base)?;
        let to = (fb.as_ptr() as usize + fb.len()).checked_sub(base)?;
        self.raw.get(from..to)
    }
}

/// Splits bytes into records (see the module docs).
pub(crate) struct Splitter {
    delim: u8,
    quoting: bool,
    /// `csv_core`'s reader, built on the first record that needs it: building its DFA
    /// is most of the cost of a small input (and of a fuzzing run), and AWS's own
    /// output never needs it.
    core: Option<super::core_reader::CoreReader>,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The line of the next byte to read.
    pub(crate) line: u64,
}

impl Splitter {
    /// A splitter for `delim`, with or without quoting (the `csv` crate's defaults
    /// otherwise: CRLF, LF or CR end a record, `""` escapes a quote).
    pub(crate) fn new(delim: u8, quoting: bool) -> Self {
        Splitter {
            delim,
            quoting,
            core: None,
            out: Vec::new(),
            ends: Vec::new(),
            line: 1,
        }
    }

    /// Calls `f` on every record of `buf` that ends in it (all, when `eof`); returns how
    /// many bytes were consumed (the rest starts an incomplete record).
    pub(crate) fn split<E>(
        &mut self,
        buf: &[u8],
        eof: bool,
        f: &mut impl FnMut(&Record<'_>) -> Result<(), E>,
    ) -> Result<usize, E> {
        // Carriage returns only matter if the buffer has any.
        let any_cr = memchr::memchr(b'\r', buf).is_some();
        let (delim, quoting) = (self.delim, self.quoting);
        let quote_at = |i: usize| quoting && buf.get(i) == Some(&b'"');
        // One pass over the delimiters and line ends of the whole buffer; `base` is
        // where the iterator's haystack starts (it restarts after a record csv_core read).
        let mut base = 0;
        let mut hits = Find2::new(delim, b'\n', buf);
        let mut pos = 0; // the current line's start
        let mut fstart = 0; // the current field's start
        let mut rec = Record::new(self.line, &[]);
        let mut plain = !quote_at(0);
        while pos < buf.len() {
            let end = if plain {
                match hits.next() {
                    Some(i) if buf[base + i] == delim => {
                        let i = base + i;
                        rec.push(&buf[fstart..i]);
                        fstart = i + 1;
                        plain = !quote_at(fstart);
                        continue;
                    }
                    Some(i) => Some(base + i),
                    None if eof => Some(buf.len()),
                    None => break,
                }
            } else {
                None
            };
            if let Some(end) = end {
                let next = (end + 1).min(buf.len());
                let mut last_end = end;
                if any_cr {
                    match memchr::memchr(b'\r', &buf[pos..end]) {
                        Some(cr) if pos + cr + 1 == end => last_end = end - 1,
                        Some(_) => plain = false,
                        None => {}
                    }
                }
                if plain {
                    let newline = u64::from(end < buf.len());
                    // (An empty line is no record, as csv_core has it.)
                    if last_end > pos {
                        rec.push(&buf[fstart..last_end]);
                        rec.raw = &buf[pos..last_end];
                        f(&rec)?;
                    }
                    pos = next;
                    fstart = pos;
                    self.line += newline;
                    rec.reset(self.line);
                    plain = !quote_at(pos);
                    continue;
                }
            }
            // A quoted field or a bare CR: csv_core from the line's start.
            let rest = &buf[pos..];
            let Some((used, nfields)) = self.core_record(rest, eof) else {
                break;
            };
            // csv_core skips empty lines before a record (a record never starts with
            // a CR or LF): the record's line is after them.
            let lead = rest[..used]
                .iter()
                .take_while(|&&c| c == b'\r' || c == b'\n')
                .filter(|&&c| c == b'\n')
                .count() as u64;
            let line_no = self.line + lead;
            self.line += memchr::memchr_iter(b'\n', &rest[..used]).count() as u64;
            pos += used;
            if nfields > 0 {
                let mut core_rec = Record::new(line_no, &[]);
                let mut start = 0;
                for &end in self.ends.iter().take(nfields) {
                    core_rec.push(self.out.get(start..end).unwrap_or_default());
                    start = end;
                }
                f(&core_rec)?;
            }
            base = pos;
            hits = Find2::new(delim, b'\n', &buf[pos..]);
            fstart = pos;
            rec.reset(self.line);
            plain = !quote_at(pos);
        }
        Ok(pos)
    }

    /// [`Splitter::split`] for a buffer known to hold no carriage return and, when
    /// quoting, no quote (the quote-free blocks parsed in pieces): every line end is a
    /// record end and every delimiter a field end, so the loop takes each hit as it
    /// comes, with none of the checks a quote or a `\r` needs. The same records, lines
    /// and result as `split` on such a buffer (tested against it).
    pub(crate) fn split_plain<E>(
        &mut self,
        buf: &[u8],
        eof: bool,
        f: &mut impl FnMut(&Record<'_>) -> Result<(), E>,
    ) -> Result<usize, E> {
        debug_assert!(memchr::memchr(b'\r', buf).is_none());
        debug_assert!(!self.quoting || memchr::memchr(b'"', buf).is_none());
        let delim = self.delim;
        let mut pos = 0; // the current line's start
        let mut fstart = 0; // the current field's start
        let mut rec = Record::new(self.line, &[]);
        for i in Find2::new(delim, b'\n', buf) {
            let (Some(&c), Some(field)) = (buf.get(i), buf.get(fstart..i)) else {
                break;
            };
            rec.push(field);
            if c == delim {
                fstart = i + 1;
                continue;
            }
            // (An empty line is no record, as csv_core has it.)
            if i > pos {
                rec.raw = buf.get(pos..i).unwrap_or_default();
                f(&rec)?;
            }
            pos = i + 1;
            fstart = pos;
            self.line += 1;
            rec.reset(self.line);
        }
        if eof && pos < buf.len() {
            rec.push(buf.get(fstart..).unwrap_or_default());
            rec.raw = buf.get(pos..).unwrap_or_default();
            f(&rec)?;
            pos = buf.len();
        }
        Ok(pos)
    }

    /// One record through `csv_core`, from the start of `input`: the bytes it used and
    /// its number of fields (in `out`/`ends`); 0 fields when only empty lines were left.
    /// `None` when the record does not end in `input` and more may come.
    fn core_record(&mut self, input: &[u8], eof: bool) -> Option<(usize, usize)> {
        let (delim, quoting) = (self.delim, self.quoting);
        let core = self
            .core
            .get_or_insert_with(|| super::core_reader::reader(delim, quoting));
        if self.out.is_empty() {
            self.out = vec![0; 1024];
            self.ends = vec![0; MAX_FIELDS];
        }
        core.reset();
        // Read nothing, so the reader no longer strips a byte-order mark (only the
        // file's start has one, and that was stripped already).
        let _ = core.read_record(b",", &mut [], &mut [0]);
        let (mut i, mut o, mut e) = (0, 0, 0);
        loop {
            let input_left = input.get(i..).unwrap_or_default();
            let out = self.out.get_mut(o..).unwrap_or_default();
            let ends = self.ends.get_mut(e..).unwrap_or_default();
            let (res, nin, nout, nend) = core.read_record(input_left, out, ends);
            i += nin;
            o += nout;
            e += nend;
            match res {
                csv_core::ReadRecordResult::Record => return Some((i, e)),
                csv_core::ReadRecordResult::End => return Some((i, 0)),
                csv_core::ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::InputEmpty => {
                    if !eof {
                        return None;
                    }
                    if i < input.len() {
                        continue;
                    }
                    // End of input: one more call with nothing flushes the record.
                    let out = self.out.get_mut(o..).unwrap_or_default();
                    let ends = self.ends.get_mut(e..).unwrap_or_default();
                    let (res, _, _, nend) = core.read_record(&[], out, ends);
                    e += nend;
                    match res {
                        csv_core::ReadRecordResult::Record => return Some((i, e)),
                        csv_core::ReadRecordResult::OutputEndsFull => {
                            let n = self.ends.len() * 2;
                            self.ends.resize(n, 0);
                        }
                        _ => return Some((i, 0)),
                    }
                }
            }
        }
    }
}

/// The input of [`for_each_block`]: bytes in memory, or a reader.
pub(crate) enum Source<'a> {
    Bytes(&'a [u8]),
    Reader(&'a mut (dyn Read + Send)),
}

/// Feeds the whole input to `parse` in blocks and returns the SHA-256 of every byte of
/// it (lowercase hex). For a reader, `prefix` holds bytes of it already read (they come
/// first). A leading UTF-8 byte-order mark is not part of any block.
///
/// `parse(block, eof)` reads the records that end in `block` (all of them when `eof`)
/// and returns how many bytes it used and the line of the first byte it did not; the
/// rest comes again at the start of the next block, with more after it. Bytes in
/// memory are one block; a reader is read a chunk (2 MiB) at a time, each chunk hashed
/// and the next one read on a second thread while `parse` runs.
///
/// # Errors
/// Whatever `parse` returns; an [`InputError`] (`Io`) when reading fails; `Syntax` at
/// the line of a record longer than [`MAX_RECORD`].
pub(crate) fn for_each_block(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
    parse: &mut (impl FnMut(&[u8], bool) -> Result<(usize, u64), InputError> + Send),
) -> Result<String, InputError> {
    match src {
        Source::Bytes(b) => {
            let body = super::strip_bom(b);
            let (sha, res) = super::hash_alongside(b, || parse(body, true));
            res?;
            Ok(sha)
        }
        Source::Reader(r) => stream_in(name, r, prefix, parse, CHUNK, MAX_RECORD),
    }
}

/// Reads into `buf` until it is full or the input ends: how many bytes, and whether
/// it ended.
fn read_into(
    name: &str,
    r: &mut (dyn Read + Send),
    buf: &mut [u8],
) -> Result<(usize, bool), InputError> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => return Ok((filled, true)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(InputError::new(
                    name,
                    InputErrorKind::Io,
                    format!("cannot read: {e}"),
                ));
            }
        }
    }
    Ok((filled, false))
}

/// [`for_each_block`] over a reader, with the chunk size and record limit given.
///
/// The next chunk is read while the current block is parsed (on the thread that hashes
/// it, for a big block), into a second buffer after `chunk / 4` bytes of room; the
/// unparsed tail of the block (the start of a record cut by the chunk's end, usually
/// tens of bytes) is then copied into that room, just before the new bytes, and the
/// buffers swap. So no chunk is copied after it is read, and the read no longer waits
/// for the parse. A tail longer than the room (a record of more than a quarter chunk)
/// has the new bytes appended after it instead, reading on as before. A parse error in
/// the block comes before a failed read of the chunk after it.
fn stream_in(
    name: &str,
    r: &mut (dyn Read + Send),
    prefix: Vec<u8>,
    parse: &mut (impl FnMut(&[u8], bool) -> Result<(usize, u64), InputError> + Send),
    chunk: usize,
    max_record: usize,
) -> Result<String, InputError> {
    let mut hasher = Sha256::new();
    let room = chunk / 4;
    // `buf[..len]` holds the bytes read; the storage beyond is kept initialized (it
    // was zeroed once, when it first grew), so each read goes into it without zeroing
    // a chunk first (70 MB of `memset` for a 70 MB file).
    let mut len = prefix.len();
    let mut buf = prefix;
    // Where the next chunk is read while `buf` is parsed (after `room` bytes).
    let mut ahead: Vec<u8> = Vec::new();
    // Bytes of `buf` not yet hashed start at `fresh`; unparsed ones at `start`.
    let mut fresh = 0;
    let mut start = 0;
    let mut first = true;
    let mut eof = false;
    // Whether `buf` needs reading into before the next parse (no chunk read ahead).
    let mut fill = true;
    loop {
        if fill {
            // Keep the unparsed tail (an incomplete record) and read more after it: a
            // chunk, or as much again as the tail holds.
            buf.copy_within(start..len, 0);
            fresh -= start.min(fresh);
            let have = len - start;
            start = 0;
            let want = have + chunk.max(have);
            if buf.len() < want {
                buf.resize(want, 0);
            }
            let (n, end) = read_into(name, r, &mut buf[have..want])?;
            len = have + n;
            eof = end;
        }
        let data = &buf[..len];
        if first {
            // A byte-order mark needs its three bytes to be seen.
            if len < 3 && !eof {
                fill = true;
                continue;
            }
            if data.starts_with(b"\xEF\xBB\xBF") {
                start = 3;
            }
            first = false;
        }
        // Hash the new bytes and read the next chunk while parsing (two threads for a
        // big read).
        let (new, body) = (&data[fresh.min(len)..], &data[start..]);
        if !eof && ahead.len() < room + chunk {
            ahead.resize(room + chunk, 0);
        }
        let next = ahead.get_mut(room..room + chunk).filter(|_| !eof);
        let read_next = |hasher: &mut Sha256| {
            hasher.update(new);
            next.map(|next| read_into(name, r, next))
        };
        let (got, res) = if new.len() >= (1 << 16).min(chunk) {
            rayon::join(|| read_next(&mut hasher), || parse(body, eof))
        } else {
            (read_next(&mut hasher), parse(body, eof))
        };
        let (used, line) = res?;
        start += used;
        fresh = len;
        if eof {
            break;
        }
        let tail = len - start;
        if tail > max_record {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "a record longer than {} (an unclosed quote, or no line ends?)",
                    if max_record >= 1 << 20 {
                        format!("{} MiB", max_record >> 20)
                    } else {
                        format!("{max_record} bytes")
                    }
                ),
            )
            .at_line(line));
        }
        let Some(got) = got else {
            fill = true;
            continue;
        };
        let (n, end) = got?;
        eof = end;
        if tail <= room {
            // The tail just before the new bytes; the buffers swap.
            ahead[room - tail..room].copy_from_slice(&buf[start..len]);
            std::mem::swap(&mut buf, &mut ahead);
            (start, fresh, len) = (room - tail, room, room + n);
            fill = false;
        } else {
            // A long tail: the new bytes after it, then read on as before.
            buf.copy_within(start..len, 0);
            if buf.len() < tail + n {
                buf.resize(tail + n, 0);
            }
            buf[tail..tail + n].copy_from_slice(&ahead[room..room + n]);
            (start, fresh, len) = (0, tail, tail + n);
            fill = !eof && n < tail.max(chunk);
        }
    }
    let d = hasher.finalize();
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    Ok(s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Records as the `csv` crate reads them (the readers' previous implementation):
    /// `(line of the first byte, fields)`.
    fn reference(input: &[u8], delim: u8, quoting: bool) -> Vec<(u64, Vec<Vec<u8>>)> {
        let body = crate::ingest::strip_bom(input);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .quoting(quoting)
            .from_reader(body);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            let line = crate::ingest::record_line(body, &rec);
            out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    fn collect(rec: &Record<'_>, out: &mut Vec<(u64, Vec<Vec<u8>>)>) {
        assert!(rec.len() <= MAX_FIELDS, "test inputs stay under MAX_FIELDS");
        out.push((rec.line, rec.iter().map(<[u8]>::to_vec).collect()));
    }

    /// A reader handing out its bytes a few at a time (also `records`' tests).
    pub(crate) struct Trickle<'a>(pub &'a [u8], pub usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Random text over the characters that matter (delimiters, quotes, CR, LF,
    /// spaces), split in memory and streamed in small chunks, against the `csv` crate.
    #[test]
    fn splits_as_the_csv_crate_does() {
        let mut next = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
        const ALPHABET: &[u8] = b"ab,,\t\"\"\r\n\n\n \xc3";
        for case in 0..2000 {
            let len = next(80) as usize;
            let mut input: Vec<u8> = (0..len)
                .map(|_| ALPHABET[next(ALPHABET.len() as u64) as usize])
                .collect();
            if case % 17 == 0 {
                input.splice(0..0, *b"\xEF\xBB\xBF");
            }
            for (delim, quoting) in [(b',', true), (b'\t', false), (b'\t', true)] {
                let want = reference(&input, delim, quoting);
                let mut got = Vec::new();
                let mut sp = Splitter::new(delim, quoting);
                let body = crate::ingest::strip_bom(&input);
                sp.split::<()>(body, true, &mut |r| {
                    collect(r, &mut got);
                    Ok(())
                })
                .unwrap();
                assert_eq!(
                    got,
                    want,
                    "in memory: {:?} {delim} {quoting}",
                    String::from_utf8_lossy(&input)
                );
                // Tiny chunks, and chunks whose quarter (the room before a chunk read
                // ahead) holds a short record's tail, so both ways of joining a tail to
                // the next chunk are taken.
                let chunk = if case % 2 == 0 {
                    1 + next(7) as usize
                } else {
                    8 + next(40) as usize
                };
                // The first bytes as the prefix the caller already read (the CLI's
                // format sniffing), the rest from the reader.
                let k = next(input.len() as u64 + 1) as usize;
                let mut got = Vec::new();
                let mut sp = Splitter::new(delim, quoting);
                let sha = stream_in(
                    "t",
                    &mut Trickle(&input[k..], 1 + next(5) as usize),
                    input[..k].to_vec(),
                    &mut |block, eof| {
                        let used = sp.split::<InputError>(block, eof, &mut |r| {
                            collect(r, &mut got);
                            Ok(())
                        })?;
                        Ok((used, sp.line))
                    },
                    chunk,
                    MAX_RECORD,
                )
                .unwrap();
                assert_eq!(
                    got,
                    want,
                    "streamed in {chunk}: {:?}",
                    String::from_utf8_lossy(&input)
                );
                assert_eq!(sha, crate::ingest::sha256_hex(&input));
            }
        }
    }

    /// `split_plain` against `split` on random text without carriage returns (and,
    /// when quotes are special, without quotes; with quoting off, as for the AZ-ID
    /// TSV, a `"` is an ordinary byte), whole and cut at a random point (not at the
    /// end): the same records with the same lines and raw spans, the same bytes
    /// consumed, the same line after.
    #[test]
    fn split_plain_is_split_without_quotes_or_carriage_returns() {
        let mut next = crate::test_rng::xorshift(0x2545_F491_4F6C_DD1D);
        const ALPHABET: &[u8] = b"ab,,,\t\n\n\n  \xc3";
        const UNQUOTED: &[u8] = b"ab,,,\t\t\"\"\n\n\n  \xc3";
        type Got = Vec<(u64, Vec<Vec<u8>>, Vec<u8>)>;
        let run = |plain: bool, delim: u8, quoting: bool, buf: &[u8], eof: bool| {
            let mut sp = Splitter::new(delim, quoting);
            sp.line = 7;
            let mut got = Vec::new();
            let mut f = |r: &Record<'_>| {
                let fields = r.iter().map(<[u8]>::to_vec).collect();
                got.push((r.line, fields, r.raw.to_vec()));
                Ok::<(), ()>(())
            };
            let used = if plain {
                sp.split_plain(buf, eof, &mut f)
            } else {
                sp.split(buf, eof, &mut f)
            };
            let got: (Got, usize, u64) = (got, used.unwrap(), sp.line);
            got
        };
        for case in 0..10_000 {
            let (quoting, alphabet) = if case % 2 == 0 {
                (true, ALPHABET)
            } else {
                (false, UNQUOTED)
            };
            let len = next(120) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect();
            let cut = next(input.len() as u64 + 1) as usize;
            for delim in [b',', b'\t'] {
                for (buf, eof) in [(&input[..], true), (&input[..cut], false)] {
                    assert_eq!(
                        run(true, delim, quoting, buf, eof),
                        run(false, delim, quoting, buf, eof),
                        "{:?} eof {eof} quoting {quoting}",
                        String::from_utf8_lossy(buf)
                    );
                }
            }
        }
    }

    /// A reader handing out its bytes a few at a time, then failing.
    struct ThenFail<'a>(Trickle<'a>);
    impl Read for ThenFail<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("disk on fire")),
                n => Ok(n),
            }
        }
    }

    /// A failed read is an `Io` error, after the records read before it: an error in
    /// a block read whole comes first (its bytes come first).
    #[test]
    fn a_read_error_comes_after_the_errors_of_the_bytes_before_it() {
        let io = "t.csv: cannot read: disk on fire";
        for (input, chunk, want) in [
            // The first chunk holds the bad line whole; the read after it fails.
            (&b"a,b\nBAD\n"[..], 8, "t.csv:2: bad row"),
            (&b"a,b\nc,d\n"[..], 8, io),
            // The read fails before the bad line is whole, or before any parse.
            (&b"a,b\nBAD\n"[..], 3, io),
            (&b"a,b\nBAD\n"[..], 1 << 20, io),
            // The bad line in the second block, read ahead while the first was parsed
            // (and joined to the first's tail, "BA", in the room before it); the read
            // ahead of the third block fails.
            (&b"a,b\nc,d\nBAD\nx,y\n"[..], 8, "t.csv:3: bad row"),
            (
                &b"a,b\nc,d\nx\nBAD\nq,r\ns,t\nu,v\n"[..],
                12,
                "t.csv:4: bad row",
            ),
            (&b"a,b\nc,d\nx\nBAD\nq,r\n"[..], 12, io),
        ] {
            let mut sp = Splitter::new(b',', true);
            let mut parse = |block: &[u8], eof| {
                let used = sp.split::<InputError>(block, eof, &mut |r| {
                    if r.iter().next() == Some(&b"BAD"[..]) {
                        return Err(InputError::new(
                            "t.csv",
                            InputErrorKind::Syntax,
                            "bad row".to_string(),
                        )
                        .at_line(r.line));
                    }
                    Ok(())
                })?;
                Ok((used, sp.line))
            };
            let mut src = ThenFail(Trickle(input, 64));
            let e = stream_in("t.csv", &mut src, Vec::new(), &mut parse, chunk, 64).unwrap_err();
            assert_eq!(e.to_string(), want, "chunk {chunk}");
        }
    }

    #[test]
    fn a_record_longer_than_the_limit_is_an_error_at_its_line() {
        // Scaled down (64 MiB in use): the limit applies to one record, and the error
        // comes after reading about that much, not the whole input.
        let mut input = b"a,b\nc,d\n\ne,\"never closed ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 10_000));
        let mut sp = Splitter::new(b',', true);
        let mut n = 0;
        let mut src = Trickle(&input, 7);
        let mut parse = |block: &[u8], eof| {
            let used = sp.split::<InputError>(block, eof, &mut |_| {
                n += 1;
                Ok(())
            })?;
            Ok((used, sp.line))
        };
        let e = stream_in("big.csv", &mut src, Vec::new(), &mut parse, 8, 64).unwrap_err();
        assert_eq!(n, 2);
        assert_eq!(
            e.to_string(),
            "big.csv:4: a record longer than 64 bytes (an unclosed quote, or no line ends?)"
        );
        assert!(
            src.0.len() > 9_800,
            "stopped early: {} bytes left",
            src.0.len()
        );
        // Within the limit, the same input is one record to the end.
        let mut sp = Splitter::new(b',', true);
        let mut n = 0;
        let mut parse = |block: &[u8], eof| {
            let used = sp.split::<InputError>(block, eof, &mut |_| {
                n += 1;
                Ok(())
            })?;
            Ok((used, sp.line))
        };
        stream_in(
            "big.csv",
            &mut Trickle(&input, 7),
            Vec::new(),
            &mut parse,
            8,
            1 << 20,
        )
        .unwrap();
        assert_eq!(n, 3);
    }
}
