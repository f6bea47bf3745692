//! The translator's output for small functions, as disassembled IR. These pin down the
//! copy elimination: a change that adds a copy or an instruction shows up here.

use crate::{CompilationMode, Config, Engine, Module};

/// Disassembles function `index` of `wat` (all functions translated eagerly).
fn ir(wat: &str, index: u32) -> String {
    ir_with(wat, index, |_| {})
}

/// Disassembles function `index` of `wat` translated with a configuration `adjust` sets.
fn ir_with(wat: &str, index: u32, adjust: impl FnOnce(&mut Config)) -> String {
    let mut config = Config::new();
    config.compilation_mode(CompilationMode::Eager);
    adjust(&mut config);
    let module = Module::new(&Engine::new(&config), wat).expect("valid module");
    let text = module.disassemble(index).expect("defined function").expect("translates");
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

fn check(wat: &str, expected: &str) {
    let expected: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(ir(wat, 0), expected.join("\n"));
}

#[test]
fn locals_are_read_in_place_and_results_returned_from_their_slot() {
    check(
        "(module (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))",
        "frame: 3 slots (2 for params, 0 for locals)
         0: i32.add dst=s0 lhs=s0 rhs=s1
         16: return",
    );
}

#[test]
fn constant_operands_become_immediates() {
    check(
        "(module (func (param i64) (result i64) (i64.mul (local.get 0) (i64.const 1000000007))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i64.mul dst=s0 lhs=s0 rhs=1000000007
         24: return",
    );
}

#[test]
fn a_result_stored_to_a_local_is_computed_straight_into_it() {
    check(
        "(module (func (param i32) (result i32) (local i32)
           (block (loop
             (br_if 1 (i32.eqz (local.get 0)))
             (local.set 1 (i32.add (local.get 1) (i32.const 3)))
             (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
             (br 0)))
           local.get 1))",
        "frame: 3 slots (1 for params, 1 for locals)
         0: br_if_eqz offset=@64 cond=s0
         16: i32.add dst=s1 lhs=s1 rhs=3
         32: i32.add dst=s0 lhs=s0 rhs=-1
         48: br_if_nez offset=@16 cond=s0
         64: return_slot src=s1",
    );
}

#[test]
fn if_else_results_meet_in_one_slot_and_calls_copy_nothing() {
    check(
        "(module (func $fib (param i32) (result i32)
           (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
             (then (local.get 0))
             (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                            (call $fib (i32.sub (local.get 0) (i32.const 2))))))))",
        "frame: 3 slots (1 for params, 0 for locals)
         0: br_unless.i32.lt_u offset=@56 lhs=s0 rhs=2
         24: copy.acc dst=s1 src=s0
         40: return.acc
         48: return.acc
         56: i32.add dst=s1 lhs=s0 rhs=-1
         72: call_internal func=0 base=s1
         88: i32.add dst=s2 lhs=s0 rhs=-2
         104: call_internal func=0 base=s2
         120: i32.add dst=s1 lhs=s1 rhs=acc
         136: return.acc",
    );
}

#[test]
fn overwriting_a_local_still_on_the_stack_preserves_its_old_value() {
    // The old value of local 0 is pushed, then local 0 is overwritten, then the old
    // value is used: it must be copied out first.
    check(
        "(module (func (param i32) (result i32)
           local.get 0
           (local.set 0 (i32.const 7))
           local.get 0
           i32.sub))",
        "frame: 3 slots (1 for params, 0 for locals)
         0: copy dst=s1 src=s0
         16: const32 dst=s0 value=7
         32: i32.sub dst=s0 lhs=s1 rhs=s0
         48: return",
    );
}

#[test]
fn local_tee_writes_the_local_and_keeps_reading_it() {
    check(
        "(module (func (param i32) (result i32) (local i32)
           (i32.mul (local.tee 1 (i32.add (local.get 0) (i32.const 1))) (local.get 1))))",
        "frame: 3 slots (1 for params, 1 for locals)
         0: i32.add dst=s1 lhs=s0 rhs=1
         16: i32.mul dst=s0 lhs=acc rhs=s1
         32: return",
    );
}

#[test]
fn branch_values_are_moved_only_on_the_taken_path() {
    check(
        "(module (func (param i32) (result i32)
           (block (result i32)
             (br_if 0 (i32.const 10) (local.get 0))
             drop
             (i32.const 20))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_if_eqz offset=@48 cond=s0
         16: const32 dst=s1 value=10
         32: return_slot src=s1
         48: const32 dst=s1 value=20
         64: return_slot src=s1",
    );
}

#[test]
fn br_table_targets_needing_moves_get_their_own_stubs() {
    check(
        "(module (func (param i32) (result i32)
           (block (block (br_table 0 1 (local.get 0)))
             (return (i32.const 1)))
           (i32.const 2)))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_table index=s0 len=1 targets=[@24, @56]
         24: const32 dst=s0 value=1
         40: return_slot src=s0
         56: const32 dst=s0 value=2
         72: return_slot src=s0",
    );
}

