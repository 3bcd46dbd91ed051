/*
 * SHA-256 filter (FIPS 180-4): engine_start(in, in_len, out, out_cap) writes the 32-byte
 * digest of the input span to the output span and returns 32.
 */
#include <stddef.h>
#include <string.h>

#define HERMETIC_SPAN_WINDOW_SIZE HERMETIC_SPAN_WINDOW_DEFAULT_SIZE
#include <hermetic/engine.h>

#include "sha256_core.h"

HERMETIC_ENGINE_START int64_t engine_start(int32_t in, int32_t in_len, int32_t out, int32_t out_cap) {
    if (in_len < 0 || out_cap < 0) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    if (out_cap < SHA256_DIGEST_SIZE) {
        return HERMETIC_ERR_BUFFER_TOO_SMALL;
    }
    sha256(HERMETIC_SPAN_PTR(in), (size_t)in_len, HERMETIC_SPAN_PTR(out));
    return SHA256_DIGEST_SIZE;
}
