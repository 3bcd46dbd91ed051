package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.engines.Engines;
import dev.hermetic.host.internal.InstanceState;
import dev.hermetic.vmo.Vmo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A clone spawned on a pooled instance (reset to the snapshot when its last process ended) is
 * indistinguishable from a clone built afresh: the same state when it starts (all of memory
 * hashed, every global, every table entry), the same result, and the same state when it ends.
 * The last process dirtied every kind of state and then returned, trapped, was killed at its
 * deadline, grew its table, grew its memory or exited; an instance whose state cannot be put
 * back (its table grew) or may be half-changed is not reused, and the pool says which were.
 */
class InstancePoolTest {
    /** How a clone's instance looked when its engine_start began and when it returned, and what it returned. */
    record Observed(String startState, ProcessResult result, String endState) {}

    static Stream<Arguments> lastRuns() {
        return Stream.of(ExecutionMode.values()).flatMap(mode -> Stream.of(
                Arguments.of(mode, 0, "returned"),
                Arguments.of(mode, 1, "trapped"),
                Arguments.of(mode, 2, "killed at its deadline"),
                Arguments.of(mode, 3, "grew its table"),
                Arguments.of(mode, 4, "grew its memory"),
                Arguments.of(mode, 5, "exited")));
    }

    @ParameterizedTest(name = "{0}: after a run that {2}")
    @MethodSource("lastRuns")
    void aReusedInstanceIsAFreshClone(ExecutionMode mode, int lastMode, String what) throws Exception {
        byte[] wasm = Fixtures.wasm("pool-probe");
        Observed fresh;
        try (Host host = Host.builder().withExecutionMode(mode).withInstancePool(0).build();
                Snapshot zygote = host.load(wasm).snapshot()) {
            fresh = observe(zygote.spawn());
            assertThat(zygote.idleInstances()).isZero();
        }
        assertThat(fresh.result()).isEqualTo(new ProcessResult.Returned(Optional.of(Value.i64(
                100 | 42 << 8 | 2 << 16 | 2 << 24))));
        try (Host host = Host.builder().withExecutionMode(mode).build(); Snapshot zygote = host.load(wasm).snapshot()) {
            Limits limits = host.defaultLimits().toBuilder().withDeadline(Duration.ofMillis(500)).build();
            ProcessResult last = zygote.spawn(limits).start(Value.i32(lastMode)).await();
            assertThat(last).isEqualTo(switch (lastMode) {
                case 1 -> new ProcessResult.Trapped(TrapKind.UNREACHABLE, ((ProcessResult.Trapped) last).message());
                case 2 -> new ProcessResult.Killed(KillReason.DEADLINE);
                case 5 -> new ProcessResult.Exited(7);
                default -> last;
            });
            assertThat(last).isNotInstanceOf(ProcessResult.Failed.class);
            boolean reusable = lastMode != 3 && (mode == ExecutionMode.COMPILED || lastMode == 0 || lastMode == 4);
            assertThat(zygote.idleInstances()).as("pooled after a run that %s", what).isEqualTo(reusable ? 1 : 0);
            // The probe runs under the same limits, so it takes the pooled instance when there is one.
            Observed reused = observe(zygote.spawn(limits));
            assertThat(reused).isEqualTo(fresh);
            assertThat(zygote.idleInstances()).isEqualTo(1);
            assertThat(observe(zygote.spawn(limits))).as("the probe's own instance, reused").isEqualTo(fresh);
        }
    }

    /** Runs engine_start(0) in {@code clone}, recording the instance's state before and after. */
    private static Observed observe(EngineProcess clone) throws InterruptedException {
        String[] states = new String[2];
        ProcessResult result = clone.launch((instance, memory) -> {
            states[0] = state(instance);
            Optional<Value> value = clone.warmInstance(instance, memory).call("engine_start", Value.i32(0));
            states[1] = state(instance);
            return new ProcessResult.Returned(value);
        }).await();
        return new Observed(states[0], result, states[1]);
    }

