//! `job` reads availability CSVs and per-probe prices through `ingest`'s readers (one
//! reader per format, issue 16): the same files and the same errors as `run --capacity`
//! and `run --prices`.
use spotsim::error::InputErrorKind;
use spotsim::ingest::{CapacityOptions, read_capacity_bytes, read_probe_prices_bytes};
use spotsim::job::{
    Convention, TraceOptions, read_probe_series_bytes, read_spot_trace_bytes, with_probe_prices,
};

const CSV: &[u8] =
    b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n2023-02-15 22:14:46,1\n";
const SWAPPED: &[u8] =
    b"availability,date\n0,2023-02-15 22:08:16\n1,2023-02-15 22:11:31\n1,2023-02-15 22:14:46\n";

#[test]
fn columns_in_either_order_as_for_run_capacity() {
    let name = "us-east-1a_v100_1.csv";
    let a = read_probe_series_bytes(name, CSV, None).unwrap();
    let b = read_probe_series_bytes(name, SWAPPED, None).unwrap();
    assert_eq!(
        (a.times.clone(), a.available.clone()),
        (b.times, b.available)
    );
    assert_eq!(a.available, [0, 1, 1]);
    // `run --capacity` reads both too, and names the same zone.
    let c = read_capacity_bytes(name, SWAPPED, &CapacityOptions::default()).unwrap();
    assert_eq!(c.rows.len(), 3);
    assert_eq!(a.zone, "us-east-1a");
}

#[test]
fn price_errors_are_the_ingest_readers() {
    let prices = br#"{"us-east-1a_v100_1": [1, -2, 3]}"#;
    let j = read_probe_series_bytes("us-east-1a_v100_1.csv", CSV, Some(("p.json", &prices[..])))
        .unwrap_err();
    let i = read_probe_prices_bytes("p.json", prices, &[("us-east-1a_v100_1.csv", CSV)], None)
        .unwrap_err();
    assert_eq!(j.to_string(), i.to_string());
    assert_eq!(
        (j.kind, j.field.as_deref()),
        (InputErrorKind::BadValue, Some("us-east-1a_v100_1"))
    );
    assert!(j.to_string().contains("us-east-1a_v100_1.csv:3"), "{j}");
    // A tick trace takes the prices by its zone when its name is only the zone.
    let t = read_spot_trace_bytes(
        "d/us-east-1a.json",
        br#"{"metadata":{"gap_seconds":195},"data":[1,1,0]}"#,
        &TraceOptions::new(Convention::Available),
    )
    .unwrap();
    let e = with_probe_prices(t.clone(), "p.json", br#"{"us-east-1a_v100_1":[1,2]}"#).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Conflict);
    assert!(
        e.to_string()
            .contains("2 prices under `us-east-1a_v100_1` but 3 ticks"),
        "{e}"
    );
    let t = with_probe_prices(t, "p.json", br#"{"us-east-1a_v100_1":[1,2,3]}"#).unwrap();
    assert_eq!(t.prices.unwrap()[2].to_string(), "3");
}
