//! The job's trace readers.

use super::*;

fn opts(c: Convention) -> TraceOptions {
    TraceOptions::new(c)
}

#[test]
fn conventions_are_explicit() {
    let json = br#"{"metadata":{"gap_seconds":600},"data":[1,0,0,1]}"#;
    let a = read_spot_trace_bytes("us-west-2a_v100_1.json", json, &opts(Convention::Available))
        .unwrap();
    let p = read_spot_trace_bytes("us-west-2a_v100_1.json", json, &opts(Convention::Preempted))
        .unwrap();
    assert_eq!(a.available, [1, 0, 0, 1]);
    assert_eq!(p.available, [0, 1, 1, 0]);
    assert_eq!(
        (a.zone.as_str(), a.gap_secs, a.source.rows),
        ("us-west-2a", 600, 4)
    );
    assert_eq!(a.source.format, "spot-traces-json");
    assert_eq!(a.source.sha256.len(), 64);

    // Counts: as is under `available`; under `preempted` only with a node count.
    let json = br#"{"metadata":{"gap_seconds":300},"data":[16,3,0]}"#;
    let a = read_spot_trace_bytes("x.json", json, &opts(Convention::Available)).unwrap();
    assert_eq!(a.available, [16, 3, 0]);
    let e = read_spot_trace_bytes("x.json", json, &opts(Convention::Preempted)).unwrap_err();
    assert_eq!(
        (e.field.as_deref(), e.kind),
        (Some("data[0]"), InputErrorKind::BadValue)
    );
    assert!(
        e.message.contains("node count") || e.message.contains("number of nodes"),
        "{e}"
    );
    let p = read_spot_trace_bytes("x.json", json, &opts(Convention::Preempted).nodes(16)).unwrap();
    assert_eq!(p.available, [0, 13, 16]);
    let e =
        read_spot_trace_bytes("x.json", json, &opts(Convention::Preempted).nodes(8)).unwrap_err();
    assert!(e.to_string().contains("more than the 8 nodes"), "{e}");

    // Gang threshold: a 16-node job needs all 16.
    let m = JobMarket::single(
        &a,
        &MarketOptions {
            gang: 16,
            ..MarketOptions::prices(usd("1"), usd("3"))
        },
    )
    .unwrap();
    assert_eq!(
        (m.spot_available(0, 0), m.spot_available(0, 1)),
        (true, false)
    );
}

#[test]
fn spot_trace_metadata_start_time_and_price_info() {
    let json = br#"{"metadata": {"gap_seconds": 600, "start_time": "2025-10-04T00:10:00.002281+00:00",
 "zone": "us-east4-a", "price_info": {"currency": "USD", "price": 14.85344, "on_demand_price": 82.52543712}},
 "data": [0, 1, 0], "prices": [14.85344, 14.85344, 14.85344]}"#;
    let t = read_spot_trace_bytes("f.json", json, &opts(Convention::Preempted)).unwrap();
    assert_eq!(t.start.unwrap().to_rfc3339(), "2025-10-04T00:10:00Z");
    assert_eq!(t.zone, "us-east4-a");
    assert_eq!(t.available, [1, 0, 1]);
    assert_eq!(t.spot_price, Some(usd("14.85344")));
    assert_eq!(t.ondemand_price, Some(usd("82.52543712")));
    // Both prices come from the file: no options needed.
    let m = JobMarket::single(&t, &MarketOptions::default()).unwrap();
    assert_eq!(m.ondemand_price(0), Some(usd("82.52543712")));
    assert_eq!(m.spot_price(0, 2), Some(usd("14.85344")));
    // An explicit spot price replaces the file's.
    let m = JobMarket::single(
        &t,
        &MarketOptions {
            spot_price: Some(usd("1")),
            ..MarketOptions::default()
        },
    )
    .unwrap();
    assert_eq!(m.spot_price(0, 0), Some(usd("1")));
}

