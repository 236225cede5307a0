//! `aws pricing get-products --service-code AmazonEC2` JSON, streamed.
//!
//! The pages (top-level objects) and their `PriceList` arrays are followed by hand
//! through the window of `ingest::json_window`; each product string is cut out, parsed
//! in place, and its product offered to the collector at once, with the line its string
//! starts on. The CLI merges every page of a query into one `PriceList` (a Region's
//! EC2 products run to hundreds of megabytes), which is never held.
//!
//! **Memory.** A 1 MiB read, the longest single value (a product string, a few KB; any
//! other page member; at most 64 MiB, else an error at its line) and the catalog kept
//! (a price per type and OS). Bytes in memory go through the same code.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de;

use super::{Collector, JSON_FIELDS, Row};
use crate::catalog::Catalog;
use crate::error::{InputError, InputErrorKind};
use crate::ingest::Source;
use crate::ingest::json_window::{Input, NullOr};
use crate::money::Rate;

#[derive(Deserialize)]
struct ProductDoc {
    product: Option<ProductPart>,
    #[serde(default)]
    terms: Terms,
}

#[derive(Deserialize)]
struct ProductPart {
    #[serde(rename = "productFamily")]
    family: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct Terms {
    #[serde(rename = "OnDemand", default)]
    on_demand: BTreeMap<String, Term>,
}

#[derive(Deserialize)]
struct Term {
    #[serde(rename = "priceDimensions", default)]
    dims: BTreeMap<String, Dim>,
}

#[derive(Deserialize)]
struct Dim {
    unit: Option<String>,
    #[serde(rename = "pricePerUnit", default)]
    price_per_unit: BTreeMap<String, String>,
}

/// Reads `aws pricing get-products --service-code AmazonEC2` output (one or more pages).
/// Errors inside a product name the line its string starts on and the attribute.
///
/// # Errors
/// [`InputError`] naming file, line and field.
///
/// ```
/// use spotsim::ingest::pricelist::read_get_products;
/// let product = r#"{"product":{"productFamily":"Compute Instance","attributes":{"instanceType":"m5.large","operatingSystem":"Windows","tenancy":"Shared","preInstalledSw":"NA","capacitystatus":"Used","regionCode":"eu-west-3","vcpu":"2","memory":"8 GiB"}},"terms":{"OnDemand":{"A.B":{"priceDimensions":{"A.B.C":{"unit":"Hrs","pricePerUnit":{"USD":"0.2040000000"}}}}}}}"#;
/// let json = serde_json::json!({"FormatVersion": "aws_v1", "PriceList": [product]}).to_string();
/// let c = read_get_products("p.json", json.as_bytes(), None).unwrap();
/// assert_eq!(c.region(), "eu-west-3");
/// assert_eq!(c.ondemand_for_product("m5.large", "Windows").unwrap().to_string(), "0.204");
/// assert_eq!(c.ondemand_for_product("m5.large", "Linux/UNIX"), None);
/// ```
pub fn read_get_products(
    name: &str,
    bytes: &[u8],
    region: Option<&str>,
) -> Result<Catalog, InputError> {
    read(name, Source::Bytes(bytes), Vec::new(), region)
}

/// [`read_get_products`] from a source, streamed (see the module docs); for a reader,
/// `prefix` holds its first bytes, already read.
pub(super) fn read(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
    region: Option<&str>,
) -> Result<Catalog, InputError> {
    read_in(name, src, prefix, region, crate::ingest::json_window::CHUNK)
}

/// [`read`] reading `chunk` bytes at a time.
fn read_in(
    name: &str,
    src: Source<'_>,
    prefix: Vec<u8>,
    region: Option<&str>,
    chunk: usize,
) -> Result<Catalog, InputError> {
    let mut input = Input::new(name, src, prefix);
    input.chunk = chunk;
    input.invalid = "invalid get-products JSON";
    input.skip_bom()?;
    let mut col = Collector::new(name, &JSON_FIELDS, region);
    let mut pages = 0usize;
    while let Some(c) = input.peek()? {
        let page_line = input.line;
        if c != b'{' {
            return Err(input.unexpected("struct Page"));
        }
        let seen = Cell::new(false);
        let mut list = false;
        input.object(KeySeed(&seen), |input, price_list| {
            if !price_list {
                return input.skip();
            }
            if input.peek()? != Some(b'[') {
                return input.take(NullOr("a sequence"));
            }
            list = true;
            let mut i = 0;
            input.array(|input| {
                let line = input.line;
                let s: String = input.take(PhantomData)?;
                i += 1;
                product(&mut col, &s, i, line)
            })
        })?;
        if !list {
            return Err(InputError::new(
                name,
                InputErrorKind::MissingField,
                "the object has no `PriceList` array; expected the output of aws pricing get-products",
            )
            .at_line(page_line)
            .field("PriceList"));
        }
        pages += 1;
    }
    if pages == 0 {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no JSON in the file",
        ));
    }
    col.finish("aws pricing get-products JSON")
}

