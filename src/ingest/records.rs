//! CSV records pulled one at a time from bytes in memory or from a file read in bounded
//! memory: the reader under every CSV format but the AWS price files (which have their
//! own, faster splitter in `delimited`) and Price List offer files.
//!
//! Records split exactly as the `csv` crate splits them with `has_headers(false)` and
//! `flexible(true)` — it is the same state machine, `csv_core`, with the same defaults
//! (`,`, `"` quoting with `""` escapes, CRLF, LF or CR ending a record, empty lines
//! skipped, a leading UTF-8 byte-order mark dropped) — and each record carries the
//! 1-based line of its first byte. As the readers always had it (`next_record`), a
//! record that is only whitespace is skipped, and a field that ends in a line break is
//! an unclosed quote, reported at its record's line.
//!
//! **Memory.** A file is read 64 KiB at a time; fields are copied out of the read
//! buffer, so memory is that buffer plus the current record, and a record may be at
//! most [`MAX_RECORD`] (64 MiB): a longer one (an unclosed quote, a file of NULs) is an
//! error at its line after reading that much, not after the whole file. The SHA-256 of
//! the file (for provenance) is computed from the same reads.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::delimited::MAX_RECORD;
use crate::error::{InputError, InputErrorKind};

/// The size of one read from a file.
pub(crate) const READ: usize = 64 << 10;

/// Where the records come from.
enum Input<'a> {
    Bytes(&'a [u8]),
    Reader {
        r: Box<dyn Read + 'a>,
        buf: Vec<u8>,
        hasher: Sha256,
        eof: bool,
    },
}

/// A pull reader of CSV records (see the module docs).
pub(crate) struct Records<'a> {
    name: String,
    input: Input<'a>,
    /// Unread bytes are `pos..end` of the bytes or of the read buffer.
    pos: usize,
    end: usize,
    core: super::core_reader::CoreReader,
    out: Vec<u8>,
    ends: Vec<usize>,
    nfields: usize,
    /// Line of the next unread byte.
    next_line: u64,
    /// Line of the current record's first byte.
    rec_line: u64,
    /// Nothing read from the reader yet (a byte-order mark may come).
    first: bool,
}

impl<'a> Records<'a> {
    /// Records of `bytes` (a leading byte-order mark is skipped); `name` is used in
    /// errors.
    pub(crate) fn from_bytes(name: &str, bytes: &'a [u8]) -> Records<'a> {
        let body = super::strip_bom(bytes);
        let skip = bytes.len() - body.len();
        Records::new(name, Input::Bytes(bytes), skip, bytes.len())
    }

    /// Records of `r`, read 64 KiB at a time and hashed as read.
    pub(crate) fn from_reader(name: &str, r: impl Read + 'a) -> Records<'a> {
        let input = Input::Reader {
            r: Box::new(r),
            buf: Vec::new(),
            hasher: Sha256::new(),
            eof: false,
        };
        let mut s = Records::new(name, input, 0, 0);
        s.first = true;
        s
    }

    /// Records of the file at `path`.
    ///
    /// # Errors
    /// `Io` when it cannot be opened.
    pub(crate) fn open(path: &std::path::Path) -> Result<Records<'static>, InputError> {
        let name = path.display().to_string();
        let f = std::fs::File::open(path)
            .map_err(|e| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}")))?;
        Ok(Records::from_reader(&name, f))
    }

    fn new(name: &str, input: Input<'a>, pos: usize, end: usize) -> Records<'a> {
        Records {
            name: name.to_string(),
            input,
            pos,
            end,
            core: super::core_reader::reader(b',', true),
            out: vec![0; 1024],
            ends: vec![0; 16],
            nfields: 0,
            next_line: 1,
            rec_line: 1,
            first: false,
        }
    }

    /// The name errors use.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Reads the next record that is not only whitespace; `Ok(false)` at the end.
    ///
    /// # Errors
    /// `Io` when reading fails; `Syntax` at its line for an unclosed quote or a record
    /// longer than [`MAX_RECORD`].
    pub(crate) fn next(&mut self) -> Result<bool, InputError> {
        loop {
            if !self.read_record()? {
                return Ok(false);
            }
            // A `"` that opens a quoted field and never closes swallows the rest of the
            // file, its final line break included: a field ending in a line break is
            // that (a closed quoted field may hold line breaks, RFC 4180, but hardly
            // ends in one).
            if let Some(i) = self
                .iter()
                .position(|f| matches!(f.last(), Some(b'\n' | b'\r')))
            {
                return Err(InputError::new(
                    &self.name,
                    InputErrorKind::Syntax,
                    format!(
                        "field {} opens a quoted value (`\"`) that does not close on this line",
                        i + 1
                    ),
                )
                .at_line(self.rec_line));
            }
            let blank = self.nfields == 1 && self.field(0).trim_ascii().is_empty();
            if !blank {
                return Ok(true);
            }
        }
    }

    /// The current record's line (of its first byte).
    pub(crate) fn line(&self) -> u64 {
        self.rec_line
    }

    /// The current record's number of fields.
    pub(crate) fn len(&self) -> usize {
        self.nfields
    }

    /// Field `i` of the current record.
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        (i < self.nfields).then(|| self.field(i))
    }

    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.out.get(start..self.ends[i]).unwrap_or_default()
    }

