//! Handlers of the op table's `other` group: control flow, calls, and everything that
//! touches the store (globals, tables, bulk memory).

use super::*;
use crate::ir::BranchOffset;

pub(super) use super::gc::{
    array_copy, array_fill, array_get, array_init_data, array_init_elem, array_len, array_new, array_new_data,
    array_new_default, array_new_elem, array_new_fixed, array_set, i31_get_s, i31_get_u, ref_cast, ref_i31, ref_test,
    struct_get, struct_new, struct_new_default, struct_set,
};

type R<'a> = &'a mut Regs;
type Ctx<'a, 'h> = &'a mut Executor<'h>;

pub(super) unsafe fn exit(_: op::Exit, _: R, _: Ctx) -> Flow {
    Flow::Exit
}

pub(super) unsafe fn unreachable(_: op::Unreachable, _: R, ctx: Ctx) -> Flow {
    ctx.trap(TrapCode::Unreachable)
}

pub(super) unsafe fn copy(op: op::Copy, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: both slots are in the frame.
    unsafe { set::<u64>(r.fp, op.dst, get::<u64>(r.fp, op.src)) };
    Flow::Next
}

pub(super) unsafe fn copy_acc(op: op::CopyAcc, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: both slots are in the frame.
    unsafe { put(r, op.dst, get::<u64>(r.fp, op.src)) };
    Flow::Next
}

pub(super) unsafe fn copy_facc(op: op::CopyFacc, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: both slots are in the frame.
    unsafe { put(r, op.dst, get::<f64>(r.fp, op.src)) };
    Flow::Next
}

pub(super) unsafe fn copy2(op: op::Copy2, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots are in the frame. In order: the second copy may
    // read what the first wrote.
    unsafe {
        set::<u64>(r.fp, op.dst, get::<u64>(r.fp, op.src));
        set::<u64>(r.fp, op.dst2, get::<u64>(r.fp, op.src2));
    }
    Flow::Next
}

pub(super) unsafe fn copy_span(op: op::CopySpan, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: both spans are in the frame; `copy` allows overlap.
    unsafe { std::ptr::copy(r.fp.add(op.src.0 as usize), r.fp.add(op.dst.0 as usize), op.len as usize) };
    Flow::Next
}

pub(super) unsafe fn const32(op: op::Const32, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set::<u32>(r.fp, op.dst, op.value) };
    Flow::Next
}

/// The multiply-then-add/subtract handlers: `$product` computes the (rounded) product
/// from the operands, `$combine` the result from it and the other operand.
macro_rules! multiply_then {
    ($( $name:ident $op:ident: |$o:ident, $r:ident| $product:expr, $other:ident => |$p:ident, $c:ident| $combine:expr; )*) => {$(
        pub(super) unsafe fn $name($o: op::$op, $r: R, _: Ctx) -> Flow {
            // SAFETY: validated code: all slots are in the frame.
            unsafe {
                let $p: f64 = $product;
                let $c: f64 = get($r.fp, $o.$other);
                let result: f64 = $combine;
                set($r.fp, $o.dst, result);
                $r.facc = result;
            }
            Flow::Next
        }
    )*};
}

multiply_then! {
    f64_mul_add F64MulAdd: |o, r| get::<f64>(r.fp, o.lhs) * get::<f64>(r.fp, o.rhs), addend => |p, c| p + c;
    f64_mul_add_acc F64MulAddAcc: |o, r| r.facc * get::<f64>(r.fp, o.rhs), addend => |p, c| p + c;
    f64_mul_sub F64MulSub: |o, r| get::<f64>(r.fp, o.lhs) * get::<f64>(r.fp, o.rhs), subtrahend => |p, c| p - c;
    f64_mul_sub_acc F64MulSubAcc: |o, r| r.facc * get::<f64>(r.fp, o.rhs), subtrahend => |p, c| p - c;
    f64_sub_mul F64SubMul: |o, r| get::<f64>(r.fp, o.lhs) * get::<f64>(r.fp, o.rhs), minuend => |p, c| c - p;
    f64_sub_mul_acc F64SubMulAcc: |o, r| r.facc * get::<f64>(r.fp, o.rhs), minuend => |p, c| c - p;
}

pub(super) unsafe fn i32_shr_u_and(op: op::I32ShrUAnd, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    unsafe {
        let field = (get::<u32>(r.fp, op.src) >> op.shift) & op.mask;
        set(r.fp, op.dst, field);
        r.acc = u64::from(field);
    }
    Flow::Next
}

pub(super) unsafe fn i32_shr_u_and_acc(op: op::I32ShrUAndAcc, r: R, _: Ctx) -> Flow {
    let field = ((r.acc as u32) >> op.shift) & op.mask;
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set(r.fp, op.dst, field) };
    r.acc = u64::from(field);
    Flow::Next
}

pub(super) unsafe fn i32_add3_acc(op: op::I32Add3Acc, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    unsafe {
        let sum = get::<u32>(r.fp, op.lhs).wrapping_add(r.acc as u32).wrapping_add(op.imm as u32);
        set(r.fp, op.dst, sum);
        r.acc = u64::from(sum);
    }
    Flow::Next
}

