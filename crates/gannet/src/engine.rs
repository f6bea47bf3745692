//! Configuration and the engine shared by modules and stores.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::exec::profile::OpCounts;
use crate::registry::{Composite, SubType, TypeRegistry};
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
    pub(crate) max_native_stack: usize,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    pub(crate) count_ops: bool,
    pub(crate) gc_stress: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: WasmFeatures::WASM2
                | WasmFeatures::RELAXED_SIMD
                | WasmFeatures::TAIL_CALL
                | WasmFeatures::EXTENDED_CONST
                | WasmFeatures::MULTI_MEMORY
                | WasmFeatures::MEMORY64
                | WasmFeatures::FUNCTION_REFERENCES
                | WasmFeatures::EXCEPTIONS
                | WasmFeatures::GC,
            compilation_mode: CompilationMode::Lazy,
            max_call_depth: 100_000,
            max_stack_slots: 8 * 1024 * 1024,
            max_native_stack: 256 * 1024,
            consume_fuel: false,
            interruptible: false,
            count_ops: false,
            gc_stress: false,
        }
    }
}

impl Config {
    /// The default configuration: WebAssembly 2.0 (SIMD included) plus relaxed SIMD, tail
    /// calls, extended constant expressions, multiple memories, 64-bit memories and
    /// tables, typed function references, exception handling and GC; lazy compilation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Selects the WebAssembly features modules may use.
    pub fn wasm_features(&mut self, features: WasmFeatures) -> &mut Self {
        self.features = features;
        self
    }

    /// Enables or disables the relaxed SIMD proposal (results documented in
    /// `docs/simd.md`; they are the same on every host).
    pub fn wasm_relaxed_simd(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::RELAXED_SIMD, enable);
        self
    }

    /// Enables or disables the wide-arithmetic proposal (`i64.add128`, `i64.sub128`,
    /// `i64.mul_wide_s`, `i64.mul_wide_u`); off by default.
    pub fn wasm_wide_arithmetic(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::WIDE_ARITHMETIC, enable);
        self
    }

    /// Enables or disables 64-bit memories and tables (the memory64 proposal).
    pub fn wasm_memory64(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::MEMORY64, enable);
        self
    }

    /// Enables or disables the custom-page-sizes proposal (memories with 1-byte pages);
    /// off by default.
    pub fn wasm_custom_page_sizes(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::CUSTOM_PAGE_SIZES, enable);
        self
    }

    /// Enables or disables typed function references (`call_ref`, non-nullable and
    /// concrete reference types, `br_on_null` …).
    pub fn wasm_function_references(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::FUNCTION_REFERENCES, enable);
        self
    }

    /// Enables or disables exception handling (`try_table`, `throw`, `throw_ref`, tags,
    /// `exnref`).
    pub fn wasm_exceptions(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::EXCEPTIONS, enable);
        self
    }

    /// Enables or disables garbage-collected structs and arrays, `i31`, casts and the
    /// `any`/`eq` reference hierarchy.
    pub fn wasm_gc(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::GC, enable);
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

    /// The most native stack, in bytes, that calls from host functions back into
    /// WebAssembly may use together (default 256 KiB). Guest-to-guest calls never use
    /// the native stack, but every host function that calls back into the guest nests
    /// one more interpreter on it; a call that would start beyond this budget traps with
    /// `call stack exhausted` instead of overflowing the thread's stack. Keep it well
    /// below the stack size of the threads that run guests.
    pub fn max_native_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_native_stack = bytes;
        self
    }

    /// Counts every IR instruction guest code executes, and every adjacent pair, for
    /// [`Engine::op_counts`]: a profiling aid that shows where interpretation time goes
    /// (and which instruction sequences would be worth fusing). It slows execution down
    /// several times; with it off (the default) nothing is counted and nothing is paid.
    pub fn count_ops(&mut self, enable: bool) -> &mut Self {
        self.count_ops = enable;
        self
    }

    /// Collects garbage before every GC allocation instead of when enough was allocated: a
    /// testing aid that makes any reference the collector fails to see show up at once.
    /// Very slow for programs that allocate much.
    pub fn gc_stress(&mut self, enable: bool) -> &mut Self {
        self.gc_stress = enable;
        self
    }

    /// Makes guest code consume fuel, so that a [`Store`](crate::Store) can bound how much
    /// WebAssembly it runs: see [`Store::set_fuel`](crate::Store::set_fuel). A store
    /// starts with no fuel, and a guest that runs out traps with
    /// [`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel).
    ///
    /// # Accounting
    /// Every operator of a function body costs one unit, except `nop`, `block`, `loop`,
    /// `else` and `end`, which only delimit structure and cost nothing. Host functions
    /// cost nothing either.
    ///
    /// Fuel is charged in advance, once per *region*. A region starts at the function's
    /// entry, at a loop header, at the start of each arm of an `if`, after the `end` of a
    /// loop, and at the `end` of a block or `if` that a branch (or an `if` without `else`)
    /// jumps to; it reaches up to the next region start in the body's text. Entering a
    /// region costs the operators in it, and the region runs only if the store has that
    /// much fuel left; otherwise the guest traps before running any of it, and the store's
    /// fuel drops to zero.
    ///
    /// Only a taken `br_if` or a trap can leave a region before its last operator (other
    /// branches, `return` and `unreachable` end straight-line code), so the fuel consumed
    /// is the number of operators executed, plus the operators that taken `br_if`s and
    /// traps skipped in their regions. For the usual loop shapes, `loop … br_if 0 end` and
    /// `block loop … br_if 1 … br 0 end end`, every iteration but the last costs exactly
    /// the operators it executes.
    ///
    /// With fuel disabled (the default) the translator emits no fuel instructions at
    /// all, so it costs nothing at run time.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Lets an [`InterruptHandle`] stop guest code running in this engine's stores; see
    /// [`Engine::interrupt_handle`]. Guest code checks for an interrupt at every function
    /// entry and loop header, so a running guest notices one within a bounded number of
    /// operators (plus the time of any host function it is in). Disabled by default, in
    /// which case no checks are emitted and they cost nothing.
    pub fn interruptible(&mut self, enable: bool) -> &mut Self {
        self.interruptible = enable;
        self
    }
}

