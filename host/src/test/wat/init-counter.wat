;; _initialize runs before engine_start: the result proves the order.
(module
  (global $g (mut i32) (i32.const 0))
  (memory (export "memory") 1)
  (func (export "_initialize") (global.set $g (i32.add (global.get $g) (i32.const 40))))
  (func (export "engine_start") (result i32) (i32.add (global.get $g) (i32.const 2))))
