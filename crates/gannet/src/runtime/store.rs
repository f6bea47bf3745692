//! The store: owner of every runtime object, and the host data `T`.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::runtime::gc::{GcHeap, GcStats};
use crate::runtime::limits::StoreLimits;
use crate::runtime::memory::LinearMemory;
use crate::types::{FuncType, GlobalType, TableType};
use crate::values::Val;

/// Signature of a host function stored in a `Store<T>`.
pub(crate) type HostFn<T> = dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync;

pub(crate) enum FuncKind {
    /// Function `index` (module-wide) of store instance `instance`.
    Wasm { instance: u32, index: u32 },
    /// Host function `index` of the store's host functions, of type `ty`.
    Host { index: u32, ty: FuncType },
}

/// A function of the store. A WebAssembly function's type is its module's (see
/// `StoreInner::func_type`): instantiating a module with many functions does not copy
/// a type per function.
pub(crate) struct FuncEntity {
    /// Engine-wide id of the function's type.
    pub(crate) type_id: u32,
    pub(crate) kind: FuncKind,
}

pub(crate) struct TableEntity {
    pub(crate) ty: TableType,
    /// Raw references: 0 is null, otherwise a store index plus one.
    pub(crate) elements: Vec<u64>,
}

impl TableEntity {
    /// Grows by `delta` elements set to `init`; returns the old size, or `None` if the
    /// maximum or the store's limits would be exceeded.
    fn grow(&mut self, delta: u64, init: u64, limits: &StoreLimits) -> Option<u64> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta)?;
        if self.ty.maximum().is_some_and(|max| new > max)
            || new > MAX_TABLE_ELEMENTS as u64
            || (delta > 0 && limits.check_table(new).is_err())
        {
            return None;
        }
        self.elements.resize(new as usize, init);
        Some(old)
    }
}

/// Tables larger than this are refused, so a guest cannot exhaust host memory.
pub(crate) const MAX_TABLE_ELEMENTS: usize = 10_000_000;

pub(crate) struct TagEntity {
    /// The payload's types, as a function type without results.
    pub(crate) ty: FuncType,
    /// Engine-wide index of `ty`, for matching imports.
    pub(crate) type_id: u32,
}

/// A thrown exception: its tag (a store index) and payload (slots, as in a frame).
pub(crate) struct ExceptionObject {
    pub(crate) tag: u32,
    pub(crate) payload: Box<[u64]>,
    /// Whether an `exnref` to it was ever handed out; if not, catching it without a
    /// reference frees it.
    pub(crate) referenced: bool,
    /// Whether the host was given a handle to it (an uncaught exception, or an `exnref`
    /// value): it then stays for the store's life. Set through shared borrows too
    /// (`Global::get` hands out values from a `&Store`).
    pub(crate) pinned: std::sync::atomic::AtomicBool,
    /// Collector state: reached in the current collection; its place is free.
    pub(crate) marked: bool,
    pub(crate) freed: bool,
}

impl ExceptionObject {
    /// May the collector free it once no `exnref` reaches it?
    pub(crate) fn collectable(&self) -> bool {
        self.referenced && !self.pinned.load(Ordering::Relaxed) && !self.freed
    }
}

pub(crate) struct GlobalEntity {
    pub(crate) ty: GlobalType,
    /// Raw bits (`Val::to_raw`): a scalar in the low 64 bits, as in a frame slot.
    pub(crate) value: u128,
}

/// An instantiated module's view of the store.
pub(crate) struct InstanceData {
    pub(crate) module: Module,
    /// Store indices of the instance's functions, tables, memories, globals and tags, in the
    /// module's index spaces.
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    pub(crate) tags: Vec<u32>,
    /// Each data segment's bytes in the module binary (empty once dropped).
    pub(crate) datas: Vec<std::ops::Range<usize>>,
    /// Each element segment's raw references (empty once dropped).
    pub(crate) elems: Vec<Vec<u64>>,
    pub(crate) exports: Vec<(String, crate::Extern)>,
}

