//! Preparing a [`Scenario`]: reading and checking every input, building the market
//! and the fleet configuration ([`Prepared`]), and running it.

use super::*;

impl Scenario {
    /// Loads the catalog, reads and checks every input and builds the market and fleet
    /// configuration, without simulating (what `spotsim run` does before its first
    /// event).
    ///
    /// # Errors
    /// [`Error`] naming the file, line and field of the first bad input, or the option.
    pub fn prepare(&self) -> Result<Prepared, Error> {
        self.gates.validate()?;
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
        if self.catalog.region.is_some() && self.catalog.path.is_none() {
            return Err(ConfigError::new(
                "catalog-region",
                "names the region of a --catalog file; the built-in catalog is us-east-1",
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
        if let (Some(a), Some(b)) = (cfg.start, cfg.end) {
            if a >= b {
                return Err(
                    ConfigError::new("start", format!("start {a} must be before end {b}")).into(),
                );
            }
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
        self.rebalancing(&mut cfg)?;
        let product = self
            .market
            .product
            .clone()
            .unwrap_or_else(|| "Linux/UNIX".to_string());
        crate::pricing::billing::ProductBilling::new(&product)?;
        if !product.starts_with("Linux/UNIX") {
            // The catalog holds Linux on-demand prices only: rules that compare a spot
            // price with the on-demand price would compare unlike things.
            if strategies
                .iter()
                .any(|s| matches!(s, StrategySpec::Diversified { .. }))
            {
                return Err(ConfigError::new(
                    "strategy",
                    format!("diversified compares spot prices with on-demand prices, which the catalog has only for Linux; `{product}` spot prices include a licence"),
                )
                .into());
            }
            if matches!(cfg.max_price, Some(MaxPrice::PctOfOnDemand(_))) {
                return Err(ConfigError::new(
                    "max-price",
                    format!("a percentage of on-demand needs `{product}` on-demand prices; the catalog has Linux ones: give a price in USD"),
                )
                .into());
            }
        }

        let mut info = RunInfo {
            seed,
            launch_latency_secs: cfg.launch_latency_secs,
            ..RunInfo::default()
        };
        let (mut market, catalog) = if self.traces.prices.is_empty()
            && self.traces.probe_prices.is_none()
        {
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
            if product != "Linux/UNIX" {
                return Err(ConfigError::new(
                    "product",
                    "the built-in default market is Linux/UNIX",
                )
                .into());
            }
            let cat = Catalog::builtin();
            info.data_description = Some(format!(
                "built-in synthetic default market (synth::default_market, seed {seed}; calibrated from the eu-west-3a 2020 price history and the 2023 V100 capacity probes, with interruptions deliberately more frequent than Spot Advisor bands — see the synth module docs): no files read"
            ));
            (crate::synth::default_market(seed), cat)
        } else {
            let catalog = match &self.catalog.path {
                Some(p) => Catalog::from_csv_path(
                    p,
                    self.catalog.region.as_deref().unwrap_or("us-east-1"),
                )?,
                None => Catalog::builtin(),
            };
            let m = self.load_market(&catalog, &product)?;
            (m, catalog)
        };
        info.catalog = Some((catalog.region().to_string(), catalog.source().to_string()));
        self.apply_weights(&mut market, &mut info)?;
        if product != "Linux/UNIX" {
            info.assumptions.push(format!(
                "on-demand prices are the catalog's Linux prices; the on-demand baseline for `{product}` omits its licence fee"
            ));
        }
        cfg.hazard = self.hazard(&market, catalog.region())?;
        let types: Vec<String> = {
            let mut v: Vec<String> = Vec::new();
            for p in market.pools() {
                if !v.contains(&p.instance_type.name) {
                    v.push(p.instance_type.name.clone());
                }
            }
            v
        };
        Ok(Prepared {
            market,
            cfg,
            strategies,
            instance_types: types,
            info,
        })
    }

    fn rebalancing(&self, cfg: &mut FleetConfig) -> Result<(), ConfigError> {
        let lead = self.fleet.rebalance_lead.unwrap_or(600.0);
        if !lead.is_finite() || lead < 0.0 {
            return Err(ConfigError::new(
                "rebalance-lead",
                format!("{lead}: must be a non-negative number of seconds"),
            ));
        }
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
        if unit == "memory-gib" {
            if let Some(p) = market
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

    fn load_market(&self, catalog: &Catalog, product: &str) -> Result<Market, Error> {
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
        let mut types = self.market.instance_types.clone();
        let mut zones: Vec<Zone> = self.market.azs.iter().map(|z| Zone::parse(z)).collect();
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
}

/// A scenario with its inputs read and checked, ready to simulate.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The market.
    pub market: Market,
    /// The fleet configuration.
    pub cfg: FleetConfig,
    /// The strategies, in order.
    pub strategies: Vec<StrategySpec>,
    /// The market's instance types in priority order.
    pub instance_types: Vec<String>,
    /// Provenance facts for the report.
    pub info: RunInfo,
}

impl Prepared {
    /// Runs each strategy (in parallel when there are several; each run is independent
    /// and seeded alike, so results are identical to a sequential run) and returns one
    /// report per strategy, in order.
    ///
    /// # Errors
    /// [`Error::Config`] for an impossible horizon.
    pub fn run(
        &self,
        progress: &mut (dyn FnMut(SimTime, SimTime) + Send),
    ) -> Result<Vec<Report>, Error> {
        if self.strategies.len() == 1 {
            return Ok(vec![self.run_one(&self.strategies[0], progress)?]);
        }
        use rayon::prelude::*;
        self.strategies
            .par_iter()
            .map(|s| self.run_one(s, &mut |_, _| {}))
            .collect()
    }

    fn run_one(
        &self,
        spec: &StrategySpec,
        progress: &mut dyn FnMut(SimTime, SimTime),
    ) -> Result<Report, Error> {
        let strategy = spec.build(&self.instance_types);
        let outcome = Simulation::new(&self.market, self.cfg.clone(), strategy)
            .run_with_progress(progress)?;
        let mut info = self.info.clone();
        info.strategy_config = serde_json::to_value(spec).ok();
        Ok(Report::new(&self.market, &outcome, info))
    }
}

fn parse_time(option: &str, s: &str) -> Result<SimTime, ConfigError> {
    SimTime::parse_rfc3339(s).map_err(|e| ConfigError::new(option, format!("`{s}`: {e}")))
}

/// `"0.05"` → $0.05/h; `"70%"` → 70 % of each pool's on-demand price.
fn parse_max_price(s: &str) -> Result<MaxPrice, ConfigError> {
    let bad = |why: String| ConfigError::new("max-price", format!("`{s}`: {why}"));
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxPrice::NoCap);
    }
    if let Some(p) = s.trim().strip_suffix('%') {
        let v: u32 = p
            .trim()
            .parse()
            .map_err(|_| bad("expected a whole percentage such as 70%".into()))?;
        if v == 0 {
            return Err(bad("must be above 0%".into()));
        }
        return Ok(MaxPrice::PctOfOnDemand(v));
    }
    let r = Rate::parse_usd(s).map_err(|e| bad(e.to_string()))?;
    // aws-facts.md §1.5: the minimum SpotMaxPrice is 0.001.
    if r < Rate::from_nano_usd(1_000_000) {
        return Err(bad("AWS's minimum max price is $0.001".into()));
    }
    Ok(MaxPrice::Usd(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_price_forms() {
        assert_eq!(parse_max_price("70%").unwrap(), MaxPrice::PctOfOnDemand(70));
        assert_eq!(parse_max_price("none").unwrap(), MaxPrice::NoCap);
        assert_eq!(
            parse_max_price("0.05").unwrap(),
            MaxPrice::Usd(Rate::parse_usd("0.05").unwrap())
        );
        assert!(parse_max_price("0.0001").is_err());
        assert!(parse_max_price("cheap").is_err());
    }
}
