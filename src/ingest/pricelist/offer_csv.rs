//! The Price List offer file `index.csv` for AmazonEC2.

use std::io::Read;

use super::{CSV_FIELDS, Collector, Row};
use crate::catalog::Catalog;
use crate::error::{InputError, InputErrorKind};

// Offer file CSV

/// Reads a Price List offer file `index.csv` for AmazonEC2, streaming (the file for one
/// Region is large). Metadata lines before the header are skipped.
///
/// # Errors
/// [`InputError`] naming file, line and column.
///
/// ```
/// use spotsim::ingest::pricelist::read_offer_csv;
/// let csv = "\"FormatVersion\",\"v1.0\"\n\"OfferCode\",\"AmazonEC2\"\n\
/// \"SKU\",\"TermType\",\"Unit\",\"PricePerUnit\",\"Currency\",\"Product Family\",\"Instance Type\",\"vCPU\",\"Memory\",\"Tenancy\",\"Operating System\",\"Pre Installed S/W\",\"CapacityStatus\",\"Region Code\"\n\
/// \"S1\",\"OnDemand\",\"Hrs\",\"0.1120000000\",\"USD\",\"Compute Instance\",\"m5.large\",\"2\",\"8 GiB\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"eu-west-3\"\n\
/// \"S1\",\"Reserved\",\"Hrs\",\"0.0700000000\",\"USD\",\"Compute Instance\",\"m5.large\",\"2\",\"8 GiB\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"eu-west-3\"\n";
/// let c = read_offer_csv("index.csv", csv.as_bytes(), None).unwrap();
/// assert_eq!((c.region(), c.get("m5.large").unwrap().ondemand.to_string()), ("eu-west-3", "0.112".to_string()));
/// ```
pub fn read_offer_csv<R: Read>(
    name: &str,
    reader: R,
    region: Option<&str>,
) -> Result<Catalog, InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut rec = csv::ByteRecord::new();
    let read_err = |e: csv::Error| {
        let mut err = InputError::new(
            name,
            InputErrorKind::Syntax,
            format!("cannot read CSV: {e}"),
        );
        if let Some(p) = e.position() {
            err = err.at_line(p.line());
        }
        err
    };
    // The header: the first record naming both `TermType` and `Instance Type`.
    let mut header: Option<csv::ByteRecord> = None;
    for _ in 0..32 {
        if !rdr.read_byte_record(&mut rec).map_err(read_err)? {
            break;
        }
        if rec.iter().any(|f| f == b"TermType") && rec.iter().any(|f| f == b"Instance Type") {
            header = Some(rec.clone());
            break;
        }
    }
    let Some(header) = header else {
        return Err(InputError::new(
            name,
            InputErrorKind::MissingField,
            "no header with `TermType` and `Instance Type` in the first 32 lines; expected a Price List offer file (index.csv) for AmazonEC2",
        ));
    };
    let header_line = header.position().map_or(0, csv::Position::line);
    let find = |n: &str| header.iter().position(|f| f == n.as_bytes());
    let need = |n: &'static str| {
        find(n).ok_or_else(|| {
            InputError::new(name, InputErrorKind::MissingField, "missing column")
                .at_line(header_line)
                .field(n)
        })
    };
    let c_type = need("Instance Type")?;
    let c_os = need("Operating System")?;
    let c_ten = need("Tenancy")?;
    let c_sw = need("Pre Installed S/W")?;
    let c_cap = need("CapacityStatus")?;
    let c_term = need("TermType")?;
    let c_price = need("PricePerUnit")?;
    let c_region = find("Region Code");
    let c_vcpu = find("vCPU");
    let c_mem = find("Memory");
    let c_lic = find("License Model");
    let c_unit = find("Unit");
    let c_cur = find("Currency");
    let c_fam = find("Product Family");
    let c_proc = find("Physical Processor");
    let c_market = find("MarketOption").or_else(|| find("Market Option"));
    let mut col = Collector::new(name, &CSV_FIELDS, region);
    let width = header.len();
    while rdr.read_byte_record(&mut rec).map_err(read_err)? {
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if rec.len() != width {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!("{} fields, but the header has {width}", rec.len()),
            )
            .at_line(line));
        }
        let get = |c: Option<usize>| -> Result<Option<&str>, InputError> {
            match c {
                None => Ok(None),
                Some(c) => std::str::from_utf8(rec.get(c).unwrap_or_default())
                    .map(Some)
                    .map_err(|_| {
                        InputError::new(name, InputErrorKind::BadValue, "not UTF-8")
                            .at_line(line)
                            .field(String::from_utf8_lossy(&header[c]).into_owned())
                    }),
            }
        };
        if get(Some(c_term))? != Some("OnDemand")
            || get(c_unit)?.is_some_and(|u| u != "Hrs")
            || get(c_cur)?.is_some_and(|u| u != "USD")
        {
            col.rows += 1;
            continue;
        }
        let row = Row {
            line,
            instance_type: get(Some(c_type))?,
            os: get(Some(c_os))?,
            tenancy: get(Some(c_ten))?,
            preinstalled: get(Some(c_sw))?,
            capacity_status: get(Some(c_cap))?,
            license_model: get(c_lic)?,
            market_option: get(c_market)?.filter(|m| !m.is_empty()),
            family: get(c_fam)?.filter(|f| !f.is_empty()),
            region: get(c_region)?,
            vcpu: get(c_vcpu)?,
            memory: get(c_mem)?,
            processor: get(c_proc)?,
        };
        let price = get(Some(c_price))?;
        col.offer(&row, price.map(|p| (p, line)))?;
    }
    col.finish("Price List offer file")
}