/// Everything in a store except the host data; what the interpreter works on.
pub(crate) struct StoreInner {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) memories: Vec<LinearMemory>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) tags: Vec<TagEntity>,
    /// Exceptions in flight or referenced (`exnref`), and the free places in the list.
    pub(crate) exceptions: Vec<ExceptionObject>,
    pub(crate) free_exceptions: Vec<u32>,
    /// `throw` collects garbage when this many exceptions are live (see `exec::gc`).
    pub(crate) exception_threshold: usize,
    pub(crate) instances: Vec<InstanceData>,
    pub(crate) externrefs: Vec<Box<dyn Any + Send + Sync>>,
    /// Structs and arrays; created by the first allocation.
    pub(crate) gc: Option<Box<GcHeap>>,
    /// Fuel left; only consulted when the engine consumes fuel.
    pub(crate) fuel: u64,
    pub(crate) limits: StoreLimits,
    /// The engine's interrupt count when the running top-level call started.
    pub(crate) interrupt_epoch: u64,
    /// Executors alive on this store: more than one when host functions call back in.
    /// Only a top-level call (the first executor) takes a new `interrupt_epoch`.
    pub(crate) executors: u32,
    /// Where the native stack was when the outermost executor started; nested calls
    /// from host functions measure their depth from it.
    pub(crate) native_stack_base: usize,
}

impl StoreInner {
    /// The type of store function `func`.
    pub(crate) fn func_type(&self, func: u32) -> &FuncType {
        match &self.funcs[func as usize].kind {
            FuncKind::Wasm { instance, index } => self.instances[*instance as usize].module.inner.func_type(*index),
            FuncKind::Host { ty, .. } => ty,
        }
    }
    /// Grows store memory `index` by `delta` pages within its maximum and the store's
    /// limits; returns the old size in pages.
    pub(crate) fn grow_memory(&mut self, index: usize, delta: u64) -> Option<u64> {
        let memory = &mut self.memories[index];
        if delta > 0
            && self.limits.check_memory(memory.pages().saturating_add(delta), memory.ty().page_size_log2()).is_err()
        {
            return None;
        }
        memory.grow(delta)
    }

    /// Creates a tag whose payload has the parameter types of `ty` (engine index
    /// `type_id`); returns its index.
    pub(crate) fn new_tag(&mut self, ty: FuncType, type_id: u32) -> u32 {
        self.tags.push(TagEntity { ty, type_id });
        self.tags.len() as u32 - 1
    }

