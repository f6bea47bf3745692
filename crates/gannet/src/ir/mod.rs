//! Gannet's register IR: operand types, the generated op structs, the encoder and the
//! disassembler.
//!
//! An encoded instruction is the address of its handler (one machine word) followed by
//! its operands in native byte order, padded to a multiple of 8 bytes so that the next
//! handler address is aligned. All of it is generated from the op table in [`table`].

pub(crate) mod table;

use std::fmt;

/// A frame slot: the index of a 64-bit cell in the current function's frame.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Slot(pub u16);

/// A branch target, in bytes relative to the start of the branching instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct BranchOffset(pub i32);

/// Byte offset of the `dst` operand in every instruction that has one.
pub(crate) const DST_OFFSET: usize = HANDLER_SIZE;
/// Byte offset of the branch offset in every branch instruction except `br_table`.
pub(crate) const BRANCH_OFFSET: usize = HANDLER_SIZE;
/// Bytes taken by the handler address at the start of each instruction.
pub(crate) const HANDLER_SIZE: usize = std::mem::size_of::<usize>();

/// Total encoded size of an instruction whose operands take `operand_bytes`.
pub(crate) const fn instr_size(operand_bytes: usize) -> usize {
    (HANDLER_SIZE + operand_bytes + 7) & !7
}

/// A value that can be an operand of an IR instruction.
pub(crate) trait Operand: Copy {
    const SIZE: usize;
    fn encode(self, out: &mut Vec<u8>);
    fn decode(bytes: &[u8]) -> Self;
    /// Formats the operand for the disassembler; `at` is the instruction's position.
    fn show(self, at: usize) -> String;
}

macro_rules! plain_operand {
    ($($ty:ty),*) => {$(
        impl Operand for $ty {
            const SIZE: usize = std::mem::size_of::<$ty>();
            fn encode(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_ne_bytes());
            }
            fn decode(bytes: &[u8]) -> Self {
                <$ty>::from_ne_bytes(bytes[..Self::SIZE].try_into().expect("operand bytes"))
            }
            fn show(self, _at: usize) -> String {
                format!("{self}")
            }
        }
    )*};
}
plain_operand!(u8, u16, u32, u64, i32, i64);

/// A `v128` value: its 16 bytes in little-endian order, so byte 0 is the low byte of
/// lane 0 whatever the lane width. (A byte array, not a `u128`: LLVM keeps arrays in
/// vector registers, but splits a `u128` into two general-purpose registers.)
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(transparent)]
pub struct V128(pub [u8; 16]);

impl V128 {
    /// The vector whose lane 0 is in the low bits of `bits`.
    pub(crate) fn from_u128(bits: u128) -> V128 {
        V128(bits.to_le_bytes())
    }

    /// The vector whose low and high 64 bits are these.
    pub(crate) fn from_halves(low: u64, high: u64) -> V128 {
        V128::from_u128(low as u128 | (high as u128) << 64)
    }

    /// The vector as a number with lane 0 in the low bits.
    pub(crate) fn to_u128(self) -> u128 {
        u128::from_le_bytes(self.0)
    }
}

impl Operand for V128 {
    const SIZE: usize = 16;
    fn encode(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn decode(bytes: &[u8]) -> Self {
        V128(bytes[..16].try_into().expect("operand bytes"))
    }
    fn show(self, _at: usize) -> String {
        format!("{:#034x}", self.to_u128())
    }
}

impl Operand for f32 {
    const SIZE: usize = 4;
    fn encode(self, out: &mut Vec<u8>) {
        self.to_bits().encode(out)
    }
    fn decode(bytes: &[u8]) -> Self {
        f32::from_bits(u32::decode(bytes))
    }
    fn show(self, _at: usize) -> String {
        format!("{self:?}")
    }
}

impl Operand for f64 {
    const SIZE: usize = 8;
    fn encode(self, out: &mut Vec<u8>) {
        self.to_bits().encode(out)
    }
    fn decode(bytes: &[u8]) -> Self {
        f64::from_bits(u64::decode(bytes))
    }
    fn show(self, _at: usize) -> String {
        format!("{self:?}")
    }
}

impl Operand for Slot {
    const SIZE: usize = 2;
    fn encode(self, out: &mut Vec<u8>) {
        self.0.encode(out)
    }
    fn decode(bytes: &[u8]) -> Self {
        Slot(u16::decode(bytes))
    }
    fn show(self, _at: usize) -> String {
        format!("s{}", self.0)
    }
}

impl Operand for BranchOffset {
    const SIZE: usize = 4;
    fn encode(self, out: &mut Vec<u8>) {
        self.0.encode(out)
    }
    fn decode(bytes: &[u8]) -> Self {
        BranchOffset(i32::decode(bytes))
    }
    fn show(self, at: usize) -> String {
        format!("@{}", at as i64 + self.0 as i64)
    }
}

/// The memory an access names when it is not the plain memory-0 form: the memory's
/// index, and whether it takes 64-bit addresses (memory64). Encoded as one `u32` whose
/// top bit is the address width (a module has far fewer than 2^31 memories).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct MemoryRef(u32);

impl MemoryRef {
    const ADDRESS64: u32 = 1 << 31;

