//! The page: one self-contained HTML document — inline CSS (screen and print) and
//! inline SVG, no script, no font, no image or style fetched from anywhere — built
//! section by section by [`Page`], shared by every command's report.
//!
//! Sections, in order: the headline and the facts of the run, warnings, the summary
//! table, the charts (each a `<figure>` with its SVG and a one-line caption saying how
//! to read it), detail tables, assumptions, provenance (inputs with their SHA-256).

use std::fmt::Write as _;

use super::chart::Chart;
use super::plot;
use crate::market::SourceFile;
use crate::report::Warning;
use crate::report::human::count;

/// Escapes text for HTML element content and attribute values.
///
/// ```
/// use spotsim::report::html::escape;
/// assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet: readable on screen, compact and black on white in print (charts
/// kept whole on a page, no background colours).
const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1040px; padding: 24px 28px 48px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fff; }
h1 { font-size: 1.55em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
h3 { font-size: 1em; margin: 18px 0 6px; }
.sub { color: #555; margin: 0 0 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 10px 0 0; padding: 0; list-style: none; color: #444; }
.facts b { color: #222; }
.warning { border-left: 4px solid #D55E00; background: #fdf3ec; padding: 8px 12px; margin: 8px 0; }
.warning code { font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th { text-align: left; font-weight: 600; background: #f6f6f6; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.sub td:first-child { padding-left: 24px; color: #555; }
.scroll { overflow-x: auto; }
.scroll th, .scroll td { white-space: nowrap; }
figure { margin: 18px 0 26px; }
figure svg { display: block; width: 100%; max-width: 960px; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92em; margin-top: 6px; max-width: 960px; }
.note { color: #555; font-size: 0.92em; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.88em; }
.hash { word-break: break-all; }
ul.assumptions li { margin: 3px 0; }
footer { margin-top: 36px; color: #777; font-size: 0.85em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; }
  h2 { break-after: avoid; }
  figure, table, .warning { break-inside: avoid; }
  figure svg { border: none; max-width: 100%; }
  .warning { background: none; border-left-color: #000; }
  th { background: none; }
  .scroll { overflow: visible; }
  footer { display: none; }
}
"#;

/// A report page under construction.
///
/// ```
/// use spotsim::report::html::Page;
/// let mut p = Page::new("spotsim run", "lowest-price on 12 pools");
/// p.section("Summary", "<p>ok</p>");
/// let html = p.finish();
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("<h2 id=\"summary\">Summary</h2>"));
/// ```
#[derive(Debug)]
pub struct Page {
    title: String,
    body: String,
    charts: usize,
}

impl Page {
    /// A page with `title` (the `<title>` and the heading) and a subtitle.
    pub fn new(title: &str, subtitle: &str) -> Page {
        let mut body = String::new();
        let _ = write!(
            body,
            "<header><h1>{}</h1><p class=\"sub\">{}</p>",
            escape(title),
            escape(subtitle)
        );
        Page {
            title: title.to_string(),
            body,
            charts: 0,
        }
    }

    /// Key facts under the headline, as `(label, value)` pairs; closes the header.
    pub fn facts(&mut self, facts: &[(&str, String)]) {
        self.body.push_str("<ul class=\"facts\">");
        for (k, v) in facts {
            let _ = write!(self.body, "<li>{}: <b>{}</b></li>", escape(k), escape(v));
        }
        self.body.push_str("</ul>");
    }

    fn close_header(&mut self) {
        if !self.body.contains("</header>") {
            self.body.push_str("</header>");
        }
    }

    /// The warnings, each with its code (and the item it concerns, when only some do);
    /// nothing when there are none.
    pub fn warnings<'a>(&mut self, ws: impl IntoIterator<Item = (Option<&'a str>, &'a Warning)>) {
        self.close_header();
        let mut any = false;
        for (who, w) in ws {
            if !any {
                self.body
                    .push_str("<section id=\"warnings\" aria-label=\"Warnings\">");
                any = true;
            }
            let who = who.map_or(String::new(), |s| format!("[{}] ", escape(s)));
            let _ = write!(
                self.body,
                "<p class=\"warning\"><strong>warning</strong> {who}<code>{}</code>: {}</p>",
                escape(&w.code),
                escape(&w.message)
            );
        }
        if any {
            self.body.push_str("</section>");
        }
    }

    /// A section with a heading and already-escaped HTML content.
    pub fn section(&mut self, heading: &str, html: &str) {
        self.close_header();
        let id: String = heading
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let _ = write!(
            self.body,
            "<section><h2 id=\"{id}\">{}</h2>{html}</section>",
            escape(heading)
        );
    }

    /// A section of charts, each a figure with its caption; nothing for none.
    pub fn charts(&mut self, heading: &str, charts: &[Chart]) {
        if charts.is_empty() {
            return;
        }
        let mut html = String::new();
        for c in charts {
            self.charts += 1;
            let id = format!("chart{}", self.charts);
            let _ = write!(
                html,
                "<figure>{}<figcaption>{}</figcaption></figure>",
                plot::svg(c, &id),
                escape(c.caption())
            );
        }
        self.section(heading, &html);
    }

    /// The assumptions in force, as a list (`(who, text)`: who is shown in brackets).
    pub fn assumptions<'a>(&mut self, items: impl IntoIterator<Item = (Option<&'a str>, &'a str)>) {
        let mut html = String::from("<ul class=\"assumptions\">");
        for (who, a) in items {
            let who = who.map_or(String::new(), |s| format!("[{}] ", escape(s)));
            let _ = write!(html, "<li>{who}{}</li>", escape(a));
        }
        html.push_str("</ul>");
        self.section("Assumptions", &html);
    }

    /// Provenance: the input files with format, rows and SHA-256, then other facts.
    pub fn provenance(&mut self, inputs: &[SourceFile], facts: &[(&str, String)]) {
        let mut html = String::new();
        if inputs.is_empty() {
            html.push_str("<p class=\"note\">No input files were read.</p>");
        } else {
            html.push_str("<div class=\"scroll\"><table><thead><tr><th>input file</th><th>format</th><th class=\"num\">rows</th><th>SHA-256</th></tr></thead><tbody>");
            for i in inputs {
                let _ = write!(
                    html,
                    "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"hash\">{}</td></tr>",
                    escape(&i.path),
                    escape(&i.format),
                    count(i.rows),
                    escape(&i.sha256)
                );
            }
            html.push_str("</tbody></table></div>");
        }
        html.push_str("<table><tbody>");
        for (k, v) in facts {
            let _ = write!(
                html,
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(k),
                escape(v)
            );
        }
        html.push_str("</tbody></table>");
        self.section("Provenance", &html);
    }

    /// The whole document.
    pub fn finish(mut self) -> String {
        self.close_header();
        let mut out = String::with_capacity(self.body.len() + CSS.len() + 400);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"spotsim {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            escape(&self.title)
        );
        out.push_str(&self.body);
        let _ = write!(
            out,
            "\n<footer>Made by spotsim {}. This page is one self-contained file: no script, and nothing is loaded from the network.</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        out
    }
}
