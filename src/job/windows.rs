//! Windows: many runs of the same job from random start ticks of one trace, with
//! statistics (deadline-jobs.md "Windows: a run starts at tick `⌈start_hours·3600/G⌉` of
//! a full trace"; the papers report costs over many such windows).
//!
//! * **Starts** ([`draw_starts`]): window `i` draws its start tick uniformly from the
//!   valid starts `0..=ticks − ⌈D/G⌉` (the whole deadline must fit in the trace) with its
//!   own deterministic generator — ChaCha8 keyed by the seed (SplitMix64-expanded),
//!   stream `i` (`crate::sample`). Same seed, same windows, on every machine; window
//!   `i`'s start does not depend on how many windows are drawn.
//! * **Runs** ([`run_windows`]): one fresh policy per window (a factory), in parallel
//!   with rayon or sequentially; results are collected in window order, so both give
//!   identical bytes.
//! * **Statistics** ([`summarize`]): the mean cost is the exact [`Money`] total divided
//!   by the count; the sample standard deviation (n − 1) and the 95 % confidence interval
//!   of the mean, `mean ± t(0.975, n − 1)·sd/√n` (Student's t from `statrs`), are
//!   computed in `f64` from costs rounded to the micro-dollar, in window order; min and
//!   max are exact; plus the fraction of windows that met the deadline.
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::ConfigError;
use crate::money::Money;
use crate::sample::{below, expand_seed, stream_rng};

use super::policy::JobPolicy;
use super::result::JobResult;
use super::tick::{JobMarket, JobSpec, MS_PER_HOUR, run_job};

/// `windows` start ticks for `spec` on `market`, drawn with `seed` (see the module
/// docs).
///
/// # Errors
/// [`ConfigError`] when `windows` is 0 or the trace is shorter than the deadline.
///
/// ```
/// use spotsim::job::{draw_starts, JobMarket, JobSpec, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// let t = JobTrace::new(600, vec![1; 100])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let spec = JobSpec::from_hours(2.0, 4.0, 0.1)?; // 24 ticks: starts 0..=76
/// let a = draw_starts(&m, &spec, 10, 7)?;
/// assert_eq!(a, draw_starts(&m, &spec, 10, 7)?);
/// assert_eq!(a[..5], draw_starts(&m, &spec, 5, 7)?[..]);
/// assert!(a.iter().all(|&s| s <= 76));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn draw_starts(
    market: &JobMarket,
    spec: &JobSpec,
    windows: usize,
    seed: u64,
) -> Result<Vec<usize>, ConfigError> {
    if windows == 0 || windows > crate::limits::MAX_WINDOWS {
        return Err(ConfigError::new(
            "windows",
            format!(
                "{windows}: must be between 1 and {}",
                crate::limits::MAX_WINDOWS
            ),
        ));
    }
    let valid = market.valid_starts(spec);
    if valid == 0 {
        return Err(ConfigError::new(
            "deadline",
            format!(
                "the trace is shorter than the deadline: {} h needs {} ticks of {} s, the \
                 trace has {}",
                spec.deadline_ms as f64 / MS_PER_HOUR as f64,
                spec.ticks(market.gap_secs()),
                market.gap_secs(),
                market.ticks()
            ),
        ));
    }
    let key = expand_seed(seed);
    Ok((0..windows)
        .map(|i| below(&mut stream_rng(&key, i as u64), valid as u64) as usize)
        .collect())
}

/// Per-window results and their statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowsReport {
    /// The start tick of each window.
    pub starts: Vec<usize>,
    /// One result per window, in window order.
    pub results: Vec<JobResult>,
    /// Statistics over the windows.
    pub stats: WindowStats,
}

