//! Translation of the GC instructions: structs, arrays, `i31`, casts and conversions.
//!
//! Types are resolved here, once: instructions carry engine type indices, field byte
//! offsets and access kinds (`runtime::gc::Access`), so the interpreter never looks a
//! type up to read or write a field.

use wasmparser::{CompositeInnerType, FuncValidator, Operator, ValidatorResources, WasmModuleResources};

use super::{Condition, Provider, Translator, slots_of, unsupported};
use crate::error::Result;
use crate::exec::gc::encode_cast_target;
use crate::ir::{Op, Slot, op};
use crate::module::StackMaps;
use crate::registry::{Composite, FieldType, TypeRegistry};
use crate::runtime::gc::{Access, field_offsets};
use crate::types::{HeapType, TypeIndex};

impl Translator<'_> {
    /// The engine index of the module's type `index`.
    fn engine_type(&self, index: u32) -> u32 {
        self.module.type_ids[index as usize]
    }

    fn struct_fields(&self, index: u32) -> Result<Box<[FieldType]>> {
        match self.module.engine.types().composite(self.engine_type(index)) {
            Composite::Struct(fields) => Ok(fields.clone()),
            _ => Err(unsupported("struct access to a type that is not a struct")),
        }
    }

    fn array_element(&self, index: u32) -> Result<FieldType> {
        match self.module.engine.types().composite(self.engine_type(index)) {
            Composite::Array(element) => Ok(*element),
            _ => Err(unsupported("array access to a type that is not an array")),
        }
    }

    /// A struct field's byte offset and how it is read (`signed` for `get_s`).
    fn field(&self, type_index: u32, field_index: u32, signed: bool) -> Result<(u32, Access)> {
        let fields = self.struct_fields(type_index)?;
        let offset = field_offsets(&fields)[field_index as usize];
        Ok((offset, Access::of(fields[field_index as usize].storage, signed)))
    }

    fn element_access(&self, type_index: u32, signed: bool) -> Result<Access> {
        Ok(Access::of(self.array_element(type_index)?.storage, signed))
    }

    /// Pops a value of `access`'s width (two entries for a `v128`) into a slot.
    fn pop_value(&mut self, access: Access) -> Slot {
        if access == Access::V128 { self.pop_v128() } else { self.pop_operand() }
    }

    /// Pushes a result of `access`'s width computed into its home slot(s).
    fn push_value(&mut self, access: Access) -> Result<Slot> {
        if access == Access::V128 { self.push_home_v128() } else { self.push_home() }
    }

    /// The `u32` operand of `ref.test`/`ref.cast` for the reference type given.
    fn cast_target(&self, nullable: bool, heap: wasmparser::HeapType) -> Result<u32> {
        let registry = self.module.engine.types();
        let type_index = |index: u32| {
            let index = self.module.type_ids[index as usize];
            TypeIndex { index, kind: registry.kind(index) }
        };
        HeapType::from_wasmparser(heap, &type_index)
            .and_then(|heap| encode_cast_target(nullable, heap))
            .ok_or_else(|| unsupported(&format!("cast to {heap:?}")))
    }

    /// Translates `op` if it is a GC instruction.
    pub(super) fn visit_gc_op(&mut self, op: &Operator<'_>) -> Option<Result<()>> {
        Some(match *op {
            Operator::StructNew { struct_type_index } => self.struct_new(struct_type_index),
            Operator::StructNewDefault { struct_type_index } => {
                let ty = self.engine_type(struct_type_index);
                self.push_home()
                    .map(|dst| self.emit_result(Op::StructNewDefault(op::StructNewDefault { dst, ty }), dst))
            }
            Operator::StructGet { struct_type_index, field_index }
            | Operator::StructGetU { struct_type_index, field_index } => {
                self.struct_get(struct_type_index, field_index, false)
            }
            Operator::StructGetS { struct_type_index, field_index } => {
                self.struct_get(struct_type_index, field_index, true)
            }
            Operator::StructSet { struct_type_index, field_index } => {
                self.field(struct_type_index, field_index, false).map(|(offset, access)| {
                    let value = self.pop_value(access);
                    let object = self.pop_operand();
                    self.emit(Op::StructSet(op::StructSet { object, value, offset, kind: access as u32 }));
                })
            }
            Operator::ArrayNew { array_type_index } => self.array_new(array_type_index),
            Operator::ArrayNewDefault { array_type_index } => {
                let ty = self.engine_type(array_type_index);
                let len = self.pop_operand();
                self.push_home()
                    .map(|dst| self.emit_result(Op::ArrayNewDefault(op::ArrayNewDefault { dst, len, ty }), dst))
            }
            Operator::ArrayNewFixed { array_type_index, array_size } => {
                self.array_new_fixed(array_type_index, array_size)
            }
            Operator::ArrayNewData { array_type_index, array_data_index } => {
                let ty = self.engine_type(array_type_index);
                let [offset, len] = self.operands(2)[..] else { unreachable!() };
                self.push_home().map(|dst| {
                    let data = array_data_index;
                    self.emit_result(Op::ArrayNewData(op::ArrayNewData { dst, offset, len, ty, data }), dst)
                })
            }
            Operator::ArrayNewElem { array_type_index, array_elem_index } => {
                let ty = self.engine_type(array_type_index);
                let [offset, len] = self.operands(2)[..] else { unreachable!() };
                self.push_home().map(|dst| {
                    let elem = array_elem_index;
                    self.emit_result(Op::ArrayNewElem(op::ArrayNewElem { dst, offset, len, ty, elem }), dst)
                })
            }
            Operator::ArrayGet { array_type_index } | Operator::ArrayGetU { array_type_index } => {
                self.array_get(array_type_index, false)
            }
            Operator::ArrayGetS { array_type_index } => self.array_get(array_type_index, true),
            Operator::ArraySet { array_type_index } => self.element_access(array_type_index, false).map(|access| {
                let value = self.pop_value(access);
                let [array, index] = self.operands(2)[..] else { unreachable!() };
                self.emit(Op::ArraySet(op::ArraySet { array, index, value, kind: access as u32 }));
            }),
            Operator::ArrayLen => {
                let array = self.pop_operand();
                self.push_home().map(|dst| self.emit_result(Op::ArrayLen(op::ArrayLen { dst, array }), dst))
            }
            Operator::ArrayFill { array_type_index } => self.element_access(array_type_index, false).map(|access| {
                let len = self.pop_operand();
                let value = self.pop_value(access);
                let [array, offset] = self.operands(2)[..] else { unreachable!() };
                self.emit(Op::ArrayFill(op::ArrayFill { array, offset, value, len, kind: access as u32 }));
            }),
            Operator::ArrayCopy { array_type_index_dst, .. } => {
                self.element_access(array_type_index_dst, false).map(|access| {
                    let [dst_array, dst_offset, src_array, src_offset, len] = self.operands(5)[..] else {
                        unreachable!()
                    };
                    let kind = access as u32;
                    self.emit(Op::ArrayCopy(op::ArrayCopy { dst_array, dst_offset, src_array, src_offset, len, kind }));
                })
            }
            Operator::ArrayInitData { array_type_index, array_data_index } => {
                self.element_access(array_type_index, false).map(|access| {
                    let [array, offset, src, len] = self.operands(4)[..] else { unreachable!() };
                    let (kind, data) = (access as u32, array_data_index);
                    self.emit(Op::ArrayInitData(op::ArrayInitData { array, offset, src, len, kind, data }));
                })
            }
            Operator::ArrayInitElem { array_elem_index, .. } => {
                let [array, offset, src, len] = self.operands(4)[..] else { unreachable!() };
                let elem = array_elem_index;
                self.emit(Op::ArrayInitElem(op::ArrayInitElem { array, offset, src, len, elem }));
                Ok(())
            }
            Operator::RefI31 => self.unary(|dst, src| Op::RefI31(op::RefI31 { dst, src })),
            Operator::I31GetS => self.unary(|dst, src| Op::I31GetS(op::I31GetS { dst, src })),
            Operator::I31GetU => self.unary(|dst, src| Op::I31GetU(op::I31GetU { dst, src })),
            Operator::RefEq => {
                let [lhs, rhs] = self.operands(2)[..] else { unreachable!() };
                self.push_home().map(|dst| self.emit_result(Op::I64Eq(op::I64Eq { dst, lhs, rhs }), dst))
            }
            // Both hierarchies share one encoding (see `runtime::gc`): nothing to do.
            Operator::AnyConvertExtern | Operator::ExternConvertAny => Ok(()),
            Operator::RefTestNonNull { hty } => self.ref_test(false, hty),
            Operator::RefTestNullable { hty } => self.ref_test(true, hty),
            Operator::RefCastNonNull { hty } => self.ref_cast(false, hty),
            Operator::RefCastNullable { hty } => self.ref_cast(true, hty),
            Operator::BrOnCast { relative_depth, to_ref_type, .. } => {
                self.br_on_cast(relative_depth, to_ref_type, true)
            }
            Operator::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                self.br_on_cast(relative_depth, to_ref_type, false)
            }
            _ => return None,
        })
    }

    fn struct_new(&mut self, type_index: u32) -> Result<()> {
        let ty = self.engine_type(type_index);
        let slots: usize = self.struct_fields(type_index)?.iter().map(|f| Access::of(f.storage, false).slots()).sum();
        let base = self.call_args(slots);
        let dst = self.push_home()?;
        self.emit_result(Op::StructNew(op::StructNew { dst, base, ty }), dst);
        Ok(())
    }

    fn struct_get(&mut self, type_index: u32, field_index: u32, signed: bool) -> Result<()> {
        let (offset, access) = self.field(type_index, field_index, signed)?;
        let object = self.pop_operand();
        let dst = self.push_value(access)?;
        self.emit_result(Op::StructGet(op::StructGet { dst, object, offset, kind: access as u32 }), dst);
        Ok(())
    }

    fn array_new(&mut self, type_index: u32) -> Result<()> {
        let ty = self.engine_type(type_index);
        let access = self.element_access(type_index, false)?;
        let len = self.pop_operand();
        let value = self.pop_value(access);
        let dst = self.push_home()?;
        self.emit_result(Op::ArrayNew(op::ArrayNew { dst, value, len, ty }), dst);
        Ok(())
    }

    fn array_new_fixed(&mut self, type_index: u32, len: u32) -> Result<()> {
        let ty = self.engine_type(type_index);
        let access = self.element_access(type_index, false)?;
        let slots = (len as usize).checked_mul(access.slots()).ok_or_else(|| unsupported("array.new_fixed size"))?;
        let base = self.call_args(slots);
        let dst = self.push_home()?;
        self.emit_result(Op::ArrayNewFixed(op::ArrayNewFixed { dst, base, len, ty }), dst);
        Ok(())
    }

    fn array_get(&mut self, type_index: u32, signed: bool) -> Result<()> {
        let access = self.element_access(type_index, signed)?;
        let [array, index] = self.operands(2)[..] else { unreachable!() };
        let dst = self.push_value(access)?;
        self.emit_result(Op::ArrayGet(op::ArrayGet { dst, array, index, kind: access as u32 }), dst);
        Ok(())
    }

    fn ref_test(&mut self, nullable: bool, heap: wasmparser::HeapType) -> Result<()> {
        let target = self.cast_target(nullable, heap)?;
        self.unary(|dst, src| Op::RefTest(op::RefTest { dst, src, target }))
    }

    fn ref_cast(&mut self, nullable: bool, heap: wasmparser::HeapType) -> Result<()> {
        let target = self.cast_target(nullable, heap)?;
        let (provider, height) = self.pop();
        let src = self.operand(provider, height);
        self.emit(Op::RefCast(op::RefCast { src, target }));
        self.push(provider)
    }

    /// `br_on_cast` (`taken_if` true) and `br_on_cast_fail`: the test's result goes to
    /// the slot above the reference, which stays on the stack either way.
    fn br_on_cast(&mut self, depth: u32, to: wasmparser::RefType, taken_if: bool) -> Result<()> {
        let target = self.cast_target(to.is_nullable(), to.heap_type())?;
        let (provider, height) = self.pop();
        let src = self.operand(provider, height);
        self.push(provider)?;
        let test = self.slot(self.stack.len());
        self.emit(Op::RefTest(op::RefTest { dst: test, src, target }));
        self.branch_when(Condition::Slot(test), taken_if, depth as usize)
    }
}

