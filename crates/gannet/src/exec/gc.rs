//! Handlers of the GC instructions (structs, arrays, `i31`, casts) and the collector's
//! roots in the interpreter's frames. The collector also frees exceptions that only
//! `exnref`s referred to (see `runtime::gc`), collecting when `throw` finds many.
//!
//! Roots are precise: the translator records, for every instruction where garbage may
//! be collected (allocations, and calls, below which a callee or host function may
//! allocate), which slots of the frame hold references (`module::StackMaps`). A
//! collection walks the running executor's frames with those maps; an executor that
//! calls a host function leaves the references of its frames with the heap while the
//! host function runs (a nested executor may collect meanwhile).

use super::*;
use crate::runtime::gc::{self, Access};
use crate::types::{CompositeKind, HeapType, TypeIndex};

type R<'a> = &'a mut Regs;
type Ctx<'a, 'h> = &'a mut Executor<'h>;

/// Collects garbage in `store`; `frames` holds the references in the running executor's
/// frames.
fn collect(store: &mut StoreInner, mut roots: Vec<u64>) {
    store.gc_roots(|raw| {
        if gc::is_collectable(raw) {
            roots.push(raw);
        }
    });
    let StoreInner { engine, gc, limits, exceptions, free_exceptions, tags, .. } = store;
    let heap = gc::heap_in(gc, limits);
    for suspended in &heap.suspended_roots {
        roots.extend_from_slice(suspended);
    }
    heap.collect(engine, roots, exceptions, free_exceptions, tags);
    let live = exceptions.len() - free_exceptions.len();
    store.exception_threshold = (2 * live).max(MIN_EXCEPTIONS_BETWEEN_COLLECTIONS);
}

/// Throwing collects garbage (to free exceptions only `exnref`s referred to) once the
/// store holds twice as many exceptions as survived the last collection, and at least
/// this many.
pub(crate) const MIN_EXCEPTIONS_BETWEEN_COLLECTIONS: usize = 1024;

/// Collects garbage on the host's request (`Store::gc`): no executor runs, apart from
/// those suspended in host calls.
pub(crate) fn collect_from_host(store: &mut StoreInner) {
    if store.gc.is_some() || !store.exceptions.is_empty() {
        collect(store, Vec::new());
    }
}

impl Executor<'_> {
    /// The references in this executor's frames, by their stack maps; the running
    /// function is stopped at the instruction that ends at `end` (null when it was
    /// replaced by a tail call to a host function: its frame then holds only arguments).
    fn frame_roots(&mut self, r: &Regs, end: *const u8) -> Vec<u64> {
        // SAFETY: the store pointer is valid (see `Executor::store`).
        let store = unsafe { &*self.store };
        let exit = exit_stub();
        let running = std::iter::once((self.instance, self.func, r.fp, end));
        let suspended = self.frames.iter().rev().map(|f| (f.instance, f.func, f.fp, f.ret_ip));
        let mut roots = Vec::new();
        for (instance, func, fp, end) in running.chain(suspended) {
            if end.is_null() || end == exit {
                continue;
            }
            let module = &store.instances[instance as usize].module.inner;
            let body = (func as usize).checked_sub(module.num_imported_funcs).and_then(|i| module.bodies.get(i));
            let Some(compiled) = body.and_then(|body| body.compiled.get()) else { continue };
            let code = compiled.code.as_ptr() as usize;
            let Some(position) = (end as usize).checked_sub(code).filter(|&p| p <= compiled.code.len() * 8) else {
                continue;
            };
            let maps = &compiled.stack_maps;
            for &slot in maps.locals.iter().chain(maps.at(position as u32)) {
                // SAFETY: the translator lists only slots below the function's frame size,
                // and the frame at `fp` is live on this executor's value stack.
                let raw = unsafe { *fp.add(slot as usize) };
                if gc::is_collectable(raw) {
                    roots.push(raw);
                }
            }
        }
        roots
    }

    /// Allocates an object of type `type_id` (array length `len`) holding `data` for the
    /// instruction ending at `end`, collecting garbage first when enough was allocated
    /// since the last collection (or always, with `Config::gc_stress`).
    fn allocate(&mut self, r: &Regs, end: *const u8, type_id: u32, len: u32, data: Box<[u8]>) -> Result<u64, Flow> {
        let stress = self.store().engine.inner.config.gc_stress;
        if stress || self.store().gc_heap().collection_due(data.len()) {
            let roots = self.frame_roots(r, end);
            collect(self.store(), roots);
        }
        self.store().gc_heap().allocate(type_id, len, data).ok_or_else(|| self.trap(TrapCode::GcHeapExhausted))
    }

    /// Before `throw` (ending at `end`) stores a new exception: collects garbage if the
    /// store holds enough exceptions that only `exnref`s may still refer to.
    pub(super) fn before_throw(&mut self, r: &Regs, end: *const u8) {
        let store = self.store();
        if store.exceptions.len() - store.free_exceptions.len() >= store.exception_threshold {
            let roots = self.frame_roots(r, end);
            collect(self.store(), roots);
        }
    }

    /// Calls host function `func` (see `call_host`) for the running function, stopped at
    /// the call ending at `end`; while it runs, the heap (if there is one) keeps the
    /// references in this executor's frames as roots.
    pub(super) fn call_host_suspended(
        &mut self,
        r: &Regs,
        end: *const u8,
        func: u32,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let registered = self.store().gc.is_some();
        if registered {
            let roots = self.frame_roots(r, end);
            self.store().gc_heap().suspended_roots.push(roots);
        }
        let outcome = self.call_host(func, Some(self.instance), params, results);
        if registered {
            self.store().gc_heap().suspended_roots.pop();
        }
        outcome
    }

    /// The layout of type `type_id` (an engine type index).
    fn layout(&mut self, type_id: u32) -> std::sync::Arc<gc::Layout> {
        let StoreInner { engine, gc, limits, .. } = self.store();
        gc::heap_in(gc, limits).layout(engine, type_id)
    }
}

