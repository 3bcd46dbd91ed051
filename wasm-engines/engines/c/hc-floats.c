/*
 * f32 and f64 parameters: engine_start(f32 a, f64 b, f32 c, f64 d) returns the bits of
 * the f64 value (double)a * b + (double)c * d, computed without fused multiply-add.
 */
#include <hermetic/engine.h>

HERMETIC_ENGINE_START int64_t engine_start(float a, double b, float c, double d) {
    double r = (double)a * b + (double)c * d;
    int64_t bits;
    __builtin_memcpy(&bits, &r, sizeof bits);
    return bits;
}
