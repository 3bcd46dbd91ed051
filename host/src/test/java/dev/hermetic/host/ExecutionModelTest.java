package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Where engines run and how many at once: the user's executor or thread factory, admission
 * control with its bounded queue and typed refusal, and synchronous runs on the caller's
 * thread, each with the deadline still killing a spinning engine.
 */
class ExecutionModelTest {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final Limits LONG = Limits.builder().withDeadline(Duration.ofMinutes(1)).build();
    private static final Limits SHORT = Limits.builder().withDeadline(Duration.ofMillis(200)).build();

    /** Threads for snapshots' warm-ups until a test turns them off; then a run that still works never handed off. */
    private final java.util.concurrent.atomic.AtomicBoolean threadsAllowed = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.concurrent.ThreadFactory NO_THREADS = r -> {
        if (!threadsAllowed.get()) {
            throw new IllegalStateException("no engine thread may be made here");
        }
        Thread t = new Thread(r, "warm-up");
        t.setDaemon(true);
        return t;
    };

    @Test
    void enginesRunAsTasksOfTheUsersExecutorAndLeaveItsThreadsClean() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicInteger tasks = new AtomicInteger();
        try (Host host = Host.builder().withEngineExecutor(r -> {
            tasks.incrementAndGet();
            pool.execute(r);
        }).build()) {
            Engine copy = host.load(Fixtures.wasm("filter-copy"));
            assertThat(copy.filter(ABC).output()).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
            ProcessResult spun = host.load(Fixtures.engine("hostile-loop")).newProcess(SHORT).start().await();
            assertThat(spun).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
            assertThat(tasks).hasValue(2);
            // The pool's one thread ran the killed engine: it must not carry the kill's interrupt on.
            assertThat(CompletableFuture.supplyAsync(() -> Thread.currentThread().isInterrupted(), pool).get()).isFalse();
            assertThat(copy.filter(ABC).output()).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorThatRefusesEndsTheProcessAsFailed() throws Exception {
        try (Host host = Host.builder().withEngineExecutor(r -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        }).build()) {
            ProcessResult r = host.load(Fixtures.engine("hostile-loop")).newProcess().start().await();
            assertThat(r).isInstanceOf(ProcessResult.Failed.class);
        }
    }

