package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.hooks.CapData;
import dev.hermetic.hooks.HookTable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A kill holds against hooks that block, swallow the interrupt and block again: the process
 * ends as {@code Killed} soon after its deadline or {@code kill()}, and {@code Host.close()}
 * returns. The engine ({@code hook-forever}) calls its hook in a loop whatever it answers.
 */
@Timeout(60)
class StickyKillTest {
    /** How long past its deadline or kill a process may take to end here: generous for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch entered = new CountDownLatch(1);

    /** The hook the engine calls: how it blocks is the case under test. */
    private volatile Blocker blocker;

    @FunctionalInterface
    private interface Blocker {
        void block() throws Exception;
    }

    private final HookTable table = HookTable.builder()
            .withHook("echo", (caller, args) -> {
                calls.incrementAndGet();
                entered.countDown();
                blocker.block();
                return args;
            })
            .build();
    private final Host host = Host.builder().withHooks(table).withHookFailureListener((caller, hook, e) -> {}).build();

    @AfterEach
    @Timeout(30)
    void closeHost() throws Exception {
        host.close();
    }

    private EngineProcess start(Duration deadline) {
        Engine engine = host.load("hook-forever", Fixtures.wasm("hook-forever"));
        return engine.newProcess(host.defaultLimits().toBuilder().withDeadline(deadline).build(), "echo").start();
    }

    private static ProcessResult awaitWithin(EngineProcess p, Duration bound) throws InterruptedException {
        Optional<ProcessResult> r = p.await(bound);
        assertThat(r).as("the process ended within " + bound).isPresent();
        return r.orElseThrow();
    }

    private static void sleepForAMinute() throws InterruptedException {
        Thread.sleep(60_000);
    }

    @Test
    void aHookThatSleepsEndsAtItsDeadline() throws Exception {
        blocker = StickyKillTest::sleepForAMinute;
        EngineProcess p = start(Duration.ofMillis(200));
        assertThat(awaitWithin(p, Duration.ofMillis(200).plus(BOUND))).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        assertThat(calls).hasValue(1);
    }

    @Test
    void aHookThatSwallowsTheInterruptAndBlocksAgainEndsAtItsDeadline() throws Exception {
        LinkedBlockingQueue<Object> never = new LinkedBlockingQueue<>();
        blocker = () -> {
            try {
                never.take();
            } catch (InterruptedException swallowed) {
                // as careless code does
            }
            never.poll(60, TimeUnit.SECONDS);
        };
        EngineProcess p = start(Duration.ofMillis(200));
        assertThat(awaitWithin(p, Duration.ofMillis(200).plus(BOUND))).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        assertThat(calls).as("the engine never resumed after the kill").hasValue(1);
    }

    @Test
    void aHookThatSwallowsEveryInterruptOnceStillCannotResumeTheEngine() throws Exception {
        blocker = () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException swallowed) {
                // returns normally, flag cleared
            }
        };
        EngineProcess p = start(Duration.ofMillis(200));
        assertThat(awaitWithin(p, Duration.ofMillis(200).plus(BOUND))).isEqualTo(new ProcessResult.Killed(KillReason.DEADLINE));
        assertThat(calls).hasValue(1);
    }

    @Test
    void killEndsAProcessBlockedInAHook() throws Exception {
        blocker = StickyKillTest::sleepForAMinute;
        EngineProcess p = start(Duration.ofMinutes(5));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        p.kill();
        assertThat(awaitWithin(p, BOUND)).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
    }

    @Test
    void aSecondKillAfterASwallowedDeadlineStillWorks() throws Exception {
        LinkedBlockingQueue<Object> never = new LinkedBlockingQueue<>();
        blocker = () -> {
            try {
                never.take();
            } catch (InterruptedException swallowed) {
                // and again
            }
            never.take();
        };
        EngineProcess p = start(Duration.ofMinutes(5));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        p.kill();
        p.kill();
        assertThat(awaitWithin(p, BOUND)).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void hostCloseReturnsWhileAHookBlocks(ExecutionMode mode) throws Exception {
        blocker = StickyKillTest::sleepForAMinute;
        try (Host other = Host.builder().withExecutionMode(mode).withHooks(table)
                .withHookFailureListener((caller, hook, e) -> {}).build()) {
            EngineProcess p = other.load("hook-forever", Fixtures.wasm("hook-forever"))
                    .newProcess(other.defaultLimits().toBuilder().withDeadline(Duration.ofMinutes(5)).build(), "echo")
                    .start();
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closed = CompletableFuture.runAsync(other::close);
            closed.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(p.await()).isEqualTo(new ProcessResult.Killed(KillReason.BY_HOST));
        }
    }
}
