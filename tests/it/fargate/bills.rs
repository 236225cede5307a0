//! Fargate and Fargate Spot bills, hand-computed.

use super::*;

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
