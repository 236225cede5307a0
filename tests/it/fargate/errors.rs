//! Impossible task sizes and bad options: errors naming what is wrong.

use super::*;

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
