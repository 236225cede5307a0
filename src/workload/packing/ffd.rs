//! First-fit decreasing over identical nodes (see the module docs of [`super`]).

use super::*;

/// Remaining room on one instance (or a run of identical instances).
#[derive(Clone, Copy, Debug)]
pub(super) struct Room {
    cpu: u64,
    mem: u64,
    /// Remaining task slots; `u64::MAX` when unlimited.
    slots: u64,
}

impl Room {
    pub(super) fn of(node: Allocatable) -> Room {
        Room {
            cpu: u64::from(node.cpu_millis),
            mem: u64::from(node.memory_mib),
            slots: node.max_tasks.map_or(u64::MAX, u64::from),
        }
    }

    /// How many `task`s still fit.
    pub(super) fn fits(&self, task: TaskRequest) -> u64 {
        let mut n = self.slots;
        if task.cpu_millis > 0 {
            n = n.min(self.cpu / u64::from(task.cpu_millis));
        }
        if task.memory_mib > 0 {
            n = n.min(self.mem / u64::from(task.memory_mib));
        }
        n
    }

    /// The room left after `n` more tasks (`n` no more than [`Room::fits`]).
    pub(super) fn minus(self, task: TaskRequest, n: u64) -> Room {
        Room {
            cpu: self.cpu - u64::from(task.cpu_millis) * n,
            mem: self.mem - u64::from(task.memory_mib) * n,
            slots: if self.slots == u64::MAX {
                u64::MAX
            } else {
                self.slots - n
            },
        }
    }
}

/// `count` identical instances with the same room left.
#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    room: Room,
    count: u64,
}

/// A task's dominant share of an empty node as a fraction `(num, den)`.
pub(super) fn dominant_share(task: TaskRequest, node: Allocatable) -> (u64, u64) {
    let mut best = (0u64, 1u64);
    let mut consider = |num: u64, den: u64| {
        if den > 0 && u128::from(num) * u128::from(best.1) > u128::from(best.0) * u128::from(den) {
            best = (num, den);
        }
    };
    consider(u64::from(task.cpu_millis), u64::from(node.cpu_millis));
    consider(u64::from(task.memory_mib), u64::from(node.memory_mib));
    if let Some(m) = node.max_tasks {
        consider(1, u64::from(m));
    }
    best
}

/// First-fit-decreasing instance count of `tasks` (task sizes with counts; sizes may
/// repeat) on identical `node`s.
pub(super) fn ffd(tasks: &[(TaskRequest, u64)], node: Allocatable) -> Result<u64, PackError> {
    let mut groups: Vec<(TaskRequest, u64)> = Vec::with_capacity(tasks.len());
    for &(t, n) in tasks {
        if n == 0 {
            continue;
        }
        match groups.iter_mut().find(|(g, _)| *g == t) {
            Some(g) => g.1 = g.1.saturating_add(n),
            None => groups.push((t, n)),
        }
    }
    let key = |t: TaskRequest| dominant_share(t, node);
    groups.sort_by(|a, b| {
        cmp_share(key(b.0), key(a.0))
            .then(b.0.cpu_millis.cmp(&a.0.cpu_millis))
            .then(b.0.memory_mib.cmp(&a.0.memory_mib))
    });
    let empty = Room::of(node);
    let mut runs: Vec<Run> = Vec::new();
    for (task, mut left) in groups {
        let per_empty = empty.fits(task);
        if per_empty == 0 {
            return Err(PackError::TaskTooLarge { task, node });
        }
        let mut i = 0;
        while left > 0 && i < runs.len() {
            let Run { room, count } = runs[i];
            let f = room.fits(task);
            if f == 0 {
                i += 1;
                continue;
            }
            let full = left / f;
            if full >= count {
                // Every instance of the run takes `f` tasks.
                runs[i].room = room.minus(task, f);
                left -= f * count;
                i += 1;
                continue;
            }
            // The first `full` instances take `f` each, the next one the remainder, the
            // rest of the run stays as it was.
            let rem = left - full * f;
            let mut split = Vec::with_capacity(3);
            if full > 0 {
                split.push(Run {
                    room: room.minus(task, f),
                    count: full,
                });
            }
            let mut untouched = count - full;
            if rem > 0 {
                split.push(Run {
                    room: room.minus(task, rem),
                    count: 1,
                });
                untouched -= 1;
            }
            if untouched > 0 {
                split.push(Run {
                    room,
                    count: untouched,
                });
            }
            runs.splice(i..=i, split);
            left = 0;
        }
        if left > 0 {
            let full = left / per_empty;
            let rem = left % per_empty;
            if full > 0 {
                runs.push(Run {
                    room: empty.minus(task, per_empty),
                    count: full,
                });
            }
            if rem > 0 {
                runs.push(Run {
                    room: empty.minus(task, rem),
                    count: 1,
                });
            }
        }
    }
    Ok(runs.iter().map(|r| r.count).fold(0u64, u64::saturating_add))
}

