//! The catalog: the built-in table against the real us-east-1 list, AWS's own price
//! formats (get-products JSON, offer-file CSV) read through fixtures written here in
//! their published shapes, OS-specific prices, overrides and zone → Region.

use std::path::PathBuf;

use spotsim::catalog::{Arch, Catalog, OndemandOverride, OperatingSystem, region_of, zone_region};
use spotsim::error::InputErrorKind;
use spotsim::ingest::pricelist::{
    CatalogFormat, detect_catalog_format, read_catalog_bytes, read_get_products, read_offer_csv,
};
use spotsim::market::Zone;
use spotsim::money::Rate;

use super::data;

fn usd(s: &str) -> Rate {
    Rate::parse_usd(s).unwrap()
}

fn temp(name: &str, body: &[u8]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("spotsim-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

// ------------------------------------------------------------------------ built-in table

#[test]
fn builtin_holds_every_type_of_the_real_us_east_1_list_plus_p3() {
    let Some(d) = data::require(&[data::ONDEMAND_US_EAST_1]) else {
        return;
    };
    let text = std::fs::read_to_string(d.join(data::ONDEMAND_US_EAST_1)).unwrap();
    let c = Catalog::builtin_ref();
    let mut n = 0;
    for (i, line) in text.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let it = c
            .get(f[0])
            .unwrap_or_else(|| panic!("line {}: {} missing", i + 2, f[0]));
        assert_eq!(it.vcpu.to_string(), f[1], "{}", f[0]);
        // The shared file prints MiB / 1024 rounded to 3 decimals.
        let gib: f64 = f[2].parse().unwrap();
        assert!(
            (it.memory_mib as f64 / 1024.0 - gib).abs() < 0.0006,
            "{}",
            f[0]
        );
        assert_eq!(it.arch.to_string(), f[3], "{}", f[0]);
        assert_eq!(it.ondemand, usd(f[4]), "{}", f[0]);
        n += 1;
    }
    assert_eq!(n, 1_345);
    // Plus exactly the three p3 sizes the list lacks (p3dn.24xlarge is in it).
    assert_eq!(c.types().len(), 1_348);
    let p3: Vec<&str> = c
        .types()
        .iter()
        .filter(|t| t.name.starts_with("p3."))
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(p3.len(), 3, "{p3:?}");
}

#[test]
fn builtin_knows_the_types_of_the_shared_traces() {
    let c = Catalog::builtin_ref();
    // Types that appear in ../shared/data's price histories and V100 traces.
    for t in [
        "m5d.large",
        "c5d.4xlarge",
        "m5d.24xlarge",
        "p3.2xlarge",
        "p3.8xlarge",
    ] {
        assert!(c.get(t).is_some(), "{t}");
    }
    assert_eq!(Catalog::builtin().types().len(), c.types().len());
}

// ------------------------------------------------------------------ get-products JSON

/// One Price List product document in the shape `aws pricing get-products` prints
/// (product.productFamily, product.attributes, terms.OnDemand / terms.Reserved).
#[allow(clippy::too_many_arguments)]
fn product(
    ty: &str,
    os: &str,
    tenancy: &str,
    sw: &str,
    cap: &str,
    region: &str,
    vcpu: &str,
    mem: &str,
    usd: &str,
) -> String {
    product_ext(
        ty,
        os,
        tenancy,
        sw,
        cap,
        region,
        vcpu,
        mem,
        usd,
        "Compute Instance",
        "No License required",
    )
}

#[allow(clippy::too_many_arguments)]
fn product_ext(
    ty: &str,
    os: &str,
    tenancy: &str,
    sw: &str,
    cap: &str,
    region: &str,
    vcpu: &str,
    mem: &str,
    usd: &str,
    family: &str,
    licence: &str,
) -> String {
    serde_json::json!({
        "product": {
            "productFamily": family,
            "attributes": {
                "instanceType": ty, "operatingSystem": os, "tenancy": tenancy,
                "preInstalledSw": sw, "capacitystatus": cap, "regionCode": region,
                "vcpu": vcpu, "memory": mem, "licenseModel": licence,
                "marketoption": "OnDemand", "processorArchitecture": "64-bit",
                "physicalProcessor": "Intel Xeon Platinum 8175",
                "servicecode": "AmazonEC2", "usagetype": format!("BoxUsage:{ty}"),
            },
            "sku": "SKU1"
        },
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {"SKU1.JRTCKXETXF": {"priceDimensions": {"SKU1.JRTCKXETXF.6YS6EN2CT7": {
                "unit": "Hrs", "endRange": "Inf", "beginRange": "0",
                "description": "price per On Demand hour", "pricePerUnit": {"USD": usd}}},
                "sku": "SKU1", "offerTermCode": "JRTCKXETXF", "termAttributes": {}}},
            "Reserved": {"SKU1.4NA7Y494T4": {"priceDimensions": {"SKU1.4NA7Y494T4.6YS6EN2CT7": {
                "unit": "Hrs", "pricePerUnit": {"USD": "0.0100000000"}}},
                "termAttributes": {"LeaseContractLength": "1yr"}}}
        },
        "version": "20260701000000",
        "publicationDate": "2026-07-01T00:00:00Z"
    })
    .to_string()
}

