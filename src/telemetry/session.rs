//! One command's telemetry: the files `--metrics`, `--events`, `--perfetto` and
//! `--service-map` ask for, shared by the runs of every subject (strategy, option or
//! policy), the alarms, and what goes into the report.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::alarm::{AlarmReport, AlarmSink, AlarmSpec};
use super::csv::CsvSink;
use super::emf::EmfSink;
use super::events::EventLog;
use super::observer::Observer;
use super::openmetrics::OpenMetricsSink;
use super::perfetto::{PerfettoFile, PerfettoTrace};
use super::recorder::{FleetRecorder, MetricsSpec};
use super::series::{MetricSink, Record};
use super::service_map::{ServiceMap, ServiceMapRecorder};
use crate::error::Error;
use crate::options::TelemetryOptions;
use crate::output::{Destination, FileOut};

/// The format of `--metrics FILE`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricsFormat {
    /// Tidy CSV.
    #[default]
    Csv,
    /// CloudWatch Embedded Metric Format, JSON lines.
    Emf,
    /// OpenMetrics text with timestamps.
    Openmetrics,
}

impl MetricsFormat {
    /// The names `--metrics-format` takes.
    pub const NAMES: [&'static str; 3] = ["csv", "emf", "openmetrics"];

    /// The format of this name.
    pub fn parse(s: &str) -> Option<MetricsFormat> {
        match s {
            "csv" => Some(MetricsFormat::Csv),
            "emf" => Some(MetricsFormat::Emf),
            "openmetrics" => Some(MetricsFormat::Openmetrics),
            _ => None,
        }
    }
}

/// What telemetry adds to a report (`telemetry` in the JSON report).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TelemetryReport {
    /// The window the telemetry describes (`job`: one window of the run's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// Each alarm's state changes.
    pub alarms: Vec<AlarmReport>,
    /// Where capacity went (`run`, `compare`; not `job`, whose switches are its events).
    #[serde(skip_serializing_if = "ServiceMap::is_empty_subject")]
    pub service_map: ServiceMap,
}

impl TelemetryReport {
    /// Whether an alarm entered `ALARM`.
    pub fn alarmed(&self) -> bool {
        self.alarms.iter().any(|a| a.entered_alarm)
    }
}

enum MetricsOut {
    Csv(CsvSink<FileOut>),
    Emf(EmfSink<FileOut>),
    Om(OpenMetricsSink),
}

impl MetricsOut {
    fn sink(&mut self) -> &mut dyn MetricSink {
        match self {
            MetricsOut::Csv(s) => s,
            MetricsOut::Emf(s) => s,
            MetricsOut::Om(s) => s,
        }
    }

    fn finish(self, p: &Path) -> Result<(), Error> {
        match self {
            MetricsOut::Csv(mut s) => {
                s.finish().map_err(|e| out_err(p, e))?;
                s.into_inner().commit()
            }
            MetricsOut::Emf(mut s) => {
                s.finish().map_err(|e| out_err(p, e))?;
                s.into_inner().commit()
            }
            MetricsOut::Om(mut s) => s.finish().map_err(|e| out_err(p, e)),
        }
    }
}

/// A sink shared by several runs: each run's end does not finish it.
struct Shared<'a>(Option<&'a mut dyn MetricSink>);

impl MetricSink for Shared<'_> {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        self.0.as_mut().map_or(Ok(()), |s| s.record(r))
    }
}

/// One command's telemetry (see the module docs).
pub struct TelemetrySession {
    spec: MetricsSpec,
    alarms: Vec<AlarmSpec>,
    subject_key: &'static str,
    multi: bool,
    metrics: Option<(MetricsOut, PathBuf)>,
    events: Option<FileOut>,
    perfetto: Option<PerfettoFile<FileOut>>,
    service_map: Option<PathBuf>,
    maps: Vec<ServiceMap>,
}

fn out_err(p: &Path, e: std::io::Error) -> Error {
    Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    }
}

