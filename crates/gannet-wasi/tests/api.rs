//! The embedding API: output capture, exit codes, modules without memory or WASI.

use gannet::{Engine, Linker, Module, Store};
use gannet_wasi::{OutputPipe, WasiCtx, WasiCtxBuilder};

fn run(wat: &str, builder: &mut WasiCtxBuilder) -> gannet::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine, builder.build());
    let mut linker = Linker::new(&engine);
    gannet_wasi::add_to_linker(&mut linker, &mut store, |wasi: &mut WasiCtx| wasi)?;
    let instance = linker.instantiate(&mut store, &module)?;
    instance.get_typed_func::<(), ()>(&store, "_start")?.call(&mut store, ())
}

const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.load (i32.const 8)))))"#;

#[test]
fn output_is_captured_and_proc_exit_returns_the_code() {
    let stdout = OutputPipe::new();
    let outcome = run(HELLO, WasiCtxBuilder::new().stdout(stdout.clone()));
    assert!(matches!(outcome, Err(gannet::Error::Exit(6))), "{outcome:?}");
    assert_eq!(stdout.contents(), b"hello\n");
}

#[test]
fn a_guest_without_memory_gets_efault_not_a_crash() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func (export "_start") (call $exit (call $sizes (i32.const 0) (i32.const 4)))))"#;
    let outcome = run(wat, WasiCtxBuilder::new().arg("x"));
    assert!(matches!(outcome, Err(gannet::Error::Exit(21))), "{outcome:?}");
}

#[test]
fn imports_wasi_tells_which_modules_need_a_context() {
    let engine = Engine::default();
    assert!(gannet_wasi::imports_wasi(&Module::new(&engine, HELLO).unwrap()));
    let plain = Module::new(&engine, "(module (func (export \"f\")))").unwrap();
    assert!(!gannet_wasi::imports_wasi(&plain));
}

#[test]
fn clocks_and_poll_oneoff_sleep() {
    // poll_oneoff with one relative 20ms clock subscription, then exit with the number of
    // events and the clock's userdata check.
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (local $before i64) (local $errno i32)
        (drop (call $now (i32.const 1) (i64.const 0) (i32.const 400)))
        (local.set $before (i64.load (i32.const 400)))
        (i64.store (i32.const 0) (i64.const 77))        ;; userdata
        (i32.store8 (i32.const 8) (i32.const 0))        ;; clock
        (i32.store (i32.const 16) (i32.const 1))        ;; monotonic
        (i64.store (i32.const 24) (i64.const 20000000)) ;; 20 ms
        (local.set $errno (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200)))
        (drop (call $now (i32.const 1) (i64.const 0) (i32.const 400)))
        (if (i32.or (local.get $errno) (i32.ne (i32.load (i32.const 200)) (i32.const 1))) (then (call $exit (i32.const 1))))
        (if (i64.ne (i64.load (i32.const 100)) (i64.const 77)) (then (call $exit (i32.const 2))))
        (if (i64.lt_u (i64.sub (i64.load (i32.const 400)) (local.get $before)) (i64.const 20000000))
          (then (call $exit (i32.const 3))))
        (call $exit (i32.const 0))))"#;
    let outcome = run(wat, &mut WasiCtxBuilder::new());
    assert!(matches!(outcome, Err(gannet::Error::Exit(0))), "{outcome:?}");
}
