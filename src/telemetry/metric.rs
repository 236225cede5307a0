//! The metrics spotsim records: names (Container Insights' where one exists), units,
//! kinds and how their values are stored.

use std::fmt;

/// How a metric accumulates over a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A step function of time (capacity, counts, prices). Sampled every simulated
    /// second (CloudWatch's high resolution): `SampleCount` = seconds of the period
    /// inside the horizon, `Sum` = ∫ value dt (value-seconds), `Average` = `Sum` ÷
    /// `SampleCount`, `Minimum`/`Maximum` over the values held for at least a second.
    Gauge,
    /// Events counted in the period, published as one datapoint per period (every
    /// statistic is the count; `SampleCount` = 1).
    Counter,
    /// USD charged in the period (a counter of exact money, rounded so that the periods
    /// add up to the report's `total_cost_micro_usd` exactly).
    Cost,
}

/// The unit of a metric, with its name in each export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Capacity units (instances, or `WeightedCapacity` units).
    Units,
    /// A number of things (instances, tasks, events).
    Count,
    /// US dollars.
    Usd,
    /// US dollars per hour.
    UsdPerHour,
    /// Percent.
    Percent,
    /// Hours.
    Hours,
    /// ECS CPU units (1 vCPU = 1,024).
    CpuUnits,
    /// Mebibytes (CloudWatch's `Megabytes`, as Container Insights reports memory).
    Mebibytes,
}

impl Unit {
    /// The name in the CSV export and the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Units => "Units",
            Unit::Count => "Count",
            Unit::Usd => "USD",
            Unit::UsdPerHour => "USD/Hour",
            Unit::Percent => "Percent",
            Unit::Hours => "Hours",
            Unit::CpuUnits => "CPU units",
            Unit::Mebibytes => "MiB",
        }
    }

    /// The CloudWatch unit (`MetricDatum.Unit`; money and capacity units have none).
    pub fn cloudwatch(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Percent => "Percent",
            Unit::Mebibytes => "Megabytes",
            Unit::Units | Unit::Usd | Unit::UsdPerHour | Unit::Hours | Unit::CpuUnits => "None",
        }
    }

    /// The OpenMetrics unit (a suffix of the family name), if any.
    pub fn openmetrics(self) -> Option<&'static str> {
        match self {
            Unit::Usd => Some("usd"),
            Unit::UsdPerHour => Some("usd_per_hour"),
            Unit::Percent => Some("percent"),
            Unit::Hours => Some("hours"),
            Unit::Mebibytes => Some("mebibytes"),
            Unit::Units | Unit::Count | Unit::CpuUnits => None,
        }
    }
}

