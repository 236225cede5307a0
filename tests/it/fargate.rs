//! Fargate, Fargate Spot, capacity-provider strategies and the EKS control-plane fee:
//! hand-computed bills (aws-facts.md §4, §6.1, §6.5), every error path, the generated
//! size table against `../shared/data/pricing/fargate_task_sizes.csv` (skipped only
//! when the data folder is absent outside CI), and property tests.

use proptest::prelude::*;
use spotsim::error::ConfigError;
use spotsim::money::{Money, Rate};
use spotsim::pricing::eks::{
    EXTENDED_BILLING_FROM, EksSupport, control_plane_charge, control_plane_charge_per_started_hour,
    fee_rate,
};
use spotsim::pricing::fargate::{
    CapacityProviderStrategy, FargateBilling, FargateError, FargateRates, FargateSpot,
    Orchestrator, Platform, Provider, StrategyItem, TaskRequest, TaskSize,
    UNCONFIRMED_WINDOWS_MINIMUM_SECS, check_ephemeral_gib, requested_vs_billed_waste, round_up,
    task_charge, task_sizes, valid_sizes,
};
use spotsim::time::SimTime;

const GB: u32 = 1024;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn rates(region: &str, p: Platform) -> FargateRates {
    FargateRates::lookup(region, p).unwrap()
}

fn size(cpu_units: u32, memory_mib: u32) -> TaskSize {
    TaskSize {
        cpu_units,
        memory_mib,
    }
}

