//! The rows of the CSV and the TSV: records split by `delimited`, big quote-free blocks
//! cut into pieces that two threads take in turn, series interned by their raw bytes.

use super::csv::{Layout, csv_layout};
use super::{TAG_TEXT, TAG_ZONE, TAG_ZONE_ID};
use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::{Record as Fields, Splitter};
use crate::ingest::{
    Interner, PriceRow, SeriesKey, price_value, rfc3339_value, row_line, text_value,
};
use crate::market::Zone;
use crate::time::FastRfc3339;

/// Blocks at least this big are split in two and parsed on two threads (when they hold
/// no quote, so every line end is a record end).
const PARALLEL_BLOCK: usize = 256 << 10;

/// The size of the pieces a parallel block is cut into (at line ends).
const PIECE: usize = 128 << 10;

/// One piece's result: its rows (lines counted from the piece's start, series ids of
/// the side that read it), how many line ends it held, and how much it consumed.
struct Piece {
    rows: Vec<PriceRow>,
    lines: u64,
    read: Result<usize, InputError>,
}

/// What both halves of a block read: the file's name and its layout.
pub(super) struct Shape<'n> {
    name: &'n str,
    layout: Layout,
    /// The key columns (zone, zone ID, type, product), when they are adjacent: their
    /// raw span is the interning key, no copy.
    key_span: Option<(usize, usize)>,
}

impl<'n> Shape<'n> {
    fn new(name: &'n str, layout: Layout) -> Self {
        let mut cols: Vec<usize> = [
            layout.zone,
            layout.zone_id,
            Some(layout.itype),
            Some(layout.product),
        ]
        .into_iter()
        .flatten()
        .map(|c| c.0)
        .collect();
        cols.sort_unstable();
        let key_span = match (cols.first(), cols.last()) {
            (Some(&lo), Some(&hi)) if hi - lo + 1 == cols.len() => Some((lo, hi)),
            _ => None,
        };
        Shape {
            name,
            layout,
            key_span,
        }
    }
}

/// One parsing thread's state: its splitter, its own interner (ids local to it) and the
/// rows of the block part it read.
struct Side {
    splitter: Splitter,
    interner: Interner<SeriesKey>,
    /// The file-wide id of each of this side's ids (`u32::MAX`: none yet).
    global: Vec<u32>,
    rows: Vec<PriceRow>,
    times: FastRfc3339,
}

impl Side {
    fn new(delim: u8, quoting: bool) -> Self {
        Side {
            splitter: Splitter::new(delim, quoting),
            interner: Interner::new(),
            global: Vec::new(),
            rows: Vec::new(),
            times: FastRfc3339::default(),
        }
    }

    /// Reads the records of `block` into `rows` (series ids local to this side).
    /// `plain`: the block is known to hold no quote (a piece of a quote-free block);
    /// without a carriage return either, it is split by [`Splitter::split_plain`].
    fn read(
        &mut self,
        shape: &Shape<'_>,
        block: &[u8],
        eof: bool,
        plain: bool,
    ) -> Result<usize, InputError> {
        let Side {
            splitter,
            interner,
            rows,
            times,
            ..
        } = self;
        let mut row = |rec: &Fields<'_>| {
            if rec.is_blank() {
                return Ok(());
            }
            rows.push(price_row(shape, interner, times, rec)?);
            Ok(())
        };
        if plain && memchr::memchr(b'\r', block).is_none() {
            splitter.split_plain(block, eof, &mut row)
        } else {
            splitter.split(block, eof, &mut row)
        }
    }
}

/// The CSV and TSV readers' state: the layout once known, two sides, and the rows with
/// file-wide series ids (in order of first appearance, as one pass would give them).
pub(super) struct Rows<'n> {
    name: &'n str,
    quoting: bool,
    pub(super) shape: Option<Shape<'n>>,
    sides: [Side; 2],
    pub(super) keys: Vec<SeriesKey>,
    canon: std::collections::HashMap<SeriesKey, u32>,
    pub(super) rows: Vec<PriceRow>,
}

