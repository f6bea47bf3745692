;; Takeuchi function, repeated: deep non-tail recursion with three arguments.
;; run(n) = fold over i in [0, n) of acc = acc * 31 + tak(18, 12, 6 + (i & 3)).
(module
  (func $tak (param $x i32) (param $y i32) (param $z i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $y) (local.get $x))
      (then
        (call $tak
          (call $tak (i32.sub (local.get $x) (i32.const 1)) (local.get $y) (local.get $z))
          (call $tak (i32.sub (local.get $y) (i32.const 1)) (local.get $z) (local.get $x))
          (call $tak (i32.sub (local.get $z) (i32.const 1)) (local.get $x) (local.get $y))))
      (else (local.get $z))))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $acc
          (i64.add
            (i64.mul (local.get $acc) (i64.const 31))
            (i64.extend_i32_s
              (call $tak (i32.const 18) (i32.const 12)
                (i32.add (i32.const 6) (i32.and (local.get $i) (i32.const 3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
