;; wat2wasm-flags: --enable-tail-call
;; An engine that counts down with return_call through 100000 frames (a plain call would
;; overflow the stack) and returns the accumulated sum 100000.
(module
  (memory (export "memory") 1)
  (func $loop (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $loop (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1))))))
  (func (export "engine_start") (result i64)
    (call $loop (i64.const 100000) (i64.const 0))))
