//! Options declared once: the shared groups give run, compare and job the same keys
//! in files and flags; unknown keys are errors naming the key; job takes scenario files
//! with the same overlay rules.

use super::cli::{run, scratch};
use spotsim::compare::CompareScenario;
use spotsim::job::JobScenario;
use spotsim::scenario::Scenario;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every key `run` and `compare` files took before the options were shared.
const RUN_KEYS_BEFORE: &[&str] = &[
    "prices",
    "probe-prices",
    "capacity",
    "capacity-instance-type",
    "catalog",
    "catalog-region",
    "instance-types",
    "azs",
    "product",
    "strategy",
    "pools",
    "pool-scope",
    "price-replacement",
    "az-balance",
    "capacity-tier",
    "target",
    "target-unit",
    "weights",
    "ondemand-base",
    "ondemand-above-base-pct",
    "ondemand-allocation",
    "max-price",
    "advisor",
    "region",
    "interruption-rate",
    "rebalance-lead",
    "rebalance-lead-dist",
    "rebalance-false-rate",
    "capacity-rebalance",
    "termination-delay",
    "start",
    "end",
    "launch-latency",
    "seed",
    "victims",
    "replace-on",
    "output",
    "out",
];
const COMPARE_KEYS_BEFORE: &[&str] = &[
    "tasks",
    "task-vcpu",
    "task-memory-gib",
    "service",
    "hours",
    "region",
    "platform",
    "options",
    "fargate-spot-discount-pct",
    "fargate-spot-interruption-rate",
    "mix-base",
    "mix-weights",
    "task-start-latency",
    "placement",
    "ecs-reserved-memory-mib",
    "eks-support",
    "restart-overhead",
    "prices",
    "capacity",
    "catalog",
    "instance-types",
    "azs",
    "strategy",
    "advisor",
    "interruption-rate",
    "seed",
    "output",
    "out",
    "fail-if-cost-above",
    "fail-if-interruptions-above",
];

#[test]
fn scenario_files_keep_their_keys_and_keys_are_flags() {
    let run_keys = Scenario::keys();
    let compare_keys = CompareScenario::keys();
    let job_keys = JobScenario::keys();
    for k in RUN_KEYS_BEFORE {
        assert!(run_keys.contains(k), "run lost `{k}`");
    }
    for k in COMPARE_KEYS_BEFORE {
        assert!(compare_keys.contains(k), "compare lost `{k}`");
    }
    for (cmd, keys) in [
        ("run", &run_keys),
        ("compare", &compare_keys),
        ("job", &job_keys),
    ] {
        let mut seen: Vec<&str> = Vec::new();
        for k in keys.iter() {
            assert!(!seen.contains(k), "{cmd}: `{k}` in two groups");
            seen.push(k);
        }
        // Each key is the flag of the same name (compare's [[service]] is file-only).
        let help = String::from_utf8(run(&[cmd, "--help"]).stdout).unwrap();
        for k in keys.iter().filter(|k| **k != "service") {
            assert!(
                help.contains(&format!("--{k} ")) || help.contains(&format!("--{k}\n")),
                "{cmd}: no flag --{k}"
            );
        }
    }
    // The shared options are the same definitions: the same help line everywhere.
    let line = |cmd: &str, flag: &str| -> String {
        let help = String::from_utf8(run(&[cmd, "--help"]).stdout).unwrap();
        let l = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or("")
            .to_string();
        l.split_once(flag)
            .map(|(_, r)| r.trim().to_string())
            .unwrap_or_default()
    };
    for flag in [
        "--seed",
        "--output",
        "--fail-if-cost-above",
        "--fail-if-savings-below",
    ] {
        let r = line("run", flag);
        assert!(!r.is_empty(), "{flag}");
        assert_eq!(r, line("compare", flag), "{flag}");
        assert_eq!(r, line("job", flag), "{flag}");
    }
    assert_eq!(line("run", "--prices"), line("compare", "--prices"));
}

