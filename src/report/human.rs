//! Human formatting, one place for every table spotsim prints (`run`, `compare`, `job`,
//! `types`): thousands separators, US dollars, hours, percentages and counts.
//!
//! Only tables use these; JSON and CSV carry plain numbers.

/// Groups thousands with commas: `12345.678` with 1 decimal → `12,345.7`.
pub(crate) fn group(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (s.clone(), String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    // "-0.00" is printed as "0.00": a sign on a rounded zero says nothing.
    let neg = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    format!("{}{out}{frac}", if neg { "-" } else { "" })
}

/// US dollars with cents and thousands separators: `$1,234.57`, `-$0.50`.
pub(crate) fn usd(x: f64) -> String {
    let g = group(x, 2);
    match g.strip_prefix('-') {
        Some(abs) => format!("-${abs}"),
        None if g == "n/a" => g,
        None => format!("${g}"),
    }
}

/// A price per hour with as many decimals as it needs (at least 2, at most 6):
/// `$0.096/h`, `$1,234.50/h`.
pub(crate) fn usd_per_hour(x: f64) -> String {
    let needs = |d: usize| {
        let scaled = x * 10f64.powi(d as i32);
        (scaled.round() - scaled).abs() > 1e-6
    };
    let mut decimals = 2;
    while decimals < 6 && needs(decimals) {
        decimals += 1;
    }
    let g = group(x, decimals);
    match g.strip_prefix('-') {
        Some(abs) => format!("-${abs}/h"),
        None => format!("${g}/h"),
    }
}

/// Hours with one decimal and a unit: `3,660.9 h`.
pub(crate) fn hours(x: f64) -> String {
    format!("{} h", group(x, 1))
}

/// A percentage with `decimals` decimals: `68.7%`.
pub(crate) fn pct(x: f64, decimals: usize) -> String {
    format!("{}%", group(x, decimals))
}

/// A whole count with thousands separators: `1,234`.
pub(crate) fn count(n: u64) -> String {
    group(n as f64, 0)
}

/// `f(x)`, or `n/a` when there is no value.
pub(crate) fn or_na<T>(x: Option<T>, f: impl Fn(T) -> String) -> String {
    x.map_or_else(|| "n/a".to_string(), f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(group(1234567.891, 2), "1,234,567.89");
        assert_eq!(group(12.0, 1), "12.0");
        assert_eq!(group(-1234.0, 0), "-1,234");
        assert_eq!(group(-0.001, 2), "0.00");
        assert_eq!(group(999.96, 1), "1,000.0");
        assert_eq!(group(f64::NAN, 1), "n/a");
    }

    #[test]
    fn units() {
        assert_eq!(usd(0.004), "$0.00");
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(-1234.5), "-$1,234.50");
        assert_eq!(usd_per_hour(0.096), "$0.096/h");
        assert_eq!(usd_per_hour(3.06), "$3.06/h");
        assert_eq!(usd_per_hour(0.0125), "$0.0125/h");
        assert_eq!(hours(3660.861944), "3,660.9 h");
        assert_eq!(pct(68.692906, 1), "68.7%");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(or_na(None::<f64>, hours), "n/a");
    }
}
