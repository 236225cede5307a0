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
//!   by the count; the sample standard deviation (n − 1) is computed in `f64` from costs
//!   rounded to the micro-dollar, in window order; min and max are exact; plus the
//!   fraction of windows that met the deadline, the mean savings, preemptions and unmet
//!   work.
//!
//! # Confidence intervals of overlapping windows
//!
//! Windows drawn from one trace overlap: 1,000 windows of 52 h on a 649 h trace are
//! 1,000 looks at only ⌊649/52⌋ = 12 non-overlapping stretches of the market
//! ([`WindowStats::non_overlapping_windows`]). Their costs are strongly correlated, and
//! the textbook interval `mean ± t·sd/√n`, which assumes independent values, is far too
//! narrow for the question a user asks of it — *what would this policy cost on this
//! market?* — because most of the mean's uncertainty is which 12 stretches of market
//! the trace happened to record, not which starts were drawn. That interval is still
//! reported, as `iid_ci95_low_usd`/`iid_ci95_high_usd`, for comparison;
//! `ci95_low_usd`/`ci95_high_usd` are **block-aware**:
//!
//! * **Method: batch means over non-overlapping blocks of start ticks.** The `V` valid
//!   start ticks are cut into `k = ⌊V / L⌋` consecutive blocks of equal length `V/k ≥ L`
//!   ticks, `L = ⌈D/G⌉` the window length (start `s` is in block `⌊s·k/V⌋`); each
//!   block's windows are averaged, and the `k'` non-empty block means are treated as
//!   independent: the interval is the mean cost ± `t(0.975, k' − 1)·sd(block means)/√k'`
//!   (`crate::stats::batch_means`). With fewer than 2 non-empty blocks (a trace shorter
//!   than two windows, or one window) there is no interval (`null`).
//! * **Why batch means and not a moving-block bootstrap.** Both need blocks at least as
//!   long as a window. Batch means is deterministic (no resampling generator, hence the
//!   same bytes everywhere and nothing to seed), costs one pass, and — because the
//!   trace holds few blocks (11 in the example) — its Student-t quantile with `k' − 1`
//!   degrees of freedom widens the interval as few blocks require, where a bootstrap
//!   percentile interval from ~11 blocks is known to be too narrow. Windows are also
//!   random starts, not a series sampled at every tick, which blocks of start ticks
//!   take as they come.
//! * **How well it does** (tested in `tests/it/windows_ci.rs` on a synthetic trace
//!   whose variance is known exactly: hourly prices drawn independently, a spot-only job
//!   of 48 h within a 52 h deadline on a 649 h trace, 1,000 windows, 200 independent
//!   traces): the block-aware interval covers the true mean in 94.0 % of the traces
//!   (nominal 95 %), although its variance estimate averages only 0.71 of the true
//!   variance — neighbouring blocks still share the windows that straddle their border
//!   — because the t quantile with 10 degrees of freedom makes up for it; the
//!   independent-windows interval covers it in 17.5 % of the traces, its variance
//!   estimate 1/84 of the truth.
//!
//! The same method gives the paired difference of two policies on the same windows
//! ([`compare_windows`]).
use rayon::prelude::*;
use serde::Serialize;

use crate::error::ConfigError;
use crate::money::Money;
use crate::sample::{below, expand_seed, stream_rng};
use crate::stats;

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

/// Where windows lie on the trace: what overlap-aware statistics need (see the module
/// docs).
///
/// ```
/// use spotsim::job::WindowLayout;
/// // 52-hour windows on a 649-hour trace of 1-hour ticks.
/// let l = WindowLayout { window_ticks: 52, trace_ticks: 649 };
/// assert_eq!(l.non_overlapping_windows(), 12);
/// assert_eq!(l.valid_starts(), 598);
/// assert_eq!(l.blocks(), 11); // blocks of 598/11 ≈ 54.4 ≥ 52 start ticks
/// assert_eq!((l.block_of(0), l.block_of(54), l.block_of(55), l.block_of(597)), (0, 0, 1, 10));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WindowLayout {
    /// Ticks one window spans: the deadline, `⌈D/G⌉`.
    pub window_ticks: usize,
    /// Ticks in the trace (the market's).
    pub trace_ticks: usize,
}

impl WindowLayout {
    /// The layout of `spec`'s windows on `market`.
    pub fn of(market: &JobMarket, spec: &JobSpec) -> WindowLayout {
        WindowLayout {
            window_ticks: spec.ticks(market.gap_secs()),
            trace_ticks: market.ticks(),
        }
    }

