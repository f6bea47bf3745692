;; A start function that traps: instantiating alone must report it.
(module
  (func $init (call $check))
  (func $check unreachable)
  (start $init))