impl Access {
    /// Slots a value of this access takes in a frame.
    fn slots(self) -> usize {
        if self == Access::V128 { 2 } else { 1 }
    }
}

/// Does a value of this type need to be seen by the collector (a reference of the `any`
/// or `extern` hierarchy, which may be a heap object)? Concrete types are named by the
/// module's index (in local declarations) or, with `validator`, by the validator's
/// canonical id (in its operand types).
pub(super) fn traced(
    registry: &TypeRegistry,
    type_ids: &[u32],
    validator: Option<&FuncValidator<ValidatorResources>>,
    ty: wasmparser::ValType,
) -> bool {
    use wasmparser::AbstractHeapType as A;
    let wasmparser::ValType::Ref(reference) = ty else { return false };
    match reference.heap_type() {
        wasmparser::HeapType::Abstract { ty, .. } => {
            matches!(ty, A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::Extern | A::Exn)
        }
        wasmparser::HeapType::Concrete(wasmparser::UnpackedIndex::Module(index)) => {
            type_ids.get(index as usize).is_some_and(|&id| registry.kind(id) != crate::types::CompositeKind::Func)
        }
        wasmparser::HeapType::Concrete(wasmparser::UnpackedIndex::Id(id)) => validator.is_some_and(|validator| {
            !matches!(validator.resources().sub_type_at_id(id).composite_type.inner, CompositeInnerType::Func(_))
        }),
        // Types named by position in a recursion group only occur inside type definitions.
        _ => false,
    }
}

