//! Telemetry (issue 9): the period aggregator and alarms on hand-made series, and on
//! the README's real-data examples every export (CSV, EMF, OpenMetrics) adds up to the
//! report — `Cost` to `total_cost_micro_usd` exactly, `Interruptions` to
//! `interruptions`, `UnmetCapacity` integrated to `unmet_capacity_unit_hours` — the
//! EMF lines carry the specification's required fields, the OpenMetrics file backfills
//! a Prometheus TSDB with promtool and reads back, the Perfetto file has one span per
//! instance launched.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use spotsim::money::Money;
use spotsim::telemetry::{
    Aggregator, Alarm, AlarmSpec, AlarmState, Dimension, Dims, Metric, MetricSink, OpenMetricsSink,
    Point, Record, SeriesStore, Stats,
};
use spotsim::time::SimTime;

use crate::cli::{bin, scratch};
use crate::data::{self, EU_WEST_3A, V100_DIR, V100_PRICES, v100_csv};

mod aggregator;
mod alarms;
mod openmetrics_merge;
mod real_data_cli;

fn total() -> Dims {
    Dims {
        by: Dimension::Total,
        pairs: vec![("Strategy", "s".into())],
    }
}
