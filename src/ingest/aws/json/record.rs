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
