;; A tight counting loop: run(n) iterates acc = acc * 6364136223846793005 + i for i in [0, n).
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $acc i64)
    (if (i32.le_s (local.get $n) (i32.const 0))
      (then (return (i64.const 0))))
    (loop $next
      (local.set $acc
        (i64.add
          (i64.mul (local.get $acc) (i64.const 6364136223846793005))
          (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $acc)))
