package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hermetic.hooks.CapData;
import dev.hermetic.hooks.HookException;
import dev.hermetic.hooks.HookStatus;
import dev.hermetic.hooks.HookTable;
import dev.hermetic.hooks.Remotable;
import dev.hermetic.vmo.Vmo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hook calls through the vDSO, from Wasm: SwingSet's device-hook tests (static data, objects
 * in and out, a missing hook, a throwing hook) and the hostile ones, each followed by a normal
 * call on the same host.
 */
class HookCallsTest {
    private final AtomicInteger runs = new AtomicInteger();
    private final List<CapData> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final HookTable table = HookTable.builder()
            .withHook("echo", (caller, args) -> {
                runs.incrementAndGet();
                received.add(args);
                return args;
            })
            .withHook("objects", (caller, args) -> {
                runs.incrementAndGet();
                return CapData.of(List.of(new Remotable("ko20", "Alleged: counter"), new Remotable("ko21", "Alleged: box")));
            })
            .withHook("big", (caller, args) -> {
                runs.incrementAndGet();
                return CapData.of("x".repeat(20_000));
            })
            .withHook("throws", (caller, args) -> {
                throw new IllegalStateException("kaboom");
            })
            .withHook("whoami", (caller, args) -> CapData.of(List.of(caller.processId(), caller.engineName())))
            .build();

    private Host host = host(ExecutionMode.COMPILED);

    private Host host(ExecutionMode mode) {
        return Host.builder().withExecutionMode(mode).withHooks(table).withMeterRegistry(registry)
                .withHookFailureListener((caller, name, cause) -> failures.add(cause)).build();
    }

    @AfterEach
    void close() throws Exception {
        host.close();
    }

    /** What hook-filter did: its return value and the bytes in its output span. */
    record Reply(long code, byte[] output) {
        CapData capData() {
            return CapData.fromJsonBytes(output);
        }
    }

    private static Span input(byte[] bytes) {
        Vmo vmo = Vmo.create(Math.max(bytes.length, 1));
        vmo.write(bytes, 0);
        return Span.readOnly(vmo, 0, bytes.length);
    }

    private Reply call(String name, byte[] capdata, int firstCapacity, String... grants) throws InterruptedException {
        return call(newFilterProcess(grants), name, capdata, firstCapacity);
    }

    private EngineProcess newFilterProcess(String... grants) {
        return host.load("hook-filter", Fixtures.wasm("hook-filter")).newProcess(host.defaultLimits(), grants);
    }

    private static Reply call(EngineProcess process, String name, byte[] capdata, int firstCapacity) throws InterruptedException {
        Vmo out = Vmo.create(64 * 1024);
        ProcessResult result = process.start(input(name.getBytes(StandardCharsets.UTF_8)), input(capdata),
                Span.writable(out, 0, 64 * 1024), Value.i32(firstCapacity)).await();
        assertThat(result).isInstanceOf(ProcessResult.Returned.class);
        long code = ((ProcessResult.Returned) result).value().orElseThrow().bits();
        byte[] written = new byte[(int) Math.max(0, code)];
        out.read(written, 0);
        return new Reply(code, written);
    }