/// Instructions where garbage may be collected while the function's frame is live: the
/// allocations and `throw` (in this frame) and calls (in a callee, or in a host function).
pub(super) fn is_safepoint(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::StructNew { .. }
            | Operator::StructNewDefault { .. }
            | Operator::ArrayNew { .. }
            | Operator::ArrayNewDefault { .. }
            | Operator::ArrayNewFixed { .. }
            | Operator::ArrayNewData { .. }
            | Operator::ArrayNewElem { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::Throw { .. }
    )
}

/// The operand stack entries holding traced references before a safepoint instruction
/// (by height), with where each value was then.
pub(super) struct PendingMap(Vec<(usize, Provider)>);

impl Translator<'_> {
    /// The traced entries of the operand stack as it is now, from the validator's types
    /// (which describe the same stack: one type per value, a `v128` taking two entries).
    pub(super) fn traced_entries(&self, validator: &FuncValidator<ValidatorResources>) -> PendingMap {
        let registry = self.module.engine.types();
        let mut entries = Vec::new();
        let mut top = self.stack.len();
        let mut depth = 0;
        while let Some(ty) = validator.get_operand_type(depth) {
            let width = ty.map_or(1, slots_of);
            let Some(below) = top.checked_sub(width) else { break };
            top = below;
            if ty.is_some_and(|ty| traced(&registry, &self.module.type_ids, Some(validator), ty)) {
                entries.push((top, self.stack[top].provider));
            }
            depth += 1;
        }
        PendingMap(entries)
    }
}

