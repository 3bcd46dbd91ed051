;; wat2wasm-flags: --enable-threads
;; An engine with a shared memory and an atomic read-modify-write: returns the old value 5.
(module
  (memory (export "memory") 1 1 shared)
  (func (export "engine_start") (result i64)
    (i32.store (i32.const 64) (i32.const 5))
    (i64.extend_i32_u (i32.atomic.rmw.add (i32.const 64) (i32.const 1)))))
