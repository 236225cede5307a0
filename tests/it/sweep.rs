//! `spotsim sweep` (issue 11): the file's checks, the cell order, rows and summary
//! against hand computations, identical bytes at 1, 2 and 8 threads, shards merged
//! back byte for byte (and the errors of a bad merge), and the eu-west-3a sweep.

use std::path::Path;

use spotsim::sweep::{
    RowFormat, Shard, Sweep, SweepKind, SweepRow, SweepSummary, merge_parts, metric_names,
    row::render_rows, shard::render_part,
};

use super::cli::{run, scratch};
use super::data::{self, EU_WEST_3A, V100_US_WEST_2A_2022};

/// A small sweep on the built-in synthetic market: one week, 2 strategies × 2 targets ×
/// 3 seeds = 12 cells, a hazard so the seed matters.
const SMALL: &str = "kind = \"run\"\nseeds = 3\n\n[base]\nend = \"2026-01-08T00:00:00Z\"\ninterruption-rate = 60\n\n[grid]\ntarget = [10, 20]\nstrategy = [\"lowest-price\", \"diversified\"]\n";

fn small() -> Sweep {
    Sweep::from_toml_str(SMALL, "small.toml", Path::new(".")).unwrap()
}

fn err(text: &str) -> String {
    match Sweep::from_toml_str(text, "s.toml", Path::new(".")) {
        Ok(_) => panic!("{text:?}: no error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_sweep_files_are_errors_naming_file_line_and_key() {
    for (text, want) in [
        (
            "kind = \"run\"\n[grid]\ntagret = [1]\n",
            "s.toml: option `grid.tagret`: line 3, column 1: unknown key (did you mean `target`?)",
        ),
        (
            "kind = \"run\"\n[base]\nstrategy = \"diversified\"\nlaunch-latancy = 3\n",
            "s.toml: option `base.launch-latancy`: line 4, column 1: unknown key (did you mean `launch-latency`?)",
        ),
        (
            "kind = \"run\"\n[grid]\nstrategy = [\"cheapest\"]\n",
            "option `grid.strategy`: line 3, column 1: value 1 (\"cheapest\"):",
        ),
        (
            "kind = \"run\"\n[grid]\ntarget = 5\n",
            "option `grid.target`: line 3, column 1: expected a list of values, found integer",
        ),
        (
            "kind = \"run\"\n[grid]\ntarget = [\"many\"]\n",
            "option `grid.target`: line 3, column 1: value 1 (\"many\")",
        ),
        (
            "kind = \"fleet\"\n",
            "option `kind`: line 1, column 1: unknown value `fleet`",
        ),
        (
            "seeds = 2\n",
            "option `kind`: required: one of run, compare, job",
        ),
        (
            "kind = \"run\"\nsed = 3\n",
            "option `sed`: line 2, column 1: unknown key (did you mean `seed`?)",
        ),
        (
            "kind = \"run\"\nseeds = 3\n[grid]\nseed = [1, 2]\n",
            "option `grid.seed`: the seeds are already given by `seeds`",
        ),
        (
            "kind = \"run\"\nseeds = 0\n",
            "option `seeds`: line 2, column 1: expected a number of seeds ≥ 1",
        ),
        (
            "kind = \"run\"\nseeds = 99999999999\n",
            "option `seeds`: line 2, column 1: expected a number of seeds ≥ 1 and ≤ 100000000",
        ),
        (
            "kind = \"run\"\nseeds = 1000000\n[grid]\ntarget = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\ncapacity-tier = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\nstrategy = [\"price-capacity-optimized\"]\n",
            "option `grid`: more than 100000000 cells",
        ),
        (
            "kind = \"run\"\n[base]\nout = \"x.json\"\n",
            "option `base.out`: line 3, column 1: not a cell's option",
        ),
        (
            "kind = \"run\"\npaired = \"target\"\n[grid]\nstrategy = [\"diversified\"]\n",
            "option `paired`: line 2, column 1: \"target\": must name a key of [grid]",
        ),
    ] {
        let e = err(text);
        assert!(e.contains(want), "{text:?}:\n got  {e}\n want {want}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    // What depends on several keys, and names, are checked cell by cell before anything
    // runs: the error names the cell. A strategy option under [grid] beside the strategy
    // it applies to is fine where the combination is.
    let s = Sweep::from_toml_str(
        "kind = \"job\"\n[grid]\npolicy = [\"greedy\", \"gredy\"]\n",
        "s.toml",
        Path::new("."),
    )
    .unwrap();
    let e = s.run(None, &|_, _| panic!("nothing runs")).unwrap_err();
    assert!(
        e.to_string()
            .contains("option `policy`: cell 1 (policy=gredy, seed=1):")
            && e.to_string().contains("greedy"),
        "{e}"
    );
    let s = Sweep::from_toml_str(
        "kind = \"run\"\n[grid]\ncapacity-tier = [0.2, 0.4]\nstrategy = [\"price-capacity-optimized\", \"lowest-price\"]\n",
        "s.toml",
        Path::new("."),
    )
    .unwrap();
    let e = s.run(None, &|_, _| panic!("nothing runs")).unwrap_err();
    assert!(
        e.to_string().contains(
            "option `capacity-tier`: cell 1 (capacity-tier=0.2, strategy=lowest-price, seed=1): applies to"
        ),
        "{e}"
    );
    // A cell that runs two strategies is an error naming the cell, before anything runs.
    let s = Sweep::from_toml_str(
        "kind = \"run\"\n[base]\nstrategy = [\"diversified\", \"lowest-price\"]\n",
        "s.toml",
        Path::new("."),
    )
    .unwrap();
    let e = s.run(None, &|_, _| panic!("nothing runs")).unwrap_err();
    assert!(
        e.to_string()
            .contains("option `strategy`: cell 0 (seed=1): a sweep cell runs one strategy"),
        "{e}"
    );
}

#[test]
fn cells_are_numbered_keys_sorted_seed_fastest() {
    let s = small();
    let d = s.definition();
    assert_eq!(d.cells(), 12);
    // The file lists target before strategy; cells sort the keys: strategy, target, seed.
    let keys: Vec<&str> = d.grid.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["strategy", "target"]);
    // Written out by hand: index = (strategy·2 + target)·3 + seed − 1.
    let mut i = 0;
    for strategy in ["lowest-price", "diversified"] {
        for target in [10, 20] {
            for seed in 1..=3u64 {
                let p = d.params(i);
                assert_eq!(
                    p,
                    vec![
                        ("strategy".to_string(), serde_json::json!(strategy)),
                        ("target".to_string(), serde_json::json!(target)),
                        ("seed".to_string(), serde_json::json!(seed)),
                    ],
                    "cell {i}"
                );
                i += 1;
            }
        }
    }
    // The same grid with the keys in the other order is the same definition.
    let swapped = SMALL.replace(
        "target = [10, 20]\nstrategy = [\"lowest-price\", \"diversified\"]\n",
        "strategy = [\"lowest-price\", \"diversified\"]\ntarget = [10, 20]\n",
    );
    assert_ne!(swapped, SMALL);
    let s2 = Sweep::from_toml_str(&swapped, "b.toml", Path::new("/elsewhere")).unwrap();
    assert_eq!(s2.sha256(), s.sha256());
    assert_eq!(s.sha256().len(), 64);
}

#[test]
fn rows_hold_the_cell_scenarios_report_and_the_summary_is_computed_as_by_hand() {
    let s = small();
    let res = s.run(None, &|_, _| {}).unwrap();
    assert_eq!(res.rows.len(), 12);
    // Each row is its own scenario's report: cell 7 (diversified, target 10, seed 2)
    // run on its own as `spotsim run` would.
    let own = spotsim::scenario::Scenario::from_toml_str(
        "end = \"2026-01-08T00:00:00Z\"\ninterruption-rate = 60\ntarget = 10\nstrategy = \"diversified\"\nseed = 2\n",
        "c.toml",
    )
    .unwrap()
    .run()
    .unwrap();
    let r7 = &res.rows[7];
    assert_eq!(r7.param("strategy").unwrap(), "diversified");
    assert_eq!(r7.metric("total_cost_usd"), Some(own[0].total_cost_usd));
    assert_eq!(
        r7.metric("interruptions"),
        Some(own[0].interruptions as f64)
    );
    assert_eq!(r7.metric("availability_pct"), Some(own[0].availability_pct));
    let names: Vec<&str> = r7.metrics.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, metric_names(SweepKind::Run));

    let sum = res.summary();
    assert_eq!(sum.groups.len(), 4);
    assert_eq!(sum.paired_by.as_deref(), Some("strategy"));
    // Group 3 = diversified, target 20: cells 9, 10, 11. By hand: mean, sd (n − 1), and
    // mean ± t·sd/√3 with t(0.975, 2) = 4.302653 (Student's t table).
    let g = &sum.groups[3];
    assert_eq!(g.params["strategy"], "diversified");
    assert_eq!(g.params["target"], 20);
    let xs: Vec<f64> = (9..12)
        .map(|i| res.rows[i].metric("total_cost_usd").unwrap())
        .collect();
    let mean = (xs[0] + xs[1] + xs[2]) / 3.0;
    let sd = (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 2.0).sqrt();
    let hw = 4.302653 * sd / 3f64.sqrt();
    let m = &g.metrics[0];
    assert_eq!((m.metric.as_str(), m.n), ("total_cost_usd", 3));
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 2e-6;
    assert!(close(m.mean, mean) && close(m.sd, sd), "{m:?} {mean} {sd}");
    assert!(
        close(m.ci95_low, mean - hw) && close(m.ci95_high, mean + hw),
        "{m:?}"
    );
    // Interruptions differ between seeds (the hazard draws them): a real spread.
    let ints: Vec<f64> = (0..3)
        .map(|i| res.rows[i].metric("interruptions").unwrap())
        .collect();
    assert!(ints.iter().any(|x| *x != ints[0]), "{ints:?}");

    // Paired: lowest-price − diversified at target 10, seed by seed (cells 0–2 and 6–8).
    let c = sum
        .comparisons
        .iter()
        .find(|c| c.params["target"] == 10 && c.metric == "total_cost_usd")
        .unwrap();
    assert_eq!(
        (c.a.as_str(), c.b.as_str()),
        (Some("lowest-price"), Some("diversified"))
    );
    assert!(!c.params.contains_key("strategy") && !c.params.contains_key("seed"));
    let d: Vec<f64> = (0..3)
        .map(|i| {
            res.rows[i].metric("total_cost_usd").unwrap()
                - res.rows[i + 6].metric("total_cost_usd").unwrap()
        })
        .collect();
    let dm = d.iter().sum::<f64>() / 3.0;
    assert!(close(c.mean_difference, dm), "{c:?} {dm}");
    let a_wins = d.iter().filter(|x| **x < 0.0).count() as f64 / 3.0;
    let b_wins = d.iter().filter(|x| **x > 0.0).count() as f64 / 3.0;
    assert!((c.a_wins - a_wins).abs() < 1e-6 && (c.b_wins - b_wins).abs() < 1e-6);
    assert_eq!(c.n, 3);
    // Three metrics compared per pair and target: cost, availability, interruptions.
    assert_eq!(sum.comparisons.len(), 2 * 3);
}

#[test]
fn rows_and_summary_read_back_and_render_as_jsonl_and_csv() {
    let res = small().run(None, &|_, _| {}).unwrap();
    let jsonl = render_rows(&res.rows, RowFormat::Jsonl);
    assert_eq!(jsonl.lines().count(), 12);
    let back: Vec<SweepRow> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, res.rows);
    // Flat objects: index, parameters, metrics, warnings — what pandas reads as columns.
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(first.as_object().unwrap().values().all(|v| !v.is_object()));
    assert_eq!(first["index"], 0);
    assert_eq!(first["target"], 10);
    let csv = render_rows(&res.rows, RowFormat::Csv);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&head[..4], ["index", "strategy", "target", "seed"]);
    assert_eq!(head.len(), 4 + metric_names(SweepKind::Run).len() + 1);
    let recs: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 12);
    assert_eq!(&recs[7][1], "diversified");
    let cost: f64 = recs[7][4].parse().unwrap();
    assert_eq!(Some(cost), res.rows[7].metric("total_cost_usd"));
    let sum = res.summary();
    let back: SweepSummary = serde_json::from_str(&sum.render()).unwrap();
    assert_eq!(back, sum);
}

