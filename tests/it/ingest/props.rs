//! Property tests: no panic on arbitrary bytes; CSV round trip in any column order.

use super::*;
use crate::data;

/// Bytes that reach deep into the readers: fragments of valid rows and headers.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let tokens = prop::sample::select(vec![
        &b"AvailabilityZone"[..],
        b"AvailabilityZoneId",
        b"InstanceType",
        b"ProductDescription",
        b"SpotPrice",
        b"Timestamp",
        b"Capacity",
        b"date",
        b"availability",
        b",",
        b"\t",
        b"\n",
        b"\r\n",
        b"\"",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b"\"SpotPriceHistory\"",
        b"-",
        b"0.0437",
        b"1e9",
        b"2020-02-29T00:00:00Z",
        b"2023-02-15 22:08:16",
        b"+99:99",
        b"us-east-1a",
        b"use1-az4",
        b"m5.large",
        b"Linux/UNIX",
        b"\xff",
        b"\xEF\xBB\xBF",
        b" ",
        b"99999999999999999999",
        b"NaN",
        b"\\",
        b"null",
    ]);
    prop::collection::vec(tokens, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic(raw in prop::collection::vec(any::<u8>(), 0..300), soup in soup()) {
        for b in [raw.as_slice(), soup.as_slice(), [HEADER.as_bytes(), &soup].concat().as_slice()] {
            let _ = read_aws_csv("f", b);
            let _ = read_price_bytes("f", b);
            let _ = read_aws_json("f", b);
            let _ = read_azid_tsv("f", b);
            let _ = read_capacity_bytes("us-east-1a_v100_1.csv", b, &CapacityOptions::default());
            let _ = read_probe_prices_bytes("f", b, &[("us-east-1a_v100_1.csv", b)], None);
        }
    }

    #[test]
    fn csv_round_trips_in_any_column_order(
        order in Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
        id_column in any::<bool>(),
        rows in prop::collection::vec(
            (
                prop_oneof!["[a-z]{2}-[a-z]{4,9}-[1-4][a-f]", "[a-z]{3,4}[1-4]-az[1-9]"],
                "[a-z][0-9][a-z]{0,2}\\.(nano|large|[1-9]?xlarge)",
                "[!-~]([ -~]{0,18}[!-~])?",
                0i64..=1_000_000_000_000_000,
                1_136_073_600i64..4_102_444_800,
            ),
            1..40,
        ),
    ) {
        let names = [if id_column { "AvailabilityZoneId" } else { "AvailabilityZone" }, "InstanceType", "ProductDescription", "SpotPrice", "Timestamp"];
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(order.iter().map(|&i| names[i])).unwrap();
        for (z, ty, prod, nano, secs) in &rows {
            let price = format!("{}.{:09}", nano / 1_000_000_000, nano % 1_000_000_000);
            let time = SimTime(*secs).to_rfc3339();
            let fields = [z.as_str(), ty.as_str(), prod.as_str(), price.as_str(), time.as_str()];
            w.write_record(order.iter().map(|&i| fields[i])).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let h = read_aws_csv("rt.csv", &bytes).unwrap();
        prop_assert_eq!(h.rows.len(), rows.len());
        for (r, (z, ty, prod, nano, secs)) in h.rows.iter().zip(&rows) {
            let k = &h.series[r.series as usize];
            let zone = if id_column { Zone::Id(z.clone()) } else { Zone::parse(z) };
            prop_assert_eq!(&k.zone, &zone);
            prop_assert_eq!(&k.instance_type, ty);
            prop_assert_eq!(&k.product, prod);
            prop_assert_eq!(r.price, Rate::from_nano_usd(*nano));
            prop_assert_eq!(r.time, SimTime(*secs));
        }
        // Series are distinct and cover exactly the distinct keys.
        prop_assert_eq!(distinct(h.series.iter().cloned()), h.series.len());
    }
}

#[test]
fn real_v100_traces_build_a_market() {
    use spotsim::market::{MarketSpec, PoolId, build_market};
    let zones = ["us-east-1a", "us-west-2b"];
    let needs = [
        data::v100_csv(zones[0]),
        data::v100_csv(zones[1]),
        data::V100_PRICES.to_string(),
    ];
    let Some(d) = data::require(&needs) else {
        return;
    };
    let csvs: Vec<PathBuf> = zones.iter().map(|z| d.join(data::v100_csv(z))).collect();
    let refs: Vec<&Path> = csvs.iter().map(PathBuf::as_path).collect();
    let prices = read_probe_prices(&d.join(data::V100_PRICES), &refs, None).unwrap();
    let caps: Vec<_> = refs
        .iter()
        .map(|p| read_capacity_file(p, &opts()).unwrap())
        .collect();
    // p3.2xlarge is built in (tests/it/catalog.rs checks the three p3 sizes the
    // us-east-1 list lacks): a lookup failure is a failure, never a skip.
    let catalog = spotsim::catalog::Catalog::builtin();
    assert_eq!(catalog.get("p3.2xlarge").unwrap().ondemand, usd("3.06"));
    let spec = MarketSpec::new(&["p3.2xlarge"], &zones);
    let m = build_market(&catalog, &spec, &[prices], &caps).unwrap();
    assert_eq!(m.pools().len(), 2);
    assert_eq!(m.sources().len(), 3);
    let start = parse_naive_utc("2023-02-15 22:08:16").unwrap();
    assert_eq!(
        m.price_trace(PoolId(0)).price_at(start),
        Some(usd("1.6703"))
    );
    assert!(m.capacity_trace(PoolId(1)).is_some());
}
