;; Prints its arguments (argv[0] first), then its environment (`NAME=value`), one a line.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  ;; 0: count, 4: total size, 16: iovec, 24: bytes written,
  ;; 1024: pointers to the strings, 8192: the strings
  (memory (export "memory") 1)

  ;; Any WASI error is a bug the test should see: trap.
  (func $ok (param $errno i32)
    (if (local.get $errno) (then unreachable)))

  ;; Writes the NUL-terminated string at $ptr with its NUL turned into a newline.
  (func $puts (param $ptr i32)
    (local $len i32)
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $ptr) (local.get $len)))))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $scan)))
    (i32.store8 (i32.add (local.get $ptr) (local.get $len)) (i32.const 10))
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (i32.add (local.get $len) (i32.const 1)))
    (call $ok (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))

  (func $puts_all (param $count i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (call $puts (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "_start")
    (call $ok (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (call $ok (call $args_get (i32.const 1024) (i32.const 8192)))
    (call $puts_all (i32.load (i32.const 0)))
    (call $ok (call $environ_sizes_get (i32.const 0) (i32.const 4)))
    (call $ok (call $environ_get (i32.const 1024) (i32.const 8192)))
    (call $puts_all (i32.load (i32.const 0)))))
