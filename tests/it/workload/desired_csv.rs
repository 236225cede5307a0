//! Desired counts read from CSV.

use super::*;

fn csv_err(body: &str) -> InputError {
    input_err(read_desired_bytes("desired.csv", body.as_bytes()))
}

#[test]
fn desired_csv_errors_name_file_line_and_field() {
    let cases: &[(&str, InputErrorKind, &str)] = &[
        (
            "",
            InputErrorKind::Empty,
            "desired.csv: the file is empty; expected the header line timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n",
            InputErrorKind::Empty,
            "desired.csv:1: no data rows after the header; expected rows such as \
             2024-01-01T00:00:00Z,3",
        ),
        (
            "2024-01-01T00:00:00Z,3\n2024-01-01T01:00:00Z,4\n",
            InputErrorKind::MissingField,
            "desired.csv:1: expected the header line timestamp,desired_count, found \
             `2024-01-01T00:00:00Z,3` (a header is required)",
        ),
        (
            "timestamp,count\n2024-01-01T00:00:00Z,3\n",
            InputErrorKind::MissingField,
            "desired.csv:1: field `desired_count`: the header `timestamp,count` lacks this \
             column; expected timestamp,desired_count",
        ),
        (
            "timestamp,desired_count,zone\n2024-01-01T00:00:00Z,3,a\n",
            InputErrorKind::UnknownField,
            "desired.csv:1: field `zone`: unknown column; expected only the columns \
             timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n2024-01-01T02:00:00Z,3\n2024-01-01T01:00:00Z,4\n",
            InputErrorKind::Conflict,
            "desired.csv:3: field `timestamp`: 2024-01-01T01:00:00Z is before \
             2024-01-01T02:00:00Z on line 2; timestamps must strictly increase",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,3\n\n2024-01-01T01:00:00+01:00,4\n",
            InputErrorKind::Conflict,
            "desired.csv:4: field `timestamp`: 2024-01-01T00:00:00Z repeats the timestamp of \
             line 2; timestamps must strictly increase",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,3\n2024-01-01T01:00:00Z,-2\n",
            InputErrorKind::BadValue,
            "desired.csv:3: field `desired_count`: is negative: found `-2`, expected a \
             non-negative integer such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,2.5\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `desired_count`: is not a whole number: found `2.5`, \
             expected a non-negative integer such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count\n2024-01-01 00:00:00,2\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `timestamp`: not a timestamp: expected a zone (Z or ±HH:MM) \
             after the time: found `2024-01-01 00:00:00`, expected an RFC 3339 timestamp \
             with a zone such as 2021-02-09T01:40:10+00:00",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z,\n",
            InputErrorKind::BadValue,
            "desired.csv:2: field `desired_count`: is empty; expected a non-negative integer \
             such as 0, 1 or 16",
        ),
        (
            "timestamp,desired_count,timestamp\n2024-01-01T00:00:00Z,1,x\n",
            InputErrorKind::Syntax,
            "desired.csv:1: field `timestamp`: the column appears twice; expected the header \
             line timestamp,desired_count",
        ),
        (
            "timestamp,desired_count\n2024-01-01T00:00:00Z\n",
            InputErrorKind::Syntax,
            "desired.csv:2: expected 2 fields as in the header on line 1, found 1",
        ),
    ];
    for (body, kind, msg) in cases {
        let e = csv_err(body);
        assert_eq!(e.to_string(), *msg, "{body:?}");
        assert_eq!(e.kind, *kind, "{body:?}");
    }
}

#[test]
fn desired_csv_accepts_any_column_order_bom_crlf_and_blank_lines() {
    let body = "\u{feff}Desired_Count , Timestamp\r\n\r\n4,2024-01-01T00:00:00Z\r\n0,2024-01-01T06:00:00Z\r\n";
    let c = read_desired_bytes("d.csv", body.as_bytes()).unwrap();
    assert_eq!(c.trace.values(), &[4, 0]);
    assert_eq!(c.lines, [3, 4]);
    assert_eq!(c.source.format, "desired-csv");
    assert_eq!(c.source.rows, 2);
}

#[test]
fn csv_demand_is_zero_before_its_first_row_and_clipped_to_the_horizon() {
    let p = tmp_file(
        "clip.csv",
        "timestamp,desired_count\n\
         2024-01-01T06:00:00Z,4\n\
         2024-01-01T12:00:00Z,4\n\
         2024-01-01T18:00:00Z,1\n\
         2024-01-02T06:00:00Z,9\n",
    );
    let d = Demand::Csv { file: p.clone() };
    let day = t("2024-01-01T00:00:00Z");
    let tr = d.trace(day, day.plus(DAY)).unwrap();
    assert_eq!(tr.times(), &[day.0, day.0 + 6 * HOUR, day.0 + 18 * HOUR]);
    assert_eq!(tr.values(), &[0, 4, 1], "equal consecutive counts merge");
    assert_eq!(
        d.task_seconds(day, day.plus(DAY)).unwrap(),
        (12 * 4 + 6) * HOUR as u64
    );
    // A horizon starting between rows takes the count in effect.
    let tr = d.trace(day.plus(20 * HOUR), day.plus(40 * HOUR)).unwrap();
    assert_eq!(tr.values(), &[1, 9]);
    // A horizon ending before the first row: an error naming the file and line.
    let e = d.trace(day, day.plus(6 * HOUR)).unwrap_err();
    let Error::Input(ie) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(ie.kind, InputErrorKind::Empty);
    assert_eq!(
        e.to_string(),
        format!(
            "{}:2: field `timestamp`: the first desired count is at 2024-01-01T06:00:00Z, at \
             or after the end of the horizon 2024-01-01T06:00:00Z: no counts for the simulated \
             period 2024-01-01T00:00:00Z to 2024-01-01T06:00:00Z",
            p.display()
        )
    );
    // A missing file is an Io error naming it.
    let missing = Demand::Csv {
        file: p.with_file_name("absent.csv"),
    };
    let e = missing.trace(day, day.plus(DAY)).unwrap_err();
    assert!(
        matches!(&e, Error::Input(ie) if ie.kind == InputErrorKind::Io),
        "{e}"
    );
    assert!(e.to_string().contains("absent.csv: cannot read"), "{e}");
    let e = input_err(read_desired_file(&p.with_file_name("absent.csv")));
    assert_eq!(e.kind, InputErrorKind::Io);
}

#[test]
fn csv_service_of_only_zeros_has_zero_tasks() {
    let p = tmp_file(
        "zeros.csv",
        "timestamp,desired_count\n2024-01-01T00:00:00Z,0\n2024-01-01T01:00:00Z,0\n",
    );
    let s = Service::new("idle", 250, 512, Demand::Csv { file: p }).unwrap();
    let day = t("2024-01-01T00:00:00Z");
    let e = s.desired_trace(day, day.plus(DAY)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("option `service.idle.desired`: zero tasks: csv("),
        "{e}"
    );
}
