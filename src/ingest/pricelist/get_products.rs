//! `aws pricing get-products --service-code AmazonEC2` JSON.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Collector, JSON_FIELDS, Row};
use crate::catalog::Catalog;
use crate::error::{InputError, InputErrorKind};
use crate::ingest::{LineCounter, json_error_as, strip_bom};
use crate::money::Rate;

// get-products JSON

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "PriceList")]
    price_list: Option<Vec<String>>,
}

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
    let body = strip_bom(bytes);
    let mut lines = LineCounter::new(body);
    let mut col = Collector::new(name, &JSON_FIELDS, region);
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Page>();
    let mut page_start = 0usize;
    let mut pages = 0usize;
    while let Some(page) = stream.next() {
        let page = page.map_err(|e| json_error_as(name, &e, "invalid get-products JSON"))?;
        let page_end = stream.byte_offset();
        let first = body
            .get(page_start..page_end)
            .and_then(|s| s.iter().position(|c| !c.is_ascii_whitespace()))
            .map_or(page_start, |p| page_start + p);
        let page_line = lines.line_at(first);
        let Some(list) = page.price_list else {
            return Err(InputError::new(
                name,
                InputErrorKind::MissingField,
                "the object has no `PriceList` array; expected the output of aws pricing get-products",
            )
            .at_line(page_line)
            .field("PriceList"));
        };
        pages += 1;
        let starts = element_starts(body, first, page_end).filter(|s| s.len() == list.len());
        for (i, s) in list.iter().enumerate() {
            let line = match &starts {
                Some(st) => lines.line_at(st[i]),
                None => page_line,
            };
            let doc: ProductDoc = serde_json::from_str(s).map_err(|e| {
                InputError::new(
                    name,
                    InputErrorKind::Syntax,
                    format!("PriceList entry {} is not a product document: {e}", i + 1),
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
            let price = on_demand_price(&col, &doc.terms, line)?;
            col.offer(&row, price.map(|p| (p, line)))?;
        }
        page_start = page_end;
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

/// Byte offsets of the elements of the `"PriceList"` array of the page in
/// `body[from..to]` (each a JSON string); `None` if the page does not have the plain
/// shape the CLI prints. Only used to give errors a line.
fn element_starts(body: &[u8], from: usize, to: usize) -> Option<Vec<usize>> {
    let page = body.get(from..to)?;
    let key = b"\"PriceList\"";
    let k = page.windows(key.len()).position(|w| w == key)?;
    let mut i = from + k + key.len();
    let skip_ws = |i: &mut usize| {
        while body.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    (body.get(i) == Some(&b':')).then_some(())?;
    i += 1;
    skip_ws(&mut i);
    (body.get(i) == Some(&b'[')).then_some(())?;
    i += 1;
    let mut out = Vec::new();
    loop {
        skip_ws(&mut i);
        match body.get(i)? {
            b']' => return Some(out),
            b'"' => {
                out.push(i);
                i += 1;
                loop {
                    match body.get(i)? {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                skip_ws(&mut i);
                match body.get(i)? {
                    b',' => i += 1,
                    b']' => return Some(out),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_starts_finds_each_string() {
        let s = br#"{"FormatVersion": "aws_v1", "PriceList": [ "a\"b", "c" ], "NextToken": "x"}"#;
        let st = element_starts(s, 0, s.len()).unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(s[st[0]], b'"');
        assert_eq!(&s[st[1]..st[1] + 3], b"\"c\"");
        assert_eq!(element_starts(b"{\"PriceList\": 3}", 0, 16), None);
    }
}
