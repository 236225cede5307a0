//! The scenario: everything one `spotsim run` needs — traces, pools, fleet, strategy —
//! as a TOML file whose keys are the command-line flags' names (`instance-types`,
//! `launch-latency`, …). Flags override the file; paths in a file are relative to the
//! file's directory.
//!
//! ```toml
//! prices = ["prices.csv"]
//! capacity = ["capacity.csv"]
//! instance-types = ["m5.large", "m6i.large"]
//! azs = ["us-east-1a", "us-east-1b"]
//! strategy = "capacity-optimized"
//! target = 20
//! seed = 7
//! ```
//!
//! With no price file, the scenario runs on the built-in synthetic default market
//! (`synth::default_market`): 12 pools over 30 days, no download needed.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::engine::{FleetConfig, ReplaceOn, Simulation, Target, VictimOrder};
use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::ingest::{self, CapacityOptions};
use crate::market::{Market, MarketSpec, Zone, build_market};
use crate::report::{Format, Report, RunInfo};
use crate::strategy::{AllocationStrategy, CapacityOptimized, LowestPrice};
use crate::time::SimTime;

/// Default seed of the built-in scenario.
pub const DEFAULT_SEED: u64 = 1;
/// Default target of the built-in scenario, in instances.
pub const DEFAULT_TARGET: u32 = 20;

/// A scenario: every option of `spotsim run`. Unset options take their defaults.
///
/// ```
/// use spotsim::scenario::Scenario;
/// let s = Scenario::from_toml_str("target = 5\nstrategy = \"capacity-optimized\"\n", "s.toml").unwrap();
/// assert_eq!(s.target, Some(5));
/// assert!(Scenario::from_toml_str("tagret = 5\n", "s.toml").is_err(), "unknown keys are errors");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scenario {
    /// Spot price history files (AWS CLI CSV or JSON, AZ-ID TSV).
    #[serde(default)]
    pub prices: Vec<PathBuf>,
    /// Per-probe prices JSON aligned with availability CSVs given as `capacity`.
    pub probe_prices: Option<PathBuf>,
    /// Capacity traces (spotsim CSV, or availability CSVs).
    #[serde(default)]
    pub capacity: Vec<PathBuf>,
    /// Instance type of availability CSVs whose file name does not tell it.
    pub capacity_instance_type: Option<String>,
    /// Catalog CSV (default: the built-in us-east-1 catalog).
    pub catalog: Option<PathBuf>,
    /// Region of the catalog CSV's prices (default `us-east-1`).
    pub catalog_region: Option<String>,
    /// Instance types (default: every type in the price files).
    #[serde(default)]
    pub instance_types: Vec<String>,
    /// Availability zones, names or IDs (default: every zone in the price files).
    #[serde(default)]
    pub azs: Vec<String>,
    /// Product description (default `Linux/UNIX`).
    pub product: Option<String>,
    /// Strategy name(s): `lowest-price`, `capacity-optimized` (a string or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    pub strategy: Vec<String>,
    /// Instances to maintain.
    pub target: Option<u32>,
    /// Horizon start, RFC 3339 (default: the first change point).
    pub start: Option<String>,
    /// Horizon end, RFC 3339 (default: the last change point).
    pub end: Option<String>,
    /// Launch latency, seconds.
    pub launch_latency: Option<i64>,
    /// Seed.
    pub seed: Option<u64>,
    /// Output format: `table`, `json`, `csv`.
    pub output: Option<String>,
    /// lowest-price: end and replace instances when a cheaper pool appears.
    pub price_replacement: Option<bool>,
    /// Which instances a capacity drop reclaims: `random`, `oldest-first`, `newest-first`.
    pub victims: Option<String>,
    /// Replace interrupted instances on `termination` or on `notice`.
    pub replace_on: Option<String>,
}

/// Accepts `strategy = "x"` as well as `strategy = ["x", "y"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Strategy names `spotsim run` accepts.
pub const STRATEGIES: &[&str] = &["lowest-price", "capacity-optimized"];

