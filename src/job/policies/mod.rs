//! The built-in job policies of deadline-jobs.md "Baseline policies" and of SkyNomad's
//! multi-region evaluation, one file each.
//!
//! The single-zone policies ([`OnDemandOnly`], [`SpotOnly`], [`Greedy`],
//! [`UniformProgress`]) run in zone 0 (the first trace of the market) and ignore the
//! others; [`MultiZoneSpot`] uses every zone.
//!
//! The SkyNomad family ([`multi_region`](super::multi_region) model) — each a
//! [`JobPolicy`](super::JobPolicy) using the multi-zone extension (`start`, `probes`):
//!
//! | name | type | reference (`sky_spot/strategies/`) |
//! |---|---|---|
//! | `up-s` | [`up_s`] = [`SafetyNet`]<[`UpS`]> | `multi_region_rc_cr_threshold_eager_failover.py` |
//! | `up-a` | [`up_a`] = [`SafetyNet`]<[`UpA`]> | `multi_region_availability_probe_simple.py` |
//! | `up-ap` | [`up_ap`] = [`SafetyNet`]<[`UpAp`]> | `multi_region_probe_cost_ratio.py` |
//! | `optimal` | [`Optimal`] | `multi_region_oracle_dp.py` |
//! | `skynomad` | [`skynomad`] = [`SafetyNet`]<[`SkyNomad`]> | `unified_cost_model.py` + `unified_cost_model_v_variants.py` (`unified_cost_model_rate_ratio`) |
//! | `skynomad-oracle` | [`skynomad_oracle`] = [`SafetyNet`]<[`SkyNomad`]> | `unified_cost_model_oracle.py` |
//!
//! The safety net is the reference environment's (`env.py`, `maybe_trigger_safety_net`).
mod greedy;
mod multi_common;
mod multi_zone;
mod on_demand;
mod optimal;
mod safety_net;
mod skynomad;
mod skynomad_lifetime;
mod spot_only;
mod uniform_progress;
mod up_a;
mod up_ap;
mod up_s;

pub use greedy::Greedy;
pub use multi_zone::MultiZoneSpot;
pub use on_demand::OnDemandOnly;
pub use optimal::Optimal;
pub use safety_net::SafetyNet;
pub use skynomad::{ProgressValue, SkyNomad, SkyNomadOptions};
pub use spot_only::SpotOnly;
pub use uniform_progress::{UniformProgress, UpRule};
pub use up_a::{UpA, UpAOptions};
pub use up_ap::{UpAp, UpApOptions};
pub use up_s::UpS;

/// `up-s`: [`UpS`] under the [`SafetyNet`].
pub fn up_s() -> SafetyNet<UpS> {
    SafetyNet::new(UpS::new())
}

/// `up-a`: [`UpA`] with the reference's defaults under the [`SafetyNet`].
pub fn up_a() -> SafetyNet<UpA> {
    SafetyNet::new(UpA::new(UpAOptions::default()))
}

/// `up-ap`: [`UpAp`] with the reference's defaults under the [`SafetyNet`].
pub fn up_ap() -> SafetyNet<UpAp> {
    SafetyNet::new(UpAp::new(UpApOptions::default()))
}

/// `skynomad`: [`SkyNomad`] with the reference's defaults under the [`SafetyNet`].
pub fn skynomad() -> SafetyNet<SkyNomad> {
    SafetyNet::new(SkyNomad::new(SkyNomadOptions::skynomad()))
}

/// `skynomad-oracle`: [`SkyNomad::oracle`] with the reference's defaults under the
/// [`SafetyNet`].
pub fn skynomad_oracle() -> SafetyNet<SkyNomad> {
    SafetyNet::new(SkyNomad::oracle(SkyNomadOptions::oracle()))
}
