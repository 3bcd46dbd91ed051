;; (depth) -> depth: recurses depth times, each frame holding a few locals.
(module
  (memory (export "memory") 1)
  (func $down (param $d i32) (result i32)
    (local i64 i64 i64 i64)
    (if (result i32) (i32.eqz (local.get $d))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $d) (i32.const 1)))))))
  (func (export "engine_start") (param i32) (result i32) (call $down (local.get 0))))
