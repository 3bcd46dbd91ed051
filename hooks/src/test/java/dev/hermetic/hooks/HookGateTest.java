package dev.hermetic.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SwingSet's device-hook tests, in gate form, and the hostile ones. */
class HookGateTest {
    private static final HookCaller CALLER = new HookCaller("p-1", "engine");

    /** What the engine sees: the return value and the bytes written into its buffer. */
    record Reply(long code, byte[] written) {
        CapData capData() {
            return CapData.fromJsonBytes(written);
        }
    }

    private final List<CapData> received = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<Throwable> failures = new ArrayList<>();

    private final HookTable table = HookTable.builder()
            .withHook("echo", (caller, args) -> {
                runs.incrementAndGet();
                received.add(args);
                return args;
            })
            .withHook("makeObjects", (caller, args) -> {
                runs.incrementAndGet();
                return CapData.of(List.of(new Remotable("ko20", "Alleged: counter"), new Remotable("ko21", "Alleged: box")));
            })
            .withHook("big", (caller, args) -> {
                runs.incrementAndGet();
                return CapData.of("x".repeat(5000));
            })
            .withHook("throws", (caller, args) -> {
                throw new IllegalStateException("kaboom");
            })
            .withHook("whoami", (caller, args) -> CapData.of(caller.processId()))
            .build();

    private HookGate gate(String... grants) {
        return HookGate.builder(table, CALLER).withGrants(grants).withMaxCalls(50)
                .withFailureListener((caller, name, cause) -> failures.add(cause)).build();
    }

    private static Reply call(HookGate gate, String name, byte[] json, int capacity) {
        List<byte[]> written = new ArrayList<>();
        long code = gate.call(name.getBytes(StandardCharsets.UTF_8), json, capacity, written::add);
        return new Reply(code, written.isEmpty() ? null : written.get(0));
    }

    private static Reply call(HookGate gate, String name, CapData args) {
        return call(gate, name, args.toJsonBytes(), 4096);
    }

    /** A normal call that must work after every hostile one. */
    private static void assertStillWorks(HookGate gate) {
        Reply reply = call(gate, "echo", CapData.of(Map.of("ok", true)));
        assertThat(reply.code()).isEqualTo(reply.written().length);
        assertThat(reply.capData().value()).isEqualTo(Map.of("ok", true));
    }

    @Test
    void staticDataRoundTrips() {
        HookGate gate = gate("echo");
        Object value = List.of(Map.of("n", 1.0, "s", "#hi"), Undefined.INSTANCE, new java.math.BigInteger("-5"));
        Reply reply = call(gate, "echo", CapData.of(value));
        assertThat(reply.code()).isEqualTo(reply.written().length);
        assertThat(reply.capData().value()).isEqualTo(value);
        assertThat(runs).hasValue(1);
    }

    @Test
    void objectsPassedInArriveAsKrefs() {
        HookGate gate = gate("echo");
        String counterRef = gate.clist().exportToEngine("ko7");
        call(gate, "echo", CapData.of(List.of(new Remotable(counterRef, "Alleged: counter"), new Remotable(counterRef, null))));
        assertThat(received).hasSize(1);
        assertThat(received.get(0).slots()).containsExactly("ko7");
        assertThat(received.get(0).value()).isEqualTo(List.of(
                new Remotable("ko7", "Alleged: counter"), new Remotable("ko7", "Alleged: counter")));
    }

    @Test
    void objectsFromAHookGetNewEngineReferencesThatCanBePassedBack() {
        HookGate gate = gate("makeObjects", "echo");
        Reply made = call(gate, "makeObjects", CapData.of(List.of()));
        assertThat(made.capData().slots()).containsExactly("d-1", "d-2");
        call(gate, "echo", CapData.of(new Remotable("d-2", null)));
        assertThat(received.get(0).slots()).containsExactly("ko21");
    }

    @Test
    void theHookSeesTheCallingProcess() {
        Reply reply = call(gate("whoami"), "whoami", CapData.of(null));
        assertThat(reply.capData().value()).isEqualTo("p-1");
    }

    @Test
    void missingOrUngrantedHookIsNotFound() {
        HookGate gate = gate("echo");
        assertThat(call(gate, "nope", CapData.of(null)).code()).isEqualTo(HookStatus.NOT_FOUND.code());
        assertThat(call(gate, "makeObjects", CapData.of(null)).code()).isEqualTo(HookStatus.NOT_FOUND.code());
        assertThat(runs).hasValue(0);
        assertStillWorks(gate);
    }

