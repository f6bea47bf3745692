//! Checks the runner itself: every directive kind must pass when the engine
//! behaves as the script says and fail when it does not.

use gannet::{CompilationMode, Config, WasmFeatures};
use gannet_wast::{Report, run_wast_with_verbosity};

fn run(script: &str) -> Report {
    let mut config = Config::new();
    config.wasm_features(WasmFeatures::WASM2 | WasmFeatures::TAIL_CALL | WasmFeatures::EXCEPTIONS);
    config.compilation_mode(CompilationMode::LazyTranslation);
    run_wast_with_verbosity("test.wast", script, &config, false)
}

/// Asserts that every directive of `script` passes.
#[track_caller]
fn passes(script: &str) {
    let report = run(script);
    assert_eq!(report.failed, 0, "unexpected failures: {:#?}", report.failures);
    assert!(report.passed > 0);
}

/// Asserts that the directives of `script` pass except the last one, which
/// fails with a message containing `needle`.
#[track_caller]
fn last_fails(script: &str, needle: &str) {
    let report = run(script);
    assert_eq!(report.failed, 1, "expected exactly one failure, got {:#?}", report.failures);
    let failure = &report.failures[0];
    assert!(failure.contains(needle), "failure {failure:?} does not mention {needle:?}");
    assert!(failure.starts_with("test.wast:"), "failure {failure:?} has no location");
}

const MODULE: &str = r#"
(module $m
  (global (export "g") i32 (i32.const 42))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.const nan))
  (func (export "nan:arith") (result f32) (f32.const nan:0x600001))
  (func (export "nan64") (result f64) (f64.const -nan))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "null") (result funcref) (ref.null func))
  (func (export "self") (result funcref) (ref.func 0))
  (func $rec (export "rec") (call $rec))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const 2))
  (elem declare func 0)
)
"#;

fn with_module(tail: &str) -> String {
    format!("{MODULE}\n{tail}")
}

