//! Scenario values written as text: RFC 3339 times and max prices (`0.05`, `70%`,
//! `none`).

use super::*;

pub(super) fn parse_time(option: &str, s: &str) -> Result<SimTime, ConfigError> {
    SimTime::parse_rfc3339(s).map_err(|e| ConfigError::new(option, format!("`{s}`: {e}")))
}

/// `"0.05"` → $0.05/h; `"70%"` → 70 % of each pool's on-demand price.
pub(super) fn parse_max_price(s: &str) -> Result<MaxPrice, ConfigError> {
    let bad = |why: String| ConfigError::new("max-price", format!("`{s}`: {why}"));
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxPrice::NoCap);
    }
    if let Some(p) = s.trim().strip_suffix('%') {
        let v: u32 = p
            .trim()
            .parse()
            .map_err(|_| bad("expected a whole percentage such as 70%".into()))?;
        if v == 0 {
            return Err(bad("must be above 0%".into()));
        }
        return Ok(MaxPrice::PctOfOnDemand(v));
    }
    let r = Rate::parse_usd(s).map_err(|e| bad(e.to_string()))?;
    // aws-facts.md §1.5: the minimum SpotMaxPrice is 0.001.
    if r < Rate::from_nano_usd(1_000_000) {
        return Err(bad("AWS's minimum max price is $0.001".into()));
    }
    Ok(MaxPrice::Usd(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_price_forms() {
        assert_eq!(parse_max_price("70%").unwrap(), MaxPrice::PctOfOnDemand(70));
        assert_eq!(parse_max_price("none").unwrap(), MaxPrice::NoCap);
        assert_eq!(
            parse_max_price("0.05").unwrap(),
            MaxPrice::Usd(Rate::parse_usd("0.05").unwrap())
        );
        assert!(parse_max_price("0.0001").is_err());
        assert!(parse_max_price("cheap").is_err());
    }
}
