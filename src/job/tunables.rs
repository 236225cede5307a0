//! The SkyNomad family's tunables as an option group of `spotsim job` ([`PolicyTunables`]:
//! flags and scenario-file keys, every one with the reference's default), and their
//! resolution into [`PolicyOptions`].

use serde::{Deserialize, Serialize};

use super::named::{NamedPolicy, PolicyOptions};
use super::policies::ProgressValue;
use crate::error::ConfigError;

/// Every tunable of the reference's policies (`up-a`, `up-ap`, `skynomad`,
/// `skynomad-oracle`), declared once: a flag and a scenario-file key each. Unset means
/// the reference's default; a tunable of a policy that is not run is an error, not
/// silently ignored.
///
/// ```
/// use spotsim::job::{NamedPolicy, PolicyTunables};
/// let t = PolicyTunables { voi_delta_base: Some(0.25), ..Default::default() };
/// let o = t.policy_options(&[NamedPolicy::SkyNomad])?;
/// assert_eq!(o.skynomad.voi_delta_base, 0.25);
/// assert_eq!(o.skynomad_oracle.voi_delta_base, 0.25);
/// let e = t.policy_options(&[NamedPolicy::UpS]).unwrap_err();
/// assert_eq!(e.option, "voi-delta-base");
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(
    feature = "cli",
    command(next_help_heading = "SkyNomad family tunables (tick mode; the reference's defaults)")
)]
#[serde(rename_all = "kebab-case")]
pub struct PolicyTunables {
    /// up-a: samples kept per zone [default: 5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub probe_window: Option<usize>,
    /// up-a: minutes between probes [default: 120].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIN"))]
    pub up_a_probe_interval_min: Option<f64>,
    /// up-ap: minutes between probes [default: 60].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIN"))]
    pub up_ap_probe_interval_min: Option<f64>,
    /// skynomad, skynomad-oracle: spot zones tried per tick, 0 = all [default: 0].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub max_attempts_per_tick: Option<usize>,
    /// skynomad, skynomad-oracle: leave migration time and egress out of the options' values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub ignore_migration_penalty: bool,
    /// skynomad, skynomad-oracle: no value-of-information gating.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub no_voi_gating: bool,
    /// skynomad, skynomad-oracle: gating margin, USD/h [default: 0.5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub voi_delta_base: Option<f64>,
    /// skynomad, skynomad-oracle: gating margin per GB of checkpoint, USD/h [default: 0.0002].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub voi_k_checkpoint: Option<f64>,
    /// skynomad, skynomad-oracle: gating margin as a share of the progress value [default: 0.05].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "K"))]
    pub voi_k_v: Option<f64>,
    /// skynomad, skynomad-oracle: ticks between probes of a zone [default: 6].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub probe_interval_ticks: Option<usize>,
    /// skynomad, skynomad-oracle: re-probe zones whose probe succeeded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub probe_revalidate: bool,
    /// skynomad, skynomad-oracle: keep observing zones' availability while nothing runs there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "cli", arg(long))]
    pub virtual_availability: bool,
    /// skynomad, skynomad-oracle: cap of the lifetime estimate, hours [default: 2].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub max_prediction_hours: Option<f64>,
    /// skynomad, skynomad-oracle: window of the recent progress rate, hours [default: 10].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub progress_window_hours: Option<f64>,
    /// skynomad-oracle: the progress value [default: reference-cost].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "FORM", value_parser = cli::oracle_v())
    )]
    pub oracle_v: Option<String>,
}

/// The `--oracle-v` values (the reference's spellings with `_` are accepted too).
pub const ORACLE_V_NAMES: [&str; 2] = ["reference-cost", "rate-ratio"];

