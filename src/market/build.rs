//! Building a [`Market`] from ingested rows: select the pools (types × zones) and the
//! product, merge the files, sort, de-duplicate and check.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use crate::catalog::Catalog;
use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::ingest::{CapacityHistory, PriceHistory, PriceRow};
use crate::money::Rate;

/// Which pools and which product a market is built for.
///
/// ```
/// use spotsim::market::{MarketSpec, Zone};
/// let spec = MarketSpec::new(&["m5.large", "c5.large"], &["us-east-1a", "use1-az4"]);
/// assert_eq!(spec.product, "Linux/UNIX");
/// assert_eq!(spec.zones[1], Zone::Id("use1-az4".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketSpec {
    /// Instance types, in priority order; pools are types × zones, type-major.
    pub instance_types: Vec<String>,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Product description whose prices are replayed.
    pub product: String,
    /// Capacity units per instance, per type (`WeightedCapacity`); empty = all 1.
    pub weights: Vec<u32>,
}

impl MarketSpec {
    /// Types × zones for `Linux/UNIX`, weight 1.
    pub fn new(types: &[&str], zones: &[&str]) -> Self {
        MarketSpec {
            instance_types: types.iter().map(|s| s.to_string()).collect(),
            zones: zones.iter().map(|z| Zone::parse(z)).collect(),
            product: "Linux/UNIX".to_string(),
            weights: Vec::new(),
        }
    }
}

/// Why a pool's price trace could not be built (the conflict's message is written
/// afterwards, for the first failing pool only).
enum Failed {
    /// Two prices at this time.
    Conflict(i64),
    /// Any other error.
    Other(Error),
}

struct Row {
    time: i64,
    value: u64,
    file: usize,
    line: u64,
}

