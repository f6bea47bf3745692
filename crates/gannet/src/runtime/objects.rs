//! Handles to a store's objects: functions, globals, tables, memories.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::runtime::limits::StoreLimits;
use crate::runtime::memory::LinearMemory;
use crate::runtime::store::{AsContext, AsContextMut, Caller, GlobalEntity, TableEntity};
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, TagType, ValType};
use crate::values::Val;

/// A function: defined by a WebAssembly instance or by the host.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Func {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Func {
    /// A host function of type `ty` implemented by `func`, which reads `params` and
    /// writes `results` (pre-filled with zeros of the right types).
    pub fn new<T: 'static>(
        store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        Func::from_host(store, ty, Arc::new(func))
    }

    fn from_host<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: Arc<crate::runtime::store::HostFn<T>>,
    ) -> Func {
        let store = store.as_store_mut();
        let index = store.add_host_func(ty, func);
        Func { store: store.inner.id, index }
    }

    /// A host function from a Rust closure with typed parameters and results, e.g.
    /// `|caller: Caller<'_, T>, a: i32, b: i32| -> i32 { a + b }`.
    pub fn wrap<T: 'static, Params, Results>(
        store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = func.into_func();
        Func::from_host(store, ty, host)
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        store.as_store().inner.func_type(self.index).clone()
    }

    /// Calls the function. `results` must have one element per result type.
    pub fn call(&self, mut store: impl AsContextMut, params: &[Val], results: &mut [Val]) -> Result<()> {
        let store = store.as_store_mut();
        store.check_id(self.store)?;
        let ty = store.inner.func_type(self.index);
        let param_types = ty.params();
        if params.len() != param_types.len() || results.len() != ty.results().len() {
            return Err(Error::usage(format!(
                "function of type {ty} called with {} arguments and {} result slots",
                params.len(),
                results.len()
            )));
        }
        for (i, (param, expected)) in params.iter().zip(param_types).enumerate() {
            if !param.belongs_to(self.store) || !param.matches_in(&store.inner, *expected) {
                return Err(Error::usage(format!("argument {i} has type {}, expected {expected}", param.ty())));
            }
        }
        Executor::new(store).invoke(self.index, params, results)
    }

    /// A typed view of this function; fails if the types differ.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>> {
        let ty = self.ty(store);
        let expected = FuncType::new(Params::types(), Results::types());
        if ty != expected {
            return Err(Error::usage(format!("function has type {ty}, expected {expected}")));
        }
        Ok(TypedFunc { func: *self, _types: PhantomData })
    }
}

/// A Rust type that maps to a WebAssembly value type.
pub trait WasmTy: Sized + 'static {
    /// Its WebAssembly type.
    fn val_type() -> ValType;
    /// Converts to a `Val`.
    fn into_val(self) -> Val;
    /// Converts from a `Val` of the right type.
    fn from_val(val: Val) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($($ty:ty => $vt:ident, |$v:ident| $to:expr, |$w:ident| $from:expr;)*) => {$(
        impl WasmTy for $ty {
            fn val_type() -> ValType { ValType::$vt }
            fn into_val(self) -> Val { let $v = self; Val::$vt($to) }
            fn from_val(val: Val) -> Option<Self> { if let Val::$vt($w) = val { Some($from) } else { None } }
        }
    )*};
}
wasm_ty! {
    i32 => I32, |v| v, |w| w;
    u32 => I32, |v| v as i32, |w| w as u32;
    i64 => I64, |v| v, |w| w;
    u64 => I64, |v| v as i64, |w| w as u64;
    f32 => F32, |v| v.to_bits(), |w| f32::from_bits(w);
    f64 => F64, |v| v.to_bits(), |w| f64::from_bits(w);
}

/// Parameter lists of typed functions: tuples of [`WasmTy`].
pub trait WasmParams: Sized {
    /// The parameter types.
    fn types() -> Vec<ValType>;
    /// As values.
    fn into_vals(self) -> Vec<Val>;
    /// From values of the right types.
    fn from_vals(vals: &[Val]) -> Option<Self>;
}

