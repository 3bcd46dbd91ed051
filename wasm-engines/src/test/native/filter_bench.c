/*
 * Native driver for the bench: compiles a C filter engine's own source with gcc and times
 * engine_start on one input, printing "calls N nanos T" like the V8 runner.
 *
 *   gcc -O2 -Wno-attributes -I sdk/c/include -DENGINE_SOURCE='"engines/c/sha256.c"' \
 *       -o filter_bench src/test/native/filter_bench.c -lm
 *   ./filter_bench IN OUT_CAP MIN_MILLIS [OUT]
 *
 * With OUT, the last call's output is written there, for comparing runtimes.
 *
 * Span addresses stay 32-bit offsets, as in Wasm, into one native buffer standing in for
 * linear memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Stands in for the engine's linear memory: input at 0, output at the next 4 KiB. */
static unsigned char native_memory[64 << 20];

#define HERMETIC_SPAN_PTR(p) (native_memory + (uint32_t)(p))
#include ENGINE_SOURCE

static int64_t now_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s IN OUT_CAP MIN_MILLIS [OUT]\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    size_t len = fread(native_memory, 1, sizeof native_memory / 2, in);
    fclose(in);
    int32_t out_cap = atoi(argv[2]);
    int64_t min_nanos = atoll(argv[3]) * 1000000;
    int32_t out = (int32_t)((len + 4095) / 4096 * 4096);
    if ((size_t)out + (size_t)out_cap > sizeof native_memory) {
        fprintf(stderr, "input and output exceed the native buffer\n");
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        if (engine_start(0, (int32_t)len, out, out_cap) < 0) {
            fprintf(stderr, "engine failed\n");
            return 1;
        }
    }
    long calls = 0;
    int64_t start = now_nanos(), elapsed = 0, written = 0;
    while (elapsed < min_nanos) {
        written = engine_start(0, (int32_t)len, out, out_cap);
        calls++;
        elapsed = now_nanos() - start;
    }
    printf("calls %ld nanos %lld\n", calls, (long long)elapsed);
    if (argc == 5) {
        FILE *file = fopen(argv[4], "wb");
        if (!file || fwrite(native_memory + out, 1, (size_t)written, file) != (size_t)written || fclose(file)) {
            perror(argv[4]);
            return 1;
        }
    }
    return 0;
}
