//! The market: spot capacity pools and their price and capacity traces.
//!
//! * A [`Pool`] is one instance type in one Availability Zone (aws-facts.md §1.1,
//!   current definition). Spot *prices* are published per (type, AZ, product), so a
//!   [`Market`] is built for one product description (`Linux/UNIX` by default) and keys
//!   capacity on (type, AZ) — the split §1.1's modelling note recommends.
//! * Zones are either AZ **names** (`us-east-1a`, account-specific) or AZ **IDs**
//!   (`use1-az4`, global). [`Zone`] keeps the two apart; a name never matches an ID.
//! * Traces are columnar step functions ([`StepTrace`]): each row is a change point and
//!   the value holds until the next row (aws-facts.md §7.1). [`PriceTrace`] also keeps
//!   the running integral of price × time, so the spot charge for any interval is two
//!   binary searches, exact in integer [`Money`].
//! * [`MarketView`] is the read-only view strategies see (DESIGN.md "strategy seam").

mod build;
mod view;

pub use build::{MarketSpec, build_market};
pub use view::{MarketView, PriceOrder, price_order};

use std::fmt;

use serde::Serialize;

use crate::catalog::InstanceType;
use crate::money::{Money, Rate};
use crate::time::SimTime;

/// An Availability Zone, by name or by ID. Never equated silently.
///
/// ```
/// use spotsim::market::Zone;
/// assert_eq!(Zone::parse("use1-az4"), Zone::Id("use1-az4".into()));
/// assert_eq!(Zone::parse("us-east-1a"), Zone::Name("us-east-1a".into()));
/// assert_ne!(Zone::parse("use1-az4"), Zone::parse("us-east-1a"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Zone {
    /// An AZ name such as `us-east-1a` (its mapping to physical zones differs per account).
    Name(String),
    /// An AZ ID such as `use1-az4` (the same physical zone in every account).
    Id(String),
}

impl Zone {
    /// Classifies a zone string: `<letters><digits>-az<digits>` is an AZ ID, anything
    /// else an AZ name.
    pub fn parse(s: &str) -> Zone {
        if is_az_id(s) {
            Zone::Id(s.to_string())
        } else {
            Zone::Name(s.to_string())
        }
    }

    /// Checks that `s` can be a zone: 1 to 64 ASCII letters, digits and dashes,
    /// starting with a letter and ending with a letter or digit (`us-east-1a`,
    /// `use1-az4`, `us-west-2-lax-1a`), and not a spelling of a float's special values
    /// (`inf`, `infinity`, `nan`, any case), which other tools read as numbers. `-inf`,
    /// and names with NUL, spaces or line breaks are refused.
    ///
    /// ```
    /// use spotsim::market::Zone;
    /// assert!(Zone::check("us-east-1a").is_ok());
    /// assert!(Zone::check("use1-az4").is_ok());
    /// for bad in ["Infinity", "NaN", "-inf", "us-east-1a\0", "us east-1a", "", "a\nb1"] {
    ///     assert!(Zone::check(bad).is_err(), "{bad:?}");
    /// }
    /// ```
    ///
    /// # Errors
    /// What is wrong, with the value escaped ([`crate::text::quote`]).
    pub fn check(s: &str) -> Result<(), String> {
        let b = s.as_bytes();
        let ok = (1..=64).contains(&b.len())
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b.first().is_some_and(u8::is_ascii_alphabetic)
            && b.last().is_some_and(u8::is_ascii_alphanumeric)
            && !["inf", "infinity", "nan"]
                .iter()
                .any(|w| s.eq_ignore_ascii_case(w));
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{} is not an AZ name or AZ ID: expected letters, digits and dashes such as us-east-1a or use1-az4 (not a float's name)",
                crate::text::quote(s)
            ))
        }
    }

    /// The zone as written.
    pub fn as_str(&self) -> &str {
        match self {
            Zone::Name(s) | Zone::Id(s) => s,
        }
    }

    /// `"name"` or `"id"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Zone::Name(_) => "name",
            Zone::Id(_) => "id",
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn is_az_id(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(dash) = s.find("-az") else {
        return false;
    };
    let (head, tail) = (&b[..dash], &b[dash + 3..]);
    let letters = head.iter().take_while(|c| c.is_ascii_lowercase()).count();
    letters >= 2
        && head.len() > letters
        && head[letters..].iter().all(u8::is_ascii_digit)
        && !tail.is_empty()
        && tail.iter().all(u8::is_ascii_digit)
}

/// Index of a pool in its [`Market`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PoolId(pub u32);

impl PoolId {
    /// The index as `usize`.
    #[inline]
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

/// One spot capacity pool: an instance type in an Availability Zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The instance type with its catalog data (vCPU, memory, on-demand price).
    pub instance_type: InstanceType,
    /// The zone.
    pub zone: Zone,
    /// Capacity units one instance provides (EC2 Fleet `WeightedCapacity`); 1 when the
    /// target is counted in instances.
    pub weight: u32,
}