impl Scenario {
    /// Parses a scenario from TOML text; `name` is used in errors.
    ///
    /// # Errors
    /// [`ConfigError`] with the file name, the TOML line and column, and the key.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Scenario, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| line_col(text, s.start))
                .unwrap_or((0, 0));
            ConfigError::new(
                "scenario",
                format!("line {line}, column {col}: {}", e.message()),
            )
            .in_file(name)
        })
    }

    /// Reads a scenario file; relative paths inside it are resolved against its directory.
    ///
    /// # Errors
    /// [`Error::Input`] if the file cannot be read, [`Error::Config`] if it is not a
    /// valid scenario.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::new(&name, InputErrorKind::Io, format!("cannot read: {e}")))?;
        let mut s = Scenario::from_toml_str(&text, &name)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        s.prices.iter_mut().for_each(fix);
        s.capacity.iter_mut().for_each(fix);
        s.probe_prices.iter_mut().for_each(fix);
        s.catalog.iter_mut().for_each(fix);
        Ok(s)
    }

    /// This scenario with every option set in `flags` taking precedence.
    ///
    /// ```
    /// use spotsim::scenario::Scenario;
    /// let file = Scenario { target: Some(5), seed: Some(3), ..Default::default() };
    /// let flags = Scenario { target: Some(9), ..Default::default() };
    /// let s = file.overlay(flags);
    /// assert_eq!((s.target, s.seed), (Some(9), Some(3)));
    /// ```
    pub fn overlay(self, flags: Scenario) -> Scenario {
        fn v<T>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
            if b.is_empty() { a } else { b }
        }
        Scenario {
            prices: v(self.prices, flags.prices),
            probe_prices: flags.probe_prices.or(self.probe_prices),
            capacity: v(self.capacity, flags.capacity),
            capacity_instance_type: flags.capacity_instance_type.or(self.capacity_instance_type),
            catalog: flags.catalog.or(self.catalog),
            catalog_region: flags.catalog_region.or(self.catalog_region),
            instance_types: v(self.instance_types, flags.instance_types),
            azs: v(self.azs, flags.azs),
            product: flags.product.or(self.product),
            strategy: v(self.strategy, flags.strategy),
            target: flags.target.or(self.target),
            start: flags.start.or(self.start),
            end: flags.end.or(self.end),
            launch_latency: flags.launch_latency.or(self.launch_latency),
            seed: flags.seed.or(self.seed),
            output: flags.output.or(self.output),
            price_replacement: flags.price_replacement.or(self.price_replacement),
            victims: flags.victims.or(self.victims),
            replace_on: flags.replace_on.or(self.replace_on),
        }
    }

    /// The output format (default table).
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown format.
    pub fn format(&self) -> Result<Format, ConfigError> {
        self.output.as_deref().map_or(Ok(Format::Table), Format::parse)
    }

    /// Loads the catalog, reads and checks every input and builds the market, without
    /// simulating (what `spotsim run` does before its first event).
    ///
    /// # Errors
    /// [`Error`] naming the file, line and field of the first bad input, or the option.
    pub fn prepare(&self) -> Result<Prepared, Error> {
        let strategies = self.strategy_names()?;
        let seed = self.seed.unwrap_or(DEFAULT_SEED);
        let target = self.target.unwrap_or(DEFAULT_TARGET);
        if target == 0 {
            return Err(ConfigError::new("target", "must be at least 1 instance").into());
        }
        let mut cfg = FleetConfig::new(Target::Constant(target));
        cfg.seed = seed;
        if let Some(l) = self.launch_latency {
            if l < 0 {
                return Err(ConfigError::new("launch-latency", format!("{l} s: must not be negative")).into());
            }
            cfg.launch_latency_secs = l;
        }
        cfg.start = self.start.as_deref().map(|s| parse_time("start", s)).transpose()?;
        cfg.end = self.end.as_deref().map(|s| parse_time("end", s)).transpose()?;
        if let (Some(a), Some(b)) = (cfg.start, cfg.end) {
            if a >= b {
                return Err(ConfigError::new("start", format!("start {a} must be before end {b}")).into());
            }
        }
        if let Some(v) = &self.victims {
            cfg.victims = VictimOrder::parse(v)?;
        }
        if let Some(r) = &self.replace_on {
            cfg.replace_on = ReplaceOn::parse(r)?;
        }
        let product = self.product.clone().unwrap_or_else(|| "Linux/UNIX".to_string());
        crate::pricing::billing::ProductBilling::new(&product)?;

        let mut info = RunInfo {
            seed,
            launch_latency_secs: cfg.launch_latency_secs,
            ..RunInfo::default()
        };
        let market = if self.prices.is_empty() && self.probe_prices.is_none() {
            if !self.instance_types.is_empty() || !self.azs.is_empty() || !self.capacity.is_empty() {
                return Err(ConfigError::new(
                    "prices",
                    "instance types, zones and capacity files select pools from price files; give --prices (or none of them to run the built-in default market)",
                )
                .into());
            }
            if self.product.is_some() && product != "Linux/UNIX" {
                return Err(ConfigError::new("product", "the built-in default market is Linux/UNIX").into());
            }
            let cat = Catalog::builtin();
            info.catalog = Some((cat.region().to_string(), cat.source().to_string()));
            info.data_description = Some(format!(
                "built-in synthetic default market (synth::default_market, seed {seed}): no files read"
            ));
            crate::synth::default_market(seed)
        } else {
            let catalog = match &self.catalog {
                Some(p) => Catalog::from_csv_path(p, self.catalog_region.as_deref().unwrap_or("us-east-1"))?,
                None => Catalog::builtin(),
            };
            info.catalog = Some((catalog.region().to_string(), catalog.source().to_string()));
            self.load_market(&catalog, &product)?
        };
        if product != "Linux/UNIX" {
            info.assumptions.push(format!(
                "on-demand prices are the catalog's Linux prices; the on-demand baseline for `{product}` omits its licence fee"
            ));
        }
        Ok(Prepared {
            market,
            cfg,
            strategies,
            price_replacement: self.price_replacement,
            info,
        })
    }

    fn strategy_names(&self) -> Result<Vec<String>, ConfigError> {
        let names = if self.strategy.is_empty() {
            vec!["lowest-price".to_string()]
        } else {
            self.strategy.clone()
        };
        for n in &names {
            if !STRATEGIES.contains(&n.as_str()) {
                return Err(ConfigError::new(
                    "strategy",
                    format!("unknown strategy `{n}`; valid: {}", STRATEGIES.join(", ")),
                ));
            }
        }
        Ok(names)
    }

    fn load_market(&self, catalog: &Catalog, product: &str) -> Result<Market, Error> {
        let prices = self
            .prices
            .iter()
            .map(|p| ingest::read_price_file(p))
            .collect::<Result<Vec<_>, _>>()?;
        let opts = CapacityOptions {
            instance_type: self.capacity_instance_type.clone(),
            zone: None,
        };
        let capacity = self
            .capacity
            .iter()
            .map(|p| ingest::read_capacity_file(p, &opts))
            .collect::<Result<Vec<_>, _>>()?;
        let mut all_prices = prices;
        if let Some(pp) = &self.probe_prices {
            let csvs: Vec<&Path> = self.capacity.iter().map(PathBuf::as_path).collect();
            if csvs.is_empty() {
                return Err(ConfigError::new(
                    "probe-prices",
                    "per-probe prices need the availability CSVs they align with, given as --capacity",
                )
                .into());
            }
            all_prices.push(ingest::read_probe_prices(pp, &csvs, self.capacity_instance_type.as_deref())?);
        }
        let mut types = self.instance_types.clone();
        let mut zones: Vec<Zone> = self.azs.iter().map(|z| Zone::parse(z)).collect();
        if types.is_empty() || zones.is_empty() {
            let mut ts = std::collections::BTreeSet::new();
            let mut zs = std::collections::BTreeSet::new();
            for h in &all_prices {
                for k in h.series.iter().filter(|k| k.product == product) {
                    ts.insert(k.instance_type.clone());
                    zs.insert(k.zone.clone());
                }
            }
            if types.is_empty() {
                types = ts.into_iter().collect();
            }
            if zones.is_empty() {
                zones = zs.into_iter().collect();
            }
            if types.is_empty() {
                return Err(ConfigError::new(
                    "product",
                    format!("no `{product}` rows in the price files"),
                )
                .into());
            }
        }
        let spec = MarketSpec {
            instance_types: types,
            zones,
            product: product.to_string(),
            weights: Vec::new(),
        };
        build_market(catalog, &spec, &all_prices, &capacity)
    }

    /// Prepares and runs every strategy; one report each, in the order given.
    ///
    /// # Errors
    /// As [`Scenario::prepare`], or an impossible horizon.
    pub fn run(&self) -> Result<Vec<Report>, Error> {
        let prepared = self.prepare()?;
        prepared.run(&mut |_, _| {})
    }
}

