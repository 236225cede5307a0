//! Capacity traces: spotsim's capacity CSV and timestamped availability.

use super::*;

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
