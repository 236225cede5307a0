//! The ingest readers: every error case on in-memory bytes (exact `file:line: field`
//! messages), the real traces of `../shared/data` (through `super::data::require`:
//! skipped only when the folder is absent outside CI), and property tests (no panic on arbitrary bytes; CSV round trip in
//! any column order).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use spotsim::error::{InputError, InputErrorKind};
use spotsim::ingest::{
    CapacityOptions, PriceHistory, read_aws_csv, read_aws_json, read_azid_tsv, read_capacity_bytes,
    read_capacity_file, read_price_bytes, read_price_file, read_probe_prices,
    read_probe_prices_bytes, sha256_hex,
};
use spotsim::market::Zone;
use spotsim::money::Rate;
use spotsim::time::{SimTime, parse_naive_utc};

const HEADER: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n";

fn err<T: std::fmt::Debug>(r: Result<T, InputError>) -> InputError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// Asserts kind, and that the rendered message starts with `prefix` and contains `parts`.
fn check(e: &InputError, kind: InputErrorKind, prefix: &str, parts: &[&str]) {
    let s = e.to_string();
    assert_eq!(e.kind, kind, "{s}");
    assert!(
        s.starts_with(prefix),
        "`{s}` does not start with `{prefix}`"
    );
    for p in parts {
        assert!(s.contains(p), "`{s}` does not contain `{p}`");
    }
}

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn t(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

fn csv(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

// ------------------------------------------------------------------------- AWS CSV

#[test]
fn csv_reads_rows_in_file_order_without_sorting_or_deduping() {
    let b = csv(
        "eu-west-3a,m5.large,Linux/UNIX,0.043700,2020-07-31T11:24:57+00:00\n\
                 eu-west-3a,m5.large,Windows,0.1,2020-07-31T11:00:00+00:00\n\
                 eu-west-3a,m5.large,Linux/UNIX,0.040000,2020-07-30T00:00:00Z\n\
                 eu-west-3a,m5.large,Linux/UNIX,0.040000,2020-07-30T00:00:00Z\n",
    );
    let h = read_aws_csv("p.csv", &b).unwrap();
    assert_eq!(h.series.len(), 2);
    assert_eq!(h.rows.len(), 4);
    assert_eq!(h.source.rows, 4);
    assert_eq!(h.source.format, "aws-csv");
    assert_eq!(h.source.path, "p.csv");
    assert_eq!(h.source.sha256, sha256_hex(&b));
    assert_eq!(
        h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert_eq!(
        h.rows.iter().map(|r| r.series).collect::<Vec<_>>(),
        [0, 1, 0, 0]
    );
    assert_eq!(h.rows[0].price, usd("0.0437"));
    assert_eq!(h.rows[0].time, t("2020-07-31T11:24:57Z"));
    assert_eq!(h.rows[2].time, t("2020-07-30T00:00:00Z"));
    assert_eq!(h.series[1].product, "Windows");
    assert_eq!(h.series[0].zone, Zone::Name("eu-west-3a".into()));
    assert_eq!(h.series[0].instance_type, "m5.large");
}

#[test]
fn csv_columns_in_any_order() {
    let b = b"SpotPrice,Timestamp,ProductDescription,InstanceType,AvailabilityZone\n\
              1.5,2020-01-01T00:00:00Z,SUSE Linux,c5.xlarge,us-east-1a\n";
    let h = read_aws_csv("o.csv", b).unwrap();
    assert_eq!(h.rows[0].price, usd("1.5"));
    assert_eq!(h.series[0].product, "SUSE Linux");
    assert_eq!(h.series[0].instance_type, "c5.xlarge");
}

#[test]
fn csv_keeps_az_names_and_ids_apart() {
    let b = csv("us-east-1a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n\
                 use1-az4,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n");
    let h = read_aws_csv("z.csv", &b).unwrap();
    assert_eq!(h.series.len(), 2);
    assert_eq!(h.series[0].zone, Zone::Name("us-east-1a".into()));
    assert_eq!(h.series[1].zone, Zone::Id("use1-az4".into()));
}

#[test]
fn csv_availability_zone_id_column() {
    let b = b"AvailabilityZoneId,InstanceType,ProductDescription,SpotPrice,Timestamp\n\
              use1-az4,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n";
    let h = read_aws_csv("id.csv", b).unwrap();
    assert_eq!(h.series[0].zone, Zone::Id("use1-az4".into()));

    // Both columns: the name wins; an empty name falls back to the ID.
    let head = "AvailabilityZone,AvailabilityZoneId,InstanceType,ProductDescription,SpotPrice,Timestamp\n\
                us-east-1a,use1-az4,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n\
                ,use1-az6,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n";
    let h = read_aws_csv("both.csv", head.as_bytes()).unwrap();
    assert_eq!(h.series[0].zone, Zone::Name("us-east-1a".into()));
    assert_eq!(h.series[1].zone, Zone::Id("use1-az6".into()));
    let both_empty = format!("{head},,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n");
    let e = err(read_aws_csv("both.csv", both_empty.as_bytes()));
    check(
        &e,
        InputErrorKind::BadValue,
        "both.csv:4: field `AvailabilityZone`: is empty",
        &[],
    );
}

#[test]
fn csv_header_errors_name_the_column() {
    let e = err(read_aws_csv(
        "h.csv",
        b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp,Foo\nx\n",
    ));
    check(
        &e,
        InputErrorKind::UnknownField,
        "h.csv:1: field `Foo`: unknown column",
        &[],
    );
    assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("Foo")));

    let e = err(read_aws_csv(
        "h.csv",
        b"TimeStamp,AvailabilityZone,InstanceType,ProductDescription,SpotPrice\n",
    ));
    check(
        &e,
        InputErrorKind::UnknownField,
        "h.csv:1: field `TimeStamp`: unknown column",
        &["did you mean `Timestamp`"],
    );

    let e = err(read_aws_csv(
        "h.csv",
        b"AvailabilityZone,InstanceType,ProductDescription,Timestamp\n",
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "h.csv:1: field `SpotPrice`: the header has no `SpotPrice` column",
        &[],
    );

    let e = err(read_aws_csv(
        "h.csv",
        b"InstanceType,ProductDescription,SpotPrice,Timestamp\n",
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "h.csv:1: field `AvailabilityZone`:",
        &["AvailabilityZoneId"],
    );

    let e = err(read_aws_csv(
        "h.csv",
        b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp,SpotPrice\n",
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "h.csv:1: field `SpotPrice`: column appears twice (columns 4 and 6)",
        &[],
    );
    let e = err(read_aws_csv("h.csv", b"AvailabilityZone,,InstanceType\n"));
    check(
        &e,
        InputErrorKind::UnknownField,
        "h.csv:1: field `column 2`: column without a name",
        &[],
    );
}

#[test]
fn csv_value_errors_name_line_field_and_value() {
    let row = |price: &str, ts: &str| {
        csv(&format!(
            "eu-west-3a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n\
             eu-west-3a,m5.large,Linux/UNIX,{price},{ts}\n"
        ))
    };
    let ok = "2020-01-01T00:00:00Z";
    let e = err(read_aws_csv("v.csv", &row("-0.5", ok)));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `SpotPrice`: price is negative: found `-0.5`",
        &["0.043700"],
    );
    let e = err(read_aws_csv("v.csv", &row("NaN", ok)));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `SpotPrice`: not a price in USD",
        &["found `NaN`"],
    );
    let e = err(read_aws_csv("v.csv", &row("", ok)));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `SpotPrice`: is empty",
        &[],
    );
    let e = err(read_aws_csv("v.csv", &row("1e-3", ok)));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `SpotPrice`:",
        &["found `1e-3`"],
    );
    let e = err(read_aws_csv("v.csv", &row("0.1", "2020-13-01T00:00:00Z")));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `Timestamp`: timestamp out of range: month must be 01..12",
        &["found `2020-13-01T00:00:00Z`", "2021-02-09T01:40:10+00:00"],
    );
    let e = err(read_aws_csv("v.csv", &row("0.1", "2020-01-01T00:00:00")));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `Timestamp`: not a timestamp",
        &["zone", "found `2020-01-01T00:00:00`"],
    );
    let e = err(read_aws_csv("v.csv", &row("0.1", "")));
    check(
        &e,
        InputErrorKind::BadValue,
        "v.csv:3: field `Timestamp`: is empty",
        &[],
    );
}

