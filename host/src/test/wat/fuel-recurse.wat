;; Recursion without a loop: engine_start(n) recurses n deep through $down, calling the leaf $leaf
;; on the way back, and returns n. Under the fuel cost model it costs exactly 9 + 14n: engine_start
;; 3; $down(0) 6 (entry run 3, then arm 2, the closing end 1); each deeper $down 3 + 6 (else arm)
;; + 1 + $leaf's 4. No loop anywhere: only the entry check of $down and engine_start (they call)
;; can stop a runaway.
(module
  (memory (export "memory") 1)
  (func $leaf (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $leaf (call $down (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "engine_start") (param $n i32) (result i32)
    (call $down (local.get $n))))
