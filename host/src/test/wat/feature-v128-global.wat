;; An engine that holds a v128 global but runs no SIMD instruction: Chicory parses v128 values
;; and constants, so the host loads it; engine_start returns 3.
(module
  (memory (export "memory") 1)
  (global $v (mut v128) (v128.const i64x2 1 2))
  (func (export "engine_start") (result i64) (i64.const 3)))
