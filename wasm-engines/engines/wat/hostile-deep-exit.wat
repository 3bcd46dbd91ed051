;; engine_start() descends 1,000 frames, then calls process_exit(7) from the deepest one.
(module
  (import "vdso" "process_exit" (func $process_exit (param i64)))
  (memory (export "memory") 1)
  (func $descend (param $remaining i32) (result i32)
    (if (i32.eqz (local.get $remaining))
      (then (call $process_exit (i64.const 7))))
    (i32.add (call $descend (i32.sub (local.get $remaining) (i32.const 1))) (i32.const 1)))
  (func (export "engine_start") (result i32)
    (call $descend (i32.const 1000))))
