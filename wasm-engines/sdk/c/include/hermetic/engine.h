/*
 * Hermetic engine SDK for C. The contract is wasm-engines/ABI.md.
 *
 *   #include <hermetic/engine.h>
 *   HERMETIC_SPAN_WINDOW(HERMETIC_SPAN_WINDOW_DEFAULT_SIZE)   (in exactly one file)
 *   HERMETIC_ENGINE_START int64_t engine_start(int32_t in, int32_t in_len,
 *                                              int32_t out, int32_t out_cap) { ... }
 *
 * Alternatively `#define HERMETIC_SPAN_WINDOW_SIZE <bytes>` before including this header
 * in exactly one file declares the window too.
 *
 * Engines built against wasi-libc also link sdk/c/src/wasi_stubs.c, which answers every
 * WASI call locally, so `vdso` stays the only import module.
 */
#ifndef HERMETIC_ENGINE_H
#define HERMETIC_ENGINE_H

#include <stdint.h>

/* Status codes: negative Zircon numbers. */
#define HERMETIC_OK 0
#define HERMETIC_ERR_INTERNAL (-1)
#define HERMETIC_ERR_NOT_SUPPORTED (-2)
#define HERMETIC_ERR_NO_RESOURCES (-3)
#define HERMETIC_ERR_NO_MEMORY (-4)
#define HERMETIC_ERR_INVALID_ARGS (-10)
#define HERMETIC_ERR_BAD_HANDLE (-11)
#define HERMETIC_ERR_WRONG_TYPE (-12)
#define HERMETIC_ERR_OUT_OF_RANGE (-14)
#define HERMETIC_ERR_BUFFER_TOO_SMALL (-15)
#define HERMETIC_ERR_BAD_STATE (-20)
#define HERMETIC_ERR_NOT_FOUND (-25)
#define HERMETIC_ERR_ACCESS_DENIED (-30)
#define HERMETIC_ERR_IO_DATA_INTEGRITY (-42)

/* Exit code of a Rust engine that panicked; reserved for the same meaning in C. */
#define HERMETIC_EXIT_PANIC 101

/* Span windows are made of whole host pages. */
#define HERMETIC_PAGE_SIZE 4096
#define HERMETIC_SPAN_WINDOW_DEFAULT_SIZE (16 * 1024 * 1024)

/* Ends the process with `code`; never returns. The engine's only door out. */
__attribute__((import_module("vdso"), import_name("process_exit"), noreturn))
void hermetic_process_exit(int64_t code);

/* Marks a function as a Wasm export under its own name. */
#define HERMETIC_EXPORT(name) __attribute__((export_name(#name), used))

/* Put before the definition of engine_start / engine_init. */
#define HERMETIC_ENGINE_START HERMETIC_EXPORT(engine_start)
#define HERMETIC_ENGINE_INIT HERMETIC_EXPORT(engine_init)

/*
 * Declares the span window: a page-aligned, zero-initialised .bss array no allocator can
 * hand out, exported by base address and size. `bytes` must be a positive multiple of
 * HERMETIC_PAGE_SIZE. Use once per engine.
 */
#define HERMETIC_SPAN_WINDOW(bytes)                                                        \
    _Static_assert((bytes) > 0 && (bytes) % HERMETIC_PAGE_SIZE == 0,                       \
                   "span window size must be a positive multiple of 4 KiB");               \
    static unsigned char hermetic_span_window_bytes[(bytes)]                               \
        __attribute__((aligned(HERMETIC_PAGE_SIZE)));                                      \
    HERMETIC_EXPORT(hermetic_span_window) int32_t hermetic_span_window(void) {             \
        return (int32_t)(uintptr_t)hermetic_span_window_bytes;                             \
    }                                                                                      \
    HERMETIC_EXPORT(hermetic_span_window_size) int32_t hermetic_span_window_size(void) {   \
        return (int32_t)sizeof hermetic_span_window_bytes;                                 \
    }

#ifdef HERMETIC_SPAN_WINDOW_SIZE
HERMETIC_SPAN_WINDOW(HERMETIC_SPAN_WINDOW_SIZE)
#endif

/*
 * The bytes of a span the host passed as (ptr, len): ptr is an address in linear memory.
 * A native build of an engine (benchmarks) defines its own mapping before including this.
 */
#ifndef HERMETIC_SPAN_PTR
#define HERMETIC_SPAN_PTR(p) ((unsigned char *)(uintptr_t)(uint32_t)(p))
#endif

#endif