/// The `i`-th product string of a page (1-based), on `line`, offered to `col`.
fn product(col: &mut Collector<'_>, s: &str, i: usize, line: u64) -> Result<(), InputError> {
    let doc: ProductDoc = serde_json::from_str(s).map_err(|e| {
        InputError::new(
            col.name,
            InputErrorKind::Syntax,
            format!("PriceList entry {i} is not a product document: {e}"),
        )
        .at_line(line)
        .field("PriceList")
    })?;
    let Some(prod) = &doc.product else {
        return Err(col.err(
            line,
            "product",
            InputErrorKind::MissingField,
            "missing; expected a Price List product".into(),
        ));
    };
    let a = |k: &str| prod.attributes.get(k).and_then(serde_json::Value::as_str);
    let row = Row {
        line,
        instance_type: a("instanceType"),
        os: a("operatingSystem"),
        tenancy: a("tenancy"),
        preinstalled: a("preInstalledSw"),
        capacity_status: a("capacitystatus"),
        license_model: a("licenseModel"),
        market_option: a("marketoption"),
        family: prod.family.as_deref(),
        region: a("regionCode"),
        vcpu: a("vcpu"),
        memory: a("memory"),
        processor: a("physicalProcessor"),
    };
    let price = on_demand_price(col, &doc.terms, line)?;
    col.offer(&row, price.map(|p| (p, line)))
}

/// Parses a page's key: whether it is `PriceList`; `PriceList` twice is
/// `serde_json`'s "duplicate field" error, at the key, as a derived `Deserialize`
/// reported it.
#[derive(Clone, Copy)]
struct KeySeed<'s>(&'s Cell<bool>);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl de::Visitor<'_> for KeySeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if v != "PriceList" {
            return Ok(false);
        }
        if self.0.replace(true) {
            return Err(E::duplicate_field("PriceList"));
        }
        Ok(true)
    }
}

/// The one hourly USD on-demand price of a product; an error if it has several.
fn on_demand_price<'t>(
    col: &Collector<'_>,
    terms: &'t Terms,
    line: u64,
) -> Result<Option<&'t str>, InputError> {
    let mut found: Option<&str> = None;
    for term in terms.on_demand.values() {
        for d in term.dims.values() {
            if d.unit.as_deref().is_some_and(|u| u != "Hrs") {
                continue;
            }
            let Some(p) = d.price_per_unit.get("USD") else {
                continue;
            };
            match found {
                Some(f) if Rate::parse_usd(f.trim()).ok() != Rate::parse_usd(p.trim()).ok() => {
                    return Err(col.err(
                        line,
                        JSON_FIELDS.price,
                        InputErrorKind::Conflict,
                        format!("two hourly on-demand prices ({f} and {p}) for one product"),
                    ));
                }
                _ => found = Some(p),
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streamed through windows of any size (after a prefix already read, as
    /// `read_catalog_file` has it), every input reads as it does in memory.
    #[test]
    fn streamed_reads_as_in_memory() {
        let product = |t: &str, p: &str| {
            format!(
                r#"{{"product":{{"productFamily":"Compute Instance","attributes":{{"instanceType":"{t}","operatingSystem":"Linux","tenancy":"Shared","preInstalledSw":"NA","capacitystatus":"Used","regionCode":"eu-west-3","vcpu":"2","memory":"8 GiB"}}}},"terms":{{"OnDemand":{{"A.B":{{"priceDimensions":{{"A.B.C":{{"unit":"Hrs","pricePerUnit":{{"USD":"{p}"}}}}}}}}}}}}}}"#
            )
        };
        let page = |ps: &[String]| {
            serde_json::to_string_pretty(
                &serde_json::json!({"FormatVersion": "aws_v1", "PriceList": ps, "NextToken": "x"}),
            )
            .unwrap()
        };
        let good = [
            page(&[product("m5.large", "0.1"), product("m5.xlarge", "0.2")]),
            format!(
                "\u{feff}{}\n{}",
                page(&[product("m5.large", "0.1")]),
                page(&[product("c5.large", "0.3")])
            ),
        ];
        let bad = [
            String::new(),
            "[]".into(),
            "{}".into(),
            "{\"PriceList\": null}".into(),
            "{\"PriceList\": 5}".into(),
            "{\"PriceList\": [1]}".into(),
            "{\"PriceList\": [], \"PriceList\": []}".into(),
            "{\"PriceList\": [\"{}\"]}".into(),
            "{\"PriceList\": [".into(),
            page(&[product("m5.large", "0.1"), product("m5.xlarge", "-1")]),
            page(&[product("m5.large", "0.1"), product("m5.large", "0.2")]),
            page(&[product("m5.large", "0.1")]) + " x",
        ];
        for (i, text) in good.iter().chain(&bad).enumerate() {
            let bytes = text.as_bytes();
            let whole = read_get_products("p.json", bytes, None);
            assert_eq!(
                whole.is_ok(),
                i < good.len(),
                "{i}: {:?}",
                whole.as_ref().err()
            );
            for chunk in [1, 2, 3, 7, 100, 1 << 20] {
                let split = 5.min(bytes.len());
                let mut rest = &bytes[split..];
                let streamed = read_in(
                    "p.json",
                    Source::Reader(&mut rest),
                    bytes[..split].to_vec(),
                    None,
                    chunk,
                );
                match (&whole, &streamed) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{i} in {chunk}"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{i} in {chunk}"),
                    _ => panic!(
                        "{i} in {chunk}: {:?} vs {:?}",
                        whole.as_ref().err(),
                        streamed.as_ref().err()
                    ),
                }
            }
        }
        let e = |t: &str| {
            read_get_products("p.json", t.as_bytes(), None)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(&bad[9]),
            "p.json:6: field `terms.OnDemand.priceDimensions.pricePerUnit.USD`: `-1`: price is negative"
        );
        // serde_json's words and places, as when a page was parsed whole.
        assert_eq!(
            e(&bad[6]),
            "p.json:1: invalid get-products JSON at column 29: duplicate field `PriceList`"
        );
        assert_eq!(
            e(&bad[1]),
            "p.json:1: invalid get-products JSON at column 2: invalid type: sequence, expected struct Page"
        );
    }
}