    /// Pins the exceptions that `values` (about to be handed to the host) refer to: the
    /// collector cannot know when the host is done with them.
    pub(crate) fn pin_exceptions(&self, values: &[Val]) {
        for value in values {
            if let Val::ExnRef(Some(r)) = value
                && let Some(exception) = self.exceptions.get(r.index as usize)
            {
                exception.pinned.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Stores a new exception; returns its index.
    pub(crate) fn new_exception(&mut self, tag: u32, payload: Box<[u64]>) -> u32 {
        let exception =
            ExceptionObject { tag, payload, referenced: false, pinned: false.into(), marked: false, freed: false };
        match self.free_exceptions.pop() {
            Some(index) => {
                self.exceptions[index as usize] = exception;
                index
            }
            None => {
                self.exceptions.push(exception);
                self.exceptions.len() as u32 - 1
            }
        }
    }

    /// The GC heap, created on first use.
    pub(crate) fn gc_heap(&mut self) -> &mut GcHeap {
        crate::runtime::gc::heap_in(&mut self.gc, &self.limits)
    }

    /// Raw words that may keep heap objects or exceptions alive and are not in an
    /// executor's frames: globals, tables, element segments and the exceptions that are
    /// not only reachable through `exnref`s (the interpreter adds the frames, see
    /// `exec::gc`).
    pub(crate) fn gc_roots(&self, mut visit: impl FnMut(u64)) {
        let traced = |ty: crate::types::ValType| crate::runtime::gc::is_traced(crate::registry::StorageType::Val(ty));
        for global in &self.globals {
            if traced(global.ty.content()) {
                visit(global.value as u64);
            }
        }
        for table in &self.tables {
            if traced(table.ty.element()) {
                table.elements.iter().for_each(|&raw| visit(raw));
            }
        }
        for instance in &self.instances {
            instance.elems.iter().flatten().for_each(|&raw| visit(raw));
        }
        // Exceptions only `exnref`s refer to are reached through them; the others (in
        // flight, or held by the host) are roots.
        for (index, exception) in self.exceptions.iter().enumerate() {
            if !exception.freed && !exception.collectable() {
                visit(crate::runtime::gc::exn_raw(index as u32));
            }
        }
    }

    /// Grows store table `index` by `delta` elements set to `init`, within its maximum and
    /// the store's limits; returns the old size.
    pub(crate) fn grow_table(&mut self, index: usize, delta: u64, init: u64) -> Option<u64> {
        self.tables[index].grow(delta, init, &self.limits)
    }
}

/// What the interpreter needs from a `Store<T>` without knowing `T`.
pub(crate) trait HostContext {
    fn store(&mut self) -> &mut StoreInner;
    /// Calls store function `func`, which must be a host function, on behalf of store
    /// instance `caller` (`None` when called from the embedder).
    fn call_host(&mut self, func: u32, caller: Option<u32>, params: &[Val], results: &mut [Val]) -> Result<()>;
}

/// Owns all WebAssembly objects (instances, functions, memories, tables, globals) and the
/// host's data `T`. Objects are handles into their store and only valid with it.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    host_funcs: Vec<Arc<HostFn<T>>>,
    data: T,
}

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

impl<T> Store<T> {
    /// A new, empty store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                tables: Vec::new(),
                memories: Vec::new(),
                globals: Vec::new(),
                tags: Vec::new(),
                exceptions: Vec::new(),
                free_exceptions: Vec::new(),
                exception_threshold: crate::exec::gc::MIN_EXCEPTIONS_BETWEEN_COLLECTIONS,
                instances: Vec::new(),
                externrefs: Vec::new(),
                gc: None,
                fuel: 0,
                limits: StoreLimits::default(),
                interrupt_epoch: 0,
                executors: 0,
                native_stack_base: 0,
            },
            host_funcs: Vec::new(),
            data,
        }
    }

    /// The engine this store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the host data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the fuel left for guest code to `fuel` units; see [`Config::consume_fuel`] for
    /// what costs how much. Fails unless the engine was configured to consume fuel.
    ///
    /// [`Config::consume_fuel`]: crate::Config::consume_fuel
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.check_fuel_enabled()?;
        self.inner.fuel = fuel;
        Ok(())
    }

    /// The fuel left. Fails unless the engine was configured to consume fuel.
    pub fn get_fuel(&self) -> Result<u64> {
        self.check_fuel_enabled()?;
        Ok(self.inner.fuel)
    }

    fn check_fuel_enabled(&self) -> Result<()> {
        if self.inner.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::usage("fuel is not enabled: the engine's Config must set consume_fuel(true)"))
        }
    }

    /// Installs resource limits for memories, tables and instances created or grown from
    /// now on; see [`StoreLimits`].
    pub fn set_limits(&mut self, limits: StoreLimits) {
        if let Some(heap) = &mut self.inner.gc {
            heap.limit = limits.gc_heap_size.unwrap_or(usize::MAX);
        }
        self.inner.limits = limits;
    }

    /// What the garbage collector did so far (all zero while nothing was allocated).
    pub fn gc_stats(&self) -> GcStats {
        self.inner.gc.as_ref().map(|heap| heap.stats).unwrap_or_default()
    }

    /// Collects garbage now. Objects the host holds only through [`AnyRef`](crate::AnyRef)
    /// handles are not roots: keep what the host needs in a global or table.
    pub fn gc(&mut self) {
        crate::exec::gc::collect_from_host(&mut self.inner);
    }

    pub(crate) fn add_host_func(&mut self, ty: FuncType, func: Arc<HostFn<T>>) -> u32 {
        let index = self.host_funcs.len() as u32;
        self.host_funcs.push(func);
        let type_id = self.inner.engine.type_id(&ty);
        self.inner.funcs.push(FuncEntity { type_id, kind: FuncKind::Host { index, ty } });
        self.inner.funcs.len() as u32 - 1
    }

    pub(crate) fn inner_and_data_mut(&mut self) -> (&mut StoreInner, &mut T) {
        (&mut self.inner, &mut self.data)
    }

    pub(crate) fn check_id(&self, id: u64) -> Result<()> {
        if id == self.inner.id { Ok(()) } else { Err(Error::usage("object used with a store it does not belong to")) }
    }
}

