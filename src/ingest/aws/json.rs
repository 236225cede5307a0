//! The CLI's JSON: pages of `SpotPriceHistory` records.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{AZ, AZ_ID, PRICE, PRODUCT, TAG_TEXT, TAG_ZONE, TAG_ZONE_ID, TIME, TYPE, finish};
use crate::error::{InputError, InputErrorKind};
use crate::ingest::{
    Interner, LineCounter, PRICE_EXAMPLE, PriceHistory, PriceRow, RFC3339_EXAMPLE, SeriesKey,
    err_at, price_value, rfc3339_value, strip_bom, text_value,
};
use crate::market::Zone;
use crate::money::Rate;
use crate::time::FastRfc3339;

//
// One pass: serde_json parses the bytes in place (strings borrowed), and each record is
// turned into a row as soon as it is parsed, never held. A record's line comes from
// where its first key sits in the input (a borrowed string points into it): its `{` is
// the first non-blank byte before that key. A record whose first key is not borrowed
// (written with `\u` escapes) or that has no key is found by scanning forward, strings
// and nesting respected, from the last place known (the previous record, or the page's
// `SpotPriceHistory` key); if even that fails, the record carries its page's line.

/// Where the input was last seen, for the forward scans: a byte offset and what is
/// there.
#[derive(Clone, Copy, Debug)]
enum Anchor {
    /// The input's start.
    Start,
    /// The `{` of a page.
    PageOpen(usize),
    /// The text of a page's key (after its opening quote).
    PageKey(usize),
    /// The text of a page's `SpotPriceHistory` key.
    HistoryKey(usize),
    /// The `{` of a record.
    RecordOpen(usize),
    /// The text of a record's key.
    RecordKey(usize),
}

/// Everything the deserializers share while a file is read.
struct JsonState<'b, 'n> {
    name: &'n str,
    body: &'b [u8],
    lines: LineCounter<'b>,
    interner: Interner<SeriesKey>,
    rows: Vec<PriceRow>,
    anchor: Anchor,
    times: FastRfc3339,
    /// The line of the page being read (0 before its start is known).
    page_line: u64,
    /// A row error, passed through serde as a custom error and returned instead of it.
    err: Option<InputError>,
}

impl JsonState<'_, '_> {
    /// The offset of a string borrowed from the input.
    fn offset_of(&self, s: &str) -> Option<usize> {
        (s.as_ptr() as usize)
            .checked_sub(self.body.as_ptr() as usize)
            .filter(|&o| o < self.body.len())
    }

    /// The line of the record whose first key (borrowed) is at `first_key`, or of the
    /// record after the anchor.
    fn record_line(&mut self, first_key: Option<usize>) -> u64 {
        let start = first_key
            .and_then(|k| open_brace_before(self.body, k))
            .or_else(|| next_record_start(self.body, self.anchor));
        match start {
            Some(s) => {
                self.anchor = Anchor::RecordOpen(s);
                self.lines.line_at(s)
            }
            None => self.page_line,
        }
    }

    /// Sets the line of the page whose first key (borrowed) is at `first_key`, or of the
    /// page after the anchor.
    fn page_start(&mut self, first_key: Option<usize>) {
        let start = first_key
            .and_then(|k| open_brace_before(self.body, k))
            .or_else(|| next_page_start(self.body, self.anchor));
        if let Some(s) = start {
            self.anchor = Anchor::PageOpen(s);
            self.page_line = self.lines.line_at(s);
        }
    }
}

/// The `{` a record's first key (its text at `key`, after the opening quote) follows.
fn open_brace_before(b: &[u8], key: usize) -> Option<usize> {
    let quote = key.checked_sub(1)?;
    let before = b.get(..quote)?;
    let i = before.iter().rposition(|c| !c.is_ascii_whitespace())?;
    (before[i] == b'{').then_some(i)
}