fn at(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

/// An exact amount given as a decimal number of USD (up to 9 decimals).
fn money(s: &str) -> Money {
    Money::from_nano_usd(usd(s).nano_usd_per_hour())
}

fn err<T: std::fmt::Debug>(r: Result<T, FargateError>) -> FargateError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

// ------------------------------------------------------------------------- bills

#[test]
fn quarter_vcpu_half_gb_one_hour_us_east_1() {
    // 0.25 × 0.04048 + 0.5 × 0.004445 = 0.01012 + 0.0022225 = $0.0123425
    let r = rates("us-east-1", Platform::LinuxX86);
    let c = FargateBilling::default().charge(size(256, 512), &r, 3600, 20);
    assert_eq!(c.vcpu, money("0.01012"));
    assert_eq!(c.memory, money("0.0022225"));
    assert_eq!(c.os_licence, Money::ZERO);
    assert_eq!(c.storage, Money::ZERO);
    assert_eq!(c.total(), money("0.0123425"));
    assert_eq!(
        task_charge(size(256, 512), &r, 3600, 20),
        money("0.0123425")
    );
    // 730 hours: 9.010025 exactly
    assert_eq!(
        task_charge(size(256, 512), &r, 730 * 3600, 0),
        money("9.010025")
    );
}

#[test]
fn rounding_0_3_vcpu_700_mib_to_half_vcpu_1_gb() {
    let req = TaskRequest::from_millicores(300, 700);
    assert_eq!(req.cpu_units(), 308, "307.2 units rounded up");
    assert_eq!(TaskRequest::parse("0.3", "0.68359375").unwrap(), req);
    let s = round_up(req, Platform::LinuxX86, Orchestrator::Ecs).unwrap();
    assert_eq!(s, size(512, GB));
    let r = rates("us-east-1", Platform::LinuxX86);
    // 0.5 × 0.04048 + 1 × 0.004445 = $0.024685 per hour
    assert_eq!(task_charge(s, &r, 3600, 20), money("0.024685"));
    // Request: 0.04048 × 308/1024 + 0.004445 × 700/1024 = 0.01521419921875;
    // waste = 0.024685 − 0.01521419921875 = 0.00947080078125 = 96981/10240000 USD.
    let w = requested_vs_billed_waste(req, s, &r, 3600);
    assert_eq!(w.units() * 10_240_000, 96_981 * Money::UNITS_PER_USD);
    assert_eq!(w.to_usd_string(9), "0.009470801");
}

#[test]
fn one_minute_minimum() {
    let r = rates("us-east-1", Platform::LinuxX86);
    let s = size(256, 512);
    // A 10-second task is billed 60 s: 0.0123425 / 60 = 0.00020570833…
    assert_eq!(task_charge(s, &r, 10, 20), task_charge(s, &r, 60, 20));
    assert_eq!(task_charge(s, &r, 10, 20).to_usd_string(9), "0.000205708");
    assert_eq!(task_charge(s, &r, 0, 20), task_charge(s, &r, 60, 20));
    assert_eq!(task_charge(s, &r, -5, 20), task_charge(s, &r, 60, 20));
    assert!(task_charge(s, &r, 61, 20) > task_charge(s, &r, 60, 20));
    // 61 s = 61/3600 of the hourly price, exactly.
    assert_eq!(
        task_charge(s, &r, 61, 20).units() * 3600,
        task_charge(s, &r, 3600, 20).units() * 61
    );
}

#[test]
fn ephemeral_storage_above_20_gib() {
    let r = rates("us-east-1", Platform::LinuxX86);
    let s = size(256, 512);
    let b = FargateBilling::default();
    // 40 GiB: 20 billed × $0.000111 = $0.00222 per hour
    assert_eq!(b.charge(s, &r, 3600, 40).storage, money("0.00222"));
    assert_eq!(task_charge(s, &r, 3600, 40), money("0.0145625"));
    assert_eq!(b.charge(s, &r, 3600, 20).storage, Money::ZERO);
    assert_eq!(b.charge(s, &r, 3600, 21).storage, money("0.000111"));
    // 200 GiB for 730 h: 180 × 0.000111 × 730 = 14.5854
    assert_eq!(b.charge(s, &r, 730 * 3600, 200).storage, money("14.5854"));
    // The minimum applies to storage too: 10 s of 40 GiB = 60 s.
    assert_eq!(
        b.charge(s, &r, 10, 40).storage,
        b.charge(s, &r, 60, 40).storage
    );
    assert_eq!(check_ephemeral_gib(200), Ok(200));
    let e = err(check_ephemeral_gib(201));
    assert_eq!(
        e.to_string(),
        "ephemeral storage of 201 GiB is above the Fargate maximum of 200 GiB"
    );
}

#[test]
fn arm64_rates() {
    let r = rates("us-east-1", Platform::LinuxArm);
    // 1 vCPU / 2 GB: 0.03238 + 2 × 0.00356 = $0.0395
    assert_eq!(
        task_charge(size(1024, 2 * GB), &r, 3600, 20),
        money("0.0395")
    );
    // 0.25 vCPU / 0.5 GB: 0.008095 + 0.00178 = $0.009875 (= 79/8000)
    assert_eq!(task_charge(size(256, 512), &r, 3600, 20), money("0.009875"));
    assert_eq!(
        round_up(
            TaskRequest::from_cpu_units(100, 100),
            Platform::LinuxArm,
            Orchestrator::Ecs
        )
        .unwrap(),
        size(256, 512)
    );
}

#[test]
fn windows_with_licence() {
    let r = rates("us-east-1", Platform::Windows);
    let b = FargateBilling::default();
    // 1 vCPU / 2 GB: 0.09148 + 0.046 licence + 2 × 0.01005 = $0.15758
    let c = b.charge(size(1024, 2 * GB), &r, 3600, 20);
    assert_eq!(c.vcpu, money("0.09148"));
    assert_eq!(c.os_licence, money("0.046"));
    assert_eq!(c.memory, money("0.0201"));
    assert_eq!(c.total(), money("0.15758"));
    // 2 vCPU / 4 GB: 2 × (0.09148 + 0.046) + 4 × 0.01005 = $0.31516
    assert_eq!(
        task_charge(size(2048, 4 * GB), &r, 3600, 20),
        money("0.31516")
    );
    // Default minimum 15 minutes (aws-facts.md §4.6, unconfirmed there); 1 minute is
    // opt-in. (Before issue 8 the default was 1 minute and 15 the option.)
    let w15 = FargateBilling::default();
    assert_eq!(w15.windows_minimum_secs, UNCONFIRMED_WINDOWS_MINIMUM_SECS);
    // 0.15758 × 900 / 3600 = $0.039395
    assert_eq!(
        task_charge(size(1024, 2 * GB), &r, 10, 20),
        money("0.039395")
    );
    let w1 = FargateBilling::default().with_windows_minimum(60).unwrap();
    // 0.15758 × 60 / 3600 = $0.0026263333…
    assert_eq!(
        w1.task_charge(size(1024, 2 * GB), &r, 10, 20),
        w1.task_charge(size(1024, 2 * GB), &r, 60, 20)
    );
    assert_eq!(
        w1.task_charge(size(1024, 2 * GB), &r, 10, 20).units() * 15,
        money("0.039395").units()
    );
    assert_eq!(
        w15.task_charge(size(1024, 2 * GB), &r, 10, 20),
        money("0.039395")
    );
    assert_eq!(
        w15.task_charge(size(1024, 2 * GB), &r, 901, 20),
        task_charge(size(1024, 2 * GB), &r, 901, 20)
    );
    // Linux is unaffected by the Windows minimum.
    let l = rates("us-east-1", Platform::LinuxX86);
    assert_eq!(
        w15.task_charge(size(256, 512), &l, 10, 20),
        task_charge(size(256, 512), &l, 60, 20)
    );
    // Windows rounds small requests up to 1 vCPU / 2 GB.
    assert_eq!(
        round_up(
            TaskRequest::from_cpu_units(256, 512),
            Platform::Windows,
            Orchestrator::Ecs
        )
        .unwrap(),
        size(1024, 2 * GB)
    );
    assert_eq!(
        round_up(
            TaskRequest::from_cpu_units(1024, 9 * GB),
            Platform::Windows,
            Orchestrator::Ecs
        )
        .unwrap(),
        size(2048, 9 * GB)
    );
}

#[test]
fn eks_adds_256_mib_then_rounds() {
    let p = Platform::LinuxX86;
    // 1 vCPU + 8 GB → 8 GB + 256 MiB does not fit 1 vCPU (max 8 GB) → 2 vCPU / 9 GB.
    let req = TaskRequest::from_cpu_units(1024, 8 * GB);
    let s = round_up(req, p, Orchestrator::Eks).unwrap();
    assert_eq!(s, size(2048, 9 * GB));
    assert_eq!(
        round_up(req, p, Orchestrator::Ecs).unwrap(),
        size(1024, 8 * GB),
        "ECS adds nothing"
    );
    let r = rates("us-east-1", p);
    // Billed at 2 vCPU / 9 GB: 2 × 0.04048 + 9 × 0.004445 = $0.120965 per hour
    assert_eq!(task_charge(s, &r, 3600, 20), money("0.120965"));
    // Waste against the pod's own request (0.04048 + 8 × 0.004445 = 0.07604): $0.044925
    assert_eq!(
        requested_vs_billed_waste(req, s, &r, 3600),
        money("0.044925")
    );
    // A pod requesting nothing gets 0.25 vCPU / 0.5 GB.
    assert_eq!(
        round_up(TaskRequest::from_cpu_units(0, 0), p, Orchestrator::Eks).unwrap(),
        size(256, 512)
    );
    // 256 MiB + 256 = 512 fits 0.25 vCPU / 0.5 GB; 257 MiB does not.
    assert_eq!(
        round_up(TaskRequest::from_cpu_units(256, 256), p, Orchestrator::Eks).unwrap(),
        size(256, 512)
    );
    assert_eq!(
        round_up(TaskRequest::from_cpu_units(256, 257), p, Orchestrator::Eks).unwrap(),
        size(256, GB)
    );
    // Memory only: 0 vCPU, 4 GB → 4.25 GB → 1 vCPU / 5 GB (0.5 vCPU tops out at 4 GB).
    assert_eq!(
        round_up(TaskRequest::from_cpu_units(0, 4 * GB), p, Orchestrator::Eks).unwrap(),
        size(1024, 5 * GB)
    );
    // Pod request from containers: max(largest init, sum of long-running), per resource.
    let pod = TaskRequest::eks_pod(
        &[
            TaskRequest::from_cpu_units(512, 6 * GB),
            TaskRequest::from_cpu_units(1024, GB),
        ],
        &[
            TaskRequest::from_cpu_units(256, GB),
            TaskRequest::from_cpu_units(256, 2 * GB),
        ],
    );
    assert_eq!(pod, TaskRequest::from_cpu_units(1024, 6 * GB));
    assert_eq!(
        round_up(pod, p, Orchestrator::Eks).unwrap(),
        size(1024, 7 * GB)
    );
}

#[test]
fn sizes_across_the_table() {
    let p = Platform::LinuxX86;
    let e = Orchestrator::Ecs;
    let ru = |c, m| round_up(TaskRequest::from_cpu_units(c, m), p, e).unwrap();
    assert_eq!(ru(1, 1), size(256, 512));
    assert_eq!(ru(256, 513), size(256, GB));
    assert_eq!(ru(256, 2 * GB + 1), size(512, 3 * GB));
    assert_eq!(ru(257, 1), size(512, GB));
    assert_eq!(ru(1024, 1), size(1024, 2 * GB));
    assert_eq!(ru(4096, 30 * GB + 1), size(8192, 32 * GB));
    assert_eq!(ru(4097, 1), size(8192, 16 * GB));
    assert_eq!(ru(8192, 61 * GB), size(16384, 64 * GB));
    assert_eq!(ru(8192, 17 * GB), size(8192, 20 * GB));
    assert_eq!(ru(16384, 1), size(16384, 32 * GB));
    assert_eq!(ru(16384, 120 * GB), size(16384, 120 * GB));
    assert_eq!(ru(1, 120 * GB), size(16384, 120 * GB));
    // Every valid size rounds to itself, on every platform it is valid for.
    for pl in Platform::ALL {
        for s in valid_sizes(pl) {
            assert_eq!(
                round_up(s.as_request(), pl, Orchestrator::Ecs).unwrap(),
                s,
                "{pl}"
            );
            assert_eq!(TaskSize::new(s.cpu_units, s.memory_mib, pl), Ok(s));
        }
    }
}

#[test]
fn every_size_bills_its_hourly_rate_exactly() {
    for pl in Platform::ALL {
        let r = rates("us-east-1", pl);
        for s in valid_sizes(pl) {
            // (vCPU + licence) × units/1024 + GB × MiB/1024, in nano-dollars × 1024.
            let nano_x1024 = (r.per_vcpu_hour.nano_usd_per_hour() as i128
                + r.os_licence_per_vcpu_hour.nano_usd_per_hour() as i128)
                * s.cpu_units as i128
                + r.per_gb_hour.nano_usd_per_hour() as i128 * s.memory_mib as i128;
            let expect = Money::from_units(nano_x1024 * 3600);
            assert_eq!(task_charge(s, &r, 3600, 20), expect, "{pl} {s}");
            assert_eq!(r.hourly(s), expect);
        }
    }
    // The largest Linux size: 16 × 0.04048 + 120 × 0.004445 = 0.64768 + 0.5334 = $1.18108
    let r = rates("us-east-1", Platform::LinuxX86);
    assert_eq!(r.hourly(size(16384, 120 * GB)), money("1.18108"));
}

// ------------------------------------------------------------------------- errors

#[test]
fn impossible_sizes_are_errors() {
    let x86 = Platform::LinuxX86;
    let ecs = Orchestrator::Ecs;
    let ru = |c, m, p, o| err(round_up(TaskRequest::from_cpu_units(c, m), p, o)).to_string();
    assert_eq!(
        ru(20 * 1024, 2048, x86, ecs),
        "no Fargate size has 20 vCPU; the largest is 16 vCPU / 120 GB"
    );
    // Just above the largest: 16 vCPU + 128 units (a request is held in millicores,
    // and 128 units = 125 m is the smallest step both units express exactly).
    assert_eq!(
        ru(16384 + 128, 2048, x86, ecs),
        "no Fargate size has 16.125 vCPU; the largest is 16 vCPU / 120 GB"
    );
    assert_eq!(
        ru(1024, 121 * GB, x86, ecs),
        "no Fargate size has 121 GB of memory; the largest is 16 vCPU / 120 GB"
    );
    assert_eq!(
        ru(1024, 120 * GB, x86, Orchestrator::Eks),
        "no Fargate size has 120.25 GB of memory (the pod's request plus the 256 MiB EKS \
         adds); the largest is 16 vCPU / 120 GB"
    );
    assert_eq!(
        ru(8192, 16 * GB, Platform::Windows, ecs),
        "no Windows Fargate size has 8 vCPU; the largest is 4 vCPU / 30 GB"
    );
    assert_eq!(
        ru(1024, 31 * GB, Platform::Windows, ecs),
        "no Windows Fargate size has 31 GB of memory; the largest is 4 vCPU / 30 GB"
    );
    assert_eq!(
        ru(0, 512, x86, ecs),
        "a Fargate task must request more than 0 vCPU (ECS needs task-level cpu and memory)"
    );
    assert_eq!(
        ru(256, 0, x86, ecs),
        "a Fargate task must request more than 0 memory (ECS needs task-level cpu and memory)"
    );
    assert_eq!(
        ru(256, 512, Platform::LinuxArm, Orchestrator::Eks),
        "EKS on Fargate runs Linux/x86_64 pods only, not linux/arm64"
    );
    assert_eq!(
        ru(1024, 2048, Platform::Windows, Orchestrator::Eks),
        "EKS on Fargate runs Linux/x86_64 pods only, not windows"
    );
    // Saturating millicores are rejected, not wrapped.
    let huge = TaskRequest::from_millicores(u32::MAX, 512);
    assert_eq!(huge.cpu_units(), u32::MAX);
    assert!(matches!(
        err(round_up(huge, x86, ecs)),
        FargateError::CpuTooLarge { .. }
    ));
    // Negative and malformed requests.
    assert_eq!(
        err(TaskRequest::parse("-0.25", "1")).to_string(),
        "cpu request `-0.25`: must not be negative"
    );
    assert_eq!(
        err(TaskRequest::parse("abc", "1")).to_string(),
        "cpu request `abc`: not a decimal number"
    );
    assert_eq!(err(TaskRequest::parse("1", "")).option(), "task-memory-gib");
}

#[test]
fn invalid_exact_sizes_explain_the_valid_range() {
    let x86 = Platform::LinuxX86;
    assert_eq!(
        err(TaskSize::new(256, 4 * GB, x86)).to_string(),
        "0.25 vCPU / 4 GB is not a valid Fargate size on linux/x86_64: with 0.25 vCPU the \
         memory must be 0.5, 1, 2 GB"
    );
    assert_eq!(
        err(TaskSize::new(4096, 31 * GB, x86)).to_string(),
        "4 vCPU / 31 GB is not a valid Fargate size on linux/x86_64: with 4 vCPU the memory \
         must be 8–30 GB in 1 GB steps"
    );
    assert!(
        err(TaskSize::new(16384, 36 * GB, x86))
            .to_string()
            .contains("32–120 GB in 8 GB steps")
    );
    assert!(
        err(TaskSize::new(300, GB, x86))
            .to_string()
            .contains("the CPU must be one of 256, 512")
    );
    assert_eq!(
        err(TaskSize::new(512, 2 * GB, Platform::Windows)).to_string(),
        "0.5 vCPU / 2 GB is not a valid Fargate size on windows: Windows runs only 1, 2 or 4 \
         vCPU (1024, 2048 or 4096 CPU units)"
    );
    assert!(
        TaskSize::new(1024, 1536, x86).is_err(),
        "1.5 GB is not a step"
    );
    let c: ConfigError = err(TaskSize::new(1024, 1536, x86)).into();
    assert_eq!(c.option, "task-memory-gib");
}

#[test]
fn unknown_region_and_platform() {
    let e = err(FargateRates::lookup("ap-south-1", Platform::LinuxX86));
    assert_eq!(
        e.to_string(),
        "no built-in Fargate rates for region `ap-south-1`; known: us-east-1 (linux/x86_64, \
         linux/arm64, windows), us-west-2 (linux/x86_64), eu-west-1 (linux/x86_64); give \
         custom rates"
    );
    let e = err(FargateRates::lookup("us-west-2", Platform::Windows));
    assert!(
        e.to_string()
            .starts_with("no built-in Fargate rates for windows in us-west-2; known: us-east-1"),
        "{e}"
    );
    let c: ConfigError = e.into();
    assert_eq!(c.option, "region");
    let e = err(Platform::parse("linux/amd64"));
    assert_eq!(
        e.to_string(),
        "unknown Fargate platform `linux/amd64`; valid: linux (or linux/x86_64), linux-arm (or \
         linux/arm64), windows"
    );
    assert_eq!(e.option(), "platform");
    for (s, p) in [
        ("linux", Platform::LinuxX86),
        ("linux/x86_64", Platform::LinuxX86),
        ("linux-arm", Platform::LinuxArm),
        ("linux/arm64", Platform::LinuxArm),
        ("windows", Platform::Windows),
        ("WINDOWS", Platform::Windows),
    ] {
        assert_eq!(Platform::parse(s), Ok(p), "{s}");
        assert_eq!(Platform::parse(p.as_str()), Ok(p));
    }
    // Custom rates are used as given.
    let c = FargateRates::custom(
        "ap-northeast-1",
        Platform::LinuxX86,
        usd("0.05"),
        usd("0.005"),
        Rate::ZERO,
        usd("0.0001"),
    );
    assert_eq!(c.source, "user-given rates");
    // 1 vCPU / 2 GB + 30 GiB: 0.05 + 0.01 + 10 × 0.0001 = $0.061
    assert_eq!(
        task_charge(size(1024, 2 * GB), &c, 3600, 30),
        money("0.061")
    );
}

#[test]
fn serde_names() {
    let p: Platform = serde_json::from_str("\"linux-arm\"").unwrap();
    assert_eq!(p, Platform::LinuxArm);
    assert_eq!(serde_json::to_string(&p).unwrap(), "\"linux/arm64\"");
    let bad = serde_json::from_str::<Platform>("\"beos\"").unwrap_err();
    assert!(bad.to_string().contains("unknown Fargate platform `beos`"));
    let s: EksSupport = serde_json::from_str("\"extended\"").unwrap();
    assert_eq!(s, EksSupport::Extended);
    let pr: Provider = serde_json::from_str("\"FARGATE_SPOT\"").unwrap();
    assert_eq!(pr, Provider::FargateSpot);
}

// ------------------------------------------------------------------------- Fargate Spot

#[test]
fn fargate_spot_rates_and_limits() {
    let od = rates("us-east-1", Platform::LinuxX86);
    let spot = FargateSpot::default().rates(&od).unwrap();
    assert_eq!(FargateSpot::default().discount_pct, 67);
    // 0.04048 × 0.33 = 0.0133584; 0.004445 × 0.33 = 0.00146685 (exact, no rounding)
    assert_eq!(spot.per_vcpu_hour, usd("0.0133584"));
    assert_eq!(spot.per_gb_hour, usd("0.00146685"));
    assert_eq!(spot.storage_per_gb_hour, od.storage_per_gb_hour);
    assert_eq!(spot.region, "us-east-1");
    assert!(spot.source.contains("S26"));
    // The observed eu-west-1 rate $0.01334053 is 67.04 % off $0.04048: within the default.
    let observed = usd("0.01334053").nano_usd_per_hour();
    assert_eq!((40_480_000 - observed) * 100 / 40_480_000, 67);
    // 0.25 vCPU / 0.5 GB for an hour on spot: 0.0123425 × 0.33 = $0.004073025
    assert_eq!(
        task_charge(size(256, 512), &spot, 3600, 20),
        money("0.004073025")
    );
    // Rounding half up to the nano-dollar: 3 nano × 0.5 = 1.5 → 2; 5 nano × 0.5 = 2.5 → 3.
    let tiny = FargateRates::custom(
        "x",
        Platform::LinuxX86,
        Rate::from_nano_usd(3),
        Rate::from_nano_usd(5),
        Rate::ZERO,
        Rate::ZERO,
    );
    let half = FargateSpot::new(50).unwrap().rates(&tiny).unwrap();
    assert_eq!(half.per_vcpu_hour, Rate::from_nano_usd(2));
    assert_eq!(half.per_gb_hour, Rate::from_nano_usd(3));
    // ARM64 is allowed (⚠ §4.3).
    let arm = FargateSpot::default()
        .rates(&rates("us-east-1", Platform::LinuxArm))
        .unwrap();
    assert_eq!(arm.per_vcpu_hour, usd("0.0106854"));
    assert_eq!(arm.per_gb_hour, usd("0.0011748"));
    // Windows is not supported; EKS has no Fargate Spot.
    let e = err(FargateSpot::default().rates(&rates("us-east-1", Platform::Windows)));
    assert_eq!(
        e.to_string(),
        "Fargate Spot does not support windows tasks (Windows is not supported)"
    );
    assert_eq!(e.option(), "platform");
    assert_eq!(
        err(FargateSpot::check(Platform::LinuxX86, Orchestrator::Eks)),
        FargateError::SpotOnEks
    );
    assert_eq!(
        err(FargateSpot::new(100)).to_string(),
        "Fargate Spot discount of 100 % is out of range; it must be 0–99"
    );
    let bad = FargateSpot { discount_pct: 150 };
    assert!(matches!(
        err(bad.rates(&od)),
        FargateError::BadDiscount { pct: 150 }
    ));
    assert_eq!(
        FargateSpot::new(0)
            .unwrap()
            .rates(&od)
            .unwrap()
            .per_vcpu_hour,
        od.per_vcpu_hour
    );
}

// ------------------------------------------------------------------------- strategies

fn strategy(items: &[(Provider, u32, u32)]) -> Result<CapacityProviderStrategy, FargateError> {
    CapacityProviderStrategy::new(
        items
            .iter()
            .map(|&(p, b, w)| StrategyItem::new(p, b, w))
            .collect(),
    )
}

use Provider::{Fargate as F, FargateSpot as S};

#[test]
fn weights_1_and_4() {
    let s = strategy(&[(F, 0, 1), (S, 0, 4)]).unwrap();
    // One-at-a-time, lowest assigned/weight, ties to the first listed:
    // A, B, B, B, B, A, B, B, B, B, A, …
    let expect = [
        (0, 0),
        (1, 0),
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 4),
        (2, 5),
        (2, 6),
        (2, 7),
        (2, 8),
        (3, 8),
    ];
    for (n, e) in expect.iter().enumerate() {
        assert_eq!(s.split(n as u32), *e, "{n} tasks");
    }
    assert_eq!(s.split(1000), (200, 800));
    assert_eq!(s.split(1003), (201, 802));
    // Listed the other way round, the tie goes to FARGATE_SPOT first.
    let s = strategy(&[(S, 0, 4), (F, 0, 1)]).unwrap();
    assert_eq!(s.split(1), (0, 1));
    assert_eq!(s.split(5), (1, 4));
    assert_eq!(s.split(6), (1, 5));
}

