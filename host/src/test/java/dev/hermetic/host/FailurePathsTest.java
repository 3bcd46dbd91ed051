package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.hooks.HookException;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every way a process can fail on the host's side still ends it as a result and releases what it held. */
@Timeout(120)
class FailurePathsTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final ProcessResult FORTY = new ProcessResult.Returned(Optional.of(Value.i32(40)));

    private static ProcessResult awaitWithin(EngineProcess p) throws InterruptedException {
        Optional<ProcessResult> r = p.await(BOUND);
        assertThat(r).as("the process ended within " + BOUND).isPresent();
        return r.orElseThrow();
    }

    /** A thread whose start fails as the JVM's does when the OS has no thread left. */
    private static Thread unstartable(Runnable body, String name, long stackBytes) {
        return new Thread(body, name) {
            @Override
            public synchronized void start() {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
        };
    }

    @Test
    void aThreadThatCannotStartEndsTheProcessAsFailed() throws Exception {
        try (Host host = Host.builder().withEngineThreads(FailurePathsTest::unstartable).build()) {
            EngineProcess p = host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23));
            ProcessResult r = awaitWithin(p);
            assertThat(r).isInstanceOfSatisfying(ProcessResult.Failed.class, f -> {
                assertThat(f.error().cause()).isInstanceOf(OutOfMemoryError.class);
                assertThat(f.error().message()).contains("unable to create native thread");
            });
            assertThat(p.isAlive()).isFalse();
            assertThat(p.onExit()).isCompletedWithValue(r);
        }
    }

    @Test
    void aRefusedThreadEndsTheProcessAsFailedAndTheHostKeepsWorking() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean(true);
        Host.EngineThreads threads = (body, name, stack) -> {
            if (refuse.get()) {
                throw new RejectedExecutionException("no threads today");
            }
            return Host.EngineThreads.DAEMONS.newThread(body, name, stack);
        };
        try (Host host = Host.builder().withEngineThreads(threads).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            assertThat(awaitWithin(add.newProcess().start(Value.i32(17), Value.i32(23))))
                    .isInstanceOf(ProcessResult.Failed.class);
            refuse.set(false);
            assertThat(awaitWithin(add.newProcess().start(Value.i32(17), Value.i32(23)))).isEqualTo(FORTY);
        }
    }

    /** A registry whose timers throw on registration, as a broken or closed registry may. */
    private static final class ThrowingRegistry extends SimpleMeterRegistry {
        @Override
        protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
            throw new IllegalStateException("this registry is broken");
        }
    }

    @Test
    void aThrowingMeterRegistryNeverHangsAProcess() throws Exception {
        try (Host host = Host.builder().withMeterRegistry(new ThrowingRegistry()).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            for (int i = 0; i < 3; i++) {
                assertThat(awaitWithin(add.newProcess().start(Value.i32(17), Value.i32(23)))).isEqualTo(FORTY);
            }
            EngineProcess loop = host.load(Fixtures.engine("hostile-loop"))
                    .newProcess(Limits.builder().withDeadline(Duration.ofMillis(50)).build()).start();
            assertThat(awaitWithin(loop)).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        }
    }

    /** A registry on which every meter's registration throws. */
    private static final class BrokenRegistry extends SimpleMeterRegistry {
        @Override
        protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
            throw new IllegalStateException("this registry is broken");
        }

        @Override
        protected io.micrometer.core.instrument.Counter newCounter(Meter.Id id) {
            throw new IllegalStateException("this registry is broken");
        }

        @Override
        protected <T> io.micrometer.core.instrument.Gauge newGauge(Meter.Id id, T obj,
                java.util.function.ToDoubleFunction<T> valueFunction) {
            throw new IllegalStateException("this registry is broken");
        }

        @Override
        protected io.micrometer.core.instrument.DistributionSummary newDistributionSummary(Meter.Id id,
                DistributionStatisticConfig config, double scale) {
            throw new IllegalStateException("this registry is broken");
        }
    }

    @Test
    void aRegistryThatThrowsOnEveryMeterLosesTheMetersNotTheHostLoadsOrProcesses() throws Exception {
        try (Host host = Host.builder().withMeterRegistry(new BrokenRegistry()).withFuelMetering(true).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            assertThat(awaitWithin(add.newProcess().start(Value.i32(17), Value.i32(23)))).isEqualTo(FORTY);
            byte[] digest = host.load("sha256", Fixtures.engine("sha256")).filter(new byte[] {1, 2, 3}).output();
            assertThat(digest).hasSize(32);
        }
    }

    @Test
    void closeStopsNewStartsBeforeItKillsAndEveryStartedProcessEnds() throws Exception {
        Host host = Host.builder().build();
        Engine loop = host.load(Fixtures.engine("hostile-loop"));
        Limits long_ = Limits.builder().withDeadline(Duration.ofMinutes(5)).build();
        ConcurrentLinkedQueue<EngineProcess> started = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch going = new CountDownLatch(4);
        List<Thread> starters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread starter = new Thread(() -> {
                going.countDown();
                while (true) {
                    try {
                        started.add(loop.newProcess(long_).start());
                    } catch (ProcessStateException e) {
                        refused.incrementAndGet();
                        return;
                    }
                }
            });
            starter.start();
            starters.add(starter);
        }
        going.await();
        while (started.size() < 8) {
            Thread.onSpinWait();
        }
        host.close();
        for (Thread starter : starters) {
            starter.join(BOUND.toMillis());
            assertThat(starter.isAlive()).isFalse();
        }
        assertThat(refused).hasValue(4);
        for (EngineProcess p : started) {
            assertThat(p.isAlive()).as(p.id() + " ended by close").isFalse();
            assertThat(p.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
        }
        EngineProcess late = loop.newProcess();
        assertThatThrownBy(late::start).isInstanceOf(ProcessStateException.class).hasMessageContaining("host is closed");
        assertThat(late.isAlive()).isFalse();
        assertThatThrownBy(late::await).isInstanceOf(ProcessStateException.class);
    }

    /** Whether the snapshot's frozen VMOs are still open: their handles close when the pages are let go. */
    private static boolean framesHeld(Snapshot zygote) {
        try {
            zygote.memory().regions().forEach(r -> r.vmo().info());
            return true;
        } catch (ZxException e) {
            return false;
        }
    }

    @Test
    void aCloneNeverStartedLetsGoOfTheSnapshotWhenClosed() throws Exception {
        try (Host host = Host.builder().build()) {
            Snapshot zygote = host.load(Fixtures.engine("hc-add")).snapshot();
            EngineProcess clone = zygote.spawn();
            zygote.close();
            assertThat(framesHeld(zygote)).as("an unstarted clone holds the pages").isTrue();
            clone.close();
            assertThat(framesHeld(zygote)).as("closed, it lets go").isFalse();
            assertThatThrownBy(() -> clone.start(Value.i32(1), Value.i32(2))).isInstanceOf(ProcessStateException.class);
            assertThatThrownBy(() -> clone.hookGate().clist().exportToEngine("ko1")).isInstanceOf(HookException.class);
        }
    }

    @Test
    void aCloneWhoseStartWasRefusedLetsGoWhenClosed() throws Exception {
        try (Host host = Host.builder().build()) {
            Snapshot zygote = host.load(Fixtures.engine("hc-add")).snapshot();
            EngineProcess clone = zygote.spawn();
            assertThatThrownBy(() -> clone.start(Value.i32(1))).isInstanceOf(ArgumentMismatchException.class);
            zygote.close();
            assertThat(framesHeld(zygote)).isTrue();
            clone.close();
            assertThat(framesHeld(zygote)).isFalse();
        }
    }

    @Test
    void aCloneDroppedUnstartedLetsGoWhenItIsGarbage() throws Exception {
        try (Host host = Host.builder().build()) {
            Snapshot zygote = host.load(Fixtures.engine("hc-add")).snapshot();
            WeakReference<EngineProcess> clone = new WeakReference<>(zygote.spawn());
            zygote.close();
            for (int i = 0; i < 200 && framesHeld(zygote); i++) {
                System.gc();
                Thread.yield();
            }
            assertThat(clone.get()).isNull();
            assertThat(framesHeld(zygote)).as("released by the cleaner").isFalse();
        }
    }

    @Test
    void aCloneWhoseThreadCannotStartLetsGoAtOnce() throws Exception {
        AtomicBoolean fail = new AtomicBoolean();
        Host.EngineThreads threads = (body, name, stack) ->
                fail.get() ? unstartable(body, name, stack) : Host.EngineThreads.DAEMONS.newThread(body, name, stack);
        try (Host host = Host.builder().withEngineThreads(threads).build()) {
            Snapshot zygote = host.load(Fixtures.engine("hc-add")).snapshot();
            fail.set(true);
            EngineProcess clone = zygote.spawn();
            zygote.close();
            assertThat(awaitWithin(clone.start(Value.i32(1), Value.i32(2)))).isInstanceOf(ProcessResult.Failed.class);
            assertThat(framesHeld(zygote)).isFalse();
        }
    }

    @Test
    void aFreshProcessNeverStartedClosesItsHookGate() throws Exception {
        try (Host host = Host.builder().build()) {
            EngineProcess p = host.load(Fixtures.engine("hc-add")).newProcess();
            String d = p.exportToEngine("ko9");
            assertThat(d).isNotEmpty();
            p.close();
            assertThatThrownBy(() -> p.hookGate().clist().exportToEngine("ko1")).isInstanceOf(HookException.class);
            assertThatThrownBy(p::await).isInstanceOf(ProcessStateException.class);
        }
    }

    @Test
    void aSpanOverAVmoIsUntouchedByAFailedStart() throws Exception {
        try (Host host = Host.builder().withEngineThreads(FailurePathsTest::unstartable).build()) {
            Vmo out = Vmo.create(4096);
            EngineProcess p = host.load(Fixtures.engine("hc-fill-span")).newProcess();
            assertThat(awaitWithin(p.start(Span.writable(out, 0, 4096), Value.i32(7)))).isInstanceOf(ProcessResult.Failed.class);
            assertThat(out.info().committedBytes()).isZero();
        }
    }
}
