;; Harness test program (c layer stand-in): sum of the primes below n, with a byte
;; array in linear memory. Re-entrant: clears the array on every call.
(module
  (memory 32)
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $sum i64)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
            (if (i32.le_u (local.get $i) (i32.div_u (local.get $n) (local.get $i)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $inner_done
                  (loop $inner
                    (br_if $inner_done (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $inner)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $sum)))