#[test]
fn base_then_weights() {
    // base 2 on FARGATE + 1:1, 7 tasks: 2 base, then F S F S F → FARGATE 5, SPOT 2.
    let s = strategy(&[(F, 2, 1), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(7), (5, 2));
    assert_eq!(s.split_items(7), vec![5, 2]);
    assert_eq!(s.split(1), (1, 0), "the base is filled first");
    assert_eq!(s.split(2), (2, 0));
    assert_eq!(s.split(3), (3, 0));
    assert_eq!(s.split(4), (3, 1));
    // Same, FARGATE_SPOT listed first: 2 base on FARGATE, then S F S F S → 4 / 3.
    let s = strategy(&[(S, 0, 1), (F, 2, 1)]).unwrap();
    assert_eq!(s.split(7), (4, 3));
    assert_eq!(s.split_items(7), vec![3, 4]);
    // A base on an item with weight 0: only the base goes there.
    let s = strategy(&[(F, 3, 0), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(10), (3, 7));
    assert_eq!(s.split(2), (2, 0));
    // The common "1 on-demand base, rest spot" setup.
    let s = strategy(&[(F, 1, 0), (S, 0, 1)]).unwrap();
    assert_eq!(s.split(0), (0, 0));
    assert_eq!(s.split(20), (1, 19));
    // Weights 2:3 over 7 tasks: A B A B B (5 = one round), then A B → 3 / 4.
    let s = strategy(&[(F, 0, 2), (S, 0, 3)]).unwrap();
    assert_eq!(s.split(5), (2, 3));
    assert_eq!(s.split(7), (3, 4));
    assert_eq!(CapacityProviderStrategy::only(F).split(9), (9, 0));
}

#[test]
fn strategy_validation() {
    let msg = |r: Result<CapacityProviderStrategy, FargateError>| err(r).to_string();
    assert_eq!(
        msg(strategy(&[])),
        "a capacity provider strategy needs at least one item"
    );
    assert_eq!(
        msg(strategy(&[(F, 1, 1), (S, 2, 1)])),
        "only one item of a capacity provider strategy may set `base`"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1001)])),
        "weight 1001 of FARGATE is out of range; it must be 0–1000"
    );
    assert_eq!(
        msg(strategy(&[(S, 100_001, 1)])),
        "base 100001 of FARGATE_SPOT is out of range; it must be 0–100000"
    );
    assert_eq!(
        msg(strategy(&[(F, 5, 0), (S, 0, 0)])),
        "at least one item of a capacity provider strategy must have a weight above 0"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1), (F, 0, 2)])),
        "capacity provider FARGATE is listed twice in the strategy"
    );
    assert_eq!(
        msg(strategy(&[(F, 0, 1); 7])),
        "a capacity provider strategy has at most 6 items, not 7"
    );
    // The limits themselves are accepted.
    assert!(strategy(&[(F, 100_000, 1000), (S, 0, 0)]).is_ok());
    let c: ConfigError = err(strategy(&[])).into();
    assert_eq!(c.option, "mix-weights");
    assert_eq!(
        err("EC2".parse::<Provider>()).to_string(),
        "unknown capacity provider `EC2`; valid: FARGATE, FARGATE_SPOT"
    );
}

