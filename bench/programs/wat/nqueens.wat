;; N-queens by bitmask backtracking: run(n) = number of solutions on an n x n board.
(module
  (func $solve (param $cols i32) (param $d1 i32) (param $d2 i32) (param $all i32) (result i64)
    (local $avail i32)
    (local $bit i32)
    (local $count i64)
    (if (i32.eq (local.get $cols) (local.get $all))
      (then (return (i64.const 1))))
    (local.set $avail
      (i32.and (local.get $all)
        (i32.xor (i32.or (local.get $cols) (i32.or (local.get $d1) (local.get $d2))) (i32.const -1))))
    (block $done
      (loop $try
        (br_if $done (i32.eqz (local.get $avail)))
        (local.set $bit (i32.and (local.get $avail) (i32.sub (i32.const 0) (local.get $avail))))
        (local.set $avail (i32.xor (local.get $avail) (local.get $bit)))
        (local.set $count
          (i64.add (local.get $count)
            (call $solve
              (i32.or (local.get $cols) (local.get $bit))
              (i32.shl (i32.or (local.get $d1) (local.get $bit)) (i32.const 1))
              (i32.shr_u (i32.or (local.get $d2) (local.get $bit)) (i32.const 1))
              (local.get $all))))
        (br $try)))
    (local.get $count))

  (func (export "run") (param $n i32) (result i64)
    (call $solve (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.sub (i32.shl (i32.const 1) (local.get $n)) (i32.const 1)))))
