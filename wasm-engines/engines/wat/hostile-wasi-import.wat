;; Imports WASI and another module outside vdso: the host must refuse it at load time,
;; naming both imports.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "clock_now" (func $clock_now (result i64)))
  (memory (export "memory") 1)
  (func (export "engine_start") (result i64)
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $clock_now)))