/// A page printed as pretty JSON, one string per line: `{`, `"FormatVersion"`,
/// `"NextToken"`, `"PriceList": [` on lines 1–4, the strings from line 5.
fn page(products: &[String]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "FormatVersion": "aws_v1",
        "PriceList": products,
        "NextToken": "tok"
    }))
    .unwrap()
        + "\n"
}

fn eu_west_3_pages() -> String {
    let r = "eu-west-3";
    let p1 = page(&[
        product(
            "m5.large",
            "Linux",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1120000000",
        ),
        product(
            "m5.large",
            "Windows",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.2040000000",
        ),
        // Left out: dedicated tenancy, a capacity-reservation row, SQL Server, BYOL.
        product(
            "m5.large",
            "Linux",
            "Dedicated",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1230000000",
        ),
        product(
            "m5.large",
            "Linux",
            "Shared",
            "NA",
            "AllocatedCapacityReservation",
            r,
            "2",
            "8 GiB",
            "0.1120000000",
        ),
        product(
            "m5.large",
            "Windows",
            "Shared",
            "SQL Std",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.7000000000",
        ),
        product_ext(
            "m5.large",
            "Windows",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1120000000",
            "Compute Instance",
            "Bring your own license",
        ),
    ]);
    let p2 = page(&[
        product(
            "m5.large",
            "RHEL",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1408000000",
        ),
        product(
            "m5.large",
            "SUSE",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1420000000",
        ),
        product(
            "m5.large",
            "Ubuntu Pro",
            "Shared",
            "NA",
            "Used",
            r,
            "2",
            "8 GiB",
            "0.1155000000",
        ),
        product(
            "x2iedn.32xlarge",
            "Linux",
            "Shared",
            "NA",
            "Used",
            r,
            "128",
            "4,096 GiB",
            "33.3440000000",
        ),
        // Bare metal: priced only with Dedicated tenancy, kept (as Karpenter does).
        product_ext(
            "m5.metal",
            "Linux",
            "Dedicated",
            "NA",
            "Used",
            r,
            "96",
            "384 GiB",
            "5.3760000000",
            "Compute Instance (bare metal)",
            "No License required",
        ),
        // Not an instance at all.
        product_ext("", "", "", "", "", r, "", "", "0.0500000000", "Storage", ""),
    ]);
    p1 + &p2
}

