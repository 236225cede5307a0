//! One `SpotPriceHistory` record: its keys, its fields read loosely, and the row it
//! becomes.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{InputError, InputErrorKind};
use crate::ingest::aws::{AZ, AZ_ID, PRICE, PRODUCT, TAG_TEXT, TAG_ZONE, TAG_ZONE_ID, TIME, TYPE};
use crate::ingest::{
    Interner, PRICE_EXAMPLE, PriceRow, RFC3339_EXAMPLE, SeriesKey, err_at, price_value,
    rfc3339_value, text_value,
};
use crate::market::Zone;
use crate::money::Rate;
use crate::time::FastRfc3339;

/// A page's key.
#[derive(Clone, Copy)]
pub(super) struct KeySeed;

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
pub(super) struct Sink<'n> {
    pub(super) name: &'n str,
    pub(super) interner: Interner<SeriesKey>,
    pub(super) rows: Vec<PriceRow>,
    pub(super) times: FastRfc3339,
    pub(super) err: Option<InputError>,
    /// Whether plain records take the fast path (`fast.rs`); always outside tests.
    pub(super) fast: bool,
}

impl Sink<'_> {
    /// Turns record `r`, which starts on `line`, into a row.
    #[inline]
    pub(super) fn push(&mut self, line: u64, r: &Record<'_>) -> Result<(), InputError> {
        let row = json_row(self.name, line, r, &mut self.interner, &mut self.times)?;
        self.rows.push(row);
        Ok(())
    }
}

/// The keys of a page and of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key {
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
pub(super) struct RecordSeed<'s, 'n> {
    pub(super) sink: &'s mut Sink<'n>,
    /// The line of the record's first byte.
    pub(super) line: u64,
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
        sink.push(self.line, &r).map_err(|e| {
            sink.err = Some(e);
            de::Error::custom("record error")
        })
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
pub(super) struct Record<'a> {
    pub(super) zone: Loose<'a>,
    pub(super) zone_id: Loose<'a>,
    pub(super) itype: Loose<'a>,
    pub(super) product: Loose<'a>,
    pub(super) price: Loose<'a>,
    pub(super) time: Loose<'a>,
}

/// Any JSON value, keeping strings (borrowed when unescaped) and numbers.
#[derive(Default)]
pub(super) enum Loose<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    Num(f64),
    Other(&'static str),
    /// A string without escapes, as read by the fast path (`fast.rs`): valid UTF-8.
    Plain(&'a [u8]),
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
    pub(super) fn is_absent(&self) -> bool {
        matches!(self, Loose::Absent)
    }

    /// Whether the value is a string of Unicode whitespace only (`str::trim`).
    fn blank(&self) -> bool {
        match self {
            Loose::Str(s) => s.trim().is_empty(),
            // No control characters: of ASCII, only the space is whitespace here.
            Loose::Plain(b) if b.is_ascii() => b.iter().all(|&c| c == b' '),
            Loose::Plain(b) => std::str::from_utf8(b).is_ok_and(|s| s.trim().is_empty()),
            _ => false,
        }
    }

    /// The string value's bytes (valid UTF-8), trimmed of ASCII whitespace; errors
    /// name the record's line and the field.
    fn text<'s>(
        &'s self,
        name: &str,
        line: u64,
        field: &str,
        expected: &str,
    ) -> Result<&'s [u8], InputError> {
        let raw = match self {
            Loose::Str(s) => s.as_bytes(),
            Loose::Plain(b) => b,
            Loose::Absent => {
                return Err(err_at(
                    name,
                    line,
                    field,
                    InputErrorKind::MissingField,
                    format!("the record has no `{field}`; expected {expected}"),
                ));
            }
            Loose::Num(x) => {
                return Err(err_at(
                    name,
                    line,
                    field,
                    InputErrorKind::BadValue,
                    format!("found the number {x}, expected a string: {expected}"),
                ));
            }
            Loose::Other(what) => {
                return Err(err_at(
                    name,
                    line,
                    field,
                    InputErrorKind::BadValue,
                    format!("found {what}, expected a string: {expected}"),
                ));
            }
        };
        // Already UTF-8 (checked when read): trim and test for emptiness only.
        let t = raw.trim_ascii();
        if t.is_empty() {
            text_value(name, line, field, t, expected).map(str::as_bytes)
        } else {
            Ok(t)
        }
    }
}

/// The row of record `r`, which starts on `line`.
fn json_row(
    name: &str,
    line: u64,
    r: &Record<'_>,
    interner: &mut Interner<SeriesKey>,
    times: &mut FastRfc3339,
) -> Result<PriceRow, InputError> {
    // Zone: the name when present and non-empty, else the ID.
    let use_id = (r.zone.is_absent() || r.zone.blank()) && !r.zone_id.is_absent();
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
    // The zone is checked before the type and the product are read (its error comes
    // first), but only once per series: a series interned is one whose zone passed.
    let check_zone = || {
        let zone = String::from_utf8_lossy(zone);
        Zone::check(&zone)
            .map_err(|m| err_at(name, line, zone_field, InputErrorKind::BadValue, m))?;
        Ok::<_, InputError>(zone)
    };
    let itype = r
        .itype
        .text(name, line, TYPE, "an instance type such as m5.large");
    let product = r.product.text(
        name,
        line,
        PRODUCT,
        "a product description such as Linux/UNIX",
    );
    let (itype, product) = match (itype, product) {
        (Ok(i), Ok(p)) => (i, p),
        (Err(e), _) | (_, Err(e)) => {
            check_zone()?;
            return Err(e);
        }
    };
    interner.begin();
    interner.part(tag, zone);
    interner.part(TAG_TEXT, itype);
    interner.part(TAG_TEXT, product);
    let series = interner.finish(name, || {
        let zone = check_zone()?;
        Ok(SeriesKey {
            zone: if tag == TAG_ZONE_ID {
                Zone::Id(zone.into_owned())
            } else {
                Zone::parse(&zone)
            },
            instance_type: String::from_utf8_lossy(itype).into_owned(),
            product: String::from_utf8_lossy(product).into_owned(),
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
            other.text(name, line, PRICE, PRICE_EXAMPLE)?,
        )?,
    };
    let raw_time = r.time.text(name, line, TIME, RFC3339_EXAMPLE)?;
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
