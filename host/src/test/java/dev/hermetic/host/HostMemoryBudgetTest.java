package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Processes together never commit more than the host's memory budget: concurrent memory bombs
 * on default limits end as results (the ones whose commit does not fit as
 * {@code Killed(MEMORY_LIMIT)}), no {@link OutOfMemoryError} escapes, and the host then serves a
 * normal engine and fires deadlines. Surefire runs this class again under {@code -Xmx256m},
 * where the default budget is what stands between the bombs and the heap.
 */
class HostMemoryBudgetTest {
    /** The bomb exits with the pages it got when memory.grow refuses at the default 1024-page limit. */
    private static final ProcessResult GOT_EVERY_PAGE = new ProcessResult.Exited(1023);
    private static final ProcessResult OVER_BUDGET = new ProcessResult.Killed(KillReason.MEMORY_LIMIT);

    @ParameterizedTest
    @ValueSource(ints = {8, 32})
    void concurrentBombsOnDefaultLimitsAllEndAsResults(int bombs) throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap <= 512L << 20, "runs in the -Xmx256m execution only: this heap is " + (heap >> 20) + " MiB");
        try (Host host = Host.builder().build()) {
            assertThat(host.memoryBudget().limitBytes()).isEqualTo((long) (heap * Host.Builder.DEFAULT_MEMORY_BUDGET_FRACTION));
            runBombs(host, bombs);
        }
    }

    @Test
    void aConfiguredBudgetBoundsEveryProcessTogether() throws Exception {
        try (Host host = Host.builder().withMemoryBudget(96L << 20).build()) {
            runBombs(host, 8);
        }
    }

    @Test
    void clonesDrawFromTheSameBudget() throws InterruptedException {
        try (Host host = Host.builder().withMemoryBudget(96L << 20).build()) {
            Snapshot zygote = host.load(Fixtures.engine("hostile-memory-bomb")).snapshot();
            runBombs(host, 8, zygote);
            assertThat(host.memoryBudget().committedBytes()).isZero();
        }
    }

    private static void runBombs(Host host, int bombs) throws InterruptedException {
        runBombs(host, bombs, null);
    }

    /** Runs {@code bombs} at once, fresh, or clones of {@code zygote} (closed once they started) when it is not null. */
    private static void runBombs(Host host, int bombs, Snapshot zygote) throws InterruptedException {
        // Long deadlines: every bomb must end by its memory, not by the clock.
        Limits limits = host.defaultLimits().toBuilder().withDeadline(Duration.ofMinutes(2)).build();
        Engine bomb = host.load(Fixtures.engine("hostile-memory-bomb"));
        List<EngineProcess> running = new ArrayList<>();
        for (int i = 0; i < bombs; i++) {
            running.add((zygote == null ? bomb.newProcess(limits) : zygote.spawn(limits)).start());
        }
        if (zygote != null) {
            zygote.close();
        }
        long budget = host.memoryBudget().limitBytes();
        int overBudget = 0;
        for (EngineProcess p : running) {
            ProcessResult r = p.await();
            assertThat(r).isIn(GOT_EVERY_PAGE, OVER_BUDGET);
            assertThat(p.committedBytes()).isLessThanOrEqualTo(budget);
            overBudget += r.equals(OVER_BUDGET) ? 1 : 0;
        }
        assertThat(overBudget).as("%d bombs of 64 MiB cannot all fit in %d MiB", bombs, budget >> 20).isPositive();
        assertThat(host.memoryBudget().committedBytes()).as("every process gave its bytes back").isZero();
        assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
        assertThat(host.load(Fixtures.engine("hostile-loop"))
                        .newProcess(Limits.builder().withDeadline(Duration.ofMillis(100)).build()).start().await())
                .as("the deadline timer survived").isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
    }
}
