//! Values passed between the host and WebAssembly.

use std::any::Any;

use crate::error::{Error, Result};
use crate::runtime::gc;
use crate::runtime::objects::Func;
use crate::runtime::store::{AsContext, AsContextMut, StoreInner};
use crate::types::{CompositeKind, HeapType, ValType};

/// A reference to a host value, owned by a store, or (made by `extern.convert_any`) an
/// internal reference seen as an external one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ExternRef {
    pub(crate) store: u64,
    /// The reference's bits as a frame slot holds them (see `runtime::gc`).
    pub(crate) raw: u64,
}

impl ExternRef {
    /// Wraps `value` so WebAssembly can hold a reference to it.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, value: impl Any + Send + Sync) -> ExternRef {
        let inner = &mut store.as_store_mut().inner;
        inner.externrefs.push(Box::new(value));
        ExternRef { store: inner.id, raw: gc::host_raw(inner.externrefs.len() as u32 - 1) }
    }

    /// The wrapped host value. Fails for an internal reference converted with
    /// `extern.convert_any` (see [`ExternRef::convert_any`]).
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreRef<'a, T>>) -> Result<&'a (dyn Any + Send + Sync)> {
        let store = store.into().0;
        store.check_id(self.store)?;
        let index = gc::host_index(self.raw)
            .ok_or_else(|| Error::usage("this externref holds an internal reference, not a host value"))?;
        Ok(store.inner.externrefs[index as usize].as_ref())
    }

    /// The internal reference as an external one (`extern.convert_any`).
    pub fn convert_any(any: AnyRef) -> ExternRef {
        ExternRef { store: any.store, raw: any.raw }
    }
}

/// A reference to a GC object (struct or array) or an unboxed `i31`, or (made by
/// `any.convert_extern`) a host reference seen as an internal one: the `any` hierarchy.
///
/// The host's handles are not roots of the garbage collector: an object only the host
/// refers to may be collected once guest code runs again, after which passing the handle
/// to the store fails. Keep objects the host needs in a global or table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct AnyRef {
    pub(crate) store: u64,
    /// The reference's bits as a frame slot holds them (see `runtime::gc`).
    pub(crate) raw: u64,
    /// For a heap object: the generation of its place when the handle was made.
    pub(crate) generation: u32,
}

impl AnyRef {
    /// The `i31` reference holding the low 31 bits of `value` (`ref.i31`).
    pub fn from_i31(store: impl AsContext, value: u32) -> AnyRef {
        AnyRef { store: store.as_store().inner.id, raw: gc::i31_raw(value), generation: 0 }
    }

    /// The value of an `i31` reference, zero-extended (`i31.get_u`); `None` for others.
    pub fn as_i31(&self) -> Option<u32> {
        gc::is_i31(self.raw).then(|| gc::i31_unsigned(self.raw))
    }

    /// The external reference as an internal one (`any.convert_extern`).
    pub fn convert_extern(ext: ExternRef) -> AnyRef {
        AnyRef { store: ext.store, raw: ext.raw, generation: 0 }
    }

    /// Is this a reference to a struct?
    pub fn is_struct(&self, store: impl AsContext) -> bool {
        self.object_kind(store) == Some(CompositeKind::Struct)
    }

    /// Is this a reference to an array?
    pub fn is_array(&self, store: impl AsContext) -> bool {
        self.object_kind(store) == Some(CompositeKind::Array)
    }

    fn object_kind(&self, store: impl AsContext) -> Option<CompositeKind> {
        let inner = &store.as_store().inner;
        if inner.id != self.store || !self.is_live(inner) {
            return None;
        }
        let object = inner.gc.as_ref()?.object(self.raw)?;
        Some(inner.engine.types().kind(object.type_id))
    }

