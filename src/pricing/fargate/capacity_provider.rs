//! ECS capacity-provider strategies over `FARGATE` and `FARGATE_SPOT` (§6.5).

use super::*;

/// Capacity provider of a Fargate capacity-provider strategy (§6.5).
///
/// ```
/// use spotsim::pricing::fargate::Provider;
/// assert_eq!("FARGATE_SPOT".parse::<Provider>().unwrap(), Provider::FargateSpot);
/// assert_eq!(Provider::Fargate.as_str(), "FARGATE");
/// assert!("EC2".parse::<Provider>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// `FARGATE` (on-demand).
    Fargate,
    /// `FARGATE_SPOT`.
    FargateSpot,
}

impl Provider {
    /// `FARGATE` or `FARGATE_SPOT`, as ECS names them.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::Provider;
    /// assert_eq!(Provider::FargateSpot.as_str(), "FARGATE_SPOT");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Fargate => "FARGATE",
            Provider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Provider, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Provider {
    type Err = FargateError;
    /// `FARGATE` or `FARGATE_SPOT` (ASCII case ignored).
    fn from_str(s: &str) -> Result<Provider, FargateError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "FARGATE" => Ok(Provider::Fargate),
            "FARGATE_SPOT" => Ok(Provider::FargateSpot),
            _ => Err(FargateError::UnknownProvider {
                given: s.to_string(),
            }),
        }
    }
}

/// One item of a capacity-provider strategy: `{capacityProvider, base, weight}` (§6.5).
///
/// ```
/// use spotsim::pricing::fargate::{Provider, StrategyItem};
/// let i = StrategyItem::new(Provider::FargateSpot, 0, 4);
/// assert_eq!(i.weight, 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StrategyItem {
    /// `FARGATE` or `FARGATE_SPOT`.
    pub provider: Provider,
    /// Minimum number of tasks on this provider, placed first (0–100000).
    pub base: u32,
    /// Relative share of the tasks after the base (0–1000).
    pub weight: u32,
}

impl StrategyItem {
    /// An item.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::{Provider, StrategyItem};
    /// assert_eq!(StrategyItem::new(Provider::Fargate, 2, 1).base, 2);
    /// ```
    pub const fn new(provider: Provider, base: u32, weight: u32) -> StrategyItem {
        StrategyItem {
            provider,
            base,
            weight,
        }
    }
}

/// A validated ECS capacity-provider strategy over `FARGATE` and `FARGATE_SPOT` (§6.5).
///
/// Validation (§6.5): at least one item and at most [`Self::MAX_ITEMS`] (6; ⚠ newer SDK
/// docs say 20, but only two Fargate providers exist); each provider at most once (a
/// documented choice: with duplicates the split would be ambiguous); only one item may set
/// `base` (base > 0); base 0–100000; weight 0–1000; at least one weight above 0.
///
/// ```
/// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
/// let s = CapacityProviderStrategy::new(vec![
///     StrategyItem::new(Provider::Fargate, 0, 1),
///     StrategyItem::new(Provider::FargateSpot, 0, 4),
/// ]).unwrap();
/// assert_eq!(s.split(5), (1, 4));
/// assert_eq!(s.split(10), (2, 8));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapacityProviderStrategy {
    items: Vec<StrategyItem>,
}

impl CapacityProviderStrategy {
    /// Most items in a strategy (§6.5; ⚠ 20 in newer docs).
    pub const MAX_ITEMS: usize = 6;
    /// Largest `weight` (§6.5).
    pub const MAX_WEIGHT: u32 = 1000;
    /// Largest `base` (§6.5).
    pub const MAX_BASE: u32 = 100_000;

