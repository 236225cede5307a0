//! `spotsim job`: the options of a deadline-job run (the CLI's flags and the scenario
//! file's keys) and the scenario file. Running them is `job::run`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "cli")]
use super::named::NamedPolicy;
use super::tunables::PolicyTunables;
use crate::error::{ConfigError, Error};
use crate::options::{GateOptions, OutputOptions, SimOptions, TelemetryOptions};
use crate::report::Format;
use crate::time::SimTime;

/// Start of event-mode runs on tick traces that carry no date: only date-dependent
/// billing rules care (Linux has been billed per second since 2017-10-02).
pub const UNDATED_TRACE_START: SimTime = SimTime(1_672_531_200); // 2023-01-01T00:00:00Z

/// Every option of `spotsim job`: its own ([`JobOptions`]), the SkyNomad family's
/// tunables ([`PolicyTunables`]) and the shared groups of [`crate::options`] (seed and
/// launch latency, output, gates, telemetry). A scenario file (TOML, or JSON by extension) takes
/// the same keys as the flags; flags override it.
///
/// ```
/// use spotsim::job::{JobOptions, JobScenario};
/// let s = JobScenario {
///     job: JobOptions { policy: vec!["uniform-progress".into()], ..Default::default() },
///     ..Default::default()
/// };
/// assert!(s.run().is_err(), "no trace, no convention: an error, not a guess");
/// let f = JobScenario::from_toml_str("trace = [\"t.json\"]\nconvention = \"available\"\nseed = 3\n", "j.toml").unwrap();
/// assert_eq!((f.job.traces.len(), f.sim.seed), (1, Some(3)));
/// // Policies: a list, or a string (comma-separated, as the flag).
/// let l = JobScenario::from_toml_str("policy = [\"greedy\", \"up-s\"]\nvoi-k-v = 0.1\n", "j.toml").unwrap();
/// let s = JobScenario::from_toml_str("policy = \"greedy,up-s\"\n", "j.toml").unwrap();
/// assert_eq!((&l.job.policy, &s.job.policy), (&vec!["greedy".to_string(), "up-s".to_string()], &l.job.policy));
/// assert_eq!(l.tunables.voi_k_v, Some(0.1));
/// assert!(JobScenario::from_toml_str("polcy = \"greedy\"\n", "j.toml").unwrap_err().to_string().contains("did you mean `policy`"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct JobScenario {
    /// The job, its traces and prices.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub job: JobOptions,
    /// The SkyNomad family's tunables.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub tunables: PolicyTunables,
    /// Seed of the windows and event mode's launch latency.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub sim: SimOptions,
    /// Output.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub output: OutputOptions,
    /// CI gates.
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub gates: GateOptions,
    /// Metrics, alarms, switch events and traces of one window (`job::telemetry`).
    #[serde(flatten)]
    #[cfg_attr(feature = "cli", command(flatten))]
    pub telemetry: TelemetryOptions,
}

crate::scenario_file::option_set!(JobScenario {
    job: JobOptions,
    tunables: PolicyTunables,
    sim: SimOptions,
    output: OutputOptions,
    gates: GateOptions,
    telemetry: TelemetryOptions,
});

