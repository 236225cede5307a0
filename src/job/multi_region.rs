//! The multi-region deadline-job model of SkyNomad (Li et al., NSDI '27; the artifact
//! `andylizf/skynomad-artifact`, `docs/multi_region_progress_model.md`, `sky_spot/env.py`
//! `MultiTraceEnv`, `sky_spot/migration_model.py`): a job chases spot availability and
//! price across zones, paying for every migration in time and in egress.
//!
//! It is the tick model of [`run_job`](super::run_job) with the migration rules below
//! switched on by [`JobMarket::with_migration`](super::JobMarket::with_migration); with
//! [`MigrationCosts::none`] (the default) the model is exactly the single-region one.
//! Each rule, where the reference states it, and where spotsim implements it:
//!
//! | rule | reference | here |
//! |---|---|---|
//! | At most one instance at a time across all zones; a tick runs one [`Decision`](super::Decision) | progress model §1, `MultiTraceEnv.execute_multi_strategy` (asserts `len(active_instances) ≤ 1`) | the tick loop: one decision per tick |
//! | A launch inherits all progress and pays the restart overhead `d` | progress model §2, `_apply_launch_overheads` | the overhead is re-armed on every launch |
//! | …plus, across regions, the *additional* transfer time of the checkpoint: `S·8·1024/v − S·8·1024/9720` seconds (`S` GB; `v` = 8,200 Mb/s cross-region on one continent, 3,590 Mb/s across continents; same region, any zone: none) | progress model §2 "Transfer Time Semantics"; `migration_model.get_transfer_time_hours`, `get_transfer_speed_mbps` | [`transfer_time_ms`], [`MigrationCosts::transfer_ms`]; the source is the zone of the last instance that ran (`_current_leader_region`) |
//! | Egress of the checkpoint when the source region differs, `S × $/GB` | `_apply_launch_overheads` → `get_transfer_cost_usd` | [`MigrationCosts::egress`] from an [`EgressTable`] |
//! | A migration = a launch in another zone than the last instance's | `_apply_launch_overheads` (`init_source != region`) | [`JobResult::migrations`](super::JobResult::migrations) |
//! | Launch-then-terminate within a tick: the tick is billed for the new instance only; the old one's last tick already counted | progress model §3, `_try_launch_internal`, `_terminate_internal`, `_finalize_tick_costs` | a tick is billed at what ran in it |
//! | A probe launches spot for availability only: billed 60 s of spot at that tick's price if it succeeds, free if it fails, no progress, no overhead, no egress | progress model §3 "Probes", `ProbeLaunch`, `_probe_internal`, `PROBE_BILLING_SECONDS` | [`JobPolicy::probes`](super::JobPolicy::probes), [`PROBE_BILLING_SECS`] |
//! | Zones are grouped into regions by name (AWS `us-west-2a` → `us-west-2`, GCP `us-central1-a` → `us-central1`); the continent is the region's first word | `migration_model.parse_region_info`, `get_region_relationship`; `multi_region_rc_cr_threshold_eager_failover._extract_cloud_region_from_zone` | [`region_of_zone`], [`continent_of_region`], [`Relationship`] |
//! | Cost = compute + probes + egress | `MultiTraceEnv.info` (`Cost = compute + transfer`, probes inside compute) | [`JobResult`](super::JobResult) `compute_cost`, `probe_cost`, `egress_cost` |
//!
//! Choices and differences (documented model assumptions):
//!
//! * **Transfer time is counted by default**, as the progress model defines it. The
//!   reference's command line overlaps it by default (`--cross-region-migration-time`
//!   unset: `MultiTraceEnv._count_cross_region_migration_time = False`), which is how its
//!   published sweeps ran; [`MigrationOptions::count_transfer_time`]` = false` reproduces
//!   that (the CLI's `--overlap-transfer`).
//! * **Time is integer milliseconds**: the transfer time is rounded to the millisecond
//!   (7,811 ms for 50 GB across US regions, where the reference carries 7.8113… s in
//!   floating point).
//! * **Egress comes from the CSV** (see [`EgressTable`]), where the reference uses
//!   hard-coded rules; they agree on the 2023 V100 regions.
//! * **A probe in the zone of the running instance** is billed 60 s like any other; the
//!   reference would replace that tick's bill by the probe's (a quirk of
//!   `_finalize_tick_costs` its policies never trigger; spotsim's never do either).
//! * Names that are neither AWS nor GCP zone names form a region of their own (as the
//!   reference's eager-failover fallback does).

