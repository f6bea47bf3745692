//! The GC heap: structs and arrays, their references, and a mark-and-sweep collector.
//!
//! A reference of the `any` or `extern` hierarchy is one raw 64-bit word, in the same
//! encoding for both hierarchies so that `any.convert_extern` and `extern.convert_any`
//! move nothing:
//! - `0` is null;
//! - an odd value below 2^32 is an `i31`: the 31-bit value shifted left by one;
//! - [`OBJECT_TAG`] in the top 16 bits marks a heap object, its index shifted left by one;
//! - [`HOST_TAG`] in the top 16 bits marks a host reference (`ExternRef::new`), its index
//!   in the store's host values shifted left by one.
//!
//! The heap is created by the first allocation, so a store that never allocates a GC
//! object pays nothing. Objects live in one list; their places are reused after they are
//! collected. A collection marks everything reachable from the roots (globals, tables,
//! element segments, exception payloads, and the interpreter's frames, by their stack
//! maps) by following reference fields precisely (each type's layout lists them),
//! then frees the rest. It runs when the bytes allocated since the last one exceed what
//! survived it (at least [`MIN_COLLECTION_BYTES`]), so the heap stays within a small
//! multiple of the live data.

use std::sync::Arc;

use crate::engine::Engine;
use crate::registry::{Composite, FieldType, StorageType};
use crate::runtime::store::{ExceptionObject, FuncEntity, TagEntity};
use crate::types::{CompositeKind, HeapType, ValType};

const TAG_MASK: u64 = 0xFFFF << 48;
/// The top 16 bits of a reference to a heap object.
pub(crate) const OBJECT_TAG: u64 = 0x6A5C << 48;
/// The top 16 bits of a reference to a host value.
pub(crate) const HOST_TAG: u64 = 0x6A5D << 48;
/// The top 16 bits of an `exnref` (an exception in the store's list).
pub(crate) const EXN_TAG: u64 = 0x6A5E << 48;

/// Collections wait until at least this many bytes were allocated since the last one.
pub(crate) const MIN_COLLECTION_BYTES: usize = 4 << 20;
/// Bookkeeping bytes charged per object on top of its fields.
const OBJECT_OVERHEAD: usize = 48;
/// No single object may be larger than this (an `array.new` of 2^32 `i64`s traps instead
/// of asking the host for 32 GiB).
pub(crate) const MAX_OBJECT_BYTES: usize = 1 << 30;

/// The raw reference to the `i31` holding the low 31 bits of `value`.
pub(crate) fn i31_raw(value: u32) -> u64 {
    ((value << 1) | 1) as u64
}

/// The value of an `i31` reference, sign-extended from 31 bits.
pub(crate) fn i31_signed(raw: u64) -> i32 {
    (raw as u32 as i32) >> 1
}

/// The value of an `i31` reference, zero-extended from 31 bits.
pub(crate) fn i31_unsigned(raw: u64) -> u32 {
    raw as u32 >> 1
}

pub(crate) fn is_i31(raw: u64) -> bool {
    raw & 1 == 1 && raw >> 32 == 0
}

pub(crate) fn object_raw(index: u32) -> u64 {
    OBJECT_TAG | (index as u64) << 1
}

/// The heap index a raw reference names, if it names a heap object.
pub(crate) fn object_index(raw: u64) -> Option<u32> {
    (raw & TAG_MASK == OBJECT_TAG && raw & 1 == 0).then_some((raw >> 1) as u32)
}

pub(crate) fn host_raw(index: u32) -> u64 {
    HOST_TAG | (index as u64) << 1
}

/// The host value index a raw reference names, if it names one.
pub(crate) fn host_index(raw: u64) -> Option<u32> {
    (raw & TAG_MASK == HOST_TAG && raw & 1 == 0).then_some((raw >> 1) as u32)
}

pub(crate) fn exn_raw(index: u32) -> u64 {
    EXN_TAG | (index as u64) << 1
}

/// The exception an `exnref` names, if the raw word is one.
pub(crate) fn exn_index(raw: u64) -> Option<u32> {
    (raw & TAG_MASK == EXN_TAG && raw & 1 == 0).then_some((raw >> 1) as u32)
}

