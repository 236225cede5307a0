//! Preparing a [`Scenario`]: reading and checking every input and building the market
//! and the fleet configuration (a [`Prepared`], which `prepared.rs` runs).

use std::borrow::Cow;

use super::values::{parse_max_price, parse_time};
use super::*;

/// The definition of the on-demand baseline, printed in every `run` report's
/// assumptions (the `report` module docs say the same).
pub const BASELINE_ASSUMPTION: &str = "on-demand baseline: what the same target would have cost on on-demand over the same horizon — the on-demand strategy on the same inputs, target and fleet settings (every unit on the cheapest on-demand type per capacity unit among the allowed pools, balanced over zones, same launch latency and billing); savings = 100 × (1 − cost / baseline), the same baseline for every strategy; read them beside availability and the cost per delivered unit-hour";

impl Scenario {
    /// Loads the catalog, reads and checks every input and builds the market and fleet
    /// configuration, without simulating (what `spotsim run` does before its first
    /// event).
    ///
    /// # Errors
    /// [`Error`] naming the file, line and field of the first bad input, or the option.
    pub fn prepare(&self) -> Result<Prepared, Error> {
        self.prepare_with(None)
    }

    /// [`Scenario::prepare`] for `compare`'s `--instance-types` without price files:
    /// the market is the instance types × zones (`--azs`, default the catalog Region's
    /// zone `a`), priced on-demand from the catalog; the spot price of each pool, from
    /// `start`, is its on-demand price less the Spot Instance Advisor's savings for the
    /// type (`--advisor`, the zones' Region and the product's OS), constant — or absent
    /// without `--advisor`, so that no spot pool can be launched into. `--capacity`
    /// files add capacity traces.
    ///
    /// # Errors
    /// As [`Scenario::prepare`]; also no instance types, a type without an advisor
    /// entry, or capacity files without spot prices.
    pub(crate) fn prepare_from_catalog(&self, start: SimTime) -> Result<Prepared, Error> {
        self.prepare_with(Some(start))
    }

