//! Numbers as text for the metric exporters, appended to a byte buffer without
//! `format!` or an allocation: integers through `itoa`, floats through `ryu` (std's
//! `Display` text, for CSV and OpenMetrics) or `zmij` (`serde_json`'s, for EMF), each
//! byte for byte what the standard formatting or `serde_json` writes for the value.
//!
//! The exporters write a row per period × dimension set × metric — hundreds of
//! megabytes for a year of 5-minute periods by pool — so the number formatting is
//! most of their cost.

/// Appends `v` as `format!("{v}")` writes it (Rust's `Display` for `f64`: the
/// shortest text that reads back as `v`, never in exponent form: `100`, `0.5`,
/// `0.0000001`, `-0`, `NaN`, `inf`).
pub(crate) fn push_display(out: &mut Vec<u8>, v: f64) {
    if let Some(i) = small_int(v) {
        // An integer below 10^15 (exact in an f64): its digits.
        push_int(out, i);
        return;
    }
    if !v.is_finite() || v == 0.0 {
        // Rare: NaN, ±inf, -0 (the sign of zero kept, as `Display` keeps it).
        use std::io::Write as _;
        let _ = write!(out, "{v}");
        return;
    }
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(v).as_bytes();
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    // ryu writes `I.F`, `I.FeX` or `IeX`: the digits of I and F, with the decimal
    // point after I, moved by X.
    let (mant, exp) = match s.iter().position(|&c| c == b'e') {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])),
        None => (s, 0),
    };
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut int_len = mant.len() as i32;
    for (i, &c) in mant.iter().enumerate() {
        if c == b'.' {
            int_len = i as i32;
        } else {
            digits[n] = c;
            n += 1;
        }
    }
    let mut d = &digits[..n];
    let mut point = int_len + exp;
    while let [b'0', rest @ ..] = d {
        d = rest;
        point -= 1;
    }
    while let [rest @ .., b'0'] = d {
        d = rest;
    }
    if d.len() >= 16 || v.abs() < f64::MIN_POSITIVE {
        // Where the shortest text can be a tie between two (16 digits or more, or a
        // subnormal), ryu rounds half to even and `Display` half up: take `Display`'s.
        // (With 15 digits or fewer the two texts around a tie would be at least an ulp
        // apart, and both could not read back as `v`.)
        use std::io::Write as _;
        let _ = write!(out, "{v}");
        return;
    }
    if neg {
        out.push(b'-');
    }
    let len = d.len() as i32;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-point) as usize));
        out.extend_from_slice(d);
    } else if point >= len {
        out.extend_from_slice(d);
        out.extend(std::iter::repeat_n(b'0', (point - len) as usize));
    } else {
        out.extend_from_slice(&d[..point as usize]);
        out.push(b'.');
        out.extend_from_slice(&d[point as usize..]);
    }
}

/// `v` as an integer, if it is one below 10^15 in magnitude and not `-0`.
#[inline]
fn small_int(v: f64) -> Option<i64> {
    let i = v as i64;
    (i as f64 == v && i.unsigned_abs() < 1_000_000_000_000_000 && (i != 0 || v.to_bits() == 0))
        .then_some(i)
}

fn parse_exp(s: &[u8]) -> i32 {
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let x = s.iter().fold(0i32, |acc, &c| acc * 10 + (c - b'0') as i32);
    if neg { -x } else { x }
}