#[test]
fn get_products_keeps_on_demand_shared_used_prices_for_every_os() {
    let json = eu_west_3_pages();
    let c = read_get_products("p.json", json.as_bytes(), None).unwrap();
    assert_eq!(c.region(), "eu-west-3");
    assert_eq!(c.os(), &OperatingSystem::Linux);
    let m5 = c.get("m5.large").unwrap();
    assert_eq!((m5.vcpu, m5.memory_mib, m5.arch), (2, 8192, Arch::X86_64));
    assert_eq!(m5.ondemand, usd("0.112"));
    for (pd, want) in [
        ("Linux/UNIX", Some("0.112")),
        ("Linux/UNIX (Amazon VPC)", Some("0.112")),
        ("Windows", Some("0.204")),
        ("Windows (Amazon VPC)", Some("0.204")),
        ("Red Hat Enterprise Linux", Some("0.1408")),
        ("SUSE Linux (Amazon VPC)", Some("0.142")),
        ("Plan 9", None),
    ] {
        assert_eq!(
            c.ondemand_for_product("m5.large", pd),
            want.map(usd),
            "{pd}"
        );
    }
    assert_eq!(
        c.ondemand("m5.large", &OperatingSystem::from_price_list("Ubuntu Pro")),
        Some(usd("0.1155"))
    );
    let big = c.get("x2iedn.32xlarge").unwrap();
    assert_eq!((big.vcpu, big.memory_mib), (128, 4096 * 1024));
    assert_eq!(c.get("m5.metal").unwrap().ondemand, usd("5.376"));
    assert_eq!(c.types().len(), 3);
    assert_eq!(
        c.operating_systems(),
        vec![
            OperatingSystem::Linux,
            OperatingSystem::Rhel,
            OperatingSystem::Suse,
            OperatingSystem::Windows,
            OperatingSystem::Other("Ubuntu Pro".into()),
        ]
    );
    assert!(c.source().contains("get-products"), "{}", c.source());
    // Windows selected: only the types with a Windows price, at that price.
    let w = c.for_product("Windows").unwrap();
    assert_eq!(w.types().len(), 1);
    assert_eq!(w.get("m5.large").unwrap().ondemand, usd("0.204"));
}

#[test]
fn get_products_region_is_the_data_s_or_the_one_asked_for() {
    let mixed = page(&[
        product(
            "m5.large",
            "Linux",
            "Shared",
            "NA",
            "Used",
            "eu-west-3",
            "2",
            "8 GiB",
            "0.112",
        ),
        product(
            "m5.large",
            "Linux",
            "Shared",
            "NA",
            "Used",
            "us-east-1",
            "2",
            "8 GiB",
            "0.096",
        ),
    ]);
    let e = read_get_products("p.json", mixed.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Conflict);
    // The second string of the array is on line 6 of the pretty-printed page.
    assert_eq!(e.line, Some(6), "{e}");
    assert_eq!(e.field.as_deref(), Some("product.attributes.regionCode"));
    let c = read_get_products("p.json", mixed.as_bytes(), Some("us-east-1")).unwrap();
    assert_eq!(c.get("m5.large").unwrap().ondemand, usd("0.096"));
    let e = read_get_products("p.json", mixed.as_bytes(), Some("ap-south-1")).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Empty);
    assert!(e.message.contains("ap-south-1"), "{e}");
}

#[test]
fn get_products_errors_name_file_line_and_field() {
    let good = product(
        "m5.large",
        "Linux",
        "Shared",
        "NA",
        "Used",
        "eu-west-3",
        "2",
        "8 GiB",
        "0.112",
    );
    let bad_vcpu = product(
        "m5.xlarge",
        "Linux",
        "Shared",
        "NA",
        "Used",
        "eu-west-3",
        "four",
        "16 GiB",
        "0.224",
    );
    let text = page(std::slice::from_ref(&good)) + &page(&[good.clone(), bad_vcpu]);
    let e = read_get_products("p.json", text.as_bytes(), None).unwrap_err();
    // Page 1 takes 7 lines; page 2's second string is on its line 6 → 13.
    assert_eq!(
        e.to_string(),
        "p.json:13: field `product.attributes.vcpu`: `four` is not a whole number of vCPUs"
    );
    let bad_price = product(
        "m5.large",
        "Linux",
        "Shared",
        "NA",
        "Used",
        "eu-west-3",
        "2",
        "8 GiB",
        "-1",
    );
    let e = read_get_products("p.json", page(&[bad_price]).as_bytes(), None).unwrap_err();
    assert_eq!(e.line, Some(5));
    assert_eq!(
        e.field.as_deref(),
        Some("terms.OnDemand.priceDimensions.pricePerUnit.USD")
    );
    let twice = page(&[
        good.clone(),
        product(
            "m5.large",
            "Linux",
            "Shared",
            "NA",
            "Used",
            "eu-west-3",
            "2",
            "8 GiB",
            "0.2",
        ),
    ]);
    let e = read_get_products("p.json", twice.as_bytes(), None).unwrap_err();
    assert_eq!((e.kind, e.line), (InputErrorKind::Conflict, Some(6)));
    assert!(e.message.contains("line 5"), "{e}");
    // The same price twice (overlapping pages) is fine.
    let dup = page(std::slice::from_ref(&good)) + &page(std::slice::from_ref(&good));
    assert!(read_get_products("p.json", dup.as_bytes(), None).is_ok());
    let e = read_get_products("p.json", b"{\"SpotPriceHistory\": []}", None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("PriceList"));
    let e =
        read_get_products("p.json", b"{\"PriceList\": [\"{\\\"x\\\": 1}\"]}", None).unwrap_err();
    assert_eq!((e.kind, e.line), (InputErrorKind::MissingField, Some(1)));
    let e = read_get_products("p.json", b"{\"PriceList\": [", None).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Syntax);
    assert!(e.message.starts_with("JSON ends early"), "{e}");
    let e = read_get_products("p.json", b"{\"PriceList\": []}", None).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Empty);
}

