//! wasmi 2, in its fastest configuration: built with `auto-dispatch` (tail-call handler
//! dispatch on x86-64 release builds) and without `memory64` (which its docs say costs
//! load/store codegen), fuel metering off (the default), eager compilation so the load
//! time includes all translation. Its `simd` crate feature is on, for the SIMD programs
//! (it also enables relaxed-simd, which no program uses).

use super::{Loaded, Runner};
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, TypedFunc};

pub struct WasmiRunner {
    engine: Engine,
}

impl WasmiRunner {
    pub fn new(lazy: bool) -> Self {
        let mode = if lazy { CompilationMode::Lazy } else { CompilationMode::Eager };
        let mut config = Config::default();
        config.compilation_mode(mode).consume_fuel(false).wasm_tail_call(true).wasm_simd(true);
        WasmiRunner { engine: Engine::new(&config) }
    }
}

struct WasmiLoaded {
    store: Store<()>,
    run: TypedFunc<i32, i64>,
}

impl Runner for WasmiRunner {
    fn load(&mut self, wasm: &[u8]) -> Result<Box<dyn Loaded>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        let mut store = Store::new(&self.engine, ());
        let linker = Linker::<()>::new(&self.engine);
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run").map_err(|e| e.to_string())?;
        Ok(Box::new(WasmiLoaded { store, run }))
    }
}

impl Loaded for WasmiLoaded {
    fn call(&mut self, n: i32) -> Result<i64, String> {
        self.run.call(&mut self.store, n).map_err(|e| e.to_string())
    }
}