    /// The current record's fields.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.nfields).map(|i| self.field(i))
    }

    /// The current record's fields, copied.
    #[cfg(test)]
    pub(crate) fn to_vec(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }

    /// Reads what is left (for the hash) and returns the lowercase hex SHA-256 of every
    /// byte of the input.
    ///
    /// # Errors
    /// `Io` when reading fails.
    pub(crate) fn finish(mut self) -> Result<String, InputError> {
        match &mut self.input {
            Input::Bytes(b) => Ok(super::sha256_hex(b)),
            Input::Reader { .. } => {
                loop {
                    self.pos = self.end;
                    if !self.fill()? {
                        break;
                    }
                }
                let Input::Reader { hasher, .. } = self.input else {
                    return Ok(String::new());
                };
                let d = hasher.finalize();
                let mut s = String::with_capacity(64);
                for b in d {
                    s.push_str(&format!("{b:02x}"));
                }
                Ok(s)
            }
        }
    }

    /// Reads more into the buffer (unread bytes kept at its start); `false` at the end
    /// of the input (nothing was added).
    fn fill(&mut self) -> Result<bool, InputError> {
        let Input::Reader {
            r,
            buf,
            hasher,
            eof,
        } = &mut self.input
        else {
            return Ok(false);
        };
        if *eof {
            return Ok(false);
        }
        buf.drain(..self.pos.min(buf.len()));
        self.end -= self.pos;
        self.pos = 0;
        let have = buf.len();
        buf.resize(have + READ, 0);
        let mut filled = have;
        // The first read gathers 3 bytes at least, to see a byte-order mark whole.
        while filled < buf.len() {
            match r.read(&mut buf[filled..]) {
                Ok(0) => {
                    *eof = true;
                    break;
                }
                Ok(n) => {
                    filled += n;
                    if !self.first || filled >= 3 {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InputError::new(
                        &self.name,
                        InputErrorKind::Io,
                        format!("cannot read: {e}"),
                    ));
                }
            }
        }
        buf.truncate(filled);
        hasher.update(&buf[have..]);
        self.end = filled;
        if self.first {
            self.first = false;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3;
            }
        }
        Ok(filled > have)
    }

    /// One record through `csv_core` into `out`/`ends`; `false` at the end.
    fn read_record(&mut self) -> Result<bool, InputError> {
        let (mut o, mut e) = (0, 0);
        let start_line = self.next_line;
        let mut lead: u64 = 0;
        let mut leading = true;
        let mut used: usize = 0;
        loop {
            // At the end of the input, csv_core is given nothing, which flushes the
            // last record.
            while self.pos == self.end && self.fill()? {}
            let data: &[u8] = match &self.input {
                Input::Bytes(b) => b,
                Input::Reader { buf, .. } => buf,
            };
            let input = data.get(self.pos..self.end).unwrap_or_default();
            let out = self.out.get_mut(o..).unwrap_or_default();
            let ends = self.ends.get_mut(e..).unwrap_or_default();
            let (res, nin, nout, nend) = self.core.read_record(input, out, ends);
            let took = input.get(..nin).unwrap_or_default();
            if leading {
                let blank = took
                    .iter()
                    .take_while(|&&c| c == b'\r' || c == b'\n')
                    .count();
                lead += took[..blank].iter().filter(|&&c| c == b'\n').count() as u64;
                leading = blank == took.len();
            }
            self.next_line += memchr::memchr_iter(b'\n', took).count() as u64;
            self.pos += nin;
            used += nin;
            o += nout;
            e += nend;
            match res {
                csv_core::ReadRecordResult::Record => {
                    self.rec_line = start_line + lead;
                    self.nfields = e;
                    return Ok(true);
                }
                csv_core::ReadRecordResult::End => return Ok(false),
                csv_core::ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::InputEmpty => {}
            }
            if used > MAX_RECORD {
                return Err(InputError::new(
                    &self.name,
                    InputErrorKind::Syntax,
                    format!(
                        "a record longer than {} MiB (an unclosed quote, or no line ends?)",
                        MAX_RECORD >> 20
                    ),
                )
                .at_line(start_line + lead));
            }
        }
    }
}