// ----------------------------------------------------------------------- offer file CSV

const OFFER_HEADER: &str = "\"SKU\",\"OfferTermCode\",\"RateCode\",\"TermType\",\"PriceDescription\",\"EffectiveDate\",\"StartingRange\",\"EndingRange\",\"Unit\",\"PricePerUnit\",\"Currency\",\"LeaseContractLength\",\"PurchaseOption\",\"OfferingClass\",\"Product Family\",\"serviceCode\",\"Location\",\"Location Type\",\"Instance Type\",\"Current Generation\",\"Instance Family\",\"vCPU\",\"Physical Processor\",\"Memory\",\"Tenancy\",\"Operating System\",\"License Model\",\"CapacityStatus\",\"Pre Installed S/W\",\"Region Code\"";

#[allow(clippy::too_many_arguments)]
fn offer_row(
    term: &str,
    price: &str,
    family: &str,
    ty: &str,
    vcpu: &str,
    processor: &str,
    mem: &str,
    tenancy: &str,
    os: &str,
    cap: &str,
    sw: &str,
) -> String {
    let lease = if term == "Reserved" { "1yr" } else { "" };
    format!(
        "\"SKU9\",\"JRTCKXETXF\",\"SKU9.JRTCKXETXF.6YS6EN2CT7\",\"{term}\",\"${price} per hour\",\"2026-07-01\",\"0\",\"Inf\",\"Hrs\",\"{price}\",\"USD\",\"{lease}\",\"\",\"\",\"{family}\",\"AmazonEC2\",\"EU (Paris)\",\"AWS Region\",\"{ty}\",\"Yes\",\"General purpose\",\"{vcpu}\",\"{processor}\",\"{mem}\",\"{tenancy}\",\"{os}\",\"No License required\",\"{cap}\",\"{sw}\",\"eu-west-3\""
    )
}

