/*
 * Local answers for every WASI call wasi-libc may reference, so an engine links
 * wasi-libc as a plain library and keeps `vdso` as its only import module.
 * Every call answers ENOSYS, except proc_exit, which ends the process through
 * vdso.process_exit. Signatures follow wasi-libc's __wasilibc_real.c (core Wasm types).
 */
#include <stdint.h>

#include "hermetic/engine.h"

/* WASI errno for "function not supported". */
#define WASI_ENOSYS 52

/* The stubs ignore their arguments by design. */
#pragma clang diagnostic ignored "-Wunused-parameter"

/* Defines wasi-libc's import symbol for `name` so that it answers ENOSYS locally. */
#define HERMETIC_WASI_ENOSYS(name, ...) \
    int32_t __imported_wasi_snapshot_preview1_##name(__VA_ARGS__) { return WASI_ENOSYS; }

HERMETIC_WASI_ENOSYS(args_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(args_sizes_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(environ_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(environ_sizes_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(clock_res_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(clock_time_get, int32_t a0, int64_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(fd_advise, int32_t a0, int64_t a1, int64_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(fd_allocate, int32_t a0, int64_t a1, int64_t a2)
HERMETIC_WASI_ENOSYS(fd_close, int32_t a0)
HERMETIC_WASI_ENOSYS(fd_datasync, int32_t a0)
HERMETIC_WASI_ENOSYS(fd_fdstat_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_fdstat_set_flags, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_fdstat_set_rights, int32_t a0, int64_t a1, int64_t a2)
HERMETIC_WASI_ENOSYS(fd_filestat_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_filestat_set_size, int32_t a0, int64_t a1)
HERMETIC_WASI_ENOSYS(fd_filestat_set_times, int32_t a0, int64_t a1, int64_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(fd_pread, int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(fd_prestat_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_prestat_dir_name, int32_t a0, int32_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(fd_pwrite, int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(fd_read, int32_t a0, int32_t a1, int32_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(fd_readdir, int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(fd_renumber, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_seek, int32_t a0, int64_t a1, int32_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(fd_sync, int32_t a0)
HERMETIC_WASI_ENOSYS(fd_tell, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(fd_write, int32_t a0, int32_t a1, int32_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(path_create_directory, int32_t a0, int32_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(path_filestat_get, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(path_filestat_set_times, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int64_t a4, int64_t a5, int32_t a6)
HERMETIC_WASI_ENOSYS(path_link, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, int32_t a6)
HERMETIC_WASI_ENOSYS(path_open, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int64_t a5, int64_t a6, int32_t a7, int32_t a8)
HERMETIC_WASI_ENOSYS(path_readlink, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5)
HERMETIC_WASI_ENOSYS(path_remove_directory, int32_t a0, int32_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(path_rename, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5)
HERMETIC_WASI_ENOSYS(path_symlink, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(path_unlink_file, int32_t a0, int32_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(poll_oneoff, int32_t a0, int32_t a1, int32_t a2, int32_t a3)
HERMETIC_WASI_ENOSYS(sched_yield, void)
HERMETIC_WASI_ENOSYS(random_get, int32_t a0, int32_t a1)
HERMETIC_WASI_ENOSYS(sock_accept, int32_t a0, int32_t a1, int32_t a2)
HERMETIC_WASI_ENOSYS(sock_recv, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5)
HERMETIC_WASI_ENOSYS(sock_send, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4)
HERMETIC_WASI_ENOSYS(sock_shutdown, int32_t a0, int32_t a1)

void __imported_wasi_snapshot_preview1_proc_exit(int32_t code) {
    hermetic_process_exit(code);
}
