/*
 * A first engine in C: counts the lines, words and bytes of its input and writes
 * "lines=L words=W bytes=B\n" to its output. Freestanding: no libc, nothing imported but
 * what the SDK header declares (vdso.process_exit), so it loads on any Hermetic host.
 *
 * The filter convention: engine_start(in_ptr, in_len, out_ptr, out_cap) returns the number
 * of bytes written, or a negative status. The host maps the input read-only and the output
 * writable into the span window this file declares, so the engine copies nothing in.
 */
#include <hermetic/engine.h>

HERMETIC_SPAN_WINDOW(1024 * 1024)

/* Writes the decimal digits of v at out; returns how many. */
static int32_t put_number(unsigned char *out, int64_t v) {
    char digits[20];
    int32_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (int32_t i = 0; i < n; i++) {
        out[i] = (unsigned char)digits[n - 1 - i];
    }
    return n;
}

static int32_t put_text(unsigned char *out, const char *text) {
    int32_t n = 0;
    while (text[n] != 0) {
        out[n] = (unsigned char)text[n];
        n++;
    }
    return n;
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in_ptr, int32_t in_len, int32_t out_ptr, int32_t out_cap) {
    const unsigned char *in = HERMETIC_SPAN_PTR(in_ptr);
    unsigned char *out = HERMETIC_SPAN_PTR(out_ptr);
    int64_t lines = 0, words = 0;
    int in_word = 0;
    for (int32_t i = 0; i < in_len; i++) {
        unsigned char c = in[i];
        int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
        if (c == '\n') {
            lines++;
        }
        if (!space && !in_word) {
            words++;
        }
        in_word = !space;
    }
    /* The longest answer: three 19-digit numbers and the labels. */
    if (out_cap < 96) {
        return HERMETIC_ERR_BUFFER_TOO_SMALL;
    }
    int32_t n = 0;
    n += put_text(out + n, "lines=");
    n += put_number(out + n, lines);
    n += put_text(out + n, " words=");
    n += put_number(out + n, words);
    n += put_text(out + n, " bytes=");
    n += put_number(out + n, in_len);
    out[n++] = '\n';
    return n;
}
