//! spotsim's catalog CSV: one row per (type, OS) price.
//!
//! Columns, in any order: `instance_type`, `vcpu`, `memory_gib` *or* `memory_mib`,
//! `arch`, `ondemand_usd_per_hour`, and optionally `region` and `operating_system`.
//! `data/ec2_ondemand.csv` (the built-in table) uses
//! `region,operating_system,instance_type,vcpu,memory_mib,arch,ondemand_usd_per_hour`;
//! `../shared/data/pricing/ec2_ondemand_*.csv` use the five-column form (Linux, Region
//! given by the caller).

use crate::error::{InputError, InputErrorKind};
use crate::ingest::Records;
use crate::money::Rate;

use super::{Catalog, OperatingSystem, parse_arch, parse_gib_to_mib};

const NAME: &str = "instance_type";
const VCPU: &str = "vcpu";
const GIB: &str = "memory_gib";
const MIB: &str = "memory_mib";
const ARCH: &str = "arch";
const PRICE: &str = "ondemand_usd_per_hour";
const REGION: &str = "region";
const OS: &str = "operating_system";
const KNOWN: [&str; 8] = [NAME, VCPU, GIB, MIB, ARCH, PRICE, REGION, OS];

/// Reads a catalog CSV. `region`: keep only that Region's rows (when the file has a
/// `region` column) and the catalog's Region when it has none. Without one, every row
/// must name the same Region.
pub(super) fn read(mut recs: Records<'_>, region: Option<&str>) -> Result<Catalog, InputError> {
    let name = recs.name().to_string();
    let name = name.as_str();
    let at1 =
        |kind, msg: String, field: &str| InputError::new(name, kind, msg).at_line(1).field(field);
    if !recs.next()? {
        return Err(InputError::new(
            name,
            InputErrorKind::Empty,
            "no instance types in the file",
        ));
    }
    let mut col = [usize::MAX; KNOWN.len()];
    let width = recs.len();
    for (i, h) in recs.iter().enumerate() {
        let h = String::from_utf8_lossy(h);
        let h = h.trim();
        match KNOWN.iter().position(|&x| x == h) {
            Some(j) if col[j] == usize::MAX => col[j] = i,
            Some(_) => {
                return Err(at1(
                    InputErrorKind::Syntax,
                    "column appears twice".into(),
                    h,
                ));
            }
            None => {
                return Err(at1(
                    InputErrorKind::UnknownField,
                    format!(
                        "unknown column; expected {NAME},{VCPU},{GIB} (or {MIB}),{ARCH},{PRICE} and optionally {REGION},{OS}"
                    ),
                    h,
                ));
            }
        }
    }
    let has = |f: &str| col[KNOWN.iter().position(|&x| x == f).unwrap_or(0)] != usize::MAX;
    let idx = |f: &str| col[KNOWN.iter().position(|&x| x == f).unwrap_or(0)];
    for f in [NAME, VCPU, ARCH, PRICE] {
        if !has(f) {
            return Err(at1(
                InputErrorKind::MissingField,
                "missing column".into(),
                f,
            ));
        }
    }
    let mem_col = match (has(GIB), has(MIB)) {
        (true, false) => (idx(GIB), GIB),
        (false, true) => (idx(MIB), MIB),
        (true, true) => {
            return Err(at1(
                InputErrorKind::Conflict,
                format!("give {GIB} or {MIB}, not both"),
                MIB,
            ));
        }
        (false, false) => {
            return Err(at1(
                InputErrorKind::MissingField,
                format!("missing column (or {MIB})"),
                GIB,
            ));
        }
    };
    let region_col = has(REGION).then(|| idx(REGION));
    let os_col = has(OS).then(|| idx(OS));

    let mut cat = Catalog::new(region.unwrap_or(""), &format!("file {name}"));
    // The Region of the file (first row that names one) and its line.
    let mut file_region: Option<(String, u64)> = None;
    let mut skipped_other_regions = 0usize;
    while recs.next()? {
        let line = recs.line();
        let rec = &recs;
        // Every row as wide as the header (as the csv crate's `flexible(false)` had it).
        if rec.len() != width {
            return Err(InputError::new(
                name,
                InputErrorKind::Syntax,
                format!(
                    "found a record with {} fields, but the header has {width}",
                    rec.len()
                ),
            )
            .at_line(line));
        }
        let get = |c: usize, field: &str| -> Result<&str, InputError> {
            std::str::from_utf8(rec.get(c).unwrap_or_default())
                .map(str::trim)
                .map_err(|_| bad(name, line, field, "not UTF-8".into()))
        };
        if let Some(c) = region_col {
            let r = get(c, REGION)?;
            if r.is_empty() {
                return Err(bad(name, line, REGION, "empty Region".into()));
            }
            match (region, &file_region) {
                (Some(want), _) if r != want => {
                    skipped_other_regions += 1;
                    continue;
                }
                (None, Some((first, at))) if r != first => {
                    return Err(InputError::new(
                        name,
                        InputErrorKind::Conflict,
                        format!(
                            "Region `{r}`, but line {at} says `{first}`: the file holds several Regions; name the one to use"
                        ),
                    )
                    .at_line(line)
                    .field(REGION));
                }
                (_, None) => file_region = Some((r.to_string(), line)),
                _ => {}
            }
        }
        let tname = get(idx(NAME), NAME)?;
        if tname.is_empty() {
            return Err(bad(name, line, NAME, "empty instance type".into()));
        }
        let v = get(idx(VCPU), VCPU)?;
        let vcpu: u32 = v.parse().map_err(|_| {
            bad(
                name,
                line,
                VCPU,
                format!("`{v}` is not a whole number of vCPUs"),
            )
        })?;
        if vcpu == 0 {
            return Err(bad(
                name,
                line,
                VCPU,
                "0 vCPUs: an instance type has at least 1".into(),
            ));
        }
        let m = get(mem_col.0, mem_col.1)?;
        let memory_mib = if mem_col.1 == GIB {
            parse_gib_to_mib(m).ok_or_else(|| {
                bad(
                    name,
                    line,
                    GIB,
                    format!("`{m}` is not a memory size in GiB"),
                )
            })?
        } else {
            m.parse().map_err(|_| {
                bad(
                    name,
                    line,
                    MIB,
                    format!("`{m}` is not a whole number of MiB"),
                )
            })?
        };
        let a = get(idx(ARCH), ARCH)?;
        let arch = parse_arch(a).ok_or_else(|| {
            bad(
                name,
                line,
                ARCH,
                format!("unknown architecture `{a}`; expected x86_64 or arm64"),
            )
        })?;
        let ondemand = Rate::parse_usd(get(idx(PRICE), PRICE)?)
            .map_err(|e| bad(name, line, PRICE, e.to_string()))?;
        if ondemand == Rate::ZERO {
            return Err(bad(
                name,
                line,
                PRICE,
                "an on-demand price of 0: expected a positive price in USD per hour".into(),
            ));
        }
        let os = match os_col {
            Some(c) => {
                let o = get(c, OS)?;
                if o.is_empty() {
                    return Err(bad(name, line, OS, "empty operating system".into()));
                }
                OperatingSystem::from_price_list(o)
            }
            None => OperatingSystem::Linux,
        };
        if !cat.add_read(tname, Some((vcpu, memory_mib, arch)), &os, ondemand) {
            return Err(InputError::new(
                name,
                InputErrorKind::Conflict,
                format!("instance type `{tname}` appears twice for {os}"),
            )
            .at_line(line)
            .field(NAME));
        }
    }
    if cat.is_empty() {
        let msg = match (region, skipped_other_regions) {
            (Some(r), n) if n > 0 => {
                format!("no instance types for Region {r} ({n} rows of other Regions)")
            }
            _ => "no instance types in the file".to_string(),
        };
        return Err(InputError::new(name, InputErrorKind::Empty, msg));
    }
    match (region, file_region) {
        (Some(_), _) => {}
        (None, Some((r, _))) => cat.set_region(&r),
        (None, None) => {
            return Err(InputError::new(
                name,
                InputErrorKind::MissingField,
                "the file names no Region (no `region` column); say which Region its prices are for with --catalog-region (e.g. us-east-1)",
            )
            .field(REGION));
        }
    }
    Ok(cat)
}

