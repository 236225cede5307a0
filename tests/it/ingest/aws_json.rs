//! The AWS CLI's JSON: records, pages, errors with the record's line.

use super::*;

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
