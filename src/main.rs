//! The `spotsim` command: parses arguments, calls the library, renders. Nothing else.
//!
//! Exit codes (the same for `run`, `compare` and `job`; `--help` prints them):
//!
//! * **0** — the report was written and no `--fail-if-…` threshold was breached.
//! * **1** — an error: a bad option or value, an unreadable or malformed input file, a
//!   scenario that cannot be simulated. One line on stderr names the file, line and
//!   field or the option; nothing is written to `--out` (no partial file).
//! * **2** — a CI gate was breached (`--fail-if-cost-above USD`,
//!   `--fail-if-interruptions-above N`, `--fail-if-unmet-above UNIT-HOURS`,
//!   `--fail-if-savings-below PCT`): the report was written first, then one
//!   `threshold breached: …` line per breach on stderr. What each gate reads is in
//!   `spotsim::report::gate`.
//!
//! Warnings (`warning[code]: message`) go to stderr and never change the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use spotsim::compare::CompareScenario;
use spotsim::error::{ConfigError, Error};
use spotsim::job::JobScenario;
use spotsim::options::{GateOptions, SweepOutputOptions};
use spotsim::output::Destination;
use spotsim::report::gate::Gated;
use spotsim::report::{Format, RunReports, Warning, warning};
use spotsim::scenario::Scenario;
use spotsim::sweep::{self, SweepOptions};
use spotsim::telemetry::{AlarmState, TelemetryReport, TelemetrySession};
use spotsim::types::TypesOptions;

#[derive(Parser, Debug)]
#[command(
    name = "spotsim",
    version,
    about = "Simulate AWS spot allocation on real or synthetic traces: exact cost and interruptions.",
    long_about = "Simulate AWS spot allocation on real or synthetic traces: exact cost and interruptions.\n\nWith no command, runs `spotsim run` on the built-in default scenario (synthetic traces, 12 pools, 30 days)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

/// The exit codes, printed after each command's `--help`.
macro_rules! exit_codes {
    () => {
        "Exit codes:\n  0  the report was written; no --fail-if-... threshold breached\n  1  an error (bad option, bad input file): one line on stderr, no output file\n  2  a --fail-if-... threshold was breached: the report was written first, then one\n     'threshold breached:' line per breach on stderr"
    };
}

/// Printed after `spotsim run --help`: what savings are measured against, and the exit
/// codes.
const RUN_HELP: &str = concat!(
    "On-demand baseline: what the same target would have cost on on-demand over the same horizon, the on-demand strategy on the same inputs (every unit on the cheapest on-demand type per capacity unit among the allowed pools). Every strategy's savings are against it; read them beside availability and the cost per delivered unit-hour. Without on-demand prices for the product's operating system, baseline and savings are n/a (warning ondemand_os_mismatch).\n\nWarnings (warning[code]: on stderr, and in the report): trace_extrapolated, no_interruption_model, ondemand_region_mismatch, ondemand_os_mismatch, low_availability.\n\n",
    exit_codes!()
);

/// Printed after `spotsim compare --help`.
const COMPARE_HELP: &str = concat!(
    "On-demand baseline: each option against its own platform's on-demand option for the same tasks over the same horizon (fargate-spot and fargate-mix against fargate, ecs-ec2-spot against ecs-ec2-ondemand, eks-ec2-spot against eks-ec2-ondemand; the on-demand options save 0). --fail-if-savings-below reads those savings for the options that are not their own baseline.\n\n",
    exit_codes!()
);