/// The end (one past the closing quote) of the string whose text starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Skips whitespace from `i`; the next byte must be `c`: returns the offset after it.
fn expect(b: &[u8], i: usize, c: u8) -> Option<usize> {
    let j = i + b.get(i..)?.iter().position(|x| !x.is_ascii_whitespace())?;
    (b[j] == c).then_some(j + 1)
}

/// From `i`, inside `depth` levels of objects and arrays: the offset after the one
/// that closes the outermost.
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

/// The offset of the `{` of the next record after `anchor` (in the same array).
fn next_record_start(b: &[u8], anchor: Anchor) -> Option<usize> {
    let i = match anchor {
        Anchor::HistoryKey(k) => {
            // `"SpotPriceHistory": [ {`
            let i = expect(b, string_end(b, k)?, b':')?;
            let i = expect(b, i, b'[')?;
            return expect(b, i, b'{').map(|j| j - 1);
        }
        Anchor::RecordKey(k) => close(b, string_end(b, k)?, 1)?,
        Anchor::RecordOpen(o) => close(b, o + 1, 1)?,
        _ => return None,
    };
    let i = expect(b, i, b',')?;
    expect(b, i, b'{').map(|j| j - 1)
}

/// The offset after the page `anchor` is in (0 at the start).
fn page_end(b: &[u8], anchor: Anchor) -> Option<usize> {
    match anchor {
        Anchor::Start => Some(0),
        Anchor::PageOpen(o) => close(b, o + 1, 1),
        Anchor::PageKey(k) | Anchor::HistoryKey(k) => close(b, string_end(b, k)?, 1),
        Anchor::RecordOpen(o) => close(b, o + 1, 3),
        Anchor::RecordKey(k) => close(b, string_end(b, k)?, 3),
    }
}

/// The offset of the first byte of the next page after `anchor` (a `{` if the input is
/// well formed).
fn next_page_start(b: &[u8], anchor: Anchor) -> Option<usize> {
    let end = page_end(b, anchor)?;
    Some(
        end + b
            .get(end..)?
            .iter()
            .position(|c| !c.is_ascii_whitespace())?,
    )
}

/// A key with where it sits in the input (when serde_json could lend it).
struct KeyAt {
    key: Key,
    at: Option<usize>,
}

