//! Configuration and the engine shared by modules and stores.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::types::FuncType;

pub use wasmparser::WasmFeatures;

/// When function bodies are validated and translated to Gannet's IR.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum CompilationMode {
    /// Validate and translate each function on its first call: the fastest start-up. An
    /// invalid function body is reported when it is first called.
    #[default]
    Lazy,
    /// Validate every function when the module is created, translate on first call.
    LazyTranslation,
    /// Validate and translate every function when the module is created.
    Eager,
}

/// Settings for an [`Engine`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) features: WasmFeatures,
    pub(crate) compilation_mode: CompilationMode,
    pub(crate) max_call_depth: usize,
    pub(crate) max_stack_slots: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: WasmFeatures::WASM2 | WasmFeatures::TAIL_CALL,
            compilation_mode: CompilationMode::Lazy,
            max_call_depth: 100_000,
            max_stack_slots: 8 * 1024 * 1024,
        }
    }
}

impl Config {
    /// The default configuration: WebAssembly 2.0 plus tail calls, lazy compilation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Selects the WebAssembly features modules may use.
    pub fn wasm_features(&mut self, features: WasmFeatures) -> &mut Self {
        self.features = features;
        self
    }

    /// Enables or disables the tail-call proposal.
    pub fn wasm_tail_call(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::TAIL_CALL, enable);
        self
    }

    /// Chooses when function bodies are validated and translated.
    pub fn compilation_mode(&mut self, mode: CompilationMode) -> &mut Self {
        self.compilation_mode = mode;
        self
    }

    /// The deepest guest call nesting allowed before a `call stack exhausted` trap.
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Self {
        self.max_call_depth = depth.max(1);
        self
    }

    /// The most 64-bit value slots all active guest frames may use together; beyond it a
    /// call traps with `call stack exhausted`.
    pub fn max_stack_slots(&mut self, slots: usize) -> &mut Self {
        self.max_stack_slots = slots.max(1024);
        self
    }
}

/// Interns function types so that a type check is one integer comparison.
#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

pub(crate) struct EngineInner {
    pub(crate) config: Config,
    types: Mutex<TypeRegistry>,
}

/// Compiles and runs WebAssembly; shared by every [`Module`](crate::Module) and
/// [`Store`](crate::Store) made with it. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default())
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.config).finish()
    }
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: &Config) -> Self {
        Engine { inner: Arc::new(EngineInner { config: config.clone(), types: Mutex::default() }) }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Is `other` the same engine?
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The engine-wide identifier of a function type: equal types get equal ids.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut registry = self.inner.types.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(&id) = registry.ids.get(ty) {
            return id;
        }
        let id = registry.types.len() as u32;
        registry.types.push(ty.clone());
        registry.ids.insert(ty.clone(), id);
        id
    }
}