/// Printed after `spotsim job --help`.
const JOB_HELP: &str = concat!(
    "On-demand baseline: the on-demand policy's own cost for the same job in the same mode; savings_pct is against it (the on-demand policy saves exactly 0).\n\n",
    exit_codes!()
);

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Replay price and capacity traces through a fleet and report cost and interruptions.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Price a container workload on Fargate, Fargate Spot, a mix, ECS and EKS on EC2.
    #[command(after_help = COMPARE_HELP)]
    Compare(CompareArgs),
    /// Run a deadline job (work, deadline, restart overhead) under a job policy.
    #[command(after_help = JOB_HELP)]
    Job(JobArgs),
    /// Run a grid of scenarios (strategies × traces × targets × … × seeds) in parallel: one row per cell, a summary with confidence intervals and paired comparisons; shard it over an array job and merge.
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Find instance types in the catalog by vCPU, memory, architecture, family, price and Spot Advisor band.
    #[command(after_help = TYPES_HELP)]
    Types(TypesOptions),
    /// Print a shell completion script (e.g. `spotsim completions bash > /etc/bash_completion.d/spotsim`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of spotsim or of one of its commands (`spotsim man | man -l -`).
    Man {
        /// A command: its own page [default: the spotsim page].
        #[arg(value_parser = ["run", "compare", "job", "sweep", "types"])]
        command: Option<String>,
    },
}

/// Printed after `spotsim types --help`.
const TYPES_HELP: &str = "Examples:\n  spotsim types --vcpu 2..4 --memory 8.. --arch x86_64\n  spotsim types --family m5,c6i --price ..0.2 --sort-by vcpu\n  spotsim run --prices p.csv --instance-types $(spotsim types --vcpu 2..4 --memory 8.. --names)";

#[derive(Args, Debug, Default)]
struct RunArgs {
    /// Scenario file (TOML, or JSON by extension); flags override it.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    opts: Scenario,
}

#[derive(Args, Debug, Default)]
struct CompareArgs {
    /// Compare scenario file (TOML, or JSON by extension); flags override it.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    opts: CompareScenario,
}

#[derive(Args, Debug, Default)]
struct JobArgs {
    /// Job scenario file (TOML, or JSON by extension); flags override it.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    opts: JobScenario,
}

/// Printed after `spotsim sweep --help`.
const SWEEP_HELP: &str = "Examples:\n  spotsim sweep examples/sweep-eu-west-3a.toml --out rows.jsonl --summary-out summary.json\n  spotsim sweep s.toml --shard 2/4 --out part-2.jsonl        # cells with index = 2 (mod 4)\n  spotsim sweep merge part-*.jsonl --output csv --out rows.csv --summary-out summary.json\n\nCells are numbered with the [grid] keys sorted by name (the first varying slowest), the seed varying fastest. A shard writes a part (JSON lines with the sweep's definition and its hash); merge checks that every cell is there once and writes what the unsharded run writes, byte for byte. Exit codes: 0 written; 1 an error (one line on stderr, no output file).";

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct SweepArgs {
    #[command(subcommand)]
    merge: Option<SweepCmd>,
    /// Sweep file (TOML): kind, [base], [grid], seeds.
    #[arg(required = true, value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    opts: SweepOptions,
}

#[derive(Subcommand, Debug)]
enum SweepCmd {
    /// Merge the parts of a sharded sweep into the output of the unsharded run (byte-identical, summary included).
    Merge(MergeArgs),
}

#[derive(Args, Debug)]
struct MergeArgs {
    /// The parts (`spotsim sweep FILE --shard K/N --out PART`), in any order.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    #[command(flatten)]
    output: SweepOutputOptions,
}

/// The scenario file (if any) with the flags laid over it.
fn with_file<T: Default + Clone>(
    file: Option<&Path>,
    load: fn(&Path) -> Result<T, Error>,
    flags: &T,
    overlay: fn(T, T) -> Result<T, ConfigError>,
) -> Result<T, Error> {
    let base = match file {
        Some(p) => load(p)?,
        None => T::default(),
    };
    Ok(overlay(base, flags.clone())?)
}

