/*
 * The runtime clang's WebAssembly setjmp/longjmp lowering (-mllvm -wasm-enable-sjlj, LLVM 19+)
 * calls. A function that calls setjmp gets a unique invocation id (the address of a stack
 * slot); each setjmp call site in it a label. setjmp records both in the jmp_buf; longjmp
 * throws the C longjmp exception (tag __c_longjmp, setjmp_tag.s) carrying the buffer; every
 * function that called setjmp catches it, asks __wasm_setjmp_test whether the buffer is one
 * of its own and either resumes at that label or rethrows.
 */
#include <setjmp.h>
#include <stdint.h>

/* Index of the C longjmp tag for __builtin_wasm_throw (0 is C++'s). */
#define C_LONGJMP_TAG 1

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
    struct __hermetic_jmp_buf *jb = env;
    if (label == 0 || invocation == 0) {
        __builtin_trap(); /* the compiler never passes these */
    }
    jb->__invocation = invocation;
    jb->__label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
    const struct __hermetic_jmp_buf *jb = env;
    return jb->__invocation == invocation ? jb->__label : 0;
}

void __wasm_longjmp(void *env, int val) {
    struct __hermetic_jmp_buf *jb = env;
    jb->__payload.__env = env;
    jb->__payload.__val = val == 0 ? 1 : val;
    __builtin_wasm_throw(C_LONGJMP_TAG, &jb->__payload);
}