#[test]
fn csv_empty_keys_and_non_utf8() {
    let e = err(read_aws_csv(
        "k.csv",
        &csv(",m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n"),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "k.csv:2: field `AvailabilityZone`: is empty",
        &[],
    );
    let e = err(read_aws_csv(
        "k.csv",
        &csv("a,,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n"),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "k.csv:2: field `InstanceType`: is empty",
        &[],
    );
    let e = err(read_aws_csv(
        "k.csv",
        &csv("a,m5.large,  ,0.1,2020-01-01T00:00:00Z\n"),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "k.csv:2: field `ProductDescription`: is empty",
        &[],
    );
    let mut b = csv("a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n");
    b.extend_from_slice(b"a,m5.\xff,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n");
    let e = err(read_aws_csv("k.csv", &b));
    check(
        &e,
        InputErrorKind::BadValue,
        "k.csv:3: field `InstanceType`: is not valid UTF-8",
        &["m5.\u{fffd}"],
    );
    let mut b = csv("");
    b.extend_from_slice(b"a,m5.large,Linux/UNIX,0.\xc3,2020-01-01T00:00:00Z\n");
    let e = err(read_aws_csv("k.csv", &b));
    check(
        &e,
        InputErrorKind::BadValue,
        "k.csv:2: field `SpotPrice`: is not valid UTF-8",
        &[],
    );
}

#[test]
fn csv_wrong_column_count_is_a_syntax_error_with_the_line() {
    let e = err(read_aws_csv(
        "c.csv",
        &csv(
            "a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\na,m5.large,0.1,2020-01-01T00:00:00Z\n",
        ),
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "c.csv:3: expected 5 fields as in the header, found 4",
        &[],
    );
    let e = err(read_aws_csv(
        "c.csv",
        &csv("a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z,extra\n"),
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "c.csv:2: expected 5 fields",
        &["found 6"],
    );
}

#[test]
fn csv_empty_inputs() {
    for b in [&b""[..], b"  \n\n", HEADER.as_bytes(), b"\xEF\xBB\xBF"] {
        let e = err(read_aws_csv("e.csv", b));
        assert_eq!(e.kind, InputErrorKind::Empty, "{e}");
        assert!(e.to_string().starts_with("e.csv: "), "{e}");
    }
}

#[test]
fn csv_bom_crlf_quotes_and_blank_lines_keep_line_numbers() {
    let b = b"\xEF\xBB\xBFAvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\r\n\
              \r\n\
              eu-west-3a,m5.large,\"Red Hat Enterprise Linux\",0.5,2020-01-01T00:00:00Z\r\n\
              eu-west-3a, m5.large ,\"Linux/\nUNIX\",0.5,2020-01-01T00:00:00Z\r\n\
              eu-west-3a,m5.large,Windows,0.5,2020-01-01T00:00:00Z";
    let h = read_aws_csv("q.csv", b).unwrap();
    assert_eq!(h.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4, 6]);
    assert_eq!(h.series[0].product, "Red Hat Enterprise Linux");
    assert_eq!(h.series[1].product, "Linux/\nUNIX");
    assert_eq!(h.series[1].instance_type, "m5.large", "fields are trimmed");
}

#[test]
fn csv_with_tabs_in_the_header_is_tab_separated() {
    let b = b"AvailabilityZone\tInstanceType\tProductDescription\tSpotPrice\tTimestamp\n\
              us-east-1a\tm5.large\tLinux/UNIX\t0.1\t2020-01-01T00:00:00Z\n";
    let h = read_price_bytes("t.txt", b).unwrap();
    assert_eq!(h.source.format, "aws-csv");
    assert_eq!(h.rows.len(), 1);
}

// ------------------------------------------------------------------------- AZ-ID TSV

#[test]
fn tsv_reads_az_ids() {
    let b = b"euw3-az2\tg4dn.4xlarge\tLinux/UNIX\t0.466400\t2022-05-31T18:20:41+00:00\n\
              euw3-az2\tg4dn.4xlarge\tSUSE Linux\t0.591400\t2022-05-31T18:20:41+00:00\n\
              eu-west-3a\tg4dn.4xlarge\tSUSE Linux\t0.591400\t2022-05-31T18:20:41+00:00\n";
    let h = read_azid_tsv("a.tsv", b).unwrap();
    assert_eq!(h.source.format, "azid-tsv");
    assert_eq!(h.series.len(), 3);
    assert_eq!(h.series[0].zone, Zone::Id("euw3-az2".into()));
    // Not an AZ ID: kept as a name (documented).
    assert_eq!(h.series[2].zone, Zone::Name("eu-west-3a".into()));
    assert_eq!(h.rows[1].price, usd("0.5914"));
}

#[test]
fn tsv_errors() {
    let good = "euw3-az2\tm5.large\tLinux/UNIX\t0.1\t2022-05-31T18:20:41+00:00\n";
    let e = err(read_azid_tsv(
        "a.tsv",
        format!("{good}euw3-az2\tm5.large\t0.1\t2022-05-31T18:20:41Z\n").as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "a.tsv:2: expected 5 fields",
        &["az_id, instance_type", "found 4"],
    );
    let e = err(read_azid_tsv(
        "a.tsv",
        format!("{good}euw3-az2\tm5.large\tLinux/UNIX\t-1\t2022-05-31T18:20:41Z\n").as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "a.tsv:2: field `spot_price`: price is negative",
        &[],
    );
    let e = err(read_azid_tsv(
        "a.tsv",
        format!("{good}euw3-az2\tm5.large\tLinux/UNIX\t1\t31/05/2022\n").as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "a.tsv:2: field `timestamp`: not a timestamp",
        &["found `31/05/2022`"],
    );
    let e = err(read_azid_tsv(
        "a.tsv",
        format!("{good}\tm5.large\tLinux/UNIX\t1\t2022-05-31T18:20:41Z\n").as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::BadValue,
        "a.tsv:2: field `az_id`: is empty",
        &[],
    );
    assert_eq!(
        err(read_azid_tsv("a.tsv", b"\n")).kind,
        InputErrorKind::Empty
    );
    // Quotes are data in the TSV.
    let h = read_azid_tsv(
        "a.tsv",
        b"euw3-az2\tm5.large\t\"Linux\t0.1\t2022-05-31T18:20:41Z\n",
    )
    .unwrap();
    assert_eq!(h.series[0].product, "\"Linux");
}

// ------------------------------------------------------------------------- detection

#[test]
fn detection_picks_the_format() {
    let c = csv("a,m5.large,Linux/UNIX,0.1,2020-01-01T00:00:00Z\n");
    assert_eq!(read_price_bytes("x", &c).unwrap().source.format, "aws-csv");
    let tsv = b"\n use1-az4\tm5.large\tLinux/UNIX\t0.1\t2020-01-01T00:00:00Z\n";
    let h = read_price_bytes("x", tsv).unwrap();
    assert_eq!((h.source.format.as_str(), h.rows[0].line), ("azid-tsv", 2));
    let j = br#"  {"SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":"0.1","Timestamp":"2020-01-01T00:00:00Z"}]}"#;
    let h = read_price_bytes("x", j).unwrap();
    assert_eq!(h.source.format, "aws-json");
    assert_eq!(h.source.sha256, sha256_hex(j));
    assert_eq!(err(read_price_bytes("x", b"")).kind, InputErrorKind::Empty);
    let e = err(read_price_file(Path::new("/nonexistent/prices.csv")));
    check(
        &e,
        InputErrorKind::Io,
        "/nonexistent/prices.csv: cannot read",
        &[],
    );
}

// ------------------------------------------------------------------------- AWS JSON

const REC: &str = r#"{"AvailabilityZone": "us-east-1f", "InstanceType": "m5.large", "ProductDescription": "Linux/UNIX", "SpotPrice": "0.043700", "Timestamp": "2021-02-09T01:40:10+00:00"}"#;

fn page(records: &[&str]) -> String {
    format!(
        "{{\n  \"SpotPriceHistory\": [\n    {}\n  ],\n  \"NextToken\": \"\"\n}}\n",
        records.join(",\n    ")
    )
}

#[test]
fn json_reads_pages_and_record_lines() {
    let one = page(&[REC, REC]);
    let h = read_aws_json("j.json", one.as_bytes()).unwrap();
    assert_eq!(h.rows.len(), 2);
    assert_eq!(h.series.len(), 1);
    assert_eq!(h.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(h.rows[0].price, usd("0.0437"));
    assert_eq!(h.rows[0].time, t("2021-02-09T01:40:10Z"));
    let two = format!("{one}\n{one}");
    let h = read_aws_json("j.json", two.as_bytes()).unwrap();
    assert_eq!(
        h.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [3, 4, 11, 12]
    );
    assert_eq!(h.source.rows, 4);
    // Pages back to back on one line, braces and brackets inside strings.
    let tricky = r#"{"NextToken":"}{[","SpotPriceHistory":[{"AvailabilityZone":"a","InstanceType":"x{","ProductDescription":"Linux\/UNIX \"q\"","SpotPrice":"1","Timestamp":"2020-01-01T00:00:00Z"}]}{"SpotPriceHistory":[]}"#;
    let h = read_aws_json("j.json", tricky.as_bytes()).unwrap();
    assert_eq!(h.series[0].product, "Linux/UNIX \"q\"");
    assert_eq!(h.rows[0].line, 1);
}

#[test]
fn json_price_as_number_and_zone_ids() {
    let j = page(&[
        r#"{"AvailabilityZone":"us-east-1a","AvailabilityZoneId":"use1-az6","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":0.0437,"Timestamp":"2021-02-09T01:40:10Z"}"#,
        r#"{"AvailabilityZoneId":"use1-az4","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":2,"Timestamp":"2021-02-09T01:40:10Z","Extra":[1,{"a":null}]}"#,
    ]);
    let h = read_aws_json("n.json", j.as_bytes()).unwrap();
    assert_eq!(h.series[0].zone, Zone::Name("us-east-1a".into()));
    assert_eq!(h.series[1].zone, Zone::Id("use1-az4".into()));
    assert_eq!(h.rows[0].price, usd("0.0437"));
    assert_eq!(h.rows[1].price, usd("2"));
}

#[test]
fn json_record_errors_name_the_record_line_and_field() {
    let bad = |field: &str, value: &str| {
        let rec = REC.replace(
            &format!("\"{field}\": \"{}\"", field_value(field)),
            &format!("\"{field}\": {value}"),
        );
        assert_ne!(rec, REC, "{field}");
        err(read_aws_json("r.json", page(&[REC, &rec]).as_bytes()))
    };
    fn field_value(f: &str) -> &'static str {
        match f {
            "AvailabilityZone" => "us-east-1f",
            "InstanceType" => "m5.large",
            "SpotPrice" => "0.043700",
            _ => "2021-02-09T01:40:10+00:00",
        }
    }
    check(
        &bad("SpotPrice", "\"-0.1\""),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: price is negative",
        &[],
    );
    check(
        &bad("SpotPrice", "-0.1"),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: price is negative",
        &["found -0.1"],
    );
    check(
        &bad("SpotPrice", "\"abc\""),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: not a price",
        &["found `abc`"],
    );
    check(
        &bad("SpotPrice", "\"\""),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: is empty",
        &[],
    );
    check(
        &bad("SpotPrice", "true"),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: found a boolean, expected a string",
        &[],
    );
    check(
        &bad("SpotPrice", "null"),
        InputErrorKind::BadValue,
        "r.json:4: field `SpotPrice`: found null",
        &[],
    );
    check(
        &bad("Timestamp", "\"yesterday\""),
        InputErrorKind::BadValue,
        "r.json:4: field `Timestamp`: not a timestamp",
        &["found `yesterday`"],
    );
    check(
        &bad("InstanceType", "5"),
        InputErrorKind::BadValue,
        "r.json:4: field `InstanceType`: found the number 5",
        &[],
    );
    check(
        &bad("AvailabilityZone", "[\"a\"]"),
        InputErrorKind::BadValue,
        "r.json:4: field `AvailabilityZone`: found an array",
        &[],
    );
    check(
        &bad("AvailabilityZone", "\"\""),
        InputErrorKind::BadValue,
        "r.json:4: field `AvailabilityZone`: is empty",
        &[],
    );

    let missing = REC.replace(r#""InstanceType": "m5.large", "#, "");
    let e = err(read_aws_json(
        "r.json",
        page(&[REC, REC, &missing]).as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "r.json:5: field `InstanceType`: the record has no `InstanceType`",
        &[],
    );
    let no_zone = REC.replace(r#""AvailabilityZone": "us-east-1f", "#, "");
    let e = err(read_aws_json("r.json", page(&[&no_zone]).as_bytes()));
    check(
        &e,
        InputErrorKind::MissingField,
        "r.json:3: field `AvailabilityZone`:",
        &["AvailabilityZoneId"],
    );
}

#[test]
fn json_syntax_and_shape_errors() {
    let e = err(read_aws_json(
        "s.json",
        b"{\n \"SpotPriceHistory\": [\n  {\"a\": 1,}\n ]\n}",
    ));
    check(
        &e,
        InputErrorKind::Syntax,
        "s.json:3: invalid JSON at column",
        &[],
    );
    let e = err(read_aws_json(
        "s.json",
        page(&[REC]).trim_end().trim_end_matches('}').as_bytes(),
    ));
    check(&e, InputErrorKind::Syntax, "s.json:6: JSON ends early", &[]);
    let e = err(read_aws_json("s.json", b"[1, 2]"));
    check(
        &e,
        InputErrorKind::Syntax,
        "s.json:1: invalid JSON",
        &["an object with a `SpotPriceHistory` array"],
    );
    let e = err(read_aws_json("s.json", b"{\"SpotPriceHistory\": [1]}"));
    check(
        &e,
        InputErrorKind::Syntax,
        "s.json:1: invalid JSON",
        &["SpotPriceHistory record"],
    );
    let e = err(read_aws_json(
        "s.json",
        format!("{}\n\n{{\"NextToken\": \"x\"}}", page(&[REC])).as_bytes(),
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "s.json:9: field `SpotPriceHistory`: the object has no `SpotPriceHistory` array",
        &[],
    );
    let mut b = page(&[REC]).into_bytes();
    let at = b.iter().position(|&c| c == b'm').unwrap();
    b[at] = 0xff;
    let e = err(read_aws_json("s.json", &b));
    check(
        &e,
        InputErrorKind::Syntax,
        "s.json:3: invalid JSON",
        &["UTF-8"],
    );
    for empty in [
        &b""[..],
        b"  \n",
        b"{\"SpotPriceHistory\": []}",
        b"{\"SpotPriceHistory\":[]}{\"SpotPriceHistory\":[]}",
    ] {
        assert_eq!(
            err(read_aws_json("s.json", empty)).kind,
            InputErrorKind::Empty
        );
    }
}

// ------------------------------------------------------------------------- capacity

fn opts() -> CapacityOptions {
    CapacityOptions::default()
}

#[test]
fn capacity_csv_any_order_and_pools_interleaved() {
    let ok = "Capacity,InstanceType,Timestamp,AvailabilityZone\n\
              4,p3.2xlarge,2023-01-01T00:00:00Z,us-east-1a\n\
              2,p3.2xlarge,2023-01-01T00:00:00Z,use1-az4\n\
              0,p3.2xlarge,2023-01-01T02:00:00+01:00,us-east-1a\n";
    let h = read_capacity_bytes("c.csv", ok.as_bytes(), &opts()).unwrap();
    assert_eq!(h.source.format, "capacity-csv");
    assert_eq!(h.source.rows, 3);
    assert_eq!(h.series.len(), 2);
    assert_eq!(h.series[1].zone, Zone::Id("use1-az4".into()));
    assert_eq!(
        h.rows
            .iter()
            .map(|r| (r.series, r.capacity, r.line))
            .collect::<Vec<_>>(),
        [(0, 4, 2), (1, 2, 3), (0, 0, 4)]
    );
    let back = format!("{ok}0,p3.2xlarge,2023-01-01T00:30:00Z,us-east-1a\n");
    let e = err(read_capacity_bytes("c.csv", back.as_bytes(), &opts()));
    check(
        &e,
        InputErrorKind::Conflict,
        "c.csv:5: field `Timestamp`: 2023-01-01T00:30:00Z is not after 2023-01-01T01:00:00Z at line 4",
        &[],
    );
}

#[test]
fn capacity_csv_errors() {
    let h = "Timestamp,AvailabilityZone,InstanceType,Capacity\n";
    let row1 = "2023-01-01T00:00:00Z,us-east-1a,p3.2xlarge,1\n";
    let run = |rows: &str| {
        err(read_capacity_bytes(
            "k.csv",
            format!("{h}{row1}{rows}").as_bytes(),
            &opts(),
        ))
    };
    check(
        &run("2023-01-01T00:00:00Z,us-east-1a,p3.2xlarge,2\n"),
        InputErrorKind::Conflict,
        "k.csv:3: field `Timestamp`:",
        &["at line 2"],
    );
    check(
        &run("2023-01-02T00:00:00Z,us-east-1a,p3.2xlarge,-1\n"),
        InputErrorKind::BadValue,
        "k.csv:3: field `Capacity`: is negative: found `-1`",
        &[],
    );
    check(
        &run("2023-01-02T00:00:00Z,us-east-1a,p3.2xlarge,1.5\n"),
        InputErrorKind::BadValue,
        "k.csv:3: field `Capacity`: is not a whole number: found `1.5`",
        &[],
    );
    check(
        &run("2023-01-02T00:00:00Z,us-east-1a,p3.2xlarge,99999999999\n"),
        InputErrorKind::BadValue,
        "k.csv:3: field `Capacity`:",
        &["too large"],
    );
    check(
        &run("2023-01-02T00:00:00Z,us-east-1a,p3.2xlarge,\n"),
        InputErrorKind::BadValue,
        "k.csv:3: field `Capacity`: is empty",
        &[],
    );
    check(
        &run("2023-01-02 00:00:00,us-east-1a,p3.2xlarge,1\n"),
        InputErrorKind::BadValue,
        "k.csv:3: field `Timestamp`: not a timestamp",
        &["found `2023-01-02 00:00:00`"],
    );
    check(
        &run("2023-01-02T00:00:00Z,us-east-1a,1\n"),
        InputErrorKind::Syntax,
        "k.csv:3: expected 4 fields",
        &[],
    );
    let e = err(read_capacity_bytes(
        "k.csv",
        b"Timestamp,AvailabilityZone,InstanceType,Cap\n",
        &opts(),
    ));
    check(
        &e,
        InputErrorKind::UnknownField,
        "k.csv:1: field `Cap`: unknown column",
        &[],
    );
    let e = err(read_capacity_bytes(
        "k.csv",
        b"Timestamp,AvailabilityZone,InstanceType\n",
        &opts(),
    ));
    check(
        &e,
        InputErrorKind::MissingField,
        "k.csv:1: field `Capacity`:",
        &[],
    );
    for empty in [&b""[..], h.as_bytes(), b"date,availability\n"] {
        let e = err(read_capacity_bytes("us-east-1a_v100_1.csv", empty, &opts()));
        assert_eq!(e.kind, InputErrorKind::Empty, "{e}");
    }
}

#[test]
fn availability_csv_derives_pool_and_collapses() {
    let b = b"date,availability\n\
              2023-02-15 22:08:16,0\n\
              2023-02-15 22:11:31,0\n\
              2023-02-15 22:14:46,1\n\
              2023-02-15 22:18:01,1\n\
              2023-02-15 22:21:16,0\n";
    let h = read_capacity_bytes("dir/us-east-2b_k80_8.csv", b, &opts()).unwrap();
    assert_eq!(h.source.format, "availability-csv");
    assert_eq!(h.source.rows, 5);
    assert_eq!(h.series[0].zone, Zone::Name("us-east-2b".into()));
    assert_eq!(h.series[0].instance_type, "p2.8xlarge");
    assert_eq!(
        h.rows
            .iter()
            .map(|r| (r.capacity, r.line))
            .collect::<Vec<_>>(),
        [(0, 2), (1, 4), (0, 6)]
    );
    assert_eq!(
        h.rows[1].time,
        parse_naive_utc("2023-02-15 22:14:46").unwrap()
    );

    let o = CapacityOptions {
        instance_type: Some("g5.xlarge".into()),
        zone: Some("use1-az1".into()),
    };
    let h = read_capacity_bytes("whatever.csv", b, &o).unwrap();
    assert_eq!(h.series[0].zone, Zone::Id("use1-az1".into()));
    assert_eq!(h.series[0].instance_type, "g5.xlarge");

    let e = err(read_capacity_bytes("us-east-1a_a100_4.csv", b, &opts()));
    check(
        &e,
        InputErrorKind::MissingField,
        "us-east-1a_a100_4.csv: field `instance_type`: cannot tell the instance type",
        &["v100_1 → p3.2xlarge", "CapacityOptions::instance_type"],
    );
    let blank = CapacityOptions {
        instance_type: Some(" ".into()),
        zone: None,
    };
    let e = err(read_capacity_bytes("us-east-1a_v100_1.csv", b, &blank));
    check(
        &e,
        InputErrorKind::BadValue,
        "us-east-1a_v100_1.csv: field `instance_type`: the instance_type given",
        &["empty"],
    );
    let e = err(read_capacity_bytes("trace.csv", b, &opts()));
    check(
        &e,
        InputErrorKind::MissingField,
        "trace.csv: field `zone`: cannot tell the zone",
        &[],
    );
}

#[test]
fn availability_csv_errors() {
    let name = "us-east-1a_v100_1.csv";
    let run = |rows: &str| {
        err(read_capacity_bytes(
            name,
            format!("date,availability\n2023-02-15 22:08:16,0\n{rows}").as_bytes(),
            &opts(),
        ))
    };
    check(
        &run("2023-02-15 22:08:16,1\n"),
        InputErrorKind::Conflict,
        &format!(
            "{name}:3: field `date`: 2023-02-15T22:08:16Z is not after 2023-02-15T22:08:16Z at line 2"
        ),
        &[],
    );
    check(
        &run("2023-02-15 22:00:00,1\n"),
        InputErrorKind::Conflict,
        &format!("{name}:3: field `date`:"),
        &["at line 2"],
    );
    check(
        &run("2023-02-30 22:00:00,1\n"),
        InputErrorKind::BadValue,
        &format!("{name}:3: field `date`: timestamp out of range"),
        &["found `2023-02-30 22:00:00`"],
    );
    check(
        &run("2023-02-16 22:00:00,-1\n"),
        InputErrorKind::BadValue,
        &format!("{name}:3: field `availability`: is negative"),
        &[],
    );
    check(
        &run("2023-02-16 22:00:00,yes\n"),
        InputErrorKind::BadValue,
        &format!("{name}:3: field `availability`: is not a whole number: found `yes`"),
        &[],
    );
    check(
        &run("2023-02-16 22:00:00\n"),
        InputErrorKind::Syntax,
        &format!("{name}:3: expected 2 fields"),
        &[],
    );
}

// ------------------------------------------------------------------------- probe prices

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

// ------------------------------------------------------------------------- real data

use super::data::{self, CLI_JSON_SAMPLE, EU_WEST_3A, PAULEY_TSV};

fn distinct<T: Ord + Clone>(it: impl Iterator<Item = T>) -> usize {
    it.collect::<std::collections::BTreeSet<_>>().len()
}

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

use super::replay::{V100_ZONES, v100_files};

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

// ------------------------------------------------------------------------- properties

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
