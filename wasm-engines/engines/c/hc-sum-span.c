/* Read-only span: engine_start(i32 ptr, i32 len) returns the sum of its bytes as i64. */
#include <hermetic/engine.h>

HERMETIC_ENGINE_START int64_t engine_start(int32_t ptr, int32_t len) {
    const unsigned char *bytes = HERMETIC_SPAN_PTR(ptr);
    int64_t sum = 0;
    for (int32_t i = 0; i < len; i++) {
        sum += bytes[i];
    }
    return sum;
}
