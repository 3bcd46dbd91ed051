;; An engine that uses each proposal merged into WebAssembly 2.0 apart from SIMD: sign
;; extension, saturating conversion, multi-value (a two-result function and a block with a
;; parameter), bulk memory (memory.fill, memory.copy, a passive segment with memory.init) and
;; reference types (a funcref table read with table.get and called through). Returns 1 if
;; every check holds, else the number of the first that failed.
(module
  (type $i2i (func (result i32)))
  (memory (export "memory") 1)
  (data $passive "\2a")
  (table $t 1 funcref)
  (elem (table $t) (i32.const 0) func $fortytwo)
  (func $fortytwo (result i32) (i32.const 42))
  (func $pair (result i32 i32) (i32.const 3) (i32.const 4))
  (func (export "engine_start") (result i64)
    (if (i32.ne (i32.extend8_s (i32.const 0xff)) (i32.const -1)) (then (return (i64.const 2))))
    (if (i32.ne (i32.trunc_sat_f64_s (f64.const 1e100)) (i32.const 0x7fffffff)) (then (return (i64.const 3))))
    (if (i32.ne (i32.add (call $pair)) (i32.const 7)) (then (return (i64.const 4))))
    (if (i32.ne (i32.const 10) (i32.const 5) (block (param i32) (result i32) (i32.mul (i32.const 2)))) (then (return (i64.const 9))))
    (memory.fill (i32.const 100) (i32.const 7) (i32.const 4))
    (memory.copy (i32.const 200) (i32.const 100) (i32.const 4))
    (if (i32.ne (i32.load (i32.const 200)) (i32.const 0x07070707)) (then (return (i64.const 5))))
    (memory.init $passive (i32.const 300) (i32.const 0) (i32.const 1))
    (if (i32.ne (i32.load8_u (i32.const 300)) (i32.const 42)) (then (return (i64.const 6))))
    (if (ref.is_null (table.get $t (i32.const 0))) (then (return (i64.const 7))))
    (if (i32.ne (call_indirect (type $i2i) (i32.const 0)) (i32.const 42)) (then (return (i64.const 8))))
    (i64.const 1)))
