;; Imports no WASI, only `logger.hello` (`--preload logger=wasi_logger.wat`).
(module
  (import "logger" "hello" (func $hello))
  (func (export "_start") (call $hello)))
