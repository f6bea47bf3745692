//! The interpreter core: direct-threaded handlers over the register IR.
//!
//! Every encoded instruction starts with the address of its handler. A handler does its
//! work and then either jumps to the next instruction's handler with a guaranteed tail
//! call (`become` with the `nightly` feature; a plain call in tail position in optimised
//! x86-64 builds on stable, see `build.rs`) or returns to a small
//! dispatch loop that calls the next handler. Both dispatchers are generated from the op
//! table around the same handler bodies (`semantics`), so they cannot disagree.
//!
//! Guest calls never recurse on the native stack: a call pushes a [`Frame`] on the
//! executor's own frame stack and continues dispatching in the callee.
//!
//! This module holds the crate's unsafe interpreter code. The invariants it relies on:
//! - code was produced by the translator from a validated function, so every slot index
//!   is below the function's `frame_size`, every branch lands on an instruction, and
//!   operand types match what the handlers read;
//! - on entry to a function, the value stack holds at least `frame_size` slots from
//!   `fp` (checked by `enter`, which grows the stack or traps);
//! - `mem`/`mem_len` describe the current instance's memory 0 and are reloaded after
//!   anything that can change them (calls, returns, `memory.grow`, host calls).

pub(crate) mod gc;
pub(crate) mod num;
mod ops;
pub(crate) mod profile;
pub(crate) mod simd;

use std::sync::OnceLock;

use crate::error::{Error, FrameInfo, Trap, TrapCode};
use crate::ir::table::for_each_op;
use crate::ir::{Acc, HANDLER_SIZE, MemoryRef, OpCode, Slot, op};
use crate::module::FuncBody;
use crate::runtime::store::{FuncKind, HostContext, StoreInner, TableEntity};
use crate::values::Val;

/// The machine state a handler works on; kept in registers between handlers.
#[derive(Clone, Copy)]
pub(crate) struct Regs {
    pub(crate) ip: *const u8,
    pub(crate) fp: *mut u64,
    pub(crate) mem: *mut u8,
    pub(crate) mem_len: usize,
    /// The accumulator: the raw value of the last result an op of the table's generated
    /// groups wrote (see `ir::table`). Only the translator knows when it is meaningful.
    /// An `f64` result goes to `facc` instead.
    pub(crate) acc: u64,
    /// The accumulator for `f64` results: a floating-point register, so that a chain of
    /// `f64` operations never moves its values between register files.
    pub(crate) facc: f64,
}

impl Regs {
    /// Leaves a function's single result (raw, of whatever type) in both accumulators,
    /// where the caller's next instruction reads it (see `ops::return_slot`).
    #[inline(always)]
    pub(crate) fn hand_back(&mut self, raw: u64) {
        self.acc = raw;
        self.facc = f64::from_bits(raw);
    }
}

/// What a handler asks the dispatcher to do next.
pub(crate) enum Flow {
    /// Continue with the instruction after this one.
    Next,
    /// Continue `offset` bytes from the start of this instruction.
    Branch(i32),
    /// Continue at `Regs::ip`, which the handler set.
    Goto,
    /// Stop; `Executor::outcome` says why (nothing there: normal completion).
    Exit,
}

/// A suspended caller.
pub(crate) struct Frame {
    ret_ip: *const u8,
    fp: *mut u64,
    instance: u32,
    func: u32,
}

/// Runs guest code on behalf of one call from the host.
pub(crate) struct Executor<'h> {
    host: &'h mut dyn HostContext,
    /// Derived from `host` and re-derived after every host call.
    store: *mut StoreInner,
    stack: Vec<u64>,
    frames: Vec<Frame>,
    /// How many frames `frames` holds without growing, capped at `max_depth`: below it,
    /// a call pushes its frame with no capacity check or call.
    frames_limit: usize,
    /// Index (in the store) of the instance whose code runs now.
    instance: u32,
    /// Index (in its module) of the function that runs now.
    func: u32,
    /// The function bodies defined by the running instance's module, for calls that stay
    /// inside the instance (`call_internal`); null until the first function starts.
    bodies: *const FuncBody,
    /// How many functions that module imports: `bodies` starts at this function index.
    num_imported: u32,
    /// The running instance's table indices in the store (its `tables`), and its
    /// module's engine-wide type ids: what `call_indirect` looks up. Both lists are fixed
    /// once the instance exists, and their buffers stay put when the store's instance
    /// list grows.
    table_indices: *const u32,
    type_ids: *const u32,
    /// The running instance's table 0 in the store (null if it has none), so that
    /// `call_indirect` on it skips two dependent lookups. Taken again wherever the store
    /// may have changed (an instance switch, a host call): only the host can add tables,
    /// which may move the store's list of them.
    pub(crate) table0: *const TableEntity,
    /// One past the last slot of `stack`.
    stack_end: *mut u64,
    max_depth: usize,
    max_slots: usize,
    outcome: Option<Error>,
    /// Present when the engine counts executed instructions (`Config::count_ops`).
    op_counter: Option<Box<profile::OpCounter>>,
}

/// A value that lives in a frame slot (and in the accumulator) as raw 64 bits.
pub(crate) trait SlotValue: Copy {
    /// The value from a slot's raw 64 bits.
    fn from_raw(raw: u64) -> Self;
    /// The raw 64 bits a slot holds for the value.
    fn to_raw(self) -> u64;

    /// The value the accumulator holds.
    #[inline(always)]
    fn from_acc(r: &Regs) -> Self {
        Self::from_raw(r.acc)
    }

    /// Puts the value in the accumulator.
    #[inline(always)]
    fn to_acc(self, r: &mut Regs) {
        r.acc = self.to_raw();
    }

    /// # Safety
    /// `fp + slot` must be inside the value stack.
    #[inline(always)]
    unsafe fn get(fp: *mut u64, slot: Slot) -> Self {
        // SAFETY: the caller guarantees the slot is inside the value stack.
        Self::from_raw(unsafe { *fp.add(slot.0 as usize) })
    }

    /// # Safety
    /// `fp + slot` must be inside the value stack.
    #[inline(always)]
    unsafe fn set(fp: *mut u64, slot: Slot, value: Self) {
        // SAFETY: the caller guarantees the slot is inside the value stack.
        unsafe { *fp.add(slot.0 as usize) = value.to_raw() };
    }
}

macro_rules! slot_value {
    ($($ty:ty => |$v:ident| $to:expr, |$raw:ident| $from:expr;)*) => {$(
        impl SlotValue for $ty {
            #[inline(always)]
            fn from_raw($raw: u64) -> Self {
                $from
            }
            #[inline(always)]
            fn to_raw(self) -> u64 {
                let $v = self;
                $to
            }
        }
    )*};
}
slot_value! {
    i32 => |v| v as u32 as u64, |raw| raw as i32;
    u32 => |v| v as u64, |raw| raw as u32;
    i64 => |v| v as u64, |raw| raw as i64;
    u64 => |v| v, |raw| raw;
    f32 => |v| v.to_bits() as u64, |raw| f32::from_bits(raw as u32);
}

impl SlotValue for f64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        f64::from_bits(raw)
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    fn from_acc(r: &Regs) -> Self {
        r.facc
    }
    #[inline(always)]
    fn to_acc(self, r: &mut Regs) {
        r.facc = self;
    }
}

/// Reads slot `slot` of the frame at `fp` as a `T`.
#[inline(always)]
pub(crate) unsafe fn get<T: SlotValue>(fp: *mut u64, slot: Slot) -> T {
    // SAFETY: forwarded to the caller, see `SlotValue::get`.
    unsafe { T::get(fp, slot) }
}

/// Writes `value` to slot `slot` of the frame at `fp`.
#[inline(always)]
pub(crate) unsafe fn set<T: SlotValue>(fp: *mut u64, slot: Slot, value: T) {
    // SAFETY: forwarded to the caller, see `SlotValue::set`.
    unsafe { T::set(fp, slot, value) }
}

/// Reads the `v128` in slots `slot` and `slot + 1` of the frame at `fp`.
///
/// # Safety
/// Both slots must be inside the value stack.
#[inline(always)]
pub(crate) unsafe fn get_v128(fp: *mut u64, slot: Slot) -> simd::V128 {
    // SAFETY: the caller guarantees both slots are inside the value stack.
    let at = unsafe { fp.add(slot.0 as usize) };
    if cfg!(target_endian = "little") {
        // SAFETY: as above; slots are only 8-byte aligned, hence the unaligned read. The
        // low half is in the first slot (`Val::write_slots`), so the bytes are in order.
        unsafe { at.cast::<simd::V128>().read_unaligned() }
    } else {
        // SAFETY: as above.
        let (low, high) = unsafe { (*at, *at.add(1)) };
        simd::V128::from_halves(low, high)
    }
}

