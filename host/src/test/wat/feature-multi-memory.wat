;; wat2wasm-flags: --enable-multi-memory
;; An engine with two memories: stores in the second, returns what it loads back (9).
(module
  (memory (export "memory") 1)
  (memory $second 1)
  (func (export "engine_start") (result i64)
    (i32.store $second (i32.const 8) (i32.const 9))
    (i64.extend_i32_u (i32.load $second (i32.const 8)))))