// ------------------------------------------------------------------------- EKS fee

#[test]
fn eks_control_plane_fee() {
    let t = at("2025-01-01T00:00:00Z");
    let month = t.plus(730 * 3600);
    assert_eq!(
        control_plane_charge(EksSupport::Standard, 1, t, month),
        money("73")
    );
    assert_eq!(
        control_plane_charge(EksSupport::Extended, 1, t, month),
        money("438")
    );
    assert_eq!(
        control_plane_charge(EksSupport::Standard, 3, t, month),
        money("219")
    );
    assert_eq!(
        control_plane_charge(EksSupport::Standard, 0, t, month),
        Money::ZERO
    );
    assert_eq!(
        control_plane_charge(EksSupport::Standard, 1, month, t),
        Money::ZERO
    );
    // Before April 2024 extended support billed the standard rate.
    let t23 = at("2023-10-01T00:00:00Z");
    assert_eq!(
        control_plane_charge(EksSupport::Extended, 1, t23, t23.plus(730 * 3600)),
        money("73")
    );
    assert_eq!(
        fee_rate(EksSupport::Extended, at("2024-03-31T23:59:59Z")),
        usd("0.10")
    );
    assert_eq!(
        fee_rate(EksSupport::Extended, at("2024-04-01T00:00:00Z")),
        usd("0.60")
    );
    assert_eq!(EXTENDED_BILLING_FROM, at("2024-04-01T00:00:00Z"));
    // Straddling the change: March 31 12:00 → April 1 12:00 = 12 h × 0.10 + 12 h × 0.60.
    assert_eq!(
        control_plane_charge(
            EksSupport::Extended,
            1,
            at("2024-03-31T12:00:00Z"),
            at("2024-04-01T12:00:00Z")
        ),
        money("8.4")
    );
    // Per second pro rata: 90 s of one standard cluster = 0.10 × 90 / 3600 = $0.0025.
    assert_eq!(
        control_plane_charge(EksSupport::Standard, 1, t, t.plus(90)),
        money("0.0025")
    );
    // The per-started-hour alternative bills 1 h for those 90 s.
    assert_eq!(
        control_plane_charge_per_started_hour(EksSupport::Standard, 1, t, t.plus(90)),
        money("0.1")
    );
    assert_eq!(
        control_plane_charge_per_started_hour(EksSupport::Extended, 1, t, month),
        money("438")
    );
}

