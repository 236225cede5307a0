//! The workload module: bin packing with instance counts worked out by hand, the demand
//! shapes' exact task-hours, the desired-count CSV's errors (exact `file:line: field`
//! messages), packing plans over a horizon, and property tests (the packing holds the
//! requests; binpack never needs more instances than spread).

use proptest::prelude::*;
use spotsim::catalog::{Arch, Catalog, InstanceType};
use spotsim::error::{Error, InputError, InputErrorKind};
use spotsim::market::StepTrace;
use spotsim::money::Rate;
use spotsim::time::{DAY, HOUR, SimTime};
use spotsim::workload::packing::{EksNodeConfig, MaxPods};
use spotsim::workload::{
    Allocatable, Demand, NodeReserve, PackError, PackingPlan, Placement, Service, TaskRequest,
    instances_needed, instances_trace, read_desired_bytes, read_desired_file, utilisation,
};

mod desired_csv;
mod packing;
mod plans;
mod props;
mod shapes;

fn t(s: &str) -> SimTime {
    SimTime::parse_rfc3339(s).unwrap()
}

fn task(cpu_millis: u32, memory_mib: u32) -> TaskRequest {
    TaskRequest {
        cpu_millis,
        memory_mib,
    }
}

fn catalog_type(name: &str) -> InstanceType {
    Catalog::builtin().get(name).unwrap().clone()
}

fn ecs(name: &str) -> Allocatable {
    NodeReserve::ecs_default()
        .allocatable(&catalog_type(name))
        .unwrap()
}

/// m5.8xlarge (32 vCPU, 128 GiB), spelled out.
fn m5_8xlarge() -> InstanceType {
    InstanceType {
        name: "m5.8xlarge".into(),
        vcpu: 32,
        memory_mib: 131_072,
        arch: Arch::X86_64,
        ondemand: Rate::parse_usd("1.536").unwrap(),
    }
}

fn input_err<T: std::fmt::Debug>(r: Result<T, InputError>) -> InputError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn tmp_file(name: &str, body: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("spotsim-workload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}
