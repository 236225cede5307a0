//! EKS pods per node: the Amazon VPC CNI's limit from each type's ENIs, prefix
//! delegation, a fixed `--max-pods`, and the DaemonSet pods every node runs.
//!
//! # Where max pods comes from
//!
//! * **[`MaxPods::VpcCni`]** (the default): with the Amazon VPC CNI in its default
//!   (secondary IP) mode each pod takes an IPv4 address of one of the node's ENIs, and
//!   the first address of each ENI is the ENI's own, so
//!   `max pods = ENIs × (IPv4 addresses per ENI − 1) + 2` — the `+ 2` being the
//!   host-network pods `aws-node` and `kube-proxy`, which take no address. This is the
//!   formula and the table `misc/eni-max-pods.txt` of aws/amazon-vpc-cni-k8s
//!   (`scripts/gen_vpc_ip_limits.go`: `ENILimit*(IPv4Limit-1) + 2`), which the EKS
//!   optimized AMI gives the kubelet as `--max-pods`. ENIs and IPv4 addresses per ENI of
//!   every built-in type are in `data/vpc_cni_eni_limits.csv` ([`eni_limits`]; source
//!   in `data/README.md`). m5.large: 3 × (10 − 1) + 2 = 29.
//! * **[`MaxPods::PrefixDelegation`]**: with `ENABLE_PREFIX_DELEGATION` each ENI slot
//!   holds a /28 prefix of 16 addresses. The rule is the EKS AMI's max-pods calculator
//!   (awslabs/amazon-eks-ami, `templates/al2/runtime/max-pods-calculator.sh`, with
//!   `--cni-prefix-delegation-enabled`): on a Nitro instance
//!   `ENIs × ((IPv4 per ENI − 1) × 16) + 2`, otherwise the secondary-IP formula; then
//!   capped at **110** for instances of at most 30 vCPUs and **250** above
//!   (`MAX_POD_CEILING_FOR_LOW_CPU` / `…_HIGH_CPU`, "if CPU_COUNT -gt 30"), the values
//!   aws-facts.md §6.3 gives for EKS managed node groups. (The CNI's own runtime check,
//!   `IsPrefixDelegationSupported` in `pkg/awsutils`, also accepts bare-metal instances;
//!   the calculator, which sets the kubelet's max pods, checks the hypervisor only, and
//!   that is followed here.)
//! * **[`MaxPods::Fixed`]**: `--max-pods N`, as set in a launch template.
//!
//! # DaemonSet pods
//!
//! The kubelet's max pods counts every pod on the node, so the DaemonSet pods on each
//! node ([`DaemonSet`]; by default [`eks_default_daemonsets`]: `aws-node` and
//! `kube-proxy`) leave `max pods − DaemonSets` for the workload, and their requests are
//! reserved on every node.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::*;

/// The VPC CNI's network limits of one instance type (`data/vpc_cni_eni_limits.csv`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EniLimits {
    /// Most network interfaces (`ENILimit`).
    pub max_enis: u32,
    /// IPv4 addresses per network interface (`IPv4Limit`).
    pub ipv4_per_eni: u32,
    /// Whether the hypervisor is Nitro (prefix delegation works there).
    pub nitro: bool,
    /// Whether the type is bare metal.
    pub bare_metal: bool,
}

impl EniLimits {
    /// `ENIs × (IPv4 per ENI − 1) + 2`: the VPC CNI's max pods in secondary-IP mode.
    ///
    /// ```
    /// let m5 = spotsim::workload::packing::eni_limits("m5.large").unwrap();
    /// assert_eq!((m5.max_enis, m5.ipv4_per_eni, m5.secondary_ip_max_pods()), (3, 10, 29));
    /// ```
    pub fn secondary_ip_max_pods(&self) -> u32 {
        self.max_enis
            .saturating_mul(self.ipv4_per_eni.saturating_sub(1))
            .saturating_add(2)
    }

