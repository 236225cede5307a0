//! The EKS cluster fee.

use super::*;

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