/// A file opened for a streamed read, its first bytes (up to 64 KiB, fewer only at its
/// end) already read so that its format can be told from them.
pub(crate) struct Sniffed {
    name: String,
    head: Vec<u8>,
    rest: std::fs::File,
}

impl Sniffed {
    /// Opens `path` and reads its first bytes.
    ///
    /// # Errors
    /// `Io` when it cannot be opened or read.
    pub(crate) fn open(path: &std::path::Path) -> Result<Sniffed, InputError> {
        let name = path.display().to_string();
        let io = |e: std::io::Error| {
            InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}"))
        };
        let mut rest = std::fs::File::open(path).map_err(io)?;
        let mut head = vec![0; READ];
        let mut n = 0;
        while n < head.len() {
            match rest.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(e)),
            }
        }
        head.truncate(n);
        Ok(Sniffed { name, head, rest })
    }

    /// The file's name as errors give it.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The first bytes.
    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// The CSV records of the whole file.
    pub(crate) fn records(self) -> Records<'static> {
        let name = self.name.clone();
        Records::from_reader(&name, std::io::Cursor::new(self.head).chain(self.rest))
    }

    /// The whole file as a reader that hashes what it reads, a leading byte-order mark
    /// skipped (but hashed).
    pub(crate) fn hashed(mut self) -> HashRead {
        let bom = usize::from(self.head.starts_with(b"\xEF\xBB\xBF")) * 3;
        let mut hasher = Sha256::new();
        hasher.update(&self.head[..bom]);
        HashRead {
            r: Box::new(std::io::Cursor::new(self.head.split_off(bom)).chain(self.rest)),
            hasher,
        }
    }
}

/// A reader that hashes (SHA-256) every byte read through it, buffered: what JSON
/// formats are parsed from when streamed (`serde_json::from_reader` reads to the end
/// to check nothing follows the value, so the hash covers the file).
pub(crate) struct HashRead {
    r: Box<dyn Read>,
    hasher: Sha256,
}

impl HashRead {
    /// A buffered reader over this one (serde_json reads a byte at a time).
    pub(crate) fn buffered(self) -> std::io::BufReader<HashRead> {
        std::io::BufReader::with_capacity(READ, self)
    }

