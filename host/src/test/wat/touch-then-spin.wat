;; Writes one byte in each of its two pages, then spins until killed.
(module
  (memory (export "memory") 2)
  (func (export "engine_start")
    (i32.store8 (i32.const 0) (i32.const 1))
    (i32.store8 (i32.const 65536) (i32.const 1))
    (loop $l (br $l))))
