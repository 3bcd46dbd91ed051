;; Counts to n in a loop, then fills n bytes: under the fuel cost model engine_start(n) costs
;; exactly 13 + 10n (entry 2, each iteration 4 + 5, the last test 4, the tail 7, n bytes).
(module
  (memory (export "memory") 1)
  (func (export "engine_start") (param $n i32) (result i64)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (memory.fill (i32.const 0) (i32.const 7) (local.get $n))
    (i64.extend_i32_u (local.get $i))))
