//! The CLI's JSON: pages of `SpotPriceHistory` records, streamed.
//!
//! One pass over the input, a window of it at a time: the structure around the records
//! (the pages, their keys, the `SpotPriceHistory` arrays) is followed by hand, and each
//! complete value inside it — a record, a key, any other page value — is cut out of the
//! window by a scan that respects strings and nesting, then parsed in place by
//! `serde_json` (strings borrowed) and turned into a row at once. A record's line is
//! the line of its opening `{`, known exactly; `serde_json`'s errors inside a value are
//! moved to the value's place in the file, and the hand-followed structure reports its
//! own errors in `serde_json`'s words, with line and column. A record that is an object
//! of plain strings — every record AWS writes — is read by hand instead (`fast.rs`),
//! with the same result; anything else takes the general path above.
//!
//! **Memory.** The window of `ingest::json_window`: a 1 MiB chunk plus the longest
//! single value (at most 64 MiB: a longer one — a string never closed, a page value of
//! megabytes — is an error at its line once that much is read) plus the rows kept
//! (32 bytes each). A file's chunks are hashed on a second thread, each copied to it.

mod fast;
mod record;

use super::finish;
use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::Source;
use crate::ingest::json_window::{CHUNK, Hashing, Input};
use crate::ingest::{Interner, PriceHistory, err_at};
use crate::time::FastRfc3339;
use record::{Key, KeySeed, RecordSeed, Sink};

/// Reads the pages of `input` into `sink` (see the module docs).
fn read_pages(input: &mut Input<'_, '_>, sink: &mut Sink<'_>) -> Result<(), InputError> {
    input.skip_bom()?;
    while let Some(c) = input.peek()? {
        let page_line = input.line;
        if c != b'{' {
            // Not an object: serde_json says what it is.
            return Err(input.unexpected("an object with a `SpotPriceHistory` array"));
        }
        let mut seen = false;
        input.object(KeySeed, |input, key| {
            if key != Key::SpotPriceHistory {
                return input.skip();
            }
            if seen {
                return Err(input.syntax("duplicate field `SpotPriceHistory`"));
            }
            seen = true;
            read_history(input, sink)
        })?;
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
        return Err(input.unexpected("an array of SpotPriceHistory records"));
    }
    input.array(|input| {
        // Plain records (`fast.rs`), one after another while each is followed by `,`
        // and the next one's `{`; any other record through serde_json.
        loop {
            let line = input.line;
            let plain = if sink.fast {
                fast::record(&input.data()[input.pos..])
            } else {
                None
            };
            let Some(s) = plain else {
                let end = input.value_end()?;
                let seed = RecordSeed {
                    sink: &mut *sink,
                    line,
                };
                if let Err(e) = input.parse(end, seed) {
                    return Err(sink.err.take().unwrap_or(e));
                }
                input.advance(end - input.pos);
                return Ok(());
            };
            sink.push(line, &s.record)?;
            let (end, lines, last_nl, more) = (s.end, s.lines, s.last_nl, s.more);
            input.skip_read(end, lines, last_nl);
            if !more {
                return Ok(());
            }
        }
    })
}

/// Reads the JSON of `aws ec2 describe-spot-price-history` (aws-facts.md §7.1); several
/// pages (top-level objects, as paginated CLI output concatenates them) are read in turn.
///
/// `SpotPrice` may be a string (as the CLI writes it) or a number. A record with both
/// `AvailabilityZone` and `AvailabilityZoneId` is keyed on the name; with only the ID, on
/// [`Zone::Id`](crate::market::Zone::Id). Each row's line is the line of its record's opening `{`.
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
    read_json_in(name, src, prefix, CHUNK, true)
}

/// [`read_json`] reading `chunk` bytes at a time; `fast`: with the fast path for plain
/// records (tests compare it with the general path alone).
fn read_json_in(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
    chunk: usize,
    fast: bool,
) -> Result<PriceHistory, InputError> {
    let mut sink = Sink {
        name,
        interner: Interner::new(),
        rows: Vec::new(),
        times: FastRfc3339::default(),
        err: None,
        fast,
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
            let (res, d) = Hashing::on_a_thread(|hashing| {
                let mut input = Input::hashed_by(name, src, prefix, hashing);
                input.chunk = chunk;
                read_pages(&mut input, &mut sink)
            });
            res?;
            d.iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    finish(name, sha, "aws-json", sink.interner.into_keys(), sink.rows)
}

/// A serde_json error as an [`InputError`] with the line, and the column in the message.
pub(crate) fn json_error(name: &str, e: &serde_json::Error) -> InputError {
    crate::ingest::json_error_as(name, e, "invalid JSON")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::ingest::delimited;

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
                    true,
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
