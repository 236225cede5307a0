//! The dimension sets to visit when a period closes, as a bitmap: adding a set is one
//! bit (adding it twice is harmless), and the sets come out in ascending order — the
//! order records are written in — without sorting or de-duplicating a list. Only the
//! words holding a bit are read (their indices are listed as they fill), so a close
//! costs the sets visited, not the sets registered.

/// A set of group indices, drained in ascending order (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct VisitSet {
    bits: Vec<u64>,
    /// Indices of the words of `bits` that are not zero (each once).
    words: Vec<u32>,
}

impl VisitSet {
    /// Adds group `g`.
    #[inline]
    pub(crate) fn insert(&mut self, g: u32) {
        let w = (g / 64) as usize;
        if w >= self.bits.len() {
            self.bits.resize(w + 1, 0);
        }
        let word = &mut self.bits[w];
        if *word == 0 {
            self.words.push(w as u32);
        }
        *word |= 1 << (g % 64);
    }

    /// Calls `f` on every group added since the last drain, in ascending order, and
    /// empties the set.
    #[inline]
    pub(crate) fn drain(&mut self, mut f: impl FnMut(u32)) {
        if self.words.len() > 1 {
            self.words.sort_unstable();
        }
        for &w in &self.words {
            let mut word = std::mem::take(&mut self.bits[w as usize]);
            while word != 0 {
                f(w * 64 + word.trailing_zeros());
                word &= word - 1;
            }
        }
        self.words.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Draining gives the sorted, de-duplicated groups inserted, every time.
        #[test]
        fn drains_sorted_and_deduplicated(
            rounds in proptest::collection::vec(
                proptest::collection::vec(0u32..700, 0..40), 1..6),
        ) {
            let mut set = VisitSet::default();
            for round in rounds {
                for &g in &round {
                    set.insert(g);
                }
                let mut want = round.clone();
                want.sort_unstable();
                want.dedup();
                let mut got = Vec::new();
                set.drain(|g| got.push(g));
                prop_assert_eq!(got, want);
            }
        }
    }
}
