//! The real traces of `../shared/data` (through `crate::data::require`).

use super::*;

use crate::data::{self, CLI_JSON_SAMPLE, EU_WEST_3A, PAULEY_TSV};

#[test]
fn real_eu_west_3a_csv() {
    let Some(d) = data::require(&[EU_WEST_3A]) else {
        return;
    };
    let p = d.join(EU_WEST_3A);
    let h = read_price_file(&p).unwrap();
    assert_eq!(h.source.format, "aws-csv");
    assert_eq!(h.rows.len(), 15_366);
    assert_eq!(h.source.rows, 15_366);
    assert_eq!(h.source.sha256, sha256_hex(&std::fs::read(&p).unwrap()));
    assert_eq!(
        distinct(h.series.iter().map(|k| k.instance_type.clone())),
        16
    );
    assert_eq!(distinct(h.series.iter().map(|k| k.product.clone())), 4);
    assert!(
        h.series
            .iter()
            .all(|k| k.zone == Zone::Name("eu-west-3a".into()))
    );
    let first = &h.rows[0];
    assert_eq!(
        (first.line, first.price, first.time),
        (2, usd("7.168"), t("2020-07-31T11:24:57Z"))
    );
    let last = h.rows.last().unwrap();
    assert_eq!(last.line, 15_367);
    // Span 2020-02-29 → 2020-07-31, newest first.
    let min = h.rows.iter().map(|r| r.time).min().unwrap();
    assert!(
        min >= t("2020-02-29T00:00:00Z") && min < t("2020-03-01T00:00:00Z"),
        "{min}"
    );
    // The m5d.24xlarge spike.
    assert!(
        h.rows
            .iter()
            .any(|r| r.price == usd("5.6131") || r.price > usd("5.6"))
    );
}

#[test]
fn real_ericpauley_tsv() {
    let Some(d) = data::require(&[PAULEY_TSV]) else {
        return;
    };
    let h = read_price_file(&d.join(PAULEY_TSV)).unwrap();
    assert_eq!(h.source.format, "azid-tsv");
    assert_eq!(h.rows.len(), 33_362);
    assert_eq!(distinct(h.series.iter().map(|k| k.zone.clone())), 55);
    assert_eq!(
        distinct(h.series.iter().map(|k| k.instance_type.clone())),
        509
    );
    assert!(
        h.series.iter().all(|k| matches!(k.zone, Zone::Id(_))),
        "every zone is an AZ ID"
    );
    let (lo, hi) = (t("2022-05-31T18:20:00Z"), t("2022-06-01T00:00:00Z"));
    assert!(h.rows.iter().all(|r| r.time >= lo && r.time < hi));
}

#[test]
fn real_json_sample_and_concatenated_pages() {
    let Some(d) = data::require(&[CLI_JSON_SAMPLE]) else {
        return;
    };
    let p = d.join(CLI_JSON_SAMPLE);
    let h = read_price_file(&p).unwrap();
    assert_eq!(h.source.format, "aws-json");
    assert_eq!(h.rows.len(), 6);
    assert_eq!(
        h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 10, 17, 24, 31, 38]
    );
    assert_eq!(h.series[0].zone, Zone::Name("us-east-1f".into()));
    assert_eq!(h.rows[0].price, usd("0.0437"));
    assert_eq!(h.rows[0].time, t("2021-02-09T01:40:10Z"));
    assert_eq!(h.series.len(), 4);

    let b = std::fs::read(&p).unwrap();
    let twice = [b.as_slice(), b.as_slice()].concat();
    let h2 = read_price_bytes("twice.json", &twice).unwrap();
    assert_eq!(h2.rows.len(), 12);
    assert_eq!(h2.series, h.series);
    let nl = b.iter().filter(|&&c| c == b'\n').count() as u32;
    for i in 0..6 {
        assert_eq!(h2.rows[i + 6].line, h2.rows[i].line + nl);
        assert_eq!(
            (h2.rows[i + 6].price, h2.rows[i + 6].time),
            (h2.rows[i].price, h2.rows[i].time)
        );
    }
}

use crate::replay::{V100_ZONES, v100_files};

#[test]
fn real_availability_csvs() {
    let Some(d) = data::require(&v100_files()) else {
        return;
    };
    let first = parse_naive_utc("2023-02-15 22:08:16").unwrap();
    let last = parse_naive_utc("2023-04-02 11:54:51").unwrap();
    for z in V100_ZONES {
        let h = read_capacity_file(&d.join(data::v100_csv(z)), &opts()).unwrap();
        assert_eq!(h.source.format, "availability-csv");
        assert_eq!(h.source.rows, 20_158, "{z}");
        assert_eq!(h.series.len(), 1);
        assert_eq!(h.series[0].zone, Zone::Name(z.into()));
        assert_eq!(h.series[0].instance_type, "p3.2xlarge");
        assert!(!h.rows.is_empty() && h.rows.len() <= 20_158);
        assert_eq!(h.rows[0].time, first);
        assert_eq!(h.rows[0].line, 2);
        let n = h.rows.len();
        assert!(h.rows.windows(2).all(|w| w[0].time < w[1].time));
        // Changes only, except the last probe, kept so the trace spans every probe.
        assert!(
            h.rows[..n - 1]
                .windows(2)
                .all(|w| w[0].capacity != w[1].capacity)
        );
        assert_eq!(h.rows[n - 1].time, last);
        assert!(h.rows.iter().all(|r| r.capacity <= 1 && r.time <= last));
    }
}

#[test]
fn real_v100_probe_prices() {
    let Some(d) = data::require(&v100_files()) else {
        return;
    };
    let csvs: Vec<PathBuf> = V100_ZONES
        .iter()
        .map(|z| d.join(data::v100_csv(z)))
        .collect();
    let refs: Vec<&Path> = csvs.iter().map(PathBuf::as_path).collect();
    let h: PriceHistory = read_probe_prices(&d.join(data::V100_PRICES), &refs, None).unwrap();
    assert_eq!(h.source.format, "probe-prices");
    assert_eq!(h.source.rows, 9 * 20_158);
    assert_eq!(h.series.len(), 9);
    for (i, z) in V100_ZONES.iter().enumerate() {
        assert_eq!(h.series[i].zone, Zone::Name((*z).into()));
        assert_eq!(h.series[i].instance_type, "p3.2xlarge");
        let rows: Vec<_> = h.rows.iter().filter(|r| r.series == i as u32).collect();
        assert!(
            !rows.is_empty() && rows.len() < 20_158,
            "{z}: prices change rarely"
        );
        assert_eq!(
            rows[0].time,
            parse_naive_utc("2023-02-15 22:08:16").unwrap()
        );
        assert!(rows.windows(2).all(|w| w[0].time < w[1].time));
        // Changes only, except the last probe, kept so the trace spans every probe.
        let n = rows.len();
        assert!(rows[..n - 1].windows(2).all(|w| w[0].price != w[1].price));
        assert_eq!(
            rows[n - 1].time,
            parse_naive_utc("2023-04-02 11:54:51").unwrap()
        );
        // p3.2xlarge spot stays below its $3.06 on-demand price.
        assert!(
            rows.iter()
                .all(|r| r.price > Rate::ZERO && r.price < usd("3.06")),
            "{z}"
        );
    }
    let first = h.rows.iter().find(|r| r.series == 0).unwrap();
    assert_eq!(first.price, usd("1.6703"));
}
