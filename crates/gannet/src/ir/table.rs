//! The op table: every instruction of Gannet's register IR, declared once.
//!
//! `for_each_op!(callback)` hands the whole table to `callback`. The op structs, the
//! `Op` enum used by the translator, the encoder, the decoder and disassembler (in
//! `ir::mod`) and the interpreter's handlers (in `exec::handlers`) are all generated
//! from it, so none of them can drift from the others.
//!
//! Groups, each with its own operand shape:
//! - `unary`: `dst = f(src)`;
//! - `unary_trap`: the same, but `f` may trap;
//! - `compare`: the variants of `binary` (below), producing 0 or 1, and for each of
//!   those a conditional branch taken if the comparison holds (`br_if.*`) or if it does
//!   not (`br_unless.*`), which the translator uses when a comparison's only use is a
//!   branch;
//! - `binary`: `dst = f(lhs, rhs)` over slots and `dst = f(lhs, imm)` with the right
//!   operand as an immediate (the two names given), plus the accumulator variants below,
//!   and `dst = f(imm, rhs)` (`ImmL`, `ImmLAcc`) for a constant left operand of an op
//!   that cannot swap its operands (`1.0 / x`, `0 - x`, `1 << n`);
//! - `binary_trap`: the same, but `f` may trap;
//! - `load`: `dst = memory[ptr + offset .. + N]`, decoded by `f`;
//! - `store`: `memory[ptr + offset .. + N] = f(value)`;
//! - `simd_*`: the `v128` instructions, by operand shape: `simd_unary`, `simd_binary`,
//!   `simd_ternary` (v128s to a v128), `simd_shift` (a v128 by an `i32`), `simd_test` (a
//!   v128 to an `i32`), `simd_splat`, `simd_extract` and `simd_replace` (lanes, with the
//!   lane an immediate), `simd_load`, `simd_load_lane`, `simd_store`, `simd_store_lane`.
//!   A `v128` lives in two adjacent slots; operands name the first. Their expressions
//!   work on `V128` values (16 little-endian bytes) with the helpers of `exec::simd`;
//!   their names are `wasmparser`'s, which is how the translator maps them;
//! - `other`: an operand struct and a handler function in `exec::ops`.
//!
//! Memory accesses (`load`, `store` and the SIMD ones) come in two forms: the plain one
//! for a 32-bit memory 0, whose base and length the dispatcher keeps in registers, and
//! a `Mem` variant for any memory, named by a `MemoryRef` (index and address width, so
//! 64-bit addresses too) with a 64-bit offset.
//!
//! Accumulator variants: every op of the groups above also writes its result to the
//! accumulator, a register the dispatcher passes from handler to handler, and has
//! variants that take an operand from it instead of from a slot (named with `Acc`, `AccL`,
//! `AccR`, `AccPtr`, `AccValue`, derived from the names given here). The translator uses
//! them for a value the previous instruction just computed, which then never makes the
//! round trip through memory on the critical path.
//!
//! Every op that produces a value has `dst` as its first operand: the translator
//! relies on that to retarget a result to a local (`ir::DST_OFFSET`).