fn main() -> ExitCode {
    ignore_sigxfsz();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // --help, --version
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line, like every other error, keeping clap's suggestion on it.
            eprintln!("{}", spotsim::text::one_line(&one_line(&e)));
            return ExitCode::from(1);
        }
    };
    let result = match cli.cmd {
        None => cmd_run(&RunArgs::default()),
        Some(Cmd::Run(a)) => cmd_run(&a),
        Some(Cmd::Compare(a)) => cmd_compare(&a),
        Some(Cmd::Job(a)) => cmd_job(&a),
        Some(Cmd::Sweep(a)) => cmd_sweep(&a),
        Some(Cmd::Types(a)) => cmd_types(&a),
        Some(Cmd::Completions { shell }) => cmd_completions(shell),
        Some(Cmd::Man { command }) => cmd_man(command.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // Errors raised anywhere cite AWS rules, not the project's fact sheet.
            let text = spotsim::rules::localize(&e.to_string());
            eprintln!("error: {}", spotsim::text::one_line(&text));
            ExitCode::from(1)
        }
    }
}

fn cmd_run(args: &RunArgs) -> Result<ExitCode, Error> {
    let scenario = with_file(
        args.scenario.as_deref(),
        Scenario::load,
        &args.opts,
        Scenario::overlay,
    )?;
    let out = destination(
        scenario.output.out.as_deref(),
        args.scenario.as_deref(),
        &scenario.input_files(),
    )?;
    let format = scenario.format();
    let prepared = scenario.prepare()?;
    let mut session = TelemetrySession::new(
        &scenario.telemetry,
        "Strategy",
        prepared.strategies.len(),
        &not_telemetry(
            scenario.output.out.as_deref(),
            args.scenario.as_deref(),
            &scenario.input_files(),
        ),
    )?;
    let bar = progress_bar(scenario.output.quiet);
    // The HTML page's recorded charts (capacity by pool, cost, interruptions, moves).
    let mut charts = (format == Format::Html).then(spotsim::report::html::RunCharts::new);
    let reports = {
        let bar = bar.clone();
        let mut started: Option<i64> = None;
        prepared.run_observed(
            &mut move |now, end| {
                if let Some(b) = &bar {
                    let s = *started.get_or_insert(now.secs());
                    let total = (end.secs() - s).max(1) as u64;
                    b.set_length(total);
                    b.set_position((now.secs() - s).max(0) as u64);
                }
            },
            session.as_mut(),
            charts
                .as_mut()
                .map(|c| c as &mut dyn spotsim::telemetry::ObserverPerRun),
        )?
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(s) = session {
        s.finish()?;
    }
    let doc = RunReports::new(reports);
    let text = match format {
        // The page also shows the spot prices of the market the run replayed.
        Format::Html => {
            let unit = doc
                .reports
                .first()
                .map_or("units", |r| r.provenance.target_unit.as_str());
            let recorded = match charts {
                Some(c) => c.charts(unit)?,
                None => Vec::new(),
            };
            recorded
                .into_iter()
                .fold(
                    spotsim::report::html::RunPage::new(&doc.reports).market(&prepared.market),
                    |page, c| page.chart(c),
                )
                .render()
        }
        f => doc.render(f),
    };
    out.write(text.as_bytes())?;
    print_warnings(warning::distinct(
        doc.reports.iter().flat_map(|r| &r.warnings),
    ));
    Ok(gate_alarms(
        gate(&scenario.gates, &doc),
        doc.reports.iter().map(|x| x.telemetry.as_ref()),
        scenario.telemetry.fail_on_alarm,
    ))
}

fn cmd_job(args: &JobArgs) -> Result<ExitCode, Error> {
    let scenario = with_file(
        args.scenario.as_deref(),
        JobScenario::load,
        &args.opts,
        JobScenario::overlay,
    )?;
    let out = destination(
        scenario.output.out.as_deref(),
        args.scenario.as_deref(),
        &scenario.input_files(),
    )?;
    let format = scenario.format();
    let mut session = TelemetrySession::new(
        &scenario.telemetry,
        "Policy",
        scenario.job.policy.len(),
        &not_telemetry(
            scenario.output.out.as_deref(),
            args.scenario.as_deref(),
            &scenario.input_files(),
        ),
    )?;
    let report = match scenario.job.per_window.as_deref() {
        None => scenario.run_observed(&mut |_, _| Ok(()), session.as_mut())?,
        Some(p) => {
            // Every window's line, streamed to its own file as it is computed.
            if scenario.output.out.as_deref() == Some(p) {
                return Err(ConfigError::new("per-window", "is the same file as --out").into());
            }
            let lines = destination_as(
                "per-window",
                Some(p),
                args.scenario.as_deref(),
                &scenario.input_files(),
            )?;
            if lines == Destination::Stdout && out == Destination::Stdout {
                return Err(ConfigError::new(
                    "per-window",
                    "`-` (standard output) needs --out FILE for the report",
                )
                .into());
            }
            let csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let mut w = lines.stream_as("per-window")?;
            if csv {
                w.write(spotsim::job::JobReport::window_csv_header().as_bytes())?;
            }
            let report = scenario.run_observed(
                &mut |policy, line| {
                    let text = if csv {
                        spotsim::job::JobReport::window_csv_row(policy, line)
                    } else {
                        spotsim::job::JobReport::window_json_line(policy, line)
                    };
                    w.write(text.as_bytes())
                },
                session.as_mut(),
            )?;
            w.finish()?;
            report
        }
    };
    if let Some(s) = session {
        s.finish()?;
    }
    out.write(report.render(format).as_bytes())?;
    print_warnings(warning::distinct(&report.warnings));
    Ok(gate_alarms(
        gate(&scenario.gates, &report),
        report.policies.iter().map(|x| x.telemetry.as_ref()),
        scenario.telemetry.fail_on_alarm,
    ))
}

fn cmd_sweep(args: &SweepArgs) -> Result<ExitCode, Error> {
    // Both outputs checked before any cell runs: regular files, neither the sweep file
    // nor a part (the traces a sweep's scenarios read are checked by each command).
    let (opts, inputs): (&SweepOutputOptions, Vec<&Path>) = match (&args.merge, &args.file) {
        (Some(SweepCmd::Merge(m)), _) => {
            (&m.output, m.parts.iter().map(PathBuf::as_path).collect())
        }
        (None, file) => (
            &args.opts.output,
            file.iter().map(PathBuf::as_path).collect(),
        ),
    };
    let rows_to = destination(opts.out.as_deref(), None, &inputs)?;
    let summary_to = match opts.summary_out.as_deref() {
        Some(p) => {
            if opts.out.as_deref() == Some(p) {
                return Err(ConfigError::new("summary-out", "is the same file as --out").into());
            }
            Some(destination_as("summary-out", Some(p), None, &inputs)?)
        }
        None => None,
    };
    let outputs = match (&args.merge, &args.file) {
        (Some(SweepCmd::Merge(m)), _) => sweep::merge_files(&m.parts, &m.output)?,
        (None, Some(file)) => {
            let bar = progress_bar(args.opts.output.quiet).inspect(|b| {
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} cells {bar:40} {pos}/{len} {per_sec} ETA {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
            });
            let progress = |done: usize, total: usize| {
                if let Some(b) = &bar {
                    b.set_length(total as u64);
                    b.set_position(done as u64);
                }
            };
            let out = sweep::run_file(file, &args.opts, |k| std::env::var(k).ok(), &progress);
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            out?
        }
        (None, None) => return Err(ConfigError::new("FILE", "a sweep file is required").into()),
    };
    let _ = &outputs.out; // the same path as `rows_to`, checked above
    rows_to.write(outputs.rows.as_bytes())?;
    if let Some((text, path)) = &outputs.summary {
        summary_to
            .unwrap_or_else(|| Destination::new(Some(path)))
            .write_as("summary-out", text.as_bytes())?;
    }
    print_warnings(outputs.warnings.iter().collect());
    Ok(ExitCode::SUCCESS)
}

fn cmd_completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "spotsim", &mut out);
    Destination::Stdout.write(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_man(command: Option<&str>) -> Result<ExitCode, Error> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| ConfigError::new("command", format!("no command `{name}`")))?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| Error::Output {
            path: "<stdout>".into(),
            message: e.to_string(),
        })?;
    Destination::Stdout.write(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_types(args: &TypesOptions) -> Result<ExitCode, Error> {
    let out = destination(args.output.out.as_deref(), None, &args.input_files())?;
    let report = args.run()?;
    let text = if args.names {
        report.names()
    } else {
        report.render(args.output.format())
    };
    out.write(text.as_bytes())?;
    print_warnings(warning::distinct(&report.warnings));
    Ok(ExitCode::SUCCESS)
}

fn cmd_compare(args: &CompareArgs) -> Result<ExitCode, Error> {
    let scenario = with_file(
        args.scenario.as_deref(),
        CompareScenario::load,
        &args.opts,
        CompareScenario::overlay,
    )?;
    let out = destination(
        scenario.output.out.as_deref(),
        args.scenario.as_deref(),
        &scenario.input_files(),
    )?;
    let format = scenario.format();
    let cfg = scenario.prepare()?;
    let mut session = TelemetrySession::new(
        &scenario.telemetry,
        "Option",
        cfg.options.len(),
        &not_telemetry(
            scenario.output.out.as_deref(),
            args.scenario.as_deref(),
            &scenario.input_files(),
        ),
    )?;
    // The HTML page also charts each option's running tasks over time.
    let mut tasks = (format == Format::Html).then(spotsim::report::html::TaskCharts::new);
    let report = cfg.run_observed(
        session.as_mut(),
        tasks
            .as_mut()
            .map(|t| t as &mut dyn spotsim::telemetry::ObserverPerRun),
    )?;
    if let Some(s) = session {
        s.finish()?;
    }
    match tasks {
        Some(t) => out.write(t.into_page(&report).render().as_bytes())?,
        None => out.write(report.render(format).as_bytes())?,
    }
    print_warnings(warning::distinct(&report.warnings));
    Ok(gate_alarms(
        gate(&scenario.gates, &report),
        report.options.iter().map(|x| x.telemetry.as_ref()),
        scenario.telemetry.fail_on_alarm,
    ))
}

/// A clap error on one line: clap's first line, with its suggestion ("did you mean")
/// and the valid values, which clap prints on lines of their own, folded in.
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let get = |k: ContextKind| e.get(k).map(|v| v.to_string());
    let text = e.to_string();
    let first = text
        .lines()
        .next()
        .unwrap_or("error: bad arguments")
        .to_string();
    let mut notes: Vec<String> = Vec::new();
    let line = match e.kind() {
        ErrorKind::UnknownArgument => {
            let arg = get(ContextKind::InvalidArg).unwrap_or_default();
            if let Some(s) = get(ContextKind::SuggestedArg) {
                notes.push(format!("did you mean '{s}'?"));
            }
            if let Some(s) = get(ContextKind::SuggestedSubcommand) {
                notes.push(format!("did you mean the command '{s}'?"));
            }
            format!("error: unknown option '{arg}'")
        }
        ErrorKind::InvalidSubcommand => {
            let given = get(ContextKind::InvalidSubcommand).unwrap_or_default();
            // The closest command by clap's measure (clap lists several, or none when
            // the command is optional).
            let suggestion = {
                use clap::CommandFactory;
                Cli::command()
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .map(|n| (strsim::jaro(&given, &n), n))
                    .filter(|(score, _)| *score > 0.7)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, n)| n)
            };
            if let Some(s) = suggestion {
                notes.push(format!("did you mean '{s}'?"));
            }
            first
        }
        ErrorKind::InvalidValue => {
            if let Some(s) = get(ContextKind::SuggestedValue) {
                notes.push(format!("did you mean '{s}'?"));
            }
            if let Some(v) = get(ContextKind::ValidValue) {
                notes.push(format!("possible values: {v}"));
            }
            first
        }
        _ => first,
    };
    if notes.is_empty() {
        line
    } else {
        format!("{line} ({})", notes.join("; "))
    }
}

