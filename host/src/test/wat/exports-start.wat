;; Exports _start (a WASI command's entry point), which the ABI does not call: engine_start
;; returns 7 if _start never ran, 99 if it did.
(module
  (global $ran (mut i32) (i32.const 0))
  (memory (export "memory") 1)
  (func (export "_start") (global.set $ran (i32.const 1)))
  (func (export "engine_start") (result i32)
    (if (result i32) (global.get $ran) (then (i32.const 99)) (else (i32.const 7)))))
