;; A command whose `_start` traps, so its running is visible without WASI; `other` shows
;; that `--invoke` calls only the function asked for.
(module
  (func $main unreachable)
  (func $start (export "_start") (call $main))
  (func (export "other") (result i32) (i32.const 5)))