/// The `xor`-with-own-shift handlers: a slot form and an accumulator form of each.
macro_rules! xor_shifts {
    ($($ty:ty: $name:ident $op:ident, $name_acc:ident $op_acc:ident = |$x:ident, $k:ident| $e:expr;)*) => {$(
        pub(super) unsafe fn $name(op: op::$op, r: R, _: Ctx) -> Flow {
            // SAFETY: validated code: the slots are in the frame.
            unsafe {
                let ($x, $k): ($ty, u32) = (get(r.fp, op.src), op.shift);
                let value: $ty = $e;
                put(r, op.dst, value);
            }
            Flow::Next
        }

        pub(super) unsafe fn $name_acc(op: op::$op_acc, r: R, _: Ctx) -> Flow {
            let ($x, $k): ($ty, u32) = (<$ty>::from_acc(r), op.shift);
            let value: $ty = $e;
            // SAFETY: validated code: the slot is in the frame.
            unsafe { put(r, op.dst, value) };
            Flow::Next
        }
    )*};
}

xor_shifts! {
    u32: i32_xor_shr_u I32XorShrU, i32_xor_shr_u_acc I32XorShrUAcc = |x, k| x ^ (x >> k);
    u32: i32_xor_shl I32XorShl, i32_xor_shl_acc I32XorShlAcc = |x, k| x ^ (x << k);
    u64: i64_xor_shr_u I64XorShrU, i64_xor_shr_u_acc I64XorShrUAcc = |x, k| x ^ (x >> k);
    u64: i64_xor_shl I64XorShl, i64_xor_shl_acc I64XorShlAcc = |x, k| x ^ (x << k);
}

pub(super) unsafe fn const64(op: op::Const64, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set::<u64>(r.fp, op.dst, op.value) };
    Flow::Next
}

pub(super) unsafe fn select(op: op::Select, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots are in the frame.
    unsafe {
        let cond: i32 = get(r.fp, op.cond);
        let value: u64 = get(r.fp, if cond != 0 { op.if_true } else { op.if_false });
        set(r.fp, op.dst, value);
    }
    Flow::Next
}

pub(super) unsafe fn copy_v128(op: op::CopyV128, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: both v128 slot pairs are in the frame.
    unsafe { set_v128(r.fp, op.dst, get_v128(r.fp, op.src)) };
    Flow::Next
}

pub(super) unsafe fn const_v128(op: op::ConstV128, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the v128 slot pair is in the frame.
    unsafe { set_v128(r.fp, op.dst, op.value) };
    Flow::Next
}

pub(super) unsafe fn select_v128(op: op::SelectV128, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots are in the frame.
    unsafe {
        let cond: i32 = get(r.fp, op.cond);
        let value = get_v128(r.fp, if cond != 0 { op.if_true } else { op.if_false });
        set_v128(r.fp, op.dst, value);
    }
    Flow::Next
}

pub(super) unsafe fn i8x16_shuffle(op: op::I8x16Shuffle, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all v128 slot pairs are in the frame.
    unsafe {
        let value = simd::i8x16_shuffle(get_v128(r.fp, op.lhs), get_v128(r.fp, op.rhs), op.lanes);
        set_v128(r.fp, op.dst, value);
    }
    Flow::Next
}

/// Writes a 128-bit result as its low and high `i64` halves to `dst` and `dst + 1`.
///
/// # Safety
/// Both slots must be in the frame.
unsafe fn put_wide(r: R, dst: Slot, value: u128) {
    // SAFETY: forwarded to the caller.
    unsafe {
        set::<u64>(r.fp, dst, value as u64);
        set::<u64>(r.fp, Slot(dst.0 + 1), (value >> 64) as u64);
    }
}

/// # Safety
/// `low` and `high` must be in the frame.
unsafe fn get_wide(r: R, low: Slot, high: Slot) -> u128 {
    // SAFETY: forwarded to the caller.
    unsafe { get::<u64>(r.fp, low) as u128 | (get::<u64>(r.fp, high) as u128) << 64 }
}

pub(super) unsafe fn i64_add128(op: op::I64Add128, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots, `dst + 1` included, are in the frame.
    unsafe {
        let sum = get_wide(r, op.lhs_low, op.lhs_high).wrapping_add(get_wide(r, op.rhs_low, op.rhs_high));
        put_wide(r, op.dst, sum);
    }
    Flow::Next
}

pub(super) unsafe fn i64_sub128(op: op::I64Sub128, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots, `dst + 1` included, are in the frame.
    unsafe {
        let difference = get_wide(r, op.lhs_low, op.lhs_high).wrapping_sub(get_wide(r, op.rhs_low, op.rhs_high));
        put_wide(r, op.dst, difference);
    }
    Flow::Next
}

pub(super) unsafe fn i64_mul_wide_s(op: op::I64MulWideS, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots, `dst + 1` included, are in the frame.
    unsafe {
        let (a, b): (i64, i64) = (get(r.fp, op.lhs), get(r.fp, op.rhs));
        put_wide(r, op.dst, (a as i128 * b as i128) as u128);
    }
    Flow::Next
}

