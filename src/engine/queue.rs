//! The event queue: events ordered by `(time, seq)`.
//!
//! `seq` is a counter assigned at push time, so events at the same second come out in
//! the order they were scheduled: the queue is deterministic without comparing
//! payloads. A heap entry is three machine words; payloads pack a kind and an index.
//!
//! The queue is three structures that pop as one, each suited to one kind of event:
//!
//! * **price changes** — the bulk of a replay, at most one pending per pool — in a
//!   [`PriceWheel`], a timing wheel over integer seconds: `O(1)` to schedule and to pop;
//! * **launch completions**, scheduled in nondecreasing time order (a constant latency
//!   after the launch), in a FIFO: already sorted, no sifting;
//! * everything else (capacity changes, notices, terminations, hazard draws, the
//!   horizon) in a binary heap.
//!
//! `pop` takes the smallest `(time, seq)` of the three fronts, so the order is exactly
//! the one a single heap would give (tested against one).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::price_wheel::PriceWheel;
#[cfg(doc)]
use super::price_wheel::{MAX_OFFSET, MAX_POOL};

/// What happens. The `u32` is a pool index, an instance index, or unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ev {
    /// The end of the horizon.
    Horizon,
    /// The next price change point of a pool takes effect.
    Price(u32),
    /// A coming capacity drop of a pool: its victims are chosen now.
    CapDrop(u32),
    /// The next capacity change point of a pool takes effect.
    CapApply(u32),
    /// The next target change point takes effect.
    Target,
    /// A launching instance starts running.
    Running(u32),
    /// A doomed instance is terminated by EC2.
    Terminate(u32),
    /// An instance gets its 2-minute interruption notice.
    Notice(u32),
    /// The hazard model dooms an instance (its interruption is 2 min + lead away).
    HazardDoom(u32),
    /// A false rebalance recommendation reaches an instance.
    FalseRebalance(u32),
    /// Capacity rebalancing ends an at-risk instance (launch-before-terminate).
    PlannedEnd(u32),
}

impl Ev {
    #[inline]
    fn pack(self) -> u64 {
        let (k, i) = match self {
            Ev::Horizon => (0, 0),
            Ev::Price(i) => (1, i),
            Ev::CapDrop(i) => (2, i),
            Ev::CapApply(i) => (3, i),
            Ev::Target => (4, 0),
            Ev::Running(i) => (5, i),
            Ev::Terminate(i) => (6, i),
            Ev::Notice(i) => (7, i),
            Ev::HazardDoom(i) => (8, i),
            Ev::FalseRebalance(i) => (9, i),
            Ev::PlannedEnd(i) => (10, i),
        };
        (k << 32) | i as u64
    }

    #[inline]
    fn unpack(x: u64) -> Ev {
        let i = x as u32;
        match x >> 32 {
            0 => Ev::Horizon,
            1 => Ev::Price(i),
            2 => Ev::CapDrop(i),
            3 => Ev::CapApply(i),
            4 => Ev::Target,
            5 => Ev::Running(i),
            6 => Ev::Terminate(i),
            7 => Ev::Notice(i),
            8 => Ev::HazardDoom(i),
            9 => Ev::FalseRebalance(i),
            _ => Ev::PlannedEnd(i),
        }
    }
}

/// A min-queue of events by `(time, insertion order)`, in three parts that pop as one:
/// each pool's next price change (a [`PriceWheel`]), launch completions (a FIFO: they
/// are scheduled in time order) and everything else (a binary heap).
#[derive(Debug)]
#[cfg_attr(test, derive(Clone))]
pub(crate) struct Queue {
    heap: BinaryHeap<Reverse<(i64, u64, u64)>>,
    fifo: VecDeque<(i64, u64, u64)>,
    prices: PriceWheel,
    /// Price changes are held as offsets from this instant.
    start: i64,
    seq: u64,
    /// The part holding the earliest event, as [`Queue::peek_time`] found it; `None`
    /// once anything is scheduled (or before the first look), so [`Queue::pop`]
    /// compares the three fronts again only when they may have changed.
    next: Option<Part>,
}

