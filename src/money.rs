//! Exact money: integer fixed-point, never accumulated in floats.
//!
//! Two types:
//!
//! * [`Rate`] — a price per hour (per instance, per vCPU or per GiB), as an integer
//!   number of **nano-dollars per hour**. AWS quotes spot prices with 6 decimals and
//!   Fargate rates with up to 6; nine decimals hold every published rate exactly.
//! * [`Money`] — an amount, as an `i128` count of units of
//!   `1e-9 USD / (3600 × 1024)`. Charging a rate for whole seconds (`r × s / 3600`), and
//!   for Fargate's fractional vCPU and memory (`cpu_units / 1024`, `MiB / 1024`), is then
//!   an exact integer product: no rounding happens until a report renders a total.
//!
//! The denominator is an improvement on a plain micro-dollar ledger (DESIGN.md asks only
//! for "exact fixed-point"): per-second charges such as `$0.0437/h × 7 s` are not a whole
//! number of micro-dollars, and rounding each charge would make totals depend on how the
//! bill was split. `i128` holds about 4.6e22 USD at this scale.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Nano-dollars in one US dollar.
pub const NANO_PER_USD: i64 = 1_000_000_000;

/// A price per hour, in integer nano-dollars per hour.
///
/// ```
/// use spotsim::money::Rate;
/// let r = Rate::parse_usd("0.043700").unwrap();
/// assert_eq!(r.nano_usd_per_hour(), 43_700_000);
/// assert_eq!(r.to_string(), "0.0437");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(i64);

/// Why a price could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MoneyError {
    /// Not a plain decimal number (the payload is a short reason).
    NotANumber(&'static str),
    /// The price is negative.
    Negative,
    /// More than nine decimals: not representable exactly.
    TooPrecise,
    /// Larger than any price this library accepts (more than $1,000,000 per hour).
    TooLarge,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::NotANumber(why) => write!(f, "not a price in USD ({why})"),
            MoneyError::Negative => write!(f, "price is negative"),
            MoneyError::TooPrecise => write!(f, "price has more than 9 decimals"),
            MoneyError::TooLarge => write!(f, "price is above $1,000,000 per hour"),
        }
    }
}

impl std::error::Error for MoneyError {}

const MAX_NANO: i64 = 1_000_000 * NANO_PER_USD;

impl Rate {
    /// Zero dollars per hour.
    pub const ZERO: Rate = Rate(0);

    /// A rate of `nano` nano-dollars per hour.
    ///
    /// ```
    /// # use spotsim::money::Rate;
    /// assert_eq!(Rate::from_nano_usd(96_000_000), Rate::parse_usd("0.096").unwrap());
    /// ```
    pub const fn from_nano_usd(nano: i64) -> Rate {
        Rate(nano)
    }

    /// Nano-dollars per hour.
    pub const fn nano_usd_per_hour(self) -> i64 {
        self.0
    }

    /// Parses a non-negative decimal in USD (`"0.043700"`, `"3.06"`, `"5"`, `"+1.5"`,
    /// `"1e-3"` is rejected). Leading/trailing ASCII whitespace is ignored.
    ///
    /// # Errors
    /// [`MoneyError`] for anything but a plain non-negative decimal with ≤ 9 decimals.
    ///
    /// ```
    /// # use spotsim::money::{Rate, MoneyError};
    /// assert_eq!(Rate::parse_usd("-0.1"), Err(MoneyError::Negative));
    /// assert!(Rate::parse_usd("NaN").is_err());
    /// assert!(Rate::parse_usd("").is_err());
    /// ```
    pub fn parse_usd(s: &str) -> Result<Rate, MoneyError> {
        parse_decimal_nano(s).map(Rate)
    }