macro_rules! metrics {
    ($( $(#[$doc:meta])* $v:ident = $name:literal, $om:literal, $kind:ident, $unit:ident, $scale:expr; )*) => {
        /// A metric spotsim records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric {
            $( $(#[$doc])* $v, )*
        }

        impl Metric {
            /// Every metric, in export order.
            pub const ALL: &'static [Metric] = &[$(Metric::$v),*];

            /// The CloudWatch-style name (`RunningCapacity`).
            pub fn name(self) -> &'static str {
                match self { $(Metric::$v => $name,)* }
            }

            /// The OpenMetrics family name, without the `spotsim_` prefix, the unit
            /// suffix or `_total`.
            pub(crate) fn om_stem(self) -> &'static str {
                match self { $(Metric::$v => $om,)* }
            }

            /// How it accumulates.
            pub fn kind(self) -> Kind {
                match self { $(Metric::$v => Kind::$kind,)* }
            }

            /// Its unit.
            pub fn unit(self) -> Unit {
                match self { $(Metric::$v => Unit::$unit,)* }
            }

            /// Stored integer per unit of the exported value (gauges are exact
            /// integers: prices in nano-USD per hour, percentages in millionths;
            /// `WorkDone`, a counter, counts milliseconds).
            pub(crate) fn scale(self) -> f64 {
                match self { $(Metric::$v => $scale,)* }
            }
        }
    };
}

metrics! {
    /// Capacity units the fleet is asked to hold (the target).
    DesiredCapacity = "DesiredCapacity", "desired_capacity", Gauge, Units, 1.0;
    /// Capacity units running.
    RunningCapacity = "RunningCapacity", "running_capacity", Gauge, Units, 1.0;
    /// Capacity units requested and not yet running.
    PendingCapacity = "PendingCapacity", "pending_capacity", Gauge, Units, 1.0;
    /// max(0, desired − running) capacity units.
    UnmetCapacity = "UnmetCapacity", "unmet_capacity", Gauge, Units, 1.0;
    /// Instances running (by purchase option with the `option` dimension).
    RunningInstanceCount = "RunningInstanceCount", "running_instances", Gauge, Count, 1.0;
    /// Instance launch requests.
    Launches = "Launches", "launches", Counter, Count, 1.0;
    /// Launches EC2 reclaimed before they ran.
    FailedLaunches = "FailedLaunches", "failed_launches", Counter, Count, 1.0;
    /// Running spot instances EC2 interrupted (capacity, hazard, max price).
    Interruptions = "Interruptions", "interruptions", Counter, Count, 1.0;
    /// Two-minute interruption notices delivered.
    InterruptionNotices = "InterruptionNotices", "interruption_notices", Counter, Count, 1.0;
    /// Rebalance recommendations delivered (true and false).
    RebalanceRecommendations = "RebalanceRecommendations", "rebalance_recommendations", Counter, Count, 1.0;
    /// Instances ended to move to a cheaper pool.
    PriceDrivenReplacements = "PriceDrivenReplacements", "price_driven_replacements", Counter, Count, 1.0;
    /// USD charged in the period.
    Cost = "Cost", "cost", Cost, Usd, 1.0;
    /// What the running instances cost per hour (the value at the period's end is the
    /// exported one).
    CostRate = "CostRate", "cost_rate", Gauge, UsdPerHour, 1e9;
    /// A pool's spot price.
    SpotPrice = "SpotPrice", "spot_price", Gauge, UsdPerHour, 1e9;
    /// Tasks the services ask for (ECS `DesiredTaskCount`).
    DesiredTaskCount = "DesiredTaskCount", "desired_tasks", Gauge, Count, 1.0;
    /// Tasks running (ECS `RunningTaskCount`).
    RunningTaskCount = "RunningTaskCount", "running_tasks", Gauge, Count, 1.0;
    /// Tasks starting (ECS `PendingTaskCount`).
    PendingTaskCount = "PendingTaskCount", "pending_tasks", Gauge, Count, 1.0;
    /// CPU units reserved by the running tasks (Container Insights' `CpuReserved` for
    /// ECS: the CPU units reserved by tasks in the dimension set; 1 vCPU = 1,024).
    CpuReserved = "CpuReserved", "cpu_reserved", Gauge, CpuUnits, 1e3;
    /// Memory reserved by the running tasks, MiB (Container Insights' `MemoryReserved`
    /// for ECS, unit `Megabytes`).
    MemoryReserved = "MemoryReserved", "memory_reserved", Gauge, Mebibytes, 1.0;
    /// Tasks restarted after an interruption.
    TaskRestarts = "TaskRestarts", "task_restarts", Counter, Count, 1.0;
    /// Hours of work a deadline job did in the period (`job`; stored in ms: the periods
    /// add up to the work done exactly).
    WorkDone = "WorkDone", "work_done", Counter, Hours, 3.6e6;
}

impl Metric {
    /// The metric of this name (case-insensitive).
    ///
    /// ```
    /// use spotsim::telemetry::Metric;
    /// assert_eq!(Metric::parse("unmetcapacity"), Some(Metric::UnmetCapacity));
    /// assert_eq!(Metric::parse("Nope"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Metric> {
        Metric::ALL
            .iter()
            .copied()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The exported ("headline") statistic's name: `Sum` for counters and cost,
    /// `Average` for gauges except `CostRate`, whose value at the period's end is
    /// exported (`Last`).
    pub fn headline(self) -> &'static str {
        match (self, self.kind()) {
            (Metric::CostRate, _) => "Last",
            (_, Kind::Gauge) => "Average",
            _ => "Sum",
        }
    }

    /// Gauges that do not make a dimension set active on their own (a pool's price is
    /// published only in periods the pool held capacity or its price changed).
    pub(crate) fn passive(self) -> bool {
        matches!(self, Metric::SpotPrice)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}
