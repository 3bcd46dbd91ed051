;; wat2wasm-flags: --enable-exceptions
;; An engine that uses the legacy exception-handling opcodes (try/catch, 0x06/0x07), as
;; clang-16 -mllvm -wasm-enable-sjlj emits them: throws 7 and returns what it caught.
(module
  (tag $e (param i32))
  (memory (export "memory") 1)
  (func (export "engine_start") (result i64)
    (i64.extend_i32_s
      (try (result i32)
        (do (throw $e (i32.const 7)))
        (catch $e)))))