    /// [`Rate::parse_usd`] for the common shape — digits, then optionally a point and
    /// one to nine digits — without the checks other shapes need; `None` for anything
    /// else (the caller then calls `parse_usd`, for the value or the error). The same
    /// value `parse_usd` gives whenever it returns one.
    #[inline]
    pub(crate) fn parse_usd_plain(b: &[u8]) -> Option<Rate> {
        // One pass: every digit into one integer (at most 7 + 9 of them: below 10^16),
        // the point's place noted; the shape checked at the end.
        if b.len() > 17 {
            return None;
        }
        let mut v: i64 = 0;
        let mut dot = usize::MAX;
        for (i, &c) in b.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d <= 9 {
                v = v * 10 + i64::from(d);
            } else if c == b'.' && dot == usize::MAX {
                dot = i;
            } else {
                return None;
            }
        }
        let (whole, frac) = if dot == usize::MAX {
            (b.len(), 0)
        } else {
            (dot, b.len() - dot - 1)
        };
        if whole == 0 || whole > 7 || frac > 9 || (dot != usize::MAX && frac == 0) {
            return None;
        }
        const SCALE: [i64; 10] = [
            1_000_000_000,
            100_000_000,
            10_000_000,
            1_000_000,
            100_000,
            10_000,
            1_000,
            100,
            10,
            1,
        ];
        let v = v * SCALE.get(frac).copied()?;
        (v <= MAX_NANO).then_some(Rate(v))
    }

    /// The nearest rate to a float in USD per hour (used for JSON traces that store
    /// prices as numbers). Rounds half away from zero to the nano-dollar.
    ///
    /// # Errors
    /// [`MoneyError`] for NaN, infinities, negatives and absurd values.
    ///
    /// ```
    /// # use spotsim::money::Rate;
    /// assert_eq!(Rate::from_usd_f64(1.6703).unwrap().nano_usd_per_hour(), 1_670_300_000);
    /// assert!(Rate::from_usd_f64(f64::NAN).is_err());
    /// ```
    pub fn from_usd_f64(x: f64) -> Result<Rate, MoneyError> {
        if x.is_nan() || x.is_infinite() {
            return Err(MoneyError::NotANumber("NaN or infinite"));
        }
        if x < 0.0 {
            return Err(MoneyError::Negative);
        }
        let nano = (x * NANO_PER_USD as f64).round();
        if nano > MAX_NANO as f64 {
            return Err(MoneyError::TooLarge);
        }
        Ok(Rate(nano as i64))
    }

    /// The charge for `secs` seconds at this rate.
    ///
    /// ```
    /// # use spotsim::money::Rate;
    /// let r = Rate::parse_usd("0.096").unwrap();
    /// assert_eq!(r.for_seconds(3600).to_usd_string(6), "0.096000");
    /// assert_eq!(r.for_seconds(1).to_usd_string(9), "0.000026667");
    /// ```
    #[inline]
    pub fn for_seconds(self, secs: i64) -> Money {
        Money(self.0 as i128 * secs as i128 * 1024)
    }

    /// The charge for `secs` seconds of `n / 1024` of a unit at this rate (Fargate:
    /// `n` CPU units, or MiB of memory, per vCPU- or GB-hour rate).
    ///
    /// ```
    /// # use spotsim::money::Rate;
    /// let vcpu = Rate::parse_usd("0.04048").unwrap();
    /// // 0.25 vCPU (256 units) for one hour
    /// assert_eq!(vcpu.for_seconds_per_1024(256, 3600).to_usd_string(6), "0.010120");
    /// ```
    #[inline]
    pub fn for_seconds_per_1024(self, n: i64, secs: i64) -> Money {
        Money(self.0 as i128 * n as i128 * secs as i128)
    }

    /// `self × num / den`, rounded half up to the nano-dollar (for derived list prices
    /// such as "70% off"; documented wherever used).
    ///
    /// ```
    /// # use spotsim::money::Rate;
    /// assert_eq!(Rate::from_nano_usd(10).scale(1, 3), Rate::from_nano_usd(3));
    /// ```
    pub fn scale(self, num: i64, den: i64) -> Rate {
        let p = self.0 as i128 * num as i128;
        let d = den as i128;
        Rate(((2 * p + d) / (2 * d)) as i64)
    }

    /// USD per hour as a float, for display and statistics only.
    pub fn to_usd_f64(self) -> f64 {
        self.0 as f64 / NANO_PER_USD as f64
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / NANO_PER_USD;
        let frac = (self.0 % NANO_PER_USD).abs();
        let s = format!("{frac:09}");
        let t = s.trim_end_matches('0');
        if t.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{t}")
        }
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_usd_f64())
    }
}

