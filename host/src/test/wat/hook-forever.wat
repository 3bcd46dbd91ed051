;; Calls "echo" again and again whatever it answers: only the host can end it.
(module
  (import "vdso" "hook_call" (func $call (param i32 i32 i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo")
  (data (i32.const 16) "{\"body\":\"#0\",\"slots\":[]}")
  (func (export "engine_start")
    (loop $again
      (drop (call $call (i32.const 0) (i32.const 4) (i32.const 16) (i32.const 24) (i32.const 64) (i32.const 64)))
      (br $again))))