/// Statistics of the cost over windows (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct WindowStats {
    /// Number of windows.
    pub windows: usize,
    /// Exact total cost over the windows.
    #[serde(rename = "total_cost_usd")]
    pub total_cost: Money,
    /// Mean cost, USD.
    pub mean_cost_usd: f64,
    /// Sample standard deviation of the cost, USD (`None` for one window).
    pub sd_cost_usd: Option<f64>,
    /// Cheapest window.
    #[serde(rename = "min_cost_usd")]
    pub min_cost: Money,
    /// Dearest window.
    #[serde(rename = "max_cost_usd")]
    pub max_cost: Money,
    /// Lower end of the 95 % confidence interval of the mean, USD (`None` for one
    /// window).
    pub ci95_low_usd: Option<f64>,
    /// Upper end of the 95 % confidence interval of the mean, USD.
    pub ci95_high_usd: Option<f64>,
    /// Fraction of windows that met the deadline.
    pub deadline_met_fraction: f64,
    /// Mean of the windows' savings against on-demand only, percent.
    pub mean_savings_pct: f64,
    /// Mean number of preemptions per window.
    pub mean_preemptions: f64,
}

/// Statistics of `results` (see the module docs).
///
/// ```
/// use spotsim::job::{run_windows, BuiltinPolicy, JobMarket, JobSpec, JobTrace, MarketOptions};
/// use spotsim::money::Rate;
/// let t = JobTrace::new(3600, vec![1; 10])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let spec = JobSpec::from_hours(2.0, 3.0, 0.0)?;
/// let rep = run_windows(&m, &spec, &[0, 3, 7], || BuiltinPolicy::OnDemand, false)?;
/// assert_eq!(rep.stats.mean_cost_usd, 6.0);
/// assert_eq!(rep.stats.sd_cost_usd, Some(0.0));
/// assert_eq!(rep.stats.ci95_low_usd, Some(6.0));
/// assert_eq!(rep.stats.deadline_met_fraction, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summarize(results: &[JobResult]) -> WindowStats {
    let n = results.len();
    let total: Money = results.iter().map(|r| r.total_cost).sum();
    let nf = n.max(1) as f64;
    let mean = total.units() as f64 / nf / Money::UNITS_PER_USD as f64;
    let (sd, ci) = if n >= 2 {
        let var = results
            .iter()
            .map(|r| {
                let d = r.total_cost.to_usd_f64() - mean;
                d * d
            })
            .sum::<f64>()
            / (n - 1) as f64;
        let sd = var.sqrt();
        let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
            .map(|d| d.inverse_cdf(0.975))
            .unwrap_or(f64::NAN);
        let half = t * sd / nf.sqrt();
        (Some(sd), Some((mean - half, mean + half)))
    } else {
        (None, None)
    };
    WindowStats {
        windows: n,
        total_cost: total,
        mean_cost_usd: mean,
        sd_cost_usd: sd,
        min_cost: results
            .iter()
            .map(|r| r.total_cost)
            .min()
            .unwrap_or(Money::ZERO),
        max_cost: results
            .iter()
            .map(|r| r.total_cost)
            .max()
            .unwrap_or(Money::ZERO),
        // Rounded to the micro-dollar: the t quantile comes from the platform's maths
        // library, whose last bit may differ between machines; rounding keeps reports
        // byte-identical.
        ci95_low_usd: ci.map(|c| crate::report::r6(c.0)),
        ci95_high_usd: ci.map(|c| crate::report::r6(c.1)),
        deadline_met_fraction: results.iter().filter(|r| r.deadline_met).count() as f64 / nf,
        mean_savings_pct: results.iter().map(|r| r.savings_pct).sum::<f64>() / nf,
        mean_preemptions: results
            .iter()
            .map(|r| f64::from(r.preemptions))
            .sum::<f64>()
            / nf,
    }
}

/// Runs one fresh policy from `make_policy` per start tick, in parallel (rayon) or
/// sequentially — with identical results — and summarizes.
///
/// # Errors
/// The first window's error (in window order), as for [`run_job`].
pub fn run_windows<P, F>(
    market: &JobMarket,
    spec: &JobSpec,
    starts: &[usize],
    make_policy: F,
    parallel: bool,
) -> Result<WindowsReport, ConfigError>
where
    P: JobPolicy,
    F: Fn() -> P + Sync,
{
    let one = |&s: &usize| run_job(market, spec, s, &mut make_policy());
    let results: Vec<JobResult> = if parallel {
        starts.par_iter().map(one).collect::<Result<_, _>>()?
    } else {
        starts.iter().map(one).collect::<Result<_, _>>()?
    };
    let stats = summarize(&results);
    Ok(WindowsReport {
        starts: starts.to_vec(),
        results,
        stats,
    })
}
