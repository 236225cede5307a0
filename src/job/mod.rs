//! Deadline jobs on spot: the research benchmark of deadline-jobs.md.
//!
//! A long, checkpointable job must do `W` hours of work before a deadline `D`, choosing
//! tick by tick between SPOT, ON_DEMAND and NONE; every switch (and every relaunch after
//! a preemption) costs a restart overhead `d` of lost progress. This module is that
//! benchmark as library code:
//!
//! | module | what | deadline-jobs.md |
//! |---|---|---|
//! | [`trace`] | [`read_spot_trace`] (spot-traces JSON, explicit [`Convention`]), [`read_probe_series`] (timestamped CSV + per-probe prices) and [`ProbeSeries::to_ticks`] | "Trace conventions" |
//! | [`market`] | [`JobMarket`] (one trace per zone, resolved prices), [`MarketOptions`] | "Trace conventions" |
//! | [`tick`] | [`JobSpec`], [`run_job`] — the tick model, rule by rule | "The model, as those papers simulate it" |
//! | [`multi_region`], [`egress`] | the multi-region model: migrations pay transfer time and egress, probes are billed 60 s ([`MigrationCosts`], [`EgressTable`], [`ZoneSet`]) | "Beyond the tick model"; SkyNomad's progress model |
//! | [`policy`] | the [`JobPolicy`] trait (with its multi-zone extension: [`JobPolicy::start`], [`JobPolicy::probes`]) and [`BuiltinPolicy`] by name | "Baseline policies" |
//! | [`policies`] | [`OnDemandOnly`], [`SpotOnly`], [`Greedy`], [`UniformProgress`] (rules 1–5), [`MultiZoneSpot`]; the SkyNomad family [`UpS`], [`UpA`], [`UpAp`], [`Optimal`], [`SkyNomad`] under the [`SafetyNet`] | "Baseline policies"; SkyNomad §5 |
//! | [`named`] | every policy by name ([`NamedPolicy`]) and the SkyNomad family's tunables ([`PolicyOptions`]) | |
//! | [`windows`] | random windows with a seed, statistics and a 95 % CI | "Windows: a run starts at tick `⌈start_hours·3600/G⌉`" |
//! | [`result`] | [`JobResult`] | "Cost = Σ price × time actually run" |
//! | [`scenario`], [`tunables`] | `spotsim job`'s options ([`JobScenario`]: [`JobOptions`], [`PolicyTunables`] and the shared groups of [`crate::options`]), running every policy on the same windows | |
//! | [`report`] | [`JobReport`]: one [`PolicyReport`] per policy (cost split, migrations, probes), rendered as table, JSON, CSV, Markdown | |
//!
//! The tick model is the **exact mode** for reproducing published results; the
//! event-driven mode of "Beyond the tick model" is built on the same traces
//! ([`ProbeSeries`] keeps real probe times), policies ([`JobPolicy`] only reads a
//! [`JobView`]) and results ([`JobResult`]).
//!
//! ```
//! use spotsim::job::{run_job, BuiltinPolicy, JobMarket, JobSpec, JobTrace, MarketOptions};
//! use spotsim::money::Rate;
//!
//! // Ten 1-hour ticks, spot missing in ticks 2–4.
//! let trace = JobTrace::new(3600, vec![1, 1, 0, 0, 0, 1, 1, 1, 1, 1])?;
//! let opts = MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?);
//! let market = JobMarket::single(&trace, &opts)?;
//! let spec = JobSpec::from_hours(6.0, 10.0, 0.0)?;
//! for p in BuiltinPolicy::ALL {
//!     let r = run_job(&market, &spec, 0, &mut { p })?;
//!     assert!(r.deadline_met || !p.guarantees_deadline());
//!     assert!(r.total_cost <= r.ondemand_only_cost);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod egress;
pub mod event;
mod json_line;
pub mod log;
pub mod market;
pub mod multi_region;
pub mod named;
pub mod policies;
pub mod policy;
pub mod probes;
pub mod report;
pub mod result;
mod run;
pub mod scenario;
pub mod telemetry;
pub mod tick;
pub mod timeline;
pub mod trace;
mod trace_json;
pub mod tunables;
pub mod windows;

pub use egress::{EgressTable, reference_egress_per_gb};
pub use event::{EventMarket, EventOptions, run_job_event, run_job_event_logged};
pub use multi_region::{
    MigrationCosts, MigrationOptions, PROBE_BILLING_SECS, Relationship, ZoneSet,
    continent_of_region, region_of_zone, transfer_time_ms, transfer_time_secs,
};
pub use named::{NamedPolicy, PolicyOptions};
pub use policies::{
    Greedy, MultiZoneSpot, OnDemandOnly, Optimal, ProgressValue, SafetyNet, SkyNomad,
    SkyNomadOptions, SpotOnly, UniformProgress, UpA, UpAOptions, UpAp, UpApOptions, UpRule, UpS,
    skynomad, skynomad_oracle, up_a, up_ap, up_s,
};
pub use policy::{BuiltinPolicy, JobPolicy, RunStart};
pub use report::{JobProvenance, JobReport, PolicyReport, WindowLine};
pub use result::JobResult;
pub use scenario::{JobOptions, JobScenario};
pub use tick::{
    Decision, JobMarket, JobSpec, JobView, Kind, MS_PER_HOUR, MarketOptions, TickRecord,
    hours_to_ms, run_job, run_job_timeline, start_tick_for_hours,
};
pub use trace::{
    Convention, JobTrace, ProbeSeries, TraceOptions, read_probe_series, read_probe_series_bytes,
    read_spot_trace, read_spot_trace_bytes, with_probe_prices,
};
pub use tunables::PolicyTunables;
pub use windows::{
    PairedWindows, WindowLayout, WindowSplit, WindowStats, WindowTally, WindowsReport,
    compare_costs, compare_windows, draw_starts, run_windows, summarize,
};
