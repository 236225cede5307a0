//! The service map: where capacity went. Pool → pool edges for replacements after
//! interruptions, price-driven moves and capacity-rebalancing replacements, with how
//! many instances took each edge and what they cost. In the JSON report
//! (`telemetry.service_map`) and as Graphviz DOT (`--service-map FILE`).
//!
//! Which launch replaces which interruption: the engine replaces lost capacity when
//! it next asks the strategy, without naming what a launch replaces. The map pairs
//! each launch with the oldest interruption not yet replaced (first in, first out,
//! within the run); a launch with none waiting is new capacity, not an edge.
//! Price-driven moves and rebalancing replacements are paired exactly (the engine
//! names them).

use std::collections::VecDeque;
use std::fmt::Write as _;

use serde::Serialize;

use super::events::pool_label;
use super::observer::{InstanceEvent, InstanceEventKind, Observer};
use crate::engine::EndReason;
use crate::market::{Market, PoolId};
use crate::money::Money;
use crate::time::SimTime;

/// Why capacity moved along an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// A replacement for an interrupted instance.
    Interruption,
    /// The strategy moved instances to a cheaper pool.
    PriceDrivenMove,
    /// Capacity rebalancing replaced an at-risk instance.
    Rebalance,
}

/// One edge of the map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The pool capacity left.
    pub from: String,
    /// The pool it went to.
    pub to: String,
    /// Why.
    pub kind: EdgeKind,
    /// Instances launched along the edge.
    pub count: u64,
    /// What those instances were billed, micro-USD.
    pub cost_micro_usd: i64,
}

/// One subject's service map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceMap {
    /// The strategy, option or policy.
    pub subject: String,
    /// Edges, by (from, to, kind).
    pub edges: Vec<Edge>,
}

impl ServiceMap {
    /// Whether this map belongs to no subject (`job`'s telemetry has no map).
    pub fn is_empty_subject(&self) -> bool {
        self.subject.is_empty()
    }

    /// Graphviz DOT of several maps (one cluster each).
    ///
    /// ```
    /// use spotsim::telemetry::{Edge, EdgeKind, ServiceMap};
    /// let m = ServiceMap { subject: "lowest-price".into(), edges: vec![Edge {
    ///     from: "m5.large/a".into(), to: "c5.large/a".into(), kind: EdgeKind::Interruption,
    ///     count: 3, cost_micro_usd: 1_500_000 }] };
    /// let dot = ServiceMap::dot(&[m]);
    /// assert!(dot.starts_with("digraph spotsim {"));
    /// assert!(dot.contains("\"lowest-price m5.large/a\" -> \"lowest-price c5.large/a\""));
    /// assert!(dot.contains("3 interruption"));
    /// ```
    pub fn dot(maps: &[ServiceMap]) -> String {
        let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let mut s = String::from("digraph spotsim {\n  rankdir=LR;\n  node [shape=box];\n");
        for (i, m) in maps.iter().enumerate() {
            let _ = writeln!(
                s,
                "  subgraph cluster_{i} {{\n    label=\"{}\";",
                q(&m.subject)
            );
            let mut nodes: Vec<&str> = m
                .edges
                .iter()
                .flat_map(|e| [e.from.as_str(), e.to.as_str()])
                .collect();
            nodes.sort_unstable();
            nodes.dedup();
            for n in nodes {
                let _ = writeln!(
                    s,
                    "    \"{} {}\" [label=\"{}\"];",
                    q(&m.subject),
                    q(n),
                    q(n)
                );
            }
            for e in &m.edges {
                let (what, style) = match e.kind {
                    EdgeKind::Interruption => ("interruption", "solid"),
                    EdgeKind::PriceDrivenMove => ("price-driven move", "dashed"),
                    EdgeKind::Rebalance => ("rebalance", "dotted"),
                };
                let _ = writeln!(
                    s,
                    "    \"{} {}\" -> \"{} {}\" [label=\"{} {}\\n${}\", style={style}];",
                    q(&m.subject),
                    q(&e.from),
                    q(&m.subject),
                    q(&e.to),
                    e.count,
                    what,
                    super::csv::micro_text(e.cost_micro_usd as i128)
                );
            }
            s.push_str("  }\n");
        }
        s.push_str("}\n");
        s
    }
}

