;; A start function (no `_start`): it must have run before `get` is invoked.
(module
  (global $value (mut i32) (i32.const 0))
  (func $init (global.set $value (i32.const 7)))
  (start $init)
  (func (export "get") (result i32) (global.get $value)))
