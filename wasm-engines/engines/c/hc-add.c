/* Fuchsia hermetic-compute test "17 + 23": engine_start(i32 a, i32 b) -> a + b. */
#include <hermetic/engine.h>

HERMETIC_ENGINE_START int32_t engine_start(int32_t a, int32_t b) {
    return a + b;
}
