//! JSON rendering, shared by every command: pretty-printed, keys in declaration order,
//! one trailing newline. Floats are already rounded when a report is built, so the
//! bytes are the same on every machine.

use serde::Serialize;

/// `value` as pretty JSON with a trailing newline.
///
/// ```
/// assert_eq!(spotsim::report::json::pretty(&[1, 2]), "[\n  1,\n  2\n]\n");
/// ```
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
