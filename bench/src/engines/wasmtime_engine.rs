//! Wasmtime 48 with either Cranelift generating native code (optimising for speed,
//! signals-based bounds checks: the defaults, and its fastest) or Cranelift generating
//! bytecode for the Pulley interpreter (`Config::target("pulley64")`). Compilation is
//! parallel (the default), no cache, no fuel, no epoch interruption. Exception handling
//! and GC are enabled (both need Wasmtime's `gc` feature; its collector is the default,
//! `gc-drc`, deferred reference counting with a cycle collector).

use super::{Loaded, Runner};
use wasmtime::{Config, Engine, Instance, Module, OptLevel, Store, Strategy, TypedFunc};

pub struct WasmtimeRunner {
    engine: Engine,
}

impl WasmtimeRunner {
    pub fn new(pulley: bool) -> Result<Self, String> {
        let mut config = Config::new();
        config
            .strategy(Strategy::Cranelift)
            .cranelift_opt_level(OptLevel::Speed)
            .parallel_compilation(true)
            .wasm_tail_call(true)
            .wasm_simd(true)
            .wasm_exceptions(true)
            .wasm_function_references(true)
            .wasm_gc(true);
        if pulley {
            config.target("pulley64").map_err(|e| format!("{e:#}"))?;
        }
        let engine = Engine::new(&config).map_err(|e| format!("{e:#}"))?;
        Ok(WasmtimeRunner { engine })
    }
}

struct WasmtimeLoaded {
    store: Store<()>,
    run: TypedFunc<i32, i64>,
}

impl Runner for WasmtimeRunner {
    fn load(&mut self, wasm: &[u8]) -> Result<Box<dyn Loaded>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| format!("{e:#}"))?;
        let mut store = Store::new(&self.engine, ());
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| format!("{e:#}"))?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, "run").map_err(|e| format!("{e:#}"))?;
        Ok(Box::new(WasmtimeLoaded { store, run }))
    }
}

impl Loaded for WasmtimeLoaded {
    fn call(&mut self, n: i32) -> Result<i64, String> {
        self.run.call(&mut self.store, n).map_err(|e| format!("{e:#}"))
    }
}
