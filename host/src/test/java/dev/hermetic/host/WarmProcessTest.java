package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A warm process: engine_init once, then many calls on one instance, closed by the caller. */
class WarmProcessTest {
    private final Host host = Host.builder().build();

    @AfterEach
    void close() throws Exception {
        host.close();
    }

    /** warm-counter: engine_init adds 100 once, each call adds 1. */
    @Test
    void initRunsOnceAndMemoryCarriesOverBetweenCalls() throws Exception {
        Engine engine = host.load(Fixtures.wasm("warm-counter"));
        List<Long> seen = new ArrayList<>();
        try (WarmProcess warm = engine.warmProcess()) {
            for (int i = 0; i < 5; i++) {
                ProcessResult r = warm.call();
                seen.add(((ProcessResult.Returned) r).value().orElseThrow().asLong());
            }
            assertThat(warm.isAlive()).isTrue();
        }
        assertThat(seen).isEqualTo(expectedCounts());
    }

    @Test
    void filterCallsReuseTheInstanceAndGiveEachCallItsOwnOutput() throws Exception {
        Engine copy = host.load(Fixtures.wasm("filter-copy"));
        try (WarmProcess warm = copy.warmProcess()) {
            for (int i = 0; i < 50; i++) {
                String in = "call " + i + " " + "x".repeat(i * 97);
                FilterResult r = warm.filter(in.getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(r.output(), StandardCharsets.US_ASCII)).isEqualTo(in.toUpperCase());
                assertThat(r.measurements().hookCalls()).isZero();
            }
        }
    }

    @Test
    void callsFromManyThreadsRunOneAtATime() throws Exception {
        Engine copy = host.load(Fixtures.wasm("filter-copy"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (WarmProcess warm = copy.warmProcess()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String in = "req-" + i;
                answers.add(pool.submit(() -> new String(warm.filter(in.getBytes(StandardCharsets.US_ASCII)).output(),
                        StandardCharsets.US_ASCII)));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(answers.get(i).get()).isEqualTo("REQ-" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallThatRunsOutOfTimeEndsTheProcessAndLaterCallsAreRefused() throws Exception {
        Limits limits = Limits.builder().withDeadline(Duration.ofMillis(200)).build();
        try (WarmProcess warm = host.load(Fixtures.wasm("hostile-loop-filter")).warmProcess(limits)) {
            FilterResult r = warm.filter(new byte[1]);
            assertThat(r).isInstanceOfSatisfying(FilterResult.Killed.class, k -> assertThat(k.reason()).isEqualTo(KillReason.DEADLINE));
            assertThat(warm.isAlive()).isFalse();
            assertThatThrownBy(() -> warm.filter(new byte[1])).isInstanceOf(ProcessStateException.class);
        }
    }

    @Test
    void wrongArgumentsAreRefusedWithoutEndingTheProcess() throws Exception {
        try (WarmProcess warm = host.load(Fixtures.wasm("filter-copy")).warmProcess()) {
            assertThatThrownBy(() -> warm.call(Value.i32(1))).isInstanceOf(ArgumentMismatchException.class);
            assertThat(warm.filter("ok".getBytes(StandardCharsets.US_ASCII)).output()).hasSize(2);
            assertThatThrownBy(() -> warm.filter(FilterRequest.of(new byte[1]).withHooks("x")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closedIsClosed() throws Exception {
        WarmProcess warm = host.load(Fixtures.wasm("filter-copy")).warmProcess();
        warm.close();
        warm.close();
        assertThat(warm.isAlive()).isFalse();
        assertThatThrownBy(() -> warm.filter(new byte[1])).isInstanceOf(ProcessStateException.class);
    }

    private static List<Long> expectedCounts() {
        return List.of(101L, 102L, 103L, 104L, 105L);
    }
}