impl PolicyTunables {
    /// The tunables of `policies` (the reference's defaults where unset).
    ///
    /// # Errors
    /// [`ConfigError`] naming the option: a tunable of none of `policies`, a negative or
    /// non-finite number, a `probe-window` of 0, an unknown `oracle-v`.
    pub fn policy_options(&self, policies: &[NamedPolicy]) -> Result<PolicyOptions, ConfigError> {
        use NamedPolicy::{SkyNomad, SkyNomadOracle, UpA, UpAp};
        let runs = |of: &[NamedPolicy]| policies.iter().any(|p| of.contains(p));
        for (set, name, of, names) in [
            (
                self.probe_window.is_some(),
                "probe-window",
                &[UpA][..],
                "up-a",
            ),
            (
                self.up_a_probe_interval_min.is_some(),
                "up-a-probe-interval-min",
                &[UpA][..],
                "up-a",
            ),
            (
                self.up_ap_probe_interval_min.is_some(),
                "up-ap-probe-interval-min",
                &[UpAp][..],
                "up-ap",
            ),
            (
                self.oracle_v.is_some(),
                "oracle-v",
                &[SkyNomadOracle][..],
                "skynomad-oracle",
            ),
        ]
        .into_iter()
        .chain(self.skynomad_set().map(|name| {
            (
                true,
                name,
                &[SkyNomad, SkyNomadOracle][..],
                "skynomad and skynomad-oracle",
            )
        })) {
            if set && !runs(of) {
                return Err(crate::options::not_applicable(
                    name,
                    &format!("{names}, which is not among the policies"),
                ));
            }
        }
        let mut o = PolicyOptions::default();
        let non_neg = |name: &str, v: Option<f64>| -> Result<Option<f64>, ConfigError> {
            match v {
                Some(x) if !x.is_finite() || x < 0.0 => Err(ConfigError::new(
                    name,
                    format!("must be a non-negative number, got {x}"),
                )),
                _ => Ok(v),
            }
        };
        if let Some(n) = self.probe_window {
            if n == 0 {
                return Err(ConfigError::new("probe-window", "must be at least 1"));
            }
            o.up_a.window = n;
        }
        // Durations are bounded too, so that their conversion to ticks cannot saturate:
        // at most a year.
        let duration = |name: &str, v: Option<f64>, max: f64| -> Result<Option<f64>, ConfigError> {
            match non_neg(name, v)? {
                Some(x) if x > max => Err(ConfigError::new(
                    name,
                    format!("{x}: at most {max} (a year)"),
                )),
                v => Ok(v),
            }
        };
        if let Some(m) = duration(
            "up-a-probe-interval-min",
            self.up_a_probe_interval_min,
            525_600.0,
        )? {
            o.up_a.probe_interval_min = m;
        }
        if let Some(m) = duration(
            "up-ap-probe-interval-min",
            self.up_ap_probe_interval_min,
            525_600.0,
        )? {
            o.up_ap.probe_interval_min = m;
        }
        for s in [&mut o.skynomad, &mut o.skynomad_oracle] {
            if let Some(n) = self.max_attempts_per_tick {
                s.max_attempts_per_tick = n;
            }
            s.migration_penalty = !self.ignore_migration_penalty;
            s.voi_gating = !self.no_voi_gating;
            if let Some(x) = non_neg("voi-delta-base", self.voi_delta_base)? {
                s.voi_delta_base = x;
            }
            if let Some(x) = non_neg("voi-k-checkpoint", self.voi_k_checkpoint)? {
                s.voi_k_checkpoint = x;
            }
            if let Some(x) = non_neg("voi-k-v", self.voi_k_v)? {
                s.voi_k_v = x;
            }
            if let Some(n) = self.probe_interval_ticks {
                s.probe_interval_ticks = n.max(1);
            }
            s.probe_revalidate = self.probe_revalidate;
            s.virtual_availability = self.virtual_availability;
            if let Some(x) = duration("max-prediction-hours", self.max_prediction_hours, 8_760.0)? {
                s.max_prediction_hours = x;
            }
            if let Some(x) = duration("progress-window-hours", self.progress_window_hours, 8_760.0)?
            {
                s.progress_window_hours = x;
            }
        }
        if let Some(v) = self.oracle_v.as_deref() {
            o.skynomad_oracle.value = match v {
                "reference-cost" | "reference_cost" => ProgressValue::ReferenceCost,
                "rate-ratio" | "rate_ratio" => ProgressValue::RateRatio,
                _ => {
                    return Err(crate::suggest::unknown_value(
                        "oracle-v",
                        v,
                        &ORACLE_V_NAMES,
                    ));
                }
            };
        }
        Ok(o)
    }

    /// The names of the skynomad tunables that are set.
    fn skynomad_set(&self) -> impl Iterator<Item = &'static str> {
        [
            (
                self.max_attempts_per_tick.is_some(),
                "max-attempts-per-tick",
            ),
            (self.ignore_migration_penalty, "ignore-migration-penalty"),
            (self.no_voi_gating, "no-voi-gating"),
            (self.voi_delta_base.is_some(), "voi-delta-base"),
            (self.voi_k_checkpoint.is_some(), "voi-k-checkpoint"),
            (self.voi_k_v.is_some(), "voi-k-v"),
            (self.probe_interval_ticks.is_some(), "probe-interval-ticks"),
            (self.probe_revalidate, "probe-revalidate"),
            (self.virtual_availability, "virtual-availability"),
            (self.max_prediction_hours.is_some(), "max-prediction-hours"),
            (
                self.progress_window_hours.is_some(),
                "progress-window-hours",
            ),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
    }
}

/// clap value parsers (the `cli` feature only).
#[cfg(feature = "cli")]
mod cli {
    use clap::builder::{PossibleValue, PossibleValuesParser};

    /// `--oracle-v`: the values listed in `--help`, the reference's `_` spellings as
    /// hidden aliases.
    pub(super) fn oracle_v() -> PossibleValuesParser {
        PossibleValuesParser::new([
            PossibleValue::new("reference-cost").alias("reference_cost"),
            PossibleValue::new("rate-ratio").alias("rate_ratio"),
        ])
    }
}
