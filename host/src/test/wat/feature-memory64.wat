;; wat2wasm-flags: --enable-memory64
;; An engine with a 64-bit memory: stores and loads at an i64 address, returns 11.
(module
  (memory (export "memory") i64 1)
  (func (export "engine_start") (result i64)
    (i32.store (i64.const 16) (i32.const 11))
    (i64.extend_i32_u (i32.load (i64.const 16)))))
