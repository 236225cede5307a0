//! Probe price files.

use super::*;

const PROBES: &[u8] =
    b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n2023-02-15 22:14:46,1\n";

#[test]
fn probe_prices_align_by_index() {
    let json = br#"{"us-east-1a_v100_1": [1.6703, 1.6703, 2.5], "us-west-2b_v100_1": [1, 2, 3]}"#;
    let h = read_probe_prices_bytes(
        "p.json",
        json,
        &[
            ("d/us-east-1a_v100_1.csv", PROBES),
            ("us-west-2b_v100_1.csv", PROBES),
        ],
        None,
    )
    .unwrap();
    assert_eq!(h.source.format, "probe-prices");
    assert_eq!(h.source.rows, 6);
    assert_eq!(h.source.sha256, sha256_hex(json));
    assert_eq!(h.series.len(), 2);
    assert_eq!(h.series[0].zone, Zone::Name("us-east-1a".into()));
    assert_eq!(h.series[0].instance_type, "p3.2xlarge");
    assert_eq!(h.series[0].product, "Linux/UNIX");
    let s0: Vec<_> = h
        .rows
        .iter()
        .filter(|r| r.series == 0)
        .map(|r| (r.price, r.line))
        .collect();
    assert_eq!(s0, [(usd("1.6703"), 2), (usd("2.5"), 4)]);
    assert_eq!(h.rows.iter().filter(|r| r.series == 1).count(), 3);
    let h = read_probe_prices_bytes(
        "p.json",
        json,
        &[("us-west-2b_v100_1.csv", PROBES)],
        Some("p3.8xlarge"),
    )
    .unwrap();
    assert_eq!(h.series[0].instance_type, "p3.8xlarge");
}

#[test]
fn probe_price_errors() {
    let csvs: &[(&str, &[u8])] = &[("us-east-1a_v100_1.csv", PROBES)];
    let e = err(read_probe_prices_bytes(
        "p.json",
        br#"{"us-east-1a_v100_1": [1, 2]}"#,
        csvs,
        None,
    ));
    check(
        &e,
        InputErrorKind::Conflict,
        "p.json: field `us-east-1a_v100_1`: 2 prices under `us-east-1a_v100_1` but 3 probes in us-east-1a_v100_1.csv",
        &[],
    );
    let e = err(read_probe_prices_bytes(
        "p.json",
        br#"{"us-east-1c_v100_1": [1, 2, 3]}"#,
        csvs,
        None,
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "p.json: field `us-east-1a_v100_1`: no key `us-east-1a_v100_1`",
        &["us-east-1c_v100_1"],
    );
    let e = err(read_probe_prices_bytes(
        "p.json",
        br#"{"us-east-1a_v100_1": [1, -2, 3]}"#,
        csvs,
        None,
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "p.json: field `us-east-1a_v100_1`: price is negative: found -2 at index 1",
        &["us-east-1a_v100_1.csv:3"],
    );
    let e = err(read_probe_prices_bytes(
        "p.json",
        b"{\"us-east-1a_v100_1\": [1, NaN, 3]}",
        csvs,
        None,
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "p.json:1: invalid JSON at column",
        &[],
    );
    let e = err(read_probe_prices_bytes(
        "p.json",
        b"{\"us-east-1a_v100_1\": [1, \"2\", 3]}",
        csvs,
        None,
    ));
    check(&e, InputErrorKind::Syntax, "p.json:1: invalid JSON", &[]);
    let e = err(read_probe_prices_bytes("p.json", b"{}", &[], None));
    assert_eq!(e.kind, InputErrorKind::Empty);
    let e = err(read_probe_prices_bytes(
        "p.json",
        br#"{"x_v100_1": [1]}"#,
        &[("x_v100_1.csv", b"date,availability\n")],
        None,
    ));
    check(&e, InputErrorKind::Empty, "x_v100_1.csv: ", &[]);
    let e = err(read_probe_prices_bytes(
        "p.json",
        br#"{"x_v100_1": [1]}"#,
        &[("x_v100_1.csv", b"Timestamp,Capacity\n")],
        None,
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "x_v100_1.csv:1: field `date`: expected the header date,availability",
        &[],
    );
    let e = err(read_probe_prices(
        Path::new("/nonexistent/p.json"),
        &[],
        None,
    ));
    assert_eq!(e.kind, InputErrorKind::Io);
}
