/*
 * Hostile: engine_start() recurses without end and calls hook "echo" at every level, so the
 * host's hook path runs on an ever deeper stack until the stack runs out somewhere: in the
 * engine's code, in the vDSO import or inside the hook. The host must end the process as a
 * trap and carry on. Frames keep nothing on the shadow stack (the capdata is constant, the
 * result buffer static), so it is the runtime's call stack that is exhausted, not the
 * engine's 64 KiB of linear-memory stack. The call after the recursive one keeps the
 * compiler from turning the recursion into a loop.
 */
#include <hermetic/hooks.h>

static const char capdata[] = "{\"body\":\"#\\\"ping\\\"\",\"slots\":[]}";
static char result[64];

/* Endless by design. */
#pragma clang diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int64_t descend(int64_t depth) {
    int64_t r = hermetic_hook_call("echo", 4, capdata, sizeof capdata - 1, result, sizeof result);
    int64_t below = descend(depth + 1);
    hermetic_hook_call("echo", 4, capdata, sizeof capdata - 1, result, sizeof result);
    return below + r + depth;
}

HERMETIC_ENGINE_START int64_t engine_start(void) {
    return descend(0);
}
