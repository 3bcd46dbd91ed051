;; Imports a global: outside the engine shape, a pre-initialized module cannot be written.
(module
  (import "vdso" "g" (global i32))
  (memory (export "memory") 1)
  (func (export "engine_start") (result i32) (global.get 0)))