pub(super) unsafe fn i64_mul_wide_u(op: op::I64MulWideU, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: all slots, `dst + 1` included, are in the frame.
    unsafe {
        let (a, b): (u64, u64) = (get(r.fp, op.lhs), get(r.fp, op.rhs));
        put_wide(r, op.dst, a as u128 * b as u128);
    }
    Flow::Next
}

pub(super) unsafe fn br(op: op::Br, _: R, _: Ctx) -> Flow {
    Flow::Branch(op.offset.0)
}

pub(super) unsafe fn br_if_nez(op: op::BrIfNez, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    if unsafe { get::<i32>(r.fp, op.cond) } != 0 { Flow::Branch(op.offset.0) } else { Flow::Next }
}

/// The `i32.step_br_if.*` handlers: `dst = src + step`, then the comparison of `dst` with
/// `rhs` decides the branch. Each comparison has four forms: the step an immediate
/// (`imm`) or a slot (`step`), `rhs` a slot or an immediate (`_imm`).
macro_rules! step_branches {
    ($( [$($op:ident $name:ident $step:ident),*] = |$a:ident, $b:ident| $e:expr;)*) => {$($(
        pub(super) unsafe fn $name(op: op::$op, r: R, _: Ctx) -> Flow {
            // SAFETY: validated code: the slots are in the frame.
            unsafe { step_branch(r, op.dst, op.src, op.$step, op.rhs, op.offset, |$a, $b| $e) }
        }
    )*)*};
}

/// # Safety
/// `dst`, `src` and a slot `step` or `rhs` must be in the frame.
#[inline(always)]
unsafe fn step_branch(
    r: R,
    dst: Slot,
    src: Slot,
    step: impl Source<i32>,
    rhs: impl Source<i32>,
    offset: BranchOffset,
    holds: impl FnOnce(i32, i32) -> bool,
) -> Flow {
    // SAFETY: forwarded to the caller. `rhs` is read after `dst` is written, as the
    // compare-branch read it after the add.
    unsafe {
        let value = get::<i32>(r.fp, src).wrapping_add(step.read(r));
        put(r, dst, value);
        if holds(value, rhs.read(r)) { Flow::Branch(offset.0) } else { Flow::Next }
    }
}

step_branches! {
    [
        I32StepBrIfEq i32_step_br_if_eq imm, I32StepBrIfEqImm i32_step_br_if_eq_imm imm,
        I32StepSlotBrIfEq i32_step_slot_br_if_eq step, I32StepSlotBrIfEqImm i32_step_slot_br_if_eq_imm step
    ] = |a, b| a == b;
    [
        I32StepBrIfNe i32_step_br_if_ne imm, I32StepBrIfNeImm i32_step_br_if_ne_imm imm,
        I32StepSlotBrIfNe i32_step_slot_br_if_ne step, I32StepSlotBrIfNeImm i32_step_slot_br_if_ne_imm step
    ] = |a, b| a != b;
    [
        I32StepBrIfLtS i32_step_br_if_lt_s imm, I32StepBrIfLtSImm i32_step_br_if_lt_s_imm imm,
        I32StepSlotBrIfLtS i32_step_slot_br_if_lt_s step, I32StepSlotBrIfLtSImm i32_step_slot_br_if_lt_s_imm step
    ] = |a, b| a < b;
    [
        I32StepBrIfLtU i32_step_br_if_lt_u imm, I32StepBrIfLtUImm i32_step_br_if_lt_u_imm imm,
        I32StepSlotBrIfLtU i32_step_slot_br_if_lt_u step, I32StepSlotBrIfLtUImm i32_step_slot_br_if_lt_u_imm step
    ] = |a, b| (a as u32) < (b as u32);
    [
        I32StepBrIfGtS i32_step_br_if_gt_s imm, I32StepBrIfGtSImm i32_step_br_if_gt_s_imm imm,
        I32StepSlotBrIfGtS i32_step_slot_br_if_gt_s step, I32StepSlotBrIfGtSImm i32_step_slot_br_if_gt_s_imm step
    ] = |a, b| a > b;
    [
        I32StepBrIfGtU i32_step_br_if_gt_u imm, I32StepBrIfGtUImm i32_step_br_if_gt_u_imm imm,
        I32StepSlotBrIfGtU i32_step_slot_br_if_gt_u step, I32StepSlotBrIfGtUImm i32_step_slot_br_if_gt_u_imm step
    ] = |a, b| (a as u32) > (b as u32);
    [
        I32StepBrIfLeS i32_step_br_if_le_s imm, I32StepBrIfLeSImm i32_step_br_if_le_s_imm imm,
        I32StepSlotBrIfLeS i32_step_slot_br_if_le_s step, I32StepSlotBrIfLeSImm i32_step_slot_br_if_le_s_imm step
    ] = |a, b| a <= b;
    [
        I32StepBrIfLeU i32_step_br_if_le_u imm, I32StepBrIfLeUImm i32_step_br_if_le_u_imm imm,
        I32StepSlotBrIfLeU i32_step_slot_br_if_le_u step, I32StepSlotBrIfLeUImm i32_step_slot_br_if_le_u_imm step
    ] = |a, b| (a as u32) <= (b as u32);
    [
        I32StepBrIfGeS i32_step_br_if_ge_s imm, I32StepBrIfGeSImm i32_step_br_if_ge_s_imm imm,
        I32StepSlotBrIfGeS i32_step_slot_br_if_ge_s step, I32StepSlotBrIfGeSImm i32_step_slot_br_if_ge_s_imm step
    ] = |a, b| a >= b;
    [
        I32StepBrIfGeU i32_step_br_if_ge_u imm, I32StepBrIfGeUImm i32_step_br_if_ge_u_imm imm,
        I32StepSlotBrIfGeU i32_step_slot_br_if_ge_u step, I32StepSlotBrIfGeUImm i32_step_slot_br_if_ge_u_imm step
    ] = |a, b| (a as u32) >= (b as u32);
}

