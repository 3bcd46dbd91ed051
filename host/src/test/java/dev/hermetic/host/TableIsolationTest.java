package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every process has tables of its own: one process's {@code table.grow} is never a later
 * process's starting size, fresh or cloned, sequential or concurrent; growth is held to
 * {@link Limits#maxTableElements()} and charged to the process's budget.
 */
class TableIsolationTest {
    private static final int GROWTH = 1000;

    /** What {@code table-grow}'s engine_start returns: size before growing, and table.grow's answer. */
    private record Grown(int sizeBefore, int growResult) {
        static Grown of(ProcessResult r) {
            long v = ((ProcessResult.Returned) r).value().orElseThrow().bits();
            return new Grown((int) (v >>> 32), (int) v);
        }
    }

    private static Grown grow(EngineProcess p, int n) throws InterruptedException {
        return Grown.of(p.start(Value.i32(n)).await());
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void freshProcessesAndClonesStartWithTheSameTable(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.wasm("table-grow"));
            for (int i = 0; i < 3; i++) {
                assertThat(grow(engine.newProcess(), GROWTH)).as("fresh process %d", i).isEqualTo(new Grown(1, 1));
            }
            try (Snapshot zygote = engine.snapshot()) {
                for (int i = 0; i < 3; i++) {
                    assertThat(grow(zygote.spawn(), GROWTH)).as("clone %d carries the warm table", i)
                            .isEqualTo(new Grown(11, 11));
                }
            }
            assertThat(grow(engine.newProcess(), GROWTH)).as("the warm-up grew no one else's table")
                    .isEqualTo(new Grown(1, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void concurrentProcessesEachGrowTheirOwnTable(ExecutionMode mode) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.wasm("table-grow"));
            try (Snapshot zygote = engine.snapshot()) {
                List<Future<Grown>> fresh = new ArrayList<>();
                List<Future<Grown>> clones = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    fresh.add(pool.submit(() -> grow(engine.newProcess(), GROWTH)));
                    clones.add(pool.submit(() -> grow(zygote.spawn(), GROWTH)));
                }
                for (int i = 0; i < 64; i++) {
                    assertThat(fresh.get(i).get()).isEqualTo(new Grown(1, 1));
                    assertThat(clones.get(i).get()).isEqualTo(new Grown(11, 11));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void growthPastTheLimitReturnsMinusOne(ExecutionMode mode) throws Exception {
        Limits hundred = Limits.builder().withMaxTableElements(100).build();
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.wasm("table-grow"));
            assertThat(grow(engine.newProcess(hundred), 100)).isEqualTo(new Grown(1, -1));
            assertThat(grow(engine.newProcess(hundred), 99)).isEqualTo(new Grown(1, 1));
            assertThat(grow(engine.newProcess(hundred), -1)).as("a negative i32 is a huge unsigned growth")
                    .isEqualTo(new Grown(1, -1));
            try (Snapshot zygote = engine.snapshot()) {
                assertThat(grow(zygote.spawn(hundred), 89)).isEqualTo(new Grown(11, 11));
                assertThat(grow(zygote.spawn(hundred), 90)).isEqualTo(new Grown(11, -1));
                assertThat(zygote.spawn(Limits.builder().withMaxTableElements(5).build()).start(Value.i32(0)).await())
                        .as("a clone whose limit is below the warm table")
                        .isEqualTo(new ProcessResult.Killed(KillReason.MEMORY_LIMIT));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void tableElementsAreChargedToTheBudget(ExecutionMode mode) throws Exception {
        try (Host host = Host.builder().withExecutionMode(mode).build()) {
            Engine engine = host.load(Fixtures.wasm("table-grow"));
            EngineProcess small = engine.newProcess();
            grow(small, 0);
            EngineProcess big = engine.newProcess();
            grow(big, 60_000);
            assertThat(big.committedBytes() - small.committedBytes()).isEqualTo(60_000 * 16L);
            // Elements the budget cannot pay for are refused like any other: table.grow returns -1.
            Limits tight = Limits.builder().withMaxCommittedBytes(64 << 10).build();
            assertThat(grow(engine.newProcess(tight), 60_000)).isEqualTo(new Grown(1, -1));
            assertThat(host.memoryBudget().committedBytes()).as("every charge given back").isZero();
            assertThat(grow(engine.newProcess(), 7)).isEqualTo(new Grown(1, 1));
            assertThat(Optional.of(host.defaultLimits().maxTableElements())).contains(Limits.DEFAULT_MAX_TABLE_ELEMENTS);
        }
    }
}
