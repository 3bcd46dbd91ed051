/* Writable span: engine_start(i32 ptr, i32 len, i32 byte) fills it with byte; returns 0. */
#include <hermetic/engine.h>

HERMETIC_ENGINE_START int32_t engine_start(int32_t ptr, int32_t len, int32_t byte) {
    volatile unsigned char *bytes = HERMETIC_SPAN_PTR(ptr);
    for (int32_t i = 0; i < len; i++) {
        bytes[i] = (unsigned char)byte;
    }
    return 0;
}
