//! The delimited layouts: the CLI's CSV (a header names the columns) and the AZ-ID TSV
//! (fixed columns, no header), and the readers that feed them to `rows`.

use super::rows::Rows;
use super::{AZ, AZ_ID, CSV_COLUMNS, finish};
use crate::error::{InputError, InputErrorKind};
use crate::ingest::delimited::{self, Record as Fields, Source};
use crate::ingest::{PriceHistory, err_at, show, strip_bom};

/// Where each field of a delimited row is.
pub(super) struct Layout {
    pub(super) ncols: usize,
    /// What defines the columns, for messages.
    pub(super) defined_by: &'static str,
    /// Zone column read with `Zone::parse`, and its name.
    pub(super) zone: Option<(usize, &'static str)>,
    /// Zone column holding AZ IDs by declaration.
    pub(super) zone_id: Option<(usize, &'static str)>,
    pub(super) itype: (usize, &'static str),
    pub(super) product: (usize, &'static str),
    pub(super) price: (usize, &'static str),
    pub(super) time: (usize, &'static str),
}

/// Reads the CSV of `aws ec2 describe-spot-price-history` (see the module docs).
///
/// The header must name `InstanceType`, `ProductDescription`, `SpotPrice`, `Timestamp`
/// and a zone column, `AvailabilityZone` and/or `AvailabilityZoneId`, in any order
/// (names are case-sensitive). A header that uses tabs and no commas is read as
/// tab-separated.
///
/// # Errors
/// [`InputError`] naming file, line and column: `UnknownField` or `MissingField` for
/// the header (line 1), `Syntax` for a row with the wrong number of fields, `BadValue`
/// for an empty, non-UTF-8, negative or malformed value, `Empty` when there are no data
/// rows.
///
/// ```
/// use spotsim::ingest::read_aws_csv;
/// use spotsim::market::Zone;
/// let csv = b"Timestamp,SpotPrice,AvailabilityZone,InstanceType,ProductDescription\n\
///             2020-07-31T11:24:57+00:00,0.0437,eu-west-3a,m5.large,Linux/UNIX\n";
/// let h = read_aws_csv("prices.csv", csv)?;
/// assert_eq!(h.series[0].zone, Zone::Name("eu-west-3a".into()));
/// assert_eq!(h.rows[0].price.to_string(), "0.0437");
/// assert_eq!(h.rows[0].line, 2);
///
/// let err = read_aws_csv("bad.csv", b"AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp\n\
///                                     eu-west-3a,m5.large,Linux/UNIX,-1,2020-07-31T11:24:57Z\n").unwrap_err();
/// assert!(err.to_string().starts_with("bad.csv:2: field `SpotPrice`: price is negative"));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_aws_csv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    read_csv(name, Source::Bytes(bytes), Vec::new())
}

/// The CSV delimiter: a tab when the first non-blank line (the header) holds a tab and
/// no comma, else a comma. `head` is the start of the input.
fn csv_delimiter(head: &[u8]) -> u8 {
    let body = strip_bom(head);
    let header_line = body
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .and_then(|s| body.get(s..))
        .unwrap_or_default()
        .split(|&c| c == b'\n')
        .next()
        .unwrap_or_default();
    if header_line.contains(&b'\t') && !header_line.contains(&b',') {
        b'\t'
    } else {
        b','
    }
}

pub(super) fn read_csv(
    name: &str,
    src: Source<'_>,
    head: Vec<u8>,
) -> Result<PriceHistory, InputError> {
    let delim = match &src {
        Source::Bytes(b) => csv_delimiter(b),
        Source::Reader(_) => csv_delimiter(&head),
    };
    let mut rows = Rows::new(name, delim, true, None);
    let sha = delimited::for_each_block(name, src, head, &mut |b, eof| rows.block(b, eof))?;
    if rows.shape.is_none() {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "the file is empty; expected a header line such as \
             AvailabilityZone,InstanceType,ProductDescription,SpotPrice,Timestamp",
        ));
    }
    finish(name, sha, "aws-csv", rows.keys, rows.rows)
}

pub(super) fn read_tsv(
    name: &str,
    src: Source<'_>,
    head: Vec<u8>,
) -> Result<PriceHistory, InputError> {
    let layout = Layout {
        ncols: 5,
        defined_by: "the TSV layout az_id, instance_type, product_description, spot_price, timestamp",
        zone: Some((0, "az_id")),
        zone_id: None,
        itype: (1, "instance_type"),
        product: (2, "product_description"),
        price: (3, "spot_price"),
        time: (4, "timestamp"),
    };
    let mut rows = Rows::new(name, b'\t', false, Some(layout));
    let sha = delimited::for_each_block(name, src, head, &mut |b, eof| rows.block(b, eof))?;
    finish(name, sha, "azid-tsv", rows.keys, rows.rows)
}

/// Reads the AZ-ID TSV archive format (aws-facts.md §7.2): tab-separated, no header,
/// `az_id instance_type product_description spot_price timestamp`.
///
/// The zone is [`Zone::parse`](crate::market::Zone::parse)`(az_id)` (see the module docs); fields are not quoted.
///
/// # Errors
/// [`InputError`] naming file, line and column (`az_id`, `instance_type`,
/// `product_description`, `spot_price`, `timestamp`): `Syntax` for a row that does not
/// have 5 fields, `BadValue` for a bad value, `Empty` when there are no rows.
///
/// ```
/// use spotsim::ingest::read_azid_tsv;
/// use spotsim::market::Zone;
/// let tsv = b"euw3-az2\tg4dn.4xlarge\tLinux/UNIX\t0.466400\t2022-05-31T18:20:41+00:00\n";
/// let h = read_azid_tsv("may.tsv", tsv)?;
/// assert_eq!(h.series[0].zone, Zone::Id("euw3-az2".into()));
/// let err = read_azid_tsv("may.tsv", b"euw3-az2\tg4dn.4xlarge\t0.4664\n").unwrap_err();
/// assert!(err.to_string().starts_with("may.tsv:1: "));
/// # Ok::<(), spotsim::error::InputError>(())
/// ```
pub fn read_azid_tsv(name: &str, bytes: &[u8]) -> Result<PriceHistory, InputError> {
    read_tsv(name, Source::Bytes(bytes), Vec::new())
}

pub(super) fn csv_layout(name: &str, line: u64, header: &Fields<'_>) -> Result<Layout, InputError> {
    let mut found: [Option<usize>; 6] = [None; 6];
    for (i, raw) in header.iter().enumerate() {
        let col = raw.trim_ascii();
        let Some(k) = CSV_COLUMNS.iter().position(|c| c.as_bytes() == col) else {
            let hint = CSV_COLUMNS
                .iter()
                .find(|c| c.as_bytes().eq_ignore_ascii_case(col))
                .map(|c| format!(" (column names are case-sensitive: did you mean `{c}`?)"))
                .unwrap_or_default();
            let field = if col.is_empty() {
                format!("column {}", i + 1)
            } else {
                show(col)
            };
            let what = if col.is_empty() {
                "column without a name"
            } else {
                "unknown column"
            };
            return Err(err_at(
                name,
                line,
                &field,
                InputErrorKind::UnknownField,
                format!(
                    "{what}{hint}; expected the columns {}",
                    CSV_COLUMNS.join(", ")
                ),
            ));
        };
        if let Some(first) = found[k] {
            return Err(err_at(
                name,
                line,
                CSV_COLUMNS[k],
                InputErrorKind::Syntax,
                format!("column appears twice (columns {} and {})", first + 1, i + 1),
            ));
        }
        found[k] = Some(i);
    }
    let need = |k: usize| {
        found[k].map(|i| (i, CSV_COLUMNS[k])).ok_or_else(|| {
            err_at(
                name,
                line,
                CSV_COLUMNS[k],
                InputErrorKind::MissingField,
                format!(
                    "the header has no `{}` column; expected the columns \
                     AvailabilityZone (or AvailabilityZoneId), InstanceType, \
                     ProductDescription, SpotPrice, Timestamp in any order",
                    CSV_COLUMNS[k]
                ),
            )
        })
    };
    let zone = found[0].map(|i| (i, AZ));
    let zone_id = found[1].map(|i| (i, AZ_ID));
    if zone.is_none() && zone_id.is_none() {
        need(0)?;
    }
    Ok(Layout {
        ncols: header.len(),
        defined_by: "the header",
        zone,
        zone_id,
        itype: need(2)?,
        product: need(3)?,
        price: need(4)?,
        time: need(5)?,
    })
}
