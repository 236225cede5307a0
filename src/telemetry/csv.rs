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
        let (b, f) = (&mut self.buf, &mut self.floats);
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
