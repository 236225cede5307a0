//! The `spotsim` command: parses arguments, calls the library, renders. Nothing else.
//!
//! Exit codes: 0 success, 1 any error (bad input, bad option), 2 a `--fail-if-…`
//! threshold was breached.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use spotsim::error::Error;
use spotsim::report::render;
use spotsim::scenario::Scenario;

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

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Replay price and capacity traces through a fleet and report cost and interruptions.
    Run(RunArgs),
}

#[derive(Args, Debug, Default)]
struct RunArgs {
    /// Scenario file (TOML); flags override it.
    scenario: Option<PathBuf>,
    /// Spot price history: AWS CLI CSV or JSON, or AZ-ID TSV (repeatable).
    #[arg(long = "prices", value_name = "FILE")]
    prices: Vec<PathBuf>,
    /// Per-probe prices JSON aligned with availability CSVs given as --capacity.
    #[arg(long, value_name = "FILE")]
    probe_prices: Option<PathBuf>,
    /// Capacity trace: spotsim CSV or timestamped availability CSV (repeatable).
    #[arg(long = "capacity", value_name = "FILE")]
    capacity: Vec<PathBuf>,
    /// Instance type of availability CSVs whose file name does not tell it.
    #[arg(long, value_name = "TYPE")]
    capacity_instance_type: Option<String>,
    /// Catalog CSV: instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Region of the catalog CSV's prices.
    #[arg(long, value_name = "REGION")]
    catalog_region: Option<String>,
    /// Instance types (pools = types × AZs; default: all in the price files).
    #[arg(long, value_delimiter = ',', value_name = "T1,T2")]
    instance_types: Vec<String>,
    /// Availability zones, names or IDs (default: all in the price files).
    #[arg(long, value_delimiter = ',', value_name = "AZ1,AZ2")]
    azs: Vec<String>,
    /// Product description [default: Linux/UNIX].
    #[arg(long)]
    product: Option<String>,
    /// Allocation strategy: lowest-price or capacity-optimized; several, comma-separated,
    /// are compared side by side [default: lowest-price].
    #[arg(long, value_delimiter = ',')]
    strategy: Vec<String>,
    /// Instances the fleet maintains [default: 20].
    #[arg(long)]
    target: Option<u32>,
    /// Horizon start, RFC 3339 [default: start of the traces].
    #[arg(long)]
    start: Option<String>,
    /// Horizon end, RFC 3339 [default: end of the traces].
    #[arg(long)]
    end: Option<String>,
    /// Seconds from launch request to running [default: 90].
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    launch_latency: Option<i64>,
    /// Seed of every random choice [default: 1].
    #[arg(long)]
    seed: Option<u64>,
    /// lowest-price: end and replace instances when a cheaper pool appears [default: true].
    #[arg(long, value_name = "BOOL")]
    price_replacement: Option<bool>,
    /// Which instances a capacity drop reclaims: random, oldest-first, newest-first.
    #[arg(long)]
    victims: Option<String>,
    /// Replace interrupted instances on `termination` or on `notice`.
    #[arg(long)]
    replace_on: Option<String>,
    /// Output format: table, json or csv [default: table].
    #[arg(long)]
    output: Option<String>,
    /// Write the report to FILE (atomically: whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

impl RunArgs {
    fn scenario(&self) -> Result<Scenario, Error> {
        let file = match &self.scenario {
            Some(p) => Scenario::load(p)?,
            None => Scenario::default(),
        };
        let flags = Scenario {
            prices: self.prices.clone(),
            probe_prices: self.probe_prices.clone(),
            capacity: self.capacity.clone(),
            capacity_instance_type: self.capacity_instance_type.clone(),
            catalog: self.catalog.clone(),
            catalog_region: self.catalog_region.clone(),
            instance_types: self.instance_types.clone(),
            azs: self.azs.clone(),
            product: self.product.clone(),
            strategy: self.strategy.clone(),
            target: self.target,
            start: self.start.clone(),
            end: self.end.clone(),
            launch_latency: self.launch_latency,
            seed: self.seed,
            output: self.output.clone(),
            price_replacement: self.price_replacement,
            victims: self.victims.clone(),
            replace_on: self.replace_on.clone(),
        };
        Ok(file.overlay(flags))
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.cmd {
        None => cmd_run(&RunArgs::default()),
        Some(Cmd::Run(a)) => cmd_run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn cmd_run(args: &RunArgs) -> Result<ExitCode, Error> {
    let scenario = args.scenario()?;
    let format = scenario.format()?;
    let prepared = scenario.prepare()?;
    let bar = progress_bar(args.quiet);
    let reports = {
        let bar = bar.clone();
        let mut started: Option<i64> = None;
        prepared.run(&mut move |now, end| {
            if let Some(b) = &bar {
                let s = *started.get_or_insert(now.secs());
                let total = (end.secs() - s).max(1) as u64;
                b.set_length(total);
                b.set_position((now.secs() - s).max(0) as u64);
            }
        })?
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let text = render(&reports, format);
    write_output(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new(1);
    b.set_style(
        indicatif::ProgressStyle::with_template("{spinner} simulating {bar:40} {percent}% {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(b)
}

/// Writes to stdout, or to `path` through a temporary file renamed into place, so a
/// failed run never leaves a partial file.
fn write_output(path: Option<&Path>, text: &str) -> Result<(), Error> {
    let err = |p: &Path, e: std::io::Error| Error::Output {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })
                .map_err(|e| err(Path::new("<stdout>"), e))
        }
        Some(p) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let r = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, p));
            if let Err(e) = r {
                let _ = std::fs::remove_file(&tmp);
                return Err(err(p, e));
            }
            Ok(())
        }
    }
}