/// A step function of time: `values[i]` holds on `[times[i], times[i+1])`, the last one
/// forever; undefined before `times[0]`.
///
/// ```
/// use spotsim::market::StepTrace;
/// use spotsim::time::SimTime;
/// let t = StepTrace::new(vec![10, 20], vec![5u32, 7]).unwrap();
/// assert_eq!(t.value_at(SimTime(9)), None);
/// assert_eq!(t.value_at(SimTime(10)), Some(5));
/// assert_eq!(t.value_at(SimTime(25)), Some(7));
/// assert!(StepTrace::new(vec![10, 10], vec![1u32, 2]).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepTrace<V> {
    times: Vec<i64>,
    values: Vec<V>,
}

/// Why a trace could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceError {
    /// `times` and `values` differ in length.
    LengthMismatch,
    /// Change point `index` is not strictly after the one before it.
    NotIncreasing {
        /// Index of the offending change point.
        index: usize,
    },
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::LengthMismatch => write!(f, "times and values differ in length"),
            TraceError::NotIncreasing { index } => {
                write!(f, "change point {index} is not after the one before it")
            }
        }
    }
}

impl std::error::Error for TraceError {}

impl<V: Copy> StepTrace<V> {
    /// A trace from strictly increasing `times` (seconds) and their `values`.
    ///
    /// # Errors
    /// [`TraceError`] when lengths differ or times do not strictly increase.
    pub fn new(times: Vec<i64>, values: Vec<V>) -> Result<Self, TraceError> {
        if times.len() != values.len() {
            return Err(TraceError::LengthMismatch);
        }
        if let Some(i) = times.windows(2).position(|w| w[1] <= w[0]) {
            return Err(TraceError::NotIncreasing { index: i + 1 });
        }
        Ok(StepTrace { times, values })
    }

    /// Number of change points.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// True when the trace has no change points.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Change-point times, in seconds.
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// Values at the change points.
    pub fn values(&self) -> &[V] {
        &self.values
    }

    /// Index of the change point in effect at `t` (the last one at or before `t`).
    #[inline]
    pub fn index_at(&self, t: SimTime) -> Option<usize> {
        self.times.partition_point(|&x| x <= t.0).checked_sub(1)
    }

    /// The value in effect at `t`, `None` before the first change point.
    #[inline]
    pub fn value_at(&self, t: SimTime) -> Option<V> {
        self.index_at(t).map(|i| self.values[i])
    }

    /// First and last change-point times.
    pub fn span(&self) -> Option<(SimTime, SimTime)> {
        Some((SimTime(*self.times.first()?), SimTime(*self.times.last()?)))
    }
}

/// A capacity trace: from each change point on, the fleet can hold at most that many
/// spot instances in the pool.
pub type CapacityTrace = StepTrace<u32>;

/// A spot price trace with its running integral.
///
/// ```
/// use spotsim::market::PriceTrace;
/// use spotsim::money::Rate;
/// use spotsim::time::SimTime;
/// let p = PriceTrace::new(vec![0, 3600], vec![Rate::parse_usd("1").unwrap(), Rate::parse_usd("2").unwrap()]).unwrap();
/// // 30 min at $1/h + 30 min at $2/h
/// assert_eq!(p.integral(SimTime(1800), SimTime(5400)).to_usd_string(2), "1.50");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceTrace {
    steps: StepTrace<Rate>,
    /// `cum[i]` = charge from `times[0]` to `times[i]`.
    cum: Vec<Money>,
}

impl PriceTrace {
    /// A price trace from strictly increasing times and prices.
    ///
    /// # Errors
    /// [`TraceError`] as for [`StepTrace::new`].
    pub fn new(times: Vec<i64>, prices: Vec<Rate>) -> Result<Self, TraceError> {
        let steps = StepTrace::new(times, prices)?;
        let mut cum = Vec::with_capacity(steps.len());
        let mut acc = Money::ZERO;
        for i in 0..steps.len() {
            if i > 0 {
                acc += steps.values[i - 1].for_seconds(steps.times[i] - steps.times[i - 1]);
            }
            cum.push(acc);
        }
        Ok(PriceTrace { steps, cum })
    }

    /// The underlying step function.
    pub fn steps(&self) -> &StepTrace<Rate> {
        &self.steps
    }

    /// The price in effect at `t`.
    #[inline]
    pub fn price_at(&self, t: SimTime) -> Option<Rate> {
        self.steps.value_at(t)
    }