    pub(crate) fn new(index: u32, address64: bool) -> MemoryRef {
        debug_assert!(index < Self::ADDRESS64);
        MemoryRef(index | if address64 { Self::ADDRESS64 } else { 0 })
    }

    /// The memory's index in its module.
    #[inline(always)]
    pub(crate) fn index(self) -> u32 {
        self.0 & !Self::ADDRESS64
    }

    /// Whether addresses are 64-bit.
    #[inline(always)]
    pub(crate) fn is_64(self) -> bool {
        self.0 & Self::ADDRESS64 != 0
    }
}

impl Operand for MemoryRef {
    const SIZE: usize = 4;
    fn encode(self, out: &mut Vec<u8>) {
        self.0.encode(out)
    }
    fn decode(bytes: &[u8]) -> Self {
        MemoryRef(u32::decode(bytes))
    }
    fn show(self, _at: usize) -> String {
        format!("{}{}", self.index(), if self.is_64() { ":i64" } else { "" })
    }
}

/// An operand taken from the accumulator (see the op table): encoded as nothing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Acc;

impl Operand for Acc {
    const SIZE: usize = 0;
    fn encode(self, _out: &mut Vec<u8>) {}
    fn decode(_bytes: &[u8]) -> Self {
        Acc
    }
    fn show(self, _at: usize) -> String {
        "acc".to_string()
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A compare-branch taken apart (`Op::compare_branch_parts`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CompareBranch {
    /// The comparison, as the op code of its slot form (`I32LtS`, ...).
    pub(crate) compare: OpCode,
    pub(crate) lhs: CompareOperand,
    pub(crate) rhs: CompareOperand,
    /// Whether the branch is taken when the comparison holds (`br_if`) or when it does
    /// not (`br_unless`).
    pub(crate) taken_if: bool,
}

/// An operand of a comparison: a slot, the accumulator, or an immediate's raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompareOperand {
    Slot(Slot),
    Acc,
    Imm(u64),
}

/// The raw bits of an immediate operand (as a slot would hold them).
pub(crate) trait ImmBits {
    fn bits(self) -> u64;
}
impl ImmBits for i32 {
    fn bits(self) -> u64 {
        self as u32 as u64
    }
}
impl ImmBits for i64 {
    fn bits(self) -> u64 {
        self as u64
    }
}
impl ImmBits for f32 {
    fn bits(self) -> u64 {
        self.to_bits() as u64
    }
}
impl ImmBits for f64 {
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

/// Generates the op structs, `Op`, `OpCode` and their encoding and decoding from the op
/// table. Every group is first reduced to `name mnemonic { fields }`, one per variant.
macro_rules! define_ir {
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
        define_ir! { @ops
            $(
                $c_name $c_mn { dst: Slot, lhs: Slot, rhs: Slot }
                $c_imm $c_mn { dst: Slot, lhs: Slot, rhs: $c_r }
                [<$c_name AccL>] $c_mn { dst: Slot, lhs: Acc, rhs: Slot }
                [<$c_name AccR>] $c_mn { dst: Slot, lhs: Slot, rhs: Acc }
                [<$c_imm Acc>] $c_mn { dst: Slot, lhs: Acc, rhs: $c_r }
                [<BrIf $c_name>] (concat!("br_if.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: Slot }
                [<BrIf $c_imm>] (concat!("br_if.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: $c_r }
                [<BrIf $c_name AccL>] (concat!("br_if.", $c_mn)) { offset: BranchOffset, lhs: Acc, rhs: Slot }
                [<BrIf $c_name AccR>] (concat!("br_if.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: Acc }
                [<BrIf $c_imm Acc>] (concat!("br_if.", $c_mn)) { offset: BranchOffset, lhs: Acc, rhs: $c_r }
                [<BrUnless $c_name>] (concat!("br_unless.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: Slot }
                [<BrUnless $c_imm>] (concat!("br_unless.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: $c_r }
                [<BrUnless $c_name AccL>] (concat!("br_unless.", $c_mn)) { offset: BranchOffset, lhs: Acc, rhs: Slot }
                [<BrUnless $c_name AccR>] (concat!("br_unless.", $c_mn)) { offset: BranchOffset, lhs: Slot, rhs: Acc }
                [<BrUnless $c_imm Acc>] (concat!("br_unless.", $c_mn)) { offset: BranchOffset, lhs: Acc, rhs: $c_r }
            )*
            $( $u_name $u_mn { dst: Slot, src: Slot } [<$u_name Acc>] $u_mn { dst: Slot, src: Acc } )*
            $( $ut_name $ut_mn { dst: Slot, src: Slot } [<$ut_name Acc>] $ut_mn { dst: Slot, src: Acc } )*
            $(
                $b_name $b_mn { dst: Slot, lhs: Slot, rhs: Slot }
                $b_imm $b_mn { dst: Slot, lhs: Slot, rhs: $b_r }
                [<$b_name AccL>] $b_mn { dst: Slot, lhs: Acc, rhs: Slot }
                [<$b_name AccR>] $b_mn { dst: Slot, lhs: Slot, rhs: Acc }
                [<$b_imm Acc>] $b_mn { dst: Slot, lhs: Acc, rhs: $b_r }
                [<$b_name ImmL>] $b_mn { dst: Slot, lhs: $b_l, rhs: Slot }
                [<$b_name ImmLAcc>] $b_mn { dst: Slot, lhs: $b_l, rhs: Acc }
            )*
            $(
                $bt_name $bt_mn { dst: Slot, lhs: Slot, rhs: Slot }
                $bt_imm $bt_mn { dst: Slot, lhs: Slot, rhs: $bt_r }
                [<$bt_name AccL>] $bt_mn { dst: Slot, lhs: Acc, rhs: Slot }
                [<$bt_name AccR>] $bt_mn { dst: Slot, lhs: Slot, rhs: Acc }
                [<$bt_imm Acc>] $bt_mn { dst: Slot, lhs: Acc, rhs: $bt_r }
            )*
            $(
                $l_name $l_mn { dst: Slot, ptr: Slot, offset: u32 }
                [<$l_name Acc>] $l_mn { dst: Slot, ptr: Acc, offset: u32 }
                [<$l_name Add>] $l_mn { dst: Slot, ptr: Slot, index: Slot, offset: u32 }
                [<$l_name AddImm>] $l_mn { dst: Slot, ptr: Slot, index: i32, offset: u32 }
                [<$l_name AddAcc>] $l_mn { dst: Slot, ptr: Slot, index: Acc, offset: u32 }
                [<$l_name AddImmAcc>] $l_mn { dst: Slot, ptr: Acc, index: i32, offset: u32 }
                [<$l_name Add3>] $l_mn { dst: Slot, ptr: Slot, index: Acc, imm: i32, offset: u32 }
                [<$l_name Mem>] $l_mn { dst: Slot, ptr: Slot, offset: u64, memory: MemoryRef }
            )*
            $(
                $s_name $s_mn { ptr: Slot, value: Slot, offset: u32 }
                [<$s_name AccPtr>] $s_mn { ptr: Acc, value: Slot, offset: u32 }
                [<$s_name AccValue>] $s_mn { ptr: Slot, value: Acc, offset: u32 }
                [<$s_name Imm>] $s_mn { ptr: Slot, value: $s_in, offset: u32 }
                [<$s_name ImmAccPtr>] $s_mn { ptr: Acc, value: $s_in, offset: u32 }
                [<$s_name Mem>] $s_mn { ptr: Slot, value: Slot, offset: u64, memory: MemoryRef }
            )*
            $( $su_name $su_mn { dst: Slot, src: Slot } )*
            $( $sb_name $sb_mn { dst: Slot, lhs: Slot, rhs: Slot } [<$sb_name Imm>] $sb_mn { dst: Slot, lhs: Slot, rhs: V128 } )*
            $( $st_name $st_mn { dst: Slot, a: Slot, b: Slot, c: Slot } )*
            $( $ss_name $ss_mn { dst: Slot, lhs: Slot, rhs: Slot } )*
            $( $sr_name $sr_mn { dst: Slot, src: Slot } )*
            $( $sp_name $sp_mn { dst: Slot, src: Slot } )*
            $( $sx_name $sx_mn { dst: Slot, src: Slot, lane: u8 } )*
            $( $sw_name $sw_mn { dst: Slot, src: Slot, value: Slot, lane: u8 } )*
            $(
                $sl_name $sl_mn { dst: Slot, ptr: Slot, offset: u32 }
                [<$sl_name Mem>] $sl_mn { dst: Slot, ptr: Slot, offset: u64, memory: MemoryRef }
            )*
            $(
                $sll_name $sll_mn { dst: Slot, ptr: Slot, src: Slot, offset: u32, lane: u8 }
                [<$sll_name Mem>] $sll_mn { dst: Slot, ptr: Slot, src: Slot, offset: u64, lane: u8, memory: MemoryRef }
            )*
            $(
                $sst_name $sst_mn { ptr: Slot, value: Slot, offset: u32 }
                [<$sst_name Mem>] $sst_mn { ptr: Slot, value: Slot, offset: u64, memory: MemoryRef }
            )*
            $(
                $ssl_name $ssl_mn { ptr: Slot, value: Slot, offset: u32, lane: u8 }
                [<$ssl_name Mem>] $ssl_mn { ptr: Slot, value: Slot, offset: u64, lane: u8, memory: MemoryRef }
            )*
            $( $o_name $o_mn { $($o_field: $o_ty),* } )*
        }

        impl Op {
            /// For a comparison, the conditional branch that tests the same operands and is
            /// taken when the comparison's result equals `taken_if` (offset still 0).
            pub(crate) fn branch_form(&self, taken_if: bool) -> Option<Op> {
                let offset = BranchOffset(0);
                Some(match (*self, taken_if) {
                    $(
                        (Op::$c_name(op::$c_name { lhs, rhs, .. }), true) => Op::[<BrIf $c_name>](op::[<BrIf $c_name>] { offset, lhs, rhs }),
                        (Op::$c_name(op::$c_name { lhs, rhs, .. }), false) => Op::[<BrUnless $c_name>](op::[<BrUnless $c_name>] { offset, lhs, rhs }),
                        (Op::$c_imm(op::$c_imm { lhs, rhs, .. }), true) => Op::[<BrIf $c_imm>](op::[<BrIf $c_imm>] { offset, lhs, rhs }),
                        (Op::$c_imm(op::$c_imm { lhs, rhs, .. }), false) => Op::[<BrUnless $c_imm>](op::[<BrUnless $c_imm>] { offset, lhs, rhs }),
                        (Op::[<$c_name AccL>](op::[<$c_name AccL>] { lhs, rhs, .. }), true) => Op::[<BrIf $c_name AccL>](op::[<BrIf $c_name AccL>] { offset, lhs, rhs }),
                        (Op::[<$c_name AccL>](op::[<$c_name AccL>] { lhs, rhs, .. }), false) => Op::[<BrUnless $c_name AccL>](op::[<BrUnless $c_name AccL>] { offset, lhs, rhs }),
                        (Op::[<$c_name AccR>](op::[<$c_name AccR>] { lhs, rhs, .. }), true) => Op::[<BrIf $c_name AccR>](op::[<BrIf $c_name AccR>] { offset, lhs, rhs }),
                        (Op::[<$c_name AccR>](op::[<$c_name AccR>] { lhs, rhs, .. }), false) => Op::[<BrUnless $c_name AccR>](op::[<BrUnless $c_name AccR>] { offset, lhs, rhs }),
                        (Op::[<$c_imm Acc>](op::[<$c_imm Acc>] { lhs, rhs, .. }), true) => Op::[<BrIf $c_imm Acc>](op::[<BrIf $c_imm Acc>] { offset, lhs, rhs }),
                        (Op::[<$c_imm Acc>](op::[<$c_imm Acc>] { lhs, rhs, .. }), false) => Op::[<BrUnless $c_imm Acc>](op::[<BrUnless $c_imm Acc>] { offset, lhs, rhs }),
                    )*
                    _ => return None,
                })
            }

            /// For a compare-branch: the comparison's slot form, its operands, and whether
            /// the branch is taken when the comparison holds (`br_if`) or when it does not
            /// (`br_unless`).
            pub(crate) fn compare_branch_parts(&self) -> Option<CompareBranch> {
                use CompareOperand::{Acc as A, Imm, Slot as S};
                let parts = |compare, lhs, rhs, taken_if| CompareBranch { compare, lhs, rhs, taken_if };
                Some(match *self {
                    $(
                        Op::[<BrIf $c_name>](o) => parts(OpCode::$c_name, S(o.lhs), S(o.rhs), true),
                        Op::[<BrIf $c_imm>](o) => parts(OpCode::$c_name, S(o.lhs), Imm(ImmBits::bits(o.rhs)), true),
                        Op::[<BrIf $c_name AccL>](o) => parts(OpCode::$c_name, A, S(o.rhs), true),
                        Op::[<BrIf $c_name AccR>](o) => parts(OpCode::$c_name, S(o.lhs), A, true),
                        Op::[<BrIf $c_imm Acc>](o) => parts(OpCode::$c_name, A, Imm(ImmBits::bits(o.rhs)), true),
                        Op::[<BrUnless $c_name>](o) => parts(OpCode::$c_name, S(o.lhs), S(o.rhs), false),
                        Op::[<BrUnless $c_imm>](o) => parts(OpCode::$c_name, S(o.lhs), Imm(ImmBits::bits(o.rhs)), false),
                        Op::[<BrUnless $c_name AccL>](o) => parts(OpCode::$c_name, A, S(o.rhs), false),
                        Op::[<BrUnless $c_name AccR>](o) => parts(OpCode::$c_name, S(o.lhs), A, false),
                        Op::[<BrUnless $c_imm Acc>](o) => parts(OpCode::$c_name, A, Imm(ImmBits::bits(o.rhs)), false),
                    )*
                    _ => return None,
                })
            }

            /// For an instruction the translator may move ahead of the one before it: whether
            /// it may trap, and the slots it reads. Such an instruction computes a value from
            /// slots and immediates (no accumulator operand) and writes it to `dst` and the
            /// accumulator; it has no other effect, but for a trap.
            pub(crate) fn movable(&self) -> Option<(bool, [Option<Slot>; 2])> {
                Some(match *self {
                    $(
                        Op::$c_name(o) => (false, [Some(o.lhs), Some(o.rhs)]),
                        Op::$c_imm(o) => (false, [Some(o.lhs), None]),
                    )*
                    $( Op::$u_name(o) => (false, [Some(o.src), None]), )*
                    $( Op::$ut_name(o) => (true, [Some(o.src), None]), )*
                    $(
                        Op::$b_name(o) => (false, [Some(o.lhs), Some(o.rhs)]),
                        Op::$b_imm(o) => (false, [Some(o.lhs), None]),
                        Op::[<$b_name ImmL>](o) => (false, [Some(o.rhs), None]),
                    )*
                    $(
                        Op::$bt_name(o) => (true, [Some(o.lhs), Some(o.rhs)]),
                        Op::$bt_imm(o) => (true, [Some(o.lhs), None]),
                    )*
                    $(
                        Op::$l_name(o) => (true, [Some(o.ptr), None]),
                        Op::[<$l_name Add>](o) => (true, [Some(o.ptr), Some(o.index)]),
                        Op::[<$l_name AddImm>](o) => (true, [Some(o.ptr), None]),
                    )*
                    Op::I32ShrUAnd(o) => (false, [Some(o.src), None]),
                    _ => return None,
                })
            }

            /// The operands of a binary op or comparison that reads both from slots.
            pub(crate) fn slot_operands(&self) -> Option<(Slot, Slot)> {
                Some(match *self {
                    $( Op::$c_name(o) => (o.lhs, o.rhs), )*
                    $( Op::$b_name(o) => (o.lhs, o.rhs), )*
                    $( Op::$bt_name(o) => (o.lhs, o.rhs), )*
                    _ => return None,
                })
            }

            /// For a load whose address the `i32.add` instruction `add` just computed: the
            /// load that adds the address itself (the sum still wraps at 32 bits, as
            /// `i32.add` does, before the offset is added).
            pub(crate) fn with_address_add(self, add: &Op) -> Option<Op> {
                Some(match self {
                    $(
                        Op::$l_name(o) => {
                            let (dst, offset) = (o.dst, o.offset);
                            match *add {
                                Op::I32Add(a) => Op::[<$l_name Add>](op::[<$l_name Add>] { dst, ptr: a.lhs, index: a.rhs, offset }),
                                Op::I32AddImm(a) => Op::[<$l_name AddImm>](op::[<$l_name AddImm>] { dst, ptr: a.lhs, index: a.rhs, offset }),
                                Op::I32AddAccL(a) => Op::[<$l_name AddAcc>](op::[<$l_name AddAcc>] { dst, ptr: a.rhs, index: Acc, offset }),
                                Op::I32AddAccR(a) => Op::[<$l_name AddAcc>](op::[<$l_name AddAcc>] { dst, ptr: a.lhs, index: Acc, offset }),
                                Op::I32AddImmAcc(a) => Op::[<$l_name AddImmAcc>](op::[<$l_name AddImmAcc>] { dst, ptr: Acc, index: a.rhs, offset }),
                                Op::I32Add3Acc(a) => Op::[<$l_name Add3>](op::[<$l_name Add3>] { dst, ptr: a.lhs, index: Acc, imm: a.imm, offset }),
                                _ => return None,
                            }
                        }
                    )*
                    _ => return None,
                })
            }
        }

        define_ir! { @acc
            binary { $( $c_name $c_imm )* $( $b_name $b_imm )* $( $bt_name $bt_imm )* }
            imm_lhs { $( [<$b_name ImmL>] )* }
            unary { $( $u_name )* $( $ut_name )* }
            load { $( $l_name )* }
            store { $( $s_name )* }
        }
    }};
    // The accumulator forms, over the groups' ops by operand shape: `binary` (compare,
    // binary, binary_trap: the plain and immediate names), `unary`, `load`, `store`.
    (@acc
        binary { $( $name:ident $imm:ident )* }
        imm_lhs { $( $imm_lhs:ident )* }
        unary { $( $u:ident )* }
        load { $( $l:ident )* }
        store { $( $s:ident )* }
    ) => { paste::paste! {
        impl Op {
            /// The same instruction reading the accumulator instead of slot `acc`, where it
            /// has such a variant; the accumulator must hold the value of `acc`.
            pub(crate) fn with_acc(self, acc: Slot) -> Op {
                // (Fields are read by value: the operand structs are packed.)
                match self {
                    $(
                        Op::$name(o) => {
                            let (dst, lhs, rhs) = (o.dst, o.lhs, o.rhs);
                            if lhs == acc {
                                Op::[<$name AccL>](op::[<$name AccL>] { dst, lhs: Acc, rhs })
                            } else if rhs == acc {
                                Op::[<$name AccR>](op::[<$name AccR>] { dst, lhs, rhs: Acc })
                            } else {
                                self
                            }
                        }
                        Op::$imm(o) if { o.lhs } == acc => {
                            Op::[<$imm Acc>](op::[<$imm Acc>] { dst: o.dst, lhs: Acc, rhs: o.rhs })
                        }
                    )*
                    $(
                        Op::$imm_lhs(o) if { o.rhs } == acc => {
                            Op::[<$imm_lhs Acc>](op::[<$imm_lhs Acc>] { dst: o.dst, lhs: o.lhs, rhs: Acc })
                        }
                    )*
                    $( Op::$u(o) if { o.src } == acc => Op::[<$u Acc>](op::[<$u Acc>] { dst: o.dst, src: Acc }), )*
                    $(
                        Op::$l(o) if { o.ptr } == acc => {
                            Op::[<$l Acc>](op::[<$l Acc>] { dst: o.dst, ptr: Acc, offset: o.offset })
                        }
                    )*
                    $(
                        Op::$s(o) => {
                            let (ptr, value, offset) = (o.ptr, o.value, o.offset);
                            if ptr == acc {
                                Op::[<$s AccPtr>](op::[<$s AccPtr>] { ptr: Acc, value, offset })
                            } else if value == acc {
                                Op::[<$s AccValue>](op::[<$s AccValue>] { ptr, value: Acc, offset })
                            } else {
                                self
                            }
                        }
                        Op::[<$s Imm>](o) if { o.ptr } == acc => {
                            Op::[<$s ImmAccPtr>](op::[<$s ImmAccPtr>] { ptr: Acc, value: o.value, offset: o.offset })
                        }
                    )*
                    other => other,
                }
            }

            /// The slot whose value this instruction also leaves in the accumulator.
            pub(crate) fn acc_result(&self) -> Option<Slot> {
                Some(match *self {
                    $(
                        Op::$name(op::$name { dst, .. }) | Op::$imm(op::$imm { dst, .. })
                        | Op::[<$name AccL>](op::[<$name AccL>] { dst, .. })
                        | Op::[<$name AccR>](op::[<$name AccR>] { dst, .. })
                        | Op::[<$imm Acc>](op::[<$imm Acc>] { dst, .. }) => dst,
                    )*
                    $(
                        Op::$imm_lhs(op::$imm_lhs { dst, .. })
                        | Op::[<$imm_lhs Acc>](op::[<$imm_lhs Acc>] { dst, .. }) => dst,
                    )*
                    $( Op::$u(op::$u { dst, .. }) | Op::[<$u Acc>](op::[<$u Acc>] { dst, .. }) => dst, )*
                    $(
                        Op::$l(op::$l { dst, .. }) | Op::[<$l Acc>](op::[<$l Acc>] { dst, .. })
                        | Op::[<$l Add>](op::[<$l Add>] { dst, .. })
                        | Op::[<$l AddImm>](op::[<$l AddImm>] { dst, .. })
                        | Op::[<$l AddAcc>](op::[<$l AddAcc>] { dst, .. })
                        | Op::[<$l AddImmAcc>](op::[<$l AddImmAcc>] { dst, .. })
                        | Op::[<$l Add3>](op::[<$l Add3>] { dst, .. }) => dst,
                    )*
                    Op::F64MulAdd(op::F64MulAdd { dst, .. })
                    | Op::F64MulAddAcc(op::F64MulAddAcc { dst, .. })
                    | Op::F64MulSub(op::F64MulSub { dst, .. })
                    | Op::F64MulSubAcc(op::F64MulSubAcc { dst, .. })
                    | Op::F64SubMul(op::F64SubMul { dst, .. })
                    | Op::F64SubMulAcc(op::F64SubMulAcc { dst, .. })
                    | Op::I32ShrUAnd(op::I32ShrUAnd { dst, .. })
                    | Op::I32ShrUAndAcc(op::I32ShrUAndAcc { dst, .. })
                    | Op::I32Add3Acc(op::I32Add3Acc { dst, .. })
                    | Op::I32XorShrU(op::I32XorShrU { dst, .. })
                    | Op::I32XorShrUAcc(op::I32XorShrUAcc { dst, .. })
                    | Op::I32XorShl(op::I32XorShl { dst, .. })
                    | Op::I32XorShlAcc(op::I32XorShlAcc { dst, .. })
                    | Op::I64XorShrU(op::I64XorShrU { dst, .. })
                    | Op::I64XorShrUAcc(op::I64XorShrUAcc { dst, .. })
                    | Op::I64XorShl(op::I64XorShl { dst, .. })
                    | Op::I64XorShlAcc(op::I64XorShlAcc { dst, .. })
                    | Op::CopyAcc(op::CopyAcc { dst, .. })
                    | Op::CopyFacc(op::CopyFacc { dst, .. }) => dst,
                    _ => return None,
                })
            }
        }
    }};
    (@ops $( $name:ident $mnemonic:tt { $($field:ident : $ty:ty),* } )* ) => {
        /// The operand structs, one per op, laid out exactly as encoded after the handler.
        #[allow(dead_code)]
        pub(crate) mod op {
            use super::*;
            $(
                #[derive(Clone, Copy, Debug, PartialEq)]
                #[repr(C, packed)]
                pub(crate) struct $name { $(pub(crate) $field: $ty),* }
            )*
        }

        /// Identifies an op; indexes the handler tables.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[repr(u16)]
        pub(crate) enum OpCode { $($name),* }

        /// An instruction with its operands, as built by the translator and shown by the
        /// disassembler.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub(crate) enum Op { $($name(op::$name)),* }

        impl OpCode {
            /// Every op code, in declaration order.
            pub(crate) const ALL: &'static [OpCode] = &[$(OpCode::$name),*];

            pub(crate) fn mnemonic(self) -> &'static str {
                match self { $(OpCode::$name => $mnemonic),* }
            }

            /// The op's own name, which tells its variants apart (`I32AddImmAcc`).
            pub(crate) fn name(self) -> &'static str {
                match self { $(OpCode::$name => stringify!($name)),* }
            }

            /// Encoded size of the instruction, excluding trailing data (`br_table`).
            pub(crate) const fn size(self) -> usize {
                match self { $(OpCode::$name => instr_size(0 $(+ <$ty as Operand>::SIZE)*)),* }
            }

            fn decode(self, bytes: &[u8]) -> Op {
                match self {
                    $(OpCode::$name => {
                        #[allow(unused_mut, unused_variables, unused_assignments)]
                        let mut at = 0;
                        $(
                            let $field = <$ty as Operand>::decode(&bytes[at..]);
                            at += <$ty as Operand>::SIZE;
                        )*
                        let _ = at;
                        Op::$name(op::$name { $($field),* })
                    })*
                }
            }
        }

        impl Op {
            pub(crate) fn code(&self) -> OpCode {
                match self { $(Op::$name(_) => OpCode::$name),* }
            }

            fn encode_operands(&self, out: &mut Vec<u8>) {
                match *self {
                    $(Op::$name(op::$name { $($field),* }) => {
                        $( <$ty as Operand>::encode($field, out); )*
                    })*
                }
            }

            fn show_operands(&self, at: usize) -> Vec<(&'static str, String)> {
                match *self {
                    $(Op::$name(op::$name { $($field),* }) => {
                        vec![$( (stringify!($field), <$ty as Operand>::show($field, at)) ),*]
                    })*
                }
            }
        }
    };
}

table::for_each_op!(define_ir);

/// Handler addresses indexed by [`OpCode`], for one dispatch mode.
pub(crate) type HandlerTable = [usize];

/// Builds the instruction stream of one function.
pub(crate) struct Encoder {
    buf: Vec<u8>,
    handlers: &'static HandlerTable,
    /// With a listing: the position and op code of every instruction, for the
    /// disassembler. (Handler addresses alone do not identify ops: the compiler merges
    /// handlers whose machine code is identical.)
    listing: Option<Listing>,
    /// The position of every unconditional branch and return emitted, in order, for
    /// [`Encoder::thread_jumps`].
    jumps: Vec<(usize, OpCode)>,
}

/// The position and op code of each instruction of a function's code.
pub(crate) type Listing = Vec<(usize, OpCode)>;

impl Encoder {
    pub(crate) fn new(handlers: &'static HandlerTable, with_listing: bool) -> Self {
        Encoder { buf: Vec::new(), handlers, listing: with_listing.then(Vec::new), jumps: Vec::new() }
    }

    /// Current position: where the next instruction starts.
    pub(crate) fn pos(&self) -> usize {
        self.buf.len()
    }

    /// Appends an instruction and returns its position.
    pub(crate) fn emit(&mut self, op: Op) -> usize {
        let at = self.buf.len();
        if let Some(listing) = &mut self.listing {
            listing.push((at, op.code()));
        }
        self.buf.extend_from_slice(&self.handlers[op.code() as usize].to_ne_bytes());
        op.encode_operands(&mut self.buf);
        self.buf.resize(at + op.code().size(), 0);
        if matches!(
            op.code(),
            OpCode::Br
                | OpCode::Return
                | OpCode::ReturnSlot
                | OpCode::ReturnAcc
                | OpCode::ReturnFacc
                | OpCode::ReturnSpan
        ) {
            self.jumps.push((at, op.code()));
        }
        at
    }

    /// Shortens paths through unconditional branches, once all are patched: a `br` that
    /// lands on a return (directly or through other `br`s) becomes a copy of that return,
    /// and one that lands on another `br` jumps to where that one goes. Both kinds of
    /// return move nothing but slots, so they work the same from any position.
    pub(crate) fn thread_jumps(&mut self) {
        const MAX_HOPS: usize = 8;
        let code_at = |pos: usize| self.jumps.binary_search_by_key(&pos, |&(at, _)| at).ok().map(|i| self.jumps[i].1);
        // Resolve every branch on the unmodified code first, then rewrite.
        let mut rewrites = Vec::new();
        for &(at, code) in &self.jumps {
            if code != OpCode::Br {
                continue;
            }
            let mut target = at;
            for _ in 0..MAX_HOPS {
                let offset = i32::decode(&self.buf[target + BRANCH_OFFSET..]);
                target = (target as i64 + offset as i64) as usize;
                match code_at(target) {
                    Some(OpCode::Br) => continue,
                    Some(found) => rewrites.push((at, target, Some(found))),
                    None if target != at + OpCode::Br.size() => rewrites.push((at, target, None)),
                    None => {}
                }
                break;
            }
        }
        for (at, target, ret) in rewrites {
            let Some(ret) = ret else {
                self.patch_i32(at + BRANCH_OFFSET, (target as i64 - at as i64) as i32);
                continue;
            };
            // A return no longer than the `br`, repeated to fill its place (the copies
            // after the first are never reached).
            let size = ret.size();
            debug_assert!(size <= OpCode::Br.size() && OpCode::Br.size().is_multiple_of(size));
            for copy in (at..at + OpCode::Br.size()).step_by(size) {
                self.buf.copy_within(target..target + size, copy);
                if let Some(listing) = &mut self.listing {
                    match listing.binary_search_by_key(&copy, |&(pos, _)| pos) {
                        Ok(i) => listing[i].1 = ret,
                        Err(i) => listing.insert(i, (copy, ret)),
                    }
                }
            }
        }
    }

    /// Appends raw trailing data (the offsets of a `br_table`), keeping 8-byte alignment.
    pub(crate) fn emit_i32s(&mut self, values: &[i32]) {
        for value in values {
            self.buf.extend_from_slice(&value.to_ne_bytes());
        }
        let aligned = (self.buf.len() + 7) & !7;
        self.buf.resize(aligned, 0);
    }

    pub(crate) fn patch_u16(&mut self, at: usize, value: u16) {
        self.buf[at..at + 2].copy_from_slice(&value.to_ne_bytes());
    }

    pub(crate) fn patch_u32(&mut self, at: usize, value: u32) {
        self.buf[at..at + 4].copy_from_slice(&value.to_ne_bytes());
    }

    pub(crate) fn patch_i32(&mut self, at: usize, value: i32) {
        self.buf[at..at + 4].copy_from_slice(&value.to_ne_bytes());
    }

    /// Exchanges the instruction at `at`, `first_size` bytes long, with the one right after
    /// it, `second_size` bytes long. Neither may be a branch (their offsets are relative).
    pub(crate) fn swap_adjacent(&mut self, at: usize, first_size: usize, second_size: usize) {
        self.buf[at..at + first_size + second_size].rotate_left(first_size);
        if let Some(listing) = &mut self.listing
            && let Ok(i) = listing.binary_search_by_key(&at, |&(pos, _)| pos)
        {
            let (first, second) = (listing[i].1, listing[i + 1].1);
            listing[i] = (at, second);
            listing[i + 1] = (at + second_size, first);
        }
    }

    /// Removes everything from `at` on: an instruction the translator fuses into the next.
    pub(crate) fn truncate(&mut self, at: usize) {
        self.buf.truncate(at);
        self.jumps.retain(|&(pos, _)| pos < at);
        if let Some(listing) = &mut self.listing {
            listing.retain(|&(pos, _)| pos < at);
        }
    }

    pub(crate) fn read_u16(&self, at: usize) -> u16 {
        u16::decode(&self.buf[at..])
    }

    /// The finished code as 8-byte words (the executor reads handler addresses aligned),
    /// and the listing if one was asked for.
    pub(crate) fn finish(self) -> (Box<[u64]>, Option<Listing>) {
        let code = self.buf.chunks(8).map(|chunk| u64::from_ne_bytes(chunk.try_into().expect("aligned"))).collect();
        (code, self.listing)
    }
}

/// Reads the instructions of encoded code back, for disassembly and tests.
pub(crate) fn decode_all(code: &[u64], listing: &Listing) -> Vec<(usize, Op, Vec<i32>)> {
    let bytes: Vec<u8> = code.iter().flat_map(|word| word.to_ne_bytes()).collect();
    let mut out = Vec::new();
    for &(at, code) in listing {
        let op = code.decode(&bytes[at + HANDLER_SIZE..]);
        let mut trailing = Vec::new();
        if let Op::BrTable(op::BrTable { len, .. })
        | Op::BrTableAnd(op::BrTableAnd { len, .. })
        | Op::BrTableAdd(op::BrTableAdd { len, .. })
        | Op::BrTableAndAcc(op::BrTableAndAcc { len, .. })
        | Op::BrTableAddAcc(op::BrTableAddAcc { len, .. }) = op
        {
            let entries = at + code.size();
            for i in 0..=len as usize {
                trailing.push(i32::decode(&bytes[entries + 4 * i..]));
            }
        }
        out.push((at, op, trailing));
    }
    out
}

/// Formats one decoded instruction like `i32.add dst=s2 lhs=s0 rhs=s1`.
pub(crate) fn show_instr(at: usize, op: &Op, trailing: &[i32]) -> String {
    let mut line = op.code().mnemonic().to_string();
    for (name, value) in op.show_operands(at) {
        line.push_str(&format!(" {name}={value}"));
    }
    if !trailing.is_empty() {
        let targets: Vec<String> = trailing.iter().map(|&t| format!("@{}", at as i64 + t as i64)).collect();
        line.push_str(&format!(" targets=[{}]", targets.join(", ")));
    }
    line
}

/// Disassembles a whole function, one instruction a line, each prefixed with its position.
pub(crate) fn disassemble(code: &[u64], listing: &Listing) -> String {
    let mut out = String::new();
    for (at, op, trailing) in decode_all(code, listing) {
        out.push_str(&format!("{at:>6}: {}\n", show_instr(at, &op, &trailing)));
    }
    out
}