/// Instances of one node type that `tasks` (task sizes with their counts, one entry per
/// service) need under `placement`.
///
/// # Errors
/// [`PackError::TaskTooLarge`] naming the task size and the node's allocatable when a
/// task (with a non-zero count) fits on no empty instance; [`PackError::NoZones`] or
/// [`PackError::TooManyZones`] for a spread over 0 or more than [`MAX_ZONES`] zones
/// ([`Placement::check`]);
/// [`PackError::TooManyInstances`] past `u32::MAX`.
///
/// ```
/// use spotsim::workload::{instances_needed, Allocatable, Placement, TaskRequest};
/// let node = Allocatable { cpu_millis: 4000, memory_mib: 16_384, max_tasks: None };
/// let one_vcpu = TaskRequest { cpu_millis: 1000, memory_mib: 1024 };
/// assert_eq!(instances_needed(&[(one_vcpu, 4)], node, Placement::Binpack)?, 1);
/// // Spread over 3 zones puts 2, 1 and 1 tasks in the zones: 3 instances.
/// assert_eq!(instances_needed(&[(one_vcpu, 4)], node, Placement::Spread { zones: 3 })?, 3);
///
/// let huge = TaskRequest { cpu_millis: 8000, memory_mib: 1024 };
/// assert_eq!(
///     instances_needed(&[(huge, 1)], node, Placement::Binpack).unwrap_err().to_string(),
///     "a task of 8 vCPU / 1024 MiB fits on no instance: one offers 4 vCPU / 16384 MiB"
/// );
/// # Ok::<(), spotsim::workload::PackError>(())
/// ```
pub fn instances_needed(
    tasks: &[(TaskRequest, u32)],
    node: Allocatable,
    placement: Placement,
) -> Result<u32, PackError> {
    let n = match placement {
        Placement::Binpack => {
            let all: Vec<(TaskRequest, u64)> =
                tasks.iter().map(|&(t, n)| (t, u64::from(n))).collect();
            ffd(&all, node)?
        }
        Placement::Spread { zones } => {
            placement.check()?;
            let z = u64::from(zones);
            let mut per_zone: Vec<Vec<(TaskRequest, u64)>> = vec![Vec::new(); zones as usize];
            let mut next = 0u64;
            for &(task, n) in tasks {
                let n = u64::from(n);
                let (base, extra) = (n / z, n % z);
                for (j, zone) in per_zone.iter_mut().enumerate() {
                    // Zone j takes an extra task when it is among the `extra` zones
                    // starting at `next`.
                    let k = (j as u64 + z - next) % z;
                    let c = base + u64::from(k < extra);
                    if c > 0 {
                        zone.push((task, c));
                    }
                }
                next = (next + extra) % z;
            }
            // Every task must fit even where a zone has none of it.
            for &(task, n) in tasks {
                if n > 0 && node.fits(task) == 0 {
                    return Err(PackError::TaskTooLarge { task, node });
                }
            }
            let mut sum = 0u64;
            for zone in &per_zone {
                sum = sum.saturating_add(ffd(zone, node)?);
            }
            // Never fewer than binpack (see `Placement::Spread`).
            let all: Vec<(TaskRequest, u64)> =
                tasks.iter().map(|&(t, n)| (t, u64::from(n))).collect();
            sum.max(ffd(&all, node)?)
        }
    };
    u32::try_from(n).map_err(|_| PackError::TooManyInstances)
}

/// Compares two fractions `(num, den)` with positive denominators.
pub(super) fn cmp_share(a: (u64, u64), b: (u64, u64)) -> Ordering {
    (u128::from(a.0) * u128::from(b.1)).cmp(&(u128::from(b.0) * u128::from(a.1)))
}
