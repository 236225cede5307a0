//! Big inputs: the streamed, two-threaded price readers against a simple one on a
//! generated file of 300,000 rows, and the peak memory of a replay of a generated
//! 1,000,000-row CSV (≤ half the file's size above a small file's) and of a JSON file
//! (≤ 1.2 × the file), measured in a child process (`/proc/self/status`, Linux).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use spotsim::catalog::Catalog;
use spotsim::engine::{FleetConfig, Simulation, Target};
use spotsim::ingest::{PriceHistory, SeriesKey, read_aws_csv, read_price_file};
use spotsim::market::{MarketSpec, Zone, build_market};
use spotsim::money::Rate;
use spotsim::strategy::LowestPrice;
use spotsim::time::SimTime;

#[path = "../../benches/support/gen.rs"]
mod generate;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("spotsim-scale-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d.join(name)
}

/// The rows of a CLI CSV as a plain reader gets them: the csv crate, each field
/// trimmed, series numbered in order of first appearance, lines counted by hand (the
/// test input has no quoted line breaks).
/// A row as compared: series, time, price, line.
type Row = (u32, SimTime, Rate, u64);

fn simple_csv(bytes: &[u8]) -> (Vec<SeriesKey>, Vec<Row>) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let mut ids: HashMap<SeriesKey, u32> = HashMap::new();
    let mut keys = Vec::new();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("valid CSV");
        let line = rec.position().expect("position").line();
        let f = |i: usize| rec.get(i).expect("field").trim().to_string();
        let key = SeriesKey {
            zone: Zone::parse(&f(0)),
            instance_type: f(1),
            product: f(2),
        };
        let id = *ids.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            keys.len() as u32 - 1
        });
        let price = Rate::parse_usd(&f(3)).expect("price");
        let time = SimTime::parse_rfc3339(&f(4)).expect("time");
        rows.push((id, time, price, line));
    }
    (keys, rows)
}

fn as_tuples(h: &PriceHistory) -> Vec<Row> {
    h.rows
        .iter()
        .map(|r| (r.series, r.time, r.price, u64::from(r.line)))
        .collect()
}

/// 300,000 rows (about 21 MB, so many 1 MiB chunks, each parsed in two halves), with
/// quoted rows and spaces around fields here and there (those chunks are read in one
/// piece): the same series and rows as the simple reader, from bytes and from a file.
#[test]
fn streamed_two_threaded_csv_reads_as_a_simple_reader() {
    let plain = generate::aws_csv(300_000);
    let mut text = String::from_utf8(plain).expect("ASCII");
    // Every 50,000th line quoted, every 70,000th padded.
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && i % 50_000 == 0 {
                l.split(',')
                    .map(|f| format!("\"{f}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            } else if i > 0 && i % 70_000 == 0 {
                l.replace(',', " , ")
            } else {
                l.to_string()
            }
        })
        .collect();
    text = lines.join("\n") + "\n";
    let bytes = text.into_bytes();
    let (keys, want) = simple_csv(&bytes);
    assert_eq!(want.len(), 300_000);

    let h = read_aws_csv("big.csv", &bytes).expect("reads");
    assert_eq!(h.series, keys);
    assert_eq!(as_tuples(&h), want);

    let path = temp("big.csv");
    std::fs::write(&path, &bytes).expect("write");
    let h = read_price_file(&path).expect("reads");
    assert_eq!(h.series, keys);
    assert_eq!(as_tuples(&h), want);
    assert_eq!(h.source.sha256, spotsim::ingest::sha256_hex(&bytes));
    let _ = std::fs::remove_file(&path);
}

/// `got == want`, the first difference named (the rows are too many to print).
fn same_rows(got: &[Row], want: &[Row], what: &str) {
    if let Some(i) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) {
        panic!("{what}: row {i}: {:?}, want {:?}", got[i], want[i]);
    }
    assert_eq!(got.len(), want.len(), "{what}: rows");
}

