//! Statistics shared by `job --windows` ([`crate::job::windows`]) and `sweep`
//! ([`crate::sweep`]): the mean with its Student-t 95 % confidence interval, and the
//! same interval from **batch means** when the values are not independent.
//!
//! * [`mean_ci`]: `n`, the mean, the sample standard deviation (`n − 1`) and
//!   `mean ± t(0.975, n − 1)·sd/√n` — right when the values are independent draws.
//! * [`batch_means`]: values that come in a sequence with short-range dependence (the
//!   costs of overlapping windows of one trace) are grouped into `k` consecutive
//!   batches, each long enough that neighbouring batches are nearly independent; the
//!   batch means are then treated as `k` independent values: the half-width is
//!   `t(0.975, k' − 1)·sd(batch means)/√k'` over the `k'` non-empty batches (Schmeiser,
//!   "Batch size effects in the analysis of simulation output", Operations Research
//!   30(3), 1982; the non-overlapping batch means method). Why batch means rather than a
//!   bootstrap, and how well it does on a trace whose variance is known, is in the
//!   [`crate::job::windows`] docs.
//!
//! Everything is computed in `f64` in the order given (sums left to right), so the same
//! values give the same bits on every machine; the t quantile comes from the platform's
//! maths library (through `statrs`), whose last bit may differ, so reports round what
//! depends on it to the micro-unit ([`round6`]).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 0.975 quantile of Student's t with `df` degrees of freedom (NaN when `df` is 0).
///
/// ```
/// use spotsim::stats::t975;
/// assert!((t975(1) - 12.706).abs() < 1e-3);
/// assert!((t975(10) - 2.228).abs() < 1e-3);
/// assert!(t975(0).is_nan());
/// ```
pub fn t975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|d| d.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// Rounds to 6 decimals (what reports print; see the module docs).
///
/// ```
/// assert_eq!(spotsim::stats::round6(1.23456789), 1.234568);
/// ```
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The mean of some values, their spread and the 95 % confidence interval of the mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeanCi {
    /// How many values.
    pub n: usize,
    /// Their mean.
    pub mean: f64,
    /// Sample standard deviation (`n − 1`); `None` for one value.
    pub sd: Option<f64>,
    /// Lower end of the 95 % confidence interval of the mean; `None` for one value.
    pub ci95_low: Option<f64>,
    /// Upper end.
    pub ci95_high: Option<f64>,
}

/// [`MeanCi`] of `xs` as independent values; `None` when `xs` is empty.
///
/// ```
/// use spotsim::stats::mean_ci;
/// // 2, 4, 6: mean 4, sd 2, half-width t(0.975, 2)·2/√3 = 4.303·1.1547 = 4.968.
/// let m = mean_ci(&[2.0, 4.0, 6.0]).unwrap();
/// assert_eq!((m.n, m.mean, m.sd), (3, 4.0, Some(2.0)));
/// assert!((m.ci95_high.unwrap() - 8.968).abs() < 1e-3);
/// assert_eq!(mean_ci(&[5.0]).unwrap().sd, None);
/// assert!(mean_ci(&[]).is_none());
/// ```
pub fn mean_ci(xs: &[f64]) -> Option<MeanCi> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    Some(with_spread(xs, mean))
}

/// [`MeanCi`] of `xs` around a `mean` computed elsewhere (exactly, from money): the sd
/// and interval use it.
pub(crate) fn with_spread(xs: &[f64], mean: f64) -> MeanCi {
    let s = spread(xs, mean);
    MeanCi {
        n: xs.len(),
        mean,
        sd: s.map(|s| s.0),
        ci95_low: s.map(|s| mean - s.1),
        ci95_high: s.map(|s| mean + s.1),
    }
}

/// The sample sd of `xs` around `mean` and the half-width of the 95 % interval of the
/// mean; `None` for fewer than 2 values.
fn spread(xs: &[f64], mean: f64) -> Option<(f64, f64)> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    Some((sd, t975(n - 1) * sd / (n as f64).sqrt()))
}

/// The batch-means estimate for values in `k` batches (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchMeans {
    /// Batches that hold at least one value (`k'`).
    pub batches: usize,
    /// Half-width of the 95 % confidence interval of the mean,
    /// `t(0.975, k' − 1)·sd(batch means)/√k'`; `None` with fewer than 2 batches.
    pub half_width: Option<f64>,
}

/// Batch means of `xs`, value `i` in batch `batch_of(i)` (`< k`; larger indexes are
/// put in the last batch).
///
/// ```
/// use spotsim::stats::batch_means;
/// // Two batches of two: means 1 and 3; sd √2; half-width t(0.975, 1)·√2/√2 = 12.706.
/// let b = batch_means(&[0.0, 2.0, 2.0, 4.0], |i| i / 2, 2);
/// assert_eq!(b.batches, 2);
/// assert!((b.half_width.unwrap() - 12.706).abs() < 1e-3);
/// assert_eq!(batch_means(&[1.0, 2.0], |_| 0, 1).half_width, None);
/// ```
pub fn batch_means(xs: &[f64], batch_of: impl Fn(usize) -> usize, k: usize) -> BatchMeans {
    let k = k.max(1);
    let mut sum = vec![0.0f64; k];
    let mut count = vec![0usize; k];
    for (i, x) in xs.iter().enumerate() {
        let b = batch_of(i).min(k - 1);
        sum[b] += x;
        count[b] += 1;
    }
    let means: Vec<f64> = sum
        .iter()
        .zip(&count)
        .filter(|(_, c)| **c > 0)
        .map(|(s, c)| s / *c as f64)
        .collect();
    let mean = means.iter().sum::<f64>() / means.len().max(1) as f64;
    let half_width = spread(&means, mean).map(|s| s.1);
    BatchMeans {
        batches: means.len(),
        half_width,
    }
}