#[test]
fn multiple_results_return_as_one_span() {
    check(
        "(module (func (param i32 i32) (result i32 i32) local.get 1 local.get 0))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: copy2 dst=s2 src=s1 dst2=s3 src2=s0
         16: return_span src=s2 len=2",
    );
}

/// A counting loop with a conditional exit at its top: `while (n != 0) { acc += 3; n -= 1 }`.
const WHILE_LOOP: &str = "(module (func (param i32) (result i32) (local i32)
   (block (loop
     (br_if 1 (i32.eqz (local.get 0)))
     (local.set 1 (i32.add (local.get 1) (i32.const 3)))
     (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
     (br 0)))
   local.get 1))";

#[test]
fn resource_checks_are_emitted_only_when_enabled() {
    let plain = ir(WHILE_LOOP, 0);
    assert!(!plain.contains("fuel") && !plain.contains("interrupt"), "{plain}");
    let off = ir_with(WHILE_LOOP, 0, |config| {
        config.consume_fuel(false).interruptible(false);
    });
    assert_eq!(off, plain);
}

#[test]
fn fuel_is_charged_at_entry_loop_header_and_after_the_loop() {
    // Entry: nothing costs fuel before the loop, so no charge there. The loop region
    // holds get, eqz, br_if, get, const, add, set, get, const, sub, set, br: 12
    // operators; after the loop, `local.get 1` costs one.
    let text = ir_with(WHILE_LOOP, 0, |config| {
        config.consume_fuel(true);
    });
    assert_eq!(
        text,
        "frame: 3 slots (1 for params, 1 for locals)
0: consume_fuel amount=12
16: br_if_eqz offset=@80 cond=s0
32: i32.add dst=s1 lhs=s1 rhs=3
48: i32.add dst=s0 lhs=s0 rhs=-1
64: br offset=@0
80: consume_fuel amount=1
96: return_slot src=s1"
    );
}

#[test]
fn interrupt_checks_sit_at_entries_and_loop_headers_only() {
    let text = ir_with(WHILE_LOOP, 0, |config| {
        config.interruptible(true);
    });
    assert_eq!(
        text,
        "frame: 3 slots (1 for params, 1 for locals)
0: check_interrupt
8: br_if_eqz offset=@72 cond=s0
24: i32.add dst=s1 lhs=s1 rhs=3
40: i32.add dst=s0 lhs=s0 rhs=-1
56: br offset=@0
72: return_slot src=s1"
    );
    let both = ir_with(WHILE_LOOP, 0, |config| {
        config.consume_fuel(true).interruptible(true);
    });
    assert!(
        both.starts_with("frame: 3 slots (1 for params, 1 for locals)\n0: consume_fuel_check_interrupt amount=12\n"),
        "{both}"
    );
}

#[test]
fn each_arm_of_an_if_and_the_code_after_it_are_charged_separately() {
    let text = ir_with(
        "(module (func (param i32) (result i32)
           (if (result i32) (local.get 0)
             (then (i32.add (local.get 0) (i32.const 1)))
             (else (i32.const 7)))
           (i32.mul (i32.const 2))))",
        0,
        |config| {
            config.consume_fuel(true);
        },
    );
    // Entry: get, if. Then: get, const, add. Else: const. After: const, mul.
    assert_eq!(
        text,
        "frame: 2 slots (1 for params, 0 for locals)
0: consume_fuel amount=2
16: br_if_eqz offset=@80 cond=s0
32: consume_fuel amount=3
48: i32.add dst=s1 lhs=s0 rhs=1
64: br offset=@112
80: consume_fuel amount=1
96: const32 dst=s1 value=7
112: consume_fuel amount=2
128: i32.mul dst=s0 lhs=s1 rhs=2
144: return"
    );
}

#[test]
fn a_comparison_used_only_by_a_branch_fuses_into_it() {
    // `br_if` on a comparison branches on the comparison itself; `if` takes its inverse.
    check(
        "(module (func (param i32 i64 f64) (result i32)
           (block (loop
             (br_if 1 (i64.ge_u (local.get 1) (i64.const 10)))
             (if (f64.lt (local.get 2) (f64.const 0.5))
               (then (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
             (local.set 1 (i64.add (local.get 1) (i64.const 1)))
             (br_if 0 (i32.ne (local.get 0) (i32.const 3)))))
           local.get 0))",
        "frame: 4 slots (3 for params, 0 for locals)
         0: br_if.i64.ge_u offset=@112 lhs=s1 rhs=10
         24: br_unless.f64.lt offset=@64 lhs=s2 rhs=0.5
         48: i32.add dst=s0 lhs=s0 rhs=1
         64: i64.add dst=s1 lhs=s1 rhs=1
         88: br_if.i32.ne offset=@0 lhs=s0 rhs=3
         112: return_slot src=s0",
    );
}

#[test]
fn a_comparison_whose_value_is_kept_is_not_fused() {
    // The comparison's result is also stored in a local, so it must be computed.
    check(
        "(module (func (param i32) (result i32) (local i32)
           (br_if 0 (local.get 0) (local.tee 1 (i32.lt_s (local.get 0) (i32.const 5))))
           drop
           local.get 1))",
        "frame: 4 slots (1 for params, 1 for locals)
         0: i32.lt_s dst=s1 lhs=s0 rhs=5
         16: br_if_eqz offset=@48 cond=s1
         32: return_slot src=s0
         48: return_slot src=s1",
    );
}

