;; Prints the guest name of preopened directory 3, then copies the file named by argv[1]
;; (relative to that directory) to stdout. A failing WASI call exits with its errno.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; 0: argc, 4: argv size, 16: iovec, 24: byte count, 32: prestat, 40: opened fd,
  ;; 100: "\n", 1024: argv pointers, 4096: directory name, 8192: argv strings, 16384: buffer
  (memory (export "memory") 1)
  (data (i32.const 100) "\n")

  (func $ok (param $errno i32)
    (if (local.get $errno) (then (call $proc_exit (local.get $errno)))))

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (call $ok (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))

  (func $strlen (param $ptr i32) (result i32)
    (local $len i32)
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $ptr) (local.get $len)))))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $scan)))
    (local.get $len))

  (func (export "_start")
    (local $path i32)
    (local $fd i32)
    (call $ok (call $fd_prestat_get (i32.const 3) (i32.const 32)))
    (call $ok (call $fd_prestat_dir_name (i32.const 3) (i32.const 4096) (i32.load (i32.const 36))))
    (call $write (i32.const 4096) (i32.load (i32.const 36)))
    (call $write (i32.const 100) (i32.const 1))
    (call $ok (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (call $ok (call $args_get (i32.const 1024) (i32.const 8192)))
    (local.set $path (i32.load (i32.const 1028)))
    ;; rights: fd_read (bit 1)
    (call $ok (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (call $strlen (local.get $path))
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 40)))
    (local.set $fd (i32.load (i32.const 40)))
    (block $eof
      (loop $copy
        (i32.store (i32.const 16) (i32.const 16384))
        (i32.store (i32.const 20) (i32.const 4096))
        (call $ok (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
        (br_if $eof (i32.eqz (i32.load (i32.const 24))))
        (call $write (i32.const 16384) (i32.load (i32.const 24)))
        (br $copy)))))
