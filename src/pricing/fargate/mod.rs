//! AWS Fargate and Fargate Spot pricing (aws-facts.md §4, §2.6 and §6.5).
//!
//! Every number and rule here names its section of `reference/aws-facts.md` and, through
//! it, its sources (`[Sx]`, listed in §S of that file).
//!
//! # Billing (§4.1, §4.5, §4.6)
//!
//! * A task is billed from the start of its image download until it terminates, **rounded
//!   up to the whole second** — by the caller: every function here takes whole seconds;
//!   [`billed_span`] is that span for a task requested (image pull started) at one instant
//!   and stopped at another, so a task start latency is billed.
//! * You pay for the vCPU and memory you **request** (the task size), not what the task
//!   uses: `per_vcpu_hour × cpu_units / 1024 + per_gb_hour × memory_mib / 1024` per hour.
//!   "GB" in AWS's Fargate rates is a GiB (1024 MiB) of task memory; this module writes
//!   GB, as AWS does, and always means 1024 MiB.
//! * **Minimum charge: 1 minute** per task on Linux \[S20-jp, S22, S23\].
//! * **Windows** pays a higher vCPU and GB rate **plus** an OS licence fee per vCPU-hour
//!   (§4.6). ⚠ §4.6 also reports a 15-minute minimum for Windows, *unconfirmed* there.
//!   [`FargateBilling::default`] applies it ([`UNCONFIRMED_WINDOWS_MINIMUM_SECS`], 900 s),
//!   as AWS's default as far as §4.6 knows; set [`FargateBilling::windows_minimum_secs`]
//!   (or [`FargateBilling::with_windows_minimum`]) to model another, e.g. 60.
//! * Rates for a Region that is not built in are given with [`FargateRateOverride`]
//!   ([`FargateRates::resolve`]).
//! * **Ephemeral storage** (§4.5): 20 GiB is free; only GiB configured above 20 are
//!   billed, at `storage_per_gb_hour`; at most 200 GiB ([`check_ephemeral_gib`]).
//! * Money is exact ([`crate::money`]): a charge is an integer product of nano-dollar
//!   rates, CPU units or MiB, and seconds, never a float.
//!
//! # Rates (§4.2)
//!
//! [`FargateRates::lookup`] knows us-east-1 for all three platforms, and us-west-2 and
//! eu-west-1 for Linux/x86_64 only (the same rates as us-east-1, ⚠ partly confirmed);
//! anything else is an error naming what is known — never a silent default. Each entry's
//! `source` string cites its sources and confidence. [`FargateRates::custom`] takes
//! user-given rates.
//!
//! # Sizes (§4.4)
//!
//! The 74 valid task-level CPU/memory combinations are **generated** from the rules of
//! §4.4 ([`task_sizes`]); a test checks them against `data/pricing/fargate_task_sizes.csv`.
//! Windows runs only the 1, 2 and 4 vCPU sizes; 8 and 16 vCPU need Linux on platform
//! version 1.4.0 or later (platform versions are not modelled: the current default,
//! `LATEST`, is 1.4.0). ARM64 is assumed to offer the same sizes as x86_64 (§4.4 does not
//! distinguish them).
//!
//! [`round_up`] picks the **smallest** valid size holding a request. "Smallest" is defined
//! as the **cheapest at the platform's rates** (the built-in us-east-1 rates of that
//! platform), ties broken by fewer CPU units, then less memory. Because every memory step
//! of a larger CPU size is a whole multiple of the steps of the smaller sizes (§4.4), this
//! is also the lexicographically smallest `(cpu, memory)` that fits, at *any* non-negative
//! rates — so the choice does not depend on the region (tested exhaustively).
//!
//! * **ECS**: the task definition must name a valid combination (ECS rejects others, §4.4
//!   \[S33\]; [`TaskSize::new`] validates exactly); [`round_up`] with
//!   [`Orchestrator::Ecs`] models sizing a task to the smallest combination that holds
//!   its containers. A request of 0 CPU units or 0 MiB is an error.
//! * **EKS** (§4.4 \[S5\]): the pod request is the larger of the largest init container and
//!   the sum of the long-running containers ([`TaskRequest::eks_pod`]); Fargate adds
//!   **256 MiB** for the kubelet, kube-proxy and containerd, then rounds **up**. A pod
//!   requesting nothing gets 0.25 vCPU / 0.5 GB. EKS on Fargate runs **Linux/x86_64
//!   only** (§4.1).
//!
//! # Fargate Spot (§4.3, §2.6)
//!
//! [`FargateSpot`] applies a discount to the vCPU and GB rates (storage is not
//! discounted). The default, **67 %**, is the one observed rate: eu-west-1, about 2020,
//! $0.01334053 per vCPU-hour against $0.04048, i.e. 67.0 % off \[S26\]; AWS advertises "up
//! to 70 %" and the real rate is dynamic. Windows is **not supported**; Fargate Spot is
//! **ECS only**. ⚠ ARM64: older docs say Fargate Spot is x86_64 only, the latest SDK
//! docs allow ARM64 on platform version 1.4.0+ \[S13, S30\]; it is allowed here.
//!
//! # Capacity-provider strategies (§6.5)
//!
//! [`CapacityProviderStrategy`] validates a `FARGATE`/`FARGATE_SPOT` strategy and splits
//! a desired task count. AWS does not document the rounding of the weight split; the rule
//! here is documented on [`CapacityProviderStrategy::split`].