/// Encodes the target of `ref.test`/`ref.cast` as an op's `u32` operand: bit 31 says
/// whether null passes, bits 24..=27 the heap type's kind, bits 0..=23 a concrete type's
/// engine index.
pub(crate) fn encode_cast_target(nullable: bool, heap: HeapType) -> Option<u32> {
    let (code, index) = match heap {
        HeapType::Concrete(TypeIndex { index, kind }) => {
            let code = match kind {
                CompositeKind::Func => 0,
                CompositeKind::Struct => 1,
                CompositeKind::Array => 2,
            };
            (code, index)
        }
        abstract_type => (3 + ABSTRACT.iter().position(|&h| h == abstract_type)? as u32, 0),
    };
    (index < 1 << 24).then_some((nullable as u32) << 31 | code << 24 | index)
}

const ABSTRACT: [HeapType; 12] = [
    HeapType::Func,
    HeapType::NoFunc,
    HeapType::Extern,
    HeapType::NoExtern,
    HeapType::Any,
    HeapType::Eq,
    HeapType::I31,
    HeapType::Struct,
    HeapType::Array,
    HeapType::None,
    HeapType::Exn,
    HeapType::NoExn,
];

fn decode_cast_target(target: u32) -> (bool, HeapType) {
    let nullable = target >> 31 == 1;
    let index = target & 0xFF_FFFF;
    let heap = match (target >> 24) & 0x7F {
        0 => HeapType::Concrete(TypeIndex { index, kind: CompositeKind::Func }),
        1 => HeapType::Concrete(TypeIndex { index, kind: CompositeKind::Struct }),
        2 => HeapType::Concrete(TypeIndex { index, kind: CompositeKind::Array }),
        code => ABSTRACT[(code as usize - 3).min(ABSTRACT.len() - 1)],
    };
    (nullable, heap)
}

/// Does the raw reference `raw` pass a cast to `target` (see `encode_cast_target`)?
fn passes(ctx: &mut Executor<'_>, raw: u64, target: u32) -> bool {
    let (nullable, heap) = decode_cast_target(target);
    if raw == 0 {
        return nullable;
    }
    let StoreInner { engine, funcs, gc: objects, .. } = ctx.store();
    match (heap.top(), objects.as_deref_mut()) {
        (HeapType::Any, Some(objects)) => objects.ref_matches(engine, funcs, raw, heap),
        // Functions (the registry knows their types), or an `i31` or converted host
        // reference while no heap object exists.
        _ => {
            let registry = engine.types();
            gc::ref_matches(raw, heap, funcs, objects.as_deref(), |index| {
                (registry.kind(index), registry.supertypes(index))
            })
        }
    }
}

