/*
 * libc-probe: exercises each libc entry point a ported program uses, on the SDK's WASI
 * layer (sdk/c/src/wasi_stubs.c), and reports what it saw. Filter convention; the input's
 * first line names the probe, the output is "key value" lines the tests know the answers to.
 *
 *   stdio    printf, fprintf(stderr), puts, putchar, fputs, snprintf, fwrite; return values
 *   files    fopen/open/stat/remove fail with errno; stdin reads end of file
 *   env      getenv, environ
 *   time     time, clock_gettime, clock_getres, clock, nanosleep: the virtual clock
 *   rand     rand/srand, random_get through getentropy
 *   malloc   heavy malloc/realloc/free after receiving the spans; spans untouched
 *   oom      malloc(1 GiB) past the host's page limit is NULL; the heap still works
 *   signal   signal/raise with -D_WASI_EMULATED_SIGNAL
 *   exit     writes to stdout and stderr, then exit(3) (stdio is flushed on exit)
 *   trap     writes to stderr, then traps (abort)
 *   loop     writes to stderr, then loops until killed
 *   flood N  writes N lines "line %06d\n" to stdout (beyond the log's capacity)
 *   log      hermetic_log_write without stdio
 */
#define HERMETIC_SPAN_WINDOW_SIZE (4 * 1024 * 1024)
#include <hermetic/engine.h>
#include <hermetic/log.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The output span, filled by say(). */
static char *out;
static size_t out_cap;
static size_t out_len;
static int out_overflow;

static void say(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out + out_len, out_cap - out_len, format, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= out_cap - out_len) {
        out_overflow = 1;
    } else {
        out_len += (size_t)n;
    }
}

static void probe_stdio(void) {
    say("printf %d\n", printf("hello %d\n", 42));
    say("fprintf %d\n", fprintf(stderr, "warning: %s\n", "on stderr"));
    say("puts %d\n", puts("a line from puts"));
    say("putchar %d\n", putchar('!'));
    say("fputs %d\n", fputs("\n", stdout));
    say("fwrite %zu\n", fwrite("raw bytes\n", 1, 10, stdout));
    char buf[32];
    say("snprintf %d %s\n", snprintf(buf, sizeof buf, "%05.1f|%-4s|%x", 3.14159, "ab", 255), buf);
    say("snprintf-truncated %d %s\n", snprintf(buf, 6, "%s", "truncated"), buf);
    say("isatty %d %d %d\n", isatty(0), isatty(1), isatty(2));
    say("fflush %d\n", fflush(stdout));
}

static void probe_files(void) {
    errno = 0;
    FILE *f = fopen("data.txt", "r");
    say("fopen-read %s %d %s\n", f ? "opened" : "NULL", errno, strerror(errno));
    errno = 0;
    f = fopen("/tmp/out.txt", "w");
    say("fopen-write %s %d\n", f ? "opened" : "NULL", errno);
    errno = 0;
    say("open %d %d\n", open("x", O_RDONLY), errno);
    struct stat st;
    errno = 0;
    say("stat %d %d\n", stat("/", &st), errno);
    errno = 0;
    say("remove %d %d\n", remove("x"), errno);
    errno = 0;
    say("fstat-stdout %d %d\n", fstat(1, &st), S_ISCHR(st.st_mode));
    errno = 0;
    say("fgetc-stdin %d %d\n", fgetc(stdin), feof(stdin));
    char b[4];
    errno = 0;
    say("read-fd9 %zd %d\n", read(9, b, sizeof b), errno);
    errno = 0;
    say("write-fd0 %zd %d\n", write(0, "x", 1), errno);
    errno = 0;
    say("lseek-stdout %lld %d\n", (long long)lseek(1, 0, SEEK_CUR), errno);
    errno = 0;
    say("close-fd7 %d %d\n", close(7), errno);
}

