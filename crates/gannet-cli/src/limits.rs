//! `--fuel` and `--max-memory`.
//!
//! PENDING ENGINE API: these need `Config::consume_fuel`, `Store::set_fuel`,
//! `StoreLimitsBuilder` and `Store::set_limits`, which are not in this build's `gannet`
//! yet. Until they are, both options are refused with an error instead of being ignored,
//! so nobody believes a program ran under a limit it did not have. The rest of `run` only
//! calls the two functions below.

use gannet::{Config, Store};

use crate::failure::Failure;

/// The resource limits asked for on the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub fuel: Option<u64>,
    pub max_memory: Option<u64>,
}

fn unsupported(option: &str) -> Failure {
    Failure::error(format!("{option} is not supported yet: this build's engine cannot limit it"))
}

/// Engine settings the limits need; called before the engine is created.
pub fn configure(_config: &mut Config, limits: Limits) -> Result<(), Failure> {
    if limits.fuel.is_some() {
        return Err(unsupported("--fuel"));
    }
    if limits.max_memory.is_some() {
        return Err(unsupported("--max-memory"));
    }
    Ok(())
}

/// Store settings the limits need; called before anything is instantiated in `store`.
pub fn apply<T>(_store: &mut Store<T>, _limits: Limits) -> Result<(), Failure> {
    Ok(())
}
