package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GraalWasm as a peer, through {@code host/src/test/graalwasm}: Truffle's optimizing runtime on a
 * JDK 21 or newer ({@code -Dhermetic.graalwasm.jdk=PATH}, by default Temurin 25 where Debian's
 * packages put it), with JVMCI enabled and the Graal compiler on the upgrade module path. The
 * runtime's jars come from Maven Central, copied once per run by {@link #prepare}.
 */
final class GraalWasmPeer {
    private final Path java;
    private final Path lib;
    private final Path runner;

    private GraalWasmPeer(Path java, Path lib, Path runner) {
        this.java = java;
        this.lib = lib;
        this.runner = runner;
    }

    /**
     * GraalWasm ready to run, or null (and why, on standard error) when the JDK or its
     * dependencies are not to be had.
     */
    static GraalWasmPeer prepare(Path work) throws InterruptedException {
        Path jdk = Path.of(System.getProperty("hermetic.graalwasm.jdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Path java = jdk.resolve("bin/java");
        Path peer = moduleRoot().resolve("src/test/graalwasm");
        if (!Files.isExecutable(java) || !Files.exists(peer.resolve("pom.xml"))) {
            System.err.println("GraalWasm column skipped: no JDK at " + jdk + " (-Dhermetic.graalwasm.jdk)");
            return null;
        }
        Path lib = work.resolve("graalwasm-lib");
        try {
            ProcessBuilder mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", peer.resolve("pom.xml").toString(),
                    "dependency:copy-dependencies", "-DoutputDirectory=" + lib).redirectErrorStream(true);
            mvn.environment().put("JAVA_HOME", jdk.toString());
            Process p = mvn.start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("GraalWasm column skipped: its dependencies did not resolve:\n" + log);
                return null;
            }
        } catch (IOException e) {
            System.err.println("GraalWasm column skipped: " + e);
            return null;
        }
        return new GraalWasmPeer(java, lib, peer.resolve("GraalWasmRun.java"));
    }

    /**
     * One instance, engine_start repeated as the other peers do, after as long a warm-up.
     *
     * @throws IllegalStateException if GraalWasm's output differs from {@code expectedDigest}, or
     *     Truffle ran without its optimizing runtime
     */
    double megabytesPerSecond(String engine, byte[] input, String expectedDigest, int millis, Path work)
            throws IOException, InterruptedException {
        Path in = Files.write(work.resolve(engine + ".gw.in"), input);
        Path wasm = Files.write(work.resolve(engine + ".gw.wasm"), Engines.bytes(engine));
        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:+UnlockExperimentalVMOptions",
                "-XX:+EnableJVMCI", "--upgrade-module-path=" + jar("compiler"), "--module-path=" + lib,
                "--add-modules=org.graalvm.polyglot", "-Dpolyglot.engine.WarnInterpreterOnly=true"));
        command.addAll(List.of(runner.toString(), "bench", wasm.toString(), Integer.toString(4 << 20), in.toString(),
                Integer.toString(millis)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("GraalWasm on " + engine + " failed:\n" + report);
        }
        if (report.contains("does not support runtime compilation") || report.contains("interpreter")) {
            throw new IllegalStateException("GraalWasm ran without its optimizing runtime:\n" + report);
        }
        String[] words = report.lines().reduce((a, b) -> b).orElseThrow().split("\\s+");
        if (!words[5].equals(expectedDigest)) {
            throw new IllegalStateException("GraalWasm's output of " + engine + " differs from Hermetic's: " + String.join(" ", words));
        }
        return (double) input.length * Long.parseLong(words[1]) / Long.parseLong(words[3]) * 1e3;
    }

    private String jar(String artifact) throws IOException {
        try (var files = Files.list(lib)) {
            return files.filter(f -> f.getFileName().toString().startsWith(artifact + "-")).findFirst()
                    .orElseThrow(() -> new IOException("no " + artifact + " jar in " + lib)).toString();
        }
    }

    /** The host module's folder, whether the bench runs from it or from the repository root. */
    private static Path moduleRoot() {
        Path root = Path.of(System.getProperty("hermetic.root", "")).toAbsolutePath();
        return Files.exists(root.resolve("src/test/graalwasm")) ? root : root.resolve("host");
    }
}
