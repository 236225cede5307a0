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

use super::metric::Metric;
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
    /// The lines' layouts by dimension names and metrics, most recently used first.
    layouts: Vec<Layout>,
    floats: FloatText,
}

/// At most this many layouts are kept (a run has a few: the fleet total's, and one
/// per set of metrics its pools, types or zones record).
const LAYOUTS: usize = 32;

/// The text of a line for one list of dimension names and metrics, with holes for what
/// changes from record to record (see [`Piece`]).
struct Layout {
    names: Vec<&'static str>,
    metrics: Vec<Metric>,
    text: Vec<u8>,
    pieces: Vec<Piece>,
}

/// A piece of a [`Layout`].
#[derive(Clone, Copy)]
enum Piece {
    /// `text[start..end]` of the layout.
    Text(u32, u32),
    /// The value of the record's `i`-th dimension.
    Dim(usize),
    /// The exported value of the record's `i`-th point.
    Point(usize),
    Period,
    Covered,
    /// `_aws.Timestamp`.
    Timestamp,
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
            layouts: Vec::new(),
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

impl Layout {
    /// The line `serde_json` writes for the root object (a map: members in key order,
    /// a later member of the same key replacing an earlier one), with holes.
    fn new(names: Vec<&'static str>, metrics: Vec<Metric>, namespace: &str) -> Layout {
        let mut members: Vec<(&'static str, Member)> = Vec::new();
        members.push(("_aws", Member::Aws));
        members.extend(names.iter().enumerate().map(|(i, n)| (*n, Member::Dim(i))));
        members.extend(
            metrics
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name(), Member::Point(i))),
        );
        members.push(("PeriodSeconds", Member::Period));
        members.push(("CoveredSeconds", Member::Covered));
        // Stable: among equal keys the last inserted is last, and is the one kept.
        members.sort_by(|a, b| a.0.cmp(b.0));
        let mut l = Layout {
            names,
            metrics,
            text: Vec::new(),
            pieces: Vec::new(),
        };
        let mut start = 0;
        let mut hole = |l: &mut Layout, p: Piece| {
            let end = l.text.len();
            if end > start {
                l.pieces.push(Piece::Text(start as u32, end as u32));
            }
            l.pieces.push(p);
            start = end;
        };
        l.text.push(b'{');
        let mut first = true;
        for (i, &(key, m)) in members.iter().enumerate() {
            if members.get(i + 1).is_some_and(|next| next.0 == key) {
                continue;
            }
            if !first {
                l.text.push(b',');
            }
            first = false;
            push_str(&mut l.text, key);
            l.text.push(b':');
            match m {
                Member::Dim(d) => hole(&mut l, Piece::Dim(d)),
                Member::Point(p) => hole(&mut l, Piece::Point(p)),
                Member::Period => hole(&mut l, Piece::Period),
                Member::Covered => hole(&mut l, Piece::Covered),
                Member::Aws => {
                    let b = &mut l.text;
                    b.extend_from_slice(b"{\"CloudWatchMetrics\":[");
                    for (c, chunk) in l.metrics.chunks(MAX_METRICS_PER_DIRECTIVE).enumerate() {
                        if c > 0 {
                            b.push(b',');
                        }
                        b.extend_from_slice(b"{\"Dimensions\":[[");
                        for (j, n) in l.names.iter().take(MAX_DIMENSIONS).enumerate() {
                            if j > 0 {
                                b.push(b',');
                            }
                            push_str(b, n);
                        }
                        b.extend_from_slice(b"]],\"Metrics\":[");
                        for (j, m) in chunk.iter().enumerate() {
                            if j > 0 {
                                b.push(b',');
                            }
                            b.extend_from_slice(b"{\"Name\":");
                            push_str(b, m.name());
                            b.extend_from_slice(b",\"Unit\":");
                            push_str(b, m.unit().cloudwatch());
                            b.push(b'}');
                        }
                        b.extend_from_slice(b"],\"Namespace\":");
                        push_str(b, namespace);
                        b.push(b'}');
                    }
                    b.extend_from_slice(b"],\"Timestamp\":");
                    hole(&mut l, Piece::Timestamp);
                    l.text.push(b'}');
                }
            }
        }
        l.text.extend_from_slice(b"}\n");
        // The text after the last hole (never empty: the line's end).
        l.pieces
            .push(Piece::Text(start as u32, l.text.len() as u32));
        l
    }

    /// Whether this is the layout of `r`'s lines.
    fn fits(&self, r: &Record<'_>) -> bool {
        self.names.len() == r.dims.pairs.len()
            && self.metrics.len() == r.points.len()
            && self
                .metrics
                .iter()
                .zip(r.points)
                .all(|(m, p)| *m == p.metric)
            && self
                .names
                .iter()
                .zip(&r.dims.pairs)
                .all(|(n, (k, _))| n == k)
    }
}

