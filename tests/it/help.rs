//! Shell completions, the man page and `--help` listing valid values.

use super::cli::run;

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8(o.stdout).unwrap();
        for word in [
            "spotsim",
            "compare",
            "strategy",
            "fail-if-cost-above",
            "names",
            "lowest-price",
        ] {
            assert!(text.contains(word), "{shell}: {word}");
        }
    }
    // The bash script parses.
    let o = run(&["completions", "bash"]);
    let d = super::cli::scratch("completions");
    let p = d.join("spotsim.bash");
    std::fs::write(&p, &o.stdout).unwrap();
    match std::process::Command::new("bash")
        .arg("-n")
        .arg(&p)
        .output()
    {
        Ok(b) => assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr)),
        Err(_) => println!("skipped: no bash to check the script's syntax"),
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(1));
}

#[test]
fn man_pages() {
    let page = String::from_utf8(run(&["man"]).stdout).unwrap();
    assert!(page.contains(".TH spotsim 1"), "{page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SUBCOMMANDS"));
    for cmd in ["run", "compare", "job", "sweep", "types"] {
        let o = run(&["man", cmd]);
        assert!(o.status.success());
        let page = String::from_utf8(o.stdout).unwrap();
        assert!(
            page.contains(&format!(".TH spotsim\\-{cmd} 1"))
                || page.contains(&format!(".TH spotsim-{cmd} 1")),
            "{cmd}: {}",
            &page[..200.min(page.len())]
        );
        assert!(page.contains(".SH OPTIONS"), "{cmd}");
    }
    let run_page = String::from_utf8(run(&["man", "run"]).stdout).unwrap();
    assert!(
        run_page.contains("fail\\-if\\-cost\\-above"),
        "the gates are in the page"
    );
}

#[test]
fn help_lists_valid_values() {
    let help = |cmd: &str| String::from_utf8(run(&[cmd, "--help"]).stdout).unwrap();
    let compare = help("compare");
    assert!(compare.contains("[possible values: fargate, fargate-spot, fargate-mix, ecs-ec2-ondemand, ecs-ec2-spot, eks-ec2-ondemand, eks-ec2-spot]"));
    assert!(
        compare.contains("us-east-1, us-west-2, eu-west-1"),
        "Fargate regions"
    );
    assert!(help("run").contains("[possible values: lowest-price, capacity-optimized, capacity-optimized-prioritized, price-capacity-optimized, diversified, on-demand]"));
    let job = help("job");
    // The built-ins, then the SkyNomad family (issue 12).
    assert!(job.contains(
        "[possible values: on-demand, spot-only, greedy, uniform-progress, multi-zone-spot, up-s, up-a, up-ap, optimal, skynomad, skynomad-oracle]"
    ), "{job}");
    assert!(job.contains("[possible values: reference-cost, rate-ratio]"));
    assert!(job.contains("[possible values: tick, event]"));
    let types = help("types");
    assert!(types.contains("Possible values:"), "{types}");
    for v in ["price", "vcpu", "memory", "name", "band", "savings"] {
        assert!(types.contains(&format!("- {v}:")), "{v}");
    }
}
