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

/// A record read by the fast path.
pub(super) struct Scanned<'a> {
    pub(super) record: Record<'a>,
    /// One past its closing `}`.
    pub(super) end: usize,
    /// The line ends inside it, and the offset of the last one.
    pub(super) lines: u64,
    pub(super) last_nl: usize,
}

/// `0x01` in every byte of a word.
const ONES: u64 = u64::MAX / 255;
/// The high bit of every byte of a word.
const HIGH: u64 = ONES << 7;

/// The eight bytes at `i` as a little-endian word, if there are eight.
#[inline]
fn word(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// The high bit of each byte of `w` that is zero (exact for the lowest such byte;
/// bytes above it may be flagged falsely, so only the lowest flag is read).
#[inline]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGH
}

/// Whether byte `c` ends a plain string's run: `"`, `\` or a control character.
#[inline]
fn stops(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// The offset of the `"` closing the plain string whose text starts at `i`, and
/// whether the text is ASCII. `None` at an escape, a control character or the end.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut high = 0;
    // Eight bytes at a time (as serde_json does): flag `"`, `\` and bytes below 0x20.
    while let Some(w) = word(b, i) {
        let ctrl = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let stop = ctrl
            | zero_bytes(w ^ (ONES * u64::from(b'"')))
            | zero_bytes(w ^ (ONES * u64::from(b'\\')));
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
#[inline]
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

const AZ_B: &[u8] = AZ.as_bytes();
const AZ_ID_B: &[u8] = AZ_ID.as_bytes();
const TYPE_B: &[u8] = TYPE.as_bytes();
const PRODUCT_B: &[u8] = PRODUCT.as_bytes();
const PRICE_B: &[u8] = PRICE.as_bytes();
const TIME_B: &[u8] = TIME.as_bytes();

/// Reads the record at `b[0]` if it is a plain object of plain strings wholly in `b`
/// (see the module docs); `None` leaves it to the general path.
pub(super) fn record(b: &[u8]) -> Option<Scanned<'_>> {
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut r = Record::default();
    let mut ws = Lines { n: 0, last: 0 };
    let mut i = ws.skip(b, 1);
    loop {
        let (key, key_ascii, after) = string(b, i)?;
        i = ws.skip(b, after);
        if *b.get(i)? != b':' {
            return None;
        }
        i = ws.skip(b, i + 1);
        let (value, ascii, after) = string(b, i)?;
        i = ws.skip(b, after);
        let slot = match key {
            AZ_B => &mut r.zone,
            AZ_ID_B => &mut r.zone_id,
            TYPE_B => &mut r.itype,
            PRODUCT_B => &mut r.product,
            PRICE_B => &mut r.price,
            TIME_B => &mut r.time,
            // Ignored; `serde_json` reads the key as a `str` (valid UTF-8) and skips
            // the value's bytes unchecked.
            k => {
                if !key_ascii && std::str::from_utf8(k).is_err() {
                    return None;
                }
                &mut Loose::Absent
            }
        };
        if !slot.is_absent() || !(ascii || std::str::from_utf8(value).is_ok()) {
            return None;
        }
        *slot = Loose::Plain(value);
        match *b.get(i)? {
            b',' => i = ws.skip(b, i + 1),
            b'}' => {
                return Some(Scanned {
                    record: r,
                    end: i + 1,
                    lines: ws.n,
                    last_nl: ws.last,
                });
            }
            _ => return None,
        }
    }
}
