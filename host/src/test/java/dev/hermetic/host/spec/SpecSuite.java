package dev.hermetic.host.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Locates the WebAssembly specification scripts in {@code ../shared/wasm-testsuite/} and turns
 * each {@code .wast} into a command list with wabt's {@code wast2json}. The scripts are data
 * shared beside the project, never copied into it; the conversions are cached under
 * {@code target/spec-scripts/}.
 */
final class SpecSuite {

    /** The eighteen memory scripts the issue names; a missing one is an error, not a skip. */
    static final List<String> MEMORY_SCRIPTS =
            List.of(
                    "address", "align", "bulk", "data", "endianness", "float_memory",
                    "left-to-right", "load", "memory", "memory_copy", "memory_fill",
                    "memory_grow", "memory_init", "memory_redundancy", "memory_size",
                    "memory_trap", "store", "traps");

    private SpecSuite() {}

    /** The suite folder, or empty with the reason it cannot be used here. */
    static Optional<Path> suiteDir() {
        String root = System.getProperty("hermetic.root");
        Path base = root != null ? Paths.get(root) : Paths.get("").toAbsolutePath().getParent();
        Path dir = base.resolve("../shared/wasm-testsuite").normalize();
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /**
     * More scripts to run where a test wants them (the control-flow scripts of the same suite,
     * say): every {@code .wast} in the folder {@code -Dhermetic.spec.extra} names; none without it.
     */
    static List<Path> extraScripts() throws IOException {
        String dir = System.getProperty("hermetic.spec.extra");
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Paths.get(dir))) {
            return files.filter(f -> f.toString().endsWith(".wast")).sorted().collect(Collectors.toList());
        }
    }

    /** Why the suite cannot run on this machine, or empty when it can. */
    static Optional<String> unavailableReason() {
        if (suiteDir().isEmpty()) {
            return Optional.of(
                    "../shared/wasm-testsuite/ is absent: the WebAssembly spec scripts are shared"
                            + " data beside the project, not part of it");
        }
        if (!onPath("wast2json")) {
            return Optional.of(
                    "wast2json is not on PATH: install Debian's wabt package"
                            + " (apt-get install wabt) to run the spec scripts");
        }
        return Optional.empty();
    }

    /** Converts one script (cached) and returns the folder holding its JSON and modules. */
    static WastScript load(String name) throws IOException, InterruptedException {
        return load(suiteDir().orElseThrow().resolve(name + ".wast"));
    }

    /** Converts the script {@code wast} (cached) and returns the folder holding its JSON and modules. */
    static WastScript load(Path wast) throws IOException, InterruptedException {
        String name = wast.getFileName().toString().replaceFirst("\\.wast$", "");
        if (!Files.isRegularFile(wast)) {
            throw new IOException("spec script missing: " + wast);
        }
        Path out = Paths.get("target", "spec-scripts", name).toAbsolutePath();
        Path json = out.resolve(name + ".json");
        if (!Files.isRegularFile(json)
                || Files.getLastModifiedTime(json).compareTo(Files.getLastModifiedTime(wast)) < 0) {
            Files.createDirectories(out);
            Process p =
                    new ProcessBuilder("wast2json", "--enable-all", wast.toString(), "-o", json.toString())
                            .redirectErrorStream(true)
                            .start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("wast2json failed on " + wast + ":\n" + log);
            }
        }
        return WastScript.parse(name, json);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
            return dirs.map(d -> Paths.get(d, tool)).anyMatch(Files::isExecutable);
        }
    }

    static String describe(List<String> failures, int limit) {
        return failures.stream().limit(limit).collect(Collectors.joining("\n  ", "\n  ", ""))
                + (failures.size() > limit ? "\n  ... and " + (failures.size() - limit) + " more" : "");
    }
}