    /// Does the handle still name what it was made for (not a collected object)?
    pub(crate) fn is_live(&self, inner: &StoreInner) -> bool {
        if gc::object_index(self.raw).is_none() {
            return true;
        }
        let heap = inner.gc.as_ref();
        heap.and_then(|heap| heap.objects.get(gc::object_index(self.raw)? as usize))
            .is_some_and(|object| object.generation == self.generation && object.type_id != u32::MAX)
    }
}

/// A reference to an exception (the `exn` hierarchy), owned by a store: what
/// `catch_ref` delivers and an uncaught exception ([`Error::Exception`](crate::Error::Exception)) carries.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ExnRef {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

/// A shared borrow of a store, accepted wherever only reading is needed.
pub struct StoreRef<'a, T>(pub(crate) &'a crate::Store<T>);

impl<'a, T> From<&'a crate::Store<T>> for StoreRef<'a, T> {
    fn from(store: &'a crate::Store<T>) -> Self {
        StoreRef(store)
    }
}
impl<'a, T> From<&'a mut crate::Store<T>> for StoreRef<'a, T> {
    fn from(store: &'a mut crate::Store<T>) -> Self {
        StoreRef(store)
    }
}
impl<'a, T> From<&'a crate::Caller<'_, T>> for StoreRef<'a, T> {
    fn from(caller: &'a crate::Caller<'_, T>) -> Self {
        StoreRef(caller.as_store())
    }
}

/// A WebAssembly value.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as its bits (so NaN payloads survive).
    F32(u32),
    /// A 64-bit float, as its bits.
    F64(u64),
    /// A 128-bit vector.
    V128(u128),
    /// A function reference or null.
    FuncRef(Option<Func>),
    /// A host reference or null.
    ExternRef(Option<ExternRef>),
    /// An internal (GC) reference or null.
    AnyRef(Option<AnyRef>),
    /// An exception reference or null.
    ExnRef(Option<ExnRef>),
}

