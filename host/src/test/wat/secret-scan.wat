;; Plants a secret and scans for it, to show that no process sees another's memory.
;; engine_start(op, secret) first grows memory to 1024 pages (64 MiB), then
;;   op 0: stores the secret in every 8 bytes of the first 32 MiB; returns 0
;;   op 1: returns how many aligned 8-byte words of the whole 64 MiB equal the secret
;;   op 2: plants as op 0, then scans as op 1 (a check of the scan itself)
;; engine_init writes a marker that is not the secret, so a snapshot has a page of its own.
(module
  (memory (export "memory") 1)
  (func (export "engine_init") (i64.store (i32.const 1024) (i64.const 0x4d524157)))
  (func $plant (param $secret i64)
    (local $addr i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $addr) (i32.const 0x2000000)))
        (i64.store (local.get $addr) (local.get $secret))
        (local.set $addr (i32.add (local.get $addr) (i32.const 8)))
        (br $next))))
  (func $scan (param $secret i64) (result i64)
    (local $addr i32) (local $end i32) (local $found i64)
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $addr) (local.get $end)))
        (if (i64.eq (i64.load (local.get $addr)) (local.get $secret))
          (then (local.set $found (i64.add (local.get $found) (i64.const 1)))))
        (local.set $addr (i32.add (local.get $addr) (i32.const 8)))
        (br $next)))
    (local.get $found))
  (func (export "engine_start") (param $op i32) (param $secret i64) (result i64)
    (drop (memory.grow (i32.sub (i32.const 1024) (memory.size))))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then (return (call $scan (local.get $secret)))))
    (call $plant (local.get $secret))
    (if (result i64) (i32.eq (local.get $op) (i32.const 2))
      (then (call $scan (local.get $secret)))
      (else (i64.const 0)))))