    /// Integral of the price from the first change point to `t` (zero before it).
    #[inline]
    fn antiderivative(&self, t: SimTime) -> Money {
        match self.steps.index_at(t) {
            None => Money::ZERO,
            Some(i) => self.cum[i] + self.steps.values[i].for_seconds(t.0 - self.steps.times[i]),
        }
    }

    /// [`PriceTrace::integral`] from the first change point to `t`, given the index `i`
    /// of a change point in effect at `t` or the one just before it (`times[i] ≤ t ≤
    /// times[i + 1]`): no search. The engine, which replays the trace in order, knows it.
    #[inline]
    pub(crate) fn integral_from_start(&self, i: usize, t: SimTime) -> Money {
        match (
            self.cum.get(i),
            self.steps.values.get(i),
            self.steps.times.get(i),
        ) {
            (Some(&c), Some(v), Some(&ti)) => c + v.for_seconds(t.0 - ti),
            _ => self.antiderivative(t),
        }
    }

    /// The exact charge for running from `a` to `b` at the prices in effect (zero for
    /// any part before the first change point, where the pool cannot be launched into).
    pub fn integral(&self, a: SimTime, b: SimTime) -> Money {
        if b <= a {
            return Money::ZERO;
        }
        self.antiderivative(b) - self.antiderivative(a)
    }
}

/// Where an input came from: the provenance a report prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// The path as given.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The format detected (`aws-csv`, `aws-json`, `azid-tsv`, …).
    pub format: String,
    /// Data rows read.
    pub rows: u64,
}

/// The pools of one simulation with their traces. Built once, shared (`Arc`) across
/// scenarios of a sweep.
#[derive(Clone, Debug)]
pub struct Market {
    pools: Vec<Pool>,
    /// Each pool's weight, densely (strategies read them in scans over all pools).
    weights: Vec<u32>,
    /// True when every pool has the same weight.
    uniform: bool,
    prices: Vec<PriceTrace>,
    capacity: Vec<Option<CapacityTrace>>,
    product: String,
    sources: Vec<SourceFile>,
}

impl Market {
    /// A market from pools and their traces (one price trace and one optional capacity
    /// trace per pool, in pool order). A pool with an empty price trace can never be
    /// launched into; a pool without a capacity trace has unlimited capacity.
    ///
    /// # Panics
    /// Never; mismatched lengths are padded (missing prices empty, capacity unlimited).
    pub fn new(
        pools: Vec<Pool>,
        mut prices: Vec<PriceTrace>,
        mut capacity: Vec<Option<CapacityTrace>>,
        product: &str,
    ) -> Market {
        let n = pools.len();
        prices.resize_with(n, || {
            PriceTrace::new(Vec::new(), Vec::new()).unwrap_or_else(|_| unreachable!())
        });
        capacity.resize_with(n, || None);
        prices.truncate(n);
        capacity.truncate(n);
        let mut m = Market {
            pools,
            weights: Vec::new(),
            uniform: true,
            prices,
            capacity,
            product: product.to_string(),
            sources: Vec::new(),
        };
        m.index_weights();
        m
    }

    /// Refreshes the dense copy of the pools' weights.
    fn index_weights(&mut self) {
        self.weights = self.pools.iter().map(|p| p.weight).collect();
        self.uniform = self.weights.windows(2).all(|w| w[0] == w[1]);
    }

    /// Sets every pool's capacity units per instance (`WeightedCapacity`) from its
    /// instance type; a weight of 0 is raised to 1.
    ///
    /// ```
    /// let mut m = spotsim::synth::default_market(1);
    /// m.set_weights(|t| t.vcpu);
    /// assert!(m.pools().iter().all(|p| p.weight == 2));
    /// ```
    pub fn set_weights(&mut self, weight: impl Fn(&InstanceType) -> u32) {
        for p in &mut self.pools {
            p.weight = weight(&p.instance_type).max(1);
        }
        self.index_weights();
    }

    /// The market restricted to the pools `keep` accepts (with their traces), in the
    /// same order.
    ///
    /// ```
    /// let m = spotsim::synth::default_market(1);
    /// let a = m.retain_pools(|p| p.zone.as_str() == "us-east-1a");
    /// assert_eq!(a.pools().len(), 4);
    /// ```
    pub fn retain_pools(&self, keep: impl Fn(&Pool) -> bool) -> Market {
        let mut m = Market {
            pools: Vec::new(),
            weights: Vec::new(),
            uniform: true,
            prices: Vec::new(),
            capacity: Vec::new(),
            product: self.product.clone(),
            sources: self.sources.clone(),
        };
        for (i, p) in self.pools.iter().enumerate() {
            if keep(p) {
                m.pools.push(p.clone());
                m.prices.push(self.prices[i].clone());
                m.capacity.push(self.capacity[i].clone());
            }
        }
        m.index_weights();
        m
    }