impl Val {
    /// The type of this value; for a reference, the nullable top type of its hierarchy
    /// (`funcref`, `externref`, `anyref`, `exnref`). See [`Val::matches`] for whether
    /// it fits a more precise reference type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::AnyRef(_) => ValType::reference(true, HeapType::Any),
            Val::ExnRef(_) => ValType::reference(true, HeapType::Exn),
        }
    }

    /// The zero value (or null) of `ty`.
    pub fn default_for(ty: ValType) -> Val {
        Val::from_raw(0, ty, 0)
    }

    /// Is this a null reference?
    pub fn is_null(&self) -> bool {
        matches!(self, Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None))
    }

    /// Does this value fit where a `ty` is expected? Numbers and vectors must have that
    /// type; a reference must be of its hierarchy, not null if `ty` is not nullable,
    /// and a function must have a subtype of a concrete function type.
    pub fn matches(&self, store: impl AsContext, ty: ValType) -> bool {
        let inner = &store.as_store().inner;
        self.belongs_to(inner.id) && self.matches_in(inner, ty)
    }

    /// [`Val::matches`] for a value that belongs to `inner`.
    pub(crate) fn matches_in(&self, inner: &StoreInner, ty: ValType) -> bool {
        let Some(expected) = ty.as_ref() else {
            return self.ty() == ty;
        };
        let Some(top) = self.ty().as_ref().map(|r| r.heap_type()) else {
            return false;
        };
        if expected.heap_type().top() != top {
            return false;
        }
        match self {
            _ if self.is_null() => expected.is_nullable(),
            Val::AnyRef(Some(r)) if !r.is_live(inner) => false,
            _ => {
                let raw = self.to_raw_unchecked() as u64;
                let registry = inner.engine.types();
                let heap = inner.gc.as_deref();
                gc::ref_matches(raw, expected.heap_type(), &inner.funcs, heap, |index| {
                    (registry.kind(index), registry.supertypes(index))
                })
            }
        }
    }

    /// The `i32` inside, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }
    /// The `i64` inside, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }
    /// The `f32` inside, if this is one.
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }
    /// The `f64` inside, if this is one.
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }

    /// The value as raw bits: what one slot holds (two for a `v128`, see
    /// [`Val::write_slots`]) or a global. References must belong to `store` (checked by
    /// callers).
    pub(crate) fn to_raw(self, _store: &mut StoreInner) -> u128 {
        self.to_raw_unchecked()
    }

    fn to_raw_unchecked(self) -> u128 {
        match self {
            Val::I32(v) => v as u32 as u128,
            Val::I64(v) => v as u64 as u128,
            Val::F32(v) => v as u128,
            Val::F64(v) => v as u128,
            Val::V128(v) => v,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => 0,
            Val::FuncRef(Some(func)) => func.index as u128 + 1,
            Val::ExternRef(Some(r)) => r.raw as u128,
            Val::AnyRef(Some(r)) => r.raw as u128,
            Val::ExnRef(Some(r)) => gc::exn_raw(r.index) as u128,
        }
    }

    /// A value of type `ty` from raw bits of store `store_id`.
    pub(crate) fn from_raw(raw: u128, ty: ValType, store_id: u64) -> Val {
        Self::from_raw_in(raw, ty, store_id, None)
    }

    /// [`Val::from_raw`], recording the generation of a heap object's place (from `heap`)
    /// in an `AnyRef`, so that a handle the host keeps past the object's collection is
    /// recognised.
    pub(crate) fn from_raw_in(raw: u128, ty: ValType, store_id: u64, heap: Option<&gc::GcHeap>) -> Val {
        let low = raw as u64;
        match ty {
            ValType::I32 => Val::I32(low as i32),
            ValType::I64 => Val::I64(low as i64),
            ValType::F32 => Val::F32(low as u32),
            ValType::F64 => Val::F64(low),
            ValType::V128 => Val::V128(raw),
            ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => {
                let index = (low as u32).wrapping_sub(1);
                match ty.as_ref().map(|r| r.heap_type().top()) {
                    Some(HeapType::Func) => Val::FuncRef((low != 0).then_some(Func { store: store_id, index })),
                    Some(HeapType::Extern) => {
                        Val::ExternRef((low != 0).then_some(ExternRef { store: store_id, raw: low }))
                    }
                    Some(HeapType::Exn) => {
                        Val::ExnRef(gc::exn_index(low).map(|index| ExnRef { store: store_id, index }))
                    }
                    _ => Val::AnyRef((low != 0).then(|| {
                        let generation = heap.and_then(|h| h.object(low)).map_or(0, |object| object.generation);
                        AnyRef { store: store_id, raw: low, generation }
                    })),
                }
            }
        }
    }

    /// Writes the value to the start of `slots` (one slot, or two for a `v128`, low half
    /// first); returns how many it wrote.
    pub(crate) fn write_slots(self, store: &mut StoreInner, slots: &mut [u64]) -> usize {
        let raw = self.to_raw(store);
        slots[0] = raw as u64;
        if self.ty() == ValType::V128 {
            slots[1] = (raw >> 64) as u64;
            return 2;
        }
        1
    }

    /// Reads a value of type `ty` from the start of `slots` (see [`Val::write_slots`]).
    pub(crate) fn read_slots(slots: &[u64], ty: ValType, store_id: u64, heap: Option<&gc::GcHeap>) -> Val {
        let raw = match ty {
            ValType::V128 => slots[0] as u128 | (slots[1] as u128) << 64,
            _ => slots[0] as u128,
        };
        Val::from_raw_in(raw, ty, store_id, heap)
    }

    /// Does this value's reference (if any) belong to store `store_id`?
    pub(crate) fn belongs_to(&self, store_id: u64) -> bool {
        match self {
            Val::FuncRef(Some(func)) => func.store == store_id,
            Val::ExternRef(Some(r)) => r.store == store_id,
            Val::AnyRef(Some(r)) => r.store == store_id,
            Val::ExnRef(Some(r)) => r.store == store_id,
            _ => true,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Val::F64(v.to_bits())
    }
}
