//! Telemetry: what the simulated fleet did over time, in the formats the monitoring
//! tools people already use read — CloudWatch Container Insights-style metrics
//! (CSV, Embedded Metric Format, OpenMetrics), CloudWatch-style alarms, an event log,
//! Perfetto traces and a service map.
//!
//! Telemetry observes the engine ([`Observer`]); it never changes what happens. With
//! none asked for, the engine pays one branch per event.
//!
//! # The recorder API (for reports and charts)
//!
//! * [`FleetRecorder`] — an [`Observer`] that turns engine events into the fleet and
//!   money metrics ([`Metric`]) by the [`Dimension`]s of a [`MetricsSpec`], through
//!   an [`Aggregator`], into any [`MetricSink`].
//! * [`MetricSink`] — receives one [`Record`] (a period × dimension set, with a
//!   [`Point`] of [`Stats`] per metric) at a time, in time order. Exporters:
//!   [`CsvSink`], [`EmfSink`], [`OpenMetricsSink`]; in memory: [`SeriesStore`]
//!   (series by `(Dims, Metric)`, each a `Vec<Sample>`); alarms: [`AlarmSink`].
//! * [`Simulation::run_observed`](crate::engine::Simulation::run_observed) runs the
//!   engine with an observer:
//!
//! ```
//! use spotsim::engine::{FleetConfig, Simulation, Target};
//! use spotsim::strategy::CapacityOptimized;
//! use spotsim::telemetry::{FleetRecorder, Metric, MetricsSpec, SeriesStore};
//!
//! let market = spotsim::synth::default_market(1);
//! let cfg = FleetConfig::new(Target::Constant(4));
//! let mut rec = FleetRecorder::new(MetricsSpec::default(), ("Strategy", "capacity-optimized".into()), SeriesStore::keeping_all());
//! let out = Simulation::new(&market, cfg, CapacityOptimized).run_observed(&mut |_, _| {}, &mut rec)?;
//! let store = rec.finish("metrics")?;
//! let cost: i128 = store.total(Metric::Cost).unwrap().iter().map(|s| s.exact_sum).sum();
//! let total: spotsim::money::Money = out.spot.iter().chain(&out.ondemand).map(|t| t.cost).sum();
//! assert_eq!(cost, total.micro_usd());
//! # Ok::<(), spotsim::error::Error>(())
//! ```

mod aggregator;
mod alarm;
mod csv;
mod dimensions;
mod emf;
mod events;
mod metric;
mod numtext;
mod observer;
mod openmetrics;
mod perfetto;
mod recorder;
mod series;
mod service_map;
mod session;
mod visit;

pub use aggregator::{Aggregator, GroupId};
pub use alarm::{
    Alarm, AlarmReport, AlarmSink, AlarmSpec, AlarmState, Comparison, MissingData, StateChange,
};
pub use csv::CsvSink;
pub use dimensions::{Dimension, Dims};
pub use emf::{EmfSink, MAX_DIMENSIONS, MAX_METRICS_PER_DIRECTIVE};
pub use events::{EventLog, pool_label};
pub use metric::{Kind, Metric, Unit};
pub use observer::{
    InstanceEvent, InstanceEventKind, NoTelemetry, Observer, ObserverPerRun, TaskEvent,
    TaskEventKind, TaskService,
};
pub use openmetrics::{OpenMetricsSink, openmetrics_family};
pub use perfetto::{PerfettoFile, PerfettoTrace};
pub use recorder::{FLEET_METRICS, FleetRecorder, MetricsSpec, Subject, TASK_METRICS};
pub use series::{Discard, MetricSink, Point, Record, Sample, SeriesStore, Statistic, Stats};
pub use service_map::{Edge, EdgeKind, ServiceMap, ServiceMapRecorder};
pub use session::{MetricsFormat, TelemetryReport, TelemetrySession};
