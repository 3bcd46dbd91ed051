package dev.hermetic.host.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.hermetic.engines.Engines;
import dev.hermetic.host.internal.WarmInstances.ProcessExit;
import dev.hermetic.host.internal.WarmInstances.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Pre-initialized modules of the bundled engines: written from a warm Chicory instance, they
 * give the warm instance's output on Chicory, and the same output on V8.
 */
class PortableEnginesTest {

    static final int OUT_CAP = 1 << 20;

    /** The engines checked: classifier has an expensive engine_init, sha256 and csv-stats _initialize. */
    static final List<String> ENGINES = List.of("classifier", "json", "regex", "sha256", "csv-stats", "deflate");

    private static final String[] WORDS = {"the", "router", "Packet", "was", "dropping", "invoice", "Payment",
        "storm", "forecast", "coach", "scoring", "goal", "garlic", "Soup", "baking", "disk", "backup",
        "password", "token", "nurse", "vaccine", "and", "then", "of", "running", "quiet"};

    /** Two or three inputs per engine, good and bad. */
    static final Map<String, List<byte[]>> INPUTS = Map.of(
            "classifier", List.of(text(3_000, 1), ("The router dropped every TCP packet behind the firewall\n"
                    + "Refunded the invoice; payment is on the ledger\nnothing to see here\n").getBytes(UTF_8),
                    new byte[0]),
            "json", List.of(json(300, 2), "{\"b\": [1, 2.5e3, \"\\u00e9\"], \"a\": null}".getBytes(UTF_8),
                    "[1,".getBytes(UTF_8)),
            "regex", List.of(("[A-Z][a-z]+ [a-z]+ing\0" + new String(text(5_000, 3), UTF_8)).getBytes(UTF_8),
                    "(\0x".getBytes(UTF_8)),
            "sha256", List.of(random(70_000, 4), "abc".getBytes(UTF_8), new byte[0]),
            "csv-stats", List.of(csv(300, 5), "a,\"b\n".getBytes(UTF_8)),
            "deflate", List.of(withMode('c', text(20_000, 6)), withMode('d', "junk".getBytes(UTF_8))));

    /** A warm Chicory instance of an engine (run once, by the comparison) and the pre-initialized module written from it. */
    record Warmed(byte[] original, Instance warm, Snapshot snapshot, byte[] portable, long writeNanos) {}

    /** Per engine, warmed once: classifier's engine_init is slow, and two tests need it. */
    private static final Map<String, Warmed> WARMED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Warmed warmed(String engine) {
        return WARMED.computeIfAbsent(engine, name -> {
            byte[] original = Engines.bytes(name);
            Instance warm = WarmInstances.warm(original, true);
            Snapshot snapshot = WarmInstances.snapshot(warm);
            long writeStart = System.nanoTime();
            byte[] portable = snapshot.write(original);
            return new Warmed(original, warm, snapshot, portable, System.nanoTime() - writeStart);
        });
    }

    /** A filter call's outcome: "status N" or "exit N", and the output bytes on success. */
    record Result(String outcome, byte[] output) {}

