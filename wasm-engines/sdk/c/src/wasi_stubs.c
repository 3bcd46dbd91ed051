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

int32_t __imported_wasi_snapshot_preview1_args_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_args_sizes_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_environ_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_environ_sizes_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_clock_res_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_clock_time_get(int32_t a0, int64_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_advise(int32_t a0, int64_t a1, int64_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_allocate(int32_t a0, int64_t a1, int64_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_close(int32_t a0) {
    (void)a0;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_datasync(int32_t a0) {
    (void)a0;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_set_flags(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_set_rights(int32_t a0, int64_t a1, int64_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_set_size(int32_t a0, int64_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_filestat_set_times(int32_t a0, int64_t a1, int64_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_pread(int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_prestat_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_prestat_dir_name(int32_t a0, int32_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_pwrite(int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_read(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_readdir(int32_t a0, int32_t a1, int32_t a2, int64_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_renumber(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_seek(int32_t a0, int64_t a1, int32_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_sync(int32_t a0) {
    (void)a0;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_tell(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_fd_write(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_create_directory(int32_t a0, int32_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_filestat_get(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_filestat_set_times(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int64_t a4, int64_t a5, int32_t a6) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    (void)a6;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_link(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, int32_t a6) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    (void)a6;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_open(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int64_t a5, int64_t a6, int32_t a7, int32_t a8) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    (void)a6;
    (void)a7;
    (void)a8;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_readlink(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_remove_directory(int32_t a0, int32_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_rename(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_symlink(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_path_unlink_file(int32_t a0, int32_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_poll_oneoff(int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return WASI_ENOSYS;
}

void __imported_wasi_snapshot_preview1_proc_exit(int32_t code) {
    hermetic_process_exit(code);
}

int32_t __imported_wasi_snapshot_preview1_sched_yield(void) {
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_random_get(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_sock_accept(int32_t a0, int32_t a1, int32_t a2) {
    (void)a0;
    (void)a1;
    (void)a2;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_sock_recv(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    (void)a5;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_sock_send(int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4) {
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    (void)a4;
    return WASI_ENOSYS;
}

int32_t __imported_wasi_snapshot_preview1_sock_shutdown(int32_t a0, int32_t a1) {
    (void)a0;
    (void)a1;
    return WASI_ENOSYS;
}
