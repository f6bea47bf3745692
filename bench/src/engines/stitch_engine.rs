//! makepad-stitch 0.1. It has no configuration: it validates the whole module when it
//! is created and compiles each function on its first call (so the driver's untimed
//! warm-up call absorbs that compilation).

use super::{Loaded, Runner, error_chain};
use makepad_stitch::{Engine, Func, Linker, Module, Store, Val};

pub struct StitchRunner {
    engine: Engine,
}

impl StitchRunner {
    pub fn new() -> Self {
        StitchRunner { engine: Engine::new() }
    }
}

struct StitchLoaded {
    store: Store,
    run: Func,
}

impl Runner for StitchRunner {
    fn load(&mut self, wasm: &[u8]) -> Result<Box<dyn Loaded>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| error_chain(&e))?;
        let mut store = Store::new(self.engine.clone());
        let linker = Linker::new();
        let instance = linker.instantiate(&mut store, &module).map_err(|e| error_chain(&e))?;
        let run = instance.exported_func("run").ok_or("no exported function `run`")?;
        Ok(Box::new(StitchLoaded { store, run }))
    }
}

impl Loaded for StitchLoaded {
    fn call(&mut self, n: i32) -> Result<i64, String> {
        let mut results = [Val::I64(0)];
        self.run.call(&mut self.store, &[Val::I32(n)], &mut results).map_err(|e| error_chain(&e))?;
        results[0].to_i64().ok_or_else(|| "`run` did not return an i64".to_string())
    }
}
