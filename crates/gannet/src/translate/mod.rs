//! Stack machine to register IR, one pass per function.
//!
//! Every value on the Wasm operand stack at height `h` has a home slot,
//! `num_locals + h`. The translator tracks, for each stack entry, where its value really
//! is (a [`Provider`]): still in a local (`local.get` emits nothing), a constant (no code
//! until an operand needs a slot, and binary ops take it as an immediate), or its home
//! slot. Values are moved to their home slots only where control flow merges (branches,
//! block ends), for calls (arguments are laid out where the callee's frame starts, so
//! calls copy nothing) and before a `local.set` would overwrite a local still referenced
//! on the stack.
//!
//! A `v128` takes two adjacent slots (locals and home slots alike), and two stack
//! entries: its low half, then its high half (marked `upper`). Heights, arities and
//! frame offsets are all counted in slots, so everything that only moves values (branches,
//! block ends, calls) copies the two halves like any two values.

mod gc;
#[cfg(test)]
mod tests;

use wasmparser::{BlockType, FuncToValidate, FuncValidator, Operator, ValidatorResources};

use crate::error::{Error, Result};
use crate::exec::handler_table;
use crate::ir::table::for_each_op;
use crate::ir::{
    BRANCH_OFFSET, BranchOffset, CompareOperand, DST_OFFSET, Encoder, HANDLER_SIZE, Listing, MemoryRef, Op, OpCode,
    Slot, V128, op,
};
use crate::module::{CatchHandler, CompiledFunc, ModuleInner};

/// Where the value of an operand stack entry lives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Provider {
    /// In the entry's home slot.
    Home,
    /// In a local (parameters included) that has not been written since.
    Local(u16),
    /// A constant, as raw bits (32-bit values zero-extended).
    Const(u64),
}

/// An operand stack entry: one slot's worth of a value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Entry {
    provider: Provider,
    /// The high half of a `v128`, whose low half is the entry below.
    upper: bool,
}

impl Entry {
    const HOME: Entry = Entry { provider: Provider::Home, upper: false };
    /// The high half of a `v128` computed into its home slots.
    const UPPER_HOME: Entry = Entry { provider: Provider::Home, upper: true };
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

struct ControlFrame {
    kind: FrameKind,
    /// Operand stack height below the block's parameters.
    height: usize,
    /// Slots the parameters and results take.
    num_params: usize,
    num_results: usize,
    ty: BlockType,
    /// Branch target: the loop head for loops, the end otherwise.
    label: usize,
    /// For `if`: where the false branch starts.
    else_label: Option<usize>,
    /// The block was entered in unreachable code: nothing of it is translated.
    dead: bool,
    /// For a loop that starts with a conditional exit: that test, which its back edges
    /// repeat instead of jumping back to it (loop rotation).
    loop_test: Option<LoopTest>,
    /// For a `try_table`: its catch clauses, their `end` still to be set at the block's end.
    catches: Vec<CatchHandler>,
}

impl ControlFrame {
    fn branch_arity(&self) -> usize {
        if self.kind == FrameKind::Loop { self.num_params } else { self.num_results }
    }
}

#[derive(Default)]
struct Label {
    pos: Option<usize>,
    /// (instruction position, position of its offset field) still to patch.
    uses: Vec<(usize, usize)>,
    /// For a label branched to before it is bound: the slot the accumulator mirrors on
    /// every one of those branches, if they agree (`Some(None)` if they do not).
    acc_at_uses: Option<Option<Slot>>,
}

/// The accumulator a value of some type is computed in: `f64`s in the float one, other
/// numbers in the integer one (`f32`s as their bits). Vectors and references are not.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AccKind {
    Int,
    Float,
}

impl AccKind {
    fn of(ty: crate::types::ValType) -> Option<AccKind> {
        use crate::types::ValType as T;
        match ty {
            T::I32 | T::I64 | T::F32 => Some(AccKind::Int),
            T::F64 => Some(AccKind::Float),
            _ => None,
        }
    }

    /// The accumulator of the single value of `types`, if there is one value.
    fn of_single(types: &[crate::types::ValType]) -> Option<AccKind> {
        match types {
            &[ty] => AccKind::of(ty),
            _ => None,
        }
    }
}

/// What a conditional branch tests.
#[derive(Clone, Copy)]
enum Condition {
    /// A slot holding an `i32`: true if non-zero.
    Slot(Slot),
    /// A comparison, whose operands the branch tests itself.
    Compare(Op),
    /// Whether the `i32` in this slot is zero.
    Eqz(Slot),
}

/// A loop's first instruction, when it is a conditional branch out of the loop that
/// needs no value moves (taken when `cond` holds).
#[derive(Clone, Copy)]
struct LoopTest {
    cond: Condition,
    /// Where it goes.
    exit: usize,
    /// A label on the instruction after it: where the loop body starts.
    body: usize,
}

/// Whether the accumulator still mirrors slot `acc` after `op`: constants and copies
/// neither read nor write the accumulator, so they keep it unless they overwrite its slot.
fn leaves_acc_valid(op: &Op, acc: Option<Slot>) -> bool {
    let Some(acc) = acc else { return false };
    match *op {
        Op::Const32(op::Const32 { dst, .. })
        | Op::Const64(op::Const64 { dst, .. })
        | Op::Copy(op::Copy { dst, .. }) => dst != acc,
        Op::Copy2(op::Copy2 { dst, dst2, .. }) => dst != acc && dst2 != acc,
        _ => false,
    }
}

/// A copy of a value that also leaves it in the accumulator of kind `kind`.
fn copy_through(kind: AccKind, dst: Slot, src: Slot) -> Op {
    match kind {
        AccKind::Int => Op::CopyAcc(op::CopyAcc { dst, src }),
        AccKind::Float => Op::CopyFacc(op::CopyFacc { dst, src }),
    }
}

/// Integer ops whose operands may swap sides. (Float ops are left alone: which NaN
/// payload propagates may depend on the order.)
fn commutative(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::I32Add
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Eq
            | O::I32Ne
            | O::I64Add
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Eq
            | O::I64Ne
    )
}

/// Converts raw constant bits to the immediate type of a binary op.
trait FromBits {
    fn from_bits(bits: u64) -> Self;
}
impl FromBits for i32 {
    fn from_bits(bits: u64) -> Self {
        bits as u32 as i32
    }
}
impl FromBits for i64 {
    fn from_bits(bits: u64) -> Self {
        bits as i64
    }
}
impl FromBits for f32 {
    fn from_bits(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
}
impl FromBits for f64 {
    fn from_bits(bits: u64) -> Self {
        f64::from_bits(bits)
    }
}

const MAX_SLOTS: usize = u16::MAX as usize;

/// Where the translator puts fuel charges and interrupt checks (see
/// `Config::consume_fuel` for the accounting). Code is cut into regions; a region's
/// instruction is emitted lazily, at its first operator that costs fuel, so that a region
/// without any (e.g. the tail of a function after its last block) costs no instruction.
/// Every cycle in the code contains a branch or call, which costs fuel, so every function
/// entry and loop header still reaches its check before anything can repeat.
#[derive(Default)]
struct Metering {
    fuel: bool,
    interrupts: bool,
    /// A new region starts at the next operator that costs fuel.
    pending: bool,
    /// That region begins at a function entry or loop header, so it checks for interrupts.
    check_point: bool,
    /// Position of the current region's fuel instruction and what the region costs so far.
    charge: Option<(usize, u32)>,
}

/// The fuel an operator costs: those that only delimit structure are free.
fn fuel_cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Nop | Operator::Block { .. } | Operator::Loop { .. } | Operator::Else | Operator::End => 0,
        _ => 1,
    }
}

struct Translator<'m> {
    module: &'m ModuleInner,
    code: Encoder,
    stack: Vec<Entry>,
    controls: Vec<ControlFrame>,
    /// With `v128` locals: the first slot of each local, and one past the last local's.
    /// Without (`None`), local `i` is slot `i`.
    local_slots: Option<Vec<u16>>,
    labels: Vec<Label>,
    /// Parameters plus declared locals: the first stack home slot.
    num_locals: usize,
    /// One past the highest home slot handed out: the frame's operand area.
    max_height: std::cell::Cell<usize>,
    reachable: bool,
    /// The last instruction, if it wrote its result to a home slot: (position, slot, the
    /// instruction).
    last_result: Option<(usize, Slot, Op)>,
    /// The slot whose value the accumulator holds when the next instruction starts: the
    /// one the previous instruction wrote, if that instruction also wrote the
    /// accumulator. An operand read from it becomes an accumulator operand.
    acc_slot: Option<Slot>,
    /// `acc_slot` as it was before the last instruction (`last_op`), which may have read
    /// the accumulator: what it is again if that instruction is retracted.
    acc_before_last: Option<Slot>,
    /// The accumulator the function's result is returned in (with one numeric result).
    result_acc: Option<AccKind>,
    /// The last instruction, if it is a single `copy` (position, dst, src): a copy right
    /// after it merges with it into a `copy2`.
    last_copy: Option<(usize, Slot, Slot)>,
    /// The catch clauses of the `try_table`s ended so far, innermost first.
    handlers: Vec<CatchHandler>,
    /// The last instruction, as emitted (position, op), unless control may also arrive
    /// after it from elsewhere. A `local.set` may have retargeted its `dst` since.
    last_op: Option<(usize, Op)>,
    /// `last_op` as it was before the last instruction: what it becomes again when that
    /// one is retracted.
    prev_op: Option<(usize, Op)>,
    /// The last instruction, if it is a `br` to a label not yet bound: (position, label).
    /// Binding that label right after it removes the `br`, which would only jump to the
    /// next instruction.
    last_br: Option<(usize, usize)>,
    metering: Metering,
}

/// Where a load or store goes, which decides the form of its instruction.
#[derive(Clone, Copy)]
enum MemoryAccess {
    /// 32-bit memory 0, whose base and length the interpreter keeps in registers.
    Memory0 { offset: u32 },
    /// Any memory, with 32- or 64-bit addresses.
    Any { offset: u64, memory: MemoryRef },
}

/// Translates defined function `func` of `module`, validating it first if `validation`
/// is given.
pub(crate) fn translate(
    module: &ModuleInner,
    func: u32,
    validation: Option<FuncToValidate<ValidatorResources>>,
) -> Result<CompiledFunc> {
    translate_with(module, func, validation, false).map(|(compiled, _)| compiled)
}

/// Translates (already validated) function `func` of `module` again and lists its
/// instructions, for the disassembler.
pub(crate) fn translate_listed(module: &ModuleInner, func: u32) -> Result<(CompiledFunc, Listing)> {
    translate_with(module, func, None, true).map(|(compiled, listing)| (compiled, listing.expect("listed")))
}

