//! The OpenMetrics sink's sorted-run merge.

use super::*;

#[test]
fn openmetrics_runs_spilled_to_disk_merge_into_the_same_file() {
    let dir = scratch("om-merge");
    let write = |path: &Path, run: usize| {
        let mut s = OpenMetricsSink::with_run(path, run);
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            let dims = Dims {
                by: Dimension::Pool,
                pairs: vec![("InstanceType", (*name).into())],
            };
            for t in 0..5 {
                let points = [
                    Point {
                        metric: Metric::RunningCapacity,
                        stats: Stats::single((t + i) as f64),
                        exact_sum: 0,
                    },
                    Point {
                        metric: Metric::Launches,
                        stats: Stats::single(1.0),
                        exact_sum: 1,
                    },
                ];
                s.record(&Record {
                    timestamp: SimTime(t as i64 * 60),
                    period_secs: 60,
                    covered_secs: 60,
                    dims: &dims,
                    exported: true,
                    points: &points,
                })
                .unwrap();
            }
        }
        s.finish().unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    let big = write(&dir.join("big.om"), 1 << 20);
    let small = write(&dir.join("small.om"), 4);
    assert_eq!(big, small);
    // Families, then series, contiguous; counters accumulate.
    let lines: Vec<&str> = big.lines().collect();
    assert_eq!(lines[0], "# TYPE spotsim_running_capacity gauge");
    assert!(big.contains("spotsim_launches_total{instance_type=\"c\"} 5 240\n"));
    let family_starts = lines.iter().filter(|l| l.starts_with("# TYPE")).count();
    assert_eq!(family_starts, 2);
    assert_eq!(*lines.last().unwrap(), "# EOF");
    let names: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let mut runs = names.clone();
    runs.dedup();
    assert_eq!(runs.len(), 6, "each series written whole: {runs:?}");
    // No spill or temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
