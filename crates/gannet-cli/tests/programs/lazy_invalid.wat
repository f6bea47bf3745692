;; `bad` does not validate (an i64 where an i32 result is declared). Lazily compiled, the
;; module still runs `ok`; compiled eagerly, it must be rejected up front.
(module
  (func $ok (export "ok") (result i32) (i32.const 7))
  (func $bad (export "bad") (result i32) (i64.const 1)))
