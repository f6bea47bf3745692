;; Sieve of Eratosthenes over a byte array in linear memory.
;; run(n) sieves [0, n) (growing memory as needed) and returns
;; sum_of_primes * 31 + prime_count (wrapping i64).
(module
  (memory (export "memory") 1)

  (func (export "run") (param $n i32) (result i64)
    (local $need i32)
    (local $i i32)
    (local $j i32)
    (local $count i64)
    (local $sum i64)
    ;; make room for n bytes (plus the 8-byte overhang of the fill loop)
    (local.set $need (i32.shr_u (i32.add (local.get $n) (i32.const 65543)) (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.lt_s (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const 0))
          (then unreachable))))
    ;; mark everything as a prime candidate, 8 bytes at a time
    (local.set $i (i32.const 0))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (local.get $i) (i64.const 0x0101010101010101))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $fill)))
    ;; strike out multiples
    (local.set $i (i32.const 2))
    (block $sieved
      (loop $outer
        (br_if $sieved (i32.ge_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $struck
              (loop $inner
                (br_if $struck (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    ;; count and sum the survivors
    (local.set $i (i32.const 2))
    (block $counted
      (loop $scan
        (br_if $counted (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $count (i64.add (local.get $count) (i64.const 1)))
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i64.add (i64.mul (local.get $sum) (i64.const 31)) (local.get $count))))
