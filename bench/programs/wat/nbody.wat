;; Five-body gravitational simulation in f64 (symplectic Euler, dt = 0.001).
;; Bodies live in linear memory, 56 bytes each: x y z vx vy vz m.
;; run(n) resets the system, advances n steps and returns the bit pattern
;; of the total energy as i64.
(module
  (memory (export "memory") 1)

  (func $body (param $i i32) (param $x f64) (param $y f64) (param $z f64)
              (param $vx f64) (param $vy f64) (param $vz f64) (param $m f64)
    (local $a i32)
    (local.set $a (i32.mul (local.get $i) (i32.const 56)))
    (f64.store offset=0 (local.get $a) (local.get $x))
    (f64.store offset=8 (local.get $a) (local.get $y))
    (f64.store offset=16 (local.get $a) (local.get $z))
    (f64.store offset=24 (local.get $a) (local.get $vx))
    (f64.store offset=32 (local.get $a) (local.get $vy))
    (f64.store offset=40 (local.get $a) (local.get $vz))
    (f64.store offset=48 (local.get $a) (local.get $m)))

  (func $init
    (local $a i32)
    (local $px f64)
    (local $py f64)
    (local $pz f64)
    (local $m f64)
    ;; a heavy central body and four light ones (units: AU, years, 4*pi^2 = G*M)
    (call $body (i32.const 0) (f64.const 0) (f64.const 0) (f64.const 0)
      (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 39.47841760435743))
    (call $body (i32.const 1) (f64.const 1.0) (f64.const 0.0) (f64.const 0.01)
      (f64.const 0.0) (f64.const 6.28) (f64.const 0.0) (f64.const 0.003947841760435743))
    (call $body (i32.const 2) (f64.const -2.5) (f64.const 0.3) (f64.const -0.02)
      (f64.const -0.5) (f64.const -3.9) (f64.const 0.01) (f64.const 0.03947841760435743))
    (call $body (i32.const 3) (f64.const 0.2) (f64.const 5.1) (f64.const 0.1)
      (f64.const -2.75) (f64.const 0.1) (f64.const -0.02) (f64.const 0.011843525281307229))
    (call $body (i32.const 4) (f64.const -7.0) (f64.const -6.0) (f64.const 0.3)
      (f64.const 1.4) (f64.const -1.6) (f64.const 0.0) (f64.const 0.0019739208802178715))
    ;; give the central body the momentum that makes the total zero
    (local.set $a (i32.const 56))
    (loop $sum
      (local.set $m (f64.load offset=48 (local.get $a)))
      (local.set $px (f64.add (local.get $px) (f64.mul (f64.load offset=24 (local.get $a)) (local.get $m))))
      (local.set $py (f64.add (local.get $py) (f64.mul (f64.load offset=32 (local.get $a)) (local.get $m))))
      (local.set $pz (f64.add (local.get $pz) (f64.mul (f64.load offset=40 (local.get $a)) (local.get $m))))
      (local.set $a (i32.add (local.get $a) (i32.const 56)))
      (br_if $sum (i32.lt_u (local.get $a) (i32.const 280))))
    (local.set $m (f64.load offset=48 (i32.const 0)))
    (f64.store offset=24 (i32.const 0) (f64.div (f64.neg (local.get $px)) (local.get $m)))
    (f64.store offset=32 (i32.const 0) (f64.div (f64.neg (local.get $py)) (local.get $m)))
    (f64.store offset=40 (i32.const 0) (f64.div (f64.neg (local.get $pz)) (local.get $m))))

  (func $advance (param $dt f64)
    (local $a i32)
    (local $b i32)
    (local $dx f64)
    (local $dy f64)
    (local $dz f64)
    (local $d2 f64)
    (local $mag f64)
    (local $ma f64)
    (local $mb f64)
    (local.set $a (i32.const 0))
    (loop $outer
      (local.set $ma (f64.load offset=48 (local.get $a)))
      (local.set $b (i32.add (local.get $a) (i32.const 56)))
      (block $inner_done
        (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $b) (i32.const 280)))
          (local.set $dx (f64.sub (f64.load offset=0 (local.get $a)) (f64.load offset=0 (local.get $b))))
          (local.set $dy (f64.sub (f64.load offset=8 (local.get $a)) (f64.load offset=8 (local.get $b))))
          (local.set $dz (f64.sub (f64.load offset=16 (local.get $a)) (f64.load offset=16 (local.get $b))))
          (local.set $d2
            (f64.add
              (f64.add (f64.mul (local.get $dx) (local.get $dx)) (f64.mul (local.get $dy) (local.get $dy)))
              (f64.mul (local.get $dz) (local.get $dz))))
          (local.set $mag (f64.div (local.get $dt) (f64.mul (local.get $d2) (f64.sqrt (local.get $d2)))))
          (local.set $mb (f64.load offset=48 (local.get $b)))
          (f64.store offset=24 (local.get $a)
            (f64.sub (f64.load offset=24 (local.get $a))
              (f64.mul (f64.mul (local.get $dx) (local.get $mb)) (local.get $mag))))
          (f64.store offset=32 (local.get $a)
            (f64.sub (f64.load offset=32 (local.get $a))
              (f64.mul (f64.mul (local.get $dy) (local.get $mb)) (local.get $mag))))
          (f64.store offset=40 (local.get $a)
            (f64.sub (f64.load offset=40 (local.get $a))
              (f64.mul (f64.mul (local.get $dz) (local.get $mb)) (local.get $mag))))
          (f64.store offset=24 (local.get $b)
            (f64.add (f64.load offset=24 (local.get $b))
              (f64.mul (f64.mul (local.get $dx) (local.get $ma)) (local.get $mag))))
          (f64.store offset=32 (local.get $b)
            (f64.add (f64.load offset=32 (local.get $b))
              (f64.mul (f64.mul (local.get $dy) (local.get $ma)) (local.get $mag))))
          (f64.store offset=40 (local.get $b)
            (f64.add (f64.load offset=40 (local.get $b))
              (f64.mul (f64.mul (local.get $dz) (local.get $ma)) (local.get $mag))))
          (local.set $b (i32.add (local.get $b) (i32.const 56)))
          (br $inner)))
      (local.set $a (i32.add (local.get $a) (i32.const 56)))
      (br_if $outer (i32.lt_u (local.get $a) (i32.const 280))))
    ;; drift
    (local.set $a (i32.const 0))
    (loop $drift
      (f64.store offset=0 (local.get $a)
        (f64.add (f64.load offset=0 (local.get $a)) (f64.mul (local.get $dt) (f64.load offset=24 (local.get $a)))))
      (f64.store offset=8 (local.get $a)
        (f64.add (f64.load offset=8 (local.get $a)) (f64.mul (local.get $dt) (f64.load offset=32 (local.get $a)))))
      (f64.store offset=16 (local.get $a)
        (f64.add (f64.load offset=16 (local.get $a)) (f64.mul (local.get $dt) (f64.load offset=40 (local.get $a)))))
      (local.set $a (i32.add (local.get $a) (i32.const 56)))
      (br_if $drift (i32.lt_u (local.get $a) (i32.const 280)))))

  (func $energy (result f64)
    (local $e f64)
    (local $a i32)
    (local $b i32)
    (local $vx f64)
    (local $vy f64)
    (local $vz f64)
    (local $dx f64)
    (local $dy f64)
    (local $dz f64)
    (local.set $a (i32.const 0))
    (loop $outer
      (local.set $vx (f64.load offset=24 (local.get $a)))
      (local.set $vy (f64.load offset=32 (local.get $a)))
      (local.set $vz (f64.load offset=40 (local.get $a)))
      ;; kinetic: e += 0.5 * m * (vx*vx + vy*vy + vz*vz)
      (local.set $e
        (f64.add (local.get $e)
          (f64.mul
            (f64.mul (f64.const 0.5) (f64.load offset=48 (local.get $a)))
            (f64.add
              (f64.add (f64.mul (local.get $vx) (local.get $vx)) (f64.mul (local.get $vy) (local.get $vy)))
              (f64.mul (local.get $vz) (local.get $vz))))))
      ;; potential: e -= ma * mb / distance
      (local.set $b (i32.add (local.get $a) (i32.const 56)))
      (block $inner_done
        (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $b) (i32.const 280)))
          (local.set $dx (f64.sub (f64.load offset=0 (local.get $a)) (f64.load offset=0 (local.get $b))))
          (local.set $dy (f64.sub (f64.load offset=8 (local.get $a)) (f64.load offset=8 (local.get $b))))
          (local.set $dz (f64.sub (f64.load offset=16 (local.get $a)) (f64.load offset=16 (local.get $b))))
          (local.set $e
            (f64.sub (local.get $e)
              (f64.div
                (f64.mul (f64.load offset=48 (local.get $a)) (f64.load offset=48 (local.get $b)))
                (f64.sqrt
                  (f64.add
                    (f64.add (f64.mul (local.get $dx) (local.get $dx)) (f64.mul (local.get $dy) (local.get $dy)))
                    (f64.mul (local.get $dz) (local.get $dz)))))))
          (local.set $b (i32.add (local.get $b) (i32.const 56)))
          (br $inner)))
      (local.set $a (i32.add (local.get $a) (i32.const 56)))
      (br_if $outer (i32.lt_u (local.get $a) (i32.const 280))))
    (local.get $e))

  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (call $init)
    (block $done
      (loop $step
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (call $advance (f64.const 0.001))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $step)))
    (i64.reinterpret_f64 (call $energy))))