/// CI gates, checked after the report is written so it can be read: one stderr line
/// per breach and exit code 2, or success.
fn gate(gates: &GateOptions, report: &dyn Gated) -> ExitCode {
    let breaches = gates.check(&report.gate_subjects());
    for b in &breaches {
        eprintln!("{b}");
    }
    if breaches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Alarm state changes on stderr (one line each); with `--fail-on-alarm`, exit 2 when
/// an alarm entered ALARM (a CI gate like the `--fail-if-*` ones). `telemetry`: each
/// subject's (strategy, option, policy).
fn gate_alarms<'a>(
    code: ExitCode,
    telemetry: impl Iterator<Item = Option<&'a TelemetryReport>>,
    fail_on_alarm: bool,
) -> ExitCode {
    let mut alarmed = false;
    for a in telemetry.flatten().flat_map(|t| &t.alarms) {
        for c in &a.changes {
            if c.to == AlarmState::Alarm {
                alarmed = true;
                let values: Vec<String> = c
                    .values
                    .iter()
                    .map(|v| v.map_or("missing".to_string(), |x| format!("{x}")))
                    .collect();
                eprintln!(
                    "alarm {} ({}): {} -> ALARM at {} [{}]",
                    a.name,
                    a.subject,
                    c.from,
                    c.at,
                    values.join(", ")
                );
            }
        }
    }
    if fail_on_alarm && alarmed {
        eprintln!("gate: an alarm entered ALARM (--fail-on-alarm)");
        ExitCode::from(2)
    } else {
        code
    }
}