#[test]
fn calls_of_defined_functions_skip_the_store() {
    let wat = "(module
           (import \"env\" \"f\" (func $imported (param i32) (result i32)))
           (func $defined (param i32) (result i32)
             (i32.add (call $imported (local.get 0)) (call $defined (local.get 0))))
           (func (param i32) (result i32) (return_call $defined (local.get 0))))";
    assert_eq!(
        ir(wat, 1),
        "frame: 3 slots (1 for params, 0 for locals)
0: copy dst=s1 src=s0
16: call func=0 base=s1
32: copy dst=s2 src=s0
48: call_internal func=1 base=s2
64: i32.add dst=s0 lhs=s1 rhs=acc
80: return"
    );
    assert_eq!(
        ir(wat, 2),
        "frame: 2 slots (1 for params, 0 for locals)
0: copy dst=s1 src=s0
16: return_call_internal func=1 base=s1"
    );
}

#[test]
fn a_value_the_previous_instruction_computed_is_read_from_the_accumulator() {
    // Each link of the chain reads the accumulator, also through a `local.set` that
    // retargeted the result and as a store's address or value; a loop header (a branch
    // target) and a call start without it.
    let wat = "(module (memory 1)
           (func $f (param i32) (result i32) local.get 0)
           (func (param i32 i32) (result i32) (local i32)
             (local.set 2 (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)))
             (i32.store (i32.add (local.get 1) (local.get 2)) (i32.load (local.get 2)))
             (loop
               (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
               (br_if 0 (local.get 0)))
             (i32.add (call $f (local.get 0)) (i32.const 3))))";
    assert_eq!(
        ir(wat, 1),
        "frame: 5 slots (2 for params, 1 for locals)
0: i32.and dst=s3 lhs=s0 rhs=255
16: i32.shl dst=s2 lhs=acc rhs=2
32: i32.add dst=s3 lhs=s1 rhs=acc
48: i32.load dst=s4 ptr=s2 offset=0
64: i32.store ptr=s3 value=acc offset=0
80: i32.add dst=s0 lhs=s0 rhs=-1
96: br_if_nez offset=@80 cond=s0
112: copy dst=s3 src=s0
128: call_internal func=0 base=s3
144: i32.add dst=s0 lhs=acc rhs=3
160: return"
    );
}

#[test]
fn adjacent_copies_merge_unless_a_branch_target_lies_between() {
    // The loop header is bound between the two copies of `(local.set 1 ..) (local.set 2 ..)`
    // in the first case, so they stay apart; inside the loop they merge.
    check(
        "(module (func (param i32 i32 i32) (result i32)
           (local.set 1 (local.get 0))
           (loop
             (local.set 2 (local.get 1))
             (local.set 1 (local.get 0))
             (local.set 0 (local.get 2))
             (br_if 0 (local.get 0)))
           local.get 1))",
        "frame: 4 slots (3 for params, 0 for locals)
         0: copy dst=s1 src=s0
         16: copy2 dst=s2 src=s1 dst2=s1 src2=s0
         32: copy dst=s0 src=s2
         48: br_if_nez offset=@16 cond=s0
         64: return_slot src=s1",
    );
}

#[test]
fn an_address_computed_just_before_a_load_is_added_by_the_load() {
    // `p[i]` and `p[i + 4]`-style addresses: the `i32.add` disappears into the load (which
    // wraps the sum at 32 bits itself); an address kept in a local is not fused.
    check(
        "(module (memory 1) (func (param i32 i32) (result i32) (local i32)
           (i32.load8_u (i32.add (local.get 0) (local.get 1)))
           (i32.load offset=8 (i32.add (local.get 0) (i32.const 4)))
           i32.add
           (i32.load16_s (local.tee 2 (i32.add (local.get 0) (local.get 1))))
           i32.add))",
        "frame: 5 slots (2 for params, 1 for locals)
         0: i32.load8_u dst=s3 ptr=s0 index=s1 offset=0
         24: i32.load dst=s4 ptr=s0 index=4 offset=8
         48: i32.add dst=s3 lhs=s3 rhs=acc
         64: i32.add dst=s2 lhs=s0 rhs=s1
         80: i32.load16_s dst=s4 ptr=acc offset=0
         96: i32.add dst=s0 lhs=s3 rhs=acc
         112: return",
    );
}