fn parse_decimal_nano(s: &str) -> Result<i64, MoneyError> {
    let b = s.trim().as_bytes();
    let b = match b.first() {
        Some(b'-') => {
            // "-0" and "-0.000" are still negative syntax; reject uniformly.
            if b.len() > 1 && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'.') {
                return Err(MoneyError::Negative);
            }
            return Err(MoneyError::NotANumber("unexpected character"));
        }
        Some(b'+') => &b[1..],
        Some(_) => b,
        None => return Err(MoneyError::NotANumber("empty")),
    };
    let mut whole: i64 = 0;
    let mut i = 0;
    let mut saw_digit = false;
    while i < b.len() && b[i].is_ascii_digit() {
        whole = whole * 10 + (b[i] - b'0') as i64;
        if whole > MAX_NANO / NANO_PER_USD {
            return Err(MoneyError::TooLarge);
        }
        saw_digit = true;
        i += 1;
    }
    let mut frac: i64 = 0;
    let mut scale = NANO_PER_USD;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            saw_digit = true;
            if scale == 1 {
                if b[i] != b'0' {
                    return Err(MoneyError::TooPrecise);
                }
            } else {
                scale /= 10;
                frac += (b[i] - b'0') as i64 * scale;
            }
            i += 1;
        }
    }
    if i != b.len() {
        return Err(MoneyError::NotANumber("unexpected character"));
    }
    if !saw_digit {
        return Err(MoneyError::NotANumber("no digits"));
    }
    let v = whole * NANO_PER_USD + frac;
    if v > MAX_NANO {
        return Err(MoneyError::TooLarge);
    }
    Ok(v)
}

/// An exact amount of money (see the module docs for the unit).
///
/// ```
/// use spotsim::money::{Money, Rate};
/// let a = Rate::parse_usd("0.0437").unwrap().for_seconds(7);
/// let b = Rate::parse_usd("0.0437").unwrap().for_seconds(3593);
/// assert_eq!((a + b).to_usd_string(4), "0.0437");
/// assert_eq!([a, b].into_iter().sum::<Money>(), a + b);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i128);

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(0);
    /// Internal units in one US dollar.
    pub const UNITS_PER_USD: i128 = NANO_PER_USD as i128 * 3600 * 1024;

    /// The raw unit count (`1e-9 / 3_686_400` USD each).
    pub const fn units(self) -> i128 {
        self.0
    }

    /// An amount from raw units.
    pub const fn from_units(u: i128) -> Money {
        Money(u)
    }

    /// A whole number of nano-dollars.
    ///
    /// ```
    /// # use spotsim::money::Money;
    /// assert_eq!(Money::from_nano_usd(1_500_000_000).to_usd_string(2), "1.50");
    /// ```
    pub const fn from_nano_usd(n: i64) -> Money {
        Money(n as i128 * 3600 * 1024)
    }

    /// Rounds to whole units of `10^-decimals` USD, half away from zero.
    ///
    /// ```
    /// # use spotsim::money::Money;
    /// assert_eq!(Money::from_nano_usd(1_005_000_000).round_to(2), 101);
    /// assert_eq!(Money::from_nano_usd(-1_005_000_000).round_to(2), -101);
    /// ```
    #[inline]
    pub fn round_to(self, decimals: u32) -> i128 {
        let den = Self::UNITS_PER_USD / 10i128.pow(decimals.min(9));
        if let Ok(d) = u32::try_from(den) {
            // 6 or more decimals: the magnitude divided by 64-bit divisions (a 128-bit
            // one is a library call).
            return round_half_away(self.0, d);
        }
        let q = self.0 / den;
        let r = self.0 % den;
        if 2 * r.abs() >= den {
            q + self.0.signum()
        } else {
            q
        }
    }

    /// Micro-dollars, rounded half away from zero (the exact integer the JSON report
    /// carries beside each float).
    #[inline]
    pub fn micro_usd(self) -> i128 {
        // `round_to(6)` with the divisor a constant, so the divisions become
        // multiplications.
        const D: u32 = (Money::UNITS_PER_USD / 1_000_000) as u32;
        round_half_away(self.0, D)
    }

    /// USD as a float, rounded to the micro-dollar first so that the float is the same
    /// on every machine. For display and ratios only; never sum these.
    pub fn to_usd_f64(self) -> f64 {
        self.micro_usd() as f64 / 1e6
    }

    /// A decimal string in USD with `decimals` places (≤ 9), rounded half away from zero.
    ///
    /// ```
    /// # use spotsim::money::Money;
    /// assert_eq!(Money::from_nano_usd(12_345_678_901).to_usd_string(2), "12.35");
    /// assert_eq!(Money::from_nano_usd(-5_000_000).to_usd_string(2), "-0.01");
    /// assert_eq!(Money::ZERO.to_usd_string(0), "0");
    /// ```
    pub fn to_usd_string(self, decimals: u32) -> String {
        let decimals = decimals.min(9);
        let v = self.round_to(decimals);
        let p = 10i128.pow(decimals);
        let sign = if v < 0 { "-" } else { "" };
        let a = v.abs();
        if decimals == 0 {
            format!("{sign}{a}")
        } else {
            format!("{sign}{}.{:0w$}", a / p, a % p, w = decimals as usize)
        }
    }

    /// `self / other` as a float ratio (0 when `other` is zero).
    pub fn ratio(self, other: Money) -> f64 {
        if other.0 == 0 {
            0.0
        } else {
            self.0 as f64 / other.0 as f64
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.to_usd_string(2))
    }
}

