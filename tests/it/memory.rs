//! Memory bounds (issue 14), measured as the peak resident set of a `spotsim` child
//! process: `wait4` returns the child's own resource usage, so other tests' processes
//! never count. Peaks are compared between a small and a large run of the same
//! command, so what the binary itself and the allocator take cancels out. Not timed.

use std::process::{Command, Stdio};

use super::cli::scratch;

/// Runs `spotsim args` (output discarded) and returns its exit code and peak resident
/// set, KiB (`ru_maxrss`).
#[cfg(target_os = "linux")]
pub fn peak_rss_kib(args: &[&str]) -> (i32, i64) {
    let child = Command::new(env!("CARGO_BIN_EXE_spotsim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
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
    (code, usage.ru_maxrss)
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
        let (code, kib) = peak_rss_kib(&job_args(
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
}
