;; Spins forever: engine_start() never returns.
(module
  (memory (export "memory") 1)
  (func (export "engine_start")
    (loop $spin (br $spin))))
