;; Loads from far beyond the end of its one-page memory: engine_start() traps.
(module
  (memory (export "memory") 1)
  (func (export "engine_start") (result i32)
    (i32.load (i32.const 0x7ffffff0))))