/// A scenario with its inputs read and checked, ready to simulate.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The market.
    pub market: Market,
    /// The fleet configuration.
    pub cfg: FleetConfig,
    /// Strategy names, in order.
    pub strategies: Vec<String>,
    /// lowest-price's price-driven replacement, when set.
    pub price_replacement: Option<bool>,
    /// Provenance facts for the report.
    pub info: RunInfo,
}

impl Prepared {
    /// Runs each strategy (in parallel when there are several; results are identical to
    /// a sequential run) and returns one report per strategy, in order.
    ///
    /// # Errors
    /// [`Error::Config`] for an impossible horizon.
    pub fn run(&self, progress: &mut (dyn FnMut(SimTime, SimTime) + Send)) -> Result<Vec<Report>, Error> {
        if self.strategies.len() == 1 {
            return Ok(vec![self.run_one(&self.strategies[0], progress)?]);
        }
        use rayon::prelude::*;
        self.strategies
            .par_iter()
            .map(|n| self.run_one(n, &mut |_, _| {}))
            .collect()
    }

    fn run_one(&self, name: &str, progress: &mut dyn FnMut(SimTime, SimTime)) -> Result<Report, Error> {
        let strategy: Box<dyn AllocationStrategy + Send> = match name {
            "capacity-optimized" => Box::new(CapacityOptimized),
            _ => Box::new(LowestPrice::new(self.price_replacement.unwrap_or(true))),
        };
        let outcome = Simulation::new(&self.market, self.cfg.clone(), strategy).run_with_progress(progress)?;
        Ok(Report::new(&self.market, &outcome, self.info.clone()))
    }
}

fn parse_time(option: &str, s: &str) -> Result<SimTime, ConfigError> {
    SimTime::parse_rfc3339(s).map_err(|e| ConfigError::new(option, format!("`{s}`: {e}")))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}
