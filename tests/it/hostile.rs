//! Hostile input and hostile file systems (issue 14): `--out` writes regular files
//! only and never an input, sizes are bounded at parse time, errors stay one line.
//! Every test works inside its own temp directory.

use std::path::Path;
use std::process::Output;

use super::cli::{run, scratch};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args`, expects exit 1 with one line on stderr, and returns the line.
pub fn err1(args: &[&str]) -> String {
    let o = run(args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    assert!(!e.contains("panicked"), "{e}");
    e.trim_end().to_string()
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const PRICES: &str = "AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\nus-east-1a,m5.large,Linux/UNIX,0.05,2024-01-01T00:00:00Z\nus-east-1a,m5.large,Linux/UNIX,0.06,2024-01-02T00:00:00Z\n";

#[cfg(unix)]
#[test]
fn out_onto_a_fifo_is_refused_and_the_fifo_stays() {
    use std::os::unix::fs::FileTypeExt;
    let d = scratch("fifo");
    let fifo = d.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo unavailable");
        return;
    }
    let e = err1(&["run", "--quiet", "--out", fifo.to_str().unwrap()]);
    assert!(e.contains("is a FIFO"), "{e}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(names(&d), ["pipe"], "nothing else written");
}

#[cfg(unix)]
#[test]
fn out_onto_a_socket_or_directory_is_refused() {
    let d = scratch("sock");
    let sock = d.join("s");
    let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let e = err1(&["types", "--vcpu", "2", "--out", sock.to_str().unwrap()]);
    assert!(e.contains("is a socket"), "{e}");
    let e = err1(&["run", "--quiet", "--out", d.to_str().unwrap()]);
    assert!(e.contains("is a directory"), "{e}");
    assert_eq!(names(&d), ["s"]);
}

#[test]
fn out_onto_an_input_is_refused_and_the_input_kept() {
    let d = scratch("outin");
    let p = d.join("p.csv");
    std::fs::write(&p, PRICES).unwrap();
    let ps = p.to_str().unwrap();
    let e = err1(&["run", "--quiet", "--prices", ps, "--out", ps]);
    assert!(
        e.contains("option `out`") && e.contains("is also an input"),
        "{e}"
    );
    // Spelled another way: still the same file.
    let other = d.join(".").join("p.csv");
    err1(&[
        "run",
        "--quiet",
        "--prices",
        ps,
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), PRICES);
    // The scenario file itself.
    let sc = d.join("s.toml");
    std::fs::write(&sc, format!("prices = [\"p.csv\"]\nout = \"s.toml\"\n")).unwrap();
    let e = err1(&["run", "--quiet", sc.to_str().unwrap()]);
    assert!(e.contains("is also an input"), "{e}");
    assert_eq!(names(&d), ["p.csv", "s.toml"]);
}

#[test]
fn out_dash_is_standard_output() {
    let o = run(&["types", "--vcpu", "2", "--names", "--out", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("m5.large"));
    assert!(!Path::new("-").exists());
}

#[cfg(unix)]
#[test]
fn a_file_size_limit_fails_the_write_and_leaves_no_temp_file() {
    // SIGXFSZ killed spotsim 0.1 with its temp file left behind; it now fails the
    // write with EFBIG, removes the temp file and exits 1 with one line.
    let d = scratch("xfsz");
    let target = d.join("r.json");
    let script = format!(
        "ulimit -f 1 && exec \"$0\" run --quiet --output json --out '{}'",
        target.display()
    );
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_spotsim"))
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("r.json: cannot write"), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(names(&d).is_empty(), "{:?}", names(&d));
}