    /// `ENIs × ((IPv4 per ENI − 1) × 16) + 2`: the /28-prefix formula, before any cap.
    pub fn prefix_max_pods(&self) -> u32 {
        self.max_enis
            .saturating_mul(self.ipv4_per_eni.saturating_sub(1).saturating_mul(16))
            .saturating_add(2)
    }
}

const TABLE: &str = include_str!("../../../data/vpc_cni_eni_limits.csv");

static LIMITS: OnceLock<HashMap<String, EniLimits>> = OnceLock::new();

/// The VPC CNI's limits of `instance_type`, from the built-in table; `None` for a type
/// the table does not have.
///
/// ```
/// use spotsim::workload::packing::eni_limits;
/// let p3 = eni_limits("p3.2xlarge").unwrap();
/// assert_eq!((p3.max_enis, p3.ipv4_per_eni, p3.nitro), (4, 15, false));
/// assert!(eni_limits("x9.mystery").is_none());
/// ```
pub fn eni_limits(instance_type: &str) -> Option<EniLimits> {
    LIMITS
        .get_or_init(|| {
            // Built into the crate and checked by its tests: a malformed row is a build
            // defect, reported by the test that reads every row.
            TABLE
                .lines()
                .skip(1)
                .filter_map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    Some((
                        (*f.first()?).to_string(),
                        EniLimits {
                            max_enis: f.get(1)?.parse().ok()?,
                            ipv4_per_eni: f.get(2)?.parse().ok()?,
                            nitro: *f.get(3)? == "nitro",
                            bare_metal: *f.get(4)? == "true",
                        },
                    ))
                })
                .collect()
        })
        .get(instance_type)
        .copied()
}

/// The number of rows of the built-in ENI table (for its tests).
#[doc(hidden)]
pub fn eni_table_rows() -> (usize, usize) {
    let rows = TABLE.lines().skip(1).filter(|l| !l.is_empty()).count();
    let parsed = TABLE
        .lines()
        .skip(1)
        .filter(|l| l.split(',').next().is_some_and(|n| eni_limits(n).is_some()))
        .count();
    (rows, parsed)
}

/// Max pods for instances of at most this many vCPUs under prefix delegation: 110
/// (`MAX_POD_CEILING_FOR_LOW_CPU` of the EKS AMI's max-pods calculator; aws-facts.md §6.3).
pub const PREFIX_MAX_PODS_SMALL: u32 = 110;
/// Max pods above [`PREFIX_LARGE_NODE_VCPU`] vCPUs under prefix delegation: 250.
pub const PREFIX_MAX_PODS_LARGE: u32 = 250;
/// The calculator's vCPU threshold: 110 pods up to 30 vCPUs, 250 above.
pub const PREFIX_LARGE_NODE_VCPU: u32 = 30;

/// How an EKS node's max pods is set (see the module docs).
///
/// ```
/// use spotsim::catalog::Catalog;
/// use spotsim::workload::packing::MaxPods;
/// let m5 = Catalog::builtin().get("m5.large").unwrap().clone();
/// assert_eq!(MaxPods::VpcCni.for_type(&m5)?, 29);
/// assert_eq!(MaxPods::PrefixDelegation.for_type(&m5)?, 110); // 3 × 9 × 16 + 2 = 434, capped
/// assert_eq!(MaxPods::Fixed(58).for_type(&m5)?, 58);
/// assert_eq!("prefix-delegation".parse::<MaxPods>().unwrap(), MaxPods::PrefixDelegation);
/// assert_eq!("40".parse::<MaxPods>().unwrap(), MaxPods::Fixed(40));
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaxPods {
    /// The VPC CNI's secondary-IP limit: `ENIs × (IPv4 per ENI − 1) + 2`.
    #[default]
    VpcCni,
    /// The VPC CNI with prefix delegation: the max-pods calculator's rule.
    PrefixDelegation,
    /// A fixed number (`--max-pods N`).
    Fixed(u32),
}