#[test]
fn a_fused_address_add_wraps_like_i32_add() {
    use crate::{Linker, Store};
    // 0xffff_fffc + 5 wraps to 1: a load there succeeds, while adding the two without
    // wrapping would address beyond memory and trap.
    let wat = "(module (memory 1) (data (i32.const 1) \"\\2a\")
       (func (export \"at\") (param i32 i32) (result i32)
         (i32.load8_u (i32.add (local.get 0) (local.get 1))))
       (func (export \"at5\") (param i32) (result i32)
         (i32.load8_u (i32.add (local.get 0) (i32.const 5)))))";
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let at = instance.get_typed_func::<(i32, i32), i32>(&store, "at").expect("export");
    let at5 = instance.get_typed_func::<i32, i32>(&store, "at5").expect("export");
    assert_eq!(at.call(&mut store, (-4, 5)).expect("in bounds"), 42);
    assert_eq!(at5.call(&mut store, -4).expect("in bounds"), 42);
    assert!(at.call(&mut store, (65536, 0)).is_err(), "out of bounds traps");
}

#[test]
fn a_v128_takes_two_slots_in_locals_and_on_the_stack() {
    // Locals: i32 at s0, v128 at s1..s2, i64 at s3, v128 at s4..s5; the stack starts at s6.
    check(
        "(module (func (param i32 v128) (result v128) (local i64 v128)
           (local.set 3 (i32x4.add (local.get 1) (local.get 3)))
           (i32x4.splat (local.get 0))
           (local.get 3)
           i32x4.mul))",
        "frame: 8 slots (3 for params, 3 for locals)
         0: i32x4.add dst=s4 lhs=s1 rhs=s4
         16: i32x4.splat dst=s6 src=s0
         32: i32x4.mul dst=s6 lhs=s6 rhs=s4
         48: return_span src=s6 len=2",
    );
}

#[test]
fn v128_constants_select_and_drop_move_both_halves() {
    check(
        "(module (func (param i32) (result v128)
           (drop (v128.const i64x2 1 2))
           (select (v128.const i64x2 3 4) (v128.const i64x2 5 6) (local.get 0))))",
        "frame: 5 slots (1 for params, 0 for locals)
         0: v128.const dst=s3 value=0x00000000000000060000000000000005
         32: v128.const dst=s1 value=0x00000000000000040000000000000003
         64: select.v128 dst=s1 cond=s0 if_true=s1 if_false=s3
         80: return_span src=s1 len=2",
    );
}

#[test]
fn a_v128_local_set_from_a_result_is_computed_straight_into_it() {
    check(
        "(module (func (param v128 v128) (local v128)
           (local.set 2 (f32x4.add (local.get 0) (local.get 1)))
           (local.set 0 (local.get 2))))",
        "frame: 8 slots (4 for params, 2 for locals)
         0: f32x4.add dst=s4 lhs=s0 rhs=s2
         16: copy.v128 dst=s0 src=s4
         32: return",
    );
}

#[test]
fn a_constant_v128_operand_becomes_an_immediate() {
    check(
        "(module (func (param v128) (result v128)
           (i16x8.add (local.get 0) (v128.const i16x8 1 1 1 1 1 1 1 1))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i16x8.add dst=s2 lhs=s0 rhs=0x00010001000100010001000100010001
         32: return_span src=s2 len=2",
    );
}

#[test]
fn accesses_to_other_memories_name_them_and_memory_0_keeps_its_ops() {
    check(
        "(module (memory 1) (memory $second 1)
           (func (param i32) (result i32)
             (i32.store $second (local.get 0) (i32.load (local.get 0)))
             (i32.load $second offset=4 (local.get 0))))",
        "frame: 3 slots (1 for params, 0 for locals)
         0: i32.load dst=s2 ptr=s0 offset=0
         16: i32.store ptr=s0 value=s2 offset=0 memory=1
         40: i32.load dst=s1 ptr=s0 offset=4 memory=1
         64: return_slot src=s1",
    );
}

