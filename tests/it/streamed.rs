//! The JSON formats that were read whole until issue 14 (job spot traces, get-products
//! JSON), streamed: big generated files (over 50 MB, in the test's temp directory) read
//! in a fresh child process (this test binary run again for [`stream_child`]), which
//! reports the bytes it read (`rchar` of `/proc/self/io`) and its peak resident set
//! (`VmHWM`). A bad value early fails having read little; a valid file peaks well under
//! its size. The file and bytes entry points give the same result or error. Not timed.

use std::io::Write;
use std::path::{Path, PathBuf};

use spotsim::ingest::pricelist::{read_catalog_bytes, read_catalog_file};
use spotsim::job::{Convention, TraceOptions, read_spot_trace, read_spot_trace_bytes};

fn scratch(name: &str) -> PathBuf {
    super::cli::scratch(name)
}

/// Reads `path` as `kind` (`trace` or `catalog`): the result in one line.
fn read(kind: &str, path: &Path) -> String {
    match kind {
        "trace" => match read_spot_trace(path, &TraceOptions::new(Convention::Available)) {
            Ok(t) => format!("ok {} ticks {}", t.ticks(), t.source.sha256),
            Err(e) => format!("err {e}"),
        },
        _ => match read_catalog_file(path, None) {
            Ok(c) => format!("ok {} {}", c.region(), c.source()),
            Err(e) => format!("err {e}"),
        },
    }
}

/// A `/proc/self/...` figure: the number after `key`.
fn proc_figure(file: &str, key: &str) -> u64 {
    let text = std::fs::read_to_string(file).expect("/proc");
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the figure")
}

/// The child of [`child`]: reads the file named and prints `CHILD <bytes read> <peak
/// KiB> <result>`. Does nothing otherwise.
#[test]
fn stream_child() {
    let Ok(spec) = std::env::var("SPOTSIM_STREAM_CHILD") else {
        return;
    };
    let (kind, path) = spec.split_once(':').expect("kind:path");
    let before = proc_figure("/proc/self/io", "rchar:");
    let result = read(kind, Path::new(path));
    let read_bytes = proc_figure("/proc/self/io", "rchar:") - before;
    let peak = proc_figure("/proc/self/status", "VmHWM:");
    println!("CHILD {read_bytes} {peak} {result}");
}

