//! Downsampling for display: a chart shows at most a few points per pixel column, so a
//! year of per-minute changes draws as fast and weighs as little as a week's, and
//! nothing that happened disappears.
//!
//! Per pixel bucket the polyline keeps the value on entering the bucket, the minimum
//! and the maximum reached inside it (in the order they happened) and the value on
//! leaving it (the M4 rule: first, min, max, last). Drawn, the bucket becomes one
//! vertical stroke from its minimum to its maximum, exactly what the full-resolution
//! line would have covered in that pixel column, so a one-sample spike in a year-long
//! trace stays visible. A series with fewer changes than buckets is drawn exactly.
//!
//! Everything here is one pass over the points (linear), with time in integer seconds.

/// Vertices of a polyline or edge: `(seconds, value)`.
pub(crate) type Points = Vec<(i64, f64)>;

/// The polyline that draws the step function `points` (each value holds until the
/// next point) over `[t0, t1]`, with at most about 4 vertices per bucket when it has
/// more changes than `buckets`. The value in effect at `t0` (the last point at or
/// before it) starts the line; a series that starts later starts at its first point.
pub(crate) fn step_polyline(
    points: &[(i64, f64)],
    t0: i64,
    t1: i64,
    buckets: usize,
) -> Vec<(i64, f64)> {
    if t1 <= t0 || points.is_empty() {
        return Vec::new();
    }
    // The value in effect at t0, and the changes inside (t0, t1].
    let first_inside = points.partition_point(|p| p.0 <= t0);
    let end = points.partition_point(|p| p.0 <= t1);
    let (start_t, mut cur, changes) = if first_inside > 0 {
        (t0, points[first_inside - 1].1, &points[first_inside..end])
    } else if end > 0 {
        (points[0].0, points[0].1, &points[1..end])
    } else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(2 * changes.len().min(2 * buckets.max(1)) + 2);
    out.push((start_t, cur));
    if changes.len() <= buckets {
        for &(t, v) in changes {
            push(&mut out, (t, cur));
            push(&mut out, (t, v));
            cur = v;
        }
    } else {
        let bucket = |t: i64| bucket_of(t, t0, t1, buckets);
        let mut i = 0;
        while i < changes.len() {
            let b = bucket(changes[i].0);
            // Every change in bucket b: entering value, extremes in order, last value.
            let enter = (changes[i].0, cur);
            let (mut lo, mut hi) = (enter, enter);
            let mut j = i;
            while j < changes.len() && bucket(changes[j].0) == b {
                let p = changes[j];
                if p.1 < lo.1 {
                    lo = p;
                }
                if p.1 > hi.1 {
                    hi = p;
                }
                cur = p.1;
                j += 1;
            }
            let last = (changes[j - 1].0, cur);
            push(&mut out, enter);
            let (a, c) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
            push(&mut out, a);
            push(&mut out, c);
            push(&mut out, last);
            i = j;
        }
    }
    push(&mut out, (t1, cur));
    out
}

/// The polyline through `points` (straight lines between them) over `[t0, t1]`,
/// keeping per bucket the first, minimum, maximum and last point when there are more
/// than `4 × buckets` points.
pub(crate) fn line_polyline(
    points: &[(i64, f64)],
    t0: i64,
    t1: i64,
    buckets: usize,
) -> Vec<(i64, f64)> {
    let lo_i = points.partition_point(|p| p.0 < t0);
    let hi_i = points.partition_point(|p| p.0 <= t1);
    let pts = &points[lo_i..hi_i];
    if pts.len() <= 4 * buckets.max(1) || t1 <= t0 {
        return pts.to_vec();
    }
    let mut out = Vec::with_capacity(4 * buckets);
    let mut i = 0;
    while i < pts.len() {
        let b = bucket_of(pts[i].0, t0, t1, buckets);
        let (mut lo, mut hi) = (pts[i], pts[i]);
        let mut j = i;
        while j < pts.len() && bucket_of(pts[j].0, t0, t1, buckets) == b {
            if pts[j].1 < lo.1 {
                lo = pts[j];
            }
            if pts[j].1 > hi.1 {
                hi = pts[j];
            }
            j += 1;
        }
        let (a, c) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
        for p in [pts[i], a, c, pts[j - 1]] {
            push(&mut out, p);
        }
        i = j;
    }
    out
}

