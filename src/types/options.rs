//! The options of `spotsim types` and the parsers of their values (architecture,
//! interruption band).

use super::*;

/// The options of `spotsim types` (flags; the shared catalog, advisor and output
/// groups of [`crate::options`]).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct TypesOptions {
    /// vCPUs: N, A..B, A.. or ..B (e.g. 2..4).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "RANGE", help_heading = "Filters")
    )]
    pub vcpu: Option<String>,
    /// Memory in GiB: N, A..B, A.. or ..B (e.g. 8..).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "RANGE", help_heading = "Filters")
    )]
    pub memory: Option<String>,
    /// Architectures.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "ARCH", value_parser = ["x86_64", "arm64"], help_heading = "Filters")
    )]
    pub arch: Vec<String>,
    /// Families, e.g. m5,c6i.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_delimiter = ',',
            value_name = "F1,F2",
            help_heading = "Filters"
        )
    )]
    pub family: Vec<String>,
    /// Generations: N, A..B, A.. or ..B (the digits of the family: m6i is 6).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "RANGE", help_heading = "Filters")
    )]
    pub generation: Option<String>,
    /// On-demand price, USD per hour: N, A..B, A.. or ..B (e.g. ..0.2).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "RANGE", help_heading = "Filters")
    )]
    pub price: Option<String>,
    /// Spot Advisor interruption bands (needs --advisor): indexes 0–4 or labels <5%, 5-10%, 10-15%, 15-20%, >20%.
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_delimiter = ',',
            value_name = "BAND",
            help_heading = "Filters"
        )
    )]
    pub band: Vec<String>,
    /// The highest Spot Advisor band allowed (needs --advisor): an index 0–4 or a label.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "BAND", help_heading = "Filters")
    )]
    pub max_band: Option<String>,
    /// Spot Advisor savings over on-demand at least PCT (needs --advisor).
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "PCT",
            allow_negative_numbers = true,
            help_heading = "Filters"
        )
    )]
    pub min_savings: Option<i32>,
    /// Operating system of the Spot Advisor entries [default: Linux].
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "OS", value_parser = ["Linux", "Windows"], help_heading = "Filters")
    )]
    pub os: Option<String>,
    /// Sort by [default: price, cheapest first].
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "KEY",
            value_enum,
            help_heading = "Order and output"
        )
    )]
    pub sort_by: Option<SortKey>,
    /// Largest first.
    #[cfg_attr(feature = "cli", arg(long, help_heading = "Order and output"))]
    pub desc: bool,
    /// Print only the names, comma-separated, for --instance-types.
    #[cfg_attr(feature = "cli", arg(long, help_heading = "Order and output"))]
    pub names: bool,
    /// The catalog.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub catalog: crate::options::CatalogOptions,
    /// Spot Advisor data and region.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub advisor: crate::options::AdvisorOptions,
    /// Output.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub output: crate::options::OutputOptions,
}

impl TypesOptions {
    /// Every input file the options name (catalog, advisor): what `--out` must not
    /// overwrite.
    pub fn input_files(&self) -> Vec<&std::path::Path> {
        self.catalog
            .path
            .iter()
            .chain(&self.advisor.path)
            .map(std::path::PathBuf::as_path)
            .collect()
    }

    /// The query these options ask.
    ///
    /// # Errors
    /// [`ConfigError`] naming a bad range, architecture or band.
    pub fn query(&self) -> Result<TypeQuery, ConfigError> {
        Ok(TypeQuery {
            vcpu: self
                .vcpu
                .as_deref()
                .map(|s| Range::parse("vcpu", s))
                .transpose()?,
            memory_gib: self
                .memory
                .as_deref()
                .map(|s| Range::parse("memory", s))
                .transpose()?,
            arch: self
                .arch
                .iter()
                .map(|a| parse_arch(a))
                .collect::<Result<_, _>>()?,
            family: self.family.iter().map(|f| f.trim().to_string()).collect(),
            generation: self
                .generation
                .as_deref()
                .map(|s| Range::parse("generation", s))
                .transpose()?,
            price: self
                .price
                .as_deref()
                .map(|s| Range::parse("price", s))
                .transpose()?,
            bands: self
                .band
                .iter()
                .map(|b| parse_band("band", b))
                .collect::<Result<_, _>>()?,
            max_band: self
                .max_band
                .as_deref()
                .map(|b| parse_band("max-band", b))
                .transpose()?,
            min_savings: self.min_savings,
            sort_by: self.sort_by.unwrap_or_default(),
            desc: self.desc,
        })
    }

