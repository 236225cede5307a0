//! The tidy CSV export: one row per period × dimension set × metric.
//!
//! Columns: `timestamp` (the period's start, RFC 3339), `period_secs`,
//! `covered_secs` (seconds of the period inside the horizon), the subject column
//! (`strategy`, `option` or `policy`), `purchase_option`, `instance_type`,
//! `availability_zone`, `service` (empty when the dimension set does not have them),
//! `metric`, `unit`, `statistic` (which statistic `value` is), `value`, then every
//! statistic: `sum`, `average`, `minimum`, `maximum`, `sample_count`. `Cost` is
//! written to the micro-dollar, exactly (the rows of one dimension set add up to the
//! report's total); gauge sums in capacity units are exact integers (unit-seconds).

use std::io::{self, Write};

use super::metric::Metric;
use super::numtext::{FloatText, push_int, push_micro};
use super::series::{MetricSink, Point, Record};

/// Writes records as tidy CSV rows (see the module docs).
///
/// ```
/// use spotsim::telemetry::{CsvSink, MetricSink};
/// let mut out = Vec::new();
/// CsvSink::new(&mut out, "strategy").finish().unwrap();
/// assert!(String::from_utf8(out).unwrap().starts_with("timestamp,period_secs,covered_secs,strategy,"));
/// ```
pub struct CsvSink<W: Write> {
    out: W,
    header: Option<String>,
    /// A record's rows, written at once.
    buf: Vec<u8>,
    /// The last timestamp written, and its RFC 3339 text (every record of a period
    /// shares it).
    ts: Option<(i64, String)>,
    floats: FloatText,
    tails: TailText,
}

/// The text of a row after its prefix (`,metric,unit,…,sample_count\n`), which depends
/// on the point alone: the text of recent points kept (a direct-mapped cache), since
/// a steady dimension set repeats its points period after period.
struct TailText {
    slots: Vec<TailSlot>,
}

#[derive(Clone, Copy)]
struct TailSlot {
    /// The point's bits ([`tail_key`]); `len` 0: empty.
    key: [u64; 9],
    len: u8,
    text: [u8; 183],
}

/// Every bit a row's tail is written from.
#[inline]
fn tail_key(p: &Point) -> [u64; 9] {
    let s = &p.stats;
    [
        p.metric as u64,
        s.sum.to_bits(),
        s.average.to_bits(),
        s.minimum.to_bits(),
        s.maximum.to_bits(),
        s.sample_count,
        s.last.to_bits(),
        p.exact_sum as u64,
        (p.exact_sum >> 64) as u64,
    ]
}

impl TailText {
    const SLOTS_LOG2: u32 = 9;

    fn new() -> TailText {
        TailText {
            slots: vec![
                TailSlot {
                    key: [0; 9],
                    len: 0,
                    text: [0; 183],
                };
                1 << Self::SLOTS_LOG2
            ],
        }
    }