impl<T> HostContext for Store<T> {
    fn store(&mut self) -> &mut StoreInner {
        &mut self.inner
    }

    fn call_host(&mut self, func: u32, caller: Option<u32>, params: &[Val], results: &mut [Val]) -> Result<()> {
        let FuncKind::Host { index, .. } = self.inner.funcs[func as usize].kind else {
            return Err(Error::usage("not a host function"));
        };
        let host = self.host_funcs[index as usize].clone();
        host(Caller { store: &mut *self, instance: caller }, params, results)?;
        // What the host returns must fit the declared types, or the guest's invariants
        // (e.g. a non-null reference to a function of a given type) would not hold.
        let ty = self.inner.func_type(func);
        for (i, (result, &expected)) in results.iter().zip(ty.results()).enumerate() {
            if !result.belongs_to(self.inner.id) || !result.matches_in(&self.inner, expected) {
                return Err(Error::usage(format!(
                    "host function returned {result:?} as result {i}, which must be a {expected}"
                )));
            }
        }
        Ok(())
    }
}

/// A host function's access to its store while it is called from WebAssembly.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    /// Store index of the calling instance, if WebAssembly made the call.
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The store itself, e.g. to call back into WebAssembly.
    pub fn store(&mut self) -> &mut Store<T> {
        self.store
    }

    /// The export `name` of the calling instance (e.g. its `memory`), if WebAssembly made
    /// this call and the instance has such an export.
    pub fn get_export(&self, name: &str) -> Option<crate::Extern> {
        let instance = crate::Instance { store: self.store.inner.id, index: self.instance? };
        instance.get_export(&*self.store, name)
    }
}

/// Anything that gives access to a store: `Store<T>`, `&mut Store<T>` or a `Caller`.
pub trait AsContext {
    /// The host data type.
    type Data;
    /// The store.
    fn as_store(&self) -> &Store<Self::Data>;
}

/// Mutable access to a store.
pub trait AsContextMut: AsContext {
    /// The store, mutably.
    fn as_store_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_store(&self) -> &Store<T> {
        self
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_store_mut(&mut self) -> &mut Store<T> {
        self
    }
}
impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    fn as_store(&self) -> &Store<S::Data> {
        (**self).as_store()
    }
}
impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    fn as_store(&self) -> &Store<S::Data> {
        (**self).as_store()
    }
}
impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    fn as_store_mut(&mut self) -> &mut Store<S::Data> {
        (**self).as_store_mut()
    }
}
impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_store(&self) -> &Store<T> {
        self.store
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_store_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Engine, Instance, Module, Store, WasmFeatures};

    #[test]
    fn exceptions_caught_without_a_reference_give_their_place_back() {
        let mut config = Config::new();
        config.wasm_features(WasmFeatures::WASM3.difference(WasmFeatures::THREADS));
        let engine = Engine::new(&config);
        let mut store = Store::new(&engine, ());
        let module = Module::new(
            &engine,
            r#"(module (tag $e (param i64))
                (func (export "plain") (block $h (result i64) (try_table (catch $e $h) (throw $e (i64.const 1)))
                    (return)) (drop))
                (func (export "with_ref") (block $h (result i64 exnref)
                    (try_table (catch_ref $e $h) (throw $e (i64.const 1))) (return)) (drop) (drop)))"#,
        )
        .unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let plain = instance.get_typed_func::<(), ()>(&mut store, "plain").unwrap();
        for _ in 0..1000 {
            plain.call(&mut store, ()).unwrap();
        }
        assert_eq!(store.inner.exceptions.len(), 1);
        // An exception handed out as an `exnref` stays until a collection finds it dead.
        let with_ref = instance.get_typed_func::<(), ()>(&mut store, "with_ref").unwrap();
        with_ref.call(&mut store, ()).unwrap();
        with_ref.call(&mut store, ()).unwrap();
        assert_eq!(store.inner.exceptions.len(), 2);
        store.gc();
        assert_eq!(store.inner.free_exceptions.len(), 2);
    }
}