/// Result lists of typed functions: a [`WasmTy`], `()` or tuples.
pub trait WasmResults: WasmParams {}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::val_type()]
    }
    fn into_vals(self) -> Vec<Val> {
        vec![self.into_val()]
    }
    fn from_vals(vals: &[Val]) -> Option<Self> {
        match vals {
            [val] => T::from_val(*val),
            _ => None,
        }
    }
}
impl<T: WasmTy> WasmResults for T {}

macro_rules! wasm_tuples {
    ($(($($name:ident)*))*) => {$(
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::unused_unit)]
        impl<$($name: WasmTy),*> WasmParams for ($($name,)*) {
            fn types() -> Vec<ValType> { vec![$($name::val_type()),*] }
            fn into_vals(self) -> Vec<Val> { let ($($name,)*) = self; vec![$($name.into_val()),*] }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                let mut iter = vals.iter();
                let result = ($($name::from_val(*iter.next()?)?,)*);
                if iter.next().is_some() { return None; }
                Some(result)
            }
        }
        impl<$($name: WasmTy),*> WasmResults for ($($name,)*) {}

        #[allow(non_snake_case)]
        impl<T, F, R, $($name: WasmTy),*> IntoFunc<T, ($($name,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($name),*) -> R + Send + Sync + 'static,
            R: IntoResults,
        {
            fn into_func(self) -> (FuncType, Arc<crate::runtime::store::HostFn<T>>) {
                let ty = FuncType::new(vec![$($name::val_type()),*], R::Values::types());
                let host = move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| -> Result<()> {
                    let ($($name,)*) = <($($name,)*)>::from_vals(params)
                        .ok_or_else(|| Error::usage("host function called with wrong argument types"))?;
                    let values = self(caller, $($name),*).into_results()?;
                    for (slot, value) in results.iter_mut().zip(values.into_vals()) {
                        *slot = value;
                    }
                    Ok(())
                };
                (ty, Arc::new(host))
            }
        }
    )*};
}
wasm_tuples! {
    ()
    (A1)
    (A1 A2)
    (A1 A2 A3)
    (A1 A2 A3 A4)
    (A1 A2 A3 A4 A5)
    (A1 A2 A3 A4 A5 A6)
    (A1 A2 A3 A4 A5 A6 A7)
    (A1 A2 A3 A4 A5 A6 A7 A8)
}

/// What a typed host closure may return: results, or a `Result` of them.
pub trait IntoResults {
    /// The result values.
    type Values: WasmResults;
    /// Converts, propagating an error.
    fn into_results(self) -> Result<Self::Values>;
}
impl<V: WasmResults> IntoResults for V {
    type Values = V;
    fn into_results(self) -> Result<V> {
        Ok(self)
    }
}
impl<V: WasmResults> IntoResults for Result<V> {
    type Values = V;
    fn into_results(self) -> Result<V> {
        self
    }
}

/// Closures that can become host functions; see [`Func::wrap`].
pub trait IntoFunc<T, Params, Results> {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, Arc<crate::runtime::store::HostFn<T>>);
}

/// A function whose parameter and result types are checked once, when it is made.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Calls the function.
    pub fn call(&self, store: impl AsContextMut, params: Params) -> Result<Results> {
        let mut results = vec![Val::I32(0); Results::types().len()];
        self.func.call(store, &params.into_vals(), &mut results)?;
        Results::from_vals(&results).ok_or_else(|| Error::usage("function returned unexpected types"))
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}

/// A global variable.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Global {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Global {
    /// A new global of type `ty` holding `value`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global> {
        let store = store.as_store_mut();
        if !value.belongs_to(store.inner.id) || !value.matches_in(&store.inner, ty.content()) {
            return Err(Error::usage(format!("global of type {} initialised with a {}", ty.content(), value.ty())));
        }
        let raw = value.to_raw(&mut store.inner);
        store.inner.globals.push(GlobalEntity { ty, value: raw });
        Ok(Global { store: store.inner.id, index: store.inner.globals.len() as u32 - 1 })
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        store.as_store().inner.globals[self.index as usize].ty
    }

    /// The current value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_store();
        let global = &store.inner.globals[self.index as usize];
        let value = Val::from_raw_in(global.value, global.ty.content(), store.inner.id, store.inner.gc.as_deref());
        store.inner.pin_exceptions(&[value]);
        value
    }

    /// Sets the value of a mutable global.
    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<()> {
        let store = store.as_store_mut();
        store.check_id(self.store)?;
        let ty = store.inner.globals[self.index as usize].ty;
        if ty.mutability() != Mutability::Var {
            return Err(Error::usage("global is immutable"));
        }
        if !value.belongs_to(store.inner.id) || !value.matches_in(&store.inner, ty.content()) {
            return Err(Error::usage(format!("global of type {} set to a {}", ty.content(), value.ty())));
        }
        let raw = value.to_raw(&mut store.inner);
        store.inner.globals[self.index as usize].value = raw;
        Ok(())
    }
}