#[test]
fn accesses_to_a_64_bit_memory_0_take_the_general_form_with_a_64_bit_offset() {
    // No `i32.add` address fusion either: that form wraps its sum at 32 bits.
    check(
        "(module (memory i64 1)
           (func (param i64) (result i32)
             (i32.load offset=0x100000000 (i64.add (local.get 0) (i64.const 4)))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i64.add dst=s1 lhs=s0 rhs=4
         24: i32.load dst=s1 ptr=s1 offset=4294967296 memory=0:i64
         48: return_slot src=s1",
    );
}

#[test]
fn br_on_null_and_ref_as_non_null_are_a_compare_branch_and_a_check_in_place() {
    // No copies: the reference stays in its local for the fallthrough.
    check(
        "(module (type $t (func (result i32)))
           (func (param (ref null $t)) (result i32)
             (block $null
               (return (call_ref $t (br_on_null $null (local.get 0)))))
             (call_ref $t (ref.as_non_null (local.get 0)))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_if.i64.eq offset=@48 lhs=s0 rhs=0
         24: call_ref base=s1 func=s0
         40: return.acc
         48: trap_if_null src=s0
         64: call_ref base=s1 func=s0
         80: return.acc",
    );
}

#[test]
fn a_loop_that_starts_with_its_exit_test_repeats_it_at_the_back_edge() {
    // The exit leads past more code, so the back edge needs a `br` after the repeated test.
    check(
        "(module (func (param i32) (result i32)
           (block $out
             (block $mid
               (loop
                 (br_if $out (i32.ge_s (local.get 0) (i32.const 10)))
                 (br_if $mid (i32.eq (local.get 0) (i32.const 5)))
                 (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                 (br 0)))
             (local.set 0 (i32.mul (local.get 0) (i32.const 3))))
           (local.get 0)))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_if.i32.ge_s offset=@104 lhs=s0 rhs=10
         24: br_if.i32.eq offset=@88 lhs=s0 rhs=5
         48: i32.step_br_if.lt_s dst=s0 src=s0 imm=1 rhs=10 offset=@24
         72: return_slot src=s0
         88: i32.mul dst=s0 lhs=s0 rhs=3
         104: return_slot src=s0",
    );
}

#[test]
fn a_loop_is_not_rotated_when_its_head_does_more_than_test() {
    // With fuel, the loop head charges first: the back edge must jump to it.
    let wat = "(module (func (param i32)
        (block (loop
          (br_if 1 (i32.eqz (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br 0)))))";
    let text = ir_with(wat, 0, |config| {
        config.consume_fuel(true);
    });
    assert!(text.contains("br offset=@"), "{text}");
    assert!(!text.contains("br_if_nez"), "{text}");
}

#[test]
fn a_constant_on_the_left_of_a_commutative_op_becomes_the_immediate() {
    check(
        "(module (func (param i32 i64) (result i32)
           (i32.mul (i32.const 3) (local.get 0))
           (i32.sub (i32.const 7))
           (i32.wrap_i64 (i64.and (i64.const 255) (local.get 1)))
           i32.add))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i32.mul dst=s2 lhs=s0 rhs=3
         16: i32.add dst=s2 lhs=acc rhs=-7
         32: i64.and dst=s3 lhs=s1 rhs=255
         56: i32.wrap_i64 dst=s3 src=acc
         72: i32.add dst=s0 lhs=s2 rhs=acc
         88: return",
    );
}

#[test]
fn a_counter_step_and_the_test_of_its_new_value_become_one_branch() {
    // `i -= 1` is `i += -1`; the test reads the new `i`, here on the right, so the fused
    // branch compares with the sides swapped.
    check(
        "(module (func (param i32 i32) (result i32)
           (loop
             (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
             (br_if 0 (i32.lt_s (local.get 1) (local.get 0))))
           (local.get 0)))",
        "frame: 3 slots (2 for params, 0 for locals)
         0: i32.step_br_if.gt_s dst=s0 src=s0 imm=-1 rhs=s1 offset=@0
         24: return.acc",
    );
    // A step by a local's value (a stride), tested against a constant.
    check(
        "(module (func (param i32 i32) (result i32)
           (loop
             (local.set 0 (i32.add (local.get 0) (local.get 1)))
             (br_if 0 (i32.lt_u (local.get 0) (i32.const 1000))))
           (local.get 0)))",
        "frame: 3 slots (2 for params, 0 for locals)
         0: i32.step_br_if.lt_u dst=s0 src=s0 step=s1 rhs=1000 offset=@0
         24: return.acc",
    );
    // A label between the step and the test: the test may be reached without the step.
    check(
        "(module (func (param i32 i32) (result i32)
           (local.set 0 (i32.add (local.get 0) (i32.const 1)))
           (loop
             (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))
           (local.get 0)))",
        "frame: 3 slots (2 for params, 0 for locals)
         0: i32.add dst=s0 lhs=s0 rhs=1
         16: br_if.i32.lt_s offset=@16 lhs=s0 rhs=s1
         32: return_slot src=s0",
    );
}

#[test]
fn a_branch_to_a_return_returns_in_its_place() {
    check(
        "(module (func (param i32) (result i64)
           (if (result i64) (local.get 0)
             (then (i64.extend_i32_u (local.get 0)))
             (else (i64.const 7)))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_if_eqz offset=@48 cond=s0
         16: i64.extend_i32_u dst=s1 src=s0
         32: return_slot src=s1
         48: const32 dst=s1 value=7
         64: return_slot src=s1",
    );
}

#[test]
fn reinterpreting_between_f64_and_i64_reads_the_slot_not_an_accumulator() {
    // An `f64` result goes to the floating-point accumulator and an `i64` one to the
    // integer accumulator, so the op after a reinterpretation must read the slot; the
    // 32-bit reinterpretations share the integer accumulator and keep reading it.
    assert_eq!(
        ir(
            "(module (func (param f64 i64 f32) (result i64)
               (i64.add (i64.reinterpret_f64 (f64.add (local.get 0) (local.get 0))) (i64.const 1))
               (i64.reinterpret_f64 (f64.neg (f64.reinterpret_i64 (i64.mul (local.get 1) (local.get 1)))))
               i64.xor
               (i64.extend_i32_u (i32.reinterpret_f32 (f32.abs (local.get 2))))
               i64.or))",
            0
        ),
        "frame: 5 slots (3 for params, 0 for locals)
