/*
 * The WASI layer of a Hermetic C engine: every WASI call wasi-libc may reference, answered
 * locally as an empty, sandboxed system would, so an engine links wasi-libc as a plain
 * library and keeps `vdso` as its only import module. ABI.md ("Libc without a door out")
 * lists each answer. In short:
 *
 *   - no file is open but 0, 1 and 2; there are no preopened directories (fd_prestat_get
 *     answers EBADF, so fopen fails with ENOENT instead of wasi-libc ending the process);
 *   - stdin is empty (reads give end of file); what goes to stdout and stderr is appended to
 *     the log (hermetic/log.h), which the host reads when the process ends;
 *   - no arguments, no environment (getenv returns NULL);
 *   - one virtual clock for every clock id: it starts at 0 ns (so time() is 0, 1970-01-01) and
 *     each reading advances it by 1 us, so elapsed times are positive and the same on every
 *     run; sleeping advances it to the wake-up time at once;
 *   - random_get gives a fixed stream (splitmix64 from state 0): reproducible, not secret;
 *   - proc_exit ends the process through vdso.process_exit.
 *
 * Signatures follow wasi-libc's __wasilibc_real.c (core Wasm types: pointers are i32).
 */
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#include "hermetic/engine.h"
#include "hermetic/log.h"

#ifndef HERMETIC_LOG_CAPACITY
#define HERMETIC_LOG_CAPACITY HERMETIC_LOG_DEFAULT_CAPACITY
#endif
_Static_assert(HERMETIC_LOG_CAPACITY > 0, "the log needs room for at least one byte");

/* Nanoseconds one clock reading advances the virtual clock by; also its resolution. */
#define CLOCK_STEP_NS 1000

/* A pointer argument: an address in linear memory. */
#define AT(type, address) ((type *)(uintptr_t)(uint32_t)(address))

/* Zero pages cost nothing until written: the ring lies in .bss on pages of its own. */
static unsigned char log_ring[HERMETIC_LOG_CAPACITY] __attribute__((aligned(HERMETIC_PAGE_SIZE)));
static struct hermetic_log_header log_header = {log_ring, HERMETIC_LOG_CAPACITY, 0};

HERMETIC_EXPORT(hermetic_log) int32_t hermetic_log(void) {
    return (int32_t)(uintptr_t)&log_header;
}

void hermetic_log_write(const void *bytes, size_t len) {
    const unsigned char *p = bytes;
    uint64_t written = log_header.written;
    if (len > HERMETIC_LOG_CAPACITY) {
        /* Only the last capacity bytes can stay; skip the rest as if written and dropped. */
        written += len - HERMETIC_LOG_CAPACITY;
        p += len - HERMETIC_LOG_CAPACITY;
        len = HERMETIC_LOG_CAPACITY;
    }
    size_t at = (size_t)(written % HERMETIC_LOG_CAPACITY);
    size_t first = HERMETIC_LOG_CAPACITY - at < len ? HERMETIC_LOG_CAPACITY - at : len;
    memcpy(log_ring + at, p, first);
    memcpy(log_ring, p + first, len - first);
    log_header.written = written + len;
}

/* The virtual clock, in nanoseconds. */
static uint64_t clock_now;

/* The splitmix64 state random_get draws from. */
static uint64_t random_state;

static int is_std(int32_t fd) {
    return fd >= 0 && fd <= 2;
}

/* The answer for an operation that makes no sense on fds 0-2 and finds no other fd open. */
static int32_t std_or_badf(int32_t fd, int32_t on_std) {
    return is_std(fd) ? on_std : __WASI_ERRNO_BADF;
}

/* The stubs ignore some arguments by design. */
#pragma clang diagnostic ignored "-Wunused-parameter"

