//! Guest calls never recurse on the native stack: unbounded recursion ends in a clean
//! trap at the configured depth, and tail calls run in constant space.

use gannet::{Caller, Config, Engine, Func, Linker, Module, Store, TrapCode, Val};

const RECURSE: &str = r#"
(module
  (func $down (export "down") (param i32) (result i32)
    (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
"#;

/// Runs `f` on a thread with a small native stack: a native recursion per guest call
/// would overflow it long before the guest limits are reached.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).expect("thread").join().expect("no panic")
}

fn recurse_until_exhausted(config: Config) -> gannet::Error {
    let engine = Engine::new(&config);
    let module = Module::new(&engine, RECURSE).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let down = instance.get_typed_func::<i32, i32>(&store, "down").expect("export");
    down.call(&mut store, 0).expect_err("cannot return")
}

#[test]
fn unbounded_recursion_traps_at_the_default_limit() {
    let error = on_small_stack(|| recurse_until_exhausted(Config::new()));
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{error}");
    assert!(error.to_string().contains("call stack exhausted"));
}

#[test]
fn unbounded_recursion_traps_at_a_million_frames() {
    let error = on_small_stack(|| {
        let mut config = Config::new();
        config.max_call_depth(1_000_000).max_stack_slots(64 * 1024 * 1024);
        recurse_until_exhausted(config)
    });
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{error}");
}

#[test]
fn recursion_depth_is_what_the_limit_says() {
    let wat = r#"
      (module
        (func $depth (export "depth") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (i32.add (call $depth (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;
    let mut config = Config::new();
    config.max_call_depth(1000);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let depth = instance.get_typed_func::<i32, i32>(&store, "depth").expect("export");
    // The host's call is the first frame, so 999 nested guest calls fit.
    assert_eq!(depth.call(&mut store, 998).expect("fits"), 998);
    let error = depth.call(&mut store, 1000).expect_err("too deep");
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow));
}

#[test]
fn return_call_loops_run_in_constant_space() {
    let wat = r#"
      (module
        (func $count (export "count") (param i64 i64) (result i64)
          (if (result i64) (i64.eqz (local.get 0))
            (then (local.get 1))
            (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                      (i64.add (local.get 1) (i64.const 3)))))))"#;
    let result = on_small_stack(move || {
        // Ten frames and the smallest value stack: any growth per iteration would trap.
        let mut config = Config::new();
        config.max_call_depth(10).max_stack_slots(1024);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wat).expect("valid");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let count = instance.get_typed_func::<(i64, i64), i64>(&store, "count").expect("export");
        count.call(&mut store, (100_000_000, 0))
    });
    assert_eq!(result.expect("no trap"), 300_000_000);
}

#[test]
fn host_functions_can_call_back_into_wasm() {
    let wat = r#"
      (module
        (import "host" "twice" (func $twice (param i32) (result i32)))
        (func $inc (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func (export "run") (param i32) (result i32) (call $twice (local.get 0))))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid");
    let mut store: Store<Option<Func>> = Store::new(&engine, None);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(&mut store, "host", "twice", |mut caller: Caller<'_, Option<Func>>, x: i32| -> gannet::Result<i32> {
            let inc = caller.data().expect("set before the call");
            let mut result = [Val::I32(0)];
            inc.call(&mut caller, &[Val::I32(x)], &mut result)?;
            inc.call(&mut caller, &[result[0]], &mut result)?;
            Ok(result[0].i32().expect("i32"))
        })
        .expect("defined");
    let instance = linker.instantiate(&mut store, &module).expect("instantiates");
    *store.data_mut() = instance.get_func(&store, "inc");
    let run = instance.get_typed_func::<i32, i32>(&store, "run").expect("export");
    assert_eq!(run.call(&mut store, 40).expect("no trap"), 42);
}

#[test]
fn traps_carry_a_backtrace_with_names() {
    let wat = r#"
      (module
        (func $inner (unreachable))
        (func $outer (export "outer") (call $inner)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let outer = instance.get_func(&store, "outer").expect("export");
    let error = outer.call(&mut store, &[], &mut []).expect_err("traps");
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::Unreachable);
    let names: Vec<_> = trap.backtrace().iter().map(|f| f.func_name.clone().unwrap_or_default()).collect();
    assert_eq!(names, ["inner", "outer"]);
}

/// A loop over a mix of instruction kinds: branches, fused comparisons, calls (direct,
/// indirect, to a leaf and back), `br_table`, `select`, globals, memory and arithmetic.
const MIXED_LOOP: &str = r#"
(module
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $leaf $leaf)
  (type $t (func (param i32) (result i32)))
  (func $leaf (type $t) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "spin") (param $n i32) (result i64)
    (local $i i32) (local $f f64)
    (loop $next
      (i32.store (i32.and (local.get $i) (i32.const 1020)) (local.get $i))
      (global.set $g (i64.add (global.get $g)
        (i64.extend_i32_u (i32.load (i32.and (local.get $i) (i32.const 1020))))))
      (local.set $f (f64.add (local.get $f) (f64.convert_i32_s (call $leaf (local.get $i)))))
      (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 (i32.rem_u (local.get $i) (i32.const 3))))
        (global.set $g (i64.add (global.get $g)
          (i64.extend_i32_u (call_indirect (type $t) (local.get $i) (i32.const 1)))))))
      (local.set $i (select (i32.add (local.get $i) (i32.const 1)) (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (global.get $g) (i64.trunc_f64_s (local.get $f)))))
"#;

#[test]
fn dispatch_runs_in_constant_native_stack() {
    // Millions of handler runs on a 256 KiB stack: with tail-call dispatch, a handler
    // whose jump to the next one were compiled as a call would overflow it.
    let result = on_small_stack(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, MIXED_LOOP).expect("valid");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
        let spin = instance.get_typed_func::<i32, i64>(&store, "spin").expect("export");
        spin.call(&mut store, 300_000).expect("runs")
    });
    // Reference: the same loop in Rust.
    let (mut g, mut f, mut memory) = (0i64, 0f64, [0u32; 256]);
    for i in 0..300_000u32 {
        memory[((i & 1020) / 4) as usize] = i;
        g += memory[((i & 1020) / 4) as usize] as i64;
        f += i.wrapping_mul(3) as i32 as f64;
        if i % 3 == 0 {
            g += i.wrapping_mul(3) as i64;
        }
    }
    assert_eq!(result, g + f as i64);
}
