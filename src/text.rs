//! The one way a value the user gave is echoed in a message: control characters
//! escaped, backticks escaped, and the value cut to [`MAX_ECHO`] characters, so that an
//! error stays one line however hostile the input (a newline inside a CSV field, a
//! 2 GB line of NULs, a flag value with a terminal escape sequence).
//!
//! Every reader and option check formats echoed values through [`quote`] (or
//! [`escape`] where the message has its own quoting), and file names through
//! [`escape_path`].

use std::path::Path;

/// At most this many characters of a value are echoed; longer values end in `…`.
pub const MAX_ECHO: usize = 60;

/// `s` with control characters escaped (`\n`, `\t`, `\0`, `\u{1b}`, …), backticks and
/// backslashes escaped, cut to [`MAX_ECHO`] characters (then `…`).
///
/// ```
/// use spotsim::text::escape;
/// assert_eq!(escape("us-east-1a"), "us-east-1a");
/// assert_eq!(escape("a\nb\0c`d"), "a\\nb\\0c\\`d");
/// let long = "x".repeat(1000);
/// assert_eq!(escape(&long).chars().count(), 61); // 60 and the ellipsis
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_ECHO * 2));
    for (i, c) in s.chars().enumerate() {
        if i == MAX_ECHO {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `s` escaped ([`escape`]) between backticks: how errors echo a value.
///
/// ```
/// use spotsim::text::quote;
/// assert_eq!(quote("NaN"), "`NaN`");
/// assert_eq!(quote("us-east\n1a"), "`us-east\\n1a`");
/// ```
pub fn quote(s: &str) -> String {
    format!("`{}`", escape(s))
}

/// A file name for a message: lossily decoded, control characters escaped, cut to a
/// longer limit than values (paths are how the user finds the file).
///
/// ```
/// use std::path::Path;
/// use spotsim::text::escape_path;
/// assert_eq!(escape_path(Path::new("data/p.csv")), "data/p.csv");
/// assert_eq!(escape_path(Path::new("a\nb.csv")), "a\\nb.csv");
/// ```
pub fn escape_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == 4 * MAX_ECHO {
            out.push('…');
            break;
        }
        if c.is_control() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\0' => out.push_str("\\0"),
                c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` with its control characters (line breaks, NUL, escape sequences) escaped and
/// nothing cut: how every error and warning is printed, so that each stays one line
/// whatever a message quotes.
///
/// ```
/// use spotsim::text::one_line;
/// assert_eq!(one_line("a\nb"), "a\\nb");
/// assert_eq!(one_line("plain"), "plain");
/// ```
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape_path`] between backticks.
///
/// ```
/// use std::path::Path;
/// assert_eq!(spotsim::text::quote_path(Path::new("p.csv")), "`p.csv`");
/// ```
pub fn quote_path(p: &Path) -> String {
    format!("`{}`", escape_path(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn escaped_text_is_one_short_line(s in any::<String>()) {
            let e = escape(&s);
            prop_assert!(!e.chars().any(char::is_control));
            prop_assert!(e.chars().count() <= 6 * MAX_ECHO + 1);
            let q = escape_path(Path::new(&s));
            prop_assert!(!q.chars().any(char::is_control));
        }
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let s = "é".repeat(100);
        assert_eq!(escape(&s), format!("{}…", "é".repeat(MAX_ECHO)));
    }
}