/// Carriage returns in a big file without quotes (its blocks are cut into pieces parsed
/// on two threads): a piece holding a bare `\r` (a record terminator, as for the `csv`
/// crate) or a `\r\n` is split by the general splitter, not the quote- and CR-free
/// one (which would see one record of ten fields at a bare `\r`): the same series
/// and rows as the simple reader, from bytes and from a file.
#[test]
fn carriage_returns_in_a_big_quote_free_file() {
    let plain = generate::aws_csv(300_000);
    let text = String::from_utf8(plain).expect("ASCII");
    let mut bytes = Vec::with_capacity(text.len() + 64);
    // Each data row's line: one plus the `\n`s before it (a bare `\r` ends a record,
    // not a line; the csv crate's own line count differs after a `\r\n`).
    let mut lines = Vec::new();
    let mut line = 1;
    for (i, l) in text.lines().enumerate() {
        if i > 0 {
            lines.push(line);
        }
        bytes.extend_from_slice(l.as_bytes());
        let end: &[u8] = match i {
            i if i > 0 && i % 40_000 == 0 => b"\r",
            i if i > 0 && i % 30_000 == 0 => b"\r\n",
            _ => b"\n",
        };
        line += end.ends_with(b"\n") as u64;
        bytes.extend_from_slice(end);
    }
    let (keys, mut want) = simple_csv(&bytes);
    assert_eq!(want.len(), 300_000);
    for (w, &l) in want.iter_mut().zip(&lines) {
        w.3 = l;
    }
    let h = read_aws_csv("cr.csv", &bytes).expect("reads");
    assert_eq!(h.series, keys);
    same_rows(&as_tuples(&h), &want, "in memory");
    let path = temp("cr-big.csv");
    std::fs::write(&path, &bytes).expect("write");
    let h = read_price_file(&path).expect("reads");
    assert_eq!(h.series, keys);
    same_rows(&as_tuples(&h), &want, "from a file");
    let _ = std::fs::remove_file(&path);
}

/// Without quotes the whole input is one block for `read_aws_csv` (and every 1 MiB
/// chunk one for `read_price_file`), cut into pieces parsed by two threads: rows,
/// lines and series as the simple reader gives them, and an error deep in the file
/// names its line exactly, the first in file order when there are several.
#[test]
fn pieces_read_as_a_simple_reader_and_name_error_lines() {
    let bytes = generate::aws_csv(300_000);
    let (keys, want) = simple_csv(&bytes);
    let h = read_aws_csv("big.csv", &bytes).expect("reads");
    assert_eq!(h.series, keys);
    assert_eq!(as_tuples(&h), want);

    let text = String::from_utf8(bytes).expect("ASCII");
    let lines: Vec<&str> = text.lines().collect();
    // Line n of the file is lines[n - 1] (line 1 is the header).
    type Edit<'a> = (usize, &'a dyn Fn(&str) -> String);
    let edit = |edits: &[Edit<'_>]| {
        let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (n, f) in edits {
            v[n - 1] = f(&v[n - 1]);
        }
        (v.join("\n") + "\n").into_bytes()
    };
    let bad_price = |l: &str| {
        let mut f: Vec<&str> = l.split(',').collect();
        f[3] = "-1";
        f.join(",")
    };
    let bad_time = |l: &str| {
        let mut f: Vec<&str> = l.split(',').collect();
        f[4] = "yesterday";
        f.join(",")
    };
    let short = |l: &str| {
        l.rsplit_once(',')
            .map_or(String::new(), |(a, _)| a.to_string())
    };
    let path = temp("bad.csv");
    for (edits, line, field) in [
        (
            vec![(123_457, &bad_price as &dyn Fn(&str) -> String)],
            123_457,
            "field `SpotPrice`",
        ),
        (
            vec![
                (250_001, &bad_time as &dyn Fn(&str) -> String),
                (280_000, &bad_price),
            ],
            250_001,
            "field `Timestamp`",
        ),
        (
            vec![(299_999, &short as &dyn Fn(&str) -> String)],
            299_999,
            "expected 5 fields",
        ),
        (
            vec![
                (2, &bad_price as &dyn Fn(&str) -> String),
                (200_000, &bad_time),
            ],
            2,
            "field `SpotPrice`",
        ),
    ] {
        let bad = edit(&edits);
        let e = read_aws_csv("bad.csv", &bad)
            .expect_err("a bad row")
            .to_string();
        assert!(e.starts_with(&format!("bad.csv:{line}: ")), "{e}");
        assert!(e.contains(field), "{e}");
        std::fs::write(&path, &bad).expect("write");
        let e = read_price_file(&path).expect_err("a bad row").to_string();
        assert!(e.contains(&format!("bad.csv:{line}: ")), "{e}");
        assert!(e.contains(field), "{e}");
    }
    let _ = std::fs::remove_file(&path);
}