#[test]
fn an_unknown_key_is_an_error_naming_it_in_every_command_and_format() {
    let d = scratch("unknown-keys");
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "run",
            "r.toml",
            "target = 3\nsed = 4\n",
            "`sed`: line 2, column 1: unknown key (did you mean `seed`?)",
        ),
        (
            "run",
            "r.json",
            "{\n  \"target\": 3,\n  \"tagret\": 4\n}\n",
            "`tagret`: line 3, column 3: unknown key (did you mean `target`?)",
        ),
        (
            "compare",
            "c.toml",
            "tasks = 2\ntask-vcpus = 1\n",
            "`task-vcpus`: line 2, column 1: unknown key (did you mean `task-vcpu`?)",
        ),
        (
            "compare",
            "c2.toml",
            "tasks = 2\n[[services]]\nname = \"a\"\n",
            "`services`: line 2, column 1: unknown key (did you mean `service`?)",
        ),
        (
            "job",
            "j.toml",
            "policy = \"greedy\"\nwork_hours = 3\n",
            "`work_hours`: line 2, column 1: unknown key (did you mean `work-hours`?)",
        ),
    ];
    for (cmd, name, text, want) in cases {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        let o = run(&[cmd, p.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd} {name}: {err}");
        assert!(
            err.contains(name) && err.contains(want),
            "{cmd} {name}: wanted {want:?} in {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // A bad value keeps its line and column.
    let p = d.join("v.toml");
    std::fs::write(&p, "target = 3\nseed = \"four\"\n").unwrap();
    let err = stderr(&run(&["run", p.to_str().unwrap()]));
    assert!(
        err.contains("v.toml") && err.contains("line 2, column 8"),
        "{err}"
    );
    // And from a table (a sweep's cell): the key is named.
    let t: toml::Table = toml::from_str("tagret = 3").unwrap();
    let e = Scenario::from_table(&t).unwrap_err();
    assert_eq!(e.option, "tagret");
    let t: toml::Table = toml::from_str("target = \"x\"").unwrap();
    assert!(
        Scenario::from_table(&t)
            .unwrap_err()
            .to_string()
            .contains("target")
    );
}

#[test]
fn scenarios_read_back_from_their_own_tables() {
    let s = Scenario::from_toml_str(
        "prices = [\"p.csv\"]\nstrategy = [\"diversified\", { name = \"lowest-price\", pools = 2 }]\ntarget = 4\nseed = 9\noutput = \"json\"\nfail-if-cost-above = 10.5\nquiet = true\n",
        "s.toml",
    )
    .unwrap();
    let t = match toml::Value::try_from(&s).unwrap() {
        toml::Value::Table(t) => t,
        _ => unreachable!(),
    };
    assert_eq!(Scenario::from_table(&t).unwrap(), s);
    assert!(s.output.quiet);
    assert_eq!(s.gates.fail_if_cost_above, Some(10.5));
    // Deserialize goes through the same checks.
    let e = serde_json::from_str::<Scenario>("{\"targte\": 1}").unwrap_err();
    assert!(e.to_string().contains("targte"), "{e}");
}

#[test]
fn compare_takes_the_shared_strategy_options_and_one_strategy() {
    let base = [
        "compare",
        "--tasks",
        "2",
        "--task-vcpu",
        "0.5",
        "--task-memory-gib",
        "1",
        "--hours",
        "24",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(&a)
    };
    let o = with(&["--strategy", "lowest-price,capacity-optimized"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("one EC2 spot strategy"),
        "{}",
        stderr(&o)
    );
    let o = with(&[
        "--strategy",
        "lowest-price",
        "--pools",
        "1",
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["provenance"]["ec2_strategy"],
        "lowest-price pools=1 pool-scope=fleet"
    );
    // An option for a strategy that does not run is an error, as in `run`.
    let o = with(&["--capacity-tier", "0.3", "--strategy", "diversified"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("capacity-tier"));
}

#[test]
fn job_takes_scenario_files_with_the_overlay_rules() {
    let d = scratch("job-file");
    let sub = d.join("traces");
    std::fs::create_dir_all(&sub).unwrap();
    super::reports::tick_trace(&sub);
    let f = d.join("job.toml");
    std::fs::write(
        &f,
        "trace = [\"traces/us-test-1a_trace.json\"]\nconvention = \"available\"\npolicy = \"on-demand\"\nwork-hours = 4\ndeadline-hours = 8\nrestart-overhead-hours = 0.5\nondemand-price = \"3\"\nspot-price = \"1\"\nmode = \"tick\"\noutput = \"json\"\n",
    )
    .unwrap();
    // Paths relative to the file, wherever the command runs from.
    let o = run(&["job", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // On-demand only: 4 h of work + 0.5 h overhead at $3/h, whole 1-hour ticks → 5 h.
    assert_eq!(
        v["policies"][0]["total_cost_usd"]
            .as_f64()
            .or(v["total_cost_usd"].as_f64()),
        Some(15.0)
    );
    // Flags override the file.
    let o = run(&[
        "job",
        f.to_str().unwrap(),
        "--policy",
        "greedy",
        "--output",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(csv.starts_with("policy,start_hours,"), "{csv}");
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with("greedy,")),
        "{csv}"
    );
    // JSON files too.
    let j = d.join("job.json");
    std::fs::write(
        &j,
        "{\"trace\": [\"traces/us-test-1a_trace.json\"], \"convention\": \"available\", \"policy\": \"on-demand\", \"work-hours\": 4, \"deadline-hours\": 8, \"restart-overhead-hours\": 0.5, \"ondemand-price\": \"3\", \"spot-price\": \"1\", \"mode\": \"tick\", \"output\": \"json\"}",
    )
    .unwrap();
    let o2 = run(&["job", j.to_str().unwrap()]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    assert_eq!(o2.stdout, run(&["job", f.to_str().unwrap()]).stdout);
}