/// One `warning[code]: message` line per warning on stderr, after the report.
fn print_warnings(warnings: Vec<&Warning>) {
    for w in warnings {
        eprintln!("{}", spotsim::text::one_line(&w.to_string()));
    }
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(1);
    b.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} simulating {bar:40} {percent}% {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(b)
}

/// Where the report goes, checked before anything runs: a regular file (or `-`, or
/// none: stdout) that is neither the scenario file nor any input. [`destination_as`]
/// for `--out`.
fn destination(
    out: Option<&Path>,
    scenario: Option<&Path>,
    inputs: &[&Path],
) -> Result<Destination, Error> {
    destination_as("out", out, scenario, inputs)
}

/// [`destination`] for the file of option `option` (errors name it).
fn destination_as(
    option: &str,
    out: Option<&Path>,
    scenario: Option<&Path>,
    inputs: &[&Path],
) -> Result<Destination, Error> {
    let d = Destination::new(out);
    let mut all: Vec<&Path> = inputs.to_vec();
    all.extend(scenario);
    d.check_as(option, &all)?;
    Ok(d)
}

/// The files a telemetry file must not be: the inputs, the scenario file and the report.
fn not_telemetry<'a>(
    out: Option<&'a Path>,
    scenario: Option<&'a Path>,
    inputs: &[&'a Path],
) -> Vec<&'a Path> {
    let mut all: Vec<&Path> = inputs.to_vec();
    all.extend(scenario);
    all.extend(out.filter(|p| p.as_os_str() != "-"));
    all
}

/// A file-size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills the
/// process before the temporary report file can be removed. Ignored, the write fails
/// with EFBIG ("File too large") instead, and the error path removes the file.
fn ignore_sigxfsz() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_IGN
    // installs no handler code, so nothing can run in signal context.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks: no two flags with one name across the flattened groups,
        // valid defaults and value parsers.
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_the_valid_values_of_every_enumerated_option() {
        let enumerated = [
            "options",
            "strategy",
            "policy",
            "output",
            "mode",
            "convention",
            "platform",
            "placement",
            "eks_support",
            "pool_scope",
            "target_unit",
            "ondemand_allocation",
            "rebalance_lead_dist",
            "capacity_rebalance",
            "victims",
            "replace_on",
            "arch",
            "sort_by",
            "os",
            "price_replacement",
            "az_balance",
            "oracle_v",
        ];
        let mut seen = Vec::new();
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if enumerated.contains(&id) {
                    assert!(
                        !arg.get_possible_values().is_empty() && !arg.is_hide_possible_values_set(),
                        "{} --{id}",
                        sub.get_name()
                    );
                    seen.push(id.to_string());
                }
            }
        }
        for id in enumerated {
            assert!(seen.iter().any(|s| s == id), "--{id} not found");
        }
    }
}