impl Serialize for Money {
    /// Serialized as USD rounded to the micro-dollar (a float whose value is fixed by
    /// the integer rounding, hence identical on every machine).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_usd_f64())
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Read back from USD as serialized (a float rounded to the micro-dollar): the
    /// amount is the nearest micro-dollar, so a report read back equals the report.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let usd = f64::deserialize(d)?;
        if !usd.is_finite() || usd.abs() > 1e15 {
            return Err(serde::de::Error::custom(format!(
                "{usd}: not an amount in USD"
            )));
        }
        let micro = (usd * 1e6).round() as i128;
        Ok(Money(micro * (Money::UNITS_PER_USD / 1_000_000)))
    }
}

impl Add for Money {
    type Output = Money;
    #[inline]
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl AddAssign for Money {
    #[inline]
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl Sub for Money {
    type Output = Money;
    #[inline]
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl SubAssign for Money {
    #[inline]
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(it: I) -> Money {
        it.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(it: I) -> Money {
        it.fold(Money::ZERO, |a, b| a + *b)
    }
}

/// `v / d` rounded half away from zero, for a divisor below 2^32.
#[inline(always)]
fn round_half_away(v: i128, d: u32) -> i128 {
    let (q, r) = div_rem_by_u32(v.unsigned_abs(), d);
    let q = (q + u128::from(2 * r >= u64::from(d))) as i128;
    if v < 0 { -q } else { q }
}

/// `(a / d, a % d)` by three 64-bit divisions, for a divisor below 2^32 (each step's
/// remainder shifted up by 32 bits still fits 64).
#[inline(always)]
fn div_rem_by_u32(a: u128, d: u32) -> (u128, u64) {
    let d = u64::from(d.max(1));
    let (hi, lo) = ((a >> 64) as u64, a as u64);
    let (q1, r1) = (hi / d, hi % d);
    let mid = (r1 << 32) | (lo >> 32);
    let (q2, r2) = (mid / d, mid % d);
    let low = (r2 << 32) | (lo & 0xffff_ffff);
    let (q3, r3) = (low / d, low % d);
    ((u128::from(q1) << 64) | u128::from((q2 << 32) | q3), r3)
}

#[cfg(test)]
mod tests {
    use super::Money;

    /// `round_to` against the plain 128-bit arithmetic it replaced (truncating division,
    /// half away from zero), at the extremes and on random values of every magnitude.
    #[test]
    fn round_to_agrees_with_128_bit_division() {
        fn reference(v: i128, decimals: u32) -> i128 {
            let den = Money::UNITS_PER_USD / 10i128.pow(decimals.min(9));
            let (q, r) = (v / den, v % den);
            if 2 * r.abs() >= den {
                q + v.signum()
            } else {
                q
            }
        }
        let den6 = Money::UNITS_PER_USD / 1_000_000;
        let mut values = vec![0, 1, -1, i128::MAX, i128::MIN + 1, i128::MIN, den6, -den6];
        for k in [1, 2, 3] {
            values.extend([
                k * den6 / 2,
                -(k * den6 / 2),
                k * den6 / 2 - 1,
                k * den6 / 2 + 1,
            ]);
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let wide = (i128::from(x) << 64 | i128::from(x.rotate_left(17))) >> (x % 127);
            values.push(if x.is_multiple_of(2) { wide } else { -wide });
        }
        for &v in &values {
            assert_eq!(Money(v).micro_usd(), reference(v, 6), "{v}");
            for decimals in 0..=10 {
                assert_eq!(
                    Money(v).round_to(decimals),
                    reference(v, decimals),
                    "{v} {decimals}"
                );
            }
        }
    }

    /// `parse_usd_plain` against `parse_usd` on random text of digits, points, signs and
    /// spaces: whenever it answers, `parse_usd` gives the same rate, and it answers for
    /// every plain decimal `parse_usd` accepts.
    #[test]
    fn plain_price_parse_agrees_with_parse_usd() {
        let mut next = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
        const CHARS: &[u8] = b"0123456789000.. +-e";
        for _ in 0..300_000 {
            let len = 1 + next(14) as usize;
            let t: Vec<u8> = (0..len)
                .map(|_| CHARS[next(CHARS.len() as u64) as usize])
                .collect();
            let text = String::from_utf8(t).unwrap();
            let full = Rate::parse_usd(&text).ok();
            match Rate::parse_usd_plain(text.as_bytes()) {
                Some(r) => assert_eq!(Some(r), full, "{text}"),
                None => {
                    let plain = text.bytes().all(|c| c.is_ascii_digit() || c == b'.')
                        && text.bytes().filter(|&c| c == b'.').count() <= 1
                        && !text.starts_with('.')
                        && !text.ends_with('.')
                        && text.split('.').nth(1).is_none_or(|f| f.len() <= 9)
                        && text.split('.').next().is_some_and(|w| w.len() <= 7);
                    assert!(
                        full.is_none() || !plain,
                        "{text}: plain and valid, no answer"
                    );
                }
            }
        }
        // Digits and points only, up to 22 bytes: past the 17-byte guard, where the one
        // integer would overflow without it (a panic with overflow checks on).
        const DIGITS: &[u8] = b"01234567899999.";
        for _ in 0..100_000 {
            let len = 1 + next(22) as usize;
            let t: Vec<u8> = (0..len)
                .map(|_| DIGITS[next(DIGITS.len() as u64) as usize])
                .collect();
            let text = String::from_utf8(t).unwrap();
            if let Some(r) = Rate::parse_usd_plain(text.as_bytes()) {
                assert_eq!(Some(r), Rate::parse_usd(&text).ok(), "{text}");
            }
        }
        assert_eq!(Rate::parse_usd_plain(b"99999999999999999999"), None);
        assert_eq!(
            Rate::parse_usd_plain(b"0000001.000000001"),
            Rate::parse_usd("0000001.000000001").ok()
        );
        assert_eq!(Rate::parse_usd_plain(b"1000000.000000001"), None);
        assert_eq!(
            Rate::parse_usd_plain(b"0.043700"),
            Rate::parse_usd("0.0437").ok()
        );
    }

    use super::*;

    #[test]
    fn parses_aws_price_strings() {
        assert_eq!(Rate::parse_usd("0.043700").unwrap().0, 43_700_000);
        assert_eq!(Rate::parse_usd("5.613100").unwrap().0, 5_613_100_000);
        assert_eq!(Rate::parse_usd("3").unwrap().0, 3_000_000_000);
        assert_eq!(Rate::parse_usd(".5").unwrap().0, 500_000_000);
        assert_eq!(Rate::parse_usd("0.000011244").unwrap().0, 11_244);
        assert_eq!(Rate::parse_usd("1.0000000000").unwrap().0, 1_000_000_000);
        assert_eq!(Rate::parse_usd("0.0000000001"), Err(MoneyError::TooPrecise));
        assert_eq!(Rate::parse_usd("-0"), Err(MoneyError::Negative));
        for bad in ["", ".", "abc", "1.2.3", "1,5", "inf", "nan", "1e3", " - 1"] {
            assert!(Rate::parse_usd(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Rate::parse_usd("2000000"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn per_second_charges_are_exact_and_additive() {
        let r = Rate::parse_usd("0.0437").unwrap();
        let whole = r.for_seconds(3600);
        let parts: Money = (0..3600).map(|_| r.for_seconds(1)).sum();
        assert_eq!(whole, parts);
        assert_eq!(whole, Money::from_nano_usd(43_700_000));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let half_cent = Money::from_nano_usd(5_000_000);
        assert_eq!(half_cent.round_to(2), 1);
        assert_eq!((-half_cent).round_to(2), -1);
        assert_eq!(Money::from_nano_usd(4_999_999).round_to(2), 0);
    }

    #[test]
    fn rate_display_trims() {
        assert_eq!(Rate::parse_usd("3.060").unwrap().to_string(), "3.06");
        assert_eq!(Rate::ZERO.to_string(), "0");
    }
}