#[test]
fn returns() {
    passes(&with_module(
        r#"
        (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
        (assert_return (invoke $m "add" (i32.const -1) (i32.const 1)) (i32.const 0))
        (assert_return (invoke "nan") (f32.const nan:canonical))
        (assert_return (invoke "nan") (f32.const nan:arithmetic))
        (assert_return (invoke "nan:arith") (f32.const nan:arithmetic))
        (assert_return (invoke "nan:arith") (f32.const nan:0x600001))
        (assert_return (invoke "nan64") (f64.const nan:canonical))
        (assert_return (invoke "id" (ref.extern 7)) (ref.extern 7))
        (assert_return (invoke "id" (ref.extern 7)) (ref.extern))
        (assert_return (invoke "id" (ref.null extern)) (ref.null extern))
        (assert_return (invoke "null") (ref.null func))
        (assert_return (invoke "self") (ref.func))
        (assert_return (invoke "two") (i32.const 1) (i64.const 2))
        (assert_return (get "g") (i32.const 42))
        (assert_return (get $m "g") (i32.const 42))
        (invoke "add" (i32.const 1) (i32.const 2))
        "#,
    ));
}

#[test]
fn wrong_value_fails() {
    last_fails(
        &with_module(r#"(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))"#),
        "i32.const 3",
    );
}

#[test]
fn wrong_result_count_fails() {
    last_fails(&with_module(r#"(assert_return (invoke "two") (i32.const 1))"#), "expected");
}

#[test]
fn arithmetic_nan_is_not_canonical() {
    last_fails(&with_module(r#"(assert_return (invoke "nan:arith") (f32.const nan:canonical))"#), "nan:canonical");
}

#[test]
fn nan_payload_compared_bitwise() {
    last_fails(&with_module(r#"(assert_return (invoke "nan:arith") (f32.const nan))"#), "f32.const");
}

#[test]
fn extern_ref_identity() {
    last_fails(&with_module(r#"(assert_return (invoke "id" (ref.extern 7)) (ref.extern 8))"#), "ref.extern 7");
}

#[test]
fn null_is_not_a_function() {
    last_fails(&with_module(r#"(assert_return (invoke "null") (ref.func))"#), "ref.null func");
}

#[test]
fn wrong_global_fails() {
    last_fails(&with_module(r#"(assert_return (get "g") (i32.const 41))"#), "i32.const 42");
}

#[test]
fn missing_export_fails() {
    last_fails(&with_module(r#"(invoke "nope")"#), "no export");
}

#[test]
fn traps() {
    passes(&with_module(
        r#"
        (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
        (assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
        (assert_exhaustion (invoke "rec") "call stack exhausted")
        (assert_trap (module (func $f unreachable) (start $f)) "unreachable")
        (assert_trap (module (memory 0) (data (i32.const 0) "a")) "out of bounds memory access")
        "#,
    ));
}

#[test]
fn missing_trap_fails() {
    last_fails(
        &with_module(r#"(assert_trap (invoke "div" (i32.const 1) (i32.const 1)) "integer divide by zero")"#),
        "[i32.const 1",
    );
}

#[test]
fn wrong_trap_fails() {
    last_fails(
        &with_module(r#"(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")"#),
        "integer divide by zero",
    );
}

#[test]
fn exhaustion_needs_stack_overflow() {
    last_fails(
        &with_module(r#"(assert_exhaustion (invoke "div" (i32.const 1) (i32.const 0)) "call stack exhausted")"#),
        "integer divide by zero",
    );
}

#[test]
fn instantiation_must_trap() {
    last_fails(r#"(assert_trap (module (memory 1) (data (i32.const 0) "a")) "out of bounds memory access")"#, "[]");
}

#[test]
fn uninstantiable_must_compile() {
    last_fails(r#"(assert_trap (module (func (result i32) (i64.const 0))) "unreachable")"#, "does not compile");
}

#[test]
fn rejections() {
    passes(
        r#"
        (assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
        (assert_malformed (module quote "(func (result i32) (i32.const))") "unexpected token")
        (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
        (assert_unlinkable (module (import "spectest" "nope" (func))) "unknown import")
        (assert_unlinkable (module (import "spectest" "print_i32" (func (param i64)))) "incompatible import type")
        "#,
    );
}

#[test]
fn valid_module_is_not_invalid() {
    last_fails(r#"(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")"#, "compiled");
}

#[test]
fn wellformed_module_is_not_malformed() {
    last_fails(r#"(assert_malformed (module quote "(func)") "unexpected token")"#, "compiled");
}

#[test]
fn unlinkable_must_compile() {
    last_fails(
        r#"(assert_unlinkable (module (import "spectest" "nope" (func)) (func (result i32) (i64.const 0))) "unknown import")"#,
        "does not compile",
    );
}

#[test]
fn linkable_is_not_unlinkable() {
    last_fails(
        r#"(assert_unlinkable (module (import "spectest" "print_i32" (func (param i32)))) "unknown import")"#,
        "instantiated",
    );
}

#[test]
fn spectest_and_register() {
    passes(
        r#"
        (module
          (import "spectest" "print" (func))
          (import "spectest" "print_i32" (func (param i32)))
          (import "spectest" "print_i64" (func (param i64)))
          (import "spectest" "print_f32" (func (param f32)))
          (import "spectest" "print_f64" (func (param f64)))
          (import "spectest" "print_i32_f32" (func (param i32 f32)))
          (import "spectest" "print_f64_f64" (func (param f64 f64)))
          (import "spectest" "global_i32" (global i32))
          (import "spectest" "global_i64" (global i64))
          (import "spectest" "global_f32" (global f32))
          (import "spectest" "global_f64" (global f64))
          (import "spectest" "table" (table 10 20 funcref))
          (import "spectest" "memory" (memory 1 2))
          (func (export "g32") (result i32) (global.get 0))
          (func (export "g64") (result i64) (global.get 1))
          (func (export "f32") (result f32) (global.get 2))
          (func (export "f64") (result f64) (global.get 3))
          (func (export "print") (call 1 (i32.const 5)))
          (func (export "size") (result i32) (table.size 0))
          (func (export "pages") (result i32) (memory.grow (i32.const 1)))
        )
        (assert_return (invoke "g32") (i32.const 666))
        (assert_return (invoke "g64") (i64.const 666))
        (assert_return (invoke "f32") (f32.const 666.6))
        (assert_return (invoke "f64") (f64.const 666.6))
        (assert_return (invoke "print"))
        (assert_return (invoke "size") (i32.const 10))
        (assert_return (invoke "pages") (i32.const 1))
        (assert_return (invoke "pages") (i32.const -1))
        (module $a (func (export "f") (result i32) (i32.const 11)))
        (register "a")
        (module $b (func (export "f") (result i32) (i32.const 22)))
        (register "b" $b)
        (register "a2" $a)
        (module
          (import "a" "f" (func $a (result i32)))
          (import "b" "f" (func $b (result i32)))
          (import "a2" "f" (func $a2 (result i32)))
          (func (export "sum") (result i32) (i32.add (i32.add (call $a) (call $b)) (call $a2))))
        (assert_return (invoke "sum") (i32.const 44))
        (assert_return (invoke $a "f") (i32.const 11))
        "#,
    );
}

#[test]
fn failed_module_is_not_current() {
    let report = run(r#"
        (module (func (export "f") (result i32) (i32.const 1)))
        (module (func (export "f") (result i32) (i64.const 1)))
        (assert_return (invoke "f") (i32.const 1))
        "#);
    assert_eq!((report.passed, report.failed), (1, 2), "{:#?}", report.failures);
}

#[test]
fn unsupported_directives_fail() {
    let report = run(r#"
        (module (func (export "f")))
        (thread $t (invoke "f"))
        (wait $t)
        "#);
    assert_eq!((report.passed, report.failed), (1, 2), "{:#?}", report.failures);
    assert!(report.failures.iter().all(|f| f.contains("not supported")));
}

#[test]
fn assert_exception_needs_an_uncaught_exception() {
    let report = run(r#"
        (module
            (tag $e)
            (func (export "throws") (throw $e))
            (func (export "returns"))
            (func (export "traps") (unreachable)))
        (assert_exception (invoke "throws"))
        (assert_exception (invoke "returns"))
        (assert_exception (invoke "traps"))
        "#);
    assert_eq!((report.passed, report.failed), (2, 2), "{:#?}", report.failures);
    assert!(report.failures.iter().all(|f| f.contains("expected an uncaught exception")), "{:#?}", report.failures);
}

#[test]
fn script_syntax_error_fails() {
    let report = run("(module) (assert_return (invoke \"f\")");
    assert_eq!((report.passed, report.failed), (0, 1));
}

#[test]
fn module_definitions_and_instances() {
    passes(
        r#"
        (module definition $d (global $g (mut i32) (i32.const 0))
          (func (export "inc") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
        (module instance $i1 $d)
        (module instance $i2 $d)
        (assert_return (invoke $i1 "inc") (i32.const 1))
        (assert_return (invoke $i1 "inc") (i32.const 2))
        (assert_return (invoke $i2 "inc") (i32.const 1))
        (assert_return (invoke "inc") (i32.const 2))
        "#,
    );
}
