;; Active data segments and a counter: each process must see the pristine image.
(module
  (memory (export "memory") 2)
  (data (i32.const 100) "hermetic")
  (data (i32.const 70000) "\2a")
  (func (export "engine_start") (result i64)
    (local $v i64)
    (local.set $v (i64.add (i64.load (i32.const 100)) (i64.load8_u (i32.const 70000))))
    (i64.store (i32.const 100) (i64.const 0))
    (i32.store8 (i32.const 70000) (i32.const 0))
    (local.get $v)))