/// The object a reference operand names, or the trap for a null one.
fn object(store: &mut StoreInner, raw: u64, null: TrapCode) -> Result<&mut gc::GcObject, TrapCode> {
    store.gc.as_deref_mut().and_then(|heap| heap.object_mut(raw)).ok_or(null)
}

/// Reads a field or element of `access` at the start of `bytes` into slot `dst`.
///
/// # Safety
/// `dst` (and `dst + 1` for a `v128`) must be in the frame.
unsafe fn read_into(r: &mut Regs, dst: Slot, access: Access, bytes: &[u8]) {
    if access == Access::V128 {
        let value = u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"));
        // SAFETY: forwarded to the caller.
        unsafe { set_v128(r.fp, dst, simd::V128::from_u128(value)) };
    } else {
        // SAFETY: forwarded to the caller.
        unsafe { set::<u64>(r.fp, dst, access.read(bytes)) };
    }
}

/// The raw bits of a field's or element's value in slot `src` (two slots for a `v128`).
///
/// # Safety
/// `src` (and `src + 1` for a `v128`) must be in the frame.
unsafe fn slot_value(r: &Regs, src: Slot, access: Access) -> u128 {
    if access == Access::V128 {
        // SAFETY: forwarded to the caller.
        unsafe { get_v128(r.fp, src).to_u128() }
    } else {
        // SAFETY: forwarded to the caller.
        unsafe { get::<u64>(r.fp, src) as u128 }
    }
}

pub(super) unsafe fn struct_new(op: op::StructNew, r: R, ctx: Ctx) -> Flow {
    let layout = ctx.layout(op.ty);
    let mut data = vec![0u8; layout.size as usize];
    let mut slot = op.base.0;
    for &(offset, access) in layout.fields.iter() {
        // SAFETY: validated code: the field values are in the frame from `base` on.
        let value = unsafe { slot_value(r, Slot(slot), access) };
        access.write(&mut data[offset as usize..], value);
        slot += if access == Access::V128 { 2 } else { 1 };
    }
    match ctx.allocate(r, r.ip.wrapping_add(OpCode::StructNew.size()), op.ty, 0, data.into()) {
        Ok(raw) => {
            // SAFETY: validated code: the slot is in the frame.
            unsafe { set::<u64>(r.fp, op.dst, raw) };
            Flow::Next
        }
        Err(flow) => flow,
    }
}

pub(super) unsafe fn struct_new_default(op: op::StructNewDefault, r: R, ctx: Ctx) -> Flow {
    let layout = ctx.layout(op.ty);
    let end = r.ip.wrapping_add(OpCode::StructNewDefault.size());
    match ctx.allocate(r, end, op.ty, 0, vec![0u8; layout.size as usize].into()) {
        Ok(raw) => {
            // SAFETY: validated code: the slot is in the frame.
            unsafe { set::<u64>(r.fp, op.dst, raw) };
            Flow::Next
        }
        Err(flow) => flow,
    }
}

