/*
 * SQLite 3 as a filter engine. The input is SQL text (any number of statements); every
 * statement runs, in order, against an empty in-memory database. The output is what the
 * sqlite3 shell prints in its default list mode, without headers:
 *
 *   - one line per result row, the columns' text values (sqlite3_column_text) joined by '|',
 *     NULL as the empty string, each line ending in '\n';
 *   - statements without result columns print nothing;
 *   - at the first failing statement execution stops and one last line is written:
 *     "Error: <sqlite3_errmsg>\n", or "Error: <sqlite3_errmsg> (<result code>)\n" when the
 *     code is not plain SQLITE_ERROR (1); the rows printed before it stay. This is the
 *     message `sqlite3 -bail` prints to stderr as "... error near line N: <message>".
 *
 * The status is the number of bytes written, HERMETIC_ERR_BUFFER_TOO_SMALL when the output
 * does not fit, HERMETIC_ERR_INVALID_ARGS when the input holds a NUL byte, or
 * HERMETIC_ERR_NO_MEMORY when the database cannot be opened.
 *
 * The answer never depends on earlier calls: each call after the first reopens the database.
 * engine_init opens it ahead of the first call, so a zygote snapshot holds an initialised
 * library and an open, empty database.
 *
 * The library is built with SQLITE_OS_OTHER and this file's VFS, which opens no file at all:
 * ":memory:" databases and in-memory temp storage (SQLITE_TEMP_STORE=3) never ask for one.
 * Time is fixed at 1970-01-01 00:00:00 and the PRNG is reseeded from all-zero bytes for every
 * call, so `date('now')` and `random()` give the same answer every time.
 */
#include <string.h>

#include "sqlite3.h"

#define HERMETIC_SPAN_WINDOW_SIZE (8 * 1024 * 1024)
#include <hermetic/engine.h>

/* ---- The VFS: no files, fixed time, zero randomness. ---- */

static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs; (void)name; (void)flags; (void)out_flags;
    file->pMethods = 0; /* tells SQLite there is nothing to close */
    return SQLITE_CANTOPEN;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs; (void)name; (void)sync_dir;
    return SQLITE_IOERR_DELETE;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs; (void)name; (void)flags;
    *result = 0; /* nothing exists */
    return SQLITE_OK;
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int out_len, char *out) {
    (void)vfs;
    sqlite3_snprintf(out_len, out, "%s", name);
    return SQLITE_OK;
}

static int vfs_randomness(sqlite3_vfs *vfs, int len, char *out) {
    (void)vfs;
    memset(out, 0, (size_t)len);
    return len;
}

static int vfs_sleep(sqlite3_vfs *vfs, int micros) {
    (void)vfs;
    return micros;
}

/* Milliseconds since the Julian epoch of 1970-01-01 00:00:00 UTC. */
#define UNIX_EPOCH_JULIAN_MS ((sqlite3_int64)210866760000000)

static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    *now = UNIX_EPOCH_JULIAN_MS;
    return SQLITE_OK;
}

static int vfs_current_time(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    *now = UNIX_EPOCH_JULIAN_MS / 86400000.0;
    return SQLITE_OK;
}

static int vfs_get_last_error(sqlite3_vfs *vfs, int len, char *out) {
    (void)vfs; (void)len; (void)out;
    return 0;
}

static sqlite3_vfs hermetic_vfs = {
    .iVersion = 2,
    .szOsFile = sizeof(sqlite3_file),
    .mxPathname = 512,
    .zName = "hermetic",
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_get_last_error,
    .xCurrentTimeInt64 = vfs_current_time_int64,
};

/* SQLITE_OS_OTHER leaves these two to the embedder. */
int sqlite3_os_init(void) {
    return sqlite3_vfs_register(&hermetic_vfs, 1);
}

int sqlite3_os_end(void) {
    return SQLITE_OK;
}

/* ---- The engine. ---- */

/* The open database, or NULL before the first open. */
static sqlite3 *db;

/* True while db has run no statement since it was opened: the next call may use it as is. */
static int db_fresh;

static int open_fresh_database(void) {
    if (db && db_fresh) {
        return HERMETIC_OK;
    }
    if (db) {
        sqlite3_close(db);
        db = 0;
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        sqlite3_close(db);
        db = 0;
        return HERMETIC_ERR_NO_MEMORY;
    }
    /* Reseeds the PRNG from the VFS on its next use: random() starts over in every call. */
    sqlite3_randomness(0, 0);
    db_fresh = 1;
    return HERMETIC_OK;
}

HERMETIC_ENGINE_INIT void engine_init(void) {
    open_fresh_database();
}

/* An output cursor over the output span; len never exceeds cap, overflow is sticky. */
struct output {
    unsigned char *data;
    size_t cap;
    size_t len;
    int overflow;
};

static void put(struct output *out, const void *bytes, size_t len) {
    if (out->overflow || len > out->cap - out->len) {
        out->overflow = 1;
        return;
    }
    memcpy(out->data + out->len, bytes, len);
    out->len += len;
}

static void put_string(struct output *out, const char *s) {
    put(out, s, strlen(s));
}

/* Writes every row of a prepared statement; returns SQLite's final step code. */
static int write_rows(sqlite3_stmt *stmt, struct output *out) {
    int columns = sqlite3_column_count(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && !out->overflow) {
        for (int i = 0; i < columns; i++) {
            if (i > 0) {
                put(out, "|", 1);
            }
            const unsigned char *text = sqlite3_column_text(stmt, i);
            if (text) {
                /* As the shell's "%s": a blob's text stops at its first NUL byte. */
                put_string(out, (const char *)text);
            }
        }
        put(out, "\n", 1);
    }
    return rc;
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in_ptr, int32_t in_len, int32_t out_ptr, int32_t out_cap) {
    const char *sql = (const char *)HERMETIC_SPAN_PTR(in_ptr);
    if (memchr(sql, 0, (size_t)in_len)) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    int status = open_fresh_database();
    if (status != HERMETIC_OK) {
        return status;
    }
    db_fresh = 0;
    struct output out = {HERMETIC_SPAN_PTR(out_ptr), (size_t)out_cap, 0, 0};
    const char *end = sql + in_len;
    while (sql < end && !out.overflow) {
        sqlite3_stmt *stmt = 0;
        const char *tail = 0;
        int rc = sqlite3_prepare_v2(db, sql, (int)(end - sql), &stmt, &tail);
        if (rc == SQLITE_OK && stmt) {
            rc = write_rows(stmt, &out);
            if (rc == SQLITE_DONE) {
                rc = SQLITE_OK;
            }
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_OK && !out.overflow) {
            put_string(&out, "Error: ");
            put_string(&out, sqlite3_errmsg(db));
            if (rc > SQLITE_ERROR) {
                char code[16];
                put_string(&out, sqlite3_snprintf(sizeof code, code, " (%d)", rc));
            }
            put(&out, "\n", 1);
            break;
        }
        if (!tail || tail <= sql) {
            break; /* only whitespace or comments were left */
        }
        sql = tail;
    }
    return out.overflow ? HERMETIC_ERR_BUFFER_TOO_SMALL : (int64_t)out.len;
}