#[test]
fn no_scenario_key_is_a_metric_name() {
    // Rows are flat: a read-back tells parameters from metrics by name.
    for kind in [SweepKind::Run, SweepKind::Compare, SweepKind::Job] {
        for k in kind.scenario_keys() {
            for mk in [SweepKind::Run, SweepKind::Compare, SweepKind::Job] {
                assert!(!metric_names(mk).contains(&k), "{k}");
            }
            assert!(!["index", "warnings"].contains(&k), "{k}");
        }
    }
}

#[test]
fn identical_bytes_with_1_2_and_8_threads() {
    let s = small();
    let out = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let r = s.run(None, &|_, _| {}).unwrap();
            (
                render_rows(&r.rows, RowFormat::Jsonl),
                render_rows(&r.rows, RowFormat::Csv),
                r.summary().render(),
            )
        })
    };
    let one = out(1);
    assert_eq!(out(2), one);
    assert_eq!(out(8), one);
}

#[test]
fn shards_merge_to_the_unsharded_output_and_bad_merges_name_the_cells() {
    let s = small();
    let all = s.run(None, &|_, _| {}).unwrap();
    let parts: Vec<(String, String)> = (1..=4)
        .rev()
        .map(|k| {
            let shard = Shard::new(k, 4).unwrap();
            let r = s.run(Some(shard), &|_, _| {}).unwrap();
            // index ≡ K (mod 4): shard 4 holds cells 0, 4, 8.
            let want: Vec<usize> = (0..12).filter(|i| i % 4 == k % 4).collect();
            assert_eq!(r.rows.iter().map(|r| r.index).collect::<Vec<_>>(), want);
            (format!("p{k}"), render_part(&r.definition, shard, &r.rows))
        })
        .collect();
    let (def, rows) = merge_parts(&parts).unwrap();
    assert_eq!(
        render_rows(&rows, RowFormat::Jsonl),
        render_rows(&all.rows, RowFormat::Jsonl)
    );
    assert_eq!(
        SweepSummary::new(&def, &rows).render(),
        all.summary().render()
    );
    // A part missing: the cells named.
    let e = merge_parts(&parts[1..]).unwrap_err().to_string();
    assert!(
        e.contains("3 of 12 cells missing: 0 (strategy=lowest-price, target=10, seed=1), 4 (strategy=lowest-price, target=20, seed=2), 8 (strategy=diversified, target=10, seed=3)"),
        "{e}"
    );
    // A part twice: the cell and both parts named.
    let mut twice = parts.clone();
    twice.push(("again".into(), parts[0].1.clone()));
    let e = merge_parts(&twice).unwrap_err().to_string();
    assert!(
        e.contains("cell 0 (strategy=lowest-price, target=10, seed=1) is in both p4 and again"),
        "{e}"
    );
    // A part of another sweep.
    let other = Sweep::from_toml_str(
        &SMALL.replace("interruption-rate = 60", "interruption-rate = 30"),
        "o.toml",
        Path::new("."),
    )
    .unwrap();
    let r = other
        .run(Some(Shard::new(1, 4).unwrap()), &|_, _| {})
        .unwrap();
    let mut mixed = parts.clone();
    mixed[3] = (
        "other".into(),
        render_part(&r.definition, Shard::new(1, 4).unwrap(), &r.rows),
    );
    let e = merge_parts(&mixed).unwrap_err().to_string();
    assert!(e.contains("other: sweep definition"), "{e}");
    assert!(e.contains("differs from p4's"), "{e}");
    // Not a part.
    let e = merge_parts(&[("x.jsonl".into(), "{\"index\":0}\n".into())])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("x.jsonl") && e.contains("not a sweep part"),
        "{e}"
    );
}

