/*
 * setjmp/longjmp for Hermetic C engines, on WebAssembly exception handling (the exnref form
 * Chicory and V8 run: try_table / throw_ref). Debian's wasi-libc has no setjmp.h; this is it.
 *
 * Build with clang 19 or newer (the SDK uses clang-22) and these flags, on every file that
 * includes this header:
 *
 *   --target=wasm32-wasi -mexception-handling -mllvm -wasm-enable-sjlj
 *   -mllvm -wasm-use-legacy-eh=false
 *
 * and link sdk/c/src/setjmp.c and sdk/c/src/setjmp_tag.s (the runtime the compiler calls:
 * __wasm_setjmp, __wasm_setjmp_test, __wasm_longjmp and the tag __c_longjmp). Without
 * -wasm-enable-sjlj the link fails with "undefined symbol: setjmp".
 *
 * Semantics are ISO C's: longjmp(env, 0) makes setjmp return 1; jumping to a buffer whose
 * setjmp caller has returned is undefined (here: the exception is not caught and the process
 * traps). Signal masks do not exist, so sigsetjmp/siglongjmp are setjmp/longjmp.
 */
#ifndef HERMETIC_SETJMP_H
#define HERMETIC_SETJMP_H

#ifndef __wasm_exception_handling__
#error "setjmp.h needs -mexception-handling -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false (clang 19+)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What setjmp records and what longjmp carries. The compiler passes a jmp_buf to the runtime
 * as an opaque pointer; only the last member's layout is fixed, by the compiler: the
 * exception's payload is a pointer to { void *env; int val; }.
 */
struct __hermetic_jmp_buf {
    /* The invocation of the function that called setjmp: its frame's unique id. */
    void *__invocation;
    /* Which setjmp call inside that function; never 0 once setjmp ran. */
    unsigned int __label;
    /* The payload of the __c_longjmp exception: this buffer and the value setjmp returns. */
    struct {
        void *__env;
        int __val;
    } __payload;
};

typedef struct __hermetic_jmp_buf jmp_buf[1];
typedef struct __hermetic_jmp_buf sigjmp_buf[1];

int setjmp(jmp_buf env) __attribute__((__returns_twice__));
_Noreturn void longjmp(jmp_buf env, int val);

/* The compiler recognises setjmp and longjmp by name; the other spellings map onto them. */
#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp(env, val)
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#ifdef __cplusplus
}
#endif

#endif