/// Per bucket, the least and the greatest value any of the step functions `series`
/// takes during it: the lower and upper edges of an envelope, as step functions with
/// one point per bucket start (buckets where no series has a value are left out).
/// One pass over every series.
pub(crate) fn envelope<'a>(
    series: impl IntoIterator<Item = &'a [(i64, f64)]>,
    t0: i64,
    t1: i64,
    buckets: usize,
) -> (Points, Points) {
    if t1 <= t0 || buckets == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut lo = vec![f64::INFINITY; buckets];
    let mut hi = vec![f64::NEG_INFINITY; buckets];
    for s in series {
        // The value in effect when each bucket starts, and every change inside it.
        let mut k = s.partition_point(|p| p.0 <= t0);
        let mut cur = if k > 0 { Some(s[k - 1].1) } else { None };
        for b in 0..buckets {
            let b_end = bucket_start(b + 1, t0, t1, buckets);
            let mut note = |v: f64| {
                lo[b] = lo[b].min(v);
                hi[b] = hi[b].max(v);
            };
            if let Some(v) = cur {
                note(v);
            }
            while k < s.len() && s[k].0 < b_end {
                cur = Some(s[k].1);
                note(s[k].1);
                k += 1;
            }
        }
    }
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    for b in 0..buckets {
        if lo[b].is_finite() {
            let t = bucket_start(b, t0, t1, buckets);
            lower.push((t, lo[b]));
            upper.push((t, hi[b]));
        }
    }
    (lower, upper)
}

/// The bucket of instant `t` among `buckets` equal buckets of `[t0, t1]`.
fn bucket_of(t: i64, t0: i64, t1: i64, buckets: usize) -> usize {
    let span = (t1 - t0).max(1) as i128;
    let b = (t.clamp(t0, t1) - t0) as i128 * buckets as i128 / span;
    (b as usize).min(buckets.saturating_sub(1))
}

/// When bucket `b` starts.
fn bucket_start(b: usize, t0: i64, t1: i64, buckets: usize) -> i64 {
    t0 + ((t1 - t0) as i128 * b as i128 / buckets.max(1) as i128) as i64
}

/// Appends `p` unless it repeats the last point.
fn push(out: &mut Vec<(i64, f64)>, p: (i64, f64)) {
    if out.last() != Some(&p) {
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_step_series_is_drawn_exactly() {
        let pts = [(0, 1.0), (10, 2.0), (20, 1.5)];
        assert_eq!(
            step_polyline(&pts, 0, 30, 100),
            vec![
                (0, 1.0),
                (10, 1.0),
                (10, 2.0),
                (20, 2.0),
                (20, 1.5),
                (30, 1.5)
            ]
        );
        // Starting later: the value in effect at t0 starts the line.
        assert_eq!(
            step_polyline(&pts, 15, 30, 100),
            vec![(15, 2.0), (20, 2.0), (20, 1.5), (30, 1.5)]
        );
    }

    #[test]
    fn a_single_sample_spike_survives_downsampling() {
        // A year of hourly changes between 1.0 and 1.1, and one 60-second spike to 9.0
        // in the middle: 8,760 changes drawn in 800 buckets.
        let year = 365 * 86_400;
        let mut pts: Vec<(i64, f64)> = (0..8_760)
            .map(|h| (h * 3_600, if h % 2 == 0 { 1.0 } else { 1.1 }))
            .collect();
        let spike_at = 4_000 * 3_600 + 600;
        let k = pts.partition_point(|p| p.0 < spike_at);
        pts.insert(k, (spike_at, 9.0));
        pts.insert(k + 1, (spike_at + 60, 1.0));
        let line = step_polyline(&pts, 0, year, 800);
        assert!(line.len() <= 4 * 800 + 2, "{} vertices", line.len());
        // The spike is a vertex, at its own time.
        assert!(line.contains(&(spike_at, 9.0)), "spike lost");
        // The range of values drawn is the full range.
        let max = line.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        let min = line.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        assert_eq!((min, max), (1.0, 9.0));
        // Times never go backwards (a polyline left to right).
        assert!(line.windows(2).all(|w| w[0].0 <= w[1].0));
        // Ends where the series ends.
        assert_eq!(line.last(), Some(&(year, 1.1)));
    }

    #[test]
    fn a_line_keeps_its_extremes_per_bucket() {
        let pts: Vec<(i64, f64)> = (0..10_000)
            .map(|i| (i, if i == 5_000 { -3.0 } else { i as f64 * 1e-3 }))
            .collect();
        let line = line_polyline(&pts, 0, 9_999, 100);
        assert!(line.len() <= 400);
        assert!(line.contains(&(5_000, -3.0)));
        assert_eq!(line.first(), Some(&(0, 0.0)));
        assert_eq!(line.last(), Some(&(9_999, 9.999)));
    }

    #[test]
    fn the_envelope_covers_every_series_in_every_bucket() {
        // Two series over [0, 100) in 4 buckets of 25 s.
        let a = [(0, 1.0), (30, 5.0), (60, 2.0)];
        let b = [(0, 3.0), (80, 0.5)];
        let (lo, hi) = envelope([&a[..], &b[..]], 0, 100, 4);
        // bucket 0 [0,25): a=1, b=3; bucket 1 [25,50): a 1→5, b 3;
        // bucket 2 [50,75): a 5→2, b 3; bucket 3 [75,100): a 2, b 3→0.5.
        assert_eq!(lo, vec![(0, 1.0), (25, 1.0), (50, 2.0), (75, 0.5)]);
        assert_eq!(hi, vec![(0, 3.0), (25, 5.0), (50, 5.0), (75, 3.0)]);
    }
}