impl MaxPods {
    /// The kubelet's max pods on a node of `t`.
    ///
    /// # Errors
    /// [`ConfigError`] (option `max-pods`) for a type without ENI data under
    /// [`MaxPods::VpcCni`] or [`MaxPods::PrefixDelegation`], and for `Fixed(0)`.
    pub fn for_type(&self, t: &InstanceType) -> Result<u32, ConfigError> {
        let limits = || {
            eni_limits(&t.name).ok_or_else(|| {
                ConfigError::new(
                    "max-pods",
                    format!(
                        "no VPC CNI network limits for {} (not in the built-in table); give a fixed max pods",
                        t.name
                    ),
                )
            })
        };
        match *self {
            MaxPods::Fixed(0) => Err(ConfigError::new(
                "max-pods",
                "0 pods per node: a node must admit at least its DaemonSet pods and one more",
            )),
            MaxPods::Fixed(n) => Ok(n),
            MaxPods::VpcCni => Ok(limits()?.secondary_ip_max_pods()),
            MaxPods::PrefixDelegation => {
                let l = limits()?;
                let raw = if l.nitro {
                    l.prefix_max_pods()
                } else {
                    l.secondary_ip_max_pods()
                };
                let ceiling = if t.vcpu > PREFIX_LARGE_NODE_VCPU {
                    PREFIX_MAX_PODS_LARGE
                } else {
                    PREFIX_MAX_PODS_SMALL
                };
                Ok(raw.min(ceiling))
            }
        }
    }
}

impl fmt::Display for MaxPods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxPods::VpcCni => f.write_str("vpc-cni"),
            MaxPods::PrefixDelegation => f.write_str("prefix-delegation"),
            MaxPods::Fixed(n) => write!(f, "{n}"),
        }
    }
}

impl std::str::FromStr for MaxPods {
    type Err = ConfigError;
    /// `vpc-cni`, `prefix-delegation` or a whole number of pods.
    fn from_str(s: &str) -> Result<MaxPods, ConfigError> {
        match s.trim() {
            "vpc-cni" => Ok(MaxPods::VpcCni),
            "prefix-delegation" => Ok(MaxPods::PrefixDelegation),
            n => n.parse().map(MaxPods::Fixed).map_err(|_| {
                ConfigError::new(
                    "max-pods",
                    format!("`{s}`: expected vpc-cni, prefix-delegation or a number of pods"),
                )
            }),
        }
    }
}

/// A DaemonSet: one pod of it runs on every node.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DaemonSet {
    /// Its name.
    pub name: String,
    /// What its pod requests.
    pub request: TaskRequest,
}

/// The DaemonSets of an EKS cluster with the default add-ons on EC2 nodes:
///
/// * `aws-node` (the Amazon VPC CNI): 50 millicores — its two containers request `cpu:
///   25m` each (aws/amazon-vpc-cni-k8s `config/master/aws-k8s-cni.yaml`, v1.23.1), no
///   memory request;
/// * `kube-proxy`: 100 millicores, no memory request — the EKS kube-proxy add-on's
///   manifest as we know it (not verified against a stored copy here; a documented,
///   configurable assumption).
///
/// ```
/// let d = spotsim::workload::packing::eks_default_daemonsets();
/// assert_eq!(d.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["aws-node", "kube-proxy"]);
/// assert_eq!(d.iter().map(|d| d.request.cpu_millis).sum::<u32>(), 150);
/// ```
pub fn eks_default_daemonsets() -> Vec<DaemonSet> {
    vec![
        DaemonSet {
            name: "aws-node".into(),
            request: TaskRequest {
                cpu_millis: 50,
                memory_mib: 0,
            },
        },
        DaemonSet {
            name: "kube-proxy".into(),
            request: TaskRequest {
                cpu_millis: 100,
                memory_mib: 0,
            },
        },
    ]
}