pub(super) unsafe fn br_if_eqz(op: op::BrIfEqz, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    if unsafe { get::<i32>(r.fp, op.cond) } == 0 { Flow::Branch(op.offset.0) } else { Flow::Next }
}

pub(super) unsafe fn br_table(op: op::BrTable, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u32 = unsafe { get(r.fp, op.index) };
    // SAFETY: the instruction is a `br_table`.
    unsafe { branch_through_table(r, OpCode::BrTable, index, op.len) }
}

pub(super) unsafe fn br_table_and(op: op::BrTableAnd, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u32 = unsafe { get::<u32>(r.fp, op.index) } & op.mask;
    // SAFETY: the instruction is a `br_table.and`.
    unsafe { branch_through_table(r, OpCode::BrTableAnd, index, op.len) }
}

pub(super) unsafe fn br_table_add(op: op::BrTableAdd, r: R, _: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u32 = unsafe { get::<u32>(r.fp, op.index) }.wrapping_add(op.imm as u32);
    // SAFETY: the instruction is a `br_table.add`.
    unsafe { branch_through_table(r, OpCode::BrTableAdd, index, op.len) }
}

pub(super) unsafe fn br_table_and_acc(op: op::BrTableAndAcc, r: R, _: Ctx) -> Flow {
    let index = r.acc as u32 & op.mask;
    // SAFETY: the instruction is a `br_table.and` (accumulator form).
    unsafe { branch_through_table(r, OpCode::BrTableAndAcc, index, op.len) }
}

pub(super) unsafe fn br_table_add_acc(op: op::BrTableAddAcc, r: R, _: Ctx) -> Flow {
    let index = (r.acc as u32).wrapping_add(op.imm as u32);
    // SAFETY: the instruction is a `br_table.add` (accumulator form).
    unsafe { branch_through_table(r, OpCode::BrTableAddAcc, index, op.len) }
}

/// The branch of the table of `len + 1` offsets that follows the instruction of op code
/// `code` at `r.ip`, for `index` (the last offset for any index from `len` on).
///
/// # Safety
/// The instruction at `r.ip` must be of op code `code`, one of the `br_table` forms.
#[inline(always)]
unsafe fn branch_through_table(r: R, code: OpCode, index: u32, len: u32) -> Flow {
    let entry = index.min(len) as usize;
    // SAFETY: `len + 1` offsets follow the instruction; `entry <= len`.
    let offset = unsafe { r.ip.add(code.size() + 4 * entry).cast::<i32>().read_unaligned() };
    Flow::Branch(offset)
}

/// Pops the current frame and continues in the caller; results are already at `r.fp`.
///
/// # Safety
/// A frame must be active (the outermost one returns to the exit stub).
#[inline(always)]
pub(super) unsafe fn return_to_caller(r: R, ctx: Ctx) -> Flow {
    r.ip = ctx.leave_frame(r);
    Flow::Goto
}

pub(super) unsafe fn return_(_: op::Return, r: R, ctx: Ctx) -> Flow {
    // SAFETY: forwarded.
    unsafe { return_to_caller(r, ctx) }
}

pub(super) unsafe fn return_slot(op: op::ReturnSlot, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame, which has at least one slot.
    unsafe {
        let value = get::<u64>(r.fp, op.src);
        *r.fp = value;
        // Whatever its type, the caller finds the value in the accumulator it reads.
        r.hand_back(value);
        return_to_caller(r, ctx)
    }
}

pub(super) unsafe fn return_acc(_: op::ReturnAcc, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the frame has at least one slot.
    unsafe {
        *r.fp = r.acc;
        return_to_caller(r, ctx)
    }
}

pub(super) unsafe fn return_facc(_: op::ReturnFacc, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the frame has at least one slot.
    unsafe {
        *r.fp = r.facc.to_bits();
        return_to_caller(r, ctx)
    }
}

pub(super) unsafe fn return_span(op: op::ReturnSpan, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the span is in the frame, whose size covers the results.
    unsafe {
        std::ptr::copy(r.fp.add(op.src.0 as usize), r.fp, op.len as usize);
        return_to_caller(r, ctx)
    }
}