fn offer_file() -> String {
    let ci = "Compute Instance";
    let mut s = String::from(
        "\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"This pricing list is for informational purposes only.\"\n\"Publication Date\",\"2026-07-01T00:00:00Z\"\n\"Version\",\"20260701000000\"\n\"OfferCode\",\"AmazonEC2\"\n",
    );
    s += OFFER_HEADER;
    s += "\n";
    for r in [
        offer_row(
            "OnDemand",
            "0.1120000000",
            ci,
            "m5.large",
            "2",
            "Intel Xeon Platinum 8175",
            "8 GiB",
            "Shared",
            "Linux",
            "Used",
            "NA",
        ),
        offer_row(
            "Reserved",
            "0.0700000000",
            ci,
            "m5.large",
            "2",
            "Intel Xeon Platinum 8175",
            "8 GiB",
            "Shared",
            "Linux",
            "Used",
            "NA",
        ),
        offer_row(
            "OnDemand",
            "0.2040000000",
            ci,
            "m5.large",
            "2",
            "Intel Xeon Platinum 8175",
            "8 GiB",
            "Shared",
            "Windows",
            "Used",
            "NA",
        ),
        offer_row(
            "OnDemand",
            "0.1230000000",
            ci,
            "m5.large",
            "2",
            "Intel Xeon Platinum 8175",
            "8 GiB",
            "Host",
            "Linux",
            "Used",
            "NA",
        ),
        offer_row(
            "OnDemand",
            "0.0000000000",
            ci,
            "m5.large",
            "2",
            "Intel Xeon Platinum 8175",
            "8 GiB",
            "Shared",
            "Linux",
            "UnusedCapacityReservation",
            "NA",
        ),
        offer_row(
            "OnDemand",
            "0.0896000000",
            ci,
            "m6g.large",
            "2",
            "AWS Graviton2 Processor",
            "8 GiB",
            "Shared",
            "Linux",
            "Used",
            "NA",
        ),
        // A type the built-in table does not know: arm64 from its Graviton processor.
        offer_row(
            "OnDemand",
            "0.0500000000",
            ci,
            "zz9g.large",
            "2",
            "AWS Graviton9 Processor",
            "4 GiB",
            "Shared",
            "Linux",
            "Used",
            "NA",
        ),
        offer_row(
            "OnDemand",
            "0.0800000000",
            "Storage",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
    ] {
        s += &r;
        s += "\n";
    }
    s
}

#[test]
fn offer_file_keeps_on_demand_shared_used_rows() {
    let text = offer_file();
    let c = read_offer_csv("index.csv", text.as_bytes(), None).unwrap();
    assert_eq!(c.region(), "eu-west-3");
    assert_eq!(c.types().len(), 3);
    assert_eq!(c.get("m5.large").unwrap().ondemand, usd("0.112"));
    assert_eq!(
        c.ondemand_for_product("m5.large", "Windows"),
        Some(usd("0.204"))
    );
    assert_eq!(c.ondemand_for_product("m6g.large", "Windows"), None);
    let g = c.get("m6g.large").unwrap();
    assert_eq!((g.vcpu, g.memory_mib, g.arch), (2, 8192, Arch::Arm64));
    assert_eq!(c.get("zz9g.large").unwrap().arch, Arch::Arm64);
    assert!(c.source().contains("offer file"), "{}", c.source());
}

#[test]
fn offer_file_errors_name_line_and_column() {
    let text = offer_file().replace("\"0.0896000000\"", "\"cheap\"");
    let e = read_offer_csv("index.csv", text.as_bytes(), None).unwrap_err();
    // 5 metadata lines, the header, then m6g.large is data row 6 → line 12.
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(12), Some("PricePerUnit")),
        "{e}"
    );
    let no_tenancy = offer_file().replace("\"Tenancy\"", "\"Tenancy Kind\"");
    let e = read_offer_csv("index.csv", no_tenancy.as_bytes(), None).unwrap_err();
    assert_eq!(
        (e.kind, e.line, e.field.as_deref()),
        (InputErrorKind::MissingField, Some(6), Some("Tenancy"))
    );
    let short = offer_file() + "\"S\",\"OnDemand\"\n";
    let e = read_offer_csv("index.csv", short.as_bytes(), None).unwrap_err();
    assert_eq!((e.kind, e.line), (InputErrorKind::Syntax, Some(15)));
    let e =
        read_offer_csv("index.csv", "\"FormatVersion\",\"v1.0\"\n".as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::MissingField);
}

// ------------------------------------------------------------------- format detection

