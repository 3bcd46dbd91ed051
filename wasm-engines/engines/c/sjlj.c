/*
 * sjlj: setjmp/longjmp on Wasm exception handling (sdk/c/include/setjmp.h), the way an
 * interpreter's error handling uses them. Built with clang-22 (build.sh). Filter convention;
 * the input is a probe name and a count:
 *
 *   loop N     setjmp in a loop N times; round i longjmps out of i+1 nested calls with value i
 *   nested N   N protected calls inside each other (Lua's pcall inside pcall); the innermost
 *              error unwinds one level at a time, each handler adding its depth and rethrowing
 *   stale      longjmp to a buffer whose setjmp caller has returned: undefined in C; here the
 *              exception finds no handler and the process traps
 *
 * The output is "key value" lines.
 */
#define HERMETIC_SPAN_WINDOW_SIZE (64 * 1024)
#include <hermetic/engine.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *out;
static size_t out_cap;
static size_t out_len;

static void say(const char *key, long long value) {
    int n = snprintf(out + out_len, out_cap - out_len, "%s %lld\n", key, value);
    if (n > 0 && (size_t)n < out_cap - out_len) {
        out_len += (size_t)n;
    }
}

static jmp_buf loop_buf;
static int calls;

__attribute__((noinline)) static void descend(int depth, int value) {
    calls++;
    if (depth == 0) {
        longjmp(loop_buf, value);
    }
    descend(depth - 1, value);
}

static void probe_loop(int rounds) {
    long long total = 0;
    int zero_became = 0;
    volatile int survived = 0; /* volatile: its value after longjmp is defined */
    for (int i = 0; i < rounds; i++) {
        int r = setjmp(loop_buf);
        if (r == 0) {
            survived++;
            descend(i, i);
        } else {
            total += r;
        }
    }
    if (setjmp(loop_buf) == 0) {
        longjmp(loop_buf, 0);
    } else {
        zero_became = 1;
    }
    say("rounds", rounds);
    say("total", total);
    say("calls", calls);
    say("survived", survived);
    say("longjmp-0-returns", zero_became);
}

/* A protected call: runs `depth` levels deeper, catching what is thrown below it. */
struct handler {
    jmp_buf buf;
    struct handler *outer;
};

static struct handler *current;
static long long unwound;

__attribute__((noinline)) static void raise_error(int code) {
    longjmp(current->buf, code);
}

__attribute__((noinline)) static void protected_call(int depth) {
    struct handler h;
    h.outer = current;
    current = &h;
    int code = setjmp(h.buf);
    if (code == 0) {
        if (depth == 0) {
            raise_error(1000);
        }
        protected_call(depth - 1);
    } else {
        unwound += code + depth;
        current = h.outer;
        if (current != NULL) {
            raise_error(code + 1); /* rethrow to the next handler out */
        }
        return;
    }
    current = h.outer;
}

static void probe_nested(int depth) {
    struct handler top;
    top.outer = NULL;
    current = &top;
    int code = setjmp(top.buf);
    if (code == 0) {
        protected_call(depth - 1);
    }
    say("depth", depth);
    say("unwound", unwound);
    say("final-code", code);
}

static jmp_buf stale_buf;

__attribute__((noinline)) static int leave_stale(void) {
    return setjmp(stale_buf);
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in_ptr, int32_t in_len, int32_t out_ptr, int32_t out_size) {
    char probe[32] = {0};
    if (in_len <= 0 || (size_t)in_len >= sizeof probe) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    memcpy(probe, HERMETIC_SPAN_PTR(in_ptr), (size_t)in_len);
    out = (char *)HERMETIC_SPAN_PTR(out_ptr);
    out_cap = (size_t)out_size;
    out_len = 0;
    char *arg = strchr(probe, ' ');
    int count = arg ? atoi(arg + 1) : 0;
    if (strncmp(probe, "loop ", 5) == 0 && count > 0) {
        probe_loop(count);
    } else if (strncmp(probe, "nested ", 7) == 0 && count > 0) {
        probe_nested(count);
    } else if (strcmp(probe, "stale") == 0) {
        if (leave_stale() == 0) {
            fprintf(stderr, "jumping to a returned frame\n");
            longjmp(stale_buf, 1);
        }
        say("stale-returned", 1);
    } else {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    return (int64_t)out_len;
}
