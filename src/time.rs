//! Simulated time: integer seconds since the Unix epoch, UTC.
//!
//! Principle 2 of DESIGN.md: time is an integer, never a float, so that replays are
//! exact and reproducible. The parser here is hand-written (no date crate) because it
//! sits on the hot path of trace ingest (see `benches/ingest.rs`) and only needs the
//! two shapes real traces use:
//!
//! * RFC 3339 / ISO 8601 with a zone: `2021-02-09T01:40:10+00:00`, `…Z`, `…-05:00`,
//!   optionally with fractional seconds (`.123`), which are truncated toward the earlier
//!   second (documented model choice: AWS price history has whole seconds).
//! * The naive form `2023-02-15 22:08:16` (space or `T`, no zone) used by the
//!   availability CSVs; [`parse_naive_utc`] reads it as UTC.

use std::fmt;

/// Seconds in one hour.
pub const HOUR: i64 = 3600;
/// Seconds in one day.
pub const DAY: i64 = 86_400;

/// An instant of simulated time: whole seconds since 1970-01-01T00:00:00Z.
///
/// ```
/// use spotsim::time::SimTime;
/// let t = SimTime::parse_rfc3339("2021-02-09T01:40:10+00:00").unwrap();
/// assert_eq!(t.secs(), 1_612_834_810);
/// assert_eq!(t.to_string(), "2021-02-09T01:40:10Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

/// Why a timestamp could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// The text does not have the expected shape; the payload says what was expected.
    Shape(&'static str),
    /// A field is out of range (month 13, hour 25, February 30, …).
    Range(&'static str),
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::Shape(what) => write!(f, "not a timestamp: expected {what}"),
            TimeError::Range(what) => write!(f, "timestamp out of range: {what}"),
        }
    }
}

impl std::error::Error for TimeError {}

impl SimTime {
    /// Seconds since the epoch.
    #[inline]
    pub fn secs(self) -> i64 {
        self.0
    }

    /// This instant plus `secs` seconds.
    ///
    /// ```
    /// # use spotsim::time::SimTime;
    /// assert_eq!(SimTime(10).plus(5), SimTime(15));
    /// ```
    #[inline]
    pub fn plus(self, secs: i64) -> SimTime {
        SimTime(self.0 + secs)
    }

    /// Seconds from `earlier` to `self` (negative if `earlier` is later).
    ///
    /// ```
    /// # use spotsim::time::SimTime;
    /// assert_eq!(SimTime(15).since(SimTime(10)), 5);
    /// ```
    #[inline]
    pub fn since(self, earlier: SimTime) -> i64 {
        self.0 - earlier.0
    }

    /// Parses an RFC 3339 timestamp with a zone (`Z` or `±HH:MM`).
    ///
    /// # Errors
    /// [`TimeError`] when the shape or a field's range is wrong, or the zone is missing.
    ///
    /// ```
    /// # use spotsim::time::SimTime;
    /// let a = SimTime::parse_rfc3339("2020-07-31T11:24:57+02:00").unwrap();
    /// let b = SimTime::parse_rfc3339("2020-07-31T09:24:57Z").unwrap();
    /// assert_eq!(a, b);
    /// assert!(SimTime::parse_rfc3339("2020-07-31T11:24:57").is_err());
    /// ```
    pub fn parse_rfc3339(s: &str) -> Result<SimTime, TimeError> {
        let (t, rest) = parse_date_time(s.as_bytes())?;
        let offset = parse_zone(rest)?;
        Ok(SimTime(t - offset))
    }

    /// Formats as RFC 3339 in UTC (`YYYY-MM-DDTHH:MM:SSZ`).
    ///
    /// ```
    /// # use spotsim::time::SimTime;
    /// assert_eq!(SimTime(0).to_rfc3339(), "1970-01-01T00:00:00Z");
    /// ```
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }
}

impl serde::Serialize for SimTime {
    /// Serialized as an RFC 3339 string in UTC.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SimTime {
    /// Read back from an RFC 3339 string (reports are readable back).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SimTime::parse_rfc3339(&s).map_err(|e| serde::de::Error::custom(format!("`{s}`: {e}")))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(DAY);
        let sod = self.0.rem_euclid(DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            sod / HOUR,
            (sod % HOUR) / 60,
            sod % 60
        )
    }
}

