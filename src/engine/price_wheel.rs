//! The pools' pending price changes: a hierarchical timing wheel over integer seconds.
//!
//! A replay is mostly price changes, and each pool has at most one pending at a time.
//! Simulated time is integer seconds, so instead of a comparison heap (`O(log n)` per
//! change, a walk of the tree for every pop and push) the changes are kept in a timing
//! wheel: `LEVELS` levels of 4,096 buckets, level `l` bucket `d` holding the changes
//! whose time (seconds after the horizon's start) agrees with the wheel's position in
//! every base-4096 digit above `l` and has digit `d` at `l`. A level-0 bucket is one
//! second. Scheduling is an append to a bucket's list; popping takes the head of the
//! first non-empty level-0 bucket (found with a two-level bitmap); when level 0 runs
//! dry, the next non-empty bucket of a higher level is spread over the levels below
//! (each change moves down at most `LEVELS − 1` times). All `O(1)`.
//!
//! **Order.** Within a level-0 bucket — one second — changes pop in the order they were
//! scheduled, which is the order of their sequence numbers, so the wheel pops exactly
//! as a heap ordered by `(time, seq)` would: a bucket is only ever spread into buckets
//! that are empty (the wheel's position has just entered their range, and nothing can
//! be scheduled into a range before the position enters it), so changes moved down
//! keep their order and precede any scheduled later. The full sequence number, which
//! the queue needs to order a change against its other events of the same second, is
//! kept per pool beside the wheel. (Tested against a binary heap.)
//!
//! Lists are intrusive (each pool's entry names the next pool in its bucket), so the
//! wheel allocates nothing after construction (about 130 KiB for the four levels).

/// Largest time offset the wheel holds (seconds after the horizon's start): 2^40 − 1 s,
/// about 34,800 years (four levels of 12 bits would reach 2^48).
pub(crate) const MAX_OFFSET: i64 = (1 << 40) - 1;
/// Largest pool index.
pub(crate) const MAX_POOL: u32 = u32::MAX - 1;

use std::hint::select_unpredictable;

const BITS: u32 = 12;
const SIZE: usize = 1 << BITS;
// The bitmaps' summary word has a bit per bitmap word.
const _: () = assert!(SIZE / 64 <= 64);
const MASK: u64 = SIZE as u64 - 1;
const LEVELS: usize = 4;
const NIL: u32 = u32::MAX;

/// One level: 4,096 bucket lists and a bitmap of the non-empty ones (64 words, and a
/// summary word with a bit per non-zero word). Fixed-size arrays, so bucket indices
/// (masked to 12 bits) need no bounds checks.
#[derive(Debug, Clone)]
struct Level {
    head: Box<[u32; SIZE]>,
    tail: Box<[u32; SIZE]>,
    bits: [u64; SIZE / 64],
    summary: u64,
}

impl Level {
    fn new() -> Self {
        Level {
            head: Box::new([NIL; SIZE]),
            tail: Box::new([NIL; SIZE]),
            bits: [0; SIZE / 64],
            summary: 0,
        }
    }

    /// The first non-empty bucket at or after `from` (< 4096).
    ///
    /// Branch-free between "in `from`'s bitmap word" and "in a later word": which one
    /// it is depends on the gaps between changes and is not predictable (at 100 pools
    /// about one pop in four took the wrong guess, `docs/performance.md`), so both
    /// candidates are computed and one is selected.
    #[inline]
    fn next_from(&self, from: usize) -> Option<usize> {
        let w = (from / 64) % (SIZE / 64);
        let here = self.bits[w] & (u64::MAX << (from % 64));
        // Words after `w` holding a bucket (`w + 1 < 64`: a shift by 64 is avoided by
        // shifting twice).
        let later = self.summary & ((u64::MAX << (w as u32)) << 1);
        let lw = later.trailing_zeros() as usize % (SIZE / 64);
        let (word, bits) = select_unpredictable(here != 0, (w, here), (lw, self.bits[lw]));
        if (here | later) == 0 {
            return None;
        }
        Some(word * 64 + bits.trailing_zeros() as usize)
    }

    #[inline]
    fn mark(&mut self, b: usize) {
        self.bits[(b / 64) % (SIZE / 64)] |= 1 << (b % 64);
        self.summary |= 1 << ((b / 64) % 64);
    }

