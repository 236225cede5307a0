//! CloudWatch Embedded Metric Format: one JSON log event per line per period ×
//! dimension set.
//!
//! Each line is an EMF document (the CloudWatch "Specification: Embedded metric
//! format"): a root object whose `_aws` member holds `Timestamp` (milliseconds since
//! the epoch — here simulated time, the period's start) and `CloudWatchMetrics`, one
//! MetricDirective with `Namespace` `spotsim`, one DimensionSet (the record's dimension
//! names, at most 30) and the MetricDefinitions (`Name`, `Unit`; at most 100 per
//! directive — more are split over several directives). The root carries each
//! dimension's value as a string and each metric's exported value as a number
//! ([`crate::telemetry::Metric::headline`]: `Average` for gauges, `Sum` for counters and
//! `Cost`, the value at the period's end for `CostRate`), plus `PeriodSeconds` and
//! `CoveredSeconds`. CloudWatch Logs accepts events at most 14 days old, so a simulated
//! past is for tools that read EMF files (or a shifted copy), not for a live ingest.

use std::io::{self, Write};

use super::numtext::{FloatText, push_int};
use super::series::{MetricSink, Record};

/// EMF's limit of MetricDefinitions per MetricDirective.
pub const MAX_METRICS_PER_DIRECTIVE: usize = 100;
/// EMF's limit of dimensions per DimensionSet.
pub const MAX_DIMENSIONS: usize = 30;

/// Writes records as EMF JSON lines (see the module docs).
///
/// ```
/// use spotsim::telemetry::{Dimension, Dims, EmfSink, MetricSink, Metric, Point, Record, Stats};
/// use spotsim::time::SimTime;
/// let dims = Dims { by: Dimension::Total, pairs: vec![("Strategy", "lowest-price".into())] };
/// let points = [Point { metric: Metric::Launches, stats: Stats::single(3.0), exact_sum: 3 }];
/// let r = Record { timestamp: SimTime(600), period_secs: 300, covered_secs: 300, dims: &dims, exported: true, points: &points };
/// let mut out = Vec::new();
/// EmfSink::new(&mut out).record(&r).unwrap();
/// let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(v["_aws"]["Timestamp"], 600_000);
/// assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Namespace"], "spotsim");
/// assert_eq!(v["Launches"], 3.0);
/// assert_eq!(v["Strategy"], "lowest-price");
/// ```
pub struct EmfSink<W: Write> {
    out: W,
    namespace: String,
    /// A line, written at once.
    buf: Vec<u8>,
    /// The root's members, in the order they are written.
    members: Vec<(&'static str, Member)>,
    floats: FloatText,
}

/// A member of a line's root object.
#[derive(Clone, Copy)]
enum Member {
    /// The value of the record's `i`-th dimension.
    Dim(usize),
    /// The exported value of the record's `i`-th point.
    Point(usize),
    Period,
    Covered,
    Aws,
}

impl<W: Write> EmfSink<W> {
    /// An EMF writer in namespace `spotsim`.
    pub fn new(out: W) -> Self {
        EmfSink {
            out,
            namespace: "spotsim".to_string(),
            buf: Vec::with_capacity(4096),
            members: Vec::new(),
            floats: FloatText::json(),
        }
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it.
fn push_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|c| c < 0x20 || c == b'"' || c == b'\\') {
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

impl<W: Write> MetricSink for EmfSink<W> {
    /// The line `serde_json` writes for the root object (a map: members in key order,
    /// a later member of the same key replacing an earlier one), written directly.
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        if !r.exported {
            return Ok(());
        }
        let members = &mut self.members;
        members.clear();
        members.push(("_aws", Member::Aws));
        members.extend(
            r.dims
                .pairs
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (*n, Member::Dim(i))),
        );
        members.extend(
            r.points
                .iter()
                .enumerate()
                .map(|(i, p)| (p.metric.name(), Member::Point(i))),
        );
        members.push(("PeriodSeconds", Member::Period));
        members.push(("CoveredSeconds", Member::Covered));
        // Stable: among equal keys the last inserted is last, and is the one kept.
        members.sort_by(|a, b| a.0.cmp(b.0));
        let b = &mut self.buf;
        b.clear();
        b.push(b'{');
        let mut first = true;
        for (i, &(key, m)) in members.iter().enumerate() {
            if members.get(i + 1).is_some_and(|next| next.0 == key) {
                continue;
            }
            if !first {
                b.push(b',');
            }
            first = false;
            push_str(b, key);
            b.push(b':');
            match m {
                Member::Dim(d) => push_str(b, &r.dims.pairs[d].1),
                Member::Point(p) => self.floats.push(b, r.points[p].value()),
                Member::Period => push_int(b, r.period_secs),
                Member::Covered => push_int(b, r.covered_secs),
                Member::Aws => {
                    b.extend_from_slice(b"{\"CloudWatchMetrics\":[");
                    for (c, chunk) in r.points.chunks(MAX_METRICS_PER_DIRECTIVE).enumerate() {
                        if c > 0 {
                            b.push(b',');
                        }
                        b.extend_from_slice(b"{\"Dimensions\":[[");
                        for (j, (n, _)) in r.dims.pairs.iter().take(MAX_DIMENSIONS).enumerate() {
                            if j > 0 {
                                b.push(b',');
                            }
                            push_str(b, n);
                        }
                        b.extend_from_slice(b"]],\"Metrics\":[");
                        for (j, p) in chunk.iter().enumerate() {
                            if j > 0 {
                                b.push(b',');
                            }
                            b.extend_from_slice(b"{\"Name\":");
                            push_str(b, p.metric.name());
                            b.extend_from_slice(b",\"Unit\":");
                            push_str(b, p.metric.unit().cloudwatch());
                            b.push(b'}');
                        }
                        b.extend_from_slice(b"],\"Namespace\":");
                        push_str(b, &self.namespace);
                        b.push(b'}');
                    }
                    b.extend_from_slice(b"],\"Timestamp\":");
                    push_int(b, r.timestamp.secs().saturating_mul(1000));
                    b.push(b'}');
                }
            }
        }
        b.extend_from_slice(b"}\n");
        self.out.write_all(b)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> EmfSink<W> {
    /// The writer back (after [`MetricSink::finish`]).
    pub fn into_inner(self) -> W {
        self.out
    }
}
