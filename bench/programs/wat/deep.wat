;; Deep call/return: a non-tail recursion 900 frames deep, repeated n times.
;; down(d, x) = d == 0 ? x : down(d - 1, x * 3 + d) + (x & 255)
;; run(n): acc = 0; for r in [0, n): acc = down(900, acc ^ r); returns acc.
;; (Depth 900 stays below the 1000-frame default limit of some interpreters.)
(module
  (func $down (param $d i32) (param $x i64) (result i64)
    (if (result i64) (i32.eqz (local.get $d))
      (then (local.get $x))
      (else
        (i64.add
          (call $down
            (i32.sub (local.get $d) (i32.const 1))
            (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.extend_i32_u (local.get $d))))
          (i64.and (local.get $x) (i64.const 255))))))

  (func (export "run") (param $n i32) (result i64)
    (local $r i32)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $r) (local.get $n)))
        (local.set $acc
          (call $down (i32.const 900) (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $r)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