/// Appends `v` as `serde_json` writes an `f64` number (through `zmij`, as it does:
/// `100.0`, `1e-7`, `1e+16`; `null` when not finite).
pub(crate) fn push_json_f64(out: &mut Vec<u8>, v: f64) {
    if let Some(i) = small_int(v) {
        push_int(out, i);
        out.extend_from_slice(b".0");
    } else if v.is_finite() {
        let mut buf = zmij::Buffer::new();
        out.extend_from_slice(buf.format_finite(v).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Floats as text, the text of recent values kept (a direct-mapped cache of 1,024
/// values): a period's records repeat their values (an average equal to its minimum
/// and maximum, a price held for hours), and formatting a float is the exporters'
/// main cost.
pub(crate) struct FloatText {
    json: bool,
    slots: Vec<Slot>,
}

#[derive(Clone, Copy)]
struct Slot {
    bits: u64,
    len: u8,
    text: [u8; 31],
}

impl FloatText {
    const SLOTS_LOG2: u32 = 10;

    /// As [`push_display`] writes them.
    pub(crate) fn display() -> FloatText {
        FloatText::with(false)
    }

    /// As [`push_json_f64`] writes them.
    pub(crate) fn json() -> FloatText {
        FloatText::with(true)
    }

    fn with(json: bool) -> FloatText {
        FloatText {
            json,
            slots: vec![
                Slot {
                    bits: 0,
                    len: 0,
                    text: [0; 31],
                };
                1 << Self::SLOTS_LOG2
            ],
        }
    }

    /// Appends `v`'s text.
    #[inline]
    pub(crate) fn push(&mut self, out: &mut Vec<u8>, v: f64) {
        if let Some(i) = small_int(v) {
            push_int(out, i);
            if self.json {
                out.extend_from_slice(b".0");
            }
            return;
        }
        let bits = v.to_bits();
        let h = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::SLOTS_LOG2)) as usize;
        let slot = &mut self.slots[h];
        if slot.len > 0 && slot.bits == bits {
            out.extend_from_slice(&slot.text[..slot.len as usize]);
            return;
        }
        let start = out.len();
        if self.json {
            push_json_f64(out, v);
        } else {
            push_display(out, v);
        }
        let text = &out[start..];
        if text.len() <= slot.text.len() {
            slot.bits = bits;
            slot.len = text.len() as u8;
            slot.text[..text.len()].copy_from_slice(text);
        }
    }
}

/// Appends an integer's decimal digits.
#[inline]
pub(crate) fn push_int<I: itoa::Integer>(out: &mut Vec<u8>, v: I) {
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(v).as_bytes());
}

/// Appends micro-dollars as a decimal with 6 places, exactly (`-1.000250`).
pub(crate) fn push_micro(out: &mut Vec<u8>, micro: i128) {
    if micro < 0 {
        out.push(b'-');
    }
    let a = micro.unsigned_abs();
    push_int(out, a / 1_000_000);
    let frac = (a % 1_000_000) as u32;
    out.push(b'.');
    let mut buf = itoa::Buffer::new();
    let f = buf.format(frac).as_bytes();
    out.extend(std::iter::repeat_n(b'0', 6 - f.len()));
    out.extend_from_slice(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn display(v: f64) -> String {
        let mut out = Vec::new();
        push_display(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    /// Values of every kind the exporters meet, and random bit patterns: each must
    /// read exactly as `format!("{v}")` (and `serde_json`) writes it.
    #[test]
    fn floats_read_as_the_standard_formatting_writes_them() {
        let mut vals = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            100.0,
            0.5,
            1e-7,
            1.5e-7,
            123456.789,
            1e15,
            1e16,
            1.2345e21,
            1e22,
            9007199254740993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            0.1 + 0.2,
            100.0 / 3.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0432,
            2.0 / 300.0,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            vals.push(f64::from_bits(x));
            // Values like the exporters': small integers over a period's seconds,
            // prices in nano-USD per hour.
            vals.push((x % 100_000) as f64 / ((i % 3600) + 1) as f64);
            vals.push((x % 10_000_000_000) as f64 / 1e9);
        }
        let (mut cd, mut cj) = (FloatText::display(), FloatText::json());
        // Twice through the caches (the second time mostly from them).
        for &v in vals.iter().chain(&vals) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            cd.push(&mut a, v);
            cj.push(&mut b, v);
            assert_eq!(String::from_utf8(a).unwrap(), format!("{v}"));
            let mut j = Vec::new();
            push_json_f64(&mut j, v);
            assert_eq!(b, j);
        }
        for v in vals {
            assert_eq!(display(v), format!("{v}"), "bits {:#x}", v.to_bits());
            let mut j = Vec::new();
            push_json_f64(&mut j, v);
            let want = serde_json::to_string(
                &serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, |n| n.into()),
            )
            .unwrap();
            assert_eq!(String::from_utf8(j).unwrap(), want);
        }
    }

    #[test]
    fn micro_dollars_have_six_places() {
        for (m, want) in [
            (0i128, "0.000000"),
            (1, "0.000001"),
            (-250, "-0.000250"),
            (12_345_678, "12.345678"),
            (-1_000_000, "-1.000000"),
        ] {
            let mut out = Vec::new();
            push_micro(&mut out, m);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}