impl<'n> Rows<'n> {
    pub(super) fn new(name: &'n str, delim: u8, quoting: bool, layout: Option<Layout>) -> Self {
        Rows {
            name,
            quoting,
            shape: layout.map(|l| Shape::new(name, l)),
            sides: [Side::new(delim, quoting), Side::new(delim, quoting)],
            keys: Vec::new(),
            canon: std::collections::HashMap::new(),
            rows: Vec::new(),
        }
    }

    /// Parses a block (see `delimited::for_each_block`): big blocks without quotes in
    /// pieces, in parallel ([`Rows::pieces`]), once the layout is known (in the block
    /// with the CSV header, the lines up to the header are read alone first,
    /// [`Rows::header_cut`]).
    pub(super) fn block(&mut self, block: &[u8], eof: bool) -> Result<(usize, u64), InputError> {
        if self.shape.is_none()
            && let Some(cut) = self.header_cut(block)
        {
            // The lines up to the header's end alone, then the rest of the block (in
            // parallel, as the header is known by then).
            let (used, line) = self.one_block(&block[..cut], eof && cut == block.len())?;
            if used == block.len() {
                return Ok((used, line));
            }
            // From where that stopped: the cut, or before it when the header's record
            // ended at a carriage return and the `\r`s and `\n` after it were left
            // (`csv_core` waits for more input to end them). The callers with all the
            // input in one block do not feed the rest again. The block is known to be
            // quote-free: a big rest goes to the pieces without a second scan.
            let rest = &block[used..];
            let (more, line) = if self.shape.is_some() && rest.len() >= PARALLEL_BLOCK {
                self.pieces(rest, eof, line)?
            } else {
                self.one_block(rest, eof)?
            };
            return Ok((used + more, line));
        }
        self.one_block(block, eof)
    }

    /// [`Rows::block`] without looking for the header's end first.
    fn one_block(&mut self, block: &[u8], eof: bool) -> Result<(usize, u64), InputError> {
        let line = self.sides[0].splitter.line;
        let Some(shape) = &self.shape else {
            let Rows {
                name, shape, sides, ..
            } = self;
            let Side {
                splitter,
                interner,
                rows,
                times,
                ..
            } = &mut sides[0];
            let n = splitter.split(block, eof, &mut |rec| {
                if rec.is_blank() {
                    return Ok(());
                }
                match shape {
                    None => *shape = Some(Shape::new(name, csv_layout(name, rec.line, rec)?)),
                    Some(sh) => rows.push(price_row(sh, interner, times, rec)?),
                }
                Ok::<(), InputError>(())
            })?;
            self.merge(0);
            return Ok((n, self.sides[0].splitter.line));
        };
        let parallel = block.len() >= PARALLEL_BLOCK
            && !(self.quoting && memchr::memchr(b'"', block).is_some());
        if !parallel {
            let n = self.sides[0].read(shape, block, eof, false)?;
            self.merge(0);
            return Ok((n, self.sides[0].splitter.line));
        }
        self.pieces(block, eof, line)
    }

    /// Where the first line that is not blank ends (after its `\n`), in a block big
    /// enough to be parsed in parallel and without quotes: every line end is a record
    /// end there, and that line holds a record that is not blank, so the lines up to it
    /// hold the header. `None` otherwise, or when the block holds no complete such
    /// line.
    fn header_cut(&self, block: &[u8]) -> Option<usize> {
        if block.len() < PARALLEL_BLOCK || (self.quoting && memchr::memchr(b'"', block).is_some()) {
            return None;
        }
        let mut from = 0;
        while let Some(nl) = memchr::memchr(b'\n', &block[from..]) {
            let end = from + nl + 1;
            if !block[from..end].trim_ascii().is_empty() {
                return Some(end);
            }
            from = end;
        }
        None
    }

    /// Parses a quote-free block cut into pieces of about [`PIECE`] bytes at line ends,
    /// on two threads that each take the next piece when done with one (a thread that
    /// was hashing the file joins in when free, so neither waits on a fixed half).
    /// Each piece is read with lines counted from its own start (no pass to count
    /// them first); the merge adds each piece's first line, known by then from the
    /// pieces before it. A piece that failed is read again at its real line, alone,
    /// so the error names the line exactly, and the first error in file order wins.
    fn pieces(&mut self, block: &[u8], eof: bool, line: u64) -> Result<(usize, u64), InputError> {
        let Some(shape) = self.shape.take() else {
            return Ok((0, line));
        };
        let res = self.pieces_of(&shape, block, eof, line);
        self.shape = Some(shape);
        res
    }