/// Collects a function's stack maps as translation goes.
pub(super) struct MapRecorder {
    locals: Vec<u16>,
    points: Vec<(u32, u32, u32)>,
    slots: Vec<u16>,
}

impl MapRecorder {
    pub(super) fn new(locals: Vec<u16>) -> Self {
        MapRecorder { locals, points: Vec::new(), slots: Vec::new() }
    }

    /// Records the map of the safepoint instruction just emitted, whose operand stack
    /// was `pending` before it. An entry's home slot is listed if the value was there
    /// before (an argument, consumed by now) or is there after; a value still in a
    /// local is found through the local.
    pub(super) fn record(&mut self, t: &Translator<'_>, pending: PendingMap) {
        let start = self.slots.len() as u32;
        for (height, before) in pending.0 {
            let home_after = t.stack.get(height).is_some_and(|entry| entry.provider == Provider::Home);
            if before == Provider::Home || home_after {
                self.slots.push((t.num_locals + height) as u16);
            }
        }
        let len = self.slots.len() as u32 - start;
        if len > 0 {
            self.points.push((t.code.pos() as u32, start, len));
        }
    }

    pub(super) fn finish(self) -> StackMaps {
        StackMaps { locals: self.locals.into(), points: self.points.into(), slots: self.slots.into() }
    }
}
