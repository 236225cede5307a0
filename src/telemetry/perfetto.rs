//! Instance lifecycles as Chrome trace-event JSON (`--perfetto FILE`), which the
//! Perfetto UI (ui.perfetto.dev) and `chrome://tracing` open.
//!
//! One process per pool (named `m5.large/eu-west-3a`, prefixed with the subject when a
//! file holds several), one async span per instance from its launch request to its end
//! (`ph` `b`/`e`, `id` the instance, `cat` its purchase option, the end's `args` its
//! cause and charge), and instant events (`ph` `i`) for rebalance recommendations,
//! interruption notices and interruptions. Timestamps (`ts`) are microseconds of
//! simulated time from the horizon's start. Written as it happens (bounded memory).

use std::io::{self, Write};

use serde_json::json;

use super::events::{cause, pool_label};
use super::observer::{InstanceEvent, InstanceEventKind, Observer};
use super::recorder::Subject;
use crate::engine::EndReason;
use crate::market::Market;
use crate::time::SimTime;

/// A trace-event file being written; shared by the runs of several subjects, each
/// through its own [`PerfettoTrace`].
pub struct PerfettoFile<W: Write> {
    out: W,
    first: bool,
    /// Processes used so far (each subject's pools get their own).
    next_pid: u64,
    error: Option<io::Error>,
}

impl<W: Write> PerfettoFile<W> {
    /// Starts the JSON object.
    pub fn new(out: W) -> Self {
        let mut f = PerfettoFile {
            out,
            first: true,
            next_pid: 1,
            error: None,
        };
        f.raw(b"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        f
    }

    fn raw(&mut self, b: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(b)
        {
            self.error = Some(e);
        }
    }

    /// Names a new process (a track group) `name`; its id.
    pub(crate) fn process(&mut self, name: &str) -> u64 {
        let pid = self.next_pid;
        self.next_pid += 1;
        self.event(&json!({
            "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
            "args": {"name": name}
        }));
        self.event(&json!({
            "name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
            "args": {"sort_index": pid}
        }));
        pid
    }

    /// Writes one trace event.
    pub(crate) fn event(&mut self, v: &serde_json::Value) {
        if !self.first {
            self.raw(b",\n");
        }
        self.first = false;
        match serde_json::to_vec(v) {
            Ok(b) => self.raw(&b),
            Err(e) => self.error = Some(e.into()),
        }
    }

    /// Closes the JSON and returns the writer.
    ///
    /// # Errors
    /// The first write error.
    pub fn finish(mut self) -> io::Result<W> {
        self.raw(b"\n]}\n");
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// An observer writing one subject's lifecycles into a [`PerfettoFile`].
pub struct PerfettoTrace<'f, W: Write> {
    file: &'f mut PerfettoFile<W>,
    subject: Subject,
    prefix: bool,
    base_pid: u64,
    start: i64,
}

impl<'f, W: Write> PerfettoTrace<'f, W> {
    /// A trace of `subject`; `prefix`: name processes `subject: pool`.
    pub fn new(file: &'f mut PerfettoFile<W>, subject: Subject, prefix: bool) -> Self {
        PerfettoTrace {
            file,
            subject,
            prefix,
            base_pid: 0,
            start: 0,
        }
    }

    fn us(&self, t: SimTime) -> i64 {
        (t.secs() - self.start).saturating_mul(1_000_000)
    }
}

impl<W: Write> Observer for PerfettoTrace<'_, W> {
    fn begin(&mut self, market: &Market, start: SimTime, _end: SimTime) {
        self.start = start.secs();
        self.base_pid = self.file.next_pid;
        self.file.next_pid += market.pools().len() as u64;
        for i in 0..market.pools().len() {
            let label = pool_label(market, crate::market::PoolId(i as u32));
            let name = if self.prefix {
                format!("{}: {label}", self.subject.1)
            } else {
                label
            };
            let pid = self.base_pid + i as u64;
            self.file.event(&json!({
                "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                "args": {"name": name}
            }));
            self.file.event(&json!({
                "name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
                "args": {"sort_index": pid}
            }));
        }
    }

    fn instance(&mut self, ev: &InstanceEvent) {
        let pid = self.base_pid + ev.pool.idx() as u64;
        let ts = self.us(ev.at);
        let id = format!("{}:{}", self.subject.1, ev.id);
        let name = format!("{} {}", ev.option.as_str(), ev.id);
        let cat = ev.option.as_str();
        match ev.kind {
            InstanceEventKind::Requested { .. } => self.file.event(&json!({
                "name": name, "cat": cat, "ph": "b", "id": id, "pid": pid, "tid": 1, "ts": ts,
                "args": {"instance": ev.id, "weight": ev.weight}
            })),
            InstanceEventKind::Running => self.file.event(&json!({
                "name": "running", "cat": cat, "ph": "n", "id": id, "pid": pid, "tid": 1, "ts": ts
            })),
            InstanceEventKind::RebalanceRecommendation => self.file.event(&json!({
                "name": "rebalance recommendation", "cat": cat, "ph": "i", "s": "p", "pid": pid, "tid": 1, "ts": ts,
                "args": {"instance": ev.id}
            })),
            InstanceEventKind::Notice => self.file.event(&json!({
                "name": "interruption notice", "cat": cat, "ph": "i", "s": "p", "pid": pid, "tid": 1, "ts": ts,
                "args": {"instance": ev.id}
            })),
            InstanceEventKind::Ended { reason, charge, .. } => {
                if matches!(
                    reason,
                    EndReason::Capacity | EndReason::Hazard | EndReason::MaxPrice
                ) {
                    self.file.event(&json!({
                        "name": "interrupted", "cat": cat, "ph": "i", "s": "p", "pid": pid, "tid": 1, "ts": ts,
                        "args": {"instance": ev.id, "cause": cause(reason)}
                    }));
                }
                self.file.event(&json!({
                    "name": name, "cat": cat, "ph": "e", "id": id, "pid": pid, "tid": 1, "ts": ts,
                    "args": {"cause": cause(reason), "charge_usd": charge.to_usd_f64()}
                }));
            }
        }
    }
}
