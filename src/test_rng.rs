//! The tests' pseudo-random numbers: a xorshift generator, seeded by each test, so a
//! randomized test draws the same inputs on every run.

/// A xorshift generator from seed `x` (nonzero): `next(m)` is uniform-ish in `0..m`.
pub(crate) fn xorshift(mut x: u64) -> impl FnMut(u64) -> u64 {
    move |m| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    }
}