/// Blank lines before the header of a big in-memory file (the lines up to the header
/// are read alone, the rest in pieces): the same rows with their lines shifted, an
/// error deep in the file named at its line; and a line of tabs before a tab-separated
/// header is itself the header (two unnamed columns), as in a small file.
#[test]
fn blank_lines_before_a_big_files_header() {
    let bytes = generate::aws_csv(100_000);
    let (keys, want) = simple_csv(&bytes);
    // Four lines: empty, spaces, CRLF, a space-tab-space (one blank field).
    let lead: &[u8] = b"\n   \n\r\n \t \n";
    let with_lead = |body: &[u8]| [lead, body].concat();
    let h = read_aws_csv("lead.csv", &with_lead(&bytes)).expect("reads");
    assert_eq!(h.series, keys);
    let shifted: Vec<Row> = want.iter().map(|&(s, t, p, l)| (s, t, p, l + 4)).collect();
    assert_eq!(as_tuples(&h), shifted);

    let text = String::from_utf8(bytes.clone()).expect("ASCII");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut f: Vec<String> = lines[49_999].split(',').map(str::to_string).collect();
    f[3] = "-1".into();
    lines[49_999] = f.join(",");
    let bad = with_lead((lines.join("\n") + "\n").as_bytes());
    let e = read_aws_csv("lead.csv", &bad)
        .expect_err("a bad row")
        .to_string();
    assert!(e.starts_with("lead.csv:50004: field `SpotPrice`"), "{e}");

    let tabbed = text.replace(',', "\t");
    let big = [b"\t\t\n".as_slice(), tabbed.as_bytes()].concat();
    let small: Vec<u8> = big[..big.len().min(200)].to_vec();
    let e_big = read_aws_csv("tabs.csv", &big).expect_err("unnamed columns");
    let e_small = read_aws_csv("tabs.csv", &small).expect_err("unnamed columns");
    assert_eq!(e_big.to_string(), e_small.to_string());
    assert!(e_big.to_string().starts_with("tabs.csv:1: "), "{e_big}");
}

/// A header ending in carriage returns before its line feed (`csv_core` ends the
/// header's record at the first `\r` and waits for more input to end the rest): every
/// row of a big file is still read, in memory and from a file of one chunk, as with a
/// plain line end.
#[test]
fn a_header_ending_in_carriage_returns_keeps_every_row() {
    let bytes = generate::aws_csv(9_600);
    assert!(bytes.len() > 600 << 10 && bytes.len() < 1 << 20);
    let (keys, want) = simple_csv(&bytes);
    let nl = bytes
        .iter()
        .position(|&c| c == b'\n')
        .expect("a header line");
    for crs in ["\r", "\r\r", "\r\r\r", "\r\r\r\r"] {
        let b = [&bytes[..nl], crs.as_bytes(), &bytes[nl..]].concat();
        let h = read_aws_csv("cr.csv", &b).expect("reads");
        assert_eq!(h.series, keys, "{crs:?}");
        assert_eq!(as_tuples(&h), want, "{crs:?}");
        let path = temp("cr.csv");
        std::fs::write(&path, &b).expect("write");
        let h = read_price_file(&path).expect("reads");
        assert_eq!(as_tuples(&h), want, "{crs:?}");
        let _ = std::fs::remove_file(&path);
    }
}

