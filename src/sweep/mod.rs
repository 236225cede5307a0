//! Sweeps (work in progress).
