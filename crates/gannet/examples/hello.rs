//! Load a module, provide a host function, call an export.
//!
//! Run with `cargo run -p gannet --example hello`.

use gannet::{Caller, Engine, Linker, Module, Store};

const WAT: &str = r#"
(module
  (import "env" "log" (func $log (param i32)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param i32)
    (call $log (call $fib (local.get 0)))))
"#;

fn main() -> gannet::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT)?;
    // The store's host data counts how often the guest logged.
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker.func_wrap(&mut store, "env", "log", |mut caller: Caller<'_, u32>, value: i32| {
        *caller.data_mut() += 1;
        println!("guest says: {value}");
    })?;
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<i32, ()>(&store, "run")?;
    run.call(&mut store, 25)?;
    let fib = instance.get_typed_func::<i32, i32>(&store, "fib")?;
    println!("fib(20) = {}, logged {} time(s)", fib.call(&mut store, 20)?, store.data());
    Ok(())
}