pub(super) unsafe fn call(op: op::Call, r: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    let func = ctx.store().instances[instance].funcs[op.func as usize];
    // SAFETY: the instruction is followed by the next; the arguments are in the frame.
    unsafe {
        let ret_ip = r.ip.add(OpCode::Call.size());
        out_of_line(r, |r| ctx.enter(func, r, op.base.0 as usize, ret_ip))
    }
}

pub(super) unsafe fn call_internal(op: op::CallInternal, r: R, ctx: Ctx) -> Flow {
    // SAFETY: the translator emits this op only for functions the module defines; the
    // arguments are in the frame; the instruction is followed by the next.
    unsafe {
        let ret_ip = r.ip.add(OpCode::CallInternal.size());
        ctx.enter_internal(op.func, r, op.base.0 as usize, ret_ip)
    }
}

pub(super) unsafe fn return_call_internal(op: op::ReturnCallInternal, r: R, ctx: Ctx) -> Flow {
    // SAFETY: the translator emits this op only for functions the module defines; the
    // arguments are in the frame.
    unsafe { ctx.enter_internal_tail(op.func, r, op.base.0 as usize) }
}

/// The function `call_indirect` calls: its store index, and its index in the running
/// instance's module if it is one the instance defines (so the call can stay inside the
/// instance).
struct IndirectCallee {
    func: u32,
    internal: Option<u32>,
}

/// Finds the function `call_indirect` calls, or the trap it raises.
#[inline(always)]
fn resolve_indirect(ctx: &mut Executor<'_>, table: u32, ty: u32, index: u64) -> Result<IndirectCallee, TrapCode> {
    let running = ctx.instance;
    // SAFETY: validated code: `table` indexes the running instance's tables and `ty` its
    // module's types, whose lists `switch_instance` pointed these at.
    let expected = unsafe { *ctx.type_ids.add(ty as usize) };
    let table: *const TableEntity = match table {
        0 if !ctx.table0.is_null() => ctx.table0,
        _ => {
            // SAFETY: as above.
            let index = unsafe { *ctx.table_indices.add(table as usize) };
            &ctx.store().tables[index as usize]
        }
    };
    let store = ctx.store();
    // SAFETY: `table` points into the store's table list, which has not moved since it was
    // taken (see `Executor::table0`), and nothing here changes it.
    let table = unsafe { &*table };
    let index = if table.ty.is_64() { index } else { index as u32 as u64 };
    let raw =
        *usize::try_from(index).ok().and_then(|index| table.elements.get(index)).ok_or(TrapCode::UndefinedElement)?;
    if raw == 0 {
        return Err(TrapCode::UninitializedElement);
    }
    let func = (raw - 1) as u32;
    let entity = &store.funcs[func as usize];
    // The common case is the exact type; otherwise the function's may be a declared subtype.
    if entity.type_id != expected && !store.engine.types().is_subtype(entity.type_id, expected) {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(IndirectCallee::of(store, running, func))
}

impl IndirectCallee {
    /// Store function `func`, called from store instance `running`.
    fn of(store: &StoreInner, running: u32, func: u32) -> IndirectCallee {
        let internal = match store.funcs[func as usize].kind {
            FuncKind::Wasm { instance, index } if instance == running => Some(index),
            _ => None,
        };
        IndirectCallee { func, internal }
    }

    /// Calls the callee with its frame at `r.fp + base`; the caller continues after its
    /// instruction of op code `code`.
    ///
    /// # Safety
    /// The arguments are in the frame; the instruction at `r.ip` is followed by the next.
    #[inline(always)]
    unsafe fn call(self, r: R, ctx: Ctx, base: Slot, code: OpCode) -> Flow {
        // SAFETY: forwarded; an internal callee is defined by the running instance's module.
        unsafe {
            let ret_ip = r.ip.add(code.size());
            match self.internal {
                Some(index) => ctx.enter_internal(index, r, base.0 as usize, ret_ip),
                None => out_of_line(r, |r| ctx.enter(self.func, r, base.0 as usize, ret_ip)),
            }
        }
    }

    /// Calls the callee in place of the running function (a tail call).
    ///
    /// # Safety
    /// The arguments are in the frame at `r.fp + base`.
    #[inline(always)]
    unsafe fn tail_call(self, r: R, ctx: Ctx, base: Slot) -> Flow {
        // SAFETY: forwarded; an internal callee is defined by the running instance's module.
        unsafe {
            match self.internal {
                Some(index) => ctx.enter_internal_tail(index, r, base.0 as usize),
                None => out_of_line(r, |r| ctx.enter_tail(self.func, r, base.0 as usize)),
            }
        }
    }
}

pub(super) unsafe fn call_indirect(op: op::CallIndirect, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u64 = unsafe { get(r.fp, op.index) };
    match resolve_indirect(ctx, op.table, op.ty, index) {
        // SAFETY: validated code: the arguments are in the frame.
        Ok(callee) => unsafe { callee.call(r, ctx, op.base, OpCode::CallIndirect) },
        Err(code) => ctx.trap(code),
    }
}

/// The callee of `call_ref`: the store function a non-null reference names (the
/// validator proved its type).
fn resolve_ref(ctx: &mut Executor<'_>, raw: u64) -> Result<IndirectCallee, TrapCode> {
    let func = u32::try_from(raw.wrapping_sub(1)).map_err(|_| TrapCode::NullFunctionReference)?;
    let running = ctx.instance;
    Ok(IndirectCallee::of(ctx.store(), running, func))
}

pub(super) unsafe fn call_ref(op: op::CallRef, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.func) };
    match resolve_ref(ctx, raw) {
        // SAFETY: validated code: the arguments are in the frame.
        Ok(callee) => unsafe { callee.call(r, ctx, op.base, OpCode::CallRef) },
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn return_call_ref(op: op::ReturnCallRef, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.func) };
    match resolve_ref(ctx, raw) {
        // SAFETY: validated code: the arguments are in the frame.
        Ok(callee) => unsafe { callee.tail_call(r, ctx, op.base) },
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn trap_if_null(op: op::TrapIfNull, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.src) };
    if raw == 0 { ctx.trap(TrapCode::NullReference) } else { Flow::Next }
}

