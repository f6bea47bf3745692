;; Indirect-call dispatch: a loop that picks one of eight small functions
;; from a table with an LCG and calls it through call_indirect.
;; run(n): r = 12345, acc = 1; n times: r = r * 1103515245 + 12345 (i32);
;;         acc = table[(r >> 16) & 7](acc, r); returns acc.
(module
  (type $op (func (param i64 i32) (result i64)))
  (table 8 8 funcref)
  (elem (i32.const 0) $add $xor $mul $rot $sub $mix $shift $swap)

  (func $add (type $op)
    (i64.add (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $xor (type $op)
    (i64.xor (local.get 0) (i64.mul (i64.extend_i32_u (local.get 1)) (i64.const 0x9E3779B97F4A7C15))))
  (func $mul (type $op)
    (i64.add (i64.mul (local.get 0) (i64.const 3)) (i64.const 1)))
  (func $rot (type $op)
    (i64.rotl (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $sub (type $op)
    (i64.sub (local.get 0) (i64.extend_i32_s (local.get 1))))
  (func $mix (type $op)
    (i64.xor (local.get 0) (i64.shr_u (local.get 0) (i64.const 29))))
  (func $shift (type $op)
    (i64.add (local.get 0) (i64.shl (local.get 0) (i64.const 7))))
  (func $swap (type $op)
    (i64.rotl (local.get 0) (i64.const 32)))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $r i32)
    (local $acc i64)
    (local.set $r (i32.const 12345))
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $r (i32.add (i32.mul (local.get $r) (i32.const 1103515245)) (i32.const 12345)))
        (local.set $acc
          (call_indirect (type $op)
            (local.get $acc) (local.get $r)
            (i32.and (i32.shr_u (local.get $r) (i32.const 16)) (i32.const 7))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
