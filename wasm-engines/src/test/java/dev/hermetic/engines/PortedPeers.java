package dev.hermetic.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers of the ported engines (sqlite, lua) for benches: the same .wasm on V8 (Node 20 for
 * sqlite; Node 24 from {@code src/test/node} for lua, whose setjmp needs the new exception
 * opcodes) and the engine's own C source with the same Debian library built natively by gcc -O2
 * through {@code src/test/native/filter_bench.c}. The library sources come from
 * {@code third-party/fetch.sh}'s cache, where {@code build.sh} left them.
 */
public final class PortedPeers {

    private PortedPeers() {}

    /**
     * A timed run.
     *
     * @param millisPerCall wall-clock milliseconds per engine_start, averaged over the timed calls
     * @param output what the last call wrote
     */
    public record Run(double millisPerCall, byte[] output) {}

    /** The V8 run of {@code engine}: a warm instance, engine_start timed for at least {@code minMillis}. */
    public static Run v8(String engine, byte[] input, int outCap, int minMillis, Path work)
            throws IOException, InterruptedException {
        Path module = EngineBench.locateModule();
        String node = engine.equals("lua") ? module.resolve(NodePeerTest.NODE_24).toString() : "node";
        Path in = work.resolve(engine + "-v8.in");
        Files.write(in, input);
        Path wasm = work.resolve(engine + ".wasm");
        Files.write(wasm, Engines.bytes(engine));
        String report = EngineBench.run(module, List.of(node, "src/test/node/run-engine.mjs", "bench", wasm.toString(),
                Integer.toString(outCap), in.toString(), Integer.toString(minMillis)));
        return new Run(millisPerCall(report), Files.readAllBytes(Path.of(in + ".out")));
    }

    /** The native run of {@code engine}: its C source built with gcc -O2, timed as on V8. */
    public static Run nativeBuild(String engine, byte[] input, int outCap, int minMillis, Path work)
            throws IOException, InterruptedException {
        Path module = EngineBench.locateModule();
        Path cache = Path.of(EngineBench.run(module, List.of("third-party/fetch.sh")).lines()
                .reduce((first, last) -> last).orElseThrow());
        Path binary = work.resolve(engine + "-native");
        List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-w", "-I", "sdk/c/include"));
        switch (engine) {
            case "sqlite" -> {
                Path amalgamation = cache.resolve("sqlite3-3.40.1/.hermetic-amalgamation");
                gcc.addAll(flags(module.resolve("engines/c/sqlite/sqlite.flags")));
                gcc.addAll(List.of("-DSQLITE_OS_OTHER=1", "-I", amalgamation.toString(),
                        amalgamation.resolve("sqlite3.c").toString()));
            }
            case "lua" -> {
                Path src = cache.resolve("lua5.4-5.4.4/src");
                Path objects = Files.createDirectories(work.resolve("lua-objects"));
                List<String> library = new ArrayList<>(List.of("gcc", "-O2", "-w", "-c", "-I", "engines/c/lua/include",
                        "-include", "engines/c/lua/lua_output.h"));
                library.addAll(flags(module.resolve("engines/c/lua/lua.flags")));
                for (String file : flags(module.resolve("engines/c/lua/library.list"))) {
                    library.add(src.resolve(file + ".c").toString());
                    gcc.add(objects.resolve(file + ".o").toString());
                }
                EngineBench.run(objects, library.stream().map(a -> a.startsWith("engines/") ? module.resolve(a).toString() : a).toList());
                // filter_bench.c includes stdio.h before lua.c can ask for fopencookie.
                gcc.addAll(List.of("-D_GNU_SOURCE", "-I", "engines/c/lua/include", "-I", src.toString()));
            }
            default -> throw new IllegalArgumentException("not a ported engine: " + engine);
        }
        gcc.addAll(List.of("-DENGINE_SOURCE=\"" + module.resolve("engines/c/" + engine + "/" + engine + ".c") + "\"",
                "-o", binary.toString(), "src/test/native/filter_bench.c", "-lm"));
        EngineBench.run(module, gcc);
        Path in = work.resolve(engine + "-native.in");
        Files.write(in, input);
        Path out = work.resolve(engine + "-native.out");
        String report = EngineBench.run(module, List.of(binary.toString(), in.toString(), Integer.toString(outCap),
                Integer.toString(minMillis), out.toString()));
        return new Run(millisPerCall(report), Files.readAllBytes(out));
    }

    /** A flags or list file of the build: one item a line, '#' starts a comment. */
    static List<String> flags(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.replaceAll("#.*", "").trim())
                .filter(line -> !line.isEmpty()).toList();
    }

    /** Parses "calls N nanos T". */
    private static double millisPerCall(String report) {
        String[] words = report.lines().filter(l -> l.startsWith("calls ")).findFirst().orElseThrow().split("\\s+");
        return Long.parseLong(words[3]) / 1e6 / Long.parseLong(words[1]);
    }
}
