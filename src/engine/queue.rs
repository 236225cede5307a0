//! The event queue: a binary heap of compact entries ordered by `(time, seq)`.
//!
//! `seq` is a counter assigned at push time, so events at the same second come out in
//! the order they were scheduled: the queue is deterministic without comparing
//! payloads. An entry is three machine words; payloads pack a kind and an index.
//!
//! Events scheduled in nondecreasing time order (launches completing after a constant
//! latency) go to a FIFO beside the heap instead: it is already sorted, so they skip the
//! heap's sift-up and sift-down. `pop` takes the smaller `(time, seq)` of the two fronts,
//! so the order is exactly the one a single heap would give.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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

/// A min-queue of events by `(time, insertion order)`.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    heap: BinaryHeap<Reverse<(i64, u64, u64)>>,
    fifo: VecDeque<(i64, u64, u64)>,
    seq: u64,
}

impl Queue {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Queue {
            heap: BinaryHeap::with_capacity(n),
            fifo: VecDeque::new(),
            seq: 0,
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, time: i64, ev: Ev) {
        self.seq += 1;
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
        self.fifo.push_back((time, self.seq, ev.pack()));
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(i64, Ev)> {
        let from_fifo = match (self.heap.peek(), self.fifo.front()) {
            (None, None) => return None,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some(Reverse((ht, hs, _))), Some((ft, fs, _))) => (ft, fs) < (ht, hs),
        };
        if from_fifo {
            self.fifo.pop_front().map(|(t, _, p)| (t, Ev::unpack(p)))
        } else {
            self.heap.pop().map(|Reverse((t, _, p))| (t, Ev::unpack(p)))
        }
    }

    #[inline]
    pub(crate) fn peek_time(&self) -> Option<i64> {
        let h = self.heap.peek().map(|Reverse((t, _, _))| *t);
        let f = self.fifo.front().map(|x| x.0);
        match (h, f) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
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
