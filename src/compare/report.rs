//! What `compare` reports: one [`OptionReport`] per option in a [`CompareReport`], and
//! its renderers (table, JSON, CSV, Markdown). The column definitions are in the
//! `compare` module docs.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::market::SourceFile;
use crate::report::human::{count, group, hours, or_na, pct, usd};
use crate::report::json;
use crate::report::markdown::cell;
use crate::report::{Format, Warning, markdown, warning};
use crate::time::SimTime;
use crate::workload::Service;

/// One option's line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionReport {
    /// The option's name.
    pub option: String,
    /// Total cost over the horizon.
    pub total_cost_usd: f64,
    /// The same, exact, in micro-dollars.
    pub total_cost_micro_usd: i64,
    /// Cost per 730-hour month.
    pub monthly_cost_usd: f64,
    /// Cost per demanded task-hour.
    pub cost_per_task_hour_usd: f64,
    /// The on-demand option this option is measured against: its own platform's
    /// (`fargate`, `ecs-ec2-ondemand` or `eks-ec2-ondemand`; the on-demand options name
    /// themselves). See the `compare` module docs.
    pub ondemand_baseline_option: String,
    /// The cost of that option for the same tasks over the same horizon; `null` when it
    /// cannot be priced (no EC2 on-demand prices for the product's OS).
    pub ondemand_baseline_usd: Option<f64>,
    /// Savings against the baseline, `100 × (1 − cost / baseline)`, percent: 0 for the
    /// on-demand options, `null` without a baseline.
    pub savings_vs_ondemand_pct: Option<f64>,
    /// Delivered ÷ demanded task-hours, percent.
    pub availability_pct: f64,
    /// Demanded task-hours minus `unmet_task_hours`.
    pub delivered_task_hours: f64,
    /// Total cost per delivered task-hour; `null` when nothing was delivered.
    pub cost_per_delivered_task_hour_usd: Option<f64>,
    /// Savings against the most expensive option, percent.
    pub savings_vs_most_expensive_pct: f64,
    /// Interruptions (Fargate: tasks; EC2: instances).
    pub interruptions: u64,
    /// Tasks restarted because of interruptions.
    pub task_restarts: f64,
    /// Restarts per 1000 delivered task-hours.
    pub restarts_per_1000_task_hours: f64,
    /// Demanded task-hours not served.
    pub unmet_task_hours: f64,
    /// Cost of Fargate size rounding or idle EC2 capacity.
    pub waste_usd: f64,
    /// `waste_usd` as a percentage of the total.
    pub waste_pct: f64,
    /// What the waste is (`fargate-rounding` or `idle-ec2-capacity`).
    pub waste_kind: String,
    /// Instance-hours (EC2 options).
    pub instance_hours: Option<f64>,
    /// EKS control-plane fee included in the total.
    pub control_plane_usd: Option<f64>,
    /// Restarts per 1000 task-hours at which this spot option stops paying off against
    /// its on-demand counterpart (spot options only; 0 when it never pays off).
    pub break_even_restarts_per_1000_task_hours: Option<f64>,
    /// The on-demand option the break-even refers to.
    pub break_even_against: Option<String>,
    /// The Fargate size each service is billed at (Fargate options).
    pub fargate_sizes: Vec<String>,
    /// The instance types of the node group the tasks run on (EC2 options; see the
    /// `compare` module docs).
    pub node_types: Vec<String>,
    /// Alarms and the service map, when telemetry was asked for
    /// ([`crate::telemetry`]); absent otherwise.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<crate::telemetry::TelemetryReport>,
}

/// An option's total cost split into what it is for, exact in micro-dollars:
/// `compute + control_plane + waste = total_cost_micro_usd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostSplit {
    /// Instances or tasks doing the work: the total less the control plane and waste.
    pub compute: i64,
    /// The EKS control-plane fee (0 for other options).
    pub control_plane: i64,
    /// Fargate size rounding or idle EC2 capacity (`waste_kind`).
    pub waste: i64,
}

