//! Every reader on arbitrary bytes (issue 14): a value or a one-line error, never a
//! panic. The ordinary suite's share of the fuzzing (`fuzz/` runs the same readers
//! under libFuzzer for as long as one likes): random bytes, and valid seeds with a few
//! bytes changed, inserted or removed.

use proptest::prelude::*;

/// One reader: bytes in, a one-line error string out (`None` when it read them).
type Reader = fn(&[u8]) -> Option<String>;

fn err<T, E: std::fmt::Display>(r: Result<T, E>) -> Option<String> {
    r.err().map(|e| e.to_string())
}

const READERS: &[(&str, Reader, &str)] = &[
    (
        "aws_csv",
        |b| err(spotsim::ingest::read_aws_csv("f.csv", b)),
        "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\nus-east-1a,m5.large,Linux/UNIX,0.05,2024-01-01T00:00:00Z\nus-east-1a,m5.large,Linux/UNIX,0.06,2024-01-02T00:00:00Z\n",
    ),
    (
        "aws_json",
        |b| err(spotsim::ingest::read_aws_json("f.json", b)),
        r#"{"SpotPriceHistory":[{"AvailabilityZone":"us-east-1a","InstanceType":"m5.large","ProductDescription":"Linux/UNIX","SpotPrice":"0.05","Timestamp":"2024-01-01T00:00:00+00:00"}]}"#,
    ),
    (
        "azid_tsv",
        |b| err(spotsim::ingest::read_azid_tsv("f.tsv", b)),
        "use1-az4\tm5.large\tLinux/UNIX\t0.1\t2022-05-31T18:20:41Z\n",
    ),
    (
        "capacity",
        |b| {
            err(spotsim::ingest::read_capacity_bytes(
                "us-east-1a_v100_1.csv",
                b,
                &Default::default(),
            ))
        },
        "date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n",
    ),
    (
        "capacity_csv",
        |b| {
            err(spotsim::ingest::read_capacity_bytes(
                "cap.csv",
                b,
                &Default::default(),
            ))
        },
        "Timestamp,AvailabilityZone,InstanceType,Capacity\n2023-02-15T22:08:16Z,us-east-1a,p3.2xlarge,4\n",
    ),
    (
        "probe_prices",
        |b| {
            err(spotsim::ingest::read_probe_prices_bytes(
                "p.json",
                b,
                &[(
                    "us-east-1a_v100_1.csv",
                    b"date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n",
                )],
                None,
            ))
        },
        r#"{"us-east-1a_v100_1": [0.9, 0.95]}"#,
    ),
    (
        "catalog",
        |b| {
            err(spotsim::ingest::pricelist::read_catalog_bytes(
                "catalog",
                b,
                Some("us-east-1"),
            ))
        },
        "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\nx1.tiny,1,0.5,x86_64,0.01\n",
    ),
    (
        "advisor",
        |b| err(spotsim::ingest::read_advisor_bytes("advisor", b)),
        r#"{"ranges":[{"index":0,"label":"<5%","dots":0,"max":5}],"spot_advisor":{"us-east-1":{"Linux":{"m5.large":{"s":66,"r":0}}}}}"#,
    ),
    (
        "desired",
        |b| err(spotsim::workload::read_desired_bytes("counts.csv", b)),
        "timestamp,desired_count\n2024-01-01T00:00:00Z,2\n2024-01-01T09:00:00Z,10\n",
    ),
    (
        "job_trace",
        |b| {
            err(spotsim::job::read_spot_trace_bytes(
                "t.json",
                b,
                &spotsim::job::TraceOptions::new(spotsim::job::Convention::Available),
            ))
        },
        r#"{"metadata":{"gap_seconds":600},"data":[1,0,1],"prices":[0.9,0.9,1.1]}"#,
    ),
    (
        "job_probes",
        |b| match spotsim::job::read_probe_series_bytes("us-east-1a_v100_1.csv", b, None) {
            Ok(s) => err(s.to_ticks(86_400)),
            Err(e) => Some(e.to_string()),
        },
        "date,availability\n2023-02-15 22:08:16,0\n2023-02-15 22:11:31,1\n",
    ),
    (
        "egress",
        |b| err(spotsim::job::EgressTable::read_bytes("egress.csv", b)),
        "from_region,to_region,price_usd_per_gb\nus-east-1,us-west-2,0.02\n",
    ),
    (
        "scenario",
        |b| {
            let t = String::from_utf8_lossy(b);
            // The run scenario's error; the other commands' only when not one line.
            let others = [
                err(spotsim::compare::CompareScenario::from_toml_str(
                    &t, "s.toml",
                )),
                err(spotsim::job::JobScenario::from_toml_str(&t, "s.toml")),
            ];
            others
                .into_iter()
                .flatten()
                .find(|e| e.contains('\n'))
                .or_else(|| err(spotsim::scenario::Scenario::from_toml_str(&t, "s.toml")))
        },
        "strategy = [\"lowest-price\"]\ntarget = 20\nseed = 3\n",
    ),
];

fn check(name: &str, read: Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Some(e) = read(bytes) {
        prop_assert!(!e.contains('\n'), "{name}: error on several lines: {e}");
        prop_assert!(e.len() < 2000, "{name}: error of {} bytes", e.len());
    }
    Ok(())
}

/// A valid seed with edits: (position, byte, kind) where kind 0 replaces, 1 inserts,
/// 2 removes.
fn mutate(seed: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    for &(at, byte, kind) in edits {
        let i = at % (b.len() + 1);
        match kind % 3 {
            0 if i < b.len() => b[i] = byte,
            1 => b.insert(i, byte),
            _ if i < b.len() => {
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_reader_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for (name, read, _) in READERS {
            check(name, *read, &bytes)?;
        }
    }

    #[test]
    fn every_reader_survives_edited_seeds(
        edits in prop::collection::vec((any::<usize>(), prop_oneof![any::<u8>(), Just(b'"'), Just(b'\n'), Just(b','), Just(b'9'), Just(0u8)], any::<u8>()), 1..6),
    ) {
        for (name, read, seed) in READERS {
            check(name, *read, &mutate(seed, &edits))?;
        }
    }
}

#[test]
fn the_seeds_are_valid() {
    // Edits of a valid input reach deep into each reader only if the seed reads.
    for (name, read, seed) in READERS {
        assert_eq!(read(seed.as_bytes()), None, "{name}");
    }
}
