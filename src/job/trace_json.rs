//! The spot-traces JSON reader behind [`super::read_spot_trace`] and
//! [`super::read_spot_trace_bytes`], streamed (split out of `trace`).
//!
//! The top-level object, and its `data` and `prices` arrays, are followed by hand through
//! the window of `ingest::json_window`; each value inside them — a tick, a price, the
//! whole `metadata` object, any other member — is cut out and parsed in place by
//! `serde_json`, so a value's line is known exactly and each tick is checked (and
//! refused past [`crate::limits::MAX_JOB_TICKS`]) as it is read: a bad tick early in a
//! huge file fails after reading one chunk past it.
//!
//! **Memory.** A 1 MiB read, the longest single value cut out (the `metadata` object or
//! a member spotsim does not read; at most 64 MiB, else an error at its line), and what
//! the trace parses to: 4 bytes a tick, 8 more a price. Bytes in memory go through the
//! same code (over the slice), so both give the same trace or the same error.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::json_line::json_line;
use super::trace::{Convention, JobTrace, TraceOptions, zone_from_name};
use crate::error::{InputError, InputErrorKind};
use crate::ingest::Source;
use crate::ingest::err_at;
use crate::ingest::json_window::{Input, NullOr};
use crate::market::SourceFile;
use crate::money::Rate;
use crate::time::SimTime;

/// How a malformed value is described (the words of the whole-file reader this
/// replaced).
const INVALID: &str = "invalid JSON or a value of the wrong type";

#[derive(Deserialize)]
struct RawMeta {
    gap_seconds: Option<f64>,
    start_time: Option<String>,
    zone: Option<String>,
    price_info: Option<RawPriceInfo>,
}

#[derive(Deserialize)]
struct RawPriceInfo {
    price: Option<f64>,
    on_demand_price: Option<f64>,
    currency: Option<String>,
}

/// The metadata once checked.
struct Meta {
    gap_secs: i64,
    start: Option<SimTime>,
    zone: Option<String>,
    spot_price: Option<Rate>,
    ondemand_price: Option<Rate>,
}

/// The members of the top-level object spotsim reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Metadata,
    Data,
    Prices,
    Other,
}

/// Parses a top-level key; a key read twice is `serde_json`'s "duplicate field" error,
/// at the key, as a derived `Deserialize` reported it.
#[derive(Clone, Copy)]
struct KeySeed<'s>(&'s Cell<u8>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        let (key, bit, name) = match v {
            "metadata" => (Key::Metadata, 1, "metadata"),
            "data" => (Key::Data, 2, "data"),
            "prices" => (Key::Prices, 4, "prices"),
            _ => return Ok(Key::Other),
        };
        if self.0.get() & bit != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0.set(self.0.get() | bit);
        Ok(key)
    }
}

/// The value at `pos`: an array whose elements, parsed as `T`, are given to `each` with
/// their index and line, refused past [`crate::limits::MAX_JOB_TICKS`] elements; `null`
/// (false); anything else is an error.
fn ticks<T: for<'de> Deserialize<'de>>(
    input: &mut Input<'_, '_>,
    mut each: impl FnMut(T, usize, u64) -> Result<(), InputError>,
) -> Result<bool, InputError> {
    if input.peek()? != Some(b'[') {
        input.take(NullOr("an array with a value per tick"))?;
        return Ok(false);
    }
    let max = crate::limits::MAX_JOB_TICKS;
    let mut i = 0;
    input.array(|input| {
        let end = input.value_end()?;
        let v: T = input.parse(end, PhantomData)?;
        if i == max {
            // Where serde_json put it: the element's last byte.
            return Err(InputError::new(
                input.name,
                InputErrorKind::Syntax,
                format!(
                    "{INVALID} at column {}: more than {max} ticks (the most a job trace may have)",
                    input.column(end) - 1
                ),
            )
            .at_line(input.line));
        }
        each(v, i, input.line)?;
        i += 1;
        input.advance(end - input.pos);
        Ok(())
    })?;
    Ok(true)
}

