package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The zygote: warm once, snapshot, spawn clones that carry the warm state and are isolated. */
class SnapshotTest {

    /** What zygote-state reports right after engine_init, packed as the fixture packs it. */
    private static long warmReport() {
        long g = 100;
        long cell = 7;
        long grownCell = 9;
        long slot2 = 5;
        long slot3 = 7;
        long pages = 2;
        long copied = 'h';
        long starts = 1;
        return g | cell << 8 | grownCell << 16 | slot2 << 24 | slot3 << 32 | pages << 40 | copied << 48 | starts << 56;
    }

    private static long report(ProcessResult result) {
        assertThat(result).isInstanceOf(ProcessResult.Returned.class);
        return ((ProcessResult.Returned) result).value().orElseThrow().bits();
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void everyCloneStartsFromTheWarmState(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load("zygote-state", Fixtures.wasm("zygote-state"));
            long fresh = report(engine.newProcess().start(Value.i32(0)).await());
            assertThat(fresh).as("a fresh process has not run engine_init").isEqualTo(1L << 40 | 1L << 56);
            try (Snapshot zygote = engine.snapshot()) {
                assertThat(zygote.memoryPages()).isEqualTo(2);
                for (int i = 0; i < 3; i++) {
                    // Each clone changes every part of its state; the next one must not see it.
                    assertThat(report(zygote.spawn().start(Value.i32(0)).await())).as("clone %d", i).isEqualTo(warmReport());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void segmentsDroppedWhileWarmStayDroppedInClones(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build();
                Snapshot zygote = host.load(Fixtures.wasm("zygote-state")).snapshot()) {
            for (int op : new int[] {1, 2}) {
                assertThat(zygote.spawn().start(Value.i32(op)).await()).as("op %d", op)
                        .isInstanceOfSatisfying(ProcessResult.Trapped.class,
                                t -> assertThat(t.kind()).isIn(TrapKind.OUT_OF_BOUNDS, TrapKind.TABLE_OUT_OF_BOUNDS));
            }
            assertThat(report(zygote.spawn().start(Value.i32(0)).await())).isEqualTo(warmReport());
        }
    }

    @Test
    void clonesSpawnedFromManyThreadsAreIsolated() throws Exception {
        try (Host host = Host.builder().build();
                Snapshot zygote = host.load(Fixtures.wasm("zygote-state")).snapshot()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Long>> reports = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    reports.add(pool.submit(() -> report(zygote.spawn().start(Value.i32(0)).await())));
                }
                Set<Long> distinct = new HashSet<>();
                for (Future<Long> f : reports) {
                    distinct.add(f.get());
                }
                assertThat(distinct).containsExactly(warmReport());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aCloneCommitsOnlyThePagesItWrites() throws Exception {
        try (Host host = Host.builder().build(); Snapshot zygote = host.load(Fixtures.engine("json")).snapshot()) {
            byte[] in = "{\"b\":[1,2,3],\"a\":{\"y\":null,\"x\":true}}".getBytes();
            Vmo input = Vmo.create(in.length);
            input.write(in, 0);
            Vmo output = Vmo.create(4096);
            EngineProcess clone = zygote.spawn();
            assertThat(clone.origin()).contains(zygote);
            ProcessResult r = clone.start(Span.readOnly(input, 0, in.length), Span.writable(output, 0, 4096)).await();
            byte[] out = new byte[(int) ((ProcessResult.Returned) r).value().orElseThrow().bits()];
            output.read(out, 0);
            assertThat(new String(out)).isEqualTo("{\"a\":{\"x\":true,\"y\":null},\"b\":[1,2,3]}");
            assertThat(zygote.committedBytes()).isPositive();
            // The input ends mid-page: the clone also holds a private copy of that page.
            assertThat(clone.committedBytes() - Span.PAGE_SIZE).as("pages the clone wrote")
                    .isPositive().isLessThan(zygote.committedBytes());
        }
    }

    @Test
    void aWarmupThatFailsTakesNoSnapshotAndTheHostGoesOn() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine spinner = host.load(Fixtures.engine("hostile-loop"));
            Limits quick = host.defaultLimits().toBuilder().withDeadline(Duration.ofMillis(200)).build();
            assertThatThrownBy(() -> spinner.snapshot(quick, w -> w.call("engine_start")))
                    .isInstanceOfSatisfying(WarmupFailedException.class, e -> assertThat(e.result())
                            .isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE)));
            Engine trapper = host.load(Fixtures.wasm("hostile-unreachable"));
            assertThatThrownBy(() -> trapper.snapshot(host.defaultLimits(), w -> w.call("engine_start")))
                    .isInstanceOf(WarmupFailedException.class);
            assertThatThrownBy(() -> trapper.snapshot(host.defaultLimits(), w -> w.call("no_such_export")))
                    .isInstanceOf(WarmupFailedException.class);
            assertThat(host.load(Fixtures.engine("hc-add")).snapshot().spawn().start(Value.i32(17), Value.i32(23)).await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
        }
    }

    @Test
    void aCloneIsHeldToItsOwnLimits() throws Exception {
        try (Host host = Host.builder().build(); Snapshot zygote = host.load(Fixtures.wasm("zygote-state")).snapshot()) {
            Limits onePage = host.defaultLimits().toBuilder().withMaxMemoryPages(1).build();
            assertThat(zygote.spawn(onePage).start(Value.i32(0)).await())
                    .isEqualTo(new ProcessResult.Killed(KillReason.MEMORY_LIMIT));
            assertThat(report(zygote.spawn().start(Value.i32(0)).await())).isEqualTo(warmReport());
        }
    }

    @Test
    void aClosedSnapshotSpawnsNothing() throws Exception {
        try (Host host = Host.builder().build()) {
            Snapshot zygote = host.load(Fixtures.wasm("zygote-state")).snapshot();
            EngineProcess started = zygote.spawn().start(Value.i32(0));
            zygote.close();
            assertThat(report(started.await())).isEqualTo(warmReport());
            assertThatThrownBy(zygote::spawn).isInstanceOf(ProcessStateException.class);
        }
    }

    @Test
    void aWarmupSpanIsClonedAndItsCloneHandedBack() throws Exception {
        try (Host host = Host.builder().build()) {
            Engine fill = host.load(Fixtures.engine("hc-fill-span"));
            Vmo caller = Vmo.create(8192);
            try (Snapshot zygote = fill.snapshot(host.defaultLimits(),
                    w -> w.call("engine_start", Span.writable(caller, 0, 8192), Value.i32(0x5A)))) {
                byte[] filled = new byte[8192];
                caller.read(filled, 0);
                assertThat(filled).containsOnly(0x5A);
                Vmo cloned = zygote.clonedVmo(caller).orElseThrow();
                caller.write(new byte[] {1, 2, 3}, 0);
                byte[] seen = new byte[3];
                cloned.read(seen, 0);
                assertThat(seen).as("the clone is a snapshot, not the caller's pages").containsOnly(0x5A);
            }
        }
    }
}