fn translate_with(
    module: &ModuleInner,
    func: u32,
    validation: Option<FuncToValidate<ValidatorResources>>,
    listing: bool,
) -> Result<(CompiledFunc, Option<Listing>)> {
    let body = module.function_body(func);
    let ty = module.func_type(func);
    let num_params = ty.param_slots();
    let num_results = ty.result_slots();
    let mut validator: Option<FuncValidator<ValidatorResources>> =
        validation.map(|v| v.into_validator(Default::default()));

    // Slots, not locals: a `v128` local takes two.
    let mut num_locals = num_params;
    let mut local_slots: Option<Vec<u16>> = None;
    if num_params != ty.params().len() {
        local_slots = Some(slot_starts(ty.params().iter().map(|t| t.slots()), 0));
    }
    // Stack maps need the operand types, which only a validator knows here.
    // Stack maps are recorded if the module's types let its frames hold collectable
    // references, or once this body shows it can: a traced local, or (below) a
    // `catch_ref`/`catch_all_ref` clause making `exnref`s. Before the first such clause in
    // code order nothing else can put an `exnref` in the frame.
    let mut record_maps = validator.is_some() && module.stack_maps == Some(true);
    let mut traced_locals: Vec<u16> = Vec::new();
    if validator.is_some() {
        let mut at = 0;
        for &param in ty.params() {
            if crate::runtime::gc::is_traced(crate::registry::StorageType::Val(param)) {
                traced_locals.push(at as u16);
            }
            at += param.slots();
        }
    }
    let mut locals = body.get_locals_reader().map_err(Error::compile)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, local_ty) = locals.read().map_err(Error::compile)?;
        if let Some(validator) = &mut validator {
            validator.define_locals(offset, count, local_ty).map_err(Error::compile)?;
        }
        let width = slots_of(local_ty);
        if width == 2 && local_slots.is_none() {
            local_slots = Some((0..=num_locals as u16).collect());
        }
        let first = num_locals;
        num_locals += count as usize * width;
        if num_locals > MAX_SLOTS {
            return Err(too_large(offset as usize));
        }
        if validator.is_some() && gc::traced(&module.engine.types(), &module.type_ids, validator.as_ref(), local_ty) {
            traced_locals.extend((first..num_locals).map(|slot| slot as u16));
        }
        if let Some(slots) = &mut local_slots {
            slots.pop();
            slots.extend((0..=count as usize).map(|k| (first + k * width) as u16));
        }
    }

    let mut t = Translator {
        module,
        code: Encoder::new(handler_table(module.engine.config().count_ops), listing),
        stack: Vec::new(),
        controls: Vec::new(),
        local_slots,
        labels: Vec::new(),
        num_locals,
        max_height: std::cell::Cell::new(0),
        reachable: true,
        last_result: None,
        last_op: None,
        prev_op: None,
        acc_slot: None,
        acc_before_last: None,
        result_acc: AccKind::of_single(ty.results()),
        last_copy: None,
        last_br: None,
        handlers: Vec::new(),
        metering: Metering {
            fuel: module.engine.config().consume_fuel,
            interrupts: module.engine.config().interruptible,
            ..Metering::default()
        },
    };
    let label = t.new_label();
    t.controls.push(ControlFrame {
        kind: FrameKind::Function,
        height: 0,
        num_params: 0,
        num_results,
        ty: BlockType::Empty,
        label,
        else_label: None,
        dead: false,
        loop_test: None,
        catches: Vec::new(),
    });
    t.start_region(true);

    record_maps |= validator.is_some() && !traced_locals.is_empty();
    let mut maps = gc::MapRecorder::new(traced_locals);
    let mut reader = body.get_operators_reader().map_err(Error::compile)?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(Error::compile)?;
        record_maps |= validator.is_some() && crate::module::makes_exnrefs(&op);
        let pending = match &validator {
            Some(validator) if record_maps && t.reachable && gc::is_safepoint(&op) => Some(t.traced_entries(validator)),
            _ => None,
        };
        if let Some(validator) = &mut validator {
            validator.op(offset, &op).map_err(Error::compile)?;
        }
        t.visit(op).map_err(|error| match error {
            Error::Compile { message, offset: None } => Error::Compile { message, offset: Some(offset as usize) },
            other => other,
        })?;
        if let Some(pending) = pending {
            maps.record(&t, pending);
        }
    }
    reader.finish().map_err(Error::compile)?;

    let frame_size = (num_locals + t.max_height.get()).max(num_results);
    let handlers = std::mem::take(&mut t.handlers).into_boxed_slice();
    t.code.thread_jumps();
    let (code, listing) = t.code.finish();
    let stack_maps = maps.finish();
    let num_locals = num_locals - num_params;
    Ok((CompiledFunc { code, stack_maps, handlers, frame_size, num_params, num_locals }, listing))
}

/// The first slot of each of a run of values of the given widths, starting at `first`,
/// and one past the last.
fn slot_starts(widths: impl Iterator<Item = usize>, first: usize) -> Vec<u16> {
    let mut at = first;
    let mut starts = vec![at as u16];
    for width in widths {
        at += width;
        starts.push(at as u16);
    }
    starts
}

/// Frame slots a value of type `ty` takes (see `ValType::slots`).
fn slots_of(ty: wasmparser::ValType) -> usize {
    if ty == wasmparser::ValType::V128 { 2 } else { 1 }
}

fn too_large(offset: usize) -> Error {
    Error::Compile { message: format!("function needs more than {MAX_SLOTS} value slots"), offset: Some(offset) }
}

fn unsupported(what: &str) -> Error {
    Error::Compile { message: format!("{what} is not supported yet"), offset: None }
}

/// The `i32` comparison that holds for `(b, a)` when `compare` holds for `(a, b)`.
fn swapped_i32_compare(compare: OpCode) -> Option<OpCode> {
    use OpCode::*;
    Some(match compare {
        I32Eq => I32Eq,
        I32Ne => I32Ne,
        I32LtS => I32GtS,
        I32LtU => I32GtU,
        I32GtS => I32LtS,
        I32GtU => I32LtU,
        I32LeS => I32GeS,
        I32LeU => I32GeU,
        I32GeS => I32LeS,
        I32GeU => I32LeU,
        _ => return None,
    })
}

/// The `i32` comparison that holds exactly when `compare` does not.
fn negated_i32_compare(compare: OpCode) -> Option<OpCode> {
    use OpCode::*;
    Some(match compare {
        I32Eq => I32Ne,
        I32Ne => I32Eq,
        I32LtS => I32GeS,
        I32LtU => I32GeU,
        I32GtS => I32LeS,
        I32GtU => I32LeU,
        I32LeS => I32GtS,
        I32LeU => I32GtU,
        I32GeS => I32LtS,
        I32GeU => I32LtU,
        _ => return None,
    })
}

/// Generates `Translator::visit_table_op`, which translates every op of the table's
/// value-computing groups: they share their names with `wasmparser`'s operators.
macro_rules! define_translate_table_ops {
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
        impl Translator<'_> {
            /// Translates `op` if it belongs to one of the table's generic groups.
            fn visit_table_op(&mut self, op: &Operator<'_>) -> Option<Result<()>> {
                Some(match *op {
                    $( Operator::$c_name => self.binary(
                        commutative(op),
                        |dst, lhs, rhs| Op::$c_name(op::$c_name { dst, lhs, rhs }),
                        |dst, lhs, bits| Op::$c_imm(op::$c_imm { dst, lhs, rhs: <$c_r as FromBits>::from_bits(bits) }),
                        None::<fn(Slot, u64, Slot) -> Op>,
                    ), )*
                    $( Operator::$u_name => self.unary(|dst, src| Op::$u_name(op::$u_name { dst, src })), )*
                    $( Operator::$ut_name => self.unary(|dst, src| Op::$ut_name(op::$ut_name { dst, src })), )*
                    $( Operator::$b_name => self.binary(
                        commutative(op),
                        |dst, lhs, rhs| Op::$b_name(op::$b_name { dst, lhs, rhs }),
                        |dst, lhs, bits| Op::$b_imm(op::$b_imm { dst, lhs, rhs: <$b_r as FromBits>::from_bits(bits) }),
                        Some(|dst, bits, rhs| Op::[<$b_name ImmL>](op::[<$b_name ImmL>] { dst, lhs: <$b_l as FromBits>::from_bits(bits), rhs })),
                    ), )*
                    $( Operator::$bt_name => self.binary(
                        false,
                        |dst, lhs, rhs| Op::$bt_name(op::$bt_name { dst, lhs, rhs }),
                        |dst, lhs, bits| Op::$bt_imm(op::$bt_imm { dst, lhs, rhs: <$bt_r as FromBits>::from_bits(bits) }),
                        None::<fn(Slot, u64, Slot) -> Op>,
                    ), )*
                    $( Operator::$l_name { memarg } => self.load(memarg, |dst, ptr, access| match access {
                        MemoryAccess::Memory0 { offset } => Op::$l_name(op::$l_name { dst, ptr, offset }),
                        MemoryAccess::Any { offset, memory } => Op::[<$l_name Mem>](op::[<$l_name Mem>] { dst, ptr, offset, memory }),
                    }), )*
                    $( Operator::$s_name { memarg } => self.store(
                        memarg,
                        |ptr, value, access| match access {
                            MemoryAccess::Memory0 { offset } => Op::$s_name(op::$s_name { ptr, value, offset }),
                            MemoryAccess::Any { offset, memory } => Op::[<$s_name Mem>](op::[<$s_name Mem>] { ptr, value, offset, memory }),
                        },
                        |ptr, bits, offset| Op::[<$s_name Imm>](op::[<$s_name Imm>] { ptr, value: <$s_in as FromBits>::from_bits(bits), offset }),
                    ), )*
                    $( Operator::$su_name => self.simd(1, 0, |dst, v, _| Op::$su_name(op::$su_name { dst, src: v[0] })), )*
                    $( Operator::$sb_name => self.simd_binary(
                        |dst, lhs, rhs| Op::$sb_name(op::$sb_name { dst, lhs, rhs }),
                        |dst, lhs, rhs| Op::[<$sb_name Imm>](op::[<$sb_name Imm>] { dst, lhs, rhs }),
                    ), )*
                    $( Operator::$st_name => self.simd(3, 0, |dst, v, _| Op::$st_name(op::$st_name { dst, a: v[0], b: v[1], c: v[2] })), )*
                    $( Operator::$ss_name => self.simd(1, 1, |dst, v, s| Op::$ss_name(op::$ss_name { dst, lhs: v[0], rhs: s })), )*
                    $( Operator::$sp_name => self.simd(0, 1, |dst, _, src| Op::$sp_name(op::$sp_name { dst, src })), )*
                    $( Operator::$sw_name { lane } => self.simd(1, 1, |dst, v, value| Op::$sw_name(op::$sw_name { dst, src: v[0], value, lane })), )*
                    $( Operator::$sr_name => self.simd_to_scalar(|dst, src| Op::$sr_name(op::$sr_name { dst, src })), )*
                    $( Operator::$sx_name { lane } => self.simd_to_scalar(|dst, src| Op::$sx_name(op::$sx_name { dst, src, lane })), )*
                    $( Operator::$sl_name { memarg } => self.simd_load(memarg, false, |dst, ptr, _, access| match access {
                        MemoryAccess::Memory0 { offset } => Op::$sl_name(op::$sl_name { dst, ptr, offset }),
                        MemoryAccess::Any { offset, memory } => Op::[<$sl_name Mem>](op::[<$sl_name Mem>] { dst, ptr, offset, memory }),
                    }), )*
                    $( Operator::$sll_name { memarg, lane } => self.simd_load(memarg, true, |dst, ptr, src, access| match access {
                        MemoryAccess::Memory0 { offset } => Op::$sll_name(op::$sll_name { dst, ptr, src, offset, lane }),
                        MemoryAccess::Any { offset, memory } => Op::[<$sll_name Mem>](op::[<$sll_name Mem>] { dst, ptr, src, offset, lane, memory }),
                    }), )*
                    $( Operator::$sst_name { memarg } => self.simd_store(memarg, |ptr, value, access| match access {
                        MemoryAccess::Memory0 { offset } => Op::$sst_name(op::$sst_name { ptr, value, offset }),
                        MemoryAccess::Any { offset, memory } => Op::[<$sst_name Mem>](op::[<$sst_name Mem>] { ptr, value, offset, memory }),
                    }), )*
                    $( Operator::$ssl_name { memarg, lane } => self.simd_store(memarg, |ptr, value, access| match access {
                        MemoryAccess::Memory0 { offset } => Op::$ssl_name(op::$ssl_name { ptr, value, offset, lane }),
                        MemoryAccess::Any { offset, memory } => Op::[<$ssl_name Mem>](op::[<$ssl_name Mem>] { ptr, value, offset, lane, memory }),
                    }), )*
                    _ => return None,
                })
            }
        }
    }};
}
for_each_op!(define_translate_table_ops);

