//! OpenMetrics text with timestamps, for `promtool tsdb create-blocks-from openmetrics`
//! (Prometheus backfill) and so Grafana.
//!
//! OpenMetrics 1.0 forbids interleaving metric families, and the metrics (label sets)
//! within a family: every series must be written whole, in timestamp order, before
//! the next. Records arrive period by period, so the sink spills its samples (24 bytes
//! each) to a temporary file beside the output in sorted runs of at most
//! [`OpenMetricsSink::RUN`] samples, and at the end merges the runs into the output
//! (bounded memory whatever the horizon), through [`crate::output::Destination`] (a
//! temporary file renamed into place: the file appears whole or not at all). The spill
//! file is created like the temporary file (an unpredictable name, never an existing
//! file) and removed when the sink is finished or dropped.
//!
//! Families: `spotsim_<name>[_<unit>]`. Gauges (`TYPE gauge`) carry the period's
//! `Average` (`CostRate` its value at the period's end); counters (`TYPE counter`,
//! samples `…_total`) carry the running total from the horizon's start, so Prometheus'
//! `increase()` gives a window's count and the last `spotsim_cost_usd_total` is the
//! report's total cost. Each sample is stamped with its period's start, in seconds.
//! Labels: the dimensions in snake case (`strategy`, `purchase_option`,
//! `instance_type`, `availability_zone`, `service`, …). The text ends with `# EOF`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::dimensions::Dims;
use super::metric::{Kind, Metric};
use super::numtext::{FloatText, push_int, push_micro};
use super::series::{MetricSink, Record};

/// The OpenMetrics family name of a metric: `spotsim_running_capacity`,
/// `spotsim_cost_usd` (counters' samples add `_total`).
///
/// ```
/// use spotsim::telemetry::{Metric, openmetrics_family};
/// assert_eq!(openmetrics_family(Metric::Cost), "spotsim_cost_usd");
/// assert_eq!(openmetrics_family(Metric::SpotPrice), "spotsim_spot_price_usd_per_hour");
/// assert_eq!(openmetrics_family(Metric::UnmetCapacity), "spotsim_unmet_capacity");
/// ```
pub fn openmetrics_family(m: Metric) -> String {
    match m.unit().openmetrics() {
        Some(u) => format!("spotsim_{}_{u}", m.om_stem()),
        None => format!("spotsim_{}", m.om_stem()),
    }
}

/// `AvailabilityZone` → `availability_zone`.
fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

fn labels(dims: &Dims) -> String {
    let mut s = String::new();
    for (i, (n, v)) in dims.pairs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&snake(n));
        s.push_str("=\"");
        for c in v.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '"' => s.push_str("\\\""),
                '\n' => s.push_str("\\n"),
                c => s.push(c),
            }
        }
        s.push('"');
    }
    s
}

/// A sample; the samples of a series arrive in time order, and keep it (the runs'
/// sort is stable, and the merge takes the runs in turn).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sample {
    /// (metric index << 32) | series index within the sink.
    key: u64,
    ts: i64,
    /// f64 bits for gauges; the count or micro-dollars for counters and cost.
    bits: u64,
}

const SAMPLE_BYTES: usize = 8 + 8 + 8;

impl Sample {
    fn to_bytes(self) -> [u8; SAMPLE_BYTES] {
        let mut b = [0u8; SAMPLE_BYTES];
        b[..8].copy_from_slice(&self.key.to_le_bytes());
        b[8..16].copy_from_slice(&self.ts.to_le_bytes());
        b[16..].copy_from_slice(&self.bits.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8; SAMPLE_BYTES]) -> Sample {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            w
        };
        Sample {
            key: u64::from_le_bytes(word(0)),
            ts: i64::from_le_bytes(word(8)),
            bits: u64::from_le_bytes(word(16)),
        }
    }
}