    /// Appends `p`'s row tail.
    #[inline]
    fn push(&mut self, out: &mut Vec<u8>, p: &Point, floats: &mut FloatText) {
        let key = tail_key(p);
        let h = key
            .iter()
            .fold(0u64, |h, &k| (h ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let slot = &mut self.slots[(h >> (64 - Self::SLOTS_LOG2)) as usize];
        // (Word by word: comparing the arrays whole calls `memcmp`.)
        let same = slot.key.iter().zip(&key).fold(0, |d, (a, b)| d | (a ^ b)) == 0;
        if slot.len > 0 && same {
            out.extend_from_slice(&slot.text[..slot.len as usize]);
            return;
        }
        let start = out.len();
        push_tail(out, p, floats);
        let text = &out[start..];
        if text.len() <= slot.text.len() {
            slot.key = key;
            slot.len = text.len() as u8;
            slot.text[..text.len()].copy_from_slice(text);
        }
    }
}

/// Appends a row's text after its prefix: `,metric,unit,statistic,value,sum,average,
/// minimum,maximum,sample_count` and the line's end.
fn push_tail(b: &mut Vec<u8>, p: &Point, f: &mut FloatText) {
    b.push(b',');
    b.extend_from_slice(p.metric.name().as_bytes());
    b.push(b',');
    b.extend_from_slice(p.metric.unit().name().as_bytes());
    b.push(b',');
    b.extend_from_slice(p.metric.headline().as_bytes());
    b.push(b',');
    match p.metric {
        Metric::Cost => push_micro(b, p.exact_sum),
        _ => f.push(b, p.value()),
    }
    b.push(b',');
    push_exact_sum(b, p, f);
    b.push(b',');
    f.push(b, p.stats.average);
    b.push(b',');
    f.push(b, p.stats.minimum);
    b.push(b',');
    f.push(b, p.stats.maximum);
    b.push(b',');
    push_int(b, p.stats.sample_count);
    b.push(b'\n');
}

const DIM_COLUMNS: [(&str, &str); 4] = [
    ("PurchaseOption", "purchase_option"),
    ("InstanceType", "instance_type"),
    ("AvailabilityZone", "availability_zone"),
    ("ServiceName", "service"),
];

fn quote(s: &str, into: &mut Vec<u8>) {
    if s.bytes().any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        into.push(b'"');
        into.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        into.push(b'"');
    } else {
        into.extend_from_slice(s.as_bytes());
    }
}

/// Appends the exact text of a point's `sum`.
fn push_exact_sum(out: &mut Vec<u8>, p: &Point, floats: &mut FloatText) {
    match p.metric {
        Metric::Cost => push_micro(out, p.exact_sum),
        _ if p.metric.scale() == 1.0 => push_int(out, p.exact_sum),
        _ => floats.push(out, p.stats.sum),
    }
}

/// Micro-dollars as a decimal with 6 places, exactly.
pub(crate) fn micro_text(micro: i128) -> String {
    let mut out = Vec::with_capacity(24);
    push_micro(&mut out, micro);
    String::from_utf8(out).expect("ASCII digits")
}

impl<W: Write> CsvSink<W> {
    /// A CSV writer; `subject` names the subject column (`strategy`, `option`, `policy`).
    pub fn new(out: W, subject: &str) -> Self {
        let mut h = format!("timestamp,period_secs,covered_secs,{subject}");
        for (_, c) in DIM_COLUMNS {
            h.push(',');
            h.push_str(c);
        }
        h.push_str(",metric,unit,statistic,value,sum,average,minimum,maximum,sample_count\n");
        CsvSink {
            out,
            header: Some(h),
            buf: Vec::with_capacity(4096),
            ts: None,
            floats: FloatText::display(),
            tails: TailText::new(),
        }
    }

