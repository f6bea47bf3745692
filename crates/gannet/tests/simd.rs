//! `v128` values crossing every boundary where slots are laid out: calls (internal,
//! indirect, tail), block parameters and results, branches, drops, globals, and the host.

use gannet::{Engine, Func, FuncType, Linker, Module, Store, Val, ValType};

const LANES: u128 = 0x0f0e0d0c_0b0a0908_07060504_03020100;

fn lanes32(v: u128) -> [u32; 4] {
    std::array::from_fn(|i| (v >> (32 * i)) as u32)
}

fn from_lanes32(lanes: [u32; 4]) -> u128 {
    lanes.iter().enumerate().map(|(i, &x)| (x as u128) << (32 * i)).sum()
}

fn i32x4_add(a: u128, b: u128) -> u128 {
    from_lanes32(std::array::from_fn(|i| lanes32(a)[i].wrapping_add(lanes32(b)[i])))
}

#[test]
fn v128_values_cross_calls_blocks_globals_and_the_host() {
    let wat = r#"(module
        (import "host" "swap" (func $swap (param i32 v128 i64) (result v128 i32)))
        (global $g (export "g") (mut v128) (v128.const i32x4 0 0 0 0))
        (table 1 funcref)
        (elem (i32.const 0) $mix)
        (type $mix_t (func (param i32 v128 i64 v128) (result v128 i64)))
        ;; Mixed widths: the second v128 starts at slot 4.
        (func $mix (param i32 v128 i64 v128) (result v128 i64)
            (i32x4.add (local.get 1) (local.get 3))
            (i64.add (local.get 2) (i64.extend_i32_u (local.get 0))))
        (func $tail (param v128 i32) (result v128 i64)
            (return_call $mix (local.get 1) (local.get 0) (i64.const 10) (local.get 0)))
        (func (export "run") (param v128) (result v128 i64 i32)
            (local $sum v128) (local $n i64) (local $k i32)
            (local.get 0) (local.get 0)
            ;; A block with v128 parameters and a v128 result, left by a branch.
            (block (param v128 v128) (result v128)
                (i8x16.add)
                (br 0))
            (local.set $sum)
            (call $mix (i32.const 1) (local.get $sum) (i64.const 2) (local.get 0))
            (local.set $n)
            (global.set $g)
            (call_indirect (type $mix_t)
                (i32.const 3) (global.get $g) (local.get $n) (local.get 0) (i32.const 0))
            (drop)
            (drop)
            (call $tail (local.get 0) (i32.const 4))
            (local.set $n)
            (local.set $sum)
            (call $swap (i32.const 7) (local.get $sum) (i64.const 5))
            (local.set $k)
            (local.get $n)
            (local.get $k))
    )"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let swap = Func::new(
        &mut store,
        FuncType::new([ValType::I32, ValType::V128, ValType::I64], [ValType::V128, ValType::I32]),
        |_caller, params, results| {
            let (Val::I32(a), Val::V128(v), Val::I64(b)) = (params[0], params[1], params[2]) else {
                panic!("the host got {params:?}");
            };
            results[0] = Val::V128(v.rotate_left(8));
            results[1] = Val::I32(a * 100 + b as i32);
            Ok(())
        },
    );
    linker.define(&store, "host", "swap", swap).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let mut results = [Val::I32(0), Val::I64(0), Val::I32(0)];
    run.call(&mut store, &[Val::V128(LANES)], &mut results).unwrap();

    // i8x16.add of LANES with itself overflows no lane.
    let doubled = LANES * 2;
    let global = instance.get_global(&store, "g").unwrap();
    assert_eq!(global.get(&store), Val::V128(i32x4_add(doubled, LANES)));
    // $tail: $mix(4, LANES, 10, LANES), then the host rotates the vector.
    assert_eq!(results[0], Val::V128(i32x4_add(LANES, LANES).rotate_left(8)));
    assert_eq!(results[1], Val::I64(14));
    assert_eq!(results[2], Val::I32(705));
}

#[test]
fn v128_arguments_and_results_from_the_host() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "f") (param i64 v128 f32) (result f32 v128 i64)
            (local.get 2) (f32x4.mul (local.get 1) (f32x4.splat (local.get 2))) (local.get 0)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    let input = from_lanes32([1.0f32, -2.0, 0.5, 3.0].map(f32::to_bits));
    let mut results = [Val::I32(0), Val::I32(0), Val::I32(0)];
    f.call(&mut store, &[Val::I64(-9), Val::V128(input), Val::F32(2.0f32.to_bits())], &mut results).unwrap();
    assert_eq!(results[0], Val::F32(2.0f32.to_bits()));
    assert_eq!(results[1], Val::V128(from_lanes32([2.0f32, -4.0, 1.0, 6.0].map(f32::to_bits))));
    assert_eq!(results[2], Val::I64(-9));
}