static void probe_env(void) {
    say("getenv-HOME %s\n", getenv("HOME") ? getenv("HOME") : "NULL");
    say("getenv-PATH %s\n", getenv("PATH") ? getenv("PATH") : "NULL");
    say("environ-empty %d\n", environ != NULL && environ[0] == NULL);
    say("setenv %d %s\n", setenv("LANG", "C", 1), getenv("LANG"));
}

static void probe_time(void) {
    say("time %lld\n", (long long)time(NULL));
    struct timespec a, b, res;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    say("monotonic-step %lld\n", (long long)((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec)));
    say("getres %d %ld\n", clock_getres(CLOCK_REALTIME, &res), res.tv_nsec);
    clock_t c0 = clock();
    clock_t c1 = clock();
    say("clock-positive %d\n", c1 > c0 && c0 >= 0);
    say("clocks-per-sec %lld\n", (long long)CLOCKS_PER_SEC);
    struct timespec nap = {2, 500}, before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    int slept = nanosleep(&nap, NULL);
    clock_gettime(CLOCK_REALTIME, &after);
    say("nanosleep %d %lld\n", slept,
        (long long)((after.tv_sec - before.tv_sec) * 1000000000LL + (after.tv_nsec - before.tv_nsec)));
    say("sleep %u time-after %lld\n", sleep(3), (long long)time(NULL));
    struct tm *tm = gmtime(&(time_t){0});
    char text[32];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", tm);
    say("gmtime-0 %s\n", text);
}

static void probe_rand(void) {
    srand(1);
    int r0 = rand(), r1 = rand(), r2 = rand();
    say("rand-seed1 %d %d %d\n", r0, r1, r2);
    srand(1);
    say("rand-repeat %d\n", rand() == r0);
    unsigned char bytes[20];
    say("getentropy %d", getentropy(bytes, sizeof bytes));
    for (size_t i = 0; i < sizeof bytes; i++) {
        say(i == 0 ? " %02x" : "%02x", bytes[i]);
    }
    say("\n");
}

/* A deterministic generator for the malloc probe's sizes and order. */
static unsigned long long lcg = 88172645463325252ULL;

static unsigned next(unsigned bound) {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(lcg >> 33) % bound;
}

static void probe_malloc(const unsigned char *in, size_t in_len) {
    unsigned long long sum_before = 0;
    for (size_t i = 0; i < in_len; i++) {
        sum_before = sum_before * 31 + in[i];
    }
    enum { SLOTS = 512 };
    static unsigned char *block[SLOTS];
    static size_t size[SLOTS];
    size_t allocated = 0, peak = 0, overlaps = 0, corrupt = 0;
    uintptr_t window = (uintptr_t)hermetic_span_window();
    uintptr_t window_end = window + (uintptr_t)hermetic_span_window_size();
    for (int round = 0; round < 6000; round++) {
        unsigned k = next(SLOTS);
        if (block[k]) {
            /* Every block is filled with its slot number; sample it at each 256th byte. */
            for (size_t i = 0; i < size[k]; i += 256) {
                corrupt += block[k][i] != (unsigned char)k;
            }
            corrupt += block[k][size[k] - 1] != (unsigned char)k;
            if (next(3) == 0) {
                size_t grown = size[k] * 2 + 1;
                unsigned char *p = realloc(block[k], grown);
                if (!p) {
                    break;
                }
                memset(p + size[k], (int)k, grown - size[k]);
                allocated += grown - size[k];
                block[k] = p;
                size[k] = grown;
            } else {
                free(block[k]);
                block[k] = NULL;
                allocated -= size[k];
            }
        } else {
            size[k] = next(4) == 0 ? 4096 + next(60000) : 1 + next(300);
            block[k] = malloc(size[k]);
            if (!block[k]) {
                break;
            }
            memset(block[k], (int)k, size[k]);
            allocated += size[k];
        }
        if (block[k] && (uintptr_t)block[k] < window_end && (uintptr_t)block[k] + size[k] > window) {
            overlaps++;
        }
        peak = allocated > peak ? allocated : peak;
    }
    unsigned char *big = malloc(2 << 20);
    overlaps += big && (uintptr_t)big < window_end && (uintptr_t)big + (2 << 20) > window;
    if (big) {
        memset(big, 0xAB, 2 << 20);
    }
    free(big);
    unsigned long long sum_after = 0;
    for (size_t i = 0; i < in_len; i++) {
        sum_after = sum_after * 31 + in[i];
    }
    say("malloc-peak-over-1MiB %d\n", peak > (1 << 20));
    say("malloc-corrupt %zu\n", corrupt);
    say("malloc-overlaps-window %zu\n", overlaps);
    say("input-unchanged %d\n", sum_before == sum_after);
    say("calloc-zero %d\n", ((int *)calloc(16, sizeof(int)))[15] == 0);
}