    /// A strategy, validated as described on the type.
    ///
    /// # Errors
    /// [`FargateError::EmptyStrategy`], [`FargateError::TooManyItems`],
    /// [`FargateError::DuplicateProvider`], [`FargateError::MultipleBase`],
    /// [`FargateError::WeightOutOfRange`], [`FargateError::BaseOutOfRange`],
    /// [`FargateError::AllWeightsZero`].
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let two_bases = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::Fargate, 1, 1),
    ///     StrategyItem::new(Provider::FargateSpot, 1, 1),
    /// ]);
    /// assert!(two_bases.is_err());
    /// ```
    pub fn new(items: Vec<StrategyItem>) -> Result<CapacityProviderStrategy, FargateError> {
        if items.is_empty() {
            return Err(FargateError::EmptyStrategy);
        }
        if items.len() > Self::MAX_ITEMS {
            return Err(FargateError::TooManyItems { count: items.len() });
        }
        for (i, it) in items.iter().enumerate() {
            if items[..i].iter().any(|o| o.provider == it.provider) {
                return Err(FargateError::DuplicateProvider {
                    provider: it.provider,
                });
            }
            if it.weight > Self::MAX_WEIGHT {
                return Err(FargateError::WeightOutOfRange {
                    provider: it.provider,
                    weight: it.weight,
                });
            }
            if it.base > Self::MAX_BASE {
                return Err(FargateError::BaseOutOfRange {
                    provider: it.provider,
                    base: it.base,
                });
            }
        }
        if items.iter().filter(|i| i.base > 0).count() > 1 {
            return Err(FargateError::MultipleBase);
        }
        if items.iter().all(|i| i.weight == 0) {
            return Err(FargateError::AllWeightsZero);
        }
        Ok(CapacityProviderStrategy { items })
    }

    /// All tasks on one provider (`base` 0, weight 1).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider};
    /// assert_eq!(CapacityProviderStrategy::only(Provider::FargateSpot).split(3), (0, 3));
    /// ```
    pub fn only(provider: Provider) -> CapacityProviderStrategy {
        CapacityProviderStrategy {
            items: vec![StrategyItem::new(provider, 0, 1)],
        }
    }

    /// The items, in the order given.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider};
    /// assert_eq!(CapacityProviderStrategy::only(Provider::Fargate).items().len(), 1);
    /// ```
    pub fn items(&self) -> &[StrategyItem] {
        &self.items
    }

    /// How many of `desired` tasks each item gets, in item order.
    ///
    /// The rule (AWS does not document its rounding, §6.5 ⚠): the item that sets `base`
    /// gets `min(base, desired)` tasks first. The remaining tasks are then assigned **one
    /// at a time** to the item with weight > 0 whose `assigned / weight` is lowest
    /// (`assigned` counting only tasks placed by weight, not the base), ties to the item
    /// listed first. So weights 1 and 4 give A, B, B, B, B, A, B, … — one task to A for
    /// every four to B — and every `Σweights` tasks are split exactly by weight.
    /// Computed in O(items × Σweights) at most, whatever `desired` is.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let s = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::Fargate, 2, 1),
    ///     StrategyItem::new(Provider::FargateSpot, 0, 1),
    /// ]).unwrap();
    /// // base 2 on FARGATE, then 5 tasks 1:1 starting with FARGATE (listed first): 3 + 2
    /// assert_eq!(s.split_items(7), vec![5, 2]);
    /// ```
    pub fn split_items(&self, desired: u32) -> Vec<u32> {
        let n = self.items.len();
        let mut counts = vec![0u64; n];
        let mut left = desired as u64;
        if let Some(i) = self.items.iter().position(|it| it.base > 0) {
            let b = (self.items[i].base as u64).min(left);
            counts[i] += b;
            left -= b;
        }
        let w: Vec<u64> = self.items.iter().map(|it| it.weight as u64).collect();
        let total: u64 = w.iter().sum();
        // `total` is 0 only for a strategy with no weights, which `new` rejects.
        if let Some(rounds) = left.checked_div(total) {
            // After every Σweights tasks, each item holds exactly its weight's share and
            // the one-at-a-time rule starts over from a tie.
            for (c, wi) in counts.iter_mut().zip(&w) {
                *c += rounds * wi;
            }
            let mut extra = vec![0u64; n];
            for _ in 0..left % total {
                let mut best: Option<usize> = None;
                for i in 0..n {
                    if w[i] == 0 {
                        continue;
                    }
                    best = match best {
                        // extra[i] / w[i] < extra[b] / w[b], exactly
                        Some(b) if extra[i] * w[b] >= extra[b] * w[i] => Some(b),
                        _ => Some(i),
                    };
                }
                if let Some(b) = best {
                    extra[b] += 1;
                }
            }
            for (c, e) in counts.iter_mut().zip(&extra) {
                *c += e;
            }
        }
        // Each count is at most `desired`, so it fits in u32.
        counts
            .into_iter()
            .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
            .collect()
    }

    /// `(fargate, fargate_spot)` task counts for `desired` tasks (see
    /// [`Self::split_items`] for the rule).
    ///
    /// ```
    /// use spotsim::pricing::fargate::{CapacityProviderStrategy, Provider, StrategyItem};
    /// let s = CapacityProviderStrategy::new(vec![
    ///     StrategyItem::new(Provider::FargateSpot, 0, 3),
    ///     StrategyItem::new(Provider::Fargate, 1, 1),
    /// ]).unwrap();
    /// assert_eq!(s.split(9), (1 + 2, 6));
    /// ```
    pub fn split(&self, desired: u32) -> (u32, u32) {
        let mut out = (0u32, 0u32);
        for (it, c) in self.items.iter().zip(self.split_items(desired)) {
            match it.provider {
                Provider::Fargate => out.0 += c,
                Provider::FargateSpot => out.1 += c,
            }
        }
        out
    }
}
