;; Memory-bound copy + checksum over 4 MiB of linear memory.
;; Region A = [0, 2 MiB), region B = [2 MiB, 4 MiB), both seen as 262144 i64 words.
;; run(n): fill A from a xorshift64 generator, then n passes of
;;   copy A -> B word by word; h = fold over B of rotl(h, 5) ^ w;
;;   A[(pass * 7919) mod 262144] ^= h
;; and return h.
(module
  (memory (export "memory") 64 64)

  (func (export "run") (param $n i32) (result i64)
    (local $s i64)
    (local $p i32)
    (local $q i32)
    (local $h i64)
    (local $w i64)
    (local $pass i32)
    ;; fill A
    (local.set $s (i64.const 0x9E3779B97F4A7C15))
    (local.set $p (i32.const 0))
    (loop $fill
      (local.set $s (i64.xor (local.get $s) (i64.shl (local.get $s) (i64.const 13))))
      (local.set $s (i64.xor (local.get $s) (i64.shr_u (local.get $s) (i64.const 7))))
      (local.set $s (i64.xor (local.get $s) (i64.shl (local.get $s) (i64.const 17))))
      (i64.store (local.get $p) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $fill (i32.lt_u (local.get $p) (i32.const 0x200000))))
    (block $done
      (loop $round
        (br_if $done (i32.ge_s (local.get $pass) (local.get $n)))
        ;; copy A -> B
        (local.set $p (i32.const 0))
        (loop $copy
          (i64.store offset=0x200000 (local.get $p) (i64.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br_if $copy (i32.lt_u (local.get $p) (i32.const 0x200000))))
        ;; checksum B
        (local.set $q (i32.const 0x200000))
        (loop $sum
          (local.set $w (i64.load (local.get $q)))
          (local.set $h (i64.xor (i64.rotl (local.get $h) (i64.const 5)) (local.get $w)))
          (local.set $q (i32.add (local.get $q) (i32.const 8)))
          (br_if $sum (i32.lt_u (local.get $q) (i32.const 0x400000))))
        ;; perturb A so that the next pass sees different data
        (local.set $p
          (i32.shl (i32.and (i32.mul (local.get $pass) (i32.const 7919)) (i32.const 0x3FFFF)) (i32.const 3)))
        (i64.store (local.get $p) (i64.xor (i64.load (local.get $p)) (local.get $h)))
        (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
        (br $round)))
    (local.get $h)))