0: f64.add dst=s3 lhs=s0 rhs=s0
16: i64.add dst=s3 lhs=s3 rhs=1
40: i64.mul dst=s4 lhs=s1 rhs=s1
56: f64.neg dst=s4 src=s4
72: i64.xor dst=s3 lhs=s3 rhs=s4
88: f32.abs dst=s4 src=s2
104: i64.extend_i32_u dst=s4 src=acc
120: i64.or dst=s0 lhs=s3 rhs=acc
136: return"
    );
}

#[test]
fn constants_and_copies_between_producer_and_consumer_keep_the_accumulator() {
    // `1000 / x` materialises the constant after `x` was computed (a trapping division
    // has no immediate-left form): the division still reads `x` from the accumulator. A
    // copy into the accumulator's own slot ends that.
    assert_eq!(
        ir(
            "(module (func (param i32 f64 i32) (result i32)
               (i32.div_u (i32.const 1000) (i32.add (local.get 0) (i32.const 1)))
               (local.set 2 (i32.mul (local.get 0) (local.get 0)))
               (local.set 2 (local.get 0))
               (i32.add (i32.clz (local.get 2)))))",
            0
        ),
        "frame: 5 slots (3 for params, 0 for locals)
0: i32.add dst=s4 lhs=s0 rhs=1
16: const32 dst=s3 value=1000
32: i32.div_u dst=s3 lhs=s3 rhs=acc
48: i32.mul dst=s2 lhs=s0 rhs=s0
64: copy dst=s2 src=s0
80: i32.clz dst=s4 src=s2
96: i32.add dst=s0 lhs=s3 rhs=acc
112: return"
    );
}

#[test]
fn constant_left_operands_of_non_commutative_ops_become_immediates() {
    check(
        "(module (func (param f64 i32 i64) (result f64)
           (drop (i32.sub (i32.const 0) (local.get 1)))
           (drop (i64.shl (i64.const 1) (local.get 2)))
           (f64.div (f64.const 1) (f64.sqrt (local.get 0)))))",
        "frame: 5 slots (3 for params, 0 for locals)
         0: i32.sub dst=s3 lhs=0 rhs=s1
         16: i64.shl dst=s3 lhs=1 rhs=s2
         40: f64.sqrt dst=s4 src=s0
         56: f64.div dst=s0 lhs=1.0 rhs=acc
         80: return",
    );
}

#[test]
fn independent_operands_are_computed_left_last_so_the_left_one_arrives_in_the_accumulator() {
    // The loop-carried `x * k` is computed after `i`'s extension, so the add takes it from
    // the register; the extension's result, tee'd into a local, still goes there.
    check(
        "(module (func (param i64 i64 i32) (result i64)
           (i64.add (i64.mul (local.get 0) (i64.const 3)) (local.tee 1 (i64.extend_i32_u (local.get 2))))))",
        "frame: 5 slots (3 for params, 0 for locals)
         0: i64.extend_i32_u dst=s1 src=s2
         16: i64.mul dst=s3 lhs=s0 rhs=3
         40: i64.add dst=s0 lhs=acc rhs=s1
         56: return",
    );
}

#[test]
fn dependent_or_trapping_operands_keep_their_order() {
    // The right operand reads the left one's result (through a local); both may trap (the
    // division by zero must be reported before the out-of-bounds load); the left one
    // reads the accumulator.
    check(
        "(module (memory 1) (func (param i32 i32) (result i32)
           (drop (i32.sub (local.tee 0 (i32.mul (local.get 0) (i32.const 3))) (i32.clz (local.get 0))))
           (drop (i32.sub (i32.div_u (local.get 0) (local.get 1)) (i32.load (local.get 1))))
           (i32.sub (i32.add (i32.clz (local.get 0)) (i32.const 1)) (i32.ctz (local.get 1)))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i32.mul dst=s0 lhs=s0 rhs=3
         16: i32.clz dst=s3 src=acc
         32: i32.sub dst=s2 lhs=s0 rhs=acc
         48: i32.div_u dst=s2 lhs=s0 rhs=s1
         64: i32.load dst=s3 ptr=s1 offset=0
         80: i32.sub dst=s2 lhs=s2 rhs=acc
         96: i32.clz dst=s2 src=s0
         112: i32.add dst=s2 lhs=acc rhs=1
         128: i32.ctz dst=s3 src=s1
         144: i32.sub dst=s0 lhs=s2 rhs=acc
         160: return",
    );
}

