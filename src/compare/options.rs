//! `compare`'s own options: the workload, the Fargate options and the clusters (the
//! options it shares with `run` are the groups of [`crate::options`]).

use serde::{Deserialize, Serialize};

#[cfg(feature = "cli")]
use super::OPTIONS;
use crate::workload::Service;

/// `compare`'s own options: the workload, the Fargate options and the clusters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(next_help_heading = "Workload and options"))]
#[serde(rename_all = "kebab-case")]
pub struct CompareOptions {
    /// Tasks of the one service given by flags (a constant count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub tasks: Option<u32>,
    /// vCPU per task of that service (e.g. 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "VCPU"))]
    pub task_vcpu: Option<f64>,
    /// Memory per task of that service, GiB (e.g. 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "GIB"))]
    pub task_memory_gib: Option<f64>,
    /// Services with shapes (scenario file only: `[[service]]` tables).
    #[serde(default, rename = "service", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "cli", arg(skip))]
    pub services: Vec<Service>,
    /// Hours to simulate [default: the span of the spot traces; 720 for the built-in ones].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "H"))]
    pub hours: Option<f64>,
    /// Fargate platform [default: linux].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_name = "PLATFORM",
            value_parser = [
                clap::builder::PossibleValue::new("linux").alias("linux/x86_64"),
                clap::builder::PossibleValue::new("linux-arm").alias("linux/arm64"),
                clap::builder::PossibleValue::new("windows"),
            ]
        )
    )]
    pub platform: Option<String>,
    /// Options to compare, comma-separated [default: all seven].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(
            long,
            value_delimiter = ',',
            value_name = "OPTION",
            value_parser = clap::builder::PossibleValuesParser::new(OPTIONS)
        )
    )]
    pub options: Vec<String>,
    /// Fargate Spot discount off the Fargate rates, percent [default: 67].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub fargate_spot_discount_pct: Option<u32>,
    /// Fargate Spot tasks interrupted per task-month, percent [default: 5].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "PCT"))]
    pub fargate_spot_interruption_rate: Option<f64>,
    /// fargate-mix: tasks always on FARGATE (capacity-provider base) [default: 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub mix_base: Option<u32>,
    /// fargate-mix: FARGATE:FARGATE_SPOT weights after the base [default: 1:3].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "OD:SPOT"))]
    pub mix_weights: Option<String>,
    /// Seconds from a Fargate task request to running [default: 60].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub task_start_latency: Option<i64>,
    /// Task placement on EC2 [default: binpack].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "PLACEMENT", value_parser = ["binpack", "spread"])
    )]
    pub placement: Option<String>,
    /// Memory reserved per ECS container instance, MiB [default: 512].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIB"))]
    pub ecs_reserved_memory_mib: Option<u32>,
    /// EKS support tier [default: standard].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "TIER", value_parser = ["standard", "extended"])
    )]
    pub eks_support: Option<String>,
    /// Work a task loses per restart, seconds, for the break-even rate [default: 300].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub restart_overhead: Option<i64>,
    /// Fargate on-demand rate per vCPU-hour, USD (replaces the built-in rate; needed for a --region without built-in rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub fargate_vcpu_hour_usd: Option<f64>,
    /// Fargate on-demand rate per GB-hour of task memory, USD (as --fargate-vcpu-hour-usd).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub fargate_gb_hour_usd: Option<f64>,
    /// Fargate Windows OS licence per vCPU-hour, USD (needed for Windows in a --region without built-in rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub fargate_os_licence_vcpu_hour_usd: Option<f64>,
    /// Fargate ephemeral storage above 20 GiB per GB-hour, USD [default: the region's; us-east-1's $0.000111 where not built in].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "USD"))]
    pub fargate_storage_gb_hour_usd: Option<f64>,
    /// Minimum billed seconds of a Windows Fargate task, 0–86,400 [default: 900, AWS's 15 minutes].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "SECONDS"))]
    pub fargate_windows_minimum_secs: Option<i64>,
    /// EKS max pods per node: vpc-cni (ENIs × (IPv4 per ENI − 1) + 2), prefix-delegation (the CNI's prefix formula, 110 or 250 at most), or a number [default: vpc-cni].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "cli", arg(long, value_name = "N|vpc-cni|prefix-delegation"))]
    pub max_pods: Option<String>,
    /// EKS DaemonSets, one pod of each on every node, replacing the defaults (aws-node 50m, kube-proxy 100m): `NAME=MILLICORES[:MIB]`,… or none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "NAME=MILLICORES[:MIB]")
    )]
    pub eks_daemonsets: Vec<String>,
}
