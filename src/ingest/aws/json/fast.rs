//! The fast path for one record: a plain object of plain strings, read by hand.
//!
//! AWS's records are objects whose keys and values are all strings without escapes.
//! Such a record is read here in one pass over its bytes — keys matched as bytes,
//! values borrowed, the line ends in its whitespace counted on the way — instead of
//! being cut out by a scan and handed to `serde_json`. Anything else (an escape, a
//! control character, a number or any other non-string value, a repeated field, bad
//! UTF-8, a syntax error, or the window ending inside the record) is left to the
//! general path, which reads it exactly as before: so the fast path only ever accepts
//! records `serde_json` accepts, with the values it would give, and every error still
//! comes from the general path (or from turning the record into a row, which both
//! paths share).

use super::record::{Loose, Record};
use crate::ingest::aws::{AZ, AZ_ID, PRICE, PRODUCT, TIME, TYPE};
use crate::ingest::swar::{HIGH, ONES, first_zero_byte, word};

/// A record read by the fast path.
pub(super) struct Scanned<'a> {
    pub(super) record: Record<'a>,
    /// One past its closing `}`.
    pub(super) end: usize,
    /// The line ends inside it, and the offset of the last one.
    pub(super) lines: u64,
    pub(super) last_nl: usize,
    /// Whether `end` is the start of the next record, after a `,`.
    pub(super) more: bool,
}

/// Whether byte `c` ends a plain string's run: `"`, `\` or a control character.
#[inline]
fn stops(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// The offset of the `"` closing the plain string whose text starts at `i`, and
/// whether the text is ASCII. `None` at an escape, a control character or the end.
#[inline(always)]
fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut high = 0;
    // Eight bytes at a time (as serde_json does): flag `"`, `\` and bytes below 0x20.
    while let Some(w) = word(b, i) {
        let ctrl = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let stop = ctrl
            | first_zero_byte(w ^ (ONES * u64::from(b'"')))
            | first_zero_byte(w ^ (ONES * u64::from(b'\\')));
        if stop != 0 {
            let k = stop.trailing_zeros() as usize / 8;
            high |= w & HIGH & ((1u64 << (8 * k)) - 1);
            i += k;
            return (b[i] == b'"').then_some((i, high == 0));
        }
        high |= w & HIGH;
        i += 8;
    }
    loop {
        let c = *b.get(i)?;
        if stops(c) {
            return (c == b'"').then_some((i, high == 0));
        }
        high |= u64::from(c & 0x80);
        i += 1;
    }
}

/// The text of the plain string at `i` (its `"`), whether it is ASCII, and the offset
/// after it.
#[inline(always)]
fn string(b: &[u8], i: usize) -> Option<(&[u8], bool, usize)> {
    if *b.get(i)? != b'"' {
        return None;
    }
    let (end, ascii) = string_end(b, i + 1)?;
    Some((&b[i + 1..end], ascii, end + 1))
}

/// Whitespace skipper that counts line ends.
struct Lines {
    n: u64,
    last: usize,
}

impl Lines {
    /// The offset of the first byte from `i` that is not JSON whitespace.
    #[inline]
    fn skip(&mut self, b: &[u8], mut i: usize) -> usize {
        while let Some(&c) = b.get(i) {
            match c {
                b' ' => {
                    // A run of spaces (indentation), eight at a time.
                    match word(b, i) {
                        Some(w) => {
                            let x = w ^ (ONES * u64::from(b' '));
                            i += if x == 0 {
                                8
                            } else {
                                x.trailing_zeros() as usize / 8
                            };
                        }
                        None => i += 1,
                    }
                }
                b'\n' => {
                    self.n += 1;
                    self.last = i;
                    i += 1;
                }
                b'\t' | b'\r' => i += 1,
                _ => break,
            }
        }
        i
    }
}

/// The record fields, in the order AWS writes them, with their quotes: a key is first
/// compared with the one expected next, and only scanned when it differs.
const KEYS: [&[u8]; 5] = [
    concat!('"', "AvailabilityZone", '"').as_bytes(),
    concat!('"', "InstanceType", '"').as_bytes(),
    concat!('"', "ProductDescription", '"').as_bytes(),
    concat!('"', "SpotPrice", '"').as_bytes(),
    concat!('"', "Timestamp", '"').as_bytes(),
];