/// Reads RFC 3339 timestamps of AWS's fixed shapes fast: `YYYY-MM-DDTHH:MM:SS+00:00`
/// and `YYYY-MM-DDTHH:MM:SSZ`. The date part is remembered: rows come in time order, so
/// consecutive ones mostly share it, and a new date is checked by
/// [`SimTime::parse_rfc3339`] itself (its first and last second), so the fast path
/// accepts a date exactly when the full parser does. Anything else — another shape, a
/// leap second, a date the parser refuses — returns `None`, and the caller parses the
/// text in full (for the result or the error).
#[derive(Clone, Debug, Default)]
pub(crate) struct FastRfc3339 {
    /// The remembered date's ten bytes, as a word and a half-word.
    date: (u64, u16),
    day_start: Option<i64>,
}

/// The bytes of `HH:MM:SS`, as a little-endian word: where its colons are …
const COLON_BYTES: u64 = 0xff << 16 | 0xff << 40;
/// … what they hold …
const COLONS: u64 = (b':' as u64) << 16 | (b':' as u64) << 40;
/// … the high nibble of its digits, and `'0'` in each digit's byte.
const DIGIT_NIBBLES: u64 = 0xf0f0_00f0_f000_f0f0;
const ZEROS: u64 = 0x3030_0030_3000_3030;

impl FastRfc3339 {
    /// The instant `b` names, when it has one of the fixed shapes (see the type docs).
    #[inline]
    pub(crate) fn read(&mut self, b: &[u8]) -> Option<SimTime> {
        let zone_ok = match b.len() {
            25 => b.get(19..) == Some(&b"+00:00"[..]),
            20 => b.get(19) == Some(&b'Z'),
            _ => false,
        };
        if !zone_ok || b[10] != b'T' {
            return None;
        }
        // `HH:MM:SS` in one word: the colons in place, and every other byte a digit —
        // its high nibble 3, and still 3 with 6 added (0x30–0x39, not 0x3a–0x3f; no
        // carry crosses a byte once the nibbles are 3). Then each byte less '0' is
        // its digit.
        let w = u64::from_le_bytes(b.get(11..19)?.try_into().ok()?);
        let x = w & !COLON_BYTES;
        if w & COLON_BYTES != COLONS
            || x & DIGIT_NIBBLES != ZEROS
            || x.wrapping_add(0x0606_0006_0600_0606) & DIGIT_NIBBLES != ZEROS
        {
            return None;
        }
        let d = x - ZEROS;
        let two = |k: u32| ((d >> (8 * k)) & 0xff) as i64 * 10 + ((d >> (8 * k + 8)) & 0xff) as i64;
        let (h, m, s) = (two(0), two(3), two(6));
        if h > 23 || m > 59 || s > 59 {
            return None;
        }
        let date = (
            u64::from_le_bytes(b.get(..8)?.try_into().ok()?),
            u16::from_le_bytes(b.get(8..10)?.try_into().ok()?),
        );
        let day_start = match self.day_start {
            Some(d) if self.date == date => d,
            _ => {
                let mut first = *b"0000-00-00T00:00:00Z";
                let mut last = *b"0000-00-00T23:59:59Z";
                first[..10].copy_from_slice(b.get(..10)?);
                last[..10].copy_from_slice(b.get(..10)?);
                let parse = |t: &[u8]| {
                    std::str::from_utf8(t)
                        .ok()
                        .and_then(|t| SimTime::parse_rfc3339(t).ok())
                };
                let d = parse(&first)?.0;
                parse(&last)?;
                self.date = date;
                self.day_start = Some(d);
                d
            }
        };
        Some(SimTime(day_start + h * HOUR + m * 60 + s))
    }
}

/// Parses `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` without a zone, as UTC.
/// A trailing zone (`Z`, `±HH:MM`) is also accepted and applied.
///
/// # Errors
/// [`TimeError`] when the shape or a field's range is wrong.
///
/// ```
/// # use spotsim::time::{parse_naive_utc, SimTime};
/// assert_eq!(parse_naive_utc("2023-02-15 22:08:16").unwrap(),
///            SimTime::parse_rfc3339("2023-02-15T22:08:16Z").unwrap());
/// ```
pub fn parse_naive_utc(s: &str) -> Result<SimTime, TimeError> {
    let (t, rest) = parse_date_time(s.as_bytes())?;
    if rest.is_empty() {
        Ok(SimTime(t))
    } else {
        Ok(SimTime(t - parse_zone(rest)?))
    }
}

