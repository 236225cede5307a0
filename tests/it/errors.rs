//! Errors that help: one line, with "did you mean" for flags, values and names spotsim
//! parses itself.

use super::cli::{run, scratch};

fn err(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(o.status.code(), Some(1), "{args:?}");
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    e.trim_end().to_string()
}

#[test]
fn clap_suggestions_stay_on_the_one_error_line() {
    assert_eq!(
        err(&["run", "--stratgy", "lowest-price"]),
        "error: unknown option '--stratgy' (did you mean '--strategy'?)"
    );
    assert_eq!(
        err(&["run", "--output", "jsn"]),
        "error: invalid value 'jsn' for '--output <FORMAT>' (did you mean 'json'?; possible values: table, json, csv, markdown, html)"
    );
    assert!(err(&["run", "--strategy", "lowest-prise"]).contains("(did you mean 'lowest-price'?;"));
    assert!(err(&["job", "--policy", "greedyy"]).contains("(did you mean 'greedy'?;"));
    assert!(err(&["compare", "--options", "fargat"]).contains("(did you mean 'fargate'?;"));
    assert_eq!(
        err(&["comapre"]),
        "error: unrecognized subcommand 'comapre' (did you mean 'compare'?)"
    );
    // Nothing close: no suggestion, still one line.
    assert_eq!(
        err(&["run", "--zzzzzz"]),
        "error: unknown option '--zzzzzz'"
    );
}

#[test]
fn names_in_scenario_files_get_the_same_hint() {
    let d = scratch("hints");
    let cases: [(&str, &str, &str); 8] = [
        (
            "run",
            "strategy = \"lowest-prise\"\n",
            "did you mean `lowest-price`?",
        ),
        ("run", "output = \"jsn\"\n", "did you mean `json`?"),
        ("run", "target-unit = \"vcpus\"\n", "did you mean `vcpu`?"),
        (
            "run",
            "victims = \"oldest\"\n",
            "did you mean `oldest-first`?",
        ),
        (
            "compare",
            "tasks = 1\ntask-vcpu = 1\ntask-memory-gib = 2\noptions = [\"fargat\"]\n",
            "did you mean `fargate`?",
        ),
        (
            "compare",
            "tasks = 1\ntask-vcpu = 1\ntask-memory-gib = 2\nregion = \"us-east1\"\n",
            "did you mean `us-east-1`?",
        ),
        (
            "compare",
            "tasks = 1\ntask-vcpu = 1\ntask-memory-gib = 2\nplacement = \"spred\"\n",
            "did you mean `spread`?",
        ),
        (
            "job",
            "policy = \"greedyy\"\nconvention = \"available\"\n",
            "did you mean `greedy`?",
        ),
    ];
    for (i, (cmd, text, want)) in cases.iter().enumerate() {
        let p = d.join(format!("s{i}.toml"));
        std::fs::write(&p, text).unwrap();
        let mut args = vec![*cmd, p.to_str().unwrap()];
        if *cmd == "job" {
            // Enough for the policy to be read.
            let t = super::reports::tick_trace(&d);
            let t = t.to_str().unwrap().to_string();
            let o = run(&[
                "job",
                p.to_str().unwrap(),
                "--trace",
                &t,
                "--work-hours",
                "1",
                "--deadline-hours",
                "2",
                "--restart-overhead-hours",
                "0",
            ]);
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(e.contains(want), "{cmd} {text:?}: {e}");
            continue;
        }
        args.push("--quiet");
        let e = err(&args);
        assert!(e.contains(want), "{cmd} {text:?}: wanted {want:?} in {e}");
    }
}

#[test]
fn an_advisor_region_typo_is_suggested_from_the_file() {
    let Some(d) = super::replay::data() else {
        return;
    };
    let adv = d.join("spot-advisor/spot-advisor-data_2021-02-10.json");
    let e = err(&[
        "run",
        "--quiet",
        "--advisor",
        adv.to_str().unwrap(),
        "--region",
        "eu-west3",
    ]);
    assert!(e.contains("did you mean `eu-west-3`?"), "{e}");
}
