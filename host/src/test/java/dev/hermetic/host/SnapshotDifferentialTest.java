package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.Engines;
import dev.hermetic.vmo.Vmo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A clone and a freshly instantiated-and-initialized process give the same output and end with
 * the same memory (SHA-256 of all of it) for the same input: every bundled engine that runs on
 * the exit-only vDSO, in both execution modes.
 */
class SnapshotDifferentialTest {
    private static final int OUT = 64 * 1024;

    /** Arguments for each engine's engine_start; spans are made fresh for every run. */
    private static final Map<String, Supplier<List<Arg>>> INPUTS = Map.ofEntries(
            Map.entry("hc-add", () -> List.of(Value.i32(17), Value.i32(23))),
            Map.entry("hc-many-args", () -> List.of(Value.i32(1), Value.i64(2), Value.i32(3), Value.i64(4), Value.i32(5),
                    Value.i32(6), Value.i64(7), Value.i64(8), Value.i32(9), Value.i64(10), Value.i32(11), Value.i64(12))),
            Map.entry("hc-floats", () -> List.of(Value.f32(1.5f), Value.f64(2.25), Value.f32(-3f), Value.f64(0.125))),
            Map.entry("hc-sum-span", () -> List.of(readOnly(randomBytes(10_000)))),
            Map.entry("hc-fill-span", () -> List.of(Span.writable(Vmo.create(8192), 0, 8192), Value.i32(0x5A))),
            Map.entry("hc-recurse", () -> List.of(Value.i32(20))),
            Map.entry("sha256", () -> filter(randomBytes(100_000))),
            Map.entry("csv-stats", () -> filter("name,qty,price\nbolt,10,0.25\nnut,200,0.05\nwasher,35,0.10\n")),
            Map.entry("regex", () -> filter("[a-z]+@[a-z]+\\.org\0mail alice@example.org and bob@test.org now")),
            Map.entry("deflate", () -> filter("c" + "the quick brown fox jumps over the lazy dog. ".repeat(200))),
            Map.entry("json", () -> filter("{\"z\":[3,2,1],\"a\":{\"y\":\"\\u00e9\",\"x\":1.5e3}}")),
            Map.entry("libc-probe", () -> filter("time")),
            // sjlj's 64 KiB window leaves room for 4 KiB of output after its input page.
            Map.entry("sjlj", () -> List.of(readOnly("nested 20".getBytes(StandardCharsets.UTF_8)),
                    Span.writable(Vmo.create(4096), 0, 4096))),
            // A script, then (after a NUL) what it reads as stdin.
            Map.entry("lua", () -> filter("local co = coroutine.wrap(function(a) coroutine.yield(a * 2) end)\n"
                    + "print(co(21), pcall(error, 'boom'), io.read('l'))\0stdin line\n")),
            Map.entry("sqlite", () -> filter("create table t(k text, v int); insert into t values ('a', 2), ('b', 3);\n"
                    + "select k, v * v from t order by k; select sum(v) from t;")),
            Map.entry("classifier", () -> filter(
                    "GET /index.html HTTP/1.1\nERROR disk full on /dev/sda1\nuser alice logged in\n1234-5678-9012-3456\n")));

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static Span readOnly(byte[] bytes) {
        Vmo vmo = Vmo.create(bytes.length);
        vmo.write(bytes, 0);
        return Span.readOnly(vmo, 0, bytes.length);
    }

    private static List<Arg> filter(String input) {
        return filter(input.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Arg> filter(byte[] input) {
        return List.of(readOnly(input), Span.writable(Vmo.create(OUT), 0, OUT));
    }

    static Stream<Arguments> engines() {
        List<Arguments> out = new ArrayList<>();
        try (Host plain = Host.builder().build()) {
            for (String name : Engines.names()) {
                if (name.startsWith("hostile-") || !plain.inspect(Engines.bytes(name)).valid()) {
                    continue;
                }
                for (ExecutionMode mode : ExecutionMode.values()) {
                    out.add(Arguments.of(name, mode));
                }
            }
        }
        return out.stream();
    }

    /** What a run left behind: the result, the bytes of every writable span, and the memory's hash. */
    record Run(ProcessResult result, List<String> spans, String memory) {}

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void aCloneMatchesAFreshInitializedProcess(String name, ExecutionMode mode) throws Exception {
        assertThat(INPUTS).as("every bundled engine needs an input here").containsKey(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                !name.equals("classifier") || mode == ExecutionMode.COMPILED || Boolean.getBoolean("hermetic.slow"),
                "classifier's engine_init takes about three minutes in the interpreter, and this test runs it"
                        + " twice: run with -Dhermetic.slow=true");
        Limits patient = Limits.builder().withDeadline(java.time.Duration.ofMinutes(5)).build();
        try (Host host = Host.builder().withExecutionMode(mode).withDefaultLimits(patient).build()) {
            Engine engine = host.load(name, Engines.bytes(name));
            Run fresh = run(engine.newProcess(), true, INPUTS.get(name).get());
            assertThat(fresh.result()).isInstanceOf(ProcessResult.Returned.class);
            try (Snapshot zygote = engine.snapshot()) {
                for (int i = 0; i < 2; i++) {
                    Run clone = run(zygote.spawn(), false, INPUTS.get(name).get());
                    assertThat(clone).as("clone %d", i).isEqualTo(fresh);
                }
            }
        }
    }

    /** Runs engine_init (when asked and exported) and engine_start in one process, then hashes its memory. */
    private static Run run(EngineProcess process, boolean init, List<Arg> args) throws InterruptedException {
        Arg[] argv = args.toArray(Arg[]::new);
        String[] hash = new String[1];
        ProcessResult result = process.launch((instance, memory) -> {
            WarmInstance w = process.warmInstance(instance, memory);
            if (init && w.exportsFunction("engine_init")) {
                w.call("engine_init");
            }
            Optional<Value> value = w.call("engine_start", argv);
            var m = instance.memory();
            hash[0] = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(m.readBytes(0, m.pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE)));
            return new ProcessResult.Returned(value);
        }).await();
        List<String> spans = new ArrayList<>();
        for (Arg a : args) {
            if (a instanceof Span s && s.writable()) {
                byte[] bytes = new byte[s.length()];
                s.vmo().read(bytes, s.offset());
                spans.add(HexFormat.of().formatHex(bytes));
            }
        }
        return new Run(result, spans, hash[0]);
    }
}
