;; Binary trees (the allocation benchmark of the Computer Language Benchmarks Game,
;; written here in WebAssembly GC): builds and walks many short-lived complete binary
;; trees of structs while one long-lived tree stays alive. `run(n)` uses trees of depth
;; up to `n` (at least 6) and returns the total number of nodes walked.
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  ;; A complete tree of depth `d` (a leaf at depth 0).
  (func $make (param $d i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $d))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (call $make (i32.sub (local.get $d) (i32.const 1)))
          (call $make (i32.sub (local.get $d) (i32.const 1)))))))

  ;; The number of nodes of tree `t`.
  (func $check (param $t (ref $node)) (result i64)
    (local $left (ref null $node))
    (local.set $left (struct.get $node $left (local.get $t)))
    (if (result i64) (ref.is_null (local.get $left))
      (then (i64.const 1))
      (else
        (i64.add (i64.const 1)
          (i64.add
            (call $check (ref.as_non_null (local.get $left)))
            (call $check (ref.as_non_null (struct.get $node $right (local.get $t)))))))))

  (func (export "run") (param $n i32) (result i64)
    (local $max i32) (local $long (ref null $node)) (local $depth i32)
    (local $iterations i32) (local $i i32) (local $sum i64)
    (local.set $max (select (local.get $n) (i32.const 6) (i32.gt_s (local.get $n) (i32.const 6))))
    ;; A stretch tree one level deeper than the others, dropped at once.
    (local.set $sum (call $check (call $make (i32.add (local.get $max) (i32.const 1)))))
    (local.set $long (call $make (local.get $max)))
    ;; 2^(max - depth + 4) trees of each even depth from 4 to max.
    (local.set $depth (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $depth) (local.get $max)))
        (local.set $iterations
          (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
        (local.set $i (i32.const 0))
        (loop $trees
          (local.set $sum (i64.add (local.get $sum) (call $check (call $make (local.get $depth)))))
          (br_if $trees (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $iterations))))
        (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
        (br $depths)))
    (i64.add (local.get $sum) (call $check (ref.as_non_null (local.get $long))))))