/// Reads a spot-traces JSON from `src` (see the module docs).
pub(super) fn read(
    name: &str,
    src: Source<'_>,
    opts: &TraceOptions,
) -> Result<JobTrace, InputError> {
    read_in(name, src, opts, crate::ingest::json_window::CHUNK)
}

/// [`read`] reading `chunk` bytes at a time.
fn read_in(
    name: &str,
    src: Source<'_>,
    opts: &TraceOptions,
    chunk: usize,
) -> Result<JobTrace, InputError> {
    let mut input = Input::new(name, src, Vec::new());
    input.chunk = chunk;
    input.invalid = INVALID;
    input.skip_bom()?;
    if input.peek()? != Some(b'{') {
        return Err(input.unexpected("struct RawTrace"));
    }
    let seen = Cell::new(0);
    let mut meta = None;
    let mut available: Option<Vec<u32>> = None;
    let mut data_line = 1;
    let mut prices: Option<(Vec<Rate>, u64)> = None;
    input.object(KeySeed(&seen), |input, key| match key {
        Key::Metadata => {
            meta = read_meta(input)?;
            Ok(())
        }
        Key::Data => {
            data_line = input.line;
            let mut v = Vec::new();
            let got = ticks(input, |x: i64, i, line| {
                v.push(tick(name, x, i, line, opts)?);
                Ok(())
            })?;
            available = got.then_some(v);
            Ok(())
        }
        Key::Prices => {
            let line = input.line;
            let mut v = Vec::new();
            let got = ticks(input, |x: f64, i, line| {
                v.push(Rate::from_usd_f64(x).map_err(|e| {
                    err_at(
                        name,
                        line,
                        &format!("prices[{i}]"),
                        InputErrorKind::BadValue,
                        format!("{e}: found {x}; expected a spot price in USD per hour"),
                    )
                })?);
                Ok(())
            })?;
            prices = got.then_some((v, line));
            Ok(())
        }
        Key::Other => input.skip(),
    })?;
    input.end()?;
    let meta = meta.ok_or_else(|| {
        InputError::new(
            name,
            InputErrorKind::MissingField,
            "no `metadata` object; expected {\"metadata\":{\"gap_seconds\":G},\"data\":[…]}",
        )
        .at_line(1)
        .field("metadata")
    })?;
    let available = available.ok_or_else(|| {
        InputError::new(
            name,
            InputErrorKind::MissingField,
            "no `data` array; expected the value of each tick",
        )
        .at_line(1)
        .field("data")
    })?;
    if available.is_empty() {
        return Err(InputError::new(name, InputErrorKind::Empty, "has no ticks")
            .at_line(data_line)
            .field("data"));
    }
    let prices = match prices {
        None => None,
        Some((p, line)) if p.len() != available.len() => {
            return Err(err_at(
                name,
                line,
                "prices",
                InputErrorKind::Conflict,
                format!(
                    "has {} entries but `data` has {} ticks; expected one price per tick",
                    p.len(),
                    available.len()
                ),
            ));
        }
        Some((p, _)) => Some(p),
    };
    let rows = available.len() as u64;
    Ok(JobTrace {
        gap_secs: meta.gap_secs,
        available,
        prices,
        start: meta.start,
        zone: meta.zone.unwrap_or_else(|| zone_from_name(name)),
        spot_price: meta.spot_price,
        ondemand_price: meta.ondemand_price,
        convention: opts.convention,
        source: SourceFile {
            path: name.to_string(),
            sha256: input.sha256(),
            format: "spot-traces-json".into(),
            rows,
        },
        price_source: None,
    })
}

/// Tick `i`'s value `v` (on `line`) as spot instances available, under the convention.
fn tick(name: &str, v: i64, i: usize, line: u64, opts: &TraceOptions) -> Result<u32, InputError> {
    let bad = |msg: String| {
        err_at(
            name,
            line,
            &format!("data[{i}]"),
            InputErrorKind::BadValue,
            msg,
        )
    };
    if v < 0 {
        return Err(bad(format!(
            "value {v} is negative; expected a count of instances"
        )));
    }
    let Ok(v) = u32::try_from(v) else {
        return Err(bad(format!("value {v} is too large")));
    };
    Ok(match opts.convention {
        Convention::Available => v,
        Convention::Preempted => match opts.nodes {
            None if v <= 1 => 1 - v,
            None => {
                return Err(bad(format!(
                    "value {v} under the `preempted` convention: only 0/1 \
                     (1 = preempted) can be read without a node count; give the \
                     number of nodes so that available = nodes − value"
                )));
            }
            Some(n) if v <= n => n - v,
            Some(n) => {
                return Err(bad(format!(
                    "value {v} preempted nodes is more than the {n} nodes given"
                )));
            }
        },
    })
}