#[test]
fn constants_stored_to_memory_are_immediates() {
    check(
        "(module (memory 1) (func (param i32)
           (i32.store8 offset=5 (local.get 0) (i32.const 0))
           (f64.store (i32.shl (local.get 0) (i32.const 3)) (f64.const 1.5))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i32.store8 ptr=s0 value=0 offset=5
         24: i32.shl dst=s1 lhs=s0 rhs=3
         40: f64.store ptr=acc value=1.5 offset=0
         64: return",
    );
}

#[test]
fn a_product_added_to_something_is_one_multiply_add() {
    // The product in a temporary, from slots and from the accumulator, on either side of
    // the addition.
    check(
        "(module (func (param f64 f64 f64) (result f64)
           (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2))))",
        "frame: 4 slots (3 for params, 0 for locals)
         0: f64.mul_add dst=s0 lhs=s0 rhs=s1 addend=s2
         16: return",
    );
    check(
        "(module (func (param f64 f64 f64) (result f64)
           (f64.add (local.get 2) (f64.mul (f64.sqrt (local.get 0)) (local.get 1)))))",
        "frame: 5 slots (3 for params, 0 for locals)
         0: f64.sqrt dst=s4 src=s0
         16: f64.mul_add.acc dst=s0 rhs=s1 addend=s2
         32: return",
    );
}

#[test]
fn a_product_subtracted_or_subtracted_from_is_one_instruction() {
    check(
        "(module (func (param f64 f64 f64) (result f64)
           (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2))))",
        "frame: 4 slots (3 for params, 0 for locals)
         0: f64.mul_sub dst=s0 lhs=s0 rhs=s1 subtrahend=s2
         16: return",
    );
    check(
        "(module (func (param f64 f64 f64) (result f64)
           (f64.sub (local.get 2) (f64.mul (f64.sqrt (local.get 0)) (local.get 1)))))",
        "frame: 5 slots (3 for params, 0 for locals)
         0: f64.sqrt dst=s4 src=s0
         16: f64.sub_mul.acc dst=s0 minuend=s2 rhs=s1
         32: return",
    );
}

#[test]
fn a_product_that_is_kept_is_not_merged_into_the_addition() {
    // Stored to a local, or used twice: the product must exist.
    check(
        "(module (func (param f64 f64 f64) (result f64) (local f64)
           (local.set 3 (f64.mul (local.get 0) (local.get 1)))
           (f64.add (local.get 3) (local.get 2))))",
        "frame: 5 slots (3 for params, 1 for locals)
         0: f64.mul dst=s3 lhs=s0 rhs=s1
         16: f64.add dst=s0 lhs=acc rhs=s2
         32: return",
    );
}

#[test]
fn a_shift_then_mask_is_one_bit_field_extraction() {
    check(
        "(module (func (param i32) (result i32)
           (i32.and (i32.shr_u (local.get 0) (i32.const 5)) (i32.const 120))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i32.shr_u_and dst=s0 src=s0 shift=5 mask=120
         24: return",
    );
    // The shifted value from the accumulator; a shift count of 37 is 5.
    check(
        "(module (func (param i32) (result i32)
           (i32.and (i32.shr_u (i32.clz (local.get 0)) (i32.const 37)) (i32.const 3))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i32.clz dst=s1 src=s0
         16: i32.shr_u_and.acc dst=s0 shift=5 mask=3
         40: return",
    );
    // A shifted value that is kept in a local is not merged away.
    check(
        "(module (func (param i32) (result i32) (local i32)
           (i32.and (local.tee 1 (i32.shr_u (local.get 0) (i32.const 5))) (i32.const 120))))",
        "frame: 3 slots (1 for params, 1 for locals)
         0: i32.shr_u dst=s1 lhs=s0 rhs=5
         16: i32.and dst=s0 lhs=acc rhs=120
         32: return",
    );
}

#[test]
fn a_base_plus_constant_plus_index_is_one_add_or_one_load() {
    // `p + 16 + (i << 2)` loaded: the constant's add waits for the index, and the load
    // adds all three.
    check(
        "(module (memory 1) (func (param i32 i32) (result i32)
           (i32.load (i32.add (i32.add (local.get 0) (i32.const 16))
                              (i32.shl (local.get 1) (i32.const 2))))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i32.shl dst=s3 lhs=s1 rhs=2
         16: i32.load dst=s0 ptr=s0 index=acc imm=16 offset=0
         40: return",
    );
    // The sum kept for something else: one `i32.add3.acc`.
    check(
        "(module (func (param i32 i32) (result i32)
           (i32.add (i32.add (local.get 0) (i32.const -8))
                    (i32.shr_u (local.get 1) (i32.const 3)))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i32.shr_u dst=s3 lhs=s1 rhs=3
         16: i32.add3.acc dst=s0 lhs=s0 imm=-8
         32: return",
    );
    // The index also kept in a local: the instruction that computes it, retargeted to the
    // local, moves up as it is.
    check(
        "(module (func (param i32 i32) (result i32)
           (i32.add (i32.add (local.get 0) (i32.const 7))
                    (local.tee 1 (i32.mul (local.get 1) (local.get 1))))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i32.mul dst=s1 lhs=s1 rhs=s1
         16: i32.add3.acc dst=s0 lhs=s0 imm=7
         32: return",
    );
    // The index computed from the first sum: nothing merges.
    check(
        "(module (func (param i32) (result i32) (local i32)
           (i32.add (local.tee 1 (i32.add (local.get 0) (i32.const 7)))
                    (i32.mul (local.get 1) (local.get 1)))))",
        "frame: 4 slots (1 for params, 1 for locals)
         0: i32.add dst=s1 lhs=s0 rhs=7
         16: i32.mul dst=s3 lhs=acc rhs=s1
         32: i32.add dst=s0 lhs=s1 rhs=acc
         48: return",
    );
    // The index overwrites the slot the first sum read (the local): nothing merges.
    check(
        "(module (func (param i32) (result i32)
           (i32.add (i32.add (local.get 0) (i32.const 7))
                    (local.tee 0 (i32.mul (local.get 0) (local.get 0))))))",
        "frame: 3 slots (1 for params, 0 for locals)
         0: i32.add dst=s1 lhs=s0 rhs=7
         16: i32.mul dst=s0 lhs=s0 rhs=s0
         32: i32.add dst=s0 lhs=s1 rhs=acc
         48: return",
    );
}