// ------------------------------------------------------------------------- reference data

#[test]
fn generated_table_equals_fargate_task_sizes_csv() {
    use super::data::{self, FARGATE_TASK_SIZES};
    // Skipped only when the data folder is absent; a missing or unreadable file fails.
    let Some(d) = data::require(&[FARGATE_TASK_SIZES]) else {
        return;
    };
    let p = d.join(FARGATE_TASK_SIZES);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("cpu_units,vcpu,memory_mib,memory_gib,os_supported,note")
    );
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 74);
    assert_eq!(task_sizes().len(), 74);
    for (i, (row, s)) in rows.iter().zip(task_sizes()).enumerate() {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f.len(), 6, "row {}", i + 2);
        assert_eq!(f[0].parse::<u32>().unwrap(), s.cpu_units, "row {}", i + 2);
        assert_eq!(f[2].parse::<u32>().unwrap(), s.memory_mib, "row {}", i + 2);
        // vcpu and memory_gib columns, as decimals
        assert_eq!(f[1].parse::<f64>().unwrap(), s.cpu_units as f64 / 1024.0);
        assert_eq!(f[3].parse::<f64>().unwrap(), s.memory_mib as f64 / 1024.0);
        let windows = f[4].split(';').any(|o| o == "Windows");
        assert!(f[4].split(';').any(|o| o == "Linux"));
        assert_eq!(s.is_valid_for(Platform::Windows), windows, "row {}", i + 2);
        assert!(s.is_valid_for(Platform::LinuxX86) && s.is_valid_for(Platform::LinuxArm));
    }
}

