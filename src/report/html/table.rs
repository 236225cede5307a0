//! HTML tables of numbers formatted for people (thousands separators, units: the
//! `report::human` formatting every table of spotsim uses): leading text columns
//! left-aligned, number columns right-aligned in tabular figures.

use std::fmt::Write as _;

use super::page::escape;

/// A table with `head`, whose first `text_cols` columns are text and the rest
/// numbers. Rows whose first cell starts with two spaces are sub-rows (indented: the
/// "of which" lines of the run summary).
pub(crate) fn table(head: &[&str], text_cols: usize, rows: &[Vec<String>]) -> String {
    let numeric: Vec<bool> = (0..head.len()).map(|i| i >= text_cols).collect();
    table_aligned(head, &numeric, rows)
}

/// A table whose columns `numeric[i]` are right-aligned numbers, the others text.
pub(crate) fn table_aligned(head: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
    let num = |i: usize| numeric.get(i).copied().unwrap_or(false);
    let mut s = String::from("<div class=\"scroll\"><table><thead><tr>");
    for (i, h) in head.iter().enumerate() {
        let class = if num(i) { " class=\"num\"" } else { "" };
        let _ = write!(s, "<th{class}>{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        let sub = r.first().is_some_and(|c| c.starts_with("  "));
        s.push_str(if sub { "<tr class=\"sub\">" } else { "<tr>" });
        for (i, c) in r.iter().enumerate() {
            let class = if num(i) { " class=\"num\"" } else { "" };
            let _ = write!(s, "<td{class}>{}</td>", escape(c.trim()));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_right_text_left_escaped() {
        let t = table(
            &["metric", "a<b"],
            1,
            &[
                vec!["total cost".into(), "$1,234.50".into()],
                vec!["  of which".into(), "3".into()],
            ],
        );
        assert!(t.contains("<th>metric</th><th class=\"num\">a&lt;b</th>"));
        assert!(t.contains("<tr><td>total cost</td><td class=\"num\">$1,234.50</td></tr>"));
        assert!(t.contains("<tr class=\"sub\"><td>of which</td>"));
    }
}