/* Past the host's page limit memory.grow fails and malloc returns NULL (errno stays as it was). */
static void probe_oom(void) {
    /* volatile: a block only compared with NULL may be optimised away as if malloc succeeded. */
    void *volatile huge = malloc((size_t)1 << 30);
    say("malloc-1GiB %s\n", huge ? "block" : "NULL");
    void *volatile after = malloc(4096);
    say("malloc-after %s\n", after ? "block" : "NULL");
    free(after);
}

static int signals_seen;

static void on_signal(int sig) {
    signals_seen += sig;
}

static void probe_signal(void) {
    say("signal-set %d\n", signal(SIGUSR1, on_signal) != SIG_ERR);
    say("raise %d\n", raise(SIGUSR1));
    say("handled %d\n", signals_seen);
}

HERMETIC_ENGINE_START int64_t engine_start(int32_t in_ptr, int32_t in_len, int32_t out_ptr, int32_t out_size) {
    const unsigned char *in = HERMETIC_SPAN_PTR(in_ptr);
    out = (char *)HERMETIC_SPAN_PTR(out_ptr);
    out_cap = (size_t)out_size;
    out_len = 0;
    out_overflow = 0;
    size_t n = 0;
    while (n < (size_t)in_len && in[n] != '\n') {
        n++;
    }
    char probe[32] = {0};
    if (n >= sizeof probe) {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    memcpy(probe, in, n);
    char *arg = strchr(probe, ' ');
    if (arg) {
        *arg++ = '\0';
    }
    if (strcmp(probe, "stdio") == 0) {
        probe_stdio();
    } else if (strcmp(probe, "files") == 0) {
        probe_files();
    } else if (strcmp(probe, "env") == 0) {
        probe_env();
    } else if (strcmp(probe, "time") == 0) {
        probe_time();
    } else if (strcmp(probe, "rand") == 0) {
        probe_rand();
    } else if (strcmp(probe, "malloc") == 0) {
        probe_malloc(in, (size_t)in_len);
    } else if (strcmp(probe, "oom") == 0) {
        probe_oom();
    } else if (strcmp(probe, "signal") == 0) {
        probe_signal();
    } else if (strcmp(probe, "exit") == 0) {
        printf("to stdout, then ");
        fprintf(stderr, "fatal: the reason, on stderr\n");
        printf("unflushed until exit");
        exit(3);
    } else if (strcmp(probe, "trap") == 0) {
        fprintf(stderr, "about to trap\n");
        abort();
    } else if (strcmp(probe, "loop") == 0) {
        fprintf(stderr, "looping forever\n");
        for (volatile int spin = 0;; spin++) {
        }
    } else if (strcmp(probe, "flood") == 0) {
        int lines = arg ? atoi(arg) : 0;
        for (int i = 0; i < lines; i++) {
            printf("line %06d\n", i);
        }
        say("flooded %d\n", lines);
    } else if (strcmp(probe, "log") == 0) {
        hermetic_log_write("straight to the log\n", 20);
        say("logged 20\n");
    } else {
        return HERMETIC_ERR_INVALID_ARGS;
    }
    return out_overflow ? HERMETIC_ERR_BUFFER_TOO_SMALL : (int64_t)out_len;
}
