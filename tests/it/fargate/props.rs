//! Property tests.

use super::*;
use Provider::{Fargate as F, FargateSpot as S};

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
