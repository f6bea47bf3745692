;; One function per number type, for `--invoke` argument parsing and result printing.
(module
  (func (export "add_i32") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "add_i64") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1)))
  (func (export "mul_f32") (param f32 f32) (result f32)
    (f32.mul (local.get 0) (local.get 1)))
  (func (export "div_f64") (param f64 f64) (result f64)
    (f64.div (local.get 0) (local.get 1)))
  ;; The raw bits, to see exactly which NaN an argument became.
  (func (export "bits_f32") (param f32) (result i32)
    (i32.reinterpret_f32 (local.get 0)))
  ;; Several results, one line each: the low and high halves.
  (func (export "halves") (param i64) (result i32 i32)
    (i32.wrap_i64 (local.get 0))
    (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func (export "nothing"))
  (memory (export "memory") 1)
  (global (export "answer") i32 (i32.const 42)))
