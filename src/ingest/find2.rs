//! The positions of either of two bytes in a haystack, in order, found eight bytes at a
//! time in a `u64` (SWAR: no `unsafe`, no target features).
//!
//! This is what [`memchr::memchr2_iter`] gives, for haystacks where the hits are close
//! together (a CSV line's delimiters, 5–20 bytes apart): `memchr2_iter` sets up a
//! vector search for every hit, while [`Find2`] tests a word once and then takes each
//! hit in it from a bit mask (one `trailing_zeros` and one clear of the lowest bit).
//! Measured on the ingest path in docs/performance.md.

use super::swar::{ONES, word, zero_bytes};

/// An iterator over the positions in a haystack of two bytes (see the module docs).
pub(crate) struct Find2<'a> {
    hay: &'a [u8],
    /// The two bytes, broadcast to every byte of a word.
    a: u64,
    b: u64,
    /// Where the word `mask` describes starts.
    at: usize,
    /// The high bit of each byte of the current word that is a hit not yet returned.
    mask: u64,
}

impl<'a> Find2<'a> {
    /// The positions of `a` or `b` in `hay`.
    #[inline]
    pub(crate) fn new(a: u8, b: u8, hay: &'a [u8]) -> Self {
        let mut f = Find2 {
            hay,
            a: ONES * u64::from(a),
            b: ONES * u64::from(b),
            at: 0,
            mask: 0,
        };
        f.mask = f.mask_at(0);
        f
    }

    /// The hit mask of the word at `at`.
    #[inline(always)]
    fn mask_at(&self, at: usize) -> u64 {
        match word(self.hay, at) {
            Some(w) => zero_bytes(w ^ self.a) | zero_bytes(w ^ self.b),
            None => self.short_word(at),
        }
    }

    /// The hit mask of the word at `at` when fewer than eight bytes are left (none
    /// when none is): read bytewise, bytes past the end no hits.
    #[cold]
    #[inline(never)]
    fn short_word(&self, at: usize) -> u64 {
        let rest = self.hay.get(at..).unwrap_or_default();
        let mut m = 0;
        for (k, &c) in rest.iter().enumerate() {
            if c == self.a as u8 || c == self.b as u8 {
                m |= 0x80 << (8 * k);
            }
        }
        m
    }
}

impl Iterator for Find2<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.at >= self.hay.len() {
                return None;
            }
            self.at += 8;
            self.mask = self.mask_at(self.at);
        }
        let i = self.at + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_hits_in_short_and_ragged_haystacks() {
        let hay = b"a,b\n,,\n";
        let got: Vec<usize> = Find2::new(b',', b'\n', hay).collect();
        assert_eq!(got, vec![1, 3, 4, 5, 6]);
        assert_eq!(Find2::new(b',', b'\n', b"").count(), 0);
        // Padding never counts as a hit, whatever the two bytes are.
        assert_eq!(Find2::new(0, 1, b"\x02").count(), 0);
        assert_eq!(Find2::new(0, 2, b"\x01\x00").collect::<Vec<_>>(), vec![1]);
    }

    proptest! {
        #[test]
        fn agrees_with_memchr2(
            hay in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'\n'), Just(0u8), Just(1u8), Just(2u8), any::<u8>()],
                0..200,
            ),
            a in prop_oneof![Just(b','), Just(0u8), Just(1u8), any::<u8>()],
            b in prop_oneof![Just(b'\n'), Just(2u8), any::<u8>()],
        ) {
            let want: Vec<usize> = memchr::memchr2_iter(a, b, &hay).collect();
            let got: Vec<usize> = Find2::new(a, b, &hay).collect();
            prop_assert_eq!(got, want);
        }
    }
}
