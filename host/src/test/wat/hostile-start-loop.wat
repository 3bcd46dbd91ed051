;; Loops in its start function: the deadline must cover instantiation too.
(module
  (memory (export "memory") 1)
  (func $spin (loop $l (br $l)))
  (start $spin)
  (func (export "engine_start")))