/// Interns function types so that a type check is one integer comparison.
#[derive(Default)]
pub(crate) struct EngineInner {
    pub(crate) config: Config,
    types: Mutex<TypeRegistry>,
    /// How many interrupts were requested; a call is interrupted once it differs from
    /// the value seen when the call started.
    pub(crate) interrupts: Arc<AtomicU64>,
    /// What executed code was counted so far (`Config::count_ops`).
    pub(crate) op_counts: Mutex<OpCounts>,
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
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: Mutex::default(),
                interrupts: Arc::new(AtomicU64::new(0)),
                op_counts: Mutex::default(),
            }),
        }
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Is `other` the same engine?
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The instructions counted so far in this engine's stores, if
    /// [`Config::count_ops`] is enabled (empty otherwise). Counts are added when the
    /// outermost call into the guest returns.
    pub fn op_counts(&self) -> OpCounts {
        self.inner.op_counts.lock().unwrap_or_else(|poison| poison.into_inner()).clone()
    }

    /// A handle that interrupts guest code running in this engine's stores, from any
    /// thread; it only has an effect if [`Config::interruptible`] is enabled.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle { interrupts: self.inner.interrupts.clone() }
    }

    /// The number of interrupts requested so far.
    pub(crate) fn interrupt_count(&self) -> u64 {
        self.inner.interrupts.load(Ordering::Relaxed)
    }

    /// The engine-wide index of a function type declared on its own (final, no
    /// supertype), as host functions have: equal types get equal indices.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let member = SubType { is_final: true, supertype: None, composite: Composite::Func(ty.clone()) };
        self.types().register_group(vec![member])
    }

    /// The engine's type registry.
    pub(crate) fn types(&self) -> MutexGuard<'_, TypeRegistry> {
        self.inner.types.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

/// Interrupts guest code running in the stores of an [`Engine`] made with
/// [`Config::interruptible`]; get one with [`Engine::interrupt_handle`].
///
/// An interrupt applies to the calls that are running when it is requested: each of them
/// traps with [`TrapCode::Interrupted`](crate::TrapCode::Interrupted) at its next check
/// (a function entry or loop header). The rule is tied to top-level calls, those the
/// embedder makes into a store while no other guest code runs there: a top-level call
/// that starts after [`interrupt`](Self::interrupt) has returned is not affected, while
/// calls a host function makes back into WebAssembly belong to the top-level call around
/// them and are interrupted with it. Nothing needs to be reset between calls.
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    interrupts: Arc<AtomicU64>,
}

impl InterruptHandle {
    /// Requests that every guest call running in the engine's stores stop.
    pub fn interrupt(&self) {
        self.interrupts.fetch_add(1, Ordering::Relaxed);
    }
}