/// Could this raw word keep something collectable alive (a heap object or an exception)?
pub(crate) fn is_collectable(raw: u64) -> bool {
    object_index(raw).is_some() || exn_index(raw).is_some()
}

/// Bytes a field or element of this storage type takes in an object.
pub(crate) fn storage_size(storage: StorageType) -> u32 {
    match storage {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::V128) => 16,
        StorageType::Val(_) => 8,
    }
}

/// Does a field of this storage type hold a reference the collector must follow? Heap
/// objects (`any`; `extern` may hold converted `any` references) and exceptions (`exn`,
/// whose payloads may refer to objects); functions live as long as their store.
pub(crate) fn is_traced(storage: StorageType) -> bool {
    match storage {
        StorageType::Val(ty) => {
            ty.as_ref().is_some_and(|r| matches!(r.heap_type().top(), HeapType::Any | HeapType::Extern | HeapType::Exn))
        }
        _ => false,
    }
}

/// How a field or element is read into a slot: the access kinds of the `struct.get` and
/// `array.get` instructions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum Access {
    I8S = 0,
    I8U = 1,
    I16S = 2,
    I16U = 3,
    B32 = 4,
    B64 = 5,
    V128 = 6,
}

impl Access {
    /// The access for a field of `storage` type; `signed` matters for packed fields only.
    pub(crate) fn of(storage: StorageType, signed: bool) -> Access {
        match (storage, signed) {
            (StorageType::I8, true) => Access::I8S,
            (StorageType::I8, false) => Access::I8U,
            (StorageType::I16, true) => Access::I16S,
            (StorageType::I16, false) => Access::I16U,
            (storage, _) => match storage_size(storage) {
                4 => Access::B32,
                16 => Access::V128,
                _ => Access::B64,
            },
        }
    }

    pub(crate) fn from_u32(kind: u32) -> Access {
        match kind {
            0 => Access::I8S,
            1 => Access::I8U,
            2 => Access::I16S,
            3 => Access::I16U,
            4 => Access::B32,
            6 => Access::V128,
            _ => Access::B64,
        }
    }

    pub(crate) fn size(self) -> usize {
        match self {
            Access::I8S | Access::I8U => 1,
            Access::I16S | Access::I16U => 2,
            Access::B32 => 4,
            Access::B64 => 8,
            Access::V128 => 16,
        }
    }

    /// Reads a (non-`v128`) value at the start of `bytes` into a slot's raw bits.
    #[inline]
    pub(crate) fn read(self, bytes: &[u8]) -> u64 {
        match self {
            Access::I8S => bytes[0] as i8 as i32 as u32 as u64,
            Access::I8U => bytes[0] as u64,
            Access::I16S => i16::from_le_bytes([bytes[0], bytes[1]]) as i32 as u32 as u64,
            Access::I16U => u16::from_le_bytes([bytes[0], bytes[1]]) as u64,
            Access::B32 => u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) as u64,
            _ => u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
        }
    }

    /// Writes a slot's raw bits (two slots' for a `v128`) at the start of `bytes`,
    /// truncated to the field's size.
    #[inline]
    pub(crate) fn write(self, bytes: &mut [u8], raw: u128) {
        let size = self.size();
        bytes[..size].copy_from_slice(&raw.to_le_bytes()[..size]);
    }
}

/// Where a struct type's fields are, and which of them the collector follows.
pub(crate) struct Layout {
    /// For a struct: each field's offset and access; the object's size is `size`.
    pub(crate) fields: Box<[(u32, Access)]>,
    pub(crate) size: u32,
    /// For an array: its element's access (size) and whether elements are traced.
    pub(crate) element: Option<(Access, bool)>,
    /// Offsets of a struct's traced fields.
    pub(crate) traced: Box<[u32]>,
    pub(crate) kind: CompositeKind,
    /// The type followed by its supertypes, nearest first (for casts).
    pub(crate) supertypes: Box<[u32]>,
}

