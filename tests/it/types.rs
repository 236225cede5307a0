//! `spotsim types`: hand-checked facts on the built-in catalog (whatever its size),
//! filters and sorting on a small catalog built here, Spot Advisor bands and savings,
//! `--names` feeding `--instance-types`.

use super::cli::{run, scratch};
use spotsim::catalog::{Arch, Catalog, InstanceType};
use spotsim::ingest::read_advisor_bytes;
use spotsim::money::Rate;
use spotsim::types::{AdvisorView, Range, SortKey, TypeQuery};

fn t(name: &str, vcpu: u32, gib: u32, arm: bool, usd: &str) -> InstanceType {
    InstanceType {
        name: name.into(),
        vcpu,
        memory_mib: gib * 1024,
        arch: if arm { Arch::Arm64 } else { Arch::X86_64 },
        ondemand: Rate::parse_usd(usd).unwrap(),
    }
}

/// Five types, prices made up for the test.
fn small() -> Catalog {
    Catalog::from_types(
        "test-1",
        "test",
        vec![
            t("m5.large", 2, 8, false, "0.10"),
            t("m5.xlarge", 4, 16, false, "0.20"),
            t("c6g.large", 2, 4, true, "0.07"),
            t("r7g.2xlarge", 8, 64, true, "0.43"),
            t("t3.medium", 2, 4, false, "0.04"),
        ],
    )
}

fn names(q: &TypeQuery, advisor: Option<AdvisorView<'_>>) -> Vec<String> {
    q.run(&small(), advisor)
        .unwrap()
        .types
        .into_iter()
        .map(|r| r.instance_type)
        .collect()
}

#[test]
fn filters_on_a_small_catalog() {
    let r = |o: &str, s: &str| Range::<u32>::parse(o, s).unwrap();
    let f = |o: &str, s: &str| Range::<f64>::parse(o, s).unwrap();
    let all = TypeQuery::default();
    // Default order: cheapest first.
    assert_eq!(
        names(&all, None),
        [
            "t3.medium",
            "c6g.large",
            "m5.large",
            "m5.xlarge",
            "r7g.2xlarge"
        ]
    );
    let q = TypeQuery {
        vcpu: Some(r("vcpu", "2..4")),
        memory_gib: Some(f("memory", "8..")),
        ..Default::default()
    };
    assert_eq!(names(&q, None), ["m5.large", "m5.xlarge"]);
    let q = TypeQuery {
        arch: vec![Arch::Arm64],
        ..Default::default()
    };
    assert_eq!(names(&q, None), ["c6g.large", "r7g.2xlarge"]);
    let q = TypeQuery {
        family: vec!["m5".into(), "t3".into()],
        ..Default::default()
    };
    assert_eq!(names(&q, None), ["t3.medium", "m5.large", "m5.xlarge"]);
    let q = TypeQuery {
        generation: Some(r("generation", "6..")),
        ..Default::default()
    };
    assert_eq!(names(&q, None), ["c6g.large", "r7g.2xlarge"]);
    let q = TypeQuery {
        price: Some(f("price", "..0.1")),
        ..Default::default()
    };
    assert_eq!(
        names(&q, None),
        ["t3.medium", "c6g.large", "m5.large"],
        "0.10 itself is in"
    );
    let q = TypeQuery {
        vcpu: Some(r("vcpu", "3")),
        ..Default::default()
    };
    assert!(names(&q, None).is_empty());
}

#[test]
fn sorting_on_a_small_catalog() {
    let by = |k: SortKey, desc: bool| {
        names(
            &TypeQuery {
                sort_by: k,
                desc,
                ..Default::default()
            },
            None,
        )
    };
    assert_eq!(
        by(SortKey::Price, true),
        [
            "r7g.2xlarge",
            "m5.xlarge",
            "m5.large",
            "c6g.large",
            "t3.medium"
        ]
    );
    // Ties (2 vCPU: three types) by name.
    assert_eq!(
        by(SortKey::Vcpu, false),
        [
            "c6g.large",
            "m5.large",
            "t3.medium",
            "m5.xlarge",
            "r7g.2xlarge"
        ]
    );
    assert_eq!(
        by(SortKey::Memory, true),
        [
            "r7g.2xlarge",
            "m5.xlarge",
            "m5.large",
            "c6g.large",
            "t3.medium"
        ]
    );
    assert_eq!(
        by(SortKey::Name, false),
        [
            "c6g.large",
            "m5.large",
            "m5.xlarge",
            "r7g.2xlarge",
            "t3.medium"
        ]
    );
    assert_eq!(
        by(SortKey::Name, true),
        [
            "t3.medium",
            "r7g.2xlarge",
            "m5.xlarge",
            "m5.large",
            "c6g.large"
        ]
    );
}