    fn prepare_with(&self, catalog_market_from: Option<SimTime>) -> Result<Prepared, Error> {
        self.gates.validate()?;
        self.telemetry
            .validate(crate::telemetry::FLEET_METRICS, false)?;
        let strategies = self.strategies()?;
        let seed = self.sim.seed.unwrap_or(DEFAULT_SEED);
        let target = self.fleet.target.unwrap_or(DEFAULT_TARGET);
        if target == 0 {
            return Err(ConfigError::new("target", "must be at least 1 capacity unit").into());
        }
        if target > MAX_TARGET {
            return Err(ConfigError::new(
                "target",
                format!("{target}: at most {MAX_TARGET} capacity units"),
            )
            .into());
        }
        let mut cfg = FleetConfig::new(Target::Constant(target));
        cfg.seed = seed;
        if let Some(l) = self.sim.launch_latency {
            if !(0..=MAX_LAUNCH_LATENCY_SECS).contains(&l) {
                return Err(ConfigError::new(
                    "launch-latency",
                    format!("{l} s: must be between 0 and {MAX_LAUNCH_LATENCY_SECS} (a week)"),
                )
                .into());
            }
            cfg.launch_latency_secs = l;
        }
        cfg.start = self
            .fleet
            .start
            .as_deref()
            .map(|s| parse_time("start", s))
            .transpose()?;
        cfg.end = self
            .fleet
            .end
            .as_deref()
            .map(|s| parse_time("end", s))
            .transpose()?;
        if let (Some(a), Some(b)) = (cfg.start, cfg.end)
            && a >= b
        {
            return Err(
                ConfigError::new("start", format!("start {a} must be before end {b}")).into(),
            );
        }
        if let Some(v) = &self.fleet.victims {
            cfg.victims = VictimOrder::parse(v).map_err(|e| {
                crate::suggest::with_hint(e, v, &["random", "oldest-first", "newest-first"])
            })?;
        }
        if let Some(r) = &self.fleet.replace_on {
            cfg.replace_on = ReplaceOn::parse(r)
                .map_err(|e| crate::suggest::with_hint(e, r, &["termination", "notice"]))?;
        }
        cfg.ondemand = OnDemandSplit {
            base: self.fleet.ondemand_base.unwrap_or(0),
            above_base_pct: self.fleet.ondemand_above_base_pct.unwrap_or(0),
        };
        if cfg.ondemand.above_base_pct > 100 {
            return Err(ConfigError::new(
                "ondemand-above-base-pct",
                format!("{} %: must be 0..=100", cfg.ondemand.above_base_pct),
            )
            .into());
        }
        if let Some(a) = &self.fleet.ondemand_allocation {
            cfg.ondemand_allocation = OnDemandAllocation::parse(a)
                .map_err(|e| crate::suggest::with_hint(e, a, &["lowest-price", "prioritized"]))?;
        }
        cfg.max_price = self
            .fleet
            .max_price
            .as_deref()
            .map(parse_max_price)
            .transpose()?;
        if cfg.max_price.is_some()
            && strategies
                .iter()
                .all(|s| matches!(s, StrategySpec::OnDemand { .. }))
        {
            return Err(crate::options::not_applicable(
                "max-price",
                "spot capacity; the on-demand strategy launches none",
            )
            .into());
        }
        self.rebalancing(&mut cfg)?;
        let product = self
            .market
            .product
            .clone()
            .unwrap_or_else(|| "Linux/UNIX".to_string());
        crate::pricing::billing::ProductBilling::new(&product)?;
        let product_os = OperatingSystem::from_product_description(&product).ok_or_else(|| {
            ConfigError::new(
                "product",
                format!("`{product}` names no operating system the Price List prices"),
            )
        })?;

        let mut info = RunInfo {
            seed,
            launch_latency_secs: cfg.launch_latency_secs,
            ..RunInfo::default()
        };
        if self.traces.capacity.is_empty() {
            self.capacity_instance_type_applies(&[])?;
        }
        let base = self.catalog.load_shared()?;
        let synthetic = self.traces.prices.is_empty() && self.traces.probe_prices.is_none();
        let (mut market, pricing, spans) = if let Some(start) = catalog_market_from {
            let (m, pricing, description) =
                self.catalog_market(&base, &product, &product_os, start)?;
            info.data_description = Some(description);
            // No traces to take a horizon from: 30 days from `start` unless given
            // (compare sets its own horizon when it runs).
            cfg.start = cfg.start.or(Some(start));
            cfg.end = cfg.end.or(Some(start.plus(30 * crate::time::DAY)));
            (m, pricing, Vec::new())
        } else if synthetic {
            if !self.market.instance_types.is_empty()
                || !self.market.azs.is_empty()
                || !self.traces.capacity.is_empty()
            {
                return Err(ConfigError::new(
                    "prices",
                    "instance types, zones and capacity files select pools from price files; give --prices (or none of them to run the built-in default market)",
                )
                .into());
            }
            if product_os != OperatingSystem::Linux {
                return Err(ConfigError::new(
                    "product",
                    "the built-in default market is Linux/UNIX",
                )
                .into());
            }
            info.data_description = Some(format!(
                "built-in synthetic default market (synth::default_market, seed {seed}; calibrated from the eu-west-3a 2020 price history and the 2023 V100 capacity probes, with interruptions deliberately more frequent than Spot Advisor bands — see the synth module docs): no files read"
            ));
            let m = crate::synth::default_market(seed);
            let types = checks::market_types(&m);
            let pricing = self.price_types(&base, &product_os, &types)?;
            // The synthetic pools carry the built-in catalog's prices: price them from
            // the catalog in force (a --catalog file, --ondemand-price).
            let m = checks::reprice(&m, &pricing.catalog)?;
            (m, pricing, Vec::new())
        } else {
            let traces = self.read_traces()?;
            let spec = self.market_spec(&traces, &product)?;
            let pricing = self.price_types(&base, &product_os, &spec.instance_types)?;
            let m = build_market(&pricing.catalog, &spec, &traces.prices, &traces.capacity)?;
            let spans = traces.file_spans();
            (m, pricing, spans)
        };
        cfg.ondemand_os = pricing.os.clone();
        let catalog = &pricing.catalog;
        info.catalog = Some((
            catalog.region().to_string(),
            format!("{} ({} prices)", catalog.source(), pricing.os),
        ));
        self.apply_weights(&mut market, &mut info)?;
        if !pricing.missing.is_empty() {
            self.refuse_without_ondemand(&strategies, &cfg, &product, &pricing)?;
            info.ondemand_prices_unknown = true;
            info.warnings
                .push(checks::os_mismatch(&product_os, &pricing, catalog));
        }
        if let Some(r) = self.catalog.region_not_served(catalog) {
            info.warnings.push(checks::region_not_served(r, catalog));
        }
        if let Some(w) = checks::region_mismatch(&market, catalog) {
            info.warnings.push(w);
        }
        let market_region = checks::market_region(&market);
        cfg.hazard = self.hazard(
            &market,
            market_region.as_deref().unwrap_or(catalog.region()),
        )?;
        info.assumptions.push(if pricing.missing.is_empty() {
            BASELINE_ASSUMPTION.to_string()
        } else {
            format!("{BASELINE_ASSUMPTION}: n/a here, without {product_os} on-demand prices")
        });
        let horizon = checks::horizon(&market, &cfg)?;
        if let Some(w) = checks::trace_extrapolated(&spans, horizon) {
            info.warnings.push(w);
        }
        let interruptible = checks::Interruptible::new(&market, &cfg, horizon)?;
        let types = checks::market_types(&market);
        Ok(Prepared {
            market,
            cfg,
            strategies,
            instance_types: types,
            info,
            interruptible,
        })
    }