impl<'m> Translator<'m> {
    fn new_label(&mut self) -> usize {
        self.labels.push(Label::default());
        self.labels.len() - 1
    }

    /// Binds a label that only branches before it target (the end of a block, the start
    /// of an `else`): the accumulator keeps what it mirrors if every branch here and the
    /// fallthrough leave it mirroring the same slot.
    fn bind_label(&mut self, label: usize) {
        if let Some((at, target)) = self.last_br.take()
            && target == label
            && at + OpCode::Br.size() == self.code.pos()
        {
            // A `br` to the very next instruction: remove it and its pending use.
            self.code.truncate(at);
            self.labels[label].uses.retain(|&(instr, _)| instr != at);
        }
        let pos = self.code.pos();
        let fallthrough = self.reachable.then_some(self.acc_slot);
        let acc = match (self.labels[label].acc_at_uses, fallthrough) {
            (Some(at_uses), Some(here)) if at_uses != here => None,
            (Some(known), _) | (None, Some(known)) => known,
            (None, None) => None,
        };
        self.arrive_from_elsewhere();
        self.acc_slot = acc;
        let uses = std::mem::take(&mut self.labels[label].uses);
        for (instr, field) in uses {
            self.code.patch_i32(field, (pos as i64 - instr as i64) as i32);
        }
        self.labels[label].pos = Some(pos);
    }

    /// Binds a label that branches after it target too (a loop's start): nothing is
    /// known about the accumulator there.
    fn bind_loop_label(&mut self, label: usize) {
        self.bind_label(label);
        self.acc_slot = None;
    }

    /// Forgets what the previous instruction left: control arrives here from elsewhere too
    /// (a branch, the unwinder), with something else in the accumulator, and may not skip
    /// into the middle of a merged instruction.
    fn arrive_from_elsewhere(&mut self) {
        self.last_result = None;
        self.last_op = None;
        self.prev_op = None;
        self.acc_slot = None;
        self.acc_before_last = None;
        self.last_copy = None;
    }

    /// Records that the offset field at `field` of the instruction at `instr` targets
    /// `label`, with the accumulator mirroring `acc` when the branch is taken.
    fn use_label(&mut self, label: usize, instr: usize, field: usize, acc: Option<Slot>) {
        let target = &mut self.labels[label];
        match target.pos {
            Some(pos) => self.code.patch_i32(field, (pos as i64 - instr as i64) as i32),
            None => {
                target.uses.push((instr, field));
                target.acc_at_uses = match target.acc_at_uses {
                    Some(known) if known != acc => Some(None),
                    _ => Some(acc),
                };
            }
        }
    }

    /// Starts a new region here; `check_point` for function entries and loop headers.
    fn start_region(&mut self, check_point: bool) {
        self.metering.pending = true;
        self.metering.check_point |= check_point;
    }

    /// Adds an operator that costs `cost` units to the current region, emitting the
    /// region's instruction before the operator's code if this is its first such operator.
    fn charge(&mut self, cost: u32) {
        let m = &mut self.metering;
        if cost == 0 || !(m.fuel || m.interrupts) {
            return;
        }
        if m.pending {
            let check = m.check_point && m.interrupts;
            m.pending = false;
            m.check_point = false;
            m.charge = None;
            let fuel = m.fuel;
            let at = match (fuel, check) {
                (true, false) => Some(self.emit(Op::ConsumeFuel(op::ConsumeFuel { amount: 0 }))),
                (true, true) => {
                    Some(self.emit(Op::ConsumeFuelCheckInterrupt(op::ConsumeFuelCheckInterrupt { amount: 0 })))
                }
                (false, true) => {
                    self.emit(Op::CheckInterrupt(op::CheckInterrupt {}));
                    None
                }
                (false, false) => None,
            };
            self.metering.charge = at.map(|at| (at, 0));
        }
        if let Some((at, amount)) = &mut self.metering.charge {
            *amount = amount.saturating_add(cost);
            // Both fuel ops have the amount as their first operand.
            self.code.patch_u32(*at + HANDLER_SIZE, *amount);
        }
    }

    fn slot(&self, height: usize) -> Slot {
        self.max_height.set(self.max_height.get().max(height + 1));
        Slot((self.num_locals + height) as u16)
    }

    fn push(&mut self, provider: Provider) -> Result<()> {
        self.push_entry(Entry { provider, upper: false })
    }

    fn push_entry(&mut self, entry: Entry) -> Result<()> {
        self.stack.push(entry);
        let height = self.stack.len();
        if self.num_locals + height > MAX_SLOTS {
            return Err(too_large(0));
        }
        Ok(())
    }

    /// Pushes a value that an instruction computes into its home slot; returns that slot.
    fn push_home(&mut self) -> Result<Slot> {
        let slot = self.slot(self.stack.len());
        self.push(Provider::Home)?;
        Ok(slot)
    }

    /// Pops one entry (a scalar, or one half of a `v128`).
    fn pop(&mut self) -> (Provider, usize) {
        let entry = self.stack.pop().expect("validated: operand stack underflow");
        (entry.provider, self.stack.len())
    }

    /// Pushes a value that takes `slots` slots, computed into its home slots.
    fn push_homes(&mut self, slots: usize) -> Result<()> {
        self.push_entry(Entry::HOME)?;
        if slots == 2 {
            self.push_entry(Entry::UPPER_HOME)?;
        }
        Ok(())
    }

    /// Pushes values of the given types computed into their home slots.
    fn push_typed(&mut self, types: impl IntoIterator<Item = crate::types::ValType>) -> Result<()> {
        for ty in types {
            self.push_homes(ty.slots())?;
        }
        Ok(())
    }

    /// Pushes a `v128` that an instruction computes into its home slots; returns the first.
    fn push_home_v128(&mut self) -> Result<Slot> {
        let slot = self.slot(self.stack.len());
        self.slot(self.stack.len() + 1);
        self.push_homes(2)?;
        Ok(slot)
    }

    /// Pops a `v128` into two adjacent slots; returns the first.
    fn pop_v128(&mut self) -> Slot {
        let (high, high_height) = self.pop();
        let (low, low_height) = self.pop();
        match (low, high) {
            (Provider::Home, Provider::Home) => self.slot(low_height),
            (Provider::Local(a), Provider::Local(b)) if b == a + 1 => Slot(a),
            _ => {
                self.slot(high_height);
                let home = self.slot(low_height);
                self.place_v128(low, high, home, home);
                home
            }
        }
    }

    /// Emits what puts the `v128` whose halves `low` and `high` provide (a `Home` half
    /// being in `home` or the slot after it) into `dst` and the slot after it.
    fn place_v128(&mut self, low: Provider, high: Provider, home: Slot, dst: Slot) {
        match (low, high) {
            (Provider::Const(low), Provider::Const(high)) => {
                self.emit(Op::ConstV128(op::ConstV128 { dst, value: V128::from_halves(low, high) }));
            }
            (Provider::Home, Provider::Home) if home != dst => {
                self.emit(Op::CopyV128(op::CopyV128 { dst, src: home }));
            }
            (Provider::Local(a), Provider::Local(b)) if b == a + 1 => {
                if Slot(a) != dst {
                    self.emit(Op::CopyV128(op::CopyV128 { dst, src: Slot(a) }));
                }
            }
            _ => {
                for (provider, half) in [(low, 0), (high, 1)] {
                    let to = Slot(dst.0 + half);
                    let from = match provider {
                        Provider::Home => Slot(home.0 + half),
                        Provider::Local(local) => Slot(local),
                        Provider::Const(bits) => {
                            self.emit_const(to, bits);
                            continue;
                        }
                    };
                    if from != to {
                        self.emit(Op::Copy(op::Copy { dst: to, src: from }));
                    }
                }
            }
        }
    }

    /// The first slot of local `index`, and whether it is a `v128`.
    fn local(&self, index: u32) -> (u16, bool) {
        match &self.local_slots {
            None => (index as u16, false),
            Some(slots) => {
                let (first, end) = (slots[index as usize], slots[index as usize + 1]);
                (first, end - first == 2)
            }
        }
    }

    fn emit(&mut self, op: Op) -> usize {
        self.last_result = None;
        self.emit_fused(op).0
    }

    /// Emits an instruction whose `dst` is the home slot `dst`, so a following
    /// `local.set` may retarget it.
    fn emit_result(&mut self, op: Op, dst: Slot) {
        let (pos, op) = self.emit_fused(op);
        self.last_result = Some((pos, dst, op));
    }

    /// Emits `op` in the form that fuses with what came just before: reading the
    /// accumulator instead of the slot it mirrors, or a copy merged with the copy before
    /// it. Returns the position and the instruction as emitted.
    fn emit_fused(&mut self, op: Op) -> (usize, Op) {
        self.last_br = None;
        if let (Some((lhs, rhs)), Some(acc)) = (op.slot_operands(), self.acc_slot)
            && acc == rhs
        {
            self.compute_lhs_last(lhs, rhs);
        }
        let op = match self.acc_slot {
            Some(acc) => op.with_acc(acc),
            None => op,
        };
        self.acc_before_last = self.acc_slot;
        self.acc_slot = match op.acc_result() {
            None if leaves_acc_valid(&op, self.acc_slot) => self.acc_slot,
            result => result,
        };
        let op = match (op, self.last_copy.take()) {
            (Op::Copy(op::Copy { dst, src }), Some((at, first_dst, first_src))) => {
                self.code.truncate(at);
                Op::Copy2(op::Copy2 { dst: first_dst, src: first_src, dst2: dst, src2: src })
            }
            (op, _) => op,
        };
        let at = self.code.emit(op);
        if let Op::Copy(op::Copy { dst, src }) = op {
            self.last_copy = Some((at, dst, src));
        }
        self.prev_op = self.last_op.replace((at, op));
        (at, op)
    }

    /// Before an instruction reading `lhs` and `rhs`, when the two instructions before it
    /// computed `lhs` and then `rhs` independently of each other: exchanges them, so that
    /// `lhs` arrives in the accumulator. One of the two operands makes the round trip
    /// through the frame either way; in `x = x * k + f(i)`, the shape of hashes, random
    /// number generators and polynomial evaluation, the left one, evaluated first, is the
    /// one a loop carries from iteration to iteration, whose latency is the loop's.
    fn compute_lhs_last(&mut self, lhs: Slot, rhs: Slot) {
        let (Some((second_at, second)), Some((first_at, first))) = (self.last_op, self.prev_op) else { return };
        let (first_size, second_size) = (first.code().size(), second.code().size());
        if first_at + first_size != second_at || second_at + second_size != self.code.pos() {
            return;
        }
        let (Some((first_traps, first_reads)), Some((second_traps, second_reads))) =
            (first.movable(), second.movable())
        else {
            return;
        };
        // (A `local.set` may have retargeted either result: the code has the real `dst`.)
        let first_dst = Slot(self.code.read_u16(first_at + DST_OFFSET));
        let second_dst = Slot(self.code.read_u16(second_at + DST_OFFSET));
        let independent = first_dst != second_dst
            && !second_reads.contains(&Some(first_dst))
            && !first_reads.contains(&Some(second_dst));
        // Two that may trap keep their order, which decides the trap.
        if !independent || first_dst != lhs || second_dst != rhs || (first_traps && second_traps) {
            return;
        }
        self.code.swap_adjacent(first_at, first_size, second_size);
        self.prev_op = Some((first_at, second));
        self.last_op = Some((first_at + second_size, first));
        self.last_result = None;
        self.acc_slot = Some(first_dst);
        self.acc_before_last = None;
    }