/// Builds the market for `spec` from price and capacity files.
///
/// # Errors
/// * [`ConfigError`] when a type is not in the catalog, a type or zone is listed twice,
///   or a type or zone has no price rows for the product in any file (the message says
///   when the files name zones by ID and the option by name, or the reverse);
/// * [`InputError`] (kind `Conflict`) when one pool has two different values at the
///   same timestamp, naming both places; (kind `Empty`) when a capacity file has no row
///   for any selected pool.
pub fn build_market(
    catalog: &Catalog,
    spec: &MarketSpec,
    prices: &[PriceHistory],
    capacity: &[CapacityHistory],
) -> Result<Market, Error> {
    if spec.instance_types.is_empty() {
        return Err(
            ConfigError::new("instance-types", "at least one instance type is needed").into(),
        );
    }
    if spec.zones.is_empty() {
        return Err(ConfigError::new("azs", "at least one availability zone is needed").into());
    }
    if !spec.weights.is_empty() && spec.weights.len() != spec.instance_types.len() {
        return Err(ConfigError::new(
            "weights",
            format!(
                "{} weights for {} instance types",
                spec.weights.len(),
                spec.instance_types.len()
            ),
        )
        .into());
    }
    let mut seen = BTreeSet::new();
    for t in &spec.instance_types {
        if !seen.insert(t) {
            return Err(
                ConfigError::new("instance-types", format!("`{t}` is listed twice")).into(),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for z in &spec.zones {
        if !seen.insert(z) {
            return Err(ConfigError::new("azs", format!("`{z}` is listed twice")).into());
        }
    }
    let nz = spec.zones.len();
    let mut pools = Vec::new();
    let mut index: HashMap<(&Zone, &str), usize> = HashMap::new();
    for (ti, t) in spec.instance_types.iter().enumerate() {
        let it = catalog.get(t).ok_or_else(|| {
            ConfigError::new(
                "instance-types",
                format!(
                    "`{t}` is not in the catalog ({}, {} types); give --catalog with it",
                    catalog.source(),
                    catalog.types().len()
                ),
            )
        })?;
        let weight = spec.weights.get(ti).copied().unwrap_or(1);
        if weight == 0 {
            return Err(
                ConfigError::new("weights", format!("weight of `{t}` must be at least 1")).into(),
            );
        }
        for (zi, z) in spec.zones.iter().enumerate() {
            index.insert((z, t.as_str()), ti * nz + zi);
            pools.push(Pool {
                instance_type: it.clone(),
                zone: z.clone(),
                weight,
            });
        }
    }

    let mut sources = Vec::new();
    let mut files: Vec<&str> = Vec::new();
    // ---- prices
    // Two passes over the rows: count each pool's, then fill its times and prices with
    // the exact capacity. Nothing else is held per row.
    let mut zone_kinds_in_files = BTreeSet::new();
    let mut zones_in_files: BTreeSet<&Zone> = BTreeSet::new();
    let mut types_in_files: BTreeSet<&str> = BTreeSet::new();
    let mut maps: Vec<Vec<Option<usize>>> = Vec::with_capacity(prices.len());
    for h in prices {
        files.push(&h.source.path);
        sources.push(h.source.clone());
        maps.push(
            h.series
                .iter()
                .map(|k| {
                    zone_kinds_in_files.insert(k.zone.kind());
                    if k.product != spec.product {
                        return None;
                    }
                    zones_in_files.insert(&k.zone);
                    types_in_files.insert(&k.instance_type);
                    index.get(&(&k.zone, k.instance_type.as_str())).copied()
                })
                .collect(),
        );
    }
    let pool_of = |f: usize, r: &PriceRow| maps[f].get(r.series as usize).copied().flatten();
    // The rows in file order, cut in two halves that two threads count and place at
    // once: each pool's points are allocated with their exact count, and the first
    // half's go before the second's, so each pool holds its rows in file order as one
    // pass would.
    let halves = halves_of(prices);
    let count = |half: &[(usize, &[PriceRow])]| {
        let mut counts = vec![0usize; pools.len()];
        for_each_selected(half, &pool_of, |p, _| counts[p] += 1);
        counts
    };
    let (first, second) = rayon::join(|| count(&halves[0]), || count(&halves[1]));
    let counts: Vec<usize> = first.iter().zip(&second).map(|(a, b)| a + b).collect();
    let mut per_pool: Vec<(Vec<i64>, Vec<Rate>)> = counts
        .iter()
        .map(|&c| (vec![0; c], vec![Rate::ZERO; c]))
        .collect();
    {
        let mut slots: [Vec<(&mut [i64], &mut [Rate])>; 2] = [Vec::new(), Vec::new()];
        for ((times, values), &n) in per_pool.iter_mut().zip(&first) {
            let (t0, t1) = times.split_at_mut(n);
            let (v0, v1) = values.split_at_mut(n);
            slots[0].push((t0, v0));
            slots[1].push((t1, v1));
        }
        let place = |half: &[(usize, &[PriceRow])], slots: &mut Vec<(&mut [i64], &mut [Rate])>| {
            let mut at = vec![0usize; slots.len()];
            for_each_selected(half, &pool_of, |p, r| {
                let (times, values) = &mut slots[p];
                times[at[p]] = r.time.secs();
                values[at[p]] = r.price;
                at[p] += 1;
            });
        };
        let [s0, s1] = &mut slots;
        rayon::join(|| place(&halves[0], s0), || place(&halves[1], s1));
    }
    let file_list = if files.is_empty() {
        "no price files".to_string()
    } else {
        files.join(", ")
    };
    for t in &spec.instance_types {
        if !types_in_files.contains(t.as_str()) {
            return Err(ConfigError::new(
                "instance-types",
                format!("`{t}` has no `{}` price rows in {file_list}", spec.product),
            )
            .into());
        }
    }
    for (zi, z) in spec.zones.iter().enumerate() {
        let absent = !zones_in_files.contains(z);
        if absent || (0..spec.instance_types.len()).all(|ti| counts[ti * nz + zi] == 0) {
            let mut msg = format!(
                "zone `{z}` has no `{}` price rows{} in {file_list}",
                spec.product,
                if absent { "" } else { " for the given types" }
            );
            let other = if z.kind() == "name" { "id" } else { "name" };
            if zone_kinds_in_files.contains(other) && !zone_kinds_in_files.contains(z.kind()) {
                msg.push_str(&format!(
                    "; the files name zones by {} and `{z}` is an AZ {}: AZ names and AZ IDs are not interchangeable",
                    if other == "id" { "AZ ID (e.g. use1-az4)" } else { "AZ name (e.g. us-east-1a)" },
                    z.kind()
                ));
            }
            return Err(ConfigError::new("azs", msg).into());
        }
    }
    for (ti, t) in spec.instance_types.iter().enumerate() {
        if (0..nz).all(|zi| counts[ti * nz + zi] == 0) {
            return Err(ConfigError::new(
                "instance-types",
                format!(
                    "`{t}` has no `{}` price rows for the given zones in {file_list}",
                    spec.product
                ),
            )
            .into());
        }
    }
    // Each pool's trace on its own (in parallel); the first pool in order that fails
    // names the error, as a loop over them would. A conflict's message (a scan of every
    // row) is written for that pool only.
    let built: Vec<Result<PriceTrace, Failed>> = per_pool
        .into_par_iter()
        .map(|(mut times, mut values)| {
            if let Some(t) = into_time_order(&mut times, &mut values) {
                return Err(Failed::Conflict(t));
            }
            PriceTrace::new(times, values)
                .map_err(|e| Failed::Other(ConfigError::new("prices", e.to_string()).into()))
        })
        .collect();
    let mut price_traces = Vec::with_capacity(built.len());
    for (p, b) in built.into_iter().enumerate() {
        match b {
            Ok(trace) => price_traces.push(trace),
            Err(Failed::Conflict(t)) => {
                return Err(price_conflict(prices, &files, &pool_of, p, t).into());
            }
            Err(Failed::Other(e)) => return Err(e),
        }
    }

    // ---- capacity
    let mut per_pool: Vec<Vec<Row>> = (0..pools.len()).map(|_| Vec::new()).collect();
    let mut cap_files: Vec<&str> = Vec::new();
    for h in capacity {
        let f = files.len() + cap_files.len();
        cap_files.push(&h.source.path);
        sources.push(h.source.clone());
        let map: Vec<Option<usize>> = h
            .series
            .iter()
            .map(|k| index.get(&(&k.zone, k.instance_type.as_str())).copied())
            .collect();
        let mut any = false;
        for r in &h.rows {
            if let Some(p) = map[r.series as usize] {
                any = true;
                per_pool[p].push(Row {
                    time: r.time.secs(),
                    value: r.capacity as u64,
                    file: f,
                    line: r.line,
                });
            }
        }
        if !any {
            let have: Vec<String> = h
                .series
                .iter()
                .take(5)
                .map(|k| format!("{} {}", k.instance_type, k.zone))
                .collect();
            return Err(InputError::new(
                &h.source.path,
                InputErrorKind::Empty,
                format!(
                    "no capacity rows for the selected pools (the file has: {}{})",
                    have.join(", "),
                    if h.series.len() > 5 { ", …" } else { "" }
                ),
            )
            .into());
        }
    }
    let all_files: Vec<&str> = files.iter().chain(cap_files.iter()).copied().collect();
    let mut cap_traces = Vec::with_capacity(pools.len());
    for rows in per_pool.iter_mut() {
        if rows.is_empty() {
            cap_traces.push(None);
            continue;
        }
        let (times, values) = merge_cap(rows, &all_files)?;
        cap_traces.push(Some(
            CapacityTrace::new(times, values)
                .map_err(|e| ConfigError::new("capacity", e.to_string()))?,
        ));
    }

    Ok(Market::new(pools, price_traces, cap_traces, &spec.product).with_sources(sources))
}

/// Puts one pool's change points (in file order) in time order and drops repeats of a
/// time with the same price. AWS writes newest first, so a pool's rows usually run
/// backwards (reversed in place) or forwards (kept); only others are sorted (stably, so
/// rows of one time stay in file order). Returns a time given two different prices.
fn into_time_order(times: &mut Vec<i64>, values: &mut Vec<Rate>) -> Option<i64> {
    if times.windows(2).all(|w| w[0] > w[1]) {
        times.reverse();
        values.reverse();
        return None;
    }
    if times.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    let mut pairs: Vec<(i64, Rate)> = times.iter().copied().zip(values.iter().copied()).collect();
    pairs.sort_by_key(|x| x.0);
    times.clear();
    values.clear();
    for (t, v) in pairs {
        if times.last() == Some(&t) {
            if values.last() != Some(&v) {
                return Some(t);
            }
            continue;
        }
        times.push(t);
        values.push(v);
    }
    times.shrink_to_fit();
    values.shrink_to_fit();
    None
}

/// The price rows of `prices` in file order (file index and rows), cut at the row
/// half-way through all of them.
fn halves_of(prices: &[PriceHistory]) -> [Vec<(usize, &[PriceRow])>; 2] {
    let total: usize = prices.iter().map(|h| h.rows.len()).sum();
    let mut left = total / 2;
    let mut halves = [Vec::new(), Vec::new()];
    for (f, h) in prices.iter().enumerate() {
        let cut = left.min(h.rows.len());
        left -= cut;
        let (a, b) = h.rows.split_at(cut);
        halves[0].push((f, a));
        halves[1].push((f, b));
    }
    halves
}

/// Calls `f` with each row of `half` that falls in a pool of the market, and that pool.
#[inline]
fn for_each_selected(
    half: &[(usize, &[PriceRow])],
    pool_of: &impl Fn(usize, &PriceRow) -> Option<usize>,
    mut f: impl FnMut(usize, &PriceRow),
) {
    for &(file, rows) in half {
        for r in rows {
            if let Some(p) = pool_of(file, r) {
                f(p, r);
            }
        }
    }
}

/// The error for pool `p` having two prices at time `t`: the first row of that time
/// (in file order) and the first after it with another price, named by file and line.
fn price_conflict(
    prices: &[PriceHistory],
    files: &[&str],
    pool_of: &impl Fn(usize, &PriceRow) -> Option<usize>,
    p: usize,
    t: i64,
) -> InputError {
    let mut first: Option<(usize, u64, Rate)> = None;
    for (f, h) in prices.iter().enumerate() {
        for r in h.rows.iter().filter(|r| r.time.secs() == t) {
            if pool_of(f, r) != Some(p) {
                continue;
            }
            match first {
                None => first = Some((f, u64::from(r.line), r.price)),
                Some((ff, fl, fv)) if fv != r.price => {
                    return InputError::new(
                        files[f],
                        InputErrorKind::Conflict,
                        format!(
                            "timestamp {} appears twice for this pool with different values ({} here, {} at {}:{})",
                            crate::time::SimTime(t),
                            r.price,
                            fv,
                            files[ff],
                            fl
                        ),
                    )
                    .at_line(u64::from(r.line))
                    .field("price");
                }
                Some(_) => {}
            }
        }
    }
    InputError::new(
        files.first().copied().unwrap_or_default(),
        InputErrorKind::Conflict,
        format!(
            "timestamp {} appears twice for a pool",
            crate::time::SimTime(t)
        ),
    )
}

fn sort_dedupe(rows: &mut Vec<Row>, files: &[&str], field: &str) -> Result<(), InputError> {
    rows.sort_by_key(|r| (r.time, r.file, r.line));
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for r in rows.drain(..) {
        if let Some(last) = out.last()
            && last.time == r.time
        {
            if last.value == r.value {
                continue;
            }
            return Err(InputError::new(
                    files[r.file],
                    InputErrorKind::Conflict,
                    format!(
                        "timestamp {} appears twice for this pool with different values ({} here, {} at {}:{})",
                        crate::time::SimTime(r.time),
                        show(field, r.value),
                        show(field, last.value),
                        files[last.file],
                        last.line
                    ),
                )
                .at_line(r.line)
                .field(field));
        }
        out.push(r);
    }
    *rows = out;
    Ok(())
}

fn show(field: &str, v: u64) -> String {
    if field == "price" {
        Rate::from_nano_usd(v as i64).to_string()
    } else {
        v.to_string()
    }
}

fn merge_cap(rows: &mut Vec<Row>, files: &[&str]) -> Result<(Vec<i64>, Vec<u32>), Error> {
    sort_dedupe(rows, files, "capacity")?;
    Ok((
        rows.iter().map(|r| r.time).collect(),
        rows.iter()
            .map(|r| r.value.min(u32::MAX as u64) as u32)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_aws_csv;
    use crate::market::PoolId;

    const HEAD: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n";

    fn csv(name: &str, rows: &[(&str, &str)]) -> PriceHistory {
        let mut s = HEAD.to_string();
        for (price, time) in rows {
            s.push_str(&format!("us-east-1a,m5.large,Linux/UNIX,{price},{time}\n"));
        }
        read_aws_csv(name, s.as_bytes()).unwrap()
    }

    fn build(files: &[PriceHistory]) -> Result<Market, Error> {
        let spec = MarketSpec::new(&["m5.large"], &["us-east-1a"]);
        build_market(&Catalog::builtin(), &spec, files, &[])
    }

    #[test]
    fn any_row_order_gives_the_time_order() {
        let t = |h: u32| format!("2024-01-01T{h:02}:00:00Z");
        let (t1, t2, t3) = (t(1), t(2), t(3));
        let want = [1, 2, 3].map(|h| 1_704_067_200 + 3600 * h);
        for order in [[&t3, &t2, &t1], [&t1, &t2, &t3], [&t2, &t3, &t1]] {
            let h = csv("a.csv", &order.map(|x| ("0.1", x.as_str())));
            let m = build(&[h]).unwrap();
            assert_eq!(m.price_trace(PoolId(0)).steps().times(), want);
        }
        // An exact repeat (overlapping pages) is dropped, in the same file or another.
        let a = csv("a.csv", &[("0.1", &t2), ("0.2", &t1), ("0.1", &t2)]);
        let b = csv("b.csv", &[("0.2", &t1), ("0.3", &t3)]);
        let m = build(&[a, b]).unwrap();
        let s = m.price_trace(PoolId(0)).steps();
        assert_eq!(s.times(), want);
        assert_eq!(
            s.values().iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            ["0.2", "0.1", "0.3"]
        );
    }

    #[test]
    fn two_prices_at_one_time_name_both_rows() {
        let t = "2024-01-01T05:00:00Z";
        let a = csv("a.csv", &[("0.1", "2024-01-01T04:00:00Z"), ("0.2", t)]);
        let b = csv("b.csv", &[("0.2", t), ("0.25", t)]);
        let e = build(&[a, b]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.csv:3: field `price`: timestamp 2024-01-01T05:00:00Z appears twice for this pool \
             with different values (0.25 here, 0.2 at a.csv:3)"
        );
    }

    /// Two pools in conflict, the later pool's rows first in the files: the error
    /// names the first pool in pool order (types × zones, type-major), as a loop over
    /// the pools would, whichever thread built which pool.
    #[test]
    fn the_first_pool_in_conflict_names_the_error() {
        let t = "2024-01-01T05:00:00Z";
        let row = |ty: &str, price: &str| format!("us-east-1a,{ty},Linux/UNIX,{price},{t}\n");
        let a = format!("{HEAD}{}{}", row("c5.large", "0.3"), row("c5.large", "0.4"));
        let b = format!("{HEAD}{}{}", row("m5.large", "0.1"), row("m5.large", "0.2"));
        let files = [
            read_aws_csv("a.csv", a.as_bytes()).unwrap(),
            read_aws_csv("b.csv", b.as_bytes()).unwrap(),
        ];
        let spec = MarketSpec::new(&["m5.large", "c5.large"], &["us-east-1a"]);
        let e = build_market(&Catalog::builtin(), &spec, &files, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.csv:3: field `price`: timestamp 2024-01-01T05:00:00Z appears twice for this pool \
             with different values (0.2 here, 0.1 at b.csv:2)"
        );
    }

    proptest::proptest! {
        /// Whatever the rows and however they are cut into files (and into the two
        /// halves the build reads at once), each pool's trace is its rows sorted by
        /// time, exact repeats dropped (the order of a pool's rows within one time
        /// cannot show in the trace: repeats are equal, and two prices at one time are
        /// an error); two prices at one time, or a type or zone without rows, is an
        /// error (one pool without rows is not: its trace is empty).
        #[test]
        fn each_pool_is_its_rows_in_time_order(
            rows in proptest::collection::vec((0usize..5, 0u32..6, 1u32..4), 1..60),
            cuts in proptest::collection::vec(0usize..60, 0..3),
        ) {
            let types = ["m5.large", "c5.large"];
            let zones = ["us-east-1a", "us-east-1b"];
            let line = |&(pool, hour, price): &(usize, u32, u32)| {
                // Pool 4: another product, which the market ignores.
                let (ty, az, product) = match pool {
                    4 => (types[0], zones[0], "Windows"),
                    p => (types[p / 2], zones[p % 2], "Linux/UNIX"),
                };
                format!("{az},{ty},{product},0.{price},2024-01-01T{hour:02}:00:00Z\n")
            };
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % rows.len()).collect();
            cuts.sort_unstable();
            cuts.push(rows.len());
            let mut files = Vec::new();
            let mut from = 0;
            for (i, &to) in cuts.iter().enumerate() {
                if to == from {
                    continue; // (an empty file is an error of its own)
                }
                let body: String = rows[from..to].iter().map(line).collect();
                let text = format!("{HEAD}{body}");
                files.push(read_aws_csv(&format!("f{i}.csv"), text.as_bytes()).unwrap());
                from = to;
            }
            // The reference: rows of each pool in file order, stably sorted by time.
            let want: Vec<Option<Vec<(i64, i64)>>> = (0..4)
                .map(|p| {
                    let mut pts: Vec<(i64, i64)> = rows
                        .iter()
                        .filter(|r| r.0 == p)
                        .map(|r| {
                            let time = 1_704_067_200 + 3600 * i64::from(r.1);
                            (time, i64::from(r.2) * 100_000_000)
                        })
                        .collect();
                    pts.sort_by_key(|x| x.0);
                    pts.dedup();
                    let conflict = pts.windows(2).any(|w| w[0].0 == w[1].0);
                    (!conflict).then_some(pts)
                })
                .collect();
            // A type, or a zone, without a row in any pool is an error (one pool
            // without rows is not: its trace is empty).
            let empty = |ps: [usize; 2]| {
                ps.iter().all(|&p| want[p].as_ref().is_some_and(Vec::is_empty))
            };
            let fails = want.iter().any(Option::is_none)
                || [[0, 1], [2, 3], [0, 2], [1, 3]].into_iter().any(empty);
            let spec = MarketSpec::new(&types, &zones);
            let got = build_market(&Catalog::builtin(), &spec, &files, &[]);
            if !fails {
                let m = got.unwrap();
                for (p, w) in want.iter().enumerate() {
                    let s = m.price_trace(PoolId(p as u32)).steps();
                    let pts: Vec<(i64, i64)> = s
                        .times()
                        .iter()
                        .zip(s.values())
                        .map(|(t, v)| (*t, v.nano_usd_per_hour()))
                        .collect();
                    proptest::prop_assert_eq!(Some(pts), w.clone());
                }
            } else {
                proptest::prop_assert!(got.is_err());
            }
        }
    }
}