macro_rules! for_each_op {
    ($callback:ident) => {
        $callback! {
            unary {
                I32Eqz "i32.eqz" (i32) -> i32 = |a| (a == 0) as i32;
                I64Eqz "i64.eqz" (i64) -> i32 = |a| (a == 0) as i32;
                I32Clz "i32.clz" (i32) -> i32 = |a| a.leading_zeros() as i32;
                I32Ctz "i32.ctz" (i32) -> i32 = |a| a.trailing_zeros() as i32;
                I32Popcnt "i32.popcnt" (i32) -> i32 = |a| a.count_ones() as i32;
                I64Clz "i64.clz" (i64) -> i64 = |a| a.leading_zeros() as i64;
                I64Ctz "i64.ctz" (i64) -> i64 = |a| a.trailing_zeros() as i64;
                I64Popcnt "i64.popcnt" (i64) -> i64 = |a| a.count_ones() as i64;
                F32Abs "f32.abs" (f32) -> f32 = |a| a.abs();
                F32Neg "f32.neg" (f32) -> f32 = |a| -a;
                F32Ceil "f32.ceil" (f32) -> f32 = |a| num::f32_ceil(a);
                F32Floor "f32.floor" (f32) -> f32 = |a| num::f32_floor(a);
                F32Trunc "f32.trunc" (f32) -> f32 = |a| num::f32_trunc(a);
                F32Nearest "f32.nearest" (f32) -> f32 = |a| num::f32_nearest(a);
                F32Sqrt "f32.sqrt" (f32) -> f32 = |a| a.sqrt();
                F64Abs "f64.abs" (f64) -> f64 = |a| a.abs();
                F64Neg "f64.neg" (f64) -> f64 = |a| -a;
                F64Ceil "f64.ceil" (f64) -> f64 = |a| num::f64_ceil(a);
                F64Floor "f64.floor" (f64) -> f64 = |a| num::f64_floor(a);
                F64Trunc "f64.trunc" (f64) -> f64 = |a| num::f64_trunc(a);
                F64Nearest "f64.nearest" (f64) -> f64 = |a| num::f64_nearest(a);
                F64Sqrt "f64.sqrt" (f64) -> f64 = |a| a.sqrt();
                I32WrapI64 "i32.wrap_i64" (i64) -> i32 = |a| a as i32;
                I64ExtendI32S "i64.extend_i32_s" (i32) -> i64 = |a| a as i64;
                I64ExtendI32U "i64.extend_i32_u" (i32) -> i64 = |a| a as u32 as i64;
                F32ConvertI32S "f32.convert_i32_s" (i32) -> f32 = |a| a as f32;
                F32ConvertI32U "f32.convert_i32_u" (i32) -> f32 = |a| a as u32 as f32;
                F32ConvertI64S "f32.convert_i64_s" (i64) -> f32 = |a| a as f32;
                F32ConvertI64U "f32.convert_i64_u" (i64) -> f32 = |a| a as u64 as f32;
                F32DemoteF64 "f32.demote_f64" (f64) -> f32 = |a| a as f32;
                F64ConvertI32S "f64.convert_i32_s" (i32) -> f64 = |a| a as f64;
                F64ConvertI32U "f64.convert_i32_u" (i32) -> f64 = |a| a as u32 as f64;
                F64ConvertI64S "f64.convert_i64_s" (i64) -> f64 = |a| a as f64;
                F64ConvertI64U "f64.convert_i64_u" (i64) -> f64 = |a| a as u64 as f64;
                F64PromoteF32 "f64.promote_f32" (f32) -> f64 = |a| a as f64;
                I32Extend8S "i32.extend8_s" (i32) -> i32 = |a| a as i8 as i32;
                I32Extend16S "i32.extend16_s" (i32) -> i32 = |a| a as i16 as i32;
                I64Extend8S "i64.extend8_s" (i64) -> i64 = |a| a as i8 as i64;
                I64Extend16S "i64.extend16_s" (i64) -> i64 = |a| a as i16 as i64;
                I64Extend32S "i64.extend32_s" (i64) -> i64 = |a| a as i32 as i64;
                I32TruncSatF32S "i32.trunc_sat_f32_s" (f32) -> i32 = |a| num::i32_trunc_sat_f32_s(a);
                I32TruncSatF32U "i32.trunc_sat_f32_u" (f32) -> i32 = |a| num::i32_trunc_sat_f32_u(a) as i32;
                I32TruncSatF64S "i32.trunc_sat_f64_s" (f64) -> i32 = |a| num::i32_trunc_sat_f64_s(a);
                I32TruncSatF64U "i32.trunc_sat_f64_u" (f64) -> i32 = |a| num::i32_trunc_sat_f64_u(a) as i32;
                I64TruncSatF32S "i64.trunc_sat_f32_s" (f32) -> i64 = |a| num::i64_trunc_sat_f32_s(a);
                I64TruncSatF32U "i64.trunc_sat_f32_u" (f32) -> i64 = |a| num::i64_trunc_sat_f32_u(a) as i64;
                I64TruncSatF64S "i64.trunc_sat_f64_s" (f64) -> i64 = |a| num::i64_trunc_sat_f64_s(a);
                I64TruncSatF64U "i64.trunc_sat_f64_u" (f64) -> i64 = |a| num::i64_trunc_sat_f64_u(a) as i64;
            }
            unary_trap {
                I32TruncF32S "i32.trunc_f32_s" (f32) -> i32 = |a| num::i32_trunc_f32_s(a);
                I32TruncF32U "i32.trunc_f32_u" (f32) -> i32 = |a| num::i32_trunc_f32_u(a).map(|v| v as i32);
                I32TruncF64S "i32.trunc_f64_s" (f64) -> i32 = |a| num::i32_trunc_f64_s(a);
                I32TruncF64U "i32.trunc_f64_u" (f64) -> i32 = |a| num::i32_trunc_f64_u(a).map(|v| v as i32);
                I64TruncF32S "i64.trunc_f32_s" (f32) -> i64 = |a| num::i64_trunc_f32_s(a);
                I64TruncF32U "i64.trunc_f32_u" (f32) -> i64 = |a| num::i64_trunc_f32_u(a).map(|v| v as i64);
                I64TruncF64S "i64.trunc_f64_s" (f64) -> i64 = |a| num::i64_trunc_f64_s(a);
                I64TruncF64U "i64.trunc_f64_u" (f64) -> i64 = |a| num::i64_trunc_f64_u(a).map(|v| v as i64);
            }
            compare {
                I32Eq I32EqImm "i32.eq" (i32, i32) = |a, b| a == b;
                I32Ne I32NeImm "i32.ne" (i32, i32) = |a, b| a != b;
                I32LtS I32LtSImm "i32.lt_s" (i32, i32) = |a, b| a < b;
                I32LtU I32LtUImm "i32.lt_u" (i32, i32) = |a, b| (a as u32) < (b as u32);
                I32GtS I32GtSImm "i32.gt_s" (i32, i32) = |a, b| a > b;
                I32GtU I32GtUImm "i32.gt_u" (i32, i32) = |a, b| (a as u32) > (b as u32);
                I32LeS I32LeSImm "i32.le_s" (i32, i32) = |a, b| a <= b;
                I32LeU I32LeUImm "i32.le_u" (i32, i32) = |a, b| (a as u32) <= (b as u32);
                I32GeS I32GeSImm "i32.ge_s" (i32, i32) = |a, b| a >= b;
                I32GeU I32GeUImm "i32.ge_u" (i32, i32) = |a, b| (a as u32) >= (b as u32);
                I64Eq I64EqImm "i64.eq" (i64, i64) = |a, b| a == b;
                I64Ne I64NeImm "i64.ne" (i64, i64) = |a, b| a != b;
                I64LtS I64LtSImm "i64.lt_s" (i64, i64) = |a, b| a < b;
                I64LtU I64LtUImm "i64.lt_u" (i64, i64) = |a, b| (a as u64) < (b as u64);
                I64GtS I64GtSImm "i64.gt_s" (i64, i64) = |a, b| a > b;
                I64GtU I64GtUImm "i64.gt_u" (i64, i64) = |a, b| (a as u64) > (b as u64);
                I64LeS I64LeSImm "i64.le_s" (i64, i64) = |a, b| a <= b;
                I64LeU I64LeUImm "i64.le_u" (i64, i64) = |a, b| (a as u64) <= (b as u64);
                I64GeS I64GeSImm "i64.ge_s" (i64, i64) = |a, b| a >= b;
                I64GeU I64GeUImm "i64.ge_u" (i64, i64) = |a, b| (a as u64) >= (b as u64);
                F32Eq F32EqImm "f32.eq" (f32, f32) = |a, b| a == b;
                F32Ne F32NeImm "f32.ne" (f32, f32) = |a, b| a != b;
                F32Lt F32LtImm "f32.lt" (f32, f32) = |a, b| a < b;
                F32Gt F32GtImm "f32.gt" (f32, f32) = |a, b| a > b;
                F32Le F32LeImm "f32.le" (f32, f32) = |a, b| a <= b;
                F32Ge F32GeImm "f32.ge" (f32, f32) = |a, b| a >= b;
                F64Eq F64EqImm "f64.eq" (f64, f64) = |a, b| a == b;
                F64Ne F64NeImm "f64.ne" (f64, f64) = |a, b| a != b;
                F64Lt F64LtImm "f64.lt" (f64, f64) = |a, b| a < b;
                F64Gt F64GtImm "f64.gt" (f64, f64) = |a, b| a > b;
                F64Le F64LeImm "f64.le" (f64, f64) = |a, b| a <= b;
                F64Ge F64GeImm "f64.ge" (f64, f64) = |a, b| a >= b;
            }
            binary {
                I32Add I32AddImm "i32.add" (i32, i32) -> i32 = |a, b| a.wrapping_add(b);
                I32Sub I32SubImm "i32.sub" (i32, i32) -> i32 = |a, b| a.wrapping_sub(b);
                I32Mul I32MulImm "i32.mul" (i32, i32) -> i32 = |a, b| a.wrapping_mul(b);
                I32And I32AndImm "i32.and" (i32, i32) -> i32 = |a, b| a & b;
                I32Or I32OrImm "i32.or" (i32, i32) -> i32 = |a, b| a | b;
                I32Xor I32XorImm "i32.xor" (i32, i32) -> i32 = |a, b| a ^ b;
                I32Shl I32ShlImm "i32.shl" (i32, i32) -> i32 = |a, b| a.wrapping_shl(b as u32);
                I32ShrS I32ShrSImm "i32.shr_s" (i32, i32) -> i32 = |a, b| a.wrapping_shr(b as u32);
                I32ShrU I32ShrUImm "i32.shr_u" (i32, i32) -> i32 = |a, b| (a as u32).wrapping_shr(b as u32) as i32;
                I32Rotl I32RotlImm "i32.rotl" (i32, i32) -> i32 = |a, b| a.rotate_left(b as u32 & 31);
                I32Rotr I32RotrImm "i32.rotr" (i32, i32) -> i32 = |a, b| a.rotate_right(b as u32 & 31);
                I64Add I64AddImm "i64.add" (i64, i64) -> i64 = |a, b| a.wrapping_add(b);
                I64Sub I64SubImm "i64.sub" (i64, i64) -> i64 = |a, b| a.wrapping_sub(b);
                I64Mul I64MulImm "i64.mul" (i64, i64) -> i64 = |a, b| a.wrapping_mul(b);
                I64And I64AndImm "i64.and" (i64, i64) -> i64 = |a, b| a & b;
                I64Or I64OrImm "i64.or" (i64, i64) -> i64 = |a, b| a | b;
                I64Xor I64XorImm "i64.xor" (i64, i64) -> i64 = |a, b| a ^ b;
                I64Shl I64ShlImm "i64.shl" (i64, i64) -> i64 = |a, b| a.wrapping_shl(b as u32);
                I64ShrS I64ShrSImm "i64.shr_s" (i64, i64) -> i64 = |a, b| a.wrapping_shr(b as u32);
                I64ShrU I64ShrUImm "i64.shr_u" (i64, i64) -> i64 = |a, b| (a as u64).wrapping_shr(b as u32) as i64;
                I64Rotl I64RotlImm "i64.rotl" (i64, i64) -> i64 = |a, b| a.rotate_left((b & 63) as u32);
                I64Rotr I64RotrImm "i64.rotr" (i64, i64) -> i64 = |a, b| a.rotate_right((b & 63) as u32);
                F32Add F32AddImm "f32.add" (f32, f32) -> f32 = |a, b| a + b;
                F32Sub F32SubImm "f32.sub" (f32, f32) -> f32 = |a, b| a - b;
                F32Mul F32MulImm "f32.mul" (f32, f32) -> f32 = |a, b| a * b;
                F32Div F32DivImm "f32.div" (f32, f32) -> f32 = |a, b| a / b;
                F32Min F32MinImm "f32.min" (f32, f32) -> f32 = |a, b| num::f32_min(a, b);
                F32Max F32MaxImm "f32.max" (f32, f32) -> f32 = |a, b| num::f32_max(a, b);
                F32Copysign F32CopysignImm "f32.copysign" (f32, f32) -> f32 = |a, b| num::f32_copysign(a, b);
                F64Add F64AddImm "f64.add" (f64, f64) -> f64 = |a, b| a + b;
                F64Sub F64SubImm "f64.sub" (f64, f64) -> f64 = |a, b| a - b;
                F64Mul F64MulImm "f64.mul" (f64, f64) -> f64 = |a, b| a * b;
                F64Div F64DivImm "f64.div" (f64, f64) -> f64 = |a, b| a / b;
                F64Min F64MinImm "f64.min" (f64, f64) -> f64 = |a, b| num::f64_min(a, b);
                F64Max F64MaxImm "f64.max" (f64, f64) -> f64 = |a, b| num::f64_max(a, b);
                F64Copysign F64CopysignImm "f64.copysign" (f64, f64) -> f64 = |a, b| num::f64_copysign(a, b);
            }
            binary_trap {
                I32DivS I32DivSImm "i32.div_s" (i32, i32) -> i32 = |a, b| num::i32_div_s(a, b);
                I32DivU I32DivUImm "i32.div_u" (i32, i32) -> i32 = |a, b| num::i32_div_u(a as u32, b as u32).map(|v| v as i32);
                I32RemS I32RemSImm "i32.rem_s" (i32, i32) -> i32 = |a, b| num::i32_rem_s(a, b);
                I32RemU I32RemUImm "i32.rem_u" (i32, i32) -> i32 = |a, b| num::i32_rem_u(a as u32, b as u32).map(|v| v as i32);
                I64DivS I64DivSImm "i64.div_s" (i64, i64) -> i64 = |a, b| num::i64_div_s(a, b);
                I64DivU I64DivUImm "i64.div_u" (i64, i64) -> i64 = |a, b| num::i64_div_u(a as u64, b as u64).map(|v| v as i64);
                I64RemS I64RemSImm "i64.rem_s" (i64, i64) -> i64 = |a, b| num::i64_rem_s(a, b);
                I64RemU I64RemUImm "i64.rem_u" (i64, i64) -> i64 = |a, b| num::i64_rem_u(a as u64, b as u64).map(|v| v as i64);
            }
            load {
                I32Load "i32.load" [4] -> i32 = |b| i32::from_le_bytes(b);
                I64Load "i64.load" [8] -> i64 = |b| i64::from_le_bytes(b);
                F32Load "f32.load" [4] -> f32 = |b| f32::from_le_bytes(b);
                F64Load "f64.load" [8] -> f64 = |b| f64::from_le_bytes(b);
                I32Load8S "i32.load8_s" [1] -> i32 = |b| b[0] as i8 as i32;
                I32Load8U "i32.load8_u" [1] -> i32 = |b| b[0] as i32;
                I32Load16S "i32.load16_s" [2] -> i32 = |b| i16::from_le_bytes(b) as i32;
                I32Load16U "i32.load16_u" [2] -> i32 = |b| u16::from_le_bytes(b) as i32;
                I64Load8S "i64.load8_s" [1] -> i64 = |b| b[0] as i8 as i64;
                I64Load8U "i64.load8_u" [1] -> i64 = |b| b[0] as i64;
                I64Load16S "i64.load16_s" [2] -> i64 = |b| i16::from_le_bytes(b) as i64;
                I64Load16U "i64.load16_u" [2] -> i64 = |b| u16::from_le_bytes(b) as i64;
                I64Load32S "i64.load32_s" [4] -> i64 = |b| i32::from_le_bytes(b) as i64;
                I64Load32U "i64.load32_u" [4] -> i64 = |b| u32::from_le_bytes(b) as i64;
            }
            store {
                I32Store "i32.store" (i32) -> [4] = |v| v.to_le_bytes();
                I64Store "i64.store" (i64) -> [8] = |v| v.to_le_bytes();
                F32Store "f32.store" (f32) -> [4] = |v| v.to_le_bytes();
                F64Store "f64.store" (f64) -> [8] = |v| v.to_le_bytes();
                I32Store8 "i32.store8" (i32) -> [1] = |v| [v as u8];
                I32Store16 "i32.store16" (i32) -> [2] = |v| (v as u16).to_le_bytes();
                I64Store8 "i64.store8" (i64) -> [1] = |v| [v as u8];
                I64Store16 "i64.store16" (i64) -> [2] = |v| (v as u16).to_le_bytes();
                I64Store32 "i64.store32" (i64) -> [4] = |v| (v as u32).to_le_bytes();
            }
            // The `v128` groups: values in two adjacent slots (the first one named).
            // Their handlers neither read nor write the accumulator.
            simd_unary {
                V128Not "v128.not" = |a| simd::not(a);
                I8x16Abs "i8x16.abs" = |a| simd::i8x16_abs(a);
                I8x16Neg "i8x16.neg" = |a| simd::i8x16_neg(a);
                I8x16Popcnt "i8x16.popcnt" = |a| simd::i8x16_popcnt(a);
                I16x8Abs "i16x8.abs" = |a| simd::i16x8_abs(a);
                I16x8Neg "i16x8.neg" = |a| simd::i16x8_neg(a);
                I32x4Abs "i32x4.abs" = |a| simd::i32x4_abs(a);
                I32x4Neg "i32x4.neg" = |a| simd::i32x4_neg(a);
                I64x2Abs "i64x2.abs" = |a| simd::i64x2_abs(a);
                I64x2Neg "i64x2.neg" = |a| simd::i64x2_neg(a);
                F32x4Abs "f32x4.abs" = |a| simd::f32x4_abs(a);
                F32x4Neg "f32x4.neg" = |a| simd::f32x4_neg(a);
                F32x4Sqrt "f32x4.sqrt" = |a| simd::f32x4_sqrt(a);
                F32x4Ceil "f32x4.ceil" = |a| simd::f32x4_ceil(a);
                F32x4Floor "f32x4.floor" = |a| simd::f32x4_floor(a);
                F32x4Trunc "f32x4.trunc" = |a| simd::f32x4_trunc(a);
                F32x4Nearest "f32x4.nearest" = |a| simd::f32x4_nearest(a);
                F64x2Abs "f64x2.abs" = |a| simd::f64x2_abs(a);
                F64x2Neg "f64x2.neg" = |a| simd::f64x2_neg(a);
                F64x2Sqrt "f64x2.sqrt" = |a| simd::f64x2_sqrt(a);
                F64x2Ceil "f64x2.ceil" = |a| simd::f64x2_ceil(a);
                F64x2Floor "f64x2.floor" = |a| simd::f64x2_floor(a);
                F64x2Trunc "f64x2.trunc" = |a| simd::f64x2_trunc(a);
                F64x2Nearest "f64x2.nearest" = |a| simd::f64x2_nearest(a);
                I16x8ExtAddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s" = |a| simd::i16x8_extadd_pairwise_i8x16_s(a);
                I16x8ExtAddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u" = |a| simd::i16x8_extadd_pairwise_i8x16_u(a);
                I32x4ExtAddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s" = |a| simd::i32x4_extadd_pairwise_i16x8_s(a);
                I32x4ExtAddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u" = |a| simd::i32x4_extadd_pairwise_i16x8_u(a);
                I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s" = |a| simd::i16x8_extend_low_i8x16_s(a);
                I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s" = |a| simd::i16x8_extend_high_i8x16_s(a);
                I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u" = |a| simd::i16x8_extend_low_i8x16_u(a);
                I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u" = |a| simd::i16x8_extend_high_i8x16_u(a);
                I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s" = |a| simd::i32x4_extend_low_i16x8_s(a);
                I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s" = |a| simd::i32x4_extend_high_i16x8_s(a);
                I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u" = |a| simd::i32x4_extend_low_i16x8_u(a);
                I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u" = |a| simd::i32x4_extend_high_i16x8_u(a);
                I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s" = |a| simd::i64x2_extend_low_i32x4_s(a);
                I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s" = |a| simd::i64x2_extend_high_i32x4_s(a);
                I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u" = |a| simd::i64x2_extend_low_i32x4_u(a);
                I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u" = |a| simd::i64x2_extend_high_i32x4_u(a);
                I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s" = |a| simd::i32x4_trunc_sat_f32x4_s(a);
                I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u" = |a| simd::i32x4_trunc_sat_f32x4_u(a);
                F32x4ConvertI32x4S "f32x4.convert_i32x4_s" = |a| simd::f32x4_convert_i32x4_s(a);
                F32x4ConvertI32x4U "f32x4.convert_i32x4_u" = |a| simd::f32x4_convert_i32x4_u(a);
                I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero" = |a| simd::i32x4_trunc_sat_f64x2_s_zero(a);
                I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero" = |a| simd::i32x4_trunc_sat_f64x2_u_zero(a);
                F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s" = |a| simd::f64x2_convert_low_i32x4_s(a);
                F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u" = |a| simd::f64x2_convert_low_i32x4_u(a);
                F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero" = |a| simd::f32x4_demote_f64x2_zero(a);
                F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4" = |a| simd::f64x2_promote_low_f32x4(a);
                I32x4RelaxedTruncF32x4S "i32x4.relaxed_trunc_f32x4_s" = |a| simd::i32x4_trunc_sat_f32x4_s(a);
                I32x4RelaxedTruncF32x4U "i32x4.relaxed_trunc_f32x4_u" = |a| simd::i32x4_trunc_sat_f32x4_u(a);
                I32x4RelaxedTruncF64x2SZero "i32x4.relaxed_trunc_f64x2_s_zero" = |a| simd::i32x4_trunc_sat_f64x2_s_zero(a);
                I32x4RelaxedTruncF64x2UZero "i32x4.relaxed_trunc_f64x2_u_zero" = |a| simd::i32x4_trunc_sat_f64x2_u_zero(a);
            }
            simd_binary {
                V128And "v128.and" = |a, b| simd::and(a, b);
                V128AndNot "v128.andnot" = |a, b| simd::andnot(a, b);
                V128Or "v128.or" = |a, b| simd::or(a, b);
                V128Xor "v128.xor" = |a, b| simd::xor(a, b);
                I8x16Eq "i8x16.eq" = |a, b| simd::i8x16_eq(a, b);
                I8x16Ne "i8x16.ne" = |a, b| simd::i8x16_ne(a, b);
                I8x16LtS "i8x16.lt_s" = |a, b| simd::i8x16_lt_s(a, b);
                I8x16LtU "i8x16.lt_u" = |a, b| simd::i8x16_lt_u(a, b);
                I8x16GtS "i8x16.gt_s" = |a, b| simd::i8x16_gt_s(a, b);
                I8x16GtU "i8x16.gt_u" = |a, b| simd::i8x16_gt_u(a, b);
                I8x16LeS "i8x16.le_s" = |a, b| simd::i8x16_le_s(a, b);
                I8x16LeU "i8x16.le_u" = |a, b| simd::i8x16_le_u(a, b);
                I8x16GeS "i8x16.ge_s" = |a, b| simd::i8x16_ge_s(a, b);
                I8x16GeU "i8x16.ge_u" = |a, b| simd::i8x16_ge_u(a, b);
                I16x8Eq "i16x8.eq" = |a, b| simd::i16x8_eq(a, b);
                I16x8Ne "i16x8.ne" = |a, b| simd::i16x8_ne(a, b);
                I16x8LtS "i16x8.lt_s" = |a, b| simd::i16x8_lt_s(a, b);
                I16x8LtU "i16x8.lt_u" = |a, b| simd::i16x8_lt_u(a, b);
                I16x8GtS "i16x8.gt_s" = |a, b| simd::i16x8_gt_s(a, b);
                I16x8GtU "i16x8.gt_u" = |a, b| simd::i16x8_gt_u(a, b);
                I16x8LeS "i16x8.le_s" = |a, b| simd::i16x8_le_s(a, b);
                I16x8LeU "i16x8.le_u" = |a, b| simd::i16x8_le_u(a, b);
                I16x8GeS "i16x8.ge_s" = |a, b| simd::i16x8_ge_s(a, b);
                I16x8GeU "i16x8.ge_u" = |a, b| simd::i16x8_ge_u(a, b);
                I32x4Eq "i32x4.eq" = |a, b| simd::i32x4_eq(a, b);
                I32x4Ne "i32x4.ne" = |a, b| simd::i32x4_ne(a, b);
                I32x4LtS "i32x4.lt_s" = |a, b| simd::i32x4_lt_s(a, b);
                I32x4LtU "i32x4.lt_u" = |a, b| simd::i32x4_lt_u(a, b);
                I32x4GtS "i32x4.gt_s" = |a, b| simd::i32x4_gt_s(a, b);
                I32x4GtU "i32x4.gt_u" = |a, b| simd::i32x4_gt_u(a, b);
                I32x4LeS "i32x4.le_s" = |a, b| simd::i32x4_le_s(a, b);
                I32x4LeU "i32x4.le_u" = |a, b| simd::i32x4_le_u(a, b);
                I32x4GeS "i32x4.ge_s" = |a, b| simd::i32x4_ge_s(a, b);
                I32x4GeU "i32x4.ge_u" = |a, b| simd::i32x4_ge_u(a, b);
                I64x2Eq "i64x2.eq" = |a, b| simd::i64x2_eq(a, b);
                I64x2Ne "i64x2.ne" = |a, b| simd::i64x2_ne(a, b);
                I64x2LtS "i64x2.lt_s" = |a, b| simd::i64x2_lt_s(a, b);
                I64x2GtS "i64x2.gt_s" = |a, b| simd::i64x2_gt_s(a, b);
                I64x2LeS "i64x2.le_s" = |a, b| simd::i64x2_le_s(a, b);
                I64x2GeS "i64x2.ge_s" = |a, b| simd::i64x2_ge_s(a, b);
                F32x4Eq "f32x4.eq" = |a, b| simd::f32x4_eq(a, b);
                F32x4Ne "f32x4.ne" = |a, b| simd::f32x4_ne(a, b);
                F32x4Lt "f32x4.lt" = |a, b| simd::f32x4_lt(a, b);
                F32x4Gt "f32x4.gt" = |a, b| simd::f32x4_gt(a, b);
                F32x4Le "f32x4.le" = |a, b| simd::f32x4_le(a, b);
                F32x4Ge "f32x4.ge" = |a, b| simd::f32x4_ge(a, b);
                F64x2Eq "f64x2.eq" = |a, b| simd::f64x2_eq(a, b);
                F64x2Ne "f64x2.ne" = |a, b| simd::f64x2_ne(a, b);
                F64x2Lt "f64x2.lt" = |a, b| simd::f64x2_lt(a, b);
                F64x2Gt "f64x2.gt" = |a, b| simd::f64x2_gt(a, b);
                F64x2Le "f64x2.le" = |a, b| simd::f64x2_le(a, b);
                F64x2Ge "f64x2.ge" = |a, b| simd::f64x2_ge(a, b);
                I8x16NarrowI16x8S "i8x16.narrow_i16x8_s" = |a, b| simd::i8x16_narrow_i16x8_s(a, b);
                I8x16NarrowI16x8U "i8x16.narrow_i16x8_u" = |a, b| simd::i8x16_narrow_i16x8_u(a, b);
                I16x8NarrowI32x4S "i16x8.narrow_i32x4_s" = |a, b| simd::i16x8_narrow_i32x4_s(a, b);
                I16x8NarrowI32x4U "i16x8.narrow_i32x4_u" = |a, b| simd::i16x8_narrow_i32x4_u(a, b);
                I8x16Add "i8x16.add" = |a, b| simd::i8x16_add(a, b);
                I8x16AddSatS "i8x16.add_sat_s" = |a, b| simd::i8x16_add_sat_s(a, b);
                I8x16AddSatU "i8x16.add_sat_u" = |a, b| simd::i8x16_add_sat_u(a, b);
                I8x16Sub "i8x16.sub" = |a, b| simd::i8x16_sub(a, b);
                I8x16SubSatS "i8x16.sub_sat_s" = |a, b| simd::i8x16_sub_sat_s(a, b);
                I8x16SubSatU "i8x16.sub_sat_u" = |a, b| simd::i8x16_sub_sat_u(a, b);
                I8x16MinS "i8x16.min_s" = |a, b| simd::i8x16_min_s(a, b);
                I8x16MinU "i8x16.min_u" = |a, b| simd::i8x16_min_u(a, b);
                I8x16MaxS "i8x16.max_s" = |a, b| simd::i8x16_max_s(a, b);
                I8x16MaxU "i8x16.max_u" = |a, b| simd::i8x16_max_u(a, b);
                I8x16AvgrU "i8x16.avgr_u" = |a, b| simd::i8x16_avgr_u(a, b);
                I16x8Add "i16x8.add" = |a, b| simd::i16x8_add(a, b);
                I16x8AddSatS "i16x8.add_sat_s" = |a, b| simd::i16x8_add_sat_s(a, b);
                I16x8AddSatU "i16x8.add_sat_u" = |a, b| simd::i16x8_add_sat_u(a, b);
                I16x8Sub "i16x8.sub" = |a, b| simd::i16x8_sub(a, b);
                I16x8SubSatS "i16x8.sub_sat_s" = |a, b| simd::i16x8_sub_sat_s(a, b);
                I16x8SubSatU "i16x8.sub_sat_u" = |a, b| simd::i16x8_sub_sat_u(a, b);
                I16x8Mul "i16x8.mul" = |a, b| simd::i16x8_mul(a, b);
                I16x8MinS "i16x8.min_s" = |a, b| simd::i16x8_min_s(a, b);
                I16x8MinU "i16x8.min_u" = |a, b| simd::i16x8_min_u(a, b);
                I16x8MaxS "i16x8.max_s" = |a, b| simd::i16x8_max_s(a, b);
                I16x8MaxU "i16x8.max_u" = |a, b| simd::i16x8_max_u(a, b);
                I16x8AvgrU "i16x8.avgr_u" = |a, b| simd::i16x8_avgr_u(a, b);
                I16x8Q15MulrSatS "i16x8.q15mulr_sat_s" = |a, b| simd::i16x8_q15mulr_sat_s(a, b);
                I16x8ExtMulLowI8x16S "i16x8.extmul_low_i8x16_s" = |a, b| simd::i16x8_extmul_low_i8x16_s(a, b);
                I16x8ExtMulHighI8x16S "i16x8.extmul_high_i8x16_s" = |a, b| simd::i16x8_extmul_high_i8x16_s(a, b);
                I16x8ExtMulLowI8x16U "i16x8.extmul_low_i8x16_u" = |a, b| simd::i16x8_extmul_low_i8x16_u(a, b);
                I16x8ExtMulHighI8x16U "i16x8.extmul_high_i8x16_u" = |a, b| simd::i16x8_extmul_high_i8x16_u(a, b);
                I32x4Add "i32x4.add" = |a, b| simd::i32x4_add(a, b);
                I32x4Sub "i32x4.sub" = |a, b| simd::i32x4_sub(a, b);
                I32x4Mul "i32x4.mul" = |a, b| simd::i32x4_mul(a, b);
                I32x4MinS "i32x4.min_s" = |a, b| simd::i32x4_min_s(a, b);
                I32x4MinU "i32x4.min_u" = |a, b| simd::i32x4_min_u(a, b);
                I32x4MaxS "i32x4.max_s" = |a, b| simd::i32x4_max_s(a, b);
                I32x4MaxU "i32x4.max_u" = |a, b| simd::i32x4_max_u(a, b);
                I32x4DotI16x8S "i32x4.dot_i16x8_s" = |a, b| simd::i32x4_dot_i16x8_s(a, b);
                I32x4ExtMulLowI16x8S "i32x4.extmul_low_i16x8_s" = |a, b| simd::i32x4_extmul_low_i16x8_s(a, b);
                I32x4ExtMulHighI16x8S "i32x4.extmul_high_i16x8_s" = |a, b| simd::i32x4_extmul_high_i16x8_s(a, b);
                I32x4ExtMulLowI16x8U "i32x4.extmul_low_i16x8_u" = |a, b| simd::i32x4_extmul_low_i16x8_u(a, b);
                I32x4ExtMulHighI16x8U "i32x4.extmul_high_i16x8_u" = |a, b| simd::i32x4_extmul_high_i16x8_u(a, b);
                I64x2Add "i64x2.add" = |a, b| simd::i64x2_add(a, b);
                I64x2Sub "i64x2.sub" = |a, b| simd::i64x2_sub(a, b);
                I64x2Mul "i64x2.mul" = |a, b| simd::i64x2_mul(a, b);
                I64x2ExtMulLowI32x4S "i64x2.extmul_low_i32x4_s" = |a, b| simd::i64x2_extmul_low_i32x4_s(a, b);
                I64x2ExtMulHighI32x4S "i64x2.extmul_high_i32x4_s" = |a, b| simd::i64x2_extmul_high_i32x4_s(a, b);
                I64x2ExtMulLowI32x4U "i64x2.extmul_low_i32x4_u" = |a, b| simd::i64x2_extmul_low_i32x4_u(a, b);
                I64x2ExtMulHighI32x4U "i64x2.extmul_high_i32x4_u" = |a, b| simd::i64x2_extmul_high_i32x4_u(a, b);
                F32x4Add "f32x4.add" = |a, b| simd::f32x4_add(a, b);
                F32x4Sub "f32x4.sub" = |a, b| simd::f32x4_sub(a, b);
                F32x4Mul "f32x4.mul" = |a, b| simd::f32x4_mul(a, b);
                F32x4Div "f32x4.div" = |a, b| simd::f32x4_div(a, b);
                F32x4Min "f32x4.min" = |a, b| simd::f32x4_min(a, b);
                F32x4Max "f32x4.max" = |a, b| simd::f32x4_max(a, b);
                F32x4PMin "f32x4.pmin" = |a, b| simd::f32x4_pmin(a, b);
                F32x4PMax "f32x4.pmax" = |a, b| simd::f32x4_pmax(a, b);
                F64x2Add "f64x2.add" = |a, b| simd::f64x2_add(a, b);
                F64x2Sub "f64x2.sub" = |a, b| simd::f64x2_sub(a, b);
                F64x2Mul "f64x2.mul" = |a, b| simd::f64x2_mul(a, b);
                F64x2Div "f64x2.div" = |a, b| simd::f64x2_div(a, b);
                F64x2Min "f64x2.min" = |a, b| simd::f64x2_min(a, b);
                F64x2Max "f64x2.max" = |a, b| simd::f64x2_max(a, b);
                F64x2PMin "f64x2.pmin" = |a, b| simd::f64x2_pmin(a, b);
                F64x2PMax "f64x2.pmax" = |a, b| simd::f64x2_pmax(a, b);
                I8x16Swizzle "i8x16.swizzle" = |a, b| simd::i8x16_swizzle(a, b);
                I8x16RelaxedSwizzle "i8x16.relaxed_swizzle" = |a, b| simd::i8x16_swizzle(a, b);
                F32x4RelaxedMin "f32x4.relaxed_min" = |a, b| simd::f32x4_min(a, b);
                F32x4RelaxedMax "f32x4.relaxed_max" = |a, b| simd::f32x4_max(a, b);
                F64x2RelaxedMin "f64x2.relaxed_min" = |a, b| simd::f64x2_min(a, b);
                F64x2RelaxedMax "f64x2.relaxed_max" = |a, b| simd::f64x2_max(a, b);
                I16x8RelaxedQ15mulrS "i16x8.relaxed_q15mulr_s" = |a, b| simd::i16x8_q15mulr_sat_s(a, b);
                I16x8RelaxedDotI8x16I7x16S "i16x8.relaxed_dot_i8x16_i7x16_s" = |a, b| simd::i16x8_relaxed_dot_i8x16_i7x16_s(a, b);
            }
            simd_ternary {
                V128Bitselect "v128.bitselect" = |a, b, c| simd::bitselect(a, b, c);
                I8x16RelaxedLaneselect "i8x16.relaxed_laneselect" = |a, b, c| simd::bitselect(a, b, c);
                I16x8RelaxedLaneselect "i16x8.relaxed_laneselect" = |a, b, c| simd::bitselect(a, b, c);
                I32x4RelaxedLaneselect "i32x4.relaxed_laneselect" = |a, b, c| simd::bitselect(a, b, c);
                I64x2RelaxedLaneselect "i64x2.relaxed_laneselect" = |a, b, c| simd::bitselect(a, b, c);
                F32x4RelaxedMadd "f32x4.relaxed_madd" = |a, b, c| simd::f32x4_relaxed_madd(a, b, c);
                F32x4RelaxedNmadd "f32x4.relaxed_nmadd" = |a, b, c| simd::f32x4_relaxed_nmadd(a, b, c);
                F64x2RelaxedMadd "f64x2.relaxed_madd" = |a, b, c| simd::f64x2_relaxed_madd(a, b, c);
                F64x2RelaxedNmadd "f64x2.relaxed_nmadd" = |a, b, c| simd::f64x2_relaxed_nmadd(a, b, c);
                I32x4RelaxedDotI8x16I7x16AddS "i32x4.relaxed_dot_i8x16_i7x16_add_s" = |a, b, c| simd::i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, c);
            }
            // `v128` by an `i32` count.
            simd_shift {
                I8x16Shl "i8x16.shl" = |a, n| simd::i8x16_shl(a, n);
                I8x16ShrS "i8x16.shr_s" = |a, n| simd::i8x16_shr_s(a, n);
                I8x16ShrU "i8x16.shr_u" = |a, n| simd::i8x16_shr_u(a, n);
                I16x8Shl "i16x8.shl" = |a, n| simd::i16x8_shl(a, n);
                I16x8ShrS "i16x8.shr_s" = |a, n| simd::i16x8_shr_s(a, n);
                I16x8ShrU "i16x8.shr_u" = |a, n| simd::i16x8_shr_u(a, n);
                I32x4Shl "i32x4.shl" = |a, n| simd::i32x4_shl(a, n);
                I32x4ShrS "i32x4.shr_s" = |a, n| simd::i32x4_shr_s(a, n);
                I32x4ShrU "i32x4.shr_u" = |a, n| simd::i32x4_shr_u(a, n);
                I64x2Shl "i64x2.shl" = |a, n| simd::i64x2_shl(a, n);
                I64x2ShrS "i64x2.shr_s" = |a, n| simd::i64x2_shr_s(a, n);
                I64x2ShrU "i64x2.shr_u" = |a, n| simd::i64x2_shr_u(a, n);
            }
            // `v128` to `i32`.
            simd_test {
                V128AnyTrue "v128.any_true" = |a| simd::any_true(a);
                I8x16AllTrue "i8x16.all_true" = |a| simd::i8x16_all_true(a);
                I8x16Bitmask "i8x16.bitmask" = |a| simd::i8x16_bitmask(a);
                I16x8AllTrue "i16x8.all_true" = |a| simd::i16x8_all_true(a);
                I16x8Bitmask "i16x8.bitmask" = |a| simd::i16x8_bitmask(a);
                I32x4AllTrue "i32x4.all_true" = |a| simd::i32x4_all_true(a);
                I32x4Bitmask "i32x4.bitmask" = |a| simd::i32x4_bitmask(a);
                I64x2AllTrue "i64x2.all_true" = |a| simd::i64x2_all_true(a);
                I64x2Bitmask "i64x2.bitmask" = |a| simd::i64x2_bitmask(a);
            }
            // A scalar in every lane.
            simd_splat {
                I8x16Splat "i8x16.splat" (i32) = |x| simd::from_i8x16([x as i8; 16]);
                I16x8Splat "i16x8.splat" (i32) = |x| simd::from_i16x8([x as i16; 8]);
                I32x4Splat "i32x4.splat" (i32) = |x| simd::from_i32x4([x; 4]);
                I64x2Splat "i64x2.splat" (i64) = |x| simd::from_i64x2([x; 2]);
                F32x4Splat "f32x4.splat" (f32) = |x| simd::from_f32x4([x; 4]);
                F64x2Splat "f64x2.splat" (f64) = |x| simd::from_f64x2([x; 2]);
            }
            // Lane `lane` (an immediate the validator checked) as a scalar.
            simd_extract {
                I8x16ExtractLaneS "i8x16.extract_lane_s" -> i32 = |a, lane| simd::i8x16(a)[lane] as i32;
                I8x16ExtractLaneU "i8x16.extract_lane_u" -> i32 = |a, lane| simd::u8x16(a)[lane] as i32;
                I16x8ExtractLaneS "i16x8.extract_lane_s" -> i32 = |a, lane| simd::i16x8(a)[lane] as i32;
                I16x8ExtractLaneU "i16x8.extract_lane_u" -> i32 = |a, lane| simd::u16x8(a)[lane] as i32;
                I32x4ExtractLane "i32x4.extract_lane" -> i32 = |a, lane| simd::i32x4(a)[lane];
                I64x2ExtractLane "i64x2.extract_lane" -> i64 = |a, lane| simd::i64x2(a)[lane];
                F32x4ExtractLane "f32x4.extract_lane" -> f32 = |a, lane| simd::f32x4(a)[lane];
                F64x2ExtractLane "f64x2.extract_lane" -> f64 = |a, lane| simd::f64x2(a)[lane];
            }
            // `a` with lane `lane` replaced by the scalar `x`.
            simd_replace {
                I8x16ReplaceLane "i8x16.replace_lane" (i32) = |a, x, lane| simd::with_u8_lane(a, lane, x as u8);
                I16x8ReplaceLane "i16x8.replace_lane" (i32) = |a, x, lane| simd::with_u16_lane(a, lane, x as u16);
                I32x4ReplaceLane "i32x4.replace_lane" (i32) = |a, x, lane| simd::with_u32_lane(a, lane, x as u32);
                I64x2ReplaceLane "i64x2.replace_lane" (i64) = |a, x, lane| simd::with_u64_lane(a, lane, x as u64);
                F32x4ReplaceLane "f32x4.replace_lane" (f32) = |a, x, lane| simd::with_u32_lane(a, lane, x.to_bits());
                F64x2ReplaceLane "f64x2.replace_lane" (f64) = |a, x, lane| simd::with_u64_lane(a, lane, x.to_bits());
            }
            // `dst = f(memory[ptr + offset .. + N])`.
            simd_load {
                V128Load "v128.load" [16] = |b| simd::V128(b);
                V128Load8x8S "v128.load8x8_s" [8] = |b| simd::from_i16x8(b.map(|x| x as i8 as i16));
                V128Load8x8U "v128.load8x8_u" [8] = |b| simd::from_u16x8(b.map(|x| x as u16));
                V128Load16x4S "v128.load16x4_s" [8] = |b| simd::from_i32x4(core::array::from_fn(|i| i16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as i32));
                V128Load16x4U "v128.load16x4_u" [8] = |b| simd::from_u32x4(core::array::from_fn(|i| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as u32));
                V128Load32x2S "v128.load32x2_s" [8] = |b| simd::from_i64x2(core::array::from_fn(|i| i32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]) as i64));
                V128Load32x2U "v128.load32x2_u" [8] = |b| simd::from_u64x2(core::array::from_fn(|i| u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]) as u64));
                V128Load8Splat "v128.load8_splat" [1] = |b| simd::from_u8x16([b[0]; 16]);
                V128Load16Splat "v128.load16_splat" [2] = |b| simd::from_u16x8([u16::from_le_bytes(b); 8]);
                V128Load32Splat "v128.load32_splat" [4] = |b| simd::from_u32x4([u32::from_le_bytes(b); 4]);
                V128Load64Splat "v128.load64_splat" [8] = |b| simd::from_u64x2([u64::from_le_bytes(b); 2]);
                V128Load32Zero "v128.load32_zero" [4] = |b| simd::V128::from_u128(u32::from_le_bytes(b) as u128);
                V128Load64Zero "v128.load64_zero" [8] = |b| simd::V128::from_u128(u64::from_le_bytes(b) as u128);
            }
            // `dst = a` with lane `lane` loaded from `memory[ptr + offset .. + N]`.
            simd_load_lane {
                V128Load8Lane "v128.load8_lane" [1] = |a, b, lane| simd::with_u8_lane(a, lane, b[0]);
                V128Load16Lane "v128.load16_lane" [2] = |a, b, lane| simd::with_u16_lane(a, lane, u16::from_le_bytes(b));
                V128Load32Lane "v128.load32_lane" [4] = |a, b, lane| simd::with_u32_lane(a, lane, u32::from_le_bytes(b));
                V128Load64Lane "v128.load64_lane" [8] = |a, b, lane| simd::with_u64_lane(a, lane, u64::from_le_bytes(b));
            }
            // `memory[ptr + offset .. + 16] = a`.
            simd_store {
                V128Store "v128.store" [16] = |a| a.0;
            }
            // `memory[ptr + offset .. + N] = lane `lane` of `a``.
            simd_store_lane {
                V128Store8Lane "v128.store8_lane" [1] = |a, lane| [simd::u8x16(a)[lane]];
                V128Store16Lane "v128.store16_lane" [2] = |a, lane| simd::u16x8(a)[lane].to_le_bytes();
                V128Store32Lane "v128.store32_lane" [4] = |a, lane| simd::u32x4(a)[lane].to_le_bytes();
                V128Store64Lane "v128.store64_lane" [8] = |a, lane| simd::u64x2(a)[lane].to_le_bytes();
            }
            other {
                // Ends execution; the entry stub every outermost frame returns to.
                Exit "exit" {} = exit;
                Unreachable "unreachable" {} = unreachable;
                Copy "copy" { dst: Slot, src: Slot } = copy;
                // A copy that also leaves the value in the accumulator (`…Facc`: an `f64`,
                // in the `f64` accumulator): the move of a block's result at a branch to
                // its end, so that the value arrives in the accumulator on every path.
                CopyAcc "copy.acc" { dst: Slot, src: Slot } = copy_acc;
                CopyFacc "copy.facc" { dst: Slot, src: Slot } = copy_facc;
                CopyV128 "copy.v128" { dst: Slot, src: Slot } = copy_v128;
                ConstV128 "v128.const" { dst: Slot, value: V128 } = const_v128;
                SelectV128 "select.v128" { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot } = select_v128;
                // Lane `i` of the result is lane `lanes[i]` of `lhs` followed by `rhs`.
                I8x16Shuffle "i8x16.shuffle" { dst: Slot, lhs: Slot, rhs: Slot, lanes: V128 } = i8x16_shuffle;
                // Two copies, one after the other: the translator merges adjacent copies.
                Copy2 "copy2" { dst: Slot, src: Slot, dst2: Slot, src2: Slot } = copy2;
                // Copies `len` consecutive slots; the ranges may overlap.
                CopySpan "copy_span" { dst: Slot, src: Slot, len: u16 } = copy_span;
                // `dst = lhs * rhs + addend`, the product rounded first (two roundings, not a
                // fused multiply-add): an `f64.mul` and the `f64.add` of its product, which
                // dot products, polynomials and physics repeat; `mul_sub` subtracts from the
                // product, `sub_mul` subtracts the product. `…Acc` multiplies the accumulator
                // by `rhs`. All leave the result in the `f64` accumulator.
                F64MulAdd "f64.mul_add" { dst: Slot, lhs: Slot, rhs: Slot, addend: Slot } = f64_mul_add;
                F64MulAddAcc "f64.mul_add.acc" { dst: Slot, rhs: Slot, addend: Slot } = f64_mul_add_acc;
                F64MulSub "f64.mul_sub" { dst: Slot, lhs: Slot, rhs: Slot, subtrahend: Slot } = f64_mul_sub;
                F64MulSubAcc "f64.mul_sub.acc" { dst: Slot, rhs: Slot, subtrahend: Slot } = f64_mul_sub_acc;
                F64SubMul "f64.sub_mul" { dst: Slot, minuend: Slot, lhs: Slot, rhs: Slot } = f64_sub_mul;
                F64SubMulAcc "f64.sub_mul.acc" { dst: Slot, minuend: Slot, rhs: Slot } = f64_sub_mul_acc;
                // `dst = (src >> shift) & mask`, unsigned, `shift` below 32: an `i32.shr_u` by a
                // constant and the `i32.and` of its result with one, which extract bit fields
                // (decoders, bytecode interpreters). `…Acc` shifts the accumulator. Both leave
                // the result in the accumulator.
                I32ShrUAnd "i32.shr_u_and" { dst: Slot, src: Slot, shift: u32, mask: u32 } = i32_shr_u_and;
                I32ShrUAndAcc "i32.shr_u_and.acc" { dst: Slot, shift: u32, mask: u32 } = i32_shr_u_and_acc;
                // `dst = lhs + acc + imm` (wrapping): an `i32.add` of a slot and a constant, an
                // independent value computed into the accumulator, and the `i32.add` of the
                // two: an address with a constant part and a computed index (`p->field[i]`, a
                // bytecode interpreter's register file). A load of the sum adds it itself.
                // Leaves the result in the accumulator.
                I32Add3Acc "i32.add3.acc" { dst: Slot, lhs: Slot, imm: i32 } = i32_add3_acc;
                // `dst = src ^ (src >> shift)` or `src ^ (src << shift)`, `shift` below the
                // width: an `xor` of a value with its own shift by a constant, the step of
                // hash finalizers (splitmix64, murmur3, xxHash) and xorshift generators.
                // `…Acc` takes `src` from the accumulator. All leave the result in the
                // accumulator.
                I32XorShrU "i32.xor_shr_u" { dst: Slot, src: Slot, shift: u32 } = i32_xor_shr_u;
                I32XorShrUAcc "i32.xor_shr_u.acc" { dst: Slot, shift: u32 } = i32_xor_shr_u_acc;
                I32XorShl "i32.xor_shl" { dst: Slot, src: Slot, shift: u32 } = i32_xor_shl;
                I32XorShlAcc "i32.xor_shl.acc" { dst: Slot, shift: u32 } = i32_xor_shl_acc;
                I64XorShrU "i64.xor_shr_u" { dst: Slot, src: Slot, shift: u32 } = i64_xor_shr_u;
                I64XorShrUAcc "i64.xor_shr_u.acc" { dst: Slot, shift: u32 } = i64_xor_shr_u_acc;
                I64XorShl "i64.xor_shl" { dst: Slot, src: Slot, shift: u32 } = i64_xor_shl;
                I64XorShlAcc "i64.xor_shl.acc" { dst: Slot, shift: u32 } = i64_xor_shl_acc;
                Const32 "const32" { dst: Slot, value: u32 } = const32;
                Const64 "const64" { dst: Slot, value: u64 } = const64;
                Select "select" { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot } = select;
                Br "br" { offset: BranchOffset } = br;
                // Every branch has its offset as its first operand (`ir::BRANCH_OFFSET`).
                BrIfNez "br_if_nez" { offset: BranchOffset, cond: Slot } = br_if_nez;
                // `dst = src + imm` (wrapping), then a branch taken if `dst` compares so with
                // `rhs`: a loop counter's step and test in one instruction. The translator
                // fuses an `i32.add` of an immediate with the compare-branch on its result.
                I32StepBrIfEq "i32.step_br_if.eq" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_eq;
                I32StepBrIfEqImm "i32.step_br_if.eq" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_eq_imm;
                I32StepBrIfNe "i32.step_br_if.ne" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_ne;
                I32StepBrIfNeImm "i32.step_br_if.ne" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_ne_imm;
                I32StepBrIfLtS "i32.step_br_if.lt_s" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_lt_s;
                I32StepBrIfLtSImm "i32.step_br_if.lt_s" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_lt_s_imm;
                I32StepBrIfLtU "i32.step_br_if.lt_u" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_lt_u;
                I32StepBrIfLtUImm "i32.step_br_if.lt_u" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_lt_u_imm;
                I32StepBrIfGtS "i32.step_br_if.gt_s" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_gt_s;
                I32StepBrIfGtSImm "i32.step_br_if.gt_s" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_gt_s_imm;
                I32StepBrIfGtU "i32.step_br_if.gt_u" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_gt_u;
                I32StepBrIfGtUImm "i32.step_br_if.gt_u" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_gt_u_imm;
                I32StepBrIfLeS "i32.step_br_if.le_s" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_le_s;
                I32StepBrIfLeSImm "i32.step_br_if.le_s" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_le_s_imm;
                I32StepBrIfLeU "i32.step_br_if.le_u" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_le_u;
                I32StepBrIfLeUImm "i32.step_br_if.le_u" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_le_u_imm;
                I32StepBrIfGeS "i32.step_br_if.ge_s" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_ge_s;
                I32StepBrIfGeSImm "i32.step_br_if.ge_s" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_ge_s_imm;
                I32StepBrIfGeU "i32.step_br_if.ge_u" { dst: Slot, src: Slot, imm: i32, rhs: Slot, offset: BranchOffset } = i32_step_br_if_ge_u;
                I32StepBrIfGeUImm "i32.step_br_if.ge_u" { dst: Slot, src: Slot, imm: i32, rhs: i32, offset: BranchOffset } = i32_step_br_if_ge_u_imm;
                // The same with the step in a slot (`dst = src + step`): a loop whose stride
                // is a variable, as a sieve's marking of multiples.
                I32StepSlotBrIfEq "i32.step_br_if.eq" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_eq;
                I32StepSlotBrIfEqImm "i32.step_br_if.eq" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_eq_imm;
                I32StepSlotBrIfNe "i32.step_br_if.ne" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_ne;
                I32StepSlotBrIfNeImm "i32.step_br_if.ne" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_ne_imm;
                I32StepSlotBrIfLtS "i32.step_br_if.lt_s" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_lt_s;
                I32StepSlotBrIfLtSImm "i32.step_br_if.lt_s" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_lt_s_imm;
                I32StepSlotBrIfLtU "i32.step_br_if.lt_u" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_lt_u;
                I32StepSlotBrIfLtUImm "i32.step_br_if.lt_u" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_lt_u_imm;
                I32StepSlotBrIfGtS "i32.step_br_if.gt_s" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_gt_s;
                I32StepSlotBrIfGtSImm "i32.step_br_if.gt_s" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_gt_s_imm;
                I32StepSlotBrIfGtU "i32.step_br_if.gt_u" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_gt_u;
                I32StepSlotBrIfGtUImm "i32.step_br_if.gt_u" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_gt_u_imm;
                I32StepSlotBrIfLeS "i32.step_br_if.le_s" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_le_s;
                I32StepSlotBrIfLeSImm "i32.step_br_if.le_s" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_le_s_imm;
                I32StepSlotBrIfLeU "i32.step_br_if.le_u" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_le_u;
                I32StepSlotBrIfLeUImm "i32.step_br_if.le_u" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_le_u_imm;
                I32StepSlotBrIfGeS "i32.step_br_if.ge_s" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_ge_s;
                I32StepSlotBrIfGeSImm "i32.step_br_if.ge_s" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_ge_s_imm;
                I32StepSlotBrIfGeU "i32.step_br_if.ge_u" { dst: Slot, src: Slot, step: Slot, rhs: Slot, offset: BranchOffset } = i32_step_slot_br_if_ge_u;
                I32StepSlotBrIfGeUImm "i32.step_br_if.ge_u" { dst: Slot, src: Slot, step: Slot, rhs: i32, offset: BranchOffset } = i32_step_slot_br_if_ge_u_imm;
                BrIfEqz "br_if_eqz" { offset: BranchOffset, cond: Slot } = br_if_eqz;
                // Followed by `len + 1` branch offsets (the last one is the default),
                // each relative to the start of this instruction.
                BrTable "br_table" { index: Slot, len: u32 } = br_table;
                // `br_table` on `index & mask` or `index + imm` (wrapping), the value an
                // `i32.and` or `i32.add` with a constant just computed for it: a `switch` on
                // a masked opcode or from its lowest case (`…Acc`: the index in the
                // accumulator). The same offsets follow.
                BrTableAnd "br_table.and" { index: Slot, mask: u32, len: u32 } = br_table_and;
                BrTableAdd "br_table.add" { index: Slot, imm: i32, len: u32 } = br_table_add;
                BrTableAndAcc "br_table.and" { index: Acc, mask: u32, len: u32 } = br_table_and_acc;
                BrTableAddAcc "br_table.add" { index: Acc, imm: i32, len: u32 } = br_table_add_acc;
                Return "return" {} = return_;
                // A function with one result leaves it in slot 0 of its frame (the caller's
                // `base`) and in the accumulator of its type, where the caller reads it
                // next: `return_slot` moves it from `src`, `return.acc`/`return.facc` from
                // the accumulator that already holds it.
                ReturnSlot "return_slot" { src: Slot } = return_slot;
                ReturnAcc "return.acc" {} = return_acc;
                ReturnFacc "return.facc" {} = return_facc;
                ReturnSpan "return_span" { src: Slot, len: u16 } = return_span;
                // The callee's frame starts at `base`: arguments are there, results land there.
                Call "call" { func: u32, base: Slot } = call;
                // A call of a function the module defines (not an import): stays in the
                // instance, so it skips the store's function table.
                CallInternal "call_internal" { func: u32, base: Slot } = call_internal;
                CallIndirect "call_indirect" { base: Slot, index: Slot, table: u32, ty: u32 } = call_indirect;
                ReturnCall "return_call" { func: u32, base: Slot } = return_call;
                ReturnCallInternal "return_call_internal" { func: u32, base: Slot } = return_call_internal;
                ReturnCallIndirect "return_call_indirect" { base: Slot, index: Slot, table: u32, ty: u32 } = return_call_indirect;
                // Calls through a function reference (typed function references): the
                // validator proved its type, so only null is checked.
                CallRef "call_ref" { base: Slot, func: Slot } = call_ref;
                ReturnCallRef "return_call_ref" { base: Slot, func: Slot } = return_call_ref;
                // Traps if the reference in `src` is null (`ref.as_non_null`); the value
                // stays where it is.
                TrapIfNull "trap_if_null" { src: Slot } = trap_if_null;
                // Exception handling: `throw` makes an exception of the module's tag `tag`
                // from the values at `base` onwards; both unwind to the innermost matching
                // catch clause of a `try_table` (see `CatchHandler`), through callers too.
                Throw "throw" { tag: u32, base: Slot } = throw;
                ThrowRef "throw_ref" { src: Slot } = throw_ref;
                // Wide arithmetic: 128-bit integers as (low, high) pairs of i64; the
                // result's halves go to `dst` and `dst + 1`.
                I64Add128 "i64.add128" { dst: Slot, lhs_low: Slot, lhs_high: Slot, rhs_low: Slot, rhs_high: Slot } = i64_add128;
                I64Sub128 "i64.sub128" { dst: Slot, lhs_low: Slot, lhs_high: Slot, rhs_low: Slot, rhs_high: Slot } = i64_sub128;
                I64MulWideS "i64.mul_wide_s" { dst: Slot, lhs: Slot, rhs: Slot } = i64_mul_wide_s;
                I64MulWideU "i64.mul_wide_u" { dst: Slot, lhs: Slot, rhs: Slot } = i64_mul_wide_u;
                GlobalGet "global.get" { dst: Slot, global: u32 } = global_get;
                GlobalSet "global.set" { src: Slot, global: u32 } = global_set;
                GlobalGetV128 "global.get.v128" { dst: Slot, global: u32 } = global_get_v128;
                GlobalSetV128 "global.set.v128" { src: Slot, global: u32 } = global_set_v128;
                MemorySize "memory.size" { dst: Slot, memory: u32 } = memory_size;
                MemoryGrow "memory.grow" { dst: Slot, delta: Slot, memory: u32 } = memory_grow;
                MemoryFill "memory.fill" { dst: Slot, value: Slot, len: Slot, memory: u32 } = memory_fill;
                MemoryCopy "memory.copy" { dst: Slot, src: Slot, len: Slot, dst_memory: u32, src_memory: u32 } = memory_copy;
                MemoryInit "memory.init" { dst: Slot, src: Slot, len: Slot, memory: u32, data: u32 } = memory_init;
                DataDrop "data.drop" { data: u32 } = data_drop;
                TableGet "table.get" { dst: Slot, index: Slot, table: u32 } = table_get;
                TableSet "table.set" { index: Slot, value: Slot, table: u32 } = table_set;
                TableSize "table.size" { dst: Slot, table: u32 } = table_size;
                TableGrow "table.grow" { dst: Slot, init: Slot, delta: Slot, table: u32 } = table_grow;
                TableFill "table.fill" { dst: Slot, value: Slot, len: Slot, table: u32 } = table_fill;
                TableCopy "table.copy" { dst: Slot, src: Slot, len: Slot, dst_table: u32, src_table: u32 } = table_copy;
                TableInit "table.init" { dst: Slot, src: Slot, len: Slot, table: u32, elem: u32 } = table_init;
                ElemDrop "elem.drop" { elem: u32 } = elem_drop;
                RefFunc "ref.func" { dst: Slot, func: u32 } = ref_func;
                // GC objects (see `runtime::gc`): `ty` is an engine type index; `kind` how a
                // field or element is stored (a `gc::Access`), `offset` a field's byte
                // offset. Field values for `struct.new` and elements for `array.new_fixed`
                // are in consecutive slots from `base`.
                StructNew "struct.new" { dst: Slot, base: Slot, ty: u32 } = struct_new;
                StructNewDefault "struct.new_default" { dst: Slot, ty: u32 } = struct_new_default;
                StructGet "struct.get" { dst: Slot, object: Slot, offset: u32, kind: u32 } = struct_get;
                StructSet "struct.set" { object: Slot, value: Slot, offset: u32, kind: u32 } = struct_set;
                ArrayNew "array.new" { dst: Slot, value: Slot, len: Slot, ty: u32 } = array_new;
                ArrayNewDefault "array.new_default" { dst: Slot, len: Slot, ty: u32 } = array_new_default;
                ArrayNewFixed "array.new_fixed" { dst: Slot, base: Slot, len: u32, ty: u32 } = array_new_fixed;
                ArrayNewData "array.new_data" { dst: Slot, offset: Slot, len: Slot, ty: u32, data: u32 } = array_new_data;
                ArrayNewElem "array.new_elem" { dst: Slot, offset: Slot, len: Slot, ty: u32, elem: u32 } = array_new_elem;
                ArrayGet "array.get" { dst: Slot, array: Slot, index: Slot, kind: u32 } = array_get;
                ArraySet "array.set" { array: Slot, index: Slot, value: Slot, kind: u32 } = array_set;
                ArrayLen "array.len" { dst: Slot, array: Slot } = array_len;
                ArrayFill "array.fill" { array: Slot, offset: Slot, value: Slot, len: Slot, kind: u32 } = array_fill;
                ArrayCopy "array.copy" { dst_array: Slot, dst_offset: Slot, src_array: Slot, src_offset: Slot, len: Slot, kind: u32 } = array_copy;
                ArrayInitData "array.init_data" { array: Slot, offset: Slot, src: Slot, len: Slot, kind: u32, data: u32 } = array_init_data;
                ArrayInitElem "array.init_elem" { array: Slot, offset: Slot, src: Slot, len: Slot, elem: u32 } = array_init_elem;
                RefI31 "ref.i31" { dst: Slot, src: Slot } = ref_i31;
                I31GetS "i31.get_s" { dst: Slot, src: Slot } = i31_get_s;
                I31GetU "i31.get_u" { dst: Slot, src: Slot } = i31_get_u;
                // `target` encodes a reference type (see `exec::gc::encode_cast_target`).
                // `ref.cast` traps unless the value in `src` passes; the value stays put.
                RefTest "ref.test" { dst: Slot, src: Slot, target: u32 } = ref_test;
                RefCast "ref.cast" { src: Slot, target: u32 } = ref_cast;
                // Resource control, emitted only when the engine's `Config` asks for it: each
                // charges the fuel of the region it starts (`Config::consume_fuel`) and/or
                // traps if the running call was interrupted (`Config::interruptible`).
                ConsumeFuel "consume_fuel" { amount: u32 } = consume_fuel;
                CheckInterrupt "check_interrupt" {} = check_interrupt;
                ConsumeFuelCheckInterrupt "consume_fuel_check_interrupt" { amount: u32 } = consume_fuel_check_interrupt;
            }
        }
    };
}

pub(crate) use for_each_op;