#[inline]
fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let mut v = 0i64;
    for i in 0..n {
        let c = *b.get(at + i)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    Some(v)
}

const DT_SHAPE: &str = "YYYY-MM-DDTHH:MM:SS";

/// Returns (seconds since epoch ignoring zone, the bytes after the seconds and any fraction).
fn parse_date_time(b: &[u8]) -> Result<(i64, &[u8]), TimeError> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return Err(TimeError::Shape(DT_SHAPE));
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return Err(TimeError::Shape(DT_SHAPE));
    }
    let bad = TimeError::Shape(DT_SHAPE);
    let y = digits(b, 0, 4).ok_or(bad.clone())?;
    let mo = digits(b, 5, 2).ok_or(bad.clone())?;
    let d = digits(b, 8, 2).ok_or(bad.clone())?;
    let h = digits(b, 11, 2).ok_or(bad.clone())?;
    let mi = digits(b, 14, 2).ok_or(bad.clone())?;
    let s = digits(b, 17, 2).ok_or(bad)?;
    if !(crate::limits::MIN_YEAR..=crate::limits::MAX_YEAR).contains(&y) {
        return Err(TimeError::Range(
            "the year must be 2006..2099 (spotsim's range; EC2 Spot started in 2009)",
        ));
    }
    if !(1..=12).contains(&mo) {
        return Err(TimeError::Range("month must be 01..12"));
    }
    if d < 1 || d > days_in_month(y, mo) {
        return Err(TimeError::Range("day does not exist in that month"));
    }
    if h > 23 || mi > 59 || s > 60 {
        return Err(TimeError::Range("time of day must be 00:00:00..23:59:60"));
    }
    // A leap second (:60) is folded onto the next second, as Unix time does.
    let t = days_from_civil(y, mo, d) * DAY + h * HOUR + mi * 60 + s;
    let mut rest = &b[19..];
    if let Some(b'.') = rest.first() {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(TimeError::Shape("digits after the decimal point"));
        }
        rest = &rest[1 + n..];
    }
    Ok((t, rest))
}

