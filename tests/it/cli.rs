//! The `spotsim` binary: exit codes, one-line errors naming file, line and field, no
//! partial output, byte-identical reports, the golden default report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spotsim"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("spotsim runs")
}

/// A fresh directory under the system temp dir for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("spotsim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn default_scenario_runs_and_is_byte_identical() {
    let a = run(&["run", "--output", "json", "--quiet"]);
    assert!(a.status.success(), "{}", stderr(&a));
    let b = run(&["run", "--output", "json", "--quiet"]);
    assert_eq!(a.stdout, b.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&a.stdout).expect("JSON");
    // One shape whatever the number of strategies (schema 2): {schema_version, reports}.
    assert_eq!(doc["schema_version"], spotsim::report::SCHEMA_VERSION);
    assert_eq!(doc["reports"].as_array().map(Vec::len), Some(1));
    let v = &doc["reports"][0];
    for k in [
        "total_cost_usd",
        "ondemand_baseline_usd",
        "savings_pct",
        "instance_hours",
        "spot_instance_hours",
        "ondemand_instance_hours",
        "interruptions",
        "interruptions_per_1000_instance_hours",
        "mean_time_to_interruption_hours",
        "price_driven_replacements",
        "unmet_capacity_unit_hours",
        "availability_pct",
        "pools",
        "provenance",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in [
        "instance_type",
        "availability_zone",
        "purchase_option",
        "cost_usd",
        "instance_hours",
        "interruptions",
    ] {
        assert!(v["pools"][0].get(k).is_some(), "pools[] missing {k}");
    }
    for k in [
        "inputs",
        "span",
        "pools",
        "seed",
        "spotsim_version",
        "assumptions",
    ] {
        assert!(v["provenance"].get(k).is_some(), "provenance missing {k}");
    }
    // No subcommand = `run` on the default scenario.
    let c = bin().arg("run").arg("--quiet").output().unwrap();
    let d = bin().output().unwrap();
    assert!(d.status.success());
    assert_eq!(c.stdout, d.stdout);
    assert!(String::from_utf8_lossy(&d.stdout).contains("lowest-price"));
}