impl Layout {
    /// The layout of the struct or array type `composite`.
    pub(crate) fn of(composite: &Composite, kind: CompositeKind, supertypes: Box<[u32]>) -> Layout {
        let layout =
            Layout { fields: Box::default(), size: 0, element: None, traced: Box::default(), kind, supertypes };
        match composite {
            Composite::Struct(fields) => {
                let mut offset = 0;
                let mut placed = Vec::with_capacity(fields.len());
                let mut traced = Vec::new();
                for field in fields.iter() {
                    placed.push((offset, Access::of(field.storage, false)));
                    if is_traced(field.storage) {
                        traced.push(offset);
                    }
                    offset += storage_size(field.storage);
                }
                Layout { fields: placed.into(), size: offset, traced: traced.into(), ..layout }
            }
            Composite::Array(element) => {
                Layout { element: Some((Access::of(element.storage, false), is_traced(element.storage))), ..layout }
            }
            Composite::Func(_) => layout,
        }
    }
}

/// Is type `sub` (its kind and supertype chain as `types` gives them) the same as or a
/// subtype of type `sup`?
fn is_subtype(sub: &[u32], sup: u32, sup_depth: usize) -> bool {
    sub.len() > sup_depth && sub[sub.len() - 1 - sup_depth] == sup
}

/// Does the non-null reference `raw` have a type that matches `heap` (of the same
/// hierarchy)? `types(index)` gives a type's kind and supertype chain.
pub(crate) fn ref_matches<S: std::ops::Deref<Target = [u32]>>(
    raw: u64,
    heap: HeapType,
    funcs: &[FuncEntity],
    gc: Option<&GcHeap>,
    types: impl Fn(u32) -> (CompositeKind, S),
) -> bool {
    let concrete = |actual: u32, target: u32| {
        let (_, chain) = types(actual);
        let depth = types(target).1.len() - 1;
        is_subtype(&chain, target, depth)
    };
    match heap.top() {
        HeapType::Func => match heap {
            HeapType::Func => true,
            HeapType::Concrete(target) => {
                funcs.get((raw as usize).wrapping_sub(1)).is_some_and(|func| concrete(func.type_id, target.index))
            }
            _ => false,
        },
        HeapType::Any => {
            if is_i31(raw) {
                return matches!(heap, HeapType::Any | HeapType::Eq | HeapType::I31);
            }
            let Some(object) = gc.and_then(|heap| heap.object(raw)) else {
                // A host reference converted with `any.convert_extern`.
                return heap == HeapType::Any;
            };
            match heap {
                HeapType::Any | HeapType::Eq => true,
                HeapType::Struct => types(object.type_id).0 == CompositeKind::Struct,
                HeapType::Array => types(object.type_id).0 == CompositeKind::Array,
                HeapType::Concrete(target) => concrete(object.type_id, target.index),
                _ => false,
            }
        }
        top => heap == top,
    }
}

/// The contents of an array of `count` elements of `size` bytes, each the little-endian
/// `value`; `None` if the heap could never hold it (see [`GcHeap::may_hold`]).
pub(crate) fn repeated(heap: &GcHeap, value: u128, size: usize, count: usize) -> Option<Vec<u8>> {
    let bytes = size.checked_mul(count).filter(|&bytes| heap.may_hold(bytes))?;
    if value == 0 {
        return Some(vec![0; bytes]);
    }
    let one = &value.to_le_bytes()[..size];
    let mut data = Vec::with_capacity(bytes);
    for _ in 0..count {
        data.extend_from_slice(one);
    }
    Some(data)
}

/// Byte offsets of the fields of a struct type (what `struct.get`/`struct.set` address).
pub(crate) fn field_offsets(fields: &[FieldType]) -> Vec<u32> {
    let mut offset = 0;
    fields
        .iter()
        .map(|field| {
            let at = offset;
            offset += storage_size(field.storage);
            at
        })
        .collect()
}

/// A struct or array.
pub(crate) struct GcObject {
    /// Engine type index; `u32::MAX` for a free place.
    pub(crate) type_id: u32,
    /// An array's length in elements.
    pub(crate) len: u32,
    /// Bumped each time the place is freed, so a host handle to a collected object is
    /// recognised as stale.
    pub(crate) generation: u32,
    marked: bool,
    /// Fields (at their layout's offsets) or elements, little-endian.
    pub(crate) data: Box<[u8]>,
}

const FREE: u32 = u32::MAX;