    @Test
    void enginesRunOnThreadsOfTheUsersFactory() throws Exception {
        AtomicInteger made = new AtomicInteger();
        try (Host host = Host.builder().withEngineThreadFactory(r -> {
            made.incrementAndGet();
            Thread t = new Thread(null, r, "server-engine", 4L << 20);
            t.setDaemon(true);
            return t;
        }).build()) {
            Engine copy = host.load(Fixtures.wasm("filter-copy"));
            for (int i = 0; i < 3; i++) {
                assertThat(copy.filter(ABC).output()).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(made).hasValue(3);
        }
    }

    @Test
    void beyondTheRunningAndQueuedBoundsAStartIsRefused() throws Exception {
        try (Host host = Host.builder().withMaxConcurrentProcesses(1, 1).build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            EngineProcess running = loop.newProcess(LONG).start();
            EngineProcess queued = loop.newProcess(LONG).start();
            assertThat(queued.isAlive()).isTrue();
            assertThat(host.admissionCounts()).containsExactly(1, 1);
            EngineProcess refused = loop.newProcess(LONG);
            assertThatThrownBy(refused::start).isInstanceOf(HostBusyException.class)
                    .isInstanceOf(HermeticException.class).hasMessageContaining("maximum of 1");
            assertThat(refused.isAlive()).isFalse();
            // The running one ends: the queued one takes its slot and runs (it spins until killed).
            running.kill();
            assertThat(running.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            assertThat(host.admissionCounts()).containsExactly(1, 0);
            queued.kill();
            assertThat(queued.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            assertThat(host.admissionCounts()).containsExactly(0, 0);
            // With the slot free again, a start runs at once.
            assertThat(host.load(Fixtures.wasm("filter-copy")).filter(ABC)).isInstanceOf(FilterResult.Output.class);
        }
    }

    @Test
    void aQueuedProcessEndsAtItsDeadlineWithoutRunningAndAKilledOneLeavesTheQueue() throws Exception {
        try (Host host = Host.builder().withMaxConcurrentProcesses(1, 2).build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            EngineProcess running = loop.newProcess(LONG).start();
            EngineProcess late = loop.newProcess(SHORT).start();
            EngineProcess dropped = loop.newProcess(LONG).start();
            assertThat(late.await()).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
            assertThat(running.isAlive()).as("the deadline was the waiting one's").isTrue();
            dropped.kill();
            assertThat(dropped.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
            assertThat(host.admissionCounts()).containsExactly(1, 0);
            running.close();
            assertThat(host.admissionCounts()).containsExactly(0, 0);
        }
    }

    @Test
    void aSynchronousRunExecutesOnTheCallersThreadWhenItsStackIsStated() throws Exception {
        try (Host host = Host.builder().withEngineThreadFactory(NO_THREADS)
                .withCallerStackBytes(Limits.DEFAULT_STACK_BYTES).build()) {
            Engine copy = host.load(Fixtures.wasm("filter-copy"));
            Snapshot warm = copy.snapshot();
            threadsAllowed.set(false);
            assertThat(copy.filter(ABC).output()).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
            try (Snapshot zygote = warm) {
                for (int i = 0; i < 3; i++) {
                    assertThat(zygote.filter(ABC).output()).isEqualTo("ABC".getBytes(StandardCharsets.US_ASCII));
                }
            }
            assertThat(host.load(Fixtures.engine("hc-add")).newProcess().run(Value.i32(17), Value.i32(23)))
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
            // A stack bigger than stated is not promised: that run needs an engine thread, which this factory refuses.
            Limits deep = Limits.builder().withStackBytes(Limits.DEFAULT_STACK_BYTES * 2).build();
            assertThat(copy.filter(FilterRequest.of(ABC).withLimits(deep))).isInstanceOf(FilterResult.Failed.class);
        }
    }

    @Test
    void aRunOnTheCallersThreadIsKilledAtItsDeadlineAndTheCallerGoesOnUninterrupted() throws Exception {
        try (Host host = Host.builder().withEngineThreadFactory(NO_THREADS)
                .withCallerStackBytes(Limits.DEFAULT_STACK_BYTES).build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            Snapshot warm = host.load(Fixtures.wasm("hostile-loop-filter")).snapshot();
            threadsAllowed.set(false);
            for (int i = 0; i < 3; i++) {
                EngineProcess p = loop.newProcess(SHORT);
                assertThat(p.run()).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
                assertThat(p.duration()).isLessThan(Duration.ofSeconds(5));
            }
            try (Snapshot zygote = warm) {
                assertThat(zygote.filter(FilterRequest.of(ABC).withLimits(SHORT)))
                        .isInstanceOfSatisfying(FilterResult.Killed.class, k -> assertThat(k.reason()).isEqualTo(KillReason.DEADLINE));
            }
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(host.load(Fixtures.wasm("filter-copy")).filter(ABC)).isInstanceOf(FilterResult.Output.class);
        }
    }

    @Test
    void aCallerInterruptedBeforeOrDuringARunGetsInterruptedException() throws Exception {
        try (Host host = Host.builder().withEngineThreadFactory(NO_THREADS)
                .withCallerStackBytes(Limits.DEFAULT_STACK_BYTES).build()) {
            threadsAllowed.set(false);
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            Thread.currentThread().interrupt();
            EngineProcess before = loop.newProcess(LONG);
            assertThatThrownBy(before::run).isInstanceOf(InterruptedException.class);
            assertThat(before.isAlive()).isFalse();
            Thread caller = Thread.currentThread();
            var interrupter = host.scheduler().schedule(caller::interrupt, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            EngineProcess during = loop.newProcess(LONG);
            assertThatThrownBy(during::run).isInstanceOf(InterruptedException.class);
            interrupter.get();
            assertThat(during.isAlive()).isFalse();
            assertThat(Thread.interrupted()).isFalse();
        }
    }

    @Test
    void aSynchronousRunWaitsForASlotWithinItsDeadlineOrIsRefused() throws Exception {
        try (Host host = Host.builder().withMaxConcurrentProcesses(1, 1)
                .withCallerStackBytes(Limits.DEFAULT_STACK_BYTES).build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            Engine copy = host.load(Fixtures.wasm("filter-copy"));
            EngineProcess running = loop.newProcess(LONG).start();
            // One may wait: it waits its deadline out and ends without running.
            assertThat(copy.filter(FilterRequest.of(ABC).withLimits(SHORT)))
                    .isInstanceOfSatisfying(FilterResult.Killed.class, k -> assertThat(k.reason()).isEqualTo(KillReason.DEADLINE));
            EngineProcess queued = loop.newProcess(LONG).start();
            assertThatThrownBy(() -> copy.filter(ABC)).isInstanceOf(HostBusyException.class);
            running.close();
            queued.close();
            // A waiting caller is handed the slot when the running process ends.
            EngineProcess again = loop.newProcess(LONG).start();
            CompletableFuture<FilterResult> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return copy.filter(ABC);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, command -> new Thread(null, command, "caller", Limits.DEFAULT_STACK_BYTES).start());
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (host.admissionCounts()[1] == 0) {
                assertThat(System.nanoTime()).as("the caller queues for the slot").isLessThan(giveUp);
                Thread.onSpinWait();
            }
            again.kill();
            assertThat(waiter.get()).isInstanceOf(FilterResult.Output.class);
            assertThat(host.admissionCounts()).containsExactly(0, 0);
        }
    }
}
