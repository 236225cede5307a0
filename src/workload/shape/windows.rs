//! Materialising a periodic shape: its peak windows (daily, weekday, monthly), merged
//! and laid over the baseline as a step function, and a trace clipped to the horizon.

use super::*;

/// Builds a step function from change points in time order, coalescing equal values
/// and letting a later point at the same instant replace an earlier one.
struct Steps {
    times: Vec<i64>,
    values: Vec<u32>,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            times: Vec::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, t: i64, v: u32) {
        if self.times.last() == Some(&t) {
            self.times.pop();
            self.values.pop();
        }
        if self.values.last() != Some(&v) {
            self.times.push(t);
            self.values.push(v);
        }
    }

    fn finish(self) -> Result<StepTrace<u32>, Error> {
        StepTrace::new(self.times, self.values).map_err(trace_error)
    }
}

/// `baseline`, with `peak` inside the (sorted by start) windows, over `[start, end)`.
pub(super) fn shaped(
    baseline: u32,
    peak: u32,
    windows: &[(i64, i64)],
    start: SimTime,
    end: SimTime,
) -> Result<StepTrace<u32>, Error> {
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for &(a, b) in windows {
        let (a, b) = (a.max(start.0), b.min(end.0));
        if a >= b {
            continue;
        }
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut s = Steps::new();
    s.push(start.0, baseline);
    for (a, b) in merged {
        s.push(a, peak);
        if b < end.0 {
            s.push(b, baseline);
        }
    }
    s.finish()
}

/// Peak windows `[day + h, day + h + hours)` of every day `d` (days since the epoch)
/// for which `on(d)` holds, from the day before `start` (whose window may run past
/// midnight) to the day of `end`.
pub(super) fn day_windows(
    start: SimTime,
    end: SimTime,
    start_hour: u32,
    hours: u32,
    on: impl Fn(i64) -> bool,
) -> Vec<(i64, i64)> {
    if hours == 0 {
        return Vec::new();
    }
    let first = start.0.div_euclid(DAY) - 1;
    let last = (end.0 - 1).div_euclid(DAY);
    let mut out = Vec::new();
    for d in first..=last {
        if on(d) {
            let a = d * DAY + i64::from(start_hour) * HOUR;
            out.push((a, a + i64::from(hours) * HOUR));
        }
    }
    out
}

/// Day of the week of day `d` since the epoch, Monday = 0 (1970-01-01 was a Thursday).
pub(super) fn weekday_from_monday(d: i64) -> i64 {
    (d + 3).rem_euclid(7)
}

/// Monthly peak windows from the month before `start` (a peak lasts at most four weeks)
/// to the month of `end`.
pub(super) fn month_windows(
    start: SimTime,
    end: SimTime,
    start_hour: u32,
    hours: u32,
    day_of_month: u32,
) -> Vec<(i64, i64)> {
    if hours == 0 {
        return Vec::new();
    }
    let (mut y, mut m, _) = civil_from_days(start.0.div_euclid(DAY));
    (y, m) = prev_month(y, m);
    let mut out = Vec::new();
    loop {
        let day = i64::from(day_of_month).min(days_in_month(y, m));
        let a = days_from_civil(y, m, day) * DAY + i64::from(start_hour) * HOUR;
        if a >= end.0 {
            break;
        }
        out.push((a, a + i64::from(hours) * HOUR));
        (y, m) = next_month(y, m);
    }
    out
}

/// Restricts a step function to `[start, end)`: its value at `start` (0 before its first
/// point) and its change points strictly inside. `name`/`first_line` locate its first
/// row for the error when it starts at or after `end`.
pub(super) fn clip(
    tr: &StepTrace<u32>,
    start: SimTime,
    end: SimTime,
    name: &str,
    first_line: u64,
) -> Result<StepTrace<u32>, Error> {
    let Some((first, _)) = tr.span() else {
        return Err(InputError::new(name, InputErrorKind::Empty, "holds no desired counts").into());
    };
    if first >= end {
        let mut e = InputError::new(
            name,
            InputErrorKind::Empty,
            format!(
                "the first desired count is at {first}, at or after the end of the horizon \
                 {end}: no counts for the simulated period {start} to {end}"
            ),
        )
        .field("timestamp");
        if first_line > 0 {
            e = e.at_line(first_line);
        }
        return Err(e.into());
    }
    let mut s = Steps::new();
    s.push(start.0, tr.value_at(start).unwrap_or(0));
    let from = tr.times().partition_point(|&t| t <= start.0);
    for (&t, &v) in tr.times()[from..].iter().zip(&tr.values()[from..]) {
        if t >= end.0 {
            break;
        }
        s.push(t, v);
    }
    s.finish()
}

fn prev_month(y: i64, m: i64) -> (i64, i64) {
    if m == 1 { (y - 1, 12) } else { (y, m - 1) }
}

fn next_month(y: i64, m: i64) -> (i64, i64) {
    if m == 12 { (y + 1, 1) } else { (y, m + 1) }
}
