package dev.hermetic.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An engine's stdout and stderr reach the host through its log, read when the process ends:
 * after a return, after process_exit, after a trap, after a kill, in clones, bounded.
 */
class ProcessLogTest {
    private static final int OUT_CAP = 1 << 16;

    private static Host host;
    private static Engine probe;

    @BeforeAll
    static void load() {
        host = Host.builder().build();
        probe = host.load("libc-probe", Fixtures.engine("libc-probe"));
    }

    @AfterAll
    static void close() {
        host.close();
    }

    /** Runs a filter engine on {@code input} under {@code limits}; the process has ended. */
    private static EngineProcess run(Engine engine, Limits limits, String input) throws InterruptedException {
        return run(engine.newProcess(limits), input, OUT_CAP);
    }

    private static EngineProcess run(EngineProcess p, String input, int outCap) throws InterruptedException {
        byte[] bytes = input.getBytes(UTF_8);
        Vmo in = Vmo.create(Math.max(bytes.length, 1));
        in.write(bytes, 0);
        p.start(Span.readOnly(in, 0, bytes.length), Span.writable(Vmo.create(outCap), 0, outCap));
        p.await();
        return p;
    }

    @Test
    void stdoutAndStderrAreInTheLogInTheOrderWritten() throws InterruptedException {
        EngineProcess p = run(probe, Limits.defaults(), "stdio");
        assertThat(p.await()).isInstanceOf(ProcessResult.Returned.class);
        // stdout is line-buffered (isatty is true), stderr unbuffered: lines keep their order.
        assertThat(p.log().text()).isEqualTo("hello 42\nwarning: on stderr\na line from puts\n!\nraw bytes\n");
        assertThat(p.log().truncated()).isFalse();
    }

    @Test
    void theLogSurvivesProcessExitWithStdioFlushedByExit() throws InterruptedException {
        EngineProcess p = run(probe, Limits.defaults(), "exit");
        assertThat(p.await()).isEqualTo(new ProcessResult.Exited(3));
        assertThat(p.log().text())
                .isEqualTo("fatal: the reason, on stderr\nto stdout, then unflushed until exit");
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void theLogSurvivesATrap(ExecutionMode mode) throws InterruptedException {
        try (Host h = Host.builder().withExecutionMode(mode).build()) {
            EngineProcess p = run(h.load(Fixtures.engine("libc-probe")), Limits.defaults(), "trap");
            assertThat(p.await()).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                    t -> assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE));
            assertThat(p.log().text()).isEqualTo("about to trap\n");
        }
    }

    @Test
    void theLogSurvivesADeadlineKill() throws InterruptedException {
        EngineProcess p = run(probe, Limits.builder().withDeadline(Duration.ofMillis(300)).build(), "loop");
        assertThat(p.await()).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        assertThat(p.log().text()).isEqualTo("looping forever\n");
    }

    @Test
    void aFullLogKeepsItsNewestBytesAndCountsTheDroppedOnes() throws InterruptedException {
        int lines = 10_000;
        EngineProcess p = run(probe, Limits.defaults(), "flood " + lines);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            all.append(String.format("line %06d\n", i));
        }
        int capacity = 64 * 1024;
        ProcessLog log = p.log();
        assertThat(log.truncated()).isTrue();
        assertThat(log.droppedBytes()).isEqualTo(all.length() - capacity);
        assertThat(log.text()).isEqualTo(all.substring(all.length() - capacity));
    }

    @Test
    void writesWithoutStdioReachTheSameLog() throws InterruptedException {
        assertThat(run(probe, Limits.defaults(), "log").log().text()).isEqualTo("straight to the log\n");
    }

    @Test
    void aRustPanicLeavesItsMessage() throws InterruptedException {
        EngineProcess p = run(host.load(Fixtures.engine("hostile-panic")).newProcess(), "abc", 4096);
        assertThat(p.await()).isEqualTo(new ProcessResult.Exited(101));
        assertThat(p.log().text()).startsWith("panicked at ")
                .contains("index out of bounds: the len is 3 but the index is 3")
                .contains("rust/engines/hostile-panic/src/lib.rs").endsWith("\n");
    }

    @Test
    void anEngineWithoutALogHasAnEmptyOne() throws InterruptedException {
        EngineProcess p = host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(1), Value.i32(2));
        p.await();
        assertThat(p.log()).isSameAs(ProcessLog.EMPTY);
    }

    @Test
    void eachCloneHasItsOwnLog() throws InterruptedException {
        try (Snapshot warm = probe.snapshot()) {
            for (String input : new String[] {"log", "exit", "log"}) {
                EngineProcess p = run(warm.spawn(), input, OUT_CAP);
                assertThat(p.log().text()).isEqualTo(input.equals("log")
                        ? "straight to the log\n" : "fatal: the reason, on stderr\nto stdout, then unflushed until exit");
            }
        }
    }

    @Test
    void theLogIsReadOnlyOnceTheProcessHasEnded() {
        EngineProcess p = probe.newProcess();
        assertThatThrownBy(p::log).isInstanceOf(ProcessStateException.class);
    }
}