const AZ_B: &[u8] = AZ.as_bytes();
const AZ_ID_B: &[u8] = AZ_ID.as_bytes();
const TYPE_B: &[u8] = TYPE.as_bytes();
const PRODUCT_B: &[u8] = PRODUCT.as_bytes();
const PRICE_B: &[u8] = PRICE.as_bytes();
const TIME_B: &[u8] = TIME.as_bytes();

/// The slot of `r` for key `k` (`None`: an ignored key), or `Err` for a key that is not
/// valid UTF-8.
#[inline]
fn slot<'r, 'a>(
    r: &'r mut Record<'a>,
    k: &[u8],
    ascii: bool,
) -> Result<Option<&'r mut Loose<'a>>, ()> {
    Ok(Some(match k {
        AZ_B => &mut r.zone,
        AZ_ID_B => &mut r.zone_id,
        TYPE_B => &mut r.itype,
        PRODUCT_B => &mut r.product,
        PRICE_B => &mut r.price,
        TIME_B => &mut r.time,
        // Ignored; `serde_json` reads the key as a `str` (valid UTF-8) and skips the
        // value's bytes unchecked.
        k => {
            if !ascii && std::str::from_utf8(k).is_err() {
                return Err(());
            }
            return Ok(None);
        }
    }))
}

