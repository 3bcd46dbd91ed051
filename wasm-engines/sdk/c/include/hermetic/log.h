/*
 * The engine's log: what it writes to stdout and stderr, kept in a bounded ring in its own
 * memory for the host to read when the process has ended, however it ended (ABI.md, "The
 * log"). sdk/c/src/wasi_stubs.c defines it: printf, fputs(stderr) and perror land here.
 * Call hermetic_log_write directly from code that has no stdio.
 *
 * Capacity: HERMETIC_LOG_DEFAULT_CAPACITY unless wasi_stubs.c is compiled with
 * -DHERMETIC_LOG_CAPACITY=<bytes>. When more is written, the oldest bytes are dropped and
 * the host reports how many.
 */
#ifndef HERMETIC_LOG_H
#define HERMETIC_LOG_H

#include <stddef.h>
#include <stdint.h>

#define HERMETIC_LOG_DEFAULT_CAPACITY (64 * 1024)

/*
 * The log's header, at the address the export hermetic_log() returns. Invariants the SDK
 * keeps (the host checks them and reads no log when they fail): `ring` is the address of
 * `capacity` bytes of linear memory; `written` counts every byte ever appended, so the
 * ring holds the last min(written, capacity) of them, the newest ending at written % capacity.
 */
struct hermetic_log_header {
    unsigned char *ring;
    uint32_t capacity;
    uint64_t written;
};

/* Appends `len` bytes to the log. Never fails; past the capacity the oldest bytes go. */
void hermetic_log_write(const void *bytes, size_t len);

#endif
