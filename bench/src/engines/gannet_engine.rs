//! Gannet, configured to translate every function when the module is created so that
//! the load time includes all of its compilation work (its default is lazy), except for
//! the start-up measurement, which uses the default. Fuel and
//! interrupts stay off (the defaults; the translator then emits no checks at all), except
//! in the `-fuel` variant, which measures what metering costs.

use super::{Loaded, Runner};
use gannet::{CompilationMode, Config, Engine, Linker, Module, Store, TypedFunc};

pub struct GannetRunner {
    engine: Engine,
    fuel: bool,
}

impl GannetRunner {
    pub fn new(fuel: bool, lazy: bool) -> Self {
        let mode = if lazy { CompilationMode::Lazy } else { CompilationMode::Eager };
        let mut config = Config::new();
        config.compilation_mode(mode).wasm_tail_call(true).consume_fuel(fuel).interruptible(false);
        GannetRunner { engine: Engine::new(&config), fuel }
    }
}

struct GannetLoaded {
    store: Store<()>,
    run: TypedFunc<i32, i64>,
}

impl Runner for GannetRunner {
    fn load(&mut self, wasm: &[u8]) -> Result<Box<dyn Loaded>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        let mut store = Store::new(&self.engine, ());
        if self.fuel {
            store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
        }
        let linker = Linker::new(&self.engine);
        let instance = linker.instantiate(&mut store, &module).map_err(|e| e.to_string())?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run").map_err(|e| e.to_string())?;
        Ok(Box::new(GannetLoaded { store, run }))
    }
}

impl Loaded for GannetLoaded {
    fn call(&mut self, n: i32) -> Result<i64, String> {
        self.run.call(&mut self.store, n).map_err(|e| e.to_string())
    }
}
