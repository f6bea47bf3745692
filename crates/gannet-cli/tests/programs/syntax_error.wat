;; The third line has an unknown instruction.
(module
  (func (result i32) (i32.konst 1)))