/// Writes `value` to slots `slot` and `slot + 1` of the frame at `fp`.
///
/// # Safety
/// Both slots must be inside the value stack.
#[inline(always)]
pub(crate) unsafe fn set_v128(fp: *mut u64, slot: Slot, value: simd::V128) {
    // SAFETY: as in `get_v128`.
    let at = unsafe { fp.add(slot.0 as usize) };
    if cfg!(target_endian = "little") {
        // SAFETY: as in `get_v128`.
        unsafe { at.cast::<simd::V128>().write_unaligned(value) };
    } else {
        let bits = value.to_u128();
        // SAFETY: as in `get_v128`.
        unsafe { (*at, *at.add(1)) = (bits as u64, (bits >> 64) as u64) };
    }
}

/// Where an operand of type `T` comes from: a frame slot, the accumulator, or the
/// instruction itself (an immediate).
pub(crate) trait Source<T>: Copy {
    /// # Safety
    /// A slot source must be inside the frame at `r.fp`.
    unsafe fn read(self, r: &Regs) -> T;
}

impl<T: SlotValue> Source<T> for Slot {
    #[inline(always)]
    unsafe fn read(self, r: &Regs) -> T {
        // SAFETY: forwarded to the caller.
        unsafe { get(r.fp, self) }
    }
}

impl<T: SlotValue> Source<T> for Acc {
    #[inline(always)]
    unsafe fn read(self, r: &Regs) -> T {
        T::from_acc(r)
    }
}

macro_rules! immediate_source {
    ($($ty:ty),*) => {$(
        impl Source<$ty> for $ty {
            #[inline(always)]
            unsafe fn read(self, _r: &Regs) -> $ty {
                self
            }
        }
    )*};
}
immediate_source!(i32, i64, f32, f64, simd::V128);

impl Source<simd::V128> for Slot {
    #[inline(always)]
    unsafe fn read(self, r: &Regs) -> simd::V128 {
        // SAFETY: forwarded to the caller (the slot and the one after it).
        unsafe { get_v128(r.fp, self) }
    }
}

/// Runs `slow` on a copy of the registers and takes the copy's values back.
///
/// Handlers reach their out-of-line paths (which need the registers' address) through
/// this: if a handler passed its own `Regs` by reference to a function that is not
/// inlined, LLVM would keep all of them in memory, and the fast path would store and
/// reload them too. With the copy only the slow path pays.
#[inline(always)]
pub(crate) fn out_of_line<T>(r: &mut Regs, slow: impl FnOnce(&mut Regs) -> T) -> T {
    let mut copy = *r;
    let result = slow(&mut copy);
    *r = copy;
    result
}

/// Writes an op's result to slot `dst` and to the accumulator.
///
/// # Safety
/// `dst` must be inside the frame at `r.fp`.
#[inline(always)]
pub(crate) unsafe fn put<T: SlotValue>(r: &mut Regs, dst: Slot, value: T) {
    // SAFETY: forwarded to the caller.
    unsafe { set(r.fp, dst, value) };
    value.to_acc(r);
}

/// The effective address of an access of `size` bytes, or `None` if out of bounds.
#[inline(always)]
pub(crate) fn effective_address(ptr: u32, offset: u32, size: usize, mem_len: usize) -> Option<usize> {
    let start = ptr as u64 + offset as u64;
    if start + size as u64 > mem_len as u64 { None } else { Some(start as usize) }
}

/// Where the `N` bytes at `ptr + offset` of (32-bit) memory 0 start, or `None` if they
/// are out of bounds.
#[inline(always)]
fn memory0_address<const N: usize>(r: &Regs, ptr: u32, offset: u32) -> Option<*mut u8> {
    let at = effective_address(ptr, offset, N, r.mem_len)?;
    // SAFETY: `at + N <= mem_len`, and `mem` points to `mem_len` accessible bytes.
    Some(unsafe { r.mem.add(at) })
}

/// Where the `N` bytes at `ptr + offset` of `memory` start, or `None` if they are out of
/// bounds. Memory 0 is still found in the registers; others are looked up in the store
/// on every access (multi-memory). `ptr` is the raw slot: only its low 32 bits count for
/// a 32-bit memory. With 64-bit addresses the sums may overflow, which is out of bounds.
#[inline(always)]
fn memory_address<const N: usize>(
    r: &Regs,
    ctx: &mut Executor<'_>,
    ptr: u64,
    offset: u64,
    memory: MemoryRef,
) -> Option<*mut u8> {
    let (base, len) = match memory.index() {
        0 => (r.mem, r.mem_len),
        index => other_memory(ctx, index),
    };
    let start = address(ptr, memory.is_64()).checked_add(offset)?;
    if start.checked_add(N as u64)? > len as u64 {
        return None;
    }
    // SAFETY: `start + N <= len`, and `base` points to `len` accessible bytes.
    Some(unsafe { base.add(start as usize) })
}

/// A memory's or table's address operand (or size) from its raw slot: all 64 bits for a
/// 64-bit one, the low 32 (an `i32`, unsigned) otherwise.
#[inline(always)]
pub(crate) fn address(raw: u64, address64: bool) -> u64 {
    if address64 { raw } else { raw as u32 as u64 }
}

/// A memory other than memory 0: its base and length, looked up in the store, so that
/// memory 0 keeps its registers and short path.
#[inline(always)]
fn other_memory(ctx: &mut Executor<'_>, memory: u32) -> (*mut u8, usize) {
    let instance = ctx.instance as usize;
    let store = ctx.store();
    let index = store.instances[instance].memories[memory as usize] as usize;
    let memory = &store.memories[index];
    (memory.base(), memory.len())
}

/// Reads the `N` bytes at `at`.
///
/// # Safety
/// `at` must come from [`memory0_address`] or [`memory_address`] in the same handler.
#[inline(always)]
unsafe fn read_at<const N: usize>(at: *mut u8) -> [u8; N] {
    // SAFETY: the caller's `at` starts `N` readable bytes of a linear memory.
    unsafe { at.cast::<[u8; N]>().read_unaligned() }
}

/// Writes `bytes` at `at`.
///
/// # Safety
/// As for [`read_at`].
#[inline(always)]
unsafe fn write_at<const N: usize>(at: *mut u8, bytes: [u8; N]) {
    // SAFETY: the caller's `at` starts `N` writable bytes of a linear memory.
    unsafe { at.cast::<[u8; N]>().write_unaligned(bytes) }
}

