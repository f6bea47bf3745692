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
//!   operand as an immediate (the two names given), plus the accumulator variants below;
//! - `binary_trap`: the same, but `f` may trap;
//! - `load`: `dst = memory[ptr + offset .. + N]`, decoded by `f`;
//! - `store`: `memory[ptr + offset .. + N] = f(value)`;
//! - `other`: an operand struct and a handler function in `exec::ops`.
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
                F32Ceil "f32.ceil" (f32) -> f32 = |a| num::f32_quiet(a.ceil());
                F32Floor "f32.floor" (f32) -> f32 = |a| num::f32_quiet(a.floor());
                F32Trunc "f32.trunc" (f32) -> f32 = |a| num::f32_quiet(a.trunc());
                F32Nearest "f32.nearest" (f32) -> f32 = |a| num::f32_nearest(a);
                F32Sqrt "f32.sqrt" (f32) -> f32 = |a| a.sqrt();
                F64Abs "f64.abs" (f64) -> f64 = |a| a.abs();
                F64Neg "f64.neg" (f64) -> f64 = |a| -a;
                F64Ceil "f64.ceil" (f64) -> f64 = |a| num::f64_quiet(a.ceil());
                F64Floor "f64.floor" (f64) -> f64 = |a| num::f64_quiet(a.floor());
                F64Trunc "f64.trunc" (f64) -> f64 = |a| num::f64_quiet(a.trunc());
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
            other {
                // Ends execution; the entry stub every outermost frame returns to.
                Exit "exit" {} = exit;
                Unreachable "unreachable" {} = unreachable;
                Copy "copy" { dst: Slot, src: Slot } = copy;
                // Two copies, one after the other: the translator merges adjacent copies.
                Copy2 "copy2" { dst: Slot, src: Slot, dst2: Slot, src2: Slot } = copy2;
                // Copies `len` consecutive slots; the ranges may overlap.
                CopySpan "copy_span" { dst: Slot, src: Slot, len: u16 } = copy_span;
                Const32 "const32" { dst: Slot, value: u32 } = const32;
                Const64 "const64" { dst: Slot, value: u64 } = const64;
                Select "select" { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot } = select;
                Br "br" { offset: BranchOffset } = br;
                // Every branch has its offset as its first operand (`ir::BRANCH_OFFSET`).
                BrIfNez "br_if_nez" { offset: BranchOffset, cond: Slot } = br_if_nez;
                BrIfEqz "br_if_eqz" { offset: BranchOffset, cond: Slot } = br_if_eqz;
                // Followed by `len + 1` branch offsets (the last one is the default),
                // each relative to the start of this instruction.
                BrTable "br_table" { index: Slot, len: u32 } = br_table;
                Return "return" {} = return_;
                ReturnSlot "return_slot" { src: Slot } = return_slot;
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
                GlobalGet "global.get" { dst: Slot, global: u32 } = global_get;
                GlobalSet "global.set" { src: Slot, global: u32 } = global_set;
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