impl TelemetrySession {
    /// The session `opts` ask for, or `None` when they ask for nothing. `subject_key`
    /// names the dimension every series carries (`Strategy`, `Option`, `Policy`);
    /// `subjects`: how many runs will share the files; `inputs`: the command's input
    /// files and its report (`--out`), none of which a telemetry file may be.
    ///
    /// Every file goes through [`Destination`] (the one writer of `--out`): a regular
    /// file, checked before anything runs, never an input nor another output, written
    /// to a temporary file renamed into place when complete.
    ///
    /// # Errors
    /// [`Error::Config`] for an invalid option, a file that is an input, the report or
    /// another telemetry file, or `-`; [`Error::Output`] for a target that is not a
    /// regular file or cannot be created.
    pub fn new(
        opts: &TelemetryOptions,
        subject_key: &'static str,
        subjects: usize,
        inputs: &[&Path],
    ) -> Result<Option<TelemetrySession>, Error> {
        if !opts.any() {
            return Ok(None);
        }
        let spec = opts.spec()?;
        let targets: Vec<(&str, &Path)> = [
            ("metrics", &opts.metrics),
            ("events", &opts.events),
            ("perfetto", &opts.perfetto),
            ("service-map", &opts.service_map),
        ]
        .into_iter()
        .filter_map(|(o, p)| p.as_deref().map(|p| (o, p)))
        .collect();
        for (i, (option, p)) in targets.iter().enumerate() {
            let mut others: Vec<&Path> = inputs.to_vec();
            for (j, (other, q)) in targets.iter().enumerate() {
                if i != j {
                    if q == p {
                        return Err(crate::error::ConfigError::new(
                            *option,
                            format!(
                                "{} is also --{other}: give each file its own path",
                                crate::text::quote_path(p)
                            ),
                        )
                        .into());
                    }
                    others.push(q);
                }
            }
            if inputs.contains(p) {
                return Err(crate::error::ConfigError::new(
                    *option,
                    format!(
                        "{} is also an input or the report: refusing to overwrite it",
                        crate::text::quote_path(p)
                    ),
                )
                .into());
            }
            let d = Destination::new(Some(p));
            if d == Destination::Stdout {
                d.create(option)?;
            }
            d.check_as(option, &others)?;
        }
        let create = |p: &Path, option: &str| Destination::new(Some(p)).create(option);
        let metrics = match &opts.metrics {
            None => None,
            Some(p) => {
                let out = match opts.format() {
                    MetricsFormat::Csv => MetricsOut::Csv(CsvSink::new(
                        create(p, "metrics")?,
                        &subject_key.to_ascii_lowercase(),
                    )),
                    MetricsFormat::Emf => MetricsOut::Emf(EmfSink::new(create(p, "metrics")?)),
                    MetricsFormat::Openmetrics => MetricsOut::Om(OpenMetricsSink::new(p)),
                };
                Some((out, p.clone()))
            }
        };
        let events = match &opts.events {
            Some(p) => Some(create(p, "events")?),
            None => None,
        };
        let perfetto = match &opts.perfetto {
            Some(p) => Some(PerfettoFile::new(create(p, "perfetto")?)),
            None => None,
        };
        Ok(Some(TelemetrySession {
            spec,
            alarms: opts.alarm.clone(),
            subject_key,
            multi: subjects > 1,
            metrics,
            events,
            perfetto,
            service_map: opts.service_map.clone(),
            maps: Vec::new(),
        }))
    }

    /// The metrics recorded (period, dimensions).
    pub fn spec(&self) -> &MetricsSpec {
        &self.spec
    }