/// Generates the handler bodies (`semantics`), the dispatch glue for the build's
/// dispatch mode and the handler table, all from the op table. Every variant of an op
/// shares one body: its operands are read through [`Source`], whatever they are.
macro_rules! define_handlers {
    (
        unary { $( $u_name:ident $u_mn:literal ($u_in:ty) -> $u_out:ty = |$u_a:ident| $u_e:expr; )* }
        unary_trap { $( $ut_name:ident $ut_mn:literal ($ut_in:ty) -> $ut_out:ty = |$ut_a:ident| $ut_e:expr; )* }
        compare { $( $c_name:ident $c_imm:ident $c_mn:literal ($c_l:ty, $c_r:ty) = |$c_a:ident, $c_b:ident| $c_e:expr; )* }
        binary { $( $b_name:ident $b_imm:ident $b_mn:literal ($b_l:ty, $b_r:ty) -> $b_out:ty = |$b_a:ident, $b_b:ident| $b_e:expr; )* }
        binary_trap { $( $bt_name:ident $bt_imm:ident $bt_mn:literal ($bt_l:ty, $bt_r:ty) -> $bt_out:ty = |$bt_a:ident, $bt_b:ident| $bt_e:expr; )* }
        load { $( $l_name:ident $l_mn:literal [$l_n:literal] -> $l_out:ty = |$l_b:ident| $l_e:expr; )* }
        store { $( $s_name:ident $s_mn:literal ($s_in:ty) -> [$s_n:literal] = |$s_v:ident| $s_e:expr; )* }
        simd_unary { $( $su_name:ident $su_mn:literal = |$su_a:ident| $su_e:expr; )* }
        simd_binary { $( $sb_name:ident $sb_mn:literal = |$sb_a:ident, $sb_b:ident| $sb_e:expr; )* }
        simd_ternary { $( $st_name:ident $st_mn:literal = |$st_a:ident, $st_b:ident, $st_c:ident| $st_e:expr; )* }
        simd_shift { $( $ss_name:ident $ss_mn:literal = |$ss_a:ident, $ss_n:ident| $ss_e:expr; )* }
        simd_test { $( $sr_name:ident $sr_mn:literal = |$sr_a:ident| $sr_e:expr; )* }
        simd_splat { $( $sp_name:ident $sp_mn:literal ($sp_in:ty) = |$sp_x:ident| $sp_e:expr; )* }
        simd_extract { $( $sx_name:ident $sx_mn:literal -> $sx_out:ty = |$sx_a:ident, $sx_lane:ident| $sx_e:expr; )* }
        simd_replace { $( $sw_name:ident $sw_mn:literal ($sw_in:ty) = |$sw_a:ident, $sw_x:ident, $sw_lane:ident| $sw_e:expr; )* }
        simd_load { $( $sl_name:ident $sl_mn:literal [$sl_n:literal] = |$sl_b:ident| $sl_e:expr; )* }
        simd_load_lane { $( $sll_name:ident $sll_mn:literal [$sll_n:literal] = |$sll_a:ident, $sll_b:ident, $sll_lane:ident| $sll_e:expr; )* }
        simd_store { $( $sst_name:ident $sst_mn:literal [$sst_n:literal] = |$sst_a:ident| $sst_e:expr; )* }
        simd_store_lane { $( $ssl_name:ident $ssl_mn:literal [$ssl_n:literal] = |$ssl_a:ident, $ssl_lane:ident| $ssl_e:expr; )* }
        other { $( $o_name:ident $o_mn:literal { $($o_field:ident : $o_ty:ty),* } = $o_fn:ident; )* }
    ) => { paste::paste! {
        /// What each op does, independent of how dispatch continues.
        #[allow(non_snake_case, unused_variables, clippy::unnecessary_cast)]
        mod semantics {
            use super::*;

            $(
                define_handlers!(@binary $c_name, $c_l, $c_r, i32, $c_a, $c_b, ($c_e) as i32);
                define_handlers!(@binary $c_imm, $c_l, $c_r, i32, $c_a, $c_b, ($c_e) as i32);
                define_handlers!(@binary [<$c_name AccL>], $c_l, $c_r, i32, $c_a, $c_b, ($c_e) as i32);
                define_handlers!(@binary [<$c_name AccR>], $c_l, $c_r, i32, $c_a, $c_b, ($c_e) as i32);
                define_handlers!(@binary [<$c_imm Acc>], $c_l, $c_r, i32, $c_a, $c_b, ($c_e) as i32);
                define_handlers!(@branch [<BrIf $c_name>], true, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrIf $c_imm>], true, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrIf $c_name AccL>], true, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrIf $c_name AccR>], true, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrIf $c_imm Acc>], true, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrUnless $c_name>], false, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrUnless $c_imm>], false, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrUnless $c_name AccL>], false, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrUnless $c_name AccR>], false, $c_l, $c_r, $c_a, $c_b, $c_e);
                define_handlers!(@branch [<BrUnless $c_imm Acc>], false, $c_l, $c_r, $c_a, $c_b, $c_e);
            )*
            $(
                define_handlers!(@unary $u_name, $u_in, $u_out, $u_a, $u_e);
                define_handlers!(@unary [<$u_name Acc>], $u_in, $u_out, $u_a, $u_e);
            )*
            $(
                define_handlers!(@unary_trap $ut_name, $ut_in, $ut_out, $ut_a, $ut_e);
                define_handlers!(@unary_trap [<$ut_name Acc>], $ut_in, $ut_out, $ut_a, $ut_e);
            )*
            $(
                define_handlers!(@binary $b_name, $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary $b_imm, $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary [<$b_name AccL>], $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary [<$b_name AccR>], $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary [<$b_imm Acc>], $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary [<$b_name ImmL>], $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
                define_handlers!(@binary [<$b_name ImmLAcc>], $b_l, $b_r, $b_out, $b_a, $b_b, $b_e);
            )*
            $(
                define_handlers!(@binary_trap $bt_name, $bt_l, $bt_r, $bt_out, $bt_a, $bt_b, $bt_e);
                define_handlers!(@binary_trap $bt_imm, $bt_l, $bt_r, $bt_out, $bt_a, $bt_b, $bt_e);
                define_handlers!(@binary_trap [<$bt_name AccL>], $bt_l, $bt_r, $bt_out, $bt_a, $bt_b, $bt_e);
                define_handlers!(@binary_trap [<$bt_name AccR>], $bt_l, $bt_r, $bt_out, $bt_a, $bt_b, $bt_e);
                define_handlers!(@binary_trap [<$bt_imm Acc>], $bt_l, $bt_r, $bt_out, $bt_a, $bt_b, $bt_e);
            )*
            $(
                define_handlers!(@load $l_name, memory0, $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load [<$l_name Acc>], memory0, $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load_add [<$l_name Add>], $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load_add [<$l_name AddImm>], $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load_add [<$l_name AddAcc>], $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load_add [<$l_name AddImmAcc>], $l_n, $l_out, $l_b, $l_e);
                define_handlers!(@load_add [<$l_name Add3>], $l_n, $l_out, $l_b, $l_e, imm);
                define_handlers!(@load [<$l_name Mem>], memory_n, $l_n, $l_out, $l_b, $l_e);
            )*
            $(
                define_handlers!(@store $s_name, memory0, $s_in, $s_n, $s_v, $s_e);
                define_handlers!(@store [<$s_name AccPtr>], memory0, $s_in, $s_n, $s_v, $s_e);
                define_handlers!(@store [<$s_name AccValue>], memory0, $s_in, $s_n, $s_v, $s_e);
                define_handlers!(@store [<$s_name Imm>], memory0, $s_in, $s_n, $s_v, $s_e);
                define_handlers!(@store [<$s_name ImmAccPtr>], memory0, $s_in, $s_n, $s_v, $s_e);
                define_handlers!(@store [<$s_name Mem>], memory_n, $s_in, $s_n, $s_v, $s_e);
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $su_name(op: op::$su_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: validated code: the v128 slots are in the frame (module docs).
                    unsafe {
                        let $su_a = get_v128(r.fp, op.src);
                        set_v128(r.fp, op.dst, $su_e);
                    }
                    Flow::Next
                }
            )*
            $(
                define_handlers!(@simd_binary $sb_name, $sb_a, $sb_b, $sb_e);
                define_handlers!(@simd_binary [<$sb_name Imm>], $sb_a, $sb_b, $sb_e);
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $st_name(op: op::$st_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: validated code: the v128 slots are in the frame (module docs).
                    unsafe {
                        let ($st_a, $st_b, $st_c) = (get_v128(r.fp, op.a), get_v128(r.fp, op.b), get_v128(r.fp, op.c));
                        set_v128(r.fp, op.dst, $st_e);
                    }
                    Flow::Next
                }
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $ss_name(op: op::$ss_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: validated code: the slots are in the frame (module docs).
                    unsafe {
                        let ($ss_a, $ss_n): (simd::V128, i32) = (get_v128(r.fp, op.lhs), get(r.fp, op.rhs));
                        set_v128(r.fp, op.dst, $ss_e);
                    }
                    Flow::Next
                }
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $sr_name(op: op::$sr_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: validated code: the slots are in the frame (module docs).
                    unsafe {
                        let $sr_a = get_v128(r.fp, op.src);
                        let value: i32 = $sr_e;
                        set(r.fp, op.dst, value);
                    }
                    Flow::Next
                }
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $sp_name(op: op::$sp_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: validated code: the slots are in the frame (module docs).
                    unsafe {
                        let $sp_x: $sp_in = get(r.fp, op.src);
                        set_v128(r.fp, op.dst, $sp_e);
                    }
                    Flow::Next
                }
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $sx_name(op: op::$sx_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    // The validator checked the lane against the lane count.
                    let $sx_lane = op.lane as usize;
                    // SAFETY: validated code: the slots are in the frame (module docs).
                    unsafe {
                        let $sx_a = get_v128(r.fp, op.src);
                        let value: $sx_out = $sx_e;
                        set(r.fp, op.dst, value);
                    }
                    Flow::Next
                }
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $sw_name(op: op::$sw_name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
                    let $sw_lane = op.lane as usize;
                    // SAFETY: validated code: the slots are in the frame (module docs).
                    unsafe {
                        let ($sw_a, $sw_x): (simd::V128, $sw_in) = (get_v128(r.fp, op.src), get(r.fp, op.value));
                        set_v128(r.fp, op.dst, $sw_e);
                    }
                    Flow::Next
                }
            )*
            $(
                define_handlers!(@simd_load $sl_name, memory0, $sl_n, $sl_b, $sl_e);
                define_handlers!(@simd_load [<$sl_name Mem>], memory_n, $sl_n, $sl_b, $sl_e);
            )*
            $(
                define_handlers!(@simd_load_lane $sll_name, memory0, $sll_n, $sll_a, $sll_b, $sll_lane, $sll_e);
                define_handlers!(@simd_load_lane [<$sll_name Mem>], memory_n, $sll_n, $sll_a, $sll_b, $sll_lane, $sll_e);
            )*
            $(
                define_handlers!(@simd_store $sst_name, memory0, $sst_n, $sst_a, _lane, $sst_e);
                define_handlers!(@simd_store [<$sst_name Mem>], memory_n, $sst_n, $sst_a, _lane, $sst_e);
            )*
            $(
                define_handlers!(@simd_store $ssl_name, memory0, $ssl_n, $ssl_a, $ssl_lane, $ssl_e);
                define_handlers!(@simd_store [<$ssl_name Mem>], memory_n, $ssl_n, $ssl_a, $ssl_lane, $ssl_e);
            )*
            $(
                #[inline(always)]
                pub(super) unsafe fn $o_name(op: op::$o_name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
                    // SAFETY: forwarded; see the module docs for what validated code guarantees.
                    unsafe { ops::$o_fn(op, r, ctx) }
                }
            )*
        }

        define_handlers!(@glue
            $(
                $c_name $c_imm [<$c_name AccL>] [<$c_name AccR>] [<$c_imm Acc>]
                [<BrIf $c_name>] [<BrIf $c_imm>] [<BrIf $c_name AccL>] [<BrIf $c_name AccR>] [<BrIf $c_imm Acc>]
                [<BrUnless $c_name>] [<BrUnless $c_imm>] [<BrUnless $c_name AccL>] [<BrUnless $c_name AccR>]
                [<BrUnless $c_imm Acc>]
            )*
            $( $u_name [<$u_name Acc>] )*
            $( $ut_name [<$ut_name Acc>] )*
            $( $b_name $b_imm [<$b_name AccL>] [<$b_name AccR>] [<$b_imm Acc>] [<$b_name ImmL>] [<$b_name ImmLAcc>] )*
            $( $bt_name $bt_imm [<$bt_name AccL>] [<$bt_name AccR>] [<$bt_imm Acc>] )*
            $( $l_name [<$l_name Acc>] [<$l_name Add>] [<$l_name AddImm>] [<$l_name AddAcc>] [<$l_name AddImmAcc>] [<$l_name Add3>] [<$l_name Mem>] )*
            $( $s_name [<$s_name AccPtr>] [<$s_name AccValue>] [<$s_name Imm>] [<$s_name ImmAccPtr>] [<$s_name Mem>] )*
            $( $su_name )* $( $sb_name [<$sb_name Imm>] )* $( $st_name )* $( $ss_name )* $( $sr_name )* $( $sp_name )*
            $( $sx_name )* $( $sw_name )* $( $sl_name [<$sl_name Mem>] )* $( $sll_name [<$sll_name Mem>] )*
            $( $sst_name [<$sst_name Mem>] )* $( $ssl_name [<$ssl_name Mem>] )*
            $( $o_name )*
        );
    }};

    (@branch $name:ident, $taken_if:literal, $l:ty, $r:ty, $a:ident, $b:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: all slots are in the frame (module docs).
            let ($a, $b): ($l, $r) = unsafe { (op.lhs.read(r), op.rhs.read(r)) };
            if ($e) == $taken_if { Flow::Branch(op.offset.0) } else { Flow::Next }
        }
    };
    (@unary $name:ident, $in:ty, $out:ty, $a:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: both slots are in the frame (module docs).
            unsafe {
                let $a: $in = op.src.read(r);
                let value: $out = $e;
                put(r, op.dst, value);
            }
            Flow::Next
        }
    };
    (@unary_trap $name:ident, $in:ty, $out:ty, $a:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: both slots are in the frame (module docs).
            let $a: $in = unsafe { op.src.read(r) };
            let result: Result<$out, TrapCode> = $e;
            match result {
                // SAFETY: as above.
                Ok(value) => unsafe { put(r, op.dst, value) },
                Err(code) => return ctx.trap(code),
            }
            Flow::Next
        }
    };
    (@binary $name:ident, $l:ty, $r:ty, $out:ty, $a:ident, $b:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: all slots are in the frame (module docs).
            unsafe {
                let $a: $l = op.lhs.read(r);
                let $b: $r = op.rhs.read(r);
                let value: $out = $e;
                put(r, op.dst, value);
            }
            Flow::Next
        }
    };
    (@binary_trap $name:ident, $l:ty, $r:ty, $out:ty, $a:ident, $b:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: all slots are in the frame (module docs).
            let ($a, $b): ($l, $r) = unsafe { (op.lhs.read(r), op.rhs.read(r)) };
            let result: Result<$out, TrapCode> = $e;
            match result {
                // SAFETY: as above.
                Ok(value) => unsafe { put(r, op.dst, value) },
                Err(code) => return ctx.trap(code),
            }
            Flow::Next
        }
    };
    // Where an access of `$n` bytes starts, or `None` if it is out of bounds: in 32-bit
    // memory 0 through the registers, or in the op's `memory`.
    (@address memory0, $n:literal, $r:ident, $ctx:ident, $op:ident) => {
        // SAFETY: validated code: the address slot is in the frame (module docs).
        memory0_address::<$n>($r, unsafe { $op.ptr.read($r) }, $op.offset)
    };
    (@address memory_n, $n:literal, $r:ident, $ctx:ident, $op:ident) => {
        // SAFETY: as above.
        memory_address::<$n>($r, $ctx, unsafe { get::<u64>($r.fp, $op.ptr) }, $op.offset, $op.memory)
    };
    (@load $name:ident, $memory:tt, $n:literal, $out:ty, $bytes:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            let Some(at) = define_handlers!(@address $memory, $n, r, ctx, op) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked).
            let $bytes = unsafe { read_at::<$n>(at) };
            let value: $out = $e;
            // SAFETY: validated code: slots are in the frame (module docs).
            unsafe { put(r, op.dst, value) };
            Flow::Next
        }
    };
    // `$imm`: the field of a constant third addend (`Add3`).
    (@load_add $name:ident, $n:literal, $out:ty, $bytes:ident, $e:expr $(, $imm:ident)?) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: slots are in the frame (module docs).
            let (base, index): (i32, i32) = unsafe { (op.ptr.read(r), op.index.read(r)) };
            // The sum wraps at 32 bits, as `i32.add` does, before the offset is added.
            let ptr = (base as u32).wrapping_add(index as u32) $( .wrapping_add(op.$imm as u32) )?;
            let Some(at) = memory0_address::<$n>(r, ptr, op.offset) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked).
            let $bytes = unsafe { read_at::<$n>(at) };
            let value: $out = $e;
            // SAFETY: as above.
            unsafe { put(r, op.dst, value) };
            Flow::Next
        }
    };
    (@store $name:ident, $memory:tt, $in:ty, $n:literal, $v:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: slots are in the frame (module docs).
            let $v: $in = unsafe { op.value.read(r) };
            let Some(at) = define_handlers!(@address $memory, $n, r, ctx, op) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked).
            unsafe { write_at::<$n>(at, $e) };
            Flow::Next
        }
    };
    (@simd_binary $name:ident, $a:ident, $b:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, _ctx: &mut Executor<'_>) -> Flow {
            // SAFETY: validated code: the v128 slots are in the frame (module docs).
            unsafe {
                let ($a, $b): (simd::V128, simd::V128) = (op.lhs.read(r), op.rhs.read(r));
                set_v128(r.fp, op.dst, $e);
            }
            Flow::Next
        }
    };
    (@simd_load $name:ident, $memory:tt, $n:literal, $bytes:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            let Some(at) = define_handlers!(@address $memory, $n, r, ctx, op) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked); validated code: the slots are in
            // the frame (module docs).
            unsafe {
                let $bytes = read_at::<$n>(at);
                set_v128(r.fp, op.dst, $e);
            }
            Flow::Next
        }
    };
    (@simd_load_lane $name:ident, $memory:tt, $n:literal, $a:ident, $bytes:ident, $lane:ident, $e:expr) => {
        #[inline(always)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            // The validator checked the lane against the lane count.
            let $lane = op.lane as usize;
            let Some(at) = define_handlers!(@address $memory, $n, r, ctx, op) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked); validated code: the slots are in
            // the frame (module docs).
            unsafe {
                let ($a, $bytes) = (get_v128(r.fp, op.src), read_at::<$n>(at));
                set_v128(r.fp, op.dst, $e);
            }
            Flow::Next
        }
    };
    // A store of a whole `v128` (whose ops have no lane: `$lane` is unused) or of a lane.
    (@simd_store $name:ident, $memory:tt, $n:literal, $a:ident, $lane:ident, $e:expr) => {
        #[inline(always)]
        #[allow(clippy::let_unit_value)]
        pub(super) unsafe fn $name(op: op::$name, r: &mut Regs, ctx: &mut Executor<'_>) -> Flow {
            let $lane = define_handlers!(@lane op $lane);
            // SAFETY: validated code: the slots are in the frame (module docs).
            let $a: simd::V128 = unsafe { get_v128(r.fp, op.value) };
            let Some(at) = define_handlers!(@address $memory, $n, r, ctx, op) else {
                return ctx.trap(TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `at` is in bounds (just checked).
            unsafe { write_at::<$n>(at, $e) };
            Flow::Next
        }
    };
    (@lane $op:ident _lane) => { () };
    (@lane $op:ident $lane:ident) => { $op.lane as usize };
    (@glue $($name:ident)*) => {
        /// Handlers with the calling convention of the build's dispatch mode.
        #[allow(non_snake_case)]
        mod glue {
            use super::*;
            $(
                dispatch::handler!($name);
            )*
        }

        /// The same handlers, each first counting its instruction (`Config::count_ops`).
        #[allow(non_snake_case)]
        mod counting_glue {
            use super::*;
            $(
                dispatch::handler!($name count_op);
            )*
        }

        /// The address of op `code`'s handler, or of its counting twin. The match is
        /// exhaustive: an op without a handler does not compile.
        fn handler_address(code: OpCode, counting: bool) -> usize {
            match code {
                $(
                    OpCode::$name if counting => counting_glue::$name as dispatch::Handler as usize,
                    OpCode::$name => glue::$name as dispatch::Handler as usize,
                )*
            }
        }
    };
}

/// Tail-call dispatch: each handler jumps straight to the next one. With the `nightly`
/// feature the jump is guaranteed (`become`) and uses the `rust-preserve-none` convention,
/// which leaves more registers to the handlers; otherwise (chosen by `build.rs` only for
/// optimised x86-64 builds) it is an ordinary call in tail position, which LLVM compiles
/// to a jump since every handler has the same signature and nothing of its frame outlives it.
#[cfg(gannet_tail_dispatch)]
mod dispatch {
    use super::*;

    #[cfg(feature = "nightly")]
    pub(crate) type Handler =
        unsafe extern "rust-preserve-none" fn(*const u8, *mut u64, *mut u8, usize, u64, &mut Executor<'_>, f64);
    #[cfg(not(feature = "nightly"))]
    pub(crate) type Handler = unsafe extern "C" fn(*const u8, *mut u64, *mut u8, usize, u64, &mut Executor<'_>, f64);

    /// # Safety
    /// `ip` must point at an encoded instruction.
    #[inline(always)]
    pub(crate) unsafe fn handler_at(ip: *const u8) -> Handler {
        // SAFETY: every instruction starts with an aligned handler address written by
        // the encoder from this build's handler table.
        unsafe { std::mem::transmute::<usize, Handler>(ip.cast::<usize>().read()) }
    }

    /// Each handler starts on a cache line of its own: which handlers share a line, and
    /// so how each of them is fetched and predicted, otherwise moves with every change to
    /// the op table. Identical code ran `spectralnorm` 43% slower after two unrelated ops
    /// were added (docs/performance.md, experiment 25).
    #[cfg(feature = "nightly")]
    macro_rules! handler_fn {
        ($name:ident, ($ip:ident, $fp:ident, $mem:ident, $mem_len:ident, $acc:ident, $ctx:ident, $facc:ident), $body:block) => {
            #[rustc_align(64)]
            pub(super) unsafe extern "rust-preserve-none" fn $name(
                $ip: *const u8,
                $fp: *mut u64,
                $mem: *mut u8,
                $mem_len: usize,
                $acc: u64,
                $ctx: &mut Executor<'_>,
                $facc: f64,
            ) $body
        };
    }
    #[cfg(not(feature = "nightly"))]
    macro_rules! handler_fn {
        ($name:ident, ($ip:ident, $fp:ident, $mem:ident, $mem_len:ident, $acc:ident, $ctx:ident, $facc:ident), $body:block) => {
            pub(super) unsafe extern "C" fn $name(
                $ip: *const u8,
                $fp: *mut u64,
                $mem: *mut u8,
                $mem_len: usize,
                $acc: u64,
                $ctx: &mut Executor<'_>,
                $facc: f64,
            ) $body
        };
    }
    pub(crate) use handler_fn;

    /// Continues with the instruction at `$next`, passing the registers `$r` on.
    #[cfg(feature = "nightly")]
    macro_rules! jump_to {
        ($next:expr, $r:ident, $ctx:ident) => {{
            let next: *const u8 = $next;
            // SAFETY: `next` points at an instruction; all handlers share this signature
            // and uphold the module docs.
            unsafe { become dispatch::handler_at(next)(next, $r.fp, $r.mem, $r.mem_len, $r.acc, $ctx, $r.facc) }
        }};
    }
    #[cfg(not(feature = "nightly"))]
    macro_rules! jump_to {
        ($next:expr, $r:ident, $ctx:ident) => {{
            let next: *const u8 = $next;
            // SAFETY: `next` points at an instruction; all handlers share this signature
            // and uphold the module docs.
            return unsafe { dispatch::handler_at(next)(next, $r.fp, $r.mem, $r.mem_len, $r.acc, $ctx, $r.facc) };
        }};
    }
    pub(crate) use jump_to;

    /// Marks the taken side of a conditional branch. Without `become`, LLVM merges the
    /// two tail calls into one and selects the address with a conditional move, which
    /// makes the next instruction wait for the condition; an empty `asm!` statement,
    /// which it may not move or duplicate, keeps the two paths apart (and costs nothing).
    #[cfg(not(feature = "nightly"))]
    macro_rules! keep_branch {
        () => {
            // SAFETY: an empty assembly statement: it executes no instruction.
            unsafe { std::arch::asm!("", options(nomem, nostack, preserves_flags)) }
        };
    }
    #[cfg(feature = "nightly")]
    macro_rules! keep_branch {
        () => {};
    }
    pub(crate) use keep_branch;

    macro_rules! handler {
        ($name:ident $($count:ident)?) => {
            dispatch::handler_fn!($name, (ip, fp, mem, mem_len, acc, ctx, facc), {
                $( ctx.$count(OpCode::$name); )?
                const SIZE: usize = OpCode::$name.size();
                // SAFETY: `ip` points at an instruction of this op, whose operands follow
                // the handler address.
                let op = unsafe { ip.add(HANDLER_SIZE).cast::<op::$name>().read_unaligned() };
                let mut r = Regs { ip, fp, mem, mem_len, acc, facc };
                // SAFETY: see the module docs.
                // One jump per way out, not one jump to a selected address: for a
                // conditional branch that keeps the choice a (predicted) branch instead of
                // a conditional move the next instruction's operands would wait for.
                match unsafe { semantics::$name(op, &mut r, ctx) } {
                    // SAFETY: the next instruction follows this one.
                    Flow::Next => dispatch::jump_to!(unsafe { r.ip.add(SIZE) }, r, ctx),
                    Flow::Branch(offset) => {
                        dispatch::keep_branch!();
                        // SAFETY: branch offsets land on instructions of this function.
                        dispatch::jump_to!(unsafe { r.ip.offset(offset as isize) }, r, ctx)
                    }
                    // The handler set `r.ip` to an instruction.
                    Flow::Goto => dispatch::jump_to!(r.ip, r, ctx),
                    Flow::Exit => {}
                }
            });
        };
    }
    pub(crate) use handler;

    /// Runs until a handler exits.
    ///
    /// # Safety
    /// `r` must describe a function entry set up by `Executor::enter`.
    pub(crate) unsafe fn run(r: Regs, ctx: &mut Executor<'_>) {
        // SAFETY: forwarded from the caller.
        unsafe { handler_at(r.ip)(r.ip, r.fp, r.mem, r.mem_len, r.acc, ctx, r.facc) }
    }
}

/// A loop calls one handler after the other: correct whatever the compiler does with
/// tail calls (debug builds, targets other than x86-64).
#[cfg(not(gannet_tail_dispatch))]
mod dispatch {
    use super::*;

    pub(crate) type Handler = unsafe fn(&mut Regs, &mut Executor<'_>) -> bool;

    /// # Safety
    /// `ip` must point at an encoded instruction.
    #[inline(always)]
    pub(crate) unsafe fn handler_at(ip: *const u8) -> Handler {
        // SAFETY: every instruction starts with an aligned handler address written by
        // the encoder from this build's handler table.
        unsafe { std::mem::transmute::<usize, Handler>(ip.cast::<usize>().read()) }
    }

    macro_rules! handler {
        ($name:ident $($count:ident)?) => {
            pub(super) unsafe fn $name(r: &mut Regs, ctx: &mut Executor<'_>) -> bool {
                $( ctx.$count(OpCode::$name); )?
                const SIZE: usize = OpCode::$name.size();
                // SAFETY: `ip` points at an instruction of this op, whose operands follow
                // the handler address.
                let op = unsafe { r.ip.add(HANDLER_SIZE).cast::<op::$name>().read_unaligned() };
                // SAFETY: see the module docs.
                match unsafe { semantics::$name(op, r, ctx) } {
                    // SAFETY: the next instruction follows this one.
                    Flow::Next => r.ip = unsafe { r.ip.add(SIZE) },
                    // SAFETY: branch offsets land on instructions of this function.
                    Flow::Branch(offset) => r.ip = unsafe { r.ip.offset(offset as isize) },
                    Flow::Goto => {}
                    Flow::Exit => return false,
                }
                true
            }
        };
    }
    pub(crate) use handler;

    /// Runs until a handler exits.
    ///
    /// # Safety
    /// `r` must describe a function entry set up by `Executor::enter`.
    pub(crate) unsafe fn run(mut r: Regs, ctx: &mut Executor<'_>) {
        // SAFETY: `r.ip` always points at an instruction (see the module docs).
        while unsafe { handler_at(r.ip)(&mut r, ctx) } {}
    }
}

for_each_op!(define_handlers);

/// The handler addresses of this build's dispatch mode, indexed by op code: the plain
/// handlers, or with `counting` those that first count their instruction
/// (`Config::count_ops`).
pub(crate) fn handler_table(counting: bool) -> &'static [usize] {
    static TABLES: OnceLock<[Vec<usize>; 2]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        [false, true].map(|counting| OpCode::ALL.iter().map(|&code| handler_address(code, counting)).collect())
    });
    &tables[counting as usize]
}

/// Zeroes `count` slots from `at`, inline: a call to `memset` would make every call
/// site save and restore registers, and the count is usually small.
///
/// # Safety
/// The slots must be inside the value stack.
#[inline(always)]
unsafe fn zero_slots(at: *mut u64, count: usize) {
    for i in 0..count {
        // SAFETY: forwarded to the caller. Volatile keeps the loop a loop.
        unsafe { at.add(i).write_volatile(0) };
    }
}

/// A one-instruction function every outermost frame returns to.
fn exit_stub() -> *const u8 {
    static STUB: OnceLock<Box<[u64]>> = OnceLock::new();
    STUB.get_or_init(|| {
        let mut encoder = crate::ir::Encoder::new(handler_table(false), false);
        encoder.emit(crate::ir::Op::Exit(op::Exit {}));
        encoder.finish().0
    })
    .as_ptr()
    .cast()
}

const INITIAL_STACK_SLOTS: usize = 16 * 1024;

impl Drop for Executor<'_> {
    fn drop(&mut self) {
        self.store().executors -= 1;
        if let Some(counter) = self.op_counter.take() {
            let engine = self.store().engine.clone();
            engine.inner.op_counts.lock().unwrap_or_else(|poison| poison.into_inner()).merge(&counter);
        }
    }
}