#[test]
fn shard_from_env_reads_the_engines_variables_in_order() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    // Slurm first, then Kubernetes, then AWS Batch.
    let s = Shard::from_env(
        4,
        env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("SLURM_ARRAY_TASK_ID", "3"),
        ]),
    )
    .unwrap();
    assert_eq!(s, Shard::new(3, 4).unwrap());
    // 0-based engines: 0 is shard N, 1 … N − 1 the rest: N indexes, N shards.
    let ks: Vec<usize> = (0..4)
        .map(|i| {
            let v = i.to_string();
            Shard::from_env(4, |k: &str| {
                (k == "AWS_BATCH_JOB_ARRAY_INDEX").then(|| v.clone())
            })
            .unwrap()
            .k
        })
        .collect();
    assert_eq!(ks, [4, 1, 2, 3]);
    let e = Shard::from_env(4, env(&[("JOB_COMPLETION_INDEX", "7")])).unwrap_err();
    assert!(e.to_string().contains("JOB_COMPLETION_INDEX=7"), "{e}");
    let e = Shard::from_env(4, |_| None).unwrap_err();
    assert!(e.to_string().contains("SLURM_ARRAY_TASK_ID"), "{e}");
}

#[test]
fn job_sweeps_pair_policies_on_the_same_windows() {
    let Some(d) = data::require(&[V100_US_WEST_2A_2022]) else {
        return;
    };
    let text = format!(
        "kind = \"job\"\nseeds = 2\n[base]\ntrace = [{:?}]\nconvention = \"available\"\nwork-hours = 48\ndeadline-hours = 52\nrestart-overhead-hours = 0.2\nondemand-price = \"3.06\"\nspot-price = \"0.9731\"\nmode = \"tick\"\nwindows = 12\n[grid]\npolicy = [\"greedy\", \"uniform-progress\"]\n",
        d.join(V100_US_WEST_2A_2022).display().to_string()
    );
    let s = Sweep::from_toml_str(&text, "j.toml", Path::new(".")).unwrap();
    let res = s.run(None, &|_, _| {}).unwrap();
    assert_eq!(res.rows.len(), 4);
    // Cell 1 = greedy, seed 2: what `spotsim job` reports for that policy and seed.
    let own = spotsim::job::JobScenario::from_toml_str(
        &text
            .replace("kind = \"job\"\nseeds = 2\n[base]\n", "")
            .replace(
                "[grid]\npolicy = [\"greedy\", \"uniform-progress\"]\n",
                "policy = \"greedy\"\nseed = 2\n",
            ),
        "j.toml",
    )
    .unwrap()
    .run()
    .unwrap();
    let st = own.policies[0].stats.as_ref().unwrap();
    let r = &res.rows[1];
    assert_eq!(r.param("policy").unwrap(), "greedy");
    assert_eq!(r.metric("cost_usd"), Some(st.mean_cost_usd));
    assert_eq!(r.metric("cost_ci95_low_usd"), st.ci95_low_usd);
    assert_eq!(
        r.metric("deadline_met_fraction"),
        Some(st.deadline_met_fraction)
    );
    let sum = res.summary();
    assert_eq!(sum.paired_by.as_deref(), Some("policy"));
    let c = &sum.comparisons[0];
    assert_eq!((c.metric.as_str(), c.n), ("cost_usd", 2));
    let want = ((res.rows[0].metric("cost_usd").unwrap()
        - res.rows[2].metric("cost_usd").unwrap())
        + (res.rows[1].metric("cost_usd").unwrap() - res.rows[3].metric("cost_usd").unwrap()))
        / 2.0;
    assert!(
        (c.mean_difference.unwrap() - want).abs() < 2e-6,
        "{c:?} {want}"
    );
}

