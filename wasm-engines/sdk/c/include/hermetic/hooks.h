/*
 * Hermetic engine SDK for C: named hook calls (wasm-engines/ABI.md, "Hook calls").
 *
 *   #include <hermetic/hooks.h>
 *   static const char args[] = "{\"body\":\"#\\\"ping\\\"\",\"slots\":[]}";  // #"ping"
 *   char result[256];
 *   int64_t r = hermetic_hook_call("echo", 4, args, sizeof args - 1, result, sizeof result);
 *   // r < 0: a status; r <= 256: result holds r bytes; else hermetic_hook_result(buf, r)
 *
 * The two vDSO imports, vdso.hook_call and vdso.hook_result, appear in an engine only if it
 * calls them; an engine that does imports only from "vdso" still, but loads only on a host
 * that grants hooks. Every function returns a length (>= 0) or a negative status.
 */
#ifndef HERMETIC_HOOKS_H
#define HERMETIC_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include <hermetic/engine.h>

/* Longest hook name in UTF-8 bytes. */
#define HERMETIC_HOOK_MAX_NAME 256

/* Result buffer hermetic_hook_call_alloc tries first, on the stack. */
#ifndef HERMETIC_HOOK_FIRST_BUFFER
#define HERMETIC_HOOK_FIRST_BUFFER 256
#endif

/*
 * Runs hook `name` (UTF-8, name_len bytes) exactly once with `capdata`, the UTF-8 JSON
 * {"body":"#...","slots":[...]} (smallcaps body; slots are the engine's own references).
 * Returns r >= 0, the length of the result capdata: written at `result` if r <= result_cap,
 * otherwise nothing is written and the result stays pending for hermetic_hook_result.
 * A negative r is a status: NOT_FOUND (unknown or ungranted hook), INVALID_ARGS,
 * BAD_HANDLE, OUT_OF_RANGE, NO_RESOURCES, INTERNAL.
 */
__attribute__((import_module("vdso"), import_name("hook_call")))
int64_t hermetic_hook_call(const char *name, size_t name_len, const void *capdata,
                           size_t capdata_len, void *result, size_t result_cap);

/*
 * Copies the pending result of the last hermetic_hook_call and returns its length;
 * BUFFER_TOO_SMALL if it still does not fit (it stays pending), NOT_FOUND if nothing is
 * pending. A result is delivered once; a new call drops a pending one.
 */
__attribute__((import_module("vdso"), import_name("hook_result")))
int64_t hermetic_hook_result(void *result, size_t result_cap);

/* hermetic_hook_call with a NUL-terminated name and capdata. */
static inline int64_t hermetic_hook_call_str(const char *name, const char *capdata,
                                             void *result, size_t result_cap) {
    size_t name_len = 0;
    size_t capdata_len = 0;
    while (name[name_len] != '\0') {
        name_len++;
    }
    while (capdata[capdata_len] != '\0') {
        capdata_len++;
    }
    return hermetic_hook_call(name, name_len, capdata, capdata_len, result, result_cap);
}

/*
 * For engines with malloc (wasi-libc; not in -ffreestanding builds, or when
 * HERMETIC_HOOKS_NO_MALLOC is defined): runs the hook once and stores its whole result in
 * a malloc'd, NUL-terminated buffer at *result (the caller frees it). A result larger than
 * HERMETIC_HOOK_FIRST_BUFFER is fetched with one hermetic_hook_result into a buffer of
 * exactly its length. Returns the length or a negative status (NO_MEMORY if malloc fails);
 * *result is NULL unless the return value is >= 0.
 */
#if __STDC_HOSTED__ && !defined(HERMETIC_HOOKS_NO_MALLOC)
#include <stdlib.h>
#include <string.h>

static inline int64_t hermetic_hook_call_alloc(const char *name, size_t name_len,
                                               const void *capdata, size_t capdata_len,
                                               char **result) {
    char first[HERMETIC_HOOK_FIRST_BUFFER];
    *result = NULL;
    int64_t r = hermetic_hook_call(name, name_len, capdata, capdata_len, first, sizeof first);
    if (r < 0) {
        return r;
    }
    char *buffer = malloc((size_t)r + 1);
    if (buffer == NULL) {
        return HERMETIC_ERR_NO_MEMORY;
    }
    if (r <= (int64_t)sizeof first) {
        memcpy(buffer, first, (size_t)r);
    } else {
        int64_t fetched = hermetic_hook_result(buffer, (size_t)r);
        if (fetched != r) {
            free(buffer);
            return fetched < 0 ? fetched : HERMETIC_ERR_INTERNAL;
        }
    }
    buffer[r] = '\0';
    *result = buffer;
    return r;
}
#endif

#endif