use crate::error::ConfigError;
use crate::money::{Money, Rate};

use super::egress::EgressTable;

/// Seconds a successful probe is billed (`sky_spot/env.py`, `PROBE_BILLING_SECONDS`).
pub const PROBE_BILLING_SECS: i64 = 60;

/// Measured S3 transfer speed within a region, Mb/s (`migration_model.get_transfer_speed_mbps`:
/// 9.72 Gb/s, same zone or across zones; already inside the restart overhead).
pub const SAME_REGION_MBPS: f64 = 9720.0;
/// Measured S3 transfer speed between regions of one continent, Mb/s (8.20 Gb/s).
pub const CROSS_REGION_MBPS: f64 = 8200.0;
/// Measured S3 transfer speed between continents, Mb/s (3.59 Gb/s).
pub const CROSS_CONTINENT_MBPS: f64 = 3590.0;

/// The region of a zone name: AWS `us-west-2a` → `us-west-2` (a zone letter right after
/// the region's number), GCP `us-central1-a` → `us-central1` (a hyphen and a zone
/// letter after it); any other name is its own region.
///
/// ```
/// use spotsim::job::region_of_zone;
/// assert_eq!(region_of_zone("us-west-2a"), "us-west-2");
/// assert_eq!(region_of_zone("ap-northeast-1c"), "ap-northeast-1");
/// assert_eq!(region_of_zone("us-central1-a"), "us-central1");
/// assert_eq!(region_of_zone("europe-west1-c"), "europe-west1");
/// assert_eq!(region_of_zone("zone"), "zone");
/// ```
pub fn region_of_zone(zone: &str) -> &str {
    let b = zone.as_bytes();
    let n = b.len();
    // GCP: `<…digit>-<letter>`.
    if n >= 3 && b[n - 1].is_ascii_lowercase() && b[n - 2] == b'-' && b[n - 3].is_ascii_digit() {
        return &zone[..n - 2];
    }
    // AWS: `<…-digits><letter>`.
    if n >= 3 && b[n - 1].is_ascii_lowercase() && b[n - 2].is_ascii_digit() {
        let digits_start = b[..n - 1]
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        if digits_start >= 2 && b[digits_start - 1] == b'-' {
            return &zone[..n - 1];
        }
    }
    zone
}

/// The continent of a region: its first hyphen-separated word (`us`, `eu`, `ap`,
/// `europe`, `asia`; `migration_model.get_region_relationship`).
///
/// ```
/// assert_eq!(spotsim::job::continent_of_region("us-east-1"), "us");
/// assert_eq!(spotsim::job::continent_of_region("europe-west1"), "europe");
/// ```
pub fn continent_of_region(region: &str) -> &str {
    region.split('-').next().unwrap_or(region)
}

/// How two zones relate (`migration_model.get_region_relationship`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    /// The same zone.
    SameZone,
    /// Two zones of one region.
    CrossAz,
    /// Two regions on one continent.
    CrossRegion,
    /// Two continents.
    CrossContinent,
}

impl Relationship {
    /// The relationship of zone `a` to zone `b`.
    ///
    /// ```
    /// use spotsim::job::Relationship;
    /// assert_eq!(Relationship::of("us-east-1a", "us-east-1c"), Relationship::CrossAz);
    /// assert_eq!(Relationship::of("us-east-1c", "us-west-2a"), Relationship::CrossRegion);
    /// assert_eq!(Relationship::of("us-west-2a", "eu-west-1a"), Relationship::CrossContinent);
    /// ```
    pub fn of(a: &str, b: &str) -> Relationship {
        let (ra, rb) = (region_of_zone(a), region_of_zone(b));
        if ra == rb {
            if a == b {
                Relationship::SameZone
            } else {
                Relationship::CrossAz
            }
        } else if continent_of_region(ra) == continent_of_region(rb) {
            Relationship::CrossRegion
        } else {
            Relationship::CrossContinent
        }
    }
}

