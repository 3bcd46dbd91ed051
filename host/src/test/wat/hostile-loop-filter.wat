;; A filter that never finishes.
(module
  (memory (export "memory") 1)
  (func (export "engine_start") (param i32 i32 i32 i32) (result i64) (loop $l (br $l)) (i64.const 0)))