/// Reads the record at `b[0]` if it is a plain object of plain strings wholly in `b`
/// (see the module docs); `None` leaves it to the general path.
///
/// When a `,` and the `{` of another record follow, [`Scanned::end`] is that `{`
/// and [`Scanned::more`] is set.
pub(super) fn record(b: &[u8]) -> Option<Scanned<'_>> {
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut r = Record::default();
    let mut ws = Lines { n: 0, last: 0 };
    let mut i = ws.skip(b, 1);
    let mut expect = 0;
    loop {
        let slot = match KEYS.get(expect) {
            Some(&k) if b.get(i..i + k.len()) == Some(k) => {
                i += k.len();
                // `k` without its quotes.
                slot(&mut r, &k[1..k.len() - 1], true).ok()?
            }
            _ => {
                let (key, key_ascii, after) = string(b, i)?;
                i = after;
                slot(&mut r, key, key_ascii).ok()?
            }
        };
        expect += 1;
        i = ws.skip(b, i);
        if *b.get(i)? != b':' {
            return None;
        }
        i = ws.skip(b, i + 1);
        let (value, ascii, after) = string(b, i)?;
        i = ws.skip(b, after);
        if let Some(slot) = slot {
            if !slot.is_absent() || !(ascii || std::str::from_utf8(value).is_ok()) {
                return None;
            }
            *slot = Loose::Plain(value);
        }
        match *b.get(i)? {
            b',' => i = ws.skip(b, i + 1),
            b'}' => break,
            _ => return None,
        }
    }
    let end = i + 1;
    let mut done = Scanned {
        record: r,
        end,
        lines: ws.n,
        last_nl: ws.last,
        more: false,
    };
    // The next record's start, past a `,`.
    let i = ws.skip(b, end);
    if b.get(i) == Some(&b',') {
        let i = ws.skip(b, i + 1);
        if b.get(i) == Some(&b'{') {
            done.end = i;
            done.lines = ws.n;
            done.last_nl = ws.last;
            done.more = true;
        }
    }
    Some(done)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::super::read_json_in;
    use crate::ingest::delimited::Source;

    /// Bytes an edit puts in: JSON's structure, escapes, whitespace, control
    /// characters, UTF-8 lead and continuation bytes, letters and digits.
    const BYTES: &[u8] = b"\"\\{}[],: \n\t\r\x01\x1f\xc3\xa9\xff\xe2u0aZ-.";

    /// Records as AWS writes them, and variants (compact, reordered, the ID, another
    /// key, a number, unicode, an escape, a repeated key), each edited at random a few
    /// times: the fast path with the general one behind it reads every page exactly as
    /// the general path alone does — the same rows, lines, series and hash, or the
    /// same error — in memory and streamed in small reads.
    #[test]
    fn fast_path_reads_as_the_general_path() {
        let base = [
            "{\n    \"AvailabilityZone\": \"us-east-1a\",\n    \"InstanceType\": \"m5.large\",\n    \"ProductDescription\": \"Linux/UNIX\",\n    \"SpotPrice\": \"0.043700\",\n    \"Timestamp\": \"2021-02-09T01:40:10+00:00\"\n}",
            "{\"AvailabilityZone\":\"us-east-1b\",\"InstanceType\":\"c5.xlarge\",\"ProductDescription\":\"Windows\",\"SpotPrice\":\"0.1\",\"Timestamp\":\"2021-02-09T01:40:10Z\"}",
            "{\"Timestamp\": \"2021-02-09T01:40:10.000Z\", \"SpotPrice\": \"1\", \"ProductDescription\": \"Linux/UNIX\", \"InstanceType\": \"m5.large\", \"AvailabilityZoneId\": \"use1-az4\"}",
            "{\"AvailabilityZone\": \"\", \"AvailabilityZoneId\": \"use1-az1\", \"Extra\": \"x\", \"InstanceType\": \"m5.large\", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": 0.5, \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}",
            "{\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"m5.l\u{e9}\", \"Pr\u{e9}\": \"\u{2003}\", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"0.2\", \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}",
            "{\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"m5\\u002elarge\", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"0.2\", \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}",
            "{\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"m5.large\", \"InstanceType\": \"m5.large\", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"0.2\", \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}",
            "{\"AvailabilityZone\": \" \", \"AvailabilityZoneId\": \"use1-az1\", \"InstanceType\": \" m5.large \", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"0.2\", \"Timestamp\": \"2021-02-09T01:40:10+00:00\"}",
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        let mut failed = 0;
        for case in 0..4000 {
            let mut recs: Vec<Vec<u8>> = (0..3)
                .map(|_| base[rng.random_range(0..base.len())].as_bytes().to_vec())
                .collect();
            let edits = if case % 3 == 0 {
                0
            } else {
                rng.random_range(1..4)
            };
            for _ in 0..edits {
                let r = &mut recs[rng.random_range(0..3)];
                let at = rng.random_range(0..=r.len());
                let byte = BYTES[rng.random_range(0..BYTES.len())];
                match rng.random_range(0..3) {
                    0 if at < r.len() => r[at] = byte,
                    1 if at < r.len() => {
                        r.remove(at);
                    }
                    _ => r.insert(at, byte),
                }
            }
            let sep = [",\n        ", ",", " ,\r\n", "\n,"][rng.random_range(0..4)];
            // The edited bytes as they are (invalid UTF-8 included), in a pretty page or
            // a compact one.
            let body = recs.join(sep.as_bytes());
            let bytes = if case % 2 == 0 {
                [
                    b"{\n    \"SpotPriceHistory\": [\n        ".as_slice(),
                    &body,
                    b"\n    ],\n    \"NextToken\": \"\"\n}\n",
                ]
                .concat()
            } else {
                [b"{\"SpotPriceHistory\": [".as_slice(), &body, b"]}"].concat()
            };
            let read = |fast: bool, chunk: Option<usize>| match chunk {
                None => read_json_in("f.json", Source::Bytes(&bytes), Vec::new(), 1 << 20, fast),
                Some(c) => read_json_in(
                    "f.json",
                    Source::Reader(&mut crate::ingest::delimited::tests::Trickle(&bytes, 5)),
                    Vec::new(),
                    c,
                    fast,
                ),
            };
            let general = read(false, None);
            for chunk in [None, Some(7), Some(64)] {
                let fast = read(true, chunk);
                match (&general, &fast) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a.rows, b.rows, "case {case} {chunk:?}");
                        assert_eq!(a.series, b.series, "case {case} {chunk:?}");
                        assert_eq!(a.source, b.source, "case {case} {chunk:?}");
                    }
                    (Err(a), Err(b)) => {
                        assert_eq!(a.to_string(), b.to_string(), "case {case} {chunk:?}")
                    }
                    _ => panic!(
                        "case {case} {chunk:?}: {:?}\n{general:?}\nvs {fast:?}",
                        String::from_utf8_lossy(&bytes)
                    ),
                }
            }
            failed += usize::from(general.is_err());
        }
        // Both outcomes are exercised.
        assert!((400..3600).contains(&failed), "{failed} of 4000 failed");
    }
}
