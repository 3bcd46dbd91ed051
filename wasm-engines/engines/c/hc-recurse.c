/*
 * Stack exhaustion: engine_start(i32 depth) recurses depth levels, each holding a 256-byte
 * frame on the 64 KiB shadow stack, and returns depth. A depth of a few hundred runs the
 * stack pointer below address 0, and the next frame store traps out of bounds.
 */
#include <hermetic/engine.h>

__attribute__((noinline)) static int32_t descend(int32_t remaining) {
    volatile unsigned char frame[256];
    frame[0] = (unsigned char)remaining;
    frame[255] = (unsigned char)(remaining >> 8);
    if (remaining == 0) {
        return frame[0];
    }
    return descend(remaining - 1) + 1 + (frame[255] - (unsigned char)(remaining >> 8));
}

HERMETIC_ENGINE_START int32_t engine_start(int32_t depth) {
    if (depth < 0) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    return descend(depth);
}
