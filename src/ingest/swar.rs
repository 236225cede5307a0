//! Eight bytes at a time in a `u64` (SWAR: no `unsafe`, no target features): the word
//! helpers the JSON fast path (`aws/json/fast.rs`), the CSV splitter ([`super::find2`])
//! and the interner share.

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = u64::MAX / 255;
/// The high bit of every byte of a word.
pub(crate) const HIGH: u64 = ONES << 7;
/// The low seven bits of every byte of a word.
const LOW7: u64 = !HIGH;

/// The eight bytes at `i` (at most `b.len()`) as a little-endian word, if there are
/// eight.
#[inline(always)]
pub(crate) fn word(b: &[u8], i: usize) -> Option<u64> {
    let s = b.get(i..i + 8)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(s);
    Some(u64::from_le_bytes(w))
}

/// The high bit of each byte of `w` that is zero, exact for the lowest such byte only:
/// a borrow may flag bytes above it, so only the lowest flag may be read.
#[inline(always)]
pub(crate) fn first_zero_byte(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGH
}

/// The high bit of each byte of `w` that is zero, and no other bit (exact for every
/// byte, unlike [`first_zero_byte`]: no borrow crosses a byte).
#[inline(always)]
pub(crate) fn zero_bytes(w: u64) -> u64 {
    !(((w & LOW7).wrapping_add(LOW7)) | w | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bytes_is_exact() {
        // The borrow of a zero byte must not mark the byte above it (0x01 after 0x00).
        assert_eq!(zero_bytes(0x0000_0000_0000_0100), 0x8080_8080_8080_0080);
        assert_eq!(zero_bytes(u64::MAX), 0);
        assert_eq!(zero_bytes(0x8000_0000_0000_0000), 0x0080_8080_8080_8080);
        // The shorter form flags that byte too; its lowest flag is still right.
        assert_eq!(first_zero_byte(0x0100).trailing_zeros(), 7);
        assert_ne!(first_zero_byte(0x0100) & 0x8000, 0);
    }

    #[test]
    fn word_reads_little_endian_and_only_whole_words() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(word(&b, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(word(&b, 1), Some(0x0908_0706_0504_0302));
        assert_eq!(word(&b, 2), None);
        assert_eq!(word(&b, 9), None);
    }
}