#[test]
fn golden_default_report() {
    // The JSON report of the default scenario, pinned. Regenerate deliberately with
    // SPOTSIM_BLESS=1 cargo test --release golden (and say why in the commit).
    let out = run(&[
        "run",
        "--output",
        "json",
        "--quiet",
        "--strategy",
        "lowest-price,capacity-optimized",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/default_run.json");
    if std::env::var_os("SPOTSIM_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &out.stdout).unwrap();
    }
    let want = std::fs::read(&golden).expect("tests/golden/default_run.json (bless it once)");
    assert!(
        want == out.stdout,
        "the default report changed; if intended, re-bless with SPOTSIM_BLESS=1"
    );
}

#[test]
fn csv_output_has_a_row_per_pool_and_a_total() {
    let out = run(&["run", "--output", "csv", "--quiet"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0]
            .starts_with("strategy,row,instance_type,availability_zone,purchase_option,cost_usd")
    );
    assert_eq!(lines.iter().filter(|l| l.contains(",pool,")).count(), 12);
    assert_eq!(lines.iter().filter(|l| l.contains(",total,")).count(), 1);
}

#[test]
fn out_file_is_written_whole_and_only_on_success() {
    let d = scratch("out");
    let good = d.join("report.json");
    let o = run(&[
        "run",
        "--quiet",
        "--output",
        "json",
        "--out",
        good.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&good).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 2);
    let bad_prices = write(
        &d,
        "p.csv",
        "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\nus-east-1a,m5.large,Linux/UNIX,-0.1,2024-01-01T00:00:00Z\n",
    );
    let bad_out = d.join("never.json");
    let o = run(&[
        "run",
        "--quiet",
        "--prices",
        &bad_prices,
        "--out",
        bad_out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!bad_out.exists(), "no partial output");
    assert_eq!(
        std::fs::read_dir(&d).unwrap().count(),
        2,
        "no temp file left behind"
    );
}

const HDR: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n";

#[test]
fn bad_input_is_one_line_naming_file_line_and_field_exit_1() {
    let d = scratch("bad");
    let cases: Vec<(String, &str)> = vec![
        (format!("{HDR}us-east-1a,m5.large,Linux/UNIX,-0.1,2024-01-01T00:00:00Z\n"), ":2: field `SpotPrice`"),
        (format!("{HDR}us-east-1a,m5.large,Linux/UNIX,NaN,2024-01-01T00:00:00Z\n"), ":2: field `SpotPrice`"),
        (format!("{HDR}us-east-1a,m5.large,Linux/UNIX,0.1,2024-13-01T00:00:00Z\n"), ":2: field `Timestamp`"),
        (format!("{HDR}us-east-1a,m5.large,Linux/UNIX,0.1\n"), ":2"),
        ("AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp,Extra\n".to_string(), "Extra"),
        ("AvailabilityZone,InstanceType,SpotPrice,Timestamp\nus-east-1a,m5.large,0.1,2024-01-01T00:00:00Z\n".to_string(), "ProductDescription"),
        (HDR.to_string(), "p.csv"),
        (
            format!("{HDR}us-east-1a,m5.large,Linux/UNIX,0.1,2024-01-01T00:00:00Z\nus-east-1a,m5.large,Linux/UNIX,0.2,2024-01-01T00:00:00Z\n"),
            ":3: field `price`",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let p = write(&d, "p.csv", text);
        let o = run(&["run", "--quiet", "--prices", &p]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "case {i}: {err}");
        assert!(o.stdout.is_empty(), "case {i}: nothing on stdout");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "case {i}: one line: {err}"
        );
        assert!(err.contains("p.csv"), "case {i}: names the file: {err}");
        assert!(err.contains(want), "case {i}: wanted {want:?} in {err}");
        assert!(!err.contains("panicked"), "case {i}: {err}");
    }
}

#[test]
fn impossible_configs_are_errors() {
    let d = scratch("cfg");
    let p = write(
        &d,
        "p.csv",
        &format!(
            "{HDR}us-east-1a,m5.large,Linux/UNIX,0.03,2024-01-01T00:00:00Z\nus-east-1a,m5.large,Linux/UNIX,0.04,2024-01-02T00:00:00Z\n"
        ),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--start",
                "2024-01-02T00:00:00Z",
                "--end",
                "2024-01-01T00:00:00Z",
            ],
            "start",
        ),
        (vec!["--instance-types", "m5.huge"], "m5.huge"),
        (vec!["--instance-types", "c5.large"], "c5.large"),
        (
            vec!["--azs", "use1-az4"],
            "AZ names and AZ IDs are not interchangeable",
        ),
        (vec!["--target", "0"], "target"),
        (vec!["--strategy", "cheapest"], "valid"),
        (vec!["--product", "BeOS"], "product"),
        (vec!["--launch-latency", "-5"], "launch-latency"),
        (vec!["--output", "xml"], "output"),
        (vec!["--start", "yesterday"], "start"),
        (vec!["--seed", "9223372036854775808"], "9223372036854775807"),
        (
            vec!["--strategy", "capacity-optimized", "--pools", "2"],
            "pools",
        ),
        (
            vec!["--strategy", "lowest-price", "--capacity-tier", "0.5"],
            "capacity-tier",
        ),
        // Issue 8: `--catalog-region` with the built-in catalog is a warning
        // (`ondemand_region_mismatch`), and diversified runs on a non-Linux product that
        // has on-demand prices; both are tested in tests/it/region_os.rs.
        (vec!["--launch-latency", "99999999"], "launch-latency"),
        (vec!["--target", "2000000"], "target"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["run", "--quiet", "--prices", &p];
        args.extend(extra.iter());
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: wanted {want:?} in {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // Unknown flags are errors with exit 1 too, not clap's 2 (2 is for thresholds).
    let o = run(&["run", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["run", "no-such-scenario.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-scenario.toml"));
}

#[test]
fn scenario_file_says_what_flags_say_and_flags_override() {
    let d = scratch("scn");
    write(
        &d,
        "p.csv",
        &format!(
            "{HDR}us-east-1a,m5.large,Linux/UNIX,0.03,2024-01-01T00:00:00Z\nus-east-1b,m5.large,Linux/UNIX,0.02,2024-01-01T00:00:00Z\nus-east-1a,m5.large,Linux/UNIX,0.04,2024-01-03T00:00:00Z\n"
        ),
    );
    let s = write(
        &d,
        "s.toml",
        "prices = [\"p.csv\"]\ninstance-types = [\"m5.large\"]\nazs = [\"us-east-1a\", \"us-east-1b\"]\nstrategy = \"capacity-optimized\"\ntarget = 3\nseed = 9\noutput = \"json\"\nlaunch-latency = 0\n",
    );
    let o = run(&["run", &s, "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = &doc["reports"][0];
    assert_eq!(v["strategy"], "capacity-optimized");
    assert_eq!(v["provenance"]["seed"], 9);
    assert_eq!(v["instance_hours"], 3.0 * 48.0);
    let o = run(&[
        "run",
        &s,
        "--quiet",
        "--target",
        "1",
        "--strategy",
        "lowest-price",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = &doc["reports"][0];
    assert_eq!(v["strategy"], "lowest-price");
    assert_eq!(v["instance_hours"], 48.0);
    let bad = write(&d, "bad.toml", "target = 3\ntagret = 4\n");
    let o = run(&["run", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.toml") && stderr(&o).contains("line 2"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let args = [
        "run",
        "--quiet",
        "--output",
        "json",
        "--strategy",
        "lowest-price,capacity-optimized,price-capacity-optimized,diversified",
    ];
    let one = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let four = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    assert!(one.status.success());
    assert_eq!(one.stdout, four.stdout);
    let args = [
        "compare",
        "--tasks",
        "6",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--output",
        "json",
    ];
    let one = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let four = bin()
        .args(args)
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    assert!(one.status.success());
    assert_eq!(one.stdout, four.stdout);
}
