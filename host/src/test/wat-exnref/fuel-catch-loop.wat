;; Compiled by wat-exnref/compile.sh (wabt has no try_table yet).
;; Catches forever: each round a callee loops 1000 times and then throws; the caller catches it
;; and goes again. Only a budget (or the deadline) ends it: the meter's stop is a trap, not an
;; exception, and the callee's loop pays at every iteration before the throw unwinds it.
(module
  (tag $t)
  (memory (export "memory") 1)
  (func $work
    (local $i i32)
    (loop $spin
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.lt_u (local.get $i) (i32.const 1000))))
    (throw $t))
  (func (export "engine_start") (result i64)
    (loop $again
      (block $caught
        (try_table (catch_all $caught) (call $work)))
      (br $again))
    (i64.const 0)))