    fn pieces_of(
        &mut self,
        shape: &Shape<'n>,
        block: &[u8],
        eof: bool,
        line: u64,
    ) -> Result<(usize, u64), InputError> {
        let mut bounds = vec![0];
        while let Some(&from) = bounds.last() {
            let want = from + PIECE;
            if want >= block.len() {
                break;
            }
            match memchr::memchr(b'\n', &block[want..]) {
                Some(i) if want + i + 1 < block.len() => bounds.push(want + i + 1),
                _ => break,
            }
        }
        bounds.push(block.len());
        let n = bounds.len() - 1;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = |side: &mut Side| {
            let mut out = Vec::new();
            // Room for a piece's rows: a guess (rows are ~70 bytes), then the last
            // piece's count.
            side.rows.reserve(PIECE / 48);
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if k >= n {
                    break out;
                }
                let piece = &block[bounds[k]..bounds[k + 1]];
                side.splitter.line = 0;
                let res = side.read(shape, piece, eof && k + 1 == n, true);
                let room = side.rows.len() + side.rows.len() / 8 + 16;
                out.push((
                    k,
                    Piece {
                        rows: std::mem::replace(&mut side.rows, Vec::with_capacity(room)),
                        lines: side.splitter.line,
                        read: res,
                    },
                ));
            }
        };
        let [s0, s1] = &mut self.sides;
        let (o0, o1) = rayon::join(|| work(s0), || work(s1));
        let mut done: Vec<Option<(usize, Piece)>> = (0..n).map(|_| None).collect();
        for (s, out) in [(0, o0), (1, o1)] {
            for (k, p) in out {
                done[k] = Some((s, p));
            }
        }
        self.rows
            .reserve(done.iter().flatten().map(|(_, p)| p.rows.len()).sum());
        let mut at = line;
        for (k, d) in done.into_iter().enumerate() {
            let Some((s, p)) = d else { continue };
            let len = bounds[k + 1] - bounds[k];
            let used = match p.read {
                Ok(used) => used,
                Err(e) => {
                    // Read the piece again from its real line, to name it exactly.
                    let side = &mut self.sides[0];
                    side.rows.clear();
                    side.splitter.line = at;
                    let again = side.read(
                        shape,
                        &block[bounds[k]..bounds[k + 1]],
                        eof && k + 1 == n,
                        true,
                    );
                    side.rows.clear();
                    return Err(again.err().unwrap_or(e));
                }
            };
            self.sides[s].rows = p.rows;
            self.merge_from(s, at)?;
            at += p.lines;
            if used < len {
                // Not expected (a piece ends at a line end, with no quote): keep what
                // was read up to here, and let the caller feed the rest again.
                self.sides[0].splitter.line = at;
                return Ok((bounds[k] + used, at));
            }
        }
        self.sides[0].splitter.line = at;
        Ok((block.len(), at))
    }

    /// Moves side `s`'s rows to the file's rows, with file-wide series ids.
    fn merge(&mut self, s: usize) {
        // Lines counted from the file's start: nothing to add, no overflow possible
        // (`price_row` checked them).
        let _ = self.merge_from(s, 0);
    }

    /// [`Rows::merge`] for rows whose lines were counted from line `base` − 1 of the
    /// file (a piece's start; 0 for whole-file lines): `base` is added to each.
    ///
    /// One pass that copies each row with its file-wide id and line: the side's id
    /// table is sized once, and the lines are checked once, against the largest.
    fn merge_from(&mut self, s: usize, base: u64) -> Result<(), InputError> {
        let name = self.name;
        let Rows {
            sides,
            keys,
            canon,
            rows,
            ..
        } = self;
        let side = &mut sides[s];
        if side.global.len() < side.interner.len() {
            side.global.resize(side.interner.len(), u32::MAX);
        }
        // Every line fits a `u32` if the largest does; if not, the error names the
        // first that does not.
        let last = side.rows.iter().map(|r| r.line).max().unwrap_or(0);
        if row_line(name, base + u64::from(last)).is_err() {
            for r in &side.rows {
                row_line(name, base + u64::from(r.line))?;
            }
        }
        let base = base as u32;
        let Side {
            interner,
            global,
            rows: side_rows,
            ..
        } = side;
        rows.reserve(side_rows.len());
        for r in side_rows.drain(..) {
            let local = r.series as usize;
            let mut g = global.get(local).copied().unwrap_or(u32::MAX);
            if g == u32::MAX {
                g = file_id(interner, local, keys, canon);
                if let Some(slot) = global.get_mut(local) {
                    *slot = g;
                }
            }
            rows.push(PriceRow {
                series: g,
                line: base + r.line,
                ..r
            });
        }
        Ok(())
    }
}

