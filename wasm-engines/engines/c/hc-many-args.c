/*
 * Twelve parameters mixing i32 and i64. The result is a positional checksum:
 * h = h * 31 + arg over the arguments in order (i32 arguments sign-extended), so
 * swapping any two different arguments changes it.
 */
#include <hermetic/engine.h>

HERMETIC_ENGINE_START int64_t engine_start(int32_t a0, int64_t a1, int32_t a2, int64_t a3,
                                           int32_t a4, int32_t a5, int64_t a6, int64_t a7,
                                           int32_t a8, int64_t a9, int32_t a10, int64_t a11) {
    const int64_t args[12] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11};
    uint64_t h = 0;
    for (int i = 0; i < 12; i++) {
        h = h * 31u + (uint64_t)args[i];
    }
    return (int64_t)h;
}
