package dev.hermetic.host.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.EngineBench;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Node's V8 as a peer runtime, through {@code src/test/node/run-portable.mjs}. */
final class NodeRunner {

    /** The runner's path, relative to the module folder Maven runs tests in. */
    static final String SCRIPT = "src/test/node/run-portable.mjs";

    /** Why the V8 comparisons are skipped when node is missing. */
    static final String MISSING = "node is not on PATH: the V8 comparison of pre-initialized modules is skipped";

    private NodeRunner() {}

    static boolean available() {
        return EngineBench.nodeAvailable();
    }

    /** Runs the script with {@code args}; its stdout lines. Fails the test if it exits non-zero. */
    static List<String> run(List<String> args) throws IOException, InterruptedException {
        // Node 20's V8 accepts extended constant expressions (a fixture's i32.add) behind a flag.
        List<String> command = new ArrayList<>(List.of("node", "--experimental-wasm-extended-const", SCRIPT));
        command.addAll(args);
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as("%s\n%s", command, out).isZero();
        return out.lines().toList();
    }
}
