//! Gannet: a fast WebAssembly interpreter.
//!
//! Modules are decoded and validated with `wasmparser`, each function is translated on
//! first call into a register IR, and that IR runs on a direct-threaded interpreter.
//! The embedding API follows wasmtime's shape:
//!
//! ```
//! use gannet::{Engine, Linker, Module, Store, Caller};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "host" "double" (func $double (param i32) (result i32)))
//!       (func (export "run") (param i32) (result i32)
//!         (call $double (i32.add (local.get 0) (i32.const 1)))))
//! "#)?;
//! let mut store = Store::new(&engine, ());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap(&mut store, "host", "double", |_: Caller<'_, ()>, x: i32| x * 2)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
//! assert_eq!(run.call(&mut store, 20)?, 42);
//! # Ok::<(), gannet::Error>(())
//! ```
#![cfg_attr(feature = "nightly", feature(explicit_tail_calls, rust_preserve_none_cc, fn_align))]
#![cfg_attr(feature = "nightly", allow(incomplete_features))]
#![warn(missing_docs)]

mod engine;
mod error;
mod exec;
mod ir;
mod module;
mod registry;
mod runtime;
mod translate;
mod types;
mod values;

pub use engine::{CompilationMode, Config, Engine, InterruptHandle, WasmFeatures};
pub use error::{Error, FrameInfo, Result, Trap, TrapCode};
pub use exec::profile::OpCounts;
pub use module::Module;
pub use runtime::gc::GcStats;
pub use runtime::instance::Instance;
pub use runtime::limits::{StoreLimits, StoreLimitsBuilder};
pub use runtime::linker::Linker;
pub use runtime::objects::{
    Extern, Func, Global, IntoFunc, IntoResults, Memory, Table, Tag, TypedFunc, WasmParams, WasmResults, WasmTy,
};
pub use runtime::store::{AsContext, AsContextMut, Caller, Store};
pub use types::{
    CompositeKind, ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType, TableType, TagType,
    TypeIndex, ValType,
};
pub use values::{AnyRef, ExnRef, ExternRef, StoreRef, Val};