/// The *additional* transfer time of a `checkpoint_gb` checkpoint, milliseconds (rounded
/// to the nearest): `S·8·1024/v − S·8·1024/9720` seconds, where the baseline (9.72 Gb/s)
/// is already inside the restart overhead; zero within a region
/// (`migration_model.get_transfer_time_hours`).
///
/// ```
/// use spotsim::job::{transfer_time_ms, Relationship};
/// // 50 GB: 409,600 Mb; 409600/8200 − 409600/9720 = 49.9512… − 42.1399… = 7.8113… s.
/// assert_eq!(transfer_time_ms(Relationship::CrossRegion, 50.0), 7_811);
/// // 409600/3590 − 409600/9720 = 114.0947… − 42.1399… = 71.9548… s.
/// assert_eq!(transfer_time_ms(Relationship::CrossContinent, 50.0), 71_955);
/// assert_eq!(transfer_time_ms(Relationship::CrossAz, 50.0), 0);
/// ```
pub fn transfer_time_ms(rel: Relationship, checkpoint_gb: f64) -> i64 {
    (transfer_time_secs(rel, checkpoint_gb) * 1000.0).round() as i64
}

/// [`transfer_time_ms`] in seconds, unrounded (what policies that price a migration,
/// like SkyNomad's, compute with).
pub fn transfer_time_secs(rel: Relationship, checkpoint_gb: f64) -> f64 {
    let speed = match rel {
        Relationship::SameZone | Relationship::CrossAz => return 0.0,
        Relationship::CrossRegion => CROSS_REGION_MBPS,
        Relationship::CrossContinent => CROSS_CONTINENT_MBPS,
    };
    let mb = checkpoint_gb * 8.0 * 1024.0;
    (mb / speed - mb / SAME_REGION_MBPS).max(0.0)
}

/// Options of [`MigrationCosts::new`].
///
/// ```
/// use spotsim::job::{EgressTable, MigrationOptions};
/// let o = MigrationOptions::new(50.0, EgressTable::empty());
/// assert!(o.count_transfer_time);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationOptions {
    /// Checkpoint size `S`, GB (the reference's `--checkpoint-size-gb`, default 50).
    pub checkpoint_gb: f64,
    /// Whether a cross-region launch pays the additional transfer time (the progress
    /// model; default) or overlaps it (the reference CLI's default).
    pub count_transfer_time: bool,
    /// Egress prices.
    pub egress: EgressTable,
}

impl MigrationOptions {
    /// Options with the transfer time counted.
    pub fn new(checkpoint_gb: f64, egress: EgressTable) -> MigrationOptions {
        MigrationOptions {
            checkpoint_gb,
            count_transfer_time: true,
            egress,
        }
    }
}

/// What moving the checkpoint from one zone to another costs, for every pair of a
/// market's zones: transfer time and egress (see the module docs).
///
/// ```
/// use spotsim::job::{EgressTable, MigrationCosts, MigrationOptions};
/// use spotsim::money::Rate;
/// let egress = EgressTable::empty().with_pair("us-east-1", "us-east-2", Rate::parse_usd("0.01")?);
/// let m = MigrationCosts::new(&["us-east-1c", "us-east-2b", "us-east-1a"], &MigrationOptions::new(50.0, egress))?;
/// assert_eq!((m.transfer_ms(0, 1), m.egress(0, 1).to_usd_string(2)), (7_811, "0.50".to_string()));
/// assert_eq!((m.transfer_ms(0, 2), m.egress(0, 2).to_usd_string(2)), (0, "0.00".to_string()));
/// // us-east-2 → us-east-1 is not in this table: the reference's rule, $0.01/GB.
/// assert_eq!(m.egress(1, 0).to_usd_string(2), "0.50");
/// assert_eq!(m.defaulted_pairs(), [("us-east-2".to_string(), "us-east-1".to_string())]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationCosts {
    zones: usize,
    transfer_ms: Vec<i64>,
    egress: Vec<Money>,
    regions: Vec<String>,
    defaulted: Vec<(String, String)>,
    options: Option<MigrationOptions>,
}

impl MigrationCosts {
    /// Free migrations between `zones` zones (the single-region model).
    pub fn none(zones: usize) -> MigrationCosts {
        MigrationCosts {
            zones,
            transfer_ms: vec![0; zones * zones],
            egress: vec![Money::ZERO; zones * zones],
            regions: (0..zones).map(|z| format!("zone-{z}")).collect(),
            defaulted: Vec::new(),
            options: None,
        }
    }

