//! Series keys interned to dense `u32` ids by their raw bytes (see [`Interner`]).

use super::swar::word;
use crate::error::{InputError, InputErrorKind};

/// FxHash-style mixing of a byte string (as in rustc): series keys are short byte
/// strings from a local file, so hash-flooding resistance buys nothing and SipHash would
/// cost more per row than the rest of the interning.
///
/// Words are read eight bytes at a time, the last one overlapping the one before when the
/// length is not a multiple of eight (the length is mixed in first, so strings of
/// different lengths start from different states; a collision only costs a compare),
/// so no partial word is copied through the stack.
#[inline]
fn fx_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let n = bytes.len();
    let mut h: u64 = n as u64;
    if n >= 8 {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            h = (h ^ word(c, 0).unwrap_or(0)).wrapping_mul(K);
        }
        if !chunks.remainder().is_empty() {
            h = (h ^ word(bytes, n - 8).unwrap_or(0)).wrapping_mul(K);
        }
    } else if n > 0 {
        let mut w = 0u64;
        for (k, &c) in bytes.iter().enumerate() {
            w |= u64::from(c) << (8 * k);
        }
        h = (h ^ w).wrapping_mul(K);
    }
    h.rotate_left(26)
}

/// `a == b`, compared a word at a time inline for keys of eight bytes or more (keys are
/// 10–60 bytes; a library `memcmp` call's size dispatch cost more than the compare);
/// shorter ones by slice equality.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut diff = 0u64;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        diff |= word(x, 0).unwrap_or(0) ^ word(y, 0).unwrap_or(0);
    }
    diff |= word(a, n - 8).unwrap_or(0) ^ word(b, n - 8).unwrap_or(0);
    diff == 0
}

/// Interns series keys to dense `u32` ids without allocating on a hit.
///
/// A key arrives as raw bytes: either built from its fields ([`Interner::begin`],
/// [`Interner::part`], [`Interner::finish`]) or as a span of the input line
/// ([`Interner::finish_span`]: the key's columns with their delimiters, when they are
/// adjacent). The raw bytes are compared with the previous row's, then looked up in an
/// open-addressing table whose entries point into one byte arena; only on a miss is the
/// typed key built (and validated) and looked up among the distinct keys, so raw forms
/// that differ (spaces around a field, a different path) still give one id. Ids count
/// distinct keys in order of first appearance. A miss allocates nothing beyond the
/// typed key itself (the arena and tables grow geometrically).
pub(crate) struct Interner<K> {
    keys: Vec<K>,
    canon: std::collections::HashMap<K, u32>,
    /// Raw forms: bytes back to back, each entry's place in them with its kind and id
    /// (one record, so a lookup touches one line of it), and their hashes (read only
    /// when the table grows).
    arena: Vec<u8>,
    entries: Vec<Entry>,
    hashes: Vec<u64>,
    /// Open-addressing table: the hash's top 32 bits and `entry + 1` (0 = empty); its
    /// length is a power of two.
    slots: Vec<u64>,
    buf: Vec<u8>,
    /// The previous lookup's entry: compared first (rows of one series often follow
    /// each other), without copying the bytes.
    prev: Option<usize>,
}

/// Where a raw form sits in the arena, what it is and its id.
struct Entry {
    start: usize,
    len: usize,
    id: u32,
    kind: u8,
}

const KIND_PARTS: u8 = 0;
const KIND_SPAN: u8 = 1;

impl<K: Clone + Eq + std::hash::Hash> Interner<K> {
    pub(crate) fn new() -> Self {
        Interner {
            keys: Vec::new(),
            canon: std::collections::HashMap::new(),
            arena: Vec::new(),
            entries: Vec::new(),
            hashes: Vec::new(),
            slots: vec![0; 64],
            buf: Vec::with_capacity(64),
            prev: None,
        }
    }

    /// Starts a new key.
    #[inline]
    pub(crate) fn begin(&mut self) {
        self.buf.clear();
    }

    /// Appends one field of the key (`tag` distinguishes, e.g., an AZ name from an AZ ID).
    #[inline]
    pub(crate) fn part(&mut self, tag: u8, bytes: &[u8]) {
        self.buf.push(tag);
        self.buf
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(bytes);
    }

    /// Entry `e`'s id if its raw form is `raw` of kind `kind`.
    #[inline]
    fn matches(&self, e: usize, kind: u8, raw: &[u8]) -> Option<u32> {
        let en = self.entries.get(e)?;
        let bytes = self.arena.get(en.start..en.start + en.len)?;
        (en.kind == kind && same_bytes(bytes, raw)).then_some(en.id)
    }

