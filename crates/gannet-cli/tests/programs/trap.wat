;; outer -> middle -> inner, which divides by its argument.
(module
  (func $inner (param i32) (result i32)
    (i32.div_s (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32)
    (call $inner (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (call $middle (local.get 0))))
