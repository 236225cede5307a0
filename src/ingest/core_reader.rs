//! `csv_core` readers, reused within a thread.
//!
//! `csv_core::ReaderBuilder::build` constructs the reader's DFA, which costs more than
//! reading a small file: under the fuzzers' coverage instrumentation it was 40–60 % of
//! an execution of every CSV target (`perf`, 2026-12-02). A reader is therefore taken
//! from a per-thread spare list and given back, reset, when dropped. (Cloning a built
//! reader is no way round it: `csv_core` 0.1.13's `Clone for Dfa` copies only the
//! transition table, and the clone returns empty records without end.)

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// At most this many spare readers are kept per thread.
const SPARES: usize = 4;

thread_local! {
    static SPARE: RefCell<Vec<(u8, bool, csv_core::Reader)>> = const { RefCell::new(Vec::new()) };
}

/// A `csv_core` reader with the `csv` crate's defaults, delimiter `delim` and quoting on
/// or off — as `ReaderBuilder::new().delimiter(delim).quoting(quoting).build()`, in its
/// initial state — given back to this thread's spares when dropped.
pub(crate) struct CoreReader {
    delim: u8,
    quoting: bool,
    reader: Option<csv_core::Reader>,
}

/// A reader for `delim` and `quoting` (see [`CoreReader`]).
pub(crate) fn reader(delim: u8, quoting: bool) -> CoreReader {
    let spare = SPARE
        .try_with(|s| {
            let mut s = s.borrow_mut();
            let i = s
                .iter()
                .position(|(d, q, _)| (*d, *q) == (delim, quoting))?;
            Some(s.swap_remove(i).2)
        })
        .ok()
        .flatten();
    let reader = spare.unwrap_or_else(|| {
        csv_core::ReaderBuilder::new()
            .delimiter(delim)
            .quoting(quoting)
            .build()
    });
    CoreReader {
        delim,
        quoting,
        reader: Some(reader),
    }
}

impl Deref for CoreReader {
    type Target = csv_core::Reader;
    fn deref(&self) -> &csv_core::Reader {
        self.reader
            .as_ref()
            .expect("a CoreReader's reader is taken only when dropped")
    }
}

impl DerefMut for CoreReader {
    fn deref_mut(&mut self) -> &mut csv_core::Reader {
        self.reader
            .as_mut()
            .expect("a CoreReader's reader is taken only when dropped")
    }
}

impl Drop for CoreReader {
    fn drop(&mut self) {
        if let Some(mut r) = self.reader.take() {
            r.reset();
            let _ = SPARE.try_with(|s| {
                if let Ok(mut s) = s.try_borrow_mut()
                    && s.len() < SPARES
                {
                    s.push((self.delim, self.quoting, r));
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    /// A reader given back mid-record and taken again reads as a freshly built one,
    /// for each configuration.
    #[test]
    fn a_reused_reader_reads_as_a_fresh_one() {
        fn split(mut r: csv_core::Reader, input: &[u8]) -> Vec<Vec<u8>> {
            let (mut out, mut ends) = (vec![0u8; 256], vec![0usize; 16]);
            let (mut fields, mut inp, mut o, mut e) = (Vec::new(), input, 0, 0);
            loop {
                let (res, nin, nout, nend) = r.read_record(inp, &mut out[o..], &mut ends[e..]);
                inp = &inp[nin..];
                (o, e) = (o + nout, e + nend);
                match res {
                    csv_core::ReadRecordResult::Record => {
                        let mut start = 0;
                        for &end in &ends[..e] {
                            fields.push(out[start..end].to_vec());
                            start = end;
                        }
                        fields.push(b"|".to_vec());
                        (o, e) = (0, 0);
                    }
                    csv_core::ReadRecordResult::End => return fields,
                    _ => {}
                }
            }
        }
        let input = b"\xef\xbb\xbfa,\"b\tc\",d\r\n\"x\"\"y\"\tz\n\n1,2\r3";
        for (delim, quoting) in [(b',', true), (b'\t', true), (b',', false), (b';', true)] {
            let fresh = || {
                csv_core::ReaderBuilder::new()
                    .delimiter(delim)
                    .quoting(quoting)
                    .build()
            };
            let want = split(fresh(), input);
            assert!(
                want.len() >= 8 && want.iter().any(|f| f.len() > 2),
                "{want:?}"
            );
            // Leave a reader inside a quoted field, with a line count, then drop it.
            let mut r = super::reader(delim, quoting);
            let mut out = [0u8; 64];
            let mut ends = [0usize; 8];
            let _ = r.read_record(b"q\n\"open", &mut out, &mut ends);
            let _ = r.read_record(b"\nmore", &mut out, &mut ends);
            drop(r);
            let mut r = super::reader(delim, quoting);
            let taken = r.reader.take().expect("a reader");
            assert_eq!(split(taken, input), want);
        }
    }
}