pub(super) unsafe fn throw(op: op::Throw, r: R, ctx: Ctx) -> Flow {
    ctx.before_throw(r, r.ip.wrapping_add(OpCode::Throw.size()));
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let tag = store.instances[instance].tags[op.tag as usize];
    let num_slots = store.tags[tag as usize].ty.param_slots();
    // SAFETY: validated code: the tag's values are in the frame from `base` on.
    let payload = unsafe { std::slice::from_raw_parts(r.fp.add(op.base.0 as usize), num_slots) };
    let exception = store.new_exception(tag, payload.into());
    // SAFETY: `r` describes the running function, stopped at this instruction.
    unsafe { ctx.unwind(r, exception) }
}

pub(super) unsafe fn throw_ref(op: op::ThrowRef, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let raw: u64 = unsafe { get(r.fp, op.src) };
    match crate::runtime::gc::exn_index(raw) {
        // SAFETY: `r` describes the running function, stopped at this instruction.
        Some(exception) => unsafe { ctx.unwind(r, exception) },
        None => ctx.trap(TrapCode::NullExceptionReference),
    }
}

pub(super) unsafe fn return_call(op: op::ReturnCall, r: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    let func = ctx.store().instances[instance].funcs[op.func as usize];
    // SAFETY: the arguments are in the frame.
    out_of_line(r, |r| unsafe { ctx.enter_tail(func, r, op.base.0 as usize) })
}

pub(super) unsafe fn return_call_indirect(op: op::ReturnCallIndirect, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u64 = unsafe { get(r.fp, op.index) };
    match resolve_indirect(ctx, op.table, op.ty, index) {
        // SAFETY: validated code: the arguments are in the frame.
        Ok(callee) => unsafe { callee.tail_call(r, ctx, op.base) },
        Err(code) => ctx.trap(code),
    }
}

pub(super) unsafe fn global_get(op: op::GlobalGet, r: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let value = store.globals[store.instances[instance].globals[op.global as usize] as usize].value as u64;
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set::<u64>(r.fp, op.dst, value) };
    Flow::Next
}

pub(super) unsafe fn global_set(op: op::GlobalSet, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let value: u64 = unsafe { get(r.fp, op.src) };
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let global = store.instances[instance].globals[op.global as usize] as usize;
    store.globals[global].value = value as u128;
    Flow::Next
}

pub(super) unsafe fn global_get_v128(op: op::GlobalGetV128, r: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let value = store.globals[store.instances[instance].globals[op.global as usize] as usize].value;
    // SAFETY: validated code: the v128 slot pair is in the frame.
    unsafe { set_v128(r.fp, op.dst, simd::V128::from_u128(value)) };
    Flow::Next
}

pub(super) unsafe fn global_set_v128(op: op::GlobalSetV128, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the v128 slot pair is in the frame.
    let value = unsafe { get_v128(r.fp, op.src) };
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let global = store.instances[instance].globals[op.global as usize] as usize;
    store.globals[global].value = value.to_u128();
    Flow::Next
}

fn memory_index(ctx: &mut Executor<'_>, memory: u32) -> usize {
    let instance = ctx.instance as usize;
    ctx.store().instances[instance].memories[memory as usize] as usize
}

/// Writes a memory's size or `memory.grow` result as its address type: an `i64` for a
/// 64-bit memory, an `i32` otherwise (`u64::MAX`, the failure value, becomes `-1`).
///
/// # Safety
/// `dst` must be in the frame at `r.fp`.
unsafe fn set_address(r: R, dst: Slot, value: u64, address64: bool) {
    // SAFETY: forwarded to the caller.
    unsafe {
        if address64 {
            set::<u64>(r.fp, dst, value);
        } else {
            set::<u32>(r.fp, dst, value as u32);
        }
    }
}

