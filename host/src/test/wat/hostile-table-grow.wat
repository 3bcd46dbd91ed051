;; Grows its table 1,000 elements at a time until refused, and returns the size it reached.
(module
  (table $t 1 100000 funcref)
  (memory (export "memory") 1)
  (func (export "engine_start") (result i32)
    (loop $again
      (if (i32.ge_s (table.grow $t (ref.null func) (i32.const 1000)) (i32.const 0))
        (then (br $again))))
    (table.size $t)))