/// The `metadata` value at `pos`, parsed whole and checked (`None` for `null`); its
/// fields' lines are found in its text.
fn read_meta(input: &mut Input<'_, '_>) -> Result<Option<Meta>, InputError> {
    let end = input.value_end()?;
    let raw: Option<RawMeta> = input.parse(end, PhantomData)?;
    let name = input.name;
    let text = &input.data()[input.pos..end];
    let line0 = input.line;
    let line_of = |path: &[&str]| json_line(text, path).map_or(1, |l| line0 + l - 1);
    let meta = match raw {
        None => None,
        Some(m) => Some(check_meta(name, m, line0, &line_of)?),
    };
    input.advance(end - input.pos);
    Ok(meta)
}

/// Checks the metadata (see the `trace` module docs); `line_of` finds a field's line.
fn check_meta(
    name: &str,
    meta: RawMeta,
    line: u64,
    line_of: &dyn Fn(&[&str]) -> u64,
) -> Result<Meta, InputError> {
    let gap = meta.gap_seconds.ok_or_else(|| {
        err_at(
            name,
            line,
            "metadata.gap_seconds",
            InputErrorKind::MissingField,
            "is missing; expected the tick length in seconds, such as 600".into(),
        )
    })?;
    if !(gap > 0.0 && gap.fract() == 0.0 && gap <= crate::limits::MAX_GAP_SECS as f64) {
        return Err(err_at(
            name,
            line_of(&["gap_seconds"]),
            "metadata.gap_seconds",
            InputErrorKind::BadValue,
            format!(
                "is {gap}; expected a positive whole number of seconds, at most {} (a day)",
                crate::limits::MAX_GAP_SECS
            ),
        ));
    }
    let start = match &meta.start_time {
        None => None,
        Some(s) => Some(SimTime::parse_rfc3339(s).map_err(|e| {
            err_at(
                name,
                line_of(&["start_time"]),
                "metadata.start_time",
                InputErrorKind::BadValue,
                format!("{e}: found `{}`", crate::ingest::show(s.as_bytes())),
            )
        })?),
    };
    let (mut spot_price, mut ondemand_price) = (None, None);
    if let Some(pi) = &meta.price_info {
        if let Some(c) = &pi.currency
            && c != "USD"
        {
            return Err(err_at(
                name,
                line_of(&["price_info"]),
                "metadata.price_info.currency",
                InputErrorKind::BadValue,
                format!("is `{}`; only USD prices are supported", c),
            ));
        }
        let rate = |v: f64, key: &'static str| {
            Rate::from_usd_f64(v).map_err(|e| {
                err_at(
                    name,
                    line_of(&["price_info", key]),
                    &format!("metadata.price_info.{key}"),
                    InputErrorKind::BadValue,
                    format!("{e}: found {v}"),
                )
            })
        };
        spot_price = pi.price.map(|v| rate(v, "price")).transpose()?;
        ondemand_price = pi
            .on_demand_price
            .map(|v| rate(v, "on_demand_price"))
            .transpose()?;
    }
    Ok(Meta {
        gap_secs: gap as i64,
        start,
        zone: meta.zone,
        spot_price,
        ondemand_price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streamed through windows of any size, every input reads as it does in memory:
    /// the same trace (hash included), or the same error.
    #[test]
    fn streamed_reads_as_in_memory() {
        let good = [
            &br#"{"metadata":{"gap_seconds":600},"data":[1,0,1],"prices":[0.9,0.9,1.1]}"#[..],
            b"\xEF\xBB\xBF {\"x\": {\"a\": [\"]}\\\"\", 1e3, true]},\n\"data\": [\n 16 ,\n 3,0],\n \"metadata\": {\"gap_seconds\": 6e2,\n \"zone\": \"z\", \"start_time\": \"2025-10-04T00:10:00Z\",\n \"price_info\": {\"price\": 1.5, \"currency\": \"USD\"}}, \"prices\": null}\n",
        ];
        let bad = [
            &b""[..],
            b"  \n ",
            b"[]",
            b"5",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1,0,-1]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1,\n0x]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1,\n0.]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, nul]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, 2],}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, 2]} x",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, 2], \"data\": []}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, 2], \"prices\": [1]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1, 2], \"prices\": [1, -1]}",
            b"{\"metadata\":{\n\"gap_seconds\":0},\"data\":[1]}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":{}}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[1,2",
            b"{\"metadata\":{\"gap_seconds\":600},\"x\":\"never closed",
            b"{\"metadata\":{\"gap_seconds\":600},\"x\":\"bad \\u\"escape\"}",
            b"{\"metadata\":{\"gap_seconds\":600},\"data\":[\x00]}",
            b"{\"data\":[1]}",
        ];
        let o = TraceOptions::new(Convention::Available);
        for (i, text) in good.iter().chain(&bad).enumerate() {
            let whole = read("t.json", Source::Bytes(text), &o);
            assert_eq!(whole.is_ok(), i < good.len(), "{i}: {whole:?}");
            for chunk in [1, 2, 3, 5, 16, 100, 1 << 20] {
                let mut r: &[u8] = text;
                let streamed = read_in("t.json", Source::Reader(&mut r), &o, chunk);
                match (&whole, &streamed) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{i} in {chunk}"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{i} in {chunk}"),
                    _ => panic!("{i} in {chunk}: {whole:?} vs {streamed:?}"),
                }
            }
        }
        let t = read("t.json", Source::Bytes(good[1]), &o).unwrap();
        assert_eq!(
            (t.available.as_slice(), t.gap_secs, t.zone.as_str()),
            (&[16, 3, 0][..], 600, "z")
        );
        assert_eq!(t.source.sha256, crate::ingest::sha256_hex(good[1]));
        let e = |t: &[u8]| {
            read("t.json", Source::Bytes(t), &o)
                .unwrap_err()
                .to_string()
        };
        // serde_json's words and places, as when the file was parsed whole.
        assert_eq!(
            e(bad[5]),
            "t.json:2: invalid JSON or a value of the wrong type at column 2: expected `,` or `]`"
        );
        assert_eq!(
            e(bad[6]),
            "t.json:2: invalid JSON or a value of the wrong type at column 3: invalid number"
        );
        assert_eq!(
            e(bad[7]),
            "t.json:1: invalid JSON or a value of the wrong type at column 47: expected ident"
        );
        assert_eq!(
            e(bad[10]),
            "t.json:1: invalid JSON or a value of the wrong type at column 53: duplicate field `data`"
        );
        assert_eq!(
            e(bad[0]),
            "t.json:1: JSON ends early at column 0: EOF while parsing a value"
        );
    }

    /// A bad tick early in an endless trace is the error after reading about one chunk
    /// past it.
    #[test]
    fn a_bad_tick_in_an_endless_trace_fails_without_reading_on() {
        let head = b"{\"metadata\":{\"gap_seconds\":600},\"data\":[".to_vec();
        let ones = b"1,\n".repeat(100_000);
        let mut ticks = std::io::Read::chain(
            &head[..],
            std::io::Read::chain(
                ones.as_slice(),
                std::io::Read::chain(&b"-1,\n"[..], std::io::repeat(b' ')),
            ),
        );
        let mut counted = CountingRead(&mut ticks, 0);
        let o = TraceOptions::new(Convention::Available);
        let e = read("t.json", Source::Reader(&mut counted), &o).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.json:100001: field `data[100000]`: value -1 is negative; expected a count of instances"
        );
        assert!(
            counted.1 < 300_000 + 2 * crate::ingest::json_window::CHUNK as u64,
            "read {}",
            counted.1
        );
    }

    struct CountingRead<R>(R, u64);
    impl<R: std::io::Read> std::io::Read for CountingRead<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n as u64;
            Ok(n)
        }
    }
}
