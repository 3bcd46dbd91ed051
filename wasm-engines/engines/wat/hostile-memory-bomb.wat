;; Grows memory one Wasm page at a time until refused, writing to every 4 KiB of each new
;; page so the pages are really committed, then calls process_exit(pages obtained).
(module
  (import "vdso" "process_exit" (func $process_exit (param i64)))
  (memory (export "memory") 1)
  (func (export "engine_start")
    (local $pages i32) (local $addr i32) (local $end i32)
    (block $refused
      (loop $grow
        (local.set $addr (memory.grow (i32.const 1)))
        (br_if $refused (i32.eq (local.get $addr) (i32.const -1)))
        (local.set $pages (i32.add (local.get $pages) (i32.const 1)))
        (local.set $addr (i32.mul (local.get $addr) (i32.const 65536)))
        (local.set $end (i32.add (local.get $addr) (i32.const 65536)))
        (loop $touch
          (i32.store8 (local.get $addr) (i32.const 1))
          (local.set $addr (i32.add (local.get $addr) (i32.const 4096)))
          (br_if $touch (i32.lt_u (local.get $addr) (local.get $end))))
        (br $grow)))
    (call $process_exit (i64.extend_i32_u (local.get $pages)))))