/// What the memory child does: read the file, build the market of every Linux/UNIX
/// pool in it, replay it with lowest-price for a 20-instance fleet (`spotsim run`'s
/// defaults), and print its peak resident set.
#[test]
fn memory_child() {
    let Ok(path) = std::env::var("SPOTSIM_MEMORY_CHILD") else {
        return; // Only runs as the child of `peak_memory_of_a_replay`.
    };
    let h = read_price_file(Path::new(&path)).expect("reads");
    let mut types = std::collections::BTreeSet::new();
    let mut zones = std::collections::BTreeSet::new();
    for k in h.series.iter().filter(|k| k.product == "Linux/UNIX") {
        types.insert(k.instance_type.clone());
        zones.insert(k.zone.clone());
    }
    let spec = MarketSpec {
        instance_types: types.into_iter().collect(),
        zones: zones.into_iter().collect(),
        product: "Linux/UNIX".into(),
        weights: Vec::new(),
    };
    let market = build_market(&Catalog::builtin(), &spec, &[h], &[]).expect("market");
    let out = Simulation::new(
        &market,
        FleetConfig::new(Target::Constant(20)),
        LowestPrice::default(),
    )
    .run()
    .expect("runs");
    assert!(out.events > 0);
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    println!("CHILD {hwm}");
}

/// Runs `memory_child` on `file` in a fresh process; its peak RSS in bytes.
fn peak_rss(file: &Path) -> u64 {
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "scale::memory_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SPOTSIM_MEMORY_CHILD", file)
        .output()
        .expect("child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kb: u64 = text
        .lines()
        .find_map(|l| l.split_once("CHILD VmHWM:").map(|x| x.1))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmHWM line");
    kb * 1024
}

/// Peak memory of a replay: a 1,000,000-row CSV (about 70 MB, streamed) holds at most
/// half its size above what a 2,000-row one needs; a 200,000-record JSON file (about
/// 50 MB, streamed since 2026-12-02: 0.09 × measured then, 1.02 × when read whole) at
/// most a quarter of its size above that.
#[test]
fn peak_memory_of_a_replay() {
    if !Path::new("/proc/self/status").exists() {
        println!("skipped: no /proc/self/status (peak memory is measured on Linux)");
        return;
    }
    let small = temp("small.csv");
    std::fs::write(&small, generate::aws_csv(2_000)).expect("write");
    let base = peak_rss(&small);

    let big = temp("1m.csv");
    let bytes = generate::aws_csv(1_000_000);
    std::fs::write(&big, &bytes).expect("write");
    let size = bytes.len() as u64;
    drop(bytes);
    let peak = peak_rss(&big);
    println!(
        "1 M-row CSV: {size} bytes, peak RSS {peak} bytes, {base} for 2,000 rows: {:.3} x the file above it",
        (peak.saturating_sub(base)) as f64 / size as f64
    );
    assert!(
        peak.saturating_sub(base) <= size / 2,
        "peak {peak} B, base {base} B, file {size} B"
    );

    let json = temp("200k.json");
    let bytes = generate::aws_json(200_000);
    std::fs::write(&json, &bytes).expect("write");
    let size = bytes.len() as u64;
    drop(bytes);
    let peak = peak_rss(&json);
    println!(
        "200 k-record JSON: {size} bytes, peak RSS {peak} bytes: {:.3} x the file above {base}",
        (peak.saturating_sub(base)) as f64 / size as f64
    );
    assert!(
        peak.saturating_sub(base) <= size / 4,
        "peak {peak} B, base {base} B, file {size} B"
    );
    for f in [small, big, json] {
        let _ = std::fs::remove_file(f);
    }
}

/// A held price row is 24 bytes (series, line, time, price; issue 13 allows at most 32
/// per price point): 4 + 4 + 8 + 8, written out here rather than taken from the type.
#[test]
fn a_price_row_is_24_bytes() {
    assert_eq!(
        std::mem::size_of::<spotsim::ingest::PriceRow>(),
        4 + 4 + 8 + 8
    );
}