/// Streams records to an OpenMetrics file (see the module docs).
pub struct OpenMetricsSink {
    path: PathBuf,
    dir: PathBuf,
    spill_file: Option<tempfile::NamedTempFile>,
    spill: Option<BufWriter<File>>,
    /// (offset, samples) of each sorted run in the spill file.
    runs: Vec<(u64, u64)>,
    spilled: u64,
    buf: Vec<Sample>,
    /// Dimension sets seen, and the series of each (metric, dimension set).
    dims: HashMap<Dims, u32>,
    /// The dimension sets by index.
    dims_by_id: Vec<Dims>,
    /// Recently seen dimension sets by address (`(address, index)`, direct-mapped):
    /// a record's set is found without hashing its strings when the same set (compared
    /// whole: an address can be reused) came at that address before.
    recent: Vec<(usize, u32)>,
    /// The series of each dimension set, by metric (`u32::MAX`: none yet).
    series: Vec<[u32; Metric::ALL.len()]>,
    /// The metric of each series, by index.
    series_metric: Vec<u8>,
    /// Where a run is sorted into (as long as the longest run).
    scratch: Vec<Sample>,
    /// Label text of each series, by index.
    series_labels: Vec<String>,
    run_cap: usize,
}

impl OpenMetricsSink {
    /// Samples per sorted run held in memory (24 bytes each, and as much again while
    /// a run is sorted: 24 MiB in all).
    pub const RUN: usize = 1 << 19;

    /// A sink that will write `path` when finished.
    pub fn new(path: &Path) -> OpenMetricsSink {
        OpenMetricsSink::with_run(path, Self::RUN)
    }

    /// As [`OpenMetricsSink::new`] with runs of `run` samples (tests use small runs to
    /// exercise the merge).
    pub fn with_run(path: &Path, run: usize) -> OpenMetricsSink {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        OpenMetricsSink {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            spill_file: None,
            spill: None,
            runs: Vec::new(),
            spilled: 0,
            buf: Vec::new(),
            dims: HashMap::new(),
            dims_by_id: Vec::new(),
            recent: vec![(0, u32::MAX); 64],
            series: Vec::new(),
            series_metric: Vec::new(),
            scratch: Vec::new(),
            series_labels: Vec::new(),
            run_cap: run.max(1),
        }
    }

    /// Sorts the samples in memory by key: a counting sort by series (keys are
    /// `(metric, series)`), stable, so each series keeps its samples' time order.
    fn sort_run(&mut self) {
        let n = self.series_metric.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by_key(|&i| (self.series_metric[i as usize], i));
        let mut next = vec![0usize; n];
        for s in &self.buf {
            next[(s.key & 0xFFFF_FFFF) as usize] += 1;
        }
        let mut at = 0;
        for &i in &order {
            let count = next[i as usize];
            next[i as usize] = at;
            at += count;
        }
        self.scratch.clear();
        self.scratch.resize(
            self.buf.len(),
            Sample {
                key: 0,
                ts: 0,
                bits: 0,
            },
        );
        for s in &self.buf {
            let slot = &mut next[(s.key & 0xFFFF_FFFF) as usize];
            self.scratch[*slot] = *s;
            *slot += 1;
        }
        std::mem::swap(&mut self.buf, &mut self.scratch);
        self.scratch.clear();
    }