    /// Windows that fit in the trace without overlapping: `⌊trace / window⌋`.
    pub fn non_overlapping_windows(&self) -> usize {
        self.trace_ticks / self.window_ticks.max(1)
    }

    /// Valid start ticks: `trace − window + 1` (0 when the window does not fit).
    pub fn valid_starts(&self) -> usize {
        (self.trace_ticks + 1).saturating_sub(self.window_ticks.max(1))
    }

    /// Blocks of start ticks for the batch means: `⌊valid starts / window⌋`, at least 1.
    pub fn blocks(&self) -> usize {
        (self.valid_starts() / self.window_ticks.max(1)).max(1)
    }

    /// The block of start tick `start`: `⌊start·k/V⌋` (the last block for starts past
    /// the valid ones).
    pub fn block_of(&self, start: usize) -> usize {
        let (k, v) = (self.blocks() as u128, self.valid_starts().max(1) as u128);
        ((start as u128 * k / v) as usize).min(self.blocks() - 1)
    }

    /// The block-aware 95 % half-width of the mean of `values`, value `i` from the
    /// window starting at `starts[i]`, and the number of non-empty blocks.
    fn batch_means(&self, values: &[f64], starts: &[usize]) -> stats::BatchMeans {
        if starts.len() != values.len() {
            return stats::BatchMeans {
                batches: 0,
                half_width: None,
            };
        }
        stats::batch_means(values, |i| self.block_of(starts[i]), self.blocks())
    }
}

/// Per-window results and their statistics.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
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
    /// Windows of this length that fit in the trace without overlapping (`⌊trace ticks /
    /// window ticks⌋`): how many independent looks at the market the windows hold, however
    /// many there are.
    #[serde(default)]
    pub non_overlapping_windows: usize,
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
    /// Lower end of the block-aware 95 % confidence interval of the mean (batch means over
    /// blocks of start ticks at least one window long; see the module docs), USD; `None`
    /// with fewer than 2 non-empty blocks.
    pub ci95_low_usd: Option<f64>,
    /// Upper end of the block-aware 95 % confidence interval of the mean, USD.
    pub ci95_high_usd: Option<f64>,
    /// Non-empty blocks the block-aware interval is computed from.
    #[serde(default)]
    pub ci_blocks: usize,
    /// Lower end of the 95 % interval as if the windows were independent
    /// (`mean ± t·sd/√n`): too narrow when windows overlap, for comparison only.
    #[serde(default)]
    pub iid_ci95_low_usd: Option<f64>,
    /// Upper end of the independent-windows interval.
    #[serde(default)]
    pub iid_ci95_high_usd: Option<f64>,
    /// Fraction of windows that met the deadline.
    pub deadline_met_fraction: f64,
    /// Mean of the windows' savings against on-demand only, percent.
    pub mean_savings_pct: f64,
    /// Mean number of preemptions per window.
    pub mean_preemptions: f64,
    /// Mean work left undone at the deadline, hours.
    #[serde(default)]
    pub mean_unmet_work_hours: f64,
}

/// Statistics of `results`, window `i` starting at tick `starts[i]` of a trace laid out
/// as `layout` (see the module docs).
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
/// assert_eq!(rep.stats.iid_ci95_low_usd, Some(6.0));
/// assert_eq!(rep.stats.deadline_met_fraction, 1.0);
/// // 3-hour windows on 10 hours: 3 fit side by side; 8 valid starts make 2 blocks.
/// assert_eq!((rep.stats.non_overlapping_windows, rep.stats.ci_blocks), (3, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summarize(results: &[JobResult], starts: &[usize], layout: WindowLayout) -> WindowStats {
    let n = results.len();
    let total: Money = results.iter().map(|r| r.total_cost).sum();
    let nf = n.max(1) as f64;
    let mean = total.units() as f64 / nf / Money::UNITS_PER_USD as f64;
    let costs: Vec<f64> = results.iter().map(|r| r.total_cost.to_usd_f64()).collect();
    let iid = stats::with_spread(&costs, mean);
    let blocks = layout.batch_means(&costs, starts);
    // Rounded to the micro-dollar: the t quantile comes from the platform's maths
    // library, whose last bit may differ between machines; rounding keeps reports
    // byte-identical.
    let r6 = stats::round6;
    WindowStats {
        windows: n,
        non_overlapping_windows: layout.non_overlapping_windows(),
        total_cost: total,
        mean_cost_usd: mean,
        sd_cost_usd: iid.sd,
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
        ci95_low_usd: blocks.half_width.map(|h| r6(mean - h)),
        ci95_high_usd: blocks.half_width.map(|h| r6(mean + h)),
        ci_blocks: blocks.batches,
        iid_ci95_low_usd: iid.ci95_low.map(r6),
        iid_ci95_high_usd: iid.ci95_high.map(r6),
        deadline_met_fraction: results.iter().filter(|r| r.deadline_met).count() as f64 / nf,
        mean_savings_pct: results.iter().map(|r| r.savings_pct).sum::<f64>() / nf,
        mean_preemptions: results
            .iter()
            .map(|r| f64::from(r.preemptions))
            .sum::<f64>()
            / nf,
        mean_unmet_work_hours: results
            .iter()
            .map(|r| r.remaining_work_ms as f64 / MS_PER_HOUR as f64)
            .sum::<f64>()
            / nf,
    }
}

