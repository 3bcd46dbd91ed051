;; engine_init adds 100 to a global once; each engine_start adds 1 and returns it: a warm
;; process's calls see 101, 102, ...; a fresh process would see 1.
(module
  (global $g (mut i32) (i32.const 0))
  (memory (export "memory") 1)
  (func (export "engine_init") (global.set $g (i32.add (global.get $g) (i32.const 100))))
  (func (export "engine_start") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))
