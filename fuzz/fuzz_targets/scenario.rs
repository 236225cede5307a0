//! Fuzz target `scenario`: any bytes give a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Scenario TOML of every command (non-UTF-8 input is the loader's, tested elsewhere).
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = spotsim::scenario::Scenario::from_toml_str(text, "s.toml") {
        assert!(!e.to_string().contains('\n'));
    }
    if let Err(e) = spotsim::compare::CompareScenario::from_toml_str(text, "s.toml") {
        assert!(!e.to_string().contains('\n'));
    }
    if let Err(e) = spotsim::job::JobScenario::from_toml_str(text, "s.toml") {
        assert!(!e.to_string().contains('\n'));
    }
});
