package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile engine is contained with the right result, and after each the same host runs a
 * normal engine correctly. Surefire runs this class a second time under {@code -Xmx256m}.
 */
class HostileSuiteTest {
    private static final Limits SHORT = Limits.builder()
            .withDeadline(Duration.ofMillis(200))
            .withMaxMemoryPages(256)
            .withMaxCommittedBytes(32L << 20)
            .build();

    private record Case(String engine, byte[] wasm, Consumer<ProcessResult> expect, Arg... args) {
        @Override
        public String toString() {
            return engine;
        }
    }

    static Stream<Arguments> cases() {
        Vmo input = Vmo.create(4096);
        List<Case> cases = List.of(
                bundled("hostile-loop", r -> assertThat(r).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE))),
                fixture("hostile-start-loop", r -> assertThat(r).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE))),
                // Grows one page at a time until refused at the 256-page limit, then exits with the pages it got.
                bundled("hostile-memory-bomb", r -> assertThat(r).isEqualTo(new ProcessResult.Exited(255))),
                bundled("hostile-recursion", r -> assertThat(r)
                        .isEqualTo(new ProcessResult.Trapped(TrapKind.STACK_EXHAUSTED, "call stack exhausted"))),
                bundled("hostile-oob-load", r -> assertTrap(r, TrapKind.OUT_OF_BOUNDS)),
                bundled("hostile-oob-store", r -> assertTrap(r, TrapKind.OUT_OF_BOUNDS)),
                bundled("hostile-huge-fill", r -> assertTrap(r, TrapKind.OUT_OF_BOUNDS), Value.i32(-1)),
                bundled("hostile-readonly-write", r -> assertTrap(r, TrapKind.READ_ONLY_WRITE),
                        Span.readOnly(input, 0, 100)),
                bundled("hostile-deep-exit", r -> assertThat(r).isEqualTo(new ProcessResult.Exited(7))),
                fixture("hostile-unreachable", r -> assertTrap(r, TrapKind.UNREACHABLE)),
                fixture("hostile-divide", r -> assertTrap(r, TrapKind.INTEGER_DIVIDE_BY_ZERO), Value.i32(0)));
        List<Arguments> all = new ArrayList<>();
        for (ExecutionMode mode : ExecutionMode.values()) {
            for (Case c : cases) {
                all.add(Arguments.of(mode, c));
            }
        }
        return all.stream();
    }

    private static Case bundled(String name, Consumer<ProcessResult> expect, Arg... args) {
        return new Case(name, Fixtures.engine(name), expect, args);
    }

    private static Case fixture(String name, Consumer<ProcessResult> expect, Arg... args) {
        return new Case(name, Fixtures.wasm(name), expect, args);
    }

    private static void assertTrap(ProcessResult r, TrapKind kind) {
        assertThat(r).isInstanceOfSatisfying(ProcessResult.Trapped.class, t -> assertThat(t.kind()).isEqualTo(kind));
    }

    private static void assertStillWorks(Host host) throws InterruptedException {
        assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void containedAndTheHostKeepsWorking(ExecutionMode mode, Case c) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            EngineProcess p = host.load(c.engine(), c.wasm()).newProcess(SHORT).start(c.args());
            c.expect().accept(p.await());
            if (p.await() instanceof ProcessResult.Killed) {
                assertThat(p.stopLatency()).isPresent();
            }
            assertThat(p.isAlive()).isFalse();
            assertStillWorks(host);
        }
    }

    @Test
    void anEngineImportingWasiIsRefusedAtLoad() throws Exception {
        try (Host host = Host.builder().build()) {
            assertThatThrownBy(() -> host.load(Fixtures.engine("hostile-wasi-import")))
                    .isInstanceOf(EngineRefusedException.class)
                    .hasMessageContaining("wasi_snapshot_preview1.fd_write");
            assertStillWorks(host);
        }
    }

    @Test
    void theHostStaysResponsiveWhileEnginesSpinAndKillsThemOnRequest() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            Limits long_ = Limits.builder().withDeadline(Duration.ofMinutes(5)).build();
            List<EngineProcess> spinning = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                spinning.add(loop.newProcess(long_).start());
            }
            // Many normal processes in parallel while four engines spin.
            Engine add = host.load(Fixtures.engine("hc-add"));
            List<EngineProcess> adds = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                adds.add(add.newProcess().start(Value.i32(i), Value.i32(i)));
            }
            for (int i = 0; i < 32; i++) {
                assertThat(adds.get(i).await()).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(2 * i))));
            }
            assertThat(spinning).allMatch(EngineProcess::isAlive);
            spinning.forEach(EngineProcess::kill);
            for (EngineProcess p : spinning) {
                assertThat(p.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            }
            EngineProcess orphan = loop.newProcess(long_).start();
            host.close();
            assertThat(orphan.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
        }
    }

    @Test
    void aMemoryBombAllowedMoreThanTheHeapEndsAsAMemoryLimitKill() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap <= 512L << 20, "runs in the -Xmx256m execution only: this heap is " + (heap >> 20) + " MiB");
        Limits generous = Limits.builder()
                .withMaxMemoryPages(65536)
                .withMaxCommittedBytes(4L << 30)
                .withDeadline(Duration.ofSeconds(60))
                .build();
        try (Host host = Host.builder().build()) {
            ProcessResult r = host.load(Fixtures.engine("hostile-memory-bomb")).newProcess(generous).start().await();
            assertThat(r).isEqualTo(new ProcessResult.Killed(KillReason.MEMORY_LIMIT));
            assertStillWorks(host);
            // The heap is free again: a second bomb is contained the same way.
            assertThat(host.load(Fixtures.engine("hostile-memory-bomb")).newProcess(generous).start().await())
                    .isEqualTo(new ProcessResult.Killed(KillReason.MEMORY_LIMIT));
        }
    }
}
