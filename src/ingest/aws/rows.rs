//! The rows of the CSV and the TSV: records split by `delimited`, parsed on two threads
//! per big quote-free block, series interned by their raw bytes.

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
    fn read(&mut self, shape: &Shape<'_>, block: &[u8], eof: bool) -> Result<usize, InputError> {
        let Side {
            splitter,
            interner,
            rows,
            times,
            ..
        } = self;
        splitter.split(block, eof, &mut |rec| {
            if rec.is_blank() {
                return Ok(());
            }
            rows.push(price_row(shape, interner, times, rec)?);
            Ok(())
        })
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
    /// two halves, in parallel, once the layout is known (the block with the CSV header
    /// is read in one piece).
    pub(super) fn block(&mut self, block: &[u8], eof: bool) -> Result<(usize, u64), InputError> {
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
        let cut = (block.len() >= PARALLEL_BLOCK
            && !(self.quoting && memchr::memchr(b'"', block).is_some()))
        .then(|| memchr::memchr(b'\n', &block[block.len() / 2..]).map(|i| block.len() / 2 + i + 1))
        .flatten();
        let n = match cut {
            None => {
                let n = self.sides[0].read(shape, block, eof)?;
                self.merge(0);
                n
            }
            Some(cut) => {
                let (a, b) = block.split_at(cut);
                let [s0, s1] = &mut self.sides;
                s1.splitter.line = line + crate::ingest::count_newlines(a) as u64;
                let (ra, rb) = rayon::join(|| s0.read(shape, a, false), || s1.read(shape, b, eof));
                // The first error in file order.
                let na = ra?;
                let nb = rb?;
                if na < a.len() {
                    // Not expected (the first half ends at a line end, with no quote):
                    // keep only the first half's records.
                    self.sides[1].rows.clear();
                    self.merge(0);
                    return Ok((na, self.sides[0].splitter.line));
                }
                self.sides[0].splitter.line = self.sides[1].splitter.line;
                self.merge(0);
                self.merge(1);
                na + nb
            }
        };
        Ok((n, self.sides[0].splitter.line))
    }

    /// Moves side `s`'s rows to the file's rows, with file-wide series ids.
    fn merge(&mut self, s: usize) {
        let side = &mut self.sides[s];
        for r in side.rows.drain(..) {
            let local = r.series as usize;
            if side.global.len() <= local {
                side.global.resize(local + 1, u32::MAX);
            }
            let mut g = side.global[local];
            if g == u32::MAX {
                let key = side
                    .interner
                    .key(r.series)
                    .cloned()
                    .unwrap_or_else(|| SeriesKey {
                        zone: Zone::Name(String::new()),
                        instance_type: String::new(),
                        product: String::new(),
                    });
                g = match self.canon.get(&key) {
                    Some(&g) => g,
                    None => {
                        let g = self.keys.len() as u32;
                        self.canon.insert(key.clone(), g);
                        self.keys.push(key);
                        g
                    }
                };
                side.global[local] = g;
            }
            self.rows.push(PriceRow { series: g, ..r });
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