/// The address of a local of this function: where the native stack is now.
#[inline(never)]
fn native_stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl<'h> Executor<'h> {
    pub(crate) fn new(host: &'h mut dyn HostContext) -> Self {
        let inner = host.store();
        let config = &inner.engine.inner.config;
        let (max_depth, max_slots, count_ops) = (config.max_call_depth, config.max_stack_slots, config.count_ops);
        if inner.executors == 0 {
            // A top-level call: nested calls from host functions share its stack budget
            // and its interrupt epoch.
            inner.native_stack_base = native_stack_position();
            if config.interruptible {
                inner.interrupt_epoch = inner.engine.interrupt_count();
            }
        }
        inner.executors += 1;
        let store: *mut StoreInner = inner;
        Executor {
            host,
            store,
            stack: Vec::new(),
            frames: Vec::new(),
            frames_limit: 0,
            instance: 0,
            func: 0,
            bodies: std::ptr::null(),
            num_imported: 0,
            table_indices: std::ptr::null(),
            type_ids: std::ptr::null(),
            table0: std::ptr::null(),
            stack_end: std::ptr::null_mut(),
            max_depth,
            max_slots,
            outcome: None,
            op_counter: count_ops.then(|| Box::new(profile::OpCounter::new())),
        }
    }

    /// Counts an instruction about to run (counting handlers only); out of line, so the
    /// counting handlers stay as close to the plain ones as possible.
    #[inline(never)]
    fn count_op(&mut self, op: OpCode) {
        if let Some(counter) = &mut self.op_counter {
            counter.record(op);
        }
    }

    /// Charges `amount` units of fuel, or traps if the store has less left.
    #[inline(always)]
    pub(crate) fn consume_fuel(&mut self, amount: u32) -> Flow {
        let store = self.store();
        match store.fuel.checked_sub(amount.into()) {
            Some(left) => {
                store.fuel = left;
                Flow::Next
            }
            None => self.out_of_fuel(),
        }
    }

    #[cold]
    #[inline(never)]
    fn out_of_fuel(&mut self) -> Flow {
        // What is left cannot pay for the region, so none of it will ever be used.
        self.store().fuel = 0;
        self.trap(TrapCode::OutOfFuel)
    }

    /// Traps if an interrupt was requested since the top-level call started.
    #[inline(always)]
    pub(crate) fn check_interrupt(&mut self) -> Flow {
        let store = self.store();
        if store.engine.interrupt_count() == store.interrupt_epoch {
            Flow::Next
        } else {
            self.trap(TrapCode::Interrupted)
        }
    }

    fn store(&mut self) -> &mut StoreInner {
        // SAFETY: `store` was derived from `host`, which this executor borrows mutably for
        // its whole life; it is re-derived after every use of `host`.
        unsafe { &mut *self.store }
    }

    /// Calls store function `func` with `params`, writing `results`.
    pub(crate) fn invoke(&mut self, func: u32, params: &[Val], results: &mut [Val]) -> Result<(), Error> {
        // A host function calling back in nests this interpreter on the native stack.
        let store = self.store();
        let used = store.native_stack_base.abs_diff(native_stack_position());
        if used > store.engine.inner.config.max_native_stack {
            return Err(Error::Trap(Trap::new(TrapCode::StackOverflow)));
        }
        let ty = self.store().func_type(func).clone();
        if let FuncKind::Host { .. } = self.store().funcs[func as usize].kind {
            return self.call_host(func, None, params, results);
        }
        self.stack = vec![0; INITIAL_STACK_SLOTS.max(ty.param_slots()).max(ty.result_slots())];
        self.stack_end = self.stack.as_mut_ptr_range().end;
        let mut at = 0;
        for param in params {
            // SAFETY: the store pointer is valid (see `store`).
            at += param.write_slots(unsafe { &mut *self.store }, &mut self.stack[at..]);
        }
        self.frames.clear();
        self.outcome = None;
        let mut r = Regs {
            ip: std::ptr::null(),
            fp: self.stack.as_mut_ptr(),
            mem: std::ptr::null_mut(),
            mem_len: 0,
            acc: 0,
            facc: 0.0,
        };
        // SAFETY: `r.fp` is the base of the value stack, holding the parameters.
        match unsafe { self.enter(func, &mut r, 0, exit_stub()) } {
            Flow::Exit => {}
            // SAFETY: `enter` set up a frame for the function.
            _ => unsafe { dispatch::run(r, self) },
        }
        if let Some(error) = self.outcome.take() {
            return Err(error);
        }
        // SAFETY: the store pointer is valid (see `store`).
        let store = unsafe { &*self.store };
        let mut at = 0;
        for (result, &ty) in results.iter_mut().zip(ty.results()) {
            *result = Val::read_slots(&self.stack[at..], ty, store.id, store.gc.as_deref());
            at += ty.slots();
        }
        self.store().pin_exceptions(results);
        Ok(())
    }

    /// Records a trap with the current backtrace; the dispatcher then exits.
    #[cold]
    #[inline(never)]
    pub(crate) fn trap(&mut self, code: TrapCode) -> Flow {
        let mut backtrace = Vec::new();
        let mut frame = (self.instance, self.func);
        let frames: Vec<(u32, u32)> = self.frames.iter().skip(1).map(|f| (f.instance, f.func)).collect();
        let mut callers = frames.into_iter().rev();
        loop {
            let module = &self.store().instances[frame.0 as usize].module.inner;
            backtrace.push(FrameInfo { func_index: frame.1, func_name: module.names().funcs.get(&frame.1).cloned() });
            match callers.next() {
                Some(caller) => frame = caller,
                None => break,
            }
            if backtrace.len() >= 64 {
                break;
            }
        }
        self.outcome = Some(Error::Trap(Trap::with_backtrace(code, backtrace)));
        Flow::Exit
    }

    /// The frame of the running function, suspended by a call: it continues at `ret_ip`
    /// with its frame at `fp`.
    #[inline(always)]
    fn suspend(&self, ret_ip: *const u8, fp: *mut u64) -> Frame {
        // Two loads of four bytes, not one of eight: a call or return just stored `func`
        // alone, and a wider load than that store waits for it to reach the cache (a
        // failed store-to-load forwarding, a dozen cycles on every call that follows a
        // call or return closely, as in `f(n - 1) + f(n - 2)`). Volatile keeps the
        // compiler from merging them.
        // SAFETY: both are references to fields of `self`, valid for reads.
        let (instance, func) =
            unsafe { (std::ptr::read_volatile(&self.instance), std::ptr::read_volatile(&self.func)) };
        Frame { ret_ip, fp, instance, func }
    }

    /// Leaves the running function for its caller, whose frame and instance become the
    /// running ones; returns where the caller continues.
    #[inline(always)]
    pub(crate) fn leave_frame(&mut self, r: &mut Regs) -> *const u8 {
        let frame = self.frames.pop().expect("every active function has a frame");
        r.fp = frame.fp;
        self.func = frame.func;
        if frame.instance != self.instance {
            out_of_line(r, |r| self.switch_instance_cold(frame.instance, r));
        }
        frame.ret_ip
    }

    /// Throws store exception `exception` from the running function, stopped at `r.ip`:
    /// continues at the landing pad of the innermost `try_table` clause that catches it,
    /// leaving the frames it unwinds; if none does, the call ends with
    /// [`Error::Exception`]. Only Gannet's own frames are walked (no native unwinding).
    ///
    /// # Safety
    /// `r` must describe the running function; `r.ip` must point into its code.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn unwind(&mut self, r: &mut Regs, exception: u32) -> Flow {
        let thrown_tag = self.store().exceptions[exception as usize].tag;
        let mut at = r.ip;
        loop {
            let instance = self.instance as usize;
            let module = self.store().instances[instance].module.inner.clone();
            let compiled = module.compiled(self.func).expect("a running function is translated");
            let code = compiled.code.as_ptr().cast::<u8>();
            let position = (at as usize - code as usize) as u32;
            let tags = &self.store().instances[instance].tags;
            let handler = compiled.handlers.iter().find(|h| {
                (h.start..h.end).contains(&position) && h.tag.is_none_or(|tag| tags[tag as usize] == thrown_tag)
            });
            if let Some(handler) = handler {
                let store = self.store();
                let payload = &store.exceptions[exception as usize].payload;
                // SAFETY: the translator reserved the pad's payload (and `exnref`) slots
                // in this frame, which is the running one.
                unsafe {
                    let base = r.fp.add(handler.base as usize);
                    let len = if handler.tag.is_some() { payload.len() } else { 0 };
                    std::ptr::copy_nonoverlapping(payload.as_ptr(), base, len);
                    if handler.with_ref {
                        *base.add(len) = crate::runtime::gc::exn_raw(exception);
                    }
                }
                if handler.with_ref {
                    store.exceptions[exception as usize].referenced = true;
                } else if !store.exceptions[exception as usize].referenced {
                    // Nothing can refer to it any more: its place is free.
                    store.exceptions[exception as usize].payload = Box::default();
                    store.exceptions[exception as usize].freed = true;
                    store.free_exceptions.push(exception);
                }
                // SAFETY: the pad is code of this function.
                r.ip = unsafe { code.add(handler.pad as usize) };
                return Flow::Goto;
            }
            // Not caught here: leave the frame as a return would, and look at the call
            // in the caller. The bottom frame returns to the host.
            if self.frames.len() <= 1 {
                let store = self.store();
                store.exceptions[exception as usize].referenced = true;
                store.exceptions[exception as usize].pinned = true.into();
                let store_id = store.id;
                return self.fail(Error::Exception(crate::values::ExnRef { store: store_id, index: exception }));
            }
            // Inside the call instruction the caller is suspended at.
            at = self.leave_frame(r).wrapping_sub(1);
        }
    }

    #[cold]
    fn fail(&mut self, error: Error) -> Flow {
        self.outcome = Some(error);
        Flow::Exit
    }

    /// Pushes a suspended caller, keeping `frames_limit` up to date.
    fn push_frame(&mut self, frame: Frame) {
        self.frames.push(frame);
        self.frames_limit = self.frames.capacity().min(self.max_depth);
    }

    /// [`Executor::switch_instance`] kept out of the handlers that rarely need it.
    #[cold]
    #[inline(never)]
    fn switch_instance_cold(&mut self, instance: u32, r: &mut Regs) {
        self.switch_instance(instance, r);
    }

    /// Makes store instance `instance` the running one.
    pub(crate) fn switch_instance(&mut self, instance: u32, r: &mut Regs) {
        self.instance = instance;
        let data = &self.store().instances[instance as usize];
        let module = &data.module.inner;
        let pointers = (module.bodies.as_ptr(), module.num_imported_funcs as u32, data.tables.as_ptr());
        (self.bodies, self.num_imported, self.table_indices) = pointers;
        self.type_ids = self.store().instances[instance as usize].module.inner.type_ids.as_ptr();
        self.load_memory(r);
        self.load_table0();
    }

    /// Points `table0` at the current instance's table 0.
    fn load_table0(&mut self) {
        let instance = self.instance as usize;
        let store = self.store();
        self.table0 = match store.instances[instance].tables.first() {
            Some(&table) => &store.tables[table as usize],
            None => std::ptr::null(),
        };
    }

    /// Points `r.mem`/`r.mem_len` at the current instance's memory 0.
    fn load_memory(&mut self, r: &mut Regs) {
        let instance = self.instance as usize;
        let store = self.store();
        let instance = &store.instances[instance];
        match instance.memories.first() {
            Some(&memory) => {
                let memory = &store.memories[memory as usize];
                r.mem = memory.base();
                r.mem_len = memory.len();
            }
            None => {
                r.mem = std::ptr::null_mut();
                r.mem_len = 0;
            }
        }
    }

    /// Makes room for `slots` slots from `fp` on the value stack, moving it if it has to
    /// grow (and `r.fp` and every saved frame with it). False if the limit is reached.
    fn reserve(&mut self, r: &mut Regs, fp: *mut u64, slots: usize) -> Option<*mut u64> {
        let base = self.stack.as_mut_ptr();
        let offset = (fp as usize - base as usize) / 8;
        let needed = offset + slots;
        if needed <= self.stack.len() {
            return Some(fp);
        }
        if needed > self.max_slots {
            return None;
        }
        let new_len = needed.max(self.stack.len() * 2).min(self.max_slots);
        self.stack.resize(new_len, 0);
        self.stack_end = self.stack.as_mut_ptr_range().end;
        let new_base = self.stack.as_mut_ptr();
        if new_base != base {
            let rebase = |p: *mut u64| new_base.wrapping_add((p as usize - base as usize) / 8);
            for frame in &mut self.frames {
                frame.fp = rebase(frame.fp);
            }
            r.fp = rebase(r.fp);
        }
        Some(new_base.wrapping_add(offset))
    }

    /// Calls store function `func` whose arguments are at `r.fp + base`; results land
    /// there too. `ret_ip` is where the caller continues.
    ///
    /// # Safety
    /// `r.fp + base + params` must be inside the value stack.
    pub(crate) unsafe fn enter(&mut self, func: u32, r: &mut Regs, base: usize, ret_ip: *const u8) -> Flow {
        let store = self.store();
        let entity = &store.funcs[func as usize];
        let (instance, index) = match entity.kind {
            FuncKind::Wasm { instance, index } => (instance, index),
            FuncKind::Host { .. } => {
                // SAFETY: forwarded from the caller.
                let flow = unsafe { self.call_host_from_wasm(func, r, base, ret_ip) };
                r.ip = ret_ip;
                return match flow {
                    Flow::Exit => Flow::Exit,
                    _ => Flow::Goto,
                };
            }
        };
        if self.frames.len() >= self.max_depth {
            return self.trap(TrapCode::StackOverflow);
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.start(r, instance, index, base, Some(ret_ip)) }
    }

    /// Starts function `index` of store instance `instance` with its frame at
    /// `r.fp + base`, where its arguments are. With `ret_ip`, the running function is
    /// suspended as the caller; without, it is replaced (a tail call).
    ///
    /// # Safety
    /// `r.fp + base + params` must be inside the value stack.
    unsafe fn start(
        &mut self,
        r: &mut Regs,
        instance: u32,
        index: u32,
        base: usize,
        ret_ip: Option<*const u8>,
    ) -> Flow {
        let module = &self.store().instances[instance as usize].module.inner;
        let layout = module.compiled(index).map(|c| (c.code.as_ptr(), c.frame_size, c.num_params, c.num_locals));
        let (code, frame_size, num_params, num_locals) = match layout {
            Ok(layout) => layout,
            Err(error) => return self.fail(error),
        };
        let fp = r.fp.wrapping_add(base);
        let Some(fp) = self.reserve(r, fp, frame_size) else {
            return self.trap(TrapCode::StackOverflow);
        };
        // SAFETY: `reserve` made `frame_size` slots from `fp` available, and the locals
        // follow the parameters within the frame.
        unsafe { fp.add(num_params).write_bytes(0, num_locals) };
        if let Some(ret_ip) = ret_ip {
            let frame = self.suspend(ret_ip, r.fp);
            self.push_frame(frame);
        }
        r.fp = fp;
        r.ip = code.cast();
        self.func = index;
        if instance != self.instance || self.bodies.is_null() {
            self.switch_instance(instance, r);
        }
        Flow::Goto
    }

    /// Calls function `func` of the running instance, which the instance's module defines,
    /// with its frame at `r.fp + base`; `ret_ip` is where the caller continues. The common
    /// case (the callee is translated, the stack has room) stays inline and touches
    /// neither the store nor the module.
    ///
    /// # Safety
    /// `func` must be a function the running instance's module defines, and
    /// `r.fp + base + params` must be inside the value stack.
    #[inline(always)]
    pub(crate) unsafe fn enter_internal(&mut self, func: u32, r: &mut Regs, base: usize, ret_ip: *const u8) -> Flow {
        // SAFETY: `bodies` belongs to the running instance's module, which defines `func`.
        let body = unsafe { &*self.bodies.add((func - self.num_imported) as usize) };
        if let Some(compiled) = body.entry() {
            let fp = r.fp.wrapping_add(base);
            let depth = self.frames.len();
            if depth < self.frames_limit && fp.wrapping_add(compiled.frame_size) <= self.stack_end {
                // SAFETY: the frame fits below `stack_end`; the locals follow the parameters.
                unsafe { zero_slots(fp.add(compiled.num_params), compiled.num_locals) };
                // SAFETY: `depth < frames_limit <= capacity`: the slot is allocated.
                unsafe {
                    let frame = self.suspend(ret_ip, r.fp);
                    self.frames.as_mut_ptr().add(depth).write(frame);
                    self.frames.set_len(depth + 1);
                }
                self.func = func;
                r.fp = fp;
                r.ip = compiled.code.cast();
                return Flow::Goto;
            }
        }
        // SAFETY: forwarded from the caller.
        out_of_line(r, |r| unsafe { self.enter_internal_slow(func, r, base, ret_ip) })
    }

    /// `enter_internal` for a callee not translated yet, a stack that must grow, or the
    /// call depth limit.
    #[cold]
    #[inline(never)]
    unsafe fn enter_internal_slow(&mut self, func: u32, r: &mut Regs, base: usize, ret_ip: *const u8) -> Flow {
        if self.frames.len() >= self.max_depth {
            return self.trap(TrapCode::StackOverflow);
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.start(r, self.instance, func, base, Some(ret_ip)) }
    }

    /// Replaces the running function with function `func` of the running instance, which
    /// its module defines (a tail call); the arguments are at `r.fp + base`.
    ///
    /// # Safety
    /// As for `enter_internal`.
    #[inline(always)]
    pub(crate) unsafe fn enter_internal_tail(&mut self, func: u32, r: &mut Regs, base: usize) -> Flow {
        // SAFETY: `bodies` belongs to the running instance's module, which defines `func`.
        let body = unsafe { &*self.bodies.add((func - self.num_imported) as usize) };
        if let Some(compiled) = body.entry()
            && r.fp.wrapping_add(compiled.frame_size) <= self.stack_end
        {
            // SAFETY: the arguments are inside the frame and the new frame fits below
            // `stack_end`; the locals follow the parameters. The arguments move down
            // (`base >= 0`), so copying upwards from the first reads each before it is
            // overwritten.
            unsafe {
                for i in 0..compiled.num_params {
                    r.fp.add(i).write_volatile(*r.fp.add(base + i));
                }
                zero_slots(r.fp.add(compiled.num_params), compiled.num_locals);
            }
            self.func = func;
            r.ip = compiled.code.cast();
            return Flow::Goto;
        }
        // SAFETY: forwarded from the caller.
        out_of_line(r, |r| unsafe { self.enter_internal_tail_slow(func, r, base) })
    }

    /// `enter_internal_tail` for a callee not translated yet or a stack that must grow.
    #[cold]
    #[inline(never)]
    unsafe fn enter_internal_tail_slow(&mut self, func: u32, r: &mut Regs, base: usize) -> Flow {
        let instance = self.instance as usize;
        let store_func = self.store().instances[instance].funcs[func as usize];
        // SAFETY: forwarded from the caller.
        unsafe { self.enter_tail(store_func, r, base) }
    }

    /// Replaces the running function with store function `func` (a tail call); the
    /// arguments are at `r.fp + base`.
    ///
    /// # Safety
    /// `r.fp + base + params` must be inside the value stack.
    pub(crate) unsafe fn enter_tail(&mut self, func: u32, r: &mut Regs, base: usize) -> Flow {
        let store = self.store();
        let entity = &store.funcs[func as usize];
        let num_params = store.func_type(func).param_slots();
        // SAFETY: the arguments are inside the value stack, and the frame holds at least
        // as many slots as its own parameters; `copy` allows overlap.
        unsafe { std::ptr::copy(r.fp.add(base), r.fp, num_params) };
        let (instance, index) = match entity.kind {
            FuncKind::Wasm { instance, index } => (instance, index),
            FuncKind::Host { .. } => {
                // SAFETY: the arguments now start at `r.fp`.
                if let Flow::Exit = unsafe { self.call_host_from_wasm(func, r, 0, std::ptr::null()) } {
                    return Flow::Exit;
                }
                // SAFETY: the results are at `r.fp`, as a return expects.
                return unsafe { ops::return_to_caller(r, self) };
            }
        };
        // SAFETY: the arguments now start at `r.fp`.
        unsafe { self.start(r, instance, index, 0, None) }
    }

    /// Calls a host function from guest code: arguments at `r.fp + base`, results there;
    /// the caller continues at `ret_ip` (null for a tail call).
    ///
    /// # Safety
    /// `r.fp + base + max(params, results)` must be inside the value stack.
    unsafe fn call_host_from_wasm(&mut self, func: u32, r: &mut Regs, base: usize, ret_ip: *const u8) -> Flow {
        let ty = self.store().func_type(func).clone();
        let needed = ty.param_slots().max(ty.result_slots());
        let args_fp = r.fp.wrapping_add(base);
        let Some(args_fp) = self.reserve(r, args_fp, needed) else {
            return self.trap(TrapCode::StackOverflow);
        };
        // SAFETY: `reserve` made `needed` slots from `args_fp` available, and nothing
        // else refers to them while this slice lives.
        let slots = unsafe { std::slice::from_raw_parts_mut(args_fp, needed) };
        // SAFETY: the store pointer is valid (see `store`).
        let store = unsafe { &*self.store };
        let mut at = 0;
        let params: Vec<Val> = ty
            .params()
            .iter()
            .map(|&t| {
                let value = Val::read_slots(&slots[at..], t, store.id, store.gc.as_deref());
                at += t.slots();
                value
            })
            .collect();
        self.store().pin_exceptions(&params);
        let mut results = vec![Val::I32(0); ty.results().len()];
        if let Err(error) = self.call_host_suspended(r, ret_ip, func, &params, &mut results) {
            return self.fail(error);
        }
        // SAFETY: as above; the host call is over.
        let slots = unsafe { std::slice::from_raw_parts_mut(args_fp, needed) };
        let mut at = 0;
        for result in &results {
            // SAFETY: the store pointer was re-derived by `call_host`.
            at += result.write_slots(unsafe { &mut *self.store }, &mut slots[at..]);
        }
        // A single result goes to the accumulators too, as a return leaves it.
        if let [first, ..] = slots {
            r.hand_back(*first);
        }
        // The host may have grown the memory, or added tables.
        self.load_memory(r);
        self.load_table0();
        Flow::Next
    }

    fn call_host(&mut self, func: u32, caller: Option<u32>, params: &[Val], results: &mut [Val]) -> Result<(), Error> {
        let outcome = self.host.call_host(func, caller, params, results);
        self.store = self.host.store();
        outcome
    }
}
