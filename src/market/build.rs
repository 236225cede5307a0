//! Building a [`Market`] from ingested rows: select the pools (types × zones) and the
//! product, merge the files, sort, de-duplicate and check.

use std::collections::{BTreeSet, HashMap};

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
    let mut counts = vec![0usize; pools.len()];
    for (f, h) in prices.iter().enumerate() {
        for r in &h.rows {
            if let Some(p) = pool_of(f, r) {
                counts[p] += 1;
            }
        }
    }
    let mut per_pool: Vec<(Vec<i64>, Vec<Rate>)> = counts
        .iter()
        .map(|&c| (Vec::with_capacity(c), Vec::with_capacity(c)))
        .collect();
    for (f, h) in prices.iter().enumerate() {
        for r in &h.rows {
            if let Some(p) = pool_of(f, r) {
                per_pool[p].0.push(r.time.secs());
                per_pool[p].1.push(r.price);
            }
        }
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
    let mut price_traces = Vec::with_capacity(pools.len());
    for (p, (mut times, mut values)) in per_pool.into_iter().enumerate() {
        if let Some(t) = into_time_order(&mut times, &mut values) {
            return Err(price_conflict(prices, &files, &pool_of, p, t).into());
        }
        price_traces.push(
            PriceTrace::new(times, values)
                .map_err(|e| ConfigError::new("prices", e.to_string()))?,
        );
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
}