/// `job`'s own options: the traces, the job, the policies and the multi-region model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Job"))]
#[serde(rename_all = "kebab-case")]
pub struct JobOptions {
    /// A trace: spot-traces JSON (tick) or a timestamped availability CSV (repeatable; several = zones).
    #[serde(rename = "trace", default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(id = "trace", long = "trace", value_name = "FILE")
    )]
    pub traces: Vec<PathBuf>,
    /// What a trace value means: `available` (instances available) or `preempted` (1 = preempted). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "CONVENTION", value_parser = ["available", "preempted"])
    )]
    pub convention: Option<String>,
    /// Job policies, comma-separated, each run on the same windows (up-s … skynomad-oracle: the SkyNomad family, tick mode).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "de_policies"
    )]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "POLICY",
            value_delimiter = ',',
            value_parser = clap::builder::PossibleValuesParser::new(NamedPolicy::NAMES)
        )
    )]
    pub policy: Vec<String>,
    /// Hours of work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "W"))]
    pub work_hours: Option<f64>,
    /// Hours from the start to the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "D"))]
    pub deadline_hours: Option<f64>,
    /// Progress lost on every (re)start, hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "O", allow_negative_numbers = true)
    )]
    pub restart_overhead_hours: Option<f64>,
    /// On-demand price, USD per hour [default: the trace's, if it has one].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub ondemand_price: Option<String>,
    /// Spot price, USD per hour, overriding the trace's prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub spot_price: Option<String>,
    /// Per-probe prices JSON: aligned with availability CSV traces, or per-tick spot prices of tick traces (one price per tick).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub probe_prices: Option<PathBuf>,
    /// Tick length for CSV traces, seconds [default: the median probe spacing].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub gap: Option<i64>,
    /// Nodes of a `preempted` multi-node trace (available = nodes − value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub nodes: Option<u32>,
    /// Spot instances the job needs at once (spot is available when the count is at least this) [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub gang: Option<u32>,
    /// Start at hour H of the trace (tick ⌈H·3600/G⌉) [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "H", conflicts_with = "windows")
    )]
    pub start_hours: Option<f64>,
    /// Run N windows at random starts and report mean, spread and a 95 % confidence interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub windows: Option<usize>,
    /// `tick` (the papers' model, exact) or `event` (AWS's rules) [default: event].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "MODE", value_parser = ["tick", "event"])
    )]
    pub mode: Option<String>,
    /// Checkpoint size, GB: a launch in another region adds its transfer time and egress (tick mode) [default: 50].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "GB"))]
    pub checkpoint_gb: Option<f64>,
    /// Egress prices CSV `from_region,to_region,price_usd_per_gb` (tick mode) [default: the SkyNomad reference's rules].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub egress: Option<PathBuf>,
    /// Overlap the checkpoint transfer with the restart (the SkyNomad CLI's default) instead of adding its time (tick mode).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub overlap_transfer: bool,
    /// With --windows: write every window's result to FILE as it is computed, one line per window and policy (CSV when FILE ends in `.csv`, else JSON Lines); the report holds the statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub per_window: Option<PathBuf>,
}

/// Accepts `policy = "a"`, `policy = "a,b"` (as the flag) or `policy = ["a", "b"]`.
fn de_policies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let split = |s: &str| -> Vec<String> { s.split(',').map(|p| p.trim().to_string()).collect() };
    Ok(match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(s)) => split(&s),
        Ok(OneOrMany::Many(v)) => v.iter().flat_map(|s| split(s)).collect(),
        Err(_) => {
            return Err(serde::de::Error::custom(
                "expected a policy name, a comma-separated string of them, or a list",
            ));
        }
    })
}

impl JobScenario {
    /// Parses a job scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, line and column; an unknown key is named.
    pub fn from_toml_str(text: &str, name: &str) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::from_toml(text, name)
    }

    /// Reads a job scenario from a table of keys (a sweep's cell).
    ///
    /// # Errors
    /// [`ConfigError`] naming an unknown key or a bad value's key.
    pub fn from_table(table: &toml::Table) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::from_table(table)
    }

    /// Every key a job scenario file takes (the flags' names).
    pub fn keys() -> Vec<&'static str> {
        <JobScenario as crate::scenario_file::OptionSet>::keys()
    }

    /// Reads a job scenario file (TOML; JSON when the name ends in `.json`); relative
    /// paths (traces, probe prices, egress, output) are resolved against its directory.
    ///
    /// # Errors
    /// [`Error`] when the file cannot be read or is not a valid job scenario.
    pub fn load(path: &Path) -> Result<JobScenario, Error> {
        let mut s: JobScenario = crate::scenario_file::load(path)?;
        s.resolve_paths(path.parent().unwrap_or(Path::new("")));
        Ok(s)
    }

    /// Resolves the relative paths this scenario holds against `dir` (the directory of
    /// the file they were read from).
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        let s = self;
        let fix = |p: &mut PathBuf| crate::scenario_file::resolve(dir, p);
        s.job.traces.iter_mut().for_each(fix);
        s.job.probe_prices.iter_mut().for_each(fix);
        s.job.egress.iter_mut().for_each(fix);
        s.output.out.iter_mut().for_each(fix);
        s.job.per_window.iter_mut().for_each(fix);
    }

    /// Every input file the scenario names (traces, probe prices, egress prices): what
    /// `--out` must not overwrite.
    pub fn input_files(&self) -> Vec<&Path> {
        let j = &self.job;
        j.traces
            .iter()
            .chain(&j.probe_prices)
            .chain(&j.egress)
            .map(PathBuf::as_path)
            .collect()
    }

    /// This scenario with every option set in `flags` taking precedence (a list set in
    /// `flags` replaces the file's).
    ///
    /// # Errors
    /// [`ConfigError`] when a flag cannot be represented in a scenario (a seed above
    /// 2⁶³ − 1): never a silent drop.
    pub fn overlay(self, flags: JobScenario) -> Result<JobScenario, ConfigError> {
        crate::scenario_file::overlay(&self, &flags)
    }

    /// The output format (default table).
    pub fn format(&self) -> Format {
        self.output.format()
    }
}