mod billing;
mod capacity_provider;
mod error;
mod platform;
mod rates;
mod sizes;
mod spot;

pub use billing::*;
pub use capacity_provider::*;
pub use error::*;
pub use platform::*;
pub use rates::*;
pub use sizes::*;
pub use spot::*;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ConfigError;
use crate::money::{Money, MoneyError, NANO_PER_USD, Rate};
/// The crate's one task request type (CPU in millicores; [`TaskRequest::cpu_units`]
/// gives Fargate's CPU units), re-exported where Fargate sizing takes it.
pub use crate::workload::TaskRequest;

/// CPU units in one vCPU (ECS task `cpu` field, §4.4).
pub const CPU_UNITS_PER_VCPU: u32 = 1024;
/// MiB in one GB of Fargate task memory (AWS bills GiB and calls them GB, §4.2).
pub const MIB_PER_GB: u32 = 1024;
/// Memory Fargate adds to an EKS pod's request before rounding (256 MB, §4.4 \[S5\]).
pub const EKS_MEMORY_OVERHEAD_MIB: u32 = 256;
/// Ephemeral storage included free of charge, in GiB (§4.5).
pub const FREE_EPHEMERAL_GIB: u32 = 20;
/// The largest ephemeral storage a task may configure, in GiB (§4.5).
pub const MAX_EPHEMERAL_GIB: u32 = 200;
/// The minimum billed duration of a Linux task, in seconds (§4.1).
pub const LINUX_MINIMUM_SECS: i64 = 60;
/// The Windows minimum of 15 minutes (§4.6, ⚠ unconfirmed there, §9 item 1); the default
/// of [`FargateBilling`].
pub const UNCONFIRMED_WINDOWS_MINIMUM_SECS: i64 = 900;
/// The number of valid task-level CPU/memory combinations (§4.4).
pub const TASK_SIZE_COUNT: usize = 74;

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Rate {
        Rate::parse_usd(s).unwrap()
    }

    #[test]
    fn generated_table_matches_rules() {
        let s = task_sizes();
        assert_eq!(s.len(), 74);
        let per_cpu = |c: u32| s.iter().filter(|t| t.cpu_units == c).count();
        assert_eq!(
            [256, 512, 1024, 2048, 4096, 8192, 16384].map(per_cpu),
            [3, 4, 7, 13, 23, 12, 12]
        );
        assert!(s.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert_eq!(valid_sizes(Platform::Windows).count(), 43);
        assert!(valid_sizes(Platform::Windows).all(|t| t.cpu_units >= 1024 && t.cpu_units <= 4096));
        for t in s {
            assert!(t.is_valid_for(Platform::LinuxX86));
            assert_eq!(
                t.is_valid_for(Platform::Windows),
                (1024..=4096).contains(&t.cpu_units)
            );
        }
    }

    #[test]
    fn fmt_per_1024_is_exact() {
        assert_eq!(fmt_per_1024(256), "0.25");
        assert_eq!(fmt_per_1024(1), "0.0009765625");
        assert_eq!(fmt_per_1024(308), "0.30078125");
        assert_eq!(fmt_per_1024(20 * 1024), "20");
        assert_eq!(fmt_per_1024(0), "0");
    }

    #[test]
    fn cheapest_equals_lexicographic_for_any_rates() {
        // Over a grid of requests and several rate ratios (including extreme ones), the
        // cheapest fitting size is the lexicographically smallest fitting size.
        let ratios = [
            (1, 0),
            (0, 1),
            (1, 1),
            (40_480, 4_445),
            (1, 1000),
            (1000, 1),
        ];
        for p in Platform::ALL {
            for cpu in (0..=16384u32).step_by(64) {
                for mem in (0..=122_880u32).step_by(256) {
                    let fits: Vec<TaskSize> = valid_sizes(p)
                        .filter(|s| s.cpu_units >= cpu && s.memory_mib >= mem)
                        .collect();
                    let Some(lex) = fits.iter().min().copied() else {
                        continue;
                    };
                    for (a, b) in ratios {
                        let cost = |s: &TaskSize| a * s.cpu_units as u64 + b * s.memory_mib as u64;
                        let cheapest = fits.iter().map(cost).min().unwrap();
                        assert_eq!(cost(&lex), cheapest, "{p} {cpu} {mem} {a}:{b}");
                    }
                }
            }
        }
    }

    #[test]
    fn rates_table_values() {
        let r = FargateRates::lookup("US-EAST-1", Platform::LinuxArm).unwrap();
        assert_eq!(r.region, "us-east-1");
        assert_eq!(r.per_vcpu_hour, usd("0.03238"));
        assert_eq!(r.per_gb_hour, usd("0.00356"));
        assert_eq!(r.storage_per_gb_hour, usd("0.000111"));
        let w = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
        assert_eq!(w.per_vcpu_hour, usd("0.09148"));
        assert_eq!(w.per_gb_hour, usd("0.01005"));
        assert_eq!(w.os_licence_per_vcpu_hour, usd("0.046"));
        for reg in ["us-west-2", "eu-west-1"] {
            let r = FargateRates::lookup(reg, Platform::LinuxX86).unwrap();
            assert_eq!(r.per_vcpu_hour, usd("0.04048"));
            assert_eq!(r.per_gb_hour, usd("0.004445"));
            assert!(r.source.contains("PARTLY CONFIRMED"));
        }
    }

    #[test]
    fn error_options_map_to_config_errors() {
        let e: ConfigError = FargateError::NoRates {
            region: "mars-1".into(),
            platform: Platform::LinuxX86,
        }
        .into();
        assert_eq!(e.option, "region");
        assert!(e.message.contains("`mars-1`"));
        let e: ConfigError = FargateError::AllWeightsZero.into();
        assert_eq!(e.option, "mix-weights");
    }

    #[test]
    fn split_large_counts_fast_and_exact() {
        let s = CapacityProviderStrategy::new(vec![
            StrategyItem::new(Provider::Fargate, 100_000, 999),
            StrategyItem::new(Provider::FargateSpot, 0, 1000),
        ])
        .unwrap();
        let (a, b) = s.split(u32::MAX);
        assert_eq!(a as u64 + b as u64, u32::MAX as u64);
        let left = u32::MAX as u64 - 100_000;
        let rounds = left / 1999;
        assert!(a as u64 >= 100_000 + rounds * 999 && b as u64 >= rounds * 1000);
    }
}
