;; Unbounded recursion: engine_start() calls itself until the stack runs out.
(module
  (memory (export "memory") 1)
  (func $descend (param $depth i64) (result i64)
    (i64.add (call $descend (i64.add (local.get $depth) (i64.const 1))) (local.get $depth)))
  (func (export "engine_start") (result i64)
    (call $descend (i64.const 0))))
