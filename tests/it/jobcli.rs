//! `spotsim job`: tick and event modes through the CLI, windows, bad input.

use super::cli::run as cli;
use super::data;

const TRACE: &str = data::V100_US_WEST_2A_2022;

fn job(extra: &[&str]) -> Option<std::process::Output> {
    let d = data::require(&[TRACE])?;
    let t = d.join(TRACE);
    let mut a = vec!["job", "--trace", t.to_str()?];
    a.extend(data::V100_JOB_ARGS);
    a.extend(extra);
    Some(cli(&a))
}

#[test]
fn json_has_the_issue_fields_in_both_modes() {
    for mode in ["tick", "event"] {
        let Some(o) = job(&[
            "--policy",
            "uniform-progress",
            "--mode",
            mode,
            "--output",
            "json",
        ]) else {
            return;
        };
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let top: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(top["schema_version"], 2);
        assert_eq!(top["policies"].as_array().unwrap().len(), 1);
        let v = &top["policies"][0];
        assert_eq!(v["policy"], "uniform-progress");
        for k in [
            "total_cost_usd",
            "deadline_met",
            "finish_hours",
            "spot_hours",
            "ondemand_hours",
            "idle_hours",
            "preemptions",
            "restarts",
            "migrations",
            "ondemand_only_cost_usd",
            "savings_pct",
        ] {
            assert!(v.get(k).is_some(), "{mode}: missing {k}");
        }
        assert!(top.get("provenance").is_some());
        assert_eq!(top["mode"], mode);
        assert_eq!(v["deadline_met"], true);
        assert_eq!(top["provenance"]["gap_seconds"], 600);
        // The baseline is the on-demand policy's own cost in the same mode (issue 8):
        // W = 48 h plus one 0.2 h overhead at $3.06 — in tick mode whole ticks of 600 s,
        // ⌈173,520 / 600⌉ = 290 ticks = 48⅓ h ($147.90); in event mode 48.2 h.
        let hours = if mode == "tick" { 290.0 / 6.0 } else { 48.2 };
        assert!((v["ondemand_only_cost_usd"].as_f64().unwrap() - hours * 3.06).abs() < 1e-6);
    }
}

#[test]
fn windows_are_reproducible_and_on_demand_never_misses() {
    let Some(a) = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "5",
        "--output",
        "json",
        "--mode",
        "tick",
    ]) else {
        return;
    };
    let b = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "5",
        "--output",
        "json",
        "--mode",
        "tick",
    ])
    .unwrap();
    assert_eq!(a.stdout, b.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let v = &doc["policies"][0];
    assert_eq!(v["stats"]["windows"], 20);
    assert_eq!(v["stats"]["deadline_met_fraction"], 1.0);
    // (Each window's line goes to --per-window FILE, not to the report: issue 14.)
    assert!(v.get("windows").is_none());
    let c = job(&[
        "--policy",
        "on-demand",
        "--windows",
        "20",
        "--seed",
        "6",
        "--output",
        "json",
        "--mode",
        "tick",
    ])
    .unwrap();
    assert_ne!(a.stdout, c.stdout, "another seed, other windows");
    // Event mode: on-demand with no launch latency costs exactly (W + d) × price.
    let e = job(&[
        "--policy",
        "on-demand",
        "--mode",
        "event",
        "--launch-latency",
        "0",
        "--output",
        "json",
    ])
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&e.stdout).unwrap();
    let v = &doc["policies"][0];
    assert_eq!(v["total_cost_usd"], v["ondemand_only_cost_usd"]);
}

