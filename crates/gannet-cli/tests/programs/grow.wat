;; Starts with two 64 KiB pages and grows on request, for `--max-memory`.
(module
  (memory (export "memory") 2)
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages))))