impl OptionReport {
    /// The total cost split into compute, control plane and waste, in micro-dollars.
    /// `waste_usd` and `control_plane_usd` are rounded to the micro-dollar where the
    /// costs are produced, so the split is exact: the three parts sum to
    /// `total_cost_micro_usd`.
    ///
    /// ```
    /// # let json = r#"{"option":"eks-ec2-spot","total_cost_usd":175.5,"total_cost_micro_usd":175500000,"monthly_cost_usd":0,"cost_per_task_hour_usd":0,"ondemand_baseline_option":"eks-ec2-ondemand","ondemand_baseline_usd":null,"savings_vs_ondemand_pct":null,"availability_pct":100,"delivered_task_hours":0,"cost_per_delivered_task_hour_usd":null,"savings_vs_most_expensive_pct":0,"interruptions":0,"task_restarts":0,"restarts_per_1000_task_hours":0,"unmet_task_hours":0,"waste_usd":12.345678,"waste_pct":0,"waste_kind":"idle-ec2-capacity","instance_hours":null,"control_plane_usd":73.0,"break_even_restarts_per_1000_task_hours":null,"break_even_against":null,"fargate_sizes":[],"node_types":[]}"#;
    /// let o: spotsim::compare::OptionReport = serde_json::from_str(json).unwrap();
    /// let s = o.cost_split_micro_usd();
    /// // 175.5 − 73 − 12.345678 = 90.154322 USD of compute.
    /// assert_eq!((s.compute, s.control_plane, s.waste), (90_154_322, 73_000_000, 12_345_678));
    /// ```
    pub fn cost_split_micro_usd(&self) -> CostSplit {
        let micro = |x: f64| (x * 1e6).round() as i64;
        let control_plane = self.control_plane_usd.map_or(0, micro);
        let waste = micro(self.waste_usd);
        CostSplit {
            compute: self.total_cost_micro_usd - control_plane - waste,
            control_plane,
            waste,
        }
    }

    /// What the savings gate reads: nothing for an option that is its own baseline.
    pub fn gate_savings(&self) -> crate::report::gate::Savings {
        use crate::report::gate::Savings;
        if self.ondemand_baseline_option == self.option {
            Savings::NotApplicable
        } else {
            Savings::known(self.savings_vs_ondemand_pct)
        }
    }
}

/// A comparison's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareReport {
    /// JSON layout version.
    pub schema_version: u32,
    /// Horizon start.
    pub start: SimTime,
    /// Horizon end.
    pub end: SimTime,
    /// Horizon length.
    pub hours: f64,
    /// Demanded task-hours.
    pub task_hours: f64,
    /// Region of the Fargate rates.
    pub region: String,
    /// Fargate platform.
    pub platform: String,
    /// Where the EC2 spot prices came from.
    pub spot_prices: String,
    /// The services, as configured.
    pub services: Vec<Service>,
    /// One line per option.
    pub options: Vec<OptionReport>,
    /// What the user should know that the numbers do not say.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Provenance: input files, seed, version, assumptions.
    pub provenance: CompareProvenance,
}

/// Where a comparison's numbers came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareProvenance {
    /// spotsim's version.
    pub spotsim_version: String,
    /// Input files (traces, catalog) with SHA-256.
    pub inputs: Vec<SourceFile>,
    /// Seed.
    pub seed: u64,
    /// EC2 pools in the market.
    pub pools: usize,
    /// The EC2 spot strategy.
    pub ec2_strategy: String,
    /// Model assumptions in force.
    pub assumptions: Vec<String>,
}

