//! The telemetry options of `run`, `compare` and `job` ([`TelemetryOptions`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[cfg(feature = "cli")]
use super::cli;
use crate::error::ConfigError;

/// Telemetry: metrics over time, alarms, the event log, Perfetto traces and the
/// service map (see [`crate::telemetry`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Telemetry"))]
#[serde(rename_all = "kebab-case")]
pub struct TelemetryOptions {
    /// Write metrics over time to FILE, streamed (whole or not at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub metrics: Option<PathBuf>,
    /// Format of --metrics: tidy CSV, CloudWatch Embedded Metric Format JSON lines, or OpenMetrics text for `promtool tsdb create-blocks-from openmetrics` [default: csv].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FORMAT", value_parser = cli::metrics_format()))]
    pub metrics_format: Option<crate::telemetry::MetricsFormat>,
    /// Seconds per metrics period (and alarm datapoint) [default: 300].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub metrics_period: Option<i64>,
    /// Dimensions to split the metrics by (repeatable; compare also: service; job: total, option, az) [default: total].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "DIM", value_parser = ["total", "option", "pool", "type", "az", "service"])
    )]
    pub metrics_by: Vec<String>,
    /// A CloudWatch-style alarm on a fleet-total metric: 'NAME: METRIC STATISTIC OP THRESHOLD for M of N periods [missing breaching|notBreaching|ignore|missing]' (repeatable; `[[alarm]]` in scenario files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "RULE", value_parser = cli::alarm))]
    pub alarm: Vec<crate::telemetry::AlarmSpec>,
    /// Exit 2 when any alarm entered ALARM.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub fail_on_alarm: bool,
    /// Write the event log (launches, notices, interruptions, ends, moves) to FILE as JSON lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub events: Option<PathBuf>,
    /// Write instance lifecycles to FILE as Chrome trace-event JSON (Perfetto UI, chrome://tracing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub perfetto: Option<PathBuf>,
    /// Write the service map (pool → pool replacements and moves) to FILE as Graphviz DOT (run, compare).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub service_map: Option<PathBuf>,
}

impl TelemetryOptions {
    /// Whether any telemetry is asked for.
    pub fn any(&self) -> bool {
        self.metrics.is_some()
            || !self.alarm.is_empty()
            || self.events.is_some()
            || self.perfetto.is_some()
            || self.service_map.is_some()
    }

    /// The metrics format: `--metrics-format`, else `openmetrics` for a `.om`/`.prom`
    /// file, `emf` for `.jsonl`/`.emf`, else `csv`.
    ///
    /// ```
    /// use spotsim::options::TelemetryOptions;
    /// use spotsim::telemetry::MetricsFormat;
    /// let o = TelemetryOptions { metrics: Some("m.prom".into()), ..Default::default() };
    /// assert_eq!(o.format(), MetricsFormat::Openmetrics);
    /// ```
    pub fn format(&self) -> crate::telemetry::MetricsFormat {
        use crate::telemetry::MetricsFormat;
        if let Some(f) = self.metrics_format {
            return f;
        }
        let ext = self
            .metrics
            .as_ref()
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("om" | "prom" | "openmetrics") => MetricsFormat::Openmetrics,
            Some("jsonl" | "emf") => MetricsFormat::Emf,
            _ => MetricsFormat::Csv,
        }
    }

    /// The period and dimensions, checked.
    ///
    /// ```
    /// use spotsim::options::TelemetryOptions;
    /// let o = TelemetryOptions { metrics_period: Some(0), ..Default::default() };
    /// assert_eq!(o.spec().unwrap_err().option, "metrics-period");
    /// let o = TelemetryOptions { metrics_by: vec!["pool".into(), "az".into()], ..Default::default() };
    /// assert_eq!(o.spec().unwrap().by.len(), 2);
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] for a period that is not positive or an unknown dimension.
    pub fn spec(&self) -> Result<crate::telemetry::MetricsSpec, ConfigError> {
        use crate::telemetry::{Dimension, MetricsSpec};
        let period = self.metrics_period.unwrap_or(300);
        if period <= 0 {
            return Err(ConfigError::new(
                "metrics-period",
                format!("{period}: must be a positive number of seconds"),
            ));
        }
        let mut by = Vec::new();
        for d in &self.metrics_by {
            let d: Dimension = d
                .parse()
                .map_err(|e: String| ConfigError::new("metrics-by", e))?;
            if !by.contains(&d) {
                by.push(d);
            }
        }
        if by.is_empty() {
            by.push(Dimension::Total);
        }
        Ok(MetricsSpec {
            period_secs: period,
            by,
        })
    }

    /// Checks the options for a command whose metrics are `valid` (an alarm or
    /// dimension on a metric the command does not record is an error) and which takes
    /// the `service` dimension or not.
    ///
    /// # Errors
    /// [`ConfigError`] naming the option.
    pub fn validate(
        &self,
        valid: &[crate::telemetry::Metric],
        service: bool,
    ) -> Result<(), ConfigError> {
        let spec = self.spec()?;
        if !service && spec.by.contains(&crate::telemetry::Dimension::Service) {
            return Err(ConfigError::new(
                "metrics-by",
                "`service` is a dimension of compare only",
            ));
        }
        for a in &self.alarm {
            if !valid.contains(&a.metric) {
                return Err(ConfigError::new(
                    "alarm",
                    format!(
                        "`{}`: this command does not record {} (it records {})",
                        a.name,
                        a.metric,
                        valid
                            .iter()
                            .map(|m| m.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        if self.metrics_format.is_some() && self.metrics.is_none() {
            return Err(ConfigError::new("metrics-format", "needs --metrics FILE"));
        }
        if self.fail_on_alarm && self.alarm.is_empty() {
            return Err(ConfigError::new(
                "fail-on-alarm",
                "needs at least one --alarm",
            ));
        }
        Ok(())
    }
}
