//! `--fuel` and `--max-memory`.

use gannet::{Config, Store, StoreLimitsBuilder};

use crate::failure::Failure;

/// The resource limits asked for on the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub fuel: Option<u64>,
    pub max_memory: Option<u64>,
}

/// Engine settings the limits need; called before the engine is created. Fuel is only
/// switched on when asked for, since counting it costs instructions in every function.
pub fn configure(config: &mut Config, limits: Limits) {
    if limits.fuel.is_some() {
        config.consume_fuel(true);
    }
}

/// Store settings the limits need; called before anything is instantiated in `store`.
pub fn apply<T>(store: &mut Store<T>, limits: Limits) -> Result<(), Failure> {
    if let Some(fuel) = limits.fuel {
        store.set_fuel(fuel).map_err(|error| Failure::from_gannet(error, "--fuel"))?;
    }
    if let Some(bytes) = limits.max_memory {
        // Beyond the address space, a limit is the same as none.
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        store.set_limits(StoreLimitsBuilder::new().memory_size(bytes).build());
    }
    Ok(())
}