/// What the statistics of one policy's windows need, in compact form, gathered one
/// window at a time in window order: each window's cost (8 bytes a window: the
/// block-aware interval, the spread and the report's quantiles need every cost) and
/// running sums of everything else. `job --windows` keeps one of these per policy
/// instead of every window's [`JobResult`], so its memory is 8 bytes per window and
/// policy plus the window starts and baselines (8 bytes each): 2.4 MB for one policy at
/// [`crate::limits::MAX_WINDOWS`].
///
/// [`WindowTally::stats`] equals [`summarize`] over the same results exactly, bit for
/// bit: the sums are the same left folds, from the same starting value as
/// `Iterator::sum`, in the same order.
///
/// ```
/// use spotsim::job::{run_windows, BuiltinPolicy, JobMarket, JobSpec, JobTrace, MarketOptions, WindowLayout, WindowTally};
/// use spotsim::money::Rate;
/// let t = JobTrace::new(3600, vec![1; 10])?;
/// let m = JobMarket::single(&t, &MarketOptions::prices(Rate::parse_usd("1")?, Rate::parse_usd("3")?))?;
/// let spec = JobSpec::from_hours(2.0, 3.0, 0.0)?;
/// let rep = run_windows(&m, &spec, &[0, 3, 7], || BuiltinPolicy::OnDemand, false)?;
/// let mut tally = WindowTally::new();
/// rep.results.iter().for_each(|r| tally.push(r));
/// assert_eq!(tally.stats(&rep.starts, WindowLayout::of(&m, &spec)), rep.stats);
/// assert_eq!(tally.costs().len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WindowTally {
    costs: Vec<Money>,
    met: usize,
    savings: f64,
    preemptions: f64,
    unmet_hours: f64,
    compute: f64,
    probe: f64,
    egress: f64,
    probes: f64,
    migrations: f64,
    split: bool,
}

impl Default for WindowTally {
    fn default() -> Self {
        Self::new()
    }
}

/// What `Iterator::sum::<f64>()` folds from (−0.0 in current Rust, 0.0 before): the
/// running sums start there so that they equal `sum()` over the same values exactly.
fn empty_sum() -> f64 {
    std::iter::empty::<f64>().sum()
}

impl WindowTally {
    /// No windows yet.
    pub fn new() -> WindowTally {
        let z = empty_sum();
        WindowTally {
            costs: Vec::new(),
            met: 0,
            savings: z,
            preemptions: z,
            unmet_hours: z,
            compute: z,
            probe: z,
            egress: z,
            probes: z,
            migrations: z,
            split: false,
        }
    }

    /// Adds the next window's result (windows in window order).
    pub fn push(&mut self, r: &JobResult) {
        self.costs.push(r.total_cost);
        self.met += usize::from(r.deadline_met);
        self.savings += r.savings_pct;
        self.preemptions += f64::from(r.preemptions);
        self.unmet_hours += r.remaining_work_ms as f64 / MS_PER_HOUR as f64;
        self.compute += r.compute_cost.to_usd_f64();
        self.probe += r.probe_cost.to_usd_f64();
        self.egress += r.egress_cost.to_usd_f64();
        self.probes += f64::from(r.probes);
        self.migrations += f64::from(r.migrations);
        self.split |= r.probes > 0 || r.egress_cost != Money::ZERO || r.migrations > 0;
    }

    /// Windows added.
    pub fn len(&self) -> usize {
        self.costs.len()
    }

    /// Whether no window was added.
    pub fn is_empty(&self) -> bool {
        self.costs.is_empty()
    }

