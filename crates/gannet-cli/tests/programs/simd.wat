;; SIMD through the command line: a v128 argument, v128 and scalar results.
(module
  ;; The sum of the 16 bytes of `v`, by widening pairwise additions.
  (func (export "sum_bytes") (param $v v128) (result i32)
    (local $wide v128)
    (local.set $wide
      (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $v))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $wide)) (i32x4.extract_lane 1 (local.get $wide)))
      (i32.add (i32x4.extract_lane 2 (local.get $wide)) (i32x4.extract_lane 3 (local.get $wide)))))
  (func (export "reverse_bytes") (param v128) (result v128)
    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 0))))