/// The "done when": 3 strategies × 2 targets × 3 latencies × 10 seeds on the
/// eu-west-3a trace in one command (examples/sweep-eu-west-3a.toml) with paired
/// comparisons in the summary; the same sweep sharded 1/4 … 4/4 and merged is the same
/// bytes, rows and summary.
#[test]
fn the_eu_west_3a_example_runs_in_one_command_and_sharded_equals_unsharded() {
    let Some(d) = data::require(&[EU_WEST_3A, data::ADVISOR_2021]) else {
        return;
    };
    let dir = scratch("sweep-example");
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/sweep-eu-west-3a.toml"
    ))
    .unwrap();
    // The example's paths lead to ../shared/data from examples/; here, to the data root.
    assert!(example.contains("\"../../shared/data/"));
    let file = dir.join("sweep.toml");
    std::fs::write(
        &file,
        example.replace("\"../../shared/data/", &format!("\"{}/", d.display())),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let path = |n: &str| dir.join(n).display().to_string();
    let o = run(&[
        "sweep",
        f,
        "--out",
        &path("rows.jsonl"),
        "--summary-out",
        &path("summary.json"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = std::fs::read_to_string(path("rows.jsonl")).unwrap();
    assert_eq!(rows.lines().count(), 3 * 2 * 3 * 10);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["cells"], 180);
    assert_eq!(summary["groups"].as_array().unwrap().len(), 18);
    // 3 pairs of strategies × 3 metrics × 6 target-latency combinations.
    let comps = summary["comparisons"].as_array().unwrap();
    assert_eq!(comps.len(), 3 * 3 * 6);
    let lp_div = comps
        .iter()
        .find(|c| {
            c["a"] == "lowest-price" && c["b"] == "diversified" && c["metric"] == "total_cost_usd"
        })
        .unwrap();
    assert_eq!(lp_div["n"], 10);
    // Diversified spreads over 16 types and pays for it (tests/it/claims.rs): lowest-price
    // wins every cell.
    assert_eq!(lp_div["a_wins"], 1.0);
    assert!(lp_div["ci95_high"].as_f64().unwrap() < 0.0);

    for k in 1..=4 {
        let o = run(&[
            "sweep",
            f,
            "-q",
            "--shard",
            &format!("{k}/4"),
            "--out",
            &path(&format!("part-{k}.jsonl")),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = run(&[
        "sweep",
        "merge",
        &path("part-3.jsonl"),
        &path("part-1.jsonl"),
        &path("part-4.jsonl"),
        &path("part-2.jsonl"),
        "--out",
        &path("merged.jsonl"),
        "--summary-out",
        &path("merged-summary.json"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(path("merged.jsonl")).unwrap() == rows.as_bytes());
    assert!(
        std::fs::read(path("merged-summary.json")).unwrap()
            == std::fs::read(path("summary.json")).unwrap()
    );
    // CSV at merge: the unsharded rows as CSV (the rows read back from rows.jsonl and
    // rendered; the unsharded run renders its CSV with the same function).
    let a = run(&[
        "sweep",
        "merge",
        &path("part-1.jsonl"),
        &path("part-2.jsonl"),
        &path("part-3.jsonl"),
        &path("part-4.jsonl"),
        "--output",
        "csv",
    ]);
    assert!(a.status.success());
    let back: Vec<SweepRow> = rows
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(a.stdout == render_rows(&back, RowFormat::Csv).as_bytes());
    // A missing part: exit 1, one line naming the cells, no output file.
    let o = run(&[
        "sweep",
        "merge",
        &path("part-1.jsonl"),
        &path("part-2.jsonl"),
        &path("part-3.jsonl"),
        "--out",
        &path("partial.jsonl"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("45 of 180 cells missing: 0 ("), "{e}");
    assert_eq!(e.lines().count(), 1);
    assert!(!dir.join("partial.jsonl").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_shard_options_that_do_not_go_together_are_errors() {
    let dir = scratch("sweep-cli");
    let f = dir.join("s.toml");
    std::fs::write(&f, SMALL).unwrap();
    let f = f.to_str().unwrap();
    for (args, want) in [
        (
            vec!["--shard", "1/4", "--output", "csv"],
            "option `output`: a shard writes a part",
        ),
        (
            vec!["--shard", "1/4", "--summary-out", "x.json"],
            "option `summary-out`",
        ),
        (
            vec!["--shard", "5/4"],
            "option `shard`: 5/4: K must be 1 … 4",
        ),
        (
            vec!["--shard", "1/4", "--shard-from-env", "4"],
            "cannot be used with",
        ),
    ] {
        let mut a = vec!["sweep", f];
        a.extend(&args);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(want), "{args:?}: {e}");
    }
    // The environment picks the shard.
    let o = super::cli::bin()
        .args(["sweep", f, "-q", "--shard-from-env", "4"])
        .env("JOB_COMPLETION_INDEX", "2")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("{\"spotsim_sweep_part\":1,"));
    let idx: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["index"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(idx, [2, 6, 10]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compare_sweeps_run_one_option_per_cell_and_pair_the_options() {
    let text = "kind = \"compare\"\nseeds = 2\n[base]\ntasks = 4\ntask-vcpu = 1\ntask-memory-gib = 2\nhours = 24\n[grid]\noptions = [\"fargate\", \"fargate-spot\"]\n";
    let s = Sweep::from_toml_str(text, "c.toml", Path::new(".")).unwrap();
    let res = s.run(None, &|_, _| {}).unwrap();
    assert_eq!(res.rows.len(), 4);
    // Cell 2 = fargate-spot, seed 1: what `spotsim compare` reports for that option.
    let own = spotsim::compare::CompareScenario::from_toml_str(
        "tasks = 4\ntask-vcpu = 1\ntask-memory-gib = 2\nhours = 24\noptions = [\"fargate-spot\"]\nseed = 1\n",
        "c.toml",
    )
    .unwrap()
    .prepare()
    .unwrap()
    .run()
    .unwrap();
    let o = &own.options[0];
    assert_eq!(res.rows[2].param("options").unwrap(), "fargate-spot");
    assert_eq!(res.rows[2].metric("total_cost_usd"), Some(o.total_cost_usd));
    assert_eq!(
        res.rows[2].metric("savings_vs_ondemand_pct"),
        o.savings_vs_ondemand_pct
    );
    let sum = res.summary();
    assert_eq!(sum.paired_by.as_deref(), Some("options"));
    let c = &sum.comparisons[0];
    // Fargate Spot is cheaper than Fargate on every seed: b wins all.
    assert_eq!(
        (c.metric.as_str(), c.b_wins, c.n),
        ("total_cost_usd", 1.0, 2)
    );
    // Two options in one cell: an error naming the cell.
    let e = Sweep::from_toml_str(
        &text.replace("[grid]\noptions", "options"),
        "c.toml",
        Path::new("."),
    )
    .unwrap()
    .run(None, &|_, _| {})
    .unwrap_err();
    assert!(
        e.to_string().contains("a sweep cell runs one option"),
        "{e}"
    );
}