/// How the nodes of an EKS cluster on EC2 are set up: their max pods and the DaemonSets
/// on every node. [`EksNodeConfig::reserve`] turns it into a [`NodeReserve`].
///
/// ```
/// use spotsim::catalog::Catalog;
/// use spotsim::workload::packing::{EksNodeConfig, MaxPods};
/// use spotsim::workload::NodeReserve;
/// let m5 = Catalog::builtin().get("m5.large").unwrap().clone();
/// // Default: 29 pods (VPC CNI), 27 for the workload; kubelet 70m + DaemonSets 150m;
/// // kube-reserved 255 + 11 × 29 MiB, eviction 100 MiB.
/// let r = EksNodeConfig::default().reserve(&m5)?;
/// assert_eq!(r, NodeReserve { cpu_millis: 220, memory_mib: 255 + 11 * 29 + 100, max_tasks: Some(27) });
/// let pd = EksNodeConfig { max_pods: MaxPods::PrefixDelegation, ..Default::default() };
/// assert_eq!(pd.reserve(&m5)?.max_tasks, Some(108));
/// # Ok::<(), spotsim::error::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EksNodeConfig {
    /// How max pods is set.
    #[serde(default)]
    pub max_pods: MaxPods,
    /// The DaemonSets on every node.
    #[serde(default = "eks_default_daemonsets")]
    pub daemonsets: Vec<DaemonSet>,
}

impl Default for EksNodeConfig {
    fn default() -> Self {
        EksNodeConfig {
            max_pods: MaxPods::VpcCni,
            daemonsets: eks_default_daemonsets(),
        }
    }
}

impl EksNodeConfig {
    /// What a node of `t` keeps back from the workload: the EKS optimized AMI's
    /// kubelet reservation for its max pods ([`eks_kube_reserved_cpu_millis`],
    /// [`eks_kube_reserved_memory_mib`], [`EKS_EVICTION_HARD_MEMORY_MIB`]) plus the
    /// DaemonSets' requests, and `max pods − DaemonSet pods` as the task limit.
    ///
    /// # Errors
    /// [`ConfigError`] as [`MaxPods::for_type`], and when the DaemonSets take every pod
    /// slot.
    pub fn reserve(&self, t: &InstanceType) -> Result<NodeReserve, ConfigError> {
        let pods = self.max_pods.for_type(t)?;
        let ds = u32::try_from(self.daemonsets.len()).unwrap_or(u32::MAX);
        if ds >= pods {
            return Err(ConfigError::new(
                "max-pods",
                format!(
                    "{} admits {pods} pods per node ({}), all taken by its {ds} DaemonSet pods",
                    t.name, self.max_pods
                ),
            ));
        }
        let (ds_cpu, ds_mem) = self.daemonsets.iter().fold((0u32, 0u32), |(c, m), d| {
            (
                c.saturating_add(d.request.cpu_millis),
                m.saturating_add(d.request.memory_mib),
            )
        });
        Ok(NodeReserve {
            cpu_millis: eks_kube_reserved_cpu_millis(t.vcpu).saturating_add(ds_cpu),
            memory_mib: eks_kube_reserved_memory_mib(pods)
                .saturating_add(EKS_EVICTION_HARD_MEMORY_MIB)
                .saturating_add(ds_mem),
            max_tasks: Some(pods - ds),
        })
    }

    /// One line for a report's assumptions.
    pub fn describe(&self) -> String {
        let ds: Vec<String> = self
            .daemonsets
            .iter()
            .map(|d| format!("{} ({})", d.name, d.request))
            .collect();
        format!(
            "EKS max pods per node: {}; DaemonSet pods on every node: {}",
            match self.max_pods {
                MaxPods::VpcCni => "the Amazon VPC CNI's ENIs × (IPv4 per ENI − 1) + 2".to_string(),
                MaxPods::PrefixDelegation =>
                    "the VPC CNI with prefix delegation (EKS max-pods calculator: ENIs × (IPv4 per ENI − 1) × 16 + 2 on Nitro, at most 110 up to 30 vCPUs, 250 above)"
                        .to_string(),
                MaxPods::Fixed(n) => format!("{n} (fixed)"),
            },
            if ds.is_empty() {
                "none".to_string()
            } else {
                ds.join(", ")
            }
        )
    }
}