    /// The catalog the market is priced with: the product's OS selected and the
    /// `--ondemand-price` overrides applied — when it prices every type of the market.
    /// When it does not (a Windows run on a catalog with Linux prices only), the pools
    /// take their sizes from the Linux view and the run has no on-demand prices
    /// (`missing` lists the types without one): the fleet's [`FleetConfig::ondemand_os`]
    /// then says Linux, so that the engine applies no on-demand-derived rule.
    // The Cow itself is cloned, so that a borrowed built-in catalog stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn price_types(
        &self,
        base: &Cow<'static, Catalog>,
        product_os: &OperatingSystem,
        types: &[String],
    ) -> Result<checks::OndemandPricing, ConfigError> {
        let priced = self
            .catalog
            .priced_shared(base.clone(), product_os.clone())?;
        let missing: Vec<String> = types
            .iter()
            .filter(|t| priced.get(t).is_none())
            .cloned()
            .collect();
        if missing.is_empty() || *product_os == OperatingSystem::Linux {
            // For Linux a missing type is the market's "not in the catalog" error.
            return Ok(checks::OndemandPricing {
                catalog: priced,
                os: product_os.clone(),
                missing: Vec::new(),
            });
        }
        Ok(checks::OndemandPricing {
            catalog: Cow::Owned(base.with_os(OperatingSystem::Linux)),
            os: OperatingSystem::Linux,
            missing,
        })
    }

    /// Without on-demand prices for the product's OS, options that buy on-demand
    /// capacity or compare spot prices with on-demand prices cannot run: an error naming
    /// the option and what to give (never a figure computed with another OS's prices).
    fn refuse_without_ondemand(
        &self,
        strategies: &[StrategySpec],
        cfg: &FleetConfig,
        product: &str,
        pricing: &checks::OndemandPricing,
    ) -> Result<(), ConfigError> {
        let fix = format!(
            "the catalog has no `{product}` on-demand price for {}; give --ondemand-price TYPE=USD for each, or a --catalog with them",
            pricing.missing.join(", ")
        );
        for s in strategies {
            let why = match s {
                StrategySpec::Diversified { .. } => {
                    "diversified never uses a pool priced at or above on-demand"
                }
                StrategySpec::OnDemand { .. } => "the on-demand strategy buys on-demand capacity",
                _ => continue,
            };
            return Err(ConfigError::new("strategy", format!("{why}: {fix}")));
        }
        if cfg.ondemand.base > 0 || cfg.ondemand.above_base_pct > 0 {
            return Err(ConfigError::new(
                if cfg.ondemand.base > 0 {
                    "ondemand-base"
                } else {
                    "ondemand-above-base-pct"
                },
                format!("on-demand capacity needs on-demand prices: {fix}"),
            ));
        }
        if cfg.max_price.is_some_and(|m| m.needs_ondemand()) {
            return Err(ConfigError::new(
                "max-price",
                format!(
                    "a max price relative to on-demand needs on-demand prices: {fix}; or give the max price in USD"
                ),
            ));
        }
        Ok(())
    }

    fn rebalancing(&self, cfg: &mut FleetConfig) -> Result<(), ConfigError> {
        let lead = self.fleet.rebalance_lead.unwrap_or(600.0);
        crate::limits::f64_to_i64(
            "rebalance-lead",
            lead,
            1.0,
            crate::limits::MAX_LATENCY_SECS,
            "s (a week)",
        )?;
        let lead = match self.fleet.rebalance_lead_dist.as_deref() {
            None | Some("exponential") => LeadTime::Exponential(lead),
            Some("fixed") => LeadTime::Fixed(lead.round() as i64),
            Some(other) => {
                return Err(crate::suggest::unknown_value(
                    "rebalance-lead-dist",
                    other,
                    &["exponential", "fixed"],
                ));
            }
        };
        let fp = self.fleet.rebalance_false_rate.unwrap_or(0.0);
        if !fp.is_finite() || fp < 0.0 {
            return Err(ConfigError::new(
                "rebalance-false-rate",
                format!("{fp}: must be a non-negative rate"),
            ));
        }
        cfg.capacity_rebalance = match self.fleet.capacity_rebalance.as_deref() {
            None | Some("off") => CapacityRebalance::Off,
            Some("asg") => CapacityRebalance::Asg,
            Some("launch-before-terminate") => CapacityRebalance::LaunchBeforeTerminate {
                termination_delay_secs: self.fleet.termination_delay.unwrap_or(120),
            },
            Some(other) => {
                return Err(crate::suggest::unknown_value(
                    "capacity-rebalance",
                    other,
                    &["off", "asg", "launch-before-terminate"],
                ));
            }
        };
        if self.fleet.termination_delay.is_some()
            && !matches!(
                cfg.capacity_rebalance,
                CapacityRebalance::LaunchBeforeTerminate { .. }
            )
        {
            return Err(ConfigError::new(
                "termination-delay",
                "needs --capacity-rebalance launch-before-terminate",
            ));
        }
        let any = self.fleet.rebalance_lead.is_some()
            || self.fleet.rebalance_lead_dist.is_some()
            || self.fleet.rebalance_false_rate.is_some()
            || cfg.capacity_rebalance != CapacityRebalance::Off;
        if any {
            cfg.rebalance_signal = Some(RebalanceSignal {
                lead,
                false_per_1000_hours: fp,
            });
        }
        Ok(())
    }

    fn hazard(
        &self,
        market: &Market,
        catalog_region: &str,
    ) -> Result<Option<crate::engine::HazardModel>, Error> {
        match (&self.advisor.path, self.traces.interruption_rate) {
            (Some(_), Some(_)) => Err(ConfigError::new(
                "interruption-rate",
                "give either --advisor or --interruption-rate, not both",
            )
            .into()),
            (Some(path), None) => {
                let adv = ingest::read_advisor_file(path)?;
                let region = self.advisor.region.as_deref().unwrap_or(catalog_region);
                Ok(Some(
                    crate::hazard::from_advisor(market, &adv, region).map_err(|e| {
                        if adv.regions().contains(&region) {
                            e
                        } else {
                            crate::suggest::with_hint(e, region, &adv.regions())
                        }
                    })?,
                ))
            }
            (None, Some(pct)) => Ok(Some(crate::hazard::uniform(market, pct)?)),
            (None, None) => {
                if self.advisor.region.is_some() {
                    return Err(ConfigError::new(
                        "region",
                        "selects the --advisor region; give --advisor",
                    )
                    .into());
                }
                Ok(None)
            }
        }
    }

    fn apply_weights(&self, market: &mut Market, info: &mut RunInfo) -> Result<(), ConfigError> {
        let unit = self.fleet.target_unit.as_deref().unwrap_or("instances");
        let by_unit: fn(&InstanceType) -> u32 = match unit {
            "instances" => |_| 1,
            "vcpu" => |t| t.vcpu,
            "memory-gib" => |t| t.memory_mib / 1024,
            other => {
                return Err(crate::suggest::unknown_value(
                    "target-unit",
                    other,
                    &["instances", "vcpu", "memory-gib"],
                ));
            }
        };
        if unit == "memory-gib"
            && let Some(p) = market
                .pools()
                .iter()
                .find(|p| p.instance_type.memory_mib < 1024)
        {
            return Err(ConfigError::new(
                "target-unit",
                format!(
                    "{} has less than 1 GiB: give --weights",
                    p.instance_type.name
                ),
            ));
        }
        let mut explicit: Vec<(String, u32)> = Vec::new();
        for w in &self.fleet.weights {
            let Some((t, v)) = w.split_once('=') else {
                return Err(ConfigError::new(
                    "weights",
                    format!("`{w}`: expected TYPE=WEIGHT"),
                ));
            };
            let v: u32 = v.trim().parse().ok().filter(|v| *v > 0).ok_or_else(|| {
                ConfigError::new(
                    "weights",
                    format!("`{w}`: the weight must be a whole number ≥ 1"),
                )
            })?;
            if !market
                .pools()
                .iter()
                .any(|p| p.instance_type.name == t.trim())
            {
                return Err(ConfigError::new(
                    "weights",
                    format!("`{}` is not one of the scenario's instance types", t.trim()),
                ));
            }
            explicit.push((t.trim().to_string(), v));
        }
        market.set_weights(|t| {
            explicit
                .iter()
                .find(|(n, _)| *n == t.name)
                .map_or_else(|| by_unit(t), |(_, v)| *v)
        });
        info.target_unit = Some(if explicit.is_empty() {
            unit.to_string()
        } else {
            "weighted units".to_string()
        });
        if unit != "instances" || !explicit.is_empty() {
            let mut seen: Vec<String> = Vec::new();
            for p in market.pools() {
                let s = format!("{}={}", p.instance_type.name, p.weight);
                if !seen.contains(&s) {
                    seen.push(s);
                }
            }
            info.assumptions.push(format!(
                "capacity units per instance (WeightedCapacity): {}",
                seen.join(", ")
            ));
        }
        Ok(())
    }

    /// The market of [`Scenario::prepare_from_catalog`] and its description.
    #[allow(clippy::ptr_arg)] // passed on to `price_types`
    fn catalog_market(
        &self,
        base: &Cow<'static, Catalog>,
        product: &str,
        product_os: &OperatingSystem,
        start: SimTime,
    ) -> Result<(Market, checks::OndemandPricing, String), Error> {
        let types = &self.market.instance_types;
        if types.is_empty() {
            return Err(ConfigError::new(
                "instance-types",
                "give the instance types to price (or --prices to replay)",
            )
            .into());
        }
        let pricing = self.price_types(base, product_os, types)?;
        let catalog = &pricing.catalog;
        let zones: Vec<Zone> = if self.market.azs.is_empty() {
            vec![Zone::parse(&format!("{}a", catalog.region()))]
        } else {
            self.market
                .azs
                .iter()
                .map(|z| {
                    Zone::check(z.trim()).map_err(|m| ConfigError::new("azs", m))?;
                    Ok(Zone::parse(z))
                })
                .collect::<Result<_, ConfigError>>()?
        };
        let opts = CapacityOptions {
            instance_type: self.traces.capacity_instance_type.clone(),
            zone: None,
        };
        let capacity = self
            .traces
            .capacity
            .iter()
            .map(|p| ingest::read_capacity_file(p, &opts))
            .collect::<Result<Vec<_>, _>>()?;
        self.capacity_instance_type_applies(&capacity)?;
        let spec = MarketSpec {
            instance_types: types.clone(),
            zones: zones.clone(),
            product: product.to_string(),
            weights: Vec::new(),
        };
        let od_known = pricing.missing.is_empty();
        let mut description = format!(
            "EC2 market of the given instance types in {} from the catalog ({}, {})",
            zones
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            catalog.region(),
            catalog.source()
        );
        let Some(path) = self.advisor.path.as_ref().filter(|_| od_known) else {
            if !self.traces.capacity.is_empty() {
                return Err(ConfigError::new(
                    "capacity",
                    "capacity traces need spot prices: give --advisor (the Spot Advisor's savings price the spot pools) or --prices",
                )
                .into());
            }
            description
                .push_str(": no spot prices (no --advisor), so no spot pool can be launched into");
            let mut pools = Vec::new();
            for t in types {
                let it = catalog.get(t).ok_or_else(|| {
                    ConfigError::new(
                        "instance-types",
                        format!(
                            "`{t}` is not in the catalog ({}, {} types); give --catalog or --ondemand-price {t}=USD",
                            catalog.source(),
                            catalog.types().len()
                        ),
                    )
                })?;
                for z in &zones {
                    pools.push(crate::market::Pool {
                        instance_type: it.clone(),
                        zone: z.clone(),
                        weight: 1,
                    });
                }
            }
            return Ok((
                Market::new(pools, Vec::new(), Vec::new(), product),
                pricing,
                description,
            ));
        };
        let adv = ingest::read_advisor_file(path)?;
        let region = self
            .advisor
            .region
            .clone()
            .or_else(|| checks::zones_region(&zones))
            .unwrap_or_else(|| catalog.region().to_string());
        let os = crate::hazard::advisor_os(product);
        let mut series = Vec::new();
        let mut rows = Vec::new();
        for t in types {
            let od = catalog
                .get(t)
                .ok_or_else(|| {
                    ConfigError::new(
                        "instance-types",
                        format!("`{t}` is not in the catalog ({})", catalog.source()),
                    )
                })?
                .ondemand;
            let e = adv.get(&region, os, t).ok_or_else(|| {
                ConfigError::new(
                    "advisor",
                    format!(
                        "`{t}` has no {os} entry for {region} in {}",
                        adv.source.path
                    ),
                )
            })?;
            let spot = od.scale(i64::from(100 - e.savings_pct), 100);
            for z in &zones {
                rows.push(crate::ingest::PriceRow {
                    series: series.len() as u32,
                    time: start,
                    price: spot,
                    line: 0,
                });
                series.push(crate::ingest::SeriesKey {
                    zone: z.clone(),
                    instance_type: t.clone(),
                    product: product.to_string(),
                });
            }
        }
        let history = crate::ingest::PriceHistory {
            source: crate::market::SourceFile {
                path: format!("{} (savings over on-demand)", adv.source.path),
                sha256: adv.source.sha256.clone(),
                format: "spot-advisor-savings".to_string(),
                rows: rows.len() as u64,
            },
            series,
            rows,
        };
        description.push_str(&format!(
            "; spot prices = on-demand × (1 − the Spot Instance Advisor's savings for {region}, {os}), constant from {start} ({}: the advisor's savings are AWS's average over the last 30 days, not a trace)",
            adv.source.path
        ));
        let m = build_market(catalog, &spec, &[history], &capacity)?;
        Ok((m, pricing, description))
    }

    /// Reads every price and capacity file.
    fn read_traces(&self) -> Result<checks::Traces, Error> {
        let prices = self
            .traces
            .prices
            .iter()
            .map(|p| ingest::read_price_file(p))
            .collect::<Result<Vec<_>, _>>()?;
        let opts = CapacityOptions {
            instance_type: self.traces.capacity_instance_type.clone(),
            zone: None,
        };
        let capacity = self
            .traces
            .capacity
            .iter()
            .map(|p| ingest::read_capacity_file(p, &opts))
            .collect::<Result<Vec<_>, _>>()?;
        self.capacity_instance_type_applies(&capacity)?;
        let mut all_prices = prices;
        if let Some(pp) = &self.traces.probe_prices {
            let csvs: Vec<&Path> = self.traces.capacity.iter().map(PathBuf::as_path).collect();
            if csvs.is_empty() {
                return Err(ConfigError::new(
                    "probe-prices",
                    "per-probe prices need the availability CSVs they align with, given as --capacity",
                )
                .into());
            }
            all_prices.push(ingest::read_probe_prices(
                pp,
                &csvs,
                self.traces.capacity_instance_type.as_deref(),
            )?);
        }
        Ok(checks::Traces {
            prices: all_prices,
            capacity,
        })
    }

    /// `--capacity-instance-type` names the type of availability CSVs: an error when
    /// none of the capacity files is one (or none is given), as every option that does
    /// not apply is.
    fn capacity_instance_type_applies(
        &self,
        capacity: &[ingest::CapacityHistory],
    ) -> Result<(), ConfigError> {
        let availability = capacity
            .iter()
            .any(|c| c.source.format == "availability-csv");
        if self.traces.capacity_instance_type.is_some() && !availability {
            return Err(crate::options::not_applicable(
                "capacity-instance-type",
                "availability CSVs (date,availability) given as --capacity, and none is",
            ));
        }
        Ok(())
    }

    /// The pools to build: the given types and zones, or every one the price files
    /// have rows of the product for.
    fn market_spec(&self, traces: &checks::Traces, product: &str) -> Result<MarketSpec, Error> {
        let mut types = self.market.instance_types.clone();
        let mut zones: Vec<Zone> = self
            .market
            .azs
            .iter()
            .map(|z| {
                Zone::check(z.trim()).map_err(|m| ConfigError::new("azs", m))?;
                Ok(Zone::parse(z))
            })
            .collect::<Result<_, ConfigError>>()?;
        if types.is_empty() || zones.is_empty() {
            let mut ts = std::collections::BTreeSet::new();
            let mut zs = std::collections::BTreeSet::new();
            for h in &traces.prices {
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
        Ok(MarketSpec {
            instance_types: types,
            zones,
            product: product.to_string(),
            weights: Vec::new(),
        })
    }
}