    /// The id of the key built since [`Interner::begin`]; `make` builds the typed key on
    /// first sight of these bytes (and may reject it).
    #[inline]
    pub(crate) fn finish(
        &mut self,
        file: &str,
        make: impl FnOnce() -> Result<K, InputError>,
    ) -> Result<u32, InputError> {
        let buf = std::mem::take(&mut self.buf);
        let id = self.lookup(file, KIND_PARTS, &buf, make);
        self.buf = buf;
        id
    }

    /// The id of the key whose columns read `span` in the input line, delimiters
    /// included (so equal spans mean equal fields); `make` as for [`Interner::finish`].
    #[inline]
    pub(crate) fn finish_span(
        &mut self,
        file: &str,
        span: &[u8],
        make: impl FnOnce() -> Result<K, InputError>,
    ) -> Result<u32, InputError> {
        self.lookup(file, KIND_SPAN, span, make)
    }

    #[inline]
    fn lookup(
        &mut self,
        file: &str,
        kind: u8,
        raw: &[u8],
        make: impl FnOnce() -> Result<K, InputError>,
    ) -> Result<u32, InputError> {
        if let Some(id) = self.prev.and_then(|e| self.matches(e, kind, raw)) {
            return Ok(id);
        }
        let h = fx_hash(raw) ^ u64::from(kind);
        let tag = h >> 32 << 32;
        let mask = self.slots.len() - 1;
        let mut i = (h as usize) & mask;
        let (e, id) = loop {
            match self.slots.get(i).copied().unwrap_or(0) {
                0 => break self.insert(file, h, i, kind, raw, make)?,
                s if s >> 32 << 32 == tag => {
                    let e = (s as u32 - 1) as usize;
                    if let Some(id) = self.matches(e, kind, raw) {
                        break (e, id);
                    }
                }
                _ => {}
            }
            i = (i + 1) & mask;
        };
        self.prev = Some(e);
        Ok(id)
    }

    /// Adds the raw form `raw` at `slot`; returns its entry and id.
    #[cold]
    fn insert(
        &mut self,
        file: &str,
        h: u64,
        slot: usize,
        kind: u8,
        raw: &[u8],
        make: impl FnOnce() -> Result<K, InputError>,
    ) -> Result<(usize, u32), InputError> {
        let key = make()?;
        let id = match self.canon.get(&key) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.keys.len())
                    .ok()
                    .filter(|&id| id < u32::MAX)
                    .ok_or_else(|| {
                        InputError::new(
                            file,
                            InputErrorKind::BadValue,
                            "more than 4,294,967,294 distinct series",
                        )
                    })?;
                self.canon.insert(key.clone(), id);
                self.keys.push(key);
                id
            }
        };
        let entry = self.entries.len();
        self.entries.push(Entry {
            start: self.arena.len(),
            len: raw.len(),
            id,
            kind,
        });
        self.arena.extend_from_slice(raw);
        self.hashes.push(h);
        if let Some(s) = self.slots.get_mut(slot) {
            *s = (h >> 32 << 32) | (entry as u64 + 1);
        }
        if self.entries.len() * 2 > self.slots.len() {
            self.grow();
        }
        Ok((entry, id))
    }

    fn grow(&mut self) {
        let n = self.slots.len() * 2;
        let mask = n - 1;
        let mut slots = vec![0u64; n];
        for (e, &h) in self.hashes.iter().enumerate() {
            let mut i = (h as usize) & mask;
            while slots.get(i).is_some_and(|&s| s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = slots.get_mut(i) {
                *s = (h >> 32 << 32) | (e as u64 + 1);
            }
        }
        self.slots = slots;
    }

    /// How many distinct keys (ids `0..len`).
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The key of id `id`.
    pub(crate) fn key(&self, id: u32) -> Option<&K> {
        self.keys.get(id as usize)
    }

    /// The distinct keys, indexed by id.
    pub(crate) fn into_keys(self) -> Vec<K> {
        self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_bytes_is_slice_equality(
            a in proptest::collection::vec(0u8..4, 0..40),
            b in proptest::collection::vec(0u8..4, 0..40),
        ) {
            prop_assert_eq!(same_bytes(&a, &b), a == b);
            prop_assert!(same_bytes(&a, &a));
        }

        #[test]
        fn equal_strings_hash_equal_and_lengths_apart(
            a in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            prop_assert_eq!(fx_hash(&a), fx_hash(&a.clone()));
            // A zero byte appended changes the hash (the length is mixed in).
            let mut b = a.clone();
            b.push(0);
            prop_assert_ne!(fx_hash(&a), fx_hash(&b));
        }
    }
}