    /// Reads the catalog and the advisor data and answers the query.
    ///
    /// # Errors
    /// [`crate::error::Error`] for a bad option or an unreadable catalog or advisor file.
    pub fn run(&self) -> Result<TypesReport, crate::error::Error> {
        let query = self.query()?;
        let base = self.catalog.load()?;
        // The finder lists Linux prices; --ondemand-price sets Linux prices here.
        let catalog = self
            .catalog
            .priced_for(&base, crate::catalog::OperatingSystem::Linux)?;
        let data = match &self.advisor.path {
            Some(p) => Some(crate::ingest::read_advisor_file(p)?),
            None => {
                if self.advisor.region.is_some() || self.os.is_some() {
                    return Err(ConfigError::new(
                        if self.os.is_some() { "os" } else { "region" },
                        "selects the --advisor entries; give --advisor",
                    )
                    .into());
                }
                None
            }
        };
        let region = self
            .advisor
            .region
            .clone()
            .unwrap_or_else(|| catalog.region().to_string());
        let os = self.os.clone().unwrap_or_else(|| "Linux".to_string());
        let view = data.as_ref().map(|d| AdvisorView {
            data: d,
            region: &region,
            os: &os,
        });
        let mut report = query.run(&catalog, view)?;
        if let Some(r) = self.catalog.region_not_served(&catalog) {
            report.warnings.insert(
                0,
                Warning::new(
                    codes::ONDEMAND_REGION_MISMATCH,
                    format!(
                        "--catalog-region {r}: the built-in catalog holds {}'s on-demand prices only, and these are they; give --catalog FILE with {r}'s prices (`aws pricing get-products --service-code AmazonEC2 --region us-east-1 --filters Type=TERM_MATCH,Field=regionCode,Value={r}`, or the Price List offer file index.csv of {r})",
                        catalog.region()
                    ),
                ),
            );
        }
        Ok(report)
    }
}

/// Parses an architecture name (`x86_64`, `arm64`).
///
/// # Errors
/// [`ConfigError`] naming the valid names.
pub fn parse_arch(s: &str) -> Result<Arch, ConfigError> {
    match s.trim() {
        "x86_64" | "amd64" => Ok(Arch::X86_64),
        "arm64" | "aarch64" => Ok(Arch::Arm64),
        other => Err(crate::suggest::unknown_value(
            "arch",
            other,
            &["x86_64", "arm64"],
        )),
    }
}

/// Parses a band: its index (`0`…`4`) or its label as the advisor writes it (`<5%`,
/// `5-10%`, `10-15%`, `15-20%`, `>20%`).
///
/// # Errors
/// [`ConfigError`] naming the valid bands.
pub fn parse_band(option: &str, s: &str) -> Result<u8, ConfigError> {
    const LABELS: [&str; 5] = ["<5%", "5-10%", "10-15%", "15-20%", ">20%"];
    let s = s.trim();
    if let Some(i) = LABELS.iter().position(|l| *l == s) {
        return Ok(i as u8);
    }
    s.parse::<u8>().ok().filter(|i| *i <= 4).ok_or_else(|| {
        ConfigError::new(
            option,
            format!(
                "`{s}`: expected a band index 0–4 or a label ({})",
                LABELS.join(", ")
            ),
        )
    })
}