    /** All of an instance's state: its memory's SHA-256 and size, its globals and its tables, entry by entry. */
    private static String state(Instance instance) throws Exception {
        var m = instance.memory();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(m.readBytes(0, m.pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE)));
        InstanceState s = InstanceState.capture(instance);
        return m.pages() + " pages " + hash + " globals " + Arrays.toString(s.globalLow()) + Arrays.toString(s.globalHigh())
                + " tables " + Arrays.deepToString(s.tables()) + " dropped " + Arrays.toString(s.droppedData())
                + Arrays.toString(s.droppedElements());
    }

    /** Real engines: a filter run on a reused instance gives the output and memory of one on a fresh clone. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void aReusedEngineInstanceMatchesAFreshClone(String name, String input) throws Exception {
        Limits patient = Limits.builder().withDeadline(Duration.ofMinutes(2)).build();
        Observed fresh;
        try (Host host = Host.builder().withDefaultLimits(patient).withInstancePool(0).build();
                Snapshot zygote = host.load(name, Engines.bytes(name)).snapshot()) {
            fresh = observeFilter(zygote.spawn(), input);
        }
        assertThat(fresh.result()).isInstanceOf(ProcessResult.Returned.class);
        try (Host host = Host.builder().withDefaultLimits(patient).build();
                Snapshot zygote = host.load(name, Engines.bytes(name)).snapshot()) {
            observeFilter(zygote.spawn(), "{\"other\": [\"input\", 1, 2, 3]}\nline two\n");
            assertThat(zygote.idleInstances()).isEqualTo(1);
            assertThat(observeFilter(zygote.spawn(), input)).isEqualTo(fresh);
        }
    }

    static Stream<Arguments> engines() {
        return Stream.of(
                Arguments.of("json", "{\"z\":[3,2,1],\"a\":{\"y\":\"\\u00e9\",\"x\":1.5e3}}"),
                Arguments.of("classifier", "GET /index.html HTTP/1.1\nERROR disk full on /dev/sda1\n"),
                Arguments.of("csv-stats", "name,qty,price\nbolt,10,0.25\nnut,200,0.05\n"),
                Arguments.of("regex", "[a-z]+@[a-z]+\\.org\0mail alice@example.org and bob@test.org now"));
    }

    /** A filter call in {@code clone}, recording the state before and after and the output's bytes as the result. */
    private static Observed observeFilter(EngineProcess clone, String input) throws InterruptedException {
        byte[] in = input.getBytes(StandardCharsets.UTF_8);
        String[] states = new String[2];
        try (Vmo inVmo = Vmo.create(in.length); Vmo outVmo = Vmo.create(64 * 1024)) {
            inVmo.write(in, 0);
            ProcessResult result = clone.launch((instance, memory) -> {
                states[0] = state(instance);
                Optional<Value> value = clone.warmInstance(instance, memory).call("engine_start",
                        Span.readOnly(inVmo, 0, in.length), Span.writable(outVmo, 0, 64 * 1024));
                states[1] = state(instance);
                return new ProcessResult.Returned(value);
            }).await();
            byte[] out = new byte[64 * 1024];
            outVmo.read(out, 0);
            return new Observed(states[0], result, states[1] + " output " + HexFormat.of().formatHex(out));
        }
    }

    @Test
    void aSpawnUnderOtherLimitsBuildsItsOwnInstanceAndThePoolIsBounded() throws Exception {
        try (Host host = Host.builder().withInstancePool(1).build();
                Snapshot zygote = host.load(Fixtures.wasm("pool-probe")).snapshot()) {
            Limits other = host.defaultLimits().toBuilder().withMaxMemoryPages(64).build();
            EngineProcess a = zygote.spawn().start(Value.i32(0));
            EngineProcess b = zygote.spawn().start(Value.i32(0));
            a.await();
            b.await();
            assertThat(zygote.idleInstances()).as("bounded by the pool size").isEqualTo(1);
            zygote.spawn(other).start(Value.i32(0)).await();
            assertThat(zygote.idleInstances()).as("the other limits' instance finds the pool full").isEqualTo(1);
            assertThat(zygote.spawn(other).start(Value.i32(0)).await()).isInstanceOf(ProcessResult.Returned.class);
        }
    }

    @Test
    void closingTheSnapshotReleasesItsPooledInstances() throws Exception {
        try (Host host = Host.builder().build()) {
            Snapshot zygote = host.load(Fixtures.wasm("pool-probe")).snapshot();
            for (int i = 0; i < 3; i++) {
                assertThat(zygote.spawn().start(Value.i32(4)).await()).isInstanceOf(ProcessResult.Returned.class);
            }
            assertThat(zygote.idleInstances()).isEqualTo(1);
            assertThat(host.memoryBudget().committedBytes()).isPositive();
            zygote.close();
            assertThat(zygote.idleInstances()).isZero();
            assertThat(host.memoryBudget().committedBytes()).as("frozen pages and pooled tables given back").isZero();
        }
    }

    /** Keeps the list honest: every engine named above is bundled. */
    @Test
    void theEnginesAreBundled() {
        assertThat(Engines.names()).containsAll(List.of("json", "classifier", "csv-stats", "regex"));
    }
}