/// Builds a [`ServiceMap`] from engine events (see the module docs).
#[derive(Default)]
pub struct ServiceMapRecorder {
    subject: String,
    labels: Vec<String>,
    edges: Vec<(PoolId, PoolId, EdgeKind, u64, Money)>,
    /// Interrupted capacity waiting for a replacement: pool, units.
    vacancies: VecDeque<(PoolId, u64)>,
    /// A price-driven move in progress: to, edge, launches left to attribute.
    moving: Option<(PoolId, usize, SimTime)>,
    /// Edge of each instance launched along one.
    edge_of: Vec<u32>,
    pool_of: Vec<PoolId>,
}

impl ServiceMapRecorder {
    /// A recorder for `subject`'s run.
    pub fn new(subject: &str) -> Self {
        ServiceMapRecorder {
            subject: subject.to_string(),
            ..Default::default()
        }
    }

    fn edge(&mut self, from: PoolId, to: PoolId, kind: EdgeKind) -> usize {
        match self
            .edges
            .iter()
            .position(|e| e.0 == from && e.1 == to && e.2 == kind)
        {
            Some(i) => i,
            None => {
                self.edges.push((from, to, kind, 0, Money::ZERO));
                self.edges.len() - 1
            }
        }
    }

    fn assign(&mut self, id: u32, edge: usize) {
        let i = id as usize;
        if self.edge_of.len() <= i {
            self.edge_of.resize(i + 1, u32::MAX);
        }
        self.edge_of[i] = edge as u32;
        self.edges[edge].3 += 1;
    }

    /// The map.
    pub fn finish(self) -> ServiceMap {
        let mut edges: Vec<Edge> = self
            .edges
            .iter()
            .map(|&(f, t, kind, count, cost)| Edge {
                from: self.labels.get(f.idx()).cloned().unwrap_or_default(),
                to: self.labels.get(t.idx()).cloned().unwrap_or_default(),
                kind,
                count,
                cost_micro_usd: cost.micro_usd() as i64,
            })
            .filter(|e| e.count > 0)
            .collect();
        edges.sort_by(|a, b| (&a.from, &a.to, a.kind).cmp(&(&b.from, &b.to, b.kind)));
        ServiceMap {
            subject: self.subject,
            edges,
        }
    }
}

impl Observer for ServiceMapRecorder {
    fn begin(&mut self, market: &Market, _start: SimTime, _end: SimTime) {
        self.labels = (0..market.pools().len())
            .map(|i| pool_label(market, PoolId(i as u32)))
            .collect();
    }

    fn moved(&mut self, now: SimTime, from: PoolId, to: PoolId, _count: u32) {
        let e = self.edge(from, to, EdgeKind::PriceDrivenMove);
        self.moving = Some((to, e, now));
    }

    fn instance(&mut self, ev: &InstanceEvent) {
        let i = ev.id as usize;
        match ev.kind {
            InstanceEventKind::Requested { replaces } => {
                if self.pool_of.len() <= i {
                    self.pool_of.resize(i + 1, PoolId(0));
                }
                self.pool_of[i] = ev.pool;
                if let Some(r) = replaces {
                    let from = self.pool_of.get(r as usize).copied().unwrap_or(ev.pool);
                    let e = self.edge(from, ev.pool, EdgeKind::Rebalance);
                    self.assign(ev.id, e);
                    return;
                }
                if let Some((to, e, at)) = self.moving {
                    if to == ev.pool && at == ev.at {
                        self.assign(ev.id, e);
                        return;
                    }
                    self.moving = None;
                }
                if let Some((from, units)) = self.vacancies.front_mut() {
                    let from = *from;
                    *units = units.saturating_sub(ev.weight as u64);
                    if *units == 0 {
                        self.vacancies.pop_front();
                    }
                    let e = self.edge(from, ev.pool, EdgeKind::Interruption);
                    self.assign(ev.id, e);
                }
            }
            InstanceEventKind::Ended { reason, charge, .. } => {
                if let Some(&e) = self.edge_of.get(i)
                    && e != u32::MAX
                {
                    self.edges[e as usize].4 += charge;
                }
                if matches!(
                    reason,
                    EndReason::Capacity | EndReason::Hazard | EndReason::MaxPrice
                ) {
                    self.vacancies.push_back((ev.pool, ev.weight as u64));
                }
            }
            _ => {}
        }
    }
}
