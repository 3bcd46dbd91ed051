;; Hostile hook callers. Mode 0 floods: it calls "echo" until a call fails and returns
;; (successful calls << 32) | -status. Mode 1 recurses without end, calling "echo" at every
;; level, until the stack runs out.
(module
  (import "vdso" "hook_call" (func $call (param i32 i32 i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "echo")
  (data (i32.const 16) "{\"body\":\"#0\",\"slots\":[]}")
  (func $echo (result i64)
    (call $call (i32.const 0) (i32.const 4) (i32.const 16) (i32.const 24) (i32.const 64) (i32.const 64)))
  (func $flood (result i64)
    (local $count i64) (local $r i64)
    (loop $again
      (local.set $r (call $echo))
      (if (i64.ge_s (local.get $r) (i64.const 0))
        (then (local.set $count (i64.add (local.get $count) (i64.const 1))) (br $again))))
    (i64.or (i64.shl (local.get $count) (i64.const 32)) (i64.sub (i64.const 0) (local.get $r))))
  (func $down (param $depth i64) (result i64)
    (drop (call $echo))
    (i64.add (i64.const 1) (call $down (i64.add (local.get $depth) (i64.const 1)))))
  (func (export "engine_start") (param $mode i32) (result i64)
    (if (result i64) (i32.eqz (local.get $mode))
      (then (call $flood))
      (else (call $down (i64.const 0))))))
