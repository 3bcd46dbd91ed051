;; Calls one hook. The name and the argument capdata come in read-only spans, the result goes
;; to a writable span. When the result is longer than first_cap, it is fetched with
;; hook_result into the whole output span, as the ABI prescribes.
(module
  (import "vdso" "hook_call" (func $call (param i32 i32 i32 i32 i32 i32) (result i64)))
  (import "vdso" "hook_result" (func $result (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "engine_start")
      (param $name i32) (param $name_len i32) (param $in i32) (param $in_len i32)
      (param $out i32) (param $out_cap i32) (param $first_cap i32) (result i64)
    (local $r i64)
    (local.set $r (call $call (local.get $name) (local.get $name_len) (local.get $in) (local.get $in_len)
                              (local.get $out) (local.get $first_cap)))
    (if (i64.gt_s (local.get $r) (i64.extend_i32_u (local.get $first_cap)))
      (then (local.set $r (call $result (local.get $out) (local.get $out_cap)))))
    (local.get $r)))
