//! A [`TypesReport`] rendered: table, JSON, CSV, Markdown, HTML, or the bare names.

use super::*;

impl TypesReport {
    /// Renders the answer.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json::pretty(self),
            Format::Csv => self.csv(),
            Format::Markdown => self.markdown(),
            Format::Html => self.html(),
            Format::Table => self.table(),
        }
    }

    /// The names, comma-separated, for `--instance-types` (one line).
    pub fn names(&self) -> String {
        let mut s = self
            .types
            .iter()
            .map(|t| t.instance_type.as_str())
            .collect::<Vec<_>>()
            .join(",");
        s.push('\n');
        s
    }

    fn has_advisor(&self) -> bool {
        self.source.advisor.is_some()
    }

    fn cells(&self, t: &TypeRow) -> Vec<String> {
        let mut c = vec![
            t.instance_type.clone(),
            t.vcpu.to_string(),
            format!(
                "{} GiB",
                group(
                    t.memory_gib,
                    if t.memory_gib.fract() == 0.0 { 0 } else { 2 }
                )
            ),
            t.arch.clone(),
            usd_per_hour(t.ondemand_usd_per_hour),
        ];
        if self.has_advisor() {
            c.push(t.band_label.clone().unwrap_or_else(|| "n/a".into()));
            c.push(t.savings_pct.map_or("n/a".into(), |s| pct(f64::from(s), 0)));
        }
        c
    }

    fn head(&self) -> Vec<&'static str> {
        let mut h = vec!["instance type", "vCPU", "memory", "arch", "on-demand"];
        if self.has_advisor() {
            h.extend(["interruptions", "spot savings"]);
        }
        h
    }

    fn table(&self) -> String {
        let head = self.head();
        let rows: Vec<Vec<String>> = self.types.iter().map(|t| self.cells(t)).collect();
        let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let mut s = String::new();
        let _ = writeln!(
            s,
            "spotsim types — {} of the catalog ({}, {})",
            self.types.len(),
            self.source.catalog_region,
            self.source.catalog_source
        );
        for wn in &self.warnings {
            let _ = writeln!(s, "  {wn}");
        }
        let line = |s: &mut String, cells: &[String]| {
            let _ = write!(s, " ");
            for (i, c) in cells.iter().enumerate() {
                let pad = w[i].saturating_sub(c.chars().count());
                if i == 0 || i == 3 {
                    let _ = write!(s, " {c}{}", " ".repeat(pad));
                } else {
                    let _ = write!(s, "  {}{c}", " ".repeat(pad));
                }
            }
            let _ = writeln!(s);
        };
        line(
            &mut s,
            &head.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        );
        for r in &rows {
            line(&mut s, r);
        }
        if let (Some(a), Some(r)) = (&self.source.advisor, &self.source.advisor_region) {
            let _ = writeln!(
                s,
                "  Spot Advisor: {} ({} {}, sha256 {})",
                a.path,
                r,
                self.source.advisor_os.as_deref().unwrap_or(""),
                &a.sha256[..16.min(a.sha256.len())]
            );
        }
        s
    }

    fn html(&self) -> String {
        use crate::report::html::Page;
        let head = self.head();
        let mut page = Page::new(
            "spotsim types",
            &format!(
                "{} of the catalog ({})",
                self.types.len(),
                self.source.catalog_region
            ),
        );
        page.warnings(self.warnings.iter().map(|w| (None, w)));
        let rows: Vec<Vec<String>> = self.types.iter().map(|t| self.cells(t)).collect();
        let numeric: Vec<bool> = (0..head.len()).map(|i| i > 0).collect();
        page.section(
            "Instance types",
            &crate::report::html::table::table_aligned(&head, &numeric, &rows),
        );
        page.finish()
    }

    fn markdown(&self) -> String {
        let head = self.head();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "### spotsim types: {} of the catalog ({})\n",
            self.types.len(),
            self.source.catalog_region
        );
        crate::report::markdown::warnings(
            &mut s,
            self.warnings.iter().map(|w| (None, w)).collect(),
        );
        let _ = writeln!(s, "| {} |", head.join(" | "));
        let _ = writeln!(s, "|---|{}", "---:|".repeat(head.len() - 1));
        for t in &self.types {
            let c: Vec<String> = self.cells(t).iter().map(|x| cell(x)).collect();
            let _ = writeln!(s, "| {} |", c.join(" | "));
        }
        s
    }

    fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record([
            "instance_type",
            "family",
            "generation",
            "vcpu",
            "memory_gib",
            "arch",
            "ondemand_usd_per_hour",
            "band",
            "band_label",
            "savings_pct",
            "warnings",
        ]);
        let warnings = warning::csv_cell(&self.warnings);
        for t in &self.types {
            let _ = w.write_record([
                t.instance_type.clone(),
                t.family.clone(),
                t.generation.map_or(String::new(), |g| g.to_string()),
                t.vcpu.to_string(),
                format!("{}", t.memory_gib),
                t.arch.clone(),
                format!("{}", t.ondemand_usd_per_hour),
                t.band.map_or(String::new(), |b| b.to_string()),
                t.band_label.clone().unwrap_or_default(),
                t.savings_pct.map_or(String::new(), |s| s.to_string()),
                warnings.clone(),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
