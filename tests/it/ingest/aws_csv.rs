//! The AWS CLI's CSV: values, errors with file, line and field, layouts.

use super::*;

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
