;; Exceptions thrown and caught in a loop: run(n) calls a chain of 9 functions n times;
;; at the bottom, every third value is thrown instead of returned, unwinding all 9
;; frames to a `try_table` in the loop. Returned values are added to the checksum,
;; caught payloads are xor-ed in.
;; Needs the exception-handling proposal (try_table/throw), which wat2wasm 1.0.32 cannot
;; encode: the harness reads this text itself.
(module
  (tag $thrown (param i64))

  (func $descend (param $depth i32) (param $x i64) (result i64)
    (if (i32.eqz (local.get $depth))
      (then
        (if (i64.eqz (i64.rem_u (local.get $x) (i64.const 3)))
          (then (throw $thrown (i64.mul (local.get $x) (i64.const 7)))))
        (return (local.get $x))))
    (i64.add
      (call $descend (i32.sub (local.get $depth) (i32.const 1)) (i64.add (local.get $x) (i64.const 1)))
      (i64.const 1)))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $caught (result i64)
          (try_table (result i64) (catch $thrown $caught)
            (call $descend (i32.const 8) (i64.extend_i32_u (local.get $i))))
          (local.get $sum)
          (i64.add)
          (local.set $sum)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next))
        (local.get $sum)
        (i64.xor)
        (local.set $sum)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