/// Runs [`stream_child`] on `path`: bytes read, peak resident set (KiB), result.
fn child(kind: &str, path: &Path) -> (u64, u64, String) {
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "streamed::stream_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SPOTSIM_STREAM_CHILD", format!("{kind}:{}", path.display()))
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.split_once("CHILD ").map(|x| x.1))
        .unwrap_or_else(|| {
            panic!(
                "no child line: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let mut it = line.splitn(3, ' ');
    let read_bytes = it.next().unwrap().parse().unwrap();
    let peak = it.next().unwrap().parse().unwrap();
    (read_bytes, peak, it.next().unwrap_or_default().to_string())
}

fn measurable() -> bool {
    let ok = Path::new("/proc/self/io").exists() && Path::new("/proc/self/status").exists();
    if !ok {
        println!("skipped: no /proc/self/io (bytes read and peak memory are measured on Linux)");
    }
    ok
}

/// A pretty-printed spot trace of `ticks` ticks of value 1, each on its own line
/// indented by 20 spaces (as `json.dump(indent=…)` writes nested arrays), with tick
/// `bad` (if any) -1.
fn trace(ticks: usize, bad: Option<usize>) -> Vec<u8> {
    let mut b = Vec::with_capacity(ticks * 24 + 100);
    b.extend_from_slice(
        b"{\n  \"metadata\": {\"gap_seconds\": 600, \"zone\": \"us-west-2a\"},\n  \"data\": [\n",
    );
    let pad = " ".repeat(20);
    for i in 0..ticks {
        b.extend_from_slice(pad.as_bytes());
        b.extend_from_slice(if Some(i) == bad { b"-1" } else { b"1" });
        b.extend_from_slice(if i + 1 < ticks { b",\n" } else { b"\n" });
    }
    b.extend_from_slice(b"  ]\n}\n");
    b
}

/// A get-products page of `n` copies of one product (a valid overlap: the same price),
/// one string a line, with product `bad` (if any) priced at -1.
fn products(n: usize, bad: Option<usize>) -> Vec<u8> {
    let product = |price: &str| {
        serde_json::to_string(&format!(
            r#"{{"product":{{"productFamily":"Compute Instance","attributes":{{"instanceType":"m5.large","operatingSystem":"Linux","tenancy":"Shared","preInstalledSw":"NA","capacitystatus":"Used","regionCode":"eu-west-3","vcpu":"2","memory":"8 GiB","physicalProcessor":"Intel Xeon Platinum 8175","licenseModel":"No License required","marketoption":"OnDemand"}}}},"terms":{{"OnDemand":{{"ABCDEFGH.JRTCKXETXF":{{"priceDimensions":{{"ABCDEFGH.JRTCKXETXF.6YS6EN2CT7":{{"unit":"Hrs","pricePerUnit":{{"USD":"{price}"}},"description":"$0.112 per On Demand Linux m5.large Instance Hour"}}}},"sku":"ABCDEFGH","effectiveDate":"2024-01-01T00:00:00Z"}}}}}}}}"#
        ))
        .unwrap()
    };
    let (good, worse) = (product("0.1120000000"), product("-1"));
    let mut b = Vec::with_capacity(n * (good.len() + 8) + 100);
    b.extend_from_slice(b"{\"FormatVersion\": \"aws_v1\", \"PriceList\": [\n");
    for i in 0..n {
        b.extend_from_slice(b"  ");
        b.extend_from_slice(if Some(i) == bad { &worse } else { &good }.as_bytes());
        b.extend_from_slice(if i + 1 < n { b",\n" } else { b"\n" });
    }
    b.extend_from_slice(b"], \"NextToken\": null}\n");
    b
}

fn write(d: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = d.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    p
}

/// Reads, in the child, a small valid file (`small`, for the base peak), a big one
/// with a bad value early (`bad`, whose error must be `err FILE:` + `bad_err`) and a
/// big valid one (`good`, whose result must start with `ok_start`); checks the big
/// files are over 50 MB, that the bad one failed having read under 3 MiB and that the
/// good one peaked less than `size / below` above the small one. Returns the good
/// one's result.
fn big(
    kind: &str,
    name: &str,
    [small, bad, good]: [Vec<u8>; 3],
    bad_err: &str,
    ok_start: &str,
    below: u64,
) -> String {
    let d = scratch(&format!("streamed-{kind}"));
    let (_, base, r) = child(kind, &write(&d, &format!("{name}_small.json"), &small));
    assert!(r.starts_with("ok "), "{r}");
    let size = bad.len() as u64;
    assert!(size > 50 << 20, "{size}");
    let p = write(&d, &format!("{name}_bad.json"), &bad);
    drop(bad);
    let (read_bytes, _, r) = child(kind, &p);
    assert_eq!(r, format!("err {}:{bad_err}", p.display()));
    println!(
        "{kind}: bad value early in a {size}-byte file: failed after reading {read_bytes} bytes"
    );
    assert!(read_bytes < 3 << 20, "read {read_bytes} bytes of {size}");
    let size = good.len() as u64;
    let p = write(&d, &format!("{name}_good.json"), &good);
    drop(good);
    let (read_bytes, peak, r) = child(kind, &p);
    assert!(r.starts_with(ok_start), "{r} (want {ok_start})");
    assert!(read_bytes >= size, "read {read_bytes} bytes of {size}");
    let above = peak.saturating_sub(base) * 1024;
    println!(
        "{kind}: valid {size}-byte file: peak {peak} KiB, {base} KiB for a small one: {:.3} x the file above it",
        above as f64 / size as f64
    );
    assert!(
        above < size / below,
        "peak {peak} KiB, base {base} KiB, file {size} B"
    );
    let _ = std::fs::remove_dir_all(&d);
    r
}

/// A 60 MB spot trace with a negative tick on its 1,001st line of ticks: the error
/// names that line and tick after reading about one 1 MiB chunk (it was read whole,
/// and parsed whole before the tick was checked); a valid 60 MB trace (2.6 M ticks)
/// peaks at the ticks it parses to (4 bytes each) plus the read, well under its size
/// (it was held whole, plus 8 bytes a tick), and hashes what it read.
#[test]
fn a_big_trace_is_streamed() {
    if !measurable() {
        return;
    }
    let ticks = 2_600_000;
    let good = trace(ticks, None);
    let sha = spotsim::ingest::sha256_hex(&good);
    let r = big(
        "trace",
        "us-west-2a",
        [trace(1_000, None), trace(ticks, Some(1_000)), good],
        "1004: field `data[1000]`: value -1 is negative; expected a count of instances",
        &format!("ok {ticks} ticks"),
        3,
    );
    assert_eq!(r, format!("ok {ticks} ticks {sha}"));
}

/// A 57 MB get-products file (one page, 80,000 products) with a bad price in its 10th
/// product: the error names its line after reading about a chunk; a valid one (the
/// same product over and over, so the catalog stays one price) peaks at a few MiB.
#[test]
fn a_big_get_products_file_is_streamed() {
    if !measurable() {
        return;
    }
    let n = 80_000;
    big(
        "catalog",
        "p",
        [products(10, None), products(n, Some(9)), products(n, None)],
        "11: field `terms.OnDemand.priceDimensions.pricePerUnit.USD`: `-1`: price is negative",
        "ok eu-west-3",
        10,
    );
}

/// The file and the bytes entry points go through the same streamed reader: the same
/// trace or catalog, or the same error, for inputs longer than a read (3 MB) with a
/// fault early, across the first read's end, and at the end.
#[test]
fn files_and_bytes_read_alike() {
    let d = scratch("streamed-alike");
    let o = TraceOptions::new(Convention::Available);
    let mut traces = vec![
        trace(130_000, None),
        trace(130_000, Some(3)),
        trace(130_000, Some(50_000)),
    ];
    let mut cut = trace(130_000, None);
    cut.truncate(cut.len() - 5);
    traces.push(cut);
    let mut garbage = trace(130_000, None);
    garbage.extend_from_slice(b"x");
    traces.push(garbage);
    let mut oks = 0;
    for (i, t) in traces.iter().enumerate() {
        let p = write(&d, "us-west-2a_t.json", t);
        let name = p.display().to_string();
        let (file, bytes) = (read_spot_trace(&p, &o), read_spot_trace_bytes(&name, t, &o));
        match (&file, &bytes) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{i}");
                oks += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{i}"),
            _ => panic!("{i}: {file:?} vs {bytes:?}"),
        }
    }
    assert_eq!(oks, 1);
    let mut cats = vec![
        products(4_000, None),
        products(4_000, Some(2)),
        products(4_000, Some(1_500)),
    ];
    let mut cut = products(4_000, None);
    cut.truncate(cut.len() - 30);
    cats.push(cut);
    let mut oks = 0;
    for (i, c) in cats.iter().enumerate() {
        let p = write(&d, "p.json", c);
        let name = p.display().to_string();
        let (file, bytes) = (
            read_catalog_file(&p, None),
            read_catalog_bytes(&name, c, None),
        );
        match (&file, &bytes) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{i}");
                oks += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{i}"),
            _ => panic!(
                "{i}: {:?} vs {:?}",
                file.as_ref().err(),
                bytes.as_ref().err()
            ),
        }
    }
    assert_eq!(oks, 1);
    // Its files are large: removed once the test passed (kept on a failure).
    let _ = std::fs::remove_dir_all(&d);
}

