//! The event log (`--events FILE`): one JSON object per line per engine event.
//!
//! Fields: `time` (RFC 3339), `t` (seconds since the epoch), the subject (`strategy`,
//! `option` or `policy`), `kind`, and per kind: `instance`, `pool`, `instance_type`,
//! `availability_zone`, `option` (spot / on-demand), `weight`; `cause` and `charge_usd`
//! on ends; `from`, `to`, `count` on price-driven moves; `units` on desired-capacity
//! changes. Kinds: `desired-capacity`, `launch-requested`, `running`,
//! `rebalance-recommendation`, `interruption-notice`, `interrupted`, `launch-failed`,
//! `ended` (cause: `price-replacement`, `rebalance`, `scale-in`, `horizon`),
//! `price-driven-move`.
//!
//! `compare` adds task events with the `service` and a `count`: `desired-tasks`
//! (`desired`, `running`, `pending`: the service's counts from then on),
//! `task-started`, `task-stopped` (`interrupted`: whether AWS stopped them) and
//! `task-restarted`; there the subject field is `compare_option`, as `option` is the
//! purchase option (spot / on-demand) of instance events.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::observer::{
    InstanceEvent, InstanceEventKind, Observer, TaskEvent, TaskEventKind, TaskService,
};
use super::recorder::Subject;
use crate::engine::EndReason;
use crate::market::{Market, PoolId};
use crate::time::SimTime;

/// The label of a pool in telemetry: `m5.large/eu-west-3a`.
pub fn pool_label(market: &Market, p: PoolId) -> String {
    let pool = market.pool(p);
    format!("{}/{}", pool.instance_type.name, pool.zone)
}

/// Writes the event log to `out` (see the module docs).
pub struct EventLog<'w, W: Write> {
    out: &'w mut W,
    subject: Subject,
    pools: Vec<(String, String, String)>,
    services: Vec<String>,
    error: Option<io::Error>,
}

impl<'w, W: Write> EventLog<'w, W> {
    /// An event log of `subject`'s run.
    pub fn new(out: &'w mut W, subject: Subject) -> Self {
        EventLog {
            out,
            subject,
            pools: Vec::new(),
            services: Vec::new(),
            error: None,
        }
    }

    /// The first write error, if any.
    ///
    /// # Errors
    /// The I/O error.
    pub fn finish(self) -> io::Result<()> {
        self.error.map_or(Ok(()), Err)
    }

    fn emit(&mut self, t: SimTime, kind: &str, mut fields: serde_json::Map<String, Value>) {
        if self.error.is_some() {
            return;
        }
        let mut m = serde_json::Map::new();
        m.insert("time".into(), Value::String(t.to_rfc3339()));
        m.insert("t".into(), json!(t.secs()));
        let key = match self.subject.0.to_ascii_lowercase() {
            k if k == "option" => "compare_option".to_string(),
            k => k,
        };
        m.insert(key, Value::String(self.subject.1.clone()));
        m.insert("kind".into(), Value::String(kind.to_string()));
        m.append(&mut fields);
        let r = serde_json::to_writer(&mut *self.out, &Value::Object(m))
            .map_err(io::Error::from)
            .and_then(|_| self.out.write_all(b"\n"));
        if let Err(e) = r {
            self.error = Some(e);
        }
    }

    fn pool_fields(&self, p: PoolId) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        if let Some((label, ty, az)) = self.pools.get(p.idx()) {
            m.insert("pool".into(), json!(label));
            m.insert("instance_type".into(), json!(ty));
            m.insert("availability_zone".into(), json!(az));
        }
        m
    }
}

/// The log's name of an end.
pub(crate) fn end_kind(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Capacity | EndReason::Hazard | EndReason::MaxPrice => "interrupted",
        EndReason::LaunchFailed => "launch-failed",
        _ => "ended",
    }
}

/// The log's name of an end's cause.
pub(crate) fn cause(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Capacity => "capacity",
        EndReason::Hazard => "hazard",
        EndReason::MaxPrice => "max-price",
        EndReason::LaunchFailed => "launch-failed",
        EndReason::PriceReplacement => "price-replacement",
        EndReason::Rebalance => "rebalance",
        EndReason::ScaleIn => "scale-in",
        EndReason::Horizon => "horizon",
    }
}

impl<W: Write> Observer for EventLog<'_, W> {
    fn begin(&mut self, market: &Market, _start: SimTime, _end: SimTime) {
        self.pools = market
            .pools()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    pool_label(market, PoolId(i as u32)),
                    p.instance_type.name.clone(),
                    p.zone.to_string(),
                )
            })
            .collect();
    }

    fn desired(&mut self, now: SimTime, units: u32) {
        let mut m = serde_json::Map::new();
        m.insert("units".into(), json!(units));
        self.emit(now, "desired-capacity", m);
    }

    fn instance(&mut self, ev: &InstanceEvent) {
        let mut m = serde_json::Map::new();
        m.insert("instance".into(), json!(ev.id));
        m.append(&mut self.pool_fields(ev.pool));
        m.insert("option".into(), json!(ev.option.as_str()));
        m.insert("weight".into(), json!(ev.weight));
        let kind = match ev.kind {
            InstanceEventKind::Requested { replaces } => {
                if let Some(r) = replaces {
                    m.insert("replaces".into(), json!(r));
                }
                "launch-requested"
            }
            InstanceEventKind::Running => "running",
            InstanceEventKind::RebalanceRecommendation => "rebalance-recommendation",
            InstanceEventKind::Notice => "interruption-notice",
            InstanceEventKind::Ended { reason, charge, .. } => {
                m.insert("cause".into(), json!(cause(reason)));
                m.insert("charge_usd".into(), json!(charge.to_usd_f64()));
                end_kind(reason)
            }
        };
        self.emit(ev.at, kind, m);
    }

    fn services(&mut self, services: &[TaskService]) {
        self.services = services.iter().map(|s| s.name.clone()).collect();
    }

    fn task(&mut self, ev: &TaskEvent) {
        let mut m = serde_json::Map::new();
        m.insert(
            "service".into(),
            json!(self.services.get(ev.service as usize)),
        );
        let kind = match ev.kind {
            TaskEventKind::Counts {
                desired,
                running,
                pending,
            } => {
                m.insert("desired".into(), json!(desired));
                m.insert("running".into(), json!(running));
                m.insert("pending".into(), json!(pending));
                "desired-tasks"
            }
            TaskEventKind::Started => "task-started",
            TaskEventKind::Stopped { interrupted } => {
                m.insert("interrupted".into(), json!(interrupted));
                "task-stopped"
            }
            TaskEventKind::Restarted => "task-restarted",
        };
        if !matches!(ev.kind, TaskEventKind::Counts { .. }) {
            m.insert("count".into(), json!(ev.count));
        }
        self.emit(ev.at, kind, m);
    }

    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, count: u32) {
        let mut m = serde_json::Map::new();
        let label = |p: PoolId| self.pools.get(p.idx()).map(|x| x.0.clone());
        m.insert("from".into(), json!(label(from)));
        m.insert("to".into(), json!(label(to)));
        m.insert("count".into(), json!(count));
        self.emit(now, "price-driven-move", m);
    }
}