fn bad(name: &str, line: u64, field: &str, msg: String) -> InputError {
    InputError::new(name, InputErrorKind::BadValue, msg)
        .at_line(line)
        .field(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "instance_type,vcpu,memory_gib,arch,ondemand_usd_per_hour\n";

    fn read_s(s: &str, region: Option<&str>) -> Result<Catalog, InputError> {
        read(
            crate::ingest::Records::from_bytes("c.csv", s.as_bytes()),
            region,
        )
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = read_s(&format!("{H}a,1,1,sparc,1\n"), Some("r")).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.field.as_deref(), Some("arch"));
        let e = read_s("instance_type,vcpu\n", Some("r")).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::MissingField);
        let e = read_s(H, Some("r")).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Empty);
        let e = read_s(&format!("{H}a,1,1,arm64,1\na,1,1,arm64,1\n"), Some("r")).unwrap_err();
        assert_eq!((e.kind, e.line), (InputErrorKind::Conflict, Some(3)));
        let e = read_s(&format!("{H}\n\na,x,1,arm64,1\n"), Some("r")).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("vcpu")));
        let e = read_s(
            "instance_type,vcpu,memory_gib,memory_mib,arch,ondemand_usd_per_hour\n",
            Some("r"),
        )
        .unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Conflict);
        let e = read_s(&format!("{H}a,1,1,arm64,0\n"), Some("r")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ondemand_usd_per_hour"));
    }

    #[test]
    fn region_and_os_columns() {
        let s = "region,operating_system,instance_type,vcpu,memory_mib,arch,ondemand_usd_per_hour\n\
                 eu-west-3,Linux,m5.large,2,8192,x86_64,0.112\n\
                 eu-west-3,Windows,m5.large,2,8192,x86_64,0.204\n\
                 us-east-1,Linux,m5.large,2,8192,x86_64,0.096\n";
        // Several Regions and none named: refused, naming the line.
        let e = read_s(s, None).unwrap_err();
        assert_eq!((e.kind, e.line), (InputErrorKind::Conflict, Some(4)));
        let c = read_s(s, Some("eu-west-3")).unwrap();
        assert_eq!(c.region(), "eu-west-3");
        assert_eq!(c.get("m5.large").unwrap().ondemand.to_string(), "0.112");
        assert_eq!(
            c.ondemand("m5.large", &OperatingSystem::Windows)
                .unwrap()
                .to_string(),
            "0.204"
        );
        let one = s.lines().take(3).collect::<Vec<_>>().join("\n");
        assert_eq!(read_s(&one, None).unwrap().region(), "eu-west-3");
        let e = read_s(s, Some("ap-south-1")).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::Empty);
        assert!(e.message.contains("3 rows of other Regions"), "{e}");
        // No region column and none given.
        let e = read_s(&format!("{H}a,1,1,arm64,1\n"), None).unwrap_err();
        assert_eq!(e.kind, InputErrorKind::MissingField);
    }
}