// ------------------------------------------------------------------------- properties

fn platform() -> impl Strategy<Value = Platform> {
    prop_oneof![
        Just(Platform::LinuxX86),
        Just(Platform::LinuxArm),
        Just(Platform::Windows)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// round_up never returns a size smaller than the request, always returns a size of
    /// the platform's table, and returns the cheapest such size.
    #[test]
    fn round_up_is_the_cheapest_fitting_size(
        cpu in 0u32..18_000,
        mem in 0u32..126_000,
        p in platform(),
        eks in any::<bool>(),
    ) {
        let o = if eks { Orchestrator::Eks } else { Orchestrator::Ecs };
        let req = TaskRequest::from_cpu_units(cpu, mem);
        let need_mem = if eks { mem + 256 } else { mem };
        let r = rates("us-east-1", p);
        let fits: Vec<TaskSize> = valid_sizes(p)
            .filter(|s| s.cpu_units >= cpu && s.memory_mib >= need_mem)
            .collect();
        match round_up(req, p, o) {
            Ok(s) => {
                prop_assert!(s.cpu_units >= cpu && s.memory_mib >= need_mem);
                prop_assert!(task_sizes().contains(&s));
                prop_assert!(s.is_valid_for(p));
                prop_assert!(fits.iter().all(|f| r.hourly(*f) >= r.hourly(s)));
                prop_assert_eq!(Some(s), fits.iter().min().copied());
                prop_assert!(requested_vs_billed_waste(req, s, &r, 3600) >= Money::ZERO);
            }
            Err(e) => {
                let expected = fits.is_empty()
                    || (!eks && (cpu == 0 || mem == 0))
                    || (eks && p != Platform::LinuxX86);
                prop_assert!(expected, "{}", e);
            }
        }
    }

    /// The charge never decreases with run time or storage, and is additive beyond the
    /// minimum.
    #[test]
    fn charge_is_monotone_in_run_time(
        idx in 0usize..74,
        p in platform(),
        a in -100i64..200_000,
        d in 0i64..200_000,
        gib in 0u32..=200,
        w15 in any::<bool>(),
    ) {
        let sizes: Vec<TaskSize> = valid_sizes(p).collect();
        let s = sizes[idx % sizes.len()];
        let r = rates("us-east-1", p);
        let b = FargateBilling {
            windows_minimum_secs: if w15 { UNCONFIRMED_WINDOWS_MINIMUM_SECS } else { 60 },
            ..FargateBilling::default()
        };
        let ca = b.task_charge(s, &r, a, gib);
        let cb = b.task_charge(s, &r, a + d, gib);
        prop_assert!(cb >= ca);
        prop_assert!(b.task_charge(s, &r, a, gib.saturating_add(1)) >= ca);
        let min = b.minimum_secs(p);
        if a >= min {
            // exact proportionality: charge(t) × 3600 = hourly × t, for t ≥ minimum
            prop_assert_eq!(
                cb.units() * 3600,
                b.task_charge(s, &r, 3600, gib).units() * (a + d) as i128
            );
        }
    }

    /// The split assigns every task, honours the base, gives nothing to weight-0 items
    /// beyond their base, and keeps each provider within one task of its exact share.
    #[test]
    fn split_is_complete_and_proportional(
        base in 0u32..20,
        base_on_spot in any::<bool>(),
        wf in 0u32..=1000,
        ws in 0u32..=1000,
        spot_first in any::<bool>(),
        desired in 0u32..5000,
    ) {
        prop_assume!(wf + ws > 0);
        let (bf, bs) = if base_on_spot { (0, base) } else { (base, 0) };
        let mut items = vec![StrategyItem::new(F, bf, wf), StrategyItem::new(S, bs, ws)];
        if spot_first {
            items.reverse();
        }
        let st = CapacityProviderStrategy::new(items).unwrap();
        let (f, s) = st.split(desired);
        prop_assert_eq!(f + s, desired);
        let b = base.min(desired);
        let (rf, rs) = if base_on_spot { (f, s - b) } else { (f - b, s) };
        let rest = (desired - b) as u64;
        let total = (wf + ws) as u64;
        // |assigned − rest × w / Σw| < 1
        prop_assert!((rf as u64 * total).abs_diff(rest * wf as u64) < total);
        prop_assert!((rs as u64 * total).abs_diff(rest * ws as u64) < total);
        if wf == 0 { prop_assert_eq!(rf, 0); }
        if ws == 0 { prop_assert_eq!(rs, 0); }
        // Adding a task never takes one away from a provider.
        let (f2, s2) = st.split(desired + 1);
        prop_assert!(f2 >= f && s2 >= s);
    }

    /// Fargate Spot rates never exceed on-demand and are the on-demand rates times
    /// (100 − pct) / 100, rounded half up to the nano-dollar. The expectation is a
    /// second, simpler implementation (integer quotient and remainder), not the
    /// library's `Rate::scale`; arbitrary nano-dollar rates exercise the rounding (the
    /// built-in us-east-1 rates are multiples of 100 nano-dollars and never round).
    #[test]
    fn spot_rates_are_discounted(
        pct in 0u32..=99,
        p in prop_oneof![Just(Platform::LinuxX86), Just(Platform::LinuxArm)],
        vcpu_nano in 0i64..1_000_000_000,
        gb_nano in 0i64..100_000_000,
    ) {
        let keep = i64::from(100 - pct);
        let half_up = |nano: i64| {
            let (q, r) = ((nano * keep) / 100, (nano * keep) % 100);
            Rate::from_nano_usd(q + i64::from(r >= 50))
        };
        let custom = FargateRates::custom(
            "test",
            p,
            Rate::from_nano_usd(vcpu_nano),
            Rate::from_nano_usd(gb_nano),
            Rate::ZERO,
            Rate::ZERO,
        );
        for od in [rates("us-east-1", p), custom] {
            let sp = FargateSpot::new(pct).unwrap().rates(&od).unwrap();
            prop_assert!(sp.per_vcpu_hour <= od.per_vcpu_hour && sp.per_gb_hour <= od.per_gb_hour);
            prop_assert_eq!(sp.per_vcpu_hour, half_up(od.per_vcpu_hour.nano_usd_per_hour()));
            prop_assert_eq!(sp.per_gb_hour, half_up(od.per_gb_hour.nano_usd_per_hour()));
            prop_assert_eq!(sp.storage_per_gb_hour, od.storage_per_gb_hour);
        }
    }
}

// ------------------------------------------------------------ issue 8: AWS's defaults

/// The example on AWS's Fargate pricing page: 5 tasks of 1 vCPU / 2 GB running 10 minutes
/// a day for 30 days, us-east-1, Linux/x86_64. Per task-day: 1 × $0.04048 × 10/60 +
/// 2 × $0.004445 × 10/60 = $0.0082283…; × 5 tasks × 30 days = $1.23425. Through the
/// compare path with its default 60 s task start: billing runs from the image pull
/// (aws-facts.md §4.1), so the start is billed and each task pays its 10 minutes.
/// (Billing from `running` gave 9 of the 10 minutes: $1.110825.)
#[test]
fn fargate_pricing_page_example_through_compare() {
    use spotsim::compare::{CompareOptions, CompareScenario};
    use spotsim::market::StepTrace;
    use spotsim::workload::{Demand, Service};
    let sc = CompareScenario {
        compare: CompareOptions {
            tasks: Some(1),
            task_vcpu: Some(1.0),
            task_memory_gib: Some(2.0),
            hours: Some(720.0),
            options: vec!["fargate".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut cfg = sc.prepare().unwrap();
    assert_eq!(cfg.task_start_secs, 60, "compare's default task start");
    let day0 = cfg.start.secs();
    let (mut times, mut values) = (Vec::new(), Vec::new());
    for d in 0..30 {
        let t = day0 + d * 86_400 + 9 * 3600;
        times.extend([t, t + 600]);
        values.extend([5u32, 0]);
    }
    let demand = Demand::Steps(StepTrace::new(times, values).unwrap());
    cfg.services = vec![Service::new("example", 1000, 2048, demand).unwrap()];
    let r = cfg.run().unwrap();
    let f = &r.options[0];
    assert_eq!(f.option, "fargate");
    assert_eq!(f.total_cost_micro_usd, 1_234_250);
    assert!(
        (f.total_cost_usd - 1.23425).abs() < 1e-12,
        "{}",
        f.total_cost_usd
    );
    assert_eq!(r.task_hours, 25.0); // 5 × 30 × 10 min
    assert!(
        r.provenance
            .assumptions
            .iter()
            .any(|a| a.contains("from the start of the image pull")),
        "{:?}",
        r.provenance.assumptions
    );
    // The start latency does not change what is billed while it is shorter than the
    // 10 minutes: the pull is billed, the tasks stop when the 10 minutes end.
    for start in [0, 300] {
        let mut c = cfg.clone();
        c.task_start_secs = start;
        assert_eq!(c.run().unwrap().options[0].total_cost_micro_usd, 1_234_250);
    }
}

/// A region without built-in Fargate rates is refused unless its rates are given; given
/// rates price the tasks.
#[test]
fn fargate_rates_for_a_region_that_is_not_built_in() {
    use spotsim::compare::{CompareOptions, CompareScenario};
    use spotsim::pricing::fargate::FargateRateOverride;
    let sc = CompareScenario {
        compare: CompareOptions {
            tasks: Some(2),
            task_vcpu: Some(1.0),
            task_memory_gib: Some(2.0),
            hours: Some(10.0),
            task_start_latency: Some(0),
            options: vec!["fargate".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut cfg = sc.prepare().unwrap();
    cfg.region = "ap-northeast-1".into();
    let e = cfg.run().unwrap_err().to_string();
    assert!(
        e.contains("ap-northeast-1") && e.contains("fargate-vcpu-hour-usd"),
        "{e}"
    );
    cfg.fargate_rates = FargateRateOverride {
        per_vcpu_hour: Some(usd("0.05056")),
        per_gb_hour: Some(usd("0.00553")),
        ..Default::default()
    };
    let r = cfg.run().unwrap();
    // 2 tasks × 10 h × (0.05056 + 2 × 0.00553) = $1.2324.
    assert_eq!(r.options[0].total_cost_micro_usd, 1_232_400);
    let e = FargateRates::resolve(
        "ap-northeast-1",
        Platform::Windows,
        &FargateRateOverride {
            per_vcpu_hour: Some(usd("0.1")),
            per_gb_hour: Some(usd("0.01")),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.option(), "fargate-os-licence-vcpu-hour-usd");
    assert!(
        FargateBilling::default()
            .with_windows_minimum(86_401)
            .is_err()
    );
}
