//! Fused instructions compute what the instructions they replace would: each is run on
//! operands chosen to reach the edges of its arithmetic, and checked against a model.

use gannet::{Engine, Instance, Linker, Module, Store};

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

/// A function `(i, n) -> rounds * 2^32 + i` that steps `i` by `step` and loops while the
/// test holds, at most `MAX_ROUNDS` times.
fn module(cmp: &str, shape: Shape, step: i32) -> String {
    let test = test_expr(cmp, shape);
    let back_edge = match shape {
        Shape::Negated => format!("(if {test} (then (br $again)))"),
        _ => format!("(br_if $again {test})"),
    };
    format!(
        r#"(module (func (export "run") (param $i i32) (param $n i32) (result i64) (local $rounds i32)
             (block $out
               (loop $again
                 (br_if $out (i32.ge_u (local.get $rounds) (i32.const {MAX_ROUNDS})))
                 (local.set $rounds (i32.add (local.get $rounds) (i32.const 1)))
                 (local.set $i (i32.add (local.get $i) (i32.const {step})))
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
            for step in STEPS {
                let wat = module(cmp, shape, step);
                let (mut store, instance, module) = instantiate(&engine, &wat);
                let ir = module.disassemble(0).expect("defined").expect("translates");
                assert!(ir.contains("i32.step_br_if."), "{cmp} {shape:?}: not fused:\n{ir}");
                let run = instance.get_typed_func::<(i32, i32), i64>(&store, "run").expect("export");
                for start in STARTS {
                    for bound in BOUNDS {
                        let got = run.call(&mut store, (start, bound)).expect("runs");
                        let want = model(holds, shape, start, bound, step);
                        assert_eq!(got, want, "i32.{cmp} {shape:?} step {step} from {start} to {bound}:\n{ir}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 10 * 5 * 4 * 5 * 5);
}