#[test]
fn spot_trace_errors_name_file_line_and_field() {
    let o = opts(Convention::Available);
    let cases: &[(&[u8], &str, &str)] = &[
        (br#"{"metadata":{},"data":[1]}"#, "metadata.gap_seconds", "is missing"),
        (b"{\"metadata\":{\n\"gap_seconds\":0},\"data\":[1]}", "metadata.gap_seconds", "positive"),
        (br#"{"metadata":{"gap_seconds":-600},"data":[1]}"#, "metadata.gap_seconds", "positive"),
        (br#"{"metadata":{"gap_seconds":1.5},"data":[1]}"#, "metadata.gap_seconds", "whole number"),
        (br#"{"metadata":{"gap_seconds":600},"data":[]}"#, "data", "no ticks"),
        (br#"{"metadata":{"gap_seconds":600}}"#, "data", "no `data`"),
        (br#"{"data":[1]}"#, "metadata", "no `metadata`"),
        (br#"{"metadata":{"gap_seconds":600},"data":[1,2,-3]}"#, "data[2]", "negative"),
        (br#"{"metadata":{"gap_seconds":600},"data":[1,0],"prices":[1.0]}"#, "prices", "one price per tick"),
        (br#"{"metadata":{"gap_seconds":600},"data":[1,0],"prices":[1.0,-2.0]}"#, "prices[1]", "negative"),
        (br#"{"metadata":{"gap_seconds":600,"start_time":"yesterday"},"data":[1]}"#, "metadata.start_time", "timestamp"),
        (br#"{"metadata":{"gap_seconds":600,"price_info":{"currency":"EUR","price":1}},"data":[1]}"#, "metadata.price_info.currency", "USD"),
    ];
    for (json, field, what) in cases {
        let e = read_spot_trace_bytes("t.json", json, &o).unwrap_err();
        assert_eq!(e.file, "t.json");
        assert_eq!(e.field.as_deref(), Some(*field), "{e}");
        assert!(e.message.contains(what), "{e}");
        assert!(e.line.is_some(), "{e}");
    }
    // The line of the value, for a multi-line file.
    let e = read_spot_trace_bytes(
        "t.json",
        b"{\"metadata\":{\n\"gap_seconds\":0},\"data\":[1]}",
        &o,
    )
    .unwrap_err();
    assert_eq!(e.line, Some(2));
    let e = read_spot_trace_bytes(
        "t.json",
        b"{\"metadata\":{\"gap_seconds\":600},\n\"data\":[1,\n1,\n-1]}",
        &o,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.json:4: field `data[2]`: value -1 is negative; expected a count of instances"
    );
    // NaN is not JSON (Python writes it): a syntax error with line and column.
    let e = read_spot_trace_bytes(
        "t.json",
        br#"{"metadata":{"gap_seconds":600},"data":[1],"prices":[NaN]}"#,
        &o,
    )
    .unwrap_err();
    assert_eq!((e.kind, e.line), (InputErrorKind::Syntax, Some(1)));
    assert!(e.message.contains("column"), "{e}");
    // A fractional value.
    let e = read_spot_trace_bytes(
        "t.json",
        br#"{"metadata":{"gap_seconds":600},"data":[0.5]}"#,
        &o,
    )
    .unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Syntax);
    // Missing file.
    let e = read_spot_trace(Path::new("/nonexistent/x.json"), &o).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Io);
}

#[test]
fn probe_csv_keeps_real_times_and_resamples() {
    let csv = b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n2023-02-15 22:14:46,1\n2023-02-15 22:19:26,0\n";
    let prices = br#"{"us-east-1a_v100_1":[1.6703,1.6703,2.0,2.5],"other":[1]}"#;
    let s =
        read_probe_series_bytes("d/us-east-1a_v100_1.csv", csv, Some(("p.json", prices))).unwrap();
    let secs: Vec<i64> = s.times.windows(2).map(|w| w[1].since(w[0])).collect();
    assert_eq!(secs, [195, 195, 280]);
    assert_eq!(s.median_spacing_secs(), 195);
    assert_eq!((s.zone.as_str(), s.source.rows), ("us-east-1a", 4));
    assert_eq!(s.price_source.as_ref().unwrap().format, "probe-prices");
    // Ticks of 300 s from 22:08:16: 22:08:16 (probe 0), 22:13:16 (probe 1), 22:18:16
    // (probe 2); 22:23:16 is after the last probe.
    let t = s.to_ticks(300).unwrap();
    assert_eq!(t.available, [0, 1, 1]);
    assert_eq!(
        t.prices.as_deref(),
        Some(&[usd("1.6703"), usd("1.6703"), usd("2")][..])
    );
    assert_eq!(t.start, s.times.first().copied());
    assert!(t.source.format.contains("300 s"));

    // Errors.
    let bad = |csv: &[u8], prices: Option<(&str, &[u8])>| {
        read_probe_series_bytes("us-east-1a_v100_1.csv", csv, prices).unwrap_err()
    };
    let e = bad(b"when,avail\n2023-02-15 22:08:16,0\n", None);
    assert_eq!((e.kind, e.line), (InputErrorKind::MissingField, Some(1)));
    let e = bad(
        b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:08:16,1\n",
        None,
    );
    assert_eq!(
        (e.kind, e.line, e.field.as_deref()),
        (InputErrorKind::Conflict, Some(3), Some("date"))
    );
    let e = bad(b"date,availability\n2023-02-15 22:08:16,-1\n", None);
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (InputErrorKind::BadValue, Some("availability"))
    );
    let e = bad(b"date,availability\n2023-02-30 22:08:16,1\n", None);
    assert_eq!((e.kind, e.line), (InputErrorKind::BadValue, Some(2)));
    let e = bad(b"date,availability\n", None);
    assert_eq!(e.kind, InputErrorKind::Empty);
    let e = bad(
        b"date,availability\n2023-02-15 22:08:16,1\n",
        Some(("p.json", br#"{"x":[1]}"#)),
    );
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (InputErrorKind::MissingField, Some("us-east-1a_v100_1"))
    );
    let e = bad(
        b"date,availability\n2023-02-15 22:08:16,1\n",
        Some(("p.json", br#"{"us-east-1a_v100_1":[1,2]}"#)),
    );
    assert_eq!(e.kind, InputErrorKind::Conflict);
    let e = bad(
        b"date,availability\n2023-02-15 22:08:16,1\n",
        Some(("p.json", br#"{"us-east-1a_v100_1":[-1]}"#)),
    );
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (InputErrorKind::BadValue, Some("us-east-1a_v100_1"))
    );
}