    /// Each window's total cost, in window order.
    pub fn costs(&self) -> &[Money] {
        &self.costs
    }

    /// The statistics, window `i` starting at tick `starts[i]`: [`summarize`]'s, exactly.
    pub fn stats(&self, starts: &[usize], layout: WindowLayout) -> WindowStats {
        let n = self.costs.len();
        let total: Money = self.costs.iter().sum();
        let nf = n.max(1) as f64;
        let mean = total.units() as f64 / nf / Money::UNITS_PER_USD as f64;
        let costs: Vec<f64> = self.costs.iter().map(|c| c.to_usd_f64()).collect();
        let iid = stats::with_spread(&costs, mean);
        let blocks = layout.batch_means(&costs, starts);
        let r6 = stats::round6;
        WindowStats {
            windows: n,
            non_overlapping_windows: layout.non_overlapping_windows(),
            total_cost: total,
            mean_cost_usd: mean,
            sd_cost_usd: iid.sd,
            min_cost: self.costs.iter().copied().min().unwrap_or(Money::ZERO),
            max_cost: self.costs.iter().copied().max().unwrap_or(Money::ZERO),
            ci95_low_usd: blocks.half_width.map(|h| r6(mean - h)),
            ci95_high_usd: blocks.half_width.map(|h| r6(mean + h)),
            ci_blocks: blocks.batches,
            iid_ci95_low_usd: iid.ci95_low.map(r6),
            iid_ci95_high_usd: iid.ci95_high.map(r6),
            deadline_met_fraction: self.met as f64 / nf,
            mean_savings_pct: self.savings / nf,
            mean_preemptions: self.preemptions / nf,
            mean_unmet_work_hours: self.unmet_hours / nf,
        }
    }

    /// The multi-region model's split as means over the windows — compute cost, probe
    /// cost, probes billed, egress cost, migrations — or `None` when no window had a
    /// probe, egress or migration.
    pub fn split_means(&self) -> Option<WindowSplit> {
        if !self.split {
            return None;
        }
        let n = self.costs.len().max(1) as f64;
        Some(WindowSplit {
            compute_usd: self.compute / n,
            probe_usd: self.probe / n,
            probes: self.probes / n,
            egress_usd: self.egress / n,
            migrations: self.migrations / n,
        })
    }
}

/// Means over windows of the multi-region model's parts ([`WindowTally::split_means`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowSplit {
    /// Mean compute cost, USD.
    pub compute_usd: f64,
    /// Mean probe cost, USD.
    pub probe_usd: f64,
    /// Mean probes billed.
    pub probes: f64,
    /// Mean egress cost, USD.
    pub egress_usd: f64,
    /// Mean migrations.
    pub migrations: f64,
}

/// Two policies on the same windows: the cost difference `a − b`, window by window.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct PairedWindows {
    /// The first policy.
    pub a: String,
    /// The second policy.
    pub b: String,
    /// Windows compared.
    pub windows: usize,
    /// Mean of `cost(a) − cost(b)` over the windows, USD (exact total over the count):
    /// negative when `a` is cheaper.
    pub mean_difference_usd: f64,
    /// Lower end of the block-aware 95 % confidence interval of the mean difference
    /// (the module docs' batch means); `None` with fewer than 2 non-empty blocks.
    pub ci95_low_usd: Option<f64>,
    /// Upper end.
    pub ci95_high_usd: Option<f64>,
    /// Lower end of the interval as if the windows were independent (too narrow when
    /// they overlap; for comparison).
    pub iid_ci95_low_usd: Option<f64>,
    /// Upper end of the independent-windows interval.
    pub iid_ci95_high_usd: Option<f64>,
    /// Fraction of windows where `a` costs less.
    pub a_cheaper_fraction: f64,
    /// Fraction of windows where `b` costs less.
    pub b_cheaper_fraction: f64,
    /// Fraction of windows where they cost the same.
    pub ties_fraction: f64,
}

