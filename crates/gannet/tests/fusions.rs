//! Fused instructions compute what the instructions they replace would: each is run on
//! operands chosen to reach the edges of its arithmetic, and checked against a model.

use gannet::{Engine, Instance, Linker, Module, Store, Val};

/// Whether a comparison holds for `(a, b)`.
type Holds = fn(i32, i32) -> bool;

/// The `i32` comparisons, with the Rust function each is.
const COMPARISONS: [(&str, Holds); 10] = [
    ("eq", |a, b| a == b),
    ("ne", |a, b| a != b),
    ("lt_s", |a, b| a < b),
    ("lt_u", |a, b| (a as u32) < (b as u32)),
    ("gt_s", |a, b| a > b),
    ("gt_u", |a, b| (a as u32) > (b as u32)),
    ("le_s", |a, b| a <= b),
    ("le_u", |a, b| (a as u32) <= (b as u32)),
    ("ge_s", |a, b| a >= b),
    ("ge_u", |a, b| (a as u32) >= (b as u32)),
];

/// Starting values, bounds and steps that cross zero and both wrap-around points.
const STARTS: [i32; 5] = [0, -3, 5, i32::MAX - 2, i32::MIN + 1];
const BOUNDS: [i32; 5] = [0, 4, -2, i32::MAX, i32::MIN];
const STEPS: [i32; 4] = [1, -1, 3, i32::MIN];
const MAX_ROUNDS: i32 = 7;

/// How the loop tests the counter `$i` it has just stepped.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `br_if` back while `i <cmp> n`.
    CounterLeft,
    /// `br_if` back while `n <cmp> i`.
    CounterRight,
    /// `br_if` back while `i <cmp> K`, a constant.
    Constant(i32),
    /// `if (i <cmp> n) (then br back)`: the branch skips the `then` when the comparison
    /// fails, so it is taken on the negated comparison.
    Negated,
}

fn test_expr(cmp: &str, shape: Shape) -> String {
    match shape {
        Shape::CounterLeft | Shape::Negated => format!("(i32.{cmp} (local.get $i) (local.get $n))"),
        Shape::CounterRight => format!("(i32.{cmp} (local.get $n) (local.get $i))"),
        Shape::Constant(k) => format!("(i32.{cmp} (local.get $i) (i32.const {k}))"),
    }
}

/// A function `(i, n) -> rounds * 2^32 + i` that steps `i` by `step` (a constant, or a
/// local holding it) and loops while the test holds, at most `MAX_ROUNDS` times.
fn module(cmp: &str, shape: Shape, step: i32, step_in_local: bool) -> String {
    let test = test_expr(cmp, shape);
    let step_operand = if step_in_local { "(local.get $step)".to_string() } else { format!("(i32.const {step})") };
    let back_edge = match shape {
        Shape::Negated => format!("(if {test} (then (br $again)))"),
        _ => format!("(br_if $again {test})"),
    };
    format!(
        r#"(module (func (export "run") (param $i i32) (param $n i32) (result i64)
             (local $rounds i32) (local $step i32)
             (local.set $step (i32.const {step}))
             (block $out
               (loop $again
                 (br_if $out (i32.ge_u (local.get $rounds) (i32.const {MAX_ROUNDS})))
                 (local.set $rounds (i32.add (local.get $rounds) (i32.const 1)))
                 (local.set $i (i32.add (local.get $i) {step_operand}))
                 {back_edge}))
             (i64.or (i64.shl (i64.extend_i32_u (local.get $rounds)) (i64.const 32))
                     (i64.extend_i32_u (local.get $i)))))"#
    )
}

fn model(holds: Holds, shape: Shape, mut i: i32, n: i32, step: i32) -> i64 {
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        i = i.wrapping_add(step);
        let again = match shape {
            Shape::CounterLeft | Shape::Negated => holds(i, n),
            Shape::CounterRight => holds(n, i),
            Shape::Constant(k) => holds(i, k),
        };
        if !again {
            break;
        }
    }
    ((rounds as i64) << 32) | i as u32 as i64
}

fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance, Module) {
    let module = Module::new(engine, wat).expect("valid");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module).expect("instantiates");
    (store, instance, module)
}