    @Test
    void throwingHookGivesInternalToTheEngineAndTheCauseToTheHost() {
        HookGate gate = gate("throws", "echo");
        Reply reply = call(gate, "throws", CapData.of(null));
        assertThat(reply.code()).isEqualTo(HookStatus.INTERNAL.code());
        assertThat(reply.written()).isNull();
        assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("kaboom"));
        assertStillWorks(gate);
    }

    @Test
    void largeResultIsFetchedWithoutRunningTheHookAgain() {
        HookGate gate = gate("big", "echo");
        Reply first = call(gate, "big", CapData.of(null).toJsonBytes(), 100);
        assertThat(first.code()).isGreaterThan(100);
        assertThat(first.written()).isNull();
        List<byte[]> sink = new ArrayList<>();
        assertThat(gate.takeResult(100, sink::add)).isEqualTo(HookStatus.BUFFER_TOO_SMALL.code());
        assertThat(gate.takeResult((int) first.code(), sink::add)).isEqualTo(first.code());
        assertThat(CapData.fromJsonBytes(sink.get(0)).value()).isEqualTo("x".repeat(5000));
        assertThat(gate.takeResult(1 << 20, sink::add)).isEqualTo(HookStatus.NOT_FOUND.code());
        assertThat(runs).hasValue(1);
    }

    @Test
    void aNewCallReplacesThePendingResult() {
        HookGate gate = gate("big", "echo");
        call(gate, "big", CapData.of(null).toJsonBytes(), 10);
        assertStillWorks(gate);
        assertThat(gate.takeResult(1 << 20, bytes -> {})).isEqualTo(HookStatus.NOT_FOUND.code());
    }

    @Test
    void malformedJsonIsInvalidArgs() {
        HookGate gate = gate("echo");
        for (String bad : new String[] {"", "{", "[]", "{\"body\":1,\"slots\":[]}", "{\"body\":\"#1\"}",
                "{\"body\":\"#1\",\"slots\":[1]}", "{\"body\":\"#1\",\"slots\":[],\"x\":0}", "{\"body\":\"#{\",\"slots\":[]}",
                "{\"body\":\"#1\",\"slots\":[]} trailing"}) {
            assertThat(call(gate, "echo", bad.getBytes(StandardCharsets.UTF_8), 4096).code()).as(bad)
                    .isEqualTo(HookStatus.INVALID_ARGS.code());
        }
        assertThat(call(gate, "echo", new byte[] {(byte) 0xff, 0x7b}, 4096).code()).isEqualTo(HookStatus.INVALID_ARGS.code());
        assertThat(runs).hasValue(0);
        assertStillWorks(gate);
    }

    @Test
    void slotIndexOutOfRangeIsInvalidArgs() {
        HookGate gate = gate("echo");
        gate.clist().exportToEngine("ko1");
        assertThat(call(gate, "echo", new CapData("#\"$1\"", List.of("d-1"))).code()).isEqualTo(HookStatus.INVALID_ARGS.code());
        assertStillWorks(gate);
    }

    @Test
    void forgedReferenceIsBadHandle() {
        HookGate gate = gate("echo");
        gate.clist().exportToEngine("ko1");
        assertThat(call(gate, "echo", CapData.of(new Remotable("d-2", null))).code()).isEqualTo(HookStatus.BAD_HANDLE.code());
        assertThat(call(gate, "echo", CapData.of(new Remotable("ko1", null))).code()).isEqualTo(HookStatus.BAD_HANDLE.code());
        assertThat(runs).hasValue(0);
        assertStillWorks(gate);
    }

    @Test
    void hugePayloadIsNoResources() {
        HookGate gate = HookGate.builder(table, CALLER).withGrants("echo", "big").withMaxArgumentBytes(1000)
                .withMaxResultBytes(2000).build();
        assertThat(call(gate, "echo", CapData.of("y".repeat(2000))).code()).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertThat(call(gate, "big", CapData.of(null)).code()).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertStillWorks(gate);
    }

    @Test
    void badLengthsAreOutOfRange() {
        HookGate gate = gate("echo");
        assertThat(call(gate, "echo", CapData.of(null).toJsonBytes(), -1).code()).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertThat(call(gate, "e".repeat(HookGate.MAX_NAME_BYTES + 1), CapData.of(null)).code())
                .isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertThat(call(gate, "", CapData.of(null)).code()).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertThat(gate.takeResult(-1, bytes -> {})).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertStillWorks(gate);
    }

    @Test
    void floodOfCallsStopsAtTheLimitForThatProcessOnly() {
        HookGate flooded = gate("echo");
        int ok = 0;
        for (int i = 0; i < 1000; i++) {
            if (call(flooded, "echo", CapData.of((double) i)).code() >= 0) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(50);
        assertThat(flooded.calls()).isEqualTo(50);
        assertThat(call(flooded, "echo", CapData.of(null)).code()).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertStillWorks(gate("echo"));
    }

    @Test
    void closingTheProcessReleasesItsReferences() {
        HookGate gate = gate("echo");
        gate.clist().exportToEngine("ko1");
        gate.close();
        assertThat(gate.clist().size()).isZero();
        assertThat(call(gate, "echo", CapData.of(null)).code()).isEqualTo(HookStatus.BAD_HANDLE.code());
    }

    @Test
    void grantingAnUnknownHookFailsAtBuildTime() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gate("nope"))
                .isInstanceOfSatisfying(HookException.class, e -> assertThat(e.status()).isEqualTo(HookStatus.NOT_FOUND));
    }

    /** A byte-array linear memory that counts the bytes read out of it. */
    static final class ArrayMemory implements EngineMemory {
        final byte[] bytes;
        long bytesRead;

        ArrayMemory(int size) {
            bytes = new byte[size];
        }

        int put(int address, byte[] data) {
            System.arraycopy(data, 0, bytes, address, data.length);
            return data.length;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public byte[] read(int address, int length) {
            bytesRead += length;
            return java.util.Arrays.copyOfRange(bytes, address, address + length);
        }

        @Override
        public void write(int address, byte[] data) {
            put(address, data);
        }
    }

    @Test
    void callFromMemoryWritesTheResultIntoTheEngineBuffer() {
        HookGate gate = gate("echo");
        ArrayMemory memory = new ArrayMemory(65536);
        int nameLength = memory.put(0, "echo".getBytes(StandardCharsets.UTF_8));
        byte[] args = CapData.of(List.of("hello", 42.0)).toJsonBytes();
        memory.put(100, args);
        long code = gate.call(memory, 0, nameLength, 100, args.length, 1000, 4096);
        assertThat(code).isEqualTo(args.length);
        assertThat(CapData.fromJsonBytes(java.util.Arrays.copyOfRange(memory.bytes, 1000, 1000 + (int) code)).value())
                .isEqualTo(List.of("hello", 42.0));
        // A small buffer leaves the result pending; hook_result fetches it without a second run.
        long pending = gate.call(memory, 0, nameLength, 100, args.length, 2000, 3);
        assertThat(pending).isEqualTo(args.length);
        assertThat(gate.takeResult(memory, 3000, (int) pending)).isEqualTo(pending);
        assertThat(java.util.Arrays.copyOfRange(memory.bytes, 3000, 3000 + (int) pending)).isEqualTo(args);
        assertThat(runs).hasValue(2);
    }

    @Test
    void pointersOutsideMemoryAreOutOfRangeAndNothingIsRead() {
        HookGate gate = gate("echo");
        ArrayMemory memory = new ArrayMemory(65536);
        int nameLength = memory.put(0, "echo".getBytes(StandardCharsets.UTF_8));
        int[][] hostile = {
            {65535, 4, 100, 2, 1000, 10},      // name runs past the end
            {0, nameLength, -1, 2, 1000, 10},   // argument pointer 0xFFFFFFFF
            {0, nameLength, 100, -1, 1000, 10}, // argument length 4 GiB - 1
            {0, nameLength, 100, 2, 65530, 10}, // result buffer past the end
            {0, nameLength, 100, 2, 1000, -5},  // negative capacity reads as 4 GiB - 5
        };
        for (int[] h : hostile) {
            assertThat(gate.call(memory, h[0], h[1], h[2], h[3], h[4], h[5]))
                    .as(java.util.Arrays.toString(h)).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        }
        assertThat(memory.bytesRead).isZero();
        assertThat(gate.takeResult(memory, 65530, 100)).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertThat(gate.calls()).isEqualTo(hostile.length);
        assertThat(runs).hasValue(0);
        assertStillWorks(gate);
    }

    @Test
    void anArgumentOverTheLimitIsRefusedBeforeItIsCopied() {
        HookGate gate = HookGate.builder(table, CALLER).withGrants("echo").withMaxArgumentBytes(1024).build();
        ArrayMemory memory = new ArrayMemory(1 << 20);
        int nameLength = memory.put(0, "echo".getBytes(StandardCharsets.UTF_8));
        assertThat(gate.call(memory, 0, nameLength, 4096, 1 << 19, 0, 0)).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertThat(memory.bytesRead).isZero();
        assertStillWorks(gate);
    }

    @Test
    void theObserverSeesEveryAttemptAndOnlyGrantedNames() {
        List<String> seen = new ArrayList<>();
        HookGate gate = HookGate.builder(table, CALLER).withGrants("echo", "throws")
                .withFailureListener((caller, name, cause) -> {})
                .withCallObserver((hook, result) -> seen.add(hook + " " + result)).build();
        byte[] args = CapData.of("x").toJsonBytes();
        call(gate, "echo", args, 4096);
        call(gate, "throws", args, 4096);
        call(gate, "makeObjects", args, 4096);
        call(gate, "not a hook at all " + "x".repeat(100), args, 4096);
        call(gate, "echo", "{".getBytes(StandardCharsets.UTF_8), 4096);
        assertThat(seen).containsExactly("echo " + args.length, "throws -1", "null -25", "null -25", "echo -10");
    }
}