#[test]
fn catalog_files_are_read_by_content_whatever_their_name() {
    let json = eu_west_3_pages();
    let offer = offer_file();
    let ours = "region,operating_system,instance_type,vcpu,memory_mib,arch,ondemand_usd_per_hour\n\
                eu-west-3,Linux,m5.large,2,8192,x86_64,0.112\n";
    let old =
        "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\nm5.large,2,8,x86_64,0.112\n";
    assert_eq!(
        detect_catalog_format(json.as_bytes()),
        CatalogFormat::GetProductsJson
    );
    assert_eq!(
        detect_catalog_format(offer.as_bytes()),
        CatalogFormat::OfferCsv
    );
    assert_eq!(detect_catalog_format(ours.as_bytes()), CatalogFormat::Csv);
    for (name, body) in [
        ("a.txt", json.as_str()),
        ("b.txt", offer.as_str()),
        ("c.txt", ours),
    ] {
        let p = temp(name, body.as_bytes());
        let c = Catalog::from_path(&p, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.region(), "eu-west-3", "{name}");
        assert_eq!(c.get("m5.large").unwrap().ondemand, usd("0.112"), "{name}");
        let b = read_catalog_bytes(name, body.as_bytes(), None).unwrap();
        assert_eq!(b.get("m5.large"), c.get("m5.large"));
    }
    // The five-column CSV names no Region: it must be given.
    let p = temp("d.csv", old.as_bytes());
    assert_eq!(
        Catalog::from_path(&p, None).unwrap_err().kind,
        InputErrorKind::MissingField
    );
    assert_eq!(
        Catalog::from_path(&p, Some("eu-west-3")).unwrap().region(),
        "eu-west-3"
    );
    let e = Catalog::from_path(&PathBuf::from("/nonexistent/cat.json"), None).unwrap_err();
    assert_eq!(e.kind, InputErrorKind::Io);
}

// --------------------------------------------------------------------------- overrides

#[test]
fn overrides_add_or_replace_prices_of_any_catalog() {
    let json = eu_west_3_pages();
    let mut c = read_get_products("p.json", json.as_bytes(), None).unwrap();
    assert!(c.get("p3.2xlarge").is_none());
    let o: Vec<OndemandOverride> = ["m5.large=0.12", "p3.2xlarge=3.305", "x9.mystery=1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    c.apply_overrides(&o);
    assert_eq!(c.get("m5.large").unwrap().ondemand, usd("0.12"));
    // A type this catalog lacks but the built-in table knows: its size from there.
    let p3 = c.get("p3.2xlarge").unwrap();
    assert_eq!(
        (p3.vcpu, p3.memory_mib, p3.ondemand),
        (8, 61 * 1024, usd("3.305"))
    );
    // Unknown everywhere: priced, size unknown.
    let x = c.get("x9.mystery").unwrap();
    assert!(!x.size_known());
    assert_eq!((x.vcpu, x.memory_mib, x.ondemand), (0, 0, usd("1")));
    // Other OS prices untouched; overrides follow the selected OS.
    assert_eq!(
        c.ondemand_for_product("m5.large", "Windows"),
        Some(usd("0.204"))
    );
    let mut w = c.with_os(OperatingSystem::Windows);
    w.apply_overrides(&[OndemandOverride::parse("m6i.large=0.3").unwrap()]);
    assert_eq!(
        w.ondemand("m6i.large", &OperatingSystem::Windows),
        Some(usd("0.3"))
    );
    assert_eq!(w.ondemand("m6i.large", &OperatingSystem::Linux), None);
    assert!(w.source().contains("overridden for Windows: m6i.large=0.3"));
    assert!(
        OndemandOverride::parse("m5.large=abc")
            .unwrap_err()
            .to_string()
            .contains("m5.large=abc")
    );
}

// ------------------------------------------------------------------------ zone → Region

#[test]
fn zones_of_the_shared_traces_map_to_their_regions() {
    for (z, r) in [
        ("us-east-1a", "us-east-1"),
        ("us-east-2b", "us-east-2"),
        ("us-west-2c", "us-west-2"),
        ("eu-west-3a", "eu-west-3"),
        ("use1-az4", "us-east-1"),
        ("usw2-az2", "us-west-2"),
    ] {
        assert_eq!(zone_region(z).as_deref(), Some(r), "{z}");
        assert_eq!(region_of(&Zone::parse(z)).as_deref(), Some(r), "{z}");
    }
    let Some(d) = data::require(&[data::V100_DIR]) else {
        return;
    };
    let mut n = 0;
    for e in std::fs::read_dir(d.join(data::V100_DIR)).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if let Some(zone) = name.strip_suffix("_v100_1.csv") {
            let r = zone_region(zone).unwrap_or_else(|| panic!("{zone}"));
            assert!(
                zone.starts_with(&r) && zone.len() == r.len() + 1,
                "{zone} → {r}"
            );
            n += 1;
        }
    }
    assert_eq!(n, 9);
}
