//! The market a deadline job runs against: one tick trace per zone with resolved spot
//! and on-demand prices ([`JobMarket`], [`MarketOptions`]). Split out of `tick` (the
//! tick loop) so each file owns one concept.
use crate::error::ConfigError;
use crate::market::SourceFile;
use crate::money::{Money, Rate};

use super::multi_region::{MigrationCosts, MigrationOptions};
use super::tick::JobSpec;
use super::trace::JobTrace;
/// Prices and availability threshold for [`JobMarket::new`].
///
/// ```
/// use spotsim::job::MarketOptions;
/// use spotsim::money::Rate;
/// let o = MarketOptions::prices(Rate::parse_usd("0.9731")?, Rate::parse_usd("3.06")?);
/// assert_eq!(o.gang, 1);
/// # Ok::<(), spotsim::money::MoneyError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketOptions {
    /// A constant spot price for every zone; replaces the traces' own prices.
    pub spot_price: Option<Rate>,
    /// The on-demand price for every zone; replaces the traces' `price_info`.
    pub ondemand_price: Option<Rate>,
    /// Spot is available in a tick when the trace's count is at least this (≥ 1).
    pub gang: u32,
}

impl Default for MarketOptions {
    fn default() -> Self {
        MarketOptions {
            spot_price: None,
            ondemand_price: None,
            gang: 1,
        }
    }
}

impl MarketOptions {
    /// Both prices given.
    pub fn prices(spot: Rate, ondemand: Rate) -> MarketOptions {
        MarketOptions {
            spot_price: Some(spot),
            ondemand_price: Some(ondemand),
            gang: 1,
        }
    }

