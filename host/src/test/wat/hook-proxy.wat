;; Passes its arguments to the vDSO unchanged, so a test can hand it any pointer and length:
;; op 0 is hook_call(a, b, c, d, e, f), op 1 is hook_result(a, b). Memory holds the name
;; "echo" at 0 and the capdata {"body":"#0","slots":[]} at 16.
(module
  (import "vdso" "hook_call" (func $call (param i32 i32 i32 i32 i32 i32) (result i64)))
  (import "vdso" "hook_result" (func $result (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo")
  (data (i32.const 16) "{\"body\":\"#0\",\"slots\":[]}")
  (func (export "engine_start")
      (param $op i32) (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32) (param $f i32)
      (result i64)
    (if (result i64) (i32.eqz (local.get $op))
      (then (call $call (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e) (local.get $f)))
      (else (call $result (local.get $a) (local.get $b))))))
