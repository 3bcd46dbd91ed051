;; Filter convention: copies the input to the output, upper-casing ASCII letters; exits 3
;; through process_exit when the input starts with '!'. Has a span window in its image.
(module
  (import "vdso" "process_exit" (func $exit (param i64)))
  (memory (export "memory") 4)
  (func (export "hermetic_span_window") (result i32) (i32.const 65536))
  (func (export "hermetic_span_window_size") (result i32) (i32.const 196608))
  (func (export "engine_start") (param $in i32) (param $n i32) (param $out i32) (param $cap i32) (result i64)
    (local $i i32) (local $c i32)
    (if (i32.and (i32.gt_u (local.get $n) (i32.const 0)) (i32.eq (i32.load8_u (local.get $in)) (i32.const 33)))
      (then (call $exit (i64.const 3))))
    (if (i32.gt_u (local.get $n) (local.get $cap)) (then (return (i64.const -15))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (local.get $in) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.extend_i32_u (local.get $n))))