/// The file-wide id of a side's local id `local` (its key's, numbered in order of first
/// appearance across the file: a key not seen yet gets the next id).
#[cold]
fn file_id(
    interner: &Interner<SeriesKey>,
    local: usize,
    keys: &mut Vec<SeriesKey>,
    canon: &mut std::collections::HashMap<SeriesKey, u32>,
) -> u32 {
    let key = interner
        .key(local as u32)
        .cloned()
        .unwrap_or_else(|| SeriesKey {
            zone: Zone::Name(String::new()),
            instance_type: String::new(),
            product: String::new(),
        });
    match canon.get(&key) {
        Some(&g) => g,
        None => {
            let g = keys.len() as u32;
            canon.insert(key.clone(), g);
            keys.push(key);
            g
        }
    }
}

/// One price row of a CSV or TSV record (not blank), its series interned in `interner`.
#[inline]
fn price_row(
    shape: &Shape<'_>,
    interner: &mut Interner<SeriesKey>,
    times: &mut FastRfc3339,
    rec: &Fields<'_>,
) -> Result<PriceRow, InputError> {
    let (name, layout, line) = (shape.name, &shape.layout, rec.line);
    if rec.len() != layout.ncols {
        return Err(InputError::new(
            name,
            InputErrorKind::Syntax,
            format!(
                "expected {} fields as in {}, found {}",
                layout.ncols,
                layout.defined_by,
                rec.len()
            ),
        )
        .at_line(line));
    }
    let get = |(i, _): (usize, &str)| rec.get(i).trim_ascii();
    // Zone: the name column unless it is empty, else the ID column.
    let (zone_tag, zone_col) = match (layout.zone, layout.zone_id) {
        (Some(z), None) => (TAG_ZONE, z),
        (None, Some(z)) => (TAG_ZONE_ID, z),
        (Some(z), Some(id)) if get(z).is_empty() && !get(id).is_empty() => (TAG_ZONE_ID, id),
        (Some(z), _) => (TAG_ZONE, z),
        (None, None) => {
            return Err(InputError::new(
                name,
                InputErrorKind::MissingField,
                "no zone column",
            ));
        }
    };
    let zone_raw = get(zone_col);
    let type_raw = get(layout.itype);
    let product_raw = get(layout.product);
    let make = || {
        let z = crate::ingest::zone_value(name, line, zone_col.1, zone_raw)?;
        Ok(SeriesKey {
            zone: if zone_tag == TAG_ZONE_ID {
                Zone::Id(z.to_string())
            } else {
                Zone::parse(z)
            },
            instance_type: text_value(name, line, layout.itype.1, type_raw, "an instance type")?
                .to_string(),
            product: text_value(
                name,
                line,
                layout.product.1,
                product_raw,
                "a product description such as Linux/UNIX",
            )?
            .to_string(),
        })
    };
    let series = match shape.key_span.and_then(|(lo, hi)| rec.span(lo, hi)) {
        Some(span) => interner.finish_span(name, span, make)?,
        None => {
            interner.begin();
            interner.part(zone_tag, zone_raw);
            interner.part(TAG_TEXT, type_raw);
            interner.part(TAG_TEXT, product_raw);
            interner.finish(name, make)?
        }
    };
    let price = price_value(name, line, layout.price.1, get(layout.price))?;
    let raw_time = get(layout.time);
    let time = match times.read(raw_time) {
        Some(t) => t,
        None => rfc3339_value(name, line, layout.time.1, raw_time)?,
    };
    Ok(PriceRow {
        series,
        line: row_line(name, line)?,
        time,
        price,
    })
}
