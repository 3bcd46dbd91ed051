;; An engine that uses SIMD instructions, as clang -msimd128 emits them: engine_start adds two
;; i32x4 vectors and returns lane 2 (3 + 30 = 33). Chicory 1.7.5 runs no SIMD instruction in
;; either mode, so the host must refuse it at load, naming the instruction and the function.
(module
  (memory (export "memory") 1)
  (func (export "engine_start") (result i64)
    (i64.extend_i32_s
      (i32x4.extract_lane 2
        (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40))))))
