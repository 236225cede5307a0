//! Memory bounds (issue 14), measured as the peak resident set of a `spotsim` child
//! process (`ru_maxrss` from `wait4`: the child's own, not other tests' processes). On
//! Linux a child's `ru_maxrss` starts at the peak of the process it was spawned from
//! (`exec` keeps the larger of the two), and this test process's peak depends on the
//! tests running beside it; so `spotsim` is spawned from a fresh, small process — this
//! test binary run again for [`rss_probe`] alone — which reports the figure. Not timed.

use std::process::{Command, Stdio};

use super::cli::scratch;

/// Runs `spotsim args` (standard output discarded) from a fresh process and returns
/// its exit code, standard error and peak resident set, KiB (`ru_maxrss`).
#[cfg(target_os = "linux")]
pub fn peak_rss_kib(args: &[&str]) -> (i32, String, i64) {
    let err = tempfile::NamedTempFile::new().expect("temp file");
    let out = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "memory::rss_probe",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SPOTSIM_RSS_PROBE", args.join("\u{1f}"))
        .env("SPOTSIM_RSS_PROBE_STDERR", err.path())
        .output()
        .expect("the probe runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.split_once("PROBE ").map(|(_, r)| r))
        .unwrap_or_else(|| {
            panic!(
                "no probe line: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let mut it = line
        .split_whitespace()
        .map(|x| x.parse::<i64>().expect("number"));
    let (code, kib) = (it.next().unwrap_or(-1), it.next().unwrap_or(-1));
    let stderr = std::fs::read_to_string(err.path()).unwrap_or_default();
    (code as i32, stderr, kib)
}

/// The fresh process of [`peak_rss_kib`]: spawns `spotsim` with the arguments it is
/// given (`\u{1f}`-separated), its standard error to the file named, reaps it with
/// `wait4` and prints `PROBE <exit code> <ru_maxrss KiB>`. Does nothing otherwise.
#[cfg(target_os = "linux")]
#[test]
fn rss_probe() {
    let (Ok(args), Ok(err)) = (
        std::env::var("SPOTSIM_RSS_PROBE"),
        std::env::var("SPOTSIM_RSS_PROBE_STDERR"),
    ) else {
        return;
    };
    let err = std::fs::File::create(err).expect("stderr file");
    let child = Command::new(env!("CARGO_BIN_EXE_spotsim"))
        .args(args.split('\u{1f}'))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .expect("spotsim runs");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: plain zeroed C struct for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid for
    // the call. The `Child` is never waited for afterwards (dropping it does not wait).
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    drop(child);
    println!("PROBE {code} {}", usage.ru_maxrss);
}

fn job_args<'a>(trace: &'a str, windows: &'a str, out: &'a str, lines: &'a str) -> Vec<&'a str> {
    vec![
        "job",
        "--trace",
        trace,
        "--convention",
        "available",
        "--work-hours",
        "4",
        "--deadline-hours",
        "8",
        "--restart-overhead-hours",
        "0.5",
        "--ondemand-price",
        "3",
        "--spot-price",
        "1",
        "--policy",
        "greedy,on-demand",
        "--mode",
        "tick",
        "--output",
        "json",
        "--windows",
        windows,
        "--out",
        out,
        "--per-window",
        lines,
    ]
}

/// `job --windows`: 40,000 windows of two policies take less than 6 MB more than 1,000
/// (the statistics keep 8 bytes a window and policy, plus the start and the baseline:
/// 32 bytes a window here, 1.2 MB; each window's line is streamed to --per-window).
/// Before issue 14 the report kept every window's line and rendered them all: about
/// 1 KB a window, 40 MB more.
#[cfg(target_os = "linux")]
#[test]
fn job_windows_memory_does_not_grow_with_the_windows() {
    let d = scratch("mem-windows");
    let t = super::reports::tick_trace(&d);
    let t = t.to_str().unwrap();
    let run = |n: &str| {
        let out = d.join(format!("r{n}.json"));
        let lines = d.join(format!("w{n}.csv"));
        let (code, _, kib) = peak_rss_kib(&job_args(
            t,
            n,
            out.to_str().unwrap(),
            lines.to_str().unwrap(),
        ));
        assert_eq!(code, 0, "job --windows {n}");
        let rows = std::fs::read_to_string(&lines).unwrap().lines().count();
        (kib, rows)
    };
    let (small, rows_small) = run("1000");
    let (big, rows_big) = run("40000");
    assert_eq!((rows_small, rows_big), (1 + 2 * 1000, 1 + 2 * 40_000));
    assert!(
        big - small < 6 * 1024,
        "peak resident set {small} KiB at 1,000 windows, {big} KiB at 40,000"
    );
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&d);
}

/// Writes `header`, then `row` repeated until the file holds at least `bytes`, then
/// `last`; returns the path and the line `last` is on.
fn big_csv(
    d: &std::path::Path,
    name: &str,
    header: &str,
    row: &str,
    bytes: usize,
    last: &str,
) -> (String, u64) {
    use std::io::Write;
    let p = d.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(header.as_bytes()).unwrap();
    let per_block = (1 << 20) / row.len();
    let block = row.repeat(per_block);
    let blocks = bytes.div_ceil(block.len());
    for _ in 0..blocks {
        f.write_all(block.as_bytes()).unwrap();
    }
    f.write_all(last.as_bytes()).unwrap();
    f.flush().unwrap();
    let line = 2 + (blocks * per_block) as u64;
    (p.display().to_string(), line)
}

/// A 200 MB advisor CSV (the same valid row over and over, so what the reader keeps
/// stays small) with a bad value on its last line: the error names that line and
/// field, and the peak resident set stays under 64 MiB — the file is streamed, never
/// held. Before issue 14 (item 3) the file was read whole: 200 MB and more.
#[cfg(target_os = "linux")]
#[test]
fn a_big_advisor_csv_is_streamed_and_a_bad_last_line_is_named() {
    let d = scratch("mem-advisor");
    let header = "region,os,instance_type,vcpu,memory_gib,interruption_band_index,interruption_band_label,interruption_band_max_pct,savings_vs_ondemand_pct\n";
    let row = "us-east-1,Linux,m5.large,2,8,1,5-10%,10,70\n";
    let (p, line) = big_csv(
        &d,
        "big.csv",
        header,
        row,
        200 << 20,
        "us-east-1,Linux,m5.xlarge,4,16,9,>20%,100,50\n",
    );
    assert!(std::fs::metadata(&p).unwrap().len() > 200 << 20);
    let (code, err, kib) = peak_rss_kib(&["types", "--advisor", &p]);
    assert_eq!(code, 1, "{err}");
    let want = format!("big.csv:{line}: field `interruption_band_index`: band index 9");
    assert!(err.contains(&want), "{err} (want {want})");
    assert!(
        kib < 64 * 1024,
        "peak resident set {kib} KiB for a 200 MB file"
    );
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&d);
}

/// The same for an availability CSV read by `job --trace` (what the reader keeps is
/// the probes: 24 bytes for each 24-byte line, so the bound is the file's size, not
/// several times it): 100 MB of valid probes, then a time that goes backwards.
#[cfg(target_os = "linux")]
#[test]
fn a_big_availability_csv_fails_at_its_bad_line_within_its_size() {
    use std::io::Write;
    let d = scratch("mem-availability");
    let p = d.join("us-east-1a_v100_1.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(b"date,availability\n").unwrap();
    // One probe a second from 2020-01-01: "2020-01-01 00:00:00,1\n" is 22 bytes.
    let mut n: u64 = 0;
    let mut written = 0usize;
    while written < 100 << 20 {
        let (day, s) = (n / 86_400, n % 86_400);
        let (month_day, month) = (day % 28, day / 28);
        let line = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{}\n",
            2020 + month / 12,
            1 + month % 12,
            1 + month_day,
            s / 3600,
            s / 60 % 60,
            s % 60,
            n % 2
        );
        written += line.len();
        f.write_all(line.as_bytes()).unwrap();
        n += 1;
    }
    f.write_all(b"2020-01-01 00:00:00,1\n").unwrap();
    f.flush().unwrap();
    drop(f);
    let bad_line = n + 2;
    let args = [
        "job",
        "--trace",
        p.to_str().unwrap(),
        "--convention",
        "available",
        "--work-hours",
        "1",
        "--deadline-hours",
        "2",
        "--restart-overhead-hours",
        "0",
        "--ondemand-price",
        "3",
        "--spot-price",
        "1",
        "--policy",
        "greedy",
    ];
    let (code, err, kib) = peak_rss_kib(&args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("us-east-1a_v100_1.csv:{bad_line}: field `date`")),
        "{err} (want line {bad_line})"
    );
    let size_kib = (written / 1024) as i64;
    assert!(
        kib < size_kib + 32 * 1024,
        "peak resident set {kib} KiB for a {size_kib} KiB file"
    );
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&d);
}