pub(crate) struct GcHeap {
    pub(crate) objects: Vec<GcObject>,
    free: Vec<u32>,
    /// Layouts by engine type index, computed on first use.
    layouts: Vec<Option<Arc<Layout>>>,
    /// Bytes of the objects alive after the last collection plus those allocated since.
    live_bytes: usize,
    allocated_since: usize,
    /// A collection is due once `allocated_since` passes this.
    threshold: usize,
    /// Most bytes the heap may hold at once.
    pub(crate) limit: usize,
    /// The references in the frames of executors suspended in a host call: roots while
    /// the host function runs.
    pub(crate) suspended_roots: Vec<Vec<u64>>,
    pub(crate) stats: GcStats,
}

/// What the collector did so far, for tests and tools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Collections run.
    pub collections: u64,
    /// Objects allocated.
    pub allocated_objects: u64,
    /// Objects freed by collections.
    pub freed_objects: u64,
    /// Exceptions freed by collections (those only `exnref`s referred to).
    pub freed_exceptions: u64,
    /// Bytes the live objects took after the last collection.
    pub live_bytes_after_last: u64,
    /// Most bytes allocated objects took at once.
    pub peak_bytes: u64,
}

/// The heap in `slot`, created (within `limits`) if there is none yet.
pub(crate) fn heap_in<'h>(
    slot: &'h mut Option<Box<GcHeap>>,
    limits: &crate::runtime::limits::StoreLimits,
) -> &'h mut GcHeap {
    slot.get_or_insert_with(|| Box::new(GcHeap::new(limits.gc_heap_size.unwrap_or(usize::MAX))))
}

impl GcHeap {
    pub(crate) fn new(limit: usize) -> GcHeap {
        GcHeap {
            objects: Vec::new(),
            free: Vec::new(),
            layouts: Vec::new(),
            live_bytes: 0,
            allocated_since: 0,
            threshold: MIN_COLLECTION_BYTES,
            limit,
            suspended_roots: Vec::new(),
            stats: GcStats::default(),
        }
    }

    /// The layout of type `type_id` (of `engine`); the registry is consulted only the
    /// first time.
    pub(crate) fn layout(&mut self, engine: &Engine, type_id: u32) -> Arc<Layout> {
        let index = type_id as usize;
        if let Some(Some(layout)) = self.layouts.get(index) {
            return layout.clone();
        }
        if index >= self.layouts.len() {
            self.layouts.resize(index + 1, None);
        }
        let registry = engine.types();
        let layout =
            Arc::new(Layout::of(registry.composite(type_id), registry.kind(type_id), registry.supertypes(type_id)));
        self.layouts[index] = Some(layout.clone());
        layout
    }

    /// [`ref_matches`] with the types' layouts as the source of their kinds and
    /// supertypes: the registry is consulted only for types not seen before.
    pub(crate) fn ref_matches(&mut self, engine: &Engine, funcs: &[FuncEntity], raw: u64, heap: HeapType) -> bool {
        // Fill the cache for every type the test may look at, then test without a lock.
        if let HeapType::Concrete(target) = heap {
            self.layout(engine, target.index);
        }
        let actual = match heap.top() {
            HeapType::Func => funcs.get((raw as usize).wrapping_sub(1)).map(|f| f.type_id),
            _ => self.object(raw).map(|object| object.type_id),
        };
        if let Some(actual) = actual {
            self.layout(engine, actual);
        }
        let layouts = &self.layouts;
        ref_matches(raw, heap, funcs, Some(self), |index| {
            let layout = layouts[index as usize].as_ref().expect("cached above");
            (layout.kind, &layout.supertypes[..])
        })
    }

    /// Could an object with `bytes` of contents ever be allocated (within the largest
    /// object size and the heap's limit)? Checked before its contents are built, so a
    /// huge request costs nothing.
    pub(crate) fn may_hold(&self, bytes: usize) -> bool {
        bytes <= MAX_OBJECT_BYTES && bytes.saturating_add(OBJECT_OVERHEAD) <= self.limit
    }

    /// Is a collection due before allocating `bytes` more: enough allocated since the
    /// last one, or the heap's limit in the way?
    pub(crate) fn collection_due(&self, bytes: usize) -> bool {
        let bytes = bytes + OBJECT_OVERHEAD;
        self.allocated_since.saturating_add(bytes) > self.threshold
            || self.live_bytes.saturating_add(bytes) > self.limit
    }

