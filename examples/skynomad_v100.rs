//! The SkyNomad family on the 2023 V100 three-region traces (us-east-1c, us-east-2b,
//! us-west-2a; per-tick prices from `v100_spot_prices.json`), the five windows of the
//! SkyNomad artifact's Figure 9(b) sweep (`--config v100`): W = 39.94 h, D = 1.5·W,
//! d = 0.2 h, S = 50 GB, on-demand $3.06. Prints each policy's cost per window.
//!
//! `cargo run --release --example skynomad_v100 -- [overlap] [v100-config]`:
//! `overlap` overlaps the transfer time (the reference CLI's default, with which its
//! sweeps ran); `v100-config` runs skynomad with the Figure 9(b) settings
//! (`--max-prediction-hours 1e9 --virtual-availability`) and skynomad-oracle with
//! `--oracle-v rate_ratio`.
use std::path::PathBuf;

use spotsim::job::{
    Convention, EgressTable, JobMarket, JobPolicy, JobSpec, MarketOptions, MigrationOptions,
    Optimal, ProgressValue, SafetyNet, SkyNomad, SkyNomadOptions, TraceOptions, read_spot_trace,
    run_job, up_a, up_ap, up_s, with_probe_prices,
};
use spotsim::money::Rate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let overlap = args.iter().any(|a| a == "overlap");
    let v100 = args.iter().any(|a| a == "v100-config");
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let dir = data.join("availability/spot-traces/availability/1-node/aws-02-15-2023");
    let prices =
        std::fs::read(data.join("availability/aws-v100-2023-02-15/v100_spot_prices.json"))?;
    let mut traces = Vec::new();
    for z in ["us-east-1c", "us-east-2b", "us-west-2a"] {
        let t = read_spot_trace(
            &dir.join(format!("{z}_v100_1.json")),
            &TraceOptions::new(Convention::Available),
        )?;
        traces.push(with_probe_prices(t, "v100_spot_prices.json", &prices)?);
    }
    let egress = EgressTable::read(&data.join("pricing/aws_egress_pricing.csv"))?;
    let mut mo = MigrationOptions::new(50.0, egress);
    mo.count_transfer_time = !overlap;
    let m = JobMarket::new(&traces, &MarketOptions::ondemand(Rate::parse_usd("3.06")?))?
        .with_migration(&mo)?;
    let spec = JobSpec::from_hours(39.93888888888889, 59.90833333333333, 0.2)?;
    let mut sk = SkyNomadOptions::skynomad();
    let mut or = SkyNomadOptions::oracle();
    if v100 {
        sk.max_prediction_hours = 1e9;
        sk.virtual_availability = true;
        or.value = ProgressValue::RateRatio;
    }
    if let Some(i) = args.iter().position(|a| a == "timeline") {
        let (name, w): (&str, usize) = (&args[i + 1], args[i + 2].parse()?);
        let mut p: Box<dyn JobPolicy> = match name {
            "skynomad" => Box::new(SafetyNet::new(SkyNomad::new(sk))),
            "skynomad-oracle" => Box::new(SafetyNet::new(SkyNomad::oracle(or))),
            "optimal" => Box::new(Optimal::new()),
            "up-s" => Box::new(up_s()),
            "up-a" => Box::new(up_a()),
            _ => Box::new(up_ap()),
        };
        let (_, tl) = spotsim::job::run_job_timeline(&m, &spec, w * 1106, &mut p)?;
        let mut cost = spotsim::money::Money::ZERO;
        for r in tl {
            cost += r.cost;
            println!(
                "{} {:?}{} {} {:.5} probes {:?} rem {}",
                r.tick + 1,
                r.ran.kind,
                r.ran.zone,
                if r.preempted { "P" } else { "" },
                cost.to_usd_f64(),
                r.probes_billed,
                r.remaining_work_ms
            );
        }
        return Ok(());
    }
    let names = [
        "skynomad",
        "skynomad-oracle",
        "optimal",
        "up-s",
        "up-a",
        "up-ap",
    ];
    for w in [3usize, 5, 7, 8, 14] {
        let start = w * 1106;
        let mut line = format!(
            "window {w:2} (start {:.4} h):",
            start as f64 * 195.0 / 3600.0
        );
        for name in names {
            let mut p: Box<dyn JobPolicy> = match name {
                "skynomad" => Box::new(SafetyNet::new(SkyNomad::new(sk))),
                "skynomad-oracle" => Box::new(SafetyNet::new(SkyNomad::oracle(or))),
                "optimal" => Box::new(Optimal::new()),
                "up-s" => Box::new(up_s()),
                "up-a" => Box::new(up_a()),
                _ => Box::new(up_ap()),
            };
            let r = run_job(&m, &spec, start, &mut p)?;
            line.push_str(&format!(
                " {name}={} (mig {}, probes {}, egress {}{})",
                r.total_cost.to_usd_string(4),
                r.migrations,
                r.probe_cost.to_usd_string(4),
                r.egress_cost.to_usd_string(2),
                if r.deadline_met { "" } else { ", MISSED" }
            ));
        }
        println!("{line}");
    }
    Ok(())
}