    fn write_header(&mut self) -> io::Result<()> {
        if let Some(h) = self.header.take() {
            self.out.write_all(h.as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> MetricSink for CsvSink<W> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        self.write_header()?;
        if !r.exported {
            return Ok(());
        }
        let t = r.timestamp.secs();
        if self.ts.as_ref().is_none_or(|(s, _)| *s != t) {
            self.ts = Some((t, r.timestamp.to_rfc3339()));
        }
        let ts = self.ts.as_ref().map_or("", |(_, s)| s.as_str());
        let (b, f, tails) = (&mut self.buf, &mut self.floats, &mut self.tails);
        b.clear();
        // The row prefix, once: its bytes are copied into each row.
        b.extend_from_slice(ts.as_bytes());
        b.push(b',');
        push_int(b, r.period_secs);
        b.push(b',');
        push_int(b, r.covered_secs);
        b.push(b',');
        quote(r.dims.pairs.first().map_or("", |(_, v)| v.as_str()), b);
        for (name, _) in DIM_COLUMNS {
            b.push(b',');
            quote(r.dims.get(name).unwrap_or(""), b);
        }
        let prefix = b.len();
        for p in r.points {
            b.extend_from_within(..prefix);
            tails.push(b, p, f);
        }
        self.out.write_all(&b[prefix..])
    }

    fn finish(&mut self) -> io::Result<()> {
        self.write_header()?;
        self.out.flush()
    }
}

impl<W: Write> CsvSink<W> {
    /// The writer back (after [`MetricSink::finish`]).
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::{Dimension, Dims, Stats};
    use crate::time::SimTime;

    /// Rows written through the tail cache read exactly as rows formatted afresh, on
    /// records drawn from a few values (so points repeat, and slots are reused by other
    /// points), with signed zeros, large and fractional values and long tails.
    #[test]
    fn cached_row_tails_read_as_rows_formatted_afresh() {
        let mut next = crate::test_rng::xorshift(0xC5F_7A11);
        let values = [
            0.0,
            -0.0,
            1.0,
            2.5,
            -3.25,
            1e-7,
            0.1 + 0.2,
            123_456_789.123_456_78,
            f64::MAX,
            -f64::MIN_POSITIVE,
        ];
        let dims = Dims {
            by: Dimension::Pool,
            pairs: vec![
                ("Strategy", "lowest-price".into()),
                ("InstanceType", "m5.large".into()),
                ("AvailabilityZone", "us-east-1a".into()),
            ],
        };
        // A few points, and rows that are one of them or one of them with one field
        // changed (so a key missing that field would return the other's text).
        // (Every metric among them: `CostRate`'s value is its `last`.)
        // (Their values short enough for the tail to be kept: the last two are not.)
        let base: Vec<Point> = (0..2 * Metric::ALL.len())
            .map(|i| {
                let v: [f64; 5] = std::array::from_fn(|_| values[next(8) as usize]);
                Point {
                    metric: Metric::ALL[i % Metric::ALL.len()],
                    stats: Stats {
                        sum: v[0],
                        average: v[1],
                        minimum: v[2],
                        maximum: v[3],
                        sample_count: next(3) * 150,
                        last: v[4],
                    },
                    exact_sum: next(4) as i128 * i128::from(i64::MAX) - 7,
                }
            })
            .collect();
        let mut sink = CsvSink::new(Vec::new(), "strategy");
        let mut want = Vec::new();
        let mut rows = 0;
        for period in 0..3_000i64 {
            let points: Vec<Point> = (0..1 + next(14) as usize)
                .map(|_| {
                    let mut p = base[next(base.len() as u64) as usize];
                    let v = values[next(values.len() as u64) as usize];
                    let s = &mut p.stats;
                    match next(16) {
                        0 => p.metric = Metric::ALL[next(Metric::ALL.len() as u64) as usize],
                        1 => s.sum = v,
                        2 => s.average = v,
                        3 => s.minimum = v,
                        4 => s.maximum = v,
                        5 => s.sample_count += 1,
                        6 => s.last = v,
                        7 => p.exact_sum += 1,
                        8 => p.exact_sum += 1 << 64,
                        _ => {}
                    }
                    p
                })
                .collect();
            let r = Record {
                timestamp: SimTime(1_700_000_000 + period * 300),
                period_secs: 300,
                covered_secs: 300,
                dims: &dims,
                exported: true,
                points: &points,
            };
            sink.record(&r).unwrap();
            let prefix = format!(
                "{},300,300,lowest-price,,m5.large,us-east-1a,",
                r.timestamp.to_rfc3339()
            );
            for p in &points {
                want.extend_from_slice(prefix.as_bytes());
                push_tail(&mut want, p, &mut FloatText::display());
                rows += 1;
            }
        }
        sink.finish().unwrap();
        let got = sink.into_inner();
        let header = got.iter().position(|&c| c == b'\n').unwrap() + 1;
        assert!(rows > 20_000);
        assert_eq!(
            String::from_utf8_lossy(&got[header..]),
            String::from_utf8_lossy(&want)
        );
    }
}