struct KeySeed<'s, 'b, 'n>(&'s JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_, '_, '_> {
    type Value = KeyAt;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<KeyAt, D::Error> {
        struct V<'s, 'b, 'n>(&'s JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = KeyAt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyAt, E> {
                Ok(KeyAt {
                    key: Key::of(v),
                    at: self.0.offset_of(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyAt, E> {
                Ok(KeyAt {
                    key: Key::of(v),
                    at: None,
                })
            }
        }
        d.deserialize_str(V(self.0))
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

/// Reads one top-level object of the CLI output (only an object: serde's derive would
/// also take an array, matching fields by position), turning its records into rows.
/// Returns whether the page had a `SpotPriceHistory`.
struct PageSeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for PageSeed<'_, '_, '_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a `SpotPriceHistory` array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<bool, A::Error> {
                let st = self.0;
                let mut seen = false;
                let mut first = true;
                while let Some(k) = m.next_key_seed(KeySeed(st))? {
                    if first {
                        st.page_start(k.at);
                        first = false;
                    }
                    if k.key == Key::SpotPriceHistory {
                        if seen {
                            return Err(de::Error::duplicate_field("SpotPriceHistory"));
                        }
                        seen = true;
                        if let Some(at) = k.at {
                            st.anchor = Anchor::HistoryKey(at);
                        }
                        m.next_value_seed(HistorySeed(&mut *st))?;
                    } else {
                        if let Some(at) = k.at {
                            st.anchor = Anchor::PageKey(at);
                        }
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                if first {
                    st.page_start(None);
                }
                Ok(seen)
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// The `SpotPriceHistory` array: each record becomes a row as it is read.
struct HistorySeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for HistorySeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of SpotPriceHistory records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
                while s.next_element_seed(RecordSeed(&mut *self.0))?.is_some() {}
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

/// One element of `SpotPriceHistory`, read loosely (so a wrong type is reported with
/// the record's line and the field's name) and turned into a row.
struct RecordSeed<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);

impl<'de> de::DeserializeSeed<'de> for RecordSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'s, 'b, 'n>(&'s mut JsonState<'b, 'n>);
        impl<'de> Visitor<'de> for V<'_, '_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a SpotPriceHistory record (an object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
                let st = self.0;
                let mut r = Record::default();
                let mut first = true;
                let mut line = 0;
                while let Some(k) = m.next_key_seed(KeySeed(st))? {
                    if first {
                        line = st.record_line(k.at);
                        first = false;
                    }
                    if let Some(at) = k.at {
                        st.anchor = Anchor::RecordKey(at);
                    }
                    let (slot, name) = match k.key {
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
                if first {
                    line = st.record_line(None);
                }
                let row = json_row(st.name, line, &r, &mut st.interner, &mut st.times);
                match row {
                    Ok(row) => {
                        st.rows.push(row);
                        Ok(())
                    }
                    Err(e) => {
                        st.err = Some(e);
                        Err(de::Error::custom("record error"))
                    }
                }
            }
        }
        d.deserialize_map(V(self.0))
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
    let (sha, parsed) = crate::ingest::hash_alongside(bytes, || json_rows(name, bytes));
    let (interner, rows) = parsed?;
    finish(name, sha, "aws-json", interner.into_keys(), rows)
}

fn json_rows(name: &str, bytes: &[u8]) -> Result<(Interner<SeriesKey>, Vec<PriceRow>), InputError> {
    let body = strip_bom(bytes);
    let mut st = JsonState {
        name,
        body,
        lines: LineCounter::new(body),
        interner: Interner::new(),
        rows: Vec::new(),
        anchor: Anchor::Start,
        times: FastRfc3339::default(),
        page_line: 1,
        err: None,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    // Is there another page? Only blanks after the last one's end, found by a scan from
    // the last place seen (serde_json's own check builds an error when there is more,
    // counting lines from the start).
    let more = |st: &JsonState<'_, '_>, de: &mut serde_json::Deserializer<_>| match page_end(
        body, st.anchor,
    ) {
        Some(end) => !body.get(end..).unwrap_or_default().trim_ascii().is_empty(),
        None => de.end().is_err(),
    };
    while more(&st, &mut de) {
        let had = match de::DeserializeSeed::deserialize(PageSeed(&mut st), &mut de) {
            Ok(had) => had,
            Err(e) => return Err(st.err.take().unwrap_or_else(|| json_error(name, &e))),
        };
        if !had {
            return Err(err_at(
                name,
                st.page_line,
                "SpotPriceHistory",
                InputErrorKind::MissingField,
                "the object has no `SpotPriceHistory` array; expected the output of \
                 aws ec2 describe-spot-price-history"
                    .to_string(),
            ));
        }
    }
    Ok((st.interner, st.rows))
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

    #[test]
    fn forward_scan_skips_strings_and_nested_values() {
        let j = br#"{"NextToken":"{[\"", "SpotPriceHistory":[ {"x":"}"} ,{"y":{"z":[{}]}},{}]}"#;
        let key = j
            .windows(16)
            .position(|w| w == b"SpotPriceHistory")
            .unwrap();
        let first = next_record_start(j, Anchor::HistoryKey(key)).unwrap();
        assert_eq!(&j[first..first + 2], b"{\"");
        let second = next_record_start(j, Anchor::RecordOpen(first)).unwrap();
        assert_eq!(&j[second..second + 5], b"{\"y\":");
        let third = next_record_start(j, Anchor::RecordKey(second + 2)).unwrap();
        assert_eq!(&j[third..third + 2], b"{}");
        assert_eq!(
            next_record_start(j, Anchor::RecordOpen(third)),
            None,
            "no fourth"
        );
    }

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
}