    /// Removes the last instruction, at `at`, which the next one takes into itself: it
    /// reads what the removed one read (the accumulator included, which still holds the
    /// same value then).
    fn retract_last(&mut self, at: usize) {
        self.code.truncate(at);
        self.last_result = None;
        self.last_op = self.prev_op.take().filter(|&(pos, op)| pos + op.code().size() == at);
        self.acc_slot = None;
        self.acc_before_last = None;
        self.last_copy = None;
    }

    fn emit_const(&mut self, dst: Slot, bits: u64) {
        match u32::try_from(bits) {
            Ok(value) => self.emit(Op::Const32(op::Const32 { dst, value })),
            Err(_) => self.emit(Op::Const64(op::Const64 { dst, value: bits })),
        };
    }

    /// A slot holding the value of a just-popped entry at `height`.
    /// Pops one (scalar) operand into a slot.
    fn pop_operand(&mut self) -> Slot {
        let (provider, height) = self.pop();
        self.operand(provider, height)
    }

    /// A call through a callee operand on top of the stack (`call_indirect`'s table index,
    /// `call_ref`'s reference), of type `type_index`; a `tail` call ends the code path.
    fn call_through(&mut self, type_index: u32, tail: bool, make: impl FnOnce(Slot, Slot) -> Op) -> Result<()> {
        let ty = self.module.types[type_index as usize].clone();
        let callee = self.pop_operand();
        let base = self.call_args(ty.param_slots());
        self.emit(make(base, callee));
        if tail {
            self.reachable = false;
            return Ok(());
        }
        self.push_call_results(ty.results(), base)
    }

    /// Pushes the results of a call whose callee's frame started at `base`, where they
    /// are. A single number is in its accumulator too (every return leaves it there).
    fn push_call_results(&mut self, results: &[crate::types::ValType], base: Slot) -> Result<()> {
        if AccKind::of_single(results).is_some() {
            self.acc_slot = Some(base);
            self.acc_before_last = None;
        }
        self.push_typed(results.iter().copied())
    }

    fn operand(&mut self, provider: Provider, height: usize) -> Slot {
        match provider {
            Provider::Home => self.slot(height),
            Provider::Local(local) => Slot(local),
            Provider::Const(bits) => {
                let slot = self.slot(height);
                self.emit_const(slot, bits);
                slot
            }
        }
    }

    /// Moves the entry at `index` to its home slot.
    fn materialize(&mut self, index: usize) {
        let home = self.slot(index);
        match self.stack[index].provider {
            Provider::Home => return,
            Provider::Local(local) => {
                self.emit(Op::Copy(op::Copy { dst: home, src: Slot(local) }));
            }
            Provider::Const(bits) => self.emit_const(home, bits),
        }
        self.stack[index].provider = Provider::Home;
    }

    fn materialize_top(&mut self, count: usize) {
        let len = self.stack.len();
        for index in len - count..len {
            self.materialize(index);
        }
    }

    /// Moves the top `count` entries, a block of type `ty`'s results, to their home slots
    /// before its end: a single number moves through its accumulator (`copy.acc`), so that
    /// it may arrive there in the accumulator from every path.
    fn materialize_results(&mut self, ty: BlockType, count: usize) {
        let index = self.stack.len().wrapping_sub(1);
        match (self.block_result_acc(ty), self.stack.last().map(|entry| entry.provider)) {
            (Some(kind), Some(Provider::Local(local))) => {
                let home = self.slot(index);
                self.emit(copy_through(kind, home, Slot(local)));
                self.stack[index].provider = Provider::Home;
            }
            _ => self.materialize_top(count),
        }
    }

    /// The accumulator of the result of a block of type `ty`, if it has one numeric result.
    fn block_result_acc(&self, ty: BlockType) -> Option<AccKind> {
        match ty {
            BlockType::Empty => None,
            BlockType::Type(wasmparser::ValType::I32 | wasmparser::ValType::I64 | wasmparser::ValType::F32) => {
                Some(AccKind::Int)
            }
            BlockType::Type(wasmparser::ValType::F64) => Some(AccKind::Float),
            BlockType::Type(_) => None,
            BlockType::FuncType(index) => AccKind::of_single(self.module.types[index as usize].results()),
        }
    }

    /// Control flow is about to split or merge: entries still reading a local must not
    /// depend on which path wrote it, so they move to their home slots.
    fn materialize_locals(&mut self) {
        for index in 0..self.stack.len() {
            if matches!(self.stack[index].provider, Provider::Local(_)) {
                self.materialize(index);
            }
        }
    }

    /// Copies entries that read `local` to their home slots before it is overwritten.
    fn preserve_local(&mut self, local: u16) -> bool {
        let mut preserved = false;
        for index in 0..self.stack.len() {
            if self.stack[index].provider == Provider::Local(local) {
                self.materialize(index);
                preserved = true;
            }
        }
        preserved
    }

    /// Does the module define (not import) function `func`? Calls of those stay inside
    /// the instance (`call_internal`).
    fn defines(&self, func: u32) -> bool {
        func as usize >= self.module.num_imported_funcs
    }