impl CompareReport {
    /// Renders the report.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json::pretty(self),
            Format::Csv => self.csv(),
            Format::Markdown => self.markdown(),
            Format::Html => crate::report::html::ComparePage::new(self).render(),
            Format::Table => self.table(),
        }
    }

    pub(crate) fn rows(&self) -> Vec<[String; 13]> {
        self.options
            .iter()
            .map(|o| {
                [
                    o.option.clone(),
                    usd(o.total_cost_usd),
                    usd(o.monthly_cost_usd),
                    format!("${}", group(o.cost_per_task_hour_usd, 4)),
                    or_na(o.ondemand_baseline_usd, usd),
                    or_na(o.savings_vs_ondemand_pct, |x| pct(x, 1)),
                    pct(o.availability_pct, 2),
                    pct(o.savings_vs_most_expensive_pct, 1),
                    format!("{} / {}", count(o.interruptions), group(o.task_restarts, 0)),
                    group(o.unmet_task_hours, 1),
                    format!("{} ({})", usd(o.waste_usd), pct(o.waste_pct, 1)),
                    o.break_even_restarts_per_1000_task_hours
                        .map_or_else(|| "—".to_string(), |b| group(b, 1)),
                    group(o.restarts_per_1000_task_hours, 2),
                ]
            })
            .collect()
    }

    pub(crate) const HEAD: [&'static str; 13] = [
        "option",
        "total",
        "monthly",
        "per task-h",
        "od baseline",
        "savings",
        "availability",
        "vs priciest",
        "interr. / restarts",
        "unmet task-h",
        "waste",
        "break-even restarts/1k task-h",
        "restarts/1k task-h",
    ];

    /// What the savings columns are measured against (table and Markdown).
    pub(crate) const LEGEND: &'static str = "savings: against the od baseline, the same tasks on the option's own platform on-demand (fargate, ecs-ec2-ondemand or eks-ec2-ondemand); vs priciest: against the most expensive option; availability: delivered ÷ demanded task-hours";

    pub(crate) fn headline(&self) -> String {
        format!(
            "{} from {}, {} task-hours, Fargate {} in {}",
            hours(self.hours),
            self.start,
            group(self.task_hours, 1),
            self.platform,
            self.region
        )
    }

    fn table(&self) -> String {
        let rows = self.rows();
        let mut w = Self::HEAD.map(|h| h.chars().count());
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "spotsim {} compare — {}; EC2 spot prices: {}",
            self.provenance.spotsim_version,
            self.headline(),
            self.spot_prices
        );
        for w in &self.warnings {
            let _ = writeln!(s, "  {w}");
        }
        let _ = writeln!(s);
        let line = |s: &mut String, cells: &[String]| {
            let _ = write!(s, " ");
            for (i, c) in cells.iter().enumerate() {
                let pad = w[i].saturating_sub(c.chars().count());
                if i == 0 {
                    let _ = write!(s, " {c}{}", " ".repeat(pad));
                } else {
                    let _ = write!(s, "  {}{c}", " ".repeat(pad));
                }
            }
            let _ = writeln!(s);
        };
        line(&mut s, &Self::HEAD.map(String::from));
        for r in &rows {
            line(&mut s, r);
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "  {}", Self::LEGEND);
        for o in self
            .options
            .iter()
            .filter(|o| !o.fargate_sizes.is_empty())
            .take(1)
        {
            let _ = writeln!(s, "  Fargate sizes: {}", o.fargate_sizes.join("; "));
        }
        let nodes: Vec<String> = self
            .options
            .iter()
            .filter(|o| !o.node_types.is_empty() && o.option.ends_with("-ondemand"))
            .chain(
                self.options
                    .iter()
                    .filter(|o| !o.node_types.is_empty() && !o.option.ends_with("-ondemand")),
            )
            .map(|o| {
                (
                    o.option.split('-').next().unwrap_or(""),
                    o.node_types.join(", "),
                )
            })
            .fold(Vec::new(), |mut v, (c, t)| {
                let line = format!("{} {t}", c.to_uppercase());
                if !v.contains(&line) {
                    v.push(line);
                }
                v
            });
        let _ = writeln!(
            s,
            "  EC2 nodes: {}; spot strategy {}",
            if nodes.is_empty() {
                "none".to_string()
            } else {
                nodes.join("; ")
            },
            self.provenance.ec2_strategy
        );
        let _ = writeln!(s, "  seed {}", self.provenance.seed);
        let _ = writeln!(s, "  assumptions:");
        for a in &self.provenance.assumptions {
            let _ = writeln!(s, "    - {a}");
        }
        s
    }

    fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### spotsim compare: {}\n", self.headline());
        markdown::warnings(&mut s, self.warnings.iter().map(|w| (None, w)).collect());
        let _ = writeln!(s, "| {} |", Self::HEAD.join(" | "));
        let _ = writeln!(s, "|---|{}", "---:|".repeat(Self::HEAD.len() - 1));
        for r in self.rows() {
            let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(s, "\n{}.", cell(Self::LEGEND));
        let _ = writeln!(
            s,
            "\nEC2 spot prices: {}. Seed {}, spotsim {}.",
            self.spot_prices, self.provenance.seed, self.provenance.spotsim_version
        );
        let _ = writeln!(s, "\n<details><summary>Assumptions</summary>\n");
        for a in &self.provenance.assumptions {
            let _ = writeln!(s, "- {}", cell(a));
        }
        let _ = writeln!(s, "\n</details>");
        s
    }

    fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record([
            "option",
            "total_cost_usd",
            "monthly_cost_usd",
            "cost_per_task_hour_usd",
            "ondemand_baseline_option",
            "ondemand_baseline_usd",
            "savings_vs_ondemand_pct",
            "availability_pct",
            "delivered_task_hours",
            "cost_per_delivered_task_hour_usd",
            "savings_vs_most_expensive_pct",
            "interruptions",
            "task_restarts",
            "unmet_task_hours",
            "waste_usd",
            "waste_kind",
            "break_even_restarts_per_1000_task_hours",
            "restarts_per_1000_task_hours",
            "warnings",
        ]);
        let warnings = warning::csv_cell(&self.warnings);
        let f6 = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.6}"));
        for o in &self.options {
            let _ = w.write_record([
                o.option.clone(),
                format!("{:.6}", o.total_cost_usd),
                format!("{:.6}", o.monthly_cost_usd),
                format!("{:.6}", o.cost_per_task_hour_usd),
                o.ondemand_baseline_option.clone(),
                f6(o.ondemand_baseline_usd),
                f6(o.savings_vs_ondemand_pct),
                format!("{:.6}", o.availability_pct),
                format!("{:.6}", o.delivered_task_hours),
                f6(o.cost_per_delivered_task_hour_usd),
                format!("{:.6}", o.savings_vs_most_expensive_pct),
                o.interruptions.to_string(),
                format!("{:.6}", o.task_restarts),
                format!("{:.6}", o.unmet_task_hours),
                format!("{:.6}", o.waste_usd),
                o.waste_kind.clone(),
                o.break_even_restarts_per_1000_task_hours
                    .map_or(String::new(), |b| format!("{b:.6}")),
                format!("{:.6}", o.restarts_per_1000_task_hours),
                warnings.clone(),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