    /// Allocates an object of type `type_id` (array length `len`) with contents `data`;
    /// returns its raw reference, or `None` if the heap's limit would be exceeded.
    pub(crate) fn allocate(&mut self, type_id: u32, len: u32, data: Box<[u8]>) -> Option<u64> {
        let bytes = data.len() + OBJECT_OVERHEAD;
        if self.live_bytes.saturating_add(bytes) > self.limit {
            return None;
        }
        self.live_bytes += bytes;
        self.allocated_since += bytes;
        self.stats.allocated_objects += 1;
        self.stats.peak_bytes = self.stats.peak_bytes.max(self.live_bytes as u64);
        let index = match self.free.pop() {
            Some(index) => {
                let object = &mut self.objects[index as usize];
                (object.type_id, object.len, object.data) = (type_id, len, data);
                index
            }
            None => {
                let index = u32::try_from(self.objects.len()).ok().filter(|&i| i < u32::MAX >> 1)?;
                self.objects.push(GcObject { type_id, len, generation: 0, marked: false, data });
                index
            }
        };
        Some(object_raw(index))
    }

    /// The live object a raw reference names, if any.
    pub(crate) fn object(&self, raw: u64) -> Option<&GcObject> {
        let object = self.objects.get(object_index(raw)? as usize)?;
        (object.type_id != FREE).then_some(object)
    }

    pub(crate) fn object_mut(&mut self, raw: u64) -> Option<&mut GcObject> {
        let object = self.objects.get_mut(object_index(raw)? as usize)?;
        (object.type_id != FREE).then_some(object)
    }

    /// Marks everything reachable from `roots` (raw words; those that name neither a
    /// live object nor an exception are ignored) and frees the rest: unreachable objects,
    /// and unreachable exceptions that only `exnref`s could still name
    /// (`ExceptionObject::collectable`).
    pub(crate) fn collect(
        &mut self,
        engine: &Engine,
        roots: impl IntoIterator<Item = u64>,
        exceptions: &mut [ExceptionObject],
        free_exceptions: &mut Vec<u32>,
        tags: &[TagEntity],
    ) {
        let mut work: Vec<u64> = roots.into_iter().collect();
        while let Some(raw) = work.pop() {
            if let Some(index) = exn_index(raw) {
                let Some(exception) = exceptions.get_mut(index as usize) else { continue };
                if exception.marked || exception.freed {
                    continue;
                }
                exception.marked = true;
                let Some(tag) = tags.get(exception.tag as usize) else { continue };
                let mut at = 0;
                for &ty in tag.ty.params() {
                    if is_traced(StorageType::Val(ty)) && at < exception.payload.len() {
                        work.push(exception.payload[at]);
                    }
                    at += ty.slots();
                }
                continue;
            }
            let Some(index) = object_index(raw) else { continue };
            let Some(object) = self.objects.get_mut(index as usize) else { continue };
            if object.type_id == FREE || object.marked {
                continue;
            }
            object.marked = true;
            let layout = self.layout(engine, self.objects[index as usize].type_id);
            let data = &self.objects[index as usize].data;
            match layout.element {
                Some((access, true)) => work.extend(data.chunks_exact(access.size()).map(|e| access.read(e))),
                Some(_) => {}
                None => work.extend(layout.traced.iter().map(|&offset| Access::B64.read(&data[offset as usize..]))),
            }
        }
        let mut live = 0;
        for (index, object) in self.objects.iter_mut().enumerate() {
            if object.type_id == FREE {
                continue;
            }
            if object.marked {
                object.marked = false;
                live += object.data.len() + OBJECT_OVERHEAD;
            } else {
                object.type_id = FREE;
                object.data = Box::default();
                object.generation = object.generation.wrapping_add(1);
                self.free.push(index as u32);
                self.stats.freed_objects += 1;
            }
        }
        for (index, exception) in exceptions.iter_mut().enumerate() {
            if exception.marked {
                exception.marked = false;
            } else if exception.collectable() {
                exception.payload = Box::default();
                exception.freed = true;
                free_exceptions.push(index as u32);
                self.stats.freed_exceptions += 1;
            }
        }
        self.live_bytes = live;
        self.allocated_since = 0;
        self.threshold = live.max(MIN_COLLECTION_BYTES);
        self.stats.collections += 1;
        self.stats.live_bytes_after_last = live as u64;
    }
}