#[test]
fn spot_advisor_bands_and_savings() {
    let csv = "region,os,instance_type,vcpu,memory_gib,interruption_band_index,interruption_band_label,interruption_band_max_pct,savings_vs_ondemand_pct\n\
test-1,Linux,m5.large,2,8.0,3,15-20%,22,66\n\
test-1,Linux,m5.xlarge,4,16.0,0,<5%,5,54\n\
test-1,Linux,c6g.large,2,4.0,1,5-10%,11,70\n\
test-1,Linux,t3.medium,2,4.0,4,>20%,100,60\n";
    let adv = read_advisor_bytes("adv.csv", csv.as_bytes()).unwrap();
    let view = Some(AdvisorView {
        data: &adv,
        region: "test-1",
        os: "Linux",
    });
    let q = TypeQuery {
        max_band: Some(1),
        ..Default::default()
    };
    assert_eq!(names(&q, view), ["c6g.large", "m5.xlarge"]);
    let q = TypeQuery {
        bands: vec![3, 4],
        ..Default::default()
    };
    assert_eq!(names(&q, view), ["t3.medium", "m5.large"]);
    let q = TypeQuery {
        min_savings: Some(60),
        ..Default::default()
    };
    assert_eq!(names(&q, view), ["t3.medium", "c6g.large", "m5.large"]);
    // Sort by band; r7g.2xlarge has no entry: last, with a warning.
    let q = TypeQuery {
        sort_by: SortKey::Band,
        ..Default::default()
    };
    let rep = q.run(&small(), view).unwrap();
    let order: Vec<&str> = rep.types.iter().map(|r| r.instance_type.as_str()).collect();
    assert_eq!(
        order,
        [
            "m5.xlarge",
            "c6g.large",
            "m5.large",
            "t3.medium",
            "r7g.2xlarge"
        ]
    );
    assert_eq!(rep.types[0].band_label.as_deref(), Some("<5%"));
    assert_eq!(rep.warnings[0].code, "advisor_entry_missing");
    let q = TypeQuery {
        sort_by: SortKey::Savings,
        desc: true,
        ..Default::default()
    };
    assert_eq!(names(&q, view)[..2], ["c6g.large", "m5.large"]);
    // Without advisor data, band filters and sorts are errors.
    assert_eq!(
        TypeQuery {
            max_band: Some(1),
            ..Default::default()
        }
        .run(&small(), None)
        .unwrap_err()
        .option,
        "max-band"
    );
    assert!(
        TypeQuery {
            sort_by: SortKey::Savings,
            ..Default::default()
        }
        .run(&small(), None)
        .is_err()
    );
    // An unknown region is named, with the closest.
    let bad = Some(AdvisorView {
        data: &adv,
        region: "test-2",
        os: "Linux",
    });
    assert!(
        TypeQuery::default()
            .run(&small(), bad)
            .unwrap_err()
            .to_string()
            .contains("did you mean `test-1`")
    );
}

#[test]
fn the_built_in_catalog_through_the_cli() {
    // Facts checked by hand against AWS's us-east-1 Linux on-demand list prices:
    // m5.large 2 vCPU, 8 GiB, x86_64, $0.096/h; c6g.large 2 vCPU, 4 GiB, arm64, $0.068/h.
    let o = run(&[
        "types", "--family", "m5,c6g", "--vcpu", "2", "--output", "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = |n: &str| {
        v["types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["instance_type"] == n)
            .cloned()
            .unwrap()
    };
    let m5 = row("m5.large");
    assert_eq!(
        (
            m5["vcpu"].as_u64(),
            m5["memory_gib"].as_f64(),
            m5["arch"].as_str(),
            m5["ondemand_usd_per_hour"].as_f64()
        ),
        (Some(2), Some(8.0), Some("x86_64"), Some(0.096))
    );
    let c = row("c6g.large");
    assert_eq!(
        (
            c["memory_gib"].as_f64(),
            c["arch"].as_str(),
            c["ondemand_usd_per_hour"].as_f64()
        ),
        (Some(4.0), Some("arm64"), Some(0.068))
    );
    assert_eq!(
        v["types"][0]["instance_type"], "c6g.large",
        "cheapest first"
    );
    let table = String::from_utf8(run(&["types", "--family", "m5", "--vcpu", "2"]).stdout).unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.contains("m5.large") && l.contains("8 GiB") && l.contains("$0.096/h")),
        "{table}"
    );
    // CSV.
    let csv = String::from_utf8(
        run(&["types", "--family", "m5", "--vcpu", "2", "--output", "csv"]).stdout,
    )
    .unwrap();
    assert!(csv.starts_with(
        "instance_type,family,generation,vcpu,memory_gib,arch,ondemand_usd_per_hour,"
    ));
    assert!(csv.contains("\nm5.large,m5,5,2,8,x86_64,0.096,"), "{csv}");
    // Bad input: one line, exit 1.
    for args in [
        vec!["types", "--vcpu", "4..2"],
        vec!["types", "--max-band", "1"],
        vec!["types", "--price", "cheap"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr)
                .trim_end()
                .lines()
                .count(),
            1
        );
    }
}

#[test]
fn names_feed_instance_types() {
    let o = run(&["types", "--vcpu", "2..4", "--memory", "8..", "--names"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one line");
    let cat = Catalog::builtin();
    let list: Vec<&str> = text.trim_end().split(',').collect();
    assert!(list.contains(&"m5.large"));
    for n in &list {
        let t = cat
            .get(n)
            .unwrap_or_else(|| panic!("{n} not in the catalog"));
        assert!((2..=4).contains(&t.vcpu) && t.memory_mib >= 8 * 1024, "{n}");
    }
    // The list is a valid --instance-types for run.
    let d = scratch("types-names");
    let p = d.join("p.csv");
    std::fs::write(
        &p,
        "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n\
us-east-1a,m5.large,Linux/UNIX,0.04,2024-01-01T00:00:00Z\n\
us-east-1a,t3.large,Linux/UNIX,0.03,2024-01-01T00:00:00Z\n\
us-east-1a,m5.large,Linux/UNIX,0.05,2024-01-02T00:00:00Z\n\
us-east-1a,t3.large,Linux/UNIX,0.03,2024-01-02T00:00:00Z\n",
    )
    .unwrap();
    let names = String::from_utf8(
        run(&[
            "types", "--family", "m5,t3", "--vcpu", "2", "--memory", "8", "--names",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(names.trim_end(), "t3.large,m5.large");
    let o = run(&[
        "run",
        "--quiet",
        "--prices",
        p.to_str().unwrap(),
        "--instance-types",
        names.trim_end(),
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