    fn spill_run(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.sort_run();
        if self.spill.is_none() {
            let name: String = self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().chars().take(64).collect())
                .unwrap_or_default();
            let f = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".spill")
                .tempfile_in(&self.dir)?;
            self.spill = Some(BufWriter::new(f.as_file().try_clone()?));
            self.spill_file = Some(f);
        }
        let w = self.spill.as_mut().expect("just created");
        for s in &self.buf {
            w.write_all(&s.to_bytes())?;
        }
        self.runs
            .push((self.spilled * SAMPLE_BYTES as u64, self.buf.len() as u64));
        self.spilled += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    fn write_out(&mut self) -> io::Result<()> {
        let io_err = |e: crate::error::Error| io::Error::other(e.to_string());
        let mut out = crate::output::Destination::new(Some(&self.path))
            .create("metrics")
            .map_err(io_err)?;
        self.merge_into(&mut out)?;
        out.commit().map_err(io_err)
    }

    fn merge_into(&mut self, out: &mut crate::output::FileOut) -> io::Result<()> {
        // Sources: the spilled runs, then what is still in memory.
        self.sort_run();
        let mut readers: Vec<(BufReader<File>, u64)> = Vec::new();
        if let (Some(w), Some(spill)) = (self.spill.as_mut(), self.spill_file.as_ref()) {
            w.flush()?;
            for &(off, n) in &self.runs {
                let mut f = spill.reopen()?;
                f.seek(SeekFrom::Start(off))?;
                readers.push((BufReader::with_capacity(1 << 16, f), n));
            }
        }
        // Every source is sorted by series, and the sources are in time order (the
        // runs as spilled, then memory): the series come out one by one, each from
        // every source in turn — a series' samples in time order, without a heap.
        let read = |r: &mut (BufReader<File>, u64)| -> io::Result<Option<Sample>> {
            if r.1 == 0 {
                return Ok(None);
            }
            let mut b = [0u8; SAMPLE_BYTES];
            r.0.read_exact(&mut b)?;
            r.1 -= 1;
            Ok(Some(Sample::from_bytes(&b)))
        };
        let mem_src = readers.len();
        let mut mem = self.buf.iter().copied();
        let mut peek: Vec<Option<Sample>> = Vec::with_capacity(mem_src + 1);
        for r in readers.iter_mut() {
            peek.push(read(r)?);
        }
        peek.push(mem.next());
        let families: Vec<String> = Metric::ALL.iter().map(|m| openmetrics_family(*m)).collect();
        let mut family: Option<u32> = None;
        // Lines are gathered and written 64 KiB at a time.
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
        let mut floats = FloatText::display();
        while let Some(key) = peek.iter().flatten().map(|s| s.key).min() {
            // The running total of a counter's series.
            let mut running: i128 = 0;
            for src in 0..peek.len() {
                while let Some(s) = peek[src].filter(|s| s.key == key) {
                    peek[src] = if src == mem_src {
                        mem.next()
                    } else {
                        read(&mut readers[src])?
                    };
                    push_line(
                        &mut buf,
                        s,
                        &families,
                        &self.series_labels,
                        &mut family,
                        &mut running,
                        &mut floats,
                    )?;
                    if buf.len() >= 1 << 16 {
                        out.write_all(&buf)?;
                        buf.clear();
                    }
                }
            }
        }
        out.write_all(&buf)?;
        out.write_all(b"# EOF\n")?;
        out.flush()
    }
}

/// Appends sample `s`'s line to `buf`, after its family's `TYPE`, `UNIT` and `HELP`
/// lines when it is the family's first (`family`: the family of the line before);
/// counters and cost add the sample to their series' `running` total.
fn push_line(
    buf: &mut Vec<u8>,
    s: Sample,
    families: &[String],
    labels: &[String],
    family: &mut Option<u32>,
    running: &mut i128,
    floats: &mut FloatText,
) -> io::Result<()> {
    let m = Metric::ALL[(s.key >> 32) as usize];
    let fam = &families[(s.key >> 32) as usize];
    if *family != Some((s.key >> 32) as u32) {
        *family = Some((s.key >> 32) as u32);
        let ty = if m.kind() == Kind::Gauge {
            "gauge"
        } else {
            "counter"
        };
        writeln!(buf, "# TYPE {fam} {ty}")?;
        if let Some(u) = m.unit().openmetrics() {
            writeln!(buf, "# UNIT {fam} {u}")?;
        }
        writeln!(
            buf,
            "# HELP {fam} spotsim {}: {} per period",
            m.name(),
            if m.kind() == Kind::Gauge {
                m.headline()
            } else {
                "running total"
            }
        )?;
    }
    let lbl = &labels[(s.key & 0xFFFF_FFFF) as usize];
    buf.extend_from_slice(fam.as_bytes());
    if m.kind() != Kind::Gauge {
        buf.extend_from_slice(b"_total");
    }
    buf.push(b'{');
    buf.extend_from_slice(lbl.as_bytes());
    buf.extend_from_slice(b"} ");
    match m.kind() {
        Kind::Gauge => floats.push(buf, f64::from_bits(s.bits)),
        Kind::Counter => {
            *running += s.bits as i64 as i128;
            if m.scale() == 1.0 {
                push_int(buf, *running);
            } else {
                floats.push(buf, *running as f64 / m.scale());
            }
        }
        Kind::Cost => {
            *running += s.bits as i64 as i128;
            push_micro(buf, *running);
        }
    }
    buf.push(b' ');
    push_int(buf, s.ts);
    buf.push(b'\n');
    Ok(())
}

