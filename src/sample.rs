//! Deterministic random variates shared by `synth` and the engine.
//!
//! Only integer operations and basic float arithmetic are used (no `ln`/`exp`, whose
//! last bit can differ between platforms' maths libraries), so every draw is
//! bit-identical on every machine: the basis of "same seed, same bytes".

use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// SplitMix64 (Steele, Lea & Flood 2014), written out so keys never depend on
/// `rand_core`'s `seed_from_u64`.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 256-bit ChaCha key expanded from a `u64` seed by SplitMix64.
pub(crate) fn expand_seed(seed: u64) -> [u8; 32] {
    let mut s = seed;
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut s).to_le_bytes());
    }
    key
}

/// The generator for stream `stream` of `key` (independent streams, same key).
pub(crate) fn stream_rng(key: &[u8; 32], stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(*key);
    rng.set_stream(stream);
    rng
}

/// A uniform float in `[0, 1)` from the top 53 bits (exact).
#[inline]
pub(crate) fn unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `[0, n)` by 64×64→128-bit multiply-shift (bias < n / 2⁶⁴).
#[inline]
pub(crate) fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

/// An Exp(1) variate by von Neumann's comparison method: draw a descending run
/// `u₁ > u₂ > … > uₙ` (stopping at the first `uₙ₊₁ ≥ uₙ`); `P(n odd | u₁ = x) = e⁻ˣ`, so
/// accepting `k + u₁` when `n` is odd, and otherwise adding 1 to `k` and starting
/// over, gives an exponential. Comparisons only: no `ln`, bit-identical everywhere.
pub(crate) fn exp1(rng: &mut ChaCha8Rng) -> f64 {
    let mut k = 0u32;
    loop {
        let first = rng.next_u64();
        let mut prev = first;
        let mut n = 1u32;
        loop {
            let u = rng.next_u64();
            if u < prev {
                prev = u;
                n += 1;
            } else {
                break;
            }
        }
        if n % 2 == 1 {
            return f64::from(k) + unit(first);
        }
        k += 1;
    }
}

/// An exponential duration with mean `mean` seconds, rounded, at least 1 s.
#[inline]
pub(crate) fn exp_secs(rng: &mut ChaCha8Rng, mean: f64) -> i64 {
    ((exp1(rng) * mean).round() as i64).max(1)
}

/// `−ln(1 − p)` for `0 ≤ p < 1` by its power series `Σ pᵏ/k`, with basic arithmetic only
/// (bit-identical everywhere). Used to turn a probability per period into a rate.
pub(crate) fn neg_ln_1m(p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    // For p > 1/2, use −ln(1−p) = ln 2 − ln(2(1−p)) ... simpler: split p via
    // (1−p) = (1−a)(1−b) with a = 1/2: −ln(1−p) = ln2 + −ln(1 − (2p−1)).
    if p > 0.5 {
        return std::f64::consts::LN_2 + neg_ln_1m(2.0 * p - 1.0);
    }
    let mut term = p;
    let mut sum: f64 = 0.0;
    let mut k = 1.0;
    while sum == 0.0 || term / k > 1e-18 * sum {
        sum += term / k;
        term *= p;
        k += 1.0;
        if k > 200.0 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neg_ln_matches_std_closely() {
        for &p in &[1e-6, 0.025, 0.075, 0.125, 0.175, 0.25, 0.5, 0.75, 0.99] {
            let a = neg_ln_1m(p);
            let b = -(-p).ln_1p();
            assert!((a - b).abs() <= 1e-12 * b.max(1e-12), "{p}: {a} vs {b}");
        }
        assert_eq!(neg_ln_1m(0.0), 0.0);
    }

    #[test]
    fn exp1_mean_is_one() {
        let mut r = stream_rng(&expand_seed(3), 0);
        let n = 100_000;
        let m: f64 = (0..n).map(|_| exp1(&mut r)).sum::<f64>() / n as f64;
        assert!((m - 1.0).abs() < 0.02, "{m}");
    }
}