#[test]
fn bad_job_input_exits_1_with_a_reason() {
    let Some(d) = data::require(&[TRACE]) else {
        return;
    };
    let t = d.join(TRACE);
    let t = t.to_str().unwrap();
    let base = [
        "job",
        "--trace",
        t,
        "--work-hours",
        "10",
        "--ondemand-price",
        "3.06",
        "--spot-price",
        "0.97",
    ];
    let ok = [
        "--policy",
        "greedy",
        "--deadline-hours",
        "20",
        "--restart-overhead-hours",
        "0.1",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Vec::new();
        for pair in ok.chunks(2) {
            if !extra.contains(&pair[0])
                && !extra
                    .iter()
                    .any(|e| e.starts_with(&format!("{}=", pair[0])))
            {
                v.extend_from_slice(pair);
            }
        }
        v.extend_from_slice(extra);
        v
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (with(&[]), "convention"),
        (with(&["--convention", "sideways"]), "sideways"),
        (
            with(&["--convention", "available", "--policy", "yolo"]),
            "yolo",
        ),
        (
            with(&["--convention", "available", "--deadline-hours", "5"]),
            "shorter than the work",
        ),
        (
            with(&["--convention", "available", "--restart-overhead-hours=-1"]),
            "overhead",
        ),
        (
            with(&["--convention", "available", "--start-hours", "640"]),
            "start",
        ),
        (
            with(&["--convention", "available", "--mode", "quantum"]),
            "quantum",
        ),
    ];
    for (extra, want) in cases {
        let mut a = base.to_vec();
        a.extend(extra.iter());
        let o = cli(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: wanted {want:?} in {err}");
    }
    // Prices missing where needed: the 2022 file has no prices.
    let o = cli(&[
        "job",
        "--trace",
        t,
        "--convention",
        "available",
        "--policy",
        "greedy",
        "--work-hours",
        "10",
        "--deadline-hours",
        "20",
        "--restart-overhead-hours",
        "0.1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("price"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `--policy a,b` runs both policies on the same windows: each policy's windows are the
/// windows of a run of that policy alone, in the same order.
#[test]
fn several_policies_run_on_the_same_windows() {
    let d = super::cli::scratch("job-same-windows");
    let lines = |p: &str| d.join(format!("{p}.jsonl"));
    let run = |p: &str| {
        let pw = lines(p);
        job(&[
            "--policy",
            p,
            "--windows",
            "12",
            "--seed",
            "3",
            "--output",
            "json",
            "--mode",
            "tick",
            "--per-window",
            pw.to_str()?,
        ])
    };
    let Some(both) = run("greedy,uniform-progress") else {
        return;
    };
    assert!(
        both.status.success(),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let both: serde_json::Value = serde_json::from_slice(&both.stdout).unwrap();
    let ps = both["policies"].as_array().unwrap();
    assert_eq!(
        (ps[0]["policy"].as_str(), ps[1]["policy"].as_str()),
        (Some("greedy"), Some("uniform-progress"))
    );
    for (i, name) in ["greedy", "uniform-progress"].into_iter().enumerate() {
        let alone: serde_json::Value = serde_json::from_slice(&run(name).unwrap().stdout).unwrap();
        assert_eq!(alone["policies"][0], ps[i], "{name}");
    }
    // Each window's line (--per-window): the same starts for both policies, and the
    // lines of each policy alone are the lines of the run of both.
    let read = |p: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(lines(p))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = read("greedy,uniform-progress");
    assert_eq!(all.len(), 24);
    let (g, u) = all.split_at(12);
    assert_eq!(g, read("greedy").as_slice());
    assert_eq!(u, read("uniform-progress").as_slice());
    let starts = |w: &[serde_json::Value]| -> Vec<f64> {
        w.iter()
            .map(|w| w["start_hours"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(starts(g), starts(u));
    // A policy named twice, an unknown one, and a SkyNomad policy in event mode are errors.
    for (p, mode, want) in [
        ("greedy,greedy", "tick", "twice"),
        ("greedy,nope", "tick", "nope"),
        ("up-s", "event", "tick mode only"),
    ] {
        let o = job(&["--policy", p, "--mode", mode]).unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{p}: {err}");
    }
}

/// The issue's acceptance command on the 2023 V100 traces (per-tick prices from
/// `v100_spot_prices.json`): one result per policy with the cost split, the migrations
/// and whether the deadline was met; the costs equal the library's (tests/it/job_multi.rs
/// checks those against the reference).
#[test]
fn the_multi_region_command_reports_every_policy() {
    let Some(d) = data::require(&[
        "availability/spot-traces/availability/1-node/aws-02-15-2023",
        data::V100_PRICES,
    ]) else {
        return;
    };
    let dir = d.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let trace = |z: &str| dir.join(format!("{z}_v100_1.json")).display().to_string();
    let (a, b, c) = (
        trace("us-east-1c"),
        trace("us-east-2b"),
        trace("us-west-2a"),
    );
    let prices = d
        .join("availability/aws-v100-2023-02-15/v100_spot_prices.json")
        .display()
        .to_string();
    let o = cli(&[
        "job",
        "--trace",
        &a,
        "--trace",
        &b,
        "--trace",
        &c,
        "--probe-prices",
        &prices,
        "--convention",
        "available",
        "--policy",
        "up-s,up-a,up-ap,optimal,skynomad",
        "--work-hours",
        "39.93888888888889",
        "--deadline-hours",
        "59.90833333333333",
        "--restart-overhead-hours",
        "0.2",
        "--checkpoint-gb",
        "50",
        "--ondemand-price",
        "3.06",
        "--mode",
        "tick",
        "--start-hours",
        "179.725",
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ps = v["policies"].as_array().unwrap();
    let names: Vec<&str> = ps.iter().map(|p| p["policy"].as_str().unwrap()).collect();
    assert_eq!(names, ["up-s", "up-a", "up-ap", "optimal", "skynomad"]);
    for p in ps {
        for k in [
            "total_cost_usd",
            "compute_cost_usd",
            "probe_cost_usd",
            "egress_cost_usd",
            "migrations",
            "deadline_met",
        ] {
            assert!(p.get(k).is_some(), "{}: missing {k}", p["policy"]);
        }
        let split = p["compute_cost_usd"].as_f64().unwrap()
            + p["probe_cost_usd"].as_f64().unwrap()
            + p["egress_cost_usd"].as_f64().unwrap();
        assert!((split - p["total_cost_usd"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(p["deadline_met"], true);
    }
    // up-s on window 3 of the SkyNomad artifact's V100 sweep, transfer time counted:
    // $44.57919 (tests/it/job_multi.rs: the reference's number for that window).
    assert_eq!(ps[0]["total_cost_usd"], 44.57919);
    let assumptions: Vec<&str> = v["provenance"]["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let assumptions = assumptions.join("\n");
    for k in [
        "multi-region model",
        "safety net",
        "up-a:",
        "skynomad:",
        "\"voi_delta_base\":0.5",
    ] {
        assert!(assumptions.contains(k), "{k} not in {assumptions}");
    }
}

/// Two regions on synthetic 1-hour traces: us-east-1a has spot in hour 0 only,
/// us-west-2a always. multi-zone-spot runs hour 0 in us-east-1a, is preempted and
/// migrates to us-west-2a for hour 1: W = 2 h done at 2 h. By hand, with spot $1,
/// on-demand $3, d = 0, a 1 GB checkpoint, the transfer overlapped and an egress table
/// pricing us-east-1 → us-west-2 at $0.50/GB: compute 2 × $1 = $2.00, egress 1 GB ×
/// $0.50 = $0.50, total $2.50, one migration; on-demand only (W + d) × $3 = $6.00. The
/// table has no us-west-2 → us-east-1 row: a warning names the pair.
fn two_regions(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let w = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let a = w(
        "us-east-1a_t.json",
        r#"{"metadata":{"gap_seconds":3600},"data":[1,0,0,0,0,0]}"#,
    );
    let b = w(
        "us-west-2a_t.json",
        r#"{"metadata":{"gap_seconds":3600},"data":[1,1,1,1,1,1]}"#,
    );
    let e = w(
        "egress.csv",
        "from_region,to_region,price_usd_per_gb\nus-east-1,us-west-2,0.5\n",
    );
    let mut args = vec![
        "job",
        "--trace",
        &a,
        "--trace",
        &b,
        "--convention",
        "available",
        "--work-hours",
        "2",
        "--deadline-hours",
        "6",
        "--restart-overhead-hours",
        "0",
        "--spot-price",
        "1",
        "--ondemand-price",
        "3",
        "--mode",
        "tick",
        "--checkpoint-gb",
        "1",
        "--overlap-transfer",
        "--egress",
        &e,
    ];
    args.extend(extra);
    cli(&args)
}

#[test]
fn the_cost_split_is_in_every_format_with_the_egress_warning() {
    let d = super::cli::scratch("job-two-regions");
    let run = |extra: &[&str]| {
        let o = two_regions(&d, extra);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    };
    let o = run(&["--policy", "multi-zone-spot,on-demand", "--output", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mz = &v["policies"][0];
    assert_eq!(mz["policy"], "multi-zone-spot");
    for (k, want) in [
        ("total_cost_usd", 2.5),
        ("compute_cost_usd", 2.0),
        ("probe_cost_usd", 0.0),
        ("egress_cost_usd", 0.5),
        ("ondemand_only_cost_usd", 6.0),
        ("finish_hours", 2.0),
    ] {
        assert_eq!(mz[k].as_f64(), Some(want), "{k}");
    }
    assert_eq!(
        (mz["migrations"].as_u64(), mz["probes"].as_u64()),
        (Some(1), Some(0))
    );
    // The warning: in the JSON, on stderr, once.
    assert_eq!(v["warnings"][0]["code"], "egress_pairs_defaulted");
    let msg = v["warnings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("us-west-2 → us-east-1"), "{msg}");
    assert!(!msg.contains("us-east-1 → us-west-2"), "{msg}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("warning[egress_pairs_defaulted]").count(),
        1,
        "{err}"
    );
    // The egress file is an input with its hash.
    let inputs = v["provenance"]["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["path"].as_str().unwrap().ends_with("egress.csv"))
    );

    // Table and Markdown: the split where there is one (multi-zone-spot), not for
    // on-demand, which never left us-east-1a.
    let table = String::from_utf8(run(&["--policy", "multi-zone-spot,on-demand"]).stdout).unwrap();
    let split = table
        .lines()
        .filter(|l| l.trim_start().starts_with("compute cost"))
        .collect::<Vec<_>>();
    assert_eq!(split.len(), 1, "{table}");
    assert!(
        split[0].contains("$2.00") && split[0].contains("egress $0.50"),
        "{table}"
    );
    assert!(table.contains("policy on-demand") && table.contains("migrations 1"));
    let md = String::from_utf8(
        run(&[
            "--policy",
            "multi-zone-spot,on-demand",
            "--output",
            "markdown",
        ])
        .stdout,
    )
    .unwrap();
    assert!(md.contains("#### multi-zone-spot") && md.contains("#### on-demand"));
    assert!(
        md.contains("| compute cost | $2.00 | probes $0.00 (0 billed), egress $0.50 |"),
        "{md}"
    );
    assert!(md.contains("egress_pairs_defaulted"));

    // CSV: one row per policy, the split in its columns.
    let csv_out = run(&["--policy", "multi-zone-spot,on-demand", "--output", "csv"]).stdout;
    let mut rdr = csv::Reader::from_reader(csv_out.as_slice());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][col("policy")], "multi-zone-spot");
    assert_eq!(&rows[0][col("compute_cost_usd")], "2.000000");
    assert_eq!(&rows[0][col("egress_cost_usd")], "0.500000");
    assert_eq!(&rows[0][col("probe_cost_usd")], "0.000000");
    assert_eq!(&rows[0][col("probes")], "0");
    assert_eq!(&rows[0][col("migrations")], "1");
    assert_eq!(&rows[0][col("warnings")], "egress_pairs_defaulted");
    assert_eq!(&rows[1][col("policy")], "on-demand");
    assert_eq!(&rows[1][col("total_cost_usd")], "6.000000");

    // With --windows: the means of the split per policy.
    let w = String::from_utf8(
        run(&[
            "--policy",
            "multi-zone-spot",
            "--windows",
            "1",
            "--seed",
            "2",
        ])
        .stdout,
    )
    .unwrap();
    assert!(w.contains("mean compute"), "{w}");

    // Gates apply per policy: on-demand's $6.00 breaches a $3 cap, multi-zone-spot's
    // $2.50 does not; the report is still written.
    let o = two_regions(
        &d,
        &[
            "--policy",
            "multi-zone-spot,on-demand",
            "--fail-if-cost-above",
            "3",
            "--output",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let breaches: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("threshold breached"))
        .collect();
    assert_eq!(breaches.len(), 1, "{err}");
    assert!(breaches[0].contains("on-demand"), "{err}");
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
}

/// Scenario files take `policy` as a list or a comma-separated string and the SkyNomad
/// family's tunables as keys; the flag's list replaces the file's.
#[test]
fn scenario_files_take_a_list_of_policies_and_the_tunables() {
    let d = super::cli::scratch("job-policy-list");
    let t = super::reports::tick_trace(&d);
    let common = format!(
        "trace = [{:?}]\nconvention = \"available\"\nwork-hours = 4\ndeadline-hours = 8\nrestart-overhead-hours = 0.5\nondemand-price = \"3\"\nspot-price = \"1\"\nmode = \"tick\"\noutput = \"json\"\n",
        t.display().to_string()
    );
    let names = |o: &std::process::Output| -> Vec<String> {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["policy"].as_str().unwrap().to_string())
            .collect()
    };
    let list = d.join("list.toml");
    std::fs::write(
        &list,
        format!("{common}policy = [\"greedy\", \"up-a\"]\nprobe-window = 3\n"),
    )
    .unwrap();
    let list = list.to_str().unwrap();
    let o = cli(&["job", list]);
    assert_eq!(names(&o), ["greedy", "up-a"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let assumptions = v["provenance"]["assumptions"].to_string();
    assert!(
        assumptions.contains(r#"up-a: {\"window\":3"#),
        "{assumptions}"
    );
    let s = d.join("string.toml");
    std::fs::write(&s, format!("{common}policy = \"uniform-progress,up-s\"\n")).unwrap();
    assert_eq!(
        names(&cli(&["job", s.to_str().unwrap()])),
        ["uniform-progress", "up-s"]
    );
    // The flag replaces the file's list; the file's up-a tunable then applies to no
    // policy that runs: an error naming it.
    let o = cli(&["job", list, "--policy", "on-demand"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("probe-window") && err.contains("applies to up-a"),
        "{err}"
    );
    let o = cli(&["job", list, "--policy", "on-demand,up-a"]);
    assert_eq!(names(&o), ["on-demand", "up-a"]);
    // A misspelt policy in a file: "did you mean".
    let typo = d.join("typo.toml");
    std::fs::write(
        &typo,
        format!("{common}policy = [\"greedy\", \"skynomd\"]\n"),
    )
    .unwrap();
    let o = cli(&["job", typo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("did you mean `skynomad`?"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Issue 8: `job`'s baseline is the on-demand policy's own cost in the same mode. A
/// trace always available, ticks of 600 s; W = 1 h, D = 2 h, d = 0.05 h; on-demand
/// $3.06/h, spot $0.90/h. Tick mode bills whole ticks: W + d = 3,780 s is 6.3 ticks, so
/// 7 ticks (4,200 s) for the on-demand policy, $3.57 — the baseline; the closed form
/// (W + d) × $3.06 = $3.213 made the on-demand policy "save" −11.1 %. Spot-only pays the
/// same 7 ticks at $0.90: $1.05, saving 100 × (1 − 0.90 / 3.06) = 70.588235… %. Event
/// mode bills per second from running: the on-demand policy pays 1.05 h × $3.06 =
/// $3.213, its own baseline there; both save exactly 0 against themselves.
#[test]
fn the_baseline_is_the_ondemand_policys_own_cost_in_the_same_mode() {
    let d = super::cli::scratch("job-baseline");
    let trace = d.join("t.json");
    let data: Vec<u32> = vec![1; 100];
    std::fs::write(
        &trace,
        serde_json::json!({"metadata": {"gap_seconds": 600}, "data": data}).to_string(),
    )
    .unwrap();
    let trace = trace.display().to_string();
    let run = |mode: &str| -> serde_json::Value {
        let o = super::cli::run(&[
            "job",
            "--quiet",
            "--output",
            "json",
            "--trace",
            &trace,
            "--convention",
            "available",
            "--policy",
            "on-demand,spot-only",
            "--work-hours",
            "1",
            "--deadline-hours",
            "2",
            "--restart-overhead-hours",
            "0.05",
            "--ondemand-price",
            "3.06",
            "--spot-price",
            "0.9",
            "--mode",
            mode,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let v = run("tick");
    let (od, spot) = (&v["policies"][0], &v["policies"][1]);
    assert_eq!(od["ondemand_only_cost_usd"], 3.57);
    assert_eq!(od["total_cost_usd"], 3.57);
    assert_eq!(od["savings_pct"], 0.0);
    assert_eq!(spot["ondemand_only_cost_usd"], 3.57);
    assert_eq!(spot["total_cost_usd"], 1.05);
    assert!((spot["savings_pct"].as_f64().unwrap() - 100.0 * (1.0 - 0.9 / 3.06)).abs() < 1e-9);
    let v = run("event");
    let od = &v["policies"][0];
    assert_eq!(od["ondemand_only_cost_usd"], od["total_cost_usd"]);
    assert_eq!(od["total_cost_usd"], 3.213);
    assert_eq!(od["savings_pct"], 0.0);
    assert!(
        v["provenance"]["assumptions"]
            .to_string()
            .contains("on-demand baseline: the on-demand policy's own cost")
    );
}