impl OpenMetricsSink {
    /// The index of dimension set `dims` (a new one for a set not seen before).
    fn dims_id(&mut self, dims: &Dims) -> u32 {
        let addr = dims as *const Dims as usize;
        let slot = (addr >> 4) % self.recent.len();
        let (a, d) = self.recent[slot];
        // (An empty slot's address, 0, is no set's.)
        if a == addr && self.dims_by_id[d as usize] == *dims {
            return d;
        }
        let d = match self.dims.get(dims) {
            Some(&d) => d,
            None => {
                let d = self.dims.len() as u32;
                self.dims.insert(dims.clone(), d);
                self.dims_by_id.push(dims.clone());
                d
            }
        };
        self.recent[slot] = (addr, d);
        d
    }
}

impl MetricSink for OpenMetricsSink {
    fn record(&mut self, r: &Record<'_>) -> io::Result<()> {
        if !r.exported {
            return Ok(());
        }
        let d = self.dims_id(r.dims);
        if self.series.len() <= d as usize {
            self.series
                .resize(d as usize + 1, [u32::MAX; Metric::ALL.len()]);
        }
        for p in r.points {
            let slot = &mut self.series[d as usize][p.metric as usize];
            if *slot == u32::MAX {
                *slot = self.series_labels.len() as u32;
                self.series_labels.push(labels(r.dims));
                self.series_metric.push(p.metric as u8);
            }
            let id = *slot;
            let bits = match p.metric.kind() {
                Kind::Gauge => p.value().to_bits(),
                Kind::Counter | Kind::Cost => p.exact_sum as i64 as u64,
            };
            self.buf.push(Sample {
                key: ((p.metric as u64) << 32) | id as u64,
                ts: r.timestamp.secs(),
                bits,
            });
            if self.buf.len() >= self.run_cap {
                self.spill_run()?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let r = self.write_out();
        // Dropping the spill file removes it (also when the sink is dropped unfinished).
        self.spill = None;
        self.spill_file = None;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::{Dimension, Point, Stats};
    use crate::time::SimTime;

    /// A dimension set changed in place (the same address, other values) is another
    /// set: the address cache must not return the first one's series.
    #[test]
    fn a_set_at_a_reused_address_is_told_apart_by_its_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.om");
        let mut sink = OpenMetricsSink::new(&path);
        let mut dims = Dims {
            by: Dimension::Pool,
            pairs: vec![("InstanceType", "a".into())],
        };
        let points = [Point {
            metric: Metric::RunningCapacity,
            stats: Stats::single(1.0),
            exact_sum: 0,
        }];
        for name in ["a", "b", "a"] {
            dims.pairs[0].1 = name.into();
            sink.record(&Record {
                timestamp: SimTime(0),
                period_secs: 60,
                covered_secs: 60,
                dims: &dims,
                exported: true,
                points: &points,
            })
            .unwrap();
        }
        sink.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let count = |s: &str| text.matches(s).count();
        assert_eq!(count("{instance_type=\"a\"} 1 0\n"), 2, "{text}");
        assert_eq!(count("{instance_type=\"b\"} 1 0\n"), 1, "{text}");
    }
}
