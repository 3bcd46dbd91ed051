/*
 * CSV summary filter. The input is RFC 4180 CSV (quoted fields, "" escapes, LF or CRLF line
 * ends); its first record is the header. The output is text:
 *
 *   rows=<data records>
 *   columns=<fields per record>
 *   <header>: numeric=<n> sum=<%g> min=<%g> max=<%g>     (one line per column;
 *   <header>: numeric=0                                   the second form when n = 0)
 *
 * A field is numeric when strtod consumes all of it and the value is finite. Malformed
 * input (unterminated or stray quote, NUL byte, a record whose field count differs from
 * the header's, no header) returns HERMETIC_ERR_IO_DATA_INTEGRITY. Every field is copied
 * into its own malloc'd string, so the engine allocates heavily after receiving its spans.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HERMETIC_SPAN_WINDOW_SIZE HERMETIC_SPAN_WINDOW_DEFAULT_SIZE
#include <hermetic/engine.h>

/* Running statistics of one column. */
struct column {
    /* The header field, NUL-terminated, owned. */
    char *name;
    /* Number of numeric fields seen; sum/min/max are meaningful only when > 0. */
    long numeric;
    double sum;
    double min;
    double max;
};

/* A cursor over the input span; pos never exceeds len. */
struct reader {
    const unsigned char *data;
    size_t len;
    size_t pos;
};

/* A growable array of owned field strings for the current record. */
struct record {
    char **fields;
    size_t count;
    size_t capacity;
};

static void record_clear(struct record *r) {
    for (size_t i = 0; i < r->count; i++) {
        free(r->fields[i]);
    }
    r->count = 0;
}

static int record_push(struct record *r, const unsigned char *bytes, size_t len) {
    if (r->count == r->capacity) {
        size_t capacity = r->capacity ? r->capacity * 2 : 8;
        char **grown = realloc(r->fields, capacity * sizeof *grown);
        if (!grown) {
            return HERMETIC_ERR_NO_MEMORY;
        }
        r->fields = grown;
        r->capacity = capacity;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        return HERMETIC_ERR_NO_MEMORY;
    }
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    r->fields[r->count++] = copy;
    return HERMETIC_OK;
}

/*
 * Reads one record into rec. Returns 1 when a record was read, 0 at the end of input,
 * or a negative status. Quoted fields are unescaped into scratch (as large as the input).
 */
static int read_record(struct reader *in, struct record *rec, unsigned char *scratch) {
    record_clear(rec);
    if (in->pos >= in->len) {
        return 0;
    }
    for (;;) {
        size_t n = 0;
        if (in->pos < in->len && in->data[in->pos] == '"') {
            in->pos++;
            for (;;) {
                if (in->pos >= in->len) {
                    return HERMETIC_ERR_IO_DATA_INTEGRITY;
                }
                unsigned char c = in->data[in->pos++];
                if (c == '"') {
                    if (in->pos < in->len && in->data[in->pos] == '"') {
                        in->pos++;
                        scratch[n++] = '"';
                        continue;
                    }
                    break;
                }
                if (c == '\0') {
                    return HERMETIC_ERR_IO_DATA_INTEGRITY;
                }
                scratch[n++] = c;
            }
        } else {
            while (in->pos < in->len) {
                unsigned char c = in->data[in->pos];
                if (c == ',' || c == '\n' || c == '\r') {
                    break;
                }
                if (c == '"' || c == '\0') {
                    return HERMETIC_ERR_IO_DATA_INTEGRITY;
                }
                scratch[n++] = c;
                in->pos++;
            }
        }
        int status = record_push(rec, scratch, n);
        if (status < 0) {
            return status;
        }
        if (in->pos >= in->len) {
            return 1;
        }
        unsigned char sep = in->data[in->pos++];
        if (sep == ',') {
            continue;
        }
        if (sep == '\r') {
            if (in->pos >= in->len || in->data[in->pos] != '\n') {
                return HERMETIC_ERR_IO_DATA_INTEGRITY;
            }
            in->pos++;
            return 1;
        }
        if (sep == '\n') {
            return 1;
        }
        return HERMETIC_ERR_IO_DATA_INTEGRITY;
    }
}

