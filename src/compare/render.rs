//! Rendering a [`CompareReport`]: table, JSON, CSV, Markdown.

use std::fmt::Write as _;

use super::CompareReport;
use crate::error::ConfigError;

/// Output formats of `compare`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CompareFormat {
    /// Aligned text.
    #[default]
    Table,
    /// JSON `{"options":[…], …}`.
    Json,
    /// CSV, a row per option.
    Csv,
    /// A Markdown table for a pull-request comment.
    Markdown,
}

impl CompareFormat {
    /// Parses `table`, `json`, `csv` or `markdown`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the valid values.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        match s {
            "table" => Ok(CompareFormat::Table),
            "json" => Ok(CompareFormat::Json),
            "csv" => Ok(CompareFormat::Csv),
            "markdown" | "md" => Ok(CompareFormat::Markdown),
            _ => Err(ConfigError::new(
                "output",
                format!("unknown format `{s}`; valid: table, json, csv, markdown"),
            )),
        }
    }
}

fn money(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}.{frac}", if x < 0.0 { "-" } else { "" })
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "—".to_string(), f)
}

impl CompareReport {
    /// Renders the report.
    pub fn render(&self, format: CompareFormat) -> String {
        match format {
            CompareFormat::Json => {
                let mut s = serde_json::to_string_pretty(self)
                    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
                s.push('\n');
                s
            }
            CompareFormat::Csv => self.csv(),
            CompareFormat::Markdown => self.markdown(),
            CompareFormat::Table => self.table(),
        }
    }

    fn rows(&self) -> Vec<[String; 10]> {
        self.options
            .iter()
            .map(|o| {
                [
                    o.option.clone(),
                    money(o.total_cost_usd),
                    money(o.monthly_cost_usd),
                    format!("{:.4}", o.cost_per_task_hour_usd),
                    format!("{:.1}%", o.savings_vs_most_expensive_pct),
                    format!("{} / {:.0}", o.interruptions, o.task_restarts),
                    format!("{:.1}", o.unmet_task_hours),
                    format!("{} ({:.1}%)", money(o.waste_usd), o.waste_pct),
                    opt(o.break_even_restarts_per_1000_task_hours, |b| {
                        format!("{b:.1}")
                    }),
                    format!("{:.2}", o.restarts_per_1000_task_hours),
                ]
            })
            .collect()
    }

    const HEAD: [&'static str; 10] = [
        "option",
        "total",
        "monthly",
        "per task-hour",
        "savings",
        "interruptions / restarts",
        "unmet task-h",
        "waste",
        "break-even restarts/1000 task-h",
        "restarts/1000 task-h",
    ];

    fn table(&self) -> String {
        let rows = self.rows();
        let mut w = Self::HEAD.map(str::len);
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "spotsim {} compare — {} h from {}, {} task-hours, Fargate {} {}; EC2 spot prices: {}",
            self.provenance.spotsim_version,
            self.hours,
            self.start,
            self.task_hours,
            self.platform,
            self.region,
            self.spot_prices
        );
        let _ = writeln!(s);
        let line = |s: &mut String, cells: &[String]| {
            let _ = write!(s, " ");
            for (i, c) in cells.iter().enumerate() {
                if i == 0 {
                    let _ = write!(s, " {:<w$}", c, w = w[i]);
                } else {
                    let _ = write!(s, "  {:>w$}", c, w = w[i]);
                }
            }
            let _ = writeln!(s);
        };
        line(&mut s, &Self::HEAD.map(String::from));
        for r in &rows {
            line(&mut s, r);
        }
        let _ = writeln!(s);
        for o in self
            .options
            .iter()
            .filter(|o| !o.fargate_sizes.is_empty())
            .take(1)
        {
            let _ = writeln!(s, "  Fargate sizes: {}", o.fargate_sizes.join("; "));
        }
        let _ = writeln!(
            s,
            "  EC2 node type: {}, strategy {}",
            self.provenance.node_type, self.provenance.ec2_strategy
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
        let _ = writeln!(
            s,
            "### spotsim compare: {} h, {} task-hours, Fargate {} in {}\n",
            self.hours, self.task_hours, self.platform, self.region
        );
        let _ = writeln!(s, "| {} |", Self::HEAD.join(" | "));
        let _ = writeln!(s, "|{}", "---|".repeat(Self::HEAD.len()));
        for r in self.rows() {
            let _ = writeln!(s, "| {} |", r.join(" | "));
        }
        let _ = writeln!(
            s,
            "\nEC2 spot prices: {}. Seed {}, spotsim {}.",
            self.spot_prices, self.provenance.seed, self.provenance.spotsim_version
        );
        let _ = writeln!(s, "\n<details><summary>Assumptions</summary>\n");
        for a in &self.provenance.assumptions {
            let _ = writeln!(s, "- {a}");
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
            "savings_vs_most_expensive_pct",
            "interruptions",
            "task_restarts",
            "unmet_task_hours",
            "waste_usd",
            "waste_kind",
            "break_even_restarts_per_1000_task_hours",
            "restarts_per_1000_task_hours",
        ]);
        for o in &self.options {
            let _ = w.write_record([
                o.option.clone(),
                format!("{:.6}", o.total_cost_usd),
                format!("{:.6}", o.monthly_cost_usd),
                format!("{:.6}", o.cost_per_task_hour_usd),
                format!("{:.6}", o.savings_vs_most_expensive_pct),
                o.interruptions.to_string(),
                format!("{:.6}", o.task_restarts),
                format!("{:.6}", o.unmet_task_hours),
                format!("{:.6}", o.waste_usd),
                o.waste_kind.to_string(),
                o.break_even_restarts_per_1000_task_hours
                    .map_or(String::new(), |b| format!("{b:.6}")),
                format!("{:.6}", o.restarts_per_1000_task_hours),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