/// The paired comparison of policy `a` (`ra`) and `b` (`rb`) on the same windows
/// (`starts`, laid out as `layout`); `None` when the result lists differ in length or
/// are empty.
///
/// ```
/// use spotsim::job::{compare_windows, JobResult, WindowLayout};
/// # fn res(cents: i64) -> JobResult {
/// #     let z = spotsim::money::Money::ZERO;
/// #     JobResult { total_cost: spotsim::money::Money::from_nano_usd(cents * 10_000_000), compute_cost: z, probe_cost: z, egress_cost: z,
/// #       deadline_met: true, finish_ms: 0, spot_ms: 0, ondemand_ms: 0, idle_ms: 0, preemptions: 0, restarts: 0,
/// #       migrations: 0, probes: 0, ondemand_only_cost: z, savings_pct: 0.0, start_tick: 0, ticks: 0,
/// #       remaining_work_ms: 0, infeasible_spot_requests: 0 }
/// # }
/// let a = [res(100), res(200), res(300)];
/// let b = [res(150), res(150), res(300)];
/// let p = compare_windows("a", &a, "b", &b, &[0, 5, 9], WindowLayout { window_ticks: 2, trace_ticks: 12 }).unwrap();
/// assert_eq!(p.mean_difference_usd, 0.0); // (−0.5 + 0.5 + 0) / 3
/// assert_eq!((p.a_cheaper_fraction, p.b_cheaper_fraction), (1.0 / 3.0, 1.0 / 3.0));
/// ```
pub fn compare_windows(
    a: &str,
    ra: &[JobResult],
    b: &str,
    rb: &[JobResult],
    starts: &[usize],
    layout: WindowLayout,
) -> Option<PairedWindows> {
    let ca: Vec<Money> = ra.iter().map(|r| r.total_cost).collect();
    let cb: Vec<Money> = rb.iter().map(|r| r.total_cost).collect();
    compare_costs(a, &ca, b, &cb, starts, layout)
}

/// [`compare_windows`] from the windows' costs alone (as [`WindowTally::costs`] holds
/// them): `ca[i]` and `cb[i]` are window `i`'s total costs under `a` and `b`.
///
/// ```
/// use spotsim::job::{compare_costs, WindowLayout};
/// use spotsim::money::Money;
/// let c = |cents: i64| Money::from_nano_usd(cents * 10_000_000);
/// let p = compare_costs("a", &[c(100), c(200), c(300)], "b", &[c(150), c(150), c(300)], &[0, 5, 9],
///     WindowLayout { window_ticks: 2, trace_ticks: 12 }).unwrap();
/// assert_eq!(p.mean_difference_usd, 0.0);
/// assert_eq!(p.ties_fraction, 1.0 / 3.0);
/// ```
pub fn compare_costs(
    a: &str,
    ca: &[Money],
    b: &str,
    cb: &[Money],
    starts: &[usize],
    layout: WindowLayout,
) -> Option<PairedWindows> {
    let n = ca.len();
    if n == 0 || cb.len() != n {
        return None;
    }
    let diffs: Vec<Money> = ca.iter().zip(cb).map(|(x, y)| *x - *y).collect();
    let total: Money = diffs.iter().copied().sum();
    let mean = total.units() as f64 / n as f64 / Money::UNITS_PER_USD as f64;
    let d: Vec<f64> = diffs.iter().map(|m| m.to_usd_f64()).collect();
    let iid = stats::with_spread(&d, mean);
    let blocks = layout.batch_means(&d, starts);
    let r6 = stats::round6;
    let share = |f: fn(&Money) -> bool| diffs.iter().filter(|m| f(m)).count() as f64 / n as f64;
    Some(PairedWindows {
        a: a.to_string(),
        b: b.to_string(),
        windows: n,
        mean_difference_usd: mean,
        ci95_low_usd: blocks.half_width.map(|h| r6(mean - h)),
        ci95_high_usd: blocks.half_width.map(|h| r6(mean + h)),
        iid_ci95_low_usd: iid.ci95_low.map(r6),
        iid_ci95_high_usd: iid.ci95_high.map(r6),
        a_cheaper_fraction: share(|m| *m < Money::ZERO),
        b_cheaper_fraction: share(|m| *m > Money::ZERO),
        ties_fraction: share(|m| *m == Money::ZERO),
    })
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
        run_windows_results(market, spec, starts, &make_policy)?
    } else {
        starts.iter().map(one).collect::<Result<_, _>>()?
    };
    let stats = summarize(&results, starts, WindowLayout::of(market, spec));
    Ok(WindowsReport {
        starts: starts.to_vec(),
        results,
        stats,
    })
}