static int is_numeric(const char *field, double *value) {
    if (field[0] == '\0') {
        return 0;
    }
    char *end;
    double v = strtod(field, &end);
    if (*end != '\0' || !isfinite(v)) {
        return 0;
    }
    *value = v;
    return 1;
}

/* Appends formatted text at out[*used]; fails when it does not fit in cap. */
static int emit(char *out, size_t cap, size_t *used, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int n = vsnprintf(out + *used, cap - *used, format, args);
    va_end(args);
    if (n < 0) {
        return HERMETIC_ERR_INTERNAL;
    }
    if ((size_t)n >= cap - *used) {
        return HERMETIC_ERR_BUFFER_TOO_SMALL;
    }
    *used += (size_t)n;
    return HERMETIC_OK;
}

static int64_t summarize(struct reader *in, char *out, size_t out_cap, unsigned char *scratch,
                         struct record *rec, struct column **columns_out, size_t *ncolumns_out) {
    int status = read_record(in, rec, scratch);
    if (status < 0) {
        return status;
    }
    if (status == 0) {
        return HERMETIC_ERR_IO_DATA_INTEGRITY;
    }
    size_t ncolumns = rec->count;
    struct column *columns = calloc(ncolumns, sizeof *columns);
    if (!columns) {
        return HERMETIC_ERR_NO_MEMORY;
    }
    *columns_out = columns;
    for (size_t i = 0; i < ncolumns; i++) {
        columns[i].name = rec->fields[i];
        rec->fields[i] = NULL;
    }
    *ncolumns_out = ncolumns;
    rec->count = 0;

    long rows = 0;
    while ((status = read_record(in, rec, scratch)) == 1) {
        if (rec->count != ncolumns) {
            return HERMETIC_ERR_IO_DATA_INTEGRITY;
        }
        rows++;
        for (size_t i = 0; i < ncolumns; i++) {
            double v;
            if (is_numeric(rec->fields[i], &v)) {
                struct column *c = &columns[i];
                c->min = c->numeric == 0 || v < c->min ? v : c->min;
                c->max = c->numeric == 0 || v > c->max ? v : c->max;
                c->sum += v;
                c->numeric++;
            }
        }
    }
    if (status < 0) {
        return status;
    }

    size_t used = 0;
    if ((status = emit(out, out_cap, &used, "rows=%ld\ncolumns=%zu\n", rows, ncolumns)) < 0) {
        return status;
    }
    for (size_t i = 0; i < ncolumns; i++) {
        const struct column *c = &columns[i];
        status = c->numeric == 0
                     ? emit(out, out_cap, &used, "%s: numeric=0\n", c->name)
                     : emit(out, out_cap, &used, "%s: numeric=%ld sum=%g min=%g max=%g\n", c->name,
                            c->numeric, c->sum, c->min, c->max);
        if (status < 0) {
            return status;
        }
    }
    return (int64_t)used;
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in, int32_t in_len, int32_t out, int32_t out_cap) {
    if (in_len < 0 || out_cap < 0) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    struct reader reader = {HERMETIC_SPAN_PTR(in), (size_t)in_len, 0};
    unsigned char *scratch = malloc((size_t)in_len + 1);
    if (!scratch) {
        return HERMETIC_ERR_NO_MEMORY;
    }
    struct record rec = {0};
    struct column *columns = NULL;
    size_t ncolumns = 0;
    int64_t result = summarize(&reader, (char *)HERMETIC_SPAN_PTR(out), (size_t)out_cap, scratch,
                               &rec, &columns, &ncolumns);
    for (size_t i = 0; i < ncolumns; i++) {
        free(columns[i].name);
    }
    free(columns);
    record_clear(&rec);
    free(rec.fields);
    free(scratch);
    return result;
}