pub(super) unsafe fn struct_get(op: op::StructGet, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.object) };
    match object(ctx.store(), raw, TrapCode::NullStructReference) {
        Ok(object) => {
            // SAFETY: validated code: the result's slots are in the frame.
            unsafe { read_into(r, op.dst, Access::from_u32(op.kind), &object.data[op.offset as usize..]) };
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn struct_set(op: op::StructSet, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (raw, value) = unsafe { (get::<u64>(r.fp, op.object), slot_value(r, op.value, Access::from_u32(op.kind))) };
    match object(ctx.store(), raw, TrapCode::NullStructReference) {
        Ok(object) => {
            Access::from_u32(op.kind).write(&mut object.data[op.offset as usize..], value);
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

/// Finishes an `array.new*`: allocates the array of `len` elements with contents `data`
/// (`None`: too large) for instruction `code` and puts its reference in `dst`.
///
/// # Safety
/// `dst` must be in the frame.
unsafe fn new_array(r: R, ctx: Ctx, code: OpCode, dst: Slot, ty: u32, len: u32, data: Option<Vec<u8>>) -> Flow {
    let Some(data) = data else {
        return ctx.trap(TrapCode::GcHeapExhausted);
    };
    match ctx.allocate(r, r.ip.wrapping_add(code.size()), ty, len, data.into()) {
        Ok(raw) => {
            // SAFETY: forwarded to the caller.
            unsafe { set::<u64>(r.fp, dst, raw) };
            Flow::Next
        }
        Err(flow) => flow,
    }
}

fn element_access(ctx: Ctx, ty: u32) -> Access {
    ctx.layout(ty).element.map_or(Access::B64, |(access, _)| access)
}

pub(super) unsafe fn array_new(op: op::ArrayNew, r: R, ctx: Ctx) -> Flow {
    let access = element_access(ctx, op.ty);
    // SAFETY: validated code: the slots are in the frame.
    let (value, len) = unsafe { (slot_value(r, op.value, access), get::<u32>(r.fp, op.len)) };
    let data = gc::repeated(ctx.store().gc_heap(), value, access.size(), len as usize);
    // SAFETY: validated code: the slot is in the frame.
    unsafe { new_array(r, ctx, OpCode::ArrayNew, op.dst, op.ty, len, data) }
}

pub(super) unsafe fn array_new_default(op: op::ArrayNewDefault, r: R, ctx: Ctx) -> Flow {
    let access = element_access(ctx, op.ty);
    // SAFETY: validated code: the slot is in the frame.
    let len: u32 = unsafe { get(r.fp, op.len) };
    let data = gc::repeated(ctx.store().gc_heap(), 0, access.size(), len as usize);
    // SAFETY: validated code: the slot is in the frame.
    unsafe { new_array(r, ctx, OpCode::ArrayNewDefault, op.dst, op.ty, len, data) }
}

pub(super) unsafe fn array_new_fixed(op: op::ArrayNewFixed, r: R, ctx: Ctx) -> Flow {
    let access = element_access(ctx, op.ty);
    let width = if access == Access::V128 { 2 } else { 1 };
    let mut data = vec![0u8; access.size() * op.len as usize];
    for (k, element) in data.chunks_exact_mut(access.size()).enumerate() {
        // SAFETY: validated code: the elements are in the frame from `base` on.
        let value = unsafe { slot_value(r, Slot(op.base.0 + (k * width) as u16), access) };
        access.write(element, value);
    }
    // SAFETY: validated code: the slot is in the frame.
    unsafe { new_array(r, ctx, OpCode::ArrayNewFixed, op.dst, op.ty, op.len, Some(data)) }
}

/// The bytes of the running instance's data segment `data`.
fn data_segment(ctx: Ctx, data: u32) -> Vec<u8> {
    let instance = ctx.instance as usize;
    let instance = &ctx.store().instances[instance];
    let range = instance.datas[data as usize].clone();
    instance.module.inner.bytes[range].to_vec()
}

pub(super) unsafe fn array_new_data(op: op::ArrayNewData, r: R, ctx: Ctx) -> Flow {
    let access = element_access(ctx, op.ty);
    // SAFETY: validated code: the slots are in the frame.
    let (offset, len): (u32, u32) = unsafe { (get(r.fp, op.offset), get(r.fp, op.len)) };
    let segment = data_segment(ctx, op.data);
    let bytes = (len as u64) * access.size() as u64;
    let Some(range) = ops::range(offset.into(), bytes, segment.len()) else {
        return ctx.trap(TrapCode::MemoryOutOfBounds);
    };
    let data = ctx.store().gc_heap().may_hold(bytes as usize).then(|| segment[range].to_vec());
    // SAFETY: validated code: the slot is in the frame.
    unsafe { new_array(r, ctx, OpCode::ArrayNewData, op.dst, op.ty, len, data) }
}

pub(super) unsafe fn array_new_elem(op: op::ArrayNewElem, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (offset, len): (u32, u32) = unsafe { (get(r.fp, op.offset), get(r.fp, op.len)) };
    let instance = ctx.instance as usize;
    let segment = &ctx.store().instances[instance].elems[op.elem as usize];
    let Some(range) = ops::range(offset.into(), len.into(), segment.len()) else {
        return ctx.trap(TrapCode::TableOutOfBounds);
    };
    let data: Vec<u8> = segment[range].iter().flat_map(|raw| raw.to_le_bytes()).collect();
    // SAFETY: validated code: the slot is in the frame.
    unsafe { new_array(r, ctx, OpCode::ArrayNewElem, op.dst, op.ty, len, Some(data)) }
}

/// The array a reference operand names and the byte range of its elements
/// `index..index + count`, or the trap.
fn array_range<'c>(
    ctx: &'c mut Executor<'_>,
    raw: u64,
    index: u32,
    count: u32,
    size: usize,
) -> Result<(&'c mut gc::GcObject, std::ops::Range<usize>), TrapCode> {
    let array = object(ctx.store(), raw, TrapCode::NullArrayReference)?;
    let elements = ops::range(index.into(), count.into(), array.len as usize).ok_or(TrapCode::ArrayOutOfBounds)?;
    Ok((array, elements.start * size..elements.end * size))
}

pub(super) unsafe fn array_get(op: op::ArrayGet, r: R, ctx: Ctx) -> Flow {
    let access = Access::from_u32(op.kind);
    // SAFETY: validated code: the slots are in the frame.
    let (raw, index): (u64, u32) = unsafe { (get(r.fp, op.array), get(r.fp, op.index)) };
    match array_range(ctx, raw, index, 1, access.size()) {
        Ok((array, bytes)) => {
            // SAFETY: validated code: the result's slots are in the frame.
            unsafe { read_into(r, op.dst, access, &array.data[bytes]) };
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn array_set(op: op::ArraySet, r: R, ctx: Ctx) -> Flow {
    let access = Access::from_u32(op.kind);
    // SAFETY: validated code: the slots are in the frame.
    let (raw, index, value): (u64, u32, u128) =
        unsafe { (get(r.fp, op.array), get(r.fp, op.index), slot_value(r, op.value, access)) };
    match array_range(ctx, raw, index, 1, access.size()) {
        Ok((array, bytes)) => {
            access.write(&mut array.data[bytes], value);
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn array_len(op: op::ArrayLen, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.array) };
    match object(ctx.store(), raw, TrapCode::NullArrayReference) {
        Ok(array) => {
            let len = array.len;
            // SAFETY: validated code: the slot is in the frame.
            unsafe { set::<u32>(r.fp, op.dst, len) };
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn array_fill(op: op::ArrayFill, r: R, ctx: Ctx) -> Flow {
    let access = Access::from_u32(op.kind);
    // SAFETY: validated code: the slots are in the frame.
    let (raw, offset, value, len): (u64, u32, u128, u32) =
        unsafe { (get(r.fp, op.array), get(r.fp, op.offset), slot_value(r, op.value, access), get(r.fp, op.len)) };
    match array_range(ctx, raw, offset, len, access.size()) {
        Ok((array, bytes)) => {
            for element in array.data[bytes].chunks_exact_mut(access.size()) {
                access.write(element, value);
            }
            Flow::Next
        }
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn array_copy(op: op::ArrayCopy, r: R, ctx: Ctx) -> Flow {
    let size = Access::from_u32(op.kind).size();
    // SAFETY: validated code: the slots are in the frame.
    let (dst, dst_offset, src, src_offset, len): (u64, u32, u64, u32, u32) = unsafe {
        (
            get(r.fp, op.dst_array),
            get(r.fp, op.dst_offset),
            get(r.fp, op.src_array),
            get(r.fp, op.src_offset),
            get(r.fp, op.len),
        )
    };
    // Both ranges are checked before anything is copied.
    let source = match array_range(ctx, src, src_offset, len, size) {
        Ok((_, bytes)) => bytes,
        Err(code) => return ctx.trap(code),
    };
    if let Err(code) = array_range(ctx, dst, dst_offset, len, size) {
        return ctx.trap(code);
    }
    let heap = ctx.store().gc_heap();
    let (src_index, dst_index) = (gc::object_index(src), gc::object_index(dst));
    if src_index == dst_index {
        let array = heap.object_mut(dst).expect("checked above");
        array.data.copy_within(source, dst_offset as usize * size);
    } else {
        let bytes = heap.object(src).expect("checked above").data[source].to_vec();
        let array = heap.object_mut(dst).expect("checked above");
        let at = dst_offset as usize * size;
        array.data[at..at + bytes.len()].copy_from_slice(&bytes);
    }
    Flow::Next
}

pub(super) unsafe fn array_init_data(op: op::ArrayInitData, r: R, ctx: Ctx) -> Flow {
    let size = Access::from_u32(op.kind).size();
    // SAFETY: validated code: the slots are in the frame.
    let (raw, offset, src, len): (u64, u32, u32, u32) =
        unsafe { (get(r.fp, op.array), get(r.fp, op.offset), get(r.fp, op.src), get(r.fp, op.len)) };
    let segment = data_segment(ctx, op.data);
    let bytes = match array_range(ctx, raw, offset, len, size) {
        Ok((_, bytes)) => bytes,
        Err(code) => return ctx.trap(code),
    };
    let Some(source) = ops::range(src.into(), bytes.len() as u64, segment.len()) else {
        return ctx.trap(TrapCode::MemoryOutOfBounds);
    };
    let array = ctx.store().gc_heap().object_mut(raw).expect("checked above");
    array.data[bytes].copy_from_slice(&segment[source]);
    Flow::Next
}

pub(super) unsafe fn array_init_elem(op: op::ArrayInitElem, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (raw, offset, src, len): (u64, u32, u32, u32) =
        unsafe { (get(r.fp, op.array), get(r.fp, op.offset), get(r.fp, op.src), get(r.fp, op.len)) };
    let bytes = match array_range(ctx, raw, offset, len, 8) {
        Ok((_, bytes)) => bytes,
        Err(code) => return ctx.trap(code),
    };
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let segment = &store.instances[instance].elems[op.elem as usize];
    let Some(source) = ops::range(src.into(), len.into(), segment.len()) else {
        return ctx.trap(TrapCode::TableOutOfBounds);
    };
    let values: Vec<u8> = segment[source].iter().flat_map(|raw| raw.to_le_bytes()).collect();
    let array = store.gc_heap().object_mut(raw).expect("checked above");
    array.data[bytes].copy_from_slice(&values);
    Flow::Next
}

pub(super) unsafe fn ref_i31(op: op::RefI31, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    unsafe { set::<u64>(r.fp, op.dst, gc::i31_raw(get::<u32>(r.fp, op.src))) };
    Flow::Next
}

/// `i31.get_s`/`i31.get_u`: `dst = value(src)`, trapping on null.
///
/// # Safety
/// Both slots must be in the frame.
unsafe fn i31_get(r: R, ctx: Ctx, dst: Slot, src: Slot, value: fn(u64) -> u32) -> Flow {
    // SAFETY: forwarded to the caller.
    let raw: u64 = unsafe { get(r.fp, src) };
    if raw == 0 {
        return ctx.trap(TrapCode::NullI31Reference);
    }
    // SAFETY: forwarded to the caller.
    unsafe { set::<u32>(r.fp, dst, value(raw)) };
    Flow::Next
}

pub(super) unsafe fn i31_get_s(op: op::I31GetS, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    unsafe { i31_get(r, ctx, op.dst, op.src, |raw| gc::i31_signed(raw) as u32) }
}

pub(super) unsafe fn i31_get_u(op: op::I31GetU, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    unsafe { i31_get(r, ctx, op.dst, op.src, gc::i31_unsigned) }
}

pub(super) unsafe fn ref_test(op: op::RefTest, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.src) };
    let result = passes(ctx, raw, op.target);
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set::<u32>(r.fp, op.dst, result as u32) };
    Flow::Next
}

pub(super) unsafe fn ref_cast(op: op::RefCast, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.src) };
    if passes(ctx, raw, op.target) { Flow::Next } else { ctx.trap(TrapCode::CastFailure) }
}