/// One of the queue's three parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Prices,
    Fifo,
    Heap,
}

impl Default for Queue {
    fn default() -> Self {
        Queue::new(0, 0, 0)
    }
}

impl Queue {
    /// A queue for events at or after `start`, with room for `pools` price cursors and
    /// `n` other events.
    pub(crate) fn new(start: i64, pools: usize, n: usize) -> Self {
        Queue {
            heap: BinaryHeap::with_capacity(n),
            fifo: VecDeque::new(),
            prices: PriceWheel::new(pools),
            start,
            seq: 0,
            next: None,
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, time: i64, ev: Ev) {
        self.seq += 1;
        self.next = None;
        self.heap.push(Reverse((time, self.seq, ev.pack())));
    }

    /// Like [`Queue::push`], for events whose times never decrease from one call to the
    /// next (falls back to the heap if one does).
    #[inline]
    pub(crate) fn push_ordered(&mut self, time: i64, ev: Ev) {
        if self.fifo.back().is_some_and(|b| b.0 > time) {
            return self.push(time, ev);
        }
        self.seq += 1;
        self.next = None;
        self.fifo.push_back((time, self.seq, ev.pack()));
    }

    /// Schedules pool `p`'s next price change at `time`, which pops as [`Ev::Price`].
    /// A pool has at most one pending price change (it is scheduled when the previous
    /// one pops), `time` is not before the last event popped and at most [`MAX_OFFSET`]
    /// seconds after the queue's start, and `p` at most [`MAX_POOL`] (the engine checks
    /// the bounds up front).
    #[inline]
    pub(crate) fn set_price(&mut self, p: u32, time: i64) {
        self.seq += 1;
        self.next = None;
        self.prices.push(time - self.start, self.seq, p);
    }

    /// Calls `f` with the pools of the next pending price changes not visited before
    /// (see [`PriceWheel::ahead`]), until at least `n` were; returns how many were.
    #[inline]
    pub(crate) fn prices_ahead(&mut self, n: u32, f: impl FnMut(u32)) -> u32 {
        self.prices.ahead(n, f)
    }

    /// Removes and returns the earliest event.
    #[inline(always)]
    pub(crate) fn pop(&mut self) -> Option<(i64, Ev)> {
        if self.next.is_none() {
            self.peek_time();
        }
        match self.next.take()? {
            Part::Prices => {
                let (off, pool) = self.prices.peek()?;
                self.prices.pop();
                Some((self.start + off, Ev::Price(pool)))
            }
            Part::Fifo => self.fifo.pop_front().map(|(t, _, p)| (t, Ev::unpack(p))),
            Part::Heap => self.heap.pop().map(|Reverse((t, _, p))| (t, Ev::unpack(p))),
        }
    }

    /// The time of the next event. Also notes which part holds it, by `(time, seq)`,
    /// for the next [`Queue::pop`].
    #[inline(always)]
    pub(crate) fn peek_time(&mut self) -> Option<i64> {
        let h = self.heap.peek().map(|Reverse((t, s, _))| (*t, *s));
        let f = self.fifo.front().map(|(t, s, _)| (*t, *s));
        // The FIFO's front against the heap's: sequence numbers are unique, so
        // `(time, seq)` orders them strictly.
        let other = match (h, f) {
            (Some(h), Some(f)) if f < h => Some((f, Part::Fifo)),
            (Some(h), _) => Some((h, Part::Heap)),
            (None, f) => f.map(|f| (f, Part::Fifo)),
        };
        let best = match (self.prices.peek(), other) {
            (Some((off, pool)), Some(((ot, os), part))) => {
                let t = self.start + off;
                // The price change's sequence number is looked up only on a tie.
                if t < ot || (t == ot && self.prices.seq_of(pool) < os) {
                    (t, Part::Prices)
                } else {
                    (ot, part)
                }
            }
            (Some((off, _)), None) => (self.start + off, Part::Prices),
            (None, Some(((ot, _), part))) => (ot, part),
            (None, None) => return None,
        };
        self.next = Some(best.1);
        Some(best.0)
    }

    /// Events scheduled so far (any part): unchanged means nothing was pushed.
    #[inline]
    pub(crate) fn scheduled(&self) -> u64 {
        self.seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_insertion() {
        let mut q = Queue::default();
        q.push(5, Ev::Price(1));
        q.push(3, Ev::Running(7));
        q.push(5, Ev::Terminate(2));
        q.push(3, Ev::Horizon);
        let got: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            got,
            vec![
                (3, Ev::Running(7)),
                (3, Ev::Horizon),
                (5, Ev::Price(1)),
                (5, Ev::Terminate(2))
            ]
        );
    }

    #[test]
    fn fifo_and_heap_interleave_by_time_then_insertion() {
        let mut q = Queue::default();
        q.push(5, Ev::Price(1));
        q.push_ordered(3, Ev::Running(1));
        q.push_ordered(5, Ev::Running(2));
        q.push(3, Ev::Price(2));
        q.push_ordered(4, Ev::Running(3)); // out of order: goes to the heap
        q.push(5, Ev::Price(3));
        let got: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            got,
            vec![
                (3, Ev::Running(1)),
                (3, Ev::Price(2)),
                (4, Ev::Running(3)),
                (5, Ev::Price(1)),
                (5, Ev::Running(2)),
                (5, Ev::Price(3)),
            ]
        );
    }