/// The results of one fresh policy per start tick, in parallel (rayon), in window order.
pub(crate) fn run_windows_results<P, F>(
    market: &JobMarket,
    spec: &JobSpec,
    starts: &[usize],
    make_policy: F,
) -> Result<Vec<JobResult>, ConfigError>
where
    P: JobPolicy,
    F: Fn() -> P + Sync,
{
    starts
        .par_iter()
        .map(|&s| run_job(market, spec, s, &mut make_policy()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random results (costs, savings of either sign and −0.0, preemptions, unmet work,
    /// the multi-region split) and starts.
    fn random(n: usize, seed: u64) -> (Vec<JobResult>, Vec<usize>) {
        let mut x = seed | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let mut results = Vec::new();
        let mut starts = Vec::new();
        for _ in 0..n {
            let m = |v: u64| Money::from_nano_usd(v as i64);
            let probes = if next(3) == 0 { next(4) as u32 } else { 0 };
            results.push(JobResult {
                total_cost: m(next(500_000_000_000)),
                compute_cost: m(next(400_000_000_000)),
                probe_cost: m(next(1_000_000)),
                egress_cost: m(if next(4) == 0 { next(9_000_000) } else { 0 }),
                deadline_met: next(5) != 0,
                finish_ms: next(1 << 30) as i64,
                spot_ms: 0,
                ondemand_ms: 0,
                idle_ms: 0,
                preemptions: next(20) as u32,
                restarts: 0,
                migrations: next(3) as u32,
                probes,
                ondemand_only_cost: m(1),
                savings_pct: match next(4) {
                    0 => -0.0,
                    1 => 0.0,
                    _ => (next(2_000_001) as f64 - 1_000_000.0) / 7919.0,
                },
                start_tick: 0,
                ticks: 0,
                remaining_work_ms: if next(4) == 0 {
                    next(1 << 24) as i64
                } else {
                    0
                },
                infeasible_spot_requests: 0,
            });
            starts.push(next(900) as usize);
        }
        (results, starts)
    }

    /// The tally's statistics are `summarize`'s (the report's before issue 14) bit for
    /// bit; its split is the one the report computed from every window; its costs pair
    /// as `compare_windows` paired the results.
    #[test]
    fn the_tally_gives_summarizes_statistics_bit_for_bit() {
        let layout = WindowLayout {
            window_ticks: 37,
            trace_ticks: 937,
        };
        for (case, n) in [1usize, 2, 3, 10, 257, 4000].into_iter().enumerate() {
            let (results, starts) = random(n, 0x9E37_79B9 + case as u64);
            let mut t = WindowTally::new();
            results.iter().for_each(|r| t.push(r));
            let want = summarize(&results, &starts, layout);
            let got = t.stats(&starts, layout);
            assert_eq!(got, want, "n = {n}");
            // PartialEq on f64 does not see the sign of zero or NaN payloads: the bits.
            let bits = |s: &WindowStats| serde_json::to_string(s).unwrap();
            assert_eq!(bits(&got), bits(&want));
            assert_eq!(
                got.mean_savings_pct.to_bits(),
                want.mean_savings_pct.to_bits()
            );
            // The split as the report computed it from every window.
            let nf = n as f64;
            let mean = |f: fn(&JobResult) -> f64| results.iter().map(f).sum::<f64>() / nf;
            let any = results
                .iter()
                .any(|r| r.probes > 0 || r.egress_cost != Money::ZERO || r.migrations > 0);
            let split = t.split_means();
            assert_eq!(split.is_some(), any);
            if let Some(s) = split {
                assert_eq!(s.compute_usd, mean(|r| r.compute_cost.to_usd_f64()));
                assert_eq!(s.probe_usd, mean(|r| r.probe_cost.to_usd_f64()));
                assert_eq!(s.probes, mean(|r| f64::from(r.probes)));
                assert_eq!(s.egress_usd, mean(|r| r.egress_cost.to_usd_f64()));
                assert_eq!(s.migrations, mean(|r| f64::from(r.migrations)));
            }
            // Paired against a shifted copy: as compare_windows on the results.
            let other: Vec<JobResult> = results.iter().rev().cloned().collect();
            let mut t2 = WindowTally::new();
            other.iter().for_each(|r| t2.push(r));
            assert_eq!(
                compare_costs("a", t.costs(), "b", t2.costs(), &starts, layout),
                compare_windows("a", &results, "b", &other, &starts, layout)
            );
        }
        // All savings −0.0: the sum keeps the sign as `sum()` does.
        let (mut results, starts) = random(5, 7);
        results.iter_mut().for_each(|r| r.savings_pct = -0.0);
        let mut t = WindowTally::new();
        results.iter().for_each(|r| t.push(r));
        assert_eq!(
            t.stats(&starts, layout).mean_savings_pct.to_bits(),
            summarize(&results, &starts, layout)
                .mean_savings_pct
                .to_bits()
        );
    }
}