int32_t __imported_wasi_snapshot_preview1_args_get(int32_t argv, int32_t argv_buf) {
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_args_sizes_get(int32_t argc, int32_t argv_buf_size) {
    *AT(__wasi_size_t, argc) = 0;
    *AT(__wasi_size_t, argv_buf_size) = 0;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_environ_get(int32_t environ, int32_t environ_buf) {
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_environ_sizes_get(int32_t count, int32_t buf_size) {
    *AT(__wasi_size_t, count) = 0;
    *AT(__wasi_size_t, buf_size) = 0;
    return __WASI_ERRNO_SUCCESS;
}

static int valid_clock(int32_t id) {
    return id >= (int32_t)__WASI_CLOCKID_REALTIME && id <= (int32_t)__WASI_CLOCKID_THREAD_CPUTIME_ID;
}

int32_t __imported_wasi_snapshot_preview1_clock_res_get(int32_t id, int32_t resolution) {
    if (!valid_clock(id)) {
        return __WASI_ERRNO_INVAL;
    }
    *AT(__wasi_timestamp_t, resolution) = CLOCK_STEP_NS;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_clock_time_get(int32_t id, int64_t precision, int32_t time) {
    if (!valid_clock(id)) {
        return __WASI_ERRNO_INVAL;
    }
    *AT(__wasi_timestamp_t, time) = clock_now;
    clock_now += CLOCK_STEP_NS;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_fd_advise(int32_t fd, int64_t offset, int64_t len, int32_t advice) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_allocate(int32_t fd, int64_t offset, int64_t len) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_close(int32_t fd) {
    return std_or_badf(fd, __WASI_ERRNO_SUCCESS);
}

int32_t __imported_wasi_snapshot_preview1_fd_datasync(int32_t fd) {
    return std_or_badf(fd, __WASI_ERRNO_INVAL);
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t fd, int32_t stat) {
    if (!is_std(fd)) {
        return __WASI_ERRNO_BADF;
    }
    /* A character device that cannot seek: isatty() is true, so stdout is line-buffered. */
    __wasi_fdstat_t *s = AT(__wasi_fdstat_t, stat);
    memset(s, 0, sizeof *s);
    s->fs_filetype = __WASI_FILETYPE_CHARACTER_DEVICE;
    s->fs_rights_base = (fd == 0 ? __WASI_RIGHTS_FD_READ : __WASI_RIGHTS_FD_WRITE) | __WASI_RIGHTS_POLL_FD_READWRITE;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_set_flags(int32_t fd, int32_t flags) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSUP);
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_set_rights(int32_t fd, int64_t base, int64_t inheriting) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSUP);
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_get(int32_t fd, int32_t stat) {
    if (!is_std(fd)) {
        return __WASI_ERRNO_BADF;
    }
    __wasi_filestat_t *s = AT(__wasi_filestat_t, stat);
    memset(s, 0, sizeof *s);
    s->filetype = __WASI_FILETYPE_CHARACTER_DEVICE;
    s->nlink = 1;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_set_size(int32_t fd, int64_t size) {
    return std_or_badf(fd, __WASI_ERRNO_INVAL);
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_set_times(int32_t fd, int64_t atim, int64_t mtim, int32_t flags) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSUP);
}

int32_t __imported_wasi_snapshot_preview1_fd_pread(int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset, int32_t nread) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_prestat_get(int32_t fd, int32_t prestat) {
    return __WASI_ERRNO_BADF; /* no preopened directories: wasi-libc stops looking at the first EBADF */
}

int32_t __imported_wasi_snapshot_preview1_fd_prestat_dir_name(int32_t fd, int32_t path, int32_t path_len) {
    return __WASI_ERRNO_BADF;
}

int32_t __imported_wasi_snapshot_preview1_fd_pwrite(int32_t fd, int32_t iovs, int32_t iovs_len, int64_t offset, int32_t nwritten) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread) {
    if (fd != 0) {
        return __WASI_ERRNO_BADF; /* 1 and 2 are open for writing only */
    }
    *AT(__wasi_size_t, nread) = 0; /* stdin is empty: end of file */
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_fd_readdir(int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie, int32_t bufused) {
    return std_or_badf(fd, __WASI_ERRNO_NOTDIR);
}

int32_t __imported_wasi_snapshot_preview1_fd_renumber(int32_t fd, int32_t to) {
    return is_std(fd) && is_std(to) ? __WASI_ERRNO_NOTSUP : __WASI_ERRNO_BADF;
}

int32_t __imported_wasi_snapshot_preview1_fd_seek(int32_t fd, int64_t offset, int32_t whence, int32_t newoffset) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_sync(int32_t fd) {
    return std_or_badf(fd, __WASI_ERRNO_INVAL);
}

int32_t __imported_wasi_snapshot_preview1_fd_tell(int32_t fd, int32_t offset) {
    return std_or_badf(fd, __WASI_ERRNO_SPIPE);
}

int32_t __imported_wasi_snapshot_preview1_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten) {
    if (fd != 1 && fd != 2) {
        return __WASI_ERRNO_BADF; /* 0 is open for reading only */
    }
    const __wasi_ciovec_t *iov = AT(const __wasi_ciovec_t, iovs);
    __wasi_size_t total = 0;
    for (int32_t i = 0; i < iovs_len; i++) {
        hermetic_log_write(iov[i].buf, iov[i].buf_len);
        total += iov[i].buf_len;
    }
    *AT(__wasi_size_t, nwritten) = total;
    return __WASI_ERRNO_SUCCESS;
}

/* Paths resolve against a directory fd; none is open (0-2 are not directories). */
#define PATH_CALL(name, ...) \
    int32_t __imported_wasi_snapshot_preview1_##name(int32_t fd, __VA_ARGS__) { \
        return std_or_badf(fd, __WASI_ERRNO_NOTDIR); \
    }

PATH_CALL(path_create_directory, int32_t a1, int32_t a2)
PATH_CALL(path_filestat_get, int32_t a1, int32_t a2, int32_t a3, int32_t a4)
PATH_CALL(path_filestat_set_times, int32_t a1, int32_t a2, int32_t a3, int64_t a4, int64_t a5, int32_t a6)
PATH_CALL(path_link, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, int32_t a6)
PATH_CALL(path_open, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int64_t a5, int64_t a6, int32_t a7, int32_t a8)
PATH_CALL(path_readlink, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5)
PATH_CALL(path_remove_directory, int32_t a1, int32_t a2)
PATH_CALL(path_rename, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5)
PATH_CALL(path_unlink_file, int32_t a1, int32_t a2)

int32_t __imported_wasi_snapshot_preview1_path_symlink(int32_t old_path, int32_t old_len, int32_t fd, int32_t new_path, int32_t new_len) {
    return std_or_badf(fd, __WASI_ERRNO_NOTDIR);
}

/* When a clock subscription fires, in virtual nanoseconds. */
static uint64_t wake_time(const __wasi_subscription_clock_t *clock, uint64_t now) {
    if (clock->flags & __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) {
        return clock->timeout;
    }
    return clock->timeout > UINT64_MAX - now ? UINT64_MAX : now + clock->timeout;
}

/*
 * Nothing ever blocks: fd subscriptions are ready at once (fds 0-2; any other fd reports
 * EBADF); when there are none, the virtual clock jumps to the earliest wake-up and every
 * clock subscription due by then fires.
 */
int32_t __imported_wasi_snapshot_preview1_poll_oneoff(int32_t in, int32_t out, int32_t nsubscriptions, int32_t nevents) {
    const __wasi_subscription_t *subs = AT(const __wasi_subscription_t, in);
    __wasi_event_t *events = AT(__wasi_event_t, out);
    if (nsubscriptions <= 0) {
        return __WASI_ERRNO_INVAL;
    }
    __wasi_size_t n = 0;
    uint64_t earliest = UINT64_MAX;
    for (int32_t i = 0; i < nsubscriptions; i++) {
        const __wasi_subscription_t *s = &subs[i];
        if (s->u.tag == __WASI_EVENTTYPE_CLOCK) {
            if (!valid_clock((int32_t)s->u.u.clock.id)) {
                return __WASI_ERRNO_INVAL;
            }
            uint64_t at = wake_time(&s->u.u.clock, clock_now);
            earliest = at < earliest ? at : earliest;
            continue;
        }
        int32_t fd = (int32_t)s->u.u.fd_read.file_descriptor;
        __wasi_event_t *e = &events[n++];
        memset(e, 0, sizeof *e);
        e->userdata = s->userdata;
        e->type = s->u.tag;
        e->error = is_std(fd) ? __WASI_ERRNO_SUCCESS : __WASI_ERRNO_BADF;
        if (fd == 0 && s->u.tag == __WASI_EVENTTYPE_FD_READ) {
            e->fd_readwrite.flags = __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP;
        }
    }
    if (n == 0) {
        uint64_t start = clock_now;
        clock_now = earliest > clock_now ? earliest : clock_now;
        for (int32_t i = 0; i < nsubscriptions; i++) {
            if (wake_time(&subs[i].u.u.clock, start) <= clock_now) {
                __wasi_event_t *e = &events[n++];
                memset(e, 0, sizeof *e);
                e->userdata = subs[i].userdata;
                e->type = __WASI_EVENTTYPE_CLOCK;
            }
        }
    }
    *AT(__wasi_size_t, nevents) = n;
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_random_get(int32_t buf, int32_t buf_len) {
    unsigned char *p = AT(unsigned char, buf);
    for (int32_t i = 0; i < buf_len; i += 8) {
        random_state += UINT64_C(0x9E3779B97F4A7C15);
        uint64_t z = random_state;
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        z ^= z >> 31;
        for (int32_t j = 0; j < 8 && i + j < buf_len; j++) {
            p[i + j] = (unsigned char)(z >> (8 * j));
        }
    }
    return __WASI_ERRNO_SUCCESS;
}

int32_t __imported_wasi_snapshot_preview1_sched_yield(void) {
    return __WASI_ERRNO_SUCCESS;
}

/* Sockets: none exist. */
int32_t __imported_wasi_snapshot_preview1_sock_accept(int32_t fd, int32_t flags, int32_t result) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSOCK);
}

int32_t __imported_wasi_snapshot_preview1_sock_recv(int32_t fd, int32_t ri_data, int32_t ri_data_len, int32_t ri_flags, int32_t ro_datalen, int32_t ro_flags) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSOCK);
}

int32_t __imported_wasi_snapshot_preview1_sock_send(int32_t fd, int32_t si_data, int32_t si_data_len, int32_t si_flags, int32_t so_datalen) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSOCK);
}

int32_t __imported_wasi_snapshot_preview1_sock_shutdown(int32_t fd, int32_t how) {
    return std_or_badf(fd, __WASI_ERRNO_NOTSOCK);
}

void __imported_wasi_snapshot_preview1_proc_exit(int32_t code) {
    hermetic_process_exit(code);
}
