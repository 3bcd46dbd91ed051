;; The baseline for hook-call throughput: calls a plain host import with hook_call's
;; signature n times. Not an engine (it imports from env); run directly on Chicory.
(module
  (import "env" "nop" (func $nop (param i32 i32 i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $again
      (local.set $sum (i64.add (local.get $sum)
        (call $nop (i32.const 0) (i32.const 4) (i32.const 16) (i32.const 24) (i32.const 64) (i32.const 64))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
