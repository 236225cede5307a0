//! A [`Prepared`] scenario: its inputs read and checked; running its strategies and the
//! on-demand baseline into reports.

use super::*;

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
    /// Which pools something can interrupt (for `no_interruption_model`).
    pub(crate) interruptible: checks::Interruptible,
}

impl Prepared {
    /// Runs each strategy (in parallel when there are several; each run is independent
    /// and seeded alike, so results are identical to a sequential run) and the on-demand
    /// baseline ([`crate::engine::ondemand_baseline`]: the `on-demand` strategy on the
    /// same market, fleet and horizon), and returns one report per strategy, in order,
    /// each with its savings against that baseline.
    ///
    /// # Errors
    /// [`Error::Config`] for an impossible horizon.
    pub fn run(
        &self,
        progress: &mut (dyn FnMut(SimTime, SimTime) + Send),
    ) -> Result<Vec<Report>, Error> {
        use rayon::prelude::*;
        let (baseline, outcomes) = rayon::join(
            || crate::engine::ondemand_baseline_cost(&self.market, &self.cfg),
            || -> Result<Vec<Outcome>, Error> {
                if self.strategies.len() == 1 {
                    return Ok(vec![self.simulate(&self.strategies[0], progress)?]);
                }
                self.strategies
                    .par_iter()
                    .map(|s| self.simulate(s, &mut |_, _| {}))
                    .collect()
            },
        );
        let baseline = baseline?;
        Ok(self
            .strategies
            .iter()
            .zip(outcomes?)
            .map(|(spec, outcome)| self.report(spec, &outcome, baseline))
            .collect())
    }

    /// [`Prepared::run`] with telemetry: the strategies run one after the other, each
    /// observed by `session` (which writes the files it was asked for), and each report
    /// carries its alarms and service map (`telemetry`). Without a session, exactly
    /// [`Prepared::run`].
    ///
    /// # Errors
    /// As [`Prepared::run`]; [`Error::Output`] for a telemetry file.
    pub fn run_with_telemetry(
        &self,
        progress: &mut (dyn FnMut(SimTime, SimTime) + Send),
        session: Option<&mut crate::telemetry::TelemetrySession>,
    ) -> Result<Vec<Report>, Error> {
        self.run_observed(progress, session, None)
    }

    /// [`Prepared::run_with_telemetry`] with one more observer per strategy, handed out
    /// by `extra` (the HTML report's charts, [`crate::report::html::RunCharts`]). With
    /// neither a session nor `extra`, exactly [`Prepared::run`].
    ///
    /// # Errors
    /// As [`Prepared::run_with_telemetry`].
    pub fn run_observed(
        &self,
        progress: &mut (dyn FnMut(SimTime, SimTime) + Send),
        mut session: Option<&mut crate::telemetry::TelemetrySession>,
        mut extra: Option<&mut dyn crate::telemetry::ObserverPerRun>,
    ) -> Result<Vec<Report>, Error> {
        if session.is_none() && extra.is_none() {
            return self.run(progress);
        }
        let baseline = crate::engine::ondemand_baseline_cost(&self.market, &self.cfg)?;
        let mut reports = Vec::with_capacity(self.strategies.len());
        for spec in &self.strategies {
            let strategy = spec.build(&self.instance_types);
            let name = strategy.name().to_string();
            let sim = Simulation::new(&self.market, self.cfg.clone(), strategy);
            let mut other = extra.as_mut().map(|x| x.for_run(&name));
            let (outcome, telemetry) = match session.as_mut() {
                Some(session) => {
                    let (o, t) = session.observe(&name, |obs| {
                        Ok(match other.as_mut() {
                            Some(x) => sim.run_observed(&mut *progress, &mut (obs, x))?,
                            None => sim.run_observed(&mut *progress, obs)?,
                        })
                    })?;
                    (o, Some(t))
                }
                None => match other {
                    Some(x) => (sim.run_observed(&mut *progress, x)?, None),
                    None => (sim.run_with_progress(&mut *progress)?, None),
                },
            };
            let mut r = self.report(spec, &outcome, baseline);
            r.telemetry = telemetry;
            reports.push(r);
        }
        Ok(reports)
    }

    fn simulate(
        &self,
        spec: &StrategySpec,
        progress: &mut dyn FnMut(SimTime, SimTime),
    ) -> Result<Outcome, Error> {
        let strategy = spec.build(&self.instance_types);
        Ok(
            Simulation::new(&self.market, self.cfg.clone(), strategy)
                .run_with_progress(progress)?,
        )
    }

    /// The report of one strategy's outcome, with the warnings that concern it.
    fn report(
        &self,
        spec: &StrategySpec,
        outcome: &Outcome,
        baseline: Option<crate::money::Money>,
    ) -> Report {
        let mut info = self.info.clone();
        info.strategy_config = serde_json::to_value(spec).ok();
        info.ondemand_baseline = baseline;
        let buys_spot = !matches!(spec, StrategySpec::OnDemand { .. })
            && self.cfg.ondemand.above_base_pct < 100;
        if buys_spot && let Some(w) = self.interruptible.warning(&self.market) {
            info.warnings.push(w);
        }
        if let Some(w) = checks::low_availability(
            &outcome.strategy,
            outcome.availability(),
            outcome.delivered_unit_hours(),
            outcome.target_unit_secs as f64 / 3600.0,
            "target unit-hours",
        ) {
            info.warnings.push(w);
        }
        Report::new(&self.market, outcome, info)
    }
}