    @ParameterizedTest
    @FieldSource("ENGINES")
    void preInitializedEngineRunsAsTheWarmInstanceOnChicoryAndV8(String engine, @TempDir Path dir) throws Exception {
        Warmed warmed = warmed(engine);
        byte[] original = warmed.original();
        Snapshot snapshot = warmed.snapshot();
        byte[] portable = warmed.portable();
        long writeNanos = warmed.writeNanos();
        WasmModule module = Parser.parse(portable);
        assertThat(WarmInstances.exportNames(module)).doesNotContain("engine_init", "_initialize")
                .contains("engine_start", "memory", "hermetic_span_window");
        assertThat(module.startSection()).isEmpty();
        assertThat(module.memorySection().orElseThrow().getMemory(0).limits().initialPages())
                .isEqualTo(snapshot.pages());

        List<byte[]> inputs = INPUTS.get(engine);
        Result expected = filter(warmed.warm(), inputs.get(0));
        assertThat(expected.outcome()).startsWith("status ");
        assertThat(expected.output()).isNotEmpty();

        Function<Instance, Machine> machine = MachineFactoryCompiler.compile(module);
        List<Result> chicory = new ArrayList<>();
        for (byte[] input : inputs) {
            chicory.add(filter(portableInstance(module, machine), input));
        }
        assertThat(chicory.get(0).outcome()).isEqualTo(expected.outcome());
        assertThat(chicory.get(0).output()).isEqualTo(expected.output());
        long nonZero = 0;
        for (byte b : snapshot.memory()) {
            nonZero += b != 0 ? 1 : 0;
        }
        System.out.printf("%s: original %d bytes, pre-initialized %d bytes written in %d ms; %d pages,"
                + " %d non-zero bytes, %d data segments%n", engine, original.length, portable.length,
                writeNanos / 1_000_000, snapshot.pages(), nonZero, module.dataSection().dataSegmentCount());

        assumeTrue(NodeRunner.available(), NodeRunner.MISSING);
        Path originalFile = dir.resolve(engine + ".wasm");
        Path portableFile = dir.resolve(engine + ".pre.wasm");
        Files.write(originalFile, original);
        Files.write(portableFile, portable);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Path in = dir.resolve("in" + i);
            Files.write(in, inputs.get(i));
            paths.add(in.toString());
        }
        for (boolean pre : new boolean[] {true, false}) {
            List<String> args = new ArrayList<>(List.of("filter", (pre ? portableFile : originalFile).toString(),
                    Integer.toString(OUT_CAP), pre ? "0" : "1"));
            args.addAll(paths);
            List<String> lines = NodeRunner.run(args);
            assertThat(lines).hasSize(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                String what = engine + (pre ? " pre-initialized" : " warmed") + " on V8, input " + i;
                assertThat(lines.get(i)).as(what).isEqualTo(chicory.get(i).outcome());
                Path out = Path.of(paths.get(i) + ".out");
                byte[] v8 = Files.exists(out) ? Files.readAllBytes(out) : new byte[0];
                assertThat(v8).as(what).isEqualTo(chicory.get(i).output());
                Files.deleteIfExists(out);
            }
        }
    }

    @Test
    void preInitializedClassifierStartsWithoutItsInitOnV8(@TempDir Path dir) throws Exception {
        byte[] original = warmed("classifier").original();
        byte[] portable = warmed("classifier").portable();
        assertThat(WarmInstances.exportNames(Parser.parse(original))).contains("engine_init");
        assertThat(WarmInstances.exportNames(Parser.parse(portable))).doesNotContain("engine_init");
        assumeTrue(NodeRunner.available(), NodeRunner.MISSING);
        Path originalFile = dir.resolve("classifier.wasm");
        Path portableFile = dir.resolve("classifier.pre.wasm");
        Path in = dir.resolve("in");
        Files.write(originalFile, original);
        Files.write(portableFile, portable);
        Files.write(in, INPUTS.get("classifier").get(1));
        String runs = "10";
        String warmed = NodeRunner.run(List.of("time", originalFile.toString(), Integer.toString(OUT_CAP), "1",
                in.toString(), runs)).get(0);
        String pre = NodeRunner.run(List.of("time", portableFile.toString(), Integer.toString(OUT_CAP), "0",
                in.toString(), runs)).get(0);
        System.out.println("V8 classifier, instantiate + engine_init + engine_start: " + warmed);
        System.out.println("V8 classifier pre-initialized, instantiate + engine_start: " + pre);
        // Not a timing assertion (shared machines are noisy): both ran to completion above.
        assertThat(warmed).startsWith("compile_us ");
        assertThat(pre).startsWith("compile_us ");
    }

    private static Instance portableInstance(WasmModule module, Function<Instance, Machine> machine) {
        return Instance.builder(module)
                .withImportValues(com.dylibso.chicory.runtime.ImportValues.builder()
                        .addFunction(new com.dylibso.chicory.runtime.HostFunction("vdso", "process_exit",
                                com.dylibso.chicory.wasm.types.FunctionType.of(
                                        List.of(com.dylibso.chicory.wasm.types.ValType.I64), List.of()),
                                (inst, args) -> {
                                    throw new ProcessExit(args[0]);
                                }))
                        .build())
                .withMachineFactory(machine)
                .build();
    }

    /** The filter convention: input at the span window's base, output at the next 4 KiB boundary. */
    static Result filter(Instance instance, byte[] input) {
        int base = (int) instance.export("hermetic_span_window").apply()[0];
        int size = (int) instance.export("hermetic_span_window_size").apply()[0];
        int out = base + (input.length + 4095) / 4096 * 4096;
        assertThat((long) out - base + OUT_CAP).isLessThanOrEqualTo(size);
        instance.memory().write(base, input);
        try {
            long status = instance.export("engine_start").apply(base, input.length, out, OUT_CAP)[0];
            byte[] output = status >= 0 ? instance.memory().readBytes(out, (int) status) : new byte[0];
            return new Result("status " + status, output);
        } catch (ProcessExit e) {
            return new Result("exit " + e.code, new byte[0]);
        }
    }

    static byte[] text(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(9) == 0 ? '\n' : ' ');
        }
        return text.toString().getBytes(UTF_8);
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] csv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("id,name,amount,ratio\n");
        for (int r = 0; r < rows; r++) {
            csv.append(r).append(",\"").append(WORDS[random.nextInt(WORDS.length)]).append(", ")
                    .append(WORDS[random.nextInt(WORDS.length)]).append("\",").append(random.nextInt(100_000))
                    .append(',').append(random.nextInt(1000) / 8.0).append('\n');
        }
        return csv.toString().getBytes(UTF_8);
    }

    static byte[] json(int items, long seed) {
        Random random = new Random(seed);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                json.append(", ");
            }
            json.append("{\"z\": ").append(random.nextInt(1000)).append(", \"name\": \"")
                    .append(WORDS[random.nextInt(WORDS.length)]).append("\", \"a\": [true, null, ")
                    .append(random.nextDouble()).append("]}");
        }
        return json.append(']').toString().getBytes(UTF_8);
    }

    static byte[] withMode(char mode, byte[] data) {
        byte[] input = new byte[data.length + 1];
        input[0] = (byte) mode;
        System.arraycopy(data, 0, input, 1, data.length);
        return input;
    }
}