    /// The lowercase hex SHA-256 of the bytes read so far.
    pub(crate) fn hex(self) -> String {
        let d = self.hasher.finalize();
        let mut s = String::with_capacity(64);
        for b in d {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

impl Read for HashRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.r.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = Result<Vec<(u64, Vec<Vec<u8>>)>, u64>;

    /// As the readers read CSV before (the `csv` crate, `record_line`, `next_record`):
    /// the records, or the line of the first error.
    fn reference(input: &[u8]) -> Outcome {
        let body = crate::ingest::strip_bom(input);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        loop {
            match crate::ingest::next_record("t", &mut rdr, &mut rec) {
                Ok(true) => out.push((
                    crate::ingest::record_line(body, &rec),
                    rec.iter().map(<[u8]>::to_vec).collect(),
                )),
                Ok(false) => return Ok(out),
                // (`next_record` names the line where the csv crate positions the
                // record, ahead of blank lines before it; the line of its first byte
                // is what every other error names, and what `Records` gives.)
                Err(_) => return Err(crate::ingest::record_line(body, &rec)),
            }
        }
    }

    fn collect(mut r: Records<'_>) -> (Outcome, Option<String>) {
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(true) => out.push((r.line(), r.to_vec())),
                Ok(false) => return (Ok(out), r.finish().ok()),
                Err(e) => return (Err(e.line.unwrap_or(0)), None),
            }
        }
    }

    use super::super::delimited::tests::Trickle;

    /// Random text over the characters that matter, from bytes and streamed in small
    /// pieces, against the `csv` crate as the readers used it: the same records at the
    /// same lines, an error exactly where it gave one, and the file's SHA-256.
    #[test]
    fn records_are_the_csv_crates() {
        let mut next = crate::test_rng::xorshift(0x2545_F491_4F6C_DD1D);
        const ALPHABET: &[u8] = b"ab,,\"\"\r\n\n\n  \t\xc3";
        for case in 0..3000 {
            let len = next(90) as usize;
            let mut input: Vec<u8> = (0..len)
                .map(|_| ALPHABET[next(ALPHABET.len() as u64) as usize])
                .collect();
            if case % 13 == 0 {
                input.splice(0..0, *b"\xEF\xBB\xBF");
            }
            let want = reference(&input);
            let (got, sha) = collect(Records::from_bytes("t", &input));
            assert_eq!(got, want, "bytes {:?}", String::from_utf8_lossy(&input));
            let piece = 1 + next(7) as usize;
            let (streamed, sha2) = collect(Records::from_reader("t", Trickle(&input, piece)));
            assert_eq!(
                streamed,
                want,
                "streamed by {piece}: {:?}",
                String::from_utf8_lossy(&input)
            );
            if got.is_ok() {
                let want_sha = crate::ingest::sha256_hex(&input);
                assert_eq!(
                    (sha.as_deref(), sha2.as_deref()),
                    (Some(&*want_sha), Some(&*want_sha))
                );
            }
        }
    }

    /// A record longer than MAX_RECORD (a quote that never closes, in a file of many
    /// lines) fails at its line after reading that much, not at the end of the input.
    #[test]
    fn an_endless_record_fails_at_its_line_without_reading_everything() {
        struct Endless(u64);
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0 += buf.len() as u64;
                assert!(self.0 < 2 * MAX_RECORD as u64, "read far past the limit");
                buf.fill(b'x');
                for b in buf.iter_mut().step_by(100) {
                    *b = b'\n';
                }
                Ok(buf.len())
            }
        }
        let head: &[u8] = b"a,b\n1,2\n3,\"open\n";
        let mut r = Records::from_reader("big.csv", head.chain(Endless(0)));
        assert!(r.next().unwrap());
        assert!(r.next().unwrap());
        let e = r.next().unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("longer than 64 MiB"), "{e}");
    }
}