#[test]
fn a_table_branch_on_a_masked_or_offset_index_computes_it_itself() {
    check(
        "(module (func (param i32) (result i32)
           (block (block (block
             (br_table 0 1 2 (i32.and (local.get 0) (i32.const 255))))
             (return (i32.const 10)))
             (return (i32.const 11)))
           (i32.const 12)))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_table.and index=s0 mask=255 len=2 targets=[@40, @72, @104]
         40: const32 dst=s0 value=10
         56: return_slot src=s0
         72: const32 dst=s0 value=11
         88: return_slot src=s0
         104: const32 dst=s0 value=12
         120: return_slot src=s0",
    );
    // From the lowest case: `i32.sub` of a constant is the `i32.add` of its negation.
    check(
        "(module (func (param i32) (result i32)
           (block (block
             (br_table 0 1 (i32.sub (local.get 0) (i32.const 3))))
             (return (i32.const 10)))
           (i32.const 12)))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: br_table.add index=s0 imm=-3 len=1 targets=[@32, @64]
         32: const32 dst=s0 value=10
         48: return_slot src=s0
         64: const32 dst=s0 value=12
         80: return_slot src=s0",
    );
    // The value masked just computed: the accumulator form.
    check(
        "(module (func (param i32) (result i32)
           (block (block
             (br_table 0 1 (i32.and (i32.clz (local.get 0)) (i32.const 1))))
             (return (i32.const 10)))
           (i32.const 12)))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i32.clz dst=s1 src=s0
         16: br_table.and index=acc mask=1 len=1 targets=[@40, @72]
         40: const32 dst=s0 value=10
         56: return_slot src=s0
         72: const32 dst=s0 value=12
         88: return_slot src=s0",
    );
    // The index also kept in a local: the `i32.and` stays.
    check(
        "(module (func (param i32) (result i32) (local i32)
           (block (block
             (br_table 0 1 (local.tee 1 (i32.and (local.get 0) (i32.const 1)))))
             (return (local.get 1)))
           (i32.const 12)))",
        "frame: 3 slots (1 for params, 1 for locals)
         0: i32.and dst=s1 lhs=s0 rhs=1
         16: br_table index=s1 len=1 targets=[@40, @48]
         40: return.acc
         48: const32 dst=s0 value=12
         64: return_slot src=s0",
    );
}

#[test]
fn an_xor_with_the_values_own_shift_is_one_instruction() {
    // A hash finalizer's round: the product in the accumulator, shifted and xored with
    // itself, without going through its slot.
    check(
        "(module (func (param i64) (result i64)
           (local.set 0 (i64.mul (local.get 0) (i64.const 3)))
           (i64.xor (local.get 0) (i64.shr_u (local.get 0) (i64.const 33)))))",
        "frame: 3 slots (1 for params, 0 for locals)
         0: i64.mul dst=s0 lhs=s0 rhs=3
         24: i64.xor_shr_u.acc dst=s0 shift=33
         40: return",
    );
    // From a slot, shift on the left, 32 bits; a count of 45 is 13.
    check(
        "(module (func (param i32) (result i32)
           (i32.xor (i32.shl (local.get 0) (i32.const 45)) (local.get 0))))",
        "frame: 2 slots (1 for params, 0 for locals)
         0: i32.xor_shl dst=s0 src=s0 shift=13
         16: return",
    );
    // A shift of another value: nothing merges.
    check(
        "(module (func (param i64 i64) (result i64)
           (i64.xor (local.get 0) (i64.shr_u (local.get 1) (i64.const 7)))))",
        "frame: 4 slots (2 for params, 0 for locals)
         0: i64.shr_u dst=s3 lhs=s1 rhs=7
         24: i64.xor dst=s0 lhs=s0 rhs=acc
         40: return",
    );
}
