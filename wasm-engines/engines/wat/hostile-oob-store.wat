;; Stores far beyond the end of its one-page memory: engine_start() traps.
(module
  (memory (export "memory") 1)
  (func (export "engine_start")
    (i32.store (i32.const 0x7ffffff0) (i32.const 0x0badf00d))))
