//! Every telemetry file (`--metrics`, `--events`, `--perfetto`, `--service-map`) goes
//! through the one safe writer of `--out` (`spotsim::output::Destination`): a
//! directory, an input, the report or another telemetry file is refused before
//! anything runs, with one line naming the option, and nothing is written.

use std::path::Path;

use crate::cli::{bin, scratch};

/// Runs spotsim in `dir`; returns (exit code, stderr).
fn spotsim(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = bin().current_dir(dir).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_telemetry_path_that_is_a_directory_is_refused() {
    let d = scratch("telemetry-file-dir");
    std::fs::create_dir(d.join("sub")).unwrap();
    for opt in ["--metrics", "--events", "--perfetto", "--service-map"] {
        let (code, err) = spotsim(
            &d,
            &[
                "run",
                "--quiet",
                "--out",
                "r.json",
                opt,
                "sub",
                "--metrics-period",
                "3600",
            ],
        );
        assert_eq!(code, 1, "{opt}: {err}");
        assert!(
            err.contains("is a directory")
                && err.contains(&format!("{opt} writes regular files only")),
            "{opt}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        // Nothing written: no report, no temporary file, the directory left alone.
        assert_eq!(names(&d), ["sub"], "{opt}");
        assert!(names(&d.join("sub")).is_empty());
    }
}

#[test]
fn a_telemetry_path_that_is_an_input_the_report_or_another_output_is_refused() {
    let d = scratch("telemetry-file-input");
    let scenario = "hours = 2\noptions = [\"fargate\"]\n[[service]]\nname = \"web\"\ntask-vcpu-millis = 500\ntask-memory-mib = 1024\ndesired = { shape = \"constant\", tasks = 2 }\n";
    std::fs::write(d.join("s.toml"), scenario).unwrap();
    let cases: [(&[&str], &str); 5] = [
        // The scenario file, as given and spelled differently.
        (&["--events", "s.toml"], "is also an input"),
        (&["--metrics", "./s.toml"], "is also an input"),
        // The report.
        (&["--perfetto", "r.json"], "is also an input or the report"),
        // Two telemetry files on one path.
        (
            &["--metrics", "m.csv", "--events", "m.csv"],
            "is also --events",
        ),
        // Standard output is the report's.
        (&["--service-map", "-"], "standard output"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["compare", "s.toml", "--quiet", "--out", "r.json"];
        args.extend_from_slice(extra);
        let (code, err) = spotsim(&d, &args);
        assert_eq!(code, 1, "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(std::fs::read_to_string(d.join("s.toml")).unwrap(), scenario);
        assert_eq!(names(&d), ["s.toml"], "{extra:?}");
    }
    // The same files on their own paths are written, and nothing else is left.
    let (code, err) = spotsim(
        &d,
        &[
            "compare",
            "s.toml",
            "--quiet",
            "--out",
            "r.json",
            "--metrics",
            "m.om",
            "--events",
            "e.jsonl",
            "--perfetto",
            "t.json",
            "--service-map",
            "map.dot",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        names(&d),
        ["e.jsonl", "m.om", "map.dot", "r.json", "s.toml", "t.json"]
    );
}