/// A table of references.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Table {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of type `ty` with every element set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_store_mut();
        if !init.belongs_to(store.inner.id) || !init.matches_in(&store.inner, ty.element()) {
            return Err(Error::usage("table initial value has the wrong type"));
        }
        let raw = init.to_raw(&mut store.inner) as u64;
        let index = store.inner.new_table(ty, raw)?;
        Ok(Table { store: store.inner.id, index })
    }

    /// The table's type (with its current size as minimum).
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let table = &store.as_store().inner.tables[self.index as usize];
        table.ty.with_limits(table.elements.len() as u64, table.ty.maximum())
    }

    /// The number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        store.as_store().inner.tables[self.index as usize].elements.len() as u64
    }

    /// Element `index`, if in bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let store = store.as_store();
        let table = &store.inner.tables[self.index as usize];
        let raw = *table.elements.get(usize::try_from(index).ok()?)?;
        let value = Val::from_raw_in(raw as u128, table.ty.element(), store.inner.id, store.inner.gc.as_deref());
        store.inner.pin_exceptions(&[value]);
        Some(value)
    }

    /// Sets element `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Val) -> Result<()> {
        let store = store.as_store_mut();
        let element = store.inner.tables[self.index as usize].ty.element();
        if !value.belongs_to(store.inner.id) || !value.matches_in(&store.inner, element) {
            return Err(Error::usage("table element has the wrong type"));
        }
        let raw = value.to_raw(&mut store.inner) as u64;
        let slot = store.inner.tables[self.index as usize]
            .elements
            .get_mut(usize::try_from(index).unwrap_or(usize::MAX))
            .ok_or_else(|| Error::usage("table index out of bounds"))?;
        *slot = raw;
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let store = store.as_store_mut();
        let element = store.inner.tables[self.index as usize].ty.element();
        if !init.belongs_to(store.inner.id) || !init.matches_in(&store.inner, element) {
            return Err(Error::usage("table element has the wrong type"));
        }
        let raw = init.to_raw(&mut store.inner) as u64;
        store.inner.grow_table(self.index as usize, delta, raw).ok_or_else(|| Error::usage("table cannot grow"))
    }
}

/// A linear memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Memory {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Memory {
    /// A new memory of type `ty`.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_store_mut();
        let index = store.inner.new_memory(ty)?;
        Ok(Memory { store: store.inner.id, index })
    }

    /// The memory's type (with its current size as minimum).
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        store.as_store().inner.memories[self.index as usize].ty()
    }

    /// The current size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        store.as_store().inner.memories[self.index as usize].pages()
    }

    /// The current size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        store.as_store().inner.memories[self.index as usize].len()
    }

    /// The memory's contents.
    pub fn data<'a, T: 'a>(&self, store: &'a crate::Store<T>) -> &'a [u8] {
        store.inner.memories[self.index as usize].data()
    }

    /// The memory's contents, mutably.
    pub fn data_mut<'a, T: 'a>(&self, store: &'a mut crate::Store<T>) -> &'a mut [u8] {
        store.inner.memories[self.index as usize].data_mut()
    }

    /// The memory's contents and the store's host data together, so a host function can
    /// move bytes between guest memory and its own state.
    pub fn data_and_store_mut<'a, T: 'a>(&self, store: &'a mut crate::Store<T>) -> (&'a mut [u8], &'a mut T) {
        let (inner, data) = store.inner_and_data_mut();
        (inner.memories[self.index as usize].data_mut(), data)
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let store = store.as_store_mut();
        store.inner.grow_memory(self.index as usize, delta).ok_or_else(|| Error::usage("memory cannot grow"))
    }

    /// Copies `buffer.len()` bytes from `offset` into `buffer`.
    pub fn read(&self, store: impl AsContext, offset: usize, buffer: &mut [u8]) -> Result<()> {
        let data = store.as_store().inner.memories[self.index as usize].data();
        let end = offset.checked_add(buffer.len()).filter(|&end| end <= data.len());
        let end = end.ok_or_else(|| Error::usage("memory read out of bounds"))?;
        buffer.copy_from_slice(&data[offset..end]);
        Ok(())
    }

    /// Copies `buffer` into memory at `offset`.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buffer: &[u8]) -> Result<()> {
        let data = store.as_store_mut().inner.memories[self.index as usize].data_mut();
        let end = offset.checked_add(buffer.len()).filter(|&end| end <= data.len());
        let end = end.ok_or_else(|| Error::usage("memory write out of bounds"))?;
        data[offset..end].copy_from_slice(buffer);
        Ok(())
    }
}