    /// Clears bucket `b`'s bit if `clear`. Branch-free: whether a pop empties its
    /// bucket, and whether that empties the bitmap word, depend on the gaps between
    /// changes (see `next_from`).
    #[inline]
    fn unmark_if(&mut self, b: usize, clear: bool) {
        let w = (b / 64) % (SIZE / 64);
        self.bits[w] &= !(u64::from(clear) << (b % 64));
        self.summary &= !(u64::from(self.bits[w] == 0) << w);
    }
}

/// A pool's entry: its pending change's time offset and sequence number, and the next
/// pool in its bucket's list.
#[derive(Debug, Clone, Copy)]
struct Pending {
    time: u64,
    seq: u64,
    next: u32,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            time: 0,
            seq: 0,
            next: NIL,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PriceWheel {
    levels: [Level; LEVELS],
    /// Per pool: its pending change and its bucket list's link, side by side (one
    /// cache line read per pool, not three); and a spare entry, see `link`.
    pend: Vec<Pending>,
    /// The wheel's position: no pending change is earlier.
    now: u64,
    len: usize,
    /// The earliest pending change `(time, pool, level-0 bucket)`, when known.
    front: Option<(u64, u32, usize)>,
    /// The first level-0 second whose bucket [`PriceWheel::ahead`] has not visited
    /// (from an earlier level-0 range, or behind the position: none visited yet).
    ahead: u64,
}

impl Default for PriceWheel {
    fn default() -> Self {
        PriceWheel::new(0)
    }
}

impl PriceWheel {
    /// An empty wheel for pools `0..pools`, positioned at offset 0.
    pub(crate) fn new(pools: usize) -> Self {
        PriceWheel {
            levels: std::array::from_fn(|_| Level::new()),
            // One spare entry past the pools (see `link`).
            pend: vec![Pending::default(); pools + 1],
            now: 0,
            len: 0,
            front: None,
            ahead: 0,
        }
    }

    /// Calls `f` with the pools of the next level-0 buckets not visited before, whole
    /// buckets, until at least `n` pools were visited or level 0 has no more (changes
    /// further ahead, in higher levels, are not visited); returns how many were. At
    /// most `4 n` are visited: the rest of a bucket past that is skipped (with traces
    /// on aligned timestamps a second can hold thousands of changes, and loading them
    /// all would load them far ahead of use). A pool scheduled into a second already
    /// passed (visited, skipped, or found empty) is not visited. Only a hint, for
    /// loading the pools' state before their changes come: the order of events does
    /// not depend on it.
    #[inline]
    pub(crate) fn ahead(&mut self, n: u32, mut f: impl FnMut(u32)) -> u32 {
        let window = self.now & !MASK;
        // Behind the position: nothing from here on was visited (a new level-0
        // range, or the visits fell behind the pops). Otherwise `ahead` is in this
        // range or at its end (the position never moves back).
        let mut from = self.ahead.max(self.now);
        debug_assert!(from - window <= SIZE as u64);
        let mut seen = 0;
        while seen < n && from - window < SIZE as u64 {
            let Some(b) = self.levels[0].next_from((from & MASK) as usize) else {
                from = window + SIZE as u64;
                break;
            };
            let mut p = self.levels[0].head[b];
            while let Some(e) = self.pend.get(p as usize)
                && seen < n.saturating_mul(4)
            {
                f(p);
                seen += 1;
                p = e.next;
            }
            from = window + b as u64 + 1;
        }
        self.ahead = from;
        seen
    }

    /// Appends `pool`, due at `t`, to its bucket: at the level of the highest base-4096
    /// digit in which `t` differs from the position.
    ///
    /// Branch-free: whether the bucket is empty depends on the gaps between changes
    /// (see `Level::next_from`). The bucket is marked either way (setting a set bit
    /// is harmless). An empty bucket's head becomes `pool`; otherwise the old tail
    /// links to it — for an empty bucket that link is written to the spare entry at
    /// the end of `pend`, which nothing reads.
    #[inline]
    fn link(&mut self, pool: u32, t: u64) {
        // `| 1`: a change at the position's own second goes to level 0 like any other
        // difference below 4096.
        let diff = (t ^ self.now) | 1;
        let l = ((63 - diff.leading_zeros()) / BITS) as usize % LEVELS;
        let b = ((t >> (BITS * l as u32)) & MASK) as usize;
        let level = &mut self.levels[l];
        let tail = level.tail[b];
        let empty = tail == NIL;
        level.head[b] = select_unpredictable(empty, pool, level.head[b]);
        level.tail[b] = pool;
        level.mark(b);
        let spare = self.pend.len() - 1;
        if let Some(n) = self.pend.get_mut(pool as usize) {
            n.next = NIL;
        }
        if let Some(n) = self
            .pend
            .get_mut(select_unpredictable(empty, spare, tail as usize))
        {
            n.next = pool;
        }
    }

