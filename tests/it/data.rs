//! The one way a test reaches the real data of `../shared/data` (issue 16).
//!
//! Every real-data test starts with [`require`], naming the files and folders it reads
//! (relative to the data root):
//!
//! ```ignore
//! let Some(d) = data::require(&[EU_WEST_3A]) else { return };
//! let text = std::fs::read_to_string(d.join(EU_WEST_3A)).unwrap();
//! ```
//!
//! The rules:
//!
//! * **Folder absent** (a fresh clone outside CI): the test prints
//!   `skipped: ../shared/data not found` and returns — the only skip there is.
//! * **Folder absent where data is required** — `CI=true` (set by CI systems) or
//!   `SPOTSIM_REQUIRE_DATA=1` (set by `.ci/run`): the test fails, naming the files it
//!   needed. CI can therefore never mistake a skip for a pass.
//! * **Folder present, a listed file missing** (renamed, moved): the test fails, naming
//!   every missing file, whatever the environment. Any other read error is the test's
//!   own `unwrap` and fails too; nothing but an absent folder is ever skipped.
//!
//! The data root is `<crate>/../shared/data`, or `SPOTSIM_SHARED_DATA` when set: a
//! test-only override so the rules above can be checked without touching the shared,
//! read-only folder (point it at an empty or missing directory).

use std::path::PathBuf;

/// The price history most tests replay.
pub const EU_WEST_3A: &str =
    "spot-price-history/eu-west-3a_2020-02-29_to_2020-07-31_ec2-all-prices.csv";
/// The us-east-1 on-demand list (1,345 types).
pub const ONDEMAND_US_EAST_1: &str = "pricing/ec2_ondemand_us_east_1.csv";
/// The folder of the 2023 V100 probe traces.
pub const V100_DIR: &str = "availability/aws-v100-2023-02-15";
/// The aligned per-probe prices of the V100 traces.
pub const V100_PRICES: &str = "availability/aws-v100-2023-02-15/v100_spot_prices.json";
/// The mid-2025 Spot Advisor table, us-east-1 Linux.
pub const SPOT_ADVISOR_CSV: &str = "pricing/spot_advisor_us_east_1_linux.csv";
/// The 2025 Spot Advisor feed.
pub const ADVISOR_2025: &str = "spot-advisor/spot-advisor-data_2025-06-28.json";
/// The 2021 Spot Advisor feed.
pub const ADVISOR_2021: &str = "spot-advisor/spot-advisor-data_2021-02-10.json";
/// The AWS CLI JSON sample of m5.large prices.
pub const CLI_JSON_SAMPLE: &str =
    "spot-price-history/sample_describe_spot_price_history_m5_large.json";
/// The AZ-ID keyed archive (May 2022, partial).
pub const PAULEY_TSV: &str = "spot-price-history/ericpauley_prices_2022-05.tsv";
/// Every valid Fargate task size.
pub const FARGATE_TASK_SIZES: &str = "pricing/fargate_task_sizes.csv";
/// The 2022 us-west-2a V100 tick trace (G = 600 s).
pub const V100_US_WEST_2A_2022: &str =
    "availability/spot-traces/availability/1-node/aws-10-26-2022/us-west-2a_v100_1.json";

/// The README's V100 job on [`V100_US_WEST_2A_2022`] (a 48-hour job, 52-hour
/// deadline, 0.2 h restart overhead, p3.2xlarge prices), less `--trace` and `--policy`.
pub const V100_JOB_ARGS: [&str; 12] = [
    "--convention",
    "available",
    "--work-hours",
    "48",
    "--deadline-hours",
    "52",
    "--restart-overhead-hours",
    "0.2",
    "--ondemand-price",
    "3.06",
    "--spot-price",
    "0.9731",
];

/// The V100 probe CSV of `zone` (`availability/aws-v100-2023-02-15/<zone>_v100_1.csv`).
pub fn v100_csv(zone: &str) -> String {
    format!("{V100_DIR}/{zone}_v100_1.csv")
}

/// The data root: `SPOTSIM_SHARED_DATA`, else `<crate>/../shared/data`.
pub fn root() -> PathBuf {
    match std::env::var_os("SPOTSIM_SHARED_DATA") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")),
    }
}

/// Whether a missing data folder must fail the test: `CI=true` or
/// `SPOTSIM_REQUIRE_DATA=1` (`true` and `1` accepted for both).
pub fn required() -> bool {
    let on = |k: &str| {
        std::env::var(k)
            .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true"))
            .unwrap_or(false)
    };
    on("CI") || on("SPOTSIM_REQUIRE_DATA")
}

/// The data root when the test can run, after checking that every path in `needs`
/// (files or folders, relative to the root) exists; `None` — after printing
/// `skipped: ../shared/data not found` — only when the root folder is absent and data
/// is not [`required`]. Panics, naming the missing paths, in every other case.
pub fn require<S: AsRef<str>>(needs: &[S]) -> Option<PathBuf> {
    let needs: Vec<&str> = needs.iter().map(AsRef::as_ref).collect();
    check(&root(), &needs, required())
}

/// [`require`] with the root and the requirement given (for the helper's own tests).
fn check(root: &std::path::Path, needs: &[&str], required: bool) -> Option<PathBuf> {
    if !root.is_dir() {
        if required {
            panic!(
                "../shared/data not found at {} (CI=true or SPOTSIM_REQUIRE_DATA=1: real-data tests may not skip); missing: {}",
                root.display(),
                if needs.is_empty() {
                    "the whole folder".to_string()
                } else {
                    needs.join(", ")
                }
            );
        }
        println!("skipped: ../shared/data not found");
        return None;
    }
    let missing: Vec<&str> = needs
        .iter()
        .copied()
        .filter(|rel| !root.join(rel).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "{} exists but lacks: {}",
        root.display(),
        missing.join(", ")
    );
    Some(root.to_path_buf())
}

#[test]
fn an_absent_folder_skips_unless_required() {
    let tmp = std::env::temp_dir().join(format!("spotsim-data-{}", std::process::id()));
    let absent = tmp.join("absent");
    assert_eq!(check(&absent, &[EU_WEST_3A], false), None);
    let e = std::panic::catch_unwind(|| check(&absent, &[EU_WEST_3A, V100_PRICES], true))
        .expect_err("a required, absent folder fails");
    let msg = e.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains(EU_WEST_3A) && msg.contains(V100_PRICES),
        "{msg}"
    );
}

#[test]
fn a_missing_file_fails_even_when_not_required() {
    let tmp = std::env::temp_dir().join(format!("spotsim-data-{}", std::process::id()));
    let present = tmp.join("present");
    std::fs::create_dir_all(present.join("pricing")).unwrap();
    std::fs::write(present.join(FARGATE_TASK_SIZES), "x").unwrap();
    assert_eq!(
        check(&present, &[FARGATE_TASK_SIZES], false),
        Some(present.clone())
    );
    for required in [false, true] {
        let e = std::panic::catch_unwind(|| {
            check(
                &present,
                &[FARGATE_TASK_SIZES, ONDEMAND_US_EAST_1],
                required,
            )
        })
        .expect_err("a missing file is never a skip");
        let msg = e.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains(ONDEMAND_US_EAST_1) && !msg.contains(FARGATE_TASK_SIZES),
            "{msg}"
        );
    }
}
