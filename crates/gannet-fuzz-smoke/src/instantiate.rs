//! Arbitrary bytes → decode, validate, translate every body, instantiate with dummy
//! imports, call every exported function. Nothing may panic, and everything stays within
//! the fuel and store limits set here.

use gannet::{
    CompilationMode, Config, Engine, Extern, ExternType, Func, Global, Instance, Memory, Module, Store,
    StoreLimitsBuilder, Table, Val,
};

/// Fuel for the start function, and again for each exported function.
pub const FUEL: u64 = 20_000;

/// The largest memory (in bytes) and table a store in these targets may have.
pub const MEMORY_LIMIT: usize = 16 << 20;
/// The most elements a table may have.
pub const TABLE_LIMIT: usize = 100_000;
/// The most bytes a store's GC objects may take.
pub const GC_HEAP_LIMIT: usize = 64 << 20;

/// What happened to one input, for the smoke tests' statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The module decoded and validated.
    pub compiled: bool,
    /// It instantiated.
    pub instantiated: bool,
    /// Exported functions called.
    pub calls: usize,
}

/// The engine the target uses: eager compilation (so every body is validated and
/// translated), fuel, and a call depth small enough for quick recursion traps.
pub fn engine() -> Engine {
    let mut config = Config::new();
    config
        .compilation_mode(CompilationMode::Eager)
        .consume_fuel(true)
        .max_call_depth(10_000)
        .wasm_wide_arithmetic(true)
        .wasm_custom_page_sizes(true);
    Engine::new(&config)
}

/// A store with the fuzz targets' limits.
pub fn store<T>(engine: &Engine, data: T) -> Store<T> {
    let mut store = Store::new(engine, data);
    store.set_limits(
        StoreLimitsBuilder::new()
            .memory_size(MEMORY_LIMIT)
            .table_elements(TABLE_LIMIT)
            .gc_heap_size(GC_HEAP_LIMIT)
            .instances(10)
            .memories(10)
            .tables(10)
            .build(),
    );
    store
}

/// An import of each type `module` asks for: functions return zeros, globals hold zero,
/// tables are null-filled, memories zeroed. Fails if the store limits refuse one.
pub fn dummy_imports<T: 'static>(store: &mut Store<T>, module: &Module) -> gannet::Result<Vec<Extern>> {
    let mut imports = Vec::new();
    for (_, _, ty) in module.imports() {
        imports.push(match ty {
            ExternType::Func(ty) => Extern::Func(Func::new(&mut *store, ty.clone(), |_, _, results| {
                for result in results.iter_mut() {
                    *result = Val::default_for(result.ty());
                }
                Ok(())
            })),
            ExternType::Global(ty) => Extern::Global(Global::new(&mut *store, *ty, Val::default_for(ty.content()))?),
            ExternType::Table(ty) => Extern::Table(Table::new(&mut *store, *ty, Val::default_for(ty.element()))?),
            ExternType::Memory(ty) => Extern::Memory(Memory::new(&mut *store, *ty)?),
            ExternType::Tag(ty) => Extern::Tag(gannet::Tag::new(&mut *store, ty)),
            other => return Err(gannet::Error::Usage(format!("no dummy import of type {other}"))),
        });
    }
    Ok(imports)
}

/// Runs one input; returns what got how far. Panics only on an engine bug.
pub fn run(bytes: &[u8]) -> Outcome {
    run_with(&engine(), bytes)
}

/// [`run`] on an engine of the caller's (see [`engine`] for what the limits assume).
pub fn run_with(engine: &Engine, bytes: &[u8]) -> Outcome {
    let mut outcome = Outcome::default();
    let Ok(module) = Module::from_binary(engine, bytes) else {
        return outcome;
    };
    outcome.compiled = true;
    // Everything a module reports about itself must be printable without panicking.
    for (_, _, ty) in module.imports() {
        let _ = format!("{ty:?}");
    }
    for (name, ty) in module.exports() {
        let _ = format!("{name}{ty:?}");
    }
    for index in 0..module.num_functions().min(64) {
        let _ = module.disassemble(index);
    }

    let mut store = store(engine, ());
    store.set_fuel(FUEL).expect("fuel is enabled");
    let Ok(imports) = dummy_imports(&mut store, &module) else {
        return outcome;
    };
    let Ok(instance) = Instance::new(&mut store, &module, &imports) else {
        return outcome;
    };
    outcome.instantiated = true;
    for (_, export) in instance.exports(&store) {
        let Extern::Func(func) = export else { continue };
        let ty = func.ty(&store);
        let params: Vec<Val> = ty.params().iter().map(|ty| Val::default_for(*ty)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|ty| Val::default_for(*ty)).collect();
        store.set_fuel(FUEL).expect("fuel is enabled");
        let _ = func.call(&mut store, &params, &mut results);
        outcome.calls += 1;
    }
    outcome
}