fn parse_zone(rest: &[u8]) -> Result<i64, TimeError> {
    match rest {
        [b'Z'] | [b'z'] => Ok(0),
        [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest[3] == b':' => {
            let h = digits(rest, 1, 2).ok_or(TimeError::Shape("zone offset ±HH:MM"))?;
            let m = digits(rest, 4, 2).ok_or(TimeError::Shape("zone offset ±HH:MM"))?;
            if h > 23 || m > 59 {
                return Err(TimeError::Range("zone offset"));
            }
            let off = h * HOUR + m * 60;
            Ok(if *sign == b'-' { -off } else { off })
        }
        [] => Err(TimeError::Shape("a zone (Z or ±HH:MM) after the time")),
        _ => Err(TimeError::Shape(
            "a zone (Z or ±HH:MM) and nothing after it",
        )),
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`, proleptic Gregorian.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day number since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a duration in seconds as hours with up to six decimals, for people.
///
/// ```
/// assert_eq!(spotsim::time::hours(5400), 1.5);
/// ```
pub fn hours(secs: i64) -> f64 {
    secs as f64 / HOUR as f64
}

#[cfg(test)]
mod tests {
    /// The fast path against the full parser on random text of AWS's shapes (digits
    /// anywhere, so invalid months, days, hours and leap seconds come up), in runs that
    /// share dates: whenever it answers, it answers as `parse_rfc3339` does, and it
    /// answers for every valid plain timestamp.
    #[test]
    fn fast_rfc3339_agrees_with_the_parser() {
        let mut next = crate::test_rng::xorshift(0x2545_F491_4F6C_DD1D);
        let mut fast = FastRfc3339::default();
        let mut date = String::from("2024-02-29");
        let (mut hits, mut total) = (0, 0);
        for _ in 0..200_000 {
            if next(20) == 0 {
                let y = 1990 + next(120);
                date = format!("{y:04}-{:02}-{:02}", next(14), next(33));
            }
            let digits = |n: u64, m: u64| format!("{:0width$}", n % m, width = 2);
            let tail = match next(6) {
                0 => "Z".to_string(),
                1 => "+01:00".to_string(),
                2 => "z".to_string(),
                _ => "+00:00".to_string(),
            };
            let text = format!(
                "{date}{}{}:{}:{}{tail}",
                if next(30) == 0 { ' ' } else { 'T' },
                digits(next(100), 26),
                digits(next(100), 62),
                digits(next(100), 62),
            );
            let full = SimTime::parse_rfc3339(&text).ok();
            total += u32::from(full.is_some());
            match fast.read(text.as_bytes()) {
                Some(t) => {
                    hits += 1;
                    assert_eq!(Some(t), full, "{text}");
                }
                None => {
                    let plain = (text.ends_with('Z') || text.ends_with("+00:00"))
                        && text.as_bytes()[10] == b'T'
                        && !text[17..19].starts_with('6');
                    assert!(
                        full.is_none() || !plain,
                        "{text}: valid and plain, but no fast answer"
                    );
                }
            }
        }
        assert!(
            hits > total / 2,
            "the fast path answered {hits} of {total} valid ones"
        );
        // Any byte anywhere in a valid timestamp's time of day (`HH:MM:SS`, read as one
        // word): the fast path answers as the parser does, or not at all.
        for _ in 0..200_000 {
            let mut text = *b"2023-11-14T22:13:16+00:00";
            let (h, m, s) = (next(24), next(60), next(60));
            text[11..19].copy_from_slice(format!("{h:02}:{m:02}:{s:02}").as_bytes());
            text[11 + next(8) as usize] = next(256) as u8;
            if next(2) == 0 {
                text[11 + next(8) as usize] = b"0123456789:/;?@ \x80"[next(17) as usize];
            }
            let full = std::str::from_utf8(&text)
                .ok()
                .and_then(|t| SimTime::parse_rfc3339(t).ok());
            if let Some(t) = fast.read(&text) {
                assert_eq!(Some(t), full, "{}", String::from_utf8_lossy(&text));
            } else if text[11..19].iter().enumerate().all(|(i, &c)| {
                if i == 2 || i == 5 {
                    c == b':'
                } else {
                    c.is_ascii_digit()
                }
            }) {
                assert!(
                    full.is_none() || text[17] == b'6',
                    "{}: no fast answer",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    use super::*;

    #[test]
    fn round_trips_within_the_documented_range() {
        for &t in &[
            1_136_073_600, // 2006-01-01T00:00:00Z
            1_612_834_810,
            4_102_444_799, // 2099-12-31T23:59:59Z
        ] {
            let s = SimTime(t).to_string();
            assert_eq!(SimTime::parse_rfc3339(&s).unwrap(), SimTime(t), "{s}");
        }
    }

    #[test]
    fn years_outside_2006_to_2099_are_refused() {
        // Issue 14: a price dated 9999-12-31 stretched the last price over 69.9 M
        // hours; year 0000 was read too.
        for s in [
            "9999-12-31T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2005-12-31T23:59:59Z",
            "2100-01-01T00:00:00Z",
        ] {
            let e = SimTime::parse_rfc3339(s).unwrap_err();
            assert!(e.to_string().contains("2006..2099"), "{s}: {e}");
            assert!(parse_naive_utc(s).is_err(), "{s}");
        }
        assert!(SimTime::parse_rfc3339("2006-01-01T00:00:00Z").is_ok());
        assert!(SimTime::parse_rfc3339("2099-12-31T23:59:59Z").is_ok());
    }

    #[test]
    fn leap_day_and_offsets() {
        assert_eq!(
            SimTime::parse_rfc3339("2020-02-29T00:00:00Z").unwrap().0,
            1_582_934_400
        );
        assert!(SimTime::parse_rfc3339("2021-02-29T00:00:00Z").is_err());
        assert_eq!(
            SimTime::parse_rfc3339("2020-01-01T00:00:00-01:30")
                .unwrap()
                .0,
            1_577_836_800 + 5400
        );
        assert_eq!(
            SimTime::parse_rfc3339("2020-01-01T00:00:00.999Z")
                .unwrap()
                .0,
            1_577_836_800
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2020-01-01",
            "2020-13-01T00:00:00Z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T00:00:00+0000",
            "2020-01-01T00:00:00Zjunk",
            "2020-01-01X00:00:00Z",
            "２020-01-01T00:00:00Z",
        ] {
            assert!(SimTime::parse_rfc3339(s).is_err(), "{s:?}");
        }
    }
}