impl<W: Write> MetricSink for EmfSink<W> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        if !r.exported {
            return Ok(());
        }
        let i = match self.layouts.iter().position(|l| l.fits(r)) {
            Some(i) => i,
            None => {
                if self.layouts.len() == LAYOUTS {
                    self.layouts.pop();
                }
                self.layouts.push(Layout::new(
                    r.dims.pairs.iter().map(|(n, _)| *n).collect(),
                    r.points.iter().map(|p| p.metric).collect(),
                    &self.namespace,
                ));
                self.layouts.len() - 1
            }
        };
        if i > 0 {
            // Most recently used first: a run's records take a few layouts in turn.
            self.layouts[..=i].rotate_right(1);
        }
        let l = &self.layouts[0];
        let b = &mut self.buf;
        b.clear();
        for piece in &l.pieces {
            match *piece {
                Piece::Text(s, e) => b.extend_from_slice(&l.text[s as usize..e as usize]),
                Piece::Dim(d) => push_str(b, &r.dims.pairs[d].1),
                Piece::Point(p) => self.floats.push(b, r.points[p].value()),
                Piece::Period => push_int(b, r.period_secs),
                Piece::Covered => push_int(b, r.covered_secs),
                Piece::Timestamp => push_int(b, r.timestamp.secs().saturating_mul(1000)),
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::{Dimension, Dims, Point, Stats};
    use crate::time::SimTime;
    use serde_json::{Map, Value, json};

    /// The line as `serde_json` writes the root object built as a map (the module's
    /// definition of a line).
    fn reference(r: &Record<'_>) -> String {
        let mut root = Map::new();
        let directives: Vec<Value> = r
            .points
            .chunks(MAX_METRICS_PER_DIRECTIVE)
            .map(|chunk| {
                json!({
                    "Dimensions": [r.dims.pairs.iter().take(MAX_DIMENSIONS).map(|(n, _)| *n).collect::<Vec<_>>()],
                    "Metrics": chunk.iter().map(|p| json!({"Name": p.metric.name(), "Unit": p.metric.unit().cloudwatch()})).collect::<Vec<_>>(),
                    "Namespace": "spotsim",
                })
            })
            .collect();
        root.insert(
            "_aws".into(),
            json!({"CloudWatchMetrics": directives, "Timestamp": r.timestamp.secs() * 1000}),
        );
        for (n, v) in &r.dims.pairs {
            root.insert((*n).into(), json!(v));
        }
        for p in r.points {
            root.insert(p.metric.name().into(), json!(p.value()));
        }
        root.insert("PeriodSeconds".into(), json!(r.period_secs));
        root.insert("CoveredSeconds".into(), json!(r.covered_secs));
        serde_json::to_string(&root).unwrap() + "\n"
    }

    /// Lines written through the layout cache read as `serde_json` writes them, for
    /// records of many layouts in turn (more than the cache keeps), dimension names
    /// that are also metric names, escaped values, over 30 dimensions and over 100
    /// metrics (split over directives).
    #[test]
    fn lines_read_as_serde_json_writes_the_root_object() {
        let mut next = crate::test_rng::xorshift(0xE3F_1A7E);
        let names: [&'static str; 6] = [
            "Strategy",
            "InstanceType",
            "AvailabilityZone",
            "Cost",
            "PurchaseOption",
            "ServiceName",
        ];
        let many: Vec<&'static str> = (0..35)
            .map(|i| &*Box::leak(format!("Dim{i:02}").into_boxed_str()))
            .collect();
        let mut sink = EmfSink::new(Vec::new());
        let mut want = String::new();
        for period in 0..4_000i64 {
            let pairs: Vec<(&'static str, String)> = if period % 500 == 7 {
                many.iter().map(|n| (*n, format!("v{period}"))).collect()
            } else {
                (0..next(4) as usize)
                    .map(|_| {
                        let v = ["a", "b\"q", "m5.large", "tab\there"][next(4) as usize];
                        (names[next(names.len() as u64) as usize], v.to_string())
                    })
                    .collect()
            };
            let dims = Dims {
                by: Dimension::Pool,
                pairs,
            };
            let n = if period % 700 == 3 {
                120
            } else {
                next(6) as usize
            };
            let points: Vec<Point> = (0..n)
                .map(|_| {
                    let v = [0.0, -0.0, 1.0, 2.5, 1e-7, 0.1 + 0.2, 1e300][next(7) as usize];
                    Point {
                        metric: Metric::ALL[next(Metric::ALL.len() as u64) as usize],
                        stats: Stats {
                            sum: v,
                            average: v,
                            minimum: v,
                            maximum: v,
                            sample_count: 300,
                            last: v,
                        },
                        exact_sum: 0,
                    }
                })
                .collect();
            let r = Record {
                timestamp: SimTime(1_700_000_000 + period * 300),
                period_secs: 300,
                covered_secs: 300 - next(2) as i64 * 100,
                dims: &dims,
                exported: true,
                points: &points,
            };
            sink.record(&r).unwrap();
            want.push_str(&reference(&r));
        }
        sink.finish().unwrap();
        let got = String::from_utf8(sink.into_inner()).unwrap();
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "line {}", i + 1);
        }
        assert_eq!(got.len(), want.len());
    }
}
