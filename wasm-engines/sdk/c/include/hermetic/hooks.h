/* Named hook calls: the vDSO imports vdso.hook_call and vdso.hook_result (ABI.md, "Hook
 * calls"). An import appears in an engine only if the engine calls it; such an engine loads
 * only on a host with hooks. */
#ifndef HERMETIC_HOOKS_H
#define HERMETIC_HOOKS_H

#include <stddef.h>
#include <stdint.h>

/* Calls hook `name` (UTF-8, name_len bytes) once with capdata JSON
 * {"body":"#...","slots":[...]}. Returns the result length r >= 0 (written at `out` if
 * r <= out_cap, else pending for hermetic_hook_result) or a negative status. */
__attribute__((import_module("vdso"), import_name("hook_call")))
int64_t hermetic_hook_call_raw(const char *name, size_t name_len, const char *capdata,
                               size_t capdata_len, char *out, size_t out_cap);

/* Copies the pending result of the last call: its length, -15 if it still does not fit
 * (it stays pending), -25 if nothing is pending. */
__attribute__((import_module("vdso"), import_name("hook_result")))
int64_t hermetic_hook_result(char *out, size_t out_cap);

/* hermetic_hook_call_raw with a NUL-terminated hook name. */
static inline int64_t hermetic_hook_call(const char *name, const char *capdata, size_t len,
                                         char *out, size_t cap) {
    size_t name_len = 0;
    while (name[name_len] != '\0') {
        name_len++;
    }
    return hermetic_hook_call_raw(name, name_len, capdata, len, out, cap);
}

#endif