/// An advisor file whose first 64 KiB are blank is streamed like any other (it was read
/// whole): read as JSON when named `.json`, else as the CSV extract (whose reader skips
/// blank lines); the bytes entry point decides the same way.
#[test]
fn an_advisor_file_with_a_blank_head_is_streamed() {
    use spotsim::ingest::{read_advisor_bytes, read_advisor_file};
    let d = scratch("streamed-advisor");
    let blank = "\n".repeat(70_000);
    let json = format!(
        "{blank}{{\"ranges\":[{{\"index\":0,\"label\":\"<5%\",\"dots\":0,\"max\":5}}],\"spot_advisor\":{{\"us-east-1\":{{\"Linux\":{{\"m5.large\":{{\"s\":66,\"r\":0}}}}}}}}}}"
    );
    let csv = format!(
        "{blank}region,os,instance_type,vcpu,memory_gib,interruption_band_index,interruption_band_label,interruption_band_max_pct,savings_vs_ondemand_pct\nus-east-1,Linux,m5.large,2,8,9,>20%,100,50\n"
    );
    for (name, text) in [("a.json", &json), ("a.csv", &csv), ("b.txt", &json)] {
        let p = write(&d, name, text.as_bytes());
        let n = p.display().to_string();
        let (file, bytes) = (
            read_advisor_file(&p),
            read_advisor_bytes(&n, text.as_bytes()),
        );
        match (&file, &bytes) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            _ => panic!("{name}: {file:?} vs {bytes:?}"),
        }
    }
    let a = read_advisor_file(&d.join("a.json")).unwrap();
    assert_eq!(
        a.get("us-east-1", "Linux", "m5.large").unwrap().savings_pct,
        66
    );
    let e = read_advisor_file(&d.join("a.csv")).unwrap_err().to_string();
    assert!(
        e.contains("a.csv:70002: field `interruption_band_index`"),
        "{e}"
    );
    // Not named .json, its first 64 KiB blank: the CSV extract, which this is not.
    let e = read_advisor_file(&d.join("b.txt")).unwrap_err().to_string();
    assert!(
        e.contains("b.txt:70001:") && e.contains("unknown column"),
        "{e}"
    );
}
