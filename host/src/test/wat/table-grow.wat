;; A table that engine_init and engine_start grow. engine_start(n) returns the table's size
;; before it grows in the high 32 bits and what table.grow(n) returned in the low 32 (-1 if
;; refused). Every process must start with the module's size, or with the warm size in a clone.
(module
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (func (export "engine_init")
    (drop (table.grow $t (ref.null func) (i32.const 10))))
  (func (export "engine_start") (param $n i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (table.size $t)) (i64.const 32))
      (i64.extend_i32_u (table.grow $t (ref.null func) (local.get $n))))))
