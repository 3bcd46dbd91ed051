package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Wasmtime as a peer, through {@code wasm-engines/src/test/python/run-engine.py}. */
final class WasmtimePeer {
    private WasmtimePeer() {}

    /** Whether {@code python} can import the wasmtime package. */
    static boolean available(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import wasmtime").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One instance, engine_start repeated as the other peers do.
     *
     * @throws IllegalStateException if Wasmtime's output differs from {@code expectedDigest}
     */
    static double megabytesPerSecond(String python, String engine, byte[] input, String expectedDigest, int millis, Path work)
            throws IOException, InterruptedException {
        return megabytesPerSecond(python, engine, input, expectedDigest, millis, work, false);
    }

    /** As above; with {@code fuel}, Wasmtime meters fuel ({@code Config.consume_fuel}) as it runs. */
    static double megabytesPerSecond(String python, String engine, byte[] input, String expectedDigest, int millis, Path work,
            boolean fuel) throws IOException, InterruptedException {
        Path in = Files.write(work.resolve(engine + ".wt.in"), input);
        Path wasm = Files.write(work.resolve(engine + ".wt.wasm"), Engines.bytes(engine));
        Path root = Path.of(System.getProperty("hermetic.root", "")).toAbsolutePath();
        Path script = root.resolve("wasm-engines/src/test/python/run-engine.py");
        if (!Files.exists(script)) {
            script = root.resolveSibling("wasm-engines/src/test/python/run-engine.py");
        }
        List<String> command = new java.util.ArrayList<>(List.of(python, script.toString(), "bench", wasm.toString(),
                Integer.toString(4 << 20), in.toString(), Integer.toString(millis)));
        if (fuel) {
            command.add("fuel");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wasmtime on " + engine + " failed:\n" + report);
        }
        String[] words = report.split("\\s+");
        if (!words[5].equals(expectedDigest)) {
            throw new IllegalStateException("wasmtime's output of " + engine + " differs from Hermetic's");
        }
        return (double) input.length * Long.parseLong(words[1]) / Long.parseLong(words[3]) * 1e3;
    }
}
