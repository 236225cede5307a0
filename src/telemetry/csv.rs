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
    line: String,
}

const DIM_COLUMNS: [(&str, &str); 4] = [
    ("PurchaseOption", "purchase_option"),
    ("InstanceType", "instance_type"),
    ("AvailabilityZone", "availability_zone"),
    ("ServiceName", "service"),
];

fn quote(s: &str, into: &mut String) {
    if s.contains([',', '"', '\n', '\r']) {
        into.push('"');
        into.push_str(&s.replace('"', "\"\""));
        into.push('"');
    } else {
        into.push_str(s);
    }
}

/// The exact text of a point's `sum`.
pub(crate) fn exact_sum_text(p: &Point) -> String {
    match p.metric {
        Metric::Cost => micro_text(p.exact_sum),
        _ if p.metric.scale() == 1.0 => p.exact_sum.to_string(),
        _ => format!("{}", p.stats.sum),
    }
}

/// Micro-dollars as a decimal with 6 places, exactly.
pub(crate) fn micro_text(micro: i128) -> String {
    let sign = if micro < 0 { "-" } else { "" };
    let a = micro.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
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
            line: String::with_capacity(256),
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
        use std::fmt::Write as _;
        self.write_header()?;
        if !r.exported {
            return Ok(());
        }
        let mut prefix = String::with_capacity(96);
        let _ = write!(
            prefix,
            "{},{},{},",
            r.timestamp.to_rfc3339(),
            r.period_secs,
            r.covered_secs
        );
        quote(
            r.dims.pairs.first().map_or("", |(_, v)| v.as_str()),
            &mut prefix,
        );
        for (name, _) in DIM_COLUMNS {
            prefix.push(',');
            quote(r.dims.get(name).unwrap_or(""), &mut prefix);
        }
        for p in r.points {
            let l = &mut self.line;
            l.clear();
            l.push_str(&prefix);
            let value = match p.metric {
                Metric::Cost => micro_text(p.exact_sum),
                _ => format!("{}", p.value()),
            };
            let _ = writeln!(
                l,
                ",{},{},{},{},{},{},{},{},{}",
                p.metric.name(),
                p.metric.unit().name(),
                p.metric.headline(),
                value,
                exact_sum_text(p),
                p.stats.average,
                p.stats.minimum,
                p.stats.maximum,
                p.stats.sample_count
            );
            self.out.write_all(l.as_bytes())?;
        }
        Ok(())
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
