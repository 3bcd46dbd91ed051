;; Reads and writes the bytes of a span's pages around the range. Its span window is filled
;; with 0xCC by the start function, so a byte left over from the window shows as well as one of
;; the caller's VMO. engine_start(ptr, len, op):
;;   op 0: the sum of the bytes in the span's pages outside [ptr, ptr + len)
;;   op 1: the sum of the bytes inside the range
;;   op 2: writes 0xEE around the range on its pages and 0x11 over the range; returns 0
;;   op 3: writes 0x11 over the range, then traps (unreachable)
(module
  (memory (export "memory") 4)
  (func $fill (memory.fill (i32.const 65536) (i32.const 0xCC) (i32.const 131072)))
  (start $fill)
  (func (export "hermetic_span_window") (result i32) (i32.const 65536))
  (func (export "hermetic_span_window_size") (result i32) (i32.const 131072))
  (func $sum (param $from i32) (param $to i32) (result i64)
    (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "engine_start") (param $ptr i32) (param $len i32) (param $op i32) (result i64)
    (local $first i32) (local $end i32) (local $last i32)
    (local.set $first (i32.and (local.get $ptr) (i32.const -4096)))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $last (i32.and (i32.add (local.get $end) (i32.const 4095)) (i32.const -4096)))
    (if (i32.eq (local.get $op) (i32.const 0))
      (then (return (i64.add (call $sum (local.get $first) (local.get $ptr))
                             (call $sum (local.get $end) (local.get $last))))))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then (return (call $sum (local.get $ptr) (local.get $end)))))
    (if (i32.eq (local.get $op) (i32.const 2))
      (then
        (memory.fill (local.get $first) (i32.const 0xEE) (i32.sub (local.get $ptr) (local.get $first)))
        (memory.fill (local.get $end) (i32.const 0xEE) (i32.sub (local.get $last) (local.get $end)))
        (memory.fill (local.get $ptr) (i32.const 0x11) (local.get $len))
        (return (i64.const 0))))
    (memory.fill (local.get $ptr) (i32.const 0x11) (local.get $len))
    (unreachable)))