    /// Schedules `pool`'s change at `offset` (not before the last popped change) as
    /// event `seq`. The pool must have nothing pending.
    #[inline]
    pub(crate) fn push(&mut self, offset: i64, seq: u64, pool: u32) {
        debug_assert!((0..=MAX_OFFSET).contains(&offset) && offset as u64 >= self.now);
        let t = offset as u64;
        if let Some(e) = self.pend.get_mut(pool as usize) {
            e.time = t;
            e.seq = seq;
        }
        self.link(pool, t);
        self.len += 1;
        // A change at the front's second or later queues behind it.
        if self.front.is_some_and(|f| t < f.0) {
            self.front = None;
        }
    }

    /// The earliest pending change: `(time offset, pool)`. Takes `&mut self` because it
    /// may spread a higher bucket over the levels below first.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<(i64, u32)> {
        if let Some((t, pool, _)) = self.front {
            return Some((t as i64, pool));
        }
        if self.len == 0 {
            return None;
        }
        loop {
            if let Some(b) = self.levels[0].next_from((self.now & MASK) as usize) {
                let pool = self.levels[0].head[b];
                let t = self.pend.get(pool as usize).map_or(0, |e| e.time);
                self.front = Some((t, pool, b));
                return Some((t as i64, pool));
            }
            self.cascade();
        }
    }

    /// Level 0 is empty from the position on: moves the position to the next non-empty
    /// bucket of the lowest level that has one and spreads that bucket below.
    #[cold]
    fn cascade(&mut self) {
        for l in 1..LEVELS {
            let shift = BITS * l as u32;
            let digit = ((self.now >> shift) & MASK) as usize;
            if digit + 1 >= SIZE {
                continue;
            }
            let Some(b) = self.levels[l].next_from(digit + 1) else {
                continue;
            };
            // The start of bucket b's range: higher digits kept, digit l = b, lower 0.
            let high = self.now >> (shift + BITS) << (shift + BITS);
            self.now = high | (b as u64) << shift;
            let level = &mut self.levels[l];
            let mut p = level.head[b];
            level.head[b] = NIL;
            level.tail[b] = NIL;
            level.unmark_if(b, true);
            while p != NIL {
                let e = self.pend[p as usize];
                self.link(p, e.time);
                p = e.next;
            }
            return;
        }
        debug_assert!(false, "cascade on an empty wheel");
    }

    /// The sequence number of `pool`'s pending change.
    #[inline]
    pub(crate) fn seq_of(&self, pool: u32) -> u64 {
        self.pend.get(pool as usize).map_or(0, |e| e.seq)
    }

