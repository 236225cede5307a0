//! The AZ-ID TSV (zones by AZ ID).

use super::*;

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
