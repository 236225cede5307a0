//! The strategy configuration enum: unknown names and parameters, bad values, round trips.

use super::*;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Wrapper {
    strategy: StrategySpec,
}

fn toml_err(text: &str) -> String {
    toml::from_str::<Wrapper>(text).unwrap_err().to_string()
}

#[test]
fn an_unknown_strategy_name_lists_the_valid_ones() {
    let e = toml_err("[strategy]\nname = \"lowest-prise\"");
    assert!(e.contains("unknown variant `lowest-prise`"), "{e}");
    for n in StrategySpec::NAMES {
        assert!(e.contains(&format!("`{n}`")), "{e} lacks {n}");
    }
    let e = serde_json::from_str::<StrategySpec>(r#"{"name": "fastest"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected one of `lowest-price`"), "{e}");
    let e = StrategySpec::parse_name("lowest-prise").unwrap_err();
    assert_eq!(e.option, "strategy");
    for n in StrategySpec::NAMES {
        assert!(e.message.contains(n), "{e}");
    }
    assert!("price-capacity-optimized".parse::<StrategySpec>().is_ok());
}

#[test]
fn an_unknown_parameter_lists_the_valid_ones() {
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npool = 2");
    assert!(e.contains("unknown field `pool`"), "{e}");
    for f in ["pools", "pool-scope", "price-replacement", "az-balance"] {
        assert!(e.contains(&format!("`{f}`")), "{e} lacks {f}");
    }
    let e = toml_err("[strategy]\nname = \"capacity-optimized\"\npools = 2");
    assert!(
        e.contains("unknown field `pools`") && e.contains("`az-balance`"),
        "{e}"
    );
    let e = toml_err("[strategy]\nname = \"price-capacity-optimized\"\npriorities = []");
    assert!(e.contains("`capacity-tier`"), "{e}");
    let e = toml_err("[strategy]\npools = 2");
    assert!(e.contains("missing field `name`"), "{e}");
}

#[test]
fn bad_parameter_values_are_errors() {
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npools = 0");
    assert!(e.contains("`pools` must be at least 1"), "{e}");
    let e = toml_err("[strategy]\nname = \"lowest-price\"\npool-scope = \"zone\"");
    assert!(e.contains("`fleet`") && e.contains("`per-az`"), "{e}");
    for bad in ["0.0", "1.5", "-0.5", "nan"] {
        let e = toml_err(&format!(
            "[strategy]\nname = \"price-capacity-optimized\"\ncapacity-tier = {bad}"
        ));
        assert!(e.contains("capacity-tier"), "{bad}: {e}");
    }
    assert!(toml::from_str::<Wrapper>("[strategy]\nname = \"lowest-price\"\npools = -1").is_err());
    // Specs built in code are checked by validate(), and build() never panics.
    let s = StrategySpec::LowestPrice {
        pools: Some(0),
        pool_scope: PoolScope::Fleet,
        price_replacement: None,
        az_balance: false,
    };
    assert_eq!(s.validate().unwrap_err().option, "pools");
    assert_eq!(s.build(&[]).name(), "lowest-price(pools=1)");
    let s = StrategySpec::PriceCapacityOptimized {
        capacity_tier: Some(f64::NAN),
        az_balance: false,
    };
    assert_eq!(s.validate().unwrap_err().option, "capacity-tier");
    assert_eq!(s.build(&[]).name(), "price-capacity-optimized");
    assert!(PriceCapacityOptimized::with_capacity_tier(1.01).is_err());
    assert!(
        CapacityOptimizedPrioritized::new(vec![])
            .with_capacity_tier(0.0)
            .is_err()
    );
}

#[test]
fn specs_parse_build_and_round_trip() {
    let all = [
        ("name = \"lowest-price\"", "lowest-price"),
        (
            "name = \"lowest-price\"\npools = 3",
            "lowest-price(pools=3)",
        ),
        (
            "name = \"lowest-price\"\npools = 2\npool-scope = \"per-az\"\naz-balance = true",
            "lowest-price(pools=2,per-az)+az-balance",
        ),
        ("name = \"capacity-optimized\"", "capacity-optimized"),
        (
            "name = \"capacity-optimized-prioritized\"\npriorities = [\"c5.large\"]",
            "capacity-optimized-prioritized",
        ),
        (
            "name = \"price-capacity-optimized\"",
            "price-capacity-optimized",
        ),
        (
            "name = \"price-capacity-optimized\"\ncapacity-tier = 0.25",
            "price-capacity-optimized(tier=0.25)",
        ),
        (
            "name = \"diversified\"\naz-balance = true",
            "diversified+az-balance",
        ),
        ("name = \"on-demand\"", "on-demand"),
    ];
    for (text, name) in all {
        let s = spec(text);
        assert!(s.validate().is_ok(), "{text}");
        assert_eq!(s.build(&[]).name(), name, "{text}");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<StrategySpec>(&json).unwrap(),
            s,
            "{json}"
        );
        assert_eq!(StrategySpec::parse_name(s.name()).unwrap().name(), s.name());
    }
    let s = spec("name = \"lowest-price\"\nprice-replacement = false\npools = 2");
    assert_eq!(
        s.to_string(),
        "lowest-price pools=2 pool-scope=fleet price-replacement=false"
    );
    assert_eq!(
        StrategySpec::default(),
        StrategySpec::parse_name("lowest-price").unwrap()
    );
    assert_eq!(StrategySpec::NAMES.len(), 6);
}