    /// Records the input files this market was built from.
    pub fn with_sources(mut self, sources: Vec<SourceFile>) -> Market {
        self.sources = sources;
        self
    }

    /// The pools, indexed by [`PoolId`].
    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }

    /// A pool's weight (capacity units per instance), the same as
    /// `pool(p).weight`.
    #[inline]
    pub fn weight(&self, p: PoolId) -> u32 {
        self.weights[p.idx()]
    }

    /// Every pool's weight, by pool index.
    ///
    /// ```
    /// let m = spotsim::synth::default_market(1);
    /// assert_eq!(m.weights().len(), m.pools().len());
    /// ```
    pub fn weights(&self) -> &[u32] {
        &self.weights
    }

    /// True when every pool has the same weight (so spot price order is price-per-unit
    /// order).
    pub fn uniform_weights(&self) -> bool {
        self.uniform
    }

    /// One pool.
    pub fn pool(&self, p: PoolId) -> &Pool {
        &self.pools[p.idx()]
    }

    /// The price trace of a pool.
    pub fn price_trace(&self, p: PoolId) -> &PriceTrace {
        &self.prices[p.idx()]
    }

    /// The capacity trace of a pool (`None`: unlimited).
    pub fn capacity_trace(&self, p: PoolId) -> Option<&CapacityTrace> {
        self.capacity[p.idx()].as_ref()
    }

    /// The product description whose prices this market holds.
    pub fn product(&self) -> &str {
        &self.product
    }

    /// The input files.
    pub fn sources(&self) -> &[SourceFile] {
        &self.sources
    }

    /// Number of price and capacity change points across all pools.
    pub fn change_points(&self) -> usize {
        self.prices.iter().map(|p| p.steps.len()).sum::<usize>()
            + self
                .capacity
                .iter()
                .flatten()
                .map(StepTrace::len)
                .sum::<usize>()
    }

    /// The span every pool's traces cover: from the first instant at which every priced
    /// pool has a price (and every capacity-traced pool a capacity) to the last change
    /// point — the default horizon, so that no pool is unlaunchable at the start merely
    /// because its trace begins later (AWS's price history starts each series at its
    /// first change in the window). Pools without any price are ignored.
    ///
    /// ```
    /// use spotsim::market::{Market, Pool, PriceTrace, Zone};
    /// use spotsim::money::Rate;
    /// use spotsim::time::SimTime;
    /// let it = spotsim::catalog::Catalog::builtin().types()[0].clone();
    /// let pool = |z: &str| Pool { instance_type: it.clone(), zone: Zone::parse(z), weight: 1 };
    /// let tr = |t: Vec<i64>| PriceTrace::new(t.clone(), t.iter().map(|_| Rate::ZERO).collect()).unwrap();
    /// let m = Market::new(vec![pool("a"), pool("b")], vec![tr(vec![0, 50]), tr(vec![10, 20])], vec![], "Linux/UNIX");
    /// assert_eq!(m.span(), Some((SimTime(0), SimTime(50))));
    /// assert_eq!(m.covered_span(), Some((SimTime(10), SimTime(50))));
    /// ```
    pub fn covered_span(&self) -> Option<(SimTime, SimTime)> {
        let firsts = self
            .prices
            .iter()
            .filter_map(|p| p.steps.span())
            .chain(self.capacity.iter().flatten().filter_map(StepTrace::span));
        let start = firsts.clone().map(|s| s.0).max()?;
        let end = firsts.map(|s| s.1).max()?;
        Some((start, end))
    }

    /// The span the traces cover: first to last change point over all pools.
    pub fn span(&self) -> Option<(SimTime, SimTime)> {
        let spans = self
            .prices
            .iter()
            .filter_map(|p| p.steps.span())
            .chain(self.capacity.iter().flatten().filter_map(StepTrace::span));
        spans.fold(None, |acc, (a, b)| match acc {
            None => Some((a, b)),
            Some((x, y)) => Some((x.min(a), y.max(b))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search-free integral agrees with the searching one at every second around
    /// every change point, from either neighbouring index.
    #[test]
    fn integral_from_start_agrees_with_the_search() {
        let r = |n| Rate::from_nano_usd(n);
        let p = PriceTrace::new(
            vec![10, 15, 100, 101],
            vec![r(7), r(1_000_003), r(0), r(42)],
        )
        .unwrap();
        for t in 10..=120 {
            let want = p.integral(SimTime(10), SimTime(t));
            let i = p.steps.index_at(SimTime(t)).unwrap();
            assert_eq!(p.integral_from_start(i, SimTime(t)), want, "t = {t}");
            if p.steps.times[i] == t && i > 0 {
                assert_eq!(
                    p.integral_from_start(i - 1, SimTime(t)),
                    want,
                    "t = {t}, i - 1"
                );
            }
        }
    }
}
