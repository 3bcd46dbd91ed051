;; Imports hook_call with a signature other than the vDSO's: refused at load on every host.
(module
  (import "vdso" "hook_call" (func $call (param i32 i32 i32 i32) (result i32)))
  (import "vdso" "hook_result" (func $result (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "engine_start") (result i32)
    (call $call (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