    /// The slots a block's parameters and results take.
    fn block_arity(&self, ty: BlockType) -> (usize, usize) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(t) => (0, slots_of(t)),
            BlockType::FuncType(index) => {
                let ty = &self.module.types[index as usize];
                (ty.param_slots(), ty.result_slots())
            }
        }
    }

    fn unary(&mut self, make: impl FnOnce(Slot, Slot) -> Op) -> Result<()> {
        let src = self.pop_operand();
        let dst = self.push_home()?;
        self.emit_result(make(dst, src), dst);
        Ok(())
    }

    /// A binary op; for a `commutative` one, a constant left operand swaps sides so that
    /// it becomes the immediate.
    fn binary(
        &mut self,
        commutative: bool,
        make: impl FnOnce(Slot, Slot, Slot) -> Op,
        make_imm: impl FnOnce(Slot, Slot, u64) -> Op,
        make_imm_lhs: Option<impl FnOnce(Slot, u64, Slot) -> Op>,
    ) -> Result<()> {
        let (mut rhs, mut rhs_height) = self.pop();
        let (mut lhs, mut lhs_height) = self.pop();
        // The result goes to the home slot of the lower operand either way.
        let dst = self.slot(lhs_height);
        if let (Provider::Const(bits), Some(make_imm_lhs)) = (lhs, make_imm_lhs)
            && !commutative
            && !matches!(rhs, Provider::Const(_))
        {
            // `1.0 / x`, `0 - x`, `1 << n`: the constant stays on the left as an immediate.
            let rhs = self.operand(rhs, rhs_height);
            let dst_home = self.push_home()?;
            self.emit_result(make_imm_lhs(dst, bits, rhs), dst_home);
            return Ok(());
        }
        if commutative && matches!(lhs, Provider::Const(_)) && !matches!(rhs, Provider::Const(_)) {
            (lhs, rhs) = (rhs, lhs);
            (lhs_height, rhs_height) = (rhs_height, lhs_height);
        }
        let lhs = self.operand(lhs, lhs_height);
        let op = match rhs {
            // Subtracting a constant is adding its negation: one form for the fusions.
            Provider::Const(bits) => match make_imm(dst, lhs, bits) {
                Op::I32SubImm(op::I32SubImm { dst, lhs, rhs }) => {
                    Op::I32AddImm(op::I32AddImm { dst, lhs, rhs: rhs.wrapping_neg() })
                }
                Op::I64SubImm(op::I64SubImm { dst, lhs, rhs }) => {
                    Op::I64AddImm(op::I64AddImm { dst, lhs, rhs: rhs.wrapping_neg() })
                }
                op => op,
            },
            _ => {
                let rhs = self.operand(rhs, rhs_height);
                make(dst, lhs, rhs)
            }
        };
        let dst = self.push_home()?;
        if let Some((first_at, second_size, fused)) = self.add_of_offset(op) {
            // The first goes; the second, moved up in place (a `local.set` may have
            // retargeted it), leaves its value in the accumulator for the sum of all three.
            let first_size = OpCode::I32AddImm.size();
            self.code.swap_adjacent(first_at, first_size, second_size);
            self.code.truncate(first_at + second_size);
            self.acc_slot = Some(Slot(self.code.read_u16(first_at + DST_OFFSET)));
            self.acc_before_last = None;
            self.last_result = None;
            self.last_copy = None;
            self.prev_op = None;
            self.last_op = self.last_op.map(|(_, second)| (first_at, second));
            self.emit_result(fused, dst);
            return Ok(());
        }
        if let Some((at, fused, acc)) = self.xor_shift(op) {
            self.retract_last(at);
            // The shift read the accumulator, which still holds its operand.
            self.acc_slot = acc;
            self.emit_result(fused, dst);
            return Ok(());
        }
        if let Some((at, fused)) = self.multiply_add(op).or_else(|| self.bit_field(op)) {
            self.retract_last(at);
            self.emit_result(fused, dst);
            return Ok(());
        }
        self.emit_result(op, dst);
        Ok(())
    }

    /// An `f64.add` or `f64.sub` (slot form) of the product the previous instruction
    /// computed into a temporary, which nothing else reads: the position of that
    /// `f64.mul` and the one instruction doing both (the product is still rounded first).
    fn multiply_add(&self, combine: Op) -> Option<(usize, Op)> {
        #[derive(Clone, Copy)]
        enum Kind {
            Add,
            /// `product - other`
            Sub,
            /// `other - product`
            SubFrom,
        }
        let (at, product, mul) = self.last_result?;
        // (Fields are read by value: the operand structs are packed.)
        let (add, dst, lhs, rhs) = match combine {
            Op::F64Add(o) => (true, o.dst, o.lhs, o.rhs),
            Op::F64Sub(o) => (false, o.dst, o.lhs, o.rhs),
            _ => return None,
        };
        let (kind, other) = match (lhs == product, rhs == product) {
            (true, false) => (if add { Kind::Add } else { Kind::Sub }, rhs),
            (false, true) => (if add { Kind::Add } else { Kind::SubFrom }, lhs),
            _ => return None,
        };
        // The product's slot is the temporary the addition consumes: its operands came
        // off the stack, and `product` is the home of one of them.
        let fused = match (mul, kind) {
            (Op::F64Mul(op::F64Mul { lhs, rhs, .. }), Kind::Add) => {
                Op::F64MulAdd(op::F64MulAdd { dst, lhs, rhs, addend: other })
            }
            (Op::F64Mul(op::F64Mul { lhs, rhs, .. }), Kind::Sub) => {
                Op::F64MulSub(op::F64MulSub { dst, lhs, rhs, subtrahend: other })
            }
            (Op::F64Mul(op::F64Mul { lhs, rhs, .. }), Kind::SubFrom) => {
                Op::F64SubMul(op::F64SubMul { dst, minuend: other, lhs, rhs })
            }
            (Op::F64MulAccL(op::F64MulAccL { rhs, .. }) | Op::F64MulAccR(op::F64MulAccR { lhs: rhs, .. }), kind) => {
                match kind {
                    Kind::Add => Op::F64MulAddAcc(op::F64MulAddAcc { dst, rhs, addend: other }),
                    Kind::Sub => Op::F64MulSubAcc(op::F64MulSubAcc { dst, rhs, subtrahend: other }),
                    Kind::SubFrom => Op::F64SubMulAcc(op::F64SubMulAcc { dst, minuend: other, rhs }),
                }
            }
            _ => return None,
        };
        Some((at, fused))
    }

    /// An `i32.add` (slot form) of two temporaries computed by the last two instructions:
    /// the first an `i32.add` of a slot and a constant, the second something else, into
    /// the accumulator, that does not depend on the first. Returns the first one's position,
    /// the second one's size, and the instruction adding all three (`lhs + acc + imm`),
    /// which replaces the first and follows the second.
    fn add_of_offset(&self, add: Op) -> Option<(usize, usize, Op)> {
        let Op::I32Add(add) = add else { return None };
        let (Some((second_at, second)), Some((first_at, first))) = (self.last_op, self.prev_op) else { return None };
        if first_at + first.code().size() != second_at || second_at + second.code().size() != self.code.pos() {
            return None;
        }
        let Op::I32AddImm(offset) = first else { return None };
        let (_, second_reads) = second.movable()?;
        // (A `local.set` may have retargeted either result: the code has the real `dst`.)
        let first_dst = Slot(self.code.read_u16(first_at + DST_OFFSET));
        let second_dst = Slot(self.code.read_u16(second_at + DST_OFFSET));
        // (Fields are read by value: the operand structs are packed.)
        let (dst, lhs, rhs, base, imm) = (add.dst, add.lhs, add.rhs, offset.lhs, offset.rhs);
        let index = match (lhs == first_dst, rhs == first_dst) {
            (true, false) => rhs,
            (false, true) => lhs,
            _ => return None,
        };
        // The first's result is a temporary (not a local a `local.set` made it write) that
        // this add consumes, which the second neither reads nor overwrites; the second
        // leaves `index` in the accumulator and does not overwrite the slot the first read.
        let independent = first_dst.0 as usize >= self.num_locals
            && index == second_dst
            && first_dst != second_dst
            && base != second_dst
            && !second_reads.contains(&Some(first_dst))
            && self.acc_slot == Some(second_dst);
        if !independent {
            return None;
        }
        Some((first_at, second.code().size(), Op::I32Add3Acc(op::I32Add3Acc { dst, lhs: base, imm })))
    }

    /// An `xor` of a value with what the previous instruction, a shift of that same value
    /// by a constant (`shr_u` or `shl`), computed into a temporary: the position of the
    /// shift, the one instruction doing both, and the slot the accumulator mirrors without
    /// the shift (for a shift that read its operand from the accumulator, that operand).
    fn xor_shift(&self, xor: Op) -> Option<(usize, Op, Option<Slot>)> {
        let (at, shifted, shift) = self.last_result?;
        if self.last_op.map(|(pos, _)| pos) != Some(at) {
            return None;
        }
        // (Fields are read by value: the operand structs are packed.)
        let (dst, lhs, rhs) = match xor {
            Op::I32Xor(o) => (o.dst, o.lhs, o.rhs),
            Op::I64Xor(o) => (o.dst, o.lhs, o.rhs),
            _ => return None,
        };
        let other = match (lhs == shifted, rhs == shifted) {
            (true, false) => rhs,
            (false, true) => lhs,
            _ => return None,
        };
        let wide = matches!(xor, Op::I64Xor(_));
        let before = self.acc_before_last;
        let from_acc = before == Some(other);
        let fused = match (shift, wide) {
            (Op::I32ShrUImm(o), false) if { o.lhs } == other => {
                Op::I32XorShrU(op::I32XorShrU { dst, src: other, shift: o.rhs as u32 & 31 })
            }
            (Op::I32ShlImm(o), false) if { o.lhs } == other => {
                Op::I32XorShl(op::I32XorShl { dst, src: other, shift: o.rhs as u32 & 31 })
            }
            (Op::I32ShrUImmAcc(o), false) if from_acc => {
                Op::I32XorShrUAcc(op::I32XorShrUAcc { dst, shift: o.rhs as u32 & 31 })
            }
            (Op::I32ShlImmAcc(o), false) if from_acc => {
                Op::I32XorShlAcc(op::I32XorShlAcc { dst, shift: o.rhs as u32 & 31 })
            }
            (Op::I64ShrUImm(o), true) if { o.lhs } == other => {
                Op::I64XorShrU(op::I64XorShrU { dst, src: other, shift: o.rhs as u32 & 63 })
            }
            (Op::I64ShlImm(o), true) if { o.lhs } == other => {
                Op::I64XorShl(op::I64XorShl { dst, src: other, shift: o.rhs as u32 & 63 })
            }
            (Op::I64ShrUImmAcc(o), true) if from_acc => {
                Op::I64XorShrUAcc(op::I64XorShrUAcc { dst, shift: o.rhs as u32 & 63 })
            }
            (Op::I64ShlImmAcc(o), true) if from_acc => {
                Op::I64XorShlAcc(op::I64XorShlAcc { dst, shift: o.rhs as u32 & 63 })
            }
            _ => return None,
        };
        Some((at, fused, before))
    }

    /// An `i32.and` with a constant of what the previous instruction, an `i32.shr_u` by a
    /// constant, computed into a temporary nothing else reads: the position of the shift
    /// and the one instruction doing both.
    fn bit_field(&self, and: Op) -> Option<(usize, Op)> {
        let Op::I32AndImm(and) = and else { return None };
        let (at, shifted, shift) = self.last_result?;
        // (Fields are read by value: the operand structs are packed.)
        let (dst, lhs, mask) = (and.dst, and.lhs, and.rhs as u32);
        if lhs != shifted {
            return None;
        }
        Some((
            at,
            match shift {
                Op::I32ShrUImm(o) => Op::I32ShrUAnd(op::I32ShrUAnd { dst, src: o.lhs, shift: o.rhs as u32 & 31, mask }),
                Op::I32ShrUImmAcc(o) => Op::I32ShrUAndAcc(op::I32ShrUAndAcc { dst, shift: o.rhs as u32 & 31, mask }),
                _ => return None,
            },
        ))
    }

    /// Where a memory access goes: the plain form for 32-bit memory 0, else any memory.
    fn memory_access(&self, memarg: wasmparser::MemArg) -> Result<MemoryAccess> {
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return Err(unsupported("GC array accesses"));
        };
        let address64 = self.module.memories[memory as usize].is_64();
        Ok(match u32::try_from(memarg.offset) {
            Ok(offset) if memory == 0 && !address64 => MemoryAccess::Memory0 { offset },
            _ => MemoryAccess::Any { offset: memarg.offset, memory: MemoryRef::new(memory, address64) },
        })
    }

    fn load(&mut self, memarg: wasmparser::MemArg, make: impl FnOnce(Slot, Slot, MemoryAccess) -> Op) -> Result<()> {
        let access = self.memory_access(memarg)?;
        let (provider, height) = self.pop();
        // An address the previous instruction computed with `i32.add`: the load adds it.
        let address_add = match (provider, self.last_result) {
            (Provider::Home, Some((at, sum, add))) if sum == self.slot(height) => Some((at, add)),
            _ => None,
        };
        let ptr = self.operand(provider, height);
        let dst = self.push_home()?;
        let load = make(dst, ptr, access);
        if let Some((at, add)) = address_add
            && let Some(fused) = load.with_address_add(&add)
        {
            self.retract_last(at);
            self.emit_result(fused, dst);
            return Ok(());
        }
        self.emit_result(load, dst);
        Ok(())
    }

    fn store(
        &mut self,
        memarg: wasmparser::MemArg,
        make: impl FnOnce(Slot, Slot, MemoryAccess) -> Op,
        make_imm: impl FnOnce(Slot, u64, u32) -> Op,
    ) -> Result<()> {
        let access = self.memory_access(memarg)?;
        let (value, value_height) = self.pop();
        let (ptr, ptr_height) = self.pop();
        // A constant stored to memory 0 (`p[i] = 0`) is the instruction's immediate.
        if let (Provider::Const(bits), MemoryAccess::Memory0 { offset }) = (value, access) {
            let ptr = self.operand(ptr, ptr_height);
            self.emit(make_imm(ptr, bits, offset));
            return Ok(());
        }
        let value = self.operand(value, value_height);
        let ptr = self.operand(ptr, ptr_height);
        self.emit(make(ptr, value, access));
        Ok(())
    }

    /// A `v128`-producing instruction over `vectors` `v128` operands followed by
    /// `scalars` (0 or 1) scalar operand: `make(dst, vector slots, scalar slot)`.
    fn simd(&mut self, vectors: usize, scalars: usize, make: impl FnOnce(Slot, [Slot; 3], Slot) -> Op) -> Result<()> {
        let scalar = if scalars == 1 { self.pop_operand() } else { Slot(0) };
        let mut slots = [Slot(0); 3];
        for k in (0..vectors).rev() {
            slots[k] = self.pop_v128();
        }
        let dst = self.push_home_v128()?;
        self.emit_result(make(dst, slots, scalar), dst);
        Ok(())
    }

    /// A binary `v128` instruction; `make_imm` for the form whose right operand is an
    /// immediate, used when it is a constant (which would otherwise be materialised on
    /// every execution, e.g. in a loop).
    fn simd_binary(
        &mut self,
        make: impl FnOnce(Slot, Slot, Slot) -> Op,
        make_imm: impl FnOnce(Slot, Slot, V128) -> Op,
    ) -> Result<()> {
        let len = self.stack.len();
        if let [Entry { provider: Provider::Const(low), .. }, Entry { provider: Provider::Const(high), upper: true }] =
            self.stack[len - 2..]
        {
            self.stack.truncate(len - 2);
            let lhs = self.pop_v128();
            let dst = self.push_home_v128()?;
            self.emit_result(make_imm(dst, lhs, V128::from_halves(low, high)), dst);
            return Ok(());
        }
        self.simd(2, 0, |dst, v, _| make(dst, v[0], v[1]))
    }

    /// An instruction from one `v128` to a scalar.
    fn simd_to_scalar(&mut self, make: impl FnOnce(Slot, Slot) -> Op) -> Result<()> {
        let src = self.pop_v128();
        let dst = self.push_home()?;
        self.emit_result(make(dst, src), dst);
        Ok(())
    }

    /// A `v128` load; with `lane`, one that also takes the `v128` whose lane it replaces.
    fn simd_load(
        &mut self,
        memarg: wasmparser::MemArg,
        lane: bool,
        make: impl FnOnce(Slot, Slot, Slot, MemoryAccess) -> Op,
    ) -> Result<()> {
        let access = self.memory_access(memarg)?;
        let src = if lane { self.pop_v128() } else { Slot(0) };
        let ptr = self.pop_operand();
        let dst = self.push_home_v128()?;
        self.emit_result(make(dst, ptr, src, access), dst);
        Ok(())
    }

    /// A store of a `v128` or of one of its lanes.
    fn simd_store(
        &mut self,
        memarg: wasmparser::MemArg,
        make: impl FnOnce(Slot, Slot, MemoryAccess) -> Op,
    ) -> Result<()> {
        let access = self.memory_access(memarg)?;
        let value = self.pop_v128();
        let ptr = self.pop_operand();
        self.emit(make(ptr, value, access));
        Ok(())
    }

    /// A wide-arithmetic instruction over `count` `i64` operands, with two `i64` results
    /// (low, high) in consecutive home slots.
    fn wide_arithmetic(&mut self, count: usize, make: impl FnOnce(Slot, &[Slot]) -> Op) -> Result<()> {
        let operands = self.operands(count);
        let dst = self.push_home()?;
        self.push_home()?;
        self.emit(make(dst, &operands));
        Ok(())
    }

    /// Pops `count` operands into slots, in push order.
    fn operands(&mut self, count: usize) -> Vec<Slot> {
        let mut slots: Vec<Slot> = (0..count).map(|_| self.pop_operand()).collect();
        slots.reverse();
        slots
    }

    /// Do the top `arity` entries already sit where a branch to `frame` wants them?
    fn in_place_for(&self, depth: usize) -> bool {
        let frame = &self.controls[self.controls.len() - 1 - depth];
        if frame.kind == FrameKind::Function {
            return false;
        }
        let arity = frame.branch_arity();
        let len = self.stack.len();
        (0..arity)
            .all(|k| self.stack[len - arity + k].provider == Provider::Home && len - arity + k == frame.height + k)
    }

    /// Emits the moves a branch to the frame at `depth` needs, then the branch itself
    /// (or the return sequence, for the function's frame).
    fn branch(&mut self, depth: usize) -> Result<()> {
        let index = self.controls.len() - 1 - depth;
        if self.controls[index].kind == FrameKind::Function {
            return self.return_values();
        }
        let (arity, height, label, result_acc) = {
            let frame = &self.controls[index];
            let result_acc = if frame.kind == FrameKind::Loop { None } else { self.block_result_acc(frame.ty) };
            (frame.branch_arity(), frame.height, frame.label, result_acc)
        };
        let len = self.stack.len();
        for k in 0..arity {
            let dst = self.slot(height + k);
            let src = match self.stack[len - arity + k].provider {
                Provider::Home => self.slot(len - arity + k),
                Provider::Local(local) => Slot(local),
                Provider::Const(bits) => {
                    self.emit_const(dst, bits);
                    continue;
                }
            };
            if src != dst {
                // A block's single result moves through the accumulator (see
                // `materialize_results`).
                let copy = match result_acc {
                    Some(kind) => copy_through(kind, dst, src),
                    None => Op::Copy(op::Copy { dst, src }),
                };
                self.emit(copy);
            }
        }
        if arity == 0
            && let Some(test) = self.controls[index].loop_test
        {
            // Loop rotation: test here whether the next iteration would leave the loop,
            // and if not, continue past the test at its start.
            self.emit_branch_if(test.cond, false, test.body);
            self.emit_br(test.exit);
            return Ok(());
        }
        self.emit_br(label);
        Ok(())
    }

    /// Emits an unconditional branch to `label`.
    fn emit_br(&mut self, label: usize) {
        let acc = self.acc_slot;
        let at = self.emit(Op::Br(op::Br { offset: BranchOffset(0) }));
        self.use_label(label, at, at + BRANCH_OFFSET, acc);
        if self.labels[label].pos.is_none() {
            self.last_br = Some((at, label));
        }
    }

    fn return_values(&mut self) -> Result<()> {
        let count = self.controls[0].num_results;
        match count {
            0 => {
                self.emit(Op::Return(op::Return {}));
            }
            1 => {
                let (provider, height) = self.pop();
                let home = self.slot(height);
                self.stack.push(Entry::HOME);
                // A return leaves its value in slot 0 and, a number, in its accumulator
                // too, where the caller reads it. The instruction that computed it (into
                // the accumulator as well) writes slot 0 directly, and the return moves
                // nothing; a constant goes there directly.
                let in_acc = self.acc_slot == Some(home);
                match (provider, self.last_result, self.result_acc) {
                    (Provider::Home, Some((at, dst, _)), acc) if dst == home && (acc.is_none() || in_acc) => {
                        debug_assert_eq!(self.code.read_u16(at + DST_OFFSET), home.0);
                        self.code.patch_u16(at + DST_OFFSET, 0);
                        self.last_result = None;
                        self.acc_slot = None;
                        self.emit(Op::Return(op::Return {}));
                    }
                    (Provider::Const(bits), _, acc) => {
                        self.emit_const(Slot(0), bits);
                        match acc {
                            None => self.emit(Op::Return(op::Return {})),
                            Some(_) => self.emit(Op::ReturnSlot(op::ReturnSlot { src: Slot(0) })),
                        };
                    }
                    (_, _, acc) => {
                        let src = self.operand(provider, height);
                        let ret = match acc {
                            Some(AccKind::Int) if self.acc_slot == Some(src) => Op::ReturnAcc(op::ReturnAcc {}),
                            Some(AccKind::Float) if self.acc_slot == Some(src) => Op::ReturnFacc(op::ReturnFacc {}),
                            _ => Op::ReturnSlot(op::ReturnSlot { src }),
                        };
                        self.emit(ret);
                    }
                }
            }
            _ => {
                self.materialize_top(count);
                let src = self.slot(self.stack.len() - count);
                self.emit(Op::ReturnSpan(op::ReturnSpan { src, len: count as u16 }));
            }
        }
        Ok(())
    }

    /// Lays out `num_params` arguments at their home slots; returns where the callee's
    /// frame starts.
    fn call_args(&mut self, num_params: usize) -> Slot {
        self.materialize_top(num_params);
        let base = self.slot(self.stack.len() - num_params);
        self.stack.truncate(self.stack.len() - num_params);
        base
    }

    /// Pushes the parameters (`params`) or the results of a block of type `ty`, computed
    /// into their home slots.
    fn push_block_values(&mut self, ty: BlockType, params: bool) -> Result<()> {
        match ty {
            BlockType::Empty => Ok(()),
            BlockType::Type(_) if params => Ok(()),
            BlockType::Type(t) => self.push_homes(slots_of(t)),
            BlockType::FuncType(index) => {
                let ty = self.module.types[index as usize].clone();
                if params {
                    self.push_typed(ty.params().iter().copied())
                } else {
                    self.push_typed(ty.results().iter().copied())
                }
            }
        }
    }

    fn enter_block(&mut self, kind: FrameKind, ty: BlockType) -> Result<()> {
        let label = self.new_label();
        if !self.reachable {
            self.controls.push(ControlFrame {
                kind,
                height: self.stack.len(),
                num_params: 0,
                num_results: 0,
                ty,
                label,
                else_label: None,
                dead: true,
                loop_test: None,
                catches: Vec::new(),
            });
            return Ok(());
        }
        let (num_params, num_results) = self.block_arity(ty);
        let mut else_label = None;
        if kind == FrameKind::If {
            let cond = self.pop_condition();
            // These moves write home slots below the condition's, which a fused
            // comparison does not read.
            self.materialize_locals();
            self.materialize_top(num_params);
            let target = self.new_label();
            self.emit_branch_if(cond, false, target);
            else_label = Some(target);
            self.start_region(false);
        } else {
            self.materialize_locals();
            self.materialize_top(num_params);
        }
        if kind == FrameKind::Loop {
            self.bind_loop_label(label);
            self.start_region(true);
        }
        self.controls.push(ControlFrame {
            kind,
            height: self.stack.len() - num_params,
            num_params,
            num_results,
            ty,
            label,
            else_label,
            dead: false,
            loop_test: None,
            catches: Vec::new(),
        });
        Ok(())
    }

    /// A `try_table`: a block whose body's code range the unwinder searches for its catch
    /// clauses. Each clause gets a landing pad, placed before the body (which a `br`
    /// skips): the unwinder leaves the exception's values in the home slots above the
    /// block's base height and jumps there, and the pad branches with them to the
    /// clause's label like a `br` would.
    fn visit_try_table(&mut self, try_table: wasmparser::TryTable) -> Result<()> {
        if !self.reachable || try_table.catches.is_empty() {
            return self.enter_block(FrameKind::Block, try_table.ty);
        }
        let (num_params, _) = self.block_arity(try_table.ty);
        self.materialize_locals();
        self.materialize_top(num_params);
        let height = self.stack.len() - num_params;
        let body = self.new_label();
        let acc = self.acc_slot;
        let at = self.emit(Op::Br(op::Br { offset: BranchOffset(0) }));
        self.use_label(body, at, at + BRANCH_OFFSET, acc);
        let saved = self.stack.clone();
        let mut catches = Vec::with_capacity(try_table.catches.len());
        for clause in &try_table.catches {
            let (tag, with_ref, depth) = match *clause {
                wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                wasmparser::Catch::All { label } => (None, false, label),
                wasmparser::Catch::AllRef { label } => (None, true, label),
            };
            // Only the unwinder arrives here.
            self.arrive_from_elsewhere();
            self.last_br = None;
            let pad = self.code.pos() as u32;
            self.stack.truncate(height);
            let base = self.slot(height);
            if let Some(tag) = tag {
                let ty = self.module.types[self.module.tags[tag as usize] as usize].clone();
                self.push_typed(ty.params().iter().copied())?;
            }
            if with_ref {
                self.push_home()?;
            }
            self.branch(depth as usize)?;
            catches.push(CatchHandler { start: 0, end: 0, tag, with_ref, pad, base: base.0 });
        }
        self.stack = saved;
        self.bind_label(body);
        let start = self.code.pos() as u32;
        self.enter_block(FrameKind::Block, try_table.ty)?;
        let frame = self.controls.last_mut().expect("just entered");
        frame.catches = catches.into_iter().map(|clause| CatchHandler { start, ..clause }).collect();
        Ok(())
    }

    fn visit_else(&mut self) -> Result<()> {
        let frame = self.controls.last().expect("validated: else in if");
        if frame.dead {
            return Ok(());
        }
        let (height, num_results, ty, label, else_label) =
            (frame.height, frame.num_results, frame.ty, frame.label, frame.else_label);
        if self.reachable {
            self.materialize_results(ty, num_results);
            self.emit_br(label);
        }
        self.bind_label(else_label.expect("if has an else label"));
        self.start_region(false);
        let frame = self.controls.last_mut().expect("validated");
        frame.kind = FrameKind::Else;
        frame.else_label = None;
        self.stack.truncate(height);
        self.push_block_values(ty, true)?;
        self.reachable = true;
        Ok(())
    }

    fn visit_end(&mut self) -> Result<()> {
        let frame = self.controls.pop().expect("validated: end matches a block");
        if frame.dead {
            return Ok(());
        }
        if frame.kind == FrameKind::Function {
            if self.reachable {
                self.controls.push(frame);
                self.return_values()?;
                self.controls.pop();
            }
            self.reachable = false;
            return Ok(());
        }
        if self.reachable {
            self.materialize_results(frame.ty, frame.num_results);
        }
        let end = self.code.pos() as u32;
        self.handlers.extend(frame.catches.into_iter().map(|clause| CatchHandler { end, ..clause }));
        let mut reachable = self.reachable;
        // Where paths meet, or code after a loop, starts a region of its own: charging it
        // with what came before would charge it for paths that skip it, or once per
        // iteration of the loop.
        let mut new_region = frame.kind == FrameKind::Loop;
        if let Some(else_label) = frame.else_label {
            // An `if` without `else`: its false branch passes the parameters through.
            self.bind_label(else_label);
            reachable = true;
            new_region = true;
        }
        if frame.kind != FrameKind::Loop {
            if !self.labels[frame.label].uses.is_empty() {
                reachable = true;
                new_region = true;
            }
            self.bind_label(frame.label);
        }
        if new_region {
            self.start_region(false);
        }
        self.last_result = None;
        self.stack.truncate(frame.height);
        self.push_block_values(frame.ty, false)?;
        self.reachable = reachable;
        Ok(())
    }

    fn visit(&mut self, op: Operator<'_>) -> Result<()> {
        if !self.reachable {
            return match op {
                // Every block-opening instruction: its `end` closes a frame.
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                    self.enter_block(FrameKind::Block, BlockType::Empty)
                }
                Operator::Else => self.visit_else(),
                Operator::End => self.visit_end(),
                _ => Ok(()),
            };
        }
        self.charge(fuel_cost(&op));
        if let Some(result) = self.visit_table_op(&op) {
            return result;
        }
        if let Some(result) = self.visit_gc_op(&op) {
            return result;
        }
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.emit(Op::Unreachable(op::Unreachable {}));
                self.reachable = false;
            }
            Operator::Block { blockty } => self.enter_block(FrameKind::Block, blockty)?,
            Operator::Loop { blockty } => self.enter_block(FrameKind::Loop, blockty)?,
            Operator::If { blockty } => self.enter_block(FrameKind::If, blockty)?,
            Operator::Else => self.visit_else()?,
            Operator::End => self.visit_end()?,
            Operator::Br { relative_depth } => {
                self.branch(relative_depth as usize)?;
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => self.visit_br_if(relative_depth as usize)?,
            Operator::BrTable { targets } => {
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for target in targets.targets() {
                    depths.push(target.map_err(Error::compile)? as usize);
                }
                depths.push(targets.default() as usize);
                self.visit_br_table(&depths)?;
            }
            Operator::Return => {
                self.return_values()?;
                self.reachable = false;
            }
            Operator::Call { function_index } => {
                let ty = self.module.func_type(function_index).clone();
                let base = self.call_args(ty.param_slots());
                if self.defines(function_index) {
                    self.emit(Op::CallInternal(op::CallInternal { func: function_index, base }));
                } else {
                    self.emit(Op::Call(op::Call { func: function_index, base }));
                }
                self.push_call_results(ty.results(), base)?;
            }
            Operator::CallIndirect { type_index, table_index } => {
                self.call_through(type_index, false, |base, index| {
                    Op::CallIndirect(op::CallIndirect { base, index, table: table_index, ty: type_index })
                })?
            }
            Operator::ReturnCall { function_index } => {
                let num_params = self.module.func_type(function_index).param_slots();
                let base = self.call_args(num_params);
                if self.defines(function_index) {
                    self.emit(Op::ReturnCallInternal(op::ReturnCallInternal { func: function_index, base }));
                } else {
                    self.emit(Op::ReturnCall(op::ReturnCall { func: function_index, base }));
                }
                self.reachable = false;
            }
            Operator::ReturnCallIndirect { type_index, table_index } => {
                self.call_through(type_index, true, |base, index| {
                    Op::ReturnCallIndirect(op::ReturnCallIndirect { base, index, table: table_index, ty: type_index })
                })?
            }
            Operator::CallRef { type_index } => {
                self.call_through(type_index, false, |base, func| Op::CallRef(op::CallRef { base, func }))?
            }
            Operator::ReturnCallRef { type_index } => {
                self.call_through(type_index, true, |base, func| Op::ReturnCallRef(op::ReturnCallRef { base, func }))?
            }
            Operator::RefAsNonNull => {
                let (provider, height) = self.pop();
                let src = self.operand(provider, height);
                self.emit(Op::TrapIfNull(op::TrapIfNull { src }));
                self.push(provider)?;
            }
            Operator::BrOnNull { relative_depth } => {
                // Branches without the reference; falls through with it.
                let (provider, height) = self.pop();
                let reference = self.operand(provider, height);
                let is_null = Op::I64EqImm(op::I64EqImm { dst: reference, lhs: reference, rhs: 0 });
                self.branch_when(Condition::Compare(is_null), true, relative_depth as usize)?;
                self.push(provider)?;
            }
            Operator::BrOnNonNull { relative_depth } => {
                // Branches with the reference; falls through without it.
                let (provider, height) = self.pop();
                let reference = self.operand(provider, height);
                self.push(provider)?;
                let is_null = Op::I64EqImm(op::I64EqImm { dst: reference, lhs: reference, rhs: 0 });
                self.branch_when(Condition::Compare(is_null), false, relative_depth as usize)?;
                self.pop();
            }
            Operator::Throw { tag_index } => {
                let num_params = self.module.types[self.module.tags[tag_index as usize] as usize].param_slots();
                let base = self.call_args(num_params);
                self.emit(Op::Throw(op::Throw { tag: tag_index, base }));
                self.reachable = false;
            }
            Operator::ThrowRef => {
                let src = self.pop_operand();
                self.emit(Op::ThrowRef(op::ThrowRef { src }));
                self.reachable = false;
            }
            Operator::TryTable { try_table } => self.visit_try_table(try_table)?,
            Operator::Drop => {
                let entry = self.stack.pop().expect("validated: operand stack underflow");
                if entry.upper {
                    self.pop();
                }
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let len = self.stack.len();
                if len >= 2 && self.stack[len - 2].upper {
                    let cond = self.pop_operand();
                    let if_false = self.pop_v128();
                    let if_true = self.pop_v128();
                    let dst = self.push_home_v128()?;
                    self.emit_result(Op::SelectV128(op::SelectV128 { dst, cond, if_true, if_false }), dst);
                } else {
                    let [if_true, if_false, cond] = self.operands(3)[..] else { unreachable!() };
                    let dst = self.push_home()?;
                    self.emit_result(Op::Select(op::Select { dst, cond, if_true, if_false }), dst);
                }
            }
            Operator::LocalGet { local_index } => match self.local(local_index) {
                (slot, false) => self.push(Provider::Local(slot))?,
                (slot, true) => {
                    self.push(Provider::Local(slot))?;
                    self.push_entry(Entry { provider: Provider::Local(slot + 1), upper: true })?;
                }
            },
            Operator::LocalSet { local_index } => self.visit_local_set(local_index, false)?,
            Operator::LocalTee { local_index } => self.visit_local_set(local_index, true)?,
            Operator::GlobalGet { global_index }
                if self.module.globals[global_index as usize].content().slots() == 2 =>
            {
                let dst = self.push_home_v128()?;
                self.emit_result(Op::GlobalGetV128(op::GlobalGetV128 { dst, global: global_index }), dst);
            }
            Operator::GlobalGet { global_index } => {
                let dst = self.push_home()?;
                self.emit_result(Op::GlobalGet(op::GlobalGet { dst, global: global_index }), dst);
            }
            Operator::GlobalSet { global_index }
                if self.module.globals[global_index as usize].content().slots() == 2 =>
            {
                let src = self.pop_v128();
                self.emit(Op::GlobalSetV128(op::GlobalSetV128 { src, global: global_index }));
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop_operand();
                self.emit(Op::GlobalSet(op::GlobalSet { src, global: global_index }));
            }
            Operator::I32Const { value } => self.push(Provider::Const(value as u32 as u64))?,
            Operator::I64Const { value } => self.push(Provider::Const(value as u64))?,
            Operator::F32Const { value } => self.push(Provider::Const(value.bits() as u64))?,
            Operator::F64Const { value } => self.push(Provider::Const(value.bits()))?,
            Operator::V128Const { value } => {
                let bits = value.i128() as u128;
                self.push(Provider::Const(bits as u64))?;
                self.push_entry(Entry { provider: Provider::Const((bits >> 64) as u64), upper: true })?;
            }
            Operator::I8x16Shuffle { lanes } => {
                let rhs = self.pop_v128();
                let lhs = self.pop_v128();
                let dst = self.push_home_v128()?;
                let lanes = V128(lanes);
                self.emit_result(Op::I8x16Shuffle(op::I8x16Shuffle { dst, lhs, rhs, lanes }), dst);
            }
            Operator::I64Add128 => self.wide_arithmetic(4, |dst, s| {
                Op::I64Add128(op::I64Add128 { dst, lhs_low: s[0], lhs_high: s[1], rhs_low: s[2], rhs_high: s[3] })
            })?,
            Operator::I64Sub128 => self.wide_arithmetic(4, |dst, s| {
                Op::I64Sub128(op::I64Sub128 { dst, lhs_low: s[0], lhs_high: s[1], rhs_low: s[2], rhs_high: s[3] })
            })?,
            Operator::I64MulWideS => {
                self.wide_arithmetic(2, |dst, s| Op::I64MulWideS(op::I64MulWideS { dst, lhs: s[0], rhs: s[1] }))?
            }
            Operator::I64MulWideU => {
                self.wide_arithmetic(2, |dst, s| Op::I64MulWideU(op::I64MulWideU { dst, lhs: s[0], rhs: s[1] }))?
            }
            Operator::I32ReinterpretF32 | Operator::F32ReinterpretI32 => {
                // Slots are untyped: reinterpreting the bits costs nothing.
            }
            Operator::I64ReinterpretF64 | Operator::F64ReinterpretI64 => {
                // The slot holds the same bits, but the accumulators do not: an `f64`
                // result goes to the floating-point one, so the consumer reads the slot.
                self.acc_slot = None;
            }
            Operator::RefNull { .. } => self.push(Provider::Const(0))?,
            Operator::RefIsNull => self.unary(|dst, src| Op::I64Eqz(op::I64Eqz { dst, src }))?,
            Operator::RefFunc { function_index } => {
                let dst = self.push_home()?;
                self.emit_result(Op::RefFunc(op::RefFunc { dst, func: function_index }), dst);
            }
            Operator::MemorySize { mem } => {
                let dst = self.push_home()?;
                self.emit_result(Op::MemorySize(op::MemorySize { dst, memory: mem }), dst);
            }
            Operator::MemoryGrow { mem } => {
                let [delta] = self.operands(1)[..] else { unreachable!() };
                let dst = self.push_home()?;
                self.emit_result(Op::MemoryGrow(op::MemoryGrow { dst, delta, memory: mem }), dst);
            }
            Operator::MemoryFill { mem } => {
                let [dst, value, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::MemoryFill(op::MemoryFill { dst, value, len, memory: mem }));
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let [dst, src, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::MemoryCopy(op::MemoryCopy { dst, src, len, dst_memory: dst_mem, src_memory: src_mem }));
            }
            Operator::MemoryInit { data_index, mem } => {
                let [dst, src, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::MemoryInit(op::MemoryInit { dst, src, len, memory: mem, data: data_index }));
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop(op::DataDrop { data: data_index }));
            }
            Operator::TableGet { table } => {
                let [index] = self.operands(1)[..] else { unreachable!() };
                let dst = self.push_home()?;
                self.emit_result(Op::TableGet(op::TableGet { dst, index, table }), dst);
            }
            Operator::TableSet { table } => {
                let [index, value] = self.operands(2)[..] else { unreachable!() };
                self.emit(Op::TableSet(op::TableSet { index, value, table }));
            }
            Operator::TableSize { table } => {
                let dst = self.push_home()?;
                self.emit_result(Op::TableSize(op::TableSize { dst, table }), dst);
            }
            Operator::TableGrow { table } => {
                let [init, delta] = self.operands(2)[..] else { unreachable!() };
                let dst = self.push_home()?;
                self.emit_result(Op::TableGrow(op::TableGrow { dst, init, delta, table }), dst);
            }
            Operator::TableFill { table } => {
                let [dst, value, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::TableFill(op::TableFill { dst, value, len, table }));
            }
            Operator::TableCopy { dst_table, src_table } => {
                let [dst, src, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::TableCopy(op::TableCopy { dst, src, len, dst_table, src_table }));
            }
            Operator::TableInit { elem_index, table } => {
                let [dst, src, len] = self.operands(3)[..] else { unreachable!() };
                self.emit(Op::TableInit(op::TableInit { dst, src, len, table, elem: elem_index }));
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop(op::ElemDrop { elem: elem_index }));
            }
            other => return Err(unsupported(&format!("operator {other:?}"))),
        }
        Ok(())
    }

    fn visit_local_set(&mut self, index: u32, tee: bool) -> Result<()> {
        let (local, wide) = self.local(index);
        if wide {
            return self.visit_local_set_v128(local, tee);
        }
        let (provider, height) = self.pop();
        let preserved = self.preserve_local(local);
        let home = self.slot(height);
        match provider {
            Provider::Home => match self.last_result {
                Some((at, dst, _)) if dst == home && !preserved => {
                    debug_assert_eq!(self.code.read_u16(at + DST_OFFSET), home.0);
                    self.code.patch_u16(at + DST_OFFSET, local);
                    self.last_result = None;
                    if self.acc_slot == Some(home) {
                        self.acc_slot = Some(Slot(local));
                    }
                }
                _ => {
                    let acc_held_value = self.acc_slot == Some(home);
                    self.emit(Op::Copy(op::Copy { dst: Slot(local), src: home }));
                    // The popped entry's slot is dead: the accumulator now stands for the local.
                    if acc_held_value {
                        self.acc_slot = Some(Slot(local));
                    }
                }
            },
            Provider::Local(src) => {
                if src != local {
                    self.emit(Op::Copy(op::Copy { dst: Slot(local), src: Slot(src) }));
                }
            }
            Provider::Const(bits) => self.emit_const(Slot(local), bits),
        }
        if tee {
            self.push(Provider::Local(local))?;
        }
        Ok(())
    }

    /// `local.set`/`local.tee` of the `v128` local at slots `local` and `local + 1`.
    fn visit_local_set_v128(&mut self, local: u16, tee: bool) -> Result<()> {
        let (high, _) = self.pop();
        let (low, low_height) = self.pop();
        let preserved = self.preserve_local(local) | self.preserve_local(local + 1);
        let home = self.slot(low_height);
        match (low, high, self.last_result) {
            // The instruction that computed it writes the local instead.
            (Provider::Home, Provider::Home, Some((at, dst, _))) if dst == home && !preserved => {
                debug_assert_eq!(self.code.read_u16(at + DST_OFFSET), home.0);
                self.code.patch_u16(at + DST_OFFSET, local);
                self.last_result = None;
                self.acc_slot = None;
            }
            _ => self.place_v128(low, high, home, Slot(local)),
        }
        if tee {
            self.push(Provider::Local(local))?;
            self.push_entry(Entry { provider: Provider::Local(local + 1), upper: true })?;
        }
        Ok(())
    }

    /// Pops the condition of a conditional branch. If the last instruction computed it
    /// with a comparison (or `i32.eqz`), that instruction is removed and the branch will
    /// test its operands itself.
    fn pop_condition(&mut self) -> Condition {
        let (provider, height) = self.pop();
        if let (Provider::Home, Some((at, dst, last))) = (provider, self.last_result)
            && dst == self.slot(height)
        {
            let fused = match last {
                Op::I32Eqz(op::I32Eqz { src, .. }) => Some(Condition::Eqz(src)),
                _ if last.branch_form(true).is_some() => Some(Condition::Compare(last)),
                _ => None,
            };
            if let Some(condition) = fused {
                self.retract_last(at);
                return condition;
            }
        }
        Condition::Slot(self.operand(provider, height))
    }

    /// Emits a branch to `label`, taken when `cond` is `taken_if`.
    fn emit_branch_if(&mut self, cond: Condition, taken_if: bool, label: usize) {
        let offset = BranchOffset(0);
        let branch = match (cond, taken_if) {
            (Condition::Slot(cond), true) | (Condition::Eqz(cond), false) => Op::BrIfNez(op::BrIfNez { offset, cond }),
            (Condition::Slot(cond), false) | (Condition::Eqz(cond), true) => Op::BrIfEqz(op::BrIfEqz { offset, cond }),
            (Condition::Compare(compare), taken_if) => compare.branch_form(taken_if).expect("a comparison"),
        };
        if let Some((add_at, step, field)) = self.step_branch(branch) {
            self.retract_last(add_at);
            let at = self.emit(step);
            // The step leaves the sum in the accumulator, taken or not.
            let sum = Slot(self.code.read_u16(at + DST_OFFSET));
            self.acc_slot = Some(sum);
            self.use_label(label, at, at + field, Some(sum));
            return;
        }
        let acc = self.acc_slot;
        let at = self.emit(branch);
        self.use_label(label, at, at + BRANCH_OFFSET, acc);
    }

    /// `branch` fused with the instruction before it, if that adds an immediate or a slot
    /// to an `i32` and the branch compares the sum (in the accumulator): the position of
    /// the add, the `i32.step_br_if.*` instruction that replaces both, and where in it the
    /// branch offset goes.
    fn step_branch(&self, branch: Op) -> Option<(usize, Op, usize)> {
        /// The step an add makes: a constant or a slot's value.
        enum Step {
            Imm(i32),
            Slot(Slot),
        }
        let (at, add) = self.last_op?;
        let (src, step) = match add {
            Op::I32AddImm(add) => (add.lhs, Step::Imm(add.rhs)),
            Op::I32Add(add) => (add.lhs, Step::Slot(add.rhs)),
            _ => return None,
        };
        if at + add.code().size() != self.code.pos() {
            return None;
        }
        // Right after the add, the accumulator holds the sum, and so does its `dst`
        // (wherever a `local.set` sent it).
        let dst = Slot(self.code.read_u16(at + DST_OFFSET));
        let parts = branch.compare_branch_parts()?;
        let is_sum = |operand| operand == CompareOperand::Acc || operand == CompareOperand::Slot(dst);
        let (mut compare, other) = if is_sum(parts.lhs) {
            (parts.compare, parts.rhs)
        } else if is_sum(parts.rhs) {
            (swapped_i32_compare(parts.compare)?, parts.lhs)
        } else {
            return None;
        };
        if other == CompareOperand::Acc {
            return None;
        }
        if !parts.taken_if {
            compare = negated_i32_compare(compare)?;
        }
        let offset = BranchOffset(0);
        macro_rules! step {
            ($($code:ident => $slot:ident $imm:ident $step_slot:ident $step_slot_imm:ident,)*) => {
                match (compare, step, other) {
                    $(
                        (OpCode::$code, Step::Imm(imm), CompareOperand::Slot(rhs)) => {
                            Op::$slot(op::$slot { dst, src, imm, rhs, offset })
                        }
                        (OpCode::$code, Step::Imm(imm), CompareOperand::Imm(bits)) => {
                            Op::$imm(op::$imm { dst, src, imm, rhs: bits as u32 as i32, offset })
                        }
                        (OpCode::$code, Step::Slot(step), CompareOperand::Slot(rhs)) => {
                            Op::$step_slot(op::$step_slot { dst, src, step, rhs, offset })
                        }
                        (OpCode::$code, Step::Slot(step), CompareOperand::Imm(bits)) => {
                            Op::$step_slot_imm(op::$step_slot_imm { dst, src, step, rhs: bits as u32 as i32, offset })
                        }
                    )*
                    _ => return None,
                }
            };
        }
        let step = step! {
            I32Eq => I32StepBrIfEq I32StepBrIfEqImm I32StepSlotBrIfEq I32StepSlotBrIfEqImm,
            I32Ne => I32StepBrIfNe I32StepBrIfNeImm I32StepSlotBrIfNe I32StepSlotBrIfNeImm,
            I32LtS => I32StepBrIfLtS I32StepBrIfLtSImm I32StepSlotBrIfLtS I32StepSlotBrIfLtSImm,
            I32LtU => I32StepBrIfLtU I32StepBrIfLtUImm I32StepSlotBrIfLtU I32StepSlotBrIfLtUImm,
            I32GtS => I32StepBrIfGtS I32StepBrIfGtSImm I32StepSlotBrIfGtS I32StepSlotBrIfGtSImm,
            I32GtU => I32StepBrIfGtU I32StepBrIfGtUImm I32StepSlotBrIfGtU I32StepSlotBrIfGtUImm,
            I32LeS => I32StepBrIfLeS I32StepBrIfLeSImm I32StepSlotBrIfLeS I32StepSlotBrIfLeSImm,
            I32LeU => I32StepBrIfLeU I32StepBrIfLeUImm I32StepSlotBrIfLeU I32StepSlotBrIfLeUImm,
            I32GeS => I32StepBrIfGeS I32StepBrIfGeSImm I32StepSlotBrIfGeS I32StepSlotBrIfGeSImm,
            I32GeU => I32StepBrIfGeU I32StepBrIfGeUImm I32StepSlotBrIfGeU I32StepSlotBrIfGeUImm,
        };
        // dst, src, the step, then rhs, then the offset.
        let step_size = if matches!(add, Op::I32Add(_)) { 2 } else { 4 };
        let rhs_size = if matches!(other, CompareOperand::Slot(_)) { 2 } else { 4 };
        Some((at, step, HANDLER_SIZE + 2 + 2 + step_size + rhs_size))
    }

    /// A branch to the label `depth` frames out, taken when `cond` is `taken_if`, with the
    /// values on the stack: `br_if`, `br_on_null`, `br_on_non_null`. A branch that moves
    /// no values jumps straight to the label; otherwise it skips over the value moves.
    fn branch_when(&mut self, cond: Condition, taken_if: bool, depth: usize) -> Result<()> {
        if self.in_place_for(depth) {
            let label = self.controls[self.controls.len() - 1 - depth].label;
            self.emit_branch_if(cond, taken_if, label);
        } else {
            let skip = self.new_label();
            self.emit_branch_if(cond, !taken_if, skip);
            // The branch sequence may pop values (a return); the fallthrough keeps them.
            let saved = self.stack.clone();
            self.branch(depth)?;
            self.stack = saved;
            self.bind_label(skip);
        }
        Ok(())
    }

    fn visit_br_if(&mut self, depth: usize) -> Result<()> {
        let cond = self.pop_condition();
        let rotates = depth > 0 && self.in_place_for(depth) && self.loop_starts_here();
        self.branch_when(cond, true, depth)?;
        if rotates {
            let exit = self.controls[self.controls.len() - 1 - depth].label;
            let body = self.new_label();
            self.bind_loop_label(body);
            self.controls.last_mut().expect("in a loop").loop_test = Some(LoopTest { cond, exit, body });
        }
        Ok(())
    }

    /// Is the innermost frame a loop (without parameters) whose code starts here, i.e.
    /// nothing of its body has been emitted yet?
    fn loop_starts_here(&self) -> bool {
        self.controls.last().is_some_and(|frame| {
            frame.kind == FrameKind::Loop
                && frame.num_params == 0
                && !frame.dead
                && self.labels[frame.label].pos == Some(self.code.pos())
        })
    }

    fn visit_br_table(&mut self, depths: &[usize]) -> Result<()> {
        let len = (depths.len() - 1) as u32;
        let (provider, height) = self.pop();
        // An index the previous instruction computed with an `i32.and` or `i32.add` of a
        // constant, into a temporary: the branch computes it itself.
        let computed = match (provider, self.last_result) {
            (Provider::Home, Some((at, sum, computed))) if sum == self.slot(height) => match computed {
                Op::I32AndImm(o) => {
                    Some((at, Op::BrTableAnd(op::BrTableAnd { index: o.lhs, mask: o.rhs as u32, len })))
                }
                Op::I32AddImm(o) => Some((at, Op::BrTableAdd(op::BrTableAdd { index: o.lhs, imm: o.rhs, len }))),
                Op::I32AndImmAcc(o) => {
                    Some((at, Op::BrTableAndAcc(op::BrTableAndAcc { index: crate::ir::Acc, mask: o.rhs as u32, len })))
                }
                Op::I32AddImmAcc(o) => {
                    Some((at, Op::BrTableAddAcc(op::BrTableAddAcc { index: crate::ir::Acc, imm: o.rhs, len })))
                }
                _ => None,
            },
            _ => None,
        };
        let table = match computed {
            Some((at, table)) => {
                self.retract_last(at);
                table
            }
            None => Op::BrTable(op::BrTable { index: self.operand(provider, height), len }),
        };
        let acc = self.acc_slot;
        let table_at = self.emit(table);
        let entries_at = table_at + table.code().size();
        self.code.emit_i32s(&vec![0; depths.len()]);
        let mut stubs = Vec::new();
        for (k, &depth) in depths.iter().enumerate() {
            let field = entries_at + 4 * k;
            if self.in_place_for(depth) {
                let label = self.controls[self.controls.len() - 1 - depth].label;
                self.use_label(label, table_at, field, acc);
            } else {
                stubs.push((field, depth));
            }
        }
        for (field, depth) in stubs {
            let here = self.code.pos();
            self.code.patch_i32(field, (here - table_at) as i32);
            let saved = self.stack.clone();
            self.branch(depth)?;
            self.stack = saved;
        }
        self.reachable = false;
        Ok(())
    }
}
