use crate::error::ConfigError;
use crate::job::event::{EventMarket, EventOptions, run_job_event};
use crate::job::{Decision, JobMarket, JobPolicy, JobSpec, JobView, run_job};
use crate::money::Money;
use crate::time::SimTime;

/// **on-demand only** (deadline-jobs.md "Baseline policies"): always ON_DEMAND, in zone
/// 0. It pays the overhead once, at the first tick, and finishes at `d + W` (event mode:
/// `L + d + W`, the launch latency first); its cost is `⌈(W + d)/G⌉` ticks at the
/// on-demand price in tick mode and `W + d` per second in event mode (billed from
/// running). [`JobResult::ondemand_only_cost`] is the exact product `(W + d) × price`,
/// which the tick model bills only when `W + d` is a whole number of ticks.
///
/// **The on-demand baseline.** What the same job would have cost on on-demand is this
/// policy's own cost in the same mode, market and window ([`OnDemandOnly::baseline_tick`],
/// [`OnDemandOnly::baseline_event`]); savings against it
/// ([`OnDemandOnly::savings_pct`]) are exactly 0 for this policy in either mode.
///
/// [`JobResult::ondemand_only_cost`]: crate::job::JobResult::ondemand_only_cost
///
/// ```
/// use spotsim::job::{Decision, JobPolicy, OnDemandOnly, JobView};
/// fn first(v: &JobView<'_>) -> Decision { OnDemandOnly.decide(v) }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnDemandOnly;

impl JobPolicy for OnDemandOnly {
    #[inline]
    fn decide(&mut self, _v: &JobView<'_>) -> Decision {
        Decision::on_demand(0)
    }
}

impl OnDemandOnly {
    /// The tick-mode on-demand baseline: this policy's cost for `spec` from `start_tick`
    /// ([`run_job`]).
    ///
    /// # Errors
    /// As [`run_job`].
    ///
    /// ```
    /// use spotsim::job::{JobMarket, JobSpec, JobTrace, MarketOptions, OnDemandOnly};
    /// use spotsim::money::Rate;
    /// let t = JobTrace::new(3600, vec![1; 8])?;
    /// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
    /// // 2.5 h of work + 0.2 h overhead = 3 whole ticks billed.
    /// let b = OnDemandOnly::baseline_tick(&m, &JobSpec::from_hours(2.5, 6.0, 0.2)?, 0)?;
    /// assert_eq!(b.to_usd_string(2), "9.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn baseline_tick(
        market: &JobMarket,
        spec: &JobSpec,
        start_tick: usize,
    ) -> Result<Money, ConfigError> {
        run_job(market, spec, start_tick, &mut OnDemandOnly).map(|r| r.total_cost)
    }

    /// The event-mode on-demand baseline: this policy's cost for `spec` from `start`
    /// with `opts` ([`run_job_event`]).
    ///
    /// # Errors
    /// As [`run_job_event`].
    pub fn baseline_event(
        market: &EventMarket,
        spec: &JobSpec,
        start: SimTime,
        opts: EventOptions,
    ) -> Result<Money, ConfigError> {
        run_job_event(market, spec, start, &mut OnDemandOnly, opts).map(|r| r.total_cost)
    }

    /// Savings of `cost` against `baseline`, percent: `100 × (1 − cost / baseline)`;
    /// `None` when the baseline is 0 (nothing to save against).
    ///
    /// ```
    /// use spotsim::job::OnDemandOnly;
    /// use spotsim::money::Money;
    /// let m = |n| Money::from_nano_usd(n);
    /// assert_eq!(OnDemandOnly::savings_pct(m(25), m(100)), Some(75.0));
    /// assert_eq!(OnDemandOnly::savings_pct(m(100), m(100)), Some(0.0));
    /// assert_eq!(OnDemandOnly::savings_pct(m(1), Money::ZERO), None);
    /// ```
    pub fn savings_pct(cost: Money, baseline: Money) -> Option<f64> {
        (baseline != Money::ZERO).then(|| 100.0 * (baseline - cost).ratio(baseline))
    }
}
