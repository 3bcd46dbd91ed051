package dev.hermetic.engines;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The C SDK's WASI layer, seen from C: each libc entry point a ported program uses, run by the
 * libc-probe engine on plain Chicory, against known answers (wasm-engines/ABI.md, "Libc
 * without a door out").
 */
class LibcProbeEngineTest {

    /** Runs one probe in a fresh process; returns its report. */
    private static String probe(ChicoryEngine engine, String input) {
        ChicoryEngine.FilterResult r = engine.filter(input.getBytes(UTF_8), 1 << 16);
        assertThat(r.status()).as(input).isNotNegative();
        return new String(r.output(), UTF_8);
    }

    private static String probe(String input) {
        return probe(ChicoryEngine.start("libc-probe"), input);
    }

    @Test
    void initializeRunsLibcsConstructorsWithoutEndingTheProcess() {
        // fopen links the preopen scan, getenv the environment: both ran in _initialize.
        ChicoryEngine engine = ChicoryEngine.start("libc-probe");
        assertThat(engine.exports("_initialize")).isTrue();
        assertThat(probe(engine, "env")).startsWith("getenv-HOME NULL\n");
    }

    @Test
    void stdioReturnsWhatPosixSaysAndWritesTheLog() {
        ChicoryEngine engine = ChicoryEngine.start("libc-probe");
        assertThat(probe(engine, "stdio")).isEqualTo("""
                printf 9
                fprintf 19
                puts 0
                putchar 33
                fputs 0
                fwrite 10
                snprintf 13 003.1|ab  |ff
                snprintf-truncated 9 trunc
                isatty 1 1 1
                fflush 0
                """);
        assertThat(engine.log()).isEqualTo("hello 42\nwarning: on stderr\na line from puts\n!\nraw bytes\n");
    }

    @Test
    void filesFailWithAnErrnoAndStdinIsEmpty() {
        // No preopened directory: wasi-libc resolves no path and says ENOTCAPABLE (76).
        assertThat(probe("files")).isEqualTo("""
                fopen-read NULL 76 Capabilities insufficient
                fopen-write NULL 76
                open -1 76
                stat -1 76
                remove -1 76
                fstat-stdout 0 1
                fgetc-stdin -1 1
                read-fd9 -1 8
                write-fd0 -1 8
                lseek-stdout -1 70
                close-fd7 -1 8
                """);
    }

    @Test
    void theEnvironmentIsEmptyButWritable() {
        assertThat(probe("env")).isEqualTo("""
                getenv-HOME NULL
                getenv-PATH NULL
                environ-empty 1
                setenv 0 C
                """);
    }

    @Test
    void clocksReadOneVirtualClockThatAdvancesOneMicrosecondPerReading() {
        // time() reads 0 (1970-01-01); sleeping moves the clock to the wake-up time at once.
        assertThat(probe("time")).isEqualTo("""
                time 0
                monotonic-step 1000
                getres 0 1000
                clock-positive 1
                clocks-per-sec 1000000000
                nanosleep 0 2000001500
                sleep 0 time-after 5
                gmtime-0 1970-01-01 00:00:00
                """);
    }

    @Test
    void randIsMuslsGeneratorAndRandomGetIsSplitmix64FromZero() {
        long seed = 0; // srand(1) sets musl's state to 1 - 1
        long[] rand = new long[3];
        for (int i = 0; i < 3; i++) {
            seed = 6364136223846793005L * seed + 1;
            rand[i] = seed >>> 33;
        }
        byte[] entropy = new byte[24];
        long state = 0;
        for (int i = 0; i < entropy.length; i += 8) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            for (int j = 0; j < 8; j++) {
                entropy[i + j] = (byte) (z >>> (8 * j));
            }
        }
        assertThat(probe("rand")).isEqualTo("rand-seed1 " + rand[0] + " " + rand[1] + " " + rand[2] + "\n"
                + "rand-repeat 1\n"
                + "getentropy 0 " + HexFormat.of().formatHex(entropy, 0, 20) + "\n");
    }

    @Test
    void heavyMallocAfterTheSpansArrivedLeavesThemAlone() {
        byte[] input = new byte[300_000];
        new java.util.Random(5).nextBytes(input);
        byte[] command = "malloc\n".getBytes(UTF_8);
        System.arraycopy(command, 0, input, 0, command.length);
        ChicoryEngine engine = ChicoryEngine.start("libc-probe");
        ChicoryEngine.FilterResult r = engine.filter(input, 1 << 16);
        assertThat(new String(r.output(), UTF_8)).isEqualTo("""
                malloc-peak-over-1MiB 1
                malloc-corrupt 0
                malloc-overlaps-window 0
                input-unchanged 1
                calloc-zero 1
                """);
    }

    @Test
    void emulatedSignalsRunTheirHandler() {
        assertThat(probe("signal")).isEqualTo("signal-set 1\nraise 0\nhandled 10\n");
    }

    @Test
    void exitFlushesStdioIntoTheLogAndEndsThroughTheVdso() {
        ChicoryEngine engine = ChicoryEngine.start("libc-probe");
        assertThatThrownBy(() -> engine.filter("exit".getBytes(UTF_8), 4096))
                .isInstanceOfSatisfying(ChicoryEngine.ProcessExit.class, e -> assertThat(e.code).isEqualTo(3));
        assertThat(engine.log()).isEqualTo("fatal: the reason, on stderr\nto stdout, then unflushed until exit");
    }

    @Test
    void anUnknownProbeIsInvalidArgs() {
        assertThat(ChicoryEngine.start("libc-probe").filter("nope".getBytes(UTF_8), 4096).status()).isEqualTo(-10);
    }
}
