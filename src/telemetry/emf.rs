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
}

impl<W: Write> EmfSink<W> {
    /// An EMF writer in namespace `spotsim`.
    pub fn new(out: W) -> Self {
        EmfSink {
            out,
            namespace: "spotsim".to_string(),
        }
    }
}

impl<W: Write> MetricSink for EmfSink<W> {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        use serde_json::{Map, Value, json};
        if !r.exported {
            return Ok(());
        }
        let dim_names: Vec<&str> = r
            .dims
            .pairs
            .iter()
            .map(|(n, _)| *n)
            .take(MAX_DIMENSIONS)
            .collect();
        let directives: Vec<Value> = r
            .points
            .chunks(MAX_METRICS_PER_DIRECTIVE)
            .map(|chunk| {
                json!({
                    "Namespace": self.namespace,
                    "Dimensions": [dim_names],
                    "Metrics": chunk.iter().map(|p| json!({
                        "Name": p.metric.name(),
                        "Unit": p.metric.unit().cloudwatch(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut root = Map::new();
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": r.timestamp.secs().saturating_mul(1000),
                "CloudWatchMetrics": directives,
            }),
        );
        for (n, v) in &r.dims.pairs {
            root.insert((*n).to_string(), Value::String(v.clone()));
        }
        for p in r.points {
            let v = p.value();
            root.insert(
                p.metric.name().to_string(),
                serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
            );
        }
        root.insert("PeriodSeconds".into(), json!(r.period_secs));
        root.insert("CoveredSeconds".into(), json!(r.covered_secs));
        serde_json::to_writer(&mut self.out, &Value::Object(root))?;
        self.out.write_all(b"\n")
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