impl crate::runtime::store::StoreInner {
    /// Creates a memory, within the store's limits.
    pub(crate) fn new_memory(&mut self, ty: MemoryType) -> Result<u32> {
        StoreLimits::check_count("memories", self.limits.memories, self.memories.len(), 1)
            .and_then(|()| self.limits.check_memory(ty.minimum(), ty.page_size_log2()))
            .map_err(Error::Instantiate)?;
        let memory = LinearMemory::new(ty, None).map_err(Error::Instantiate)?;
        self.memories.push(memory);
        Ok(self.memories.len() as u32 - 1)
    }

    /// Creates a table, within the store's limits.
    pub(crate) fn new_table(&mut self, ty: TableType, init: u64) -> Result<u32> {
        StoreLimits::check_count("tables", self.limits.tables, self.tables.len(), 1)
            .and_then(|()| self.limits.check_table(ty.minimum()))
            .map_err(Error::Instantiate)?;
        if ty.minimum() > crate::runtime::store::MAX_TABLE_ELEMENTS as u64 {
            return Err(Error::Instantiate(format!("table of {} elements is too large", ty.minimum())));
        }
        self.tables.push(TableEntity { ty, elements: vec![init; ty.minimum() as usize] });
        Ok(self.tables.len() as u32 - 1)
    }
}

/// Anything an instance can import or export.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    /// The function inside, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self { Some(f) } else { None }
    }
    /// The global inside, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self { Some(g) } else { None }
    }
    /// The table inside, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self { Some(t) } else { None }
    }
    /// The memory inside, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self { Some(m) } else { None }
    }
    /// The tag inside, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        if let Extern::Tag(t) = self { Some(t) } else { None }
    }

    pub(crate) fn store_id(&self) -> u64 {
        match self {
            Extern::Func(x) => x.store,
            Extern::Global(x) => x.store,
            Extern::Table(x) => x.store,
            Extern::Memory(x) => x.store,
            Extern::Tag(x) => x.store,
        }
    }

    /// The type of this item.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        let store = store.as_store();
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Self {
        Extern::Tag(t)
    }
}

/// An exception tag: what `throw` names and `catch` matches. Tags are compared by
/// identity: two tags of the same type are different tags.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Tag {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Tag {
    /// A new tag of type `ty`.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let inner = &mut store.as_store_mut().inner;
        let type_id = inner.engine.type_id(ty.func_type());
        Tag { store: inner.id, index: inner.new_tag(ty.func_type().clone(), type_id) }
    }

    /// The tag's type.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        TagType::from_func_type(store.as_store().inner.tags[self.index as usize].ty.clone())
    }
}

impl crate::values::ExnRef {
    /// The tag of the exception.
    pub fn tag(&self, store: impl AsContext) -> Tag {
        let inner = &store.as_store().inner;
        Tag { store: inner.id, index: inner.exceptions[self.index as usize].tag }
    }

    /// The values the exception carries.
    pub fn payload(&self, store: impl AsContext) -> Vec<Val> {
        let inner = &store.as_store().inner;
        let exception = &inner.exceptions[self.index as usize];
        let ty = &inner.tags[exception.tag as usize].ty;
        let mut at = 0;
        let values: Vec<Val> = ty
            .params()
            .iter()
            .map(|&ty| {
                let value = Val::read_slots(&exception.payload[at..], ty, inner.id, inner.gc.as_deref());
                at += ty.slots();
                value
            })
            .collect();
        inner.pin_exceptions(&values);
        values
    }
}
