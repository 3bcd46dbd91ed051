;; engine_start(i32 len) runs memory.fill(0, 0xAA, len) over its one-page memory in a single
;; instruction and returns 0: a huge len (e.g. 0xFFFFFFFF) must trap out of bounds, and
;; touch nothing, rather than write gigabytes.
(module
  (memory (export "memory") 1)
  (func (export "engine_start") (param $len i32) (result i32)
    (memory.fill (i32.const 0) (i32.const 0xaa) (local.get $len))
    (i32.const 0)))
