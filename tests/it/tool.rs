//! System tools some tests drive (`chromium`, `promtool`, `sbatch`, …), installed by
//! `.ci/run` with `apt-get` when missing (README: `sudo apt-get install -y chromium prometheus slurm-wlm munge`).
//!
//! * **Tool present**: [`require`] returns its path.
//! * **Tool absent** on a developer's machine: the test prints
//!   `skipped: <tool> not installed` and returns.
//! * **Tool absent with `CI=true`** (CI sets it): the test fails, naming the tool and the
//!   install command — in CI a missing tool is a failure, never a skip.

use std::path::{Path, PathBuf};

/// Where `tool` is: on `PATH`, or in `/usr/sbin` / `/sbin` (daemons such as `slurmctld`
/// live there and are not on a normal user's `PATH`).
pub fn find(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(tool))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Whether `CI=true` (or `1`): a missing tool must fail.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true"))
        .unwrap_or(false)
}

/// The tool's path when the test can run; `None` after printing
/// `skipped: <tool> not installed` when it is absent outside CI. Panics when it is
/// absent and [`in_ci`].
pub fn require(tool: &str) -> Option<PathBuf> {
    decide(tool, find(tool), in_ci())
}

fn decide(tool: &str, found: Option<PathBuf>, ci: bool) -> Option<PathBuf> {
    match found {
        Some(p) => Some(p),
        None if ci => panic!(
            "{tool} not installed (CI=true: a missing tool is a failure; sudo apt-get install -y chromium prometheus slurm-wlm munge)"
        ),
        None => {
            println!("skipped: {tool} not installed");
            None
        }
    }
}

#[test]
fn a_present_tool_is_found_and_a_missing_one_skips_outside_ci() {
    assert!(require("sh").is_some(), "sh is on every machine");
    let absent = "spotsim-no-such-tool-4711";
    assert!(find(absent).is_none());
    assert_eq!(decide(absent, None, false), None);
    let p = PathBuf::from("/bin/sh");
    assert_eq!(decide("sh", Some(p.clone()), true), Some(p));
}

#[test]
#[should_panic(expected = "not installed (CI=true")]
fn a_missing_tool_fails_in_ci() {
    decide("spotsim-no-such-tool-4711", None, true);
}
