//! Fargate Spot: interruptions and replacements.

use super::*;

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