#[test]
fn a_counter_step_fused_with_its_loop_test_branches_as_the_pair_would() {
    let engine = Engine::default();
    let shapes = [Shape::CounterLeft, Shape::CounterRight, Shape::Constant(3), Shape::Constant(-1), Shape::Negated];
    let mut checked = 0;
    for (cmp, holds) in COMPARISONS {
        for shape in shapes {
            for (step, step_in_local) in STEPS.into_iter().flat_map(|step| [(step, false), (step, true)]) {
                let wat = module(cmp, shape, step, step_in_local);
                let (mut store, instance, module) = instantiate(&engine, &wat);
                let ir = module.disassemble(0).expect("defined").expect("translates");
                let fused = if step_in_local { "step=s" } else { "imm=" };
                assert!(ir.contains("i32.step_br_if.") && ir.contains(fused), "{cmp} {shape:?}: not fused:\n{ir}");
                let run = instance.get_typed_func::<(i32, i32), i64>(&store, "run").expect("export");
                for start in STARTS {
                    for bound in BOUNDS {
                        let got = run.call(&mut store, (start, bound)).expect("runs");
                        let want = model(holds, shape, start, bound, step);
                        assert_eq!(
                            got, want,
                            "i32.{cmp} {shape:?} step {step} ({step_in_local}) from {start} to {bound}:\n{ir}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 10 * 5 * 4 * 2 * 5 * 5);
    // The step leaves the new counter in the accumulator, where a return takes it from.
    let (mut store, instance, module) = instantiate(
        &engine,
        r#"(module (func (export "count") (param i32 i32) (result i32)
             (loop
               (local.set 0 (i32.add (local.get 0) (i32.const 3)))
               (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))
             (local.get 0)))"#,
    );
    let ir = module.disassemble(0).expect("defined").expect("translates");
    assert!(ir.contains("return.acc"), "{ir}");
    let count = instance.get_typed_func::<(i32, i32), i32>(&store, "count").expect("export");
    for (start, bound) in [(0, 10), (5, 0), (-7, 2)] {
        let mut want = start + 3;
        while want < bound {
            want += 3;
        }
        assert_eq!(count.call(&mut store, (start, bound)).expect("runs"), want, "count({start}, {bound})");
    }
}

/// A value of `ty` from raw bits, as a `Val` and as the text of a `T.const`.
fn typed(ty: &str, bits: u64) -> (Val, String) {
    match ty {
        "i32" => (Val::I32(bits as i32), format!("{}", bits as i32)),
        "i64" => (Val::I64(bits as i64), format!("{}", bits as i64)),
        "f32" => (Val::F32(bits as u32), format!("{:?}", f32::from_bits(bits as u32))),
        _ => (Val::F64(bits), format!("{:?}", f64::from_bits(bits))),
    }
}

/// Constants chosen to reach the edges: zero, signs, widths' extremes, shift counts past
/// the width, infinities.
fn edge_bits(ty: &str) -> Vec<u64> {
    match ty {
        "i32" => [0i32, 1, -1, 7, 31, 33, i32::MIN, i32::MAX].iter().map(|&v| v as u32 as u64).collect(),
        "i64" => [0i64, 1, -1, 7, 63, 65, i64::MIN, i64::MAX].iter().map(|&v| v as u64).collect(),
        "f32" => [0.0f32, -0.0, 1.0, -2.5, 3.0e38, f32::INFINITY, f32::NEG_INFINITY, 1.0e-40]
            .iter()
            .map(|v| v.to_bits() as u64)
            .collect(),
        _ => [0.0f64, -0.0, 1.0, -2.5, 1.0e308, f64::INFINITY, f64::NEG_INFINITY, 5.0e-324]
            .iter()
            .map(|v| v.to_bits())
            .collect(),
    }
}

#[test]
fn constant_left_operands_compute_what_the_slot_forms_compute() {
    // `C op x` with C an immediate, and with x coming from the accumulator, against the
    // same op with both operands in slots.
    let ops: [(&str, &[&str]); 4] = [
        ("i32", &["sub", "shl", "shr_s", "shr_u", "rotl", "rotr"]),
        ("i64", &["sub", "shl", "shr_s", "shr_u", "rotl", "rotr"]),
        ("f32", &["sub", "div", "min", "max", "copysign"]),
        ("f64", &["sub", "div", "min", "max", "copysign"]),
    ];
    let engine = Engine::default();
    let mut checked = 0;
    for (ty, names) in ops {
        // An instruction that leaves `x` itself in the accumulator.
        let producer = match ty {
            "i32" | "i64" => format!("({ty}.xor (local.get 0) ({ty}.const 0))"),
            _ => format!("({ty}.neg ({ty}.neg (local.get 0)))"),
        };
        for name in names {
            for constant in edge_bits(ty) {
                let (c_val, c_text) = typed(ty, constant);
                let wat = format!(
                    r#"(module
                        (func (export "imm") (param {ty}) (result {ty}) ({ty}.{name} ({ty}.const {c_text}) (local.get 0)))
                        (func (export "acc") (param {ty}) (result {ty}) ({ty}.{name} ({ty}.const {c_text}) {producer}))
                        (func (export "slots") (param {ty} {ty}) (result {ty}) ({ty}.{name} (local.get 0) (local.get 1))))"#
                );
                let (mut store, instance, module) = instantiate(&engine, &wat);
                for (index, rhs) in [(0, "rhs=s0"), (1, "rhs=acc")] {
                    let ir = module.disassemble(index).expect("defined").expect("translates");
                    let op = ir.lines().find(|l| l.contains(&format!("{ty}.{name} "))).unwrap_or("");
                    let immediate_lhs = !op.contains("lhs=s") && !op.contains("lhs=acc");
                    assert!(immediate_lhs && op.contains(rhs), "{ty}.{name}: no immediate left operand:\n{ir}");
                }
                let call = |store: &mut Store<()>, export: &str, params: &[Val]| {
                    let func = instance.get_func(&*store, export).expect("export");
                    let mut results = [Val::I32(0)];
                    func.call(store, params, &mut results).expect("runs");
                    results[0]
                };
                for x in edge_bits(ty) {
                    let (x_val, _) = typed(ty, x);
                    let want = call(&mut store, "slots", &[c_val, x_val]);
                    for export in ["imm", "acc"] {
                        let got = call(&mut store, export, &[x_val]);
                        assert_eq!(got, want, "{ty}.{name} {c_text} {x_val:?} ({export})");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 22 * 8 * 8 * 2);
}

#[test]
fn operands_computed_in_the_other_order_give_the_same_results_and_traps() {
    let engine = Engine::default();
    let wat = r#"(module (memory 1)
        (func (export "tee") (param i64 i64 i32) (result i64)
          (i64.add (i64.mul (local.get 0) (i64.const 3)) (local.tee 1 (i64.extend_i32_u (local.get 2))))
          (local.get 1)
          i64.mul)
        (func (export "sub") (param i32 i32) (result i32)
          (i32.sub (i32.rotl (local.get 0) (i32.const 7)) (i32.shr_u (local.get 1) (i32.const 3))))
        (func (export "traps") (param i32 i32) (result i32)
          (i32.sub (i32.div_u (local.get 0) (local.get 1)) (i32.load offset=100000 (local.get 1)))))"#;
    let (mut store, instance, module) = instantiate(&engine, wat);
    let ir = module.disassemble(1).expect("defined").expect("translates");
    assert!(ir.contains("i32.sub dst=s0 lhs=acc"), "not reordered:\n{ir}");
    let tee = instance.get_typed_func::<(i64, i64, i32), i64>(&store, "tee").expect("export");
    let sub = instance.get_typed_func::<(i32, i32), i32>(&store, "sub").expect("export");
    for (x, i) in [(0i64, 0i32), (5, 7), (-1, -1), (i64::MAX, i32::MIN)] {
        let extended = i as u32 as i64;
        let want = x.wrapping_mul(3).wrapping_add(extended).wrapping_mul(extended);
        assert_eq!(tee.call(&mut store, (x, 99, i)).expect("runs"), want);
        let (a, b) = (x as i32, i);
        assert_eq!(
            sub.call(&mut store, (a, b)).expect("runs"),
            a.rotate_left(7).wrapping_sub(((b as u32) >> 3) as i32)
        );
    }
    // The division comes first in the source: its trap is the one reported.
    let traps = instance.get_typed_func::<(i32, i32), i32>(&store, "traps").expect("export");
    let error = traps.call(&mut store, (1, 0)).expect_err("traps").to_string();
    assert!(error.contains("integer divide by zero"), "{error}");
}

#[test]
fn stores_of_constants_write_what_stores_of_slots_write() {
    // Each store with its value an immediate (address in a slot, and in the accumulator)
    // against the same store with its value in a slot; memory read back as an i64.
    let stores = [
        ("i32", "store"),
        ("i64", "store"),
        ("f32", "store"),
        ("f64", "store"),
        ("i32", "store8"),
        ("i32", "store16"),
        ("i64", "store8"),
        ("i64", "store16"),
        ("i64", "store32"),
    ];
    let engine = Engine::default();
    let mut checked = 0;
    for (ty, store_op) in stores {
        for constant in edge_bits(ty) {
            let (c_val, c_text) = typed(ty, constant);
            let wat = format!(
                r#"(module (memory 1)
                    (func (export "imm") (param i32) (result i64)
                      (memory.fill (i32.add (local.get 0) (i32.const 3)) (i32.const 0xa5) (i32.const 8))
                      ({ty}.{store_op} offset=3 (local.get 0) ({ty}.const {c_text}))
                      (i64.load offset=3 (local.get 0)))
                    (func (export "acc") (param i32) (result i64)
                      (memory.fill (i32.add (local.get 0) (i32.const 3)) (i32.const 0xa5) (i32.const 8))
                      ({ty}.{store_op} offset=3 (i32.add (local.get 0) (i32.const 0)) ({ty}.const {c_text}))
                      (i64.load offset=3 (local.get 0)))
                    (func (export "slots") (param i32 {ty}) (result i64)
                      (memory.fill (i32.add (local.get 0) (i32.const 3)) (i32.const 0xa5) (i32.const 8))
                      ({ty}.{store_op} offset=3 (local.get 0) (local.get 1))
                      (i64.load offset=3 (local.get 0))))"#
            );
            let (mut store, instance, module) = instantiate(&engine, &wat);
            for (index, ptr) in [(0, "ptr=s0"), (1, "ptr=acc")] {
                let ir = module.disassemble(index).expect("defined").expect("translates");
                let line = ir.lines().find(|l| l.contains(&format!("{ty}.{store_op} "))).unwrap_or("");
                assert!(line.contains(ptr) && !line.contains("value=s"), "{ty}.{store_op}: no immediate value:\n{ir}");
            }
            for address in [0, 1, 4093] {
                let mut call = |export: &str, params: &[Val]| {
                    let func = instance.get_func(&store, export).expect("export");
                    let mut results = [Val::I64(0)];
                    func.call(&mut store, params, &mut results).expect("runs");
                    results[0]
                };
                let want = call("slots", &[Val::I32(address), c_val]);
                for export in ["imm", "acc"] {
                    assert_eq!(
                        call(export, &[Val::I32(address)]),
                        want,
                        "{ty}.{store_op} {c_text} at {address} ({export})"
                    );
                    checked += 1;
                }
            }
            // Out of bounds, the immediate form traps as the slot form does.
            let imm = instance.get_func(&store, "imm").expect("export");
            let error = imm.call(&mut store, &[Val::I32(65533)], &mut [Val::I64(0)]).expect_err("traps");
            assert!(error.to_string().contains("out of bounds"), "{error}");
        }
    }
    assert_eq!(checked, 9 * 8 * 3 * 2);
}

#[test]
fn multiply_adds_round_the_product_like_the_two_instructions() {
    // For each combination (`+`, product `-` other, other `-` product): `slots`, the product
    // of two slots; `acc`, one factor in the accumulator; `kept`, the product stored to a
    // local first, which keeps the two instructions apart.
    type Model = fn(f64, f64) -> f64;
    let combinations: [(&str, &str, &str, Model); 3] = [
        ("f64.add", "(local.get 2) {product}", "f64.mul_add", |p, c| c + p),
        ("f64.sub", "{product} (local.get 2)", "f64.mul_sub", |p, c| p - c),
        ("f64.sub", "(local.get 2) {product}", "f64.sub_mul", |p, c| c - p),
    ];
    // With a fused multiply-add, (1 + 2^-52)(1 - 2^-52) - 1 would be -2^-104, not 0.
    let mut values: Vec<f64> = edge_bits("f64").into_iter().map(f64::from_bits).collect();
    values.extend([f64::NAN, 3.0, 1.0e-300, -7.25, -1.0, 1.0 + f64::EPSILON, 1.0 - f64::EPSILON]);
    let engine = Engine::default();
    let mut checked = 0;
    for (combine, operands, fused, model) in combinations {
        let body = |product: &str| format!("({combine} {})", operands.replace("{product}", product));
        let wat = format!(
            r#"(module
            (func (export "slots") (param f64 f64 f64) (result f64)
              {})
            (func (export "acc") (param f64 f64 f64) (result f64)
              {})
            (func (export "kept") (param f64 f64 f64) (result f64) (local f64)
              (local.set 3 (f64.mul (local.get 0) (local.get 1)))
              {}))"#,
            body("(f64.mul (local.get 0) (local.get 1))"),
            body("(f64.mul (f64.neg (f64.neg (local.get 0))) (local.get 1))"),
            body("(local.get 3)"),
        );
        let (mut store, instance, module) = instantiate(&engine, &wat);
        for (index, form) in [(0, format!("{fused} ")), (1, format!("{fused}.acc ")), (2, "f64.mul ".to_string())] {
            let ir = module.disassemble(index).expect("defined").expect("translates");
            assert!(ir.contains(&form), "{fused}: function {index} lacks {form}:\n{ir}");
        }
        for &a in &values {
            for &b in &values {
                for &c in &values {
                    let expected = model(a * b, c);
                    let params = [Val::F64(a.to_bits()), Val::F64(b.to_bits()), Val::F64(c.to_bits())];
                    for export in ["slots", "acc", "kept"] {
                        let func = instance.get_func(&store, export).expect("export");
                        let mut results = [Val::F64(0)];
                        func.call(&mut store, &params, &mut results).expect("runs");
                        let Val::F64(bits) = results[0] else { panic!("not an f64") };
                        let got = f64::from_bits(bits);
                        assert!(
                            got.to_bits() == expected.to_bits() || (got.is_nan() && expected.is_nan()),
                            "{fused} {export}({a:e}, {b:e}, {c:e}) = {got:e}, expected {expected:e}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 15 * 15 * 15);
}

#[test]
fn bit_field_extractions_compute_what_shift_and_mask_compute() {
    // `slot`: the shifted value in a slot; `acc`: in the accumulator; `kept`: the shift's
    // result also stored to a local, which keeps the two instructions apart.
    let engine = Engine::default();
    let values = [0u32, 1, 0x8000_0000, 0xffff_ffff, 0x1234_5678, 0xdead_beef];
    let masks = [0u32, 1, 0x78, 0xff, 0x8000_0000, 0xffff_ffff];
    let mut checked = 0;
    for shift in [0u32, 1, 5, 13, 31, 32, 37] {
        for mask in masks {
            let wat = format!(
                r#"(module
                (func (export "slot") (param i32) (result i32)
                  (i32.and (i32.shr_u (local.get 0) (i32.const {shift})) (i32.const {mask})))
                (func (export "acc") (param i32) (result i32)
                  (i32.and (i32.shr_u (i32.xor (local.get 0) (i32.const 0)) (i32.const {shift})) (i32.const {mask})))
                (func (export "kept") (param i32) (result i32) (local i32)
                  (i32.and (local.tee 1 (i32.shr_u (local.get 0) (i32.const {shift}))) (i32.const {mask}))))"#,
                mask = mask as i32
            );
            let (mut store, instance, module) = instantiate(&engine, &wat);
            for (index, form) in [(0, "i32.shr_u_and "), (1, "i32.shr_u_and.acc "), (2, "i32.shr_u ")] {
                let ir = module.disassemble(index).expect("defined").expect("translates");
                assert!(ir.contains(form), "function {index} lacks {form}:\n{ir}");
            }
            for value in values {
                let expected = value.wrapping_shr(shift) & mask;
                for export in ["slot", "acc", "kept"] {
                    let func = instance.get_func(&store, export).expect("export");
                    let mut results = [Val::I32(0)];
                    func.call(&mut store, &[Val::I32(value as i32)], &mut results).expect("runs");
                    let Val::I32(got) = results[0] else { panic!("not an i32") };
                    assert_eq!(got as u32, expected, "{export}({value:#x}) >> {shift} & {mask:#x}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 7 * 6 * 6 * 3);
}

#[test]
fn three_way_address_sums_wrap_at_32_bits_like_the_two_adds() {
    // `fused`: `(p + k) + (i << 2)` loaded (one load adding all three) and returned as a
    // sum (`i32.add3.acc`); `apart`: the same with `p + k` kept in a local, which keeps
    // the instructions apart. Memory holds each byte's address, so a load tells where it
    // read; the two must agree on values and traps.
    let engine = Engine::default();
    let bases = [0u32, 4, 0xffff_fff0, 0x8000_0000, 65_520];
    let offsets = [0i32, 16, -16, 0x20, i32::MIN];
    let indexes = [0u32, 1, 3, 0x4000_0000, 0x3fff_fffc];
    let mut checked = 0;
    for k in offsets {
        let wat = format!(
            r#"(module
            (memory 1)
            (func $fill (local $a i32)
              (loop $next
                (i32.store8 (local.get $a) (local.get $a))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br_if $next (i32.lt_u (local.get $a) (i32.const 65536)))))
            (start $fill)
            (func (export "fused_load") (param i32 i32) (result i32)
              (i32.load (i32.add (i32.add (local.get 0) (i32.const {k})) (i32.shl (local.get 1) (i32.const 2)))))
            (func (export "apart_load") (param i32 i32) (result i32) (local i32)
              (i32.load (i32.add (local.tee 2 (i32.add (local.get 0) (i32.const {k}))) (i32.shl (local.get 1) (i32.const 2)))))
            (func (export "fused_sum") (param i32 i32) (result i32)
              (i32.add (i32.add (local.get 0) (i32.const {k})) (i32.shl (local.get 1) (i32.const 2))))
            (func (export "apart_sum") (param i32 i32) (result i32) (local i32)
              (i32.add (local.tee 2 (i32.add (local.get 0) (i32.const {k}))) (i32.shl (local.get 1) (i32.const 2))))
            ;; The index also goes to a local, read again after the sum.
            (func (export "fused_kept") (param i32 i32) (result i32)
              (i32.add (i32.add (i32.add (local.get 0) (i32.const {k})) (local.tee 1 (i32.shl (local.get 1) (i32.const 2))))
                       (local.get 1)))
            (func (export "apart_kept") (param i32 i32) (result i32) (local i32)
              (i32.add (i32.add (local.tee 2 (i32.add (local.get 0) (i32.const {k}))) (local.tee 1 (i32.shl (local.get 1) (i32.const 2))))
                       (local.get 1))))"#
        );
        let (mut store, instance, module) = instantiate(&engine, &wat);
        for (index, form) in
            [(1, "index=acc imm="), (2, "i32.load dst"), (3, "i32.add3.acc "), (4, "i32.add dst"), (5, "i32.add3.acc ")]
        {
            let ir = module.disassemble(index).expect("defined").expect("translates");
            assert!(ir.contains(form), "function {index} lacks {form}:\n{ir}");
        }
        for p in bases {
            for i in indexes {
                let args = [Val::I32(p as i32), Val::I32(i as i32)];
                for kind in ["load", "sum", "kept"] {
                    let mut run = |name: String| {
                        let func = instance.get_func(&store, &name).expect("export");
                        let mut results = [Val::I32(0)];
                        func.call(&mut store, &args, &mut results)
                            .map(|()| results[0])
                            // (The trap without its backtrace, which names the function.)
                            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
                    };
                    let (fused, apart) = (run(format!("fused_{kind}")), run(format!("apart_{kind}")));
                    assert_eq!(format!("{fused:?}"), format!("{apart:?}"), "{kind}: p={p:#x} k={k} i={i:#x}");
                    let address = p.wrapping_add(k as u32).wrapping_add(i << 2);
                    if kind != "load" {
                        let sum = if kind == "kept" { address.wrapping_add(i << 2) } else { address };
                        assert_eq!(format!("{fused:?}"), format!("{:?}", Ok::<_, String>(Val::I32(sum as i32))));
                    } else {
                        assert_eq!(fused.is_ok(), address <= 65_532, "p={p:#x} k={k} i={i:#x}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 5 * 5 * 3);
}

#[test]
fn table_branches_on_computed_indexes_choose_what_the_two_instructions_choose() {
    // `fused`: the `br_table` computes `x & mask` or `x + k` itself; `apart`: the index
    // is also kept in a local, which keeps the instructions apart. Each case returns its
    // number; indexes past the table (and those the add wraps) take the default.
    let engine = Engine::default();
    let values = [0u32, 1, 2, 3, 4, 5, 7, 0xff, 0x100, 0x102, 0x8000_0000, 0xffff_ffff, 0xffff_fffe];
    let mut checked = 0;
    for (compute, model) in [
        ("(i32.and (local.get 0) (i32.const 3))", (|x: u32| x & 3) as fn(u32) -> u32),
        ("(i32.and (local.get 0) (i32.const 0x102))", |x| x & 0x102),
        ("(i32.add (local.get 0) (i32.const 2))", |x| x.wrapping_add(2)),
        ("(i32.sub (local.get 0) (i32.const 3))", |x| x.wrapping_sub(3)),
    ] {
        let table = |index: &str| {
            format!(
                "(block (block (block (block (br_table 0 1 2 3 {index}))
                   (return (i32.const 100))) (return (i32.const 101))) (return (i32.const 102)))
                 (i32.const 103)"
            )
        };
        let wat = format!(
            r#"(module
            (func (export "fused") (param i32) (result i32) {fused})
            (func (export "apart") (param i32) (result i32) (local i32) {apart})
            ;; The operand just computed (`x ^ 0`), so in the accumulator.
            (func (export "fused_acc") (param i32) (result i32)
              (local.set 0 (i32.xor (local.get 0) (i32.const 0))) {fused}))"#,
            fused = table(compute),
            apart = table(&format!("(local.tee 1 {compute})")),
        );
        let (mut store, instance, module) = instantiate(&engine, &wat);
        for (index, form) in [(0, "index=s0"), (2, "index=acc")] {
            let ir = module.disassemble(index).expect("defined").expect("translates");
            assert!(ir.contains("br_table.") && ir.contains(form), "not fused ({form}):\n{ir}");
        }
        for x in values {
            let mut run = |name: &str| {
                let func = instance.get_func(&store, name).expect("export");
                let mut results = [Val::I32(0)];
                func.call(&mut store, &[Val::I32(x as i32)], &mut results).expect("runs");
                let Val::I32(got) = results[0] else { panic!("not an i32") };
                got
            };
            let (fused, apart, fused_acc) = (run("fused"), run("apart"), run("fused_acc"));
            let expected = 100 + model(x).min(3) as i32;
            assert_eq!((fused, apart, fused_acc), (expected, expected, expected), "{compute} for {x:#x}");
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 13);
}

#[test]
fn xors_with_a_values_own_shift_compute_what_the_two_instructions_compute() {
    // For each width and shift kind: `slot` shifts a parameter, `acc` a product just
    // computed (in the accumulator), `kept` also stores the shift to a local, which keeps
    // the instructions apart; counts past the width wrap as Wasm's do.
    let engine = Engine::default();
    let values: [u64; 6] = [0, 1, 0x8000_0000_0000_0001, u64::MAX, 0x1234_5678_9abc_def0, 0xdead_beef];
    let mut checked = 0;
    for (ty, bits) in [("i32", 32u32), ("i64", 64)] {
        for (shift_op, is_left) in [("shr_u", false), ("shl", true)] {
            for count in [0u32, 1, 13, 31, 33, 63, 64, 77] {
                let wat = format!(
                    r#"(module
                    (func (export "slot") (param {ty}) (result {ty})
                      ({ty}.xor (local.get 0) ({ty}.{shift_op} (local.get 0) ({ty}.const {count}))))
                    (func (export "acc") (param {ty}) (result {ty})
                      (local.set 0 ({ty}.mul (local.get 0) ({ty}.const 5)))
                      ({ty}.xor (local.get 0) ({ty}.{shift_op} (local.get 0) ({ty}.const {count}))))
                    (func (export "kept") (param {ty}) (result {ty}) (local {ty})
                      ({ty}.xor (local.get 0) (local.tee 1 ({ty}.{shift_op} (local.get 0) ({ty}.const {count}))))))"#
                );
                let (mut store, instance, module) = instantiate(&engine, &wat);
                for (index, form) in [(0, "xor_"), (1, ".acc "), (2, "xor dst")] {
                    let ir = module.disassemble(index).expect("defined").expect("translates");
                    assert!(ir.contains(form), "{ty}.{shift_op} {count}: function {index} lacks {form}:\n{ir}");
                }
                let mask = if bits == 32 { u32::MAX as u64 } else { u64::MAX };
                let shift = |x: u64| {
                    let k = count % bits;
                    (if is_left { x << k } else { x >> k }) & mask
                };
                for value in values {
                    let x = value & mask;
                    let arg = if bits == 32 { Val::I32(x as i32) } else { Val::I64(x as i64) };
                    for export in ["slot", "acc", "kept"] {
                        let input = if export == "acc" { x.wrapping_mul(5) & mask } else { x };
                        let expected = input ^ shift(input);
                        let func = instance.get_func(&store, export).expect("export");
                        let mut results = [Val::I32(0)];
                        func.call(&mut store, &[arg], &mut results).expect("runs");
                        let got = match results[0] {
                            Val::I32(v) => v as u32 as u64,
                            Val::I64(v) => v as u64,
                            _ => panic!("not an integer"),
                        };
                        assert_eq!(got, expected, "{export}: {ty}.{shift_op} {count} of {x:#x}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 2 * 8 * 6 * 3);
}

#[test]
fn a_call_leaves_its_result_in_the_accumulator_on_every_way_back() {
    // Each caller computes an argument into the accumulator, calls, and computes with the
    // result read from the accumulator: a way back that left the accumulator alone would
    // give the argument instead. The ways back: a host function (called directly, by a
    // tail call and through a table), a function of another instance, the returns of
    // each kind (from the accumulator, from a slot, of a constant, after an `if` whose
    // arms meet with the value in the accumulator or not), for each accumulator.
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(&mut store, "host", "i32", |_: gannet::Caller<'_, ()>, x: i32| x.wrapping_mul(10)).unwrap();
    linker.func_wrap(&mut store, "host", "f64", |_: gannet::Caller<'_, ()>, x: f64| x * 10.0).unwrap();
    linker.func_wrap(&mut store, "host", "f32", |_: gannet::Caller<'_, ()>, x: f32| x * 10.0).unwrap();
    let other = Module::new(
        &engine,
        r#"(module
          (func (export "i64") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 10)))
          (func (export "f64") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 10))))"#,
    )
    .unwrap();
    let other = linker.instantiate(&mut store, &other).unwrap();
    linker.instance(&mut store, "other", other).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "i32" (func $host_i32 (param i32) (result i32)))
          (import "host" "f64" (func $host_f64 (param f64) (result f64)))
          (import "host" "f32" (func $host_f32 (param f32) (result f32)))
          (import "other" "i64" (func $other_i64 (param i64) (result i64)))
          (import "other" "f64" (func $other_f64 (param f64) (result f64)))
          (type $i32_i32 (func (param i32) (result i32)))
          (type $f32_f32 (func (param f32) (result f32)))
          (table funcref (elem $host_i32 $times_ten_f32 $tail_to_host))
          (global $g (mut i32) (i32.const 0))
          (func $tail_to_host (param i32) (result i32) (return_call $host_i32 (local.get 0)))
          (func $times_ten_f32 (param f32) (result f32) (f32.mul (local.get 0) (f32.const 10)))
          (func $global_i32 (param i32) (result i32)
            (global.set $g (i32.mul (local.get 0) (i32.const 10)))
            (global.get $g))
          (func $constant_i64 (param i64) (result i64) (i64.const 1000))
          (func $constant_f64 (param f64) (result f64) (f64.const 1000))
          ;; Both arms leave the result in the accumulator (`copy.acc`, an `f64.mul`).
          (func $callee_merged_f64 (param f64) (result f64)
            (if (result f64) (f64.lt (f64.mul (local.get 0) (f64.const 2)) (f64.const 0))
              (then (local.get 0))
              (else (f64.mul (local.get 0) (f64.const 10)))))
          ;; One arm leaves the result in the accumulator, the other a constant.
          (func $callee_half_merged_i32 (param i32) (result i32)
            (if (result i32) (i32.lt_s (local.get 0) (i32.const 0))
              (then (i32.mul (local.get 0) (i32.const 10)))
              (else (i32.const -1))))
          (func (export "host_i32") (param i32) (result i32)
            (i32.add (call $host_i32 (i32.add (local.get 0) (i32.const 1))) (i32.const 5)))
          (func (export "host_f64") (param f64) (result f64)
            (f64.add (call $host_f64 (f64.add (local.get 0) (f64.const 1))) (f64.const 5)))
          (func (export "host_f32") (param f32) (result f32)
            (f32.add (call $host_f32 (f32.add (local.get 0) (f32.const 1))) (f32.const 5)))
          (func (export "tail_to_host") (param i32) (result i32)
            (i32.add (call $tail_to_host (i32.add (local.get 0) (i32.const 1))) (i32.const 5)))
          (func (export "other_i64") (param i64) (result i64)
            (i64.add (call $other_i64 (i64.add (local.get 0) (i64.const 1))) (i64.const 5)))
          (func (export "other_f64") (param f64) (result f64)
            (f64.add (call $other_f64 (f64.add (local.get 0) (f64.const 1))) (f64.const 5)))
          (func (export "table_i32") (param i32 i32) (result i32)
            (i32.add (call_indirect (type $i32_i32) (i32.add (local.get 0) (i32.const 1)) (local.get 1))
                     (i32.const 5)))
          (func (export "table_f32") (param f32) (result f32)
            (f32.add (call_indirect (type $f32_f32) (f32.add (local.get 0) (f32.const 1)) (i32.const 1))
                     (f32.const 5)))
          (func (export "global_i32") (param i32) (result i32)
            (i32.add (call $global_i32 (i32.add (local.get 0) (i32.const 1))) (i32.const 5)))
          (func (export "constant_i64") (param i64) (result i64)
            (i64.add (call $constant_i64 (i64.add (local.get 0) (i64.const 1))) (i64.const 5)))
          (func (export "constant_f64") (param f64) (result f64)
            (f64.add (call $constant_f64 (f64.add (local.get 0) (f64.const 1))) (f64.const 5)))
          (func (export "merged_f64") (param f64) (result f64)
            (f64.add (call $callee_merged_f64 (f64.add (local.get 0) (f64.const 1))) (f64.const 5)))
          (func (export "half_merged_i32") (param i32) (result i32)
            (i32.add (call $callee_half_merged_i32 (i32.add (local.get 0) (i32.const 1))) (i32.const 5))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let ir = |name: &str| module.disassemble(module.find_function(name).unwrap()).unwrap().unwrap();
    let merged = ir("callee_merged_f64");
    assert!(merged.contains("copy.facc") && merged.contains("return.facc"), "{merged}");
    let half_merged = ir("callee_half_merged_i32");
    assert!(half_merged.contains("return_slot") && !half_merged.contains("return.acc"), "{half_merged}");
    let i32_of = |store: &mut Store<()>, name: &str, x: i32| {
        instance.get_typed_func::<i32, i32>(&*store, name).unwrap().call(store, x).unwrap()
    };
    for x in [0, 6, -3, i32::MAX] {
        let times_ten_plus_five = x.wrapping_add(1).wrapping_mul(10).wrapping_add(5);
        for name in ["host_i32", "tail_to_host", "global_i32"] {
            assert_eq!(i32_of(&mut store, name, x), times_ten_plus_five, "{name}({x})");
        }
        let half_merged = if x.wrapping_add(1) < 0 { times_ten_plus_five } else { 4 };
        assert_eq!(i32_of(&mut store, "half_merged_i32", x), half_merged, "half_merged_i32({x})");
        let table = instance.get_typed_func::<(i32, i32), i32>(&store, "table_i32").unwrap();
        for entry in [0, 2] {
            assert_eq!(table.call(&mut store, (x, entry)).unwrap(), times_ten_plus_five, "table_i32({x}, {entry})");
        }
        let x = i64::from(x) << 20;
        let other = instance.get_typed_func::<i64, i64>(&store, "other_i64").unwrap();
        assert_eq!(other.call(&mut store, x).unwrap(), (x + 1) * 10 + 5, "other_i64({x})");
        let constant = instance.get_typed_func::<i64, i64>(&store, "constant_i64").unwrap();
        assert_eq!(constant.call(&mut store, x).unwrap(), 1005, "constant_i64({x})");
    }
    for x in [0.0f64, 2.5, -7.0, 1e300] {
        for name in ["host_f64", "other_f64"] {
            let f = instance.get_typed_func::<f64, f64>(&store, name).unwrap();
            assert_eq!(f.call(&mut store, x).unwrap(), (x + 1.0) * 10.0 + 5.0, "{name}({x})");
        }
        let constant = instance.get_typed_func::<f64, f64>(&store, "constant_f64").unwrap();
        assert_eq!(constant.call(&mut store, x).unwrap(), 1005.0, "constant_f64({x})");
        let merged = instance.get_typed_func::<f64, f64>(&store, "merged_f64").unwrap();
        let arg = x + 1.0;
        let want = if arg < 0.0 { arg + 5.0 } else { arg * 10.0 + 5.0 };
        assert_eq!(merged.call(&mut store, x).unwrap(), want, "merged_f64({x})");
        let x = x as f32;
        for name in ["host_f32", "table_f32"] {
            let f = instance.get_typed_func::<f32, f32>(&store, name).unwrap();
            assert_eq!(f.call(&mut store, x).unwrap(), (x + 1.0) * 10.0 + 5.0, "{name}({x})");
        }
    }
}