    /** A normal call that must work after every hostile one. */
    private void assertStillWorks() throws InterruptedException {
        Reply reply = call("echo", CapData.of(Map.of("ok", true)).toJsonBytes(), 4096, "echo");
        assertThat(reply.code()).isEqualTo(reply.output().length);
        assertThat(reply.capData().value()).isEqualTo(Map.of("ok", true));
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void staticDataRoundTrips(ExecutionMode mode) throws Exception {
        host.close();
        host = host(mode);
        Object value = List.of(Map.of("n", 1.0, "s", "#hi"), new java.math.BigInteger("-5"), "x".repeat(300));
        Reply reply = call("echo", CapData.of(value).toJsonBytes(), 4096, "echo");
        assertThat(reply.code()).isEqualTo(reply.output().length);
        assertThat(reply.capData().value()).isEqualTo(value);
        assertThat(runs).hasValue(1);
    }

    @Test
    void objectsPassedInArriveAsKrefs() throws Exception {
        EngineProcess process = newFilterProcess("echo");
        String ref = process.exportToEngine("ko7");
        assertThat(ref).isEqualTo("d-1");
        byte[] args = ("{\"body\":\"#[\\\"$0.Alleged: Store\\\",\\\"key\\\"]\",\"slots\":[\"" + ref + "\"]}")
                .getBytes(StandardCharsets.UTF_8);
        Reply reply = call(process, "echo", args, 4096);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).slots()).containsExactly("ko7");
        // Echoed back, the object is the engine's own d-1 again, not the host's kref.
        assertThat(reply.capData().slots()).containsExactly("d-1");
        assertThatThrownBy(() -> process.exportToEngine("ko8")).isInstanceOf(ProcessStateException.class);
    }

    @Test
    void aHookReturningObjectsGivesTheEngineNewReferences() throws Exception {
        Reply reply = call("objects", CapData.of("x").toJsonBytes(), 4096, "objects");
        assertThat(reply.capData().slots()).containsExactly("d-1", "d-2");
        assertThat(new String(reply.output(), StandardCharsets.UTF_8)).doesNotContain("ko20", "ko21");
    }

    @Test
    void aHookSeesWhichProcessCalled() throws Exception {
        EngineProcess process = newFilterProcess("whoami");
        Reply reply = call(process, "whoami", CapData.of("x").toJsonBytes(), 4096);
        assertThat(reply.capData().value()).isEqualTo(List.of(process.id(), "hook-filter"));
    }

    @Test
    void aMissingOrUngrantedHookIsNotFound() throws Exception {
        assertThat(call("nope", CapData.of("x").toJsonBytes(), 4096, "echo").code()).isEqualTo(HookStatus.NOT_FOUND.code());
        assertThat(call("objects", CapData.of("x").toJsonBytes(), 4096, "echo").code()).isEqualTo(HookStatus.NOT_FOUND.code());
        assertThat(runs).hasValue(0);
        assertStillWorks();
    }

    @Test
    void aThrowingHookIsInternalAndTheHostHearsWhy() throws Exception {
        assertThat(call("throws", CapData.of("x").toJsonBytes(), 4096, "throws").code()).isEqualTo(HookStatus.INTERNAL.code());
        assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("kaboom"));
        assertStillWorks();
    }

    @Test
    void aLargeResultIsFetchedWithoutRunningTheHookAgain() throws Exception {
        Reply reply = call("big", CapData.of("x").toJsonBytes(), 16, "big");
        assertThat(reply.code()).isGreaterThan(20_000);
        assertThat(reply.capData().value()).isEqualTo("x".repeat(20_000));
        assertThat(runs).hasValue(1);
    }

    @Test
    void grantingAHookTheHostDoesNotHaveFailsBeforeAnythingRuns() throws Exception {
        Engine engine = host.load("hook-filter", Fixtures.wasm("hook-filter"));
        assertThatThrownBy(() -> engine.newProcess(host.defaultLimits(), "launchMissiles"))
                .isInstanceOf(UnknownHookException.class)
                .cause().isInstanceOfSatisfying(HookException.class, e -> assertThat(e.status()).isEqualTo(HookStatus.NOT_FOUND));
    }

    @Test
    void hookImportsWithTheWrongSignatureAreRefusedAtLoad() throws Exception {
        assertThatThrownBy(() -> host.load(Fixtures.wasm("hook-user")))
                .isInstanceOfSatisfying(EngineRefusedException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .contains("vdso.hook_call must be func [i32, i32, i32, i32, i32, i32] -> [i64], not func [i32, i32, i32, i32] -> [i32]"));
    }

    // ---- hostile

    private long proxy(int op, int a, int b, int c, int d, int e, int f) throws InterruptedException {
        ProcessResult r = host.load("hook-proxy", Fixtures.wasm("hook-proxy")).newProcess(host.defaultLimits(), "echo")
                .start(Value.i32(op), Value.i32(a), Value.i32(b), Value.i32(c), Value.i32(d), Value.i32(e), Value.i32(f))
                .await();
        return ((ProcessResult.Returned) r).value().orElseThrow().bits();
    }

    @Test
    void badPointersAndLengthsAreOutOfRange() throws Exception {
        assertThat(proxy(0, 0, 4, 16, 24, 100, 100)).as("the proxy's own valid call").isEqualTo(24);
        int end = 65536;
        int[][] hostile = {
            {end - 2, 4, 16, 24, 100, 100},
            {-1, 4, 16, 24, 100, 100},
            {0, -1, 16, 24, 100, 100},
            {0, 4, end, 24, 100, 100},
            {0, 4, 16, Integer.MAX_VALUE, 100, 100},
            {0, 4, 16, 24, end - 10, 100},
            {0, 4, 16, 24, 100, -1},
            {0, 0, 16, 24, 100, 100},
            {0, 300, 16, 24, 100, 100},
        };
        for (int[] h : hostile) {
            assertThat(proxy(0, h[0], h[1], h[2], h[3], h[4], h[5])).as(java.util.Arrays.toString(h))
                    .isEqualTo(HookStatus.OUT_OF_RANGE.code());
        }
        assertThat(proxy(1, end - 1, 100, 0, 0, 0, 0)).isEqualTo(HookStatus.OUT_OF_RANGE.code());
        assertThat(proxy(1, 0, 100, 0, 0, 0, 0)).as("nothing pending").isEqualTo(HookStatus.NOT_FOUND.code());
        assertStillWorks();
    }

    @Test
    void malformedCapdataIsInvalidArgs() throws Exception {
        for (String bad : List.of("{", "[]", "{\"body\":\"#[\",\"slots\":[]}", "{\"body\":\"no hash\",\"slots\":[]}",
                "{\"body\":\"#\\\"$3.Alleged: x\\\"\",\"slots\":[\"d-1\"]}", "\u00ff\u00fe")) {
            assertThat(call("echo", bad.getBytes(StandardCharsets.ISO_8859_1), 4096, "echo").code()).as(bad)
                    .isEqualTo(HookStatus.INVALID_ARGS.code());
        }
        assertThat(runs).hasValue(0);
        assertStillWorks();
    }

    @Test
    void aForgedReferenceIsBadHandle() throws Exception {
        EngineProcess process = newFilterProcess("echo");
        process.exportToEngine("ko7");
        byte[] forged = "{\"body\":\"#\\\"$0.Alleged: Store\\\"\",\"slots\":[\"d-99\"]}".getBytes(StandardCharsets.UTF_8);
        assertThat(call(process, "echo", forged, 4096).code()).isEqualTo(HookStatus.BAD_HANDLE.code());
        // A kref spelled by the engine is no reference either.
        byte[] kref = "{\"body\":\"#\\\"$0.Alleged: Store\\\"\",\"slots\":[\"ko7\"]}".getBytes(StandardCharsets.UTF_8);
        assertThat(call("echo", kref, 4096, "echo").code()).isEqualTo(HookStatus.BAD_HANDLE.code());
        assertThat(runs).hasValue(0);
        assertStillWorks();
    }

    @Test
    void aHugePayloadIsRefusedByTheLimit() throws Exception {
        Limits limits = host.defaultLimits().toBuilder().withMaxHookArgumentBytes(1024).build();
        EngineProcess process = host.load("hook-filter", Fixtures.wasm("hook-filter")).newProcess(limits, "echo");
        byte[] huge = CapData.of("y".repeat(40_000)).toJsonBytes();
        assertThat(call(process, "echo", huge, 4096).code()).isEqualTo(HookStatus.NO_RESOURCES.code());
        // A result over the result limit: the hook ran, the engine gets NO_RESOURCES.
        Limits small = host.defaultLimits().toBuilder().withMaxHookResultBytes(1000).build();
        EngineProcess big = host.load("hook-filter", Fixtures.wasm("hook-filter")).newProcess(small, "big");
        assertThat(call(big, "big", CapData.of("x").toJsonBytes(), 4096).code()).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertStillWorks();
    }

    @Test
    void aFloodOfCallsStopsAtTheCallLimit() throws Exception {
        Limits limits = host.defaultLimits().toBuilder().withMaxHookCalls(5_000).build();
        ProcessResult r = host.load("hook-loops", Fixtures.wasm("hook-loops")).newProcess(limits, "echo")
                .start(Value.i32(0)).await();
        long bits = ((ProcessResult.Returned) r).value().orElseThrow().bits();
        assertThat(bits >>> 32).as("successful calls").isEqualTo(5_000);
        assertThat(-(int) bits).isEqualTo(HookStatus.NO_RESOURCES.code());
        assertThat(runs).hasValue(5_000);
        assertStillWorks();
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void recursionCallingAHookAtEveryLevelEndsWhenTheStackRunsOut(ExecutionMode mode) throws Exception {
        host.close();
        host = host(mode);
        Limits limits = host.defaultLimits().toBuilder().withStackBytes(1 << 20).withMaxHookCalls(1_000_000).build();
        ProcessResult r = host.load("hook-loops", Fixtures.wasm("hook-loops")).newProcess(limits, "echo")
                .start(Value.i32(1)).await();
        assertThat(r).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.STACK_EXHAUSTED));
        assertThat(runs.get()).isGreaterThan(100);
        assertStillWorks();
    }

    @Test
    void aResultWrittenOverAReadOnlySpanTraps() throws Exception {
        Vmo readOnly = Vmo.create(4096);
        ProcessResult r = newFilterProcess("echo").start(input("echo".getBytes(StandardCharsets.UTF_8)),
                input(CapData.of("x").toJsonBytes()), Span.readOnly(readOnly, 0, 4096), Value.i32(4096)).await();
        assertThat(r).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.READ_ONLY_WRITE));
        assertStillWorks();
    }

    @Test
    void hookCallsAreCountedByHookAndOutcome() throws Exception {
        call("echo", CapData.of("x").toJsonBytes(), 4096, "echo", "throws");
        call("throws", CapData.of("x").toJsonBytes(), 4096, "echo", "throws");
        call("secret-" + System.nanoTime(), CapData.of("x").toJsonBytes(), 4096, "echo");
        assertThat(registry.get("hermetic.hook.calls").tags("hook", "echo", "outcome", "ok").counter().count()).isEqualTo(1);
        assertThat(registry.get("hermetic.hook.calls").tags("hook", "throws", "outcome", "internal").counter().count()).isEqualTo(1);
        assertThat(registry.get("hermetic.hook.calls").tags("hook", "ungranted", "outcome", "not_found").counter().count())
                .isEqualTo(1);
    }

    @Test
    void anEngineWithoutHookImportsRunsOnAHookHost() throws Exception {
        assertThat(host.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
    }

    // ---- real engines: kv-lookup (Rust SDK) and hostile-hook-recursion (C SDK)

    private final Map<String, String> store = new java.util.concurrent.ConcurrentHashMap<>(Map.of("colour", "blue", "size", "XL"));

    private Host storeHost() {
        HookTable stores = HookTable.builder()
                .withHook("store.get", (caller, args) -> {
                    List<?> call = (List<?>) args.value();
                    assertThat(call.get(0)).isEqualTo(new Remotable("ko7", "Alleged: Store"));
                    String value = store.get((String) call.get(1));
                    return CapData.of(value != null ? value : dev.hermetic.hooks.Undefined.INSTANCE);
                })
                .withHook("store.put", (caller, args) -> {
                    List<?> call = (List<?>) args.value();
                    store.put((String) call.get(1), (String) call.get(2));
                    return CapData.of(dev.hermetic.hooks.Undefined.INSTANCE);
                })
                .withHook("echo", (caller, args) -> {
                    runs.incrementAndGet();
                    return args;
                })
                .build();
        return Host.builder().withHooks(stores).build();
    }

    private static String kvLookup(Engine engine, String requests, String... grants) throws InterruptedException {
        EngineProcess process = engine.newProcess(Limits.defaults(), grants);
        String ref = process.exportToEngine("ko7");
        String storeLine = "{\"body\":\"#\\\"$0.Alleged: Store\\\"\",\"slots\":[\"" + ref + "\"]}";
        Vmo out = Vmo.create(64 * 1024);
        ProcessResult r = process.start(input((storeLine + "\n" + requests).getBytes(StandardCharsets.UTF_8)),
                Span.writable(out, 0, 64 * 1024)).await();
        long n = ((ProcessResult.Returned) r).value().orElseThrow().bits();
        assertThat(n).as(r.toString()).isNotNegative();
        byte[] bytes = new byte[(int) n];
        out.read(bytes, 0);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void kvLookupReadsAStoreItWasHandedAndCannotWriteIt(ExecutionMode mode) throws Exception {
        try (Host hooks = storeHost()) {
            Engine kv = hooks.load("kv-lookup", Fixtures.engine("kv-lookup"));
            assertThat(kvLookup(kv, "colour\nweight\nput colour=red\nsize\n", "store.get"))
                    .isEqualTo("colour=blue\nweight (missing)\nput colour -> -25 NOT_FOUND\nsize=XL\n");
            assertThat(store).containsEntry("colour", "blue");
            // Granted store.put as well, the same engine writes.
            assertThat(kvLookup(kv, "put colour=red\ncolour\n", "store.get", "store.put"))
                    .isEqualTo("put colour -> ok\ncolour=red\n");
            assertThat(store).containsEntry("colour", "red");
        }
    }

    @Test
    void referencesAWarmProcessWasGivenStayValidInItsClones() throws Exception {
        Engine filter = host.load("hook-filter", Fixtures.wasm("hook-filter"));
        Vmo out = Vmo.create(4096);
        // The warm-up calls "objects": the engine is given d-1 (ko20) and d-2 (ko21).
        try (Snapshot zygote = filter.snapshot(host.defaultLimits(), warm -> warm.call("engine_start",
                input("objects".getBytes(StandardCharsets.UTF_8)), input(CapData.of("x").toJsonBytes()),
                Span.writable(out, 0, 4096), Value.i32(4096)), "objects")) {
            byte[] usesD2 = "{\"body\":\"#\\\"$0.Alleged: box\\\"\",\"slots\":[\"d-2\"]}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 2; i++) {
                EngineProcess clone = zygote.spawn(host.defaultLimits(), "echo");
                Reply reply = call(clone, "echo", usesD2, 4096);
                assertThat(reply.capData().slots()).containsExactly("d-2");
            }
            assertThat(received).extracting(CapData::slots).containsExactly(List.of("ko21"), List.of("ko21"));
            // A fresh process was given nothing: the same call is a forged reference there.
            assertThat(call("echo", usesD2, 4096, "echo").code()).isEqualTo(HookStatus.BAD_HANDLE.code());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void theCRecursionThatCallsAHookAtEveryLevelIsContained(ExecutionMode mode) throws Exception {
        try (Host hooks = Host.builder().withExecutionMode(mode).withHooks(table).build()) {
            Limits limits = Limits.builder().withStackBytes(1 << 20).withMaxHookCalls(10_000_000).build();
            ProcessResult r = hooks.load(Fixtures.engine("hostile-hook-recursion")).newProcess(limits, "echo").start().await();
            assertThat(r).isInstanceOfSatisfying(ProcessResult.Trapped.class,
                    t -> assertThat(t.kind()).isIn(TrapKind.STACK_EXHAUSTED, TrapKind.OUT_OF_BOUNDS));
            assertThat(runs.get()).isGreaterThan(10);
            assertThat(hooks.load(Fixtures.engine("hc-add")).newProcess().start(Value.i32(17), Value.i32(23)).await())
                    .isEqualTo(new ProcessResult.Returned(Optional.of(Value.i32(40))));
        }
    }
}