    /// Runs `run` with the observers of one subject's run, and returns its result
    /// with the subject's telemetry report.
    ///
    /// # Errors
    /// `run`'s error; [`Error::Output`] for a file that cannot be written.
    pub fn observe<R>(
        &mut self,
        subject: &str,
        run: impl FnOnce(&mut dyn Observer) -> Result<R, Error>,
    ) -> Result<(R, TelemetryReport), Error> {
        let (key, multi) = (self.subject_key, self.multi);
        let mut map = ServiceMapRecorder::new(subject);
        let (r, alarms) = self.record(subject, |rec, events, perfetto| {
            let events = events.map(|f| EventLog::new(f, (key, subject.to_string())));
            let perfetto =
                perfetto.map(|f| PerfettoTrace::new(f, (key, subject.to_string()), multi));
            let mut obs = ((rec, &mut map), (events, perfetto));
            let r = run(&mut obs)?;
            if let (_, (Some(e), _)) = obs {
                e.finish().map_err(|e| Error::Output {
                    path: "--events".into(),
                    message: e.to_string(),
                })?;
            }
            Ok(r)
        })?;
        let map = map.finish();
        self.maps.push(map.clone());
        Ok((
            r,
            TelemetryReport {
                window: None,
                alarms,
                service_map: map,
            },
        ))
    }

    /// [`observe`](Self::observe) for a command whose events are not the engine's
    /// instance events (`job`'s switches): `run` gets the observer of the metrics and
    /// alarms, and writes the event log (`--events`, when asked for) and the Perfetto
    /// trace (`--perfetto`) itself.
    ///
    /// # Errors
    /// `run`'s error; [`Error::Output`] for a file that cannot be written.
    pub fn observe_own_events<R>(
        &mut self,
        subject: &str,
        run: impl FnOnce(
            &mut dyn Observer,
            Option<&mut dyn std::io::Write>,
            Option<&mut PerfettoFile<FileOut>>,
        ) -> Result<R, Error>,
    ) -> Result<(R, TelemetryReport), Error> {
        let (r, alarms) = self.record(subject, |rec, events, perfetto| {
            run(rec, events.map(|f| f as &mut dyn std::io::Write), perfetto)
        })?;
        let service_map = ServiceMap::default();
        Ok((
            r,
            TelemetryReport {
                window: None,
                alarms,
                service_map,
            },
        ))
    }

    /// One subject's metrics and alarms around `run`, which gets their recorder and
    /// the event and Perfetto files; the subject's alarm reports.
    fn record<R>(
        &mut self,
        subject: &str,
        run: impl FnOnce(
            &mut dyn Observer,
            Option<&mut FileOut>,
            Option<&mut PerfettoFile<FileOut>>,
        ) -> Result<R, Error>,
    ) -> Result<(R, Vec<AlarmReport>), Error> {
        let mut alarms = AlarmSink::new(&self.alarms);
        let (shared, metrics_path) = match self.metrics.as_mut() {
            Some((m, p)) => (Shared(Some(m.sink())), p.display().to_string()),
            None => (Shared(None), "--metrics".to_string()),
        };
        let mut rec = FleetRecorder::new(
            self.spec.clone(),
            (self.subject_key, subject.to_string()),
            (shared, &mut alarms),
        );
        let r = run(&mut rec, self.events.as_mut(), self.perfetto.as_mut())?;
        rec.finish(&metrics_path)?;
        Ok((r, alarms.alarms.iter().map(|a| a.report(subject)).collect()))
    }

    /// Completes the files (each appears whole, or not at all on an error).
    ///
    /// # Errors
    /// [`Error::Output`] naming the file.
    pub fn finish(self) -> Result<(), Error> {
        if let Some((m, p)) = self.metrics {
            m.finish(&p)?;
        }
        if let Some(f) = self.events {
            f.commit()?;
        }
        if let Some(pf) = self.perfetto {
            let f = pf
                .finish()
                .map_err(|e| out_err(Path::new("--perfetto"), e))?;
            f.commit()?;
        }
        if let Some(p) = self.service_map {
            Destination::new(Some(&p))
                .create("service-map")
                .and_then(|mut f| {
                    use std::io::Write;
                    f.write_all(ServiceMap::dot(&self.maps).as_bytes())
                        .map_err(|e| out_err(&p, e))?;
                    f.commit()
                })?;
        }
        Ok(())
    }
}
