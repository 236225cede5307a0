//! The built-in job policies of deadline-jobs.md "Baseline policies", one file each.
//!
//! The single-zone policies ([`OnDemandOnly`], [`SpotOnly`], [`Greedy`],
//! [`UniformProgress`]) run in zone 0 (the first trace of the market) and ignore the
//! others; [`MultiZoneSpot`] uses every zone.
mod greedy;
mod multi_zone;
mod on_demand;
mod spot_only;
mod uniform_progress;

pub use greedy::Greedy;
pub use multi_zone::MultiZoneSpot;
pub use on_demand::OnDemandOnly;
pub use spot_only::SpotOnly;
pub use uniform_progress::{UniformProgress, UpRule};