    /// Against one plain heap of `(time, seq, event)` holding everything, with the same
    /// sequence numbers: price cursors, FIFO and heap must pop in exactly its order.
    #[test]
    fn three_parts_pop_as_one_heap() {
        let mut next = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
        for pools in [1u32, 2, 7, 64] {
            let mut q = Queue::new(0, pools as usize, 8);
            let mut reference: BinaryHeap<Reverse<(i64, u64, u64)>> = BinaryHeap::new();
            let mut seq = 0u64;
            let mut now = 0i64;
            let mut fifo_last = 0i64;
            for p in 0..pools {
                let t = next(50) as i64;
                seq += 1;
                q.set_price(p, t);
                reference.push(Reverse((t, seq, Ev::Price(p).pack())));
            }
            for _ in 0..3000 {
                match next(4) {
                    0 => {
                        let t = now + next(20) as i64;
                        let i = next(9) as u32;
                        seq += 1;
                        q.push(t, Ev::Notice(i));
                        reference.push(Reverse((t, seq, Ev::Notice(i).pack())));
                    }
                    1 => {
                        let t = fifo_last.max(now) + next(5) as i64;
                        fifo_last = t;
                        seq += 1;
                        q.push_ordered(t, Ev::Running(7));
                        reference.push(Reverse((t, seq, Ev::Running(7).pack())));
                    }
                    _ => {
                        let got = q.pop();
                        let want = reference.pop().map(|Reverse((t, _, e))| (t, Ev::unpack(e)));
                        assert_eq!(got, want, "pools = {pools}");
                        let Some((t, ev)) = got else { break };
                        now = t;
                        // A price event's pool gets its next change (or none) at once,
                        // sometimes after other events were scheduled.
                        if let Ev::Price(p) = ev {
                            if next(3) == 0 {
                                seq += 1;
                                q.push(t + 1, Ev::Terminate(p));
                                reference.push(Reverse((t + 1, seq, Ev::Terminate(p).pack())));
                            }
                            if next(10) > 0 {
                                let nt = t + 1 + next(30) as i64;
                                seq += 1;
                                q.set_price(p, nt);
                                reference.push(Reverse((nt, seq, Ev::Price(p).pack())));
                            }
                        }
                        assert_eq!(q.peek_time(), reference.peek().map(|r| r.0.0));
                    }
                }
            }
        }
    }

    #[test]
    fn pack_round_trips() {
        for e in [
            Ev::Horizon,
            Ev::Price(u32::MAX),
            Ev::CapDrop(3),
            Ev::CapApply(0),
            Ev::Target,
            Ev::Running(9),
            Ev::Terminate(1),
            Ev::Notice(2),
            Ev::HazardDoom(4),
            Ev::FalseRebalance(5),
            Ev::PlannedEnd(6),
        ] {
            assert_eq!(Ev::unpack(e.pack()), e);
        }
    }
}
