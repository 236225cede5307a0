//! Which reader a file goes to (format detection).

use super::*;

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