pub(super) unsafe fn memory_size(op: op::MemorySize, r: R, ctx: Ctx) -> Flow {
    let memory = memory_index(ctx, op.memory);
    let memory = &ctx.store().memories[memory];
    let (pages, address64) = (memory.pages(), memory.is_64());
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set_address(r, op.dst, pages, address64) };
    Flow::Next
}

pub(super) unsafe fn memory_grow(op: op::MemoryGrow, r: R, ctx: Ctx) -> Flow {
    let memory = memory_index(ctx, op.memory);
    let address64 = ctx.store().memories[memory].is_64();
    // SAFETY: validated code: the slot is in the frame.
    let delta = address(unsafe { get(r.fp, op.delta) }, address64);
    let old = ctx.store().grow_memory(memory, delta).unwrap_or(u64::MAX);
    // SAFETY: as above.
    unsafe { set_address(r, op.dst, old, address64) };
    ctx.load_memory(r);
    Flow::Next
}

/// `start..start + len` if it lies within `size`.
pub(super) fn range(start: u64, len: u64, size: usize) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}

pub(super) unsafe fn memory_fill(op: op::MemoryFill, r: R, ctx: Ctx) -> Flow {
    let memory = memory_index(ctx, op.memory);
    let address64 = ctx.store().memories[memory].is_64();
    // SAFETY: validated code: the slots are in the frame.
    let (dst, value, len): (u64, i32, u64) = unsafe { (get(r.fp, op.dst), get(r.fp, op.value), get(r.fp, op.len)) };
    let data = ctx.store().memories[memory].data_mut();
    match range(address(dst, address64), address(len, address64), data.len()) {
        Some(range) => data[range].fill(value as u8),
        None => return ctx.trap(TrapCode::MemoryOutOfBounds),
    }
    Flow::Next
}

pub(super) unsafe fn memory_copy(op: op::MemoryCopy, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (dst, src, len): (u64, u64, u64) = unsafe { (get(r.fp, op.dst), get(r.fp, op.src), get(r.fp, op.len)) };
    let dst_memory = memory_index(ctx, op.dst_memory);
    let src_memory = memory_index(ctx, op.src_memory);
    let store = ctx.store();
    let (src_64, dst_64) = (store.memories[src_memory].is_64(), store.memories[dst_memory].is_64());
    // The length is 64-bit only if both memories are.
    let len = address(len, src_64 && dst_64);
    let (src_len, dst_len) = (store.memories[src_memory].len(), store.memories[dst_memory].len());
    let (Some(src), Some(dst)) = (range(address(src, src_64), len, src_len), range(address(dst, dst_64), len, dst_len))
    else {
        return ctx.trap(TrapCode::MemoryOutOfBounds);
    };
    if src_memory == dst_memory {
        store.memories[dst_memory].data_mut().copy_within(src, dst.start);
    } else {
        let bytes = store.memories[src_memory].data()[src].to_vec();
        store.memories[dst_memory].data_mut()[dst].copy_from_slice(&bytes);
    }
    Flow::Next
}

pub(super) unsafe fn memory_init(op: op::MemoryInit, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (dst, src, len): (u64, u32, u32) = unsafe { (get(r.fp, op.dst), get(r.fp, op.src), get(r.fp, op.len)) };
    let memory = memory_index(ctx, op.memory);
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let instance = &store.instances[instance];
    let module = instance.module.inner.clone();
    let segment = instance.datas[op.data as usize].clone();
    let address64 = store.memories[memory].is_64();
    let data = store.memories[memory].data_mut();
    let (Some(src), Some(dst)) =
        (range(src.into(), len.into(), segment.len()), range(address(dst, address64), len.into(), data.len()))
    else {
        return ctx.trap(TrapCode::MemoryOutOfBounds);
    };
    data[dst].copy_from_slice(&module.bytes[segment][src]);
    Flow::Next
}

pub(super) unsafe fn data_drop(op: op::DataDrop, _: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    ctx.store().instances[instance].datas[op.data as usize] = 0..0;
    Flow::Next
}

fn table_index(ctx: &mut Executor<'_>, table: u32) -> usize {
    let instance = ctx.instance as usize;
    ctx.store().instances[instance].tables[table as usize] as usize
}

/// A table's index operand from its raw slot, as an element position (`usize::MAX`, out
/// of bounds, if it does not fit).
fn element(raw: u64, index64: bool) -> usize {
    usize::try_from(address(raw, index64)).unwrap_or(usize::MAX)
}

pub(super) unsafe fn table_get(op: op::TableGet, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slot is in the frame.
    let index: u64 = unsafe { get(r.fp, op.index) };
    let table = table_index(ctx, op.table);
    let table = &ctx.store().tables[table];
    match table.elements.get(element(index, table.ty.is_64())) {
        // SAFETY: as above.
        Some(&value) => unsafe { set::<u64>(r.fp, op.dst, value) },
        None => return ctx.trap(TrapCode::TableOutOfBounds),
    }
    Flow::Next
}