    /// The costs between the named zones (in market order).
    ///
    /// # Errors
    /// [`ConfigError`] for a negative or non-finite checkpoint size.
    pub fn new(
        zone_names: &[&str],
        opts: &MigrationOptions,
    ) -> Result<MigrationCosts, ConfigError> {
        let gb = opts.checkpoint_gb;
        if !gb.is_finite() || !(0.0..=1e9).contains(&gb) {
            return Err(ConfigError::new(
                "checkpoint-gb",
                format!("must be a non-negative number of GB, got {gb}"),
            ));
        }
        let n = zone_names.len();
        let mut transfer_ms = vec![0; n * n];
        let mut egress = vec![Money::ZERO; n * n];
        let mut defaulted = Vec::new();
        for (i, a) in zone_names.iter().enumerate() {
            for (j, b) in zone_names.iter().enumerate() {
                let rel = Relationship::of(a, b);
                if opts.count_transfer_time {
                    transfer_ms[i * n + j] = transfer_time_ms(rel, gb);
                }
                let (ra, rb) = (region_of_zone(a), region_of_zone(b));
                let (per_gb, dflt) = opts.egress.per_gb(ra, rb);
                if dflt && gb > 0.0 {
                    let pair = (ra.to_string(), rb.to_string());
                    if !defaulted.contains(&pair) {
                        defaulted.push(pair);
                    }
                }
                egress[i * n + j] = egress_money(per_gb, gb);
            }
        }
        Ok(MigrationCosts {
            zones: n,
            transfer_ms,
            egress,
            regions: zone_names
                .iter()
                .map(|z| region_of_zone(z).to_string())
                .collect(),
            defaulted,
            options: Some(opts.clone()),
        })
    }

    /// Number of zones.
    pub fn zones(&self) -> usize {
        self.zones
    }

    /// Additional transfer time from zone `from` to zone `to`, ms (0 out of range).
    #[inline]
    pub fn transfer_ms(&self, from: usize, to: usize) -> i64 {
        self.transfer_ms
            .get(from * self.zones + to)
            .copied()
            .unwrap_or(0)
    }

    /// Egress of the checkpoint from zone `from` to zone `to` (zero out of range).
    #[inline]
    pub fn egress(&self, from: usize, to: usize) -> Money {
        self.egress
            .get(from * self.zones + to)
            .copied()
            .unwrap_or(Money::ZERO)
    }

    /// The region of zone `z` (see [`region_of_zone`]).
    pub fn region(&self, z: usize) -> &str {
        self.regions.get(z).map_or("", String::as_str)
    }

    /// Region pairs not in the egress table (priced by its default).
    pub fn defaulted_pairs(&self) -> &[(String, String)] {
        &self.defaulted
    }

    /// The options the costs were built with (`None` for [`MigrationCosts::none`]).
    pub fn options(&self) -> Option<&MigrationOptions> {
        self.options.as_ref()
    }
}

/// `per_gb × gb`, rounded to the nano-dollar.
fn egress_money(per_gb: Rate, gb: f64) -> Money {
    Money::from_nano_usd((per_gb.nano_usd_per_hour() as f64 * gb).round() as i64)
}

/// A set of zones (indices 0–63), e.g. the zones a policy probes in a tick.
///
/// ```
/// use spotsim::job::ZoneSet;
/// let mut s = ZoneSet::EMPTY;
/// s.insert(2);
/// s.insert(0);
/// assert_eq!(s.iter().collect::<Vec<_>>(), [0, 2]);
/// assert!(s.contains(2) && !s.contains(1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ZoneSet(u64);

impl ZoneSet {
    /// No zone.
    pub const EMPTY: ZoneSet = ZoneSet(0);
    /// The largest number of zones a set can hold.
    pub const CAPACITY: usize = 64;

    /// Adds zone `z` (ignored at or past [`ZoneSet::CAPACITY`]).
    pub fn insert(&mut self, z: usize) {
        if z < Self::CAPACITY {
            self.0 |= 1 << z;
        }
    }

    /// Whether zone `z` is in the set.
    pub fn contains(self, z: usize) -> bool {
        z < Self::CAPACITY && self.0 & (1 << z) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The zones, in increasing order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..Self::CAPACITY).filter(move |&z| self.contains(z))
    }
}
