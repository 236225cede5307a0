//! Building a [`Market`] from ingested rows: select the pools (types × zones) and the
//! product, merge the files, sort, de-duplicate and check.

use std::collections::{BTreeSet, HashMap};

use super::{CapacityTrace, Market, Pool, PriceTrace, Zone};
use crate::catalog::Catalog;
use crate::error::{ConfigError, Error, InputError, InputErrorKind};
use crate::ingest::{CapacityHistory, PriceHistory};
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
    let mut per_pool: Vec<Vec<Row>> = (0..pools.len()).map(|_| Vec::new()).collect();
    let mut zone_kinds_in_files = BTreeSet::new();
    let mut zones_in_files: BTreeSet<&Zone> = BTreeSet::new();
    let mut types_in_files: BTreeSet<&str> = BTreeSet::new();
    for h in prices {
        let f = files.len();
        files.push(&h.source.path);
        sources.push(h.source.clone());
        let map: Vec<Option<usize>> = h
            .series
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
            .collect();
        for r in &h.rows {
            if let Some(p) = map[r.series as usize] {
                per_pool[p].push(Row {
                    time: r.time.secs(),
                    value: r.price.nano_usd_per_hour() as u64,
                    file: f,
                    line: r.line,
                });
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
        if absent || (0..spec.instance_types.len()).all(|ti| per_pool[ti * nz + zi].is_empty()) {
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
        if (0..nz).all(|zi| per_pool[ti * nz + zi].is_empty()) {
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
    for rows in per_pool.iter_mut() {
        let (times, values) = merge(rows, &files, "price")?;
        price_traces.push(
            PriceTrace::new(
                times,
                values
                    .into_iter()
                    .map(|v| Rate::from_nano_usd(v as i64))
                    .collect(),
            )
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

fn sort_dedupe(rows: &mut Vec<Row>, files: &[&str], field: &str) -> Result<(), InputError> {
    rows.sort_by_key(|r| (r.time, r.file, r.line));
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for r in rows.drain(..) {
        if let Some(last) = out.last() {
            if last.time == r.time {
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

fn merge(rows: &mut Vec<Row>, files: &[&str], field: &str) -> Result<(Vec<i64>, Vec<u64>), Error> {
    sort_dedupe(rows, files, field)?;
    Ok((
        rows.iter().map(|r| r.time).collect(),
        rows.iter().map(|r| r.value).collect(),
    ))
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