pub(super) unsafe fn table_set(op: op::TableSet, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (index, value): (u64, u64) = unsafe { (get(r.fp, op.index), get(r.fp, op.value)) };
    let table = table_index(ctx, op.table);
    let table = &mut ctx.store().tables[table];
    let index = element(index, table.ty.is_64());
    match table.elements.get_mut(index) {
        Some(element) => *element = value,
        None => return ctx.trap(TrapCode::TableOutOfBounds),
    }
    Flow::Next
}

pub(super) unsafe fn table_size(op: op::TableSize, r: R, ctx: Ctx) -> Flow {
    let table = table_index(ctx, op.table);
    let table = &ctx.store().tables[table];
    let (size, index64) = (table.elements.len() as u64, table.ty.is_64());
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set_address(r, op.dst, size, index64) };
    Flow::Next
}

pub(super) unsafe fn table_grow(op: op::TableGrow, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (init, delta): (u64, u64) = unsafe { (get(r.fp, op.init), get(r.fp, op.delta)) };
    let table = table_index(ctx, op.table);
    let index64 = ctx.store().tables[table].ty.is_64();
    let old = ctx.store().grow_table(table, address(delta, index64), init).unwrap_or(u64::MAX);
    // SAFETY: as above.
    unsafe { set_address(r, op.dst, old, index64) };
    Flow::Next
}

pub(super) unsafe fn table_fill(op: op::TableFill, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (dst, value, len): (u64, u64, u64) = unsafe { (get(r.fp, op.dst), get(r.fp, op.value), get(r.fp, op.len)) };
    let table = table_index(ctx, op.table);
    let table = &mut ctx.store().tables[table];
    let index64 = table.ty.is_64();
    match range(address(dst, index64), address(len, index64), table.elements.len()) {
        Some(range) => table.elements[range].fill(value),
        None => return ctx.trap(TrapCode::TableOutOfBounds),
    }
    Flow::Next
}

pub(super) unsafe fn table_copy(op: op::TableCopy, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (dst, src, len): (u64, u64, u64) = unsafe { (get(r.fp, op.dst), get(r.fp, op.src), get(r.fp, op.len)) };
    let dst_table = table_index(ctx, op.dst_table);
    let src_table = table_index(ctx, op.src_table);
    let store = ctx.store();
    let (src_64, dst_64) = (store.tables[src_table].ty.is_64(), store.tables[dst_table].ty.is_64());
    // The length is 64-bit only if both tables are.
    let len = address(len, src_64 && dst_64);
    let (src_len, dst_len) = (store.tables[src_table].elements.len(), store.tables[dst_table].elements.len());
    let (Some(src), Some(dst)) = (range(address(src, src_64), len, src_len), range(address(dst, dst_64), len, dst_len))
    else {
        return ctx.trap(TrapCode::TableOutOfBounds);
    };
    if src_table == dst_table {
        store.tables[dst_table].elements.copy_within(src, dst.start);
    } else {
        let values = store.tables[src_table].elements[src].to_vec();
        store.tables[dst_table].elements[dst].copy_from_slice(&values);
    }
    Flow::Next
}

pub(super) unsafe fn table_init(op: op::TableInit, r: R, ctx: Ctx) -> Flow {
    // SAFETY: validated code: the slots are in the frame.
    let (dst, src, len): (u64, u32, u32) = unsafe { (get(r.fp, op.dst), get(r.fp, op.src), get(r.fp, op.len)) };
    let table = table_index(ctx, op.table);
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let segment = &store.instances[instance].elems[op.elem as usize];
    let table = &mut store.tables[table];
    let dst = address(dst, table.ty.is_64());
    let (Some(src), Some(dst)) =
        (range(src.into(), len.into(), segment.len()), range(dst, len.into(), table.elements.len()))
    else {
        return ctx.trap(TrapCode::TableOutOfBounds);
    };
    table.elements[dst].copy_from_slice(&segment[src]);
    Flow::Next
}

pub(super) unsafe fn elem_drop(op: op::ElemDrop, _: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    ctx.store().instances[instance].elems[op.elem as usize] = Vec::new();
    Flow::Next
}

pub(super) unsafe fn ref_func(op: op::RefFunc, r: R, ctx: Ctx) -> Flow {
    let instance = ctx.instance as usize;
    let func = ctx.store().instances[instance].funcs[op.func as usize];
    // SAFETY: validated code: the slot is in the frame.
    unsafe { set::<u64>(r.fp, op.dst, func as u64 + 1) };
    Flow::Next
}

pub(super) unsafe fn consume_fuel(op: op::ConsumeFuel, _: R, ctx: Ctx) -> Flow {
    ctx.consume_fuel(op.amount)
}

pub(super) unsafe fn check_interrupt(_: op::CheckInterrupt, _: R, ctx: Ctx) -> Flow {
    ctx.check_interrupt()
}

pub(super) unsafe fn consume_fuel_check_interrupt(op: op::ConsumeFuelCheckInterrupt, _: R, ctx: Ctx) -> Flow {
    match ctx.check_interrupt() {
        Flow::Next => ctx.consume_fuel(op.amount),
        stop => stop,
    }
}
