//! The price tables of `../shared/data` against the built-in ones.

use super::*;

#[test]
fn generated_table_equals_fargate_task_sizes_csv() {
    use crate::data::{self, FARGATE_TASK_SIZES};
    // Skipped only when the data folder is absent; a missing or unreadable file fails.
    let Some(d) = data::require(&[FARGATE_TASK_SIZES]) else {
        return;
    };
    let p = d.join(FARGATE_TASK_SIZES);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("cpu_units,vcpu,memory_mib,memory_gib,os_supported,note")
    );
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 74);
    assert_eq!(task_sizes().len(), 74);
    for (i, (row, s)) in rows.iter().zip(task_sizes()).enumerate() {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f.len(), 6, "row {}", i + 2);
        assert_eq!(f[0].parse::<u32>().unwrap(), s.cpu_units, "row {}", i + 2);
        assert_eq!(f[2].parse::<u32>().unwrap(), s.memory_mib, "row {}", i + 2);
        // vcpu and memory_gib columns, as decimals
        assert_eq!(f[1].parse::<f64>().unwrap(), s.cpu_units as f64 / 1024.0);
        assert_eq!(f[3].parse::<f64>().unwrap(), s.memory_mib as f64 / 1024.0);
        let windows = f[4].split(';').any(|o| o == "Windows");
        assert!(f[4].split(';').any(|o| o == "Linux"));
        assert_eq!(s.is_valid_for(Platform::Windows), windows, "row {}", i + 2);
        assert!(s.is_valid_for(Platform::LinuxX86) && s.is_valid_for(Platform::LinuxArm));
    }
}
