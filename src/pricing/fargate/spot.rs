//! Fargate Spot: a discount on the vCPU and GB rates, ECS only, no Windows (§4.3, §2.6).

use super::*;

/// The Fargate Spot price model: a discount off the on-demand vCPU and GB rates (§4.3).
///
/// The default, 67 %, is the one observed rate (eu-west-1, about 2020: $0.01334053 per
/// vCPU-hour against $0.04048, 67.0 % off \[S26\]); AWS advertises "up to 70 %" and the
/// real rate is dynamic. Windows is not supported and Fargate Spot is ECS only (§4.3).
/// ⚠ ARM64 is allowed (the latest SDK docs allow it on platform version 1.4.0+; older
/// docs said x86_64 only).
///
/// ```
/// use spotsim::pricing::fargate::{FargateRates, FargateSpot, Platform};
/// let od = FargateRates::lookup("us-east-1", Platform::LinuxX86).unwrap();
/// let spot = FargateSpot::default().rates(&od).unwrap();
/// assert_eq!(spot.per_vcpu_hour.to_string(), "0.0133584"); // 0.04048 × 0.33
/// assert_eq!(spot.per_gb_hour.to_string(), "0.00146685"); // 0.004445 × 0.33
/// let win = FargateRates::lookup("us-east-1", Platform::Windows).unwrap();
/// assert!(FargateSpot::default().rates(&win).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FargateSpot {
    /// Discount off the on-demand vCPU and GB rates, in percent (0–99).
    pub discount_pct: u32,
}

impl Default for FargateSpot {
    fn default() -> FargateSpot {
        FargateSpot {
            discount_pct: FargateSpot::OBSERVED_DISCOUNT_PCT,
        }
    }
}

impl FargateSpot {
    /// The one observed discount, 67 % (§4.3 \[S26\]).
    pub const OBSERVED_DISCOUNT_PCT: u32 = 67;

    /// A model with `discount_pct` percent off.
    ///
    /// # Errors
    /// [`FargateError::BadDiscount`] above 99 %.
    ///
    /// ```
    /// # use spotsim::pricing::fargate::FargateSpot;
    /// assert_eq!(FargateSpot::new(70).unwrap().discount_pct, 70);
    /// assert!(FargateSpot::new(100).is_err());
    /// ```
    pub fn new(discount_pct: u32) -> Result<FargateSpot, FargateError> {
        if discount_pct > 99 {
            return Err(FargateError::BadDiscount { pct: discount_pct });
        }
        Ok(FargateSpot { discount_pct })
    }

    /// Whether a task of `platform` under `orchestrator` may run on Fargate Spot.
    ///
    /// # Errors
    /// [`FargateError::SpotOnEks`] for EKS; [`FargateError::SpotPlatform`] for Windows.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateSpot, Orchestrator, Platform};
    /// assert!(FargateSpot::check(Platform::LinuxArm, Orchestrator::Ecs).is_ok());
    /// assert!(FargateSpot::check(Platform::LinuxX86, Orchestrator::Eks).is_err());
    /// assert!(FargateSpot::check(Platform::Windows, Orchestrator::Ecs).is_err());
    /// ```
    pub fn check(platform: Platform, orchestrator: Orchestrator) -> Result<(), FargateError> {
        if orchestrator == Orchestrator::Eks {
            return Err(FargateError::SpotOnEks);
        }
        if platform == Platform::Windows {
            return Err(FargateError::SpotPlatform { platform });
        }
        Ok(())
    }

    /// The Fargate Spot rates derived from the on-demand `on_demand` rates: vCPU and GB
    /// rates times `(100 − discount_pct) / 100`, rounded half up to the nano-dollar
    /// ([`Rate::scale`]); storage and licence unchanged.
    ///
    /// # Errors
    /// [`FargateError::SpotPlatform`] for Windows; [`FargateError::BadDiscount`] if the
    /// (public) `discount_pct` field is above 99.
    ///
    /// ```
    /// use spotsim::pricing::fargate::{FargateRates, FargateSpot, Platform};
    /// let arm = FargateRates::lookup("us-east-1", Platform::LinuxArm).unwrap();
    /// let s = FargateSpot::new(70).unwrap().rates(&arm).unwrap();
    /// assert_eq!(s.per_vcpu_hour.to_string(), "0.009714"); // 0.03238 × 0.30
    /// ```
    pub fn rates(&self, on_demand: &FargateRates) -> Result<FargateRates, FargateError> {
        if self.discount_pct > 99 {
            return Err(FargateError::BadDiscount {
                pct: self.discount_pct,
            });
        }
        FargateSpot::check(on_demand.platform, Orchestrator::Ecs)?;
        let keep = 100 - self.discount_pct as i64;
        Ok(FargateRates {
            region: on_demand.region.clone(),
            platform: on_demand.platform,
            per_vcpu_hour: on_demand.per_vcpu_hour.scale(keep, 100),
            per_gb_hour: on_demand.per_gb_hour.scale(keep, 100),
            os_licence_per_vcpu_hour: on_demand.os_licence_per_vcpu_hour,
            storage_per_gb_hour: on_demand.storage_per_gb_hour,
            source: "Fargate Spot: the on-demand vCPU and GB rates less discount_pct (default \
                     67 %: eu-west-1 about 2020, $0.01334053 vs $0.04048 per vCPU-h, aws-facts \
                     §4.3 S26; AWS advertises up to 70 % and the real rate is dynamic); storage \
                     at the on-demand rate",
        })
    }
}