    /// Only the on-demand price given (spot prices come from the traces).
    pub fn ondemand(ondemand: Rate) -> MarketOptions {
        MarketOptions {
            ondemand_price: Some(ondemand),
            ..MarketOptions::default()
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct ZoneData {
    pub(super) name: String,
    pub(super) avail: Vec<bool>,
    pub(super) spot: Vec<Rate>,
    pub(super) ondemand: Rate,
}

/// One or more zones' tick traces with resolved prices: what a job runs against. Built
/// once, shared read-only across windows (it is `Sync`).
///
/// ```
/// use spotsim::job::{JobMarket, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// let a = JobTrace::new(600, vec![1, 0, 1])?.with_zone("a");
/// let e = JobMarket::single(&a, &MarketOptions::default()).unwrap_err();
/// assert!(e.to_string().contains("spot price"));
/// let m = JobMarket::single(&a, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// assert_eq!((m.ticks(), m.zones(), m.spot_available(0, 1)), (3, 1, false));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct JobMarket {
    pub(super) gap_secs: i64,
    pub(super) ticks: usize,
    pub(super) zones: Vec<ZoneData>,
    sources: Vec<SourceFile>,
    pub(super) migration: MigrationCosts,
}

impl JobMarket {
    /// A market of one zone per trace, in the given order (policies see zone `i` as
    /// `traces[i]`). Prices per zone: spot from [`MarketOptions::spot_price`], else the
    /// trace's per-tick `prices`, else its `price_info` spot price; on-demand from
    /// [`MarketOptions::ondemand_price`], else the trace's `price_info`. The market has
    /// as many ticks as the shortest trace (traces are aligned at tick 0).
    ///
    /// # Errors
    /// [`ConfigError`] when no trace is given, the gaps differ, known start times differ,
    /// `gang` is 0, or a zone has no spot or no on-demand price.
    pub fn new(traces: &[JobTrace], opts: &MarketOptions) -> Result<JobMarket, ConfigError> {
        let Some(first) = traces.first() else {
            return Err(ConfigError::new("trace", "no trace given"));
        };
        if opts.gang == 0 {
            return Err(ConfigError::new("gang", "must be at least 1"));
        }
        let gap_secs = first.gap_secs;
        let mut ticks = usize::MAX;
        let mut zones = Vec::with_capacity(traces.len());
        let mut sources = Vec::new();
        for t in traces {
            if t.gap_secs != gap_secs {
                return Err(ConfigError::new(
                    "trace",
                    format!(
                        "{} has ticks of {} s but {} has {} s; all zones need the same gap",
                        t.source.path, t.gap_secs, first.source.path, gap_secs
                    ),
                ));
            }
            if let (Some(a), Some(b)) = (t.start, first.start)
                && a != b
            {
                return Err(ConfigError::new(
                    "trace",
                    format!(
                        "{} starts at {a} but {} at {b}; zones must be aligned at tick 0",
                        t.source.path, first.source.path
                    ),
                ));
            }
            ticks = ticks.min(t.ticks());
            let spot = if let Some(p) = opts.spot_price {
                vec![p; t.ticks()]
            } else if let Some(p) = &t.prices {
                p.clone()
            } else if let Some(p) = t.spot_price {
                vec![p; t.ticks()]
            } else {
                return Err(ConfigError::new(
                    "spot-price",
                    format!(
                        "{} (zone {}) has no spot prices (no `prices` array, no \
                         price_info); give a spot price",
                        t.source.path, t.zone
                    ),
                ));
            };
            let ondemand = opts.ondemand_price.or(t.ondemand_price).ok_or_else(|| {
                ConfigError::new(
                    "ondemand-price",
                    format!(
                        "{} (zone {}) has no on-demand price (no price_info); give an \
                         on-demand price",
                        t.source.path, t.zone
                    ),
                )
            })?;
            zones.push(ZoneData {
                name: t.zone.clone(),
                avail: t.available.iter().map(|&v| v >= opts.gang).collect(),
                spot,
                ondemand,
            });
            sources.push(t.source.clone());
            if let Some(p) = &t.price_source {
                sources.push(p.clone());
            }
        }
        for z in &mut zones {
            z.avail.truncate(ticks);
            z.spot.truncate(ticks);
        }
        let migration = MigrationCosts::none(zones.len());
        Ok(JobMarket {
            gap_secs,
            ticks,
            zones,
            sources,
            migration,
        })
    }

    /// A one-zone market.
    ///
    /// # Errors
    /// As [`JobMarket::new`].
    pub fn single(trace: &JobTrace, opts: &MarketOptions) -> Result<JobMarket, ConfigError> {
        JobMarket::new(std::slice::from_ref(trace), opts)
    }

    /// The market with migration costs between its zones (the multi-region model of
    /// [`multi_region`](super::multi_region)), built from the zone names.
    ///
    /// # Errors
    /// As [`MigrationCosts::new`].
    ///
    /// ```
    /// use spotsim::job::{EgressTable, JobMarket, JobTrace, MarketOptions, MigrationOptions};
    /// use spotsim::money::Rate;
    /// let a = JobTrace::new(600, vec![1; 4])?.with_zone("us-east-1c");
    /// let b = JobTrace::new(600, vec![1; 4])?.with_zone("us-west-2a");
    /// let m = JobMarket::new(&[a, b], &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?
    ///     .with_migration(&MigrationOptions::new(50.0, EgressTable::empty()))?;
    /// assert_eq!(m.migration().transfer_ms(0, 1), 7_811);
    /// assert_eq!(m.migration().egress(1, 0).to_usd_string(2), "1.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_migration(mut self, opts: &MigrationOptions) -> Result<JobMarket, ConfigError> {
        let names: Vec<&str> = self.zones.iter().map(|z| z.name.as_str()).collect();
        self.migration = MigrationCosts::new(&names, opts)?;
        Ok(self)
    }

    /// Migration costs between the zones ([`MigrationCosts::none`] unless set with
    /// [`JobMarket::with_migration`]).
    pub fn migration(&self) -> &MigrationCosts {
        &self.migration
    }

    /// Tick length `G`, seconds.
    pub fn gap_secs(&self) -> i64 {
        self.gap_secs
    }

    /// Ticks in the market (the shortest trace's).
    pub fn ticks(&self) -> usize {
        self.ticks
    }

    /// Number of zones.
    pub fn zones(&self) -> usize {
        self.zones.len()
    }

    /// The name of zone `z` (the trace's zone).
    pub fn zone_name(&self, z: usize) -> Option<&str> {
        self.zones.get(z).map(|d| d.name.as_str())
    }

    /// Whether spot is available in zone `z` during tick `tick` of the full trace
    /// (`false` out of range).
    pub fn spot_available(&self, z: usize, tick: usize) -> bool {
        self.zones
            .get(z)
            .and_then(|d| d.avail.get(tick))
            .copied()
            .unwrap_or(false)
    }

    /// The spot price of zone `z` in tick `tick`.
    pub fn spot_price(&self, z: usize, tick: usize) -> Option<Rate> {
        self.zones.get(z).and_then(|d| d.spot.get(tick)).copied()
    }

    /// The on-demand price of zone `z`.
    pub fn ondemand_price(&self, z: usize) -> Option<Rate> {
        self.zones.get(z).map(|d| d.ondemand)
    }

    /// The input files (provenance for reports).
    pub fn sources(&self) -> &[SourceFile] {
        &self.sources
    }

    /// The fraction of ticks with spot available in zone `z`.
    pub fn availability(&self, z: usize) -> f64 {
        self.zones.get(z).map_or(0.0, |d| {
            d.avail.iter().filter(|&&a| a).count() as f64 / d.avail.len().max(1) as f64
        })
    }

    /// Number of valid window starts for `spec`: starts `0..n` leave `⌈D/G⌉` ticks.
    pub fn valid_starts(&self, spec: &JobSpec) -> usize {
        (self.ticks + 1).saturating_sub(spec.ticks(self.gap_secs))
    }

    /// The on-demand-only baseline of deadline-jobs.md: `(W + d) ×` the lowest on-demand
    /// price among the zones (exact to `1e-9/3.6e6/1024` USD: a millisecond at a rate is
    /// rounded half up to the money unit, exact when `W + d` is a multiple of 125 ms).
    pub fn ondemand_only_cost(&self, spec: &JobSpec) -> Money {
        let od = self
            .zones
            .iter()
            .map(|z| z.ondemand)
            .min()
            .unwrap_or(Rate::ZERO);
        money_for_ms(od, spec.work_ms + spec.overhead_ms)
    }
}

/// `rate × ms`, rounded half up to the money unit (`units = nano × ms × 1024 / 1000`).
pub(crate) fn money_for_ms(rate: Rate, ms: i64) -> Money {
    let p = i128::from(rate.nano_usd_per_hour()) * i128::from(ms) * 128;
    Money::from_units((2 * p + 125) / 250)
}