    /// Removes the earliest pending change (the one [`PriceWheel::peek`] returned) and
    /// moves the position to its time.
    #[inline]
    pub(crate) fn pop(&mut self) {
        if self.front.is_none() {
            self.peek();
        }
        let Some((t, pool, b)) = self.front.take() else {
            return;
        };
        let next = self.pend.get(pool as usize).map_or(NIL, |e| e.next);
        let level = &mut self.levels[0];
        level.head[b] = next;
        // Branch-free, like `link`: with thousands of pools a second's bucket often
        // holds two changes, and whether this pop empties it is a coin flip.
        let last = next == NIL;
        level.tail[b] = select_unpredictable(last, NIL, level.tail[b]);
        level.unmark_if(b, last);
        self.now = t;
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::xorshift;

    /// `ahead` visits at most `4 n` pools of a crowded second and goes on with the next
    /// second at the next call.
    #[test]
    fn ahead_caps_a_crowded_second() {
        let mut w = PriceWheel::new(200);
        for p in 0..100 {
            w.push(5, u64::from(p) + 1, p);
        }
        for p in 100..110 {
            w.push(6, u64::from(p) + 1, p);
        }
        let mut seen = Vec::new();
        assert_eq!(w.ahead(4, |p| seen.push(p)), 16);
        assert_eq!(seen, (0..16).collect::<Vec<_>>());
        seen.clear();
        assert_eq!(w.ahead(4, |p| seen.push(p)), 10);
        assert_eq!(seen, (100..110).collect::<Vec<_>>());
        // The pops are unchanged by the visits.
        for want in 0..110 {
            assert_eq!(w.peek().map(|(_, p)| p), Some(want));
            w.pop();
        }
        assert_eq!(w.peek(), None);
    }

    /// `ahead` visits the pools in the order they pop, each change once: exactly when
    /// every change is scheduled at least a level-0 range (4,096 s) later than the
    /// position (into a range not visited yet); as a subsequence of the pops when
    /// some are scheduled into seconds already visited.
    #[test]
    fn ahead_visits_the_pools_in_pop_order() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for (pools, n, short_gaps) in [(300u32, 3u32, false), (7, 1, false), (300, 16, true)] {
            let mut w = PriceWheel::new(pools as usize);
            let mut seq = 0;
            for p in 0..pools {
                seq += 1;
                w.push(next(20_000) as i64, seq, p);
            }
            let (mut visits, mut pops) = (Vec::new(), Vec::new());
            for _ in 0..5_000 {
                let Some((t, p)) = w.peek() else { break };
                let seen = w.ahead(n, |q| visits.push(q));
                assert!(seen >= n || w.ahead == (t as u64 & !MASK) + SIZE as u64);
                w.pop();
                pops.push(p);
                let gap = if short_gaps && next(2) == 0 {
                    next(100)
                } else {
                    SIZE as u64 + next(10_000)
                };
                seq += 1;
                w.push(t + gap as i64, seq, p);
            }
            assert_eq!(pops.len(), 5_000);
            // The changes visited but not popped yet pop now.
            while let Some((_, p)) = w.peek() {
                w.pop();
                pops.push(p);
            }
            if short_gaps {
                // Every visit is of a change that pops later, in order; the changes
                // scheduled a long gap ahead (half of them) are visited.
                let mut it = pops.iter();
                assert!(visits.iter().all(|v| it.any(|p| p == v)), "pools {pools}");
                assert!(visits.len() > 2_400, "{} visits", visits.len());
            } else {
                assert_eq!(visits[..], pops[..visits.len()], "pools {pools}, n {n}");
                assert!(visits.len() >= 5_000, "{} visits", visits.len());
            }
        }
    }

    /// Against `std`'s `BinaryHeap` of `(time, seq, pool)`: the engine's pattern (pop
    /// the earliest, usually schedule that pool's next change, sometimes not) with
    /// gaps from 0 s to beyond the second level, ties included.
    #[test]
    fn pops_as_a_heap_by_time_then_seq() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for (pools, spread) in [
            (1u32, 10u64),
            (2, 5000),
            (7, 3),
            (64, 9000),
            (300, 20_000_000),
            (50, 1 << 39),
        ] {
            let mut w = PriceWheel::new(pools as usize);
            let mut r = BinaryHeap::new();
            let mut seq = 0;
            let mut idle: Vec<u32> = Vec::new();
            for p in 0..pools {
                seq += 1;
                let t = next(spread) as i64;
                w.push(t, seq, p);
                r.push(Reverse((t, seq, p)));
            }
            let mut now = 0i64;
            for _ in 0..20_000 {
                let want = r.peek().map(|x| x.0);
                assert_eq!(
                    w.peek().map(|(t, p)| (t, w.seq_of(p), p)),
                    want,
                    "pools {pools}"
                );
                let Some((t, _, p)) = want else { break };
                assert!(t >= now);
                now = t;
                w.pop();
                r.pop();
                idle.push(p);
                // Reschedule one idle pool (mostly the one just popped), at the same
                // second or later; some pools stay idle for a while.
                if next(8) > 0 {
                    let i = if next(4) > 0 {
                        idle.len() - 1
                    } else {
                        next(idle.len() as u64) as usize
                    };
                    let p = idle.swap_remove(i);
                    let gap = match next(4) {
                        0 => 0,
                        1 => next(10),
                        _ => next(spread),
                    };
                    let t = (now + gap as i64).min(MAX_OFFSET);
                    seq += 1;
                    w.push(t, seq, p);
                    r.push(Reverse((t, seq, p)));
                }
            }
        }
    }
}
