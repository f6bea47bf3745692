;; Harness test program (tail-call layer): two functions handing a counter back and
;; forth with return_call, n steps deep (a stack overflow without real tail calls).
(module
  (func $even (param $k i64) (param $acc i64) (result i64)
    (if (i64.eqz (local.get $k)) (then (return (local.get $acc))))
    (return_call $odd (i64.sub (local.get $k) (i64.const 1))
                      (i64.add (i64.mul (local.get $acc) (i64.const 31)) (local.get $k))))
  (func $odd (param $k i64) (param $acc i64) (result i64)
    (if (i64.eqz (local.get $k)) (then (return (local.get $acc))))
    (return_call $even (i64.sub (local.get $k) (i64.const 1))
                       (i64.xor (local.get $acc) (i64.shl (local.get $k) (i64.const 3)))))
  (func (export "run") (param $n i32) (result i64)
    (call $even (i64.extend_i32_u (local.get $n)) (i64.const 7))))
