//! Self-contained references: what a user sees (reports, errors, --help, man pages)
//! cites the AWS rules in `spotsim::rules`, never a file outside the repository.

use super::cli::{run, scratch};

const OUTSIDE: [&str; 5] = [
    "aws-facts",
    "DESIGN.md",
    "peers.md",
    "deadline-jobs.md",
    "shared/reference",
];

fn check(what: &str, text: &str) {
    for bad in OUTSIDE {
        assert!(
            !text.contains(bad),
            "{what} mentions {bad}: {}",
            &text[text.find(bad).unwrap().saturating_sub(200)..]
        );
    }
}

fn all_output(args: &[&str]) -> String {
    let o = run(args);
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn reports_cite_aws_rules_not_project_files() {
    let d = scratch("rules");
    let trace = super::reports::tick_trace(&d);
    let trace = trace.to_str().unwrap();
    let mut cases: Vec<Vec<&str>> = vec![
        vec![
            "run",
            "--quiet",
            "--strategy",
            "lowest-price,capacity-optimized,capacity-optimized-prioritized,price-capacity-optimized,diversified,on-demand",
            "--ondemand-base",
            "2",
            "--ondemand-above-base-pct",
            "10",
            "--max-price",
            "0.09",
            "--capacity-rebalance",
            "asg",
            "--target-unit",
            "vcpu",
            "--interruption-rate",
            "5",
            "--pools",
            "2",
        ],
        vec![
            "run",
            "--quiet",
            "--capacity-rebalance",
            "launch-before-terminate",
            "--termination-delay",
            "300",
            "--az-balance",
            "--strategy",
            "lowest-price",
            "--pools",
            "1",
            "--pool-scope",
            "per-az",
            "--price-replacement",
            "false",
        ],
        vec![
            "compare",
            "--tasks",
            "5",
            "--task-vcpu",
            "0.5",
            "--task-memory-gib",
            "1",
            "--hours",
            "48",
        ],
        vec![
            "compare",
            "--tasks",
            "2",
            "--task-vcpu",
            "1",
            "--task-memory-gib",
            "2",
            "--hours",
            "24",
            "--platform",
            "windows",
            "--placement",
            "spread",
            "--eks-support",
            "extended",
        ],
        vec![
            "job",
            "--trace",
            trace,
            "--convention",
            "available",
            "--policy",
            "greedy",
            "--work-hours",
            "4",
            "--deadline-hours",
            "8",
            "--restart-overhead-hours",
            "0.5",
            "--ondemand-price",
            "3",
            "--spot-price",
            "1",
            "--mode",
            "tick",
        ],
        vec![
            "job",
            "--trace",
            trace,
            "--convention",
            "available",
            "--policy",
            "uniform-progress",
            "--work-hours",
            "4",
            "--deadline-hours",
            "8",
            "--restart-overhead-hours",
            "0.5",
            "--ondemand-price",
            "3",
            "--spot-price",
            "1",
            "--windows",
            "3",
        ],
        vec!["types", "--vcpu", "2"],
        // Errors too: a termination delay AWS does not accept.
        vec![
            "run",
            "--quiet",
            "--capacity-rebalance",
            "launch-before-terminate",
            "--termination-delay",
            "5",
        ],
    ];
    let adv;
    if let Some(data) = super::replay::data() {
        adv = data
            .join("spot-advisor/spot-advisor-data_2021-02-10.json")
            .display()
            .to_string();
        cases.push(vec![
            "types",
            "--advisor",
            adv.as_str(),
            "--region",
            "eu-west-3",
        ]);
    }
    for args in &cases {
        for format in ["table", "json", "markdown"] {
            let mut a = args.clone();
            a.extend(["--output", format]);
            let text = all_output(&a);
            assert!(!text.is_empty());
            check(&format!("{args:?} {format}"), &text);
        }
    }
    // The citations are there, as rules with AWS sources.
    let text = all_output(&cases[0]);
    assert!(text.contains("AWS rule spot.interruption-notice: \"Spot Instance interruption notices\", https://docs.aws.amazon.com/"), "{text}");
    assert!(text.contains("AWS rule fleet.allocation-strategies"));
    let err = all_output(&cases[7]);
    assert!(err.contains("AWS rule fleet.capacity-rebalance"), "{err}");
}

#[test]
fn help_and_man_pages_cite_no_project_files() {
    for cmd in ["run", "compare", "job", "types", "completions", "man"] {
        check(&format!("{cmd} --help"), &all_output(&[cmd, "--help"]));
    }
    check("--help", &all_output(&["--help"]));
    for page in [
        vec!["man"],
        vec!["man", "run"],
        vec!["man", "compare"],
        vec!["man", "job"],
        vec!["man", "types"],
    ] {
        check(&format!("{page:?}"), &all_output(&page));
    }
}

#[test]
fn every_fact_sheet_section_cited_in_user_text_has_a_rule() {
    // String literals in src/ that cite the fact sheet are what localize() rewrites: each
    // section must name a rule (or its chapter one).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root];
    let mut cited = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("rules.rs") {
                for line in std::fs::read_to_string(&p).unwrap().lines() {
                    let code = line.trim_start();
                    if code.starts_with("//") || !code.contains('§') {
                        continue;
                    }
                    for part in code.split('§').skip(1) {
                        let sec: String = part
                            .chars()
                            .take_while(|c| c.is_ascii_digit() || *c == '.')
                            .collect();
                        let sec = sec.trim_end_matches('.').to_string();
                        if !sec.is_empty() {
                            cited.push((p.display().to_string(), sec));
                        }
                    }
                }
            }
        }
    }
    assert!(!cited.is_empty());
    for (file, sec) in cited {
        assert!(
            spotsim::rules::for_fact_sheet(&sec).is_some(),
            "{file}: §{sec} has no rule in spotsim::rules"
        );
    }
}
