package dev.hermetic.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every real engine gives byte-identical results on Chicory (compiled) and on Node's V8. */
class NodePeerTest {

    /** Output capacity given to every engine call, on both runtimes. */
    static final int OUT_CAP = 1 << 20;

    /** The engines compared: every real filter engine. */
    static final List<String> FILTERS = Workloads.FILTERS;

    /** The node runner's path, relative to the module folder Maven runs tests in. */
    static final Path RUNNER = Path.of("src/test/node/run-engine.mjs");

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
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String stdout = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(stdout).isZero();
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            ChicoryEngine.FilterResult chicory = ChicoryEngine.start(engine).filter(inputs.get(i), OUT_CAP);
            assertThat(lines.get(i)).as("%s input %d", engine, i).isEqualTo("status " + chicory.status());
            Path out = dir.resolve("in" + i + ".out");
            byte[] v8 = chicory.status() >= 0 ? Files.readAllBytes(out) : new byte[0];
            assertThat(v8).as("%s input %d", engine, i).isEqualTo(chicory.output());
        }
    }
}
