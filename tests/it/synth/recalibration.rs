//! Re-measurement of the calibration from `../shared/data`.

use super::*;

/// Time-weighted standard deviation of ln(price): each price weighs the time to the
/// next point; the last point has no weight.
pub(super) fn time_weighted_log_sd(times: &[i64], prices: &[f64]) -> f64 {
    let (mut w, mut s1) = (0f64, 0f64);
    for k in 0..times.len() - 1 {
        let dt = (times[k + 1] - times[k]) as f64;
        w += dt;
        s1 += dt * prices[k].ln();
    }
    if w == 0.0 {
        return 0.0;
    }
    let mean = s1 / w;
    let mut s2 = 0f64;
    for k in 0..times.len() - 1 {
        let dt = (times[k + 1] - times[k]) as f64;
        s2 += dt * (prices[k].ln() - mean).powi(2);
    }
    (s2 / w).sqrt()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn read_csv(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (h, rows)
}

fn col(h: &csv::StringRecord, name: &str) -> usize {
    h.iter()
        .position(|x| x == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn price_dynamics_constants_match_the_real_trace() {
    let Some(d) = data::require(&[EU_WEST_3A]) else {
        return;
    };
    let (h, rows) = read_csv(&d.join(EU_WEST_3A));
    let (az, ty, prod, price, ts) = (
        col(&h, "AvailabilityZone"),
        col(&h, "InstanceType"),
        col(&h, "ProductDescription"),
        col(&h, "SpotPrice"),
        col(&h, "Timestamp"),
    );
    // Per (AZ, type), oldest first: reverse the newest-first file, then a stable sort.
    let mut series: BTreeMap<(String, String), Vec<(i64, Rate)>> = BTreeMap::new();
    for r in rows.iter().rev().filter(|r| &r[prod] == "Linux/UNIX") {
        let t = SimTime::parse_rfc3339(&r[ts]).unwrap().secs();
        series
            .entry((r[az].to_string(), r[ty].to_string()))
            .or_default()
            .push((t, Rate::parse_usd(&r[price]).unwrap()));
    }
    let (mut gaps, mut gap_sum, mut step_sum) = (0u32, 0i64, 0f64);
    let mut sds = Vec::new();
    for v in series.values_mut() {
        v.sort_by_key(|x| x.0);
        let mut kept = vec![v[0]];
        for &x in &v[1..] {
            if x.1 != kept[kept.len() - 1].1 {
                kept.push(x);
            }
        }
        for w in kept.windows(2) {
            gaps += 1;
            gap_sum += w[1].0 - w[0].0;
            step_sum += (w[1].1.to_usd_f64() / w[0].1.to_usd_f64()).ln().abs();
        }
        let times: Vec<i64> = v.iter().map(|x| x.0).collect();
        let prices: Vec<f64> = v.iter().map(|x| x.1.to_usd_f64()).collect();
        sds.push(time_weighted_log_sd(&times, &prices));
    }
    let mean_gap = gap_sum as f64 / f64::from(gaps);
    let mean_step = step_sum / f64::from(gaps);
    let median_sd = median(&mut sds);
    println!(
        "measured: {} series, {gaps} changes, mean gap {mean_gap:.1} s, mean |step| {mean_step:.6}, median sd {median_sd:.6}",
        series.len()
    );
    assert_eq!(series.len() as u32, measured::PRICE_SERIES);
    assert_eq!(gaps, measured::PRICE_CHANGES);
    assert_eq!(gap_sum, 136_683_184);
    assert!((mean_gap - measured::MEAN_SECS_BETWEEN_PRICE_CHANGES as f64).abs() <= 1.0);
    assert!((mean_step - measured::MEAN_ABS_LOG_STEP).abs() <= 1e-6);
    assert!((median_sd - measured::MEDIAN_LOG_PRICE_SD).abs() <= 1e-6);
}

#[test]
fn savings_constants_match_the_spot_advisor() {
    let Some(d) = data::require(&[SPOT_ADVISOR_CSV]) else {
        return;
    };
    let (h, rows) = read_csv(&d.join(SPOT_ADVISOR_CSV));
    let (region, os, ty, sav) = (
        col(&h, "region"),
        col(&h, "os"),
        col(&h, "instance_type"),
        col(&h, "savings_vs_ondemand_pct"),
    );
    let savings: BTreeMap<&str, u32> = rows
        .iter()
        .filter(|r| &r[region] == "us-east-1" && &r[os] == "Linux")
        .map(|r| (&r[ty], r[sav].parse().unwrap()))
        .collect();
    for (t, _, s) in measured::DEFAULT_TYPES {
        assert_eq!(savings.get(t), Some(&s), "{t}");
    }
    // The synthetic markets' types (the built-in table's container-sized types).
    let types = spotsim::catalog::CONTAINER_TYPES;
    let mut builtin: Vec<f64> = types
        .iter()
        .filter_map(|t| savings.get(t))
        .map(|&s| f64::from(s))
        .collect();
    assert_eq!(
        builtin.len(),
        types.len(),
        "every container type is in the Spot Advisor table"
    );
    let m = median(&mut builtin);
    println!(
        "measured: median savings over {} built-in types {m}",
        builtin.len()
    );
    assert_eq!(m, f64::from(measured::OTHER_SAVINGS_PCT));
}

#[test]
fn v100_capacity_constants_match_the_real_traces() {
    let Some(d) = data::require(&crate::replay::v100_files()) else {
        return;
    };
    let dir = d.join(V100_DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("_v100_1.csv"))
        })
        .collect();
    files.sort();
    let (mut avail, mut unavail) = ((0u32, 0i64), (0u32, 0i64));
    let mut span = 0i64;
    for f in &files {
        let (h, rows) = read_csv(f);
        let (date, av) = (col(&h, "date"), col(&h, "availability"));
        let probes: Vec<(i64, bool)> = rows
            .iter()
            .map(|r| (parse_naive_utc(&r[date]).unwrap().secs(), &r[av] == "1"))
            .collect();
        let mut s = 0;
        for i in 1..=probes.len() {
            if i == probes.len() || probes[i].1 != probes[s].1 {
                let end = if i < probes.len() {
                    probes[i].0
                } else {
                    probes[probes.len() - 1].0
                };
                let acc = if probes[s].1 {
                    &mut avail
                } else {
                    &mut unavail
                };
                acc.0 += 1;
                acc.1 += end - probes[s].0;
                s = i;
            }
        }
        span += probes[probes.len() - 1].0 - probes[0].0;
    }
    let mean_a = avail.1 as f64 / f64::from(avail.0);
    let mean_u = unavail.1 as f64 / f64::from(unavail.0);
    let frac = avail.1 as f64 / span as f64;
    println!(
        "measured: {} zones, {} available runs mean {mean_a:.1} s, {} unavailable runs mean {mean_u:.1} s, available {frac:.4}",
        files.len(),
        avail.0,
        unavail.0
    );
    assert_eq!(files.len() as u32, measured::V100_ZONES);
    assert_eq!(avail.0, measured::V100_AVAILABLE_RUNS);
    assert_eq!(unavail.0, measured::V100_UNAVAILABLE_RUNS);
    assert_eq!(
        (avail.1, unavail.1, span),
        (22_809_031, 12_629_324, 35_438_355)
    );
    assert!((mean_a - measured::V100_MEAN_AVAILABLE_SECS as f64).abs() <= 1.0);
    assert!((mean_u - measured::V100_MEAN_UNAVAILABLE_SECS as f64).abs() <= 1.0);
    assert!((frac - measured::V100_AVAILABLE_FRACTION).abs() <= 1e-4);
}
