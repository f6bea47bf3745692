//! GC and exception handling, which wasmi (the differential oracle) does not run: a
//! `wasm-smith` module using them is compiled eagerly (every body translated, with its
//! stack maps), instantiated and run with a collection before every allocation
//! (`Config::gc_stress`), so a reference the collector fails to see loses its object at
//! once. Nothing may panic.

use arbitrary::Unstructured;
use gannet::{CompilationMode, Config, Engine};

use crate::{differential, instantiate};

/// The engine: as [`instantiate::engine`], with GC stress.
pub fn engine() -> Engine {
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::Eager).consume_fuel(true).max_call_depth(10_000).gc_stress(true);
    Engine::new(&config)
}

/// A module from the start of `u`: the differential target's configuration with GC
/// and exceptions on, and a few imports.
pub fn generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut config = differential::smith_config(u)?;
    config.gc_enabled = true;
    config.exceptions_enabled = true;
    config.max_imports = 4;
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

/// Runs one input on `engine` (from [`engine`]); `None` if no module could be generated.
pub fn run(engine: &Engine, data: &[u8]) -> Option<instantiate::Outcome> {
    let module = generate(&mut Unstructured::new(data)).ok()?;
    Some(instantiate::run_with(engine, &module))
}
